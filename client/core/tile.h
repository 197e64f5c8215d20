/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * tile.h — C2SP tlog-tiles: the static resources a published log serves.
 *
 * https://c2sp.org/tlog-tiles (after Go's sumdb/tlog tile.go). The tree is
 * cut into tiles of height 8: the tile at level L, index N holds up to 256
 * consecutive hashes of tree level 8L, those of the subtrees
 * D[(N*256 + i) * 256^L : (N*256 + i + 1) * 256^L] for i = 0 .. width-1. A
 * full tile has 256 hashes (8,192 bytes); the rightmost tile of each level
 * is usually partial (1 to 255 hashes) and is named with a ".p/<W>" suffix.
 * Entry bundles carry the leaves themselves, 256 per full bundle, with the
 * same numbering as level 0.
 *
 * Resource names, relative to the log prefix:
 *   tile/<L>/<N>[.p/<W>]        hash tiles, L in 0..63
 *   tile/entries/<N>[.p/<W>]    entry bundles
 * where N is written in 3-digit groups, all but the last prefixed with 'x'
 * (1234067 is x001/x234/067).
 *
 * The hashes of a tile are those of merkle.h's stored-hash table at level
 * 8L, so the daemon writes tiles straight from its store, and an offline
 * verifier turns a directory of tiles back into a merkle_read_fn with
 * tile_for_hash() and tile_hash_from_tile() (as tlog.TileHashReader does).
 *
 * Like merkle.h: no allocation, no I/O, no globals; sodium_init() first.
 */
#ifndef LIUHEN_TILE_H
#define LIUHEN_TILE_H

#include <stddef.h>
#include <stdint.h>

#include "merkle.h"

/** Tree levels per tile: a tile is a subtree of height 8. */
#define TILE_HEIGHT 8
/** Hashes (or entries) in a full tile (or bundle). */
#define TILE_WIDTH 256
/** Bytes of a full hash tile. */
#define TILE_SIZE (TILE_WIDTH * MERKLE_HASH_SIZE)
/** The level of entry bundles, written "entries" in paths. */
#define TILE_LEVEL_ENTRIES (-1)
/** The highest hash tile level a path may name (C2SP: 0 to 63). */
#define TILE_MAX_LEVEL 63
/** Room for any tile path with its NUL ("tile/entries/" + 7 groups + ".p/255"). */
#define TILE_PATH_MAX 64
/** The largest leaf an entry bundle can carry (uint16 length prefix). */
#define TILE_ENTRY_MAX 65535
/** The largest entry bundle: 256 entries of the largest size. */
#define TILE_BUNDLE_MAX ((size_t)TILE_WIDTH * (2 + TILE_ENTRY_MAX))

/** One tile or entry bundle. */
typedef struct tile {
    int level;      /**< 0..63 for hash tiles, TILE_LEVEL_ENTRIES for bundles */
    uint64_t n;     /**< the index N of the tile within its level */
    unsigned width; /**< hashes or entries it holds, 1..256; 256 is full */
} tile;

/** Iterator over the resources of a tree; see tile_iter_init(). */
typedef struct tile_iter {
    uint64_t size; /**< the tree size */
    int level;     /**< the level being listed */
    uint64_t next; /**< the next tile index within that level */
    int done;      /**< nonzero once every tile was returned */
} tile_iter;

/**
 * Write the C2SP path of a tile, e.g. "tile/0/x001/x234/067.p/7".
 * @param[out] out  room for cap bytes; TILE_PATH_MAX is always enough. On
 *                  error out is left as an empty string when cap > 0.
 * @param[in] t     the tile.
 * @return 0; LH_EINVAL if t's level is not in -1..63 or its width not in
 *         1..256; -ENOBUFS if the path and its NUL do not fit in cap bytes.
 */
int tile_path(char *out, size_t cap, const tile *t);

/**
 * Parse a C2SP tile path strictly: exactly the form tile_path() writes.
 *
 * Refused: a level other than "entries" or a decimal 0..63 without leading
 * zeros; an index group that is not exactly three digits, a leading "x000"
 * group (N would have two spellings), an index above UINT64_MAX; a ".p/"
 * width that is empty, 0, 256 or more, or has leading zeros; any other
 * character, a missing part, a trailing slash or other trailing bytes.
 *
 * @param[in] path  len bytes, not necessarily NUL-terminated.
 * @param[out] t    the tile; written only on success.
 * @return 0 or LH_EPARSE.
 */
int tile_parse_path(const char *path, size_t len, tile *t);

/**
 * Start listing every resource a log of the given size must serve (C2SP
 * tlog-tiles: the full tiles of each level, then its partial tile if any,
 * level by level from 0 up to the level of the root, then the entry bundles
 * the same way). A tree of size 0 has none. There is no state to free.
 */
void tile_iter_init(tile_iter *it, uint64_t size);

/**
 * The next resource of the listing.
 * @param[out] t  the tile, when 1 is returned.
 * @return 1 when a tile was written to t, 0 when the listing is over.
 */
int tile_iter_next(tile_iter *it, tile *t);

/** How many resources tile_iter_init() lists for a tree of the given size. */
uint64_t tile_count(uint64_t size);

/**
 * The tile a log of the given size serves that holds the tree hash at
 * coordinates (level, n) (see merkle.h): the tile at level level/8 whose
 * width is the one published for that size (full, or the partial width),
 * as tlog's tileForIndex followed by tileParent(t, 0, size).
 * @param[in] level  the tree level of the hash, 0..63.
 * @param[in] n      the index of the hash within its level.
 * @param[in] size   the tree size.
 * @param[out] t     the tile.
 * @return 0, or LH_ERANGE if the tree of that size has no complete subtree
 *         (level, n), i.e. (n + 1) * 2^level > size.
 */
int tile_for_hash(int level, uint64_t n, uint64_t size, tile *t);

/**
 * Read the contents of a hash tile from the stored-hash table: width
 * hashes of tree level 8L, concatenated. One call of read.
 * @param[in] t      a hash tile (level >= 0) lying inside a tree of at most
 *                   MERKLE_MAX_SIZE leaves.
 * @param[in] read   reads stored hashes (merkle.h); ctx is passed to it.
 * @param[out] out   room for cap bytes; t->width * 32 are written.
 * @param[out] len   t->width * 32.
 * @return 0; LH_EINVAL for an entry bundle or an invalid level or width;
 *         LH_ERANGE if the tile lies beyond MERKLE_MAX_SIZE leaves;
 *         -ENOBUFS if cap is too small; or the error of read.
 */
int tile_read_hashes(const tile *t, merkle_read_fn read, void *ctx, uint8_t *out, size_t cap,
                     size_t *len);

/**
 * The tree hash at coordinates (level, n) from a hash tile's contents, as
 * tlog.HashFromTile: the hash is either one of the tile's hashes
 * (level == 8L) or the root of 2^r of them (level == 8L + r, r < 8). The
 * contents are not authenticated here: a verifier compares the result with
 * the hash it expects (from the parent tile or the checkpoint's root).
 * @param[in] t      a hash tile.
 * @param[in] data   its contents, len bytes.
 * @param[in] level  8L <= level < 8L + 8.
 * @param[in] n      the index of the hash within its level.
 * @param[out] out   the hash.
 * @return 0; LH_EINVAL for an entry bundle or an invalid level or width;
 *         LH_ELENGTH if len != t->width * 32; LH_ERANGE if the hash is not
 *         in this tile (other level, other tile index, or beyond its width).
 */
int tile_hash_from_tile(const tile *t, const uint8_t *data, size_t len, int level, uint64_t n,
                        uint8_t out[MERKLE_HASH_SIZE]);

/**
 * The Merkle Tree Hash (RFC 9162 §2.1.1) of a tile's hashes, taken as
 * leaves. For a full tile at level L, index N this is the hash the tile
 * contributes to its parent: entry N mod 256 of the tile at level L+1, index
 * N/256 (tree coordinates (8L + 8, N)). For a partial tile it is the MTH of
 * the leaf range the tile spans, since that range splits only at multiples
 * of 256^L.
 * @param[in] data  len bytes: 1 to 256 hashes.
 * @param[out] out  the hash.
 * @return 0 or LH_ELENGTH if len is not a multiple of 32 in 32..8192.
 */
int tile_subtree_hash(const uint8_t *data, size_t len, uint8_t out[MERKLE_HASH_SIZE]);

/**
 * Append one entry to an entry bundle: a big-endian uint16 length, then the
 * entry's bytes (C2SP tlog-tiles, "Log entries").
 * @param[in,out] buf    the bundle, cap bytes of room.
 * @param[in,out] len    the bundle's length; advanced past the new entry,
 *                       unchanged on error.
 * @param[in] entry      entry_len bytes; may be NULL if entry_len is 0.
 * @return 0; LH_ETOOBIG if entry_len > TILE_ENTRY_MAX; -ENOBUFS if the
 *         entry does not fit in cap.
 */
int tile_bundle_append(uint8_t *buf, size_t cap, size_t *len, const uint8_t *entry,
                       size_t entry_len);

/**
 * The next entry of an entry bundle.
 * @param[in] buf        the bundle, len bytes.
 * @param[in,out] off    where to read; 0 for the first entry. Advanced past
 *                       the entry when 1 is returned.
 * @param[out] entry     points into buf: valid as long as buf is.
 * @param[out] entry_len the entry's length.
 * @return 1 for an entry, 0 at the end of the bundle (*off == len), or
 *         LH_EPARSE if the bundle is truncated (a lone length byte, or a
 *         length running past the end).
 */
int tile_bundle_next(const uint8_t *buf, size_t len, size_t *off, const uint8_t **entry,
                     size_t *entry_len);

/**
 * Check that an entry bundle is well formed and holds exactly `width`
 * entries, as the bundle of a tile of that width must.
 * @return 0; LH_EINVAL if width is not in 1..256; LH_EPARSE if the bundle
 *         is truncated; LH_ELENGTH if it holds another number of entries.
 */
int tile_bundle_check(const uint8_t *buf, size_t len, unsigned width);

#endif
