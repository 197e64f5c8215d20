/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * lmdbmeta.h — a check of an LMDB data file, read with pread() before LMDB
 * maps it: LMDB trusts its file to hold every page its meta page names and
 * reads them through the map, so a truncated file (a half-written copy, a
 * full disk during a restore) would kill the daemon with SIGBUS on the
 * first page past its end instead of being refused with a message.
 *
 * The layout read (LMDB's mdb.c, data format version 1, 64-bit): the file
 * starts with two meta pages, page 0 at offset 0 and page 1 at offset
 * psize. Each is a 16-byte page header (u64 pgno, u16 pad, u16 flags with
 * P_META 0x08, u16 lower, u16 upper) followed by MDB_meta: u32 magic
 * 0xBEEFC0DE, u32 version, u64 address, u64 mapsize, two MDB_db of 48
 * bytes (the first one's u32 md_pad is the page size), u64 last_pg, u64
 * txnid. LMDB uses the meta with the larger txnid; its tree uses pages 0 to
 * last_pg, so the file must hold (last_pg + 1) * psize bytes.
 */
#ifndef LIUHEN_LMDBMETA_H
#define LIUHEN_LMDBMETA_H

#include <stdint.h>

#include "errors.h"

/** What the meta LMDB would use says. */
typedef struct lmdbmeta {
    uint32_t psize;     /**< page size */
    uint64_t last_pg;   /**< last page number in use */
    uint64_t txnid;     /**< its transaction */
    uint64_t file_size; /**< the file's size */
    uint64_t need;      /**< (last_pg + 1) * psize */
} lmdbmeta;

/**
 * Check the LMDB data file at path before it is opened: a regular file
 * that holds two valid meta pages and every page the newer one names.
 * @param[out] out  optional: what the meta says (set when 0 is returned,
 *                  and for LH_ESTORE of a short file).
 * @param[out] err  optional: names the file, its size and what it needs.
 * @return 0; -ENOENT (no file: a new store); LH_ESTORE (empty, not an LMDB
 *         file, a damaged meta page, another data version, or shorter than
 *         its meta needs); -errno (cannot be read).
 */
int lmdbmeta_check(const char *path, lmdbmeta *out, lh_err *err);

#endif
