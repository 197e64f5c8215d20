/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * snapshot.c — the calls that write files: Export and Backup (snapshot.h).
 * They write, as the daemon's user, where a socket admin says, but only
 * beneath the directories the operator configured and never through a
 * symbolic link (beneath.h); every refusal names the path and the cause,
 * and nothing already there is ever overwritten.
 */
#define _GNU_SOURCE /* renameat2, RENAME_NOREPLACE */
#include "snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "beneath.h"
#include "fileio.h"
#include "i18n.h"
#include "log.h"
#include "publish.h"
#include "text.h"
#include "tile.h"

/* One slow call being answered. */
typedef struct call {
    store *store;
    const snapshot_config *cfg;
    protocol_reply r;
} call;

/* protocol_refuse() for the call's reply. */
#define refuse(c, ...) protocol_refuse(&(c)->r, __VA_ARGS__)

/* Bytes of a path shown in a message: the client quotes the message into
 * an error of 256 bytes, which must keep room for the cause after it. */
#define PATH_SHOWN 96

/* A path for a message: a long one is shown by its end, which names the
 * file, after "...", cut at a UTF-8 character boundary so that the message
 * stays valid UTF-8 (the client quotes it). */
static void show_path(char out[PATH_SHOWN], const char *path)
{
    size_t len = strlen(path);
    if (len < PATH_SHOWN) {
        memcpy(out, path, len + 1);
        return;
    }
    size_t from = len - (PATH_SHOWN - 4);
    while (from < len && ((unsigned char)path[from] & 0xC0) == 0x80)
        from++;
    memcpy(out, "...", 3);
    memcpy(out + 3, path + from, len - from + 1);
}

/* The path a request names, relative to the configured directory `base`
 * (beneath.h): a name relative to it, or an absolute path beneath it.
 * Refuses, naming the field, the path and the fault, and returns false
 * otherwise. */
static bool path_beneath(call *c, const char *field, const char *path, const char *base,
                         const char *option, char rel[PATH_MAX])
{
    beneath_fault f = beneath_relative(path, base, rel, PATH_MAX);
    if (f == BENEATH_OK)
        return true;
    if (f == BENEATH_NOT_UTF8 || f == BENEATH_CONTROL || f == BENEATH_EMPTY) {
        /* Not shown: it could not be, or there is nothing to show. */
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
               "%s.%s: %s: give a name inside %s (%s) or an absolute path beneath it", c->r.name,
               field, beneath_fault_text(f), base, option);
        return false;
    }
    char shown[PATH_SHOWN];
    show_path(shown, path);
    refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT, "%s.%s %s: %s (%s %s)", c->r.name, field,
           shown, beneath_fault_text(f), option, base);
    return false;
}

/* rel beneath base, for messages and logs: the absolute path. */
static char *full_path(call *c, const char *base, const char *rel)
{
    size_t n = strlen(base) + 1 + strlen(rel) + 1;
    char *out = arena_alloc(&c->r.a, n);
    if (out != NULL)
        snprintf(out, n, "%s/%s", base, rel);
    return out;
}

/* The path a slow call names in its field `field`, beneath the directory
 * its operator gave with `option` (base, open as fd; fd < 0 when none was
 * given): on 0, *full is the absolute path (in the call's arena) and rel the
 * path relative to base, or *full is NULL and the call is refused. */
static int target_path(call *c, int fd, const char *base, const char *option, const char *field,
                       const char *path, char rel[PATH_MAX], char **full)
{
    *full = NULL;
    if (fd < 0)
        return refuse(c, LIUHEN__STATUS__STATUS_PERMISSION_DENIED,
                      "%s: this daemon takes no %ss: its operator must start liuhend with %s DIR",
                      c->r.name, c->r.name, option);
    if (!path_beneath(c, field, path, base, option, rel))
        return 0;
    *full = full_path(c, base, rel);
    return *full == NULL ? LH_ENOMEM : 0;
}

/* What a failed file operation on a path the client named means for the
 * client. A full disk may clear up (UNAVAILABLE, try again later or
 * elsewhere); a path the daemon cannot use is the request's fault
 * (INVALID_ARGUMENT); anything else is the daemon's (INTERNAL). */
static Liuhen__Status file_status(int code)
{
    switch (code) {
    case -ENOSPC:
    case -EDQUOT:
    case -EFBIG:
    case -EIO: return LIUHEN__STATUS__STATUS_UNAVAILABLE;
    case -EACCES:
    case -EPERM:
    case -EROFS:
    case -ENOENT:
    case -ENOTDIR:
    case -EISDIR:
    case -ELOOP:
    case -ENAMETOOLONG:
    case -EEXIST:
    case -EXDEV:
    case -ENOTEMPTY: return LIUHEN__STATUS__STATUS_INVALID_ARGUMENT;
    default: return LIUHEN__STATUS__STATUS_INTERNAL;
    }
}

/* Whether a code is -errno rather than one of the LH_E* codes (errors.h:
 * those are all -1000 or below). */
static bool is_errno(int code)
{
    return code < 0 && code > LH_EINVAL;
}

/* The cause of a failed file operation, in words a user acts on. */
static const char *file_cause(int code)
{
    switch (code) {
    case -EACCES:
    case -EPERM: return "the daemon's user cannot write it";
    case -ENOSPC: return "no space left on its file system";
    case -EDQUOT: return "the daemon's user is over its disk quota there";
    case -EFBIG: return "the file grew beyond the largest file its file system allows";
    case -EIO: return "an I/O error on its file system";
    case -EROFS: return "it is on a read-only file system";
    case -ENOENT: return "its parent directory does not exist";
    case -ENOTDIR: return "a component of the path is not a directory";
    case -EISDIR: return "it is a directory";
    case -ELOOP:
        return "it or a directory on the way to it is a symbolic link, which the daemon never "
               "follows";
    case -EXDEV: return "it is on another file system than the configured directory";
    case -ENAMETOOLONG: return "the path or a component of it is too long";
    case -EEXIST: return "it exists already";
    default: return lh_strerror(code);
    }
}

/* Refuse a slow call whose file operation `op` failed with -errno `code`. */
static int refuse_file(call *c, const char *field, const char *path, const char *op, int code)
{
    char shown[PATH_SHOWN];
    show_path(shown, path);
    return refuse(c, file_status(code), "%s.%s %s: %s: %s (%s)", c->r.name, field, shown, op,
                  file_cause(code), lh_errname(code));
}

/* The latest checkpoint, copied into the arena: a slow call works from a
 * copy, since it must not hold a read transaction while it writes files
 * (store.h: that would hold back the map's growth for as long). */
typedef struct latest_copy {
    uint8_t *note; /* in the call's arena */
    size_t len;
    uint64_t size; /* its tree size */
} latest_copy;

static int copy_latest(call *c, latest_copy *out, bool *refused)
{
    *refused = false;
    store_txn *txn;
    int rc = store_read_begin(c->store, &txn);
    if (rc != 0)
        return rc;
    const uint8_t *n;
    rc = store_get_checkpoint(txn, UINT64_MAX, &n, &out->len, &out->size);
    if (rc == 0) {
        out->note = arena_alloc(&c->r.a, out->len);
        if (out->note == NULL)
            rc = LH_ENOMEM;
        else
            memcpy(out->note, n, out->len);
    } else if (rc == LH_ENOTFOUND) {
        /* Only a store whose init never finished has none. */
        refuse(c, LIUHEN__STATUS__STATUS_NOT_FOUND,
               "%s: the log has no checkpoint yet (liuhend init writes the first)", c->r.name);
        *refused = true;
        rc = 0;
    }
    store_txn_end(txn);
    return rc;
}

/* An export directory, rel beneath --export-dir: created with the
 * directory mode of the export or, if it exists, an empty directory; it
 * and every directory on the way are opened without following a symbolic
 * link. Returns its descriptor, or refuses and returns -1. */
static int export_dir_ready(call *c, const char *rel, const char *dir, mode_t mode)
{
    const char *base;
    int parent = beneath_open_parent(c->cfg->export_fd, rel, &base);
    if (parent < 0) {
        refuse_file(c, "directory", dir, "open its parent", parent);
        return -1;
    }
    bool made = mkdirat(parent, base, mode) == 0;
    int e = errno;
    if (!made && e != EEXIST) {
        close(parent);
        refuse_file(c, "directory", dir, "mkdir", -e);
        return -1;
    }
    char shown[PATH_SHOWN];
    show_path(shown, dir);
    int fd = beneath_open(parent, base, O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0) {
        close(parent);
        if (fd == -ELOOP)
            refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                   "export.directory %s: a symbolic link, which the daemon never follows", shown);
        else if (fd == -ENOTDIR)
            refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                   "export.directory %s: exists and is not a directory", shown);
        else
            refuse_file(c, "directory", dir, "open", fd);
        return -1;
    }
    if (made) {
        /* The umask may have taken bits away; the mode is the export's. */
        int rc = fchmod(fd, mode) == 0 ? 0 : -errno;
        if (rc == 0 && fsync(parent) != 0 && errno != EINVAL)
            rc = -errno;
        close(parent);
        if (rc != 0) {
            close(fd);
            refuse_file(c, "directory", dir, "chmod", rc);
            return -1;
        }
        return fd;
    }
    close(parent);
    int lfd = dup(fd);
    DIR *d = lfd < 0 ? NULL : fdopendir(lfd);
    if (d == NULL) {
        e = errno;
        if (lfd >= 0)
            close(lfd);
        close(fd);
        refuse_file(c, "directory", dir, "opendir", -e);
        return -1;
    }
    char first[64] = "";
    errno = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        size_t n = strlen(de->d_name);
        if (n >= sizeof first || !text_utf8_valid((const uint8_t *)de->d_name, n) ||
            text_has_control((const uint8_t *)de->d_name, n, false))
            snprintf(first, sizeof first, "a file whose name cannot be shown");
        else
            memcpy(first, de->d_name, n + 1);
        break;
    }
    e = errno;
    closedir(d);
    if (first[0] != '\0') {
        /* Never mix an export with other files: an inspector must be able
         * to take the whole directory as the log's. */
        close(fd);
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
               "export.directory %s: exists and is not empty (it holds %s): export into a new "
               "or an empty directory",
               shown, first);
        return -1;
    }
    if (e != 0) {
        close(fd);
        refuse_file(c, "directory", dir, "readdir", -e);
        return -1;
    }
    return fd;
}

/* The modes of an export: those of a publication (0644 files, 0755
 * directories), narrowed to the permission bits of --export-dir itself,
 * so that an export is never readable by anyone who could not read the
 * directory the operator chose: 0640 and 0750 in a 0750 directory, 0600
 * and 0700 in a 0700 one. */
static int export_modes(call *c, publish_modes *out)
{
    struct stat st;
    if (fstat(c->cfg->export_fd, &st) != 0)
        return -errno;
    mode_t allowed = st.st_mode & 0777;
    out->file_mode = 0644 & allowed;
    out->dir_mode = 0755 & allowed;
    /* The daemon must still write and enter what it makes. */
    out->file_mode |= 0600;
    out->dir_mode |= 0700;
    return 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int do_export(call *c, const Liuhen__ExportRequest *rq, uint64_t id)
{
    const snapshot_config *cfg = c->cfg;
    char rel[PATH_MAX];
    char *dir;
    int rc = target_path(c, cfg->export_fd, cfg->export_path, "--export-dir", "directory",
                         rq->directory, rel, &dir);
    if (rc != 0 || dir == NULL)
        return rc;

    latest_copy cp;
    bool refused;
    rc = copy_latest(c, &cp, &refused);
    if (rc != 0 || refused)
        return rc;
    publish_modes modes;
    if ((rc = export_modes(c, &modes)) != 0)
        return refuse_file(c, "directory", cfg->export_path, "stat --export-dir", rc);
    int fd = export_dir_ready(c, rel, dir, modes.dir_mode);
    if (fd < 0)
        return 0;

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    lh_err err = {{0}};
    rc = publish_write_at(fd, dir, &modes, c->store, cp.size, cp.note, cp.len, 0, &err);
    close(fd);
    if (rc != 0) {
        char shown[PATH_SHOWN];
        show_path(shown, dir);
        bool sys = is_errno(rc);
        Liuhen__Status st = sys ? file_status(rc) : LIUHEN__STATUS__STATUS_INTERNAL;
        /* publish_write() writes the checkpoint last: a directory left
         * without one is visibly incomplete, never mistaken for a log. Its
         * detail names the file that failed: the log keeps it. */
        refuse(c, st,
               "export.directory %s: %s (%s); the directory is left without a checkpoint: empty "
               "or remove it before trying again",
               shown, sys ? file_cause(rc) : lh_strerror(rc), lh_errname(rc));
        if (st == LIUHEN__STATUS__STATUS_INTERNAL)
            log_error("export: request %" PRIu64 ": %s: %s", id, dir,
                      err.msg[0] != '\0' ? err.msg : lh_strerror(rc));
        else
            log_info("export: request %" PRIu64 ": %s: %s", id, dir,
                     err.msg[0] != '\0' ? err.msg : lh_strerror(rc));
        return 0;
    }
    /* The directory was empty, so it holds exactly the resources of the
     * tree of `size` leaves (tile.h) and the checkpoint. */
    uint64_t files = 1 + tile_count(cp.size);
    log_info(_("export: request %" PRIu64 ": wrote the tiles directory of tree size %" PRIu64
               " into %s: %" PRIu64 " files in %.2f s"),
             id, cp.size, dir, files, seconds_since(&t0));

    Liuhen__ExportResponse *r = arena_alloc(&c->r.a, sizeof *r);
    if (r == NULL)
        return LH_ENOMEM;
    liuhen__export_response__init(r);
    r->tree_size = cp.size;
    r->checkpoint.data = cp.note;
    r->checkpoint.len = cp.len;
    r->files = files;
    c->r.resp.result_case = LIUHEN__RESPONSE__RESULT_EXPORT;
    c->r.resp.export = r;
    return 0;
}

/* The temporary of a backup: SNAPSHOT_TMP_PREFIX, six random letters or
 * digits, SNAPSHOT_TMP_SUFFIX, always in --backup-dir itself. It is
 * hidden and named like no store (a restore looks for data.mdb). */
#define SNAPSHOT_TMP_PREFIX ".liuhen-backup-"
#define SNAPSHOT_TMP_SUFFIX ".tmp"
#define SNAPSHOT_TMP_RANDOM 6

static bool is_backup_tmp_name(const char *name)
{
    size_t plen = sizeof SNAPSHOT_TMP_PREFIX - 1, slen = sizeof SNAPSHOT_TMP_SUFFIX - 1;
    if (strlen(name) != plen + SNAPSHOT_TMP_RANDOM + slen ||
        memcmp(name, SNAPSHOT_TMP_PREFIX, plen) != 0 ||
        strcmp(name + plen + SNAPSHOT_TMP_RANDOM, SNAPSHOT_TMP_SUFFIX) != 0)
        return false;
    for (size_t i = plen; i < plen + SNAPSHOT_TMP_RANDOM; i++) {
        char ch = name[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
            return false;
    }
    return true;
}

/* Create a new temporary in the backup directory: O_EXCL and O_NOFOLLOW,
 * mode 0600, locked (flock) for as long as it is open, so that a daemon
 * starting on the same directory leaves it alone. Returns the descriptor
 * or -errno; name receives the temporary's name. */
static int backup_tmp_create(int dir, char name[64])
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (int attempt = 0; attempt < 16; attempt++) {
        char rnd[SNAPSHOT_TMP_RANDOM + 1];
        for (int i = 0; i < SNAPSHOT_TMP_RANDOM; i++)
            rnd[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
        rnd[SNAPSHOT_TMP_RANDOM] = '\0';
        snprintf(name, 64, SNAPSHOT_TMP_PREFIX "%s" SNAPSHOT_TMP_SUFFIX, rnd);
        int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno == EEXIST)
            continue;
        if (fd < 0)
            return -errno;
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            close(fd);
            unlinkat(dir, name, 0);
            return -e;
        }
        return fd;
    }
    return -EEXIST;
}

/* Give the temporary its final name, never over an existing file:
 * renameat2(RENAME_NOREPLACE), or on a file system without it, link(2)
 * (which never replaces either) and unlink. */
static int backup_publish_name(int dir, const char *tmp, int parent, const char *base)
{
    if (renameat2(dir, tmp, parent, base, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -errno;
    if (linkat(dir, tmp, parent, base, 0) != 0)
        return -errno;
    unlinkat(dir, tmp, 0);
    return 0;
}

int snapshot_clean_backups(int dir, const char *shown)
{
    int lfd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = lfd < 0 ? NULL : fdopendir(lfd);
    if (d == NULL) {
        int e = errno;
        if (lfd >= 0)
            close(lfd);
        return -e;
    }
    int removed = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!is_backup_tmp_name(de->d_name))
            continue;
        int fd = openat(dir, de->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        /* A temporary still locked is a backup running in another
         * daemon sharing the directory. */
        struct stat st;
        bool stale =
            flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
        if (stale && unlinkat(dir, de->d_name, 0) == 0) {
            log_warn(_("backup directory %s: removed %s (%lld bytes), the temporary of a backup "
                       "that did not finish"),
                     shown, de->d_name, (long long)st.st_size);
            removed++;
        }
        close(fd);
    }
    closedir(d);
    return removed;
}

static int do_backup(call *c, const Liuhen__BackupRequest *rq, uint64_t id)
{
    const snapshot_config *cfg = c->cfg;
    char rel[PATH_MAX];
    char *path;
    int rc = target_path(c, cfg->backup_fd, cfg->backup_path, "--backup-dir", "path", rq->path, rel,
                         &path);
    if (rc != 0 || path == NULL)
        return rc;
    const char *base;
    int parent = beneath_open_parent(cfg->backup_fd, rel, &base);
    if (parent < 0)
        return refuse_file(c, "path", path, "open its parent", parent);
    char shown[PATH_SHOWN];
    show_path(shown, path);
    if (is_backup_tmp_name(base)) {
        close(parent);
        return refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                      "backup.path %s: named like the daemon's temporaries, which it removes at "
                      "start: choose another name",
                      shown);
    }
    struct stat st;
    if (fstatat(parent, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        close(parent);
        return refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                      "backup.path %s: it exists already: a backup never replaces a file", shown);
    }
    /* The state the answer reports is read first, so that the copy, whose
     * own snapshot begins later, holds at least that much. */
    latest_copy cp;
    bool refused;
    rc = copy_latest(c, &cp, &refused);
    if (rc != 0 || refused) {
        close(parent);
        return rc;
    }

    /* The copy is written under a temporary name in --backup-dir, then
     * renamed: a backup cut short (a full disk, a killed daemon) never
     * leaves a file under the name asked for, nor one named like a store. */
    char tmp[64];
    int fd = backup_tmp_create(cfg->backup_fd, tmp);
    if (fd < 0) {
        close(parent);
        return refuse_file(c, "path", path, "create a temporary file beside it", fd);
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    const char *op = "fchmod";
    lh_err err = {{0}};
    /* The umask may have taken bits away from 0600; the owner must keep
     * read and write, and nobody else may have any: the copy holds the
     * whole ledger, as private as the data directory. */
    rc = fchmod(fd, 0600) == 0 ? 0 : -errno;
    if (rc == 0) {
        op = "copy";
        rc = store_backup_fd(c->store, fd, &err);
    }
    if (rc == 0) {
        op = "fsync";
        rc = fsync(fd) == 0 ? 0 : -errno;
    }
    if (rc == 0) {
        op = "fstat";
        rc = fstat(fd, &st) == 0 ? 0 : -errno;
    }
    if (rc == 0) {
        op = "rename";
        rc = backup_publish_name(cfg->backup_fd, tmp, parent, base);
    }
    bool renamed = rc == 0;
    if (rc == 0) {
        op = "fsync of its directory";
        if (fsync(parent) != 0 && errno != EINVAL)
            rc = -errno;
    }
    if (rc == 0 && fsync(cfg->backup_fd) != 0 && errno != EINVAL) {
        op = "fsync of --backup-dir";
        rc = -errno;
    }
    if (close(fd) != 0 && rc == 0) {
        op = "close";
        rc = -errno;
    }
    if (rc != 0) {
        /* A partial copy must not pass for a backup. */
        if (renamed)
            unlinkat(parent, base, 0);
        else
            unlinkat(cfg->backup_fd, tmp, 0);
        close(parent);
        bool sys = is_errno(rc);
        Liuhen__Status stt = sys ? file_status(rc) : LIUHEN__STATUS__STATUS_INTERNAL;
        const char *cause = sys ? file_cause(rc) : err.msg[0] != '\0' ? err.msg : lh_strerror(rc);
        refuse(c, stt, "backup.path %s: %s failed, the partial copy is removed: %s (%s)", shown, op,
               cause, lh_errname(rc));
        if (stt == LIUHEN__STATUS__STATUS_INTERNAL)
            log_error("backup: request %" PRIu64 ": %s", id, c->r.msg);
        return 0;
    }
    close(parent);
    log_info(_("backup: request %" PRIu64 ": copied the store (tree size %" PRIu64
               " or more) to %s: %lld bytes in %.2f s"),
             id, cp.size, path, (long long)st.st_size, seconds_since(&t0));

    Liuhen__BackupResponse *r = arena_alloc(&c->r.a, sizeof *r);
    if (r == NULL)
        return LH_ENOMEM;
    liuhen__backup_response__init(r);
    r->tree_size = cp.size;
    r->bytes = (uint64_t)st.st_size;
    r->checkpoint.data = cp.note;
    r->checkpoint.len = cp.len;
    c->r.resp.result_case = LIUHEN__RESPONSE__RESULT_BACKUP;
    c->r.resp.backup = r;
    return 0;
}

int snapshot_answer(store *st, const snapshot_config *cfg, const peer_cred *peer,
                    uint32_t max_frame, const Liuhen__Request *req, protocol_buf *out,
                    Liuhen__Status *status_out)
{
    Liuhen__Request__CallCase which = req->call_case;
    if (!protocol_call_is_slow(which) || cfg == NULL)
        return LH_EINVAL;
    call c = {.store = st, .cfg = cfg};
    protocol_reply_init(&c.r, req->id, which);
    int rc = 0;
    /* protobuf-c gives a set message field and an empty string for an
     * absent one; NULL would be a request not made by the decoder. */
    if (!peer_is_admin(peer, &cfg->admins)) {
        /* A copy of the whole ledger leaves the daemon's control once
         * written: only its operators may ask (peer.h). */
        if (peer == NULL || !peer->known)
            refuse(&c, LIUHEN__STATUS__STATUS_PERMISSION_DENIED,
                   "%s: only socket admins may export or back up, and the caller's credentials "
                   "are unknown",
                   c.r.name);
        else
            refuse(&c, LIUHEN__STATUS__STATUS_PERMISSION_DENIED,
                   "%s: only socket admins may export or back up: uid %u is not root, not the "
                   "daemon's user and not in liuhend --admin-group%s",
                   c.r.name, (unsigned)peer->uid,
                   cfg->admins.has_group ? "" : " (none is configured)");
        if (peer != NULL && peer->known)
            log_info(_("%s: request %" PRIu64 " refused: uid %u pid %d is not a socket admin"),
                     c.r.name, req->id, (unsigned)peer->uid, (int)peer->pid);
    } else if (which == LIUHEN__REQUEST__CALL_EXPORT && req->export != NULL &&
               req->export->directory != NULL)
        rc = do_export(&c, req->export, req->id);
    else if (which == LIUHEN__REQUEST__CALL_BACKUP && req->backup != NULL &&
             req->backup->path != NULL)
        rc = do_backup(&c, req->backup, req->id);
    else
        refuse(&c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT, "%s: the request carries no path",
               c.r.name);
    bool too_large = false;
    size_t size = 0;
    int prc = protocol_reply_finish(&c.r, rc, out, max_frame, &too_large, &size);
    Liuhen__Status s = protocol_reply_status(&c.r, too_large, size, max_frame);
    protocol_reply_free(&c.r);
    if (status_out != NULL)
        *status_out = s;
    return prc == 0 ? 0 : LH_ENOMEM;
}
