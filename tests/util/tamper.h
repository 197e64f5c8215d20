/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * tamper.h — build and alter C2SP tlog-tiles directories for the tests of
 * the offline verifier (liuhen-verify) and for its benchmark.
 *
 * A tiles directory (c2sp.org/tlog-tiles) is what an inspector mirrors:
 * `checkpoint`, hash tiles `tile/<L>/<N>[.p/<W>]` and entry bundles
 * `tile/entries/<N>[.p/<W>]`. The verifier must catch every alteration of
 * it, including those only the log's operator could make: re-laying the
 * tiles after an entry was removed or rewritten and signing a new
 * checkpoint with the log key. This module makes such directories with the
 * format core (entry.h, tile.h, merkle.h through memstore, checkpoint.h):
 *
 *  - leaf lists: the Leaf bytes of a log (or the opaque entries of any
 *    tiles log), read back from a directory, edited, written again;
 *  - a streaming writer: entry bundles as leaves come, then the hash tiles
 *    from an in-memory stored-hash table and a checkpoint signed by the log
 *    key, so that a million-entry log is written with bounded buffers;
 *  - entries: sign an Entry into a Leaf with a raw Ed25519 secret key, and
 *    a chain builder that fills in author and case chain links the way
 *    lh_append() does, or leaves them as given to build forks;
 *  - alterations: flip a byte of any file, find the byte of an entry in
 *    its bundle and of a hash in its tile, break the log's signature on the
 *    checkpoint, add a witness cosignature, copy and remove directories.
 *
 * Nothing here uses cmocka, so that the benchmark links it too: every
 * function returns 0 or a negative LH_E* code (or -errno), and writes a
 * sentence naming the file or the entry and the cause into `err` (which may
 * be NULL). libsodium must have been initialised (sodium_init()).
 * Directories written here trust nothing and check nothing: that is the
 * verifier's job.
 */
#ifndef LIUHEN_TEST_TAMPER_H
#define LIUHEN_TEST_TAMPER_H

#include <stddef.h>
#include <stdint.h>

#include "entry.h"
#include "errors.h"
#include "liuhen.pb-c.h"
#include "merkle.h"
#include "note.h"
#include "tile.h"

/* ---- leaf lists ------------------------------------------------------------------------------ */

/** The leaves of a log in log order. Zero-initialise; free with tamper_leaves_free(). */
typedef struct tamper_leaves {
    uint8_t **data; /**< data[i]: the bytes of leaf i; owned (NULL for an empty leaf) */
    size_t *len;    /**< len[i]: its length, at most TILE_ENTRY_MAX */
    size_t count;
    size_t cap;
} tamper_leaves;

/**
 * Append a copy of a leaf.
 * @param[in] data  len bytes; may be NULL when len is 0.
 * @return 0; LH_ETOOBIG if len > TILE_ENTRY_MAX (no entry bundle can carry
 *         it); LH_ENOMEM.
 */
int tamper_leaves_add(tamper_leaves *l, const uint8_t *data, size_t len);

/**
 * Replace leaf i with a copy of data.
 * @return 0; LH_ERANGE if i >= l->count; LH_ETOOBIG; LH_ENOMEM.
 */
int tamper_leaves_set(tamper_leaves *l, size_t i, const uint8_t *data, size_t len);

/** Remove leaf i, moving the later ones down by one. @return 0; LH_ERANGE. */
int tamper_leaves_remove(tamper_leaves *l, size_t i);

/** Free every leaf and zero the list. Accepts a zeroed list. */
void tamper_leaves_free(tamper_leaves *l);

/**
 * Read every leaf of a tiles directory: the size from DIR/checkpoint (its
 * text is parsed, its signatures are NOT verified: the directory is a
 * fixture this process made or had a daemon make), then the entries of
 * every bundle that size needs, each bundle checked to hold exactly its
 * width of entries. Hash tiles are not read.
 * @param[out] out  a zeroed list; filled on success, freed and zeroed on error.
 * @return 0; -errno (a missing or unreadable file, named in err);
 *         LH_EPARSE (no checkpoint text, a malformed bundle); the codes of
 *         checkpoint_parse_text(); LH_ELENGTH (a bundle of another width);
 *         LH_ENOMEM.
 */
int tamper_read_dir(const char *dir, tamper_leaves *out, lh_err *err);

/* ---- writing tiles directories ----------------------------------------------------------------
 */

/** A tiles directory being written; see tamper_writer_new(). */
typedef struct tamper_writer tamper_writer;

/**
 * Start writing a tiles directory.
 * @param[in] dir  created (mode 0755); must not exist, its parent must.
 * @param[out] out the writer; free it with tamper_writer_free().
 * @return 0; -errno (-EEXIST when dir exists); LH_ENOMEM.
 */
int tamper_writer_new(const char *dir, tamper_writer **out, lh_err *err);

/**
 * Add the next leaf: its leaf hash goes into the writer's stored-hash
 * table, its bytes into the current entry bundle, which is written as
 * tile/entries/<N> once it holds TILE_WIDTH entries.
 * @param[out] leaf_hash  NULL, or receives SHA-256(0x00 || leaf).
 * @return 0; LH_ETOOBIG (len > TILE_ENTRY_MAX); -errno writing a bundle;
 *         LH_ENOMEM.
 */
int tamper_writer_add(tamper_writer *w, const uint8_t *leaf, size_t len,
                      uint8_t leaf_hash[MERKLE_HASH_SIZE], lh_err *err);

/**
 * Finish the directory: the last, partial entry bundle; every hash tile the
 * tree size needs (tile_iter), read from the stored hashes; the root; and
 * DIR/checkpoint signed by `log`, whose name is the origin.
 * @param[in] log     a type 0x01 signer; NULL to write no checkpoint (the
 *                    caller writes one with tamper_write_checkpoint()).
 * @param[out] size   NULL, or the tree size.
 * @param[out] root   NULL, or the root hash.
 * @return 0; -errno; the codes of tile_read_hashes(), merkle_tree_hash()
 *         and checkpoint_sign().
 * @note Call it once; the writer is then only good for tamper_writer_free().
 */
int tamper_writer_finish(tamper_writer *w, const note_signer *log, uint64_t *size,
                         uint8_t root[MERKLE_HASH_SIZE], lh_err *err);

/** Free a writer (finished or not). Accepts NULL. */
void tamper_writer_free(tamper_writer *w);

/**
 * Write a complete tiles directory of the leaves, its checkpoint signed by
 * log: tamper_writer_new(), tamper_writer_add() for each leaf in order,
 * tamper_writer_finish().
 * @param[out] root  NULL, or the root hash.
 */
int tamper_write_dir(const char *dir, const tamper_leaves *l, const note_signer *log,
                     uint8_t root[MERKLE_HASH_SIZE], lh_err *err);

/**
 * Write DIR/checkpoint (replacing any): the checkpoint of (size, root)
 * whose origin is log's name, signed by log (c2sp.org/tlog-checkpoint).
 * @param[out] note      NULL, or room for CHECKPOINT_SIGNED_MAX bytes that
 *                       receive the signed note.
 * @param[out] note_len  NULL, or its length.
 * @return 0; the codes of checkpoint_sign(); -errno.
 */
int tamper_write_checkpoint(const char *dir, uint64_t size, const uint8_t root[MERKLE_HASH_SIZE],
                            const note_signer *log, uint8_t *note, size_t *note_len, lh_err *err);

/* ---- entries --------------------------------------------------------------------------------- */

/**
 * Wrap entry bytes and a signature into Leaf bytes: SignedEntry { entry,
 * sig } inside Leaf { signed_entry, integrated_at }.
 * @param[out] leaf      malloc'd, exactly *leaf_len bytes; the caller frees it.
 * @return 0; the codes of entry_signed_pack() and entry_leaf_pack(); LH_ENOMEM.
 */
int tamper_wrap_leaf(const uint8_t *entry, size_t entry_len, const uint8_t sig[ENTRY_SIG_BYTES],
                     int64_t integrated_at, uint8_t **leaf, size_t *leaf_len, lh_err *err);

/**
 * Pack an Entry as it is, sign it with sk (entry_sign(): Ed25519 over
 * "liuhen/entry/v1\n" || entry) and wrap it into Leaf bytes.
 * Nothing is validated, so malformed entries can be made on purpose.
 * @param[in] sk   a libsodium Ed25519 secret key (seed || public key).
 * @param[out] leaf  as tamper_wrap_leaf().
 * @return 0; LH_ETOOBIG (the entry is larger than ENTRY_MAX_SIZE); the
 *         codes of entry_sign() and tamper_wrap_leaf(); LH_ENOMEM.
 */
int tamper_sign_leaf(const Liuhen__Entry *e, const uint8_t sk[ENTRY_SK_BYTES],
                     int64_t integrated_at, uint8_t **leaf, size_t *leaf_len, lh_err *err);

/**
 * Take Leaf bytes apart: entry_leaf_unpack(), entry_signed_unpack(),
 * validate_entry() with no origin check.
 * @param[out] entry          NULL, or the unpacked entry; free it with
 *                            liuhen__entry__free_unpacked(*entry, NULL).
 * @param[out] integrated_at  NULL, or the leaf's time.
 * @param[out] sig            NULL, or a copy of the signature.
 * @return 0; the codes of those three functions.
 */
int tamper_unpack_leaf(const uint8_t *leaf, size_t len, Liuhen__Entry **entry,
                       int64_t *integrated_at, uint8_t sig[ENTRY_SIG_BYTES], lh_err *err);

/** Most authors and most cases a tamper_chain follows. */
#define TAMPER_CHAIN_MAX 64

/** tamper_chain_append() flag: take author_seq, author_prev and case_prev as given. */
#define TAMPER_KEEP_LINKS 1u

/**
 * A log built entry by entry with the format core, for the failures the
 * daemon refuses to produce (an entry by a revoked key, a kind by a role
 * that may not append it, a forked author chain...). It follows each
 * author's and each case's chain head, the way lh_append() learns them
 * from the daemon. Zero-initialise, set origin and clock, free with
 * tamper_chain_free().
 */
typedef struct tamper_chain {
    const char *origin; /**< the log's origin, written into each entry; borrowed */
    int64_t clock;      /**< integrated_at of the last leaf (unix ms); advanced by step */
    int64_t step;       /**< ms between two leaves; 0 means 1000 */
    struct {
        uint8_t key[ENTRY_KEY_BYTES];
        uint64_t seq;
        uint8_t head[ENTRY_ID_BYTES];
    } authors[TAMPER_CHAIN_MAX];
    size_t nauthors;
    struct {
        char id[ENTRY_CASE_ID_MAX + 1];
        uint8_t head[ENTRY_ID_BYTES];
    } cases[TAMPER_CHAIN_MAX];
    size_t ncases;
    tamper_leaves leaves; /**< every leaf appended so far; owned */
} tamper_chain;

/**
 * Sign an entry by the key sk and append its leaf. In the entry (restored
 * before returning) are filled: origin (chain->origin) when empty;
 * author_key (the public half of sk) when empty; recorded_at, when 0, half
 * a step before integrated_at; and, unless flags has TAMPER_KEEP_LINKS,
 * author_seq, author_prev and case_prev from the chain heads (case_prev
 * absent for the first entry of a case and for key management). The leaf
 * gets integrated_at = clock + step. The entry then becomes the head of
 * its author and of its case (by entry id, docs/design.md "Entries").
 * @param[in,out] e   the entry; its fields are as given on return.
 * @param[out] index  NULL, or the leaf's index.
 * @param[out] id     NULL, or the entry's id.
 * @return 0; LH_ENOMEM, also when more than TAMPER_CHAIN_MAX authors or
 *         cases are followed; the codes of tamper_sign_leaf().
 */
int tamper_chain_append(tamper_chain *chain, Liuhen__Entry *e, const uint8_t sk[ENTRY_SK_BYTES],
                        unsigned flags, uint64_t *index, uint8_t id[ENTRY_ID_BYTES], lh_err *err);

/** Free the chain's leaves and zero it. Accepts a zeroed chain. */
void tamper_chain_free(tamper_chain *chain);

/* ---- keys ------------------------------------------------------------------------------------ */

/**
 * The log's checkpoint signer from a daemon's data directory: DIR/log.key,
 * which `liuhend init --no-passphrase` writes unencrypted.
 * @param[out] out  the signer; the caller wipes it with note_signer_wipe().
 * @return 0; the codes of keyfile_read_secret() and keyfile_note_signer().
 */
int tamper_log_signer(const char *data_dir, note_signer *out, lh_err *err);

/**
 * Write a verifier key file: the key as note_vkey_format() writes it, and
 * a newline. The file is replaced if it exists.
 * @return 0; the codes of note_vkey_format(); -errno.
 */
int tamper_write_vkey(const char *path, const note_verifier *v, lh_err *err);

/* ---- alterations ----------------------------------------------------------------------------- */

/**
 * Where entry `index` of a tiles directory of tree size `size` lies: the
 * path of its bundle relative to dir, the offset of its first byte (after
 * its two length bytes) and its length.
 * @param[out] path  room for TILE_PATH_MAX bytes.
 * @return 0; LH_ERANGE (index >= size); the codes of reading and walking
 *         the bundle (-errno, LH_EPARSE).
 */
int tamper_entry_location(const char *dir, uint64_t size, uint64_t index, char *path,
                          uint64_t *offset, size_t *len, lh_err *err);

/**
 * Where the hash at tree coordinates (8L, n) lies in the tiles of a tree of
 * `size` leaves: the path of its tile (relative to the directory) and the
 * offset of its 32 bytes there.
 * @param[in] level  a multiple of TILE_HEIGHT (the hashes a tile stores).
 * @param[out] path  room for TILE_PATH_MAX bytes.
 * @return 0; LH_EINVAL (level not a multiple of 8); LH_ERANGE (no such hash
 *         in a tree of that size).
 */
int tamper_hash_location(uint64_t size, int level, uint64_t n, char *path, uint64_t *offset,
                         lh_err *err);

/**
 * XOR the byte at `offset` of dir/rel with mask (not 0).
 * @return 0; LH_EINVAL (mask 0); LH_ERANGE (the file is shorter); -errno.
 */
int tamper_flip_byte(const char *dir, const char *rel, uint64_t offset, uint8_t mask, lh_err *err);

/**
 * Break the log's signature on DIR/checkpoint: in the first signature line
 * whose name is the checkpoint's origin, flip one bit of the Ed25519
 * signature (not of the key id) and write the line back in canonical
 * base64, so the note still parses and only the signature fails.
 * @return 0; LH_EPARSE (no such line); LH_EBASE64; -errno.
 */
int tamper_break_checkpoint(const char *dir, lh_err *err);

/**
 * Add a witness cosignature to DIR/checkpoint (cosig_append(): the log's
 * signature is checked first with log_key).
 * @param[in] timestamp  POSIX seconds.
 * @return 0; the codes of cosig_append(); -errno.
 */
int tamper_cosign(const char *dir, const note_verifier *log_key, const note_signer *witness,
                  uint64_t timestamp, lh_err *err);

/**
 * Copy a directory tree (regular files and directories only).
 * @param[in] to  must not exist.
 * @return 0; -errno (naming the file); LH_EINVAL for another kind of file.
 */
int tamper_copy_dir(const char *from, const char *to, lh_err *err);

/** Remove a directory tree, not following symbolic links. @return 0 or -errno. */
int tamper_remove_dir(const char *dir);

/**
 * Read a whole file of at most max bytes.
 * @param[out] out  malloc'd, NUL-terminated (the NUL not counted); the caller frees it.
 * @return 0; -errno; LH_ETOOBIG (larger than max); LH_ENOMEM.
 */
int tamper_read_file(const char *path, size_t max, uint8_t **out, size_t *len, lh_err *err);

/**
 * Write a whole file (created or truncated, mode 0644), creating missing
 * parent directories below dir.
 * @param[in] rel  the path relative to dir.
 * @return 0; -errno.
 */
int tamper_write_file(const char *dir, const char *rel, const void *data, size_t len, lh_err *err);

#endif
