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
#include <sys/stat.h>
#include <unistd.h>

#include "checkpoint.h"
#include "datadir.h"
#include "fileio.h"
#include "i18n.h"
#include "log.h"
#include "text.h"

/* The file: two slots, each the signed note followed by NULs. A mark is
 * recorded into the slot that does not hold the current one, with one
 * fdatasync: a write torn by a power cut spoils only that slot, and the
 * other still holds the previous mark (as LMDB keeps two meta pages). */
#define SLOT       4096
#define FILE_BYTES (2 * SLOT)

_Static_assert(CHECKPOINT_SIGNED_MAX < SLOT, "a signed checkpoint fits a slot");

struct highwater {
    int dirfd;
    int fd;     /* the mark file, open for writing; -1 until it exists */
    int slot;   /* the slot of the current mark; -1: none */
    char *path; /* DIR/highwater, for messages */
    note_verifier log_key;
    bool present;
    uint64_t size;
    uint8_t root[MERKLE_HASH_SIZE];
};

/* Open a signed checkpoint with the log key into (size, root). */
static int open_note(const highwater *hw, const uint8_t *note, size_t len, uint64_t *size,
                     uint8_t root[MERKLE_HASH_SIZE], lh_err *err, lh_err *detail)
{
    /* About 5 KB: kept off the stack. */
    checkpoint_opened *op = malloc(sizeof *op);
    if (op == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", hw->path);
    int rc = checkpoint_open(note, len, &hw->log_key, NULL, 0, op, detail);
    if (rc != 0) {
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

/* Read the two slots of an open mark file and take the mark: the larger
 * checkpoint of the two that verify. A slot that does not verify beside
 * one that does is a write torn by a crash, and is rewritten by the next
 * mark. */
static int read_slots(highwater *hw, lh_err *err)
{
    struct stat st;
    if (fstat(hw->fd, &st) != 0)
        return lh_err_set(err, -errno, "%s: %s", hw->path, strerror(errno));
    if (!S_ISREG(st.st_mode) || st.st_size != FILE_BYTES || (st.st_mode & 022) != 0)
        return lh_err_set(err, LH_EINVAL,
                          _("%s is not a high-water mark (a private file of %d bytes)"), hw->path,
                          FILE_BYTES);
    uint8_t *buf = malloc(FILE_BYTES);
    if (buf == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", hw->path);
    ssize_t n = pread(hw->fd, buf, FILE_BYTES, 0);
    if (n != FILE_BYTES) {
        free(buf);
        return lh_err_set(err, n < 0 ? -errno : -EIO, "%s: cannot read it", hw->path);
    }
    int rc = 0, bad = 0;
    lh_err first = {{0}}, why = {{0}};
    for (int i = 0; i < 2; i++) {
        const uint8_t *slot = buf + i * SLOT;
        size_t len = strnlen((const char *)slot, SLOT);
        if (len == 0)
            continue;
        uint64_t size = 0;
        uint8_t root[MERKLE_HASH_SIZE];
        lh_err e = {{0}}, d = {{0}};
        if (len == SLOT || open_note(hw, slot, len, &size, root, &e, &d) != 0) {
            if (bad++ == 0) {
                first = e;
                why = d;
            }
            continue;
        }
        if (hw->present && size == hw->size &&
            sodium_memcmp(root, hw->root, MERKLE_HASH_SIZE) != 0) {
            rc = lh_err_set(err, LH_EFORK,
                            _("%s holds two checkpoints of size %" PRIu64
                              " with different roots, both signed by the log key"),
                            hw->path, size);
            break;
        }
        if (!hw->present || size > hw->size) {
            hw->present = true;
            hw->size = size;
            memcpy(hw->root, root, MERKLE_HASH_SIZE);
            hw->slot = i;
        }
    }
    free(buf);
    if (rc == 0 && bad > 0 && !hw->present && why.msg[0])
        log_error(_("high-water mark %s: %s"), hw->path, why.msg);
    if (rc == 0 && bad > 0 && !hw->present)
        rc = first.msg[0] ? lh_err_set(err, LH_EBADSIG, "%s", first.msg)
                          : lh_err_set(err, LH_EBADSIG,
                                       _("high-water mark %s does not verify with the log key "
                                         "(%s): another log's mark, or an altered one"),
                                       hw->path, lh_strerror(LH_EPARSE));
    else if (rc == 0 && bad > 0)
        log_warn(_("high-water mark %s: one slot does not verify (a write cut short?): the "
                   "other, of size %" PRIu64 ", is the mark"),
                 hw->path, hw->size);
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
    hw->fd = -1;
    hw->slot = -1;
    hw->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = 0;
    if (hw->dirfd < 0) {
        rc = lh_err_set(err, -errno, "data directory %s: %s", dir, strerror(errno));
    } else if ((hw->fd = openat(hw->dirfd, DATADIR_HIGHWATER, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) <
               0) {
        if (errno != ENOENT)
            rc = lh_err_set(err, -errno, "%s: %s", hw->path, strerror(errno));
    } else {
        rc = read_slots(hw, err);
    }
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
    if (hw->fd >= 0)
        close(hw->fd);
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
                "store). A backup older than that is brought up to the log's publication or "
                "export with `liuhend recover --data DIR --from TILES_DIR`. The log key never "
                "signs a second root for a size it signed, so no option starts the log on this "
                "store."),
              hw->size, text_b64_of_hash(hw->root).s);
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
                  hw->size, text_b64_of_hash(root).s, text_b64_of_hash(hw->root).s);
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
    if (len == 0 || len >= SLOT || memchr(note, 0, len) != NULL)
        return lh_err_set(err, LH_ETOOBIG, "%s: a note of %zu bytes", hw->path, len);
    uint8_t *buf = calloc(1, FILE_BYTES);
    if (buf == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", hw->path);
    int rc = 0, slot = hw->slot == 0 ? 1 : 0;
    memcpy(buf + slot * SLOT, note, len);
    if (hw->fd < 0) {
        /* The first mark: the whole file, created beside and renamed, then
         * the directory synced; later marks overwrite a slot in place. */
        rc = fileio_replace_at(hw->dirfd, DATADIR_HIGHWATER, FILEIO_FIXED_TEMP, 0600, buf,
                               FILE_BYTES, hw->path, err);
        if (rc == 0)
            rc = fileio_sync_dir_at(hw->dirfd, ".", hw->path, err);
        if (rc == 0 &&
            (hw->fd = openat(hw->dirfd, DATADIR_HIGHWATER, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) < 0)
            rc = lh_err_set(err, -errno, "%s: %s", hw->path, strerror(errno));
    } else {
        ssize_t n;
        do
            n = pwrite(hw->fd, buf + slot * SLOT, SLOT, (off_t)slot * SLOT);
        while (n < 0 && errno == EINTR);
        if (n != SLOT)
            rc = lh_err_set(err, n < 0 ? -errno : -EIO, "%s: writing the mark: %s", hw->path,
                            n < 0 ? strerror(errno) : "short write");
        else if (fdatasync(hw->fd) != 0)
            rc = lh_err_set(err, -errno, "%s: fdatasync: %s", hw->path, strerror(errno));
    }
    free(buf);
    if (rc != 0)
        return rc;
    hw->slot = slot;
    hw->present = true;
    hw->size = size;
    memcpy(hw->root, root, MERKLE_HASH_SIZE);
    return 0;
}
