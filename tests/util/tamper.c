/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * tamper.c — build and alter C2SP tlog-tiles directories (see tamper.h).
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "tamper.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "checkpoint.h"
#include "cosig.h"
#include "keyfile.h"
#include "memstore.h"
#include "text.h"
#include "validate.h"

/* ---- files ----------------------------------------------------------------------------------- */

/* The signature line prefix of c2sp.org/signed-note: an em dash and a space. */
static const char SIG_PREFIX[] = "\xe2\x80\x94 ";
#define SIG_PREFIX_LEN (sizeof SIG_PREFIX - 1)

/* dir "/" rel into out, or -ENAMETOOLONG. */
static int join(char *out, size_t cap, const char *dir, const char *rel, lh_err *err)
{
    int n = snprintf(out, cap, "%s/%s", dir, rel);
    if (n < 0 || (size_t)n >= cap)
        return lh_err_set(err, -ENAMETOOLONG, "%s/%s: path too long", dir, rel);
    return 0;
}

int tamper_read_file(const char *path, size_t max, uint8_t **out, size_t *len, lh_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return lh_err_set(err, -errno, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return lh_err_set(err, -e, "%s: cannot stat: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return lh_err_set(err, LH_EINVAL, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > max) {
        close(fd);
        return lh_err_set(err, LH_ETOOBIG, "%s: %lld bytes, more than the %zu expected", path,
                          (long long)st.st_size, max);
    }
    size_t size = (size_t)st.st_size;
    uint8_t *buf = malloc(size + 1);
    if (buf == NULL) {
        close(fd);
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory for %zu bytes", path, size);
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            free(buf);
            close(fd);
            return lh_err_set(err, -e, "%s: cannot read: %s", path,
                              n < 0 ? strerror(e) : "shorter than its size");
        }
        got += (size_t)n;
    }
    close(fd);
    buf[size] = '\0';
    *out = buf;
    *len = size;
    return 0;
}

/* Write a whole file at path (created or truncated, mode 0644). */
static int write_path(const char *path, const void *data, size_t len, lh_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return lh_err_set(err, -errno, "%s: cannot create: %s", path, strerror(errno));
    const uint8_t *p = data;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, p + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            return lh_err_set(err, -e, "%s: cannot write: %s", path, strerror(e));
        }
        done += (size_t)n;
    }
    if (close(fd) != 0)
        return lh_err_set(err, -errno, "%s: cannot close: %s", path, strerror(errno));
    return 0;
}

int tamper_write_file(const char *dir, const char *rel, const void *data, size_t len, lh_err *err)
{
    char path[PATH_MAX];
    int rc = join(path, sizeof path, dir, rel, err);
    if (rc != 0)
        return rc;
    /* Create each missing directory of rel (tile paths nest: tile/0/x001/234). */
    size_t base = strlen(dir) + 1;
    for (char *slash = strchr(path + base, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            int e = errno;
            return lh_err_set(err, -e, "%s: cannot create the directory: %s", path, strerror(e));
        }
        *slash = '/';
    }
    return write_path(path, data, len, err);
}

int tamper_flip_byte(const char *dir, const char *rel, uint64_t offset, uint8_t mask, lh_err *err)
{
    char path[PATH_MAX];
    int rc = join(path, sizeof path, dir, rel, err);
    if (rc != 0)
        return rc;
    if (mask == 0)
        return lh_err_set(err, LH_EINVAL, "%s: a zero mask flips nothing", path);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return lh_err_set(err, -errno, "%s: cannot open: %s", path, strerror(errno));
    uint8_t b;
    ssize_t n = pread(fd, &b, 1, (off_t)offset);
    if (n != 1) {
        int e = n < 0 ? errno : 0;
        close(fd);
        if (e != 0)
            return lh_err_set(err, -e, "%s: cannot read: %s", path, strerror(e));
        return lh_err_set(err, LH_ERANGE, "%s: no byte at offset %llu", path,
                          (unsigned long long)offset);
    }
    b ^= mask;
    if (pwrite(fd, &b, 1, (off_t)offset) != 1) {
        int e = errno;
        close(fd);
        return lh_err_set(err, -e, "%s: cannot write: %s", path, strerror(e));
    }
    close(fd);
    return 0;
}

static int copy_file(const char *from, const char *to, lh_err *err)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    /* Tiles and bundles are at most TILE_BUNDLE_MAX bytes; checkpoints far less. */
    int rc = tamper_read_file(from, TILE_BUNDLE_MAX, &buf, &len, err);
    if (rc == 0)
        rc = write_path(to, buf, len, err);
    free(buf);
    return rc;
}

int tamper_copy_dir(const char *from, const char *to, lh_err *err)
{
    if (mkdir(to, 0755) != 0)
        return lh_err_set(err, -errno, "%s: cannot create: %s", to, strerror(errno));
    DIR *d = opendir(from);
    if (d == NULL)
        return lh_err_set(err, -errno, "%s: cannot open the directory: %s", from, strerror(errno));
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char src[PATH_MAX], dst[PATH_MAX];
        if ((rc = join(src, sizeof src, from, de->d_name, err)) != 0 ||
            (rc = join(dst, sizeof dst, to, de->d_name, err)) != 0)
            break;
        struct stat st;
        if (lstat(src, &st) != 0)
            rc = lh_err_set(err, -errno, "%s: cannot stat: %s", src, strerror(errno));
        else if (S_ISDIR(st.st_mode))
            rc = tamper_copy_dir(src, dst, err);
        else if (S_ISREG(st.st_mode))
            rc = copy_file(src, dst, err);
        else
            rc = lh_err_set(err, LH_EINVAL, "%s: neither a file nor a directory", src);
    }
    closedir(d);
    return rc;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) == 0 ? 0 : -errno;
}

int tamper_remove_dir(const char *dir)
{
    int rc = nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    return rc == -1 ? -errno : rc;
}

/* ---- leaf lists ------------------------------------------------------------------------------ */

static int leaf_copy(const uint8_t *data, size_t len, uint8_t **out)
{
    *out = NULL;
    if (len == 0)
        return 0;
    if ((*out = malloc(len)) == NULL)
        return LH_ENOMEM;
    memcpy(*out, data, len);
    return 0;
}

int tamper_leaves_add(tamper_leaves *l, const uint8_t *data, size_t len)
{
    if (len > TILE_ENTRY_MAX)
        return LH_ETOOBIG;
    if (l->count == l->cap) {
        size_t cap = l->cap == 0 ? 64 : l->cap * 2;
        uint8_t **d = realloc(l->data, cap * sizeof *d);
        if (d == NULL)
            return LH_ENOMEM;
        l->data = d;
        size_t *n = realloc(l->len, cap * sizeof *n);
        if (n == NULL)
            return LH_ENOMEM;
        l->len = n;
        l->cap = cap;
    }
    if (leaf_copy(data, len, &l->data[l->count]) != 0)
        return LH_ENOMEM;
    l->len[l->count++] = len;
    return 0;
}

int tamper_leaves_set(tamper_leaves *l, size_t i, const uint8_t *data, size_t len)
{
    if (i >= l->count)
        return LH_ERANGE;
    if (len > TILE_ENTRY_MAX)
        return LH_ETOOBIG;
    uint8_t *copy;
    if (leaf_copy(data, len, &copy) != 0)
        return LH_ENOMEM;
    free(l->data[i]);
    l->data[i] = copy;
    l->len[i] = len;
    return 0;
}

int tamper_leaves_remove(tamper_leaves *l, size_t i)
{
    if (i >= l->count)
        return LH_ERANGE;
    free(l->data[i]);
    memmove(&l->data[i], &l->data[i + 1], (l->count - i - 1) * sizeof *l->data);
    memmove(&l->len[i], &l->len[i + 1], (l->count - i - 1) * sizeof *l->len);
    l->count--;
    return 0;
}

void tamper_leaves_free(tamper_leaves *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->count; i++)
        free(l->data[i]);
    free(l->data);
    free(l->len);
    memset(l, 0, sizeof *l);
}

/* The entry bundle of a tree of `size` leaves that holds leaf `index`. */
static tile bundle_of(uint64_t size, uint64_t index)
{
    uint64_t n = index / TILE_WIDTH;
    unsigned width = n < size / TILE_WIDTH ? TILE_WIDTH : (unsigned)(size % TILE_WIDTH);
    tile t = {.level = TILE_LEVEL_ENTRIES, .n = n, .width = width};
    return t;
}

/* The tree size of DIR/checkpoint, from its text (signatures unchecked). */
static int checkpoint_size(const char *dir, uint64_t *size, lh_err *err)
{
    char path[PATH_MAX];
    int rc = join(path, sizeof path, dir, "checkpoint", err);
    if (rc != 0)
        return rc;
    uint8_t *note = NULL;
    size_t len = 0;
    if ((rc = tamper_read_file(path, NOTE_MAX_SIZE, &note, &len, err)) != 0)
        return rc;
    /* signed-note: the text ends at the first blank line, since a
     * checkpoint's text has none. */
    const char *blank = strstr((const char *)note, "\n\n");
    if (blank == NULL) {
        free(note);
        return lh_err_set(err, LH_EPARSE, "%s: no blank line before the signatures", path);
    }
    checkpoint cp;
    lh_err e2 = {{0}};
    rc = checkpoint_parse_text(note, (size_t)(blank + 1 - (const char *)note), &cp, &e2);
    free(note);
    if (rc != 0)
        return lh_err_set(err, rc, "%s: %s", path, e2.msg);
    *size = cp.size;
    return 0;
}

int tamper_read_dir(const char *dir, tamper_leaves *out, lh_err *err)
{
    uint64_t size = 0;
    int rc = checkpoint_size(dir, &size, err);
    for (uint64_t first = 0; rc == 0 && first < size; first += TILE_WIDTH) {
        tile t = bundle_of(size, first);
        char rel[TILE_PATH_MAX], path[PATH_MAX];
        uint8_t *buf = NULL;
        size_t len = 0;
        if ((rc = tile_path(rel, sizeof rel, &t)) != 0 ||
            (rc = join(path, sizeof path, dir, rel, err)) != 0 ||
            (rc = tamper_read_file(path, TILE_BUNDLE_MAX, &buf, &len, err)) != 0)
            break;
        if ((rc = tile_bundle_check(buf, len, t.width)) != 0) {
            lh_err_set(err, rc, "%s: not a bundle of %u entries (%s)", path, t.width,
                       lh_strerror(rc));
        } else {
            size_t off = 0;
            const uint8_t *entry;
            size_t entry_len;
            while (rc == 0 && tile_bundle_next(buf, len, &off, &entry, &entry_len) == 1)
                if ((rc = tamper_leaves_add(out, entry, entry_len)) != 0)
                    lh_err_set(err, rc, "%s: out of memory", path);
        }
        free(buf);
    }
    if (rc != 0)
        tamper_leaves_free(out);
    return rc;
}

/* ---- writing tiles directories ----------------------------------------------------------------
 */

struct tamper_writer {
    char dir[PATH_MAX];
    memstore ms;     /* every stored hash of the tree so far (merkle.h numbering) */
    uint8_t *bundle; /* the entry bundle being filled */
    size_t bundle_len;
    size_t bundle_cap;
    unsigned bundle_count; /* entries in it */
    uint64_t size;         /* leaves added */
};

int tamper_writer_new(const char *dir, tamper_writer **out, lh_err *err)
{
    *out = NULL;
    tamper_writer *w = calloc(1, sizeof *w);
    if (w == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory for a writer", dir);
    if (strlen(dir) >= sizeof w->dir) {
        free(w);
        return lh_err_set(err, -ENAMETOOLONG, "%s: path too long", dir);
    }
    if (mkdir(dir, 0755) != 0) {
        int e = errno;
        free(w);
        return lh_err_set(err, -e, "%s: cannot create: %s", dir, strerror(e));
    }
    strcpy(w->dir, dir);
    *out = w;
    return 0;
}

static int write_tile(tamper_writer *w, const tile *t, const uint8_t *data, size_t len, lh_err *err)
{
    char rel[TILE_PATH_MAX];
    int rc = tile_path(rel, sizeof rel, t);
    if (rc != 0)
        return lh_err_set(err, rc, "%s: tile level %d index %llu width %u has no path", w->dir,
                          t->level, (unsigned long long)t->n, t->width);
    return tamper_write_file(w->dir, rel, data, len, err);
}

static int flush_bundle(tamper_writer *w, lh_err *err)
{
    if (w->bundle_count == 0)
        return 0;
    tile t = {
        .level = TILE_LEVEL_ENTRIES, .n = (w->size - 1) / TILE_WIDTH, .width = w->bundle_count};
    int rc = write_tile(w, &t, w->bundle, w->bundle_len, err);
    w->bundle_len = 0;
    w->bundle_count = 0;
    return rc;
}

int tamper_writer_add(tamper_writer *w, const uint8_t *leaf, size_t len,
                      uint8_t leaf_hash[MERKLE_HASH_SIZE], lh_err *err)
{
    if (len > TILE_ENTRY_MAX)
        return lh_err_set(err, LH_ETOOBIG, "leaf %llu: %zu bytes, more than a bundle carries",
                          (unsigned long long)w->size, len);
    if (w->bundle_cap - w->bundle_len < 2 + len) {
        size_t cap = w->bundle_cap == 0 ? 65536 : w->bundle_cap;
        while (cap - w->bundle_len < 2 + len)
            cap *= 2;
        uint8_t *b = realloc(w->bundle, cap);
        if (b == NULL)
            return lh_err_set(err, LH_ENOMEM, "out of memory for an entry bundle");
        w->bundle = b;
        w->bundle_cap = cap;
    }
    int rc = tile_bundle_append(w->bundle, w->bundle_cap, &w->bundle_len, leaf, len);
    if (rc != 0)
        return lh_err_set(err, rc, "leaf %llu: cannot go into a bundle: %s",
                          (unsigned long long)w->size, lh_strerror(rc));
    uint8_t h[MERKLE_HASH_SIZE];
    merkle_leaf_hash(h, leaf, len);
    if ((rc = memstore_append(&w->ms, h)) != 0)
        return lh_err_set(err, rc, "leaf %llu: cannot store its hashes: %s",
                          (unsigned long long)w->size, lh_strerror(rc));
    if (leaf_hash != NULL)
        memcpy(leaf_hash, h, sizeof h);
    w->size++;
    if (++w->bundle_count == TILE_WIDTH)
        return flush_bundle(w, err);
    return 0;
}

int tamper_write_checkpoint(const char *dir, uint64_t size, const uint8_t root[MERKLE_HASH_SIZE],
                            const note_signer *log, uint8_t *note, size_t *note_len, lh_err *err)
{
    checkpoint cp;
    memset(&cp, 0, sizeof cp);
    if (strlen(log->name) > CHECKPOINT_ORIGIN_MAX)
        return lh_err_set(err, LH_ETOOBIG, "log key name too long for an origin");
    strcpy(cp.origin, log->name);
    cp.size = size;
    memcpy(cp.root, root, sizeof cp.root);
    uint8_t buf[CHECKPOINT_SIGNED_MAX];
    size_t len = 0;
    lh_err e2 = {{0}};
    int rc = checkpoint_sign(&cp, log, buf, sizeof buf, &len, &e2);
    if (rc != 0)
        return lh_err_set(err, rc, "%s/checkpoint: cannot sign: %s", dir, e2.msg);
    if ((rc = tamper_write_file(dir, "checkpoint", buf, len, err)) != 0)
        return rc;
    if (note != NULL)
        memcpy(note, buf, len);
    if (note_len != NULL)
        *note_len = len;
    return 0;
}

int tamper_writer_finish(tamper_writer *w, const note_signer *log, uint64_t *size,
                         uint8_t root[MERKLE_HASH_SIZE], lh_err *err)
{
    int rc = flush_bundle(w, err);
    if (rc != 0)
        return rc;
    /* C2SP tlog-tiles: every hash tile the tree size needs, full or partial,
     * read from the stored hashes as liuhend's publisher does. */
    uint8_t *buf = malloc(TILE_SIZE);
    if (buf == NULL)
        return lh_err_set(err, LH_ENOMEM, "out of memory for a tile");
    tile_iter it;
    tile t;
    tile_iter_init(&it, w->size);
    while (rc == 0 && tile_iter_next(&it, &t) == 1) {
        if (t.level == TILE_LEVEL_ENTRIES)
            continue;
        size_t len = 0;
        rc = tile_read_hashes(&t, memstore_read, &w->ms, buf, TILE_SIZE, &len);
        if (rc != 0)
            lh_err_set(err, rc, "tile level %d index %llu: %s", t.level, (unsigned long long)t.n,
                       lh_strerror(rc));
        else
            rc = write_tile(w, &t, buf, len, err);
    }
    free(buf);
    if (rc != 0)
        return rc;
    uint8_t r[MERKLE_HASH_SIZE];
    if ((rc = merkle_tree_hash(r, w->size, memstore_read, &w->ms)) != 0)
        return lh_err_set(err, rc, "root of %llu leaves: %s", (unsigned long long)w->size,
                          lh_strerror(rc));
    if (log != NULL &&
        (rc = tamper_write_checkpoint(w->dir, w->size, r, log, NULL, NULL, err)) != 0)
        return rc;
    if (size != NULL)
        *size = w->size;
    if (root != NULL)
        memcpy(root, r, sizeof r);
    return 0;
}

void tamper_writer_free(tamper_writer *w)
{
    if (w == NULL)
        return;
    memstore_free(&w->ms);
    free(w->bundle);
    free(w);
}

int tamper_write_dir(const char *dir, const tamper_leaves *l, const note_signer *log,
                     uint8_t root[MERKLE_HASH_SIZE], lh_err *err)
{
    tamper_writer *w = NULL;
    int rc = tamper_writer_new(dir, &w, err);
    for (size_t i = 0; rc == 0 && i < l->count; i++)
        rc = tamper_writer_add(w, l->data[i], l->len[i], NULL, err);
    if (rc == 0)
        rc = tamper_writer_finish(w, log, NULL, root, err);
    tamper_writer_free(w);
    return rc;
}

/* ---- entries --------------------------------------------------------------------------------- */

int tamper_wrap_leaf(const uint8_t *entry, size_t entry_len, const uint8_t sig[ENTRY_SIG_BYTES],
                     int64_t integrated_at, uint8_t **leaf, size_t *leaf_len, lh_err *err)
{
    *leaf = NULL;
    uint8_t *signed_entry = malloc(ENTRY_SIGNED_MAX);
    uint8_t *out = malloc(ENTRY_LEAF_MAX);
    size_t signed_len = 0, len = 0;
    int rc = LH_ENOMEM;
    if (signed_entry == NULL || out == NULL) {
        lh_err_set(err, rc, "out of memory for a leaf");
    } else if ((rc = entry_signed_pack(entry, entry_len, sig, signed_entry, ENTRY_SIGNED_MAX,
                                       &signed_len)) != 0) {
        lh_err_set(err, rc, "signed entry of %zu bytes: %s", entry_len, lh_strerror(rc));
    } else if ((rc = entry_leaf_pack(signed_entry, signed_len, integrated_at, out, ENTRY_LEAF_MAX,
                                     &len)) != 0) {
        lh_err_set(err, rc, "leaf of a %zu-byte signed entry: %s", signed_len, lh_strerror(rc));
    }
    free(signed_entry);
    if (rc != 0) {
        free(out);
        return rc;
    }
    *leaf = out;
    *leaf_len = len;
    return 0;
}

int tamper_sign_leaf(const Liuhen__Entry *e, const uint8_t sk[ENTRY_SK_BYTES],
                     int64_t integrated_at, uint8_t **leaf, size_t *leaf_len, lh_err *err)
{
    *leaf = NULL;
    size_t len = liuhen__entry__get_packed_size(e);
    if (len > ENTRY_MAX_SIZE)
        return lh_err_set(err, LH_ETOOBIG, "entry of %zu bytes, more than %d", len, ENTRY_MAX_SIZE);
    uint8_t *bytes = malloc(len > 0 ? len : 1);
    if (bytes == NULL)
        return lh_err_set(err, LH_ENOMEM, "out of memory for an entry");
    liuhen__entry__pack(e, bytes);
    uint8_t sig[ENTRY_SIG_BYTES];
    int rc = entry_sign(bytes, len, sk, sig);
    if (rc != 0)
        lh_err_set(err, rc, "cannot sign an entry: %s", lh_strerror(rc));
    else
        rc = tamper_wrap_leaf(bytes, len, sig, integrated_at, leaf, leaf_len, err);
    free(bytes);
    return rc;
}

int tamper_unpack_leaf(const uint8_t *leaf, size_t len, Liuhen__Entry **entry,
                       int64_t *integrated_at, uint8_t sig[ENTRY_SIG_BYTES], lh_err *err)
{
    const uint8_t *signed_entry, *bytes, *s;
    size_t signed_len, entry_len;
    int64_t at;
    int rc;
    if ((rc = entry_leaf_unpack(leaf, len, &signed_entry, &signed_len, &at, err)) != 0 ||
        (rc = entry_signed_unpack(signed_entry, signed_len, &bytes, &entry_len, &s, err)) != 0 ||
        (entry != NULL && (rc = validate_entry(bytes, entry_len, NULL, entry, err)) != 0))
        return rc;
    if (integrated_at != NULL)
        *integrated_at = at;
    if (sig != NULL)
        memcpy(sig, s, ENTRY_SIG_BYTES);
    return 0;
}

static size_t chain_author(tamper_chain *c, const uint8_t key[ENTRY_KEY_BYTES])
{
    for (size_t i = 0; i < c->nauthors; i++)
        if (memcmp(c->authors[i].key, key, ENTRY_KEY_BYTES) == 0)
            return i;
    if (c->nauthors == TAMPER_CHAIN_MAX)
        return SIZE_MAX;
    memcpy(c->authors[c->nauthors].key, key, ENTRY_KEY_BYTES);
    c->authors[c->nauthors].seq = 0;
    return c->nauthors++;
}

/* The case's slot; *fresh says whether it has no entry yet. */
static size_t chain_case(tamper_chain *c, const char *id, bool *fresh)
{
    for (size_t i = 0; i < c->ncases; i++)
        if (strcmp(c->cases[i].id, id) == 0) {
            *fresh = false;
            return i;
        }
    if (c->ncases == TAMPER_CHAIN_MAX || strlen(id) > ENTRY_CASE_ID_MAX)
        return SIZE_MAX;
    strcpy(c->cases[c->ncases].id, id);
    *fresh = true;
    return c->ncases++;
}

int tamper_chain_append(tamper_chain *chain, Liuhen__Entry *e, const uint8_t sk[ENTRY_SK_BYTES],
                        unsigned flags, uint64_t *index, uint8_t id[ENTRY_ID_BYTES], lh_err *err)
{
    /* Keep what the caller set, to restore it: the entry may be a message
     * protobuf-c allocated, whose fields it frees. */
    Liuhen__Entry saved = *e;
    const uint8_t *pk = sk + ENTRY_SK_BYTES - ENTRY_KEY_BYTES;
    if (e->author_key.len == ENTRY_KEY_BYTES)
        pk = e->author_key.data;
    size_t a = chain_author(chain, pk);
    bool fresh = true;
    bool has_case = e->case_id != NULL && e->case_id[0] != '\0';
    size_t c = has_case ? chain_case(chain, e->case_id, &fresh) : 0;
    if (a == SIZE_MAX || c == SIZE_MAX)
        return lh_err_set(err, LH_ENOMEM, "chain: more than %d authors or cases", TAMPER_CHAIN_MAX);

    int64_t step = chain->step > 0 ? chain->step : 1000;
    int64_t integrated_at = chain->clock + step;
    if (e->origin == NULL || e->origin[0] == '\0')
        e->origin = (char *)chain->origin;
    if (e->author_key.len == 0) {
        e->author_key.data = (uint8_t *)pk;
        e->author_key.len = ENTRY_KEY_BYTES;
    }
    if (e->recorded_at == 0)
        e->recorded_at = integrated_at - step / 2;
    if ((flags & TAMPER_KEEP_LINKS) == 0) {
        e->author_seq = chain->authors[a].seq + 1;
        e->author_prev.len = chain->authors[a].seq > 0 ? ENTRY_HASH_BYTES : 0;
        e->author_prev.data = chain->authors[a].seq > 0 ? chain->authors[a].head : NULL;
        e->case_prev.len = has_case && !fresh ? ENTRY_HASH_BYTES : 0;
        e->case_prev.data = has_case && !fresh ? chain->cases[c].head : NULL;
    }
    uint64_t seq = e->author_seq;
    uint8_t *leaf = NULL;
    size_t len = 0;
    int rc = tamper_sign_leaf(e, sk, integrated_at, &leaf, &len, err);
    *e = saved;
    if (rc != 0)
        return rc;
    /* The chains name entries by entry id (docs/design.md "Entries"). */
    uint8_t h[ENTRY_ID_BYTES];
    const uint8_t *se, *eb, *sig;
    size_t se_len, elen;
    int64_t at;
    rc = entry_leaf_unpack(leaf, len, &se, &se_len, &at, err);
    if (rc == 0)
        rc = entry_signed_unpack(se, se_len, &eb, &elen, &sig, err);
    if (rc != 0) {
        free(leaf);
        return rc;
    }
    entry_id(eb, elen, h);
    rc = tamper_leaves_add(&chain->leaves, leaf, len);
    free(leaf);
    if (rc != 0)
        return lh_err_set(err, rc, "chain: out of memory for leaf %zu", chain->leaves.count);
    chain->clock = integrated_at;
    chain->authors[a].seq = seq;
    memcpy(chain->authors[a].head, h, sizeof h);
    if (has_case)
        memcpy(chain->cases[c].head, h, sizeof h);
    if (index != NULL)
        *index = chain->leaves.count - 1;
    if (id != NULL)
        memcpy(id, h, sizeof h);
    return 0;
}

void tamper_chain_free(tamper_chain *chain)
{
    if (chain == NULL)
        return;
    tamper_leaves_free(&chain->leaves);
    memset(chain, 0, sizeof *chain);
}

/* ---- keys ------------------------------------------------------------------------------------ */

int tamper_log_signer(const char *data_dir, note_signer *out, lh_err *err)
{
    char path[PATH_MAX];
    int rc = join(path, sizeof path, data_dir, "log.key", err);
    if (rc != 0)
        return rc;
    keyfile_key *key = NULL;
    lh_err e2 = {{0}};
    if ((rc = keyfile_read_secret(path, NULL, &key, &e2)) != 0)
        return lh_err_set(err, rc, "%s: %s", path, e2.msg);
    if ((rc = keyfile_note_signer(key, out)) != 0)
        lh_err_set(err, rc, "%s: not a note signer: %s", path, lh_strerror(rc));
    keyfile_key_free(key);
    return rc;
}

int tamper_write_vkey(const char *path, const note_verifier *v, lh_err *err)
{
    char buf[NOTE_VKEY_MAX + 2];
    size_t len = 0;
    int rc = note_vkey_format(v, buf, sizeof buf, &len);
    if (rc != 0)
        return lh_err_set(err, rc, "%s: cannot format the key: %s", path, lh_strerror(rc));
    buf[len++] = '\n';
    return write_path(path, buf, len, err);
}

/* ---- alterations ----------------------------------------------------------------------------- */

int tamper_entry_location(const char *dir, uint64_t size, uint64_t index, char *path,
                          uint64_t *offset, size_t *len, lh_err *err)
{
    if (index >= size)
        return lh_err_set(err, LH_ERANGE, "entry %llu: the tree has %llu",
                          (unsigned long long)index, (unsigned long long)size);
    tile t = bundle_of(size, index);
    int rc = tile_path(path, TILE_PATH_MAX, &t);
    if (rc != 0)
        return lh_err_set(err, rc, "entry %llu: no bundle path", (unsigned long long)index);
    char full[PATH_MAX];
    if ((rc = join(full, sizeof full, dir, path, err)) != 0)
        return rc;
    uint8_t *buf = NULL;
    size_t buf_len = 0;
    if ((rc = tamper_read_file(full, TILE_BUNDLE_MAX, &buf, &buf_len, err)) != 0)
        return rc;
    size_t off = 0;
    const uint8_t *entry = NULL;
    size_t entry_len = 0;
    for (uint64_t i = 0; i <= index % TILE_WIDTH; i++) {
        if ((rc = tile_bundle_next(buf, buf_len, &off, &entry, &entry_len)) != 1) {
            free(buf);
            return lh_err_set(err, rc < 0 ? rc : LH_EPARSE, "%s: entry %llu is not there", full,
                              (unsigned long long)index);
        }
    }
    *offset = (uint64_t)(entry - buf);
    *len = entry_len;
    free(buf);
    return 0;
}

int tamper_hash_location(uint64_t size, int level, uint64_t n, char *path, uint64_t *offset,
                         lh_err *err)
{
    if (level < 0 || level % TILE_HEIGHT != 0)
        return lh_err_set(err, LH_EINVAL, "tree level %d: tiles store levels 0, 8, 16...", level);
    tile t;
    int rc = tile_for_hash(level, n, size, &t);
    if (rc == 0)
        rc = tile_path(path, TILE_PATH_MAX, &t);
    if (rc != 0)
        return lh_err_set(err, rc, "hash (%d, %llu) of a tree of %llu: no tile holds it", level,
                          (unsigned long long)n, (unsigned long long)size);
    *offset = (n % TILE_WIDTH) * MERKLE_HASH_SIZE;
    return 0;
}

int tamper_break_checkpoint(const char *dir, lh_err *err)
{
    char path[PATH_MAX];
    int rc = join(path, sizeof path, dir, "checkpoint", err);
    if (rc != 0)
        return rc;
    uint8_t *note = NULL;
    size_t len = 0;
    if ((rc = tamper_read_file(path, NOTE_MAX_SIZE, &note, &len, err)) != 0)
        return rc;
    char *text = (char *)note;
    char *origin_end = strchr(text, '\n');
    char *sigs = strstr(text, "\n\n");
    rc = 0;
    bool found = false;
    for (char *line = sigs != NULL ? sigs + 2 : NULL;
         !found && origin_end != NULL && line != NULL && *line != '\0';) {
        char *end = strchr(line, '\n');
        if (end == NULL)
            break;
        size_t origin_len = (size_t)(origin_end - text);
        char *name = line + SIG_PREFIX_LEN;
        if (strncmp(line, SIG_PREFIX, SIG_PREFIX_LEN) == 0 && name + origin_len < end &&
            memcmp(name, text, origin_len) == 0 && name[origin_len] == ' ') {
            /* signed-note: base64(key id (4) || Ed25519 signature (64)). */
            found = true;
            char *b64 = name + origin_len + 1;
            uint8_t sig[4 + NOTE_SIG_MAX];
            size_t sig_len = 0;
            rc = text_b64_decode(sig, sizeof sig, &sig_len, b64, (size_t)(end - b64),
                                 4 + NOTE_ED25519_SIG_LEN);
            if (rc != 0) {
                lh_err_set(err, rc, "%s: the log's signature is not base64 of a signature", path);
                break;
            }
            sig[4 + 10] ^= 0x01;
            char enc[TEXT_B64_LEN(sizeof sig)];
            size_t enc_len = text_b64_encode(enc, sig, sig_len);
            memcpy(b64, enc, enc_len); /* the same length: the same number of bytes */
            rc = write_path(path, note, len, err);
        }
        line = end + 1;
    }
    free(note);
    if (!found)
        return lh_err_set(err, LH_EPARSE, "%s: no signature line by the origin", path);
    return rc;
}

int tamper_cosign(const char *dir, const note_verifier *log_key, const note_signer *witness,
                  uint64_t timestamp, lh_err *err)
{
    char path[PATH_MAX];
    int rc = join(path, sizeof path, dir, "checkpoint", err);
    if (rc != 0)
        return rc;
    uint8_t *note = NULL;
    size_t len = 0;
    if ((rc = tamper_read_file(path, NOTE_MAX_SIZE, &note, &len, err)) != 0)
        return rc;
    size_t cap = len + NOTE_SIGLINE_MAX;
    uint8_t *out = malloc(cap);
    size_t out_len = 0;
    lh_err e2 = {{0}};
    if (out == NULL)
        rc = lh_err_set(err, LH_ENOMEM, "%s: out of memory", path);
    else if ((rc = cosig_append(note, len, log_key, witness, timestamp, out, cap, &out_len, &e2)) !=
             0)
        lh_err_set(err, rc, "%s: cannot cosign: %s", path, e2.msg);
    else
        rc = write_path(path, out, out_len, err);
    free(out);
    free(note);
    return rc;
}
