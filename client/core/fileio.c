/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fileio.c — files read and written whole (fileio.h).
 */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grow.h"
#include "quote.h"

/* Paths in messages are quoted (quote.h): a hostile name must not forge
 * lines on the terminal that shows the message. */
#define SHOWN_PATH_MAX 256
#define SHOWN_CAP      (4 * SHOWN_PATH_MAX + 8)

static const char *show(char buf[SHOWN_CAP], const char *path)
{
    return quote_escape(buf, SHOWN_CAP, path, strlen(path), SHOWN_PATH_MAX, false);
}

/* ---- reading ------------------------------------------------------------ */

/*
 * Check the open file fd against flags. *size is the size fstat() saw (0
 * for what is not a regular file).
 */
static int check_fd(int fd, const char *shown, unsigned flags, const char *what, size_t max,
                    size_t *size, lh_err *err)
{
    struct stat st;
    *size = 0;
    /* Checked on the open file, not the shown, so nothing changes between. */
    if (fstat(fd, &st) != 0)
        return lh_err_set(err, -errno, "cannot stat %s %s: %s", what, shown, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return lh_err_set(err, -EISDIR, "%s %s is a directory, not a regular file", what, shown);
    if (!S_ISREG(st.st_mode) && !(flags & FILEIO_STREAM))
        return lh_err_set(err, LH_EINVAL, "%s %s is not a regular file", what, shown);
    if ((flags & FILEIO_PRIVATE) && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        return lh_err_set(err, LH_EPERMFILE,
                          "%s %s is accessible by group or others (mode %04o): chmod 600 %s", what,
                          shown, (unsigned)(st.st_mode & 07777), shown);
    if ((flags & FILEIO_UNSHARED) && (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        return lh_err_set(err, LH_EPERMFILE,
                          "%s %s is writable by group or others (mode %04o): chmod go-w %s", what,
                          shown, (unsigned)(st.st_mode & 07777), shown);
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max && !(flags & FILEIO_PREFIX))
        return lh_err_set(err, LH_ETOOBIG, "%s %s is larger than %zu bytes", what, shown, max);
    if (S_ISREG(st.st_mode))
        *size = (size_t)st.st_size;
    return 0;
}

/* Open path under dirfd for reading and check it (check_fd()). */
static int open_checked(int dirfd, const char *path, const char *shown, unsigned flags,
                        const char *what, size_t max, int *fd, size_t *size, lh_err *err)
{
    *fd = -1;
    *size = 0;
    /* O_NONBLOCK: a FIFO planted at the path must not hang the reader; it
     * is refused by check_fd() as not a regular file. A stream is waited on. */
    int oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY;
    if (!(flags & FILEIO_STREAM))
        oflags |= O_NONBLOCK;
    if (flags & FILEIO_NOFOLLOW)
        oflags |= O_NOFOLLOW;
    int f = openat(dirfd, path, oflags);
    if (f < 0) {
        int e = errno;
        if (e == ENOENT)
            return lh_err_set(err, -ENOENT, "%s %s does not exist", what, shown);
        if (e == ELOOP && (flags & FILEIO_NOFOLLOW))
            return lh_err_set(err, -ELOOP, "%s %s is a symbolic link: give the file itself", what,
                              shown);
        return lh_err_set(err, -e, "cannot open %s %s: %s", what, shown, strerror(e));
    }
    int rc = check_fd(f, shown, flags, what, max, size, err);
    if (rc != 0) {
        close(f);
        return rc;
    }
    *fd = f;
    return 0;
}

/*
 * Read from fd into buf (room for *cap bytes, growable up to max + 1 when
 * grow is set) until end of file or max + 1 bytes. NUL-terminates.
 */
static int read_all(int fd, const char *shown, unsigned flags, const char *what, uint8_t **buf,
                    size_t *cap, bool grow, size_t max, size_t *len, lh_err *err)
{
    size_t want = (flags & FILEIO_PREFIX) ? max : max + 1;
    size_t got = 0;
    while (got < want) {
        if (got + 1 >= *cap) {
            if (!grow)
                break;
            if (grow_room(buf, cap, got + 2, 1, 1, want + 1) != 0)
                return lh_err_set(err, LH_ENOMEM, "%s %s: out of memory", what, shown);
        }
        size_t room = *cap - 1 - got;
        if (room > want - got)
            room = want - got;
        ssize_t r = read(fd, *buf + got, room);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return lh_err_set(err, -errno, "cannot read %s %s: %s", what, shown, strerror(errno));
        if (r == 0)
            break;
        got += (size_t)r;
    }
    /* One byte past the limit: the file grew after fstat(), or is a stream. */
    if (got > max)
        return lh_err_set(err, LH_ETOOBIG, "%s %s is larger than %zu bytes", what, shown, max);
    (*buf)[got] = '\0';
    *len = got;
    return 0;
}

int fileio_open_walk(int root, const char *rel, int flags, mode_t mode)
{
    char buf[PATH_MAX];
    size_t len = strlen(rel);
    if (len >= sizeof buf)
        return -ENAMETOOLONG;
    memcpy(buf, rel, len + 1);
    int dir = root;
    char *c = buf;
    for (;;) {
        char *slash = strchr(c, '/');
        if (slash != NULL)
            *slash = '\0';
        if (c[0] == '\0' || strcmp(c, ".") == 0 || strcmp(c, "..") == 0) {
            if (dir != root)
                close(dir);
            return -EXDEV;
        }
        int f = slash != NULL ? O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC : flags;
        int fd = openat(dir, c, f, mode);
        int e = errno;
        if (fd < 0 && e == ENOTDIR) {
            struct stat st;
            if (fstatat(dir, c, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
                e = ELOOP;
        }
        if (dir != root)
            close(dir);
        if (fd < 0)
            return -e;
        if (slash == NULL)
            return fd;
        dir = fd;
        c = slash + 1;
    }
}

int fileio_read_into(const char *path, unsigned flags, const char *what, char *buf, size_t max,
                     size_t *len, lh_err *err)
{
    *len = 0;
    int fd;
    size_t size;
    char shown[SHOWN_CAP];
    int rc = open_checked(AT_FDCWD, path, show(shown, path), flags, what, max, &fd, &size, err);
    if (rc != 0)
        return rc;
    uint8_t *p = (uint8_t *)buf;
    size_t cap = max + 1;
    rc = read_all(fd, shown, flags, what, &p, &cap, false, max, len, err);
    close(fd);
    return rc;
}

/* Read the checked fd into malloc'd memory (size: what fstat() saw). */
static int read_alloc(int fd, const char *shown, unsigned flags, const char *what, size_t size,
                      size_t max, uint8_t **out, size_t *len, lh_err *err)
{
    /* Room for what fstat() saw, its NUL and one byte to notice growth; a
     * stream starts small and grows. */
    size_t cap = (size < max ? size : max) + 2;
    if (cap < 64)
        cap = 64;
    uint8_t *buf = malloc(cap);
    if (buf == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s %s: out of memory", what, shown);
    int rc = read_all(fd, shown, flags, what, &buf, &cap, true, max, len, err);
    if (rc != 0) {
        free(buf);
        *len = 0;
        return rc;
    }
    *out = buf;
    return 0;
}

int fileio_read_fd(int fd, const char *name, unsigned flags, const char *what, size_t max,
                   uint8_t **out, size_t *len, lh_err *err)
{
    *out = NULL;
    *len = 0;
    size_t size;
    char shown[SHOWN_CAP];
    int rc = check_fd(fd, show(shown, name), flags, what, max, &size, err);
    if (rc != 0)
        return rc;
    return read_alloc(fd, shown, flags, what, size, max, out, len, err);
}

int fileio_read_at(int dirfd, const char *rel, unsigned flags, const char *what, size_t max,
                   uint8_t **out, size_t *len, lh_err *err)
{
    *out = NULL;
    *len = 0;
    int fd;
    size_t size;
    char shown[SHOWN_CAP];
    int rc = open_checked(dirfd, rel, show(shown, rel), flags, what, max, &fd, &size, err);
    if (rc != 0)
        return rc;
    rc = read_alloc(fd, shown, flags, what, size, max, out, len, err);
    close(fd);
    return rc;
}

int fileio_read(const char *path, unsigned flags, const char *what, size_t max, uint8_t **out,
                size_t *len, lh_err *err)
{
    return fileio_read_at(AT_FDCWD, path, flags, what, max, out, len, err);
}

/* ---- writing ------------------------------------------------------------ */

/* Write all of data to fd. @return 0 or -errno. */
static int write_all(int fd, const void *data, size_t len)
{
    const uint8_t *p = data;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, p + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -errno;
        if (w == 0)
            return -EIO;
        done += (size_t)w;
    }
    return 0;
}

/*
 * Give fd its mode whatever the umask, write the data, fsync and close
 * (fd is closed in every case). *step names what failed.
 */
static int fill_and_close(int fd, mode_t mode, const void *data, size_t len, const char **step)
{
    int rc = 0;
    *step = "set the mode of";
    if (fchmod(fd, mode) != 0)
        rc = -errno;
    if (rc == 0) {
        *step = "write";
        rc = write_all(fd, data, len);
    }
    if (rc == 0) {
        *step = "sync";
        if (fsync(fd) != 0)
            rc = -errno;
    }
    if (close(fd) != 0 && rc == 0) {
        *step = "close";
        rc = -errno;
    }
    return rc;
}

/* Split path into its directory ("." or "/" when it has none) and name. */
static int split_path(const char *path, char dir[PATH_MAX], const char **base)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        strcpy(dir, ".");
        *base = path;
        return 0;
    }
    *base = slash + 1;
    if (slash == path) {
        strcpy(dir, "/");
        return 0;
    }
    size_t n = (size_t)(slash - path);
    if (n >= PATH_MAX)
        return -ENAMETOOLONG;
    memcpy(dir, path, n);
    dir[n] = '\0';
    return 0;
}

int fileio_sync_dir_at(int dirfd, const char *rel, const char *shown, lh_err *err)
{
    const char *path = rel[0] != '\0' ? rel : ".";
    int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return lh_err_set(err, -errno, "cannot open directory %s: %s", shown, strerror(errno));
    int rc = 0;
    /* Some file systems cannot sync a directory (EINVAL): nothing to do then. */
    if (fsync(fd) != 0 && errno != EINVAL)
        rc = lh_err_set(err, -errno, "cannot sync directory %s: %s", shown, strerror(errno));
    close(fd);
    return rc;
}

int fileio_sync_parent(const char *path, lh_err *err)
{
    char dir[PATH_MAX];
    const char *base;
    char shown[SHOWN_CAP];
    if (split_path(path, dir, &base) != 0)
        return lh_err_set(err, -ENAMETOOLONG, "path %s is too long", show(shown, path));
    return fileio_sync_dir_at(AT_FDCWD, dir, show(shown, dir), err);
}

int fileio_write_new(const char *path, mode_t mode, const void *data, size_t len, const char *what,
                     lh_err *err)
{
    char shown[SHOWN_CAP];
    show(shown, path);
    /* O_EXCL also refuses a symbolic link at path, dangling or not. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, mode);
    if (fd < 0) {
        int e = errno;
        if (e == EEXIST)
            return lh_err_set(err, -EEXIST, "%s %s already exists: it is never overwritten", what,
                              shown);
        return lh_err_set(err, -e, "cannot create %s %s: %s", what, shown, strerror(e));
    }
    const char *step;
    int rc = fill_and_close(fd, mode, data, len, &step);
    if (rc != 0)
        lh_err_set(err, rc, "cannot %s %s %s: %s", step, what, shown, strerror(-rc));
    else
        rc = fileio_sync_parent(path, err);
    /* Removed again, so that a retry does not meet -EEXIST. */
    if (rc != 0)
        unlink(path);
    return rc;
}

/* Hex digits of 8 random bytes, for a temporary name nobody can guess. */
static void random_hex(char out[17])
{
    uint8_t r[8];
    size_t got = 0;
    while (got < sizeof r) {
        ssize_t n = getrandom(r + got, sizeof r - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got < sizeof r) {
        /* No entropy source: O_EXCL still keeps the name safe, only less
         * likely to be free. */
        uint64_t v = (uint64_t)getpid() * 0x9e3779b97f4a7c15u ^ (uint64_t)(uintptr_t)out;
        memcpy(r, &v, sizeof r);
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof r; i++) {
        out[2 * i] = hex[r[i] >> 4];
        out[2 * i + 1] = hex[r[i] & 15];
    }
    out[16] = '\0';
}

int fileio_replace_at(int dirfd, const char *rel, unsigned flags, mode_t mode, const void *data,
                      size_t len, const char *shown, lh_err *err)
{
    char dir[PATH_MAX];
    const char *base;
    if (split_path(rel, dir, &base) != 0 || base[0] == '\0')
        return lh_err_set(err, LH_EINVAL, "%s: not a file name", shown);
    /* ".<name>.<random>.tmp" or ".<name>.tmp" beside the target; never
     * written through a symbolic link planted under that name. */
    char tmp[PATH_MAX];
    size_t dlen = (size_t)(base - rel);
    bool fixed = (flags & FILEIO_FIXED_TEMP) != 0;
    int oflags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
    oflags |= fixed ? O_TRUNC : O_EXCL;
    int fd = -1;
    for (int attempt = 0; attempt < 8 && fd < 0; attempt++) {
        char rnd[18] = "";
        if (!fixed) {
            rnd[0] = '.';
            random_hex(rnd + 1);
        }
        int n = snprintf(tmp, sizeof tmp, "%.*s.%s%s.tmp", (int)dlen, rel, base, rnd);
        if (n < 0 || (size_t)n >= sizeof tmp)
            return lh_err_set(err, LH_EINVAL, "%s: the name is too long", shown);
        fd = openat(dirfd, tmp, oflags, mode);
        if (fd < 0 && (fixed || errno != EEXIST))
            break;
    }
    if (fd < 0)
        return lh_err_set(err, -errno, "cannot create a temporary file beside %s: %s", shown,
                          strerror(errno));
    const char *step;
    int rc = fill_and_close(fd, mode, data, len, &step);
    if (rc == 0 && renameat(dirfd, tmp, dirfd, rel) != 0) {
        step = "rename a temporary file over";
        rc = -errno;
    }
    if (rc != 0) {
        unlinkat(dirfd, tmp, 0);
        return lh_err_set(err, rc, "cannot %s %s: %s", step, shown, strerror(-rc));
    }
    return 0;
}

int fileio_replace(const char *path, mode_t mode, const void *data, size_t len, const char *what,
                   lh_err *err)
{
    char quoted[SHOWN_CAP], shown[SHOWN_CAP + 64];
    snprintf(shown, sizeof shown, "%s %s", what, show(quoted, path));
    int rc = fileio_replace_at(AT_FDCWD, path, 0, mode, data, len, shown, err);
    if (rc == 0)
        rc = fileio_sync_parent(path, err);
    return rc;
}
