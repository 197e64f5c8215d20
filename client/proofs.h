/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * proofs.h — inclusion and consistency proofs, verified against checkpoints
 * the handle accepted (liuhen.h: lh_inclusion_proof(),
 * lh_inclusion_proof_by_hash(), lh_consistency_proof()).
 */
#ifndef LIUHEN_PROOFS_H
#define LIUHEN_PROOFS_H

#include "handle.h"

/*
 * Fetch and verify the inclusion proof of the leaf t names, at tree_size
 * (0: the latest checkpoint's size), against a checkpoint of that size that
 * the handle verified or accepts now.
 */
int proofs_inclusion(lh_conn *c, const handle_target *t, uint64_t tree_size, lh_inclusion *out,
                     const char *what, lh_err *err);

#endif
