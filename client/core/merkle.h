/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * merkle.h — the RFC 6962 / RFC 9162 Merkle tree of the log.
 *
 * Pure functions in the manner of Go's golang.org/x/mod/sumdb/tlog: no
 * allocation, no I/O, no globals. Hashes are SHA-256 (libsodium) written
 * into caller-owned 32-byte buffers. The caller must have called
 * sodium_init() once before using any function of this module.
 *
 * Coordinates. A tree hash is named by (level, n): the hash at level 0,
 * index n is the leaf hash of leaf n; the hash at level L, index n is the
 * Merkle Tree Hash (RFC 9162 §2.1.1) of the complete subtree of 2^L leaves
 * D[n * 2^L : (n + 1) * 2^L]. Only complete subtrees have coordinates: the
 * right edge of a tree whose size is not a power of two is never stored,
 * it is recomputed from complete subtrees.
 *
 * Stored hashes. Every complete subtree hash is stored once, at a dense
 * integer "stored index" (Crosby and Wallach, "Efficient Data Structures for
 * Tamper-Evident Logging", §3.3, as tlog.StoredHashIndex): appending leaf n
 * stores its leaf hash at merkle_stored_index(0, n), immediately followed by
 * the hashes of the subtrees that leaf completes, so the store is a flat
 * append-only table index -> hash. The tiles module (tile.h) reads the same
 * table: the hashes of a level-L tile are those at tree level 8L.
 *
 * Storage is reached through one callback, merkle_read_fn. Every function
 * that needs stored hashes first computes all the indexes it needs, calls the
 * callback once, then computes its result (tlog's two phases), so a store
 * backed by a database does one batched read per proof.
 *
 * Sizes. Tree sizes and leaf indexes are uint64_t; the functions that read
 * the store accept trees of at most MERKLE_MAX_SIZE leaves, so that every
 * stored index fits in 63 bits. The verifiers accept any 64-bit value.
 */
#ifndef LIUHEN_MERKLE_H
#define LIUHEN_MERKLE_H

#include <stddef.h>
#include <stdint.h>

/** The size of every hash of the tree (SHA-256). */
#define MERKLE_HASH_SIZE 32

/**
 * The largest tree size (number of leaves) for which hashes are stored or
 * proofs are generated: 2^62. A tree of n leaves has fewer than 2n stored
 * hashes, so every stored index stays below 2^63, as with tlog's int64.
 */
#define MERKLE_MAX_SIZE (UINT64_C(1) << 62)

/**
 * The most hashes merkle_stored_hashes_for() returns: the leaf hash plus one
 * parent per trailing 1 bit of n, i.e. at most 1 + 62 for n < 2^62.
 */
#define MERKLE_MAX_STORED 64

/**
 * Room for any valid proof, in hashes. An inclusion proof for a tree of size
 * s has at most ceil(log2 s) hashes (one per level of the audit path, RFC
 * 9162 §2.1.3.1), so at most 64 for any 64-bit size. A consistency proof
 * has at most ceil(log2 n) + 1 hashes (one per level below the root plus the
 * subtree where the old tree ends, RFC 9162 §2.1.4.1; e.g. PROOF(3, D[4]) has
 * three hashes), so at most 65 for any 64-bit n, and 63 for n <= 2^62. A
 * verifier may therefore reject any longer proof without hashing it.
 */
#define MERKLE_MAX_PROOF 65

/**
 * Read stored hashes.
 *
 * The callback must write the hash stored at indexes[i] into hashes[i] for
 * every i < count, or return an error. The indexes come in the order the
 * caller will use them, which for proofs is not always increasing. It is
 * never called with count == 0.
 *
 * @param[in] ctx      the pointer given to the function that calls back.
 * @param[in] indexes  count stored indexes (see merkle_stored_index()).
 * @param[in] count    at most 128 from this module; tile_read_hashes() asks
 *                     for a whole tile, up to 256.
 * @param[out] hashes  room for count hashes.
 * @return 0 when all hashes were written, or a negative code (e.g.
 *         LH_ENOTFOUND, LH_ESTORE, -EIO) which the caller returns unchanged.
 */
typedef int (*merkle_read_fn)(void *ctx, const uint64_t *indexes, size_t count,
                              uint8_t (*hashes)[MERKLE_HASH_SIZE]);

/**
 * The hash of a leaf: SHA-256(0x00 || data) (RFC 9162 §2.1.1).
 * @param[out] out   the leaf hash.
 * @param[in] data   the leaf bytes; may be NULL when len is 0.
 */
void merkle_leaf_hash(uint8_t out[MERKLE_HASH_SIZE], const uint8_t *data, size_t len);

/**
 * The hash of an interior node: SHA-256(0x01 || left || right) (RFC 9162
 * §2.1.1). out may alias left or right.
 */
void merkle_node_hash(uint8_t out[MERKLE_HASH_SIZE], const uint8_t left[MERKLE_HASH_SIZE],
                      const uint8_t right[MERKLE_HASH_SIZE]);

/**
 * The root of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1,
 * and C2SP tlog-checkpoint). Note that Go's tlog.TreeHash(0) returns 32 zero
 * bytes instead; liuhen follows the RFC.
 */
void merkle_empty_root(uint8_t out[MERKLE_HASH_SIZE]);

/**
 * The stored index of the hash at coordinates (level, n), as
 * tlog.StoredHashIndex.
 * @param[in] level  0 <= level <= 62.
 * @param[in] n      the index of the subtree within its level; the subtree
 *                   must lie in a tree of at most MERKLE_MAX_SIZE leaves,
 *                   i.e. (n + 1) << level <= MERKLE_MAX_SIZE (otherwise the
 *                   result is meaningless, though never undefined).
 * @return the stored index.
 */
uint64_t merkle_stored_index(int level, uint64_t n);

/**
 * The inverse of merkle_stored_index(), as tlog.SplitStoredHashIndex.
 * @param[in] index  a stored index below 2^63.
 * @param[out] level the subtree's level.
 * @param[out] n     the subtree's index within its level.
 */
void merkle_split_stored_index(uint64_t index, int *level, uint64_t *n);

/**
 * The number of hashes stored for a tree of n leaves, as tlog.StoredHashCount:
 * the stored indexes of such a tree are exactly 0 .. merkle_stored_count(n)-1.
 * @param[in] n  at most MERKLE_MAX_SIZE.
 */
uint64_t merkle_stored_count(uint64_t n);

/**
 * The hashes to store when appending leaf n, as tlog.StoredHashesForRecordHash.
 *
 * out[0] is leaf_hash; out[i] for i >= 1 is the hash of the complete subtree
 * of 2^i leaves that leaf n completes. out[i] is to be stored at stored index
 * merkle_stored_index(0, n) + i; after that the store holds exactly
 * merkle_stored_count(n + 1) hashes. Up to log2(n) earlier hashes are read in
 * one call of read (none when n is even).
 *
 * @param[in] n          the index of the new leaf, i.e. the tree size before
 *                       appending; below MERKLE_MAX_SIZE.
 * @param[in] leaf_hash  merkle_leaf_hash() of the new leaf.
 * @param[in] read       reads the hashes of the tree of size n.
 * @param[in] ctx        passed to read.
 * @param[out] out       room for MERKLE_MAX_STORED hashes.
 * @param[out] out_count the number of hashes written, 1 + the number of
 *                       trailing 1 bits of n.
 * @return 0, LH_ERANGE if n >= MERKLE_MAX_SIZE, or the error of read (then
 *         out is unspecified).
 */
int merkle_stored_hashes_for(uint64_t n, const uint8_t leaf_hash[MERKLE_HASH_SIZE],
                             merkle_read_fn read, void *ctx, uint8_t (*out)[MERKLE_HASH_SIZE],
                             size_t *out_count);

/**
 * The root hash of the tree of the first n leaves, MTH(D[0:n]) (RFC 9162
 * §2.1.1), from stored hashes: one call of read for one hash per 1 bit of n.
 * @param[out] out  the root; SHA-256("") for n == 0 (read is not called).
 * @param[in] n     the tree size, at most MERKLE_MAX_SIZE.
 * @return 0, LH_ERANGE if n > MERKLE_MAX_SIZE, or the error of read.
 */
int merkle_tree_hash(uint8_t out[MERKLE_HASH_SIZE], uint64_t n, merkle_read_fn read, void *ctx);

/**
 * The inclusion proof (audit path) of leaf `index` in the tree of size
 * `size`, PATH(index, D[0:size]) of RFC 6962 §2.1.1 / RFC 9162 §2.1.3.1,
 * leaf-to-root order, as tlog.ProveRecord. One call of read.
 * @param[out] proof      room for MERKLE_MAX_PROOF hashes.
 * @param[out] proof_len  the number of hashes written (0 when size == 1).
 * @return 0, LH_ERANGE if index >= size or size > MERKLE_MAX_SIZE, or the
 *         error of read.
 */
int merkle_inclusion_proof(uint8_t (*proof)[MERKLE_HASH_SIZE], size_t *proof_len, uint64_t index,
                           uint64_t size, merkle_read_fn read, void *ctx);

/**
 * The consistency proof between the trees of sizes m and n,
 * PROOF(m, D[0:n]) of RFC 6962 §2.1.2 / RFC 9162 §2.1.4.1, as tlog.ProveTree.
 * RFC 9162 defines it for 0 < m < n; here m == n and m == 0 give an empty
 * proof (read is not called), since the verifier needs no hash to accept
 * them (see merkle_verify_consistency()).
 * @param[out] proof      room for MERKLE_MAX_PROOF hashes.
 * @param[out] proof_len  the number of hashes written.
 * @return 0, LH_ERANGE if m > n or n > MERKLE_MAX_SIZE, or the error of read.
 */
int merkle_consistency_proof(uint8_t (*proof)[MERKLE_HASH_SIZE], size_t *proof_len, uint64_t m,
                             uint64_t n, merkle_read_fn read, void *ctx);

/**
 * Verify an inclusion proof with the algorithm of RFC 9162 §2.1.3.2.
 *
 * The proof is taken as flat bytes (proof_len consecutive hashes) because it
 * usually comes from the wire; pass proof[0] for an array filled by
 * merkle_inclusion_proof(). Any 64-bit index and size are accepted.
 *
 * @param[in] proof      proof_len * 32 bytes; may be NULL if proof_len is 0.
 * @param[in] proof_len  the number of hashes in the proof.
 * @param[in] index      the leaf's index.
 * @param[in] size       the size of the tree whose root is given.
 * @param[in] leaf_hash  the hash of the leaf, merkle_leaf_hash().
 * @param[in] root       the tree's root hash, e.g. from a checkpoint.
 * @return 0 if the proof holds; LH_ERANGE if index >= size; LH_EPROOF for
 *         every other failure (wrong hash, wrong length), as tlog gives a
 *         single "invalid transparency proof" error.
 * @note The proof binds the leaf to the root, not the size to the root: a
 *       tree of another size with the same shape along the audit path (leaf
 *       0 in sizes 3 and 4, say) computes the same hash from the same proof.
 *       Take size and root together from one signed checkpoint.
 */
int merkle_verify_inclusion(const uint8_t *proof, size_t proof_len, uint64_t index, uint64_t size,
                            const uint8_t leaf_hash[MERKLE_HASH_SIZE],
                            const uint8_t root[MERKLE_HASH_SIZE]);

/**
 * Verify a consistency proof with the algorithm of RFC 9162 §2.1.4.2.
 *
 * For m == n the proof must be empty and root_m must equal root_n. For
 * m == 0 the proof must be empty and root_m must be the empty tree's root
 * SHA-256(""): every tree extends the empty tree, but a checkpoint of size 0
 * with any other root is bogus. Any 64-bit m and n are accepted.
 *
 * @param[in] proof      proof_len * 32 bytes; may be NULL if proof_len is 0.
 * @param[in] proof_len  the number of hashes in the proof.
 * @param[in] m          the size of the older tree.
 * @param[in] n          the size of the newer tree.
 * @param[in] root_m     the older tree's root.
 * @param[in] root_n     the newer tree's root.
 * @return 0 if the newer tree extends the older one; LH_ERANGE if m > n;
 *         LH_EPROOF for every other failure.
 * @note As for merkle_verify_inclusion(), take each size with its root from
 *       one signed checkpoint: the proof does not bind sizes to roots.
 */
int merkle_verify_consistency(const uint8_t *proof, size_t proof_len, uint64_t m, uint64_t n,
                              const uint8_t root_m[MERKLE_HASH_SIZE],
                              const uint8_t root_n[MERKLE_HASH_SIZE]);

#endif
