/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * verifyrun.h — the verify workload's measurement: the daemon writes an
 * export of the whole log (lh_export()), then liuhen-verify checks it as
 * an inspector would, in a child process whose wall time, CPU time and
 * peak memory (maximum resident set size) wait4(2) reports.
 */
#ifndef LIUHEN_BENCH_VERIFYRUN_H
#define LIUHEN_BENCH_VERIFYRUN_H

#include <stdbool.h>
#include <stdint.h>

#include "liuhen.h"

typedef struct verify_figures {
    uint64_t entries;      /**< the tree size exported and verified */
    uint64_t files;        /**< files of the export */
    double export_seconds; /**< lh_export(), for the record */
    double seconds;        /**< liuhen-verify's wall time */
    double per_s;          /**< entries / seconds */
    double cpu_seconds;    /**< its user and system time */
    double cores_busy;     /**< cpu_seconds / seconds */
    double peak_rss_mib;   /**< its maximum resident set size */
    int exit_code;         /**< 0: the log is clean */
    bool rules;            /**< run with --rules */
} verify_figures;

/**
 * Export the log into `workdir`/export and run `verifier` on it with the
 * log key file `vkey_path` (and --rules when asked); the export is removed
 * after.
 * @return 0 when the verifier ran (whatever its exit status, in out);
 *         an LH_E* code or -errno, with err, when it could not.
 */
int verifyrun(const lh_options *opts, const char *workdir, const char *vkey_path,
              const char *verifier, bool rules, verify_figures *out, lh_err *err);

#endif
