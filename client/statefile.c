/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * statefile.c — the client library's state file (statefile.h).
 */
#include "statefile.h"

#include <errno.h>
#include <stdlib.h>

#include "fileio.h"
#include "note.h"

int statefile_read(const char *path, uint8_t **note, size_t *len, lh_err *err)
{
    /* Whoever can write it can roll it back and hide a fork: UNSHARED. */
    lh_err inner = {{0}};
    int rc = fileio_read(path, FILEIO_UNSHARED, "state file", NOTE_MAX_SIZE, note, len, &inner);
    if (rc == -ENOENT)
        return -ENOENT; /* no checkpoint seen yet: trust on first use */
    if (rc != 0)
        return lh_err_set(err, rc, "%s", inner.msg);
    if (*len == 0) {
        /* It is only ever replaced whole, so an empty one was damaged. */
        free(*note);
        *note = NULL;
        return lh_err_set(err, LH_EPARSE, "state file %s is empty: it was damaged", path);
    }
    return 0;
}

int statefile_write(const char *path, const uint8_t *note, size_t len, lh_err *err)
{
    return fileio_replace(path, 0600, note, len, "state file", err);
}
