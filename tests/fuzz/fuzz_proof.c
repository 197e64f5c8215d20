/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fuzz_proof.c — Merkle proof verification (client/merkle.h) on arbitrary
 * proof bytes, checked against a second, independent transcription of RFC
 * 9162 §2.1.3.2 and §2.1.4.2 written here: both verifiers must return the
 * same code on every input.
 *
 * Input: byte 0 is the mode (mode & 3).
 *   0  inclusion, raw: index (8, big-endian), size (8), leaf hash (32),
 *      root (32), then the proof (whole 32-byte hashes; a tail is dropped).
 *   1  consistency, raw: m (8), n (8), root m (32), root n (32), proof.
 *      In raw modes, mode & 4 reduces the sizes modulo 1024 (small trees).
 *   2  inclusion, generated: the tree of n = 1 + byte 1 leaves "leaf-<i>"
 *      is built with merkle_stored_hashes_for(); the proof of leaf
 *      byte 2 mod n comes from merkle_inclusion_proof(); then every triple
 *      (pos high, pos low, xor) that follows flips proof bits.
 *   3  consistency, generated: the same with m = byte 2 mod (n + 1).
 * A generated proof must verify when untouched and fail once any bit of it
 * changed; the root from the store must equal the RFC MTH computed here.
 */
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "fuzz.h"
#include "merkle.h"

#define HASH       MERKLE_HASH_SIZE
#define GEN_MAX    256 /* largest generated tree */
#define STORED_MAX (2 * GEN_MAX)

/* ---- the reference: RFC 9162, transcribed independently ------------------ */

static void ref_node(uint8_t out[HASH], const uint8_t *left, const uint8_t *right)
{
    crypto_hash_sha256_state st;
    static const uint8_t one = 0x01;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &one, 1);
    crypto_hash_sha256_update(&st, left, HASH);
    crypto_hash_sha256_update(&st, right, HASH);
    crypto_hash_sha256_final(&st, out);
}

/* §2.1.3.2: verifying an inclusion proof. */
static int ref_inclusion(const uint8_t *proof, size_t np, uint64_t index, uint64_t size,
                         const uint8_t *leaf, const uint8_t *root)
{
    if (index >= size)
        return LH_ERANGE;
    uint64_t fn = index, sn = size - 1;
    uint8_t r[HASH];
    memcpy(r, leaf, HASH);
    for (size_t i = 0; i < np; i++) {
        const uint8_t *p = proof + HASH * i;
        if (sn == 0)
            return LH_EPROOF;
        if ((fn & 1) == 1 || fn == sn) {
            ref_node(r, p, r);
            if ((fn & 1) == 0) {
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            ref_node(r, r, p);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && memcmp(r, root, HASH) == 0 ? 0 : LH_EPROOF;
}

/* §2.1.4.2, with merkle.h's rules for m == n and m == 0. */
static int ref_consistency(const uint8_t *proof, size_t np, uint64_t m, uint64_t n,
                           const uint8_t *root_m, const uint8_t *root_n)
{
    uint8_t empty[HASH];
    crypto_hash_sha256(empty, NULL, 0);
    if (m > n)
        return LH_ERANGE;
    if (m == 0)
        return np == 0 && memcmp(root_m, empty, HASH) == 0 &&
                       (n != 0 || memcmp(root_n, empty, HASH) == 0)
                   ? 0
                   : LH_EPROOF;
    if (m == n)
        return np == 0 && memcmp(root_m, root_n, HASH) == 0 ? 0 : LH_EPROOF;
    if (np == 0)
        return LH_EPROOF;
    /* Step 2: if m is a power of two, prepend root_m to the path. */
    const uint8_t *first = proof;
    size_t start = 1;
    if ((m & (m - 1)) == 0) {
        first = root_m;
        start = 0;
    }
    uint64_t fn = m - 1, sn = n - 1;
    while ((fn & 1) == 1) {
        fn >>= 1;
        sn >>= 1;
    }
    uint8_t fr[HASH], sr[HASH];
    memcpy(fr, first, HASH);
    memcpy(sr, first, HASH);
    for (size_t i = start; i < np; i++) {
        const uint8_t *c = proof + HASH * i;
        if (sn == 0)
            return LH_EPROOF;
        if ((fn & 1) == 1 || fn == sn) {
            ref_node(fr, c, fr);
            ref_node(sr, c, sr);
            while ((fn & 1) == 0 && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            ref_node(sr, sr, c);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return memcmp(fr, root_m, HASH) == 0 && memcmp(sr, root_n, HASH) == 0 && sn == 0 ? 0
                                                                                     : LH_EPROOF;
}

/* §2.1.1 MTH of count leaf hashes. */
static void ref_mth(const uint8_t (*leaves)[HASH], uint64_t count, uint8_t out[HASH])
{
    if (count == 0) {
        crypto_hash_sha256(out, NULL, 0);
        return;
    }
    if (count == 1) {
        memcpy(out, leaves[0], HASH);
        return;
    }
    uint64_t k = 1;
    while (k << 1 < count)
        k <<= 1;
    uint8_t l[HASH], r[HASH];
    ref_mth(leaves, k, l);
    ref_mth(leaves + k, count - k, r);
    ref_node(out, l, r);
}

/* ---- raw proofs ----------------------------------------------------------- */

#define RAW_HEADER (1 + 8 + 8 + HASH + HASH)

static void fuzz_raw(const uint8_t *data, size_t size)
{
    if (size < RAW_HEADER)
        return;
    uint64_t a = fuzz_be64(data + 1), b = fuzz_be64(data + 9);
    if (data[0] & 4) {
        a %= 1024;
        b %= 1024;
    }
    const uint8_t *h1 = data + 17, *h2 = data + 49, *proof = data + RAW_HEADER;
    size_t np = (size - RAW_HEADER) / HASH;
    int got, want;
    if ((data[0] & 3) == 0) {
        got = merkle_verify_inclusion(np > 0 ? proof : NULL, np, a, b, h1, h2);
        want = ref_inclusion(proof, np, a, b, h1, h2);
    } else {
        got = merkle_verify_consistency(np > 0 ? proof : NULL, np, a, b, h1, h2);
        want = ref_consistency(proof, np, a, b, h1, h2);
    }
    if (got != want) {
        fprintf(stderr, "fuzz_proof: mode %u, %llu %llu, %zu hashes: merkle.c says %s, RFC %s\n",
                data[0] & 3u, (unsigned long long)a, (unsigned long long)b, np, lh_errname(got),
                lh_errname(want));
        FUZZ_CHECK(got == want);
    }
}

/* ---- generated proofs ----------------------------------------------------- */

typedef struct store {
    uint8_t hashes[STORED_MAX][HASH];
    uint64_t count;
    unsigned reads;
} store;

static int store_read(void *ctx, const uint64_t *indexes, size_t count,
                      uint8_t (*hashes)[MERKLE_HASH_SIZE])
{
    store *s = ctx;
    FUZZ_CHECK(count > 0);
    s->reads++;
    for (size_t i = 0; i < count; i++) {
        if (indexes[i] >= s->count)
            return LH_ENOTFOUND;
        memcpy(hashes[i], s->hashes[indexes[i]], HASH);
    }
    return 0;
}

static store st;
static uint8_t leaves[GEN_MAX][HASH];

/* The tree of n leaves "leaf-<i>", appended one by one as the log does. */
static void build(uint64_t n)
{
    st.count = 0;
    for (uint64_t i = 0; i < n; i++) {
        char leaf[32];
        int len = snprintf(leaf, sizeof leaf, "leaf-%llu", (unsigned long long)i);
        merkle_leaf_hash(leaves[i], (const uint8_t *)leaf, (size_t)len);
        uint8_t out[MERKLE_MAX_STORED][HASH];
        size_t nout = 0;
        FUZZ_CHECK(merkle_stored_hashes_for(i, leaves[i], store_read, &st, out, &nout) == 0);
        FUZZ_CHECK(st.count == merkle_stored_index(0, i) && nout >= 1);
        FUZZ_CHECK(st.count + nout <= STORED_MAX);
        memcpy(st.hashes[st.count], out, nout * HASH);
        st.count += nout;
        FUZZ_CHECK(st.count == merkle_stored_count(i + 1));
    }
}

/* Flip the bits the (pos, pos, xor) triples name; whether the proof changed
 * (two triples may flip the same bit back). */
static bool tamper(uint8_t *proof, size_t bytes, const uint8_t *t, size_t tlen)
{
    uint8_t before[MERKLE_MAX_PROOF * HASH];
    if (bytes == 0)
        return false;
    memcpy(before, proof, bytes);
    for (size_t i = 0; i + 3 <= tlen; i += 3) {
        size_t pos = ((size_t)t[i] << 8 | t[i + 1]) % bytes;
        proof[pos] ^= t[i + 2];
    }
    return memcmp(before, proof, bytes) != 0;
}

static void fuzz_generated(const uint8_t *data, size_t size)
{
    if (size < 3)
        return;
    uint64_t n = 1 + (uint64_t)data[1];
    build(n);
    uint8_t root[HASH], want[HASH];
    st.reads = 0;
    FUZZ_CHECK(merkle_tree_hash(root, n, store_read, &st) == 0);
    FUZZ_CHECK(st.reads == 1);
    ref_mth((const uint8_t(*)[HASH])leaves, n, want);
    FUZZ_CHECK(memcmp(root, want, HASH) == 0);

    uint8_t proof[MERKLE_MAX_PROOF][HASH];
    size_t np = 0;
    bool inclusion = (data[0] & 3) == 2;
    uint64_t k = inclusion ? data[2] % n : data[2] % (n + 1);
    uint8_t root_k[HASH];
    if (inclusion) {
        FUZZ_CHECK(merkle_inclusion_proof(proof, &np, k, n, store_read, &st) == 0);
    } else {
        FUZZ_CHECK(merkle_consistency_proof(proof, &np, k, n, store_read, &st) == 0);
        FUZZ_CHECK(merkle_tree_hash(root_k, k, store_read, &st) == 0);
        ref_mth((const uint8_t(*)[HASH])leaves, k, want);
        FUZZ_CHECK(memcmp(root_k, want, HASH) == 0);
    }
    FUZZ_CHECK(np <= MERKLE_MAX_PROOF);
    bool changed = tamper(proof[0], np * HASH, data + 3, size - 3);
    int got, ref;
    if (inclusion) {
        got = merkle_verify_inclusion(proof[0], np, k, n, leaves[k], root);
        ref = ref_inclusion(proof[0], np, k, n, leaves[k], root);
    } else {
        got = merkle_verify_consistency(proof[0], np, k, n, root_k, root);
        ref = ref_consistency(proof[0], np, k, n, root_k, root);
    }
    FUZZ_CHECK(got == ref);
    FUZZ_CHECK(got == (changed ? LH_EPROOF : 0));
    /* The same proof for neighbouring sizes: whatever it gives, both agree. */
    for (uint64_t other = n - 1; other <= n + 1; other += 2) {
        if (inclusion) {
            got = merkle_verify_inclusion(proof[0], np, k, other, leaves[k], root);
            ref = ref_inclusion(proof[0], np, k, other, leaves[k], root);
        } else {
            got = merkle_verify_consistency(proof[0], np, k, other, root_k, root);
            ref = ref_consistency(proof[0], np, k, other, root_k, root);
        }
        FUZZ_CHECK(got == ref);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_sodium_init();
    if (size == 0)
        return 0;
    if ((data[0] & 3) < 2)
        fuzz_raw(data, size);
    else
        fuzz_generated(data, size);
    return 0;
}
