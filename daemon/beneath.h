/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * beneath.h — paths that a client names, confined to a directory the
 * operator configured (liuhend --export-dir, --backup-dir).
 *
 * A client's path is checked as text first (beneath_relative(): no "..",
 * no empty component, UTF-8 without control characters, bounded), then
 * every lookup is made from the configured directory's descriptor, one
 * component at a time, never through a symbolic link and never out of that
 * directory: openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, or, on
 * a kernel without it (before Linux 5.6), openat(2) with O_NOFOLLOW at each
 * step. A directory swapped for a symbolic link while a call runs is then
 * refused (ELOOP) rather than followed.
 */
#ifndef LIUHEN_BENEATH_H
#define LIUHEN_BENEATH_H

#include <stddef.h>
#include <sys/types.h>

/** What is wrong with a client's path (beneath_relative()). */
typedef enum beneath_fault {
    BENEATH_OK = 0,
    BENEATH_EMPTY,      /**< no path, or only slashes */
    BENEATH_NOT_UTF8,   /**< not valid UTF-8 */
    BENEATH_CONTROL,    /**< holds a control character */
    BENEATH_TOO_LONG,   /**< PATH_MAX bytes or more, or a component of NAME_MAX + 1 or more */
    BENEATH_OUTSIDE,    /**< absolute, but not beneath the configured directory */
    BENEATH_IS_BASE,    /**< the configured directory itself */
    BENEATH_DOT_DOT,    /**< a ".." component */
    BENEATH_DOT,        /**< a "." component */
    BENEATH_EMPTY_PART, /**< an empty component ("a//b") */
} beneath_fault;

/**
 * The path, relative to the configured directory, that a client's path
 * names: a relative path as it is, an absolute one with `base` and the
 * slash after it taken off. Trailing slashes are dropped ("x/" names "x").
 * Pure: nothing is looked up.
 * @param[in]  path  the client's path, NUL-terminated.
 * @param[in]  base  the configured directory as an absolute path without
 *                   a trailing slash (beneath_dir_open() gives it).
 * @param[out] rel   receives the relative path, NUL-terminated.
 * @param[in]  cap   its size; PATH_MAX is always enough.
 * @return BENEATH_OK, or what is wrong (rel is then unspecified).
 */
beneath_fault beneath_relative(const char *path, const char *base, char *rel, size_t cap);

/** A sentence naming a fault, for messages ("a \"..\" component"). */
const char *beneath_fault_text(beneath_fault f);

/**
 * Open `rel` (relative, no "." or ".." components) beneath the directory
 * `root`, following no symbolic link, not even as the last component,
 * and never leaving root. "" opens root itself again. O_CLOEXEC and
 * O_NOFOLLOW are added to flags.
 * @return a descriptor (>= 0), or -errno: -ELOOP when a component is a
 *         symbolic link, -EXDEV when rel would leave root, -ENOENT,
 *         -ENOTDIR, and those of openat(2).
 */
int beneath_open(int root, const char *rel, int flags, mode_t mode);

/**
 * Open the parent directory of `rel` beneath root (beneath_open()) and
 * give the last component.
 * @param[out] base  points into rel: its last component.
 * @return a directory descriptor or -errno as beneath_open().
 */
int beneath_open_parent(int root, const char *rel, const char **base);

/**
 * Open a configured directory (an operator's option, trusted: symbolic
 * links in it are followed) and give its canonical absolute path, against
 * which clients' absolute paths are compared.
 * @param[in]  path  the directory.
 * @param[out] real  malloc'd canonical path; free it.
 * @return a directory descriptor (>= 0), or -errno.
 */
int beneath_dir_open(const char *path, char **real);

#endif
