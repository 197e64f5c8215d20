/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fuzz_tile.c — C2SP tlog-tiles (client/tile.h): the input is parsed as a
 * tile path, walked as an entry bundle, read as the contents of a hash tile,
 * and its first bytes give the coordinates of a hash for tile_for_hash().
 *
 * Invariants, each against an independent recomputation: a parsed path
 * prints back identically (and not into a buffer one byte short); a bundle
 * re-appended entry by entry is the input again, and tile_bundle_check()
 * agrees with the walk for every width; a hash read from a tile is the
 * pairwise SHA-256 reduction of its hashes, tile_subtree_hash() is the RFC
 * 9162 MTH of them, and coordinates outside the tile are refused; the tile
 * of a hash holds it and has a path that parses back to it.
 */
#include <errno.h>
#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#include "errors.h"
#include "fuzz.h"
#include "merkle.h"
#include "tile.h"

static void node(uint8_t out[32], const uint8_t *left, const uint8_t *right)
{
    uint8_t buf[1 + 64];
    buf[0] = 0x01;
    memcpy(buf + 1, left, 32);
    memcpy(buf + 33, right, 32);
    crypto_hash_sha256(out, buf, sizeof buf);
}

/* RFC 9162 §2.1.1 MTH of count hashes taken as leaves (count >= 1). */
static void ref_mth(const uint8_t *h, size_t count, uint8_t out[32])
{
    if (count == 1) {
        memcpy(out, h, 32);
        return;
    }
    size_t k = 1;
    while (k << 1 < count)
        k <<= 1;
    uint8_t l[32], r[32];
    ref_mth(h, k, l);
    ref_mth(h + 32 * k, count - k, r);
    node(out, l, r);
}

/* The root of 2^r consecutive hashes, by pairwise reduction level by level. */
static void ref_pow2(const uint8_t *h, unsigned r, uint8_t out[32])
{
    uint8_t work[TILE_WIDTH][32];
    size_t n = (size_t)1 << r;
    memcpy(work, h, 32 * n);
    for (; n > 1; n /= 2) {
        for (size_t i = 0; i < n / 2; i++)
            node(work[i], work[2 * i], work[2 * i + 1]);
    }
    memcpy(out, work[0], 32);
}

static void fuzz_path(const uint8_t *data, size_t size)
{
    tile t = {.level = 99, .n = 7, .width = 0};
    int rc = tile_parse_path((const char *)data, size, &t);
    if (rc != 0) {
        FUZZ_CHECK(rc == LH_EPARSE);
        FUZZ_CHECK(t.level == 99 && t.n == 7 && t.width == 0);
        return;
    }
    FUZZ_CHECK(t.level >= TILE_LEVEL_ENTRIES && t.level <= TILE_MAX_LEVEL);
    FUZZ_CHECK(t.width >= 1 && t.width <= TILE_WIDTH);
    char out[TILE_PATH_MAX];
    FUZZ_CHECK(tile_path(out, sizeof out, &t) == 0);
    FUZZ_CHECK(strlen(out) == size && memcmp(out, data, size) == 0);
    /* One byte short of the NUL: refused, and the buffer left empty. */
    FUZZ_CHECK(tile_path(out, size, &t) == -ENOBUFS);
    FUZZ_CHECK(size == 0 || out[0] == '\0');
}

static void fuzz_bundle(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size + 1);
    FUZZ_CHECK(copy != NULL);
    size_t off = 0, copy_len = 0, count = 0;
    const uint8_t *entry;
    size_t entry_len;
    int rc;
    while ((rc = tile_bundle_next(data, size, &off, &entry, &entry_len)) == 1) {
        FUZZ_CHECK(entry >= data && entry_len <= TILE_ENTRY_MAX);
        FUZZ_CHECK((size_t)(entry - data) + entry_len == off && off <= size);
        FUZZ_CHECK(tile_bundle_append(copy, size, &copy_len, entry, entry_len) == 0);
        count++;
    }
    if (rc == 0) {
        FUZZ_CHECK(off == size && copy_len == size);
        FUZZ_CHECK(size == 0 || memcmp(copy, data, size) == 0);
    } else {
        FUZZ_CHECK(rc == LH_EPARSE && off < size);
    }
    free(copy);
    /* tile_bundle_check() stops as soon as it has seen more than width entries. */
    static const unsigned widths[] = {1, 2, 3, 255, 256};
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
        unsigned w = widths[i];
        int want = rc != 0 && count <= w ? LH_EPARSE : count == w ? 0 : LH_ELENGTH;
        FUZZ_CHECK(tile_bundle_check(data, size, w) == want);
    }
    if (count >= 1 && count <= TILE_WIDTH)
        FUZZ_CHECK(tile_bundle_check(data, size, (unsigned)count) == (rc == 0 ? 0 : LH_EPARSE));
    FUZZ_CHECK(tile_bundle_check(data, size, 0) == LH_EINVAL);
    FUZZ_CHECK(tile_bundle_check(data, size, TILE_WIDTH + 1) == LH_EINVAL);
}

/* One hash at coordinates (8L + r, n): expected inside iff its 2^r hashes
 * starting at position i end within the width. */
static void check_hash(const tile *t, const uint8_t *data, size_t size, unsigned r, uint64_t i)
{
    uint64_t n = (t->n << (TILE_HEIGHT - r)) + i;
    uint8_t out[32], want[32];
    int rc = tile_hash_from_tile(t, data, size, t->level * TILE_HEIGHT + (int)r, n, out);
    if (((i + 1) << r) > t->width) {
        FUZZ_CHECK(rc == LH_ERANGE);
        return;
    }
    FUZZ_CHECK(rc == 0);
    ref_pow2(data + (i << r) * 32, r, want);
    FUZZ_CHECK(memcmp(out, want, 32) == 0);
}

static void fuzz_hash_tile(const uint8_t *data, size_t size)
{
    if (size == 0)
        return;
    tile t = {.level = data[0] % (TILE_MAX_LEVEL + 1), .n = data[size - 1], .width = 0};
    uint8_t out[32], want[32];
    if (size % 32 != 0 || size > TILE_SIZE) {
        FUZZ_CHECK(tile_subtree_hash(data, size, out) == LH_ELENGTH);
        t.width = size / 32 % TILE_WIDTH + 1;
        FUZZ_CHECK(tile_hash_from_tile(&t, data, size, t.level * TILE_HEIGHT, t.n << 8, out) ==
                   LH_ELENGTH);
        return;
    }
    t.width = (unsigned)(size / 32);
    FUZZ_CHECK(tile_subtree_hash(data, size, out) == 0);
    ref_mth(data, t.width, want);
    FUZZ_CHECK(memcmp(out, want, 32) == 0);

    for (unsigned r = 0; r < TILE_HEIGHT; r++) {
        uint64_t groups = t.width >> r; /* complete groups of 2^r hashes */
        check_hash(&t, data, size, r, 0);
        check_hash(&t, data, size, r, groups == 0 ? 0 : groups - 1);
        check_hash(&t, data, size, r, groups);
        check_hash(&t, data, size, r, data[1 % size] % (groups + 1));
    }
    /* A full tile's hash for its parent is the root of its two halves. */
    if (t.width == TILE_WIDTH) {
        uint8_t l[32], rr[32];
        FUZZ_CHECK(tile_hash_from_tile(&t, data, size, t.level * 8 + 7, t.n * 2, l) == 0);
        FUZZ_CHECK(tile_hash_from_tile(&t, data, size, t.level * 8 + 7, t.n * 2 + 1, rr) == 0);
        node(want, l, rr);
        FUZZ_CHECK(memcmp(out, want, 32) == 0);
    }
    /* Other levels, another tile, a bundle, another length: refused. */
    int level = t.level * TILE_HEIGHT;
    FUZZ_CHECK(tile_hash_from_tile(&t, data, size, level - 1, 0, out) == LH_ERANGE);
    FUZZ_CHECK(tile_hash_from_tile(&t, data, size, level + 8, 0, out) == LH_ERANGE);
    FUZZ_CHECK(tile_hash_from_tile(&t, data, size, level, (t.n + 1) << 8, out) == LH_ERANGE);
    tile b = t;
    b.level = TILE_LEVEL_ENTRIES;
    FUZZ_CHECK(tile_hash_from_tile(&b, data, size, 0, 0, out) == LH_EINVAL);
    b = t;
    b.width = t.width % TILE_WIDTH + 1;
    FUZZ_CHECK(tile_hash_from_tile(&b, data, size, level, t.n << 8, out) == LH_ELENGTH);
}

static void fuzz_for_hash(const uint8_t *data, size_t size)
{
    if (size < 18)
        return;
    int level = data[0] % 70; /* 64..69 are not levels */
    uint64_t n = fuzz_be64(data + 1) >> (data[9] % 64);
    uint64_t tree = fuzz_be64(data + 10);
    tile t;
    int rc = tile_for_hash(level, n, tree, &t);
    bool inside = level < 64 && n < (tree >> level);
    if (!inside) {
        FUZZ_CHECK(rc == LH_ERANGE);
        return;
    }
    FUZZ_CHECK(rc == 0);
    unsigned r = (unsigned)level % TILE_HEIGHT;
    uint64_t first = n << r; /* index at tree level 8L of its first hash */
    FUZZ_CHECK(t.level == level / TILE_HEIGHT);
    FUZZ_CHECK(t.width >= 1 && t.width <= TILE_WIDTH);
    FUZZ_CHECK(t.n == first / TILE_WIDTH);
    FUZZ_CHECK(first % TILE_WIDTH + (UINT64_C(1) << r) <= t.width);
    /* The published width: full, or the hashes the tree has at that level. */
    uint64_t hashes = tree >> (t.level * TILE_HEIGHT);
    FUZZ_CHECK(t.width == (hashes / TILE_WIDTH > t.n ? TILE_WIDTH : hashes % TILE_WIDTH));
    char path[TILE_PATH_MAX];
    tile back;
    FUZZ_CHECK(tile_path(path, sizeof path, &t) == 0);
    FUZZ_CHECK(tile_parse_path(path, strlen(path), &back) == 0);
    FUZZ_CHECK(back.level == t.level && back.n == t.n && back.width == t.width);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_sodium_init();
    fuzz_path(data, size);
    fuzz_bundle(data, size);
    fuzz_hash_tile(data, size);
    fuzz_for_hash(data, size);
    return 0;
}
