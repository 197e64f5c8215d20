/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * tiles.h — reading a C2SP tlog-tiles directory (https://c2sp.org/tlog-tiles)
 * as an inspector's mirror holds it, and checking its integrity: every
 * entry bundle against the level-0 tiles, every full tile against its
 * parent, the root against the checkpoint (docs/design.md "The verifier",
 * check 1).
 *
 * The directory is hostile input. Every resource is opened relative to the
 * directory, one path component at a time, without following symbolic
 * links (O_NOFOLLOW), must be a regular file, and is read with a bound: a
 * hash tile is at most TILE_SIZE bytes, an entry bundle at most
 * TILE_BUNDLE_MAX, the checkpoint at most NOTE_MAX_SIZE. A partial tile
 * that is missing is read from its full tile instead, as C2SP allows
 * ("MAY fetch the full tile ... as a fallback"; liuhend deletes partial
 * tiles once the full one exists).
 *
 * Nothing here knows what an entry is: the integrity pass works for any
 * tiles log, whatever its entries hold (liuhen-verify --integrity-only).
 * The entries of each bundle are handed, in order, to a sink (ledger.h).
 *
 * Memory: the stream holds one entry bundle (handed over to the sink) and
 * one hash tile per level (at most 8 levels of 8 KiB), never the whole log.
 * The tree hashes of other sizes (tiles_tree_hash()) read through a small
 * cache of TILES_CACHE tiles.
 *
 * Thread safety: one thread uses a tiles handle; the bundles it hands out
 * may be read by other threads.
 */
#ifndef LIUHEN_VERIFY_TILES_H
#define LIUHEN_VERIFY_TILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "merkle.h"
#include "report.h"
#include "tile.h"

/** Hash tiles kept by the reader of tiles_tree_hash() and tiles_leaf_hash(). */
#define TILES_CACHE 16

/** An open tiles directory. */
typedef struct tiles tiles;

/**
 * One entry bundle, its leaves located and hashed (RFC 6962 leaf hashes).
 * Owned by whoever it was handed to; freed with tiles_bundle_free().
 */
typedef struct tiles_bundle {
    uint64_t first;                             /**< index of its first leaf */
    unsigned width;                             /**< leaves, 1..256 */
    const uint8_t *leaf[TILE_WIDTH];            /**< each leaf's bytes, into data */
    size_t leaf_len[TILE_WIDTH];                /**< each leaf's length */
    uint8_t hash[TILE_WIDTH][MERKLE_HASH_SIZE]; /**< SHA-256(0x00 || leaf) */
    size_t len;                                 /**< bytes of data */
    uint8_t *data;                              /**< the bundle as read; owned */
} tiles_bundle;

/** Free a bundle. Accepts NULL. */
void tiles_bundle_free(tiles_bundle *b);

/**
 * Receives the bundles of tiles_stream(), in log order.
 * @param[in] ctx  the sink's context.
 * @param[in] b    the bundle; the sink owns it from the call on, also when
 *                 it returns an error.
 * @return 0, or a negative code that stops the stream (LH_ENOMEM...).
 */
typedef int (*tiles_sink_fn)(void *ctx, tiles_bundle *b);

/**
 * Open a tiles directory.
 * @param[in]  dir  the directory's path; copied.
 * @param[out] out  the handle, freed with tiles_free(); NULL on error.
 * @param[out] err  optional: names the directory and the cause.
 * @return 0; -errno (-ENOENT, -ENOTDIR, -EACCES...); LH_ENOMEM.
 */
int tiles_open(const char *dir, tiles **out, lh_err *err);

/** Close the directory and free the handle. Accepts NULL. */
void tiles_free(tiles *t);

/**
 * Read DIR/checkpoint, at most NOTE_MAX_SIZE bytes (not verified here).
 * @param[out] note  malloc'd bytes, freed by the caller with free().
 * @param[out] len   their number.
 * @return 0; -errno (-ENOENT when there is no checkpoint); LH_ETOOBIG;
 *         LH_EPARSE when it is not a regular file; LH_ENOMEM.
 */
int tiles_read_checkpoint(tiles *t, uint8_t **note, size_t *len, lh_err *err);

/** What tiles_stream() did, for the summary. */
typedef struct tiles_stats {
    uint64_t leaves;   /**< leaves read and hashed */
    uint64_t tiles;    /**< hash tiles and entry bundles read and checked */
    uint64_t failures; /**< integrity failures it reported */
    bool root_ok;      /**< the tiles' root equals the checkpoint's */
} tiles_stats;

/**
 * Check the whole tree of a verified checkpoint, streaming: for each
 * level-0 index n, the entry bundle and the level-0 tile (full, or partial
 * of the width the size needs): every leaf's hash must equal the tile's
 * hash; every full tile at level L must hash (tile_subtree_hash()) to its
 * entry in the tile at level L+1; at the end the root computed from the
 * tiles (merkle_tree_hash()) must equal root. Each failure goes to the
 * report as an "integrity" failure naming the entry index (when one is
 * concerned), the resource and the expected and actual hashes. A resource
 * that is missing, not a regular file, a symbolic link or of the wrong
 * size is a failure too; the stream stops at the first level-0 index for
 * which neither the tile nor the bundle exists (the log ends there).
 *
 * After it returns 0, tiles_tree_hash() and tiles_leaf_hash() serve the
 * tree of this size.
 *
 * @param[in] size   the checkpoint's tree size.
 * @param[in] root   the checkpoint's root.
 * @param[in] sink   receives every well-formed bundle, or NULL
 *                   (--integrity-only reads and hashes the bundles all the
 *                   same).
 * @param[in] sink_ctx  passed to sink.
 * @param[in] rep    the report (failures, progress).
 * @param[out] stats what was done.
 * @param[out] err   optional: names the resource and the cause of an error.
 * @return 0 when the pass ran to its end (failures, if any, are in the
 *         report; a size above MERKLE_MAX_SIZE is one, and nothing is
 *         read); -errno for an I/O error that prevents verifying (-EACCES,
 *         -EIO...); LH_ENOMEM; the error of sink or of the report.
 */
int tiles_stream(tiles *t, uint64_t size, const uint8_t root[MERKLE_HASH_SIZE], tiles_sink_fn sink,
                 void *sink_ctx, report *rep, tiles_stats *stats, lh_err *err);

/**
 * The root of the tree of the first m leaves, MTH(D[0:m]), from the tiles
 * of the tree tiles_stream() checked (m at most its size).
 * @note The rightmost tile of each level is served from the very bytes the
 *       stream checked; others are read again from the directory, which is
 *       the inspector's mirror: a mirror that someone changes while the
 *       verifier runs is not defended against.
 * @return 0; LH_ERANGE if m exceeds that size; LH_ENOTFOUND or another
 *         failure to read a tile (err names it); LH_EINVAL before
 *         tiles_stream().
 */
int tiles_tree_hash(tiles *t, uint64_t m, uint8_t out[MERKLE_HASH_SIZE], lh_err *err);

/**
 * The leaf hash at an index, from the level-0 tile that holds it.
 * @return 0; LH_ERANGE if index is not below the size; a read failure.
 */
int tiles_leaf_hash(tiles *t, uint64_t index, uint8_t out[MERKLE_HASH_SIZE], lh_err *err);

/**
 * The inclusion proof of the leaf at index in the tree tiles_stream()
 * checked (RFC 9162 §2.1.3.1), from its tiles.
 * @param[out] proof      room for MERKLE_MAX_PROOF hashes, leaf's sibling first.
 * @param[out] proof_len  their number.
 * @return 0; LH_ERANGE if index is not below the size; a read failure;
 *         LH_EINVAL before tiles_stream().
 */
int tiles_inclusion_proof(tiles *t, uint64_t index, uint8_t (*proof)[MERKLE_HASH_SIZE],
                          size_t *proof_len, lh_err *err);

/**
 * Read the leaf at an index from its entry bundle again (for an entry that
 * another names: the bytes are the caller's to authenticate, by comparing
 * their leaf hash with the one expected). The last bundle read is kept, so
 * that several look-ups in one bundle read it once.
 * @param[out] leaf  points into a buffer of the handle: valid until the
 *                   next call of tiles_read_leaf() or tiles_free().
 * @return 0; LH_ERANGE; LH_EPARSE for a malformed bundle; a read failure.
 */
int tiles_read_leaf(tiles *t, uint64_t index, const uint8_t **leaf, size_t *len, lh_err *err);

/**
 * Read the leaf at an index again, knowing where the stream found it: the
 * len bytes after its two-byte length at byte offset of its entry bundle
 * (the bundle of the width the size needs, or the full one when that is
 * missing, as tiles_stream() read it). Only those bytes are read, not the
 * whole bundle; they are the caller's to authenticate, as with
 * tiles_read_leaf(). The last bundle opened is kept open, so that several
 * look-ups in one bundle open it once.
 * @param[out] leaf  points into a buffer of the handle: valid until the
 *                   next call of tiles_read_leaf_at() or tiles_free().
 * @return 0; LH_ERANGE; LH_EINVAL for a length or offset no bundle has;
 *         LH_EPARSE when the bundle does not hold a leaf of that length
 *         there (it changed since it was streamed); a read failure.
 */
int tiles_read_leaf_at(tiles *t, uint64_t index, uint64_t offset, size_t len, const uint8_t **leaf,
                       lh_err *err);

#endif
