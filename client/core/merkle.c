/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * merkle.c — the RFC 6962 / RFC 9162 Merkle tree, after Go's sumdb/tlog.
 *
 * Proof generation follows tlog: walk down from the root as RFC 9162 §2.1.3.1
 * and §2.1.4.1 split the tree (at the largest power of two below the size),
 * note each subtree the proof needs, turn those subtrees into stored indexes,
 * read them all at once, then fold them into proof hashes. Verification
 * follows the RFC 9162 §2.1.3.2 and §2.1.4.2 algorithms literally: they read
 * no storage and bound every loop by the proof length.
 */
#include "merkle.h"

#include <stdbool.h>
#include <string.h>

#include <sodium.h>

#include "errors.h"

/*
 * A proof needs at most ceil(log2 n) + 1 subtrees (MERKLE_MAX_PROOF). Each
 * is either a complete subtree (one stored hash) or the right edge of a tree
 * (one stored hash per 1 bit of its size). Once the walk enters a complete
 * subtree every later subtree is complete, so at most one right edge is
 * needed: at most 63 + 62 reads for n <= 2^62. 128 leaves a margin, and
 * plan_indexes() checks every addition all the same.
 */
#define MERKLE_MAX_READ 128

/* A range of leaves [lo, hi) whose Merkle Tree Hash a proof needs. */
typedef struct merkle_range {
    uint64_t lo, hi;
} merkle_range;

/* The indexes to read for a proof and the subtrees they fold into. */
typedef struct merkle_plan {
    merkle_range range[MERKLE_MAX_PROOF];
    size_t nrange;
    uint64_t index[MERKLE_MAX_READ];
    size_t nindex;
} merkle_plan;

void merkle_leaf_hash(uint8_t out[MERKLE_HASH_SIZE], const uint8_t *data, size_t len)
{
    static const uint8_t prefix = 0x00;
    crypto_hash_sha256_state st;

    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &prefix, 1);
    if (len > 0)
        crypto_hash_sha256_update(&st, data, len);
    crypto_hash_sha256_final(&st, out);
}

void merkle_node_hash(uint8_t out[MERKLE_HASH_SIZE], const uint8_t left[MERKLE_HASH_SIZE],
                      const uint8_t right[MERKLE_HASH_SIZE])
{
    /* Assemble the input first so that out may alias left or right. */
    uint8_t buf[1 + 2 * MERKLE_HASH_SIZE];

    buf[0] = 0x01;
    memcpy(buf + 1, left, MERKLE_HASH_SIZE);
    memcpy(buf + 1 + MERKLE_HASH_SIZE, right, MERKLE_HASH_SIZE);
    crypto_hash_sha256(out, buf, sizeof buf);
}

void merkle_empty_root(uint8_t out[MERKLE_HASH_SIZE])
{
    crypto_hash_sha256(out, NULL, 0);
}

/* floor(log2 x) for x >= 1. */
static int log2_floor(uint64_t x)
{
    return 63 - __builtin_clzll(x);
}

/* The number of trailing 1 bits of x. */
static int trailing_ones(uint64_t x)
{
    return x == UINT64_MAX ? 64 : __builtin_ctzll(~x);
}

/* The largest power of two strictly below x, for x >= 2: RFC 9162 §2.1.1's
 * split point k, "the largest power of two smaller than n". */
static uint64_t split_point(uint64_t x)
{
    return UINT64_C(1) << log2_floor(x - 1);
}

uint64_t merkle_stored_index(int level, uint64_t n)
{
    /* Level L's n'th hash is stored right after level L-1's (2n+1)'th hash,
     * so walk down to the level-0 numbering, whose n'th hash is stored at
     * n + n/2 + n/4 + ... (one slot per leaf plus one per completed parent),
     * then add back one slot per level climbed (tlog.StoredHashIndex). */
    for (int l = level; l > 0; l--)
        n = 2 * n + 1;
    uint64_t i = 0;
    for (; n > 0; n >>= 1)
        i += n;
    return i + (uint64_t)(level > 0 ? level : 0);
}

void merkle_split_stored_index(uint64_t index, int *level, uint64_t *n)
{
    /* merkle_stored_index(0, x) < 2x, so the leaf stored last at or before
     * index lies in [index/2, index/2 + log2(index)]; step to it, adding the
     * 1 + trailing_ones(x) hashes each leaf x brings (tlog.SplitStoredHashIndex). */
    uint64_t x = index / 2;
    uint64_t at = merkle_stored_index(0, x);

    for (;;) {
        uint64_t next = at + 1 + (uint64_t)trailing_ones(x);
        if (next > index)
            break;
        x++;
        at = next;
    }
    /* The hash was stored with leaf x: it is (0, x), (1, x/2), (2, x/4) ... */
    *level = (int)(index - at);
    *n = x >> *level;
}

uint64_t merkle_stored_count(uint64_t n)
{
    if (n == 0)
        return 0;
    /* The hashes up to the last leaf's, then the parents that leaf completes. */
    return merkle_stored_index(0, n - 1) + 1 + (uint64_t)trailing_ones(n - 1);
}

/* Call read, refusing a positive return that would otherwise look like success. */
static int read_hashes(merkle_read_fn read, void *ctx, const uint64_t *indexes, size_t count,
                       uint8_t (*hashes)[MERKLE_HASH_SIZE])
{
    int rc = read(ctx, indexes, count, hashes);
    return rc > 0 ? LH_EINTERNAL : rc;
}

int merkle_stored_hashes_for(uint64_t n, const uint8_t leaf_hash[MERKLE_HASH_SIZE],
                             merkle_read_fn read, void *ctx, uint8_t (*out)[MERKLE_HASH_SIZE],
                             size_t *out_count)
{
    uint64_t indexes[MERKLE_MAX_STORED];
    uint8_t old[MERKLE_MAX_STORED][MERKLE_HASH_SIZE];

    if (n >= MERKLE_MAX_SIZE)
        return LH_ERANGE;
    /* Each trailing 1 bit of n completes a subtree of 2^(i+1) leaves, whose
     * left half is the complete subtree (i, (n >> i) - 1) stored earlier.
     * The indexes are listed in increasing order, as tlog does. */
    int m = trailing_ones(n);
    for (int i = 0; i < m; i++)
        indexes[m - 1 - i] = merkle_stored_index(i, (n >> i) - 1);
    if (m > 0) {
        int rc = read_hashes(read, ctx, indexes, (size_t)m, old);
        if (rc != 0)
            return rc;
    }
    memcpy(out[0], leaf_hash, MERKLE_HASH_SIZE);
    for (int i = 0; i < m; i++)
        merkle_node_hash(out[i + 1], old[m - 1 - i], out[i]);
    *out_count = (size_t)m + 1;
    return 0;
}

/* Note that the proof needs MTH(D[lo:hi]). */
static int plan_range(merkle_plan *p, uint64_t lo, uint64_t hi)
{
    if (p->nrange == MERKLE_MAX_PROOF)
        return LH_EINTERNAL;
    p->range[p->nrange].lo = lo;
    p->range[p->nrange].hi = hi;
    p->nrange++;
    return 0;
}

/*
 * List the stored indexes of every range of the plan, in order: MTH(D[lo:hi])
 * splits into complete subtrees of decreasing size, left to right
 * (tlog.subTreeIndex). lo is always a multiple of the first subtree's size,
 * since the ranges come from RFC 9162's splits.
 */
static int plan_indexes(merkle_plan *p)
{
    p->nindex = 0;
    for (size_t i = 0; i < p->nrange; i++) {
        uint64_t lo = p->range[i].lo, hi = p->range[i].hi;
        while (lo < hi) {
            int level = log2_floor(hi - lo);
            if (p->nindex == MERKLE_MAX_READ)
                return LH_EINTERNAL;
            p->index[p->nindex++] = merkle_stored_index(level, lo >> level);
            lo += UINT64_C(1) << level;
        }
    }
    return 0;
}

/*
 * Fold the hashes read for one range into its Merkle Tree Hash: the right
 * edge is hashed right to left, as RFC 9162 §2.1.1 nests it
 * (tlog.subTreeHash). *pos advances past the hashes used.
 */
static void fold_range(uint8_t out[MERKLE_HASH_SIZE], const merkle_range *r,
                       uint8_t (*hashes)[MERKLE_HASH_SIZE], size_t *pos)
{
    size_t count = 0;
    for (uint64_t lo = r->lo; lo < r->hi; lo += UINT64_C(1) << log2_floor(r->hi - lo))
        count++;
    memcpy(out, hashes[*pos + count - 1], MERKLE_HASH_SIZE);
    for (size_t i = count - 1; i-- > 0;)
        merkle_node_hash(out, hashes[*pos + i], out);
    *pos += count;
}

/* Read the plan's indexes once and fold each range into proof[i]. */
static int run_plan(merkle_plan *p, merkle_read_fn read, void *ctx,
                    uint8_t (*out)[MERKLE_HASH_SIZE])
{
    uint8_t hashes[MERKLE_MAX_READ][MERKLE_HASH_SIZE];
    size_t pos = 0;

    int rc = plan_indexes(p);
    if (rc != 0 || p->nindex == 0)
        return rc;
    rc = read_hashes(read, ctx, p->index, p->nindex, hashes);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < p->nrange; i++)
        fold_range(out[i], &p->range[i], hashes, &pos);
    return 0;
}

int merkle_tree_hash(uint8_t out[MERKLE_HASH_SIZE], uint64_t n, merkle_read_fn read, void *ctx)
{
    merkle_plan p = {.nrange = 0};
    uint8_t root[1][MERKLE_HASH_SIZE];

    if (n > MERKLE_MAX_SIZE)
        return LH_ERANGE;
    if (n == 0) {
        merkle_empty_root(out);
        return 0;
    }
    int rc = plan_range(&p, 0, n);
    if (rc == 0)
        rc = run_plan(&p, read, ctx, root);
    if (rc == 0)
        memcpy(out, root[0], MERKLE_HASH_SIZE);
    return rc;
}

/* Copy the plan's folded ranges into the proof in leaf-to-root order: the
 * walk noted them root first, after `first` ranges that go in front. */
static void order_proof(uint8_t (*proof)[MERKLE_HASH_SIZE], uint8_t (*folded)[MERKLE_HASH_SIZE],
                        size_t nrange, size_t first)
{
    for (size_t i = 0; i < first; i++)
        memcpy(proof[i], folded[i], MERKLE_HASH_SIZE);
    for (size_t i = first; i < nrange; i++)
        memcpy(proof[i], folded[nrange - 1 - (i - first)], MERKLE_HASH_SIZE);
}

int merkle_inclusion_proof(uint8_t (*proof)[MERKLE_HASH_SIZE], size_t *proof_len, uint64_t index,
                           uint64_t size, merkle_read_fn read, void *ctx)
{
    merkle_plan p = {.nrange = 0};
    uint8_t folded[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
    uint64_t lo = 0, hi = size;
    int rc = 0;

    if (index >= size || size > MERKLE_MAX_SIZE)
        return LH_ERANGE;
    /* RFC 9162 §2.1.3.1: PATH(m, D_n) = PATH(m, D[0:k]) : MTH(D[k:n]) when
     * m < k, else PATH(m - k, D[k:n]) : MTH(D[0:k]). The sibling of each
     * step is noted here, root first. */
    while (rc == 0 && hi - lo > 1) {
        uint64_t k = split_point(hi - lo);
        if (index < lo + k) {
            rc = plan_range(&p, lo + k, hi);
            hi = lo + k;
        } else {
            rc = plan_range(&p, lo, lo + k);
            lo += k;
        }
    }
    if (rc == 0)
        rc = run_plan(&p, read, ctx, folded);
    if (rc != 0)
        return rc;
    order_proof(proof, folded, p.nrange, 0);
    *proof_len = p.nrange;
    return 0;
}

int merkle_consistency_proof(uint8_t (*proof)[MERKLE_HASH_SIZE], size_t *proof_len, uint64_t m,
                             uint64_t n, merkle_read_fn read, void *ctx)
{
    merkle_plan p = {.nrange = 0};
    uint8_t folded[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
    uint64_t lo = 0, hi = n;
    int rc = 0;

    if (m > n || n > MERKLE_MAX_SIZE)
        return LH_ERANGE;
    if (m == 0 || m == n) {
        *proof_len = 0;
        return 0;
    }
    /* RFC 9162 §2.1.4.1: SUBPROOF(m, D[0:n], b) splits at k like PATH; the
     * walk ends at the node where the old tree ends (m == hi). */
    while (rc == 0 && m != hi) {
        uint64_t k = split_point(hi - lo);
        if (m <= lo + k) {
            rc = plan_range(&p, lo + k, hi);
            hi = lo + k;
        } else {
            rc = plan_range(&p, lo, lo + k);
            lo += k;
        }
    }
    /* That node goes first in the proof unless it is the old root itself
     * (lo == 0, b == true), which the verifier already holds. */
    size_t first = 0;
    if (rc == 0 && lo != 0) {
        rc = plan_range(&p, lo, hi);
        if (rc == 0) {
            merkle_range end = p.range[p.nrange - 1];
            memmove(&p.range[1], &p.range[0], (p.nrange - 1) * sizeof p.range[0]);
            p.range[0] = end;
            first = 1;
        }
    }
    if (rc == 0)
        rc = run_plan(&p, read, ctx, folded);
    if (rc != 0)
        return rc;
    order_proof(proof, folded, p.nrange, first);
    *proof_len = p.nrange;
    return 0;
}

/* Whether x is a power of two (x >= 1). */
static int is_pow2(uint64_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

/*
 * One level of a proof's walk up the tree (RFC 9162 §2.1.3.2 step 3,
 * §2.1.4.2 step 6): whether the next proof hash is the left sibling of
 * node fn (fn odd, or fn on the right edge: fn == sn), and fn and sn one
 * level up. On the right edge, the levels where the node has no sibling
 * (fn even) are skipped: it is promoted unchanged.
 */
static bool proof_step(uint64_t *fn, uint64_t *sn)
{
    bool left = (*fn & 1) != 0 || *fn == *sn;
    if (left) {
        while ((*fn & 1) == 0 && *fn != 0) {
            *fn >>= 1;
            *sn >>= 1;
        }
    }
    *fn >>= 1;
    *sn >>= 1;
    return left;
}

int merkle_verify_inclusion(const uint8_t *proof, size_t proof_len, uint64_t index, uint64_t size,
                            const uint8_t leaf_hash[MERKLE_HASH_SIZE],
                            const uint8_t root[MERKLE_HASH_SIZE])
{
    uint8_t r[MERKLE_HASH_SIZE];

    /* RFC 9162 §2.1.3.2 step 1. */
    if (index >= size)
        return LH_ERANGE;
    if (proof_len > MERKLE_MAX_PROOF)
        return LH_EPROOF;
    /* Step 2. */
    uint64_t fn = index, sn = size - 1;
    memcpy(r, leaf_hash, MERKLE_HASH_SIZE);
    /* Step 3: fold each proof hash in from the side fn says. */
    for (size_t i = 0; i < proof_len; i++) {
        const uint8_t *p = proof + i * MERKLE_HASH_SIZE;
        if (sn == 0)
            return LH_EPROOF;
        if (proof_step(&fn, &sn))
            merkle_node_hash(r, p, r);
        else
            merkle_node_hash(r, r, p);
    }
    /* Step 4: the proof must reach the root exactly. */
    if (sn != 0 || memcmp(r, root, MERKLE_HASH_SIZE) != 0)
        return LH_EPROOF;
    return 0;
}

int merkle_verify_consistency(const uint8_t *proof, size_t proof_len, uint64_t m, uint64_t n,
                              const uint8_t root_m[MERKLE_HASH_SIZE],
                              const uint8_t root_n[MERKLE_HASH_SIZE])
{
    uint8_t fr[MERKLE_HASH_SIZE], sr[MERKLE_HASH_SIZE];

    if (m > n)
        return LH_ERANGE;
    if (m == 0) {
        /* Every tree extends the empty one, whose root is SHA-256(""). */
        uint8_t empty[MERKLE_HASH_SIZE];
        merkle_empty_root(empty);
        if (proof_len != 0 || memcmp(root_m, empty, MERKLE_HASH_SIZE) != 0)
            return LH_EPROOF;
        if (n == 0 && memcmp(root_n, empty, MERKLE_HASH_SIZE) != 0)
            return LH_EPROOF;
        return 0;
    }
    /* RFC 9162 §2.1.4.2: equal sizes need no proof, only equal roots. */
    if (m == n) {
        if (proof_len != 0 || memcmp(root_m, root_n, MERKLE_HASH_SIZE) != 0)
            return LH_EPROOF;
        return 0;
    }
    /* Step 1; a proof longer than any valid one is refused unhashed. */
    if (proof_len == 0 || proof_len > MERKLE_MAX_PROOF)
        return LH_EPROOF;
    /* Step 2: when m is a power of two the old root is a node of the new
     * tree and the proof omits it; it is the implicit first element. */
    size_t i = 0;
    if (is_pow2(m)) {
        memcpy(fr, root_m, MERKLE_HASH_SIZE);
    } else {
        memcpy(fr, proof, MERKLE_HASH_SIZE);
        i = 1;
    }
    memcpy(sr, fr, MERKLE_HASH_SIZE);
    /* Steps 3 and 4: skip the levels where the old tree's last node is a
     * right child (those hashes are inside the first proof element). */
    uint64_t fn = m - 1, sn = n - 1;
    while ((fn & 1) != 0) {
        fn >>= 1;
        sn >>= 1;
    }
    /* Steps 5 and 6: fr rebuilds the old root, sr the new one. */
    for (; i < proof_len; i++) {
        const uint8_t *c = proof + i * MERKLE_HASH_SIZE;
        if (sn == 0)
            return LH_EPROOF;
        if (proof_step(&fn, &sn)) {
            merkle_node_hash(fr, c, fr);
            merkle_node_hash(sr, c, sr);
        } else {
            merkle_node_hash(sr, sr, c);
        }
    }
    /* Step 7. */
    if (sn != 0 || memcmp(fr, root_m, MERKLE_HASH_SIZE) != 0 ||
        memcmp(sr, root_n, MERKLE_HASH_SIZE) != 0)
        return LH_EPROOF;
    return 0;
}
