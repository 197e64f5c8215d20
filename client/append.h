/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * append.h — what an append is made of, shared by the one-at-a-time
 * appends (append.c: lh_append(), lh_append_signed()) and the pipelined
 * runs (pipeline.c: lh_append_many(), lh_append_signed_many()): signing
 * an entry against chain heads, the Append request, the chain heads from
 * the wire, and the receipt made of an answer.
 */
#ifndef LIUHEN_APPEND_H
#define LIUHEN_APPEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "handle.h"
#include "keyfile.h"

/* The entry id of a SignedEntry's entry. @return 0, or the unpacking error. */
int append_entry_id(const uint8_t *signed_entry, size_t len, uint8_t id[LH_HASH_SIZE]);

/*
 * Fill the chain links of a copy of the caller's entry from the heads
 * (author_seq, author_prev, case_prev; the origin, the author key and
 * recorded_at), validate it, sign it and pack the SignedEntry into *out
 * (malloc'd).
 */
int append_sign(lh_conn *c, const keyfile_key *key, const Liuhen__Entry *tmpl, const lh_heads *h,
                int64_t recorded_at, uint8_t **out, size_t *out_len, const char *what, lh_err *err);

/* The heads after an entry with this id is logged (in_case: it has a case). */
void append_advance(lh_heads *h, const uint8_t id[LH_HASH_SIZE], bool in_case);

/* Whether two sets of heads are the same. */
bool append_heads_equal(const lh_heads *a, const lh_heads *b);

/* Heads from the wire: a head is present exactly when its count is not 0;
 * the case's only when want_case. */
int append_heads_from(const Liuhen__Heads *h, bool want_case, lh_heads *out, const char *what,
                      lh_err *err);

/* Ask the server for the heads of a key, and of a case when case_id is set. */
int append_fetch_heads(lh_conn *c, const uint8_t key[LH_HASH_SIZE], const char *case_id,
                       lh_heads *out, int64_t deadline, const char *what, lh_err *err);

/* An Append request of SignedEntry bytes exactly as they are (borrowed),
 * with the size of the checkpoint the handle last saw (known_size). */
void append_request(const lh_conn *c, const uint8_t *signed_entry, size_t len,
                    Liuhen__AppendRequest *q, Liuhen__Request *req);

/*
 * Turn an Append answer into a verified receipt in out, whose signed_entry
 * already holds the bytes sent: the checkpoint opened (once per note), the
 * leaf and the inclusion proof checked, the checkpoint accepted as
 * consistent with the last one seen (with the answer's consistency proof
 * when it fits). On failure out keeps only the bytes sent, except for
 * LH_ECOMMITTED: the receipt verified but the consistency could not be
 * checked (append_unchecked() of the cause), and out keeps the receipt.
 */
/* Whether a failure to check a checkpoint's consistency leaves it merely
 * unchecked (the connection, the daemon or the system failed) rather than
 * refuted (a fork, a bad proof). */
bool append_unchecked(int rc);

int append_finish(lh_conn *c, const Liuhen__Response *r, lh_receipt *out, int64_t deadline,
                  const char *what, lh_err *err);

/* Free everything of a receipt but the signed entry (lh_append()'s rule). */
void append_clear_keep_entry(lh_receipt *r);

/* The context of an append for messages: its case, or its kind. */
void append_what(char what[WHAT_MAX], const Liuhen__Entry *e);

#endif
