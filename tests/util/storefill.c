/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * storefill.c — fill a daemon store for tests (storefill.h).
 */
#include "storefill.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "testutil.h"

static int sign(store_txn *txn, uint64_t n, const note_signer *log, uint8_t *note, size_t *len,
                uint8_t root[MERKLE_HASH_SIZE])
{
    checkpoint cp;
    memset(&cp, 0, sizeof cp);
    snprintf(cp.origin, sizeof cp.origin, "%s", log->name);
    cp.size = n;
    int rc = merkle_tree_hash(cp.root, n, store_read_hashes, txn);
    if (rc != 0)
        return rc;
    if (root != NULL)
        memcpy(root, cp.root, MERKLE_HASH_SIZE);
    return checkpoint_sign(&cp, log, note, CHECKPOINT_SIGNED_MAX, len, NULL);
}

int sf_append(store *st, uint64_t from, uint64_t to, const char *tag, const note_signer *log)
{
    store_txn *txn;
    int rc = store_write_begin(st, &txn);
    if (rc != 0)
        return rc;
    for (uint64_t i = from; i < to && rc == 0; i++) {
        uint8_t buf[96], lh[MERKLE_HASH_SIZE], id[MERKLE_HASH_SIZE];
        uint8_t hashes[MERKLE_MAX_STORED][MERKLE_HASH_SIZE];
        size_t n, len = (size_t)snprintf((char *)buf, sizeof buf, "leaf-%llu-%s",
                                         (unsigned long long)i, tag);
        merkle_leaf_hash(lh, buf, len);
        memcpy(id, lh, sizeof id);
        id[0] ^= 0xff;
        if ((rc = merkle_stored_hashes_for(i, lh, store_read_hashes, txn, hashes, &n)) == 0 &&
            (rc = store_put_hashes(txn, merkle_stored_index(0, i),
                                   (const uint8_t(*)[MERKLE_HASH_SIZE])hashes, n)) == 0)
            rc = store_put_leaf(txn, i, buf, len, lh, id);
    }
    if (rc == 0)
        rc = store_set_size(txn, to, (int64_t)to * 1000);
    if (rc == 0 && log != NULL) {
        uint8_t note[CHECKPOINT_SIGNED_MAX];
        size_t len;
        if ((rc = sign(txn, to, log, note, &len, NULL)) == 0)
            rc = store_put_checkpoint(txn, to, note, len);
    }
    if (rc != 0) {
        store_txn_end(txn);
        return rc;
    }
    return store_commit(txn);
}

int sf_checkpoint(store *st, uint64_t n, const note_signer *log, uint8_t *note, size_t *len,
                  uint8_t root[MERKLE_HASH_SIZE])
{
    store_txn *txn;
    int rc = store_read_begin(st, &txn);
    if (rc != 0)
        return rc;
    rc = sign(txn, n, log, note, len, root);
    store_txn_end(txn);
    return rc;
}

void sf_path(char *out, size_t cap, const char *dir, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

int sf_log_make(sf_log *l, const char *name, const char *origin, uint64_t n, const char *tag)
{
    snprintf(l->dir, sizeof l->dir, "/tmp/liuhen-%s-XXXXXX", name);
    if (mkdtemp(l->dir) == NULL)
        return -1;
    tu_make_signer(&l->log, &l->vlog, origin, NOTE_TYPE_ED25519);
    if (store_open(&l->st, l->dir, 0, NULL) != 0 || sf_append(l->st, 0, n, tag, NULL) != 0)
        return -1;
    return 0;
}

void sf_log_free(sf_log *l)
{
    store_close(l->st);
    tu_rmtree(l->dir);
    note_signer_wipe(&l->log);
}
