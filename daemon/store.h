/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * store.h — liuhend's LMDB store: the ledger's leaves, the Merkle tree's
 * stored hashes, the indexes that make every lookup O(log n), chain heads,
 * keys and every signed checkpoint.
 *
 * Layout (one LMDB environment, named databases; integers are big-endian so
 * that byte order is numeric order):
 *
 *   meta        "format" -> u64 STORE_FORMAT; "size" -> u64 tree size;
 *               "time" -> i64 last integrated_at; "origin" -> origin string;
 *               "log_key" -> 32-byte public key
 *   leaf        u64 index -> Leaf bytes, exactly as hashed
 *   hash        u64 stored-hash index (merkle.h numbering) -> 32-byte hash
 *   leafhash    32-byte leaf hash -> u64 index
 *   entryid     32-byte entry id -> u64 index (duplicates, CORRECTION
 *               targets, docs/design.md "Entries")
 *   author      32-byte author key -> u64 seq || u64 index || entry id of
 *               the author's latest entry
 *   case        case id -> u64 length || u64 index || entry id of the
 *               case's latest entry
 *   caseidx     case id -> u64 index, sorted duplicates (the case's entries
 *               in order)
 *   keylog      u64 index -> empty: the KEY_ENROLL / KEY_REVOKE entries, so
 *               that keys and roles are rebuilt from the ledger on start
 *               without reading every leaf
 *   checkpoint  u64 tree size -> signed checkpoint note
 *   cosig       u64 tree size || u32 witness key id || witness name ->
 *               that witness's cosignature line on the checkpoint of that
 *               size (the latest it gave, replaced at each heartbeat)
 *
 * Writes happen in one write transaction per batch (store_txn from
 * store_write_begin), committed with one fsync (no MDB_NOSYNC: acknowledged
 * means durable). Reads use read-only transactions and never wait for the
 * writer. The map grows by doubling when full (store_grow), which waits for
 * the read transactions of this process to end.
 *
 * Thread safety: a store may be used from any number of threads; each
 * store_txn belongs to the thread that uses it until it ends (read
 * transactions may move between threads: the environment is MDB_NOTLS).
 * Only one write transaction exists at a time (LMDB serialises them).
 */
#ifndef LIUHEN_STORE_H
#define LIUHEN_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accept.h"
#include "errors.h"

typedef struct store store;
typedef struct store_txn store_txn;

/** The map size a new store starts with, unless the caller gives one. */
#define STORE_DEFAULT_MAP_SIZE ((size_t)64 << 20)

/** The layout this version writes and reads (meta "format"). */
#define STORE_FORMAT 2

/** The longest case id the store accepts (entry.h limits it further). */
#define STORE_CASE_ID_MAX 256

/**
 * Open (and create if needed) the store in directory `dir`, which must exist.
 * @param[out] out       the store, freed with store_close().
 * @param[in]  dir       data directory.
 * @param[in]  map_size  initial map size in bytes (0: STORE_DEFAULT_MAP_SIZE);
 *                       an existing larger map is kept.
 * @param[out] err       optional detail naming the file and the cause.
 * An existing DIR/data.mdb is first checked with lmdbmeta_check(): an empty,
 * foreign or truncated file is refused (LH_ESTORE) before LMDB maps it.
 * @return 0, LH_ESTORE (LMDB error, a file lmdbmeta_check() refuses, or a store of another layout
 * than STORE_FORMAT, described in err), -errno.
 */
int store_open(store **out, const char *dir, size_t map_size, lh_err *err);

/**
 * Open an existing store in directory `dir` read-only (LMDB's MDB_RDONLY),
 * beside a daemon that may be writing it: `liuhend check`. Only read
 * transactions may begin.
 * @return as store_open(); LH_ENOTFOUND (-ENOENT...) when there is no store.
 */
int store_open_readonly(store **out, const char *dir, lh_err *err);

/** Close the store; every transaction must have ended. Accepts NULL. */
void store_close(store *st);

/** The current map size in bytes. */
size_t store_map_size(const store *st);

/**
 * Double the map (or grow it to at least `min_size`), waiting for this
 * process's read transactions to end. Call with no transaction of the
 * calling thread open.
 * @return 0, LH_ESTORE.
 */
int store_grow(store *st, size_t min_size);

/**
 * Write a compacted copy of the store into directory `dir` (which must
 * exist and be empty), while the store stays in use (hot backup).
 * @return 0, LH_ESTORE.
 */
int store_backup(store *st, const char *dir, lh_err *err);

/**
 * Write a compacted copy of the store (LMDB's mdb_env_copyfd2() with
 * MDB_CP_COMPACT: the data file alone, free pages left out) to an open
 * file, while the store stays in use (hot backup). The copy is one
 * consistent snapshot: that of its own read transaction, begun when the
 * call starts; it holds at least every batch committed before the call.
 * Put it back as DIR/data.mdb beside the log's key files to restore it.
 *
 * The copy may take long on a large store. Meanwhile appends and reads go
 * on, but the map cannot grow (the copy is a reader, see store_grow()):
 * a writer that fills the map waits for the copy to end, and so do the
 * readers that arrive after it.
 * @param[in]  st   the store.
 * @param[in]  fd   a file open for writing, positioned at its start; the
 *                  caller fsyncs and closes it (the copy is not durable
 *                  until then).
 * @param[out] err  optional detail naming the cause.
 * @return 0; -errno from the writes (-ENOSPC, -EIO, -EDQUOT...);
 *         LH_ESTORE (another LMDB error, described in err).
 * @note Call it with no read transaction of the calling thread open.
 */
int store_backup_fd(store *st, int fd, lh_err *err);

/* ---- transactions ---- */

/**
 * Begin a read-only transaction: a consistent snapshot of the store.
 * @return 0, LH_ESTORE.
 * @note End it soon with store_txn_end(): it holds back the map's growth
 *       and keeps old pages alive.
 */
int store_read_begin(store *st, store_txn **out);

/**
 * store_read_begin() for the writer's start, which must see every stored
 * checkpoint, those above store_set_checkpoint_limit()'s limit included.
 */
int store_read_begin_all(store *st, store_txn **out);

/**
 * Begin the write transaction (one at a time; blocks while another is open).
 * @return 0, LH_ESTORE.
 */
int store_write_begin(store *st, store_txn **out);

/**
 * Commit a write transaction with one fsync; the txn is freed whatever the
 * result.
 * @return 0; -ENOSPC when the disk is full; LH_ESTORE with MDB_MAP_FULL
 *         described as "map full" (see store_last_map_full()); -errno.
 *         On failure nothing of the transaction is stored.
 */
int store_commit(store_txn *txn);

/** Abort a write transaction or end a read transaction. Accepts NULL. */
void store_txn_end(store_txn *txn);

/**
 * Whether the last failed call on the calling thread (or its failed commit)
 * failed because the map is full: the caller aborts, grows and retries.
 */
bool store_last_map_full(const store *st);

/* ---- reads (in any transaction) ---- */

/** The tree size recorded by the last committed batch (0 for a new store). */
int store_get_size(store_txn *txn, uint64_t *size);

/** The last integrated_at (0 for a new store). */
int store_get_time(store_txn *txn, int64_t *time_ms);

/**
 * A metadata value ("origin", "log_key"...).
 * @param[out] val  points into the map: valid until the transaction ends.
 * @return 0, LH_ENOTFOUND, LH_ESTORE.
 */
int store_get_meta(store_txn *txn, const char *name, const uint8_t **val, size_t *len);

/**
 * The Leaf bytes at `index`.
 * @param[out] leaf  points into the map: valid until the transaction ends.
 * @return 0, LH_ENOTFOUND (index >= size), LH_ESTORE.
 */
int store_get_leaf(store_txn *txn, uint64_t index, const uint8_t **leaf, size_t *len);

/**
 * Read stored hashes by their merkle.h indexes; matches merkle_read_fn with
 * the transaction as context.
 * @return 0, LH_ENOTFOUND (an index not stored), LH_ESTORE.
 */
int store_read_hashes(void *txn, const uint64_t *indexes, size_t count, uint8_t (*hashes)[32]);

/** The index of the leaf with this leaf hash. @return 0, LH_ENOTFOUND, LH_ESTORE. */
int store_find_leaf(store_txn *txn, const uint8_t leaf_hash[32], uint64_t *index);

/** The index of the entry with this entry id. @return 0, LH_ENOTFOUND, LH_ESTORE. */
int store_find_entry(store_txn *txn, const uint8_t entry_id[32], uint64_t *index);

/**
 * An author's chain head: its latest author_seq, that entry's index and
 * entry id. A key with no entry yet gives a zeroed head.
 * @return 0, LH_ESTORE.
 */
int store_get_author(store_txn *txn, const uint8_t key[32], accept_head *head);

/**
 * A case's chain head: its number of entries, the latest one's index and
 * entry id. An unknown case gives a zeroed head.
 * @return 0, LH_EINVAL (case id empty or too long), LH_ESTORE.
 */
int store_get_case(store_txn *txn, const char *case_id, accept_head *head);

/**
 * The indexes of a case's entries, in order.
 * @param[out] indexes  malloc'd array (free()), NULL when the case is empty.
 * @return 0, LH_ENOMEM, LH_EINVAL, LH_ESTORE.
 */
int store_case_entries(store_txn *txn, const char *case_id, uint64_t **indexes, size_t *count);

/**
 * The indexes of the key-management entries (KEY_ENROLL, KEY_REVOKE), in
 * order, as recorded by store_keylog_append().
 * @param[out] indexes  malloc'd array (free()), NULL when there are none.
 * @return 0, LH_ENOMEM, LH_ESTORE.
 */
int store_keylog_entries(store_txn *txn, uint64_t **indexes, size_t *count);

/**
 * The signed checkpoint of a tree size (size 0: none). With size
 * UINT64_MAX, the latest one.
 * @param[out] note  points into the map: valid until the transaction ends.
 * @param[out] size_out  the checkpoint's tree size (may be NULL).
 * @return 0, LH_ENOTFOUND, LH_ESTORE.
 */
int store_get_checkpoint(store_txn *txn, uint64_t size, const uint8_t **note, size_t *len,
                         uint64_t *size_out);

/**
 * The signed checkpoint of the smallest tree size above `after`, for a walk
 * over every stored checkpoint (after = 0 first, then the size returned).
 * @param[out] note  points into the map: valid until the transaction ends.
 * @return 0; LH_ENOTFOUND (none above `after`); LH_ESTORE.
 */
int store_next_checkpoint(store_txn *txn, uint64_t after, uint64_t *size, const uint8_t **note,
                          size_t *len);

/**
 * Hide from every reader of this store the checkpoints above tree size
 * `limit`: store_get_checkpoint(), store_next_checkpoint(),
 * store_get_cosigned() and store_latest_cosigned() then act as if they were
 * not stored. The writer raises the limit once a checkpoint is recorded in
 * the high-water mark (highwater.h), so that no thread hands out one the
 * mark does not know yet; liuhend sets it to the mark's size before any
 * thread starts. A new store has no limit (UINT64_MAX). Transactions of
 * store_read_begin_all() see past it.
 * Thread-safe.
 */
void store_set_checkpoint_limit(store *st, uint64_t limit);

/* ---- writes (in the write transaction) ---- */

int store_put_meta(store_txn *txn, const char *name, const void *val, size_t len);

/**
 * Append the leaf at `index` (which must equal the current size as the
 * caller tracks it) with its indexes: leaf hash -> index and entry id ->
 * index.
 * @return 0, LH_EEXIST (leaf hash or entry id already there), LH_ESTORE.
 */
int store_put_leaf(store_txn *txn, uint64_t index, const uint8_t *leaf, size_t len,
                   const uint8_t leaf_hash[32], const uint8_t entry_id[32]);

/** Store `count` hashes at stored indexes first, first+1, ... @return 0, LH_ESTORE. */
int store_put_hashes(store_txn *txn, uint64_t first, const uint8_t (*hashes)[32], size_t count);

/** Set an author's head. @return 0, LH_ESTORE. */
int store_set_author(store_txn *txn, const uint8_t key[32], const accept_head *head);

/**
 * Add entry `index` to a case: its length grows by one and its head becomes
 * that entry. @return 0, LH_EINVAL, LH_ESTORE.
 */
int store_case_append(store_txn *txn, const char *case_id, uint64_t index,
                      const uint8_t entry_id[32]);

/** Note that entry `index` is a key-management entry. @return 0, LH_ESTORE. */
int store_keylog_append(store_txn *txn, uint64_t index);

/** Store the signed checkpoint of a tree size. @return 0, LH_ESTORE. */
int store_put_checkpoint(store_txn *txn, uint64_t size, const uint8_t *note, size_t len);

/** Record the tree size and last integrated_at of this batch. @return 0, LH_ESTORE. */
int store_set_size(store_txn *txn, uint64_t size, int64_t time_ms);

/** Longest witness key name the store keeps cosignatures of. */
#define STORE_WITNESS_NAME_MAX 256

/**
 * Keep a witness's cosignature line ("— name base64\n") of the checkpoint
 * of `size`, replacing the one it gave before for that size.
 * @return 0; LH_EINVAL (a name too long); LH_ESTORE; -errno.
 */
int store_put_cosig(store_txn *txn, uint64_t size, uint32_t keyid, const char *name,
                    const uint8_t *line, size_t len);

/* ---- cosigned checkpoints (in any transaction) ---- */

/**
 * The checkpoint of `size` (UINT64_MAX: the latest) followed by every
 * cosignature line kept for it: a note any C2SP verifier opens.
 * @param[out] buf      cap bytes; with too little room, *len says how much.
 * @param[out] ncosigs  optional: how many cosignature lines.
 * @return 0; LH_ETOOBIG (cap, *len set); LH_ENOTFOUND; LH_ESTORE.
 */
int store_get_cosigned(store_txn *txn, uint64_t size, uint8_t *buf, size_t cap, size_t *len,
                       size_t *ncosigs);

/**
 * The largest tree size whose checkpoint has at least `min` cosignatures
 * kept (min 0: the log's size).
 * @return 0; LH_ENOTFOUND (none yet); LH_ESTORE.
 */
int store_latest_cosigned(store_txn *txn, size_t min, uint64_t *size);

/**
 * The largest tree size a witness cosigned, and its line (pointing into the
 * map: valid for the transaction).
 * @return 0; LH_ENOTFOUND; LH_ESTORE.
 */
int store_witness_latest(store_txn *txn, uint32_t keyid, const char *name, uint64_t *size,
                         const uint8_t **line, size_t *len);

/**
 * How large the store is: the data file's size and the bytes of its pages
 * in use (LMDB's last page), for monitoring. Thread-safe.
 * @return 0; LH_ESTORE.
 */
int store_size(store *st, uint64_t *file_bytes, uint64_t *used_bytes);

#endif
