/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * driver.c — a main() for the fuzz targets of tests/fuzz/ when libFuzzer is
 * not at hand (gcc, make check): run every file of the target's seed corpus,
 * then a fixed number of deterministic mutations of those seeds, through
 * LLVMFuzzerTestOneInput().
 *
 *     fuzz_<name> [-n MUTATIONS] [-s SEED] [-t SECONDS] [-o DIR] [PATH...]
 *
 * PATH is a file or a directory of seed files; the default is
 * tests/fuzz/corpus/<name>, <name> being the program's name without its
 * "fuzz_" prefix (run from the repository root). -n gives the number of
 * mutated inputs (default 20000, 0 to replay the seeds only, e.g. a crash
 * file), -s the seed of the pseudo-random generator (default fixed, so every
 * run tries the same inputs), -t the time one input may take before it
 * counts as a hang (default 10 s), -o a directory where the input of a
 * crash or hang is written.
 *
 * There is no coverage feedback: this is a smoke test that catches the
 * shallow bugs on every machine in seconds. Long campaigns use libFuzzer.
 * A crash aborts the process (under ASan/UBSan, or by FUZZ_CHECK), after
 * the input is printed as base64 on stderr so that it can be replayed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

#define DEFAULT_MUTATIONS 20000UL
#define DEFAULT_SEED      UINT64_C(0x6c697568656e2d31) /* "liuhen-1" */
#define DEFAULT_TIMEOUT   10u
/* Seeds larger than this are refused: the corpus holds small files. */
#define SEED_MAX (1u << 20)
/* Mutated inputs stay below max(MUT_MIN_CAP, twice the largest seed). */
#define MUT_MIN_CAP 4096u

typedef struct seed {
    char *path;
    uint8_t *data;
    size_t len;
} seed;

static seed *seeds;
static size_t nseeds;

/* The input being run, for the crash and hang handlers. */
static const uint8_t *volatile cur_data;
static volatile size_t cur_len;
static volatile unsigned long cur_index;
static const char *crash_dir;
static const char *prog_name;

/* ---- reporting the input of a crash, async-signal-safely ------------- */

static void put(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void puts_err(const char *s)
{
    put(s, strlen(s));
}

static void put_ulong(unsigned long v)
{
    char buf[24];
    size_t i = sizeof buf;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    put(buf + i, sizeof buf - i);
}

/* Base64 of the input on stderr; at most 64 KiB of it. */
static void put_base64(const uint8_t *p, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char out[4 * 64 + 1];
    size_t o = 0;
    if (n > 65536)
        n = 65536;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        out[o++] = tab[(v >> 18) & 63];
        out[o++] = tab[(v >> 12) & 63];
        out[o++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? tab[v & 63] : '=';
        if (o == sizeof out - 1) {
            put(out, o);
            o = 0;
        }
    }
    put(out, o);
}

static void write_crash_file(void)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/crash-%s-%lu", crash_dir, prog_name, cur_index);
    if (n < 0 || (size_t)n >= sizeof path)
        return;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    const uint8_t *p = cur_data;
    size_t left = cur_len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w <= 0)
            break;
        p += w;
        left -= (size_t)w;
    }
    close(fd);
    puts_err("driver: input written to ");
    puts_err(path);
    puts_err("\n");
}

static void report_input(const char *why)
{
    const uint8_t *p = cur_data;
    if (p == NULL)
        return;
    cur_data = NULL; /* report once, even if reporting itself faults */
    puts_err("\ndriver: ");
    puts_err(why);
    puts_err(" on input ");
    put_ulong(cur_index);
    puts_err(" (");
    put_ulong(cur_len);
    puts_err(" bytes), base64:\n");
    put_base64(p, cur_len);
    puts_err("\n");
    if (crash_dir != NULL) {
        cur_data = p;
        write_crash_file();
        cur_data = NULL;
    }
}

/* Called by the sanitizers' runtime before they exit on an error. Weak:
 * absent (NULL) when no sanitizer is linked. */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static void on_sanitizer_death(void)
{
    report_input("sanitizer error");
}

static void on_signal(int sig)
{
    report_input(sig == SIGALRM ? "timeout (hang)" : "crash (signal)");
    signal(SIGABRT, SIG_DFL);
    if (sig == SIGALRM)
        abort();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* ---- the seed corpus ---------------------------------------------------- */

static int add_seed_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        fprintf(stderr, "driver: cannot open seed %s: %s\n", path, strerror(errno));
        return -1;
    }
    uint8_t *buf = malloc(SEED_MAX + 1);
    if (buf == NULL) {
        fclose(fp);
        fprintf(stderr, "driver: out of memory reading %s\n", path);
        return -1;
    }
    size_t len = fread(buf, 1, SEED_MAX + 1, fp);
    bool bad = ferror(fp) != 0;
    fclose(fp);
    if (bad || len > SEED_MAX) {
        free(buf);
        fprintf(stderr, "driver: seed %s is unreadable or larger than %u bytes\n", path, SEED_MAX);
        return -1;
    }
    seed *grown = realloc(seeds, (nseeds + 1) * sizeof *seeds);
    char *copy = strdup(path);
    if (grown == NULL || copy == NULL) {
        free(buf);
        free(copy);
        if (grown != NULL)
            seeds = grown;
        fprintf(stderr, "driver: out of memory reading %s\n", path);
        return -1;
    }
    seeds = grown;
    seeds[nseeds++] = (seed){copy, buf, len};
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, in name order so that runs are reproducible
 * whatever order the file system lists them in. */
static int add_seed_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "driver: cannot open corpus %s: %s\n", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char **grown = realloc(names, (n + 1) * sizeof *names);
        size_t plen = strlen(dir) + 1 + strlen(de->d_name) + 1;
        char *path = malloc(plen);
        if (grown == NULL || path == NULL) {
            free(path);
            if (grown != NULL)
                names = grown;
            rc = -1;
            break;
        }
        names = grown;
        snprintf(path, plen, "%s/%s", dir, de->d_name);
        names[n++] = path;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            rc = add_seed_file(names[i]);
        free(names[i]);
    }
    free(names);
    return rc;
}

static int add_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "driver: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return S_ISDIR(st.st_mode) ? add_seed_dir(path) : add_seed_file(path);
}

/* ---- deterministic mutations -------------------------------------------- */

static uint64_t rng;

/* SplitMix64: small, fast, and the same sequence on every platform. */
static uint64_t rnd(void)
{
    uint64_t z = (rng += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A number in 0 .. n-1 (0 when n is 0). */
static size_t below(size_t n)
{
    return n == 0 ? 0 : (size_t)(rnd() % n);
}

/* Bytes that matter to liuhen's formats: text separators, base64 and hex
 * digits, the protobuf varint edges, UTF-8 lead bytes. */
static const uint8_t interesting[] = {0x00, 0x01, 0x0a, 0x0d, 0x20, 0x2b, 0x2f, 0x30, 0x39,
                                      0x3d, 0x41, 0x5a, 0x61, 0x78, 0x7a, 0x7f, 0x80, 0xc0,
                                      0xe2, 0xef, 0xf0, 0xff, 0x08, 0x12, 0x1a, 0x22, 0x10};

/* Insert n bytes at pos, moving the tail; n is cut to what cap allows. */
static size_t make_room(uint8_t *buf, size_t len, size_t cap, size_t pos, size_t *n)
{
    if (*n > cap - len)
        *n = cap - len;
    memmove(buf + pos + *n, buf + pos, len - pos);
    return len + *n;
}

/* One mutation of buf (len bytes, room for cap); returns the new length. */
static size_t mutate_once(uint8_t *buf, size_t len, size_t cap)
{
    const seed *other = &seeds[below(nseeds)];
    switch (below(13)) {
    case 0: /* flip one bit */
        if (len > 0)
            buf[below(len)] ^= (uint8_t)(1u << below(8));
        return len;
    case 1: /* one random byte */
        if (len > 0)
            buf[below(len)] = (uint8_t)rnd();
        return len;
    case 2: /* one interesting byte */
        if (len > 0)
            buf[below(len)] = interesting[below(sizeof interesting)];
        return len;
    case 3: { /* insert 1..4 random or interesting bytes */
        size_t pos = below(len + 1), n = 1 + below(4);
        len = make_room(buf, len, cap, pos, &n);
        for (size_t i = 0; i < n; i++)
            buf[pos + i] = below(2) ? (uint8_t)rnd() : interesting[below(sizeof interesting)];
        return len;
    }
    case 4: { /* delete a range */
        if (len == 0)
            return len;
        size_t pos = below(len), n = 1 + below(len - pos < 16 ? len - pos : 16);
        memmove(buf + pos, buf + pos + n, len - pos - n);
        return len - n;
    }
    case 5: /* truncate */ return below(len + 1);
    case 6: { /* duplicate a range of the input elsewhere in it */
        if (len == 0)
            return len;
        size_t from = below(len), n = 1 + below(len - from < 64 ? len - from : 64);
        size_t to = below(len + 1);
        uint8_t tmp[64];
        memcpy(tmp, buf + from, n);
        len = make_room(buf, len, cap, to, &n);
        memcpy(buf + to, tmp, n);
        return len;
    }
    case 7: { /* splice: our head, another seed's tail */
        size_t head = below(len + 1), from = below(other->len + 1);
        size_t n = other->len - from;
        if (n > cap - head)
            n = cap - head;
        memcpy(buf + head, other->data + from, n);
        return head + n;
    }
    case 8: { /* overwrite a range with random bytes */
        if (len == 0)
            return len;
        size_t pos = below(len), n = 1 + below(len - pos < 8 ? len - pos : 8);
        for (size_t i = 0; i < n; i++)
            buf[pos + i] = (uint8_t)rnd();
        return len;
    }
    case 9: { /* swap two bytes */
        if (len < 2)
            return len;
        size_t a = below(len), b = below(len);
        uint8_t t = buf[a];
        buf[a] = buf[b];
        buf[b] = t;
        return len;
    }
    case 10: /* add or subtract a little (digits, lengths, varints) */
        if (len > 0)
            buf[below(len)] += (uint8_t)(below(2) ? 1 + below(4) : 256 - 1 - below(4));
        return len;
    case 11: { /* insert a range of another seed */
        if (other->len == 0)
            return len;
        size_t from = below(other->len), n = 1 + below(other->len - from);
        if (n > 256)
            n = 256;
        size_t to = below(len + 1);
        len = make_room(buf, len, cap, to, &n);
        memcpy(buf + to, other->data + from, n);
        return len;
    }
    default: { /* repeat a range many times (long lines, many fields) */
        if (len == 0)
            return len;
        size_t from = below(len), n = 1 + below(len - from < 8 ? len - from : 8);
        size_t times = 2 + below(64), to = from + n;
        uint8_t tmp[8];
        memcpy(tmp, buf + from, n);
        for (size_t t = 0; t < times && len + n <= cap; t++) {
            size_t m = n;
            len = make_room(buf, len, cap, to, &m);
            memcpy(buf + to, tmp, m);
        }
        return len;
    }
    }
}

/* A fresh mutated input in buf: usually a seed mutated 1 to 8 times,
 * sometimes plain random bytes. */
static size_t make_input(uint8_t *buf, size_t cap)
{
    if (nseeds == 0 || below(64) == 0) {
        size_t len = below(below(2) ? 64 : 1024);
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)rnd();
        return len;
    }
    const seed *s = &seeds[below(nseeds)];
    size_t len = s->len < cap ? s->len : cap;
    memcpy(buf, s->data, len);
    size_t rounds = 1 + below(below(4) == 0 ? 8 : 3);
    for (size_t r = 0; r < rounds; r++)
        len = mutate_once(buf, len, cap);
    return len;
}

/* ---- running inputs ------------------------------------------------------ */

static unsigned timeout_s = DEFAULT_TIMEOUT;
static double slowest_ms;
static unsigned long slowest_index;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Run one input from a buffer of exactly its size, so that ASan sees any
 * read past its end (an empty input gets a valid pointer, as with libFuzzer). */
static void run_one(unsigned long index, const uint8_t *data, size_t len)
{
    uint8_t *copy = malloc(len > 0 ? len : 1);
    if (copy == NULL) {
        fprintf(stderr, "driver: out of memory\n");
        exit(2);
    }
    if (len > 0)
        memcpy(copy, data, len);
    cur_index = index;
    cur_len = len;
    cur_data = copy;
    alarm(timeout_s);
    double t0 = now_ms();
    LLVMFuzzerTestOneInput(copy, len);
    double dt = now_ms() - t0;
    alarm(0);
    cur_data = NULL;
    free(copy);
    if (dt > slowest_ms) {
        slowest_ms = dt;
        slowest_index = index;
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: %s [-n MUTATIONS] [-s SEED] [-t SECONDS] [-o DIR] [PATH...]\n",
            prog_name);
    return 2;
}

static bool parse_ulong(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
        return false;
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    const char *slash = strrchr(argv[0], '/');
    prog_name = slash != NULL ? slash + 1 : argv[0];
    const char *name = strncmp(prog_name, "fuzz_", 5) == 0 ? prog_name + 5 : prog_name;

    unsigned long long mutations = DEFAULT_MUTATIONS, seed_arg = DEFAULT_SEED, t = DEFAULT_TIMEOUT;
    int opt;
    while ((opt = getopt(argc, argv, "n:s:t:o:")) != -1) {
        switch (opt) {
        case 'n':
            if (!parse_ulong(optarg, &mutations))
                return usage();
            break;
        case 's':
            if (!parse_ulong(optarg, &seed_arg))
                return usage();
            break;
        case 't':
            if (!parse_ulong(optarg, &t) || t == 0 || t > 3600)
                return usage();
            timeout_s = (unsigned)t;
            break;
        case 'o': crash_dir = optarg; break;
        default: return usage();
        }
    }
    if (optind == argc) {
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", name);
        if (add_path(dir) != 0)
            return 2;
    }
    for (int i = optind; i < argc; i++) {
        if (add_path(argv[i]) != 0)
            return 2;
    }

    if (__sanitizer_set_death_callback != NULL)
        __sanitizer_set_death_callback(on_sanitizer_death);
    signal(SIGALRM, on_signal);
    signal(SIGABRT, on_signal);
    signal(SIGSEGV, on_signal);
    signal(SIGBUS, on_signal);
    signal(SIGFPE, on_signal);
    signal(SIGILL, on_signal);

    size_t largest = 0;
    for (size_t i = 0; i < nseeds; i++)
        largest = seeds[i].len > largest ? seeds[i].len : largest;
    size_t cap = largest * 2 > MUT_MIN_CAP ? largest * 2 : MUT_MIN_CAP;
    uint8_t *buf = malloc(cap);
    if (buf == NULL) {
        fprintf(stderr, "driver: out of memory\n");
        return 2;
    }

    unsigned long index = 0;
    for (size_t i = 0; i < nseeds; i++)
        run_one(index++, seeds[i].data, seeds[i].len);
    rng = seed_arg;
    for (unsigned long long m = 0; m < mutations; m++) {
        size_t len = make_input(buf, cap);
        run_one(index++, buf, len);
    }
    free(buf);

    printf("%s: prng seed 0x%llx, %zu seeds, %llu mutations, slowest input %lu (%.1f ms)\n", name,
           seed_arg, nseeds, mutations, slowest_index, slowest_ms);
    printf("%s: %lu inputs, 0 crashes\n", name, index);
    for (size_t i = 0; i < nseeds; i++) {
        free(seeds[i].data);
        free(seeds[i].path);
    }
    free(seeds);
    return 0;
}
