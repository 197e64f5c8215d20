/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * proofs.c — inclusion and consistency proofs (proofs.h, liuhen.h).
 */
#include "proofs.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "checkpoint.h"
#include "merkle.h"

_Static_assert(LH_HASH_SIZE == CHECKPOINT_HASH_LEN, "roots are Merkle hashes");

/* ------------------------------------------------------------------------ */
/* Proofs. */

void lh_inclusion_free(lh_inclusion *p)
{
    if (p == NULL)
        return;
    free(p->audit_path);
    lh_checkpoint_free(&p->checkpoint);
    memset(p, 0, sizeof *p);
}

void lh_consistency_free(lh_consistency *p)
{
    if (p == NULL)
        return;
    free(p->proof);
    memset(p, 0, sizeof *p);
}

/*
 * The verified checkpoint a proof of tree size `size` is checked against:
 * the one in the response when there is one (checked and accepted), else one
 * this handle verified before.
 */
static int proof_checkpoint(lh_conn *c, const ProtobufCBinaryData *note, uint64_t size, bool latest,
                            lh_checkpoint *out, int64_t deadline, const char *what, lh_err *err)
{
    if (note->len > 0)
        return handle_accept_note(c, note, size, latest, out, deadline, what, err);
    const lh_checkpoint *k = latest ? NULL : handle_known_find(c, size);
    if (k == NULL)
        return lh_err_set(err, LH_EPROTO,
                          "%s: the server sent no signed checkpoint of size %" PRIu64
                          " and this handle has verified none",
                          what, size);
    if (handle_checkpoint_copy(out, k) != 0)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    return 0;
}

/* With a witness policy, "the latest" is the largest checkpoint it accepts. */
static int policy_size(lh_conn *c, uint64_t *size, int64_t deadline, const char *what, lh_err *err)
{
    if (*size != 0 || c->min_cosig == 0)
        return 0;
    lh_checkpoint cp = {0};
    int rc = handle_get_latest(c, &cp, deadline, what, err);
    if (rc == 0)
        *size = cp.size;
    lh_checkpoint_free(&cp);
    return rc;
}

int proofs_inclusion(lh_conn *c, const handle_target *t, uint64_t tree_size, lh_inclusion *out,
                     const char *what, lh_err *err)
{
    int64_t deadline = conn_deadline(&c->t);
    int rc0 = policy_size(c, &tree_size, deadline, what, err);
    if (rc0 != 0)
        return rc0;
    Liuhen__Response *r;
    int rc = handle_inclusion_fetch(c, t, tree_size, &r, deadline, what, err);
    if (rc != 0)
        return rc;
    const Liuhen__InclusionProof *p = r->get_inclusion_proof->proof;
    if (p == NULL)
        rc = lh_err_set(err, LH_EPROTO, "%s: the response carries no inclusion proof", what);
    else if (p->leaf_hash.len != LH_HASH_SIZE)
        rc = lh_err_set(err, LH_EPROTO, "%s: the proof's leaf hash is %zu bytes, not %d", what,
                        p->leaf_hash.len, LH_HASH_SIZE);
    else if (t->by == LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_INDEX &&
             p->leaf_index != t->index)
        rc = lh_err_set(err, LH_EPROTO, "%s: the proof is for entry %" PRIu64, what, p->leaf_index);
    else if (t->by == LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_HASH &&
             memcmp(p->leaf_hash.data, t->hash, LH_HASH_SIZE) != 0)
        rc = lh_err_set(err, LH_EPROTO, "%s: the proof is for another leaf hash", what);
    else if (tree_size != 0 && p->tree_size != tree_size)
        rc = lh_err_set(err, LH_EPROTO, "%s: the proof is for tree size %" PRIu64, what,
                        p->tree_size);
    else
        rc = handle_take_hashes(p->audit_path, p->n_audit_path, &out->audit_path, "audit_path",
                                what, err);
    if (rc != 0)
        goto done;
    out->audit_path_len = p->n_audit_path;
    rc = proof_checkpoint(c, &r->get_inclusion_proof->checkpoint, p->tree_size, tree_size == 0,
                          &out->checkpoint, deadline, what, err);
    if (rc != 0)
        goto done;
    if (merkle_verify_inclusion(out->audit_path != NULL ? out->audit_path[0] : NULL,
                                out->audit_path_len, p->leaf_index, p->tree_size, p->leaf_hash.data,
                                out->checkpoint.root) != 0) {
        rc = lh_err_set(err, LH_EPROOF,
                        "%s: the inclusion proof of entry %" PRIu64
                        " does not verify against the checkpoint of size %" PRIu64,
                        what, p->leaf_index, p->tree_size);
        goto done;
    }
    out->leaf_index = p->leaf_index;
    out->tree_size = p->tree_size;
    memcpy(out->leaf_hash, p->leaf_hash.data, LH_HASH_SIZE);
done:
    if (rc != 0)
        lh_inclusion_free(out);
    liuhen__response__free_unpacked(r, NULL);
    return rc;
}

int lh_inclusion_proof(lh_conn *c, uint64_t index, uint64_t tree_size, lh_inclusion *out,
                       lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "inclusion proof: NULL argument");
    char what[WHAT_MAX];
    snprintf(what, sizeof what, "inclusion proof of entry %" PRIu64, index);
    handle_target t = {.by = LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_INDEX,
                       .index = index};
    return proofs_inclusion(c, &t, tree_size, out, what, err);
}

int lh_inclusion_proof_by_hash(lh_conn *c, const uint8_t leaf_hash[LH_HASH_SIZE],
                               uint64_t tree_size, lh_inclusion *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || leaf_hash == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "inclusion proof: NULL argument");
    char hex[17];
    sodium_bin2hex(hex, sizeof hex, leaf_hash, 8);
    char what[WHAT_MAX];
    snprintf(what, sizeof what, "inclusion proof of leaf hash %s...", hex);
    handle_target t = {.by = LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_HASH,
                       .hash = leaf_hash};
    return proofs_inclusion(c, &t, tree_size, out, what, err);
}

/*
 * The signed root of tree size `size`: that of a checkpoint this handle
 * verified, else the stored checkpoint of that size, which the server sends
 * with an inclusion proof at that size.
 */
static int signed_root(lh_conn *c, uint64_t size, uint8_t root[LH_HASH_SIZE], int64_t deadline,
                       const char *what, lh_err *err)
{
    const lh_checkpoint *k = handle_known_find(c, size);
    if (k != NULL) {
        memcpy(root, k->root, LH_HASH_SIZE);
        return 0;
    }
    Liuhen__Response *r;
    handle_target t = {.by = LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_INDEX, .index = 0};
    int rc = handle_inclusion_fetch(c, &t, size, &r, deadline, what, err);
    if (rc != 0)
        return rc;
    lh_checkpoint cp = {0};
    rc = proof_checkpoint(c, &r->get_inclusion_proof->checkpoint, size, false, &cp, deadline, what,
                          err);
    if (rc == 0)
        memcpy(root, cp.root, LH_HASH_SIZE);
    lh_checkpoint_free(&cp);
    liuhen__response__free_unpacked(r, NULL);
    return rc;
}

/*
 * Every tree extends the empty one: the proof from size 0 is empty, and the
 * log is not asked for it (liuhend refuses first = 0). Only the signed root
 * of the second size is needed.
 */
static int consistency_from_empty(lh_conn *c, uint64_t second, lh_consistency *out,
                                  int64_t deadline, const char *what, lh_err *err)
{
    int rc = 0;
    if (second != 0) {
        rc = signed_root(c, second, out->second_root, deadline, what, err);
    } else {
        lh_checkpoint cp = {0};
        rc = handle_get_latest(c, &cp, deadline, what, err);
        if (rc == 0) {
            second = cp.size;
            memcpy(out->second_root, cp.root, LH_HASH_SIZE);
        }
        lh_checkpoint_free(&cp);
    }
    if (rc != 0) {
        lh_consistency_free(out);
        return rc;
    }
    out->first = 0;
    out->second = second;
    merkle_empty_root(out->first_root);
    return 0;
}

int lh_consistency_proof(lh_conn *c, uint64_t first, uint64_t second, lh_consistency *out,
                         lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "consistency proof: NULL argument");
    char what[WHAT_MAX];
    if (second != 0)
        snprintf(what, sizeof what, "consistency proof from %" PRIu64 " to %" PRIu64, first,
                 second);
    else
        snprintf(what, sizeof what, "consistency proof from %" PRIu64 " to the latest", first);
    if (second != 0 && first > second)
        return lh_err_set(err, LH_EINVAL, "%s: the first size is the larger", what);
    int64_t deadline = conn_deadline(&c->t);
    int rc0 = policy_size(c, &second, deadline, what, err);
    if (rc0 != 0)
        return rc0;
    if (second != 0 && first > second)
        return lh_err_set(err, LH_EINVAL,
                          "%s: the first size is beyond the size the witnesses "
                          "cosigned, %" PRIu64,
                          what, second);
    if (first == 0)
        return consistency_from_empty(c, second, out, deadline, what, err);

    Liuhen__Response *r;
    const Liuhen__ConsistencyProof *p;
    Liuhen__Status status;
    int rc = handle_consistency_fetch(c, first, second, &r, &p, &status, deadline, what, err);
    if (rc != 0)
        return rc;
    rc =
        handle_take_hashes(p->consistency, p->n_consistency, &out->proof, "consistency", what, err);
    lh_checkpoint cp = {0};
    if (rc == 0) {
        out->proof_len = p->n_consistency;
        out->first = first;
        out->second = p->second;
        rc = proof_checkpoint(c, &r->get_consistency_proof->checkpoint, p->second, second == 0, &cp,
                              deadline, what, err);
    }
    liuhen__response__free_unpacked(r, NULL);
    if (rc == 0) {
        memcpy(out->second_root, cp.root, LH_HASH_SIZE);
        rc = signed_root(c, first, out->first_root, deadline, what, err);
    }
    lh_checkpoint_free(&cp);
    if (rc == 0 &&
        merkle_verify_consistency(out->proof != NULL ? out->proof[0] : NULL, out->proof_len,
                                  out->first, out->second, out->first_root, out->second_root) != 0)
        rc = lh_err_set(err, LH_EPROOF,
                        "%s: the proof does not verify against the signed roots of sizes %" PRIu64
                        " and %" PRIu64,
                        what, out->first, out->second);
    if (rc != 0)
        lh_consistency_free(out);
    return rc;
}
