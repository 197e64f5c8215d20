/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * main.c — liuhen-bench, liuhen's load generator and benchmark
 * (docs/performance.md): options, the order of the workloads, the output.
 *
 *   liuhen-bench WORKLOAD [--socket PATH --log-key FILE --admin-key FILE]
 *                [--seconds S] [--threads N] [--depth D] [--json]
 *                [--results FILE] ...
 *
 * It starts a liuhend of its own in a temporary directory (harness.h), or
 * uses a running one; enrols its authors with an admin key; measures this
 * machine's ceilings (ceiling.h); then runs the workloads (workload.h,
 * verifyrun.h, scale.h), each on fresh authors whose entries, when they
 * are sent as they are, were signed before the clock started (corpus.h).
 * Every figure is also given as a ratio to the ceiling it is bounded by,
 * so that runs on different machines compare.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "ceiling.h"
#include "harness.h"
#include "liuhen.h"
#include "machine.h"
#include "results.h"
#include "scale.h"
#include "verifyrun.h"
#include "workload.h"

/* Exit statuses. */
enum {
    EXIT_OK = 0,     /* every workload ran */
    EXIT_FAILED = 1, /* a workload failed: the results say which and why */
    EXIT_USAGE = 2,  /* a usage error */
    EXIT_SETUP = 3,  /* the daemon or the ceilings could not be had */
};

/* The fastest the daemon may append, to size the entries signed ahead,
 * when the ceilings give no better bound; a client that runs out says so. */
#define PRESIGN_RATE_GUESS 20000.0
/* The rate append-paced offers when no append rate was measured before it. */
#define PACED_RATE_GUESS 5000.0
/* The entries signed ahead for one append client at most. */
#define PRESIGN_MAX 1000000u

static const char usage_text[] =
    "Usage: liuhen-bench WORKLOAD [options]\n"
    "       WORKLOAD: all, append, append-sync, prove, mixed, verify, scale, ceilings\n";

static const char help_text[] =
    "\n"
    "liuhen-bench — the load generator and benchmark of liuhen (留痕). It starts its own\n"
    "liuhend in a temporary directory (or uses a running one), enrols authors with an\n"
    "admin key, measures this machine's ceilings, runs the workloads and reports\n"
    "each figure with its ratio to the ceiling that bounds it (docs/performance.md).\n"
    "\n"
    "Workloads:\n"
    "  all          ceilings, append-sync, append, append-paced, prove, mixed, verify\n"
    "               (`make bench`)\n"
    "  append       pipelined appends of entries signed ahead: lh_append_signed_many()\n"
    "               in runs of --depth, one connection and one author per client\n"
    "  append-paced appends offered at --rate (default: half the append rate measured\n"
    "               just before, or 5,000/s), one at a time from --paced-threads clients;\n"
    "               latency from when each entry was due (an open loop)\n"
    "  append-sync  lh_append(), one record at a time, signed inside, per client\n"
    "  prove        inclusion proofs at random indexes (lh_inclusion_proof())\n"
    "  mixed        appends (--mixed-threads clients) and proofs at once\n"
    "  verify       fill the log to --entries, export it, run liuhen-verify on it\n"
    "  scale        grow the log to --entries (10,000,000), append rate and proof\n"
    "               latency on the way (`make bench-scale`; long)\n"
    "  ceilings     only the machine's ceilings\n"
    "Every run measures the ceilings: Ed25519 verifications/s on one thread and on\n"
    "all cores, LMDB synced commits/s on the data directory's file system.\n"
    "\n"
    "Options:\n"
    "  --socket PATH        a running liuhend's socket, with --log-key and --admin-key\n"
    "                       (default: start liuhend in a temporary directory)\n"
    "  --log-key FILE       that log's verifier key (DATA/log.vkey)\n"
    "  --admin-key FILE     an admin's secret key file, to enrol the authors\n"
    "                       (its passphrase in LIUHEN_PASSPHRASE if it is encrypted)\n"
    "  --dir DIR            where the temporary directory is made: the data directory\n"
    "                       and the LMDB ceiling are on its file system\n"
    "                       (default: $TMPDIR, else /tmp)\n"
    "  --liuhend PATH       the daemon to start (default: liuhend beside this program)\n"
    "  --verifier PATH      liuhen-verify (default: beside this program)\n"
    "  --seconds S          how long each timed workload runs (default 10)\n"
    "  --ceiling-seconds S  how long each ceiling is measured (default 2)\n"
    "  --threads N          clients of append, append-sync and scale (default 8)\n"
    "  --depth D            append, mixed: entries per run, the most in flight on a\n"
    "                       connection, 1 to 64 (default 32; scale and the verify\n"
    "                       workload's filling use 64)\n"
    "  --prove-threads N    clients of prove, proof clients of mixed and scale (default 4)\n"
    "  --rate R             append-paced: appends/s offered, all clients together\n"
    "  --paced-threads N    append-paced: clients (default 32)\n"
    "  --mixed-threads N    append clients of mixed (default 4)\n"
    "  --presign N          append, mixed: entries signed ahead per client (default:\n"
    "                       enough for --seconds at the all-core Ed25519 ceiling)\n"
    "  --entries N          verify: the log's size to export (default 200,000);\n"
    "                       scale: the final size (default 10,000,000)\n"
    "  --no-rules           verify: run liuhen-verify without --rules\n"
    "  --json               print the results as JSON instead of the table\n"
    "  --results FILE       also write the results as JSON to FILE\n"
    "  --keep               keep the temporary directory\n"
    "  --help               this help\n"
    "\n"
    "Exit status: 0 every workload ran; 1 a workload failed (the results say why);\n"
    "2 usage error; 3 the daemon could not be started or reached.\n";

typedef struct options {
    const char *workload;
    harness_config hc;
    const char *verifier;
    double seconds;
    double ceiling_seconds;
    unsigned threads;
    unsigned depth;
    unsigned prove_threads;
    unsigned mixed_threads;
    unsigned paced_threads;
    double rate; /* append-paced; 0: half the append rate measured before, or PACED_RATE_GUESS */
    size_t presign;
    uint64_t entries;
    bool entries_given;
    bool rules;
    bool json;
    const char *results;
} options;

/* Everything one run holds. */
typedef struct bench {
    options o;
    harness *h;
    json_t *doc;
    int status;
    double append_bound; /* appends/s the daemon cannot exceed: all-core Ed25519 verifications/s */
    double append_rate;  /* what the append workload reached, when it ran */
    char liuhend[PATH_MAX];
    char verifier[PATH_MAX];
} bench;

static const char LATENCY_APPEND[] =
    "per entry: the lh_append_signed_many() run of `depth` entries it was sent in, from the call "
    "(first request sent) to its return (every receipt of the run verified); an upper bound of "
    "the entry's own latency, exact at depth 1";
static const char LATENCY_PACED[] =
    "per entry, sent alone (depth 1) when it was due: from when it was due to its receipt "
    "verified, so that waiting behind a slow answer counts";
static const char LATENCY_SYNC[] =
    "per append: lh_append() from the call to its return (chain links filled, signed, sent, "
    "receipt verified)";
static const char LATENCY_PROVE[] =
    "per proof: lh_inclusion_proof() at a random index of the latest checkpoint, from the call "
    "to its return (proof and checkpoint verified)";

/* "liuhen-bench: <message>" on standard error. */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("liuhen-bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\n", stderr);
    va_end(ap);
}

/* What a usage error prints after its message (say()). */
static int usage_end(void)
{
    fputs(usage_text, stderr);
    fputs("Run `liuhen-bench --help` for the options.\n", stderr);
    return EXIT_USAGE;
}

/* A usage error: the message, the synopsis, where the options are;
 * EXIT_USAGE. */
#define usage(...) (say(__VA_ARGS__), usage_end())

/* A program beside this one, found through /proc/self/exe. */
static void beside_self(const char *name, char *out, size_t cap)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        snprintf(out, cap, "%s", name);
        return;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash != NULL)
        *slash = '\0';
    if (snprintf(out, cap, "%s/%s", self, name) >= (int)cap)
        snprintf(out, cap, "%s", name);
}

static bool parse_double(const char *s, double min, double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v >= min && v <= max))
        return false;
    *out = v;
    return true;
}

static bool parse_count(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    if (s[0] == '-' || s[0] == '+')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* ---- the workloads --------------------------------------------------------------------------- */

/* Record a workload's failure; the next workloads still run. */
static void failed(bench *b, const char *name, const lh_err *err, int rc)
{
    const char *msg = err->msg[0] != '\0' ? err->msg : lh_strerror(rc);
    say("%s failed: %s", name, msg);
    results_error(b->doc, name, msg);
    b->status = EXIT_FAILED;
}

static double daemon_cores(const bench *b, double cpu0, double seconds)
{
    double cpu1 = harness_daemon_cpu(b->h);
    return cpu0 >= 0 && cpu1 >= 0 && seconds > 0 ? (cpu1 - cpu0) / seconds : -1;
}

static int run_ceilings(bench *b)
{
    ceilings c;
    lh_err err = {{0}};
    say("measuring the ceilings (%.1f s each)", b->o.ceiling_seconds);
    int rc = ceiling_measure(harness_workdir(b->h), b->o.ceiling_seconds, &c, &err);
    if (rc != 0) {
        failed(b, "ceilings", &err, rc);
        return rc;
    }
    results_ceilings(b->doc, &c);
    b->append_bound = c.ed25519_all;
    return 0;
}

static void run_append_sync(bench *b)
{
    harness_author *authors = NULL;
    workload_figures f;
    lh_err err = {{0}};
    say("append-sync: %u clients for %.0f s", b->o.threads, b->o.seconds);
    int rc = harness_enroll(b->h, b->o.threads, &authors, &err);
    double cpu0 = harness_daemon_cpu(b->h);
    if (rc == 0)
        rc = workload_append_sync(harness_options(b->h), authors, b->o.threads, b->o.seconds, &f,
                                  &err);
    if (rc == 0)
        results_rate(b->doc, "append-sync", NULL, "appends", &f, LATENCY_SYNC,
                     daemon_cores(b, cpu0, f.seconds));
    else
        failed(b, "append-sync", &err, rc);
    harness_authors_free(authors, b->o.threads);
}

/* Entries signed ahead for `clients` new authors, enough for the time at
 * `rate` appends/s (0: the fastest the daemon can go). */
static int presign_for(bench *b, unsigned clients, double rate, harness_author **authors,
                       presigned **p, lh_err *err)
{
    size_t per = b->o.presign;
    if (per == 0) {
        /* liuhend verifies every entry's signature: it cannot append
         * faster than this machine verifies signatures on every core. */
        double bound = b->append_bound > 0 ? b->append_bound : PRESIGN_RATE_GUESS;
        if (rate > 0 && rate < bound)
            bound = rate * 1.1;
        double want = b->o.seconds * bound / clients;
        per = want > PRESIGN_MAX ? PRESIGN_MAX : (size_t)want + 2;
    }
    *authors = NULL;
    if ((*p = calloc(clients, sizeof **p)) == NULL)
        return lh_err_set(err, LH_ENOMEM, "out of memory");
    int rc = harness_enroll(b->h, clients, authors, err);
    if (rc == 0) {
        say("signing %zu entries ahead (%zu per client)", per * clients, per);
        rc = workload_presign(*authors, clients, per, *p, err);
    }
    return rc;
}

/*
 * The append workloads: `clients` clients with entries signed ahead, in
 * runs of `depth`, as fast as they go (rate 0), or paced at `rate`
 * appends/s, one at a time. Recorded under `name`; the rate reached as
 * fast as it goes is kept for the paced run that follows.
 */
static void append_workload(bench *b, const char *name, unsigned clients, unsigned depth,
                            double rate, const char *latency_is)
{
    harness_author *authors = NULL;
    presigned *p = NULL;
    workload_figures f;
    lh_err err = {{0}};
    int rc = presign_for(b, clients, rate, &authors, &p, &err);
    double cpu0 = harness_daemon_cpu(b->h);
    if (rc == 0) {
        if (rate > 0)
            say("%s: %.0f appends/s offered by %u clients, for %.0f s", name, rate, clients,
                b->o.seconds);
        else
            say("%s: %u clients, depth %u, for %.0f s", name, clients, depth, b->o.seconds);
        rc =
            workload_append(harness_options(b->h), p, clients, depth, rate, b->o.seconds, &f, &err);
    }
    if (rc == 0) {
        results_rate(b->doc, name, NULL, "appends", &f, latency_is,
                     daemon_cores(b, cpu0, f.seconds));
        if (rate == 0)
            b->append_rate = f.per_s;
    } else {
        failed(b, name, &err, rc);
    }
    workload_presigned_free(p, clients);
    free(p);
    harness_authors_free(authors, clients);
}

static void run_append(bench *b)
{
    append_workload(b, "append", b->o.threads, b->o.depth, 0, LATENCY_APPEND);
}

/* Appends offered at a steady rate, below what the log can take, to see
 * the latency a user waits for when the log is busy but not saturated. */
static void run_append_paced(bench *b)
{
    double rate = b->o.rate > 0        ? b->o.rate
                  : b->append_rate > 0 ? b->append_rate / 2
                                       : PACED_RATE_GUESS;
    append_workload(b, "append-paced", b->o.paced_threads, 1, rate, LATENCY_PACED);
}

static void run_prove(bench *b)
{
    workload_figures f;
    lh_err err = {{0}};
    say("prove: %u clients for %.0f s", b->o.prove_threads, b->o.seconds);
    double cpu0 = harness_daemon_cpu(b->h);
    int rc = workload_prove(harness_options(b->h), b->o.prove_threads, b->o.seconds, &f, &err);
    if (rc == 0)
        results_rate(b->doc, "prove", NULL, "proofs", &f, LATENCY_PROVE,
                     daemon_cores(b, cpu0, f.seconds));
    else
        failed(b, "prove", &err, rc);
}

static void run_mixed(bench *b)
{
    harness_author *authors = NULL;
    presigned *p = NULL;
    workload_figures a, pr;
    lh_err err = {{0}};
    int rc = presign_for(b, b->o.mixed_threads, 0, &authors, &p, &err);
    double cpu0 = harness_daemon_cpu(b->h);
    if (rc == 0) {
        say("mixed: %u append clients (depth %u) and %u proof clients for %.0f s",
            b->o.mixed_threads, b->o.depth, b->o.prove_threads, b->o.seconds);
        rc = workload_mixed(harness_options(b->h), p, b->o.mixed_threads, b->o.depth,
                            b->o.prove_threads, b->o.seconds, &a, &pr, &err);
    }
    if (rc == 0) {
        double cores = daemon_cores(b, cpu0, a.seconds);
        results_rate(b->doc, "mixed", "appends", "appends", &a, LATENCY_APPEND, cores);
        results_rate(b->doc, "mixed", "proofs", "proofs", &pr, LATENCY_PROVE, -1);
    } else {
        failed(b, "mixed", &err, rc);
    }
    workload_presigned_free(p, b->o.mixed_threads);
    free(p);
    harness_authors_free(authors, b->o.mixed_threads);
}

static void run_verify(bench *b)
{
    uint64_t target = b->o.entries_given ? b->o.entries : 200000;
    unsigned clients = b->o.threads;
    harness_author *authors = NULL;
    presigned *p = calloc(clients, sizeof *p);
    workload_figures fill = {0};
    verify_figures v;
    lh_err err = {{0}};
    uint64_t size = 0;
    int rc = p == NULL ? lh_err_set(&err, LH_ENOMEM, "out of memory") : 0;
    if (rc == 0)
        rc = harness_tree_size(b->h, &size, &err);
    /* Fill the log to the target: appends pipelined as fast as they go,
     * measured but not the point of this workload. The enrolments come
     * first, so that they are counted in the size. */
    if (rc == 0 && size + clients < target) {
        rc = harness_enroll(b->h, clients, &authors, &err);
        uint64_t need = target - size - clients;
        size_t per = (size_t)((need + clients - 1) / clients);
        if (rc == 0) {
            say("verify: filling the log from %" PRIu64 " to %" PRIu64 " entries: signing ahead",
                size, target);
            rc = workload_presign(authors, clients, per, p, &err);
        }
        if (rc == 0) {
            say("verify: appending %zu entries (%u clients, depth %d)", per * clients, clients,
                LH_PIPELINE_WINDOW);
            rc = workload_append(harness_options(b->h), p, clients, LH_PIPELINE_WINDOW, 0, 0, &fill,
                                 &err);
        }
        workload_presigned_free(p, clients);
    }
    if (rc == 0) {
        say("verify: exporting the log and running %s", b->verifier);
        rc = verifyrun(harness_options(b->h), harness_workdir(b->h), harness_vkey_path(b->h),
                       b->verifier, b->o.rules, &v, &err);
    }
    if (rc == 0) {
        results_verify(b->doc, &v, &fill);
        if (v.exit_code != 0) {
            lh_err_set(&err, LH_EINTERNAL,
                       "liuhen-verify did not find the log clean (exit %d): its figures measure "
                       "something else than a clean verification",
                       v.exit_code);
            failed(b, "verify", &err, LH_EINTERNAL);
        }
    } else {
        failed(b, "verify", &err, rc);
    }
    free(p);
    harness_authors_free(authors, clients);
}

static void run_scale(bench *b)
{
    scale_config cfg = {.target = b->o.entries_given ? b->o.entries : 10000000,
                        .clients = b->o.threads,
                        .depth = LH_PIPELINE_WINDOW,
                        .prove_clients = b->o.prove_threads,
                        .prove_seconds = b->o.seconds,
                        .chunk = 250000};
    scale_point *points = NULL;
    size_t n = 0;
    lh_err err = {{0}};
    say("scale: growing the log to %" PRIu64 " entries", cfg.target);
    int rc = scale_run(b->h, &cfg, &points, &n, &err);
    results_scale(b->doc, points, n);
    if (rc != 0)
        failed(b, "scale", &err, rc);
    free(points);
}

/* ---- main ------------------------------------------------------------------------------------ */

static const char *const WORKLOADS[] = {"all",   "append", "append-paced", "append-sync", "prove",
                                        "mixed", "verify", "scale",        "ceilings"};

static int parse_options(int argc, char **argv, options *o)
{
    enum {
        O_SOCKET = 256,
        O_LOGKEY,
        O_ADMIN,
        O_DIR,
        O_LIUHEND,
        O_VERIFIER,
        O_SECONDS,
        O_CEILING,
        O_THREADS,
        O_DEPTH,
        O_PROVE,
        O_MIXED,
        O_PACED,
        O_RATE,
        O_PRESIGN,
        O_ENTRIES,
        O_NORULES,
        O_JSON,
        O_RESULTS,
        O_KEEP,
        O_HELP
    };
    static const struct option opts[] = {{"socket", required_argument, NULL, O_SOCKET},
                                         {"log-key", required_argument, NULL, O_LOGKEY},
                                         {"admin-key", required_argument, NULL, O_ADMIN},
                                         {"dir", required_argument, NULL, O_DIR},
                                         {"liuhend", required_argument, NULL, O_LIUHEND},
                                         {"verifier", required_argument, NULL, O_VERIFIER},
                                         {"seconds", required_argument, NULL, O_SECONDS},
                                         {"ceiling-seconds", required_argument, NULL, O_CEILING},
                                         {"threads", required_argument, NULL, O_THREADS},
                                         {"depth", required_argument, NULL, O_DEPTH},
                                         {"prove-threads", required_argument, NULL, O_PROVE},
                                         {"mixed-threads", required_argument, NULL, O_MIXED},
                                         {"paced-threads", required_argument, NULL, O_PACED},
                                         {"rate", required_argument, NULL, O_RATE},
                                         {"presign", required_argument, NULL, O_PRESIGN},
                                         {"entries", required_argument, NULL, O_ENTRIES},
                                         {"no-rules", no_argument, NULL, O_NORULES},
                                         {"json", no_argument, NULL, O_JSON},
                                         {"results", required_argument, NULL, O_RESULTS},
                                         {"keep", no_argument, NULL, O_KEEP},
                                         {"help", no_argument, NULL, O_HELP},
                                         {NULL, 0, NULL, 0}};
    uint64_t v;
    int opt;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case O_SOCKET: o->hc.socket = optarg; break;
        case O_LOGKEY: o->hc.log_key = optarg; break;
        case O_ADMIN: o->hc.admin_key = optarg; break;
        case O_DIR: o->hc.dir = optarg; break;
        case O_LIUHEND: o->hc.liuhend = optarg; break;
        case O_VERIFIER: o->verifier = optarg; break;
        case O_SECONDS:
            if (!parse_double(optarg, 0.1, 86400, &o->seconds))
                return usage("--seconds %s: want a number of seconds from 0.1 to 86400", optarg);
            break;
        case O_CEILING:
            if (!parse_double(optarg, 0.05, 600, &o->ceiling_seconds))
                return usage("--ceiling-seconds %s: want seconds from 0.05 to 600", optarg);
            break;
        case O_THREADS:
        case O_PROVE:
        case O_MIXED:
        case O_PACED:
            if (!parse_count(optarg, 1, 200, &v))
                return usage("--%s %s: want a number of clients from 1 to 200",
                             opt == O_THREADS ? "threads"
                             : opt == O_PROVE ? "prove-threads"
                             : opt == O_MIXED ? "mixed-threads"
                                              : "paced-threads",
                             optarg);
            *(opt == O_THREADS ? &o->threads
              : opt == O_PROVE ? &o->prove_threads
              : opt == O_MIXED ? &o->mixed_threads
                               : &o->paced_threads) = (unsigned)v;
            break;
        case O_RATE:
            if (!parse_double(optarg, 1, 10000000, &o->rate))
                return usage("--rate %s: want appends per second from 1 to 10,000,000", optarg);
            break;
        case O_DEPTH:
            if (!parse_count(optarg, 1, LH_PIPELINE_WINDOW, &v))
                return usage("--depth %s: want 1 to %d", optarg, LH_PIPELINE_WINDOW);
            o->depth = (unsigned)v;
            break;
        case O_PRESIGN:
            if (!parse_count(optarg, 1, PRESIGN_MAX, &v))
                return usage("--presign %s: want 1 to %u entries per client", optarg, PRESIGN_MAX);
            o->presign = (size_t)v;
            break;
        case O_ENTRIES:
            if (!parse_count(optarg, 100, UINT64_C(1) << 40, &v))
                return usage("--entries %s: want a number of entries, at least 100", optarg);
            o->entries = v;
            o->entries_given = true;
            break;
        case O_NORULES: o->rules = false; break;
        case O_JSON: o->json = true; break;
        case O_RESULTS: o->results = optarg; break;
        case O_KEEP: o->hc.keep = true; break;
        case O_HELP:
            fputs(usage_text, stdout);
            fputs(help_text, stdout);
            exit(EXIT_OK);
        default: return usage("unknown option");
        }
    }
    if (optind != argc - 1)
        return usage(optind == argc ? "which workload?" : "one workload at a time");
    o->workload = argv[optind];
    bool known = false;
    for (size_t i = 0; i < sizeof WORKLOADS / sizeof WORKLOADS[0]; i++)
        known = known || strcmp(o->workload, WORKLOADS[i]) == 0;
    if (!known)
        return usage("unknown workload '%s'", o->workload);
    int given = (o->hc.socket != NULL) + (o->hc.log_key != NULL) + (o->hc.admin_key != NULL);
    if (given != 0 && given != 3)
        return usage("--socket, --log-key and --admin-key go together");
    return -1;
}

static bool is(const bench *b, const char *name)
{
    return strcmp(b->o.workload, name) == 0 || strcmp(b->o.workload, "all") == 0;
}

int main(int argc, char **argv)
{
    static bench b;
    b.o = (options){.seconds = 10,
                    .ceiling_seconds = 2,
                    .threads = 8,
                    .depth = 32,
                    .prove_threads = 4,
                    .mixed_threads = 4,
                    .paced_threads = 32,
                    .rules = true};
    int st = parse_options(argc, argv, &b.o);
    if (st >= 0)
        return st;
    if (b.o.hc.liuhend == NULL) {
        beside_self("liuhend", b.liuhend, sizeof b.liuhend);
        b.o.hc.liuhend = b.liuhend;
    }
    if (b.o.verifier == NULL)
        beside_self("liuhen-verify", b.verifier, sizeof b.verifier);
    else
        snprintf(b.verifier, sizeof b.verifier, "%s", b.o.verifier);
    if (sodium_init() < 0) {
        say("libsodium cannot be initialised");
        return EXIT_SETUP;
    }

    lh_err err = {{0}};
    int rc = harness_open(&b.o.hc, &b.h, &err);
    if (rc != 0) {
        say("%s", err.msg[0] != '\0' ? err.msg : lh_strerror(rc));
        return EXIT_SETUP;
    }
    const char *data = harness_data_dir(b.h);
    machine m;
    machine_describe(data != NULL ? data : harness_workdir(b.h), &m);
    b.doc = results_new(&m, data != NULL, harness_options(b.h)->socket_path);
    if (b.doc == NULL) {
        say("out of memory");
        harness_close(b.h);
        return EXIT_SETUP;
    }

    if (run_ceilings(&b) == 0) {
        if (strcmp(b.o.workload, "ceilings") == 0) {
            /* The ceilings alone. */
        } else if (strcmp(b.o.workload, "scale") == 0) {
            run_scale(&b);
        } else {
            if (is(&b, "append-sync"))
                run_append_sync(&b);
            if (is(&b, "append"))
                run_append(&b);
            if (is(&b, "append-paced"))
                run_append_paced(&b);
            if (is(&b, "prove"))
                run_prove(&b);
            if (is(&b, "mixed"))
                run_mixed(&b);
            if (is(&b, "verify"))
                run_verify(&b);
        }
    }
    int daemon_status = harness_close(b.h);
    if (daemon_status != 0 && data != NULL) {
        say("liuhend exited with status %d", daemon_status);
        results_error(b.doc, "liuhend", "the daemon did not exit cleanly on SIGTERM");
        b.status = EXIT_FAILED;
    }

    if (b.o.results != NULL && results_write(b.doc, b.o.results, &err) != 0) {
        say("%s", err.msg);
        b.status = EXIT_FAILED;
    }
    if (b.o.json) {
        if (results_print_json(b.doc, stdout) != 0)
            b.status = EXIT_FAILED;
    } else {
        results_table(b.doc, stdout);
        if (b.o.results != NULL)
            printf("\n结果 Results written to %s\n", b.o.results);
    }
    json_decref(b.doc);
    return b.status;
}
