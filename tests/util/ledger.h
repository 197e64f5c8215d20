/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * ledger.h — driving a test liuhend (daemon.h) as its clients do: a client
 * handle, records appended from JSON, keys enrolled and revoked by the
 * daemon's admin key; and raw frames, for what the client library would
 * refuse to send or to read.
 *
 * Everything here fails the running cmocka test on error, except the calls
 * that return the library's code for the test to check.
 */
#ifndef LIUHEN_TEST_LEDGER_H
#define LIUHEN_TEST_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon.h"
#include "keyfile.h"
#include "liuhen.h"

/* ---- the client library ------------------------------------------------------------------- */

/**
 * A handle on d's socket with d's log key, a 20 s timeout and state_file
 * (may be NULL). The caller closes it with lh_close().
 */
lh_conn *tl_connect(const td_daemon *d, const char *state_file);

/**
 * A fresh test daemon, started with extra_args (td_init_start()), and a
 * handle on it without a state file (tl_connect()).
 */
lh_conn *tl_start(td_daemon *d, const char *const *extra_args);

/** Close the handle c, then stop d cleanly and remove it (td_stop_cleanup()). */
void tl_stop(td_daemon *d, lh_conn *c);

/** A new unencrypted key named name; the caller frees it with keyfile_key_free(). */
keyfile_key *tl_new_key(const char *name);

/** An Entry from JSON in the schema's field names; free it with tl_entry_free(). */
Liuhen__Entry *tl_entry_json(const char *json);

/** Free an entry of tl_entry_json(); e may be NULL. */
void tl_entry_free(Liuhen__Entry *e);

/**
 * Append a record given as JSON in the schema's field names, signed by key.
 * @return lh_append()'s code; r as lh_append() leaves it.
 */
int tl_append_json(lh_conn *c, const keyfile_key *key, const char *json, lh_receipt *r,
                   lh_err *err);

/**
 * Enrol key, with d's admin key, as held by the key's name, a 科员 of
 * 执法大队, with roles (a JSON array of ROLE_* or short names).
 */
void tl_enroll(lh_conn *c, const td_daemon *d, const keyfile_key *key, const char *roles_json);

/** Revoke key with d's admin key. */
void tl_revoke(lh_conn *c, const td_daemon *d, const keyfile_key *key);

/* ---- raw frames --------------------------------------------------------------------------- */

/** A blocking connection to d's socket. The caller closes it. */
int tl_raw_connect(const td_daemon *d);

/** Write all of buf (never raising SIGPIPE). */
void tl_raw_write(int fd, const void *buf, size_t len);

/** Write one frame: the length prefix, then body. */
void tl_raw_frame(int fd, const void *body, uint32_t len);

/**
 * Append the frame of a request to *buf (realloc'd; start with NULL and 0),
 * so that several requests go in one write.
 */
void tl_put_request(uint8_t **buf, size_t *len, const Liuhen__Request *req);

/**
 * Read exactly len bytes within timeout_ms.
 * @return 1 when read, 0 when the server closed the connection first, -1 on
 *         a timeout.
 */
int tl_raw_read(int fd, uint8_t *buf, size_t len, int timeout_ms);

/**
 * The next Response on a raw connection, within 20 s (a timeout fails the
 * test); NULL when the server closed the connection. The caller frees it
 * with liuhen__response__free_unpacked().
 */
Liuhen__Response *tl_raw_response(int fd);

/** Whether the server closed the connection (EOF within 5 s). */
bool tl_raw_closed(int fd);

/**
 * Write frames on a new raw connection, read one Response (failing the test
 * if there is none) and close the connection.
 */
Liuhen__Response *tl_raw_call(const td_daemon *d, const uint8_t *frames, size_t len);

/* ---- what the daemon writes --------------------------------------------------------------- */

/**
 * Check a C2SP tiles directory (a published or exported log) with the
 * format core alone: dir/checkpoint opens with d's log key and has tree
 * size `size` (at least 1) and root `root`; every resource that size needs is there;
 * each entry bundle holds exactly its width of leaves, and, when logged is
 * not NULL, the log's own leaves byte for byte (logged->items[i] is entry
 * i); every hash tile holds the hashes of complete subtrees of those
 * leaves; and the RFC 6962 root of the leaves is the checkpoint's.
 * @return how many tiles and bundles were read (the checkpoint not counted).
 */
size_t tl_check_tiles(const char *dir, const td_daemon *d, uint64_t size, const uint8_t root[32],
                      const lh_entries *logged);

#endif
