/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * main.c — liuhen-verify, the inspectors' offline verifier (docs/design.md
 * "Offline verifier"): options, the order of the checks, exit statuses.
 *
 *   liuhen-verify DIR --log-key FILE [--trusted CHECKPOINT ...]
 *                 [--receipts FILE|DIR ...] [--witness-key FILE ...
 *                 --min-cosignatures N] [--integrity-only] [--rules]
 *                 [--as-of TIME] [--late-after DURATION] [--holidays FILE]
 *                 [--working-days] [--follow-up-days N] [--json] [--html FILE]
 *                 [--quiet] [--case-file CASE [--pdf FILE] [--html FILE]]
 *   liuhen-verify DIR --log-key FILE (--register interference|complaints|decisions
 *                 | --stats [--by quarter|person|unit|category] | --open)
 *                 [--from DATE] [--to DATE] [--csv] [--as-of TIME] ...
 *   liuhen-verify --evidence FILE --log-key FILE [--witness-key FILE ...
 *                 --min-cosignatures N] [--json] [--quiet]
 *
 * It links the format core only (and cairo and pango for --case-file's
 * PDF): no libuv, no LMDB, no daemon, no network.
 * Everything it reads (the tiles directory, the checkpoints, the receipts)
 * is suspect until verified with the log's key, which is the one thing the
 * inspector brings.
 *
 * One file, past 1,000 lines: the options, their usage errors and the one
 * order of the checks, which every output (report, case file, registers,
 * statistics, open items) hangs on; each output is a module of its own
 * (casefile.h, inspector.h, report.h) called from here once.
 *
 * Order: the log key and the witness keys, the inspector's own files
 * (trusted checkpoints, receipts, the holiday file: a file that cannot be
 * read stops the run before the long part), the published checkpoint, then
 * one streaming pass over the tiles (tiles.h) feeding the ledger (ledger.h)
 * and the rules (rules.h), then the trusted checkpoints and receipts against
 * the tiles (evidence.h), then the report (report.h). With --evidence, the
 * keys, then the one evidence package (package.h) instead of a tiles
 * directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "calendar.h"
#include "casefile.h"
#include "checkpoint.h"
#include "deadline.h"
#include "evidence.h"
#include "fileio.h"
#include "grow.h"
#include "i18n.h"
#include "inspector.h"
#include "keyfile.h"
#include "ledger.h"
#include "liuhen.h"
#include "note.h"
#include "policy.h"
#include "package.h"
#include "report.h"
#include "rules.h"
#include "tiles.h"

/* Exit statuses (docs/design.md "The verifier"). */
enum {
    EXIT_CLEAN = 0,    /* every check passed, no finding */
    EXIT_FAILURE_ = 1, /* an integrity, append-only, authorship or omission failure */
    EXIT_FINDINGS = 2, /* regulation findings only */
    EXIT_USAGE_IO = 3, /* usage, or an input/output error */
};

/* The largest receipt file read: a checkpoint of up to NOTE_MAX_SIZE bytes
 * (1 MiB), written as a JSON string (each byte at most 6 characters), and
 * the rest of the receipt. */
#define RECEIPT_FILE_MAX (6u * NOTE_MAX_SIZE + 64u * 1024u)

/* The default --late-after (R10): a day. */
#define LATE_AFTER_DEFAULT_MS (INT64_C(24) * 3600 * 1000)

/* The synopsis, printed by --help and after a usage error. */
static void print_usage(FILE *f)
{
    fputs(_("Usage: liuhen-verify DIR --log-key FILE [--trusted CHECKPOINT ...]\n"
            "                     [--receipts FILE|DIR ...] [--witness-key FILE ...\n"
            "                     --min-cosignatures N] [--integrity-only] [--rules]\n"
            "                     [--as-of TIME] [--late-after DURATION] [--holidays FILE]\n"
            "                     [--working-days] [--follow-up-days N] [--json] [--html FILE]\n"
            "                     [--quiet] [--case-file CASE [--pdf FILE] [--html FILE]]\n"
            "       liuhen-verify --evidence FILE --log-key FILE [--witness-key FILE ...\n"
            "                     --min-cosignatures N] [--json] [--quiet]\n"),
          f);
}

/*
 * --help: the synopsis, what the verifier checks, each option, the exit
 * statuses. One message a paragraph or an option, so that a change to one
 * asks for one translation again.
 */
static void print_help(FILE *f)
{
    print_usage(f);
    fputs("\n", f);
    fputs(_("liuhen-verify — the offline verifier of a liuhen (留痕) ledger, for inspectors.\n"
            "It reads a C2SP tiles directory DIR (liuhend --publish, or liuhen export) and\n"
            "tells, without trusting the machine it came from, whether any record was altered\n"
            "or omitted and whether the records follow the two regulations.\n"),
          f);
    fputs("\n", f);
    fputs(_("Checks: the checkpoint's signature (and cosignatures); every entry bundle against\n"
            "the level-0 tiles, every full tile against its parent, the root against the\n"
            "checkpoint; consistency with each trusted checkpoint and each receipt; every\n"
            "entry's signature, origin, key (enrolled, not revoked at its index) and role;\n"
            "each author's chain (contiguous, no fork) and each case's chain; with --rules,\n"
            "the rules R1-R17 of the regulations, per case.\n"),
          f);
    fputs("\n", f);
    fputs(_("With --evidence, it checks instead one evidence package (`liuhen evidence`): the\n"
            "proof of one record and of its author's enrolment, against one checkpoint\n"
            "signed by the log (and cosigned by the witnesses required); each failure is\n"
            "named, and what a single record cannot prove is said.\n"),
          f);
    fputs("\n", f);
    fputs(_("Options:\n"), f);
    fputs(_("  --log-key FILE         the log's verifier key (name+keyid+base64, type 0x01), as\n"
            "                         `liuhend init` wrote it (DATA/log.vkey); its name is the\n"
            "                         log's origin. Required.\n"),
          f);
    fputs(_("  --trusted FILE         a signed checkpoint received earlier: the log must extend\n"
            "                         it (repeatable)\n"),
          f);
    fputs(
        _("  --receipts FILE|DIR    a receipt (JSON, `liuhen append --receipt`), or a directory\n"
          "                         of *.json and *.receipt files: each entry must be in the log\n"
          "                         with the hash its receipt says (repeatable)\n"),
        f);
    fputs(_("  --witness-key FILE     a witness's verifier key (cosignature type 0x04, or 0x01)\n"
            "                         (repeatable)\n"),
          f);
    fputs(
        _("  --min-cosignatures N   require N valid cosignatures by those witnesses (default 0)\n"),
        f);
    fputs(
        _("  --integrity-only       check only the tiles log (any C2SP tlog-tiles log, whatever\n"
          "                         its entries are), the trusted checkpoints and the receipts\n"),
        f);
    fputs(_("  --rules                also evaluate the rules R1-R17 (findings)\n"), f);
    fputs(
        _("  --as-of TIME           evaluate deadlines at TIME: unix milliseconds, ISO 8601 with\n"
          "                         an offset (2026-05-20T14:30:00+08:00), or local time\n"
          "                         \"2026-05-20[ 14:30[:05]]\" (default: the latest integration\n"
          "                         time in the log)\n"),
        f);
    fputs(_("  --late-after DURATION  R10: a record is late after DURATION, e.g. 36h, 2d, 90m,\n"
            "                         3600s (default 24h)\n"),
          f);
    fputs(
        _("  --holidays FILE        the statutory rest days that move the last day of a period\n"
          "                         (民法典 第203条): a holiday file, one date a line,\n"
          "                         \"YYYY-MM-DD [休|班]\" (休 a holiday, 班 a 调休 working day;\n"
          "                         docs/regulation.md \"Holiday file\"). Default: Saturdays and\n"
          "                         Sundays only\n"),
        f);
    fputs(_("  --working-days         read the periods given in days as working days (cf.\n"
            "                         行政处罚法 第85条): the last day is the N-th working day\n"
            "                         after the event's, with the rest days of --holidays or,\n"
            "                         without it, the weekends\n"),
          f);
    fputs(_("  --follow-up-days N     R5, R14, R15: the days allowed for what the regulations ask\n"
            "                         to be done \"及时\" (promptly): a new investigation after a\n"
            "                         review order, the notice of a confirmed interference, the\n"
            "                         legal section's follow-up of a reported one (default 30)\n"),
          f);
    fputs(_("  --json                 one JSON document on standard output\n"), f);
    fputs(_("  --html PATH            also write an HTML report: one self-contained page to a\n"
            "                         FILE, or a directory of pages with a search box when PATH\n"
            "                         ends in / or is a directory (for large logs)\n"),
          f);
    fputs(_("  --quiet                print only the summary\n"), f);
    fputs(_("  --case-file CASE       write the printable case file of CASE, for filing: a cover,\n"
            "                         one page per record (every field, its author, its seal:\n"
            "                         entry id and inclusion proof) and a verification statement;\n"
            "                         as a PDF (--pdf FILE, A4) and/or HTML (--html FILE, then\n"
            "                         the case file instead of the report). A log that fails\n"
            "                         verification gets one all the same, marked on every page\n"
            "                         (exit 1); a case not in the log is an error (exit 3)\n"),
          f);
    fputs(_("  --pdf FILE             with --case-file: write it as a PDF to FILE\n"), f);
    fputs(_("  --evidence FILE        check the evidence package FILE instead of a directory:\n"
            "                         with --log-key, --witness-key, --min-cosignatures, --json\n"
            "                         and --quiet only\n"),
          f);
    fputs(_("  --register KIND        print a register (登记表) of the verified records on\n"
            "                         standard output, one row per matter: interference,\n"
            "                         complaints or decisions (the summary: standard error)\n"),
          f);
    fputs(_("  --stats                print counts: interference by B§10 category, repeat\n"
            "                         interferers, complaints by source and outcome, wrongful\n"
            "                         cases by fault and sanction, overdue items; with --html, a\n"
            "                         bar chart in the report\n"),
          f);
    fputs(_("  --by WHAT              group --stats by quarter (default), person (the recorder),\n"
            "                         unit (the recorder's unit) or category (B§10)\n"),
          f);
    fputs(_("  --open                 print the open items with their days left, as of --as-of\n"),
          f);
    fputs(_("  --from DATE, --to DATE only the matters of these days, YYYY-MM-DD in Beijing\n"
            "                         time, both included\n"),
          f);
    fputs(_("  --csv                  RFC 4180 CSV with a UTF-8 byte order mark (Excel, WPS)\n"
            "                         instead of aligned columns\n"),
          f);
    fputs(_("  --help                 this help\n"), f);
    fputs("\n", f);
    fputs(_("Exit status: 0 clean; 1 an integrity or omission failure (altered, removed or\n"
            "forged records, a bad signature, a fork); 2 regulation findings only; 3 usage or\n"
            "input/output error (DIR or its checkpoint unreadable, a missing key file, a\n"
            "holiday file that cannot be read or has a bad line).\n"
            "With --evidence: 0 the package is valid; 1 it is not (each failure is named);\n"
            "3 usage or input/output error (the package or a key file unreadable).\n"),
          f);
    fputs("\n", f);
    fputs(_("Messages are in Chinese or English as the locale says: LANG=zh_CN.UTF-8 gives\n"
            "Chinese, LANG=C English (LANGUAGE, when set, comes first). --json is the same\n"
            "in every locale.\n"),
          f);
}

/* What the options say. */
typedef struct options {
    const char *dir;
    const char *evidence; /* --evidence: a package instead of dir */
    const char *log_key_path;
    const char **trusted;
    size_t ntrusted;
    const char **receipts;
    size_t nreceipts;
    const char **witness_paths;
    size_t nwitness;
    unsigned long min_cosig;
    bool integrity_only;
    bool rules;
    bool have_as_of;
    int64_t as_of_ms;
    bool have_late_after;
    int64_t late_after_ms;
    const char *holidays; /* --holidays: the holiday file */
    bool working_days;
    unsigned long follow_up_days; /* 0: the rules' default */
    bool json;
    const char *html;
    bool quiet;
    const char *case_file; /* --case-file: the case; html and pdf are its files */
    const char *pdf;
    inspector_options insp; /* --register, --stats, --open */
} options;

/* A file the inspector gave, read before the long pass. */
typedef struct named_note {
    char *name;
    uint8_t *data;
    size_t len;
} named_note;

typedef struct named_receipt {
    char *name;
    lh_receipt r;
} named_receipt;

/* Everything one run holds, freed in one place. */
typedef struct run {
    options o;
    note_verifier log_key;
    note_verifier *witnesses;
    named_note *trusted;
    size_t ntrusted;
    named_receipt *receipts;
    size_t nreceipts, capreceipts;
    report *rep;
    tiles *tiles;
    ledger *ledger;
    rules *rules;
    deadline_calendar *calendar; /* --holidays; NULL: the weekends */
    uint8_t *note;
    size_t note_len;
    checkpoint_opened *cp;
    char *cp_text;
    casefile *casefile; /* --case-file */
    inspector *insp;
} run;

/* "liuhen-verify: <message>" on standard error. */
__attribute__((format(printf, 1, 0))) static void say(const char *fmt, va_list ap)
{
    fputs("liuhen-verify: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\n", stderr);
}

__attribute__((format(printf, 1, 2))) static int usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
    print_usage(stderr);
    fputs(_("Run 'liuhen-verify --help' for the options.\n"), stderr);
    return EXIT_USAGE_IO;
}

__attribute__((format(printf, 1, 2))) static void say_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 1, 2))) static int io_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
    return EXIT_USAGE_IO;
}

/* Append to a growing array of pointers (the repeatable options). */
static int push(const char ***arr, size_t *n, const char *v)
{
    const char **p = realloc(*arr, (*n + 1) * sizeof *p);
    if (p == NULL)
        return LH_ENOMEM;
    p[(*n)++] = v;
    *arr = p;
    return 0;
}

/* --late-after: a positive whole number and a unit, s, m, h or d, up to
 * ten years. */
static bool parse_duration(const char *s, int64_t *ms)
{
    char *end;
    errno = 0;
    if (s[0] < '0' || s[0] > '9')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || v == 0 || end == s || end[0] == '\0' || end[1] != '\0')
        return false;
    int64_t unit;
    switch (end[0]) {
    case 's': unit = 1000; break;
    case 'm': unit = 60 * 1000; break;
    case 'h': unit = 3600 * 1000; break;
    case 'd': unit = INT64_C(86400) * 1000; break;
    default: return false;
    }
    if (v > (unsigned long long)(INT64_C(3650) * 86400 * 1000 / unit))
        return false;
    *ms = (int64_t)v * unit;
    return true;
}

/* What --evidence allows: the keys, the witness policy, --json, --quiet. */
static int evidence_options(int argc, char **argv, options *o)
{
    if (optind < argc)
        return usage(_("--evidence checks one package: '%s' is one too many (a tiles directory "
                       "is checked without --evidence)"),
                     argv[optind]);
    const char *other = o->ntrusted > 0        ? "--trusted"
                        : o->nreceipts > 0     ? "--receipts"
                        : o->integrity_only    ? "--integrity-only"
                        : o->rules             ? "--rules"
                        : o->have_as_of        ? "--as-of"
                        : o->have_late_after   ? "--late-after"
                        : o->holidays != NULL  ? "--holidays"
                        : o->working_days      ? "--working-days"
                        : o->follow_up_days    ? "--follow-up-days"
                        : o->html != NULL      ? "--html"
                        : o->case_file != NULL ? "--case-file"
                        : o->pdf != NULL       ? "--pdf"
                                               : NULL;
    if (other == NULL)
        other = inspector_option(&o->insp);
    if (other != NULL)
        return usage(_("%s applies to a tiles directory, not to --evidence"), other);
    if (o->log_key_path == NULL)
        return usage(_("--log-key FILE is required: the log's verifier key"));
    if (o->min_cosig > o->nwitness)
        return usage(_("--min-cosignatures %lu: only %zu --witness-key given"), o->min_cosig,
                     o->nwitness);
    return -1;
}

static int parse_options(int argc, char **argv, options *o, bool *help)
{
    enum {
        O_LOG_KEY = 256,
        O_TRUSTED,
        O_RECEIPTS,
        O_WITNESS_KEY,
        O_MIN_COSIG,
        O_INTEGRITY_ONLY,
        O_RULES,
        O_AS_OF,
        O_LATE_AFTER,
        O_JSON,
        O_HTML,
        O_QUIET,
        O_HELP,
        O_EVIDENCE,
        O_HOLIDAYS,
        O_WORKING_DAYS,
        O_FOLLOW_UP,
        O_CASE_FILE,
        O_PDF,
        O_REGISTER,
        O_STATS,
        O_BY,
        O_OPEN,
        O_FROM,
        O_TO,
        O_CSV,
    };
    static const struct option opts[] = {
        {"log-key", required_argument, NULL, O_LOG_KEY},
        {"trusted", required_argument, NULL, O_TRUSTED},
        {"receipts", required_argument, NULL, O_RECEIPTS},
        {"witness-key", required_argument, NULL, O_WITNESS_KEY},
        {"min-cosignatures", required_argument, NULL, O_MIN_COSIG},
        {"integrity-only", no_argument, NULL, O_INTEGRITY_ONLY},
        {"rules", no_argument, NULL, O_RULES},
        {"as-of", required_argument, NULL, O_AS_OF},
        {"late-after", required_argument, NULL, O_LATE_AFTER},
        {"json", no_argument, NULL, O_JSON},
        {"html", required_argument, NULL, O_HTML},
        {"quiet", no_argument, NULL, O_QUIET},
        {"help", no_argument, NULL, O_HELP},
        {"evidence", required_argument, NULL, O_EVIDENCE},
        {"holidays", required_argument, NULL, O_HOLIDAYS},
        {"working-days", no_argument, NULL, O_WORKING_DAYS},
        {"follow-up-days", required_argument, NULL, O_FOLLOW_UP},
        {"case-file", required_argument, NULL, O_CASE_FILE},
        {"pdf", required_argument, NULL, O_PDF},
        {"register", required_argument, NULL, O_REGISTER},
        {"stats", no_argument, NULL, O_STATS},
        {"by", required_argument, NULL, O_BY},
        {"open", no_argument, NULL, O_OPEN},
        {"from", required_argument, NULL, O_FROM},
        {"to", required_argument, NULL, O_TO},
        {"csv", no_argument, NULL, O_CSV},
        {NULL, 0, NULL, 0},
    };
    int opt;
    *help = false;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int rc = 0;
        switch (opt) {
        case O_LOG_KEY: o->log_key_path = optarg; break;
        case O_TRUSTED: rc = push(&o->trusted, &o->ntrusted, optarg); break;
        case O_RECEIPTS: rc = push(&o->receipts, &o->nreceipts, optarg); break;
        case O_WITNESS_KEY: rc = push(&o->witness_paths, &o->nwitness, optarg); break;
        case O_MIN_COSIG: {
            char *end;
            errno = 0;
            unsigned long v = strtoul(optarg, &end, 10);
            if (optarg[0] < '0' || optarg[0] > '9' || *end != '\0' || errno != 0 ||
                v > CHECKPOINT_WITNESS_MAX)
                return usage(_("--min-cosignatures %s: give a whole number from 0 to %d"), optarg,
                             CHECKPOINT_WITNESS_MAX);
            o->min_cosig = v;
            break;
        }
        case O_INTEGRITY_ONLY: o->integrity_only = true; break;
        case O_RULES: o->rules = true; break;
        case O_AS_OF: {
            lh_err err = {""};
            if (strcmp(optarg, "0") == 0 ||
                calendar_parse_time(NULL, optarg, &o->as_of_ms, &err) != 0)
                return usage("--as-of %s: %s", optarg,
                             err.msg[0] != '\0' ? err.msg : _("give a time after 1970"));
            o->have_as_of = true;
            break;
        }
        case O_LATE_AFTER:
            if (!parse_duration(optarg, &o->late_after_ms))
                return usage(_("--late-after %s: give a duration such as 36h, 2d, 90m or 3600s "
                               "(at most 3650d)"),
                             optarg);
            o->have_late_after = true;
            break;
        case O_JSON: o->json = true; break;
        case O_HTML: o->html = optarg; break;
        case O_QUIET: o->quiet = true; break;
        case O_EVIDENCE: o->evidence = optarg; break;
        case O_HOLIDAYS: o->holidays = optarg; break;
        case O_CASE_FILE: o->case_file = optarg; break;
        case O_PDF: o->pdf = optarg; break;
        case O_WORKING_DAYS: o->working_days = true; break;
        case O_FOLLOW_UP: {
            char *end;
            errno = 0;
            unsigned long v = strtoul(optarg, &end, 10);
            if (optarg[0] < '0' || optarg[0] > '9' || *end != '\0' || errno != 0 || v == 0 ||
                v > 3650)
                return usage(_("--follow-up-days %s: give a number of days from 1 to 3650"),
                             optarg);
            o->follow_up_days = v;
            break;
        }
        case O_REGISTER: o->insp.reg = optarg; break;
        case O_STATS: o->insp.stats = true; break;
        case O_BY: o->insp.by = optarg; break;
        case O_OPEN: o->insp.open = true; break;
        case O_FROM: o->insp.from = optarg; break;
        case O_TO: o->insp.to = optarg; break;
        case O_CSV: o->insp.csv = true; break;
        case 'h':
        case O_HELP: *help = true; return EXIT_CLEAN;
        case ':': return usage(_("option %s needs a value"), argv[optind - 1]);
        default: return usage(_("unknown option '%s'"), argv[optind - 1]);
        }
        if (rc != 0)
            return io_error(_("out of memory"));
    }
    if (o->evidence != NULL)
        return evidence_options(argc, argv, o);
    if (optind >= argc)
        return usage(_("give the tiles directory DIR"));
    if (optind + 1 < argc)
        return usage(_("one tiles directory at a time: '%s' is one too many"), argv[optind + 1]);
    /* "DIR/" names the same directory; without the slash the messages
     * read DIR/checkpoint, not DIR//checkpoint. */
    char *dir = argv[optind];
    for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)
        dir[n - 1] = '\0';
    o->dir = dir;
    if (o->log_key_path == NULL)
        return usage(_("--log-key FILE is required: the log's verifier key"));
    if (o->min_cosig > o->nwitness)
        return usage(_("--min-cosignatures %lu: only %zu --witness-key given"), o->min_cosig,
                     o->nwitness);
    if (o->integrity_only && o->rules)
        return usage(_("--rules reads the entries, which --integrity-only does not"));
    const char *rules_only = o->have_as_of         ? "--as-of"
                             : o->have_late_after  ? "--late-after"
                             : o->holidays != NULL ? "--holidays"
                             : o->working_days     ? "--working-days"
                             : o->follow_up_days   ? "--follow-up-days"
                                                   : NULL;
    bool dated = o->rules || o->insp.stats || o->insp.open;
    if (!dated && rules_only != NULL)
        return usage(_("%s applies to the rules: add --rules"), rules_only);
    if (o->pdf != NULL && o->case_file == NULL)
        return usage(_("--pdf writes a case file: add --case-file CASE"));
    if (o->case_file != NULL && o->pdf == NULL && o->html == NULL)
        return usage(_("--case-file %s: say where to write it, --pdf FILE and/or --html FILE"),
                     o->case_file);
    if (o->case_file != NULL && o->integrity_only)
        return usage(_("--case-file reads the entries, which --integrity-only does not"));
    if (inspector_option(&o->insp) != NULL && (o->integrity_only || o->json))
        return usage(_("%s reads the entries and prints on standard output: not with %s"),
                     inspector_option(&o->insp), o->json ? "--json" : "--integrity-only");
    if (!o->have_late_after)
        o->late_after_ms = LATE_AFTER_DEFAULT_MS;
    return -1;
}

/* A witness key file: one verifier key line, type 0x04 (tlog-cosignature)
 * or 0x01 (a witness that signs plain notes). */
static int read_witness_key(const char *path, note_verifier *out, lh_err *err)
{
    uint8_t *buf;
    size_t len;
    int rc = fileio_read(path, 0, "witness key file", KEYFILE_PUBLIC_FILE_MAX, &buf, &len, err);
    if (rc != 0)
        return rc;
    if (len > 0 && buf[len - 1] == '\n')
        len--;
    if (len > 0 && buf[len - 1] == '\r')
        len--;
    lh_err e = {""};
    rc = note_vkey_parse((const char *)buf, len, out, &e);
    free(buf);
    if (rc != 0)
        return lh_err_set(err, rc, _("%s: not a witness verifier key: %s"), path, e.msg);
    return 0;
}

static int add_receipt(run *r, const char *path, lh_err *err)
{
    uint8_t *buf;
    size_t len;
    int rc = fileio_read(path, 0, "receipt file", RECEIPT_FILE_MAX, &buf, &len, err);
    if (rc != 0)
        return rc;
    if (grow_room(&r->receipts, &r->capreceipts, r->nreceipts + 1, sizeof *r->receipts, 16, 0) !=
        0) {
        free(buf);
        return lh_err_set(err, LH_ENOMEM, _("%s: out of memory"), path);
    }
    named_receipt *nr = &r->receipts[r->nreceipts];
    memset(nr, 0, sizeof *nr);
    lh_err e = {""};
    rc = lh_receipt_from_json((const char *)buf, len, &nr->r, &e);
    free(buf);
    if (rc != 0)
        return lh_err_set(err, rc, _("%s: not a receipt: %s"), path, e.msg);
    nr->name = strdup(path);
    if (nr->name == NULL) {
        lh_receipt_free(&nr->r);
        return lh_err_set(err, LH_ENOMEM, _("%s: out of memory"), path);
    }
    r->nreceipts++;
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

/* --receipts DIR: its *.json and *.receipt files, in name order so that
 * two runs report alike. */
static int add_receipt_dir(run *r, const char *dir, lh_err *err)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return lh_err_set(err, -errno, "%s: %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' ||
            !(has_suffix(de->d_name, ".json") || has_suffix(de->d_name, ".receipt")))
            continue;
        if (grow_room(&names, &cap, n + 1, sizeof *names, 64, 0) != 0) {
            rc = lh_err_set(err, LH_ENOMEM, _("%s: out of memory"), dir);
            break;
        }
        size_t len = strlen(dir) + 1 + strlen(de->d_name) + 1;
        names[n] = malloc(len);
        if (names[n] == NULL) {
            rc = lh_err_set(err, LH_ENOMEM, _("%s: out of memory"), dir);
            break;
        }
        snprintf(names[n], len, "%s/%s", dir, de->d_name);
        n++;
    }
    if (rc == 0 && errno != 0)
        rc = lh_err_set(err, -errno, "%s: %s", dir, strerror(errno));
    closedir(d);
    if (rc == 0 && n > 0)
        qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = add_receipt(r, names[i], err);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* --holidays: the file is read here and parsed by the format core
 * (deadline.h), which names the line that is wrong. */
static int read_holidays(run *r)
{
    uint8_t *buf;
    size_t len;
    lh_err err = {""};
    if (fileio_read(r->o.holidays, 0, "holiday file", DEADLINE_FILE_MAX, &buf, &len, &err) != 0)
        return io_error("--holidays: %s", err.msg);
    int rc = deadline_calendar_parse((const char *)buf, len, &r->calendar, &err);
    free(buf);
    if (rc != 0)
        return io_error("--holidays %s: %s", r->o.holidays,
                        err.msg[0] != '\0' ? err.msg : lh_strerror(rc));
    return -1;
}

/* The inspector's keys and files: any that cannot be read stops the run. */
static int load_inputs(run *r)
{
    lh_err err = {""};
    keyfile_pub pub;
    int rc = keyfile_read_public(r->o.log_key_path, &pub, &err);
    if (rc != 0)
        return io_error("--log-key %s: %s", r->o.log_key_path, err.msg);
    rc = note_verifier_init(&r->log_key, pub.name, strlen(pub.name), NOTE_TYPE_ED25519, pub.pubkey);
    if (rc != 0)
        return io_error(_("--log-key %s: not a log key: %s"), r->o.log_key_path, lh_strerror(rc));

    if (r->o.nwitness > 0) {
        r->witnesses = calloc(r->o.nwitness, sizeof *r->witnesses);
        if (r->witnesses == NULL)
            return io_error(_("out of memory"));
    }
    for (size_t i = 0; i < r->o.nwitness; i++) {
        if (read_witness_key(r->o.witness_paths[i], &r->witnesses[i], &err) != 0)
            return io_error("--witness-key: %s", err.msg);
        if (r->witnesses[i].keyid == r->log_key.keyid &&
            strcmp(r->witnesses[i].name, r->log_key.name) == 0)
            return usage(_("--witness-key %s is the log's own key"), r->o.witness_paths[i]);
    }

    if (r->o.ntrusted > 0) {
        r->trusted = calloc(r->o.ntrusted, sizeof *r->trusted);
        if (r->trusted == NULL)
            return io_error(_("out of memory"));
    }
    for (size_t i = 0; i < r->o.ntrusted; i++) {
        named_note *t = &r->trusted[i];
        if (fileio_read(r->o.trusted[i], 0, "checkpoint file", NOTE_MAX_SIZE, &t->data, &t->len,
                        &err) != 0)
            return io_error("--trusted: %s", err.msg);
        r->ntrusted = i + 1;
        if ((t->name = strdup(r->o.trusted[i])) == NULL)
            return io_error(_("out of memory"));
    }

    for (size_t i = 0; i < r->o.nreceipts; i++) {
        const char *path = r->o.receipts[i];
        struct stat st;
        if (stat(path, &st) != 0)
            return io_error("--receipts %s: %s", path, strerror(errno));
        rc = S_ISDIR(st.st_mode) ? add_receipt_dir(r, path, &err) : add_receipt(r, path, &err);
        if (rc != 0)
            return io_error("--receipts: %s", err.msg);
    }

    if (r->o.holidays != NULL)
        return read_holidays(r);
    return -1;
}

/* Report a failure of the published checkpoint. */
static int checkpoint_failure(run *r, const char *check, const char *zh, const char *en)
{
    report_item it = {
        .cls = REPORT_FAILURE, .check = check, .index = REPORT_NO_INDEX, .zh = zh, .en = en};
    return report_add(r->rep, &it);
}

/*
 * Open the published checkpoint with the log key (docs/design.md "Offline
 * verifier", check 1), then count the valid cosignatures of the witness
 * keys given. A checkpoint the log key did not sign ends the run with
 * exit 1: nothing it says can be trusted. A checkpoint of another log
 * (policy_other_log()) is the wrong key brought: exit 3, naming the log.
 * @param[out] verified  whether it opened with the log key.
 * @param[out] ncosig    valid cosignatures.
 */
static int open_checkpoint(run *r, bool *verified, size_t *ncosig)
{
    lh_err err = {""};
    char zh[1024], en[1024];
    *verified = false;
    *ncosig = 0;
    int rc = tiles_read_checkpoint(r->tiles, &r->note, &r->note_len, &err);
    if (rc != 0)
        return io_error("%s", err.msg);
    r->cp = malloc(sizeof *r->cp);
    if (r->cp == NULL)
        return io_error(_("out of memory"));
    char other[NOTE_NAME_MAX + 1];
    if (policy_other_log(r->note, r->note_len, &r->log_key, other))
        return io_error(_("%s/checkpoint: the log key is for %s, the checkpoint is of %s: give the "
                          "log key of %s (--log-key)"),
                        r->o.dir, r->log_key.name, other, other);
    char pzh[768], pen[768];
    int verdict = policy_open(r->note, r->note_len, &r->log_key, r->witnesses, r->o.nwitness,
                              r->o.min_cosig, r->cp, pzh, pen, sizeof pzh);
    if (verdict != POLICY_OK) {
        snprintf(zh, sizeof zh, "%s/checkpoint：%s", r->o.dir, pzh);
        snprintf(en, sizeof en, "%s/checkpoint: %s", r->o.dir, pen);
    }
    if (verdict == POLICY_LOG_KEY)
        return checkpoint_failure(r, "integrity", zh, en) != 0 ? io_error(_("out of memory")) : -1;
    *verified = true;
    *ncosig = r->o.nwitness > 0 ? r->cp->ncosigners : 0;
    if (verdict == POLICY_COSIGNATURE && checkpoint_failure(r, "cosignature", zh, en) != 0)
        return io_error(_("out of memory"));
    r->cp_text = malloc(r->cp->note.text_len + 1);
    if (r->cp_text == NULL)
        return io_error(_("out of memory"));
    memcpy(r->cp_text, r->cp->note.text, r->cp->note.text_len);
    r->cp_text[r->cp->note.text_len] = '\0';
    return -1;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run_free(run *r)
{
    ledger_free(r->ledger);
    rules_free(r->rules);
    inspector_free(r->insp);
    deadline_calendar_free(r->calendar);
    tiles_free(r->tiles);
    report_free(r->rep);
    for (size_t i = 0; i < r->ntrusted; i++) {
        free(r->trusted[i].name);
        free(r->trusted[i].data);
    }
    free(r->trusted);
    for (size_t i = 0; i < r->nreceipts; i++) {
        free(r->receipts[i].name);
        lh_receipt_free(&r->receipts[i].r);
    }
    free(r->receipts);
    free(r->witnesses);
    free(r->note);
    free(r->cp);
    free(r->cp_text);
    casefile_free(r->casefile);
    free(r->o.trusted);
    free(r->o.receipts);
    free(r->o.witness_paths);
}

/* --case-file: a case with no entry in the log is an error, before the report. */
static int case_file_check(run *r)
{
    if (casefile_records(r->casefile) == 0 && !casefile_seen(r->casefile))
        return io_error(_("--case-file %s: the log has no record of this case (no file written)"),
                        r->o.case_file);
    return -1;
}

/* --case-file: write it once the report is finished (casefile.h). */
static int write_case_file(run *r, const report_facts *facts, size_t ncosig)
{
    lh_err err = {""};
    ledger_stats ls;
    ledger_get_stats(r->ledger, &ls);
    casefile_facts cf = {.log_key = &r->log_key,
                         .cp = &r->cp->cp,
                         .latest_integrated = ls.last_integrated_at,
                         .cosignatures = ncosig,
                         .witnesses = r->o.nwitness,
                         .trusted = r->ntrusted,
                         .trusted_ok = facts->trusted_checked,
                         .receipts = r->nreceipts,
                         .receipts_ok = facts->receipts_checked,
                         .rules = r->o.rules,
                         .as_of_ms = facts->as_of_ms,
                         .rep = r->rep,
                         .tiles = r->tiles,
                         .pdf_path = r->o.pdf,
                         .html_path = r->o.html};
    if (casefile_write(r->casefile, &cf, &err) != 0)
        return io_error("--case-file %s: %s", r->o.case_file, err.msg);
    return -1;
}

/* Everything after the options; returns the exit status. */
static int verify(run *r)
{
    double start = now_seconds();
    int st = load_inputs(r);
    if (st >= 0)
        return st;

    char vkey[NOTE_VKEY_MAX + 1];
    size_t vkey_len;
    if (note_vkey_format(&r->log_key, vkey, sizeof vkey, &vkey_len) != 0)
        vkey[0] = '\0';
    report_options ro = {.log_origin = r->log_key.name,
                         .log_key = vkey,
                         .log_keyid = r->log_key.keyid,
                         .json = r->o.json,
                         .quiet = r->o.quiet,
                         .html_path = r->o.case_file == NULL ? r->o.html : NULL,
                         .progress = !r->o.quiet && !r->o.json && isatty(STDERR_FILENO)};
    /* A register, statistics or open items take standard output; the
     * report's summary goes to standard error. */
    if (inspector_option(&r->o.insp) != NULL) {
        lh_err ie = {""};
        if (inspector_new(&r->o.insp, &r->insp, &ie) != 0)
            return usage("%s", ie.msg);
        ro.out = stderr;
        ro.quiet = true;
    }
    if (report_new(&ro, &r->rep) != 0)
        return io_error(_("out of memory"));
    report_facts facts = {.integrity_only = r->o.integrity_only, .rules = r->o.rules};

    lh_err err = {""};
    int rc = tiles_open(r->o.dir, &r->tiles, &err);
    if (rc != 0)
        return io_error("%s", err.msg);
    bool verified;
    size_t ncosig;
    if ((st = open_checkpoint(r, &verified, &ncosig)) >= 0)
        return st;
    if (!verified) {
        if (r->o.case_file != NULL)
            say_line(_("--case-file %s: not written: the checkpoint does not verify with the log "
                       "key, so nothing in the log can be trusted"),
                     r->o.case_file);
        facts.seconds = now_seconds() - start;
        report_set_facts(r->rep, &facts);
        if (report_finish(r->rep, &err) != 0)
            return io_error("%s", err.msg);
        if (r->insp != NULL)
            (void)inspector_print(r->insp, stdout, report_failures(r->rep));
        return EXIT_FAILURE_;
    }
    const checkpoint *cp = &r->cp->cp;
    facts.tree_size = cp->size;
    memcpy(facts.root, cp->root, sizeof facts.root);
    facts.checkpoint_text = r->cp_text;
    facts.cosignatures_valid = ncosig;

    if (!r->o.integrity_only) {
        if (r->o.rules) {
            rules_options rop = {.late_after_ms = r->o.late_after_ms,
                                 .calendar = r->calendar,
                                 .working_days = r->o.working_days,
                                 .follow_up_days = (unsigned)r->o.follow_up_days};
            if (rules_new(&rop, &r->rules) != 0)
                return io_error(_("out of memory"));
        }
        if (r->o.case_file != NULL && casefile_new(r->o.case_file, &r->casefile) != 0)
            return io_error(_("out of memory"));
        ledger_options lo = {.log_key = &r->log_key,
                             .rules = r->rules,
                             .matters = r->insp != NULL ? inspector_matters(r->insp) : NULL,
                             .timeline = r->o.html != NULL && r->casefile == NULL,
                             .threads = 0,
                             .on_entry = r->casefile != NULL ? casefile_observe : NULL,
                             .on_entry_ctx = r->casefile};
        if (ledger_new(&lo, r->tiles, r->rep, &r->ledger, &err) != 0)
            return io_error("%s", err.msg);
    }

    /* Check 1 (integrity), streaming; checks 3 and 4 ride on the same pass. */
    tiles_stats ts;
    rc = tiles_stream(r->tiles, cp->size, cp->root, r->ledger != NULL ? ledger_sink : NULL,
                      r->ledger, r->rep, &ts, &err);
    if (rc != 0) {
        const char *why = err.msg;
        if (r->ledger != NULL && ledger_error(r->ledger)[0] != '\0')
            why = ledger_error(r->ledger);
        return io_error("%s", why[0] != '\0' ? why : lh_strerror(rc));
    }
    if (r->ledger != NULL && ledger_finish(r->ledger, &err) != 0)
        return io_error("%s", err.msg);
    facts.tiles_checked = ts.tiles;
    facts.entries_checked = ts.leaves;

    /* Check 2 (append-only) and the receipts (check 4). */
    for (size_t i = 0; i < r->ntrusted; i++) {
        bool ok;
        if (evidence_check_trusted(r->tiles, &r->log_key, r->trusted[i].name, r->trusted[i].data,
                                   r->trusted[i].len, cp->size, cp->root, r->rep, &ok, &err) != 0)
            return io_error("%s", err.msg);
        facts.trusted_checked += ok;
    }
    for (size_t i = 0; i < r->nreceipts; i++) {
        bool ok;
        if (evidence_check_receipt(r->tiles, &r->log_key, r->receipts[i].name, &r->receipts[i].r,
                                   cp->size, cp->root, r->rep, &ok, &err) != 0)
            return io_error("%s", err.msg);
        facts.receipts_checked += ok;
    }

    if (r->ledger != NULL) {
        ledger_stats ls;
        ledger_get_stats(r->ledger, &ls);
        facts.entries_checked = ls.entries;
        facts.authors = ls.authors;
        facts.cases = ls.cases;
        facts.keys = ls.keys;
        /* Check 5: deadlines as of --as-of, by default the latest
         * integrated_at in the log (rules.h). */
        facts.as_of_ms = r->o.have_as_of ? r->o.as_of_ms : ls.last_integrated_at;
        if (r->rules != NULL && rules_finish(r->rules, facts.as_of_ms, r->rep) != 0)
            return io_error(_("out of memory evaluating the rules"));
        matters_scope sc = {.origin = r->log_key.name,
                            .tree_size = cp->size,
                            .root = cp->root,
                            .as_of = facts.as_of_ms,
                            .calendar = r->calendar,
                            .working_days = r->o.working_days,
                            .follow_up_days = (unsigned)r->o.follow_up_days};
        if (r->insp != NULL && inspector_prepare(r->insp, &sc, r->rep) != 0)
            return io_error(_("out of memory"));
    }
    if (r->casefile != NULL && (st = case_file_check(r)) >= 0)
        return st;
    report_progress(r->rep, cp->size, cp->size);
    facts.seconds = now_seconds() - start;
    report_set_facts(r->rep, &facts);
    if (report_finish(r->rep, &err) != 0)
        return io_error("%s", err.msg);
    if (r->insp != NULL && (rc = inspector_print(r->insp, stdout, report_failures(r->rep))) < 0)
        return io_error(_("out of memory"));
    if (r->casefile != NULL && (st = write_case_file(r, &facts, ncosig)) >= 0)
        return st;
    if (report_failures(r->rep) > 0)
        return EXIT_FAILURE_;
    if (report_findings(r->rep) > 0)
        return EXIT_FINDINGS;
    return EXIT_CLEAN;
}

/* --evidence: the keys, then the package (package.h); exit 0 when valid. */
static int verify_package(run *r)
{
    int st = load_inputs(r);
    if (st >= 0)
        return st;
    uint8_t *buf;
    size_t len;
    lh_err err = {""};
    if (fileio_read(r->o.evidence, 0, "evidence package", PACKAGE_FILE_MAX, &buf, &len, &err) != 0)
        return io_error("--evidence: %s", err.msg);
    package_result *res = malloc(sizeof *res);
    package_policy pol = {.log_key = &r->log_key,
                          .witnesses = r->witnesses,
                          .nwitnesses = r->o.nwitness,
                          .min_cosignatures = r->o.min_cosig};
    int rc = res != NULL ? package_verify(buf, len, &pol, res, &err) : LH_ENOMEM;
    free(buf);
    if (rc != 0) {
        free(res);
        return io_error("--evidence %s: %s", r->o.evidence,
                        err.msg[0] != '\0' ? err.msg : lh_strerror(rc));
    }
    if (r->o.json) {
        rc = package_print_json(stdout, r->o.evidence, res);
    } else {
        package_print_text(stdout, r->o.evidence, res, r->o.quiet);
    }
    st = res->valid ? EXIT_CLEAN : EXIT_FAILURE_;
    free(res);
    if (rc != 0)
        return io_error(_("--evidence %s: the result cannot be written: %s"), r->o.evidence,
                        lh_strerror(rc));
    return st;
}

int main(int argc, char **argv)
{
    i18n_init();
    run r;
    memset(&r, 0, sizeof r);
    bool help;
    int st = parse_options(argc, argv, &r.o, &help);
    if (help) {
        print_help(stdout);
        st = EXIT_CLEAN;
    } else if (st < 0) {
        if (sodium_init() < 0)
            st = io_error(_("libsodium cannot be initialised"));
        else if (r.o.evidence != NULL)
            st = verify_package(&r);
        else
            st = verify(&r);
    }
    run_free(&r);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fputs(_("liuhen-verify: cannot write the output\n"), stderr);
        return EXIT_USAGE_IO;
    }
    return st;
}
