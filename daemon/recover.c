/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * recover.c — a store brought up to the log's published tiles (recover.h).
 *
 * The publication is checked as C2SP tlog-tiles builds it: the leaves of
 * the entry bundles are hashed and folded into the tree's stored hashes
 * (merkle_stored_hashes_for(), the writer's own numbering), and every hash
 * tile the size needs must hold exactly the hashes tile_read_hashes() takes
 * from that tree; the tree's root must be the checkpoint's. So every byte
 * of every resource is authenticated by the log's signature before the
 * store is opened for writing. The bundles are read a second time for the
 * append, each leaf's hash compared again with the verified tree.
 */
#include "recover.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint.h"
#include "fileio.h"
#include "highwater.h"
#include "i18n.h"
#include "keyring.h"
#include "log.h"
#include "text.h"
#include "tile.h"
#include "writer.h"

struct recover_tiles {
    int dirfd;
    char *dir;
    uint64_t size;
    uint8_t root[MERKLE_HASH_SIZE];
    uint8_t (*hashes)[MERKLE_HASH_SIZE]; /* the stored hashes of the tree of size */
    uint64_t nhashes;
    uint8_t *note; /* the checkpoint with the log's signature line only */
    size_t note_len;
};

/* merkle_read_fn over the tree held in memory. */
static int recover_mem_read(void *ctx, const uint64_t *indexes, size_t count,
                            uint8_t (*hashes)[MERKLE_HASH_SIZE])
{
    const recover_tiles *t = ctx;
    for (size_t i = 0; i < count; i++) {
        if (indexes[i] >= t->nhashes)
            return LH_ENOTFOUND;
        memcpy(hashes[i], t->hashes[indexes[i]], MERKLE_HASH_SIZE);
    }
    return 0;
}

/* Read a resource beneath the directory, never following a symbolic link,
 * at most cap bytes. */
static int recover_read_path(const recover_tiles *t, const char *path, size_t cap, uint8_t **out,
                             size_t *len, lh_err *err)
{
    *out = NULL;
    int fd = fileio_open_walk(t->dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0);
    if (fd < 0)
        return lh_err_set(err, fd, "%s/%s: %s", t->dir, path, lh_strerror(fd));
    lh_err detail = {""};
    int rc = fileio_read_fd(fd, path, 0, "tile", cap, out, len, &detail);
    close(fd);
    if (rc != 0)
        return lh_err_set(err, rc == LH_EINVAL ? LH_EPARSE : rc, "%s/%s: %s", t->dir, path,
                          detail.msg[0] ? detail.msg : lh_strerror(rc));
    return 0;
}

/*
 * Read a tile or bundle of the width the size needs; a partial one that is
 * missing is read from the full one (C2SP tlog-tiles: "MAY fetch the full
 * tile"), *full then set.
 */
static int recover_read_tile(const recover_tiles *t, const tile *tl, uint8_t **out, size_t *len,
                             bool *full, char path[TILE_PATH_MAX], lh_err *err)
{
    size_t cap = tl->level == TILE_LEVEL_ENTRIES ? TILE_BUNDLE_MAX : TILE_SIZE;
    *full = false;
    if (tile_path(path, TILE_PATH_MAX, tl) != 0)
        return lh_err_set(err, LH_EINTERNAL, "tile path");
    int rc = recover_read_path(t, path, cap, out, len, err);
    if (rc != -ENOENT || tl->width == TILE_WIDTH)
        return rc;
    tile f = *tl;
    f.width = TILE_WIDTH;
    char fpath[TILE_PATH_MAX];
    if (tile_path(fpath, sizeof fpath, &f) != 0)
        return rc;
    lh_err ferr = {""};
    if (recover_read_path(t, fpath, cap, out, len, &ferr) != 0)
        return rc; /* the partial one's error: that is the one the size needs */
    memcpy(path, fpath, TILE_PATH_MAX);
    *full = true;
    return 0;
}

/* The entry bundle n of `width` leaves: their bytes located in *data
 * (freed by the caller), first width entries of a full one read instead. */
static int recover_read_bundle(const recover_tiles *t, uint64_t n, unsigned width, uint8_t **data,
                               const uint8_t **leaf, size_t *leaf_len, lh_err *err)
{
    tile tl = {.level = TILE_LEVEL_ENTRIES, .n = n, .width = width};
    char path[TILE_PATH_MAX];
    size_t len;
    bool full;
    int rc = recover_read_tile(t, &tl, data, &len, &full, path, err);
    if (rc != 0)
        return rc;
    if ((rc = tile_bundle_check(*data, len, full ? TILE_WIDTH : width)) != 0)
        return lh_err_set(err, LH_EPARSE, "%s/%s: not an entry bundle of %u entries: %s", t->dir,
                          path, full ? TILE_WIDTH : width, lh_strerror(rc));
    size_t off = 0;
    for (unsigned i = 0; i < width; i++)
        if (tile_bundle_next(*data, len, &off, &leaf[i], &leaf_len[i]) != 1)
            return lh_err_set(err, LH_EINTERNAL, "%s/%s: bundle", t->dir, path);
    return 0;
}

/* The hash tile tl must hold exactly the hashes of the verified tree. */
static int recover_check_tile(const recover_tiles *t, const tile *tl, lh_err *err)
{
    uint8_t want[TILE_SIZE];
    size_t want_len;
    int rc = tile_read_hashes(tl, recover_mem_read, (void *)t, want, sizeof want, &want_len);
    if (rc != 0)
        return lh_err_set(err, LH_EINTERNAL, "tile hashes: %s", lh_strerror(rc));
    uint8_t *data = NULL;
    size_t len;
    bool full;
    char path[TILE_PATH_MAX];
    if ((rc = recover_read_tile(t, tl, &data, &len, &full, path, err)) != 0)
        return rc;
    if (len != (full ? (size_t)TILE_SIZE : want_len))
        rc = lh_err_set(err, LH_EPARSE, "%s/%s: %zu bytes, not %zu", t->dir, path, len,
                        full ? (size_t)TILE_SIZE : want_len);
    else
        for (size_t i = 0; i < want_len / MERKLE_HASH_SIZE && rc == 0; i++)
            if (memcmp(data + i * MERKLE_HASH_SIZE, want + i * MERKLE_HASH_SIZE,
                       MERKLE_HASH_SIZE) != 0)
                rc = lh_err_set(err, LH_EFORK,
                                "%s/%s: hash %zu is not the one its entries make: an altered "
                                "tile",
                                t->dir, path, i);
    free(data);
    return rc;
}

/* Fold the leaves of every bundle into the tree, the level-0 tiles
 * compared on the way. */
static int recover_read_leaves(recover_tiles *t, lh_err *err)
{
    const uint8_t *leaf[TILE_WIDTH];
    size_t leaf_len[TILE_WIDTH];
    uint8_t stored[MERKLE_MAX_STORED][MERKLE_HASH_SIZE];
    for (uint64_t first = 0; first < t->size; first += TILE_WIDTH) {
        uint64_t left = t->size - first;
        unsigned width = left < TILE_WIDTH ? (unsigned)left : TILE_WIDTH;
        uint8_t *data = NULL;
        int rc = recover_read_bundle(t, first / TILE_WIDTH, width, &data, leaf, leaf_len, err);
        for (unsigned i = 0; i < width && rc == 0; i++) {
            uint8_t h[MERKLE_HASH_SIZE];
            size_t n;
            merkle_leaf_hash(h, leaf[i], leaf_len[i]);
            if ((rc = merkle_stored_hashes_for(first + i, h, recover_mem_read, t, stored, &n)) ==
                0) {
                memcpy(t->hashes + t->nhashes, stored, n * MERKLE_HASH_SIZE);
                t->nhashes += n;
            }
        }
        free(data);
        if (rc != 0)
            return rc;
        /* Level 0 here, while the bundle's hashes are fresh in the cache. */
        tile tl = {.level = 0, .n = first / TILE_WIDTH, .width = width};
        if ((rc = recover_check_tile(t, &tl, err)) != 0)
            return rc;
    }
    return 0;
}

/* The checkpoint as the log signed it: its text and the log's own line. */
static int recover_log_note(recover_tiles *t, const checkpoint_opened *op, lh_err *err)
{
    const note_opened *no = &op->note;
    for (size_t i = 0; i < no->nsigs; i++) {
        const note_sig *s = &no->sigs[i];
        if (s->key != 0)
            continue;
        size_t len = no->text_len + 1 + strlen("— ") + s->name_len + 1 + s->b64_len + 1;
        uint8_t *p = malloc(len);
        if (p == NULL)
            return lh_err_set(err, LH_ENOMEM, "checkpoint: out of memory");
        size_t o = 0;
        memcpy(p + o, no->text, no->text_len), o += no->text_len;
        p[o++] = '\n';
        memcpy(p + o, "— ", strlen("— ")), o += strlen("— ");
        memcpy(p + o, s->name, s->name_len), o += s->name_len;
        p[o++] = ' ';
        memcpy(p + o, s->b64, s->b64_len), o += s->b64_len;
        p[o++] = '\n';
        t->note = p;
        t->note_len = o;
        return 0;
    }
    return lh_err_set(err, LH_ENOKEY, "checkpoint: no signature by the log key");
}

void recover_tiles_free(recover_tiles *t)
{
    if (t == NULL)
        return;
    if (t->dirfd >= 0)
        close(t->dirfd);
    free(t->dir);
    free(t->hashes);
    free(t->note);
    free(t);
}

int recover_tiles_open(recover_tiles **out, const char *dir, const note_verifier *log_key,
                       lh_err *err)
{
    *out = NULL;
    recover_tiles *t = calloc(1, sizeof *t);
    if (t == NULL || (t->dir = strdup(dir)) == NULL) {
        free(t);
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", dir);
    }
    t->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (t->dirfd < 0) {
        int rc = -errno;
        recover_tiles_free(t);
        return lh_err_set(err, rc, "%s: %s", dir, lh_strerror(rc));
    }
    uint8_t *note = NULL;
    size_t note_len = 0;
    int rc = recover_read_path(t, "checkpoint", NOTE_MAX_SIZE, &note, &note_len, err);
    checkpoint_opened *op = rc == 0 ? malloc(sizeof *op) : NULL;
    if (rc == 0 && op == NULL)
        rc = lh_err_set(err, LH_ENOMEM, "checkpoint: out of memory");
    lh_err detail = {""};
    if (rc == 0 && (rc = checkpoint_open(note, note_len, log_key, NULL, 0, op, &detail)) != 0)
        rc = lh_err_set(err, rc,
                        "%s/checkpoint: not a checkpoint of the log %s: %s (another log's "
                        "publication?)",
                        dir, log_key->name, detail.msg);
    if (rc == 0) {
        t->size = op->cp.size;
        memcpy(t->root, op->cp.root, MERKLE_HASH_SIZE);
        rc = recover_log_note(t, op, err);
    }
    free(op);
    free(note);
    if (rc == 0 && t->size > MERKLE_MAX_SIZE)
        rc = lh_err_set(err, LH_ERANGE, "%s/checkpoint: size %" PRIu64 " is out of range", dir,
                        t->size);
    if (rc == 0 && t->size > 0 &&
        (t->hashes = calloc(merkle_stored_count(t->size), MERKLE_HASH_SIZE)) == NULL)
        rc = lh_err_set(err, LH_ENOMEM, "%s: out of memory for the tree of %" PRIu64 " entries",
                        dir, t->size);
    if (rc == 0)
        rc = recover_read_leaves(t, err);
    /* The tiles above level 0, each against the tree the leaves made. */
    tile_iter it;
    tile tl;
    tile_iter_init(&it, t->size);
    while (rc == 0 && tile_iter_next(&it, &tl) == 1)
        if (tl.level > 0)
            rc = recover_check_tile(t, &tl, err);
    uint8_t root[MERKLE_HASH_SIZE];
    if (rc == 0 && (rc = merkle_tree_hash(root, t->size, recover_mem_read, t)) != 0)
        rc = lh_err_set(err, LH_EINTERNAL, "tree hash: %s", lh_strerror(rc));
    if (rc == 0 && sodium_memcmp(root, t->root, MERKLE_HASH_SIZE) != 0)
        rc = lh_err_set(err, LH_EFORK,
                        "%s: the entries' tree of size %" PRIu64
                        " has the root %s, not the checkpoint's %s",
                        dir, t->size, text_b64_of_hash(root).s, text_b64_of_hash(t->root).s);
    if (rc != 0) {
        recover_tiles_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

uint64_t recover_tiles_size(const recover_tiles *t)
{
    return t->size;
}

int recover_tiles_root(const recover_tiles *t, uint64_t m, uint8_t root[MERKLE_HASH_SIZE])
{
    if (m > t->size)
        return LH_ERANGE;
    return merkle_tree_hash(root, m, recover_mem_read, (void *)t);
}

void recover_tiles_note(const recover_tiles *t, const uint8_t **note, size_t *len)
{
    *note = t->note;
    *len = t->note_len;
}

/* ------------------------------------------------------------------------
 * The run.
 */

/* The leaves of one transaction: the bundles they point into. */
typedef struct recover_chunk {
    const uint8_t *leaf[RECOVER_CHUNK];
    size_t len[RECOVER_CHUNK];
    size_t n;
    uint8_t *bundle[RECOVER_CHUNK / TILE_WIDTH + 2];
    size_t nbundles;
} recover_chunk;

static void recover_chunk_clear(recover_chunk *c)
{
    for (size_t i = 0; i < c->nbundles; i++)
        free(c->bundle[i]);
    c->n = 0;
    c->nbundles = 0;
}

/* Append leaves [from, size) through the writer, RECOVER_CHUNK at a time. */
static int recover_append(writer *w, const recover_tiles *t, uint64_t from, lh_err *err)
{
    recover_chunk *c = calloc(1, sizeof *c);
    if (c == NULL)
        return lh_err_set(err, LH_ENOMEM, "out of memory");
    const uint8_t *leaf[TILE_WIDTH];
    size_t leaf_len[TILE_WIDTH];
    int rc = 0;
    uint64_t next = from;
    const uint8_t *note;
    size_t note_len;
    recover_tiles_note(t, &note, &note_len);
    while (rc == 0 && next < t->size) {
        uint64_t first = next / TILE_WIDTH * TILE_WIDTH;
        uint64_t left = t->size - first;
        unsigned width = left < TILE_WIDTH ? (unsigned)left : TILE_WIDTH;
        uint8_t *data = NULL;
        if ((rc = recover_read_bundle(t, first / TILE_WIDTH, width, &data, leaf, leaf_len, err)) !=
            0) {
            free(data);
            break;
        }
        c->bundle[c->nbundles++] = data;
        for (unsigned i = (unsigned)(next - first); i < width && rc == 0; i++) {
            /* Read again: it must still be the leaf verified. */
            uint8_t h[MERKLE_HASH_SIZE];
            merkle_leaf_hash(h, leaf[i], leaf_len[i]);
            if (sodium_memcmp(h, t->hashes[merkle_stored_index(0, first + i)], MERKLE_HASH_SIZE) !=
                0)
                rc =
                    lh_err_set(err, LH_EFORK, "%s: entry %" PRIu64 " changed since it was verified",
                               t->dir, first + i);
            c->leaf[c->n] = leaf[i];
            c->len[c->n++] = leaf_len[i];
            next = first + i + 1;
            if (rc == 0 && (c->n == RECOVER_CHUNK || next == t->size)) {
                bool last = next == t->size;
                rc = writer_replay(w, c->leaf, c->len, c->n, last ? note : NULL,
                                   last ? note_len : 0, err);
                if (rc == 0)
                    log_info(_("recover: entries up to %" PRIu64 " of %" PRIu64 " stored"), next,
                             t->size);
                /* The bundle being read stays: its later leaves go in the
                 * next chunk. */
                uint8_t *keep = c->bundle[c->nbundles - 1];
                c->nbundles--;
                recover_chunk_clear(c);
                c->bundle[c->nbundles++] = keep;
            }
        }
    }
    recover_chunk_clear(c);
    free(c);
    return rc;
}

/* The store's tree hash at size m. */
static int recover_store_root(store *st, uint64_t m, uint8_t root[MERKLE_HASH_SIZE], lh_err *err)
{
    store_txn *txn;
    int rc = store_read_begin(st, &txn);
    if (rc == 0) {
        rc = merkle_tree_hash(root, m, store_read_hashes, txn);
        store_txn_end(txn);
    }
    if (rc != 0)
        return lh_err_set(err, LH_ESTORE,
                          "the store's tree hash at size %" PRIu64
                          " cannot be read: %s: the store is damaged (liuhend check)",
                          m, lh_strerror(rc));
    return 0;
}

/* Whether the store holds a checkpoint of size n. */
static bool recover_has_checkpoint(store *st, uint64_t n)
{
    store_txn *txn;
    const uint8_t *note;
    size_t len;
    bool has = false;
    if (store_read_begin_all(st, &txn) == 0) {
        has = store_get_checkpoint(txn, n, &note, &len, NULL) == 0;
        store_txn_end(txn);
    }
    return has;
}

int recover_run(store *st, const char *dir, const recover_tiles *t, const note_verifier *log_key,
                recover_result *res, lh_err *err)
{
    memset(res, 0, sizeof *res);
    res->tiles_size = t->size;
    keyring *keys = NULL;
    writer *w = NULL;
    highwater *hw = NULL;
    int rc = keyring_new(&keys);
    if (rc != 0)
        return lh_err_set(err, rc, "keys: %s", lh_strerror(rc));
    /* The store's own checks, as at start (origin, key, entry 0, keys,
     * latest checkpoint against its tree). */
    if ((rc = writer_open_replay(&w, st, keys, log_key, RECOVER_CHUNK, err)) != 0)
        goto out;
    uint64_t b = res->store_size = writer_size(w);
    uint64_t common = b < t->size ? b : t->size;
    uint8_t mine[MERKLE_HASH_SIZE], theirs[MERKLE_HASH_SIZE];
    if ((rc = recover_store_root(st, common, mine, err)) != 0)
        goto out;
    recover_tiles_root(t, common, theirs);
    if (sodium_memcmp(mine, theirs, MERKLE_HASH_SIZE) != 0) {
        rc = lh_err_set(err, LH_EFORK,
                        "at size %" PRIu64 " the store's tree has the root %s and the "
                        "publication's %s: they fork (another log, or a store that went another "
                        "way)",
                        common, text_b64_of_hash(mine).s, text_b64_of_hash(theirs).s);
        goto out;
    }
    /* The mark: the publication must be the history the log signed. */
    lh_err herr = {""};
    if ((rc = highwater_open(&hw, dir, log_key, &herr)) != 0) {
        rc = lh_err_set(err, rc, "the high-water mark: %s", herr.msg);
        goto out;
    }
    uint8_t mark_root[MERKLE_HASH_SIZE];
    res->mark = highwater_get(hw, &res->mark_size, mark_root);
    if (res->mark && res->mark_size <= t->size) {
        recover_tiles_root(t, res->mark_size, theirs);
        if (sodium_memcmp(theirs, mark_root, MERKLE_HASH_SIZE) != 0) {
            rc = lh_err_set(err, LH_EFORK,
                            "at the high-water mark's size %" PRIu64
                            " the publication's tree has the root %s, not the %s the log signed: "
                            "it is not this log's history",
                            res->mark_size, text_b64_of_hash(theirs).s,
                            text_b64_of_hash(mark_root).s);
            goto out;
        }
    }
    if (t->size > b || (t->size == b && !recover_has_checkpoint(st, b))) {
        if (t->size == b) {
            const uint8_t *note;
            size_t note_len;
            recover_tiles_note(t, &note, &note_len);
            rc = writer_replay(w, NULL, NULL, 0, note, note_len, err);
        } else {
            rc = recover_append(w, t, b, err);
        }
        res->added = writer_size(w) - b;
        if (rc != 0)
            goto out;
    }
    uint64_t now = writer_size(w);
    if ((rc = recover_store_root(st, now, res->root, err)) != 0)
        goto out;
    /* Raised only forward, through the mark's own write path. */
    if (t->size == now && (!res->mark || t->size > res->mark_size)) {
        const uint8_t *note;
        size_t note_len;
        recover_tiles_note(t, &note, &note_len);
        if ((rc = highwater_record(hw, t->size, t->root, note, note_len, &herr)) != 0) {
            rc = lh_err_set(err, rc, "the high-water mark: %s", herr.msg);
            goto out;
        }
        res->mark_raised = true;
    }
out:
    highwater_free(hw);
    writer_free(w);
    keyring_free(keys);
    return rc;
}
