/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_publish.c — the C2SP tlog-tiles directory and the publisher
 * (daemon/publish.c).
 *
 * Stores are built with daemon/store.h directly: leaves of any bytes, their
 * stored hashes from merkle_stored_hashes_for(), and checkpoints signed with
 * the log key of tests/vectors/checkpoint.txt. Every publication is then
 * checked from the files alone, as an inspector's verifier would: the
 * checkpoint verifies; every resource tile_iter lists exists with the right
 * length; the entry bundles decode to exactly the stored leaves; the leaf
 * hashes rebuilt from the bundles give every hash tile and the checkpoint's
 * root, both through an in-memory stored-hash table (memstore) and through
 * a plain recursive RFC 6962 hash written here with libsodium alone; no
 * other file is present; modes are 0644 and 0755 whatever the umask. For
 * the leaves "leaf-<i>", every published file is also compared with the
 * contents that Go's sumdb/tlog gives (tests/vectors/tiles.txt).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "checkpoint.h"
#include "errors.h"
#include "memstore.h"
#include "merkle.h"
#include "note.h"
#include "publish.h"
#include "store.h"
#include "tile.h"
#include "vec.h"

/* The store of the leaves "leaf-<i>" (tiles.txt): up to the largest size
 * whose file contents tiles.txt gives, which has a full level-1 tile and
 * partial tiles at levels 0, 1 and 2. */
#define VEC_STORE_SIZE 70000
/* The store of leaves of varied lengths, among them the largest one. */
#define VAR_STORE_SIZE 800
/* The varied leaf of the largest length an entry bundle can carry. */
#define VAR_BIG_LEAF 300
/* The leaf that differs in the forked store. */
#define FORK_INDEX 123

enum leaf_kind { LEAVES_VECTOR, LEAVES_VARIED };

/* Everything the tests share, made once by the group setup. */
static struct {
    char root[64];        /* the temporary directory of this run */
    note_signer log;      /* the log key of checkpoint.txt */
    note_verifier log_v;  /* its verifier */
    note_signer other;    /* same name, another key */
    store *vec;           /* VEC_STORE_SIZE leaves "leaf-<i>" */
    store *var;           /* VAR_STORE_SIZE varied leaves */
    store *var_short;     /* the first 500 varied leaves */
    store *var_fork;      /* varied leaves, FORK_INDEX changed */
    unsigned dir_counter; /* for fresh directory names */
} g;

/* ---------------------------------------------------------------------
 * Files and directories
 * --------------------------------------------------------------------- */

/* A fresh, not yet existing path under the run's directory. */
static void fresh_path(char *out, size_t cap, const char *what)
{
    snprintf(out, cap, "%s/%s-%u", g.root, what, g.dir_counter++);
}

/* Read a whole file (malloc'd, NUL-terminated for convenience); NULL and
 * errno when it cannot be read. */
static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap + 1);
    assert_non_null(buf);
    for (;;) {
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (n < cap)
            break;
        cap *= 2;
        buf = realloc(buf, cap + 1);
        assert_non_null(buf);
    }
    assert_int_equal(ferror(f), 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void write_whole_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void join_path(char *out, size_t cap, const char *dir, const char *rel)
{
    int n = snprintf(out, cap, "%s/%s", dir, rel);
    assert_true(n > 0 && (size_t)n < cap);
}

/* Delete a tree (rm -rf); the tests only make files and directories. */
static void remove_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return;
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        assert_non_null(d);
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            char sub[PATH_MAX];
            join_path(sub, sizeof sub, path, de->d_name);
            remove_tree(sub);
        }
        closedir(d);
        assert_int_equal(rmdir(path), 0);
    } else {
        assert_int_equal(unlink(path), 0);
    }
}

/* The files under a directory, as sorted relative paths. */
typedef struct file_list {
    char **path;
    size_t count, cap;
} file_list;

static void list_add(file_list *l, const char *rel)
{
    if (l->count == l->cap) {
        l->cap = l->cap == 0 ? 64 : l->cap * 2;
        l->path = realloc(l->path, l->cap * sizeof *l->path);
        assert_non_null(l->path);
    }
    l->path[l->count] = strdup(rel);
    assert_non_null(l->path[l->count]);
    l->count++;
}

static void list_free(file_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->path[i]);
    free(l->path);
    memset(l, 0, sizeof *l);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_sort(file_list *l)
{
    if (l->count > 0)
        qsort(l->path, l->count, sizeof *l->path, cmp_str);
}

static bool list_has(const file_list *l, const char *rel)
{
    return l->count > 0 && bsearch(&rel, l->path, l->count, sizeof *l->path, cmp_str) != NULL;
}

/* Walk dir/rel, adding every regular file and checking that files are
 * 0644 and directories 0755 (publish.h: whatever the umask). */
static void walk(const char *dir, const char *rel, file_list *out)
{
    char full[PATH_MAX];
    if (rel[0] == '\0')
        snprintf(full, sizeof full, "%s", dir);
    else
        join_path(full, sizeof full, dir, rel);
    DIR *d = opendir(full);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char sub[PATH_MAX], subfull[PATH_MAX];
        if (rel[0] == '\0')
            snprintf(sub, sizeof sub, "%s", de->d_name);
        else
            join_path(sub, sizeof sub, rel, de->d_name);
        join_path(subfull, sizeof subfull, dir, sub);
        struct stat sb;
        assert_int_equal(lstat(subfull, &sb), 0);
        if (S_ISDIR(sb.st_mode)) {
            if ((sb.st_mode & 07777) != 0755)
                fail_msg("%s: mode %o, not 0755", subfull, (unsigned)(sb.st_mode & 07777));
            walk(dir, sub, out);
        } else {
            if (!S_ISREG(sb.st_mode))
                fail_msg("%s: not a regular file", subfull);
            if ((sb.st_mode & 07777) != 0644)
                fail_msg("%s: mode %o, not 0644", subfull, (unsigned)(sb.st_mode & 07777));
            list_add(out, sub);
        }
    }
    closedir(d);
}

static void list_dir(const char *dir, file_list *out)
{
    memset(out, 0, sizeof *out);
    walk(dir, "", out);
    list_sort(out);
}

static ino_t inode_of(const char *dir, const char *rel)
{
    char full[PATH_MAX];
    struct stat sb;
    join_path(full, sizeof full, dir, rel);
    assert_int_equal(stat(full, &sb), 0);
    return sb.st_ino;
}

static bool exists(const char *dir, const char *rel)
{
    char full[PATH_MAX];
    struct stat sb;
    join_path(full, sizeof full, dir, rel);
    return lstat(full, &sb) == 0;
}

/* ---------------------------------------------------------------------
 * Stores and checkpoints
 * --------------------------------------------------------------------- */

/* The bytes of leaf i of a kind; `fork` changes FORK_INDEX. */
static size_t make_leaf(enum leaf_kind kind, uint64_t i, bool fork, uint8_t *buf)
{
    if (kind == LEAVES_VECTOR)
        return (size_t)snprintf((char *)buf, 32, "leaf-%" PRIu64, i);
    size_t len;
    if (i == VAR_BIG_LEAF)
        len = TILE_ENTRY_MAX;
    else if (i == VAR_BIG_LEAF + 1)
        len = 1;
    else
        len = 8 + (size_t)((i * 37) % 300);
    if (len == 1) {
        buf[0] = (uint8_t)i; /* the only leaf of one byte: unique */
        return 1;
    }
    for (int b = 0; b < 8; b++)
        buf[b] = (uint8_t)(i >> (56 - 8 * b));
    for (size_t j = 8; j < len; j++)
        buf[j] = (uint8_t)(i * 131 + j);
    if (fork && i == FORK_INDEX)
        buf[len - 1] ^= 0x5a;
    return len;
}

/* A store in a fresh directory with the first n leaves of a kind. */
static store *build_store(enum leaf_kind kind, uint64_t n, bool fork)
{
    static uint8_t leaf[TILE_ENTRY_MAX];
    char path[PATH_MAX];
    lh_err err = {{0}};
    store *st;
    store_txn *txn;

    fresh_path(path, sizeof path, "store");
    assert_int_equal(mkdir(path, 0700), 0);
    int rc = store_open(&st, path, 0, &err);
    if (rc != 0)
        fail_msg("store_open %s: %s", path, err.msg);
    assert_int_equal(store_write_begin(st, &txn), 0);
    for (uint64_t i = 0; i < n; i++) {
        size_t len = make_leaf(kind, i, fork, leaf);
        uint8_t lh[MERKLE_HASH_SIZE], sh[32];
        uint8_t hashes[MERKLE_MAX_STORED][MERKLE_HASH_SIZE];
        size_t count;
        merkle_leaf_hash(lh, leaf, len);
        crypto_hash_sha256(sh, leaf, len);
        assert_int_equal(merkle_stored_hashes_for(i, lh, store_read_hashes, txn, hashes, &count),
                         0);
        assert_int_equal(store_put_leaf(txn, i, leaf, len, lh, sh), 0);
        assert_int_equal(
            store_put_hashes(txn, merkle_stored_index(0, i), (const uint8_t(*)[32])hashes, count),
            0);
    }
    assert_int_equal(store_set_size(txn, n, 1700000000000), 0);
    assert_int_equal(store_commit(txn), 0);
    return st;
}

/* The checkpoint of the store's tree of `size` leaves, signed by `key`
 * (malloc'd). */
static uint8_t *sign_size(store *st, uint64_t size, const note_signer *key, size_t *len)
{
    checkpoint cp;
    store_txn *txn;
    lh_err err = {{0}};
    memset(&cp, 0, sizeof cp);
    snprintf(cp.origin, sizeof cp.origin, "%s", g.log.name);
    cp.size = size;
    assert_int_equal(store_read_begin(st, &txn), 0);
    assert_int_equal(merkle_tree_hash(cp.root, size, store_read_hashes, txn), 0);
    store_txn_end(txn);
    uint8_t *note = malloc(CHECKPOINT_SIGNED_MAX);
    assert_non_null(note);
    if (checkpoint_sign(&cp, key, note, CHECKPOINT_SIGNED_MAX, len, &err) != 0)
        fail_msg("checkpoint_sign: %s", err.msg);
    return note;
}

/* A checkpoint of any size and root, signed by the log key. */
static uint8_t *sign_root(uint64_t size, uint8_t fill, size_t *len)
{
    checkpoint cp;
    lh_err err = {{0}};
    memset(&cp, 0, sizeof cp);
    snprintf(cp.origin, sizeof cp.origin, "%s", g.log.name);
    cp.size = size;
    memset(cp.root, fill, sizeof cp.root);
    uint8_t *note = malloc(CHECKPOINT_SIGNED_MAX);
    assert_non_null(note);
    assert_int_equal(checkpoint_sign(&cp, &g.log, note, CHECKPOINT_SIGNED_MAX, len, &err), 0);
    return note;
}

/* Publish the store's tree of `size` leaves into dir; must succeed. */
static void publish_ok(const char *dir, store *st, uint64_t size, uint64_t prev_size)
{
    size_t len;
    lh_err err = {{0}};
    uint8_t *note = sign_size(st, size, &g.log, &len);
    int rc = publish_write(dir, st, size, note, len, prev_size, &err);
    if (rc != 0)
        fail_msg("publish_write %s size %" PRIu64 ": %s (%s)", dir, size, err.msg, lh_errname(rc));
    free(note);
}

/* ---------------------------------------------------------------------
 * Independent verification of a published directory
 * --------------------------------------------------------------------- */

/* RFC 6962 §2.1 with libsodium alone: the leaf hash SHA-256(0x00 || d). */
static void ref_leaf_hash(uint8_t out[32], const uint8_t *data, size_t len)
{
    crypto_hash_sha256_state s;
    const uint8_t zero = 0x00;
    crypto_hash_sha256_init(&s);
    crypto_hash_sha256_update(&s, &zero, 1);
    crypto_hash_sha256_update(&s, data, len);
    crypto_hash_sha256_final(&s, out);
}

/* RFC 6962 §2.1: MTH(D[n]) of n >= 1 leaf hashes, split at the largest power
 * of two smaller than n. */
static void ref_mth(const uint8_t (*leaves)[32], uint64_t n, uint8_t out[32])
{
    if (n == 1) {
        memcpy(out, leaves[0], 32);
        return;
    }
    uint64_t k = 1;
    while (k * 2 < n)
        k *= 2;
    uint8_t buf[65];
    buf[0] = 0x01;
    ref_mth(leaves, k, buf + 1);
    ref_mth(leaves + k, n - k, buf + 33);
    crypto_hash_sha256(out, buf, sizeof buf);
}

/*
 * Check a published directory from its files alone (see the top of this
 * file). `note` is the checkpoint expected in it, byte for byte. `extra`
 * lists the files allowed besides those a tree of `size` needs (partial
 * tiles of earlier sizes whose full tile does not exist yet).
 */
static void verify_published(const char *dir, store *st, uint64_t size, const uint8_t *note,
                             size_t note_len, const char *const *extra, size_t nextra)
{
    char path[PATH_MAX], rel[TILE_PATH_MAX];
    size_t len;
    lh_err err = {{0}};

    /* The checkpoint: exactly the signed note, verifying with the log key. */
    join_path(path, sizeof path, dir, "checkpoint");
    uint8_t *cpbytes = read_file(path, &len);
    assert_non_null(cpbytes);
    assert_int_equal(len, note_len);
    assert_memory_equal(cpbytes, note, note_len);
    checkpoint_opened *op = malloc(sizeof *op);
    assert_non_null(op);
    if (checkpoint_open(cpbytes, len, &g.log_v, NULL, 0, op, &err) != 0)
        fail_msg("%s: %s", path, err.msg);
    assert_int_equal(op->cp.size, size);
    uint8_t want_root[32];
    memcpy(want_root, op->cp.root, 32);
    free(op);
    free(cpbytes);

    /* The entry bundles, in order: exactly the stored leaves. */
    uint8_t(*lh)[32] = malloc((size_t)(size > 0 ? size : 1) * 32);
    assert_non_null(lh);
    memstore ms;
    memset(&ms, 0, sizeof ms);
    store_txn *txn;
    assert_int_equal(store_read_begin(st, &txn), 0);
    file_list want = {0};
    list_add(&want, "checkpoint");
    tile_iter it;
    tile t;
    uint64_t next_leaf = 0;
    tile_iter_init(&it, size);
    while (tile_iter_next(&it, &t)) {
        assert_int_equal(tile_path(rel, sizeof rel, &t), 0);
        list_add(&want, rel);
        if (t.level != TILE_LEVEL_ENTRIES)
            continue;
        join_path(path, sizeof path, dir, rel);
        uint8_t *b = read_file(path, &len);
        if (b == NULL)
            fail_msg("%s: missing", path);
        assert_int_equal(tile_bundle_check(b, len, t.width), 0);
        assert_int_equal(t.n * TILE_WIDTH, next_leaf);
        size_t off = 0, elen;
        const uint8_t *e;
        while (tile_bundle_next(b, len, &off, &e, &elen) == 1) {
            const uint8_t *leaf;
            size_t leaf_len;
            assert_int_equal(store_get_leaf(txn, next_leaf, &leaf, &leaf_len), 0);
            assert_int_equal(elen, leaf_len);
            assert_memory_equal(e, leaf, leaf_len);
            ref_leaf_hash(lh[next_leaf], e, elen);
            assert_int_equal(memstore_append(&ms, lh[next_leaf]), 0);
            next_leaf++;
        }
        free(b);
    }
    store_txn_end(txn);
    assert_int_equal(next_leaf, size);

    /* The root, twice: through the stored-hash table and by RFC 6962 alone. */
    uint8_t root[32];
    assert_int_equal(merkle_tree_hash(root, size, memstore_read, &ms), 0);
    assert_memory_equal(root, want_root, 32);
    if (size > 0) {
        ref_mth((const uint8_t(*)[32])lh, size, root);
        assert_memory_equal(root, want_root, 32);
    }

    /* Every hash tile: its length, and each hash against the rebuilt tree. */
    tile_iter_init(&it, size);
    while (tile_iter_next(&it, &t)) {
        if (t.level == TILE_LEVEL_ENTRIES)
            continue;
        assert_int_equal(tile_path(rel, sizeof rel, &t), 0);
        join_path(path, sizeof path, dir, rel);
        uint8_t *data = read_file(path, &len);
        if (data == NULL)
            fail_msg("%s: missing", path);
        assert_int_equal(len, (size_t)t.width * 32);
        uint64_t span = UINT64_C(1) << (8 * t.level); /* leaves under one hash */
        for (unsigned i = 0; i < t.width; i++) {
            uint64_t k = t.n * TILE_WIDTH + i;
            uint8_t h[32];
            uint64_t idx = merkle_stored_index(8 * t.level, k);
            assert_int_equal(memstore_read(&ms, &idx, 1, &h), 0);
            if (memcmp(h, data + 32 * i, 32) != 0)
                fail_msg("%s: hash %u differs from the stored-hash table", path, i);
            ref_mth((const uint8_t(*)[32])lh + k * span, span, h);
            if (memcmp(h, data + 32 * i, 32) != 0)
                fail_msg("%s: hash %u differs from the RFC 6962 subtree hash", path, i);
        }
        free(data);
    }
    memstore_free(&ms);
    free(lh);

    /* Nothing else is there, and modes are right (walk()). */
    for (size_t i = 0; i < nextra; i++)
        list_add(&want, extra[i]);
    list_sort(&want);
    file_list have;
    list_dir(dir, &have);
    for (size_t i = 0; i < have.count; i++)
        if (!list_has(&want, have.path[i]))
            fail_msg("%s: unexpected file %s", dir, have.path[i]);
    for (size_t i = 0; i < want.count; i++)
        if (!list_has(&have, want.path[i]))
            fail_msg("%s: missing file %s", dir, want.path[i]);
    list_free(&have);
    list_free(&want);
}

/* Whether two directories hold the same files with the same bytes. */
static void assert_same_tree(const char *a, const char *b)
{
    file_list la, lb;
    list_dir(a, &la);
    list_dir(b, &lb);
    for (size_t i = 0; i < la.count || i < lb.count; i++) {
        if (i >= la.count || i >= lb.count || strcmp(la.path[i], lb.path[i]) != 0)
            fail_msg("%s and %s differ at file %s", a, b, i < la.count ? la.path[i] : lb.path[i]);
        char pa[PATH_MAX], pb[PATH_MAX];
        size_t na, nb;
        join_path(pa, sizeof pa, a, la.path[i]);
        join_path(pb, sizeof pb, b, lb.path[i]);
        uint8_t *da = read_file(pa, &na), *db = read_file(pb, &nb);
        assert_non_null(da);
        assert_non_null(db);
        if (na != nb || memcmp(da, db, na) != 0)
            fail_msg("%s and %s differ", pa, pb);
        free(da);
        free(db);
    }
    list_free(&la);
    list_free(&lb);
}

/* Compare a directory of the leaves "leaf-<i>" with Go's tiles.txt: the
 * list of paths of that size, and the exact contents where given. */
static size_t check_go_vectors(const char *dir, uint64_t size)
{
    vec_file vf;
    vec_line *l;
    size_t paths = 0, files = 0, count = SIZE_MAX;
    vec_open(&vf, "tiles.txt");
    while ((l = vec_next(&vf)) != NULL) {
        if (l->nfields < 3 || vec_u64(l->field[1]) != size)
            continue;
        if (strcmp(l->field[0], "count") == 0) {
            count = (size_t)vec_u64(l->field[2]);
        } else if (strcmp(l->field[0], "path") == 0) {
            assert_true(exists(dir, l->field[2]));
            paths++;
        } else if (strcmp(l->field[0], "file") == 0) {
            assert_int_equal(l->nfields, 5);
            char path[PATH_MAX];
            size_t len;
            uint8_t want[32], have[32];
            join_path(path, sizeof path, dir, l->field[2]);
            uint8_t *data = read_file(path, &len);
            if (data == NULL)
                fail_msg("%s: missing", path);
            assert_int_equal(len, vec_u64(l->field[3]));
            vec_hex_exact(want, 32, l->field[4]);
            crypto_hash_sha256(have, data, len);
            if (memcmp(want, have, 32) != 0)
                fail_msg("%s: differs from Go's sumdb/tlog contents", path);
            free(data);
            files++;
        }
    }
    vec_close(&vf);
    /* Every size the vectors cover lists all its paths, and where contents
     * are given, they are given for every resource. */
    assert_int_equal(paths, count);
    assert_true(files == 0 || files == count);
    return files;
}

/* ---------------------------------------------------------------------
 * Setup
 * --------------------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    /* The tests prove that modes do not depend on the umask. */
    umask(077);
    const char *tmp = getenv("TMPDIR");
    snprintf(g.root, sizeof g.root, "%s/liuhen-publish-XXXXXX",
             tmp != NULL && strlen(tmp) < 32 ? tmp : "/tmp");
    if (mkdtemp(g.root) == NULL)
        return -1;

    vec_file vf;
    vec_line *l;
    uint8_t seed[NOTE_SEED_LEN];
    char name[NOTE_NAME_MAX + 1] = "";
    vec_open(&vf, "checkpoint.txt");
    while ((l = vec_next(&vf)) != NULL) {
        if (strcmp(l->field[0], "seed") == 0)
            vec_hex_exact(seed, sizeof seed, l->field[1]);
        else if (strcmp(l->field[0], "name") == 0)
            snprintf(name, sizeof name, "%s", l->field[1]);
    }
    vec_close(&vf);
    if (note_signer_from_seed(&g.log, name, strlen(name), NOTE_TYPE_ED25519, seed) != 0 ||
        note_signer_verifier(&g.log, &g.log_v) != 0)
        return -1;
    memset(seed, 0x42, sizeof seed);
    if (note_signer_from_seed(&g.other, name, strlen(name), NOTE_TYPE_ED25519, seed) != 0)
        return -1;

    g.vec = build_store(LEAVES_VECTOR, VEC_STORE_SIZE, false);
    g.var = build_store(LEAVES_VARIED, VAR_STORE_SIZE, false);
    g.var_short = build_store(LEAVES_VARIED, 500, false);
    g.var_fork = build_store(LEAVES_VARIED, VAR_STORE_SIZE, true);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    store_close(g.vec);
    store_close(g.var);
    store_close(g.var_short);
    store_close(g.var_fork);
    note_signer_wipe(&g.log);
    note_signer_wipe(&g.other);
    if (getenv("LIUHEN_KEEP_TEST_DIR") == NULL)
        remove_tree(g.root);
    return 0;
}

/* ---------------------------------------------------------------------
 * publish_write
 * --------------------------------------------------------------------- */

/* Fresh publications of the sizes around the tile boundaries, the empty
 * tree, and a tree with a full level-1 tile; all checked against Go. */
static void test_sizes(void **state)
{
    (void)state;
    static const uint64_t sizes[] = {0, 1, 255, 256, 257, 513, 65536, VEC_STORE_SIZE};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char dir[PATH_MAX];
        size_t len;
        fresh_path(dir, sizeof dir, "sizes");
        publish_ok(dir, g.vec, sizes[i], 0);
        uint8_t *note = sign_size(g.vec, sizes[i], &g.log, &len);
        verify_published(dir, g.vec, sizes[i], note, len, NULL, 0);
        free(note);
        if (sizes[i] != 513) {
            size_t files = check_go_vectors(dir, sizes[i]);
            /* tiles.txt gives the contents for these sizes. */
            if (sizes[i] == 1 || sizes[i] == 257 || sizes[i] == VEC_STORE_SIZE)
                assert_true(files > 0);
        }
        remove_tree(dir);
    }
}

/* Leaves of varied lengths, up to the largest an entry bundle carries. */
static void test_varied_leaves(void **state)
{
    (void)state;
    char dir[PATH_MAX];
    size_t len;
    fresh_path(dir, sizeof dir, "varied");
    publish_ok(dir, g.var, VAR_STORE_SIZE, 0);
    uint8_t *note = sign_size(g.var, VAR_STORE_SIZE, &g.log, &len);
    verify_published(dir, g.var, VAR_STORE_SIZE, note, len, NULL, 0);
    free(note);
    /* The bundle holding the largest leaf: 256 entries, one of 65,535 bytes. */
    char path[PATH_MAX];
    join_path(path, sizeof path, dir, "tile/entries/001");
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_true(sb.st_size > TILE_ENTRY_MAX + 2);
    remove_tree(dir);
}

/* Publishing step by step leaves the same directory as one publication,
 * except for the partial tiles an older checkpoint still needs. */
static void test_incremental(void **state)
{
    (void)state;
    char inc[PATH_MAX], fresh[PATH_MAX];
    size_t len;
    fresh_path(inc, sizeof inc, "inc");
    fresh_path(fresh, sizeof fresh, "fresh");

    publish_ok(inc, g.var, 300, 0);
    assert_true(exists(inc, "tile/0/001.p/44"));
    assert_true(exists(inc, "tile/entries/001.p/44"));
    ino_t full0 = inode_of(inc, "tile/0/000");
    ino_t bundle0 = inode_of(inc, "tile/entries/000");

    publish_ok(inc, g.var, 700, 300);
    publish_ok(fresh, g.var, 700, 0);
    /* Full tiles of the earlier publication were not rewritten. */
    assert_true(inode_of(inc, "tile/0/000") == full0);
    assert_true(inode_of(inc, "tile/entries/000") == bundle0);
    /* The partials of tile 1, now full, are gone, with their directory;
     * the level-1 partial of width 1 stays, as no full level-1 tile exists
     * and a reader of the checkpoint of 300 needs it. */
    assert_false(exists(inc, "tile/0/001.p"));
    assert_false(exists(inc, "tile/entries/001.p"));
    uint8_t *note = sign_size(g.var, 700, &g.log, &len);
    static const char *const extra[] = {"tile/1/000.p/1"};
    verify_published(inc, g.var, 700, note, len, extra, 1);
    verify_published(fresh, g.var, 700, note, len, NULL, 0);
    /* Byte for byte equal to a fresh publication, but for that partial. */
    char path[PATH_MAX];
    join_path(path, sizeof path, inc, "tile/1/000.p/1");
    assert_int_equal(unlink(path), 0);
    assert_same_tree(inc, fresh);

    /* A restart (prev_size 0) keeps the full tiles it finds, rewrites the
     * partials, and changes nothing else. */
    ino_t full1 = inode_of(inc, "tile/0/001");
    publish_ok(inc, g.var, 700, 0);
    assert_true(inode_of(inc, "tile/0/001") == full1);
    assert_same_tree(inc, fresh);

    /* The same size again is harmless. */
    publish_ok(inc, g.var, 700, 700);
    assert_same_tree(inc, fresh);
    free(note);
    remove_tree(inc);
    remove_tree(fresh);
}

/* Several partial widths of one tile are all deleted once it is full, and
 * the stepwise result equals Go's contents for the final size. */
static void test_incremental_levels(void **state)
{
    (void)state;
    char dir[PATH_MAX], fresh[PATH_MAX];
    fresh_path(dir, sizeof dir, "levels");
    fresh_path(fresh, sizeof fresh, "levels-fresh");
    publish_ok(dir, g.vec, 257, 0);
    publish_ok(dir, g.vec, 513, 257);
    assert_true(exists(dir, "tile/1/000.p/1"));
    assert_true(exists(dir, "tile/1/000.p/2"));
    publish_ok(dir, g.vec, VEC_STORE_SIZE, 513);
    assert_false(exists(dir, "tile/1/000.p"));
    publish_ok(fresh, g.vec, VEC_STORE_SIZE, 0);
    assert_same_tree(dir, fresh);
    assert_true(check_go_vectors(dir, VEC_STORE_SIZE) > 0);
    remove_tree(dir);
    remove_tree(fresh);
}

/* A full tile beyond the directory's checkpoint may be the leftover of an
 * interrupted publication from a store since restored: it is rewritten even
 * when its length is right. */
static void test_leftover_tiles_rewritten(void **state)
{
    (void)state;
    char dir[PATH_MAX], fresh[PATH_MAX], path[PATH_MAX];
    size_t len;
    fresh_path(dir, sizeof dir, "leftover");
    fresh_path(fresh, sizeof fresh, "leftover-fresh");
    publish_ok(dir, g.var, 300, 0);
    publish_ok(fresh, g.var, 700, 0);

    /* Plant wrong tiles and bundles of the right lengths, as well as a
     * stale temporary file. */
    static const char *const planted[] = {"tile/0/001", "tile/entries/001", "tile/0/002.p/188"};
    for (size_t i = 0; i < 3; i++) {
        join_path(path, sizeof path, fresh, planted[i]);
        uint8_t *data = read_file(path, &len);
        assert_non_null(data);
        memset(data, 0xee, len);
        char dst[PATH_MAX];
        join_path(dst, sizeof dst, dir, planted[i]);
        char parent[PATH_MAX];
        snprintf(parent, sizeof parent, "%s", dst);
        *strrchr(parent, '/') = '\0';
        mkdir(parent, 0755);
        chmod(parent, 0755);
        write_whole_file(dst, data, len);
        chmod(dst, 0644);
        free(data);
    }
    join_path(path, sizeof path, dir, "tile/0/002.p/.188.tmp");
    write_whole_file(path, "x", 1);

    publish_ok(dir, g.var, 700, 0);
    uint8_t *note = sign_size(g.var, 700, &g.log, &len);
    static const char *const extra[] = {"tile/1/000.p/1"};
    verify_published(dir, g.var, 700, note, len, extra, 1);
    free(note);
    remove_tree(dir);
    remove_tree(fresh);
}

/* The directory never goes back or forks, and the note must fit. */
static void test_write_refusals(void **state)
{
    (void)state;
    char dir[PATH_MAX], path[PATH_MAX];
    size_t len, before_len;
    lh_err err = {{0}};
    fresh_path(dir, sizeof dir, "refuse");
    publish_ok(dir, g.var, 700, 0);
    join_path(path, sizeof path, dir, "checkpoint");
    uint8_t *before = read_file(path, &before_len);
    assert_non_null(before);

    /* A shorter tree. */
    uint8_t *note = sign_size(g.var, 300, &g.log, &len);
    assert_int_equal(publish_write(dir, g.var, 300, note, len, 0, &err), LH_EFORK);
    assert_non_null(strstr(err.msg, "shorter"));
    free(note);

    /* A store forked from the published tree. */
    note = sign_size(g.var_fork, 800, &g.log, &len);
    assert_int_equal(publish_write(dir, g.var_fork, 800, note, len, 0, &err), LH_EFORK);
    assert_non_null(strstr(err.msg, "inconsistent"));
    free(note);

    /* A note for another size, a root that is not the store's, a size
     * beyond the store, prev_size beyond size, not a checkpoint at all. */
    note = sign_size(g.var, 750, &g.log, &len);
    assert_int_equal(publish_write(dir, g.var, 751, note, len, 0, &err), LH_EINVAL);
    assert_int_equal(publish_write(dir, g.var, 750, note, len, 751, &err), LH_EINVAL);
    free(note);
    note = sign_root(750, 0xab, &len);
    assert_int_equal(publish_write(dir, g.var, 750, note, len, 0, &err), LH_EFORK);
    assert_non_null(strstr(err.msg, "root"));
    free(note);
    note = sign_root(VAR_STORE_SIZE + 1, 0xab, &len);
    assert_int_equal(publish_write(dir, g.var, VAR_STORE_SIZE + 1, note, len, 0, &err), LH_ERANGE);
    free(note);
    static const uint8_t junk[] = "not a checkpoint\n\n";
    assert_true(publish_write(dir, g.var, 750, junk, sizeof junk - 1, 0, &err) < 0);
    assert_int_equal(publish_write(dir, g.var, 750, NULL, 0, 0, &err), LH_EINVAL);

    /* Nothing changed. */
    uint8_t *after = read_file(path, &len);
    assert_non_null(after);
    assert_int_equal(len, before_len);
    assert_memory_equal(after, before, len);
    free(after);

    /* The checkpoint of another log in the directory is not overwritten. */
    note_signer stranger;
    uint8_t seed[NOTE_SEED_LEN];
    memset(seed, 0x17, sizeof seed);
    assert_int_equal(
        note_signer_from_seed(&stranger, "example.org/stranger", 20, NOTE_TYPE_ED25519, seed), 0);
    checkpoint cp;
    memset(&cp, 0, sizeof cp);
    snprintf(cp.origin, sizeof cp.origin, "example.org/stranger");
    cp.size = 10;
    note = malloc(CHECKPOINT_SIGNED_MAX);
    assert_non_null(note);
    assert_int_equal(checkpoint_sign(&cp, &stranger, note, CHECKPOINT_SIGNED_MAX, &len, &err), 0);
    note_signer_wipe(&stranger);
    write_whole_file(path, note, len);
    free(note);
    note = sign_size(g.var, 750, &g.log, &len);
    assert_int_equal(publish_write(dir, g.var, 750, note, len, 0, &err), LH_EFORK);
    assert_non_null(strstr(err.msg, "example.org/stranger"));
    free(note);

    /* An unreadable checkpoint in the directory is not overwritten. */
    write_whole_file(path, "garbage", 7);
    chmod(path, 0644);
    note = sign_size(g.var, 750, &g.log, &len);
    assert_true(publish_write(dir, g.var, 750, note, len, 0, &err) < 0);
    assert_non_null(strstr(err.msg, "malformed"));
    free(note);
    free(before);
    remove_tree(dir);
}

/* A failed publication leaves the previous one whole and is retried. */
static void test_write_failure(void **state)
{
    (void)state;
    char dir[PATH_MAX], path[PATH_MAX];
    size_t len, before_len;
    lh_err err = {{0}};
    fresh_path(dir, sizeof dir, "failure");
    publish_ok(dir, g.var, 300, 0);
    join_path(path, sizeof path, dir, "checkpoint");
    uint8_t *before = read_file(path, &before_len);
    assert_non_null(before);

    /* A file where the directory of a new partial bundle must go. */
    char blocker[PATH_MAX];
    join_path(blocker, sizeof blocker, dir, "tile/entries/002.p");
    write_whole_file(blocker, "x", 1);
    uint8_t *note = sign_size(g.var, 700, &g.log, &len);
    int rc = publish_write(dir, g.var, 700, note, len, 300, &err);
    assert_int_equal(rc, -ENOTDIR);
    assert_non_null(strstr(err.msg, "tile/entries/002.p"));
    free(note);
    uint8_t *after = read_file(path, &len);
    assert_non_null(after);
    assert_int_equal(len, before_len);
    assert_memory_equal(after, before, len);
    free(after);
    free(before);

    /* Retried after the cause is gone. */
    assert_int_equal(unlink(blocker), 0);
    publish_ok(dir, g.var, 700, 300);
    note = sign_size(g.var, 700, &g.log, &len);
    static const char *const extra[] = {"tile/1/000.p/1"};
    verify_published(dir, g.var, 700, note, len, extra, 1);
    free(note);

    /* The publish directory's parent must exist. */
    char deep[PATH_MAX];
    join_path(deep, sizeof deep, dir, "no/such/dir");
    note = sign_size(g.var, 10, &g.log, &len);
    assert_int_equal(publish_write(deep, g.var, 10, note, len, 0, &err), -ENOENT);
    assert_non_null(strstr(err.msg, deep));
    free(note);
    remove_tree(dir);
}

/* Number of entries in a directory, recursively, without following links. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        n++;
        char sub[PATH_MAX];
        join_path(sub, sizeof sub, dir, de->d_name);
        struct stat st;
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            n += count_entries(sub);
    }
    closedir(d);
    return n;
}

/* A directory of the tiles swapped for a symbolic link to a directory
 * elsewhere (as an attacker racing an export would): the publication
 * fails with ELOOP and writes nothing through the link. */
static void test_write_through_symlink(void **state)
{
    (void)state;
    char dir[PATH_MAX], outside[PATH_MAX], tiles[PATH_MAX], path[PATH_MAX];
    size_t len, before_len;
    lh_err err = {{0}};
    fresh_path(dir, sizeof dir, "swapped");
    fresh_path(outside, sizeof outside, "elsewhere");
    assert_int_equal(mkdir(outside, 0700), 0);
    publish_ok(dir, g.var, 300, 0);
    join_path(path, sizeof path, dir, "checkpoint");
    uint8_t *before = read_file(path, &before_len);
    assert_non_null(before);

    /* dir/tile/entries -> outside/entries, a real directory elsewhere. */
    char entries[PATH_MAX], moved[PATH_MAX];
    join_path(entries, sizeof entries, dir, "tile/entries");
    join_path(moved, sizeof moved, outside, "entries");
    assert_int_equal(rename(entries, moved), 0);
    assert_int_equal(symlink(moved, entries), 0);
    int outside_before = count_entries(outside);
    uint8_t *note = sign_size(g.var, 700, &g.log, &len);
    int rc = publish_write(dir, g.var, 700, note, len, 0, &err);
    assert_int_equal(rc, -ELOOP);
    assert_int_equal(count_entries(outside), outside_before);

    /* The same one level up: dir/tile -> outside/tile. */
    assert_int_equal(unlink(entries), 0);
    assert_int_equal(rename(moved, entries), 0);
    join_path(tiles, sizeof tiles, dir, "tile");
    join_path(moved, sizeof moved, outside, "tile");
    assert_int_equal(rename(tiles, moved), 0);
    assert_int_equal(symlink(moved, tiles), 0);
    outside_before = count_entries(outside);
    rc = publish_write(dir, g.var, 700, note, len, 0, &err);
    assert_int_equal(rc, -ELOOP);
    assert_int_equal(count_entries(outside), outside_before);
    free(note);

    /* The checkpoint is the one before. */
    uint8_t *after = read_file(path, &len);
    assert_non_null(after);
    assert_int_equal(len, before_len);
    assert_memory_equal(after, before, len);
    free(after);
    free(before);
    assert_int_equal(unlink(tiles), 0);
    remove_tree(dir);
    remove_tree(outside);
}

/* ---------------------------------------------------------------------
 * publish_check_start
 * --------------------------------------------------------------------- */

static void test_check_start(void **state)
{
    (void)state;
    char dir[PATH_MAX], path[PATH_MAX];
    size_t len;
    lh_err err = {{0}};
    fresh_path(dir, sizeof dir, "check");

    /* Nothing published yet: no directory, then an empty one. */
    assert_int_equal(publish_check_start(dir, g.var, &g.log_v, &err), 0);
    assert_int_equal(mkdir(dir, 0755), 0);
    assert_int_equal(publish_check_start(dir, g.var, &g.log_v, &err), 0);

    publish_ok(dir, g.var, 700, 0);
    /* The store that published it, and a longer one that extends it. */
    assert_int_equal(publish_check_start(dir, g.var, &g.log_v, &err), 0);

    /* A store behind the published checkpoint (an old backup). */
    assert_int_equal(publish_check_start(dir, g.var_short, &g.log_v, &err), LH_EFORK);
    assert_non_null(strstr(err.msg, "has 700 entries but the store only 500"));
    assert_non_null(strstr(err.msg, dir));

    /* A store with another leaf at some index. */
    assert_int_equal(publish_check_start(dir, g.var_fork, &g.log_v, &err), LH_EFORK);
    assert_non_null(strstr(err.msg, "inconsistent"));
    assert_non_null(strstr(err.msg, "700"));

    /* A checkpoint signed by another key with the same name. */
    join_path(path, sizeof path, dir, "checkpoint");
    uint8_t *note = sign_size(g.var, 700, &g.other, &len);
    write_whole_file(path, note, len);
    assert_int_equal(publish_check_start(dir, g.var, &g.log_v, &err), LH_ENOKEY);
    assert_non_null(strstr(err.msg, path));
    free(note);

    /* A checkpoint whose signature does not verify. */
    note = sign_size(g.var, 700, &g.log, &len);
    note[len - 6] = note[len - 6] == 'A' ? 'B' : 'A';
    write_whole_file(path, note, len);
    assert_int_equal(publish_check_start(dir, g.var, &g.log_v, &err), LH_EBADSIG);
    assert_non_null(strstr(err.msg, path));
    free(note);

    /* Not a note; too large; not a file. */
    write_whole_file(path, "garbage\n", 8);
    assert_true(publish_check_start(dir, g.var, &g.log_v, &err) < 0);
    assert_non_null(strstr(err.msg, path));
    uint8_t *big = calloc(1, NOTE_MAX_SIZE + 1);
    assert_non_null(big);
    write_whole_file(path, big, NOTE_MAX_SIZE + 1);
    free(big);
    assert_int_equal(publish_check_start(dir, g.var, &g.log_v, &err), LH_ETOOBIG);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(publish_check_start(dir, g.var, &g.log_v, &err), -EISDIR);
    assert_int_equal(rmdir(path), 0);

    /* The publish directory is a file. */
    char file[PATH_MAX];
    fresh_path(file, sizeof file, "notadir");
    write_whole_file(file, "x", 1);
    assert_int_equal(publish_check_start(file, g.var, &g.log_v, &err), -ENOTDIR);
    assert_int_equal(unlink(file), 0);
    remove_tree(dir);
}

/* ---------------------------------------------------------------------
 * The publisher thread
 * --------------------------------------------------------------------- */

/* What the test's latest callback gives. */
typedef struct latest_state {
    pthread_mutex_t mu;
    store *st;
    uint64_t size;
    int rc;         /* returned instead when non-zero */
    unsigned calls; /* how many times it was called */
} latest_state;

static int latest_cb(void *ctx, uint64_t *size, uint8_t **note, size_t *len)
{
    latest_state *ls = ctx;
    pthread_mutex_lock(&ls->mu);
    ls->calls++;
    int rc = ls->rc;
    uint64_t s = ls->size;
    pthread_mutex_unlock(&ls->mu);
    if (rc != 0)
        return rc;
    *note = sign_size(ls->st, s, &g.log, len);
    *size = s;
    return 0;
}

static void latest_set(latest_state *ls, uint64_t size, int rc)
{
    pthread_mutex_lock(&ls->mu);
    ls->size = size;
    ls->rc = rc;
    pthread_mutex_unlock(&ls->mu);
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Wait up to 10 s for the publisher's last_at to differ from `old`. */
static int64_t wait_published(publisher *pub, int64_t old)
{
    for (int i = 0; i < 1000; i++) {
        int64_t at = publish_last_at(pub);
        if (at != old)
            return at;
        sleep_ms(10);
    }
    fail_msg("no publication within 10 s");
    return 0;
}

/* Wait up to 10 s for a file to have `lines` lines; return its contents. */
static char *wait_lines(const char *path, size_t lines)
{
    for (int i = 0; i < 1000; i++) {
        size_t len, n = 0;
        uint8_t *data = read_file(path, &len);
        if (data != NULL) {
            for (size_t k = 0; k < len; k++)
                n += data[k] == '\n';
            if (n >= lines)
                return (char *)data;
            free(data);
        }
        sleep_ms(10);
    }
    fail_msg("%s: fewer than %zu lines after 10 s", path, lines);
    return NULL;
}

/* Send the log lines (stderr) to a file while a test looks at them. */
typedef struct captured {
    char path[PATH_MAX];
    int saved;
} captured;

static void capture_begin(captured *c)
{
    fresh_path(c->path, sizeof c->path, "stderr");
    int fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    fflush(stderr);
    c->saved = dup(STDERR_FILENO);
    assert_true(c->saved >= 0);
    assert_true(dup2(fd, STDERR_FILENO) >= 0);
    close(fd);
}

/* Restore stderr; return what was logged (malloc'd), and echo it. */
static char *capture_end(captured *c)
{
    size_t len;
    fflush(stderr);
    assert_true(dup2(c->saved, STDERR_FILENO) >= 0);
    close(c->saved);
    char *text = (char *)read_file(c->path, &len);
    assert_non_null(text);
    fputs(text, stderr);
    unlink(c->path);
    return text;
}

/* A hook script that records its argument and the checkpoint it sees. */
static void make_hook(const char *dir, char *hook, size_t cap)
{
    char script[PATH_MAX * 3];
    snprintf(hook, cap, "%s/hook.sh", dir);
    snprintf(script, sizeof script,
             "#!/bin/sh\n"
             "cat \"$1\" >> '%s/hook-seen'\n"
             "printf '%%s\\n' \"$1\" >> '%s/hook-args'\n",
             dir, dir);
    write_whole_file(hook, script, strlen(script));
    assert_int_equal(chmod(hook, 0755), 0);
}

/* Publication on request, the hook with the checkpoint's path as $1, and
 * the final publication at stop. */
static void test_publisher_hook(void **state)
{
    (void)state;
    char work[PATH_MAX], dir[PATH_MAX], hook[PATH_MAX], path[PATH_MAX], cpath[PATH_MAX];
    size_t len, len300, len700;
    lh_err err = {{0}};
    fresh_path(work, sizeof work, "hookwork");
    assert_int_equal(mkdir(work, 0700), 0);
    make_hook(work, hook, sizeof hook);
    join_path(dir, sizeof dir, work, "published dir"); /* a space: $1 must be quoted */
    join_path(cpath, sizeof cpath, dir, "checkpoint");

    latest_state ls = {.st = g.var, .size = 300};
    pthread_mutex_init(&ls.mu, NULL);
    publish_config cfg = {.dir = dir,
                          .hook = hook,
                          .interval_seconds = 0,
                          .store = g.var,
                          .latest = latest_cb,
                          .latest_ctx = &ls};
    publisher *pub;
    assert_int_equal(publish_start(&pub, &cfg, &err), 0);
    struct stat sb;
    assert_int_equal(stat(dir, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0755);
    assert_int_equal(publish_last_at(pub), 0);

    publish_request(pub);
    int64_t at = wait_published(pub, 0);
    assert_true(at > 1700000000000);
    join_path(path, sizeof path, work, "hook-args");
    char *args = wait_lines(path, 1);
    char want[PATH_MAX * 2 + 8];
    snprintf(want, sizeof want, "%s\n", cpath);
    assert_string_equal(args, want);
    free(args);

    /* publish_stop publishes the latest checkpoint and runs the hook. */
    latest_set(&ls, 700, 0);
    publish_stop(pub, true);
    args = wait_lines(path, 2);
    snprintf(want, sizeof want, "%s\n%s\n", cpath, cpath);
    assert_string_equal(args, want);
    free(args);

    /* The hook saw each checkpoint once it was in place. */
    uint8_t *n300 = sign_size(g.var, 300, &g.log, &len300);
    uint8_t *n700 = sign_size(g.var, 700, &g.log, &len700);
    join_path(path, sizeof path, work, "hook-seen");
    uint8_t *seen = read_file(path, &len);
    assert_non_null(seen);
    assert_int_equal(len, len300 + len700);
    assert_memory_equal(seen, n300, len300);
    assert_memory_equal(seen + len300, n700, len700);
    free(seen);
    static const char *const extra[] = {"tile/1/000.p/1"};
    verify_published(dir, g.var, 700, n700, len700, extra, 1);
    free(n300);
    free(n700);
    pthread_mutex_destroy(&ls.mu);
    remove_tree(work);
}

/* Publication every interval without a request; an unchanged size is not
 * published again. */
static void test_publisher_interval(void **state)
{
    (void)state;
    char work[PATH_MAX], dir[PATH_MAX], hook[PATH_MAX], path[PATH_MAX];
    lh_err err = {{0}};
    fresh_path(work, sizeof work, "interval");
    assert_int_equal(mkdir(work, 0700), 0);
    make_hook(work, hook, sizeof hook);
    join_path(dir, sizeof dir, work, "pub");

    latest_state ls = {.st = g.var, .size = 256};
    pthread_mutex_init(&ls.mu, NULL);
    publish_config cfg = {.dir = dir,
                          .hook = hook,
                          .interval_seconds = 1,
                          .store = g.var,
                          .latest = latest_cb,
                          .latest_ctx = &ls};
    publisher *pub;
    assert_int_equal(publish_start(&pub, &cfg, &err), 0);
    int64_t at = wait_published(pub, 0);
    join_path(path, sizeof path, work, "hook-args");
    free(wait_lines(path, 1));

    publish_request(pub);
    sleep_ms(300);
    assert_true(publish_last_at(pub) == at);
    publish_stop(pub, true);
    size_t len;
    uint8_t *args = read_file(path, &len);
    assert_non_null(args);
    assert_non_null(strchr((char *)args, '\n'));
    assert_null(strchr(strchr((char *)args, '\n') + 1, '\n')); /* one line: one hook run */
    free(args);
    assert_true(ls.calls >= 2);
    pthread_mutex_destroy(&ls.mu);
    remove_tree(work);
}

/* A failing hook and a hook past its timeout are logged, nothing more. */
static void test_publisher_bad_hooks(void **state)
{
    (void)state;
    static const struct {
        const char *hook;
        const char *logged;
    } cases[] = {
        {"false", "exited with status 1"},
        {"kill -TERM $$; :", "killed by signal 15"},
        {"sleep 30; :", "still running after 1 s: killed"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char dir[PATH_MAX];
        lh_err err = {{0}};
        fresh_path(dir, sizeof dir, "badhook");
        latest_state ls = {.st = g.var, .size = 10};
        pthread_mutex_init(&ls.mu, NULL);
        publish_config cfg = {.dir = dir,
                              .hook = cases[i].hook,
                              .hook_timeout_seconds = 1,
                              .store = g.var,
                              .latest = latest_cb,
                              .latest_ctx = &ls};
        captured cap;
        publisher *pub;
        struct timespec t0, t1;
        capture_begin(&cap);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(publish_start(&pub, &cfg, &err), 0);
        publish_request(pub);
        wait_published(pub, 0);
        publish_stop(pub, true);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        char *log = capture_end(&cap);
        if (strstr(log, cases[i].logged) == NULL || strstr(log, cases[i].hook) == NULL)
            fail_msg("hook `%s': the log lacks \"%s\": %s", cases[i].hook, cases[i].logged, log);
        free(log);
        /* The timeout is one second, not the hook's thirty. */
        assert_true(t1.tv_sec - t0.tv_sec < 10);
        assert_true(exists(dir, "checkpoint"));
        pthread_mutex_destroy(&ls.mu);
        remove_tree(dir);
    }
}

/* A failed publication is logged and retried; no checkpoint yet is quiet. */
static void test_publisher_retry(void **state)
{
    (void)state;
    char dir[PATH_MAX], blocker[PATH_MAX];
    lh_err err = {{0}};
    fresh_path(dir, sizeof dir, "retry");
    assert_int_equal(mkdir(dir, 0755), 0);
    join_path(blocker, sizeof blocker, dir, "tile");
    write_whole_file(blocker, "x", 1);

    latest_state ls = {.st = g.var, .rc = LH_ENOTFOUND};
    pthread_mutex_init(&ls.mu, NULL);
    publish_config cfg = {.dir = dir, .store = g.var, .latest = latest_cb, .latest_ctx = &ls};
    publisher *pub;
    captured cap;
    capture_begin(&cap);
    assert_int_equal(publish_start(&pub, &cfg, &err), 0);

    /* No checkpoint signed yet: nothing happens. */
    publish_request(pub);
    for (int i = 0; i < 500; i++) {
        pthread_mutex_lock(&ls.mu);
        unsigned calls = ls.calls;
        pthread_mutex_unlock(&ls.mu);
        if (calls >= 1)
            break;
        sleep_ms(10);
    }
    /* Then a publication that fails on the blocker. */
    latest_set(&ls, 300, 0);
    publish_request(pub);
    for (int i = 0; i < 500; i++) {
        pthread_mutex_lock(&ls.mu);
        unsigned calls = ls.calls;
        pthread_mutex_unlock(&ls.mu);
        if (calls >= 2)
            break;
        sleep_ms(10);
    }
    sleep_ms(200);
    assert_int_equal(publish_last_at(pub), 0);
    assert_false(exists(dir, "checkpoint"));

    /* Retried once the cause is gone. */
    assert_int_equal(unlink(blocker), 0);
    publish_request(pub);
    wait_published(pub, 0);
    publish_stop(pub, true);
    char *log = capture_end(&cap);
    if (strstr(log, "tile") == NULL || strstr(log, "retrying") == NULL)
        fail_msg("the failed publication was not logged: %s", log);
    free(log);
    size_t len;
    uint8_t *note = sign_size(g.var, 300, &g.log, &len);
    verify_published(dir, g.var, 300, note, len, NULL, 0);
    free(note);
    pthread_mutex_destroy(&ls.mu);
    remove_tree(dir);
}

static void test_publisher_args(void **state)
{
    (void)state;
    lh_err err = {{0}};
    publisher *pub = (publisher *)&err; /* any non-NULL value: it must be reset */
    latest_state ls = {.st = g.var};
    publish_config cfg = {.dir = NULL, .store = g.var, .latest = latest_cb, .latest_ctx = &ls};
    assert_int_equal(publish_start(&pub, &cfg, &err), LH_EINVAL);
    assert_null(pub);
    cfg.dir = "/nonexistent-liuhen-parent/publish";
    assert_int_equal(publish_start(&pub, &cfg, &err), -ENOENT);
    assert_non_null(strstr(err.msg, cfg.dir));
    char file[PATH_MAX];
    fresh_path(file, sizeof file, "file");
    write_whole_file(file, "x", 1);
    cfg.dir = file;
    assert_int_equal(publish_start(&pub, &cfg, &err), -ENOTDIR);
    unlink(file);
    assert_int_equal(publish_stop(NULL, true), 0);
    publish_request(NULL);
    assert_int_equal(publish_last_at(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_varied_leaves),
        cmocka_unit_test(test_incremental),
        cmocka_unit_test(test_incremental_levels),
        cmocka_unit_test(test_leftover_tiles_rewritten),
        cmocka_unit_test(test_write_refusals),
        cmocka_unit_test(test_write_failure),
        cmocka_unit_test(test_write_through_symlink),
        cmocka_unit_test(test_check_start),
        cmocka_unit_test(test_publisher_hook),
        cmocka_unit_test(test_publisher_interval),
        cmocka_unit_test(test_publisher_bad_hooks),
        cmocka_unit_test(test_publisher_retry),
        cmocka_unit_test(test_publisher_args),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
