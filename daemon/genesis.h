/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * genesis.h — the log's first entry, written by `liuhend init`: a
 * KEY_ENROLL that enrols the first admin key, authored and signed by the
 * log's own key (docs/design.md "Kinds"). It goes through the real write
 * path (a sequencer of its own), so that entry 0 and its checkpoint are
 * written exactly as any other entry.
 */
#ifndef LIUHEN_GENESIS_H
#define LIUHEN_GENESIS_H

#include "highwater.h"
#include "keyfile.h"
#include "note.h"
#include "store.h"

/**
 * Sign the genesis entry with key and append it to the empty store st,
 * waiting for its checkpoint (signed by signer) to be committed.
 * @param[in] admin   the first admin's public key and holder name.
 * @param[in] origin  the log's origin.
 * @param[in] hw      the new log's high-water mark: its first checkpoint
 *                    is recorded there.
 * @return 0, or -1 (logged: a bad origin or name, the writer's refusal,
 *         no answer within 120 s).
 */
int genesis_append(store *st, const keyfile_key *key, const note_signer *signer,
                   const keyfile_pub *admin, const char *origin, highwater *hw);

#endif
