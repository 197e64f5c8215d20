/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * verifyrun.c — an export verified by liuhen-verify, measured (verifyrun.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "latency.h"
#include "verifyrun.h"

int verifyrun(const lh_options *opts, const char *workdir, const char *vkey_path,
              const char *verifier, bool rules, verify_figures *out, lh_err *err)
{
    memset(out, 0, sizeof *out);
    out->rules = rules;
    char dir[PATH_MAX], real[PATH_MAX];
    if (realpath(workdir, real) == NULL)
        return lh_err_set(err, -errno, "%s: %s", workdir, strerror(errno));
    if (snprintf(dir, sizeof dir, "%s/export", real) >= (int)sizeof dir)
        return lh_err_set(err, LH_EINVAL, "%s: path too long", real);
    if (access(verifier, X_OK) != 0)
        return lh_err_set(err, -errno, "%s: %s (build it first: make)", verifier, strerror(errno));

    lh_conn *conn = NULL;
    lh_export_result ex;
    int rc = lh_connect(opts, &conn, err);
    uint64_t t0 = latency_now_ns();
    if (rc == 0 && (rc = lh_export(conn, dir, &ex, err)) == 0) {
        out->export_seconds = (double)(latency_now_ns() - t0) / 1e9;
        out->entries = ex.tree_size;
        out->files = ex.files;
        lh_export_result_free(&ex);
    }
    lh_close(conn);
    if (rc != 0)
        return rc;

    const char *argv[] = {
        verifier, dir, "--log-key", vkey_path, "--quiet", rules ? "--rules" : NULL, NULL};
    fflush(stdout);
    fflush(stderr);
    t0 = latency_now_ns();
    pid_t pid = fork();
    if (pid < 0)
        return lh_err_set(err, -errno, "cannot fork: %s", strerror(errno));
    if (pid == 0) {
        /* Its summary is not the benchmark's output. */
        if (freopen("/dev/null", "w", stdout) == NULL) {
            fprintf(stderr, "liuhen-bench: cannot open /dev/null: %s\n", strerror(errno));
            _exit(127);
        }
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "liuhen-bench: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR)
            return lh_err_set(err, -errno, "cannot wait for %s: %s", verifier, strerror(errno));
    out->seconds = (double)(latency_now_ns() - t0) / 1e9;
    harness_remove_tree(dir);
    out->cpu_seconds = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    out->cores_busy = out->seconds > 0 ? out->cpu_seconds / out->seconds : 0;
    out->peak_rss_mib = (double)ru.ru_maxrss / 1024.0; /* Linux: kilobytes */
    out->per_s = out->seconds > 0 ? (double)out->entries / out->seconds : 0;
    if (WIFSIGNALED(status))
        return lh_err_set(err, LH_EINTERNAL, "%s was killed by signal %d", verifier,
                          WTERMSIG(status));
    out->exit_code = WEXITSTATUS(status);
    if (out->exit_code == 127)
        return lh_err_set(err, LH_EINTERNAL, "%s could not be run", verifier);
    return 0;
}
