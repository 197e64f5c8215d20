/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * tiles.c — reading a C2SP tlog-tiles directory and checking its integrity
 * (tiles.h; https://c2sp.org/tlog-tiles, docs/design.md "The verifier").
 *
 * The pass streams the tree left to right. For each level-0 index n it reads
 * the level-0 hash tile and the entry bundle of the width the size needs,
 * compares every leaf's hash with the tile, then climbs: a full tile at
 * level L hashes to one entry of the tile at level L+1 (C2SP: "each hash in
 * a tile is the Merkle Tree Hash of a full tile at the level below"). One
 * tile per level is kept; when the stream moves on to the next tile of a
 * level, the previous one has had all its entries compared with the tiles
 * below and, if full, is itself compared with its parent. So every hash of
 * every tile is checked against the leaves, and the root, computed from the
 * rightmost tile of each level (the only ones a root needs), against the
 * checkpoint: together they authenticate every byte of the log.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "i18n.h"
#include "note.h"
#include "text.h"
#include "tiles.h"

/* Tile levels a tree of at most 2^64 - 1 leaves can have: 8L < 64. */
#define TILES_LEVELS 8

/* The most bytes of one bundle of `width` entries (uint16 length, entry). */
#define BUNDLE_CAP(width) ((size_t)(width) * (2 + TILE_ENTRY_MAX))

/* The tile of one level that the stream holds. */
typedef struct level_tile {
    bool set;    /* t names a tile */
    bool loaded; /* data holds its hashes (read, or from the bundle) */
    tile t;
    size_t len; /* t.width * 32 */
    uint8_t data[TILE_SIZE];
} level_tile;

/* One tile of the reader's cache. */
typedef struct cached_tile {
    bool used;
    uint64_t stamp; /* last use, for eviction */
    tile t;
    size_t len;
    uint8_t data[TILE_SIZE];
} cached_tile;

struct tiles {
    int dirfd;
    char *dir;
    uint64_t size; /* the tree tiles_stream() checked */
    bool streamed;
    report *rep;
    tiles_stats *stats;
    level_tile lv[TILES_LEVELS];
    cached_tile cache[TILES_CACHE];
    uint64_t clock;
    lh_err read_err; /* why the reader failed, for merkle_tree_hash() callers */
    /* The bundle tiles_read_leaf() read last. */
    bool rb_valid;
    uint64_t rb_n;
    uint8_t *rb;
    size_t rb_len;
    /* The bundle tiles_read_leaf_at() opened last (-1: none), and the leaf
     * it read (2 + TILE_ENTRY_MAX bytes, allocated at the first call). */
    int lf_fd;
    uint64_t lf_n;
    uint8_t *lf;
};

static void b64_hash(char out[TEXT_B64_LEN(MERKLE_HASH_SIZE)], const uint8_t h[MERKLE_HASH_SIZE])
{
    text_b64_encode(out, h, MERKLE_HASH_SIZE);
}

/* Add an integrity failure: a sentence in Chinese and the same in English,
 * each naming the resource and what differs. */
static int fail(tiles *t, uint64_t index, const char *zh, const char *en)
{
    report_item it = {
        .cls = REPORT_FAILURE, .check = "integrity", .index = index, .zh = zh, .en = en};
    if (t->stats != NULL)
        t->stats->failures++;
    return report_add(t->rep, &it);
}

/* An integrity failure about the entries first..last (a tile, a bundle, the
 * tree): one altered entry among them explains it (cause.h). */
static int fail_span(tiles *t, uint64_t index, uint64_t first, uint64_t last, const char *zh,
                     const char *en)
{
    report_item it = {.cls = REPORT_FAILURE,
                      .check = "integrity",
                      .index = index,
                      .zh = zh,
                      .en = en,
                      .has_span = first <= last,
                      .span_first = first,
                      .span_last = last};
    if (t->stats != NULL)
        t->stats->failures++;
    return report_add(t->rep, &it);
}

/* ---- opening and reading resources ------------------------------------- */

int tiles_open(const char *dir, tiles **out, lh_err *err)
{
    *out = NULL;
    tiles *t = calloc(1, sizeof *t);
    if (t == NULL)
        return lh_err_set(err, LH_ENOMEM, _("%s: out of memory"), dir);
    t->dir = strdup(dir);
    if (t->dir == NULL) {
        free(t);
        return lh_err_set(err, LH_ENOMEM, _("%s: out of memory"), dir);
    }
    t->lf_fd = -1;
    /* DIR itself may be a symbolic link (a mirror's current version, say);
     * what lies beneath it may not (open_beneath()). */
    t->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (t->dirfd < 0) {
        int rc = -errno;
        free(t->dir);
        free(t);
        return lh_err_set(err, rc, _("%s: cannot open the tiles directory: %s"), dir,
                          lh_strerror(rc));
    }
    *out = t;
    return 0;
}

void tiles_free(tiles *t)
{
    if (t == NULL)
        return;
    if (t->dirfd >= 0)
        close(t->dirfd);
    if (t->lf_fd >= 0)
        close(t->lf_fd);
    free(t->lf);
    free(t->rb);
    free(t->dir);
    free(t);
}

void tiles_bundle_free(tiles_bundle *b)
{
    if (b == NULL)
        return;
    free(b->data);
    free(b);
}

/* Open a path relative to the directory one component at a time, never
 * following a symbolic link: every C2SP path is fixed, so nothing in the
 * mirror has a reason to point elsewhere, and a link could make the
 * verifier read a file outside it. The last component is opened
 * non-blocking so that a FIFO planted in the mirror cannot hang the
 * verifier; fstat() then refuses it. */
static int open_beneath(int dirfd, const char *path, int *out)
{
    int fd = fileio_open_walk(dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0);
    if (fd < 0)
        return fd;
    *out = fd;
    return 0;
}

/*
 * Read a resource of at most cap bytes, into buf or, with buf NULL, into
 * memory returned in *out.
 * @return 0; -ENOENT, -ENOTDIR (missing); -ELOOP (a symbolic link);
 *         -EISDIR, LH_EPARSE (not a regular file); LH_ETOOBIG; another
 *         -errno; LH_ENOMEM.
 */
static int read_path(tiles *t, const char *path, uint8_t *buf, size_t cap, uint8_t **out,
                     size_t *len)
{
    int fd = -1;
    int rc = open_beneath(t->dirfd, path, &fd);
    if (rc != 0)
        return rc;
    uint8_t *data = NULL;
    rc = fileio_read_fd(fd, path, 0, "resource", cap, &data, len, NULL);
    close(fd);
    if (rc == LH_EINVAL)
        return LH_EPARSE; /* not a regular file */
    if (rc != 0)
        return rc;
    if (buf != NULL) {
        memcpy(buf, data, *len);
        free(data);
    } else {
        *out = data;
    }
    return 0;
}

/* Whether a read error is the log's fault (a failure to report, and the
 * pass goes on) rather than the inspector's machine's (the pass stops). */
static bool log_fault(int rc)
{
    return rc == -ENOENT || rc == -ENOTDIR || rc == -ELOOP || rc == -EISDIR ||
           rc == -ENAMETOOLONG || rc == LH_EPARSE || rc == LH_ETOOBIG || rc == LH_ELENGTH;
}

/* A resource read error in words, English and Chinese. */
static const char *fault_en(int rc)
{
    switch (rc) {
    case -ENOENT:
    case -ENOTDIR: return "missing";
    case -ELOOP: return "a symbolic link, which is not followed";
    case -EISDIR:
    case LH_EPARSE: return "not a regular file";
    case LH_ETOOBIG: return "larger than such a resource can be";
    case LH_ELENGTH: return "not of the length its width requires";
    default: return lh_strerror(rc);
    }
}

static const char *fault_zh(int rc)
{
    switch (rc) {
    case -ENOENT:
    case -ENOTDIR: return "缺失";
    case -ELOOP: return "为符号链接（不予跟随）";
    case -EISDIR:
    case LH_EPARSE: return "不是普通文件";
    case LH_ETOOBIG: return "超出此类文件的最大长度";
    case LH_ELENGTH: return "长度与其宽度不符";
    default: return "无法读取";
    }
}

/*
 * Read a hash tile of the width t names: exactly width * 32 bytes, or, when
 * a partial tile is missing, the first width hashes of its full tile (C2SP
 * "Partial Tiles"). path receives the path that was read or, on error, the
 * path that should have been.
 */
static int read_tile(tiles *t, const tile *tl, uint8_t data[TILE_SIZE], size_t *len,
                     char path[TILE_PATH_MAX])
{
    int rc = tile_path(path, TILE_PATH_MAX, tl);
    if (rc != 0)
        return rc;
    size_t want = (size_t)tl->width * MERKLE_HASH_SIZE;
    rc = read_path(t, path, data, TILE_SIZE, NULL, len);
    if (rc == -ENOENT && tl->width < TILE_WIDTH) {
        tile full = *tl;
        full.width = TILE_WIDTH;
        char fpath[TILE_PATH_MAX];
        if (tile_path(fpath, sizeof fpath, &full) == 0 &&
            read_path(t, fpath, data, TILE_SIZE, NULL, len) == 0) {
            if (*len != TILE_SIZE) {
                memcpy(path, fpath, TILE_PATH_MAX);
                return LH_ELENGTH;
            }
            *len = want;
            return 0;
        }
    }
    if (rc == 0 && *len != want)
        return LH_ELENGTH;
    return rc;
}

/*
 * Read the entry bundle of level-0 index n and width w, checked to hold
 * exactly w well-formed entries (tile_bundle_check()); from its full
 * bundle, cut after w entries, when a partial one is missing.
 * @param[out] data  malloc'd; the caller frees it.
 * @param[out] why   for LH_EPARSE / LH_ELENGTH from the bundle's contents:
 *                   set to true (as opposed to a file-level fault).
 */
static int read_bundle_data(tiles *t, uint64_t n, unsigned w, uint8_t **data, size_t *len,
                            char path[TILE_PATH_MAX], bool *content)
{
    tile tl = {TILE_LEVEL_ENTRIES, n, w};
    *content = false;
    *data = NULL;
    int rc = tile_path(path, TILE_PATH_MAX, &tl);
    if (rc != 0)
        return rc;
    uint8_t *buf = NULL;
    rc = read_path(t, path, NULL, BUNDLE_CAP(w), &buf, len);
    if (rc == -ENOENT && w < TILE_WIDTH) {
        tile full = tl;
        full.width = TILE_WIDTH;
        char fpath[TILE_PATH_MAX];
        if (tile_path(fpath, sizeof fpath, &full) == 0 &&
            read_path(t, fpath, NULL, TILE_BUNDLE_MAX, &buf, len) == 0) {
            memcpy(path, fpath, TILE_PATH_MAX);
            /* The first w entries of the full bundle are those of the
             * partial one; what follows belongs to a larger tree. */
            size_t off = 0;
            for (unsigned i = 0; i < w; i++) {
                const uint8_t *e;
                size_t elen;
                if (tile_bundle_next(buf, *len, &off, &e, &elen) != 1) {
                    free(buf);
                    *content = true;
                    return LH_EPARSE;
                }
            }
            *len = off;
            rc = 0;
        }
    }
    if (rc != 0)
        return rc;
    rc = tile_bundle_check(buf, *len, w);
    if (rc != 0) {
        free(buf);
        *content = true;
        return rc;
    }
    *data = buf;
    return 0;
}

int tiles_read_checkpoint(tiles *t, uint8_t **note, size_t *len, lh_err *err)
{
    *note = NULL;
    int rc = read_path(t, "checkpoint", NULL, NOTE_MAX_SIZE, note, len);
    if (rc == LH_ETOOBIG)
        return lh_err_set(err, rc, _("%s/checkpoint: larger than a signed note may be (%u bytes)"),
                          t->dir, NOTE_MAX_SIZE);
    if (rc == LH_EPARSE)
        return lh_err_set(err, rc, _("%s/checkpoint: not a regular file"), t->dir);
    if (rc == -ELOOP)
        return lh_err_set(err, rc, _("%s/checkpoint: a symbolic link, which is not followed"),
                          t->dir);
    if (rc != 0)
        return lh_err_set(err, rc, "%s/checkpoint: %s", t->dir, lh_strerror(rc));
    return 0;
}

/* ---- the stream ----------------------------------------------------------- */

/* Hashes at tree level 8L in a tree of `size` leaves: the complete
 * subtrees of 256^L leaves. */
static uint64_t level_count(uint64_t size, int level)
{
    return size >> (TILE_HEIGHT * level);
}

/* The width of tile m at level L that the size needs (C2SP "Partial
 * Tiles": floor(s / 256^L) mod 256 for the last one). */
static unsigned level_width(uint64_t size, int level, uint64_t m)
{
    uint64_t count = level_count(size, level);
    uint64_t left = count - m * TILE_WIDTH;
    return left >= TILE_WIDTH ? TILE_WIDTH : (unsigned)left;
}

/* The entries a hash spans: the subtree hash of tile (L, k), or entry k of
 * a tile at level L+1, covers leaves [k * 256^(L+1), (k + 1) * 256^(L+1)),
 * cut at the tree's size. */
static void tile_span(uint64_t size, int level, uint64_t k, uint64_t *first, uint64_t *last)
{
    int shift = TILE_HEIGHT * (level + 1);
    if (shift >= 64) {
        *first = 0;
        *last = size - 1;
        return;
    }
    *first = k << shift;
    *last = *first + ((UINT64_C(1) << shift) - 1);
    if (*last >= size)
        *last = size - 1;
}

/* The failure for a resource that cannot be read. */
static int fail_resource(tiles *t, const char *kind_zh, const char *kind_en, const char *path,
                         int rc, uint64_t first, uint64_t last)
{
    char zh[512], en[512];
    snprintf(zh, sizeof zh, "%s %s %s（第%" PRIu64 "至%" PRIu64 "号记录）", kind_zh, path,
             fault_zh(rc), first, last);
    snprintf(en, sizeof en, "%s %s is %s (entries %" PRIu64 " to %" PRIu64 ")", kind_en, path,
             fault_en(rc), first, last);
    return fail_span(t, REPORT_NO_INDEX, first, last, zh, en);
}

static int check_parent(tiles *t, int level, uint64_t k, const uint8_t h[MERKLE_HASH_SIZE],
                        lh_err *err);

/* The tile held at a level is done with: every entry of it has been
 * compared with the tiles below. A full one is compared with its parent. */
static int finish_level(tiles *t, int level, lh_err *err)
{
    level_tile *lv = &t->lv[level];
    if (!lv->loaded || lv->t.width != TILE_WIDTH)
        return 0;
    uint8_t h[MERKLE_HASH_SIZE];
    int rc = tile_subtree_hash(lv->data, lv->len, h);
    if (rc != 0)
        return lh_err_set(err, rc, "tile level %d: %s", level, lh_strerror(rc));
    return check_parent(t, level + 1, lv->t.n, h, err);
}

/* C2SP: the hash of full tile k at level L-1 is entry k mod 256 of tile
 * k / 256 at level L. Hold that tile at level L, finishing the previous one
 * first, and compare. */
static int check_parent(tiles *t, int level, uint64_t k, const uint8_t h[MERKLE_HASH_SIZE],
                        lh_err *err)
{
    if (level >= TILES_LEVELS)
        return lh_err_set(err, LH_EINTERNAL, "tile level %d: beyond any tree", level);
    level_tile *lv = &t->lv[level];
    uint64_t m = k / TILE_WIDTH;
    unsigned j = (unsigned)(k % TILE_WIDTH);
    char path[TILE_PATH_MAX];

    if (!lv->set || lv->t.n != m) {
        int rc = finish_level(t, level, err);
        if (rc != 0)
            return rc;
        lv->set = true;
        lv->loaded = false;
        lv->t = (tile){level, m, level_width(t->size, level, m)};
        rc = read_tile(t, &lv->t, lv->data, &lv->len, path);
        if (rc != 0 && !log_fault(rc))
            return lh_err_set(err, rc, "%s/%s: %s", t->dir, path, lh_strerror(rc));
        if (rc != 0) {
            uint64_t first, last;
            tile_span(t->size, level, m, &first, &last);
            return fail_resource(t, "哈希瓦片", "hash tile", path, rc, first, last);
        }
        lv->loaded = true;
        t->stats->tiles++;
    }
    /* A parent that could not be read was reported once; its children
     * cannot be compared with it. */
    if (!lv->loaded)
        return 0;

    char cpath[TILE_PATH_MAX];
    tile child = {level - 1, k, TILE_WIDTH};
    if (tile_path(cpath, sizeof cpath, &child) != 0 || tile_path(path, sizeof path, &lv->t) != 0)
        return lh_err_set(err, LH_EINTERNAL, "tile level %d: no path", level);
    char zh[768], en[768];
    if (j >= lv->t.width) {
        /* Cannot happen for a tile of the width the size needs: a full
         * child at position j means the parent has at least j + 1 hashes. */
        return lh_err_set(err, LH_EINTERNAL, "%s has no hash %u for the full tile %s", path, j,
                          cpath);
    }
    const uint8_t *want = lv->data + (size_t)j * MERKLE_HASH_SIZE;
    if (memcmp(want, h, MERKLE_HASH_SIZE) == 0)
        return 0;
    char got64[TEXT_B64_LEN(MERKLE_HASH_SIZE)], want64[TEXT_B64_LEN(MERKLE_HASH_SIZE)];
    b64_hash(got64, h);
    b64_hash(want64, want);
    uint64_t first, last;
    tile_span(t->size, level - 1, k, &first, &last);
    snprintf(zh, sizeof zh,
             "哈希瓦片 %s（第%" PRIu64 "至%" PRIu64 "号记录）算得的哈希为 %s，"
             "但上层瓦片 %s 第 %u 项为 %s",
             cpath, first, last, got64, path, j, want64);
    snprintf(en, sizeof en,
             "hash tile %s (entries %" PRIu64 " to %" PRIu64 ") hashes to %s, but its parent "
             "%s holds %s at position %u",
             cpath, first, last, got64, path, want64, j);
    return fail_span(t, REPORT_NO_INDEX, first, last, zh, en);
}

/* The reader's cache: the tile, read once. */
static cached_tile *cache_find(tiles *t, const tile *tl)
{
    for (size_t i = 0; i < TILES_CACHE; i++) {
        cached_tile *c = &t->cache[i];
        if (c->used && c->t.level == tl->level && c->t.n == tl->n && c->t.width == tl->width)
            return c;
    }
    return NULL;
}

static cached_tile *cache_victim(tiles *t)
{
    cached_tile *victim = &t->cache[0];
    for (size_t i = 0; i < TILES_CACHE; i++) {
        cached_tile *c = &t->cache[i];
        if (!c->used)
            return c;
        if (c->stamp < victim->stamp)
            victim = c;
    }
    return victim;
}

static int cache_get(tiles *t, const tile *tl, const uint8_t **data, size_t *len)
{
    cached_tile *c = cache_find(t, tl);
    if (c == NULL) {
        char path[TILE_PATH_MAX];
        c = cache_victim(t);
        c->used = false;
        int rc = read_tile(t, tl, c->data, &c->len, path);
        if (rc != 0)
            return lh_err_set(&t->read_err, rc, "%s/%s: %s", t->dir, path, fault_en(rc));
        c->used = true;
        c->t = *tl;
    }
    c->stamp = ++t->clock;
    *data = c->data;
    *len = c->len;
    return 0;
}

/* Put a tile the stream checked into the cache, so that the root is
 * computed from the very bytes that were checked. */
static void cache_put(tiles *t, const tile *tl, const uint8_t *data, size_t len)
{
    cached_tile *c = cache_find(t, tl);
    if (c == NULL)
        c = cache_victim(t);
    c->used = true;
    c->t = *tl;
    c->len = len;
    memcpy(c->data, data, len);
    c->stamp = ++t->clock;
}

/* merkle_read_fn over the tiles of the checked tree, as tlog's
 * TileHashReader: a stored hash is one of a tile's hashes or the root of
 * 2^r of them (tile_for_hash(), tile_hash_from_tile()). */
static int tiles_reader(void *ctx, const uint64_t *indexes, size_t count,
                        uint8_t (*hashes)[MERKLE_HASH_SIZE])
{
    tiles *t = ctx;
    for (size_t i = 0; i < count; i++) {
        int level;
        uint64_t n;
        merkle_split_stored_index(indexes[i], &level, &n);
        tile tl;
        int rc = tile_for_hash(level, n, t->size, &tl);
        if (rc != 0)
            return lh_err_set(&t->read_err, rc,
                              "hash (%d, %" PRIu64 ") lies outside the tree of %" PRIu64 " entries",
                              level, n, t->size);
        const uint8_t *data = NULL;
        size_t len = 0;
        rc = cache_get(t, &tl, &data, &len);
        if (rc != 0)
            return rc;
        rc = tile_hash_from_tile(&tl, data, len, level, n, hashes[i]);
        if (rc != 0)
            return lh_err_set(&t->read_err, rc, "hash (%d, %" PRIu64 "): %s", level, n,
                              lh_strerror(rc));
    }
    return 0;
}

/* Locate and hash the leaves of a bundle that tile_bundle_check() accepted. */
static int bundle_make(uint64_t first, unsigned w, uint8_t *data, size_t len, tiles_bundle **out)
{
    tiles_bundle *b = malloc(sizeof *b);
    if (b == NULL)
        return LH_ENOMEM;
    b->first = first;
    b->width = w;
    b->data = data;
    b->len = len;
    size_t off = 0;
    for (unsigned i = 0; i < w; i++) {
        if (tile_bundle_next(data, len, &off, &b->leaf[i], &b->leaf_len[i]) != 1) {
            /* tile_bundle_check() said otherwise: a bug, not the log's. */
            free(b);
            return LH_EINTERNAL;
        }
        /* RFC 6962 §2.1: a leaf hash is SHA-256(0x00 || entry). */
        merkle_leaf_hash(b->hash[i], b->leaf[i], b->leaf_len[i]);
    }
    *out = b;
    return 0;
}

/* Read one level-0 position: the hash tile and the entry bundle, compare
 * them, climb to the parent, and hand the bundle to the sink. */
static int stream_one(tiles *t, uint64_t n, unsigned w, tiles_sink_fn sink, void *sink_ctx,
                      bool *end, lh_err *err)
{
    level_tile *lv = &t->lv[0];
    char tpath[TILE_PATH_MAX], bpath[TILE_PATH_MAX];
    uint64_t first = n * TILE_WIDTH, last = first + w - 1;
    int rc;

    lv->set = true;
    lv->loaded = false;
    lv->t = (tile){0, n, w};
    int trc = read_tile(t, &lv->t, lv->data, &lv->len, tpath);
    if (trc != 0 && !log_fault(trc))
        return lh_err_set(err, trc, "%s/%s: %s", t->dir, tpath, lh_strerror(trc));

    uint8_t *data = NULL;
    size_t len = 0;
    bool content;
    int brc = read_bundle_data(t, n, w, &data, &len, bpath, &content);
    if (brc != 0 && !content && !log_fault(brc))
        return lh_err_set(err, brc, "%s/%s: %s", t->dir, bpath, lh_strerror(brc));

    char zh[768], en[768];
    /* The log ends here: say it once, rather than once per position up to
     * the size the checkpoint claims. */
    if ((trc == -ENOENT || trc == -ENOTDIR) && (brc == -ENOENT || brc == -ENOTDIR)) {
        *end = true;
        snprintf(zh, sizeof zh,
                 "目录止于第%" PRIu64 "号记录：%s 与 %s 均不存在，但检查点的树有 %" PRIu64
                 " 条记录",
                 first, tpath, bpath, t->size);
        snprintf(en, sizeof en,
                 "the directory ends at entry %" PRIu64 ": neither %s nor %s exists, yet the "
                 "checkpoint's tree has %" PRIu64 " entries",
                 first, tpath, bpath, t->size);
        return fail_span(t, first, first, t->size - 1, zh, en);
    }
    if (trc != 0 && (rc = fail_resource(t, "哈希瓦片", "hash tile", tpath, trc, first, last)) != 0)
        goto out;
    if (trc == 0) {
        lv->loaded = true;
        t->stats->tiles++;
    }
    if (brc != 0) {
        if (content) {
            snprintf(zh, sizeof zh, "记录包 %s %s（第%" PRIu64 "至%" PRIu64 "号记录）", bpath,
                     brc == LH_ELENGTH ? "所含记录数与其宽度不符" : "被截断或格式错误", first,
                     last);
            snprintf(en, sizeof en, "entry bundle %s %s (entries %" PRIu64 " to %" PRIu64 ")",
                     bpath,
                     brc == LH_ELENGTH ? "does not hold as many entries as its width says"
                                       : "is truncated or malformed",
                     first, last);
            rc = fail_span(t, REPORT_NO_INDEX, first, last, zh, en);
        } else {
            rc = fail_resource(t, "记录包", "entry bundle", bpath, brc, first, last);
        }
        if (rc != 0)
            goto out;
    }

    tiles_bundle *b = NULL;
    if (brc == 0) {
        rc = bundle_make(first, w, data, len, &b);
        if (rc != 0) {
            lh_err_set(err, rc, "%s/%s: %s", t->dir, bpath, lh_strerror(rc));
            goto out;
        }
        data = NULL; /* b owns it */
        t->stats->tiles++;
        t->stats->leaves += w;
    }

    /* Every leaf hashes to its entry in the level-0 tile (C2SP "Log
     * entries": "Each entry in a bundle hashes to the corresponding entry
     * in the corresponding level 0 Merkle Tree tile"). */
    if (b != NULL && lv->loaded) {
        for (unsigned i = 0; i < w; i++) {
            const uint8_t *want = lv->data + (size_t)i * MERKLE_HASH_SIZE;
            if (memcmp(b->hash[i], want, MERKLE_HASH_SIZE) == 0)
                continue;
            char got64[TEXT_B64_LEN(MERKLE_HASH_SIZE)], want64[TEXT_B64_LEN(MERKLE_HASH_SIZE)];
            b64_hash(got64, b->hash[i]);
            b64_hash(want64, want);
            snprintf(zh, sizeof zh,
                     "第%" PRIu64 "号记录：记录包 %s 中的记录哈希为 %s，但哈希瓦片 %s 中为 %s",
                     first + i, bpath, got64, tpath, want64);
            snprintf(en, sizeof en,
                     "entry %" PRIu64 ": its leaf in %s hashes to %s, but %s holds %s", first + i,
                     bpath, got64, tpath, want64);
            if ((rc = fail(t, first + i, zh, en)) != 0) {
                tiles_bundle_free(b);
                goto out;
            }
        }
    } else if (b != NULL) {
        /* The tile is missing (reported above) but is only the bundle's
         * hashes: those stand in for it, so the levels above are still
         * checked against the entries. */
        memcpy(lv->data, b->hash, (size_t)w * MERKLE_HASH_SIZE);
        lv->len = (size_t)w * MERKLE_HASH_SIZE;
        lv->loaded = true;
    }

    if (lv->loaded && w == TILE_WIDTH) {
        uint8_t h[MERKLE_HASH_SIZE];
        if ((rc = tile_subtree_hash(lv->data, lv->len, h)) != 0 ||
            (rc = check_parent(t, 1, n, h, err)) != 0) {
            tiles_bundle_free(b);
            goto out;
        }
    }
    if (b != NULL) {
        if (sink != NULL) {
            rc = sink(sink_ctx, b);
            if (rc != 0)
                goto out;
        } else {
            tiles_bundle_free(b);
        }
    }
    rc = 0;
out:
    free(data);
    return rc;
}

int tiles_stream(tiles *t, uint64_t size, const uint8_t root[MERKLE_HASH_SIZE], tiles_sink_fn sink,
                 void *sink_ctx, report *rep, tiles_stats *stats, lh_err *err)
{
    memset(stats, 0, sizeof *stats);
    t->size = size;
    t->streamed = false;
    t->rep = rep;
    t->stats = stats;
    if (size > MERKLE_MAX_SIZE) {
        /* merkle.h: no tree of stored hashes is that large. The checkpoint
         * is signed, but what it says is wrong: the log's fault. */
        char zh[256], en[256];
        snprintf(zh, sizeof zh, "检查点的树大小 %" PRIu64 " 超出任何日志可能的大小（2^62）", size);
        snprintf(en, sizeof en,
                 "the checkpoint's tree size %" PRIu64 " exceeds the largest a log can have "
                 "(2^62)",
                 size);
        return fail(t, REPORT_NO_INDEX, zh, en);
    }
    memset(t->lv, 0, sizeof t->lv);
    for (size_t i = 0; i < TILES_CACHE; i++)
        t->cache[i].used = false;
    t->rb_valid = false;
    if (t->lf_fd >= 0)
        close(t->lf_fd);
    t->lf_fd = -1;

    uint64_t full = size / TILE_WIDTH, count = full + (size % TILE_WIDTH != 0);
    int rc = 0;
    for (uint64_t n = 0; n < count; n++) {
        unsigned w = n < full ? TILE_WIDTH : (unsigned)(size % TILE_WIDTH);
        bool end = false;
        if ((rc = stream_one(t, n, w, sink, sink_ctx, &end, err)) != 0)
            return rc;
        report_progress(rep, n * TILE_WIDTH + w, size);
        if (end)
            break;
    }
    /* Every level's last tile has had all its entries compared: a full one
     * is compared with its parent in turn. Going up from level 1 finishes
     * each level after the one below has fed it. */
    for (int level = 1; level < TILES_LEVELS; level++)
        if ((rc = finish_level(t, level, err)) != 0)
            return rc;

    /* The root, from the rightmost tile of each level (the only tiles a
     * root reads), as checked above. */
    for (int level = 0; level < TILES_LEVELS; level++)
        if (t->lv[level].loaded)
            cache_put(t, &t->lv[level].t, t->lv[level].data, t->lv[level].len);
    t->streamed = true;
    uint8_t got[MERKLE_HASH_SIZE];
    char zh[768], en[768];
    rc = merkle_tree_hash(got, size, tiles_reader, t);
    if (rc != 0) {
        if (!log_fault(rc) && rc != LH_ERANGE)
            return lh_err_set(err, rc, "%s", t->read_err.msg);
        snprintf(zh, sizeof zh, "无法由瓦片算出大小为 %" PRIu64 " 的树根：%s", size,
                 t->read_err.msg);
        snprintf(en, sizeof en,
                 "the root of the tree of %" PRIu64 " entries cannot be computed "
                 "from the tiles: %s",
                 size, t->read_err.msg);
        return fail_span(t, REPORT_NO_INDEX, 0, size - 1, zh, en);
    }
    if (memcmp(got, root, MERKLE_HASH_SIZE) != 0) {
        char got64[TEXT_B64_LEN(MERKLE_HASH_SIZE)], want64[TEXT_B64_LEN(MERKLE_HASH_SIZE)];
        b64_hash(got64, got);
        b64_hash(want64, root);
        snprintf(zh, sizeof zh, "由瓦片算得大小为 %" PRIu64 " 的树根为 %s，但检查点为 %s", size,
                 got64, want64);
        snprintf(en, sizeof en,
                 "the tiles give the root %s for the tree of %" PRIu64
                 " entries, but the checkpoint says %s",
                 got64, size, want64);
        return fail_span(t, REPORT_NO_INDEX, 0, size - 1, zh, en);
    }
    stats->root_ok = true;
    return 0;
}

/* The hashes are read only from tiles that tiles_stream() has checked. */
static int tiles_need_streamed(const tiles *t, lh_err *err)
{
    if (!t->streamed)
        return lh_err_set(err, LH_EINVAL, "%s: the tiles have not been checked yet", t->dir);
    return 0;
}

/* Whether entry index is in the log the tiles hold. */
static int tiles_need_entry(const tiles *t, uint64_t index, lh_err *err)
{
    if (index >= t->size)
        return lh_err_set(err, LH_ERANGE,
                          "entry %" PRIu64 " is beyond the log's %" PRIu64 " entries", index,
                          t->size);
    return 0;
}

int tiles_tree_hash(tiles *t, uint64_t m, uint8_t out[MERKLE_HASH_SIZE], lh_err *err)
{
    int rc = tiles_need_streamed(t, err);
    if (rc != 0)
        return rc;
    if (m > t->size)
        return lh_err_set(err, LH_ERANGE,
                          "the tree of %" PRIu64 " entries is larger than the log's %" PRIu64, m,
                          t->size);
    rc = merkle_tree_hash(out, m, tiles_reader, t);
    if (rc != 0)
        return lh_err_set(err, rc, "%s", t->read_err.msg);
    return 0;
}

int tiles_leaf_hash(tiles *t, uint64_t index, uint8_t out[MERKLE_HASH_SIZE], lh_err *err)
{
    int rc = tiles_need_streamed(t, err);
    if (rc == 0)
        rc = tiles_need_entry(t, index, err);
    if (rc != 0)
        return rc;
    uint64_t si = merkle_stored_index(0, index);
    rc = tiles_reader(t, &si, 1, (uint8_t(*)[MERKLE_HASH_SIZE])out);
    if (rc != 0)
        return lh_err_set(err, rc, "%s", t->read_err.msg);
    return 0;
}

int tiles_inclusion_proof(tiles *t, uint64_t index, uint8_t (*proof)[MERKLE_HASH_SIZE],
                          size_t *proof_len, lh_err *err)
{
    int rc = tiles_need_streamed(t, err);
    if (rc == 0)
        rc = tiles_need_entry(t, index, err);
    if (rc != 0)
        return rc;
    rc = merkle_inclusion_proof(proof, proof_len, index, t->size, tiles_reader, t);
    if (rc != 0)
        return lh_err_set(err, rc, "%s", t->read_err.msg);
    return 0;
}

int tiles_read_leaf(tiles *t, uint64_t index, const uint8_t **leaf, size_t *len, lh_err *err)
{
    int rc = tiles_need_entry(t, index, err);
    if (rc != 0)
        return rc;
    uint64_t n = index / TILE_WIDTH;
    if (!t->rb_valid || t->rb_n != n) {
        uint64_t full = t->size / TILE_WIDTH;
        unsigned w = n < full ? TILE_WIDTH : (unsigned)(t->size % TILE_WIDTH);
        char path[TILE_PATH_MAX];
        bool content;
        uint8_t *data;
        size_t dlen;
        free(t->rb);
        t->rb = NULL;
        t->rb_valid = false;
        rc = read_bundle_data(t, n, w, &data, &dlen, path, &content);
        if (rc != 0)
            return lh_err_set(err, content ? LH_EPARSE : rc, "%s/%s: %s", t->dir, path,
                              content ? "truncated or malformed" : fault_en(rc));
        t->rb = data;
        t->rb_len = dlen;
        t->rb_n = n;
        t->rb_valid = true;
    }
    size_t off = 0;
    unsigned want = (unsigned)(index % TILE_WIDTH);
    for (unsigned i = 0;; i++) {
        const uint8_t *e;
        size_t elen;
        if (tile_bundle_next(t->rb, t->rb_len, &off, &e, &elen) != 1)
            return lh_err_set(err, LH_EPARSE, "entry %" PRIu64 ": its bundle ends before it",
                              index);
        if (i == want) {
            *leaf = e;
            *len = elen;
            return 0;
        }
    }
}

/* Open the entry bundle of level-0 position n for tiles_read_leaf_at(): the
 * one of the width the size needs or, when that is missing, the full one,
 * as read_bundle_data() reads it. */
static int open_bundle(tiles *t, uint64_t n, int *fd, char path[TILE_PATH_MAX])
{
    uint64_t full = t->size / TILE_WIDTH;
    unsigned w = n < full ? TILE_WIDTH : (unsigned)(t->size % TILE_WIDTH);
    tile tl = {TILE_LEVEL_ENTRIES, n, w};
    int rc = tile_path(path, TILE_PATH_MAX, &tl);
    if (rc == 0)
        rc = open_beneath(t->dirfd, path, fd);
    if (rc == -ENOENT && w < TILE_WIDTH) {
        tl.width = TILE_WIDTH;
        if ((rc = tile_path(path, TILE_PATH_MAX, &tl)) == 0)
            rc = open_beneath(t->dirfd, path, fd);
    }
    if (rc != 0)
        return rc;
    struct stat st;
    if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(*fd);
        return LH_EPARSE;
    }
    return 0;
}

int tiles_read_leaf_at(tiles *t, uint64_t index, uint64_t offset, size_t len, const uint8_t **leaf,
                       lh_err *err)
{
    int rc = tiles_need_entry(t, index, err);
    if (rc != 0)
        return rc;
    if (len > TILE_ENTRY_MAX || offset > TILE_BUNDLE_MAX)
        return lh_err_set(err, LH_EINVAL, "entry %" PRIu64 ": no leaf lies there", index);
    uint64_t n = index / TILE_WIDTH;
    char path[TILE_PATH_MAX] = "";
    if (t->lf_fd < 0 || t->lf_n != n) {
        if (t->lf_fd >= 0)
            close(t->lf_fd);
        t->lf_fd = -1;
        int fd;
        rc = open_bundle(t, n, &fd, path);
        if (rc != 0)
            return lh_err_set(err, rc, "%s/%s: %s", t->dir, path, fault_en(rc));
        t->lf_fd = fd;
        t->lf_n = n;
    }
    if (t->lf == NULL && (t->lf = malloc(2 + TILE_ENTRY_MAX)) == NULL)
        return lh_err_set(err, LH_ENOMEM, "entry %" PRIu64 ": out of memory", index);
    /* The leaf and its big-endian uint16 length (C2SP tlog-tiles bundles). */
    size_t want = 2 + len, got = 0;
    while (got < want) {
        ssize_t r = pread(t->lf_fd, t->lf + got, want - got, (off_t)(offset + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return lh_err_set(err, -errno, "entry %" PRIu64 ": %s", index, strerror(errno));
        if (r == 0)
            break;
        got += (size_t)r;
    }
    if (got != want || ((size_t)t->lf[0] << 8 | t->lf[1]) != len)
        return lh_err_set(err, LH_EPARSE,
                          "entry %" PRIu64 ": its bundle no longer holds it where it was read",
                          index);
    *leaf = t->lf + 2;
    return 0;
}
