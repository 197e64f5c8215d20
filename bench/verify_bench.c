/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * verify_bench.c — the benchmark of liuhen-verify.
 *
 * It builds the tiles directory of a 1,000,000-entry log from first
 * principles with the format core: real entries, signed with Ed25519 by a
 * few thousand keys that the log enrolls itself (the genesis entry, signed
 * by the log's key, enrolls the first admin, who enrolls everyone else,
 * docs/design.md "Kinds and roles"), each kind appended by a role that may
 * append it (the principal head's key, enrolled as such, assigns the
 * teams: A§10(2)), author and case chains, and times a year long. The
 * records are liuhen-bench's (tools/liuhen-bench/corpus.h): cases that
 * follow the regulations as liuhen-verify --rules reads them
 * (docs/regulation.md), with Chinese texts of realistic length, two
 * thousand of them open at once; key holders have the names of the
 * bureau's staff, which no one a case concerns has (R13).
 * The directory is written with tests/util/tamper.h (entry bundles as they
 * come, hash tiles from an in-memory stored-hash table, a checkpoint signed
 * by the log key), so building uses bounded buffers too.
 *
 * Then it runs liuhen-verify on it (by default with --rules, the whole of
 * an inspector's check) and reports, one line per figure: entries per
 * second, the verifier's CPU time and the cores it kept busy, its peak
 * memory (maximum resident set size; both from wait4()), and this
 * machine's Ed25519 verification rate measured in the same run with
 * libsodium (entry_verify() on entries of the log's sizes), on one core and
 * on every core at once: the latter is the ceiling of a verifier that
 * checks every signature, the yardstick of "signature checks use every
 * core".
 *
 * A log built once is kept in its directory with the parameters that made
 * it (DIR/../NAME.params) and reused by the next run with the same ones.
 *
 *     verify_bench [--entries N] [--keys K] [--dir DIR] [--verifier PATH]
 *                  [--no-rules] [--rebuild]
 *
 * Exit status: 0 when the verifier found the log clean, 1 when it did not
 * (the benchmark then says so: its figures would measure something else),
 * 2 for a usage error, 3 when the log cannot be built or the verifier run.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "corpus.h"
#include "entry.h"
#include "errors.h"
#include "liuhen.pb-c.h"
#include "note.h"
#include "tamper.h"
#include "tile.h"
#include "validate.h"

#ifndef LH_BUILD_DIR
#define LH_BUILD_DIR "build"
#endif

/* The generator's version: a kept log made by another version is rebuilt. */
#define BENCH_VERSION 3
#define BENCH_ORIGIN  "bench.liuhen.example/log"
/* 2024-01-01 00:00:00 +08:00, the start of the simulated year. */
#define BENCH_T0 INT64_C(1704038400000)
/* The start of the log's case ids. */
#define BENCH_CASES "QJ-2024"
/* The seeds of the records of the log and of the Ed25519 sample. */
#define BENCH_SEED  UINT64_C(0x6c697568656e0007)
#define SAMPLE_SEED UINT64_C(0x6564323535313922)

#define DEFAULT_ENTRIES UINT64_C(1000000)
#define DEFAULT_KEYS    3000u
#define MAX_KEYS        100000u

/* Cases open at once: their entries interleave in the log. */
#define ACTIVE_CASES 2000
/* Entries signed together; a batch holds at most one entry per author and
 * per case, since each entry's chain links name the previous one's hash. */
#define BATCH_MAX 256
/* The roles, by value (liuhen.proto Role: ROLE_PRINCIPAL is the last). */
#define N_ROLES 7
/* How long each Ed25519 measurement runs, and on how many entries. */
#define ED25519_SECONDS 3.0
#define ED25519_SAMPLE  512

typedef struct bench_case {
    corpus_case k;
    uint32_t opener; /* the key of its first entry, which makes its CORRECTION; UINT32_MAX before */
    uint64_t batch;  /* the last batch it had an entry in */
} bench_case;

typedef struct bench_key {
    uint8_t sk[ENTRY_SK_BYTES];
    uint64_t seq; /* author_seq of its last entry */
    uint8_t head[32];
    uint64_t batch; /* the last batch it had an entry in */
    Liuhen__Role role;
} bench_key;

/* One entry of a batch, packed and waiting for its signature. */
typedef struct slot {
    uint8_t *msg; /* ENTRY_SIG_CONTEXT || entry; ENTRY_SIG_INPUT_MAX of room */
    size_t msg_len;
    uint8_t sig[ENTRY_SIG_BYTES];
    uint32_t key;
    bench_case *c; /* NULL for key management */
    int64_t integrated_at;
} slot;

static struct {
    /* options */
    uint64_t entries;
    unsigned nkeys;
    char dir[PATH_MAX];
    const char *verifier;
    bool rules;
    bool rebuild;
    /* the log being built */
    note_signer log;
    bench_key *keys; /* nkeys + 1: the last one is the log's own key */
    uint32_t *by_role[N_ROLES];
    size_t nby_role[N_ROLES];
    bench_case cases[ACTIVE_CASES];
    size_t nactive;
    uint64_t next_case;
    uint64_t planned; /* entries written, in the batch, or planned for the active cases */
    uint64_t written;
    int64_t clock;
    uint64_t batch;
    slot slots[BATCH_MAX];
    size_t nslots;
    corpus_gen *gen;
    tamper_writer *w;
    uint64_t rng;
    uint64_t leaf_bytes;
    uint64_t validated;
    uint64_t next_report; /* the next count of entries written to tell */
} b;

static void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

static void die(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("verify_bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(code);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*: the log is the same on every machine and every run. */
static uint64_t rnd(void)
{
    b.rng ^= b.rng >> 12;
    b.rng ^= b.rng << 25;
    b.rng ^= b.rng >> 27;
    return b.rng * UINT64_C(0x2545f4914f6cdd1d);
}

static unsigned below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- keys and roles ---------------------------------------------------------------------------
 */
/* Roles by the key's number: 45% handlers, 15% the legal section, 5%
 * principal heads (A§10(2): they assign the teams), 5% other leaders, 30%
 * investigators; key 0 is the first admin. */
static Liuhen__Role role_of(uint32_t i)
{
    if (i == 0)
        return LIUHEN__ROLE__ROLE_ADMIN;
    unsigned r = i % 20;
    return r < 9    ? LIUHEN__ROLE__ROLE_HANDLER
           : r < 12 ? LIUHEN__ROLE__ROLE_LEGAL
           : r < 13 ? LIUHEN__ROLE__ROLE_PRINCIPAL
           : r < 14 ? LIUHEN__ROLE__ROLE_LEADER
                    : LIUHEN__ROLE__ROLE_INVESTIGATOR;
}

static void make_keys(void)
{
    b.keys = calloc(b.nkeys + 1, sizeof *b.keys);
    for (int r = 0; r < N_ROLES; r++)
        if ((b.by_role[r] = calloc(b.nkeys, sizeof *b.by_role[r])) == NULL)
            die(3, "out of memory for %u keys", b.nkeys);
    if (b.keys == NULL)
        die(3, "out of memory for %u keys", b.nkeys);
    for (uint32_t i = 0; i < b.nkeys; i++) {
        uint8_t seed[32], pk[32];
        char label[64];
        snprintf(label, sizeof label, "liuhen bench key %" PRIu32, i);
        crypto_generichash(seed, sizeof seed, (const uint8_t *)label, strlen(label), NULL, 0);
        crypto_sign_seed_keypair(pk, b.keys[i].sk, seed);
        b.keys[i].role = role_of(i);
        b.by_role[b.keys[i].role][b.nby_role[b.keys[i].role]++] = i;
    }
    uint8_t seed[32];
    crypto_generichash(seed, sizeof seed, (const uint8_t *)"liuhen bench log key", 20, NULL, 0);
    if (note_signer_from_seed(&b.log, BENCH_ORIGIN, strlen(BENCH_ORIGIN), NOTE_TYPE_ED25519,
                              seed) != 0)
        die(3, "cannot make the log key");
    memcpy(b.keys[b.nkeys].sk, b.log.sk, ENTRY_SK_BYTES);
    sodium_memzero(seed, sizeof seed);
}

/* A key of the role, not yet in this batch; UINT32_MAX if none was found. */
static uint32_t pick_key(Liuhen__Role role)
{
    for (int tries = 0; tries < 16; tries++) {
        uint32_t k = b.by_role[role][below((unsigned)b.nby_role[role])];
        if (b.keys[k].batch != b.batch)
            return k;
    }
    return UINT32_MAX;
}

/* The role that appends a step (docs/design.md "Kinds and roles"). */
static Liuhen__Role role_for(corpus_step s)
{
    switch (s) {
    case CORPUS_STEP_INTERFERENCE:
    case CORPUS_STEP_GUIDANCE_ORAL:
    case CORPUS_STEP_PETITION: return LIUHEN__ROLE__ROLE_HANDLER;
    /* A§10(2) (R5): only the principal head assigns the team. */
    case CORPUS_STEP_ASSIGNED: return LIUHEN__ROLE__ROLE_PRINCIPAL;
    case CORPUS_STEP_DECISION:
    case CORPUS_STEP_APPROVAL:
    case CORPUS_STEP_GUIDANCE_WRITTEN:
        return below(2) == 0 ? LIUHEN__ROLE__ROLE_PRINCIPAL : LIUHEN__ROLE__ROLE_LEADER;
    case CORPUS_STEP_STEP:
        return below(5) == 0 ? LIUHEN__ROLE__ROLE_LEGAL : LIUHEN__ROLE__ROLE_INVESTIGATOR;
    case CORPUS_STEP_CLOSED:
        return below(3) == 0 ? LIUHEN__ROLE__ROLE_LEADER : LIUHEN__ROLE__ROLE_LEGAL;
    /* Complaints, replies, transfers, reports, checks, recommendations,
     * notifications, services: the legal section. A CORRECTION is by the
     * corrected entry's author, chosen by the caller. */
    default: return LIUHEN__ROLE__ROLE_LEGAL;
    }
}

/* ---- cases ----------------------------------------------------------------------------------- */

/* Keep ACTIVE_CASES cases open while entries are left to plan; the last
 * ones planned fit the entries left (corpus_case_start()). Finished cases
 * are replaced, which moves cases in the array: only between batches, when
 * no slot points to a case. */
static void refill_cases(void)
{
    if (b.nslots != 0)
        die(3, "internal error: cases moved while a batch refers to them");
    for (size_t i = 0; i < b.nactive;) {
        if (corpus_case_left(&b.cases[i].k) == 0)
            b.cases[i] = b.cases[--b.nactive];
        else
            i++;
    }
    while (b.nactive < ACTIVE_CASES && b.planned < b.entries) {
        bench_case *c = &b.cases[b.nactive++];
        corpus_case_start(b.gen, &c->k, b.entries - b.planned);
        c->opener = UINT32_MAX;
        c->batch = 0;
        b.planned += corpus_case_left(&c->k);
        b.next_case++;
    }
}

/* ---- entries --------------------------------------------------------------------------------- */

/* Pack e (its author fields completed from the chain head of key k; the
 * case's link is corpus_gen_record()'s) into a new slot's signed message. */
static void pack_slot(Liuhen__Entry *e, uint32_t k, bench_case *c, int64_t integrated_at)
{
    bench_key *key = &b.keys[k];
    e->origin = BENCH_ORIGIN;
    e->author_key.data = key->sk + 32;
    e->author_key.len = 32;
    e->author_seq = key->seq + 1;
    if (key->seq > 0) {
        e->author_prev.data = key->head;
        e->author_prev.len = 32;
    }
    size_t len = liuhen__entry__get_packed_size(e);
    if (len > ENTRY_MAX_SIZE)
        die(3, "entry %" PRIu64 ": %zu bytes, more than %d", b.written + b.nslots, len,
            ENTRY_MAX_SIZE);
    slot *sl = &b.slots[b.nslots++];
    memcpy(sl->msg, ENTRY_SIG_CONTEXT, ENTRY_SIG_CONTEXT_LEN);
    liuhen__entry__pack(e, sl->msg + ENTRY_SIG_CONTEXT_LEN);
    sl->msg_len = ENTRY_SIG_CONTEXT_LEN + len;
    sl->key = k;
    sl->c = c;
    sl->integrated_at = integrated_at;
    key->batch = b.batch;
    if (c != NULL)
        c->batch = b.batch;

    /* The generator checks its own output: every entry at first, then a
     * sample, with the same validation as the daemon and the verifier. */
    uint64_t index = b.written + b.nslots - 1;
    if (index < 20000 || index % 64 == 0) {
        lh_err err = {{0}};
        int rc = validate_entry(sl->msg + ENTRY_SIG_CONTEXT_LEN, len, BENCH_ORIGIN, NULL, &err);
        if (rc != 0)
            die(3, "entry %" PRIu64 " is not valid: %s (%s)", index, err.msg, lh_strerror(rc));
        b.validated++;
    }
}

/* The simulated log clock: 1 to 60 s between entries, a year for a million. */
static int64_t tick(void)
{
    b.clock += 1 + (int64_t)below(60000);
    return b.clock;
}

typedef struct sign_job {
    size_t from, to;
} sign_job;

static void *sign_range(void *arg)
{
    sign_job *j = arg;
    for (size_t i = j->from; i < j->to; i++) {
        slot *sl = &b.slots[i];
        crypto_sign_ed25519_detached(sl->sig, NULL, sl->msg, sl->msg_len, b.keys[sl->key].sk);
    }
    return NULL;
}

/* Sign the batch on two threads, then wrap, hash and write its leaves in
 * order and move the chain heads. */
static void flush_batch(void)
{
    if (b.nslots == 0)
        return;
    sign_job second = {b.nslots / 2, b.nslots};
    sign_job first = {0, b.nslots / 2};
    pthread_t t;
    bool threaded = b.nslots >= 16 && pthread_create(&t, NULL, sign_range, &second) == 0;
    if (!threaded)
        first.to = b.nslots;
    sign_range(&first);
    if (threaded)
        pthread_join(t, NULL);

    for (size_t i = 0; i < b.nslots; i++) {
        slot *sl = &b.slots[i];
        uint8_t *leaf = NULL;
        size_t leaf_len = 0;
        uint8_t h[32];
        lh_err err = {{0}};
        if (tamper_wrap_leaf(sl->msg + ENTRY_SIG_CONTEXT_LEN, sl->msg_len - ENTRY_SIG_CONTEXT_LEN,
                             sl->sig, sl->integrated_at, &leaf, &leaf_len, &err) != 0 ||
            tamper_writer_add(b.w, leaf, leaf_len, h, &err) != 0)
            die(3, "entry %" PRIu64 ": %s", b.written, err.msg);
        free(leaf);
        b.leaf_bytes += leaf_len;
        b.written++;
        /* Chains and references name entries by entry id (docs/design.md
         * "Entries"): SHA-256 of the signed Entry bytes. */
        uint8_t id[32];
        entry_id(sl->msg + ENTRY_SIG_CONTEXT_LEN, sl->msg_len - ENTRY_SIG_CONTEXT_LEN, id);
        bench_key *key = &b.keys[sl->key];
        key->seq++;
        memcpy(key->head, id, 32);
        if (sl->c != NULL)
            corpus_case_logged(&sl->c->k, id);
    }
    b.nslots = 0;
    b.batch++;
    if (b.written >= b.next_report) {
        fprintf(stderr, "verify_bench: %" PRIu64 " entries written\n", b.written);
        b.next_report += 100000;
    }
}

/* Entries 0 .. nkeys-1: the genesis entry (the log's key enrolls key 0 as
 * the first admin), then the admin enrolls every other key. */
static void enroll_keys(void)
{
    for (uint32_t i = 0; i < b.nkeys; i++) {
        char holder[32];
        const char *position, *unit;
        corpus_staff(i, holder, sizeof holder, &position, &unit);
        Liuhen__Entry e = LIUHEN__ENTRY__INIT;
        Liuhen__KeyEnroll ke = LIUHEN__KEY_ENROLL__INIT;
        Liuhen__Role roles[1] = {b.keys[i].role};
        ke.public_key.data = b.keys[i].sk + 32;
        ke.public_key.len = 32;
        ke.holder = holder;
        ke.position = (char *)position;
        ke.unit = (char *)unit;
        ke.n_roles = 1;
        ke.roles = roles;
        e.kind = LIUHEN__KIND__KIND_KEY_ENROLL;
        e.body_case = LIUHEN__ENTRY__BODY_KEY_ENROLL;
        e.key_enroll = &ke;
        int64_t at = tick();
        e.recorded_at = at - 500;
        pack_slot(&e, i == 0 ? b.nkeys : 0, NULL, at);
        flush_batch(); /* one author: one entry per batch */
    }
    b.planned = b.nkeys;
}

/* Entries nkeys .. entries-1: the records of interleaved cases, each by a
 * key whose role may append it. */
static void write_cases(void)
{
    refill_cases();
    while (b.nactive > 0) {
        bench_case *c = NULL;
        for (int tries = 0; tries < 16 && c == NULL; tries++) {
            bench_case *cand = &b.cases[below((unsigned)b.nactive)];
            if (cand->batch != b.batch && corpus_case_left(&cand->k) > 0)
                c = cand;
        }
        if (c == NULL || b.nslots == BATCH_MAX) {
            flush_batch();
            refill_cases();
            continue;
        }
        corpus_step s = corpus_case_step(&c->k);
        uint32_t k = s == CORPUS_STEP_CORRECTION ? c->opener : pick_key(role_for(s));
        if (k == UINT32_MAX || b.keys[k].batch == b.batch) {
            flush_batch();
            refill_cases();
            continue;
        }
        if (c->opener == UINT32_MAX)
            c->opener = k;
        int64_t at = tick();
        pack_slot(corpus_gen_record(b.gen, &c->k, at), k, c, at);
    }
    flush_batch();
}

/* ---- building or reusing the log ------------------------------------------------------------ */

static void params_text(char *out, size_t cap)
{
    snprintf(out, cap, "liuhen verify_bench log: version %d, %" PRIu64 " entries, %u keys\n",
             BENCH_VERSION, b.entries, b.nkeys);
}

static void params_path(char *out, size_t cap)
{
    snprintf(out, cap, "%s.params", b.dir);
}

static bool log_reusable(void)
{
    char path[PATH_MAX + 16], want[256], have[256] = "";
    params_path(path, sizeof path);
    params_text(want, sizeof want);
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return false;
    bool same = fgets(have, sizeof have, fp) != NULL && strcmp(have, want) == 0;
    fclose(fp);
    char cp[PATH_MAX + 16];
    snprintf(cp, sizeof cp, "%s/checkpoint", b.dir);
    return same && access(cp, R_OK) == 0;
}

static void build_log(void)
{
    char path[PATH_MAX + 16], params[256];
    params_path(path, sizeof path);
    unlink(path);
    struct stat st;
    if (lstat(b.dir, &st) == 0 && tamper_remove_dir(b.dir) != 0)
        die(3, "%s: cannot remove the old log: %s", b.dir, strerror(errno));
    lh_err err = {{0}};
    if (tamper_writer_new(b.dir, &b.w, &err) != 0)
        die(3, "%s", err.msg);
    for (size_t i = 0; i < BATCH_MAX; i++)
        if ((b.slots[i].msg = malloc(ENTRY_SIG_INPUT_MAX)) == NULL)
            die(3, "out of memory for a batch");
    b.rng = UINT64_C(0x6c697568656e0004);
    if (corpus_gen_new(BENCH_ORIGIN, BENCH_CASES, BENCH_SEED, &b.gen) != 0)
        die(3, "out of memory for the generator");
    b.clock = BENCH_T0;
    b.batch = 1;
    b.next_report = 100000;

    double t0 = now_s();
    enroll_keys();
    write_cases();
    uint64_t size = 0;
    if (tamper_writer_finish(b.w, &b.log, &size, NULL, &err) != 0)
        die(3, "%s", err.msg);
    tamper_writer_free(b.w);
    b.w = NULL;
    corpus_gen_free(b.gen);
    b.gen = NULL;
    for (size_t i = 0; i < BATCH_MAX; i++)
        free(b.slots[i].msg);
    if (size != b.entries)
        die(3, "the log has %" PRIu64 " entries, not %" PRIu64, size, b.entries);

    params_text(params, sizeof params);
    FILE *fp = fopen(path, "w");
    if (fp == NULL || fputs(params, fp) == EOF || fclose(fp) != 0)
        die(3, "%s: cannot write: %s", path, strerror(errno));
    printf("log: %" PRIu64 " entries by %u keys in %" PRIu64
           " cases, %.1f MiB of leaves (%.0f bytes each on average), built in %.1f s "
           "(%" PRIu64 " entries validated)\n",
           size, b.nkeys, b.next_case, (double)b.leaf_bytes / 1048576.0,
           (double)b.leaf_bytes / (double)size, now_s() - t0, b.validated);
}

/* The log's verifier key beside the directory. */
static void write_vkey(char *path, size_t cap)
{
    snprintf(path, cap, "%s.vkey", b.dir);
    note_verifier v;
    lh_err err = {{0}};
    if (note_signer_verifier(&b.log, &v) != 0 || tamper_write_vkey(path, &v, &err) != 0)
        die(3, "%s: cannot write the log key: %s", path, err.msg);
}

/* ---- measuring ------------------------------------------------------------------------------- */

/* The sample the Ed25519 rates are measured on: entries of the log's sizes,
 * signed by keys of the log. Read-only once made, shared by the threads. */
typedef struct ed_sample {
    uint8_t *msgs[ED25519_SAMPLE];
    size_t lens[ED25519_SAMPLE];
    uint8_t sigs[ED25519_SAMPLE][64];
    uint32_t keys[ED25519_SAMPLE];
} ed_sample;

/* One thread of a measurement: verify the sample round and round, from
 * its own starting point, until ED25519_SECONDS have passed. */
typedef struct ed_run {
    const ed_sample *s;
    size_t start;
    uint64_t n;
    double seconds;
} ed_run;

static void *ed_loop(void *arg)
{
    ed_run *r = arg;
    const ed_sample *s = r->s;
    uint64_t n = 0;
    double t0 = now_s(), t;
    do {
        for (size_t j = 0; j < ED25519_SAMPLE; j++, n++) {
            size_t i = (r->start + j) % ED25519_SAMPLE;
            if (entry_verify(s->msgs[i], s->lens[i], s->sigs[i], b.keys[s->keys[i]].sk + 32) != 0)
                die(3, "a sample signature does not verify");
        }
    } while ((t = now_s() - t0) < ED25519_SECONDS);
    r->n = n;
    r->seconds = t;
    return NULL;
}

/* Signatures per second with `threads` threads verifying at once. */
static double ed_measure(const ed_sample *s, unsigned threads)
{
    ed_run runs[256];
    pthread_t tids[256];
    if (threads > 256)
        threads = 256;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    /* entry_verify() uses about 64 KiB of stack (entry.h). */
    pthread_attr_setstacksize(&attr, 1024 * 1024);
    for (unsigned i = 0; i < threads; i++) {
        runs[i] = (ed_run){.s = s, .start = i * ED25519_SAMPLE / threads};
        int rc = pthread_create(&tids[i], &attr, ed_loop, &runs[i]);
        if (rc != 0)
            die(3, "cannot start a thread: %s", strerror(rc));
    }
    pthread_attr_destroy(&attr);
    double rate = 0;
    for (unsigned i = 0; i < threads; i++) {
        pthread_join(tids[i], NULL);
        rate += (double)runs[i].n / runs[i].seconds;
    }
    return rate;
}

/*
 * This machine's Ed25519 verification rate, in the same run: entry_verify()
 * (SHA-512 of the context and the entry, then the curve arithmetic) over
 * entries of the log's sizes, for ED25519_SECONDS, on one core, then with
 * one thread per online core at once. The second is the ceiling of a
 * verifier that checks every signature: twice the first on two cores, less
 * what the cores take from each other (shared caches, memory, the
 * hypervisor's other guests).
 */
static void ed25519_rates(unsigned cores, double *one, double *all, double *mean_len)
{
    static ed_sample s;
    /* The same sample whether the log was built by this run or kept: the
     * records of cases of a generator of its own, one case after another. */
    corpus_gen *g;
    if (corpus_gen_new(BENCH_ORIGIN, BENCH_CASES, SAMPLE_SEED, &g) != 0)
        die(3, "out of memory");
    corpus_case c;
    corpus_case_start(g, &c, CORPUS_PLAN_MAX);
    b.rng = UINT64_C(0x6564323535313921);
    int64_t at = BENCH_T0;
    size_t total = 0;
    for (size_t i = 0; i < ED25519_SAMPLE; i++) {
        if (corpus_case_left(&c) == 0)
            corpus_case_start(g, &c, CORPUS_PLAN_MAX);
        at += 60000;
        Liuhen__Entry *e = corpus_gen_record(g, &c, at);
        s.keys[i] = 1 + below(b.nkeys - 1);
        e->author_key.data = b.keys[s.keys[i]].sk + 32;
        e->author_key.len = 32;
        e->author_seq = 1;
        s.lens[i] = liuhen__entry__get_packed_size(e);
        if ((s.msgs[i] = malloc(s.lens[i])) == NULL)
            die(3, "out of memory");
        liuhen__entry__pack(e, s.msgs[i]);
        if (entry_sign(s.msgs[i], s.lens[i], b.keys[s.keys[i]].sk, s.sigs[i]) != 0)
            die(3, "cannot sign a sample entry");
        uint8_t id[32];
        entry_id(s.msgs[i], s.lens[i], id);
        corpus_case_logged(&c, id);
        total += s.lens[i];
    }
    corpus_gen_free(g);
    *mean_len = (double)total / ED25519_SAMPLE;
    *one = ed_measure(&s, 1);
    *all = ed_measure(&s, cores);
    for (size_t i = 0; i < ED25519_SAMPLE; i++)
        free(s.msgs[i]);
}

/* Run the verifier; its wall time, CPU time (user and system), peak memory
 * and exit status. */
static int run_verifier(const char *vkey, double *seconds, double *cpu_seconds, long *maxrss_kib)
{
    const char *argv[12];
    size_t n = 0;
    argv[n++] = b.verifier;
    argv[n++] = b.dir;
    argv[n++] = "--log-key";
    argv[n++] = vkey;
    argv[n++] = "--quiet";
    if (b.rules)
        argv[n++] = "--rules";
    argv[n] = NULL;
    fflush(stdout);
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0)
        die(3, "cannot fork: %s", strerror(errno));
    if (pid == 0) {
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "verify_bench: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR)
            die(3, "cannot wait for %s: %s", argv[0], strerror(errno));
    *seconds = now_s() - t0;
    *cpu_seconds = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                   (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    *maxrss_kib = ru.ru_maxrss; /* Linux: kilobytes */
    if (WIFSIGNALED(status))
        die(3, "%s was killed by signal %d", argv[0], WTERMSIG(status));
    if (WEXITSTATUS(status) == 127)
        die(3, "%s could not be run", argv[0]);
    return WEXITSTATUS(status);
}

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: verify_bench [--entries N] [--keys K] [--dir DIR] [--verifier PATH]\n"
            "                    [--no-rules] [--rebuild]\n"
            "  --entries N      entries of the log (default %" PRIu64 ")\n"
            "  --keys K         keys enrolled by the log, 20 to %u (default %u)\n"
            "  --dir DIR        the tiles directory, kept for the next run\n"
            "                   (default %s/bench/verify-log-N)\n"
            "  --verifier PATH  the program measured (default %s/bin/liuhen-verify)\n"
            "  --no-rules       verify without --rules\n"
            "  --rebuild        build the log even if DIR holds it\n",
            DEFAULT_ENTRIES, MAX_KEYS, DEFAULT_KEYS, LH_BUILD_DIR, LH_BUILD_DIR);
}

static uint64_t parse_count(const char *opt, const char *s, uint64_t min, uint64_t max)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < min || v > max)
        die(2, "%s %s: want a number from %" PRIu64 " to %" PRIu64, opt, s, min, max);
    return v;
}

int main(int argc, char **argv)
{
    b.entries = DEFAULT_ENTRIES;
    b.nkeys = DEFAULT_KEYS;
    b.verifier = LH_BUILD_DIR "/bin/liuhen-verify";
    b.rules = true;
    const char *dir = NULL;
    static const struct option opts[] = {
        {"entries", required_argument, NULL, 'n'}, {"keys", required_argument, NULL, 'k'},
        {"dir", required_argument, NULL, 'd'},     {"verifier", required_argument, NULL, 'v'},
        {"no-rules", no_argument, NULL, 'R'},      {"rebuild", no_argument, NULL, 'B'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'n': b.entries = parse_count("--entries", optarg, 0, UINT64_C(1) << 40); break;
        case 'k': b.nkeys = (unsigned)parse_count("--keys", optarg, 20, MAX_KEYS); break;
        case 'd': dir = optarg; break;
        case 'v': b.verifier = optarg; break;
        case 'R': b.rules = false; break;
        case 'B': b.rebuild = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    /* The log holds the enrolment entries and at least one case. */
    if (b.entries < (uint64_t)b.nkeys + CORPUS_PLAN_MAX)
        die(2, "--entries %" PRIu64 ": at least %u for %u keys", b.entries,
            b.nkeys + CORPUS_PLAN_MAX, b.nkeys);
    int n = dir != NULL ? snprintf(b.dir, sizeof b.dir, "%s", dir)
                        : snprintf(b.dir, sizeof b.dir, "%s/bench/verify-log-%" PRIu64,
                                   LH_BUILD_DIR, b.entries);
    if (n < 0 || (size_t)n >= sizeof b.dir - 16)
        die(2, "--dir: path too long");
    if (access(b.verifier, X_OK) != 0)
        die(3, "%s: %s (build it first: make %s)", b.verifier, strerror(errno), b.verifier);
    if (sodium_init() < 0)
        die(3, "libsodium cannot be initialised");

    make_keys();
    if (!b.rebuild && log_reusable())
        printf("log: %" PRIu64 " entries by %u keys, reused from %s\n", b.entries, b.nkeys, b.dir);
    else
        build_log();
    char vkey[PATH_MAX + 16];
    write_vkey(vkey, sizeof vkey);

    double seconds = 0, cpu = 0;
    long maxrss = 0;
    int code = run_verifier(vkey, &seconds, &cpu, &maxrss);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    double rate = (double)b.entries / seconds;
    printf("liuhen-verify%s: %" PRIu64 " entries in %.2f s: %.0f entries/s on %ld cores "
           "(exit %d)\n",
           b.rules ? " --rules" : "", b.entries, seconds, rate, cpus, code);
    /* The cores it kept busy: on a machine that runs other work meanwhile,
     * fewer than it could. */
    printf("liuhen-verify CPU time: %.2f s (user and system), %.2f cores busy on average\n", cpu,
           cpu / seconds);
    printf("liuhen-verify peak memory: %.1f MiB (maximum resident set size)\n",
           (double)maxrss / 1024.0);
    double mean_len = 0, ed = 0, ed_all = 0;
    ed25519_rates(cpus > 0 ? (unsigned)cpus : 1, &ed, &ed_all, &mean_len);
    printf("Ed25519 verification on one core: %.0f signatures/s (libsodium, entry_verify() on "
           "%.0f-byte entries)\n",
           ed, mean_len);
    printf("liuhen-verify / one core's Ed25519 rate: %.2f\n", rate / ed);
    printf("Ed25519 verification on all %ld cores at once: %.0f signatures/s (%.2f x one core)\n",
           cpus, ed_all, ed_all / ed);
    printf("liuhen-verify / all cores' Ed25519 rate: %.2f\n", rate / ed_all);

    sodium_memzero(b.keys, (b.nkeys + 1) * sizeof *b.keys);
    note_signer_wipe(&b.log);
    free(b.keys);
    for (int r = 0; r < N_ROLES; r++)
        free(b.by_role[r]);
    if (code != 0) {
        fprintf(stderr,
                "verify_bench: liuhen-verify did not find the log clean (exit %d): the figures "
                "above do not measure a clean verification\n",
                code);
        return 1;
    }
    return 0;
}
