/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * scale.c — the log grown to millions of entries, measured on the way
 * (scale.h).
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scale.h"
#include "workload.h"

/* The daemon's store on disk, in MiB (blocks allocated: LMDB files are
 * sparse until written); negative when unknown. */
static double scale_store_mib(const harness *h)
{
    const char *data = harness_data_dir(h);
    if (data == NULL)
        return -1;
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/data.mdb", data);
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    return (double)st.st_blocks * 512.0 / 1048576.0;
}

/* The next point after size: 1, 2 and 5 times the powers of ten from
 * 100,000, and the target. */
static uint64_t scale_next_point(uint64_t size, uint64_t target)
{
    static const uint64_t steps[] = {1, 2, 5};
    for (uint64_t p = 100000; p < target; p *= 10)
        for (size_t i = 0; i < 3; i++)
            if (p * steps[i] > size && p * steps[i] < target)
                return p * steps[i];
    return target;
}

int scale_run(harness *h, const scale_config *cfg, scale_point **points, size_t *npoints,
              lh_err *err)
{
    *points = NULL;
    *npoints = 0;
    const lh_options *opts = harness_options(h);
    harness_author *authors = NULL;
    presigned *p = calloc(cfg->clients, sizeof *p);
    scale_point *pts = calloc(64, sizeof *pts);
    size_t npts = 0;
    uint64_t size = 0;
    int rc = p == NULL || pts == NULL ? lh_err_set(err, LH_ENOMEM, "out of memory") : 0;
    if (rc == 0)
        rc = harness_enroll(h, cfg->clients, &authors, err);
    if (rc == 0)
        rc = harness_tree_size(h, &size, err);
    while (rc == 0 && size < cfg->target && npts < 64) {
        uint64_t point = scale_next_point(size, cfg->target);
        workload_figures last = {0};
        while (rc == 0 && size < point) {
            uint64_t want = point - size < cfg->chunk ? point - size : cfg->chunk;
            size_t per = (size_t)((want + cfg->clients - 1) / cfg->clients);
            fprintf(stderr, "liuhen-bench: scale: signing %zu entries ahead (log at %" PRIu64 ")\n",
                    per * cfg->clients, size);
            if ((rc = workload_presign(authors, cfg->clients, per, p, err)) != 0)
                break;
            rc = workload_append(opts, p, cfg->clients, cfg->depth, 0, 0, &last, err);
            workload_presigned_free(p, cfg->clients);
            if (rc == 0)
                rc = harness_tree_size(h, &size, err);
            if (rc == 0)
                fprintf(stderr, "liuhen-bench: scale: %" PRIu64 " entries, %.0f appends/s\n", size,
                        last.per_s);
        }
        if (rc != 0)
            break;
        scale_point *pt = &pts[npts];
        pt->tree_size = size;
        pt->append = last;
        pt->store_mib = scale_store_mib(h);
        if ((rc = workload_prove(opts, cfg->prove_clients, cfg->prove_seconds, &pt->prove, err)) !=
            0)
            break;
        fprintf(stderr,
                "liuhen-bench: scale: %" PRIu64 " entries: proofs p50 %.3f ms, p99 %.3f ms, "
                "%.0f/s\n",
                size, pt->prove.lat.p50_ms, pt->prove.lat.p99_ms, pt->prove.per_s);
        npts++;
    }
    harness_authors_free(authors, cfg->clients);
    free(p);
    *points = pts;
    *npoints = npts;
    return rc;
}
