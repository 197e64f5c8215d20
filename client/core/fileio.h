/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fileio.h — files read and written whole, in one place for every layer:
 * key files, passphrase files, state files, receipts, reports, the daemon's
 * verifier key and its published tiles.
 *
 * Reads are bounded: the file must be a regular file (a FIFO planted at
 * the path is refused, never waited on) of at most `max` bytes, checked on
 * the open file rather than the name so that nothing can change between
 * the check and the read, and read to one byte past the limit so that a
 * file that grew after fstat() is caught too.
 *
 * Writes are durable when they return (acknowledged means durable): the
 * data is fsync'd, and so is the directory that holds the new name. A
 * replaced file is never seen half written: the data goes to a temporary
 * file beside it (a random name, created exclusively, never through a
 * symbolic link), which is renamed over the target.
 *
 * Messages name the object and the path: "<what> <path>: <cause>".
 */
#ifndef LIUHEN_FILEIO_H
#define LIUHEN_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "errors.h"

/**
 * Open rel beneath the directory root one component at a time, each
 * directory with O_NOFOLLOW from the one before, the last with flags and
 * mode: a symbolic link anywhere on the way is refused. Linux answers
 * ENOTDIR for a link opened with O_DIRECTORY, as for a file: fstatat()
 * tells them apart, so that both ways answer ELOOP.
 * @return the descriptor (the caller closes it); -EXDEV for an empty, "."
 *         or ".." component; -ENAMETOOLONG; -ELOOP; another -errno.
 */
int fileio_open_walk(int root, const char *rel, int flags, mode_t mode);

/** fileio_read*() flags. */
enum {
    /** Refuse a file that group or others may read or write (a secret: a
     *  key file, a passphrase file), LH_EPERMFILE. */
    FILEIO_PRIVATE = 1 << 0,
    /** Refuse a file that group or others may write (whoever can write a
     *  state file can roll it back and hide a fork), LH_EPERMFILE. */
    FILEIO_UNSHARED = 1 << 1,
    /** Refuse a symbolic link at the path itself (-ELOOP). */
    FILEIO_NOFOLLOW = 1 << 2,
    /** Accept what is not a directory, a FIFO or a terminal included
     *  (standard input given as /dev/stdin). */
    FILEIO_STREAM = 1 << 3,
    /** Read only the first `max` bytes; a longer file is no error (the
     *  first line of a passphrase file). */
    FILEIO_PREFIX = 1 << 4,
};

/**
 * Read the whole file at path into buf.
 * @param[in]  what  the object, for messages ("secret key file").
 * @param[out] buf   room for max + 1 bytes; a NUL is written after the data.
 * @param[out] len   the bytes read.
 * @return 0; -errno (-ENOENT when it does not exist, -ELOOP for a link
 *         refused by FILEIO_NOFOLLOW, -EISDIR: the message says so);
 *         LH_EINVAL (not a regular file); LH_EPERMFILE; LH_ETOOBIG.
 */
int fileio_read_into(const char *path, unsigned flags, const char *what, char *buf, size_t max,
                     size_t *len, lh_err *err);

/**
 * Read the whole file at path into malloc'd memory, with a NUL after the
 * data (the caller frees *out).
 * @return as fileio_read_into(); LH_ENOMEM. On error *out is NULL.
 */
int fileio_read(const char *path, unsigned flags, const char *what, size_t max, uint8_t **out,
                size_t *len, lh_err *err);

/** As fileio_read(), for rel under the directory dirfd. */
int fileio_read_at(int dirfd, const char *rel, unsigned flags, const char *what, size_t max,
                   uint8_t **out, size_t *len, lh_err *err);

/**
 * As fileio_read(), for a file already open (standard input, or a file
 * opened by a walk that refuses links): checked by fstat() as the flags
 * say, read from where it stands; fd is left open.
 * @param[in] name  how it is named in messages ("standard input", a path).
 */
int fileio_read_fd(int fd, const char *name, unsigned flags, const char *what, size_t max,
                   uint8_t **out, size_t *len, lh_err *err);

/**
 * Create path, which must not exist (O_EXCL: not even a symbolic link),
 * with mode, write the data, fsync it and its directory. A file this call
 * created is removed again if anything fails.
 * @return 0; -EEXIST ("... already exists: it is never overwritten");
 *         -errno.
 */
int fileio_write_new(const char *path, mode_t mode, const void *data, size_t len, const char *what,
                     lh_err *err);

/** fileio_replace_at() flags. */
enum {
    /** The temporary name is fixed, ".<name>.tmp", not random: for a
     *  directory with a single writer, where the leftover of a crash is
     *  then reused (and so removed) by the next write of the same file. */
    FILEIO_FIXED_TEMP = 1 << 0,
};

/**
 * Replace rel under dirfd atomically with the data: a temporary file
 * beside it (".<name>.<random>.tmp", created exclusively), given mode,
 * written, fsync'd and renamed over rel. The directory is NOT fsync'd: the
 * caller does it (fileio_sync_dir_at()) before anything that depends on
 * the new name, so that many files can share one sync.
 * @param[in] shown  how rel is named in messages (a directory and rel).
 * @return 0; -errno; LH_EINVAL (a name too long).
 */
int fileio_replace_at(int dirfd, const char *rel, unsigned flags, mode_t mode, const void *data,
                      size_t len, const char *shown, lh_err *err);

/** fileio_replace_at() and the sync of the directory, for a path. */
int fileio_replace(const char *path, mode_t mode, const void *data, size_t len, const char *what,
                   lh_err *err);

/**
 * Make the entries of the directory rel under dirfd ("" or "." for dirfd
 * itself) durable. File systems that cannot fsync a directory (EINVAL)
 * pass.
 * @return 0; -errno.
 */
int fileio_sync_dir_at(int dirfd, const char *rel, const char *shown, lh_err *err);

/** fsync the directory that holds path. @return 0; -errno. */
int fileio_sync_parent(const char *path, lh_err *err);

#endif
