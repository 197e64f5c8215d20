/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * tile.c — C2SP tlog-tiles resource names, contents and entry bundles.
 */
#include "tile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"

/* Tile indexes are written in groups of three decimal digits (C2SP
 * tlog-tiles "<N>"), so that no directory holds more than 3000 names. */
#define TILE_PATH_BASE 1000

/* Whether t names a resource at all: a level in -1..63, a width in 1..256. */
static int tile_valid(const tile *t)
{
    return t->level >= TILE_LEVEL_ENTRIES && t->level <= TILE_MAX_LEVEL && t->width >= 1 &&
           t->width <= TILE_WIDTH;
}

int tile_path(char *out, size_t cap, const tile *t)
{
    char buf[TILE_PATH_MAX];
    char groups[7][8];
    int ngroups = 0;
    size_t len;

    if (cap > 0)
        out[0] = '\0';
    if (!tile_valid(t))
        return LH_EINVAL;
    /* The groups, least significant first: UINT64_MAX has 20 digits. */
    uint64_t n = t->n;
    do {
        snprintf(groups[ngroups++], sizeof groups[0], "%03u", (unsigned)(n % TILE_PATH_BASE));
        n /= TILE_PATH_BASE;
    } while (n > 0);
    if (t->level == TILE_LEVEL_ENTRIES)
        len = (size_t)snprintf(buf, sizeof buf, "tile/entries/");
    else
        len = (size_t)snprintf(buf, sizeof buf, "tile/%d/", t->level);
    while (ngroups-- > 1)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "x%s/", groups[ngroups]);
    len += (size_t)snprintf(buf + len, sizeof buf - len, "%s", groups[0]);
    if (t->width < TILE_WIDTH)
        len += (size_t)snprintf(buf + len, sizeof buf - len, ".p/%u", t->width);
    if (len + 1 > cap)
        return -ENOBUFS;
    memcpy(out, buf, len + 1);
    return 0;
}

/* Parse a decimal without sign or leading zeros from s[*i..len), stopping
 * at the first non-digit; refuse values above max. */
static int parse_decimal(const char *s, size_t len, size_t *i, uint64_t max, uint64_t *value)
{
    size_t start = *i;
    uint64_t v = 0;

    while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
        unsigned d = (unsigned)(s[*i] - '0');
        if (d > max || v > (max - d) / 10)
            return LH_EPARSE;
        v = v * 10 + d;
        (*i)++;
    }
    if (*i == start || (s[start] == '0' && *i - start > 1))
        return LH_EPARSE;
    *value = v;
    return 0;
}

/* Whether s[*i..len) starts with the literal lit; skip it if so. */
static int skip_literal(const char *s, size_t len, size_t *i, const char *lit)
{
    size_t n = strlen(lit);
    if (len - *i < n || memcmp(s + *i, lit, n) != 0)
        return 0;
    *i += n;
    return 1;
}

int tile_parse_path(const char *path, size_t len, tile *t)
{
    tile tmp = {.level = 0, .n = 0, .width = TILE_WIDTH};
    size_t i = 0;
    uint64_t v;

    if (!skip_literal(path, len, &i, "tile/"))
        return LH_EPARSE;
    if (skip_literal(path, len, &i, "entries/")) {
        tmp.level = TILE_LEVEL_ENTRIES;
    } else {
        /* C2SP: "a decimal ASCII integer between 0 and 63, with no
         * additional leading zeroes". */
        if (parse_decimal(path, len, &i, TILE_MAX_LEVEL, &v) != 0 ||
            !skip_literal(path, len, &i, "/"))
            return LH_EPARSE;
        tmp.level = (int)v;
    }
    /* C2SP: "zero-padded 3-digit path elements. All but the last path
     * element MUST begin with an x." */
    for (int group = 0;; group++) {
        int more = skip_literal(path, len, &i, "x");
        if (len - i < 3)
            return LH_EPARSE;
        unsigned g = 0;
        for (int d = 0; d < 3; d++, i++) {
            if (path[i] < '0' || path[i] > '9')
                return LH_EPARSE;
            g = g * 10 + (unsigned)(path[i] - '0');
        }
        /* A leading x000 group would give N a second spelling. */
        if (more && group == 0 && g == 0)
            return LH_EPARSE;
        if (tmp.n > (UINT64_MAX - g) / TILE_PATH_BASE)
            return LH_EPARSE;
        tmp.n = tmp.n * TILE_PATH_BASE + g;
        if (!more)
            break;
        if (!skip_literal(path, len, &i, "/"))
            return LH_EPARSE;
    }
    /* C2SP: W is "a decimal ASCII integer between 1 and 255, with no
     * additional leading zeroes"; a full tile has no suffix. */
    if (skip_literal(path, len, &i, ".p/")) {
        if (parse_decimal(path, len, &i, TILE_WIDTH - 1, &v) != 0 || v == 0)
            return LH_EPARSE;
        tmp.width = (unsigned)v;
    }
    if (i != len)
        return LH_EPARSE;
    *t = tmp;
    return 0;
}

void tile_iter_init(tile_iter *it, uint64_t size)
{
    it->size = size;
    it->level = 0;
    it->next = 0;
    it->done = size == 0;
}

/* The number of hashes at the tree level of the tile level, i.e. the number
 * of complete subtrees of 256^level leaves; entries count as level 0. */
static uint64_t level_hashes(uint64_t size, int level)
{
    if (level == TILE_LEVEL_ENTRIES)
        return size;
    /* Shifting a uint64_t by 64 or more is undefined: no such level exists. */
    return level * TILE_HEIGHT >= 64 ? 0 : size >> (level * TILE_HEIGHT);
}

int tile_iter_next(tile_iter *it, tile *t)
{
    while (!it->done) {
        uint64_t hashes = level_hashes(it->size, it->level);
        uint64_t full = hashes / TILE_WIDTH;
        unsigned partial = (unsigned)(hashes % TILE_WIDTH);
        /* C2SP: the full tiles, then the partial tile, which has
         * floor(s / 256^l) mod 256 hashes; empty tiles are not served. */
        if (it->next < full || (it->next == full && partial > 0)) {
            t->level = it->level;
            t->n = it->next;
            t->width = it->next < full ? TILE_WIDTH : partial;
            it->next++;
            return 1;
        }
        /* Hash levels go up while the tree has a complete subtree of
         * 256^level leaves, so the last one holds fewer than 256 hashes
         * (C2SP: a tree of size 256 has a partial level-1 tile of width 1);
         * the entry bundles follow. */
        if (it->level == TILE_LEVEL_ENTRIES) {
            it->done = 1;
        } else if (level_hashes(it->size, it->level + 1) == 0) {
            it->level = TILE_LEVEL_ENTRIES;
        } else {
            it->level++;
        }
        it->next = 0;
    }
    return 0;
}

uint64_t tile_count(uint64_t size)
{
    uint64_t n = 0;
    tile_iter it;
    tile t;
    tile_iter_init(&it, size);
    while (tile_iter_next(&it, &t) == 1)
        n++;
    return n;
}

int tile_for_hash(int level, uint64_t n, uint64_t size, tile *t)
{
    if (level < 0 || level >= 64 || n >= (size >> level))
        return LH_ERANGE;
    /* The hash is the root of 2^r hashes of tile level L (r = 0 for one of
     * them); its tile is the one holding those. */
    int tl = level / TILE_HEIGHT, r = level % TILE_HEIGHT;
    uint64_t tn = n >> (TILE_HEIGHT - r);
    uint64_t hashes = level_hashes(size, tl);
    t->level = tl;
    t->n = tn;
    /* tlog's tileParent(t, 0, size): the published width. The hash's own
     * 2^r hashes end at or before that width since n < size >> level. */
    t->width = hashes / TILE_WIDTH > tn ? TILE_WIDTH : (unsigned)(hashes - tn * TILE_WIDTH);
    return 0;
}

/* Whether a hash tile's hashes all belong to a tree of at most
 * MERKLE_MAX_SIZE leaves: (n * 256 + width) * 256^L <= 2^62. */
static int tile_in_range(const tile *t)
{
    if (t->level * TILE_HEIGHT >= 62)
        return 0;
    uint64_t limit = MERKLE_MAX_SIZE >> (t->level * TILE_HEIGHT);
    return t->width <= limit && t->n <= (limit - t->width) / TILE_WIDTH;
}

int tile_read_hashes(const tile *t, merkle_read_fn read, void *ctx, uint8_t *out, size_t cap,
                     size_t *len)
{
    uint64_t indexes[TILE_WIDTH];

    if (!tile_valid(t) || t->level == TILE_LEVEL_ENTRIES)
        return LH_EINVAL;
    if (!tile_in_range(t))
        return LH_ERANGE;
    if (cap < (size_t)t->width * MERKLE_HASH_SIZE)
        return -ENOBUFS;
    /* C2SP: the i-th hash of tile (l, n) is MTH(D[(n*256 + i) * 256^l :
     * (n*256 + i + 1) * 256^l]), the stored hash (8l, n*256 + i). */
    for (unsigned i = 0; i < t->width; i++)
        indexes[i] = merkle_stored_index(t->level * TILE_HEIGHT, t->n * TILE_WIDTH + i);
    int rc = read(ctx, indexes, t->width, (uint8_t(*)[MERKLE_HASH_SIZE])out);
    if (rc != 0)
        return rc > 0 ? LH_EINTERNAL : rc;
    *len = (size_t)t->width * MERKLE_HASH_SIZE;
    return 0;
}

/* MTH (RFC 9162 §2.1.1) of count >= 1 consecutive hashes taken as leaves:
 * split at the largest power of two below count. The recursion is at most
 * eight deep since count <= 256. For a power of two this is tlog's tileHash. */
static void hashes_mth(const uint8_t *data, size_t count, uint8_t out[MERKLE_HASH_SIZE])
{
    uint8_t left[MERKLE_HASH_SIZE], right[MERKLE_HASH_SIZE];

    if (count == 1) {
        memcpy(out, data, MERKLE_HASH_SIZE);
        return;
    }
    size_t k = 1;
    while (k * 2 < count)
        k *= 2;
    hashes_mth(data, k, left);
    hashes_mth(data + k * MERKLE_HASH_SIZE, count - k, right);
    merkle_node_hash(out, left, right);
}

int tile_hash_from_tile(const tile *t, const uint8_t *data, size_t len, int level, uint64_t n,
                        uint8_t out[MERKLE_HASH_SIZE])
{
    if (!tile_valid(t) || t->level == TILE_LEVEL_ENTRIES)
        return LH_EINVAL;
    if (len != (size_t)t->width * MERKLE_HASH_SIZE)
        return LH_ELENGTH;
    /* tlog.tileForIndex: the level within the tile, the tile index, and
     * the position of the 2^r hashes within the tile. */
    int r = level - t->level * TILE_HEIGHT;
    if (r < 0 || r >= TILE_HEIGHT)
        return LH_ERANGE;
    uint64_t tn = n >> (TILE_HEIGHT - r);
    uint64_t start = (n - (tn << (TILE_HEIGHT - r))) << r;
    uint64_t end = start + (UINT64_C(1) << r);
    if (tn != t->n || end > t->width)
        return LH_ERANGE;
    hashes_mth(data + start * MERKLE_HASH_SIZE, (size_t)(end - start), out);
    return 0;
}

int tile_subtree_hash(const uint8_t *data, size_t len, uint8_t out[MERKLE_HASH_SIZE])
{
    if (len == 0 || len % MERKLE_HASH_SIZE != 0 || len > TILE_SIZE)
        return LH_ELENGTH;
    hashes_mth(data, len / MERKLE_HASH_SIZE, out);
    return 0;
}

int tile_bundle_append(uint8_t *buf, size_t cap, size_t *len, const uint8_t *entry,
                       size_t entry_len)
{
    if (entry_len > TILE_ENTRY_MAX)
        return LH_ETOOBIG;
    if (*len > cap || cap - *len < 2 + entry_len)
        return -ENOBUFS;
    /* C2SP tlog-tiles: "sequences of big-endian uint16 length-prefixed log
     * entries". */
    buf[*len] = (uint8_t)(entry_len >> 8);
    buf[*len + 1] = (uint8_t)entry_len;
    if (entry_len > 0)
        memcpy(buf + *len + 2, entry, entry_len);
    *len += 2 + entry_len;
    return 0;
}

int tile_bundle_next(const uint8_t *buf, size_t len, size_t *off, const uint8_t **entry,
                     size_t *entry_len)
{
    if (*off == len)
        return 0;
    if (*off > len || len - *off < 2)
        return LH_EPARSE;
    size_t n = (size_t)buf[*off] << 8 | buf[*off + 1];
    if (len - *off - 2 < n)
        return LH_EPARSE;
    *entry = buf + *off + 2;
    *entry_len = n;
    *off += 2 + n;
    return 1;
}

int tile_bundle_check(const uint8_t *buf, size_t len, unsigned width)
{
    const uint8_t *entry;
    size_t off = 0, entry_len, count = 0;
    int rc;

    if (width < 1 || width > TILE_WIDTH)
        return LH_EINVAL;
    while ((rc = tile_bundle_next(buf, len, &off, &entry, &entry_len)) == 1) {
        /* Stop early: a bundle of more entries is wrong however it ends. */
        if (++count > width)
            return LH_ELENGTH;
    }
    if (rc != 0)
        return rc;
    return count == width ? 0 : LH_ELENGTH;
}
