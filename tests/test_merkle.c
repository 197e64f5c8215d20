/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_merkle.c — the RFC 6962 / RFC 9162 Merkle tree (client/merkle.c).
 *
 * Three layers, as Monocypher tests its primitives: every known-answer line
 * of tests/vectors/merkle.txt (produced by Go's sumdb/tlog, an independent
 * implementation); random round trips checked against a naive recursive
 * RFC 9162 §2.1.1 reference written here; then tampered proofs, leaves,
 * roots, indexes and sizes, which must all be refused.
 */
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
#include "vec.h"

/* The largest tree size merkle.txt uses. */
#define VEC_TREE_SIZE 65537

/* The store of the leaves "leaf-<i>" shared by the vector tests. */
static memstore vec_store;

/* Root of the store's tree of size s, or 0 if the store is too small. */
static int store_root(memstore *ms, uint64_t s, uint8_t out[MERKLE_HASH_SIZE])
{
    if (s > ms->leaves)
        return 0;
    assert_int_equal(merkle_tree_hash(out, s, memstore_read, ms), 0);
    return 1;
}

/* A proof field of merkle.txt: '-' or base64 hashes joined by ','. */
static size_t parse_proof(uint8_t (*proof)[MERKLE_HASH_SIZE], const char *field)
{
    size_t n = 0;
    char buf[MERKLE_MAX_PROOF * 46];

    if (strcmp(field, "-") == 0)
        return 0;
    assert_true(strlen(field) < sizeof buf);
    strcpy(buf, field);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        assert_true(n < MERKLE_MAX_PROOF);
        vec_b64_exact(proof[n++], MERKLE_HASH_SIZE, tok);
    }
    assert_true(n > 0);
    return n;
}

/*
 * Tamper with a valid inclusion proof in every way it can be altered; each
 * variant must be refused with LH_EPROOF. A wrong size is tested with the
 * root of that size, as a checkpoint binds them: with the original root a
 * tree of another size but the same shape along the audit path (e.g. index 0
 * in sizes 3 and 4) computes the same hash, which RFC 9162 cannot tell
 * apart, so for the original root only a change of proof length is checked.
 */
static void tamper_inclusion(memstore *ms, const uint8_t *proof, size_t len, uint64_t index,
                             uint64_t size, const uint8_t leaf[MERKLE_HASH_SIZE],
                             const uint8_t root[MERKLE_HASH_SIZE])
{
    uint8_t p[MERKLE_MAX_PROOF + 1][MERKLE_HASH_SIZE];
    uint8_t h[MERKLE_HASH_SIZE], other[MERKLE_HASH_SIZE];
    uint8_t p2[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
    size_t len2;

    memcpy(p, proof, len * MERKLE_HASH_SIZE);
    assert_int_equal(merkle_verify_inclusion(p[0], len, index, size, leaf, root), 0);
    /* One bit, then one whole byte, of each proof hash. */
    for (size_t i = 0; i < len; i++) {
        size_t byte = (i * 7 + index) % MERKLE_HASH_SIZE;
        p[i][byte] ^= (uint8_t)(1u << (i % 8));
        assert_int_equal(merkle_verify_inclusion(p[0], len, index, size, leaf, root), LH_EPROOF);
        p[i][byte] ^= (uint8_t)(1u << (i % 8));
        p[i][MERKLE_HASH_SIZE - 1 - byte] ^= 0xff;
        assert_int_equal(merkle_verify_inclusion(p[0], len, index, size, leaf, root), LH_EPROOF);
        p[i][MERKLE_HASH_SIZE - 1 - byte] ^= 0xff;
    }
    /* The leaf hash and the root. */
    memcpy(h, leaf, MERKLE_HASH_SIZE);
    h[index % MERKLE_HASH_SIZE] ^= 0x01;
    assert_int_equal(merkle_verify_inclusion(p[0], len, index, size, h, root), LH_EPROOF);
    memcpy(h, root, MERKLE_HASH_SIZE);
    h[size % MERKLE_HASH_SIZE] ^= 0x80;
    assert_int_equal(merkle_verify_inclusion(p[0], len, index, size, leaf, h), LH_EPROOF);
    /* Another index of the same tree. */
    if (index + 1 < size)
        assert_int_equal(merkle_verify_inclusion(p[0], len, index + 1, size, leaf, root),
                         LH_EPROOF);
    if (index > 0)
        assert_int_equal(merkle_verify_inclusion(p[0], len, index - 1, size, leaf, root),
                         LH_EPROOF);
    /* Another size: with its own root always; with this root when the
     * audit path of that size has another length. */
    for (int d = -1; d <= 1; d += 2) {
        uint64_t s2 = size + (uint64_t)(int64_t)d;
        if (s2 <= index || !store_root(ms, s2, other))
            continue;
        assert_int_equal(merkle_verify_inclusion(p[0], len, index, s2, leaf, other), LH_EPROOF);
        assert_int_equal(merkle_inclusion_proof(p2, &len2, index, s2, memstore_read, ms), 0);
        if (len2 != len)
            assert_int_equal(merkle_verify_inclusion(p[0], len, index, s2, leaf, root), LH_EPROOF);
    }
    /* Truncated at either end, and extended at either end. */
    if (len > 0) {
        assert_int_equal(merkle_verify_inclusion(p[0], len - 1, index, size, leaf, root),
                         LH_EPROOF);
        assert_int_equal(merkle_verify_inclusion(p[1], len - 1, index, size, leaf, root),
                         LH_EPROOF);
    }
    memcpy(p[len], root, MERKLE_HASH_SIZE);
    assert_int_equal(merkle_verify_inclusion(p[0], len + 1, index, size, leaf, root), LH_EPROOF);
    memmove(p[1], p[0], len * MERKLE_HASH_SIZE);
    memcpy(p[0], leaf, MERKLE_HASH_SIZE);
    assert_int_equal(merkle_verify_inclusion(p[0], len + 1, index, size, leaf, root), LH_EPROOF);
}

/* The same for a consistency proof between sizes 0 < m < n or m == n. */
static void tamper_consistency(memstore *ms, const uint8_t *proof, size_t len, uint64_t m,
                               uint64_t n, const uint8_t root_m[MERKLE_HASH_SIZE],
                               const uint8_t root_n[MERKLE_HASH_SIZE])
{
    uint8_t p[MERKLE_MAX_PROOF + 1][MERKLE_HASH_SIZE];
    uint8_t h[MERKLE_HASH_SIZE], other[MERKLE_HASH_SIZE];

    memcpy(p, proof, len * MERKLE_HASH_SIZE);
    assert_int_equal(merkle_verify_consistency(p[0], len, m, n, root_m, root_n), 0);
    for (size_t i = 0; i < len; i++) {
        size_t byte = (i * 11 + m) % MERKLE_HASH_SIZE;
        p[i][byte] ^= (uint8_t)(1u << ((i + n) % 8));
        assert_int_equal(merkle_verify_consistency(p[0], len, m, n, root_m, root_n), LH_EPROOF);
        p[i][byte] ^= (uint8_t)(1u << ((i + n) % 8));
        p[i][MERKLE_HASH_SIZE - 1 - byte] ^= 0xff;
        assert_int_equal(merkle_verify_consistency(p[0], len, m, n, root_m, root_n), LH_EPROOF);
        p[i][MERKLE_HASH_SIZE - 1 - byte] ^= 0xff;
    }
    memcpy(h, root_m, MERKLE_HASH_SIZE);
    h[m % MERKLE_HASH_SIZE] ^= 0x04;
    assert_int_equal(merkle_verify_consistency(p[0], len, m, n, h, root_n), LH_EPROOF);
    memcpy(h, root_n, MERKLE_HASH_SIZE);
    h[n % MERKLE_HASH_SIZE] ^= 0x20;
    assert_int_equal(merkle_verify_consistency(p[0], len, m, n, root_m, h), LH_EPROOF);
    /* Other sizes, each with its own root (see tamper_inclusion()). */
    for (int d = -1; d <= 1; d += 2) {
        uint64_t m2 = m + (uint64_t)(int64_t)d, n2 = n + (uint64_t)(int64_t)d;
        if (m2 >= 1 && m2 <= n && store_root(ms, m2, other))
            assert_int_equal(merkle_verify_consistency(p[0], len, m2, n, other, root_n), LH_EPROOF);
        if (n2 >= m && n2 >= 1 && store_root(ms, n2, other))
            assert_int_equal(merkle_verify_consistency(p[0], len, m, n2, root_m, other), LH_EPROOF);
    }
    if (len > 0) {
        assert_int_equal(merkle_verify_consistency(p[0], len - 1, m, n, root_m, root_n), LH_EPROOF);
        assert_int_equal(merkle_verify_consistency(p[1], len - 1, m, n, root_m, root_n), LH_EPROOF);
    }
    memcpy(p[len], root_n, MERKLE_HASH_SIZE);
    assert_int_equal(merkle_verify_consistency(p[0], len + 1, m, n, root_m, root_n), LH_EPROOF);
    memmove(p[1], p[0], len * MERKLE_HASH_SIZE);
    memcpy(p[0], root_m, MERKLE_HASH_SIZE);
    assert_int_equal(merkle_verify_consistency(p[0], len + 1, m, n, root_m, root_n), LH_EPROOF);
}

enum { FORM_LEAF, FORM_ROOT, FORM_INCLUSION, FORM_CONSISTENCY, FORM_COUNT };
static const char *const form_name[FORM_COUNT] = {"leaf", "root", "inclusion", "consistency"};

/* Every line of merkle.txt: leaf and root hashes, proofs generated and verified. */
static void test_vectors(void **state)
{
    (void)state;
    memstore *ms = &vec_store;
    static uint8_t roots[VEC_TREE_SIZE + 1][MERKLE_HASH_SIZE];
    static uint8_t have_root[VEC_TREE_SIZE + 1];
    tu_vec_tally tally;
    uint8_t want[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE], got[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
    uint8_t h[MERKLE_HASH_SIZE], leaf[MERKLE_HASH_SIZE];
    size_t want_len, got_len;
    vec_file vf;
    vec_line *l;

    memset(have_root, 0, sizeof have_root);
    tu_vec_tally_init(&tally, "merkle.txt", form_name, FORM_COUNT);
    vec_open(&vf, "merkle.txt");
    while ((l = vec_next(&vf)) != NULL) {
        switch (tu_vec_tally_ran(&tally, l->field[0])) {
        case FORM_LEAF: {
            assert_int_equal(l->nfields, 3);
            uint64_t i = vec_u64(l->field[1]);
            char data[32];
            int len = snprintf(data, sizeof data, "leaf-%llu", (unsigned long long)i);
            vec_b64_exact(h, MERKLE_HASH_SIZE, l->field[2]);
            merkle_leaf_hash(leaf, (const uint8_t *)data, (size_t)len);
            assert_memory_equal(leaf, h, MERKLE_HASH_SIZE);
            /* The store keeps it where merkle_stored_index() says. */
            assert_memory_equal(ms->hash[merkle_stored_index(0, i)], h, MERKLE_HASH_SIZE);
            break;
        }
        case FORM_ROOT: {
            assert_int_equal(l->nfields, 3);
            uint64_t s = vec_u64(l->field[1]);
            assert_true(s <= VEC_TREE_SIZE);
            vec_b64_exact(h, MERKLE_HASH_SIZE, l->field[2]);
            unsigned long calls = ms->read_calls;
            assert_int_equal(merkle_tree_hash(roots[s], s, memstore_read, ms), 0);
            assert_memory_equal(roots[s], h, MERKLE_HASH_SIZE);
            /* One read of one hash per 1 bit of the size (none for 0). */
            assert_int_equal(ms->read_calls - calls, s == 0 ? 0 : 1);
            if (s > 0)
                assert_int_equal(ms->last_read_count, __builtin_popcountll(s));
            have_root[s] = 1;
            break;
        }
        case FORM_INCLUSION: {
            assert_int_equal(l->nfields, 4);
            uint64_t i = vec_u64(l->field[1]), s = vec_u64(l->field[2]);
            assert_true(s <= VEC_TREE_SIZE && have_root[s]);
            want_len = parse_proof(want, l->field[3]);
            unsigned long calls = ms->read_calls;
            assert_int_equal(merkle_inclusion_proof(got, &got_len, i, s, memstore_read, ms), 0);
            assert_int_equal(ms->read_calls - calls, want_len == 0 ? 0 : 1);
            assert_int_equal(got_len, want_len);
            assert_memory_equal(got, want, want_len * MERKLE_HASH_SIZE);
            memcpy(leaf, ms->hash[merkle_stored_index(0, i)], MERKLE_HASH_SIZE);
            tamper_inclusion(ms, want[0], want_len, i, s, leaf, roots[s]);
            break;
        }
        case FORM_CONSISTENCY: {
            assert_int_equal(l->nfields, 4);
            uint64_t m = vec_u64(l->field[1]), n = vec_u64(l->field[2]);
            assert_true(n <= VEC_TREE_SIZE && have_root[m] && have_root[n]);
            want_len = parse_proof(want, l->field[3]);
            assert_int_equal(merkle_consistency_proof(got, &got_len, m, n, memstore_read, ms), 0);
            assert_int_equal(got_len, want_len);
            assert_memory_equal(got, want, want_len * MERKLE_HASH_SIZE);
            tamper_consistency(ms, want[0], want_len, m, n, roots[m], roots[n]);
            break;
        }
        }
    }
    vec_close(&vf);

    size_t total = tu_vec_tally_done(&tally);
    const size_t *checked = tally.ran;
    printf("merkle: %zu vectors checked (leaf %zu, root %zu, inclusion %zu, consistency %zu)\n",
           total, checked[FORM_LEAF], checked[FORM_ROOT], checked[FORM_INCLUSION],
           checked[FORM_CONSISTENCY]);
}

/* RFC 9162 §2.1.1 MTH, written naively from the definition over leaf hashes. */
static void ref_mth(uint8_t out[MERKLE_HASH_SIZE], const uint8_t (*leaves)[MERKLE_HASH_SIZE],
                    uint64_t n)
{
    uint8_t l[MERKLE_HASH_SIZE], r[MERKLE_HASH_SIZE];

    if (n == 0) {
        crypto_hash_sha256(out, NULL, 0);
        return;
    }
    if (n == 1) {
        memcpy(out, leaves[0], MERKLE_HASH_SIZE);
        return;
    }
    uint64_t k = 1;
    while (k * 2 < n)
        k *= 2;
    ref_mth(l, leaves, k);
    ref_mth(r, leaves + k, n - k);
    merkle_node_hash(out, l, r);
}

#define RT_LEAVES 2000

/* Random leaves, random sizes: roots against the reference, every proof verified. */
static void test_round_trips(void **state)
{
    (void)state;
    static uint8_t leaves[RT_LEAVES][MERKLE_HASH_SIZE];
    static uint8_t roots[RT_LEAVES + 1][MERKLE_HASH_SIZE];
    uint8_t ref[MERKLE_HASH_SIZE], proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
    memstore ms = {0};
    size_t len;
    unsigned proofs = 0;

    for (uint64_t i = 0; i < RT_LEAVES; i++) {
        /* The index leads every leaf's data so that no two leaves are
         * equal: the tamper cases below rely on distinct neighbours. */
        uint8_t data[64];
        size_t n = 8 + (size_t)tu_rng_below(sizeof data - 8 + 1);
        tu_put_be64(data, i);
        tu_rng_bytes(data + 8, n - 8);
        merkle_leaf_hash(leaves[i], data, n);
        assert_int_equal(memstore_append(&ms, leaves[i]), 0);
        assert_int_equal(ms.count, merkle_stored_count(i + 1));
    }
    for (uint64_t s = 0; s <= RT_LEAVES; s++) {
        assert_int_equal(merkle_tree_hash(roots[s], s, memstore_read, &ms), 0);
        if (s <= 130 || tu_rng_below(20) == 0 || s == RT_LEAVES) {
            ref_mth(ref, (const uint8_t(*)[MERKLE_HASH_SIZE])leaves, s);
            assert_memory_equal(roots[s], ref, MERKLE_HASH_SIZE);
        }
    }
    /* Every inclusion proof for the small sizes and a few large ones. */
    uint64_t big[4] = {1024, 1025, 1000 + tu_rng_below(1000), RT_LEAVES};
    for (uint64_t s = 1; s <= 64 + 4; s++) {
        uint64_t size = s <= 64 ? s : big[s - 65];
        for (uint64_t i = 0; i < size; i++) {
            unsigned long calls = ms.read_calls;
            assert_int_equal(merkle_inclusion_proof(proof, &len, i, size, memstore_read, &ms), 0);
            assert_true(ms.read_calls - calls <= 1);
            assert_int_equal(
                merkle_verify_inclusion(proof[0], len, i, size, leaves[i], roots[size]), 0);
            if (proofs++ % 13 == 0)
                tamper_inclusion(&ms, proof[0], len, i, size, leaves[i], roots[size]);
        }
    }
    /* Consistency for every pair of small sizes and random pairs m <= n. */
    for (unsigned t = 0; t < 64 * 65 / 2 + 2000; t++) {
        uint64_t m, n;
        if (t < 64 * 65 / 2) {
            for (n = 1; n * (n + 1) / 2 <= t; n++)
                ;
            m = t - (n - 1) * n / 2 + 1;
        } else {
            n = tu_rng_below(RT_LEAVES + 1);
            m = tu_rng_below(n + 1);
        }
        assert_int_equal(merkle_consistency_proof(proof, &len, m, n, memstore_read, &ms), 0);
        assert_true(len <= MERKLE_MAX_PROOF);
        assert_int_equal(merkle_verify_consistency(proof[0], len, m, n, roots[m], roots[n]), 0);
        if (m > 0 && proofs++ % 7 == 0)
            tamper_consistency(&ms, proof[0], len, m, n, roots[m], roots[n]);
    }
    memstore_free(&ms);
}

/* Stored-index numbering: known values, inverse, counts. */
static void test_stored_index(void **state)
{
    (void)state;
    /* The layout of Crosby–Wallach §3.3 for the first eight leaves. */
    static const struct {
        int level;
        uint64_t n, index;
    } known[] = {{0, 0, 0},  {0, 1, 1},  {1, 0, 2},  {0, 2, 3}, {0, 3, 4},  {1, 1, 5},
                 {2, 0, 6},  {0, 4, 7},  {0, 5, 8},  {1, 2, 9}, {0, 6, 10}, {0, 7, 11},
                 {1, 3, 12}, {2, 1, 13}, {3, 0, 14}, {0, 8, 15}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        assert_int_equal(merkle_stored_index(known[i].level, known[i].n), known[i].index);
    assert_int_equal(merkle_stored_count(0), 0);
    assert_int_equal(merkle_stored_count(1), 1);
    assert_int_equal(merkle_stored_count(2), 3);
    assert_int_equal(merkle_stored_count(8), 15);
    for (uint64_t index = 0; index < 100000; index++) {
        int level;
        uint64_t n;
        merkle_split_stored_index(index, &level, &n);
        assert_int_equal(merkle_stored_index(level, n), index);
    }
    /* Large coordinates, up to the biggest tree. */
    for (unsigned t = 0; t < 10000; t++) {
        int level = (int)tu_rng_below(62), got_level;
        uint64_t n = tu_rng() >> (2 + level), got_n; /* (n + 1) << level <= 2^62 */
        merkle_split_stored_index(merkle_stored_index(level, n), &got_level, &got_n);
        assert_int_equal(got_level, level);
        assert_int_equal(got_n, n);
    }
    int level;
    uint64_t n;
    merkle_split_stored_index(merkle_stored_index(62, 0), &level, &n);
    assert_int_equal(level, 62);
    assert_int_equal(n, 0);
    assert_true(merkle_stored_count(MERKLE_MAX_SIZE) < (UINT64_C(1) << 63));
}

/* A reader for coordinates no test store could hold: all-zero hashes. */
static int zero_read(void *ctx, const uint64_t *indexes, size_t count,
                     uint8_t (*hashes)[MERKLE_HASH_SIZE])
{
    size_t *max = ctx;
    (void)indexes;
    assert_true(count > 0 && count <= 128);
    if (count > *max)
        *max = count;
    memset(hashes, 0, count * MERKLE_HASH_SIZE);
    return 0;
}

static int failing_read(void *ctx, const uint64_t *indexes, size_t count,
                        uint8_t (*hashes)[MERKLE_HASH_SIZE])
{
    (void)indexes, (void)count, (void)hashes;
    return *(int *)ctx;
}

/* Out-of-range arguments, edge sizes and errors of the reader. */
static void test_ranges(void **state)
{
    (void)state;
    memstore *ms = &vec_store;
    uint8_t proof[MERKLE_MAX_PROOF + 2][MERKLE_HASH_SIZE], h[MERKLE_HASH_SIZE];
    uint8_t empty[MERKLE_HASH_SIZE], r1[MERKLE_HASH_SIZE], r5[MERKLE_HASH_SIZE];
    uint8_t out[MERKLE_MAX_STORED][MERKLE_HASH_SIZE];
    size_t len = 99, count;

    merkle_empty_root(empty);
    assert_int_equal(merkle_tree_hash(h, 0, memstore_read, ms), 0);
    assert_memory_equal(h, empty, MERKLE_HASH_SIZE);
    assert_int_equal(merkle_tree_hash(r1, 1, memstore_read, ms), 0);
    assert_int_equal(merkle_tree_hash(r5, 5, memstore_read, ms), 0);

    /* Generation. */
    assert_int_equal(merkle_inclusion_proof(proof, &len, 0, 0, memstore_read, ms), LH_ERANGE);
    assert_int_equal(merkle_inclusion_proof(proof, &len, 5, 5, memstore_read, ms), LH_ERANGE);
    assert_int_equal(merkle_inclusion_proof(proof, &len, UINT64_MAX, 5, memstore_read, ms),
                     LH_ERANGE);
    assert_int_equal(merkle_inclusion_proof(proof, &len, 0, MERKLE_MAX_SIZE + 1, memstore_read, ms),
                     LH_ERANGE);
    assert_int_equal(merkle_consistency_proof(proof, &len, 6, 5, memstore_read, ms), LH_ERANGE);
    assert_int_equal(
        merkle_consistency_proof(proof, &len, 1, MERKLE_MAX_SIZE + 1, memstore_read, ms),
        LH_ERANGE);
    assert_int_equal(merkle_tree_hash(h, MERKLE_MAX_SIZE + 1, memstore_read, ms), LH_ERANGE);
    assert_int_equal(merkle_tree_hash(h, UINT64_MAX, memstore_read, ms), LH_ERANGE);
    assert_int_equal(merkle_stored_hashes_for(MERKLE_MAX_SIZE, h, memstore_read, ms, out, &count),
                     LH_ERANGE);
    /* m == 0 and m == n give an empty proof without reading. */
    unsigned long calls = ms->read_calls;
    len = 99;
    assert_int_equal(merkle_consistency_proof(proof, &len, 0, 5, memstore_read, ms), 0);
    assert_int_equal(len, 0);
    len = 99;
    assert_int_equal(merkle_consistency_proof(proof, &len, 5, 5, memstore_read, ms), 0);
    assert_int_equal(len, 0);
    len = 99;
    assert_int_equal(merkle_consistency_proof(proof, &len, 0, 0, memstore_read, ms), 0);
    assert_int_equal(len, 0);
    len = 99;
    assert_int_equal(merkle_inclusion_proof(proof, &len, 0, 1, memstore_read, ms), 0);
    assert_int_equal(len, 0);
    assert_int_equal(ms->read_calls, calls);

    /* Verification of those edges. */
    memcpy(h, ms->hash[0], MERKLE_HASH_SIZE);
    assert_int_equal(merkle_verify_inclusion(NULL, 0, 0, 1, h, r1), 0);
    assert_int_equal(merkle_verify_inclusion(NULL, 0, 0, 1, h, r5), LH_EPROOF);
    assert_int_equal(merkle_verify_inclusion(NULL, 0, 0, 0, h, empty), LH_ERANGE);
    assert_int_equal(merkle_verify_inclusion(NULL, 0, 5, 5, h, r5), LH_ERANGE);
    assert_int_equal(merkle_verify_inclusion(NULL, 0, UINT64_MAX, UINT64_MAX, h, r5), LH_ERANGE);
    assert_int_equal(merkle_verify_consistency(NULL, 0, 6, 5, r5, r5), LH_ERANGE);
    assert_int_equal(merkle_verify_consistency(NULL, 0, 0, 0, empty, empty), 0);
    assert_int_equal(merkle_verify_consistency(NULL, 0, 0, 0, empty, r1), LH_EPROOF);
    assert_int_equal(merkle_verify_consistency(NULL, 0, 0, 5, empty, r5), 0);
    assert_int_equal(merkle_verify_consistency(NULL, 0, 0, 5, r1, r5), LH_EPROOF);
    assert_int_equal(merkle_verify_consistency(proof[0], 1, 0, 5, empty, r5), LH_EPROOF);
    assert_int_equal(merkle_verify_consistency(NULL, 0, 5, 5, r5, r5), 0);
    assert_int_equal(merkle_verify_consistency(NULL, 0, 5, 5, r5, r1), LH_EPROOF);
    memcpy(proof[0], r5, MERKLE_HASH_SIZE);
    assert_int_equal(merkle_verify_consistency(proof[0], 1, 5, 5, r5, r5), LH_EPROOF);
    assert_int_equal(merkle_verify_consistency(NULL, 0, 1, 5, r1, r5), LH_EPROOF);

    /* Proofs longer than any valid one, and garbage at huge sizes. */
    randombytes_buf(proof, sizeof proof);
    assert_int_equal(merkle_verify_inclusion(proof[0], MERKLE_MAX_PROOF + 1, 0, UINT64_MAX, h, r5),
                     LH_EPROOF);
    assert_int_equal(merkle_verify_inclusion(proof[0], 64, UINT64_MAX - 1, UINT64_MAX, h, r5),
                     LH_EPROOF);
    assert_int_equal(
        merkle_verify_consistency(proof[0], MERKLE_MAX_PROOF + 1, 3, UINT64_MAX, r1, r5),
        LH_EPROOF);
    assert_int_equal(merkle_verify_consistency(proof[0], MERKLE_MAX_PROOF, 3, UINT64_MAX, r1, r5),
                     LH_EPROOF);

    /* What merkle.h's notes warn about: the proof of leaf 0 in the tree of
     * size 3 also passes for size 4 with the same root, because the shapes
     * agree along the path; only the checkpoint binds the size to the root. */
    uint8_t r3[MERKLE_HASH_SIZE];
    assert_int_equal(merkle_tree_hash(r3, 3, memstore_read, ms), 0);
    assert_int_equal(merkle_inclusion_proof(proof, &len, 0, 3, memstore_read, ms), 0);
    assert_int_equal(merkle_verify_inclusion(proof[0], len, 0, 3, ms->hash[0], r3), 0);
    assert_int_equal(merkle_verify_inclusion(proof[0], len, 0, 4, ms->hash[0], r3), 0);
    assert_int_equal(merkle_verify_inclusion(proof[0], len, 0, 5, ms->hash[0], r3), LH_EPROOF);

    /* The reader's errors come back unchanged; a positive return is a bug. */
    int err = -5;
    assert_int_equal(merkle_tree_hash(h, 5, failing_read, &err), -5);
    assert_int_equal(merkle_inclusion_proof(proof, &len, 1, 5, failing_read, &err), -5);
    assert_int_equal(merkle_consistency_proof(proof, &len, 3, 5, failing_read, &err), -5);
    assert_int_equal(merkle_stored_hashes_for(3, h, failing_read, &err, out, &count), -5);
    err = LH_ENOTFOUND;
    assert_int_equal(merkle_tree_hash(h, 5, failing_read, &err), LH_ENOTFOUND);
    err = 1;
    assert_int_equal(merkle_tree_hash(h, 5, failing_read, &err), LH_EINTERNAL);
    /* A reader that is never needed is never called. */
    err = -5;
    assert_int_equal(merkle_stored_hashes_for(4, h, failing_read, &err, out, &count), 0);
    assert_int_equal(count, 1);
    assert_memory_equal(out[0], h, MERKLE_HASH_SIZE);
    assert_int_equal(memstore_read(ms, (uint64_t[]){ms->count}, 1, proof), LH_ENOTFOUND);
}

/* The largest trees: index math, proof lengths and read counts stay in bounds. */
static void test_huge_trees(void **state)
{
    (void)state;
    uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE], h[MERKLE_HASH_SIZE] = {0};
    uint8_t out[MERKLE_MAX_STORED][MERKLE_HASH_SIZE];
    size_t len, count, max = 0;
    const uint64_t top = MERKLE_MAX_SIZE;
    const uint64_t sizes[] = {top, top - 1, top / 2 + 1, top / 2 - 1, (top / 3) | 1, top - 2};

    assert_int_equal(merkle_stored_hashes_for(top - 1, h, zero_read, &max, out, &count), 0);
    assert_int_equal(count, 63);
    assert_int_equal(merkle_tree_hash(h, top, zero_read, &max), 0);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint64_t n = sizes[s];
        const uint64_t at[] = {0, 1, n / 2, n / 2 + 1, n - 2, n - 1, tu_rng_below(n)};
        assert_int_equal(merkle_tree_hash(h, n, zero_read, &max), 0);
        for (size_t a = 0; a < sizeof at / sizeof at[0]; a++) {
            assert_int_equal(merkle_inclusion_proof(proof, &len, at[a], n, zero_read, &max), 0);
            assert_true(len >= 1 && len <= 62);
            assert_int_equal(merkle_consistency_proof(proof, &len, at[a] + 1, n, zero_read, &max),
                             0);
            assert_true(len <= 63);
        }
    }
    /* The worst case of merkle.c's read bound: one right edge of 61 subtrees
     * followed by a path of 61 complete siblings. */
    assert_true(max >= 100 && max <= 128);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),      cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_stored_index), cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_huge_trees),
    };
    /* The store of the vector leaves is built once, for every test. */
    if (sodium_init() < 0 || tu_vec_store_fill(&vec_store, VEC_TREE_SIZE) != 0)
        return 1;
    tu_rng_seed(UINT64_C(0x6c697568656e2121));
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    memstore_free(&vec_store);
    return rc;
}
