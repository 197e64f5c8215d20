/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * results.c — the results document and its table (results.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "results.h"

/* v rounded to `decimals` places: figures are measurements, not exact. */
static json_t *results_num(double v, int decimals)
{
    double scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    double r =
        v >= 0 ? (double)(long long)(v * scale + 0.5) : -(double)(long long)(-v * scale + 0.5);
    return json_real(r / scale);
}

static json_t *results_latency(const latency_summary *l)
{
    return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o}", "samples", (json_int_t)l->samples, "mean",
                     results_num(l->mean_ms, 3), "p50", results_num(l->p50_ms, 3), "p99",
                     results_num(l->p99_ms, 3), "p99.9", results_num(l->p999_ms, 3), "max",
                     results_num(l->max_ms, 3));
}

json_t *results_new(const machine *m, bool own_daemon, const char *socket)
{
    json_t *mach = json_pack("{s:s, s:I, s:s, s:I, s:s, s:s, s:s, s:s}", "cpu", m->cpu, "cores",
                             (json_int_t)m->cores, "kernel", m->kernel, "memory_mib",
                             (json_int_t)m->memory_mib, "data_dir", m->dir, "filesystem",
                             m->fs_type, "device", m->fs_source, "mount", m->fs_mount);
    json_t *daemon = json_pack("{s:b, s:s}", "started_by_bench", own_daemon, "socket", socket);
    return json_pack("{s:s, s:i, s:s, s:b, s:s, s:o, s:o, s:o, s:{}, s:{}}", "tool", "liuhen-bench",
                     "format", 1, "commit", m->commit, "commit_dirty", m->dirty, "date", m->date,
                     "machine", mach, "daemon", daemon, "ceilings", json_object(), "workloads",
                     "errors");
}

void results_ceilings(json_t *doc, const ceilings *c)
{
    json_object_set_new(doc, "ceilings",
                        json_pack("{s:o, s:o, s:o, s:I, s:o, s:o, s:o}", "seconds_each",
                                  results_num(c->seconds, 2), "ed25519_verify_per_s_one_core",
                                  results_num(c->ed25519_one, 0), "ed25519_verify_per_s_all_cores",
                                  results_num(c->ed25519_all, 0), "threads", (json_int_t)c->threads,
                                  "entry_bytes", results_num(c->message_bytes, 0),
                                  "lmdb_synced_commits_per_s", results_num(c->lmdb_commits, 1),
                                  "lmdb_commit_latency_ms", results_latency(&c->lmdb)));
}

static double results_get(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : -1;
}

/* The ratios of a rate to the ceilings it is compared with. */
static json_t *results_ratios(json_t *doc, double rate, bool commits)
{
    json_t *c = json_object_get(doc, "ceilings");
    double ed = results_get(c, "ed25519_verify_per_s_all_cores");
    double lmdb = results_get(c, "lmdb_synced_commits_per_s");
    json_t *r = json_object();
    if (ed > 0)
        json_object_set_new(r, "to_ed25519_all_cores", results_num(rate / ed, 4));
    if (commits && lmdb > 0)
        json_object_set_new(r, "to_lmdb_commits", results_num(rate / lmdb, 3));
    return r;
}

void results_rate(json_t *doc, const char *name, const char *part, const char *what,
                  const workload_figures *f, const char *latency_is, double daemon_cores)
{
    bool appends = strcmp(what, "appends") == 0;
    char per_s[32];
    snprintf(per_s, sizeof per_s, "%s_per_s", what);
    json_t *o = json_pack("{s:I}", "clients", (json_int_t)f->clients);
    if (f->depth > 0)
        json_object_set_new(o, "depth", json_integer(f->depth));
    json_object_set_new(o, "seconds", results_num(f->seconds, 3));
    json_object_set_new(o, what, json_integer((json_int_t)f->ops));
    json_object_set_new(o, per_s, results_num(f->per_s, 1));
    if (appends)
        json_object_set_new(o, "entry_bytes_mean", results_num(f->entry_bytes, 1));
    json_object_set_new(o, "latency_ms", results_latency(&f->lat));
    json_object_set_new(o, "latency_is", json_string(latency_is));
    if (f->depth > 0)
        json_object_set_new(o, "presigned_exhausted", json_boolean(f->exhausted));
    if (f->offered_per_s > 0)
        json_object_set_new(o, "offered_per_s", results_num(f->offered_per_s, 1));
    if (daemon_cores >= 0)
        json_object_set_new(o, "daemon_cores_busy", results_num(daemon_cores, 3));
    json_object_set_new(o, "ratios", results_ratios(doc, f->per_s, appends));
    json_t *w = json_object_get(doc, "workloads");
    if (part == NULL) {
        json_object_set_new(w, name, o);
        return;
    }
    json_t *parent = json_object_get(w, name);
    if (parent == NULL) {
        parent = json_object();
        json_object_set_new(w, name, parent);
    }
    json_object_set_new(parent, part, o);
}

void results_verify(json_t *doc, const verify_figures *v, const workload_figures *fill)
{
    json_t *o = json_pack(
        "{s:I, s:b, s:o, s:o, s:o, s:o, s:o, s:i, s:b, s:I, s:o}", "entries",
        (json_int_t)v->entries, "rules", v->rules, "seconds", results_num(v->seconds, 3),
        "entries_per_s", results_num(v->per_s, 1), "cpu_seconds", results_num(v->cpu_seconds, 3),
        "cores_busy", results_num(v->cores_busy, 2), "peak_rss_mib",
        results_num(v->peak_rss_mib, 1), "exit_code", v->exit_code, "clean", v->exit_code == 0,
        "export_files", (json_int_t)v->files, "export_seconds", results_num(v->export_seconds, 3));
    json_object_set_new(o, "ratios", results_ratios(doc, v->per_s, false));
    if (fill != NULL && fill->ops > 0)
        json_object_set_new(o, "fill",
                            json_pack("{s:I, s:I, s:I, s:o}", "appends", (json_int_t)fill->ops,
                                      "clients", (json_int_t)fill->clients, "depth",
                                      (json_int_t)fill->depth, "appends_per_s",
                                      results_num(fill->per_s, 1)));
    json_object_set_new(json_object_get(doc, "workloads"), "verify", o);
}

void results_scale(json_t *doc, const scale_point *p, size_t n)
{
    json_t *points = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack(
            "{s:I, s:I, s:o, s:o, s:o, s:o, s:o}", "tree_size", (json_int_t)p[i].tree_size,
            "appends_measured", (json_int_t)p[i].append.ops, "appends_per_s",
            results_num(p[i].append.per_s, 1), "append_latency_ms",
            results_latency(&p[i].append.lat), "proofs_per_s", results_num(p[i].prove.per_s, 1),
            "proof_latency_ms", results_latency(&p[i].prove.lat), "ratios",
            results_ratios(doc, p[i].append.per_s, true));
        if (p[i].store_mib >= 0)
            json_object_set_new(o, "store_mib", results_num(p[i].store_mib, 1));
        json_array_append_new(points, o);
    }
    json_t *o =
        json_pack("{s:I, s:I, s:I, s:o}", "clients", (json_int_t)(n > 0 ? p[0].append.clients : 0),
                  "depth", (json_int_t)(n > 0 ? p[0].append.depth : 0), "prove_clients",
                  (json_int_t)(n > 0 ? p[0].prove.clients : 0), "points", points);
    json_object_set_new(json_object_get(doc, "workloads"), "scale", o);
}

void results_error(json_t *doc, const char *name, const char *message)
{
    json_object_set_new(json_object_get(doc, "errors"), name, json_string(message));
}

/* ---- the table ------------------------------------------------------------------------------- */

/* An integer with thousands separators ("12,345"); "-" for a negative. */
static const char *results_group(char *out, size_t cap, double v)
{
    if (v < 0) {
        snprintf(out, cap, "-");
        return out;
    }
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", v);
    size_t n = strlen(digits), o = 0;
    for (size_t i = 0; i < n && o + 2 < cap; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    return out;
}

static const char *results_fixed(char *out, size_t cap, double v, int decimals)
{
    if (v < 0)
        snprintf(out, cap, "-");
    else
        snprintf(out, cap, "%.*f", decimals, v);
    return out;
}

static void results_rate_row(json_t *o, const char *label, const char *what, FILE *fp)
{
    if (o == NULL)
        return;
    char per_s[32], rate[32], d[16], p50[16], p99[16], p999[16], r1[16], r2[16];
    snprintf(per_s, sizeof per_s, "%s_per_s", what);
    json_t *lat = json_object_get(o, "latency_ms");
    json_t *ratios = json_object_get(o, "ratios");
    double depth = results_get(o, "depth");
    fprintf(fp, "  %-16s %7.0f %6s %10s %-10s %8s %8s %9s %9s %9s\n", label,
            results_get(o, "clients"), depth > 0 ? results_fixed(d, sizeof d, depth, 0) : "-",
            results_group(rate, sizeof rate, results_get(o, per_s)), what,
            results_fixed(p50, sizeof p50, results_get(lat, "p50"), 2),
            results_fixed(p99, sizeof p99, results_get(lat, "p99"), 2),
            results_fixed(p999, sizeof p999, results_get(lat, "p99.9"), 2),
            results_fixed(r1, sizeof r1, results_get(ratios, "to_ed25519_all_cores"), 4),
            results_fixed(r2, sizeof r2, results_get(ratios, "to_lmdb_commits"), 2));
}

static void results_table_ceilings(json_t *doc, FILE *fp)
{
    json_t *c = json_object_get(doc, "ceilings");
    if (json_object_size(c) == 0)
        return;
    char a[32], b[32], l[32], p50[16], p99[16];
    json_t *lat = json_object_get(c, "lmdb_commit_latency_ms");
    json_t *m = json_object_get(doc, "machine");
    fprintf(fp, "\n上限 Ceilings of this machine (each measured for %.1f s)\n",
            results_get(c, "seconds_each"));
    fprintf(fp, "  Ed25519 verifications/s, 1 thread   %12s   (libsodium, entries of %.0f bytes)\n",
            results_group(a, sizeof a, results_get(c, "ed25519_verify_per_s_one_core")),
            results_get(c, "entry_bytes"));
    fprintf(fp, "  Ed25519 verifications/s, %2.0f threads %12s\n", results_get(c, "threads"),
            results_group(b, sizeof b, results_get(c, "ed25519_verify_per_s_all_cores")));
    fprintf(fp, "  LMDB synced commits/s               %12s   (%s; commit p50 %s ms, p99 %s ms)\n",
            results_group(l, sizeof l, results_get(c, "lmdb_synced_commits_per_s")),
            json_string_value(json_object_get(m, "filesystem")),
            results_fixed(p50, sizeof p50, results_get(lat, "p50"), 2),
            results_fixed(p99, sizeof p99, results_get(lat, "p99"), 2));
}

static void results_table_rates(json_t *doc, FILE *fp)
{
    json_t *w = json_object_get(doc, "workloads");
    static const char *const order[] = {"append-sync", "append", "append-paced", "prove"};
    bool any = json_object_get(w, "mixed") != NULL;
    for (size_t i = 0; i < 4; i++)
        any = any || json_object_get(w, order[i]) != NULL;
    if (!any)
        return;
    fprintf(fp, "\n吞吐与延迟 Throughput and latency (latency in ms; ratios to the ceilings)\n");
    fprintf(fp, "  %-16s %7s %6s %10s %-10s %8s %8s %9s %9s %9s\n", "workload", "clients", "depth",
            "rate/s", "of", "p50", "p99", "p99.9", "/Ed25519", "/commits");
    results_rate_row(json_object_get(w, "append-sync"), "append-sync", "appends", fp);
    results_rate_row(json_object_get(w, "append"), "append", "appends", fp);
    results_rate_row(json_object_get(w, "append-paced"), "append-paced", "appends", fp);
    results_rate_row(json_object_get(w, "prove"), "prove", "proofs", fp);
    json_t *mixed = json_object_get(w, "mixed");
    results_rate_row(json_object_get(mixed, "appends"), "mixed: appends", "appends", fp);
    results_rate_row(json_object_get(mixed, "proofs"), "mixed: proofs", "proofs", fp);
    fprintf(fp,
            "  /Ed25519: the rate over all-core Ed25519 verifications/s; /commits: appends\n"
            "  over LMDB synced commits/s, i.e. entries per commit the group commit reaches.\n");
    const char *names[] = {"append-sync", "append", "append-paced"};
    for (size_t i = 0; i < 3; i++) {
        json_t *o = json_object_get(w, names[i]);
        double busy = results_get(o, "daemon_cores_busy");
        if (busy >= 0)
            fprintf(fp, "  %s: liuhend kept %.2f cores busy on average.\n", names[i], busy);
        double offered = results_get(o, "offered_per_s");
        if (offered > 0) {
            char a[32], r[32];
            fprintf(fp, "  %s: %s appends/s offered, %s reached%s\n", names[i],
                    results_group(a, sizeof a, offered),
                    results_group(r, sizeof r, results_get(o, "appends_per_s")),
                    results_get(o, "appends_per_s") < 0.95 * offered
                        ? ": the clients fell behind, and the latency counts the wait"
                        : "");
        }
        if (json_is_true(json_object_get(o, "presigned_exhausted")))
            fprintf(fp,
                    "  %s: the entries signed ahead ran out before the time: measured over "
                    "%.1f s.\n",
                    names[i], results_get(o, "seconds"));
    }
}

static void results_table_verify(json_t *doc, FILE *fp)
{
    json_t *v = json_object_get(json_object_get(doc, "workloads"), "verify");
    if (v == NULL)
        return;
    char n[32], r[32], f[32], fr[32];
    json_t *fill = json_object_get(v, "fill");
    fprintf(fp, "\n核查 Verify: liuhen-verify%s on an export of %s entries\n",
            json_is_true(json_object_get(v, "rules")) ? " --rules" : "",
            results_group(n, sizeof n, results_get(v, "entries")));
    fprintf(fp, "  %s entries/s · %.2f s · CPU %.2f s (%.2f cores busy) · peak memory %.1f MiB\n",
            results_group(r, sizeof r, results_get(v, "entries_per_s")), results_get(v, "seconds"),
            results_get(v, "cpu_seconds"), results_get(v, "cores_busy"),
            results_get(v, "peak_rss_mib"));
    fprintf(fp, "  %s (exit %.0f) · ratio to all-core Ed25519 verifications/s: %.4f\n",
            json_is_true(json_object_get(v, "clean")) ? "清洁 clean" : "未通过 NOT clean",
            results_get(v, "exit_code"),
            results_get(json_object_get(v, "ratios"), "to_ed25519_all_cores"));
    if (fill != NULL)
        fprintf(fp, "  (the log was filled first: %s appends at %s appends/s)\n",
                results_group(f, sizeof f, results_get(fill, "appends")),
                results_group(fr, sizeof fr, results_get(fill, "appends_per_s")));
}

static void results_table_scale(json_t *doc, FILE *fp)
{
    json_t *s = json_object_get(json_object_get(doc, "workloads"), "scale");
    if (s == NULL)
        return;
    fprintf(fp, "\n规模 Scale: %.0f append clients (depth %.0f), %.0f proof clients\n",
            results_get(s, "clients"), results_get(s, "depth"), results_get(s, "prove_clients"));
    fprintf(fp, "  %12s %10s %9s %9s %10s %9s %9s %10s %9s\n", "tree size", "appends/s", "p50 ms",
            "p99 ms", "proofs/s", "p50 ms", "p99 ms", "store MiB", "/commits");
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(s, "points"), i, p)
    {
        char size[32], ar[32], pr[32], a50[16], a99[16], p50[16], p99[16], st[16], rc[16];
        json_t *al = json_object_get(p, "append_latency_ms");
        json_t *pl = json_object_get(p, "proof_latency_ms");
        fprintf(fp, "  %12s %10s %9s %9s %10s %9s %9s %10s %9s\n",
                results_group(size, sizeof size, results_get(p, "tree_size")),
                results_group(ar, sizeof ar, results_get(p, "appends_per_s")),
                results_fixed(a50, sizeof a50, results_get(al, "p50"), 2),
                results_fixed(a99, sizeof a99, results_get(al, "p99"), 2),
                results_group(pr, sizeof pr, results_get(p, "proofs_per_s")),
                results_fixed(p50, sizeof p50, results_get(pl, "p50"), 3),
                results_fixed(p99, sizeof p99, results_get(pl, "p99"), 3),
                results_fixed(st, sizeof st, results_get(p, "store_mib"), 0),
                results_fixed(rc, sizeof rc,
                              results_get(json_object_get(p, "ratios"), "to_lmdb_commits"), 2));
    }
}

void results_table(json_t *doc, FILE *fp)
{
    json_t *m = json_object_get(doc, "machine");
    fprintf(fp, "liuhen-bench 留痕性能测试\n");
    fprintf(fp, "  机器 machine: %s · %.0f cores · %.0f MiB · %s\n",
            json_string_value(json_object_get(m, "cpu")), results_get(m, "cores"),
            results_get(m, "memory_mib"), json_string_value(json_object_get(m, "kernel")));
    fprintf(fp, "  数据目录 data directory: %s (%s on %s)\n",
            json_string_value(json_object_get(m, "data_dir")),
            json_string_value(json_object_get(m, "filesystem")),
            json_string_value(json_object_get(m, "device")));
    fprintf(fp, "  版本 commit: %s%s · %s\n", json_string_value(json_object_get(doc, "commit")),
            json_is_true(json_object_get(doc, "commit_dirty")) ? " (with uncommitted changes)" : "",
            json_string_value(json_object_get(doc, "date")));
    results_table_ceilings(doc, fp);
    results_table_rates(doc, fp);
    results_table_verify(doc, fp);
    results_table_scale(doc, fp);
    json_t *errors = json_object_get(doc, "errors");
    if (json_object_size(errors) > 0) {
        fprintf(fp, "\n失败 Failed workloads\n");
        const char *k;
        json_t *v;
        json_object_foreach(errors, k, v) fprintf(fp, "  %s: %s\n", k, json_string_value(v));
    }
}

int results_print_json(json_t *doc, FILE *fp)
{
    if (json_dumpf(doc, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12)) != 0)
        return LH_ENOMEM;
    fputc('\n', fp);
    return fflush(fp) == 0 ? 0 : -EIO;
}

int results_write(json_t *doc, const char *path, lh_err *err)
{
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    if (text == NULL)
        return lh_err_set(err, LH_ENOMEM, "out of memory");
    size_t len = strlen(text);
    text[len] = '\0';
    char *withnl = realloc(text, len + 2);
    if (withnl == NULL) {
        free(text);
        return lh_err_set(err, LH_ENOMEM, "out of memory");
    }
    withnl[len] = '\n';
    withnl[len + 1] = '\0';
    int rc = fileio_replace(path, 0644, withnl, len + 1, "benchmark results", err);
    free(withnl);
    return rc;
}
