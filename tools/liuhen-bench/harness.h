/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * harness.h — the liuhend a benchmark measures, and its authors.
 *
 * Either the harness makes its own log: a temporary directory, a fresh
 * admin key, `liuhend init`, then liuhend serving it on a socket in that
 * directory (as scripts/run.sh does), stopped and removed at the end, and
 * killed if the benchmark dies first. Or it uses a running liuhend given
 * by its socket, its log's verifier key and an admin key.
 *
 * Authors are enrolled as `liuhen enroll` enrols a holder: a KEY_ENROLL
 * record signed by the admin key (lh_append()), with the roles every kind
 * of corpus.h needs. Each has its key twice over: as an lh_key for
 * lh_append(), and as a libsodium secret key for signing entries ahead.
 */
#ifndef LIUHEN_BENCH_HARNESS_H
#define LIUHEN_BENCH_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "corpus.h"
#include "liuhen.h"

/** Where the daemon is, or how to make one. Zero-initialise, then fill. */
typedef struct harness_config {
    /** A running liuhend: all three, or none to start one. */
    const char *socket;
    const char *log_key;   /**< its log.vkey file */
    const char *admin_key; /**< an admin's secret key file; passphrase in LIUHEN_PASSPHRASE */
    /** Where the temporary directory is made (NULL: $TMPDIR, else /tmp). */
    const char *dir;
    /** The liuhend program to start. */
    const char *liuhend;
    /** Keep the temporary directory (and say where it is). */
    bool keep;
} harness_config;

typedef struct harness harness;

/** One enrolled author. */
typedef struct harness_author {
    lh_key *key;     /**< for lh_append() */
    uint8_t *sk;     /**< libsodium Ed25519 secret key, in sodium_malloc'd memory */
    corpus *stream;  /**< the author's records */
    char holder[64]; /**< as enrolled */
} harness_author;

/**
 * Start a liuhend of its own, or reach the running one, and check that it
 * answers (Status) within 20 seconds.
 * @param[out] out  free with harness_close().
 * @return 0; an LH_E* code or -errno with err naming the file, program or
 *         socket and the cause.
 */
int harness_open(const harness_config *cfg, harness **out, lh_err *err);

/**
 * Stop the daemon if it is the harness's own (SIGTERM, then SIGKILL after
 * 30 s) and remove the temporary directory unless kept. Accepts NULL.
 * @return the daemon's exit status as waitpid(2) gives it, or 0.
 */
int harness_close(harness *h);

/** How to connect to it; valid until harness_close(). */
const lh_options *harness_options(const harness *h);

/** The temporary directory (scratch room for the ceilings and exports). */
const char *harness_workdir(const harness *h);

/** The log.vkey file. */
const char *harness_vkey_path(const harness *h);

/** The daemon's data directory; NULL for a running daemon given by socket. */
const char *harness_data_dir(const harness *h);

/**
 * The log's size, from its latest checkpoint (lh_get_checkpoint() on a
 * connection of its own).
 * @return 0; the codes of lh_connect() and lh_get_checkpoint(), with err.
 */
int harness_tree_size(const harness *h, uint64_t *size, lh_err *err);

/**
 * CPU seconds (user and system) the harness's own daemon has used so far,
 * from /proc; a negative number for a daemon it did not start.
 */
double harness_daemon_cpu(const harness *h);

/** The process id of the harness's own daemon; 0 for a running one. */
pid_t harness_daemon_pid(const harness *h);

/**
 * Make n new authors and enrol them, one KEY_ENROLL each, signed by the
 * admin key.
 * @param[out] out  n authors; free with harness_authors_free(out, n), before
 *                  harness_close() (their streams borrow the log's origin).
 * @return 0; the codes of lh_append(), with err; LH_ENOMEM.
 */
int harness_enroll(harness *h, size_t n, harness_author **out, lh_err *err);

/** Remove a directory and everything in it, as far as possible. */
void harness_remove_tree(const char *dir);

/** Free authors (wiping their keys). Accepts NULL. */
void harness_authors_free(harness_author *a, size_t n);

#endif
