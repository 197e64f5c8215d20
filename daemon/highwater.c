/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * highwater.c — the log's high-water mark (highwater.h).
 */
#include "highwater.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint.h"
#include "datadir.h"
#include "fileio.h"
#include "i18n.h"
#include "log.h"

struct highwater {
    int dirfd;
    char *path; /* DIR/highwater, for messages */
    note_verifier log_key;
    bool present;
    uint64_t size;
    uint8_t root[MERKLE_HASH_SIZE];
};

/* A root as a checkpoint shows it: padded base64 (tlog-checkpoint). */
typedef struct root_text {
    char s[sodium_base64_ENCODED_LEN(MERKLE_HASH_SIZE, sodium_base64_VARIANT_ORIGINAL)];
} root_text;

static root_text root_b64(const uint8_t root[MERKLE_HASH_SIZE])
{
    root_text t;
    sodium_bin2base64(t.s, sizeof t.s, root, MERKLE_HASH_SIZE, sodium_base64_VARIANT_ORIGINAL);
    return t;
}

/* Open a signed checkpoint with the log key into (size, root). */
static int open_note(const highwater *hw, const uint8_t *note, size_t len, uint64_t *size,
                     uint8_t root[MERKLE_HASH_SIZE], lh_err *err)
{
    /* About 5 KB: kept off the stack. */
    checkpoint_opened *op = malloc(sizeof *op);
    if (op == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", hw->path);
    lh_err detail = {{0}};
    int rc = checkpoint_open(note, len, &hw->log_key, NULL, 0, op, &detail);
    if (rc != 0) {
        log_error(_("high-water mark %s: %s"), hw->path, detail.msg);
        lh_err_set(err, rc,
                   _("high-water mark %s does not verify with the log key (%s): another log's "
                     "mark, or an altered one"),
                   hw->path, lh_strerror(rc));
    } else {
        *size = op->cp.size;
        memcpy(root, op->cp.root, MERKLE_HASH_SIZE);
    }
    free(op);
    return rc;
}

int highwater_open(highwater **out, const char *dir, const note_verifier *log_key, lh_err *err)
{
    *out = NULL;
    highwater *hw = calloc(1, sizeof *hw);
    size_t plen = strlen(dir) + sizeof "/" DATADIR_HIGHWATER;
    if (hw == NULL || (hw->path = malloc(plen)) == NULL) {
        free(hw);
        return lh_err_set(err, LH_ENOMEM, "%s/%s: out of memory", dir, DATADIR_HIGHWATER);
    }
    snprintf(hw->path, plen, "%s/%s", dir, DATADIR_HIGHWATER);
    hw->log_key = *log_key;
    hw->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (hw->dirfd < 0) {
        int e = errno;
        highwater_free(hw);
        return lh_err_set(err, -e, "data directory %s: %s", dir, strerror(e));
    }
    uint8_t *note = NULL;
    size_t len = 0;
    lh_err inner = {{0}};
    int rc = fileio_read_at(hw->dirfd, DATADIR_HIGHWATER, FILEIO_NOFOLLOW | FILEIO_UNSHARED,
                            "high-water mark", CHECKPOINT_SIGNED_MAX, &note, &len, &inner);
    if (rc == 0) {
        rc = open_note(hw, note, len, &hw->size, hw->root, err);
        hw->present = rc == 0;
    } else if (rc == -ENOENT) {
        rc = 0;
    } else {
        lh_err_set(err, rc, "%s", inner.msg);
    }
    free(note);
    if (rc != 0) {
        highwater_free(hw);
        return rc;
    }
    *out = hw;
    return 0;
}

void highwater_free(highwater *hw)
{
    if (hw == NULL)
        return;
    if (hw->dirfd >= 0)
        close(hw->dirfd);
    free(hw->path);
    free(hw);
}

bool highwater_get(const highwater *hw, uint64_t *size, uint8_t root[MERKLE_HASH_SIZE])
{
    if (!hw->present)
        return false;
    *size = hw->size;
    memcpy(root, hw->root, MERKLE_HASH_SIZE);
    return true;
}

/* How to recover, logged beside the refusal (whose message is short). */
static void advise(const highwater *hw)
{
    log_error(_("to recover, put back the newest backup of the store: one with at least %" PRIu64
                " entries whose tree at that size has the root %s (liuhend check verifies a "
                "store). The log key never signs a second root for a size it signed, so no option "
                "starts the log on this store."),
              hw->size, root_b64(hw->root).s);
}

int highwater_check(const highwater *hw, store_txn *txn, lh_err *err)
{
    if (!hw->present)
        return 0;
    uint64_t size;
    int rc = store_get_size(txn, &size);
    if (rc != 0)
        return lh_err_set(err, rc, "store: reading the tree size: %s", lh_strerror(rc));
    if (size < hw->size) {
        advise(hw);
        return lh_err_set(err, LH_EFORK,
                          _("the store has %" PRIu64
                            " entries but the log signed a checkpoint of %" PRIu64
                            " (%s): an old copy of the store?"),
                          size, hw->size, hw->path);
    }
    uint8_t root[MERKLE_HASH_SIZE];
    if ((rc = merkle_tree_hash(root, hw->size, store_read_hashes, txn)) != 0)
        return lh_err_set(err, LH_ESTORE,
                          _("the store's tree hash at size %" PRIu64
                            " cannot be read: %s: the store is damaged (liuhend check)"),
                          hw->size, lh_strerror(rc));
    if (sodium_memcmp(root, hw->root, MERKLE_HASH_SIZE) != 0) {
        log_error(_("the store's tree at size %" PRIu64 " has the root %s; the log signed %s"),
                  hw->size, root_b64(root).s, root_b64(hw->root).s);
        advise(hw);
        return lh_err_set(err, LH_EFORK,
                          _("at size %" PRIu64
                            " the store's tree is not the one the log signed (%s): "
                            "another store, or an altered one"),
                          hw->size, hw->path);
    }
    return 0;
}

int highwater_record(highwater *hw, uint64_t size, const uint8_t root[MERKLE_HASH_SIZE],
                     const uint8_t *note, size_t len, lh_err *err)
{
    if (hw->present && size < hw->size)
        return lh_err_set(err, LH_EFORK,
                          "%s: refusing to record size %" PRIu64 " below the mark's %" PRIu64,
                          hw->path, size, hw->size);
    if (hw->present && size == hw->size) {
        if (sodium_memcmp(root, hw->root, MERKLE_HASH_SIZE) != 0)
            return lh_err_set(err, LH_EFORK,
                              "%s: refusing to record another root for size %" PRIu64, hw->path,
                              size);
        return 0;
    }
    if (len > CHECKPOINT_SIGNED_MAX)
        return lh_err_set(err, LH_ETOOBIG, "%s: a note of %zu bytes", hw->path, len);
    /* One writer: the fixed temporary name is reused, and so cleared, after
     * a crash. The directory is synced before the mark is relied on. */
    int rc = fileio_replace_at(hw->dirfd, DATADIR_HIGHWATER, FILEIO_FIXED_TEMP, 0600, note, len,
                               hw->path, err);
    if (rc == 0)
        rc = fileio_sync_dir_at(hw->dirfd, ".", hw->path, err);
    if (rc != 0)
        return rc;
    hw->present = true;
    hw->size = size;
    memcpy(hw->root, root, MERKLE_HASH_SIZE);
    return 0;
}
