/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * evidence.c — the trusted checkpoints and the receipts an inspector brings,
 * checked against the tiles (evidence.h).
 *
 * The tree hash at a checkpoint's size is computed from the tiles
 * themselves (tiles_tree_hash()), which hold every hash of the log: a
 * checkpoint of any earlier size is checked without asking the log for a
 * proof.
 */
#include "evidence.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "receipt.h"
#include "text.h"

/* Room for base64 of a 32-byte hash, with its NUL. */
#define B64_32 TEXT_B64_LEN(32)

/* Base64 of a root or a leaf hash, for the sentences. */
static void b64(char out[B64_32], const uint8_t bytes[32])
{
    text_b64_encode(out, bytes, 32);
}

/* Report a failure of a checkpoint or receipt check. */
static int cfail(report *rep, const char *check, uint64_t index, const char *zh, const char *en)
{
    report_item it = {.cls = REPORT_FAILURE, .check = check, .index = index, .zh = zh, .en = en};
    return report_add(rep, &it);
}

/* A failure of a tree of `size` entries: an alteration among them explains
 * it (cause.h). */
static int cfail_tree(report *rep, const char *check, uint64_t size, const char *zh, const char *en)
{
    report_item it = {.cls = REPORT_FAILURE,
                      .check = check,
                      .index = REPORT_NO_INDEX,
                      .zh = zh,
                      .en = en,
                      .has_span = size > 0,
                      .span_first = 0,
                      .span_last = size > 0 ? size - 1 : 0};
    return report_add(rep, &it);
}

/*
 * docs/design.md "The verifier", check 2: the log extends a checkpoint it
 * signed earlier: that checkpoint's size is at most the log's, and the
 * log's tree of that size, computed from the tiles, has its root. A tile
 * that cannot be read for it is a failure too: the proof cannot be made.
 */
static int check_consistent(tiles *t, const checkpoint *cp, const char *what_zh,
                            const char *what_en, const char *check, uint64_t size,
                            const uint8_t root[MERKLE_HASH_SIZE], report *rep, bool *ok)
{
    char zh[1024], en[1024], r1[B64_32], r2[B64_32], r3[B64_32];
    b64(r1, cp->root);
    b64(r3, root);
    if (cp->size > size) {
        snprintf(zh, sizeof zh,
                 "%s 的树大小为 %" PRIu64 "（根 %s），大于本日志检查点的 %" PRIu64
                 "（根 %s）：日志比其曾签署的树更短，已被回滚或分叉",
                 what_zh, cp->size, r1, size, r3);
        snprintf(en, sizeof en,
                 "%s has the tree size %" PRIu64 " (root %s), larger than the log's checkpoint "
                 "%" PRIu64 " (root %s): the log is shorter than a tree it signed (rolled back "
                 "or forked)",
                 what_en, cp->size, r1, size, r3);
        *ok = false;
        return cfail(rep, check, REPORT_NO_INDEX, zh, en);
    }
    uint8_t got[MERKLE_HASH_SIZE];
    lh_err e = {""};
    int rc = tiles_tree_hash(t, cp->size, got, &e);
    if (rc == LH_ENOMEM)
        return rc;
    if (rc != 0) {
        snprintf(zh, sizeof zh, "无法核对 %s（树大小 %" PRIu64 "）与本日志的一致性：%s", what_zh,
                 cp->size, e.msg);
        snprintf(en, sizeof en, "%s (tree size %" PRIu64 ") cannot be checked against the log: %s",
                 what_en, cp->size, e.msg);
        *ok = false;
        return cfail_tree(rep, check, cp->size, zh, en);
    }
    if (memcmp(got, cp->root, MERKLE_HASH_SIZE) != 0) {
        b64(r2, got);
        if (cp->size == size) {
            /* Two checkpoints of one size with two roots: the log key
             * signed two histories (README.md "Guarantees, in plain words": a fork). */
            snprintf(zh, sizeof zh,
                     "%s 与本日志检查点的树大小同为 %" PRIu64 "，但根不同（%s 与 %s）：日志分叉，"
                     "日志密钥签署了两种历史",
                     what_zh, size, r1, r3);
            snprintf(en, sizeof en,
                     "%s has the same tree size %" PRIu64 " as the log's checkpoint but another "
                     "root (%s, not %s): a fork, the log key signed two histories",
                     what_en, size, r1, r3);
        } else {
            snprintf(zh, sizeof zh,
                     "%s（树大小 %" PRIu64 "，根 %s）不是本日志的前缀：本日志前 %" PRIu64
                     " 条记录的树根为 %s（本日志检查点：树大小 %" PRIu64 "，根 %s）",
                     what_zh, cp->size, r1, cp->size, r2, size, r3);
            snprintf(en, sizeof en,
                     "%s (tree size %" PRIu64 ", root %s) is not a prefix of this log: the log's "
                     "tree of %" PRIu64 " entries has the root %s (log checkpoint: size %" PRIu64
                     ", root %s)",
                     what_en, cp->size, r1, cp->size, r2, size, r3);
        }
        *ok = false;
        return cfail_tree(rep, check, cp->size, zh, en);
    }
    return 0;
}

int evidence_check_trusted(tiles *t, const note_verifier *log_key, const char *name,
                           const uint8_t *note, size_t len, uint64_t size,
                           const uint8_t root[MERKLE_HASH_SIZE], report *rep, bool *ok, lh_err *err)
{
    char what_zh[600], what_en[600], zh[1536], en[1536];
    *ok = true;
    snprintf(what_zh, sizeof what_zh, "受信任的检查点 %s", name);
    snprintf(what_en, sizeof what_en, "the trusted checkpoint %s", name);
    checkpoint_opened *op = malloc(sizeof *op);
    if (op == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", name);
    lh_err e = {""};
    int rc = checkpoint_open(note, len, log_key, NULL, 0, op, &e);
    if (rc != 0) {
        snprintf(zh, sizeof zh, "%s 无法以日志密钥验证：%s", what_zh, e.msg);
        snprintf(en, sizeof en, "%s does not verify with the log key: %s", what_en, e.msg);
        *ok = false;
        rc = cfail(rep, "consistency", REPORT_NO_INDEX, zh, en);
    } else {
        rc = check_consistent(t, &op->cp, what_zh, what_en, "consistency", size, root, rep, ok);
    }
    free(op);
    if (rc != 0)
        return lh_err_set(err, rc, "%s: %s", name, lh_strerror(rc));
    return 0;
}

int evidence_check_receipt(tiles *t, const note_verifier *log_key, const char *name,
                           const lh_receipt *r, uint64_t size, const uint8_t root[MERKLE_HASH_SIZE],
                           report *rep, bool *ok, lh_err *err)
{
    char what_zh[600], what_en[600], zh[1024], en[1024];
    char want[B64_32], got[B64_32];
    *ok = true;
    b64(want, r->leaf_hash);
    lh_err e = {""};
    int rc = receipt_verify(r, log_key, &e);
    if (rc != 0) {
        snprintf(zh, sizeof zh, "收据 %s（第%" PRIu64 "号记录）无法验证：%s", name, r->leaf_index,
                 e.msg);
        snprintf(en, sizeof en, "the receipt %s (entry %" PRIu64 ") does not verify: %s", name,
                 r->leaf_index, e.msg);
        *ok = false;
        rc = cfail(rep, "receipt", r->leaf_index, zh, en);
        return rc != 0 ? lh_err_set(err, rc, "%s: %s", name, lh_strerror(rc)) : 0;
    }
    checkpoint_opened *op = malloc(sizeof *op);
    if (op == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", name);
    rc = checkpoint_open(r->checkpoint, r->checkpoint_len, log_key, NULL, 0, op, &e);
    if (rc == 0) {
        snprintf(what_zh, sizeof what_zh, "收据 %s 中的检查点", name);
        snprintf(what_en, sizeof what_en, "the checkpoint of the receipt %s", name);
        rc = check_consistent(t, &op->cp, what_zh, what_en, "consistency", size, root, rep, ok);
    }
    free(op);
    if (rc != 0)
        return lh_err_set(err, rc, "%s: %s", name, lh_strerror(rc));

    /* docs/design.md "Merkle tree, checkpoints, receipts": if the entry vanishes or changes, the
     * receipt convicts the log. */
    if (r->leaf_index >= size) {
        snprintf(zh, sizeof zh,
                 "收据 %s 证明第%" PRIu64 "号记录（哈希 %s）已存证，但本日志只有 %" PRIu64
                 " 条记录",
                 name, r->leaf_index, want, size);
        snprintf(en, sizeof en,
                 "the receipt %s is for entry %" PRIu64 " (leaf hash %s), but the log has only "
                 "%" PRIu64 " entries",
                 name, r->leaf_index, want, size);
        *ok = false;
        rc = cfail(rep, "receipt", r->leaf_index, zh, en);
        return rc != 0 ? lh_err_set(err, rc, "%s: %s", name, lh_strerror(rc)) : 0;
    }
    uint8_t leaf[MERKLE_HASH_SIZE];
    rc = tiles_leaf_hash(t, r->leaf_index, leaf, &e);
    if (rc == LH_ENOMEM)
        return lh_err_set(err, rc, "%s: %s", name, lh_strerror(rc));
    if (rc != 0) {
        snprintf(zh, sizeof zh, "无法读取收据 %s 所证明的第%" PRIu64 "号记录的哈希：%s", name,
                 r->leaf_index, e.msg);
        snprintf(en, sizeof en,
                 "the hash of entry %" PRIu64 ", which the receipt %s is for, cannot be read: %s",
                 r->leaf_index, name, e.msg);
        *ok = false;
        rc = cfail(rep, "receipt", r->leaf_index, zh, en);
    } else if (memcmp(leaf, r->leaf_hash, MERKLE_HASH_SIZE) != 0) {
        b64(got, leaf);
        snprintf(zh, sizeof zh,
                 "第%" PRIu64 "号记录的哈希为 %s，但收据 %s 所证明的为 %s：记录被删除或替换",
                 r->leaf_index, got, name, want);
        snprintf(en, sizeof en,
                 "entry %" PRIu64 " has the hash %s, but the receipt %s says %s: the entry was "
                 "removed or replaced",
                 r->leaf_index, got, name, want);
        *ok = false;
        rc = cfail(rep, "receipt", r->leaf_index, zh, en);
    }
    return rc != 0 ? lh_err_set(err, rc, "%s: %s", name, lh_strerror(rc)) : 0;
}
