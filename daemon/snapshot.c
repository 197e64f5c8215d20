/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * snapshot.c — the calls that write files: Export and Backup (snapshot.h).
 * They write where the client says, as the daemon's user, so every refusal
 * names the path and the cause, and nothing already there is ever
 * overwritten.
 */
#include "snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "i18n.h"
#include "log.h"
#include "publish.h"
#include "text.h"
#include "tile.h"

/* One slow call being answered. */
typedef struct call {
    store *store;
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

/* A path from a request: absolute, shorter than PATH_MAX, UTF-8 without
 * control characters (it goes into logs and messages). The daemon resolves
 * it in its own file system view, so a relative path would name a place
 * relative to the daemon's working directory, which no client knows. */
static bool path_ok(call *c, const char *field, const char *path)
{
    size_t len = strlen(path);
    if (len == 0) {
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
               "%s.%s: empty: give an absolute path, as the daemon sees it", c->r.name, field);
        return false;
    }
    if (!text_utf8_valid((const uint8_t *)path, len)) {
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT, "%s.%s: not valid UTF-8", c->r.name,
               field);
        return false;
    }
    if (text_has_control((const uint8_t *)path, len, false)) {
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT, "%s.%s: holds a control character",
               c->r.name, field);
        return false;
    }
    char shown[PATH_SHOWN];
    show_path(shown, path);
    if (len >= PATH_MAX) {
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
               "%s.%s %s: %zu bytes, longer than a path may be (%d)", c->r.name, field, shown, len,
               PATH_MAX - 1);
        return false;
    }
    if (path[0] != '/') {
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
               "%s.%s %s: a relative path: give an absolute path, as the daemon sees it", c->r.name,
               field, shown);
        return false;
    }
    return true;
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
    case -ELOOP: return "it is a symbolic link (give the real path)";
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

/* An export directory: created 0755 (whatever the umask: it is meant to
 * be served to others, as publish.h does) or, if it exists, an empty
 * directory that is not a symbolic link. Refuses and returns false
 * otherwise. */
static bool export_dir_ready(call *c, const char *dir)
{
    if (mkdir(dir, 0755) == 0) {
        if (chmod(dir, 0755) != 0) {
            refuse_file(c, "directory", dir, "chmod", -errno);
            return false;
        }
        return true;
    }
    if (errno != EEXIST) {
        refuse_file(c, "directory", dir, "mkdir", -errno);
        return false;
    }
    char shown[PATH_SHOWN];
    show_path(shown, dir);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        /* With O_DIRECTORY, Linux answers ENOTDIR for a symbolic link as
         * for a file: lstat() tells them apart for the message. */
        int e = errno;
        struct stat st;
        if ((e == ENOTDIR || e == ELOOP) && lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
            refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                   "export.directory %s: a symbolic link: give the directory itself", shown);
        else if (e == ENOTDIR)
            refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                   "export.directory %s: exists and is not a directory", shown);
        else
            refuse_file(c, "directory", dir, "open", -e);
        return false;
    }
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        int e = errno;
        close(fd);
        refuse_file(c, "directory", dir, "opendir", -e);
        return false;
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
    int e = errno;
    closedir(d);
    if (first[0] != '\0') {
        /* Never mix an export with other files: an inspector must be able
         * to take the whole directory as the log's. */
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
               "export.directory %s: exists and is not empty (it holds %s): export into a new "
               "or an empty directory",
               shown, first);
        return false;
    }
    if (e != 0) {
        refuse_file(c, "directory", dir, "readdir", -e);
        return false;
    }
    return true;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int do_export(call *c, const Liuhen__ExportRequest *rq, uint64_t id)
{
    if (!path_ok(c, "directory", rq->directory))
        return 0;
    /* Trailing slashes would make the kernel follow a symbolic link that
     * O_NOFOLLOW is there to refuse; "/srv/x/" means "/srv/x". */
    size_t len = strlen(rq->directory);
    char *dir = arena_alloc(&c->r.a, len + 1);
    if (dir == NULL)
        return LH_ENOMEM;
    memcpy(dir, rq->directory, len + 1);
    while (len > 1 && dir[len - 1] == '/')
        dir[--len] = '\0';

    latest_copy cp;
    bool refused;
    int rc = copy_latest(c, &cp, &refused);
    if (rc != 0 || refused)
        return rc;
    if (!export_dir_ready(c, dir))
        return 0;

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    lh_err err = {{0}};
    rc = publish_write(dir, c->store, cp.size, cp.note, cp.len, 0, &err);
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
    uint64_t files = 1;
    tile_iter it;
    tile t;
    tile_iter_init(&it, cp.size);
    while (tile_iter_next(&it, &t) == 1)
        files++;
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

static int do_backup(call *c, const Liuhen__BackupRequest *rq, uint64_t id)
{
    const char *path = rq->path;
    if (!path_ok(c, "path", path))
        return 0;
    /* The state the answer reports is read first, so that the copy, whose
     * own snapshot begins later, holds at least that much. */
    latest_copy cp;
    bool refused;
    int rc = copy_latest(c, &cp, &refused);
    if (rc != 0 || refused)
        return rc;

    /* O_EXCL: a backup never replaces a file, not even through a symbolic
     * link (O_EXCL refuses those too); 0600: the copy holds the whole
     * ledger, as private as the data directory. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return refuse_file(c, "path", path, "create", -errno);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    const char *op = "fchmod";
    lh_err err = {{0}};
    struct stat st;
    /* The umask may have taken bits away from 0600; the owner must keep
     * read and write, and nobody else may have any. */
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
    if (close(fd) != 0 && rc == 0) {
        op = "close";
        rc = -errno;
    }
    if (rc == 0) {
        op = "fsync of its directory";
        rc = fileio_sync_parent(path, &err);
    }
    if (rc != 0) {
        /* A partial copy must not pass for a backup. */
        unlink(path);
        char shown[PATH_SHOWN];
        show_path(shown, path);
        bool sys = is_errno(rc);
        Liuhen__Status stt = sys ? file_status(rc) : LIUHEN__STATUS__STATUS_INTERNAL;
        const char *cause = sys ? file_cause(rc) : err.msg[0] != '\0' ? err.msg : lh_strerror(rc);
        refuse(c, stt, "backup.path %s: %s failed, the partial copy is removed: %s (%s)", shown, op,
               cause, lh_errname(rc));
        if (stt == LIUHEN__STATUS__STATUS_INTERNAL)
            log_error("backup: request %" PRIu64 ": %s", id, c->r.msg);
        return 0;
    }
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

int snapshot_answer(store *st, uint32_t max_frame, const Liuhen__Request *req, protocol_buf *out,
                    Liuhen__Status *status_out)
{
    Liuhen__Request__CallCase which = req->call_case;
    if (!protocol_call_is_slow(which))
        return LH_EINVAL;
    call c = {.store = st};
    protocol_reply_init(&c.r, req->id, which);
    int rc = 0;
    /* protobuf-c gives a set message field and an empty string for an
     * absent one; NULL would be a request not made by the decoder. */
    if (which == LIUHEN__REQUEST__CALL_EXPORT && req->export != NULL &&
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
