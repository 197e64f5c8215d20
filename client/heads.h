/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * heads.h — the chain heads a client handle's own appends left: after an
 * append by a key to a case, the key's head is that entry (its author_seq
 * and entry id) and so is the case's. Remembering them lets the next
 * append by the same handle, with the same key or to the same case, sign
 * at once without asking the server (GetAuthorHead). A head remembered
 * here can be stale (another handle appended meanwhile): the server then
 * answers CONFLICT with the current heads, which replace it.
 *
 * At most HEADS_MAX keys and HEADS_MAX cases are remembered; beyond that
 * the memory starts over, which costs one GetAuthorHead each.
 */
#ifndef LIUHEN_HEADS_H
#define LIUHEN_HEADS_H

#include <stdbool.h>
#include <stdint.h>

#include "liuhen.h"

/** Keys, and cases, remembered at most. */
#define HEADS_MAX 4096

typedef struct heads heads;

/** An empty memory. @return 0, LH_ENOMEM. */
int heads_new(heads **out);

/** Free it. Accepts NULL. */
void heads_free(heads *m);

/**
 * The heads an entry by `key` in `case_id` ("" or NULL: none) must name,
 * when both are remembered (only the author's when there is no case).
 * @return whether they are.
 */
bool heads_get(const heads *m, const uint8_t key[LH_HASH_SIZE], const char *case_id, lh_heads *out);

/**
 * Remember the heads: the author's always, the case's when case_id is set.
 * A failure to allocate only forgets (the next append asks the server).
 */
void heads_put(heads *m, const uint8_t key[LH_HASH_SIZE], const char *case_id, const lh_heads *h);

/** Forget what is remembered of a key and a case. */
void heads_forget(heads *m, const uint8_t key[LH_HASH_SIZE], const char *case_id);

#endif
