/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * statefile.h — the client library's state file (liuhen.h,
 * lh_options.state_file): the last verified checkpoint note, nothing else,
 * read with the checks that keep it from hiding a fork, and replaced whole.
 */
#ifndef LIUHEN_STATEFILE_H
#define LIUHEN_STATEFILE_H

#include <stddef.h>
#include <stdint.h>

#include "errors.h"

/**
 * Read the state file. It must be a regular file, not writable by group or
 * others (whoever can write it can roll it back and hide a fork), neither
 * empty nor larger than a signed note.
 * @param[out] note  on 0, malloc'd bytes the caller frees; NULL otherwise.
 * @return 0, -ENOENT when there is no file (no err message: trust on first
 *         use), LH_EPERMFILE, LH_EINVAL (not a regular file), LH_EPARSE (empty),
 *         LH_ETOOBIG, LH_ENOMEM or -errno.
 */
int statefile_read(const char *path, uint8_t **note, size_t *len, lh_err *err);

/**
 * Replace the state file with note: a temporary file in the same directory,
 * mode 0600, written, fsync'd, renamed over the old one, then the directory
 * fsync'd. A crash leaves the old file or the new one, never a mixture, and
 * never an empty one.
 * @return 0, LH_ENOMEM or -errno; err names the path and the step.
 */
int statefile_write(const char *path, const uint8_t *note, size_t len, lh_err *err);

#endif
