/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_tile.c — C2SP tlog-tiles names, contents and entry bundles
 * (client/tile.c).
 *
 * Every line of tests/vectors/tiles.txt (produced with Go's sumdb/tlog) is
 * checked; for the sizes whose resource contents are given, the tiles are
 * then used as an offline verifier would: the root, the proofs and every
 * tile are recomputed from the tiles alone, and a flipped byte in any tile
 * must be caught. Then malformed paths and bundles.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "errors.h"
#include "memstore.h"
#include "merkle.h"
#include "testutil.h"
#include "tile.h"
#include "vec.h"

/* The largest tree size tiles.txt uses. */
#define VEC_TREE_SIZE 70000

/* The store of the leaves "leaf-<i>" shared by the tests. */
static memstore vec_store;

/* Compare tiles field by field: the struct has padding. */
static void assert_tile_equal(const tile *a, const tile *b)
{
    assert_int_equal(a->level, b->level);
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->width, b->width);
}

/* The data of leaf i of the vectors: "leaf-<i>". */
static size_t vector_leaf(uint64_t i, char buf[32])
{
    return (size_t)snprintf(buf, 32, "leaf-%llu", (unsigned long long)i);
}

/*
 * The resources of one tree size, in tile_iter order, with their contents
 * once known. Tiles of one level are contiguous and numbered from 0, so a
 * tile is found at start[level + 1] + n (slot 0 is the entry bundles).
 */
typedef struct tileset {
    uint64_t size;
    tile *tiles;
    uint8_t **data;
    size_t *len;
    size_t ntiles;
    size_t start[TILE_MAX_LEVEL + 2];
    size_t count[TILE_MAX_LEVEL + 2];
} tileset;

static void tileset_init(tileset *ts, uint64_t size)
{
    tile_iter it;
    tile t;
    size_t cap = 0;

    memset(ts, 0, sizeof *ts);
    ts->size = size;
    tile_iter_init(&it, size);
    while (tile_iter_next(&it, &t)) {
        if (ts->ntiles == cap) {
            cap = cap == 0 ? 64 : cap * 2;
            ts->tiles = realloc(ts->tiles, cap * sizeof *ts->tiles);
            assert_non_null(ts->tiles);
        }
        int slot = t.level + 1;
        if (ts->count[slot] == 0)
            ts->start[slot] = ts->ntiles;
        /* Contiguous and in order, or the lookup below is wrong. */
        assert_int_equal(ts->start[slot] + ts->count[slot], ts->ntiles);
        assert_int_equal(t.n, ts->count[slot]);
        ts->count[slot]++;
        ts->tiles[ts->ntiles++] = t;
    }
    ts->data = calloc(ts->ntiles + 1, sizeof *ts->data);
    ts->len = calloc(ts->ntiles + 1, sizeof *ts->len);
    assert_non_null(ts->data);
    assert_non_null(ts->len);
}

/* The position of tile t in the set, or -1. */
static long tileset_find(const tileset *ts, const tile *t)
{
    if (t->level < TILE_LEVEL_ENTRIES || t->level > TILE_MAX_LEVEL)
        return -1;
    int slot = t->level + 1;
    if (t->n >= ts->count[slot])
        return -1;
    size_t i = ts->start[slot] + (size_t)t->n;
    return ts->tiles[i].width == t->width ? (long)i : -1;
}

static void tileset_free(tileset *ts)
{
    for (size_t i = 0; i < ts->ntiles; i++)
        free(ts->data[i]);
    free(ts->data);
    free(ts->len);
    free(ts->tiles);
    memset(ts, 0, sizeof *ts);
}

/* The contents of a resource for the leaves "leaf-<i>", from the store. */
static uint8_t *compute_resource(memstore *ms, const tile *t, size_t *len)
{
    size_t cap = t->level == TILE_LEVEL_ENTRIES ? (size_t)t->width * (2 + 32) : TILE_SIZE;
    uint8_t *buf = malloc(cap);
    assert_non_null(buf);
    *len = 0;
    if (t->level != TILE_LEVEL_ENTRIES) {
        assert_int_equal(tile_read_hashes(t, memstore_read, ms, buf, cap, len), 0);
        assert_int_equal(*len, t->width * MERKLE_HASH_SIZE);
        return buf;
    }
    for (unsigned i = 0; i < t->width; i++) {
        char leaf[32];
        size_t n = vector_leaf(t->n * TILE_WIDTH + i, leaf);
        assert_int_equal(tile_bundle_append(buf, cap, len, (const uint8_t *)leaf, n), 0);
    }
    return buf;
}

static void tileset_fill(tileset *ts, memstore *ms)
{
    for (size_t i = 0; i < ts->ntiles; i++)
        if (ts->data[i] == NULL)
            ts->data[i] = compute_resource(ms, &ts->tiles[i], &ts->len[i]);
}

/*
 * A merkle_read_fn over a set of tiles, as an offline verifier builds one
 * (tlog.TileHashReader without its authentication, which the callers do by
 * comparing what they compute with a trusted root).
 */
static int tileset_read(void *ctx, const uint64_t *indexes, size_t count,
                        uint8_t (*hashes)[MERKLE_HASH_SIZE])
{
    const tileset *ts = ctx;

    for (size_t i = 0; i < count; i++) {
        int level;
        uint64_t n;
        tile t;
        merkle_split_stored_index(indexes[i], &level, &n);
        int rc = tile_for_hash(level, n, ts->size, &t);
        if (rc != 0)
            return rc;
        long at = tileset_find(ts, &t);
        if (at < 0 || ts->data[at] == NULL)
            return LH_ENOTFOUND;
        rc = tile_hash_from_tile(&t, ts->data[at], ts->len[at], level, n, hashes[i]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* The hash a full hash tile must have, read from its parent tile. */
static void parent_entry(const tileset *ts, const tile *t, uint8_t out[MERKLE_HASH_SIZE])
{
    tile p;
    int level = (t->level + 1) * TILE_HEIGHT;

    assert_int_equal(tile_for_hash(level, t->n, ts->size, &p), 0);
    long at = tileset_find(ts, &p);
    assert_true(at >= 0 && ts->data[at] != NULL);
    assert_int_equal(tile_hash_from_tile(&p, ts->data[at], ts->len[at], level, t->n, out), 0);
}

/* Whether an entry bundle matches the level-0 tile of the same index. */
static int bundle_matches(const tileset *ts, const tile *b, const uint8_t *data, size_t len)
{
    tile h = {.level = 0, .n = b->n, .width = b->width};
    long at = tileset_find(ts, &h);
    size_t off = 0, elen;
    const uint8_t *e;
    uint8_t leaf[MERKLE_HASH_SIZE];

    assert_true(at >= 0 && ts->data[at] != NULL);
    if (tile_bundle_check(data, len, b->width) != 0)
        return 0;
    for (unsigned i = 0; i < b->width; i++) {
        assert_int_equal(tile_bundle_next(data, len, &off, &e, &elen), 1);
        merkle_leaf_hash(leaf, e, elen);
        if (memcmp(leaf, ts->data[at] + i * MERKLE_HASH_SIZE, MERKLE_HASH_SIZE) != 0)
            return 0;
    }
    assert_int_equal(tile_bundle_next(data, len, &off, &e, &elen), 0);
    return 1;
}

/*
 * Verify a complete set of tiles against a trusted root, as liuhen-verify
 * will (DESIGN "Offline verifier", check 1): the root from the tiles alone,
 * every full tile against its parent, every bundle against its level-0
 * tile; proofs built from tiles equal those built from the store. Then flip
 * one byte of each resource in turn: some check must fail.
 */
static void verify_tileset(tileset *ts, memstore *ms, const uint8_t root[MERKLE_HASH_SIZE])
{
    uint8_t h[MERKLE_HASH_SIZE], want[MERKLE_HASH_SIZE];
    uint8_t p1[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE], p2[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
    size_t n1, n2;

    assert_int_equal(merkle_tree_hash(h, ts->size, tileset_read, ts), 0);
    assert_memory_equal(h, root, MERKLE_HASH_SIZE);
    for (size_t i = 0; i < ts->ntiles; i++) {
        const tile *t = &ts->tiles[i];
        if (t->level == TILE_LEVEL_ENTRIES) {
            assert_true(bundle_matches(ts, t, ts->data[i], ts->len[i]));
        } else if (t->width == TILE_WIDTH) {
            assert_int_equal(tile_subtree_hash(ts->data[i], ts->len[i], h), 0);
            parent_entry(ts, t, want);
            assert_memory_equal(h, want, MERKLE_HASH_SIZE);
        }
    }
    for (unsigned k = 0; k < 50; k++) {
        uint64_t index = k == 0 ? ts->size - 1 : tu_rng_below(ts->size);
        uint64_t m = k == 0 ? 1 : 1 + tu_rng_below(ts->size);
        assert_int_equal(merkle_inclusion_proof(p1, &n1, index, ts->size, tileset_read, ts), 0);
        assert_int_equal(merkle_inclusion_proof(p2, &n2, index, ts->size, memstore_read, ms), 0);
        assert_int_equal(n1, n2);
        assert_memory_equal(p1, p2, n1 * MERKLE_HASH_SIZE);
        assert_int_equal(merkle_consistency_proof(p1, &n1, m, ts->size, tileset_read, ts), 0);
        assert_int_equal(merkle_consistency_proof(p2, &n2, m, ts->size, memstore_read, ms), 0);
        assert_int_equal(n1, n2);
        assert_memory_equal(p1, p2, n1 * MERKLE_HASH_SIZE);
    }

    for (size_t i = 0; i < ts->ntiles; i++) {
        const tile *t = &ts->tiles[i];
        size_t at = (size_t)tu_rng_below(ts->len[i]);
        uint8_t bit = (uint8_t)(1u << tu_rng_below(8));
        ts->data[i][at] ^= bit;
        if (t->level == TILE_LEVEL_ENTRIES) {
            assert_false(bundle_matches(ts, t, ts->data[i], ts->len[i]));
        } else {
            /* The hash holding the flipped byte now differs from the store. */
            uint64_t n = t->n * TILE_WIDTH + at / MERKLE_HASH_SIZE;
            int level = t->level * TILE_HEIGHT;
            assert_int_equal(tile_hash_from_tile(t, ts->data[i], ts->len[i], level, n, h), 0);
            assert_memory_not_equal(h, ms->hash[merkle_stored_index(level, n)], MERKLE_HASH_SIZE);
            if (t->width == TILE_WIDTH) {
                /* A full tile no longer matches its parent. */
                assert_int_equal(tile_subtree_hash(ts->data[i], ts->len[i], h), 0);
                parent_entry(ts, t, want);
                assert_memory_not_equal(h, want, MERKLE_HASH_SIZE);
            } else {
                /* Every hash of a partial tile goes into the root. */
                assert_int_equal(merkle_tree_hash(h, ts->size, tileset_read, ts), 0);
                assert_memory_not_equal(h, root, MERKLE_HASH_SIZE);
            }
        }
        ts->data[i][at] ^= bit;
    }
}

enum {
    FORM_INDEX,
    FORM_SIZE,
    FORM_ROOT,
    FORM_COUNT_,
    FORM_RANGE,
    FORM_PARTIAL,
    FORM_PATH,
    FORM_FILE,
    FORM_COUNT
};
static const char *const form_name[FORM_COUNT] = {"index", "size",    "root", "count",
                                                  "range", "partial", "path", "file"};

/* The state of one "size" block of tiles.txt. */
typedef struct vblock {
    int active;
    tileset ts;
    size_t next_path;
    uint8_t root[MERKLE_HASH_SIZE];
    int have_root, have_count;
    unsigned ranges, partials, files;
} vblock;

/* A level field: a decimal or "entries". */
static int vec_level(const char *s)
{
    if (strcmp(s, "entries") == 0)
        return TILE_LEVEL_ENTRIES;
    uint64_t v = vec_u64(s);
    assert_true(v <= TILE_MAX_LEVEL);
    return (int)v;
}

/* The end of a block: everything the size requires was listed. */
static void vblock_end(vblock *b, memstore *ms)
{
    if (!b->active)
        return;
    assert_true(b->have_root && b->have_count);
    assert_int_equal(b->next_path, b->ts.ntiles);
    unsigned want_ranges = 0, want_partials = 0;
    for (size_t i = 0; i < b->ts.ntiles; i++) {
        const tile *t = &b->ts.tiles[i];
        if (t->width < TILE_WIDTH)
            want_partials++;
        else if (t->n == 0)
            want_ranges++;
    }
    assert_int_equal(b->ranges, want_ranges);
    assert_int_equal(b->partials, want_partials);
    if (b->files > 0) {
        assert_int_equal(b->files, b->ts.ntiles);
        verify_tileset(&b->ts, ms, b->root);
    }
    tileset_free(&b->ts);
    b->active = 0;
}

/* Every line of tiles.txt. */
static void test_vectors(void **state)
{
    (void)state;
    memstore *ms = &vec_store;
    tu_vec_tally tally;
    vblock b = {.active = 0};
    char path[TILE_PATH_MAX];
    uint8_t h[MERKLE_HASH_SIZE];
    vec_file vf;
    vec_line *l;
    tile t;

    tu_vec_tally_init(&tally, "tiles.txt", form_name, FORM_COUNT);
    vec_open(&vf, "tiles.txt");
    while ((l = vec_next(&vf)) != NULL) {
        size_t form = tu_vec_tally_ran(&tally, l->field[0]);
        /* Every line but index and size belongs to the current block. */
        if (form != FORM_INDEX && form != FORM_SIZE) {
            assert_true(b.active);
            assert_int_equal(vec_u64(l->field[1]), b.ts.size);
        }
        switch (form) {
        case FORM_INDEX: {
            assert_int_equal(l->nfields, 3);
            tile want = {.level = 0, .n = vec_u64(l->field[1]), .width = TILE_WIDTH};
            char expect[TILE_PATH_MAX];
            snprintf(expect, sizeof expect, "tile/0/%s", l->field[2]);
            assert_int_equal(tile_path(path, sizeof path, &want), 0);
            assert_string_equal(path, expect);
            assert_int_equal(tile_parse_path(expect, strlen(expect), &t), 0);
            assert_tile_equal(&t, &want);
            break;
        }
        case FORM_SIZE:
            assert_int_equal(l->nfields, 2);
            vblock_end(&b, ms);
            memset(&b, 0, sizeof b);
            b.active = 1;
            tileset_init(&b.ts, vec_u64(l->field[1]));
            assert_true(b.ts.size <= ms->leaves);
            break;
        case FORM_ROOT:
            assert_int_equal(l->nfields, 3);
            vec_b64_exact(b.root, MERKLE_HASH_SIZE, l->field[2]);
            assert_int_equal(merkle_tree_hash(h, b.ts.size, memstore_read, ms), 0);
            assert_memory_equal(h, b.root, MERKLE_HASH_SIZE);
            b.have_root = 1;
            break;
        case FORM_COUNT_:
            assert_int_equal(l->nfields, 3);
            assert_int_equal(b.ts.ntiles, vec_u64(l->field[2]));
            b.have_count = 1;
            break;
        case FORM_RANGE: {
            assert_int_equal(l->nfields, 5);
            int level = vec_level(l->field[2]);
            uint64_t first = vec_u64(l->field[3]), last = vec_u64(l->field[4]);
            /* Full tiles first..last, and no other full tile at that level. */
            assert_int_equal(first, 0);
            for (uint64_t n = first; n <= last; n++) {
                tile want = {.level = level, .n = n, .width = TILE_WIDTH};
                assert_true(tileset_find(&b.ts, &want) >= 0);
            }
            tile next = {.level = level, .n = last + 1, .width = TILE_WIDTH};
            assert_true(tileset_find(&b.ts, &next) < 0);
            b.ranges++;
            break;
        }
        case FORM_PARTIAL: {
            assert_int_equal(l->nfields, 5);
            tile want = {.level = vec_level(l->field[2]),
                         .n = vec_u64(l->field[3]),
                         .width = (unsigned)vec_u64(l->field[4])};
            assert_true(want.width >= 1 && want.width < TILE_WIDTH);
            assert_true(tileset_find(&b.ts, &want) >= 0);
            b.partials++;
            break;
        }
        case FORM_PATH: {
            assert_int_equal(l->nfields, 3);
            /* In exactly the order of tile_iter. */
            assert_true(b.next_path < b.ts.ntiles);
            assert_int_equal(tile_path(path, sizeof path, &b.ts.tiles[b.next_path]), 0);
            assert_string_equal(path, l->field[2]);
            assert_int_equal(tile_parse_path(l->field[2], strlen(l->field[2]), &t), 0);
            assert_tile_equal(&t, &b.ts.tiles[b.next_path]);
            b.next_path++;
            break;
        }
        case FORM_FILE: {
            assert_int_equal(l->nfields, 5);
            uint8_t sha[crypto_hash_sha256_BYTES], want_sha[crypto_hash_sha256_BYTES];
            assert_int_equal(tile_parse_path(l->field[2], strlen(l->field[2]), &t), 0);
            long at = tileset_find(&b.ts, &t);
            assert_true(at >= 0 && b.ts.data[at] == NULL);
            b.ts.data[at] = compute_resource(ms, &t, &b.ts.len[at]);
            assert_int_equal(b.ts.len[at], vec_u64(l->field[3]));
            vec_hex_exact(want_sha, sizeof want_sha, l->field[4]);
            crypto_hash_sha256(sha, b.ts.data[at], b.ts.len[at]);
            assert_memory_equal(sha, want_sha, sizeof sha);
            b.files++;
            break;
        }
        }
    }
    vblock_end(&b, ms);
    vec_close(&vf);

    size_t total = tu_vec_tally_done(&tally);
    const size_t *checked = tally.ran;
    printf("tiles: %zu vectors checked (index %zu, size %zu, root %zu, count %zu, range %zu, "
           "partial %zu, path %zu, file %zu)\n",
           total, checked[FORM_INDEX], checked[FORM_SIZE], checked[FORM_ROOT], checked[FORM_COUNT_],
           checked[FORM_RANGE], checked[FORM_PARTIAL], checked[FORM_PATH], checked[FORM_FILE]);
}

/* Every stored hash of a tree is found in the tiles tile_for_hash() names. */
static void test_every_hash_from_tiles(void **state)
{
    (void)state;
    memstore *ms = &vec_store;
    const uint64_t sizes[] = {1, 2, 3, 255, 256, 257, 511, 512, 513, 1000, 65536, 70000};
    uint8_t h[MERKLE_HASH_SIZE];
    tileset ts;

    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        tileset_init(&ts, sizes[s]);
        tileset_fill(&ts, ms);
        uint64_t count = merkle_stored_count(sizes[s]);
        for (uint64_t index = 0; index < count; index++) {
            assert_int_equal(tileset_read(&ts, &index, 1, &h), 0);
            assert_memory_equal(h, ms->hash[index], MERKLE_HASH_SIZE);
        }
        /* The first hash beyond the tree has no tile. */
        int level;
        uint64_t n;
        tile t;
        merkle_split_stored_index(count, &level, &n);
        assert_int_equal(tile_for_hash(level, n, sizes[s], &t), LH_ERANGE);
        tileset_free(&ts);
    }
}

/* The listing for many sizes against the C2SP counting rule. */
static void test_iter(void **state)
{
    (void)state;
    tile_iter it;
    tile t;

    tile_iter_init(&it, 0);
    assert_int_equal(tile_iter_next(&it, &t), 0);
    assert_int_equal(tile_iter_next(&it, &t), 0);
    for (unsigned k = 0; k < 300; k++) {
        uint64_t size = k < 100 ? k * 3 + 1 : 1 + tu_rng_below(k < 290 ? 300000 : 20000000);
        /* C2SP: floor(s / 256^l) mod 256 hashes in the partial tile of
         * level l; full tiles below it; entry bundles like level 0. */
        uint64_t want = (size >> 8) + ((size & 255) != 0);
        for (int l = 0; l < 8 && (size >> (8 * l)) > 0; l++)
            want += (size >> (8 * (l + 1))) + (((size >> (8 * l)) & 255) != 0);
        uint64_t got = 0;
        int last_level = 0;
        uint64_t last_n = 0;
        tile_iter_init(&it, size);
        while (tile_iter_next(&it, &t)) {
            char path[TILE_PATH_MAX];
            tile back;
            /* Levels ascend, entry bundles last; indexes ascend in a level. */
            if (got > 0) {
                if (t.level == last_level)
                    assert_int_equal(t.n, last_n + 1);
                else
                    assert_true(t.n == 0 &&
                                (t.level == last_level + 1 || t.level == TILE_LEVEL_ENTRIES));
            }
            assert_int_equal(tile_path(path, sizeof path, &t), 0);
            assert_int_equal(tile_parse_path(path, strlen(path), &back), 0);
            assert_tile_equal(&back, &t);
            last_level = t.level;
            last_n = t.n;
            got++;
        }
        assert_int_equal(last_level, TILE_LEVEL_ENTRIES);
        assert_int_equal(got, want);
        assert_int_equal(tile_iter_next(&it, &t), 0);
    }
    /* The start of a listing for huge trees. */
    tile_iter_init(&it, UINT64_MAX);
    assert_int_equal(tile_iter_next(&it, &t), 1);
    assert_true(t.level == 0 && t.n == 0 && t.width == TILE_WIDTH);
    /* tile_for_hash at the top of 64-bit trees, where shifts reach 56. */
    assert_int_equal(tile_for_hash(63, 0, UINT64_MAX, &t), 0);
    assert_true(t.level == 7 && t.n == 0 && t.width == 255);
    assert_int_equal(tile_for_hash(56, 2, (UINT64_C(3) << 56) + 5, &t), 0);
    assert_true(t.level == 7 && t.n == 0 && t.width == 3);
    assert_int_equal(tile_for_hash(0, UINT64_MAX - 1, UINT64_MAX, &t), 0);
    assert_true(t.level == 0 && t.n == (UINT64_C(1) << 56) - 1 && t.width == 255);
    assert_int_equal(tile_for_hash(0, UINT64_MAX, UINT64_MAX, &t), LH_ERANGE);
    assert_int_equal(tile_for_hash(64, 0, UINT64_MAX, &t), LH_ERANGE);
    assert_int_equal(tile_for_hash(-1, 0, UINT64_MAX, &t), LH_ERANGE);
    assert_int_equal(tile_for_hash(8, 1, 511, &t), LH_ERANGE);
    assert_int_equal(tile_for_hash(0, 0, 0, &t), LH_ERANGE);
}

/* Tile paths: round trips, exact spellings, and malformed names. */
static void test_paths(void **state)
{
    (void)state;
    static const struct {
        tile t;
        const char *path;
    } good[] = {
        {{0, 0, 256}, "tile/0/000"},
        {{0, 0, 1}, "tile/0/000.p/1"},
        {{63, 999, 255}, "tile/63/999.p/255"},
        {{5, 1000, 256}, "tile/5/x001/000"},
        {{-1, 1234067, 7}, "tile/entries/x001/x234/067.p/7"},
        {{-1, 0, 256}, "tile/entries/000"},
        {{1, 1000000, 256}, "tile/1/x001/x000/000"},
        {{0, UINT64_MAX, 256}, "tile/0/x018/x446/x744/x073/x709/x551/615"},
        {{-1, UINT64_MAX, 255}, "tile/entries/x018/x446/x744/x073/x709/x551/615.p/255"},
    };
    static const char *const bad[] = {
        "",
        "tile",
        "tile/",
        "tile/0",
        "tile/0/",
        "tile/0/00",
        "tile/0/0000",
        "tile/0/1",
        "tile/0/00a",
        "tile/0/x000/001",
        "tile/0/x001",
        "tile/0/x001/",
        "tile/0/x01/001",
        "tile/0/001/",
        "tile/0/001/002",
        "tile/0/001x",
        "tile/0/y001/000",
        "tile/0/X001/000",
        "tile/0/x001x002",
        "tile/00/000",
        "tile/01/000",
        "tile/64/000",
        "tile/100/000",
        "tile/-1/000",
        "tile/+1/000",
        "tile/ 1/000",
        "tile//000",
        "tile/data/000",
        "tile/entry/000",
        "tile/Entries/000",
        "tile/entries000",
        "tile/8/0/000",
        "/tile/0/000",
        "tiles/0/000",
        "tile/0/000 ",
        "tile/0/000\n",
        "tile/0/000.p",
        "tile/0/000.p/",
        "tile/0/000.p/0",
        "tile/0/000.p/00",
        "tile/0/000.p/01",
        "tile/0/000.p/256",
        "tile/0/000.p/1000",
        "tile/0/000.p/+1",
        "tile/0/000.p/-1",
        "tile/0/000.p/1/",
        "tile/0/000.p/1x",
        "tile/0/000.q/1",
        "tile/0/000.p.1",
        "tile/0/000/.p/1",
        "tile/0/x018/x446/x744/x073/x709/x551/616",
        "tile/0/x999/x999/x999/x999/x999/x999/999",
        "tile/0/x001/x000/x000/x000/x000/x000/x000/000",
    };
    char path[TILE_PATH_MAX];
    tile t;

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(tile_path(path, sizeof path, &good[i].t), 0);
        assert_string_equal(path, good[i].path);
        assert_int_equal(tile_parse_path(path, strlen(path), &t), 0);
        assert_tile_equal(&t, &good[i].t);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tile untouched = {42, 42, 42};
        t = untouched;
        if (tile_parse_path(bad[i], strlen(bad[i]), &t) != LH_EPARSE)
            fail_msg("accepted malformed tile path \"%s\"", bad[i]);
        assert_tile_equal(&t, &untouched);
    }
    /* The length bounds the parse: no reading past it, no NUL inside. */
    assert_int_equal(tile_parse_path("tile/0/000.p/12", 14, &t), 0);
    assert_int_equal(t.width, 1);
    assert_int_equal(tile_parse_path("tile/0/000.p/12", 13, &t), LH_EPARSE);
    assert_int_equal(tile_parse_path("tile/0/0", 8, &t), LH_EPARSE);
    assert_int_equal(tile_parse_path("tile/0/000\0", 11, &t), LH_EPARSE);
    assert_int_equal(tile_parse_path("tile/0/0\0000", 10, &t), LH_EPARSE);
    /* Random tiles round trip. */
    for (unsigned k = 0; k < 5000; k++) {
        tile r = {(int)tu_rng_below(65) - 1, tu_rng() >> tu_rng_below(64),
                  (unsigned)(1 + tu_rng_below(TILE_WIDTH))};
        assert_int_equal(tile_path(path, sizeof path, &r), 0);
        assert_true(strlen(path) < TILE_PATH_MAX);
        assert_int_equal(tile_parse_path(path, strlen(path), &t), 0);
        assert_tile_equal(&t, &r);
    }
    /* Invalid tiles and small buffers. */
    const tile invalid[] = {{0, 0, 0}, {0, 0, 257}, {-2, 0, 256}, {64, 0, 256}};
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        strcpy(path, "junk");
        assert_int_equal(tile_path(path, sizeof path, &invalid[i]), LH_EINVAL);
        assert_string_equal(path, "");
    }
    const tile ok = {-1, 1234067, 7};
    const char *want = "tile/entries/x001/x234/067.p/7";
    assert_int_equal(tile_path(path, strlen(want) + 1, &ok), 0);
    assert_string_equal(path, want);
    assert_int_equal(tile_path(path, strlen(want), &ok), -ENOBUFS);
    assert_string_equal(path, "");
    assert_int_equal(tile_path(NULL, 0, &ok), -ENOBUFS);
}

/* tile_hash_from_tile, tile_subtree_hash and tile_read_hashes: errors and tampering. */
static void test_tile_hashes(void **state)
{
    (void)state;
    memstore *ms = &vec_store;
    static uint8_t data[TILE_SIZE + MERKLE_HASH_SIZE];
    uint8_t h[MERKLE_HASH_SIZE], h2[MERKLE_HASH_SIZE];
    size_t len;

    /* Level-1 tile 0 of the 70000-leaf tree is full. */
    tile t = {1, 0, TILE_WIDTH};
    assert_int_equal(tile_read_hashes(&t, memstore_read, ms, data, sizeof data, &len), 0);
    assert_int_equal(len, TILE_SIZE);
    for (int r = 0; r < TILE_HEIGHT; r++) {
        for (uint64_t n = 0; n < (uint64_t)(TILE_WIDTH >> r); n++) {
            int level = TILE_HEIGHT + r;
            assert_int_equal(tile_hash_from_tile(&t, data, len, level, n, h), 0);
            assert_memory_equal(h, ms->hash[merkle_stored_index(level, n)], MERKLE_HASH_SIZE);
        }
    }
    assert_int_equal(tile_subtree_hash(data, len, h), 0);
    assert_memory_equal(h, ms->hash[merkle_stored_index(16, 0)], MERKLE_HASH_SIZE);

    /* A flipped bit changes exactly the hashes above it. */
    data[37 * MERKLE_HASH_SIZE + 5] ^= 0x10;
    for (int r = 0; r < TILE_HEIGHT; r++) {
        uint64_t hit = 37 >> r;
        for (uint64_t n = 0; n < (uint64_t)(TILE_WIDTH >> r); n++) {
            int level = TILE_HEIGHT + r;
            assert_int_equal(tile_hash_from_tile(&t, data, len, level, n, h), 0);
            int same = memcmp(h, ms->hash[merkle_stored_index(level, n)], MERKLE_HASH_SIZE) == 0;
            assert_int_equal(same, n != hit);
        }
    }
    assert_int_equal(tile_subtree_hash(data, len, h2), 0);
    assert_memory_not_equal(h2, ms->hash[merkle_stored_index(16, 0)], MERKLE_HASH_SIZE);
    data[37 * MERKLE_HASH_SIZE + 5] ^= 0x10;

    /* Hashes not in this tile. */
    assert_int_equal(tile_hash_from_tile(&t, data, len, 7, 0, h), LH_ERANGE);
    assert_int_equal(tile_hash_from_tile(&t, data, len, 16, 0, h), LH_ERANGE);
    assert_int_equal(tile_hash_from_tile(&t, data, len, -1, 0, h), LH_ERANGE);
    assert_int_equal(tile_hash_from_tile(&t, data, len, 8, 256, h), LH_ERANGE);
    assert_int_equal(tile_hash_from_tile(&t, data, len, 15, 2, h), LH_ERANGE);
    /* Wrong lengths and invalid tiles. */
    assert_int_equal(tile_hash_from_tile(&t, data, len - 1, 8, 0, h), LH_ELENGTH);
    assert_int_equal(tile_hash_from_tile(&t, data, len + 32, 8, 0, h), LH_ELENGTH);
    tile e = {TILE_LEVEL_ENTRIES, 0, TILE_WIDTH};
    assert_int_equal(tile_hash_from_tile(&e, data, len, 0, 0, h), LH_EINVAL);
    tile w0 = {0, 0, 0}, w257 = {0, 0, 257};
    assert_int_equal(tile_hash_from_tile(&w0, data, 0, 0, 0, h), LH_EINVAL);
    assert_int_equal(tile_hash_from_tile(&w257, data, 257 * 32, 0, 0, h), LH_EINVAL);

    /* A partial tile answers only for the hashes it holds (width 17). */
    tile p = {1, 1, 17};
    assert_int_equal(tile_read_hashes(&p, memstore_read, ms, data, sizeof data, &len), 0);
    assert_int_equal(len, 17 * MERKLE_HASH_SIZE);
    assert_int_equal(tile_hash_from_tile(&p, data, len, 12, 16, h), 0);
    assert_memory_equal(h, ms->hash[merkle_stored_index(12, 16)], MERKLE_HASH_SIZE);
    assert_int_equal(tile_hash_from_tile(&p, data, len, 8, 272, h), 0);
    assert_memory_equal(h, ms->hash[merkle_stored_index(8, 272)], MERKLE_HASH_SIZE);
    assert_int_equal(tile_hash_from_tile(&p, data, len, 8, 273, h), LH_ERANGE);
    assert_int_equal(tile_hash_from_tile(&p, data, len, 9, 136, h), LH_ERANGE);
    assert_int_equal(tile_hash_from_tile(&p, data, len, 13, 8, h), LH_ERANGE);
    assert_int_equal(tile_hash_from_tile(&p, data, len, 8, 0, h), LH_ERANGE);

    /* tile_subtree_hash lengths; a partial tile's MTH is that of its range. */
    assert_int_equal(tile_subtree_hash(data, 0, h), LH_ELENGTH);
    assert_int_equal(tile_subtree_hash(data, 31, h), LH_ELENGTH);
    assert_int_equal(tile_subtree_hash(data, TILE_SIZE + 32, h), LH_ELENGTH);
    tile p3 = {0, 0, 3};
    assert_int_equal(tile_read_hashes(&p3, memstore_read, ms, data, sizeof data, &len), 0);
    assert_int_equal(tile_subtree_hash(data, len, h), 0);
    assert_int_equal(merkle_tree_hash(h2, 3, memstore_read, ms), 0);
    assert_memory_equal(h, h2, MERKLE_HASH_SIZE);

    /* tile_read_hashes errors. */
    assert_int_equal(tile_read_hashes(&e, memstore_read, ms, data, sizeof data, &len), LH_EINVAL);
    assert_int_equal(tile_read_hashes(&w0, memstore_read, ms, data, sizeof data, &len), LH_EINVAL);
    assert_int_equal(tile_read_hashes(&t, memstore_read, ms, data, TILE_SIZE - 1, &len), -ENOBUFS);
    tile beyond = {1, 2, TILE_WIDTH}; /* leaves 131072.. are not stored */
    assert_int_equal(tile_read_hashes(&beyond, memstore_read, ms, data, sizeof data, &len),
                     LH_ENOTFOUND);
    tile top_ok = {7, 0, 64}, top_over = {7, 0, 65}, level8 = {8, 0, 1};
    tile l6_over = {6, 256, 1};
    assert_int_equal(tile_read_hashes(&top_over, memstore_read, ms, data, sizeof data, &len),
                     LH_ERANGE);
    assert_int_equal(tile_read_hashes(&level8, memstore_read, ms, data, sizeof data, &len),
                     LH_ERANGE);
    assert_int_equal(tile_read_hashes(&l6_over, memstore_read, ms, data, sizeof data, &len),
                     LH_ERANGE);
    assert_int_equal(tile_read_hashes(&top_ok, memstore_read, ms, data, sizeof data, &len),
                     LH_ENOTFOUND);
}

/* Entry bundles: round trips, limits, truncation, wrong counts. */
static void test_bundles(void **state)
{
    (void)state;
    static uint8_t buf[TILE_WIDTH * (2 + 300)];
    static uint8_t entries[TILE_WIDTH][300];
    size_t lens[TILE_WIDTH], len = 0, off = 0, elen;
    const uint8_t *e;

    /* 256 random entries, some empty. */
    for (unsigned i = 0; i < TILE_WIDTH; i++) {
        lens[i] = i % 17 == 0 ? 0 : (size_t)tu_rng_below(300);
        randombytes_buf(entries[i], lens[i]);
        assert_int_equal(tile_bundle_append(buf, sizeof buf, &len, entries[i], lens[i]), 0);
    }
    for (unsigned i = 0; i < TILE_WIDTH; i++) {
        assert_int_equal(tile_bundle_next(buf, len, &off, &e, &elen), 1);
        assert_int_equal(elen, lens[i]);
        assert_memory_equal(e, entries[i], elen);
    }
    assert_int_equal(tile_bundle_next(buf, len, &off, &e, &elen), 0);
    assert_int_equal(off, len);
    assert_int_equal(tile_bundle_check(buf, len, TILE_WIDTH), 0);
    assert_int_equal(tile_bundle_check(buf, len, TILE_WIDTH - 1), LH_ELENGTH);
    assert_int_equal(tile_bundle_check(buf, len, 0), LH_EINVAL);
    assert_int_equal(tile_bundle_check(buf, len, TILE_WIDTH + 1), LH_EINVAL);

    /* Every truncation: at an entry boundary the count is wrong, elsewhere
     * the bundle is malformed. */
    size_t boundary = 0;
    unsigned before = 0;
    for (size_t cut = 0; cut < len; cut++) {
        if (cut == boundary) {
            assert_int_equal(tile_bundle_check(buf, cut, TILE_WIDTH), LH_ELENGTH);
            if (before > 0)
                assert_int_equal(tile_bundle_check(buf, cut, before), 0);
            boundary += 2 + lens[before++];
        } else {
            assert_int_equal(tile_bundle_check(buf, cut, TILE_WIDTH), LH_EPARSE);
        }
    }
    /* A length prefix running past the end, by one byte. */
    uint8_t one[] = {0x00, 0x03, 'a', 'b'};
    off = 0;
    assert_int_equal(tile_bundle_next(one, sizeof one, &off, &e, &elen), LH_EPARSE);
    assert_int_equal(off, 0);
    assert_int_equal(tile_bundle_check(one, sizeof one, 1), LH_EPARSE);
    uint8_t huge[] = {0xff, 0xff, 'a'};
    assert_int_equal(tile_bundle_check(huge, sizeof huge, 1), LH_EPARSE);
    uint8_t lone[] = {0x00, 0x01, 'a', 0x00};
    assert_int_equal(tile_bundle_check(lone, sizeof lone, 1), LH_EPARSE);
    assert_int_equal(tile_bundle_check(lone, sizeof lone, 2), LH_EPARSE);
    /* Empty bundles and empty entries. */
    assert_int_equal(tile_bundle_check(buf, 0, 1), LH_ELENGTH);
    off = 0;
    assert_int_equal(tile_bundle_next(buf, 0, &off, &e, &elen), 0);
    uint8_t empties[] = {0, 0, 0, 0};
    assert_int_equal(tile_bundle_check(empties, sizeof empties, 2), 0);
    assert_int_equal(tile_bundle_check(empties, sizeof empties, 1), LH_ELENGTH);
    assert_int_equal(tile_bundle_check(empties, sizeof empties, 3), LH_ELENGTH);
    /* An offset past the end is refused, not read. */
    off = 5;
    assert_int_equal(tile_bundle_next(empties, sizeof empties, &off, &e, &elen), LH_EPARSE);

    /* The largest entry fits, one more byte does not; a full buffer is
     * left as it was. */
    uint8_t *big = calloc(1, 2 + TILE_ENTRY_MAX + 1);
    assert_non_null(big);
    len = 0;
    assert_int_equal(tile_bundle_append(big, 2 + TILE_ENTRY_MAX + 1, &len, big, TILE_ENTRY_MAX + 1),
                     LH_ETOOBIG);
    assert_int_equal(len, 0);
    assert_int_equal(tile_bundle_append(big, TILE_ENTRY_MAX, &len, buf, TILE_ENTRY_MAX - 1),
                     -ENOBUFS);
    assert_int_equal(len, 0);
    static uint8_t payload[TILE_ENTRY_MAX];
    randombytes_buf(payload, sizeof payload);
    assert_int_equal(tile_bundle_append(big, 2 + TILE_ENTRY_MAX, &len, payload, TILE_ENTRY_MAX), 0);
    assert_int_equal(len, 2 + TILE_ENTRY_MAX);
    assert_true(big[0] == 0xff && big[1] == 0xff);
    assert_int_equal(tile_bundle_append(big, 2 + TILE_ENTRY_MAX, &len, payload, 0), -ENOBUFS);
    assert_int_equal(len, 2 + TILE_ENTRY_MAX);
    assert_int_equal(tile_bundle_check(big, len, 1), 0);
    off = 0;
    assert_int_equal(tile_bundle_next(big, len, &off, &e, &elen), 1);
    assert_int_equal(elen, TILE_ENTRY_MAX);
    assert_memory_equal(e, payload, TILE_ENTRY_MAX);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),     cmocka_unit_test(test_every_hash_from_tiles),
        cmocka_unit_test(test_iter),        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_tile_hashes), cmocka_unit_test(test_bundles),
    };
    /* The store of the vector leaves is built once, for every test. */
    if (sodium_init() < 0 || tu_vec_store_fill(&vec_store, VEC_TREE_SIZE) != 0)
        return 1;
    tu_rng_seed(UINT64_C(0x74696c6573212121));
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    memstore_free(&vec_store);
    return rc;
}
