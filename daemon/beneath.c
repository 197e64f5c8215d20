/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * beneath.c — client paths confined to a configured directory (beneath.h).
 */
#define _GNU_SOURCE /* O_PATH */
#include "beneath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "fileio.h"
#include "text.h"

beneath_fault beneath_relative(const char *path, const char *base, char *rel, size_t cap)
{
    size_t len = strlen(path);
    if (!text_utf8_valid((const uint8_t *)path, len))
        return BENEATH_NOT_UTF8;
    if (text_has_control((const uint8_t *)path, len, false))
        return BENEATH_CONTROL;
    if (len >= PATH_MAX)
        return BENEATH_TOO_LONG;
    while (len > 1 && path[len - 1] == '/')
        len--;
    if (len == 0)
        return BENEATH_EMPTY;
    const char *p = path;
    if (path[0] == '/') {
        size_t blen = strlen(base);
        /* "/" as the base would make every absolute path beneath it;
         * beneath_dir_open() never gives it without the slash, so compare
         * with the slash after base. */
        if (len == blen && memcmp(path, base, blen) == 0)
            return BENEATH_IS_BASE;
        if (len <= blen || memcmp(path, base, blen) != 0 ||
            (path[blen] != '/' && !(blen == 1 && base[0] == '/')))
            return BENEATH_OUTSIDE;
        p = path + blen;
        while (p < path + len && *p == '/')
            p++;
        if (p == path + len)
            return BENEATH_IS_BASE;
    }
    size_t n = (size_t)(path + len - p);
    if (n >= cap)
        return BENEATH_TOO_LONG;
    memcpy(rel, p, n);
    rel[n] = '\0';
    /* Each component: not empty, not "." or "..", at most NAME_MAX bytes. */
    const char *c = rel;
    for (;;) {
        const char *slash = strchr(c, '/');
        size_t clen = slash != NULL ? (size_t)(slash - c) : strlen(c);
        if (clen == 0)
            return BENEATH_EMPTY_PART;
        if (clen == 1 && c[0] == '.')
            return BENEATH_DOT;
        if (clen == 2 && c[0] == '.' && c[1] == '.')
            return BENEATH_DOT_DOT;
        if (clen > NAME_MAX)
            return BENEATH_TOO_LONG;
        if (slash == NULL)
            break;
        c = slash + 1;
    }
    return BENEATH_OK;
}

const char *beneath_fault_text(beneath_fault f)
{
    switch (f) {
    case BENEATH_OK: return "a valid path";
    case BENEATH_EMPTY: return "an empty path";
    case BENEATH_NOT_UTF8: return "not valid UTF-8";
    case BENEATH_CONTROL: return "it holds a control character";
    case BENEATH_TOO_LONG: return "the path or one of its components is too long";
    case BENEATH_OUTSIDE: return "an absolute path outside the configured directory";
    case BENEATH_IS_BASE: return "the configured directory itself: name a path inside it";
    case BENEATH_DOT_DOT: return "it holds a \"..\" component";
    case BENEATH_DOT: return "it holds a \".\" component";
    case BENEATH_EMPTY_PART: return "it holds an empty component (\"//\")";
    }
    return "an invalid path";
}

/* Set once openat2(2) answered ENOSYS: the walk is used from then on. */
static atomic_bool no_openat2;

/* openat2(2) has no wrapper in glibc 2.36. */
static int open_resolved(int root, const char *rel, int flags, mode_t mode)
{
    struct open_how how = {
        .flags = (uint64_t)(unsigned)flags,
        .mode = (flags & O_CREAT) != 0 ? mode : 0,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    long fd = syscall(SYS_openat2, root, rel, &how, sizeof how);
    return fd >= 0 ? (int)fd : -errno;
}

/* Whether a component of rel, looked up from root, is a symbolic link:
 * each prefix is checked in turn, so the lookups stop at the first link
 * and never pass through one. */
static bool has_symlink(int root, const char *rel)
{
    char buf[PATH_MAX];
    size_t len = strlen(rel);
    if (len >= sizeof buf)
        return false;
    memcpy(buf, rel, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char saved = buf[i];
        buf[i] = '\0';
        struct stat st;
        if (fstatat(root, buf, &st, AT_SYMLINK_NOFOLLOW) != 0)
            return false;
        if (S_ISLNK(st.st_mode))
            return true;
        if (!S_ISDIR(st.st_mode))
            return false;
        buf[i] = saved;
    }
    return false;
}

/* With O_NOFOLLOW and O_DIRECTORY, Linux answers ENOTDIR for a symbolic
 * link as for a file: tell them apart, so that a link always answers
 * ELOOP. */
static int link_is_loop(int root, const char *rel, int rc)
{
    return rc == -ENOTDIR && has_symlink(root, rel) ? -ELOOP : rc;
}

int beneath_open(int root, const char *rel, int flags, mode_t mode)
{
    flags |= O_CLOEXEC | O_NOFOLLOW;
    if (rel[0] == '\0')
        rel = ".";
    else if (rel[0] == '/')
        return -EXDEV;
    if (!atomic_load(&no_openat2)) {
        int fd = open_resolved(root, rel, flags, mode);
        if (fd != -ENOSYS)
            return link_is_loop(root, rel, fd);
        atomic_store(&no_openat2, true);
    }
    if (strcmp(rel, ".") == 0) {
        int fd = openat(root, ".", flags, mode);
        return fd >= 0 ? fd : -errno;
    }
    return link_is_loop(root, rel, fileio_open_walk(root, rel, flags, mode));
}

int beneath_open_parent(int root, const char *rel, const char **base)
{
    const char *slash = strrchr(rel, '/');
    if (slash == NULL) {
        *base = rel;
        return beneath_open(root, "", O_RDONLY | O_DIRECTORY, 0);
    }
    *base = slash + 1;
    size_t n = (size_t)(slash - rel);
    char parent[PATH_MAX];
    if (n >= sizeof parent)
        return -ENAMETOOLONG;
    memcpy(parent, rel, n);
    parent[n] = '\0';
    return beneath_open(root, parent, O_RDONLY | O_DIRECTORY, 0);
}

int beneath_dir_open(const char *path, char **real)
{
    *real = realpath(path, NULL);
    if (*real == NULL)
        return -errno;
    int fd = open(*real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        free(*real);
        *real = NULL;
        return -e;
    }
    return fd;
}
