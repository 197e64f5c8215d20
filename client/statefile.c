/*
 * statefile.c — the client library's state file (statefile.h).
 */
#include "statefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "note.h"

int statefile_read(const char *path, uint8_t **note, size_t *len, lh_err *err)
{
    *note = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT)
            return -ENOENT; /* no checkpoint seen yet: trust on first use */
        return lh_err_set(err, -e, "state file %s: cannot open: %s", path, strerror(e));
    }
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        rc = lh_err_set(err, -e, "state file %s: cannot stat: %s", path, strerror(e));
    } else if (!S_ISREG(st.st_mode)) {
        rc = lh_err_set(err, LH_EPARSE, "state file %s: not a regular file", path);
    } else if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        /* Whoever can write it can roll it back and hide a fork. */
        rc = lh_err_set(err, LH_EPERMFILE,
                        "state file %s: writable by group or others (mode %03o): whoever can "
                        "write it can hide a fork",
                        path, (unsigned)(st.st_mode & 0777));
    } else if (st.st_size == 0) {
        /* It is only ever replaced whole, so an empty one was damaged. */
        rc = lh_err_set(err, LH_EPARSE, "state file %s: empty", path);
    } else if ((uint64_t)st.st_size > NOTE_MAX_SIZE) {
        rc = lh_err_set(err, LH_ETOOBIG, "state file %s: %lld bytes, more than a checkpoint", path,
                        (long long)st.st_size);
    }
    if (rc != 0) {
        close(fd);
        return rc;
    }
    size_t want = (size_t)st.st_size;
    uint8_t *buf = malloc(want);
    if (buf == NULL) {
        close(fd);
        return lh_err_set(err, LH_ENOMEM, "state file %s: out of memory", path);
    }
    size_t got = 0;
    while (got < want) {
        ssize_t n = read(fd, buf + got, want - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            rc = lh_err_set(err, -e, "state file %s: cannot read: %s", path, strerror(e));
            break;
        }
        if (n == 0) {
            rc = lh_err_set(err, LH_EPARSE, "state file %s: shrank while it was read", path);
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    *note = buf;
    *len = want;
    return 0;
}

/* fsync the directory holding path, so that a rename into it is durable. */
static int fsync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    if (slash == NULL)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else
        dir = strndup(path, (size_t)(slash - path));
    if (dir == NULL)
        return LH_ENOMEM;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return -errno;
    int rc = fsync(fd) == 0 ? 0 : -errno;
    close(fd);
    return rc;
}

int statefile_write(const char *path, const uint8_t *note, size_t len, lh_err *err)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + sizeof ".XXXXXX");
    if (tmp == NULL)
        return lh_err_set(err, LH_ENOMEM, "state file %s: out of memory", path);
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".XXXXXX", sizeof ".XXXXXX");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return lh_err_set(err, -e, "state file %s: cannot create a temporary file: %s", path,
                          strerror(e));
    }
    int rc = 0;
    const char *step = "chmod";
    if (fchmod(fd, 0600) != 0) {
        rc = -errno;
    } else {
        step = "write";
        size_t off = 0;
        while (off < len) {
            ssize_t n = write(fd, note + off, len - off);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                rc = n < 0 ? -errno : -EIO;
                break;
            }
            off += (size_t)n;
        }
        if (rc == 0) {
            step = "fsync";
            if (fsync(fd) != 0)
                rc = -errno;
        }
    }
    if (close(fd) != 0 && rc == 0) {
        step = "close";
        rc = -errno;
    }
    if (rc == 0) {
        step = "rename";
        if (rename(tmp, path) != 0)
            rc = -errno;
    }
    if (rc != 0) {
        unlink(tmp);
        free(tmp);
        return lh_err_set(err, rc, "state file %s: %s failed: %s", path, step, strerror(-rc));
    }
    free(tmp);
    rc = fsync_parent(path);
    if (rc != 0)
        return lh_err_set(err, rc, "state file %s: fsync of its directory failed: %s", path,
                          rc == LH_ENOMEM ? "out of memory" : strerror(-rc));
    return 0;
}
