/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * publish.c — the C2SP tlog-tiles directory (c2sp.org/tlog-tiles) and the
 * publisher thread of publish.h.
 *
 * One file, past 1,000 lines: the directory's writer (publish_write_at()
 * and the start-up check against the store) and the publisher thread that
 * drives it (from run_hook() on) share the tile walk and its errors; the
 * thread is the part to move into a module of its own when either grows.
 *
 * Every file is written as a temporary ".<name>.tmp" in its final
 * directory, fsync'd, made 0644 and renamed; the directory is fsync'd before
 * the checkpoint is renamed into place, so after a crash the directory holds
 * either the old checkpoint with all its tiles, or the new one with all of
 * its own. The temporary names are fixed, not random, so that the leftover
 * of a crash is reused (and so removed) by the next write of the same file.
 *
 * The publisher is a pthread, not a libuv handle: fsync and the hook may
 * block for seconds and must never stall the event loop.
 */
#define _GNU_SOURCE /* O_PATH */
#include "publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "beneath.h"
#include "bgthread.h"
#include "calendar.h"
#include "checkpoint.h"
#include "fileio.h"
#include "i18n.h"
#include "log.h"
#include "merkle.h"
#include "tile.h"

extern char **environ;

/* The name of the checkpoint file (C2SP tlog-tiles "Checkpoints"). */
#define CHECKPOINT_NAME "checkpoint"

/* Room for a path relative to the publish directory: a tile path, or the
 * temporary name beside it ("." prefix and ".tmp" suffix). */
#define REL_PATH_MAX (TILE_PATH_MAX + 8)

/* Access modes of what is published: it is meant to be served to anyone
 * (docs/design.md "Merkle tree, checkpoints, receipts"), whatever the daemon's umask. */
#define PUBLISH_FILE_MODE 0644
#define PUBLISH_DIR_MODE  0755

/* ---------------------------------------------------------------------
 * Small helpers
 * --------------------------------------------------------------------- */

/* Whether tile t is full in a tree of s leaves: its level has more than
 * (n + 1) * 256 - 1 hashes (C2SP tlog-tiles "Partial Tiles"). */
static bool tile_full_at(const tile *t, uint64_t s)
{
    int level = t->level == TILE_LEVEL_ENTRIES ? 0 : t->level;
    uint64_t hashes = level * TILE_HEIGHT >= 64 ? 0 : s >> (level * TILE_HEIGHT);
    return hashes / TILE_WIDTH > t->n;
}

/*
 * The checkpoint held by a signed note, without verifying any signature.
 * A checkpoint's text has no empty line (tlog-checkpoint "Note text"), so it
 * ends at the first blank line, which separates it from the signatures
 * (signed-note "Format"). Used only for notes this daemon signed or wrote
 * itself, whose root is then checked against the store.
 */
static int note_checkpoint(const uint8_t *note, size_t len, checkpoint *cp, lh_err *err)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (note[i] == '\n' && note[i + 1] == '\n')
            return checkpoint_parse_text(note, i + 1, cp, err);
    }
    return lh_err_set(err, LH_EPARSE, "no blank line before the signatures");
}

/*
 * Read DIR/checkpoint into malloc'd memory. @return 0; -ENOENT, with no
 * message, when there is none; otherwise an error with its message.
 */
static int read_published(const char *dir, uint8_t **note, size_t *len, lh_err *err)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/" CHECKPOINT_NAME, dir) >= sizeof path)
        return lh_err_set(err, LH_EINVAL, "publish directory %s: the name is too long", dir);
    lh_err inner = {{0}};
    int rc = fileio_read(path, 0, "published checkpoint", NOTE_MAX_SIZE, note, len, &inner);
    if (rc != 0 && rc != -ENOENT)
        lh_err_set(err, rc, "%s", inner.msg);
    return rc;
}

/* As read_published(), from the directory open on root (named dir), and
 * never through a symbolic link planted as the checkpoint. */
static int read_published_at(int root, const char *dir, uint8_t **note, size_t *len, lh_err *err)
{
    lh_err inner = {{0}};
    int rc = fileio_read_at(root, CHECKPOINT_NAME, FILEIO_NOFOLLOW, "published checkpoint",
                            NOTE_MAX_SIZE, note, len, &inner);
    if (rc != 0 && rc != -ENOENT)
        lh_err_set(err, rc, "%s/" CHECKPOINT_NAME ": %s", dir, inner.msg);
    return rc;
}

/* ---------------------------------------------------------------------
 * Atomic file writes under the publish directory
 * --------------------------------------------------------------------- */

/* The state of one publication's writes. Paths are relative to `root`,
 * and every directory under it is opened from root one component at a
 * time, never through a symbolic link (beneath.h): a directory swapped for
 * a link while the publication runs is refused, not followed. */
typedef struct pub_writer {
    const char *dir;          /* the publish directory, for messages */
    int root;                 /* its file descriptor */
    mode_t file_mode;         /* of the files written */
    mode_t dir_mode;          /* of the directories made */
    char made[REL_PATH_MAX];  /* the directory `cur` is open on */
    int cur;                  /* or -1 */
    char dirty[REL_PATH_MAX]; /* a directory with renames not yet fsync'd */
    int dirty_fd;             /* its descriptor, or -1 */
    lh_err *err;
} pub_writer;

/* Make the entries of the directory open on fd (named rel) durable. */
static int fsync_dir(pub_writer *w, int fd, const char *rel)
{
    if (fsync(fd) != 0 && errno != EINVAL)
        return lh_err_set(w->err, -errno, "%s/%s: fsync: %s", w->dir, rel, strerror(errno));
    return 0;
}

/* fsync the directory that received the last renames, if any. */
static int flush_dirty(pub_writer *w)
{
    if (w->dirty_fd < 0)
        return 0;
    int rc = fsync_dir(w, w->dirty_fd, w->dirty);
    close(w->dirty_fd);
    w->dirty_fd = -1;
    return rc;
}

/* The parent directory of rel ("" for the publish directory itself) and its
 * last component. */
static void split_path(const char *rel, char parent[REL_PATH_MAX], const char **base)
{
    const char *slash = strrchr(rel, '/');
    if (slash == NULL) {
        parent[0] = '\0';
        *base = rel;
        return;
    }
    size_t n = (size_t)(slash - rel);
    memcpy(parent, rel, n);
    parent[n] = '\0';
    *base = slash + 1;
}

/*
 * Create rel and its missing parents (mkdir -p), w->dir_mode whatever the
 * umask, and leave w->cur open on it. Each component is created and then
 * opened from its parent's descriptor without following a symbolic link,
 * and a new one is chmod'ed through its own descriptor. The parent of each
 * new directory is fsync'd so that the new entry survives a crash along
 * with the files renamed into it.
 */
static int make_dirs(pub_writer *w, const char *rel)
{
    if (w->cur >= 0 && strcmp(rel, w->made) == 0)
        return 0;
    char buf[REL_PATH_MAX];
    size_t len = strlen(rel);
    if (len >= sizeof buf)
        return lh_err_set(w->err, LH_EINTERNAL, "%s/%s: path too long", w->dir, rel);
    memcpy(buf, rel, len + 1);
    if (w->cur >= 0)
        close(w->cur);
    w->cur = -1;
    int dir = beneath_open(w->root, "", O_RDONLY | O_DIRECTORY, 0);
    if (dir < 0)
        return lh_err_set(w->err, dir, "%s: open: %s", w->dir, strerror(-dir));
    char *c = buf;
    while (len > 0) {
        char *slash = strchr(c, '/');
        if (slash != NULL)
            *slash = '\0';
        bool made = mkdirat(dir, c, w->dir_mode) == 0;
        int e = errno;
        if (!made && e != EEXIST) {
            close(dir);
            return lh_err_set(w->err, -e, "%s/%s: mkdir: %s", w->dir, buf, strerror(e));
        }
        int next = beneath_open(dir, c, O_RDONLY | O_DIRECTORY, 0);
        if (next < 0) {
            close(dir);
            return lh_err_set(w->err, next, "%s/%s: open: %s", w->dir, buf, strerror(-next));
        }
        int rc = 0;
        if (made && fchmod(next, w->dir_mode) != 0)
            rc = lh_err_set(w->err, -errno, "%s/%s: chmod: %s", w->dir, buf, strerror(errno));
        if (rc == 0 && made)
            rc = fsync_dir(w, dir, buf);
        close(dir);
        dir = next;
        if (rc != 0) {
            close(dir);
            return rc;
        }
        if (slash == NULL)
            break;
        *slash = '/';
        c = slash + 1;
    }
    memcpy(w->made, rel, len + 1);
    w->cur = dir;
    return 0;
}

/*
 * Write rel atomically (fileio_replace_at(): ".<name>.tmp" beside it,
 * w->file_mode, fsync, rename over rel) in its directory's descriptor. The
 * directory is fsync'd later (flush_dirty), before the checkpoint that
 * refers to the file is renamed, and at once for the checkpoint itself.
 */
static int write_file(pub_writer *w, const char *rel, const uint8_t *data, size_t len)
{
    char parent[REL_PATH_MAX];
    const char *base;
    split_path(rel, parent, &base);
    int rc = make_dirs(w, parent);
    if (rc != 0)
        return rc;
    /* Keep at most one directory awaiting its fsync. */
    if (w->dirty_fd >= 0 && strcmp(w->dirty, parent) != 0 && (rc = flush_dirty(w)) != 0)
        return rc;
    char shown[PATH_MAX + REL_PATH_MAX];
    snprintf(shown, sizeof shown, "%s/%s", w->dir, rel);
    if ((rc = fileio_replace_at(w->cur, base, FILEIO_FIXED_TEMP, w->file_mode, data, len, shown,
                                w->err)) != 0)
        return rc;
    if (w->dirty_fd < 0) {
        if ((w->dirty_fd = dup(w->cur)) < 0)
            return lh_err_set(w->err, -errno, "%s/%s: dup: %s", w->dir, parent, strerror(errno));
        memcpy(w->dirty, parent, strlen(parent) + 1);
    }
    return 0;
}

/* Whether rel is a regular file of exactly len bytes (looked up beneath
 * the root, never through a symbolic link). */
static bool file_has_length(pub_writer *w, const char *rel, uint64_t len)
{
    int fd = beneath_open(w->root, rel, O_PATH, 0);
    if (fd < 0)
        return false;
    struct stat sb;
    bool ok = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size == len;
    close(fd);
    return ok;
}

/* Whether name is a partial tile width as tile_path() writes it: 1..255
 * without leading zeros. */
static bool is_width_name(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > 3 || name[0] == '0')
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9')
            return false;
        v = v * 10 + (unsigned)(name[i] - '0');
    }
    return v < TILE_WIDTH;
}

/* Whether name is one of our temporaries for a width: ".<width>.tmp". */
static bool is_width_tmp_name(const char *name)
{
    size_t len = strlen(name);
    char width[8];
    if (len < 6 || len > 8 || name[0] != '.' || strcmp(name + len - 4, ".tmp") != 0)
        return false;
    memcpy(width, name + 1, len - 5);
    width[len - 5] = '\0';
    return is_width_name(width);
}

/*
 * Delete the partial versions of the full tile at rel ("<rel>.p/<W>") and
 * their directory. C2SP tlog-tiles "Partial Tiles": a log "MAY delete any
 * partial tile once the corresponding full tile is available", and a client
 * holding an older checkpoint "MAY fetch the full tile ... as a fallback",
 * whose first W hashes are those of the partial tile. Only names we write
 * are removed. Failures are logged: the publication itself succeeded.
 */
static void remove_partials(pub_writer *w, const char *rel)
{
    char pdir[REL_PATH_MAX];
    int n = snprintf(pdir, sizeof pdir, "%s.p", rel);
    if (n < 0 || (size_t)n >= sizeof pdir)
        return;
    const char *pbase;
    int parent = beneath_open_parent(w->root, pdir, &pbase);
    int fd = parent < 0 ? parent : beneath_open(parent, pbase, O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0) {
        if (fd != -ENOENT)
            log_warn(_("publish: %s/%s: cannot open to delete obsolete partial tiles: %s"), w->dir,
                     pdir, strerror(-fd));
        if (parent >= 0)
            close(parent);
        return;
    }
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        log_warn(_("publish: %s/%s: cannot list obsolete partial tiles: %s"), w->dir, pdir,
                 strerror(errno));
        close(fd);
        close(parent);
        return;
    }
    struct dirent *de;
    for (;;) {
        errno = 0;
        if ((de = readdir(d)) == NULL)
            break;
        if (!is_width_name(de->d_name) && !is_width_tmp_name(de->d_name))
            continue;
        if (unlinkat(dirfd(d), de->d_name, 0) != 0 && errno != ENOENT)
            log_warn(_("publish: %s/%s/%s: cannot delete obsolete partial tile: %s"), w->dir, pdir,
                     de->d_name, strerror(errno));
    }
    if (errno != 0)
        log_warn(_("publish: %s/%s: cannot list obsolete partial tiles: %s"), w->dir, pdir,
                 strerror(errno));
    closedir(d);
    /* The deletions are not fsync'd: they matter for tidiness only, and a
     * partial tile that reappears after a crash is deleted again by the
     * first publication after the restart (prev_size 0). */
    if (unlinkat(parent, pbase, AT_REMOVEDIR) != 0)
        log_warn(_("publish: %s/%s: cannot delete directory of obsolete partial tiles: %s"), w->dir,
                 pdir, strerror(errno));
    close(parent);
}

/* ---------------------------------------------------------------------
 * Tiles from the store
 * --------------------------------------------------------------------- */

/* A growing buffer for entry bundles (at most TILE_BUNDLE_MAX bytes). */
typedef struct bundle_buf {
    uint8_t *data;
    size_t cap;
} bundle_buf;

/* The byte length of the entry bundle t (C2SP tlog-tiles "Log entries":
 * each entry with its uint16 length), from the leaves in txn. */
static int bundle_length(store_txn *txn, const tile *t, size_t *out, const char *dir, lh_err *err)
{
    size_t total = 0;
    for (unsigned i = 0; i < t->width; i++) {
        uint64_t index = t->n * TILE_WIDTH + i;
        const uint8_t *leaf;
        size_t len;
        int rc = store_get_leaf(txn, index, &leaf, &len);
        if (rc != 0)
            return lh_err_set(err, rc, "publish %s: leaf %" PRIu64 ": %s", dir, index,
                              lh_strerror(rc));
        if (len > TILE_ENTRY_MAX)
            return lh_err_set(err, LH_ETOOBIG,
                              "publish %s: leaf %" PRIu64 " is %zu bytes, more than an entry "
                              "bundle can carry (%d)",
                              dir, index, len, TILE_ENTRY_MAX);
        total += 2 + len;
    }
    *out = total;
    return 0;
}

/* Copy entry bundle t out of the store into buf. */
static int read_bundle(store_txn *txn, const tile *t, bundle_buf *buf, size_t *out_len,
                       const char *dir, lh_err *err)
{
    size_t need;
    int rc = bundle_length(txn, t, &need, dir, err);
    if (rc != 0)
        return rc;
    if (need > buf->cap) {
        uint8_t *p = realloc(buf->data, need);
        if (p == NULL)
            return lh_err_set(err, LH_ENOMEM,
                              "publish %s: no memory for an entry bundle of %zu bytes", dir, need);
        buf->data = p;
        buf->cap = need;
    }
    size_t len = 0;
    for (unsigned i = 0; i < t->width; i++) {
        uint64_t index = t->n * TILE_WIDTH + i;
        const uint8_t *leaf;
        size_t leaf_len;
        if ((rc = store_get_leaf(txn, index, &leaf, &leaf_len)) != 0 ||
            (rc = tile_bundle_append(buf->data, buf->cap, &len, leaf, leaf_len)) != 0)
            return lh_err_set(err, rc, "publish %s: leaf %" PRIu64 ": %s", dir, index,
                              lh_strerror(rc));
    }
    *out_len = len;
    return 0;
}

/*
 * Check, in one read transaction, that the store can publish `cp` (it has
 * the leaves and `cp` holds its root), and that the checkpoint already in
 * the directory (`old`, if any) is neither larger than `cp` nor
 * inconsistent with the store: the directory must never go back nor fork.
 */
static int check_against_store(store *st, const char *dir, const checkpoint *cp,
                               const checkpoint *old, lh_err *err)
{
    store_txn *txn;
    int rc = store_read_begin(st, &txn);
    if (rc != 0)
        return lh_err_set(err, rc, "publish %s: cannot read the store: %s", dir, lh_strerror(rc));
    uint64_t store_size;
    uint8_t root[MERKLE_HASH_SIZE];
    if ((rc = store_get_size(txn, &store_size)) != 0) {
        lh_err_set(err, rc, "publish %s: cannot read the store's size: %s", dir, lh_strerror(rc));
        goto out;
    }
    if (cp->size > store_size) {
        rc = lh_err_set(err, LH_ERANGE,
                        "publish %s: checkpoint of size %" PRIu64 " but the store has only %" PRIu64
                        " entries",
                        dir, cp->size, store_size);
        goto out;
    }
    if ((rc = merkle_tree_hash(root, cp->size, store_read_hashes, txn)) != 0) {
        lh_err_set(err, rc, "publish %s: tree hash at size %" PRIu64 ": %s", dir, cp->size,
                   lh_strerror(rc));
        goto out;
    }
    if (memcmp(root, cp->root, MERKLE_HASH_SIZE) != 0) {
        rc = lh_err_set(err, LH_EFORK,
                        "publish %s: the checkpoint of size %" PRIu64
                        " does not hold the store's root at that size",
                        dir, cp->size);
        goto out;
    }
    if (old == NULL)
        goto out;
    if (strcmp(old->origin, cp->origin) != 0) {
        rc = lh_err_set(err, LH_EFORK,
                        "%s/" CHECKPOINT_NAME " is for log %s, not %s: refusing to overwrite it",
                        dir, old->origin, cp->origin);
        goto out;
    }
    if (old->size > cp->size) {
        rc = lh_err_set(err, LH_EFORK,
                        "%s/" CHECKPOINT_NAME " has %" PRIu64
                        " entries: refusing to replace it with a shorter tree of %" PRIu64,
                        dir, old->size, cp->size);
        goto out;
    }
    if ((rc = merkle_tree_hash(root, old->size, store_read_hashes, txn)) != 0) {
        lh_err_set(err, rc, "publish %s: tree hash at size %" PRIu64 ": %s", dir, old->size,
                   lh_strerror(rc));
        goto out;
    }
    if (memcmp(root, old->root, MERKLE_HASH_SIZE) != 0)
        rc = lh_err_set(err, LH_EFORK,
                        "%s/" CHECKPOINT_NAME " is inconsistent with the store at size %" PRIu64
                        ": refusing to overwrite it",
                        dir, old->size);
out:
    store_txn_end(txn);
    return rc;
}

/*
 * Write one tile or entry bundle, copied from its own read transaction.
 * When keep_if_present is true and the file already exists with the length
 * the tile must have, it is kept (*written = false).
 */
static int publish_tile(pub_writer *w, store *st, const tile *t, bool keep_if_present,
                        bundle_buf *bundle, bool *written)
{
    char rel[TILE_PATH_MAX];
    uint8_t hashes[TILE_SIZE];
    const uint8_t *data;
    size_t len = 0;
    *written = false;
    int rc = tile_path(rel, sizeof rel, t);
    if (rc != 0)
        return lh_err_set(w->err, rc, "publish %s: tile level %d index %" PRIu64 ": %s", w->dir,
                          t->level, t->n, lh_strerror(rc));
    if (keep_if_present && t->level >= 0 && file_has_length(w, rel, TILE_SIZE))
        return 0;

    store_txn *txn;
    if ((rc = store_read_begin(st, &txn)) != 0)
        return lh_err_set(w->err, rc, "publish %s: cannot read the store: %s", w->dir,
                          lh_strerror(rc));
    if (t->level == TILE_LEVEL_ENTRIES) {
        if (keep_if_present) {
            size_t want;
            rc = bundle_length(txn, t, &want, w->dir, w->err);
            if (rc == 0 && file_has_length(w, rel, want)) {
                store_txn_end(txn);
                return 0;
            }
        }
        if (rc == 0)
            rc = read_bundle(txn, t, bundle, &len, w->dir, w->err);
        data = bundle->data;
    } else {
        rc = tile_read_hashes(t, store_read_hashes, txn, hashes, sizeof hashes, &len);
        if (rc != 0)
            lh_err_set(w->err, rc, "publish %s: %s: reading its hashes from the store: %s", w->dir,
                       rel, lh_strerror(rc));
        data = hashes;
    }
    /* The bytes are ours now: let the store go before the slow part. */
    store_txn_end(txn);
    if (rc != 0)
        return rc;
    if ((rc = write_file(w, rel, data, len)) != 0)
        return rc;
    *written = true;
    return 0;
}

int publish_write(const char *dir, store *st, uint64_t size, const uint8_t *note, size_t note_len,
                  uint64_t prev_size, lh_err *err)
{
    if (dir == NULL)
        return lh_err_set(err, LH_EINVAL, "publish: NULL argument");
    if (mkdir(dir, PUBLISH_DIR_MODE) == 0) {
        if (chmod(dir, PUBLISH_DIR_MODE) != 0)
            return lh_err_set(err, -errno, "publish %s: chmod: %s", dir, strerror(errno));
    } else if (errno != EEXIST) {
        return lh_err_set(err, -errno, "publish %s: mkdir: %s", dir, strerror(errno));
    }
    int root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return lh_err_set(err, -errno, "publish %s: open: %s", dir, strerror(errno));
    publish_modes modes = {PUBLISH_FILE_MODE, PUBLISH_DIR_MODE};
    int rc = publish_write_at(root, dir, &modes, st, size, note, note_len, prev_size, err);
    close(root);
    return rc;
}

int publish_write_at(int root, const char *dir, const publish_modes *modes, store *st,
                     uint64_t size, const uint8_t *note, size_t note_len, uint64_t prev_size,
                     lh_err *err)
{
    if (root < 0 || dir == NULL || modes == NULL || st == NULL || note == NULL || note_len == 0)
        return lh_err_set(err, LH_EINVAL, "publish: NULL argument");
    if (prev_size > size)
        return lh_err_set(err, LH_EINVAL,
                          "publish %s: previous size %" PRIu64 " is larger than size %" PRIu64, dir,
                          prev_size, size);
    if (size > MERKLE_MAX_SIZE)
        return lh_err_set(err, LH_ERANGE, "publish %s: size %" PRIu64 " is beyond 2^62", dir, size);
    if (note_len > NOTE_MAX_SIZE)
        return lh_err_set(err, LH_ETOOBIG, "publish %s: checkpoint note of %zu bytes", dir,
                          note_len);

    /* The note is written as given, so make sure it is the checkpoint of
     * the tree whose tiles are written beside it. */
    checkpoint cp, old;
    lh_err detail = {{0}};
    int rc = note_checkpoint(note, note_len, &cp, &detail);
    if (rc != 0)
        return lh_err_set(err, rc, "publish %s: the checkpoint to publish is malformed: %s", dir,
                          detail.msg);
    if (cp.size != size)
        return lh_err_set(err, LH_EINVAL,
                          "publish %s: the checkpoint is for size %" PRIu64 ", not %" PRIu64, dir,
                          cp.size, size);

    pub_writer w = {.dir = dir,
                    .root = root,
                    .file_mode = modes->file_mode,
                    .dir_mode = modes->dir_mode,
                    .cur = -1,
                    .dirty_fd = -1,
                    .err = err};

    /* The checkpoint already published, if any: its tiles were all written
     * before it, so the full ones it covers need only be present. */
    uint8_t *old_note = NULL;
    size_t old_len = 0;
    bool have_old = false;
    rc = read_published_at(root, dir, &old_note, &old_len, err);
    if (rc == 0) {
        rc = note_checkpoint(old_note, old_len, &old, &detail);
        free(old_note);
        if (rc != 0) {
            lh_err_set(err, rc,
                       "%s/" CHECKPOINT_NAME " is malformed (%s): refusing to overwrite it", dir,
                       detail.msg);
            goto out;
        }
        have_old = true;
    } else if (rc != -ENOENT) {
        goto out;
    }
    if ((rc = check_against_store(st, dir, &cp, have_old ? &old : NULL, err)) != 0)
        goto out;

    uint64_t trusted = have_old ? old.size : 0;
    uint64_t untouched = prev_size < trusted ? prev_size : trusted;
    bundle_buf bundle = {NULL, 0};
    tile_iter it;
    tile t;
    uint64_t written = 0, kept = 0;
    tile_iter_init(&it, size);
    while (tile_iter_next(&it, &t)) {
        bool full = t.width == TILE_WIDTH;
        /* Full tiles never change (C2SP: "This endpoint is immutable"). */
        if (full && tile_full_at(&t, untouched))
            continue;
        bool did;
        rc = publish_tile(&w, st, &t, full && tile_full_at(&t, trusted), &bundle, &did);
        if (rc != 0)
            break;
        if (did)
            written++;
        else
            kept++;
    }
    free(bundle.data);
    if (rc != 0)
        goto out;
    /* Every tile must be durable before the checkpoint that needs it. */
    if ((rc = flush_dirty(&w)) != 0)
        goto out;
    if ((rc = write_file(&w, CHECKPOINT_NAME, note, note_len)) != 0 || (rc = flush_dirty(&w)) != 0)
        goto out;

    /* Now that the checkpoint needing the full tiles is in place, drop the
     * partial versions of the tiles that became full (publish.h). */
    tile_iter_init(&it, size);
    while (tile_iter_next(&it, &t)) {
        if (t.width == TILE_WIDTH && !tile_full_at(&t, untouched)) {
            char rel[TILE_PATH_MAX];
            if (tile_path(rel, sizeof rel, &t) == 0)
                remove_partials(&w, rel);
        }
    }
    log_debug("publish %s: size %" PRIu64 ": %" PRIu64 " tiles written, %" PRIu64 " kept", dir,
              size, written, kept);
out:
    if (w.cur >= 0)
        close(w.cur);
    if (w.dirty_fd >= 0)
        close(w.dirty_fd);
    return rc;
}

/* ---------------------------------------------------------------------
 * publish_check_start
 * --------------------------------------------------------------------- */

int publish_check_start(const char *dir, store *st, const note_verifier *log_key, lh_err *err)
{
    if (dir == NULL || st == NULL || log_key == NULL)
        return lh_err_set(err, LH_EINVAL, "publish: NULL argument");
    uint8_t *note = NULL;
    size_t len = 0;
    /* A missing directory, like a missing checkpoint, is "nothing
     * published yet". */
    lh_err inner = {{0}};
    int rc = read_published(dir, &note, &len, &inner);
    if (rc == -ENOENT)
        return 0;
    if (rc != 0)
        return lh_err_set(err, rc, "%s: refusing to start", inner.msg);

    /* About 5 KB: kept off the caller's stack. */
    checkpoint_opened *op = malloc(sizeof *op);
    if (op == NULL) {
        free(note);
        return lh_err_set(err, LH_ENOMEM, "%s/" CHECKPOINT_NAME ": out of memory", dir);
    }
    lh_err detail = {{0}};
    rc = checkpoint_open(note, len, log_key, NULL, 0, op, &detail);
    if (rc != 0) {
        lh_err_set(err, rc, _("%s/%s does not verify with the log key %s: %s (%s)"), dir,
                   CHECKPOINT_NAME, log_key->name, lh_strerror(rc), detail.msg);
        goto out;
    }
    const checkpoint *cp = &op->cp;

    store_txn *txn;
    if ((rc = store_read_begin(st, &txn)) != 0) {
        lh_err_set(err, rc, "publish %s: cannot read the store: %s", dir, lh_strerror(rc));
        goto out;
    }
    uint64_t store_size;
    uint8_t root[MERKLE_HASH_SIZE];
    if ((rc = store_get_size(txn, &store_size)) != 0) {
        lh_err_set(err, rc, "publish %s: cannot read the store's size: %s", dir, lh_strerror(rc));
    } else if (cp->size > store_size) {
        rc = lh_err_set(err, LH_EFORK,
                        _("%s/%s has %" PRIu64 " entries but the store only %" PRIu64
                          ": refusing to sign a shorter tree (restored from an old backup?)"),
                        dir, CHECKPOINT_NAME, cp->size, store_size);
    } else if ((rc = merkle_tree_hash(root, cp->size, store_read_hashes, txn)) != 0) {
        lh_err_set(err, rc, "publish %s: the store's tree hash at size %" PRIu64 ": %s", dir,
                   cp->size, lh_strerror(rc));
    } else if (memcmp(root, cp->root, MERKLE_HASH_SIZE) != 0) {
        rc = lh_err_set(err, LH_EFORK,
                        _("the store is inconsistent with the published checkpoint %s/%s at "
                          "size %" PRIu64),
                        dir, CHECKPOINT_NAME, cp->size);
    }
    store_txn_end(txn);
out:
    free(op);
    free(note);
    return rc;
}

/* ---------------------------------------------------------------------
 * The publisher thread
 * --------------------------------------------------------------------- */

struct publisher {
    char *dir;
    char *checkpoint_path; /* DIR/checkpoint, the hook's $1 */
    char *hook_cmd;        /* `HOOK "$1"`, or NULL */
    unsigned interval;
    unsigned hook_timeout;
    store *st;
    publish_latest_fn latest;
    void *latest_ctx;

    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cond; /* on CLOCK_MONOTONIC */
    bool requested;      /* under mu */
    bool stopping;       /* under mu */
    bool final;          /* under mu: publish once more when stopping */
    int final_rc;        /* that publication's result, read after the join */
    _Atomic int64_t last_at;

    /* Owned by the thread. */
    bool published_any;
    uint64_t last_size;
    uint8_t *last_note; /* the note last published, owned */
    size_t last_len;
};

/* Sleep for ms milliseconds (interrupted sleeps are resumed). */
static void sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static double elapsed_seconds(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/*
 * Run the hook: /bin/sh -c 'HOOK "$1"' liuhen-publish DIR/checkpoint, so the
 * path reaches the hook as one argument whatever it contains. The hook gets
 * /dev/null as stdin, default signal dispositions and an empty signal mask
 * (the daemon's threads block signals), and its own process group, so that a
 * hook that outlives its timeout is killed with everything it started.
 */
static void run_hook(publisher *pub)
{
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;
    sigset_t none, all;
    pid_t pid;
    char *argv[] = {"sh", "-c", pub->hook_cmd, "liuhen-publish", pub->checkpoint_path, NULL};

    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    int rc = posix_spawnattr_init(&attr);
    if (rc != 0) {
        log_error(_("publish hook `%s': cannot start: %s"), pub->hook_cmd, strerror(rc));
        return;
    }
    rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) {
        posix_spawnattr_destroy(&attr);
        log_error(_("publish hook `%s': cannot start: %s"), pub->hook_cmd, strerror(rc));
        return;
    }
    if ((rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                                  POSIX_SPAWN_SETSIGDEF)) == 0 &&
        (rc = posix_spawnattr_setpgroup(&attr, 0)) == 0 &&
        (rc = posix_spawnattr_setsigmask(&attr, &none)) == 0 &&
        (rc = posix_spawnattr_setsigdefault(&attr, &all)) == 0 &&
        (rc = posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)) ==
            0)
        rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        log_error(_("publish hook `%s' for %s: cannot start /bin/sh: %s"), pub->hook_cmd,
                  pub->checkpoint_path, strerror(rc));
        return;
    }

    /* Poll rather than block in waitpid(), so that the timeout holds; the
     * interval grows to 100 ms, which costs nothing next to a hook. */
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    unsigned nap = 1;
    int status;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            /* ECHILD: SIGCHLD is ignored and the child was reaped for us. */
            log_warn(_("publish hook `%s' for %s: cannot learn its exit status: %s"), pub->hook_cmd,
                     pub->checkpoint_path, strerror(errno));
            return;
        }
        if (elapsed_seconds(&start) >= (double)pub->hook_timeout) {
            if (kill(-pid, SIGKILL) != 0)
                kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            log_error(_("publish hook `%s' for %s: still running after %u s: killed"),
                      pub->hook_cmd, pub->checkpoint_path, pub->hook_timeout);
            return;
        }
        sleep_ms(nap);
        if (nap < 100)
            nap *= 2;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        log_warn(_("publish hook `%s' for %s: exited with status %d"), pub->hook_cmd,
                 pub->checkpoint_path, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        log_warn(_("publish hook `%s' for %s: killed by signal %d (%s)"), pub->hook_cmd,
                 pub->checkpoint_path, WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        log_debug("publish hook `%s' for %s: done", pub->hook_cmd, pub->checkpoint_path);
}

/* One publication of the latest checkpoint, then the hook. */
/* Publish the latest checkpoint unless already published. @return 0 (done,
 * or nothing to do), or what failed; last: the final one, not retried. */
static int publish_once(publisher *pub, bool last)
{
    uint64_t size = 0;
    uint8_t *note = NULL;
    size_t len = 0;
    int rc = pub->latest(pub->latest_ctx, &size, &note, &len);
    if (rc == LH_ENOTFOUND) {
        log_debug("publish %s: no checkpoint signed yet", pub->dir);
        return 0;
    }
    if (rc != 0) {
        if (last)
            log_error(_("publish %s: cannot get the latest checkpoint: %s"), pub->dir,
                      lh_strerror(rc));
        else
            log_error(_("publish %s: cannot get the latest checkpoint: %s; retrying at the next "
                        "tick"),
                      pub->dir, lh_strerror(rc));
        return rc;
    }
    /* Unchanged: nothing to write. A new cosignature of the same size (a
     * witness's heartbeat) changes the note, and is published. */
    if (pub->published_any && size == pub->last_size && len == pub->last_len &&
        memcmp(note, pub->last_note, len) == 0) {
        free(note);
        return 0;
    }
    lh_err err = {{0}};
    rc = publish_write(pub->dir, pub->st, size, note, len, pub->last_size, &err);
    if (rc != 0)
        free(note);
    if (rc != 0) {
        if (last)
            log_error(_("the final publication of %" PRIu64 " entries failed: %s"), size,
                      err.msg[0] != '\0' ? err.msg : lh_strerror(rc));
        else
            log_error(_("publication of %" PRIu64 " entries failed: %s; retrying at the next tick"),
                      size, err.msg[0] != '\0' ? err.msg : lh_strerror(rc));
        return rc;
    }
    pub->published_any = true;
    pub->last_size = size;
    free(pub->last_note);
    pub->last_note = note;
    pub->last_len = len;
    atomic_store(&pub->last_at, calendar_now_ms());
    log_info(_("publish %s: checkpoint of %" PRIu64 " entries published"), pub->dir, size);
    if (pub->hook_cmd != NULL)
        run_hook(pub);
    return 0;
}

static void *publisher_main(void *arg)
{
    publisher *pub = arg;
    struct timespec deadline;

    pthread_mutex_lock(&pub->mu);
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += pub->interval;
    while (!pub->stopping) {
        if (!pub->requested) {
            int rc = pub->interval > 0 ? pthread_cond_timedwait(&pub->cond, &pub->mu, &deadline)
                                       : pthread_cond_wait(&pub->cond, &pub->mu);
            if (pub->stopping)
                break;
            /* A wake-up without a request before the deadline is spurious. */
            if (!pub->requested && rc != ETIMEDOUT)
                continue;
        }
        pub->requested = false;
        pthread_mutex_unlock(&pub->mu);
        publish_once(pub, false);
        pthread_mutex_lock(&pub->mu);
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += pub->interval;
    }
    bool final = pub->final;
    pthread_mutex_unlock(&pub->mu);
    /* docs/design.md "The daemon": publish a final checkpoint at shutdown
     * (not when start-up failed: nothing was served). */
    if (final)
        pub->final_rc = publish_once(pub, true);
    return NULL;
}

static void publisher_free(publisher *pub)
{
    free(pub->last_note);
    free(pub->dir);
    free(pub->checkpoint_path);
    free(pub->hook_cmd);
    free(pub);
}

int publish_start(publisher **out, const publish_config *cfg, lh_err *err)
{
    if (out == NULL)
        return lh_err_set(err, LH_EINVAL, "publish: NULL argument");
    *out = NULL;
    if (cfg == NULL || cfg->dir == NULL || cfg->dir[0] == '\0' || cfg->store == NULL ||
        cfg->latest == NULL)
        return lh_err_set(err, LH_EINVAL,
                          "publish: the directory, store and latest callback are "
                          "required");
    if (mkdir(cfg->dir, PUBLISH_DIR_MODE) == 0) {
        if (chmod(cfg->dir, PUBLISH_DIR_MODE) != 0)
            return lh_err_set(err, -errno, "publish directory %s: chmod: %s", cfg->dir,
                              strerror(errno));
    } else if (errno != EEXIST) {
        return lh_err_set(err, -errno, "publish directory %s: mkdir: %s", cfg->dir,
                          strerror(errno));
    }
    struct stat sb;
    if (stat(cfg->dir, &sb) != 0)
        return lh_err_set(err, -errno, "publish directory %s: %s", cfg->dir, strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return lh_err_set(err, -ENOTDIR, "publish directory %s: not a directory", cfg->dir);

    publisher *pub = calloc(1, sizeof *pub);
    if (pub == NULL)
        return lh_err_set(err, LH_ENOMEM, "publish: out of memory");
    size_t dlen = strlen(cfg->dir);
    pub->dir = strdup(cfg->dir);
    pub->checkpoint_path = malloc(dlen + sizeof "/" CHECKPOINT_NAME);
    if (pub->checkpoint_path != NULL)
        snprintf(pub->checkpoint_path, dlen + sizeof "/" CHECKPOINT_NAME, "%s/" CHECKPOINT_NAME,
                 cfg->dir);
    if (cfg->hook != NULL && cfg->hook[0] != '\0') {
        size_t hlen = strlen(cfg->hook) + sizeof " \"$1\"";
        pub->hook_cmd = malloc(hlen);
        if (pub->hook_cmd != NULL)
            snprintf(pub->hook_cmd, hlen, "%s \"$1\"", cfg->hook);
    }
    if (pub->dir == NULL || pub->checkpoint_path == NULL ||
        (cfg->hook != NULL && cfg->hook[0] != '\0' && pub->hook_cmd == NULL)) {
        publisher_free(pub);
        return lh_err_set(err, LH_ENOMEM, "publish: out of memory");
    }
    pub->interval = cfg->interval_seconds;
    pub->hook_timeout =
        cfg->hook_timeout_seconds != 0 ? cfg->hook_timeout_seconds : PUBLISH_HOOK_TIMEOUT_DEFAULT;
    pub->st = cfg->store;
    pub->latest = cfg->latest;
    pub->latest_ctx = cfg->latest_ctx;
    atomic_init(&pub->last_at, 0);

    int rc = pthread_mutex_init(&pub->mu, NULL);
    if (rc != 0) {
        publisher_free(pub);
        return lh_err_set(err, -rc, "publish: mutex: %s", strerror(rc));
    }
    pthread_condattr_t ca;
    if ((rc = pthread_condattr_init(&ca)) == 0) {
        /* Intervals are measured on the monotonic clock: setting the wall
         * clock back must not delay publication. */
        rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        if (rc == 0)
            rc = pthread_cond_init(&pub->cond, &ca);
        pthread_condattr_destroy(&ca);
    }
    if (rc != 0) {
        pthread_mutex_destroy(&pub->mu);
        publisher_free(pub);
        return lh_err_set(err, -rc, "publish: condition variable: %s", strerror(rc));
    }
    rc = bgthread_start(&pub->thread, publisher_main, pub);
    if (rc != 0) {
        pthread_cond_destroy(&pub->cond);
        pthread_mutex_destroy(&pub->mu);
        publisher_free(pub);
        return lh_err_set(err, -rc, "publish: cannot start the publisher thread: %s", strerror(rc));
    }
    *out = pub;
    return 0;
}

void publish_request(publisher *pub)
{
    if (pub == NULL)
        return;
    pthread_mutex_lock(&pub->mu);
    pub->requested = true;
    pthread_cond_signal(&pub->cond);
    pthread_mutex_unlock(&pub->mu);
}

int64_t publish_last_at(publisher *pub)
{
    return pub != NULL ? atomic_load(&pub->last_at) : 0;
}

int publish_stop(publisher *pub, bool final)
{
    if (pub == NULL)
        return 0;
    pthread_mutex_lock(&pub->mu);
    pub->stopping = true;
    pub->final = final;
    pthread_cond_signal(&pub->cond);
    pthread_mutex_unlock(&pub->mu);
    pthread_join(pub->thread, NULL);
    pthread_cond_destroy(&pub->cond);
    pthread_mutex_destroy(&pub->mu);
    int rc = pub->final_rc;
    publisher_free(pub);
    return rc;
}
