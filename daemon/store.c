/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * store.c — the LMDB layout of store.h.
 *
 * Growth of the map: LMDB lets mdb_env_set_mapsize() run only while this
 * process has no transaction open, so read transactions hold `grow_lock`
 * shared for their whole life and store_grow() takes it exclusively.
 */
#define _GNU_SOURCE /* pthread_rwlockattr_setkind_np */
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"
#include "lmdbmeta.h"

enum {
    DB_META,
    DB_LEAF,
    DB_HASH,
    DB_LEAFHASH,
    DB_ENTRYID,
    DB_AUTHOR,
    DB_CASE,
    DB_CASEIDX,
    DB_KEYLOG,
    DB_CHECKPOINT,
    DB_COSIG,
    DB_COUNT
};

static const struct {
    const char *name;
    unsigned flags;
} db_spec[DB_COUNT] = {
    [DB_META] = {"meta", 0},       [DB_LEAF] = {"leaf", 0},
    [DB_HASH] = {"hash", 0},       [DB_LEAFHASH] = {"leafhash", 0},
    [DB_ENTRYID] = {"entryid", 0}, [DB_AUTHOR] = {"author", 0},
    [DB_CASE] = {"case", 0},       [DB_CASEIDX] = {"caseidx", MDB_DUPSORT | MDB_DUPFIXED},
    [DB_KEYLOG] = {"keylog", 0},   [DB_CHECKPOINT] = {"checkpoint", 0},
    [DB_COSIG] = {"cosig", 0},
};

struct store {
    MDB_env *env;
    MDB_dbi dbi[DB_COUNT];
    pthread_rwlock_t grow_lock;
    atomic_size_t map_size;
    _Atomic uint64_t cp_limit; /* store_set_checkpoint_limit() */
};

struct store_txn {
    store *st;
    MDB_txn *txn;
    bool write;
    bool all; /* sees the checkpoints above the limit (store_read_begin_all) */
};

static void put_u64(uint8_t out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        out[i] = (uint8_t)v;
        v >>= 8;
    }
}

static uint64_t get_u64(const uint8_t in[8])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | in[i];
    return v;
}

/* Whether the last failed call on this thread failed because the map is
 * full (store_last_map_full()). Per thread: a cosignature written by a
 * witnessing thread must not hide the writer's full map from it. */
static _Thread_local bool last_map_full;

/* Map an LMDB result to the library's code space, remembering a full map so
 * that the writer can grow it and retry the batch. */
static int mdb_code(store *st, int rc)
{
    (void)st;
    if (rc == 0)
        return 0;
    if (rc == MDB_NOTFOUND)
        return LH_ENOTFOUND;
    if (rc == MDB_KEYEXIST)
        return LH_EEXIST;
    if (rc == MDB_MAP_FULL) {
        last_map_full = true;
        return LH_ESTORE;
    }
    if (rc > 0)
        return -rc; /* LMDB passes errno values through (ENOSPC, EIO...). */
    return LH_ESTORE;
}

/* The layout version (meta "format"): a new store gets STORE_FORMAT; a
 * store with entries and another format (or none: the first layout, whose
 * chains named leaf hashes) was written by another version of liuhend,
 * whose entries this one cannot continue. */
static int check_format(store *st, MDB_txn *txn, const char *dir, bool ro, lh_err *err)
{
    MDB_val k = {6, (void *)"format"}, v;
    int rc = mdb_get(txn, st->dbi[DB_META], &k, &v);
    if (rc == 0 && v.mv_size == 8 && get_u64(v.mv_data) == STORE_FORMAT)
        return 0;
    if (rc != 0 && rc != MDB_NOTFOUND)
        return lh_err_set(err, LH_ESTORE, "store %s: %s", dir, mdb_strerror(rc));
    uint64_t found = rc == 0 && v.mv_size == 8 ? get_u64(v.mv_data) : 1;
    MDB_val sk = {4, (void *)"size"}, sv;
    int src = mdb_get(txn, st->dbi[DB_META], &sk, &sv);
    if (rc == MDB_NOTFOUND && src == MDB_NOTFOUND && !ro) {
        uint8_t fv[8];
        put_u64(fv, STORE_FORMAT);
        MDB_val val = {8, fv};
        rc = mdb_put(txn, st->dbi[DB_META], &k, &val, 0);
        return rc == 0 ? 0
                       : lh_err_set(err, mdb_code(st, rc), "store %s: %s", dir, mdb_strerror(rc));
    }
    return lh_err_set(err, LH_ESTORE,
                      _("store %s: layout %" PRIu64 " was written by another version of liuhend "
                        "(this one reads layout %d, whose chains name entries by entry id): "
                        "verify and archive that log with the liuhen of its version, and start "
                        "a new one"),
                      dir, found, STORE_FORMAT);
}

static int open_store(store **out, const char *dir, size_t map_size, bool ro, lh_err *err)
{
    *out = NULL;
    store *st = calloc(1, sizeof *st);
    if (st == NULL)
        return LH_ENOMEM;
    /* Prefer the writer: a steady stream of readers must not starve growth. */
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    int rc = pthread_rwlock_init(&st->grow_lock, &attr);
    pthread_rwlockattr_destroy(&attr);
    if (rc != 0) {
        free(st);
        return -rc;
    }
    atomic_init(&st->cp_limit, UINT64_MAX);
    if (map_size == 0)
        map_size = STORE_DEFAULT_MAP_SIZE;
    /* LMDB maps the file and trusts it to hold every page its meta names:
     * a truncated file is refused here rather than met by SIGBUS. */
    char *path = malloc(strlen(dir) + sizeof "/data.mdb");
    if (path == NULL) {
        pthread_rwlock_destroy(&st->grow_lock);
        free(st);
        return LH_ENOMEM;
    }
    sprintf(path, "%s/data.mdb", dir); /* LMDB's name for its data file */
    rc = lmdbmeta_check(path, NULL, err);
    free(path);
    if (rc != 0 && rc != -ENOENT) {
        pthread_rwlock_destroy(&st->grow_lock);
        free(st);
        return rc;
    }
    if ((rc = mdb_env_create(&st->env)) != 0)
        goto fail;
    if ((rc = mdb_env_set_maxdbs(st->env, DB_COUNT)) != 0)
        goto fail;
    if ((rc = mdb_env_set_maxreaders(st->env, 512)) != 0)
        goto fail;
    if ((rc = mdb_env_set_mapsize(st->env, map_size)) != 0)
        goto fail;
    /* MDB_NOTLS: read transactions are not tied to a thread (libuv's pool).
     * No MDB_NOSYNC, no MDB_NOMETASYNC: a commit is durable when it returns. */
    if ((rc = mdb_env_open(st->env, dir, MDB_NOTLS | (ro ? MDB_RDONLY : 0), 0600)) != 0)
        goto fail;
    MDB_envinfo info;
    mdb_env_info(st->env, &info);
    atomic_store(&st->map_size, info.me_mapsize);

    MDB_txn *txn;
    if ((rc = mdb_txn_begin(st->env, NULL, ro ? MDB_RDONLY : 0, &txn)) != 0)
        goto fail;
    for (int i = 0; i < DB_COUNT; i++) {
        if ((rc = mdb_dbi_open(txn, db_spec[i].name, db_spec[i].flags | (ro ? 0 : MDB_CREATE),
                               &st->dbi[i])) != 0) {
            mdb_txn_abort(txn);
            goto fail;
        }
    }
    int frc = check_format(st, txn, dir, ro, err);
    if (frc != 0) {
        mdb_txn_abort(txn);
        mdb_env_close(st->env);
        pthread_rwlock_destroy(&st->grow_lock);
        free(st);
        return frc;
    }
    if ((rc = mdb_txn_commit(txn)) != 0)
        goto fail;
    *out = st;
    return 0;

fail:
    lh_err_set(err, 0, "store %s: %s", dir, mdb_strerror(rc));
    if (st->env != NULL)
        mdb_env_close(st->env);
    pthread_rwlock_destroy(&st->grow_lock);
    free(st);
    return rc > 0 ? -rc : LH_ESTORE;
}

int store_open(store **out, const char *dir, size_t map_size, lh_err *err)
{
    return open_store(out, dir, map_size, false, err);
}

int store_open_readonly(store **out, const char *dir, lh_err *err)
{
    return open_store(out, dir, 0, true, err);
}

void store_close(store *st)
{
    if (st == NULL)
        return;
    mdb_env_close(st->env);
    pthread_rwlock_destroy(&st->grow_lock);
    free(st);
}

size_t store_map_size(const store *st)
{
    return atomic_load(&((store *)st)->map_size);
}

int store_grow(store *st, size_t min_size)
{
    pthread_rwlock_wrlock(&st->grow_lock);
    size_t cur = atomic_load(&st->map_size);
    size_t next = cur * 2;
    if (next < min_size)
        next = min_size;
    int rc = mdb_env_set_mapsize(st->env, next);
    if (rc == 0) {
        MDB_envinfo info;
        mdb_env_info(st->env, &info);
        atomic_store(&st->map_size, info.me_mapsize);
        last_map_full = false;
    }
    pthread_rwlock_unlock(&st->grow_lock);
    return rc == 0 ? 0 : mdb_code(st, rc);
}

int store_backup(store *st, const char *dir, lh_err *err)
{
    /* The copy runs its own read transaction: hold off map growth for it,
     * as for any reader (see store_grow). */
    pthread_rwlock_rdlock(&st->grow_lock);
    int rc = mdb_env_copy2(st->env, dir, MDB_CP_COMPACT);
    pthread_rwlock_unlock(&st->grow_lock);
    if (rc != 0)
        return lh_err_set(err, mdb_code(st, rc), "backup to %s: %s", dir, mdb_strerror(rc));
    return 0;
}

int store_backup_fd(store *st, int fd, lh_err *err)
{
    /* As store_backup(): the copy's read transaction holds off growth. */
    pthread_rwlock_rdlock(&st->grow_lock);
    int rc = mdb_env_copyfd2(st->env, fd, MDB_CP_COMPACT);
    pthread_rwlock_unlock(&st->grow_lock);
    if (rc != 0)
        return lh_err_set(err, mdb_code(st, rc), "backup: %s", mdb_strerror(rc));
    return 0;
}

bool store_last_map_full(const store *st)
{
    (void)st;
    return last_map_full;
}

static int txn_begin(store *st, bool write, store_txn **out)
{
    *out = NULL;
    store_txn *t = calloc(1, sizeof *t);
    if (t == NULL)
        return LH_ENOMEM;
    t->st = st;
    t->write = write;
    pthread_rwlock_rdlock(&st->grow_lock);
    int rc = mdb_txn_begin(st->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
    if (rc == MDB_MAP_RESIZED) {
        /* Another process (the daemon, under a read-only store) grew the
         * map: adopt its size, with no transaction of this one open. */
        pthread_rwlock_unlock(&st->grow_lock);
        pthread_rwlock_wrlock(&st->grow_lock);
        rc = mdb_env_set_mapsize(st->env, 0);
        pthread_rwlock_unlock(&st->grow_lock);
        pthread_rwlock_rdlock(&st->grow_lock);
        if (rc == 0)
            rc = mdb_txn_begin(st->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
    }
    if (rc != 0) {
        pthread_rwlock_unlock(&st->grow_lock);
        free(t);
        return mdb_code(st, rc);
    }
    *out = t;
    return 0;
}

int store_read_begin(store *st, store_txn **out)
{
    return txn_begin(st, false, out);
}

int store_read_begin_all(store *st, store_txn **out)
{
    int rc = txn_begin(st, false, out);
    if (rc == 0)
        (*out)->all = true;
    return rc;
}

/* The checkpoint limit as this transaction sees it. */
static uint64_t cp_limit(const store_txn *t)
{
    return t->all ? UINT64_MAX : atomic_load(&t->st->cp_limit);
}

int store_write_begin(store *st, store_txn **out)
{
    last_map_full = false;
    return txn_begin(st, true, out);
}

int store_commit(store_txn *t)
{
    store *st = t->st;
    int rc = mdb_txn_commit(t->txn);
    pthread_rwlock_unlock(&st->grow_lock);
    free(t);
    return mdb_code(st, rc);
}

void store_txn_end(store_txn *t)
{
    if (t == NULL)
        return;
    mdb_txn_abort(t->txn);
    pthread_rwlock_unlock(&t->st->grow_lock);
    free(t);
}

static int get(store_txn *t, int db, const void *key, size_t klen, MDB_val *val)
{
    MDB_val k = {klen, (void *)key};
    return mdb_code(t->st, mdb_get(t->txn, t->st->dbi[db], &k, val));
}

static int put(store_txn *t, int db, const void *key, size_t klen, const void *val, size_t vlen,
               unsigned flags)
{
    MDB_val k = {klen, (void *)key};
    MDB_val v = {vlen, (void *)val};
    return mdb_code(t->st, mdb_put(t->txn, t->st->dbi[db], &k, &v, flags));
}

/* A u64 metadata value; 0 when the store is new and has none yet. */
static int get_meta_u64(store_txn *t, const char *name, uint64_t *out)
{
    MDB_val v;
    int rc = get(t, DB_META, name, strlen(name), &v);
    *out = 0;
    if (rc == LH_ENOTFOUND)
        return 0;
    if (rc != 0)
        return rc;
    if (v.mv_size != 8)
        return LH_ESTORE;
    *out = get_u64(v.mv_data);
    return 0;
}

int store_get_size(store_txn *t, uint64_t *size)
{
    return get_meta_u64(t, "size", size);
}

int store_get_time(store_txn *t, int64_t *time_ms)
{
    uint64_t v;
    int rc = get_meta_u64(t, "time", &v);
    *time_ms = (int64_t)v;
    return rc;
}

int store_get_meta(store_txn *t, const char *name, const uint8_t **val, size_t *len)
{
    MDB_val v;
    int rc = get(t, DB_META, name, strlen(name), &v);
    if (rc != 0)
        return rc;
    *val = v.mv_data;
    *len = v.mv_size;
    return 0;
}

int store_put_meta(store_txn *t, const char *name, const void *val, size_t len)
{
    return put(t, DB_META, name, strlen(name), val, len, 0);
}

int store_get_leaf(store_txn *t, uint64_t index, const uint8_t **leaf, size_t *len)
{
    uint8_t k[8];
    put_u64(k, index);
    MDB_val v;
    int rc = get(t, DB_LEAF, k, 8, &v);
    if (rc != 0)
        return rc;
    *leaf = v.mv_data;
    *len = v.mv_size;
    return 0;
}

int store_read_hashes(void *ctx, const uint64_t *indexes, size_t count, uint8_t (*hashes)[32])
{
    store_txn *t = ctx;
    for (size_t i = 0; i < count; i++) {
        uint8_t k[8];
        put_u64(k, indexes[i]);
        MDB_val v;
        int rc = get(t, DB_HASH, k, 8, &v);
        if (rc != 0)
            return rc;
        if (v.mv_size != 32)
            return LH_ESTORE;
        memcpy(hashes[i], v.mv_data, 32);
    }
    return 0;
}

static int find_index(store_txn *t, int db, const uint8_t hash[32], uint64_t *index)
{
    MDB_val v;
    int rc = get(t, db, hash, 32, &v);
    if (rc != 0)
        return rc;
    if (v.mv_size != 8)
        return LH_ESTORE;
    *index = get_u64(v.mv_data);
    return 0;
}

int store_find_leaf(store_txn *t, const uint8_t leaf_hash[32], uint64_t *index)
{
    return find_index(t, DB_LEAFHASH, leaf_hash, index);
}

int store_find_entry(store_txn *t, const uint8_t entry_id[32], uint64_t *index)
{
    return find_index(t, DB_ENTRYID, entry_id, index);
}

/* Chain heads (author and case) share one value layout:
 * u64 count || u64 index || 32-byte entry id. */
#define HEAD_SIZE 48

static int get_head(store_txn *t, int db, const void *key, size_t klen, accept_head *h)
{
    MDB_val v;
    int rc = get(t, db, key, klen, &v);
    memset(h, 0, sizeof *h);
    if (rc == LH_ENOTFOUND)
        return 0;
    if (rc != 0)
        return rc;
    if (v.mv_size != HEAD_SIZE)
        return LH_ESTORE;
    h->count = get_u64(v.mv_data);
    h->index = get_u64((const uint8_t *)v.mv_data + 8);
    memcpy(h->id, (const uint8_t *)v.mv_data + 16, 32);
    return 0;
}

static int set_head(store_txn *t, int db, const void *key, size_t klen, const accept_head *h)
{
    uint8_t v[HEAD_SIZE];
    put_u64(v, h->count);
    put_u64(v + 8, h->index);
    memcpy(v + 16, h->id, 32);
    return put(t, db, key, klen, v, sizeof v, 0);
}

int store_get_author(store_txn *t, const uint8_t key[32], accept_head *head)
{
    return get_head(t, DB_AUTHOR, key, 32, head);
}

int store_set_author(store_txn *t, const uint8_t key[32], const accept_head *head)
{
    return set_head(t, DB_AUTHOR, key, 32, head);
}

static int case_key_len(const char *case_id, size_t *len)
{
    *len = case_id != NULL ? strnlen(case_id, STORE_CASE_ID_MAX + 1) : 0;
    if (*len == 0 || *len > STORE_CASE_ID_MAX)
        return LH_EINVAL;
    return 0;
}

int store_get_case(store_txn *t, const char *case_id, accept_head *head)
{
    size_t klen;
    int rc = case_key_len(case_id, &klen);
    if (rc != 0)
        return rc;
    return get_head(t, DB_CASE, case_id, klen, head);
}

int store_case_append(store_txn *t, const char *case_id, uint64_t index, const uint8_t entry_id[32])
{
    size_t klen;
    int rc = case_key_len(case_id, &klen);
    if (rc != 0)
        return rc;
    accept_head h;
    if ((rc = get_head(t, DB_CASE, case_id, klen, &h)) != 0)
        return rc;
    uint8_t v[8];
    put_u64(v, index);
    /* Indexes only grow, so each one sorts after the case's earlier ones. */
    if ((rc = put(t, DB_CASEIDX, case_id, klen, v, 8, MDB_APPENDDUP)) != 0)
        return rc;
    h.count++;
    h.index = index;
    memcpy(h.id, entry_id, 32);
    return set_head(t, DB_CASE, case_id, klen, &h);
}

/* The end of a walk that read n indexes into out: the cursor closed, and
 * on a walk that ended at the end (MDB_NOTFOUND) or at the count, the list
 * handed over; on an error out is freed. */
static int list_done(store_txn *t, MDB_cursor *cur, int rc, uint64_t *out, size_t n,
                     uint64_t **indexes, size_t *count)
{
    mdb_cursor_close(cur);
    if (rc != 0 && rc != MDB_NOTFOUND) {
        free(out);
        return mdb_code(t->st, rc);
    }
    *indexes = out;
    *count = n;
    return 0;
}

int store_case_entries(store_txn *t, const char *case_id, uint64_t **indexes, size_t *count)
{
    *indexes = NULL;
    *count = 0;
    size_t klen;
    int rc = case_key_len(case_id, &klen);
    if (rc != 0)
        return rc;
    MDB_cursor *cur;
    if ((rc = mdb_cursor_open(t->txn, t->st->dbi[DB_CASEIDX], &cur)) != 0)
        return mdb_code(t->st, rc);
    MDB_val k = {klen, (void *)case_id}, v;
    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_KEY);
    if (rc == MDB_NOTFOUND) {
        mdb_cursor_close(cur);
        return 0;
    }
    size_t n = 0;
    if (rc == 0)
        rc = mdb_cursor_count(cur, &n);
    uint64_t *out = NULL;
    if (rc == 0 && n > 0) {
        out = malloc(n * sizeof *out);
        if (out == NULL) {
            mdb_cursor_close(cur);
            return LH_ENOMEM;
        }
    }
    size_t i = 0;
    while (rc == 0 && i < n) {
        if (v.mv_size != 8) {
            rc = MDB_CORRUPTED;
            break;
        }
        out[i++] = get_u64(v.mv_data);
        rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_DUP);
    }
    return list_done(t, cur, rc, out, i, indexes, count);
}

int store_keylog_append(store_txn *t, uint64_t index)
{
    uint8_t k[8];
    put_u64(k, index);
    return put(t, DB_KEYLOG, k, 8, "", 0, MDB_APPEND);
}

int store_keylog_entries(store_txn *t, uint64_t **indexes, size_t *count)
{
    *indexes = NULL;
    *count = 0;
    MDB_stat stat;
    int rc = mdb_stat(t->txn, t->st->dbi[DB_KEYLOG], &stat);
    if (rc != 0)
        return mdb_code(t->st, rc);
    if (stat.ms_entries == 0)
        return 0;
    uint64_t *out = malloc(stat.ms_entries * sizeof *out);
    if (out == NULL)
        return LH_ENOMEM;
    MDB_cursor *cur;
    if ((rc = mdb_cursor_open(t->txn, t->st->dbi[DB_KEYLOG], &cur)) != 0) {
        free(out);
        return mdb_code(t->st, rc);
    }
    MDB_val k, v;
    size_t n = 0;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && n < stat.ms_entries;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 8) {
            rc = MDB_CORRUPTED;
            break;
        }
        out[n++] = get_u64(k.mv_data);
    }
    return list_done(t, cur, rc, out, n, indexes, count);
}

void store_set_checkpoint_limit(store *st, uint64_t limit)
{
    atomic_store(&st->cp_limit, limit);
}

int store_get_checkpoint(store_txn *t, uint64_t size, const uint8_t **note, size_t *len,
                         uint64_t *size_out)
{
    uint64_t limit = cp_limit(t);
    MDB_val k, v;
    uint8_t kb[8];
    int rc;
    if (size == UINT64_MAX) {
        /* The latest at or below the limit: the last key, or the one
         * before the first key above the limit. */
        MDB_cursor *cur;
        if ((rc = mdb_cursor_open(t->txn, t->st->dbi[DB_CHECKPOINT], &cur)) != 0)
            return mdb_code(t->st, rc);
        put_u64(kb, limit == UINT64_MAX ? limit : limit + 1);
        k = (MDB_val){8, kb};
        rc = limit == UINT64_MAX ? MDB_NOTFOUND : mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
        rc =
            rc == 0 ? mdb_cursor_get(cur, &k, &v, MDB_PREV) : mdb_cursor_get(cur, &k, &v, MDB_LAST);
        mdb_cursor_close(cur);
        if (rc != 0)
            return mdb_code(t->st, rc);
        if (k.mv_size != 8)
            return LH_ESTORE;
        size = get_u64(k.mv_data);
    } else {
        if (size > limit)
            return LH_ENOTFOUND;
        put_u64(kb, size);
        if ((rc = get(t, DB_CHECKPOINT, kb, 8, &v)) != 0)
            return rc;
    }
    *note = v.mv_data;
    *len = v.mv_size;
    if (size_out != NULL)
        *size_out = size;
    return 0;
}

int store_next_checkpoint(store_txn *t, uint64_t after, uint64_t *size, const uint8_t **note,
                          size_t *len)
{
    uint64_t limit = cp_limit(t);
    if (after >= limit)
        return LH_ENOTFOUND;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(t->txn, t->st->dbi[DB_CHECKPOINT], &cur);
    if (rc != 0)
        return mdb_code(t->st, rc);
    uint8_t kb[8];
    put_u64(kb, after + 1);
    MDB_val k = {8, kb}, v;
    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    mdb_cursor_close(cur);
    if (rc != 0)
        return mdb_code(t->st, rc);
    if (k.mv_size != 8)
        return LH_ESTORE;
    *size = get_u64(k.mv_data);
    if (*size > limit)
        return LH_ENOTFOUND;
    *note = v.mv_data;
    *len = v.mv_size;
    return 0;
}

int store_put_leaf(store_txn *t, uint64_t index, const uint8_t *leaf, size_t len,
                   const uint8_t leaf_hash[32], const uint8_t entry_id[32])
{
    uint8_t k[8];
    put_u64(k, index);
    /* Leaves are appended in index order: MDB_APPEND keeps the B-tree dense
     * and refuses an index that is not past the last one. */
    int rc = put(t, DB_LEAF, k, 8, leaf, len, MDB_APPEND);
    if (rc != 0)
        return rc;
    if ((rc = put(t, DB_LEAFHASH, leaf_hash, 32, k, 8, MDB_NOOVERWRITE)) != 0)
        return rc;
    return put(t, DB_ENTRYID, entry_id, 32, k, 8, MDB_NOOVERWRITE);
}

int store_put_hashes(store_txn *t, uint64_t first, const uint8_t (*hashes)[32], size_t count)
{
    for (size_t i = 0; i < count; i++) {
        uint8_t k[8];
        put_u64(k, first + i);
        int rc = put(t, DB_HASH, k, 8, hashes[i], 32, MDB_APPEND);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int store_put_checkpoint(store_txn *t, uint64_t size, const uint8_t *note, size_t len)
{
    uint8_t k[8];
    put_u64(k, size);
    return put(t, DB_CHECKPOINT, k, 8, note, len, 0);
}

/* ---- cosignatures ---- */

/* The key of a witness's cosignature of the checkpoint of `size`:
 * u64 size || u32 key id || name. */
static size_t cosig_key(uint8_t *k, uint64_t size, uint32_t keyid, const char *name)
{
    size_t n = strlen(name);
    put_u64(k, size);
    for (int i = 0; i < 4; i++)
        k[8 + i] = (uint8_t)(keyid >> (24 - 8 * i));
    memcpy(k + 12, name, n);
    return 12 + n;
}

int store_put_cosig(store_txn *t, uint64_t size, uint32_t keyid, const char *name,
                    const uint8_t *line, size_t len)
{
    if (strlen(name) > STORE_WITNESS_NAME_MAX)
        return LH_EINVAL;
    uint8_t k[12 + STORE_WITNESS_NAME_MAX];
    size_t kn = cosig_key(k, size, keyid, name);
    return put(t, DB_COSIG, k, kn, line, len, 0);
}

int store_get_cosigned(store_txn *t, uint64_t size, uint8_t *buf, size_t cap, size_t *len,
                       size_t *ncosigs)
{
    const uint8_t *note;
    size_t note_len;
    int rc = store_get_checkpoint(t, size, &note, &note_len, &size);
    if (rc != 0)
        return rc;
    MDB_cursor *cur;
    if ((rc = mdb_cursor_open(t->txn, t->st->dbi[DB_COSIG], &cur)) != 0)
        return mdb_code(t->st, rc);
    uint8_t kb[8];
    put_u64(kb, size);
    MDB_val k = {8, kb}, v;
    size_t need = note_len, n = 0;
    if (need <= cap)
        memcpy(buf, note, note_len);
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size < 12 || memcmp(k.mv_data, kb, 8) != 0)
            break;
        if (need + v.mv_size <= cap)
            memcpy(buf + need, v.mv_data, v.mv_size);
        need += v.mv_size;
        n++;
    }
    mdb_cursor_close(cur);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return mdb_code(t->st, rc);
    *len = need;
    if (ncosigs != NULL)
        *ncosigs = n;
    return need <= cap ? 0 : LH_ETOOBIG;
}

int store_latest_cosigned(store_txn *t, size_t min, uint64_t *size)
{
    uint64_t limit = cp_limit(t);
    if (min == 0) {
        int src = store_get_size(t, size);
        if (src == 0 && *size > limit)
            *size = limit;
        return src;
    }
    MDB_cursor *cur;
    int rc = mdb_cursor_open(t->txn, t->st->dbi[DB_COSIG], &cur);
    if (rc != 0)
        return mdb_code(t->st, rc);
    MDB_val k, v;
    uint64_t at = 0;
    size_t count = 0;
    bool any = false;
    /* From the largest size down: the keys of one size are adjacent. */
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_LAST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_PREV)) {
        if (k.mv_size < 12) {
            rc = MDB_CORRUPTED;
            break;
        }
        uint64_t s = get_u64(k.mv_data);
        if (s > limit)
            continue;
        if (!any || s != at) {
            at = s;
            count = 0;
            any = true;
        }
        if (++count >= min) {
            *size = at;
            break;
        }
    }
    mdb_cursor_close(cur);
    if (rc == MDB_NOTFOUND)
        return LH_ENOTFOUND;
    return rc == 0 ? 0 : mdb_code(t->st, rc);
}

int store_witness_latest(store_txn *t, uint32_t keyid, const char *name, uint64_t *size,
                         const uint8_t **line, size_t *len)
{
    size_t n = strlen(name);
    MDB_cursor *cur;
    int rc = mdb_cursor_open(t->txn, t->st->dbi[DB_COSIG], &cur);
    if (rc != 0)
        return mdb_code(t->st, rc);
    MDB_val k, v;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_LAST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_PREV)) {
        const uint8_t *kd = k.mv_data;
        uint32_t id =
            (uint32_t)kd[8] << 24 | (uint32_t)kd[9] << 16 | (uint32_t)kd[10] << 8 | kd[11];
        if (k.mv_size == 12 + n && id == keyid && memcmp(kd + 12, name, n) == 0) {
            *size = get_u64(kd);
            *line = v.mv_data;
            *len = v.mv_size;
            break;
        }
    }
    mdb_cursor_close(cur);
    if (rc == MDB_NOTFOUND)
        return LH_ENOTFOUND;
    return rc == 0 ? 0 : mdb_code(t->st, rc);
}

int store_set_size(store_txn *t, uint64_t size, int64_t time_ms)
{
    uint8_t v[8];
    put_u64(v, size);
    int rc = put(t, DB_META, "size", 4, v, 8, 0);
    if (rc != 0)
        return rc;
    put_u64(v, (uint64_t)time_ms);
    return put(t, DB_META, "time", 4, v, 8, 0);
}

int store_size(store *st, uint64_t *file_bytes, uint64_t *used_bytes)
{
    MDB_envinfo info;
    MDB_stat stat;
    if (mdb_env_info(st->env, &info) != 0 || mdb_env_stat(st->env, &stat) != 0)
        return LH_ESTORE;
    *used_bytes = ((uint64_t)info.me_last_pgno + 1) * stat.ms_psize;
    mdb_filehandle_t fd;
    struct stat sb;
    if (mdb_env_get_fd(st->env, &fd) != 0 || fstat(fd, &sb) != 0)
        return LH_ESTORE;
    *file_bytes = (uint64_t)sb.st_size;
    return 0;
}
