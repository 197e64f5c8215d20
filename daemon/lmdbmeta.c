/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * lmdbmeta.c — the check of an LMDB data file before it is mapped
 * (lmdbmeta.h).
 */
#include "lmdbmeta.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"

/* LMDB's constants (mdb.c): P_META, MDB_MAGIC, MDB_DATA_VERSION. */
#define META_FLAG    0x08
#define META_MAGIC   0xBEEFC0DEu
#define META_VERSION 1

/* Offsets in a meta page: the page header, then MDB_meta. */
#define OFF_FLAGS   10
#define OFF_MAGIC   16
#define OFF_VERSION 20
#define OFF_PSIZE   40 /* mm_dbs[FREE_DBI].md_pad */
#define OFF_LAST_PG 136
#define OFF_TXNID   144
#define META_BYTES  152

/* LMDB's page sizes: a power of two, from its minimum to its maximum. */
#define PSIZE_MIN 512u
#define PSIZE_MAX 0x10000u

typedef struct meta_page {
    uint32_t psize;
    uint64_t last_pg, txnid;
} meta_page;

/* LMDB writes its meta in the machine's byte order; liuhend runs on
 * little-endian 64-bit machines (the layout above is theirs). */
static uint64_t get_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* Read and check the meta page at `off`. @return 0, or -1 (not a meta page),
 * or -2 (another data version), or -errno. */
static int read_meta(int fd, off_t off, meta_page *m)
{
    uint8_t b[META_BYTES];
    ssize_t n;
    do
        n = pread(fd, b, sizeof b, off);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    if ((size_t)n < sizeof b)
        return -1;
    if ((get_le(b + OFF_FLAGS, 2) & META_FLAG) == 0 || get_le(b + OFF_MAGIC, 4) != META_MAGIC)
        return -1;
    if (get_le(b + OFF_VERSION, 4) != META_VERSION)
        return -2;
    m->psize = (uint32_t)get_le(b + OFF_PSIZE, 4);
    m->last_pg = get_le(b + OFF_LAST_PG, 8);
    m->txnid = get_le(b + OFF_TXNID, 8);
    return 0;
}

static int meta_error(const char *path, int which, int rc, lh_err *err)
{
    if (rc == -2)
        return lh_err_set(err, LH_ESTORE,
                          _("%s: LMDB meta page %d is of another data version than this LMDB "
                            "reads"),
                          path, which);
    if (rc == -1 && which == 0)
        return lh_err_set(err, LH_ESTORE,
                          _("%s is not an LMDB store: its first page is no LMDB meta page"), path);
    if (rc == -1)
        return lh_err_set(err, LH_ESTORE,
                          _("%s: LMDB meta page %d is damaged: put back a whole copy of the store"),
                          path, which);
    return lh_err_set(err, rc, "%s: %s", path, strerror(-rc));
}

int lmdbmeta_check(const char *path, lmdbmeta *out, lh_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT)
            return -ENOENT;
        return lh_err_set(err, -e, "%s: %s", path, strerror(e));
    }
    struct stat st;
    int rc = 0;
    meta_page m[2];
    if (fstat(fd, &st) != 0) {
        rc = lh_err_set(err, -errno, "%s: %s", path, strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = lh_err_set(err, LH_ESTORE, _("%s is not a regular file"), path);
        goto out;
    }
    uint64_t size = (uint64_t)st.st_size;
    if (size == 0) {
        rc = lh_err_set(err, LH_ESTORE,
                        _("%s is empty (0 bytes): not a store; a copy that was never written?"),
                        path);
        goto out;
    }
    if ((rc = read_meta(fd, 0, &m[0])) != 0) {
        rc = meta_error(path, 0, rc, err);
        goto out;
    }
    uint32_t ps = m[0].psize;
    if (ps < PSIZE_MIN || ps > PSIZE_MAX || (ps & (ps - 1)) != 0) {
        rc = lh_err_set(err, LH_ESTORE, _("%s: LMDB meta page 0 names a page size of %" PRIu32),
                        path, ps);
        goto out;
    }
    if (size < 2 * (uint64_t)ps) {
        rc = lh_err_set(err, LH_ESTORE,
                        _("%s holds %" PRIu64 " bytes, fewer than LMDB's two meta pages (%" PRIu64
                          "): the file is truncated"),
                        path, size, 2 * (uint64_t)ps);
        goto out;
    }
    if ((rc = read_meta(fd, ps, &m[1])) != 0) {
        rc = meta_error(path, 1, rc, err);
        goto out;
    }
    /* LMDB uses the meta of the larger transaction. */
    const meta_page *use = &m[m[1].txnid > m[0].txnid];
    uint64_t need = use->last_pg >= (UINT64_MAX / ps) - 1 ? UINT64_MAX : (use->last_pg + 1) * ps;
    if (out != NULL)
        *out = (lmdbmeta){.psize = ps,
                          .last_pg = use->last_pg,
                          .txnid = use->txnid,
                          .file_size = size,
                          .need = need};
    if (size < need)
        rc = lh_err_set(err, LH_ESTORE,
                        _("%s holds %" PRIu64 " bytes but its LMDB meta (transaction %" PRIu64
                          ") needs %" PRIu64 ": the file is truncated (a half-written copy?); "
                          "put back a whole copy of the store"),
                        path, size, use->txnid, need);
out:
    close(fd);
    return rc;
}
