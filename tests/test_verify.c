/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_verify.c — liuhen-verify, the inspectors' offline verifier, run as a
 * program on tiles directories.
 *
 * What must be true:
 *  - a clean log made by a real liuhend (an export, and the directory it
 *    publishes at SIGTERM) verifies: exit 0, also with --rules, with the
 *    checkpoints and receipts its clients kept, and with --integrity-only;
 *  - any correct C2SP tlog-tiles log verifies with --integrity-only, shown
 *    with one written here from first principles (libsodium, no liuhen
 *    code), opaque entries of any length from 0 to 65,535 bytes, tiles up
 *    to level 2; without --integrity-only its entries do not parse (exit 1);
 *  - every alteration is caught, exit 1, with the failure naming the entry
 *    index (and its case and author where the entry has them): a flipped
 *    byte in an entry bundle or in a tile at each level; an entry removed
 *    and the tiles and checkpoint recomputed and signed again with the log's
 *    key (caught by an earlier checkpoint: "consistency", by a receipt:
 *    "receipt", by the author chain and the case chain after the gap); an
 *    entry rewritten and re-signed by the log but not by its author
 *    ("signature"); an entry by a revoked or an unknown key ("key"); a kind
 *    appended by a role that may not ("role"); a forked author chain ("author-
 *    chain"); a wrong origin ("origin"); a leaf that is not a leaf ("parse");
 *    a checkpoint with a bad signature; cosignatures missing when required
 *    ("cosignature"), and accepted when present;
 *  - hostile directories (garbage bundles, truncated or oversized files, a
 *    wrong root) are refused without a crash (the suite also runs under ASan);
 *  - each rule R1-R17 of docs/regulation.md with a case that triggers it and one
 *    that must not, through the whole program: exit 2, the rule id in the
 *    JSON findings with its case; --as-of and --late-after move deadlines;
 *  - --html writes one self-contained page naming the cases;
 *  - usage and I/O errors exit 3.
 *
 * Fixtures are made once (group setup): a daemon log with five enrolled
 * users and clean cases, exported; then one case per rule and outcome,
 * published at SIGTERM. What the daemon refuses to produce (a revoked or
 * unknown key, a role that may not, a fork, a correction in another case
 * for R11) is built with the format core (tests/util/tamper.h) and signed
 * by a log key made here. That builder is first checked against the
 * daemon: laying out the daemon's leaves gives its export byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "checkpoint.h"
#include "daemon.h"
#include "entry.h"
#include "keyfile.h"
#include "liuhen.h"
#include "note.h"
#include "pbjson.h"
#include "tamper.h"
#include "testutil.h"
#include "text.h"
#include "tile.h"

#ifndef LH_BUILD_DIR
#define LH_BUILD_DIR "build"
#endif

/* The program under test, from the same build as this test (ASan or not). */
#define VERIFY_PATH LH_BUILD_DIR "/bin/liuhen-verify"

#define MINUTE_MS (60 * 1000LL)
#define HOUR_MS   (60 * MINUTE_MS)
#define DAY_MS    (24 * HOUR_MS)

/* Matches any entry index in the assertions below (a failure with no index too). */
#define ANY_INDEX UINT64_MAX

/* The origin and the start of time of the logs built with the format core. */
#define CORE_ORIGIN "core.liuhen.example/log"
#define CORE_T0     INT64_C(1779206400000) /* 2026-05-20 00:00:00 +08:00 */

/* The leaves of the log written from first principles: enough for a full
 * level-1 tile and a level-2 tile (C2SP tlog-tiles, height 8). */
#define FP_BIG_SIZE   (256 * 256 + 300)
#define FP_SMALL_SIZE 600

/* An appended entry: where it is and its entry id, by which other entries
 * name it. */
typedef struct appended {
    uint64_t index;
    uint8_t id[ENTRY_ID_BYTES];
} appended;

/* Everything the tests share, made once by the group setup. */
static struct {
    char root[64];       /* this run's temporary directory */
    td_daemon d;         /* the daemon that made the logs (stopped after setup) */
    lh_conn *conn;       /* its client, during setup */
    note_signer log;     /* its log key, read from data/log.key */
    note_verifier log_v; /* and the verifier */
    char vkey[PATH_MAX]; /* a file holding the log's verifier key */
    keyfile_key
        *user[5]; /* 王明 handler, 李华 legal, 赵局 leader, 周查 investigator, 孙离 handler */
    bool keep_receipts;      /* save each receipt into receipts/ (clean phase) */
    char receipts[PATH_MAX]; /* a receipt file per entry of the clean log */
    char clean[PATH_MAX];    /* the clean log, exported */
    uint64_t clean_size;
    char trusted[PATH_MAX]; /* a checkpoint seen during the clean phase */
    uint64_t trusted_size;
    char rules[PATH_MAX]; /* the whole log, published at SIGTERM: the rule cases */
    appended wang_first, target, case_next, author_next, last_clean;
    int64_t r3t2_received; /* received_at of the complaint never transferred */
    int64_t r10t_occurred; /* occurred_at of the late interference */
    /* The logs built with the format core. */
    note_signer core; /* their log key */
    char core_vkey[PATH_MAX];
    uint8_t sk[6][ENTRY_SK_BYTES]; /* 管理员 admin, 王五 handler, 李六 legal, 赵七 leader, 孙八
                                      (never enrolled), 周九 investigator */
    unsigned counter;              /* for fresh directory names */
    char last_stderr[PATH_MAX];
} g;

enum { WANG, LI, ZHAO, ZHOU, SUN };
enum { C_ADMIN, C_WANG, C_LI, C_ZHAO, C_STRANGER, C_ZHOU };

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Base64 of a hash, for the JSON of a record that names another. */
typedef struct b64str {
    char s[TEXT_B64_LEN(ENTRY_HASH_BYTES)];
} b64str;

static b64str b64(const uint8_t h[ENTRY_HASH_BYTES])
{
    b64str out;
    text_b64_encode(out.s, h, ENTRY_HASH_BYTES);
    return out;
}

/* Format a path; fail the test if it does not fit. */
static void path_fmt(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void path_fmt(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < cap);
}

/* A fresh, not yet existing path in the run's directory. */
static void fresh_path(char *out, size_t cap, const char *what)
{
    int n = snprintf(out, cap, "%s/%s-%u", g.root, what, g.counter++);
    assert_true(n > 0 && (size_t)n < cap);
}

/* Fail the test with the detail when a tamper_* call, given `terr`, fails. */
#define tamper_ok(expr)                                                                            \
    do {                                                                                           \
        lh_err terr_ = {{0}};                                                                      \
        lh_err *terr = &terr_;                                                                     \
        int rc_ = (expr);                                                                          \
        if (rc_ != 0)                                                                              \
            fail_msg("%s: %s (%s)", #expr, lh_errname(rc_), terr_.msg);                            \
    } while (0)

/* ---- running liuhen-verify ------------------------------------------------------------------- */

/* The first bytes of a file, for failure messages. */
static const char *file_head(const char *path)
{
    static char buf[2048];
    buf[0] = '\0';
    FILE *fp = fopen(path, "r");
    if (fp != NULL) {
        size_t n = fread(buf, 1, sizeof buf - 1, fp);
        buf[n] = '\0';
        fclose(fp);
    }
    return buf;
}

/* That a file starts with prefix. */
static void assert_starts(const char *path, const char *prefix)
{
    const char *h = file_head(path);
    if (strncmp(h, prefix, strlen(prefix)) != 0)
        fail_msg("%s does not start with \"%s\":\n%s", path, prefix, h);
}

/*
 * Run liuhen-verify with argv (NULL-terminated, without the program name),
 * its standard output into out_path, its standard error kept for failure
 * messages. Fails the test if it dies by a signal (a crash, or ASan).
 * @return its exit status.
 */
static int run_verify(const char *const *args, const char *out_path)
{
    const char *argv[64];
    size_t n = 0;
    argv[n++] = VERIFY_PATH;
    for (size_t i = 0; args[i] != NULL; i++) {
        assert_true(n < 63);
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    path_fmt(g.last_stderr, sizeof g.last_stderr, "%s/verify.stderr", g.root);

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(g.last_stderr, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
            _exit(127);
        /* A verifier that hangs must not hang the suite. */
        alarm(300);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(status))
        fail_msg("%s was killed by signal %d; its stderr:\n%s", VERIFY_PATH, WTERMSIG(status),
                 file_head(g.last_stderr));
    if (WEXITSTATUS(status) == 127)
        fail_msg("%s could not be run (is it built?); stderr:\n%s", VERIFY_PATH,
                 file_head(g.last_stderr));
    return WEXITSTATUS(status);
}

/*
 * Run `liuhen-verify DIR --log-key VKEY --json ARGS...` (ARGS NULL-terminated)
 * and parse its output.
 * @param[out] json  the parsed document; the caller json_decref()s it.
 * @return the exit status.
 */
static int verify_with(json_t **json, const char *dir, const char *vkey, ...)
{
    const char *args[48];
    size_t n = 0;
    args[n++] = dir;
    args[n++] = "--log-key";
    args[n++] = vkey;
    args[n++] = "--json";
    va_list ap;
    va_start(ap, vkey);
    for (const char *a = va_arg(ap, const char *); a != NULL; a = va_arg(ap, const char *)) {
        assert_true(n < 47);
        args[n++] = a;
    }
    va_end(ap);
    args[n] = NULL;

    char out[PATH_MAX];
    path_fmt(out, sizeof out, "%s/verify.json", g.root);
    int code = run_verify(args, out);
    json_error_t jerr;
    *json = json_load_file(out, 0, &jerr);
    if (*json == NULL || !json_is_object(*json))
        fail_msg("liuhen-verify --json (exit %d) did not print a JSON object (%s): %s\nstderr: %s",
                 code, jerr.text, file_head(out), file_head(g.last_stderr));
    return code;
}

/* The log of the daemon, with its key. */
#define verify_log(json, dir, ...) verify_with((json), (dir), g.vkey, __VA_ARGS__)
/* A log built with the format core, with its key. */
#define verify_core(json, dir, ...) verify_with((json), (dir), g.core_vkey, __VA_ARGS__)

/* A compact dump of a list of the JSON report, for failure messages. */
static const char *dump(const json_t *json, const char *list)
{
    static char buf[3000];
    char *s = json_dumps(json_object_get(json, list), JSON_COMPACT | JSON_ENSURE_ASCII);
    snprintf(buf, sizeof buf, "%s: %s", list, s != NULL ? s : "(none)");
    free(s);
    return buf;
}

/* Whether a list ("failures" or "findings") has an item of this check, at
 * this index (ANY_INDEX: any), of this case (NULL: any). */
static const json_t *find_item(const json_t *json, const char *list, const char *check,
                               uint64_t index, const char *case_id)
{
    const json_t *items = json_object_get(json, list);
    if (!json_is_array(items))
        fail_msg("the report has no \"%s\" array", list);
    size_t i;
    const json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *c = json_string_value(json_object_get(it, "check"));
        const json_t *ix = json_object_get(it, "index");
        const char *cs = json_string_value(json_object_get(it, "case_id"));
        if (c == NULL || strcmp(c, check) != 0)
            continue;
        if (index != ANY_INDEX &&
            (!json_is_integer(ix) || (uint64_t)json_integer_value(ix) != index))
            continue;
        if (case_id != NULL && (cs == NULL || strcmp(cs, case_id) != 0))
            continue;
        return it;
    }
    return NULL;
}

static const char *item_str(const json_t *item, const char *name)
{
    const char *s = json_string_value(json_object_get(item, name));
    return s != NULL ? s : "";
}

/* Assert a failure of this check at this index; it must say what differs in
 * both languages. @return it. */
static const json_t *assert_failure(const json_t *json, const char *check, uint64_t index)
{
    const json_t *it = find_item(json, "failures", check, index, NULL);
    if (it == NULL)
        fail_msg("no \"%s\" failure at index %" PRId64 "; %s", check,
                 index == ANY_INDEX ? (int64_t)-1 : (int64_t)index, dump(json, "failures"));
    if (item_str(it, "en")[0] == '\0' || item_str(it, "zh")[0] == '\0')
        fail_msg("the \"%s\" failure says nothing in English or Chinese: %s", check,
                 dump(json, "failures"));
    return it;
}

/* Assert that the failure names the entry's case and author. */
static void assert_names(const json_t *item, const char *case_id, const char *author)
{
    if (case_id != NULL && strcmp(item_str(item, "case_id"), case_id) != 0)
        fail_msg("the failure names case \"%s\", not %s", item_str(item, "case_id"), case_id);
    if (author != NULL && strcmp(item_str(item, "author"), author) != 0)
        fail_msg("the failure names author \"%s\", not %s", item_str(item, "author"), author);
}

static void assert_finding(const json_t *json, const char *rule, const char *case_id)
{
    const json_t *it = find_item(json, "findings", rule, ANY_INDEX, case_id);
    if (it == NULL)
        fail_msg("no %s finding in case %s; %s", rule, case_id, dump(json, "findings"));
    /* Each finding: entry index, author, article, a sentence in each language. */
    if (!json_is_integer(json_object_get(it, "index")) || item_str(it, "author")[0] == '\0' ||
        item_str(it, "article")[0] == '\0' || item_str(it, "zh")[0] == '\0' ||
        item_str(it, "en")[0] == '\0')
        fail_msg("the %s finding of case %s lacks its index, author, article or sentences; %s",
                 rule, case_id, dump(json, "findings"));
}

static void refute_finding(const json_t *json, const char *rule, const char *case_id)
{
    if (find_item(json, "findings", rule, ANY_INDEX, case_id) != NULL)
        fail_msg("a %s finding in case %s, which follows the rule; %s", rule, case_id,
                 dump(json, "findings"));
}

static size_t count_of(const json_t *json, const char *what)
{
    const json_t *v = json_object_get(json_object_get(json, "counts"), what);
    if (!json_is_integer(v))
        fail_msg("the report has no counts.%s", what);
    return (size_t)json_integer_value(v);
}

/* Exit status, verdict and counts of a clean run. The report is passed by
 * address so that it is read after the call that makes it, in
 * assert_clean(verify_log(&j, ...), &j). */
static void assert_clean(int code, json_t *const *jp)
{
    const json_t *json = *jp;
    if (code != 0 || count_of(json, "failures") != 0 || count_of(json, "findings") != 0)
        fail_msg("exit %d, want a clean log; %s; %s; stderr: %s", code, dump(json, "failures"),
                 dump(json, "findings"), file_head(g.last_stderr));
    assert_string_equal(json_string_value(json_object_get(json, "verdict")), "clean");
}

/* Exit 1 with at least one failure (the report passed as to assert_clean()). */
static void assert_failed(int code, json_t *const *jp)
{
    const json_t *json = *jp;
    if (code != 1 || count_of(json, "failures") == 0)
        fail_msg("exit %d, want 1 with failures; %s; stderr: %s", code, dump(json, "failures"),
                 file_head(g.last_stderr));
}

/* ---- the daemon log ----------------------------------------------------------------------------
 */

/* Append a record of kind KIND (e.g. "INTERFERENCE") in a case (NULL for key
 * management) by key, its body a JSON object made from fmt. */
static appended add(const keyfile_key *key, const char *case_id, const char *kind, const char *fmt,
                    ...) __attribute__((format(printf, 4, 5)));

static appended add(const keyfile_key *key, const char *case_id, const char *kind, const char *fmt,
                    ...)
{
    char body[4096], member[64], json[6144];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof body);
    size_t i = 0;
    for (; kind[i] != '\0' && i < sizeof member - 1; i++)
        member[i] = (char)(kind[i] >= 'A' && kind[i] <= 'Z' ? kind[i] - 'A' + 'a' : kind[i]);
    member[i] = '\0';
    if (case_id != NULL)
        n = snprintf(json, sizeof json, "{\"kind\":\"KIND_%s\",\"case_id\":\"%s\",\"%s\":%s}", kind,
                     case_id, member, body);
    else
        n = snprintf(json, sizeof json, "{\"kind\":\"KIND_%s\",\"%s\":%s}", kind, member, body);
    assert_true(n > 0 && (size_t)n < sizeof json);

    ProtobufCMessage *m = NULL;
    lh_err err = {{0}};
    tu_assert_code(pbjson_parse(&liuhen__entry__descriptor, json, strlen(json), &m, &err), 0, &err);
    lh_receipt r = {0};
    int rc = lh_append(g.conn, key, (Liuhen__Entry *)m, &r, &err);
    protobuf_c_message_free_unpacked(m, NULL);
    if (rc != 0)
        fail_msg("append %s in %s: %s (%s)", kind, case_id ? case_id : "-", lh_errname(rc),
                 err.msg);
    appended a = {.index = r.leaf_index};
    const uint8_t *eb, *sig;
    size_t elen;
    assert_int_equal(
        entry_signed_unpack(r.signed_entry, r.signed_entry_len, &eb, &elen, &sig, NULL), 0);
    entry_id(eb, elen, a.id);
    if (g.keep_receipts) {
        char *text = NULL, rel[64];
        tu_assert_code(lh_receipt_to_json(&r, &text, &err), 0, &err);
        snprintf(rel, sizeof rel, "r-%03" PRIu64 ".json", r.leaf_index);
        tamper_ok(tamper_write_file(g.receipts, rel, text, strlen(text), terr));
        free(text);
    }
    lh_receipt_free(&r);
    return a;
}

/* Enrol key with roles, a JSON array ("[\"ROLE_HANDLER\"]"). */
static void enroll(const keyfile_key *key, const char *roles)
{
    add(g.d.admin, NULL, "KEY_ENROLL",
        "{\"public_key\":\"%s\",\"holder\":\"%s\",\"position\":\"科员\","
        "\"unit\":\"区应急管理局\",\"roles\":%s}",
        b64(keyfile_key_pubkey(key)).s, keyfile_key_name(key), roles);
}

/* A complete INTERFERENCE (B§3: time, place, person, manner, content; reported). */
static appended interference(const keyfile_key *key, const char *case_id, int64_t occurred_at)
{
    return add(key, case_id, "INTERFERENCE",
               "{\"occurred_at\":%lld,\"place\":\"执法支队办公室\","
               "\"person\":{\"name\":\"刘某\",\"position\":\"退休干部\",\"relation\":\"retired\"},"
               "\"manner\":\"phone\",\"content\":\"来电为当事人说情，要求从轻处罚\","
               "\"categories\":[\"pleading-spying\"],\"response\":\"refused\","
               "\"reported_to\":\"legal-section\",\"reported_at\":%lld}",
               (long long)occurred_at, (long long)now_ms());
}

static appended complaint(const char *case_id, const char *jurisdiction, int64_t received_at)
{
    return add(g.user[LI], case_id, "COMPLAINT",
               "{\"complainant\":{\"name\":\"重庆某建材有限公司\"},\"channel\":\"letter\","
               "\"received_at\":%lld,\"officers_concerned\":[{\"name\":\"陈刚\"}],"
               "\"conducts\":[\"manifestly-unfair\"],\"source\":\"justice-complaint\","
               "\"summary\":\"同类违法行为罚款明显偏重\",\"jurisdiction\":\"%s\"}",
               (long long)received_at, jurisdiction);
}

/* A§10(1): the legal section tells the complainant the complaint is
 * accepted (an acknowledgement, not yet the answer R4 asks for). */
static appended acknowledge(const char *case_id, const appended *c)
{
    return add(g.user[LI], case_id, "REPLY",
               "{\"complaint\":\"%s\",\"replied_at\":%lld,\"addressee\":\"重庆某建材有限公司\","
               "\"method\":\"written\",\"type\":\"acknowledgement\","
               "\"content\":\"投诉已受理，将组织调查并书面告知处理结果。\"}",
               b64(c->id).s, (long long)now_ms());
}

/* A§10(1): the answer telling the complainant the result (R4). */
static appended reply(const char *case_id, const appended *c)
{
    return add(g.user[LI], case_id, "REPLY",
               "{\"complaint\":\"%s\",\"replied_at\":%lld,\"addressee\":\"重庆某建材有限公司\","
               "\"method\":\"written\",\"type\":\"result\","
               "\"content\":\"经调查，已依法作出处理，现将处理结果书面告知。\"}",
               b64(c->id).s, (long long)now_ms());
}

static appended transfer(const char *case_id, const appended *c)
{
    return add(g.user[LI], case_id, "TRANSFER",
               "{\"complaint\":\"%s\",\"to_authority\":\"区市场监督管理局\","
               "\"transferred_at\":%lld,\"reason\":\"不属于本单位受理\"}",
               b64(c->id).s, (long long)now_ms());
}

static void investigation(const char *case_id)
{
    add(g.user[ZHAO], case_id, "INVESTIGATION_ASSIGNED",
        "{\"assigned_by\":{\"name\":\"赵局\"},\"team\":[{\"name\":\"周查\"}],"
        "\"assigned_at\":%lld,\"scope\":\"核查处罚幅度\"}",
        (long long)now_ms());
    add(g.user[ZHOU], case_id, "INVESTIGATION_STEP",
        "{\"method\":\"review-files\",\"conducted_at\":%lld,\"place\":\"法规科\","
        "\"summary\":\"调阅行政处罚案卷\"}",
        (long long)now_ms());
}

/* How a DECISION is made, for the rules about it. */
enum decision_shape {
    DECISION_SOUND,         /* collective discussion, not a wrongful case */
    DECISION_WRONGFUL,      /* wrongful, responsible person, A§11 sanctions, discussed */
    DECISION_UNDISCUSSED,   /* no collective discussion (R6) */
    DECISION_OTHER_SANCTION /* wrongful, a sanction A§11 does not list (R7) */
};

static appended decision(const char *case_id, enum decision_shape shape, int64_t decided_at)
{
    char discussion[512] = "";
    if (shape != DECISION_UNDISCUSSED)
        snprintf(discussion, sizeof discussion,
                 ",\"collective_discussion\":{\"held_at\":%lld,\"participants\":"
                 "[{\"name\":\"赵局\"},{\"name\":\"钱副局\"}],\"conclusion\":\"一致同意\"}",
                 (long long)decided_at);
    const char *responsible = "";
    if (shape == DECISION_WRONGFUL)
        responsible = ",\"wrongful_case\":true,\"responsible\":[{\"person\":{\"name\":\"陈刚\"},"
                      "\"responsibility\":\"直接责任\",\"sanctions\":"
                      "[\"written-self-examination\",\"circulated-criticism\"]}]";
    else if (shape == DECISION_OTHER_SANCTION)
        responsible = ",\"wrongful_case\":true,\"responsible\":[{\"person\":{\"name\":\"陈刚\"},"
                      "\"responsibility\":\"直接责任\",\"sanctions\":[\"other\"]}]";
    return add(g.user[ZHAO], case_id, "DECISION",
               "{\"source\":\"justice-complaint\",\"referral\":\"none\",\"decided_at\":%lld,"
               "\"summary\":\"经调查作出处理决定\"%s%s}",
               (long long)decided_at, discussion, responsible);
}

/* A complaint acknowledged, maybe investigated, decided, its result told. */
static appended decided_case(const char *case_id, bool investigated, enum decision_shape shape,
                             int64_t decided_at)
{
    appended c = complaint(case_id, "accepted", now_ms() - MINUTE_MS);
    acknowledge(case_id, &c);
    if (investigated)
        investigation(case_id);
    appended dec = decision(case_id, shape, decided_at);
    reply(case_id, &c);
    return dec;
}

static appended review_order(const char *case_id, const appended *dec)
{
    return add(g.user[ZHAO], case_id, "REVIEW_ORDER",
               "{\"decision\":\"%s\",\"action\":\"reinvestigate\",\"ordered_at\":%lld,"
               "\"reason\":\"事实不清\"}",
               b64(dec->id).s, (long long)now_ms());
}

static appended guidance(const keyfile_key *key, const char *case_id, const char *form)
{
    return add(key, case_id, "GUIDANCE",
               "{\"form\":\"%s\",\"basis\":\"leadership-supervision\","
               "\"given_by\":{\"name\":\"赵局\",\"position\":\"局长\"},\"given_at\":%lld,"
               "\"content\":\"依法依规办理，按期办结\",\"document_ref\":\"应急〔2026〕1号\"}",
               form, (long long)now_ms());
}

static appended not_recorded(const char *case_id, const char *person, const char *measure)
{
    return add(g.user[LI], case_id, "NOTIFICATION",
               "{\"subject\":\"not-recorded\",\"person\":{\"name\":\"%s\",\"relation\":"
               "\"on-staff\"},\"measures\":[\"%s\"],\"issued_at\":%lld,"
               "\"content\":\"办案人员未如实记录干预情况\",\"approved_by\":\"赵局\"}",
               person, measure, (long long)now_ms());
}

/* The clean phase: users, then cases that break no rule. */
static void make_clean_log(void)
{
    static const char *const names[5] = {"王明", "李华", "赵局", "周查", "孙离"};
    /* 赵局 is the bureau's principal head: A§10(2), he assigns the team (R5). */
    static const char *const roles[5] = {"[\"ROLE_HANDLER\"]", "[\"ROLE_LEGAL\"]",
                                         "[\"ROLE_LEADER\",\"ROLE_PRINCIPAL\"]",
                                         "[\"ROLE_INVESTIGATOR\"]", "[\"ROLE_HANDLER\"]"};
    lh_err err = {{0}};
    for (int i = 0; i < 5; i++) {
        tu_assert_code(keyfile_generate(names[i], &g.user[i], &err), 0, &err);
        enroll(g.user[i], roles[i]);
    }
    int64_t t = now_ms();
    g.wang_first = interference(g.user[WANG], "QJ-C0", t - 10 * MINUTE_MS);
    /* The entry that the removal and rewriting tests take away or change:
     * the case and the author each have an entry after it. B§4: the legal
     * section follows it up and confirms it; B§10: the notice of it is
     * approved by the head first (R14). */
    g.target = interference(g.user[WANG], "QJ-C1", t - 20 * MINUTE_MS);
    g.case_next = add(g.user[LI], "QJ-C1", "SUPERVISION_CHECK",
                      "{\"type\":\"follow-up\",\"conducted_at\":%lld,"
                      "\"findings\":\"经核查，刘某来电说情属实\",\"concerns\":\"%s\","
                      "\"conclusion\":\"confirmed\",\"actions\":[\"reported-to-head\"]}",
                      (long long)now_ms(), b64(g.target.id).s);
    appended approval = add(g.user[ZHAO], "QJ-C1", "APPROVAL",
                            "{\"concerns\":\"%s\",\"matter\":\"通报离退休干部刘某说情\","
                            "\"approved\":true,\"approved_at\":%lld,\"opinion\":\"同意通报\"}",
                            b64(g.target.id).s, (long long)now_ms());
    add(g.user[LI], "QJ-C1", "NOTIFICATION",
        "{\"subject\":\"interference\",\"person\":{\"name\":\"刘某\"},"
        "\"measures\":[\"circulated-criticism\"],\"issued_at\":%lld,"
        "\"content\":\"通报离退休干部说情\",\"approved_by\":\"赵局\","
        "\"concerns\":\"%s\",\"approval\":\"%s\"}",
        (long long)now_ms(), b64(g.target.id).s, b64(approval.id).s);
    g.author_next = add(g.user[WANG], "QJ-C1", "CORRECTION",
                        "{\"corrects\":\"%s\",\"changes\":[{\"field\":\"interference.place\","
                        "\"old_value\":\"执法支队办公室\",\"new_value\":\"执法支队二楼办公室\"}],"
                        "\"reason\":\"地点记录不准确\"}",
                        b64(g.target.id).s);

    /* An inspector keeps the checkpoint of this moment. */
    lh_checkpoint cp = {0};
    tu_assert_code(lh_get_checkpoint(g.conn, &cp, &err), 0, &err);
    g.trusted_size = cp.size;
    assert_true(g.trusted_size > g.author_next.index);
    path_fmt(g.trusted, sizeof g.trusted, "%s/trusted.checkpoint", g.root);
    tamper_ok(tamper_write_file(g.root, "trusted.checkpoint", cp.note, cp.note_len, terr));
    lh_checkpoint_free(&cp);

    /* A complaint acknowledged, investigated, decided, answered, reviewed,
     * appealed, closed. */
    appended c = complaint("QJ-C2", "accepted", now_ms() - HOUR_MS);
    acknowledge("QJ-C2", &c);
    investigation("QJ-C2");
    appended dec = decision("QJ-C2", DECISION_WRONGFUL, now_ms());
    reply("QJ-C2", &c);
    review_order("QJ-C2", &dec);
    add(g.user[SUN], "QJ-C2", "APPEAL",
        "{\"decision\":\"%s\",\"type\":\"statement-defence\",\"venue\":\"this-bureau\","
        "\"appellant\":{\"name\":\"陈刚\"},\"filed_at\":%lld,\"grounds\":\"处分过重\","
        "\"outcome\":\"pending\"}",
        b64(dec.id).s, (long long)now_ms());
    add(g.user[LI], "QJ-C2", "CASE_CLOSED", "{\"closed_at\":%lld,\"summary\":\"已处理完毕\"}",
        (long long)now_ms());
    /* B§7: a leader's written guidance, an oral one recorded by the handler. */
    guidance(g.user[ZHAO], "QJ-C3", "written");
    guidance(g.user[WANG], "QJ-C3", "oral-recorded");
    /* A§10(1): a complaint for another authority, transferred within 2 days. */
    c = complaint("QJ-C4", "to-transfer", now_ms() - 12 * HOUR_MS);
    transfer("QJ-C4", &c);
    /* B§12: one notification for not recording needs no referral yet. */
    interference(g.user[WANG], "QJ-C5", now_ms() - MINUTE_MS);
    not_recorded("QJ-C5", "孙离", "warning");
    /* A key revoked: its earlier records (an appeal) stay valid. Its holder
     * recorded no interference, whose recorder B§9 protects (R17). */
    g.last_clean =
        add(g.d.admin, NULL, "KEY_REVOKE", "{\"public_key\":\"%s\",\"reason\":\"调离执法岗位\"}",
            b64(keyfile_key_pubkey(g.user[SUN])).s);

    lh_export_result ex = {0};
    path_fmt(g.clean, sizeof g.clean, "%s/clean", g.root);
    tu_assert_code(lh_export(g.conn, g.clean, &ex, &err), 0, &err);
    g.clean_size = ex.tree_size;
    assert_int_equal(g.clean_size, g.last_clean.index + 1);
    lh_export_result_free(&ex);
}

/* The rule phase: for each rule, case "Rn-T" breaks it and "Rn-N" does not. */
static void make_rule_cases(void)
{
    int64_t t = now_ms();
    /* R1 (B§3): five elements; here no place and no manner. */
    add(g.user[WANG], "R1-T", "INTERFERENCE",
        "{\"occurred_at\":%lld,\"person\":{\"name\":\"刘某\",\"relation\":\"retired\"},"
        "\"content\":\"打探案情\",\"reported_to\":\"legal-section\",\"reported_at\":%lld}",
        (long long)(t - 10 * MINUTE_MS), (long long)t);
    interference(g.user[WANG], "R1-N", t - 10 * MINUTE_MS);
    /* R2 (B§3): reported to nobody. */
    add(g.user[WANG], "R2-T", "INTERFERENCE",
        "{\"occurred_at\":%lld,\"place\":\"执法支队办公室\",\"person\":{\"name\":\"刘某\","
        "\"relation\":\"retired\"},\"manner\":\"oral\",\"content\":\"要求从轻处罚\"}",
        (long long)(t - 10 * MINUTE_MS));
    interference(g.user[WANG], "R2-N", t - 10 * MINUTE_MS);
    /* R3 (A§10(1)): transferred 5 days after receipt; within 12 hours; never. */
    appended c = complaint("R3-T", "to-transfer", t - 5 * DAY_MS);
    transfer("R3-T", &c);
    c = complaint("R3-N", "to-transfer", t - 12 * HOUR_MS);
    transfer("R3-N", &c);
    g.r3t2_received = t - 5 * DAY_MS;
    complaint("R3-T2", "to-transfer", g.r3t2_received);
    /* R4 (A§10(1)): a complaint nobody answered for 40 days; one answered
     * with its result. */
    complaint("R4-T", "accepted", t - 40 * DAY_MS);
    c = complaint("R4-N", "accepted", t - HOUR_MS);
    reply("R4-N", &c);
    /* Telling the complainant the complaint was accepted is not the answer
     * once the case is decided; while it is being investigated, it is all
     * there is to tell. */
    c = complaint("R4-T2", "accepted", t - HOUR_MS);
    acknowledge("R4-T2", &c);
    investigation("R4-T2");
    decision("R4-T2", DECISION_SOUND, now_ms());
    c = complaint("R4-N2", "accepted", t - HOUR_MS);
    acknowledge("R4-N2", &c);
    investigation("R4-N2");
    /* R5 (A§10(2)(3)): decided without an investigation. */
    decided_case("R5-T", false, DECISION_SOUND, now_ms());
    decided_case("R5-N", true, DECISION_SOUND, now_ms());
    /* R6 (A§10(3)): decided without the leadership's collective discussion. */
    decided_case("R6-T", true, DECISION_UNDISCUSSED, now_ms());
    decided_case("R6-N", true, DECISION_SOUND, now_ms());
    /* R7 (A§11): a wrongful case with a sanction A§11 does not list. */
    decided_case("R7-T", true, DECISION_OTHER_SANCTION, now_ms());
    decided_case("R7-N", true, DECISION_WRONGFUL, now_ms());
    /* R8 (A§10(3)): a review ordered 40 days after the decision. */
    appended dec = decided_case("R8-T", true, DECISION_SOUND, now_ms() - 40 * DAY_MS);
    review_order("R8-T", &dec);
    dec = decided_case("R8-N", true, DECISION_SOUND, now_ms());
    review_order("R8-N", &dec);
    /* R9 (B§7): a leader's guidance given orally. */
    guidance(g.user[ZHAO], "R9-T", "oral-recorded");
    guidance(g.user[ZHAO], "R9-N", "written");
    /* R10 (B§3, B§12): recorded three days after the event. */
    g.r10t_occurred = now_ms() - 3 * DAY_MS;
    interference(g.user[WANG], "R10-T", g.r10t_occurred);
    interference(g.user[WANG], "R10-N", now_ms() - HOUR_MS);
    /* R12 (B§12): named twice for not recording, not referred to discipline. */
    interference(g.user[WANG], "R12-T", now_ms() - MINUTE_MS);
    not_recorded("R12-T", "钱某", "warning");
    not_recorded("R12-T", "钱某", "circulated-criticism");
    interference(g.user[WANG], "R12-N", now_ms() - MINUTE_MS);
    not_recorded("R12-N", "吴某", "warning");
    not_recorded("R12-N", "吴某", "referred-discipline");
}

/* ---- logs built with the format core ------------------------------------------------------------
 */

/* An entry from JSON in the schema's field names; free with entry_free(). */
static Liuhen__Entry *entry_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static Liuhen__Entry *entry_json(const char *fmt, ...)
{
    char json[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(json, sizeof json, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof json);
    ProtobufCMessage *m = NULL;
    lh_err err = {{0}};
    tu_assert_code(pbjson_parse(&liuhen__entry__descriptor, json, (size_t)n, &m, &err), 0, &err);
    return (Liuhen__Entry *)m;
}

static void entry_free(Liuhen__Entry *e)
{
    protobuf_c_message_free_unpacked(&e->base, NULL);
}

static const uint8_t *sk_pub(const uint8_t sk[ENTRY_SK_BYTES])
{
    return sk + ENTRY_SK_BYTES - ENTRY_KEY_BYTES;
}

/* Append an entry made from JSON to a chain, by sk. */
static appended chain_add(tamper_chain *ch, const uint8_t sk[ENTRY_SK_BYTES], unsigned flags,
                          Liuhen__Entry *e)
{
    appended a;
    tamper_ok(tamper_chain_append(ch, e, sk, flags, &a.index, a.id, terr));
    entry_free(e);
    return a;
}

static void chain_enroll(tamper_chain *ch, const uint8_t *by, const uint8_t *key,
                         const char *holder, const char *role)
{
    chain_add(ch, by, 0,
              entry_json("{\"kind\":\"KIND_KEY_ENROLL\",\"key_enroll\":{\"public_key\":\"%s\","
                         "\"holder\":\"%s\",\"roles\":[\"%s\"]}}",
                         b64(sk_pub(key)).s, holder, role));
}

/* A complete interference, at the chain's time. */
static appended chain_interference(tamper_chain *ch, const uint8_t *sk, const char *case_id)
{
    int64_t at = ch->clock;
    return chain_add(
        ch, sk, 0,
        entry_json("{\"kind\":\"KIND_INTERFERENCE\",\"case_id\":\"%s\",\"interference\":{"
                   "\"occurred_at\":%lld,\"place\":\"执法支队办公室\",\"person\":{\"name\":"
                   "\"刘某\",\"relation\":\"retired\"},\"manner\":\"phone\",\"content\":"
                   "\"来电说情\",\"reported_to\":\"legal-section\",\"reported_at\":%lld}}",
                   case_id, (long long)at, (long long)at));
}

/*
 * The start of every log built with the format core: the genesis entry (the
 * log's own key enrols the first admin, docs/design.md "Kinds and roles"), the admin enrols
 * 王五 (handler), 李六 (legal), 赵七 (leader) and 周九 (investigator); 王五
 * records an interference in case K-1 (index 5), 赵七 approves its notice
 * (index 6, B§10) and 李六 notifies it (index 7).
 */
static appended core_base(tamper_chain *ch)
{
    memset(ch, 0, sizeof *ch);
    ch->origin = CORE_ORIGIN;
    ch->clock = CORE_T0;
    chain_enroll(ch, g.core.sk, g.sk[C_ADMIN], "管理员", "ROLE_ADMIN");
    chain_enroll(ch, g.sk[C_ADMIN], g.sk[C_WANG], "王五", "ROLE_HANDLER");
    chain_enroll(ch, g.sk[C_ADMIN], g.sk[C_LI], "李六", "ROLE_LEGAL");
    chain_enroll(ch, g.sk[C_ADMIN], g.sk[C_ZHAO], "赵七", "ROLE_LEADER");
    chain_enroll(ch, g.sk[C_ADMIN], g.sk[C_ZHOU], "周九", "ROLE_INVESTIGATOR");
    appended k1 = chain_interference(ch, g.sk[C_WANG], "K-1");
    assert_int_equal(k1.index, 5);
    appended ap =
        chain_add(ch, g.sk[C_ZHAO], 0,
                  entry_json("{\"kind\":\"KIND_APPROVAL\",\"case_id\":\"K-1\",\"approval\":"
                             "{\"concerns\":\"%s\",\"matter\":\"通报\",\"approved\":true,"
                             "\"approved_at\":%lld}}",
                             b64(k1.id).s, (long long)ch->clock));
    chain_add(ch, g.sk[C_LI], 0,
              entry_json("{\"kind\":\"KIND_NOTIFICATION\",\"case_id\":\"K-1\",\"notification\":"
                         "{\"subject\":\"interference\",\"person\":{\"name\":\"刘某\"},"
                         "\"measures\":[\"circulated-criticism\"],\"issued_at\":%lld,"
                         "\"content\":\"通报\",\"concerns\":\"%s\",\"approval\":\"%s\"}}",
                         (long long)ch->clock, b64(k1.id).s, b64(ap.id).s));
    return k1;
}

/* Write leaves as a tiles directory signed by the log key, and free them. */
static void log_write(tamper_leaves *l, char *dir, size_t cap, const char *what)
{
    fresh_path(dir, cap, what);
    tamper_ok(tamper_write_dir(dir, l, &g.log, NULL, terr));
    tamper_leaves_free(l);
}

/* Write a chain's leaves as a tiles directory signed by the core log key. */
static void core_write(tamper_chain *ch, char *dir, size_t cap, const char *what)
{
    fresh_path(dir, cap, what);
    tamper_ok(tamper_write_dir(dir, &ch->leaves, &g.core, NULL, terr));
    tamper_chain_free(ch);
}

/* Write the chain as a log (see core_write), verify it with the core key and
 * assert that it fails; return the report, which the caller frees. */
static json_t *core_failed(tamper_chain *ch, const char *what)
{
    char dir[PATH_MAX];
    core_write(ch, dir, sizeof dir, what);
    json_t *j = NULL;
    assert_failed(verify_core(&j, dir, NULL), &j);
    return j;
}

/* As core_failed, and assert a failure of check at index; the failure is
 * returned through *failure (if not NULL), borrowed from the report. */
static json_t *core_fails(tamper_chain *ch, const char *what, const char *check, uint64_t index,
                          const json_t **failure)
{
    json_t *j = core_failed(ch, what);
    const json_t *f = assert_failure(j, check, index);
    if (failure != NULL)
        *failure = f;
    return j;
}

/* ---- a tiles log from first principles ------------------------------------------------------- */

/* RFC 6962 §2.1: the leaf hash SHA-256(0x00 || d) and the node hash
 * SHA-256(0x01 || l || r), with libsodium alone. */
static void fp_leaf_hash(uint8_t out[32], const uint8_t *d, size_t n)
{
    crypto_hash_sha256_state st;
    const uint8_t zero = 0x00;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &zero, 1);
    crypto_hash_sha256_update(&st, d, n);
    crypto_hash_sha256_final(&st, out);
}

static void fp_node_hash(uint8_t out[32], const uint8_t l[32], const uint8_t r[32])
{
    crypto_hash_sha256_state st;
    const uint8_t one = 0x01;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &one, 1);
    crypto_hash_sha256_update(&st, l, 32);
    crypto_hash_sha256_update(&st, r, 32);
    crypto_hash_sha256_final(&st, out);
}

/* RFC 6962 §2.1: MTH(D[n]), splitting at the largest power of two below n. */
static void fp_mth(uint8_t out[32], const uint8_t (*h)[32], size_t n)
{
    if (n == 1) {
        memcpy(out, h[0], 32);
        return;
    }
    size_t k = 1;
    while (k * 2 < n)
        k *= 2;
    uint8_t l[32], r[32];
    fp_mth(l, h, k);
    fp_mth(r, h + k, n - k);
    fp_node_hash(out, l, r);
}

/* c2sp.org/tlog-tiles: "tile/<level>/<N>[.p/<W>]", N in 3-digit groups, all
 * but the last prefixed with "x". */
static void fp_tile_path(char *out, size_t cap, const char *level, uint64_t n, unsigned width)
{
    unsigned groups[8];
    size_t ngroups = 0;
    do {
        groups[ngroups++] = (unsigned)(n % 1000);
        n /= 1000;
    } while (n > 0);
    int len = snprintf(out, cap, "tile/%s/", level);
    while (ngroups-- > 1)
        len += snprintf(out + len, cap - (size_t)len, "x%03u/", groups[ngroups]);
    len += snprintf(out + len, cap - (size_t)len, "%03u", groups[0]);
    if (width < 256)
        snprintf(out + len, cap - (size_t)len, ".p/%u", width);
}

/*
 * Write a C2SP tiles log of `count` opaque entries (entry i of length
 * len[i], bytes data[i]) and a checkpoint signed with Ed25519 by the key of
 * `seed` named `origin`, and its verifier key file, without any liuhen code
 * but file writing.
 */
static void fp_write_log(const char *dir, const tamper_leaves *l, const uint8_t seed[32],
                         const char *origin, const char *vkey_path)
{
    size_t count = l->count;
    uint8_t(*h)[32] = malloc((count > 0 ? count : 1) * 32);
    assert_non_null(h);
    assert_int_equal(mkdir(dir, 0755), 0);
    for (size_t i = 0; i < count; i++)
        fp_leaf_hash(h[i], l->data[i], l->len[i]);
    uint8_t root[32];
    fp_mth(root, (const uint8_t(*)[32])h, count);

    /* Entry bundles: big-endian uint16 length, then the entry. */
    uint8_t *bundle = malloc(256 * (2 + 65535));
    assert_non_null(bundle);
    char rel[128];
    for (size_t first = 0; first < count; first += 256) {
        size_t w = count - first < 256 ? count - first : 256, off = 0;
        for (size_t i = first; i < first + w; i++) {
            bundle[off++] = (uint8_t)(l->len[i] >> 8);
            bundle[off++] = (uint8_t)l->len[i];
            if (l->len[i] > 0)
                memcpy(bundle + off, l->data[i], l->len[i]);
            off += l->len[i];
        }
        fp_tile_path(rel, sizeof rel, "entries", first / 256, (unsigned)w);
        tamper_ok(tamper_write_file(dir, rel, bundle, off, terr));
    }
    free(bundle);

    /* Hash tiles: level L holds the hashes of the subtrees of 256^L leaves,
     * level L+1 is made of the roots of the full 256-hash tiles of level L. */
    size_t n = count;
    for (int level = 0; n > 0; level++) {
        char lv[16];
        snprintf(lv, sizeof lv, "%d", level);
        for (size_t first = 0; first < n; first += 256) {
            size_t w = n - first < 256 ? n - first : 256;
            fp_tile_path(rel, sizeof rel, lv, first / 256, (unsigned)w);
            tamper_ok(tamper_write_file(dir, rel, h[first], w * 32, terr));
        }
        size_t up = n / 256;
        for (size_t t = 0; t < up; t++) {
            uint8_t tmp[256][32];
            memcpy(tmp, h[t * 256], sizeof tmp);
            for (size_t width = 256; width > 1; width /= 2)
                for (size_t i = 0; i < width / 2; i++)
                    fp_node_hash(tmp[i], tmp[2 * i], tmp[2 * i + 1]);
            memcpy(h[t], tmp[0], 32);
        }
        n = up;
    }
    free(h);

    /* c2sp.org/tlog-checkpoint and signed-note: the text, a blank line,
     * "— <name> base64(key id || Ed25519(text))". */
    uint8_t pk[32], sk[64];
    crypto_sign_seed_keypair(pk, sk, seed);
    char root_b64[64], text[512];
    sodium_bin2base64(root_b64, sizeof root_b64, root, 32, sodium_base64_VARIANT_ORIGINAL);
    int tl = snprintf(text, sizeof text, "%s\n%zu\n%s\n", origin, count, root_b64);
    uint8_t id_hash[32], sigbuf[4 + 64], typed[33];
    crypto_hash_sha256_state st;
    const uint8_t nl_type[2] = {0x0A, 0x01};
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)origin, strlen(origin));
    crypto_hash_sha256_update(&st, nl_type, 2);
    crypto_hash_sha256_update(&st, pk, 32);
    crypto_hash_sha256_final(&st, id_hash);
    memcpy(sigbuf, id_hash, 4);
    crypto_sign_detached(sigbuf + 4, NULL, (const uint8_t *)text, (size_t)tl, sk);
    sodium_memzero(sk, sizeof sk);
    char sig_b64[128], note[1024];
    sodium_bin2base64(sig_b64, sizeof sig_b64, sigbuf, sizeof sigbuf,
                      sodium_base64_VARIANT_ORIGINAL);
    int nl = snprintf(note, sizeof note, "%s\n\xe2\x80\x94 %s %s\n", text, origin, sig_b64);
    tamper_ok(tamper_write_file(dir, "checkpoint", note, (size_t)nl, terr));

    typed[0] = 0x01;
    memcpy(typed + 1, pk, 32);
    char key_b64[64], vkey[512];
    sodium_bin2base64(key_b64, sizeof key_b64, typed, sizeof typed, sodium_base64_VARIANT_ORIGINAL);
    int vl = snprintf(vkey, sizeof vkey, "%s+%02x%02x%02x%02x+%s\n", origin, id_hash[0], id_hash[1],
                      id_hash[2], id_hash[3], key_b64);
    FILE *fp = fopen(vkey_path, "w");
    assert_non_null(fp);
    assert_int_equal(fwrite(vkey, 1, (size_t)vl, fp), (size_t)vl);
    assert_int_equal(fclose(fp), 0);
}

/* Opaque entries: random bytes of random lengths, with an empty entry and
 * one of the largest length a bundle carries. */
static void fp_leaves(tamper_leaves *l, size_t count)
{
    uint8_t *buf = malloc(TILE_ENTRY_MAX);
    assert_non_null(buf);
    for (size_t i = 0; i < count; i++) {
        size_t len = i == 3 ? 0 : i == 7 ? TILE_ENTRY_MAX : 1 + (size_t)tu_rng_below(40);
        tu_rng_bytes(buf, len);
        assert_int_equal(tamper_leaves_add(l, buf, len), 0);
    }
    free(buf);
}

/* ---- group setup ----------------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    lh_err err = {{0}};
    snprintf(g.root, sizeof g.root, "/tmp/liuhen-verify-XXXXXX");
    assert_non_null(mkdtemp(g.root));
    path_fmt(g.receipts, sizeof g.receipts, "%s/receipts", g.root);
    assert_int_equal(mkdir(g.receipts, 0755), 0);

    td_init(&g.d);
    /* The clean log is exported beside the altered copies. */
    const char *const args[] = {"--export-dir", g.root, NULL};
    td_give(g.root);
    td_start(&g.d, args);
    lh_options opts = {.socket_path = g.d.socket, .log_vkey = g.d.vkey, .timeout_ms = 30000};
    tu_assert_code(lh_connect(&opts, &g.conn, &err), 0, &err);
    g.keep_receipts = true;
    make_clean_log();
    g.keep_receipts = false;
    make_rule_cases();
    lh_close(g.conn);
    g.conn = NULL;
    /* SIGTERM: liuhend publishes the whole log before it exits. */
    int status = td_stop(&g.d, SIGTERM);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    path_fmt(g.rules, sizeof g.rules, "%s", g.d.publish);

    tamper_ok(tamper_log_signer(g.d.data, &g.log, terr));
    tu_assert_code(note_vkey_parse(g.d.vkey, strlen(g.d.vkey), &g.log_v, &err), 0, &err);
    path_fmt(g.vkey, sizeof g.vkey, "%s/log.vkey", g.root);
    tamper_ok(tamper_write_vkey(g.vkey, &g.log_v, terr));

    /* The format core's logs: a log key and six people's keys. */
    note_verifier core_v;
    tu_make_signer(&g.core, &core_v, CORE_ORIGIN, NOTE_TYPE_ED25519);
    path_fmt(g.core_vkey, sizeof g.core_vkey, "%s/core.vkey", g.root);
    tamper_ok(tamper_write_vkey(g.core_vkey, &core_v, terr));
    for (size_t i = 0; i < sizeof g.sk / sizeof g.sk[0]; i++) {
        uint8_t seed[32], pk[32];
        tu_rng_bytes(seed, sizeof seed);
        crypto_sign_seed_keypair(pk, g.sk[i], seed);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < 5; i++)
        keyfile_key_free(g.user[i]);
    note_signer_wipe(&g.log);
    note_signer_wipe(&g.core);
    sodium_memzero(g.sk, sizeof g.sk);
    td_cleanup(&g.d);
    if (getenv("LIUHEN_KEEP_TEST_DIRS") == NULL)
        tamper_remove_dir(g.root);
    return 0;
}

/* A copy of the clean export to alter. */
static void clean_copy(char *dir, size_t cap, const char *what)
{
    fresh_path(dir, cap, what);
    tamper_ok(tamper_copy_dir(g.clean, dir, terr));
}

/* ---- the fixtures' builder --------------------------------------------------------------------
 */

/* Assert that dir_a/rel and dir_b/rel hold the same bytes. */
static void assert_same_file(const char *dir_a, const char *dir_b, const char *rel)
{
    char a[PATH_MAX], b[PATH_MAX];
    path_fmt(a, sizeof a, "%s/%s", dir_a, rel);
    path_fmt(b, sizeof b, "%s/%s", dir_b, rel);
    uint8_t *da = NULL, *db = NULL;
    size_t la = 0, lb = 0;
    tamper_ok(tamper_read_file(a, TILE_BUNDLE_MAX, &da, &la, terr));
    tamper_ok(tamper_read_file(b, TILE_BUNDLE_MAX, &db, &lb, terr));
    if (la != lb || memcmp(da, db, la) != 0)
        fail_msg("%s differs from %s", b, a);
    free(da);
    free(db);
}

/* The builder of the tests' directories lays out the daemon's leaves exactly
 * as liuhend's publisher does: every tile, every bundle and the checkpoint
 * (Ed25519 signatures are deterministic), so the alterations below change
 * only what each of them says. */
static void test_builder_round_trip(void **state)
{
    (void)state;
    tamper_leaves l = {0};
    tamper_ok(tamper_read_dir(g.clean, &l, terr));
    assert_int_equal(l.count, g.clean_size);
    char dir[PATH_MAX];
    log_write(&l, dir, sizeof dir, "round-trip");
    assert_same_file(g.clean, dir, "checkpoint");
    tile_iter it;
    tile t;
    tile_iter_init(&it, g.clean_size);
    while (tile_iter_next(&it, &t) == 1) {
        char rel[TILE_PATH_MAX];
        assert_int_equal(tile_path(rel, sizeof rel, &t), 0);
        assert_same_file(g.clean, dir, rel);
    }
}

/* ---- clean logs ------------------------------------------------------------------------------ */

static void test_clean_log(void **state)
{
    (void)state;
    json_t *j = NULL;
    assert_clean(verify_log(&j, g.clean, NULL), &j);
    assert_int_equal(json_integer_value(json_object_get(j, "tree_size")), g.clean_size);
    json_decref(j);

    /* Every rule followed, every checkpoint and receipt the clients kept. */
    assert_clean(
        verify_log(&j, g.clean, "--rules", "--trusted", g.trusted, "--receipts", g.receipts, NULL),
        &j);
    json_decref(j);
    assert_clean(verify_log(&j, g.clean, "--integrity-only", NULL), &j);
    json_decref(j);

    /* A receipt given as a file, the checkpoint of the export as trusted. */
    char receipt[PATH_MAX], cp[PATH_MAX];
    path_fmt(receipt, sizeof receipt, "%s/r-%03" PRIu64 ".json", g.receipts, g.target.index);
    path_fmt(cp, sizeof cp, "%s/checkpoint", g.clean);
    assert_clean(verify_log(&j, g.clean, "--receipts", receipt, "--trusted", cp, NULL), &j);
    json_decref(j);

    /* Human output, and --quiet: the same verdict, in the language of the
     * locale (the suite's is C: English). */
    char out[PATH_MAX];
    path_fmt(out, sizeof out, "%s/verify.txt", g.root);
    const char *text[] = {g.clean, "--log-key", g.vkey, "--rules", NULL};
    assert_int_equal(run_verify(text, out), 0);
    assert_non_null(strstr(file_head(out), "\nCLEAN\n"));
    const char *quiet[] = {g.clean, "--log-key", g.vkey, "--quiet", NULL};
    assert_int_equal(run_verify(quiet, out), 0);
    assert_starts(out, "CLEAN\nfailures 0 · findings 0 · ");
    tu_set_language("zh_CN.UTF-8");
    int code = run_verify(quiet, out);
    tu_set_language("C");
    assert_int_equal(code, 0);
    assert_starts(out, "通过\n篡改或遗漏 0 · ");
}

/* The published directory holds the clean log and the rule cases: no
 * failure, and it extends every checkpoint of the clean phase. */
static void test_published_log(void **state)
{
    (void)state;
    char cp[PATH_MAX];
    path_fmt(cp, sizeof cp, "%s/checkpoint", g.clean);
    json_t *j = NULL;
    assert_clean(verify_log(&j, g.rules, "--trusted", g.trusted, "--trusted", cp, "--receipts",
                            g.receipts, NULL),
                 &j);
    assert_true(json_integer_value(json_object_get(j, "tree_size")) > (json_int_t)g.clean_size);
    json_decref(j);
}

/* A log of the format core's builder that breaks nothing: the failures of
 * the tests below come from what each of them changes. Three bundles. */
static void test_core_clean(void **state)
{
    (void)state;
    tamper_chain ch;
    core_base(&ch);
    static const char *const cases[] = {"K-2", "K-3", "K-4", "K-5"};
    for (int i = 0; i < 600; i++)
        chain_interference(&ch, i % 3 == 0 ? g.sk[C_LI] : g.sk[C_WANG], cases[i % 4]);
    char dir[PATH_MAX];
    core_write(&ch, dir, sizeof dir, "core-clean");
    json_t *j = NULL;
    assert_clean(verify_core(&j, dir, "--rules", NULL), &j);
    json_decref(j);
}

/* ---- any C2SP tiles log -------------------------------------------------------------------- */

/* A fresh opaque log of count entries under a new key named origin, in dir
 * with its verifier key in vkey, checked to verify clean with
 * --integrity-only. */
static void fp_clean_log(char dir[PATH_MAX], char vkey[PATH_MAX], const char *what, size_t count,
                         const char *origin)
{
    uint8_t seed[32];
    tu_rng_bytes(seed, sizeof seed);
    fresh_path(dir, PATH_MAX, what);
    path_fmt(vkey, PATH_MAX, "%s.vkey", dir);
    tamper_leaves l = {0};
    fp_leaves(&l, count);
    fp_write_log(dir, &l, seed, origin, vkey);
    tamper_leaves_free(&l);

    json_t *j = NULL;
    assert_clean(verify_with(&j, dir, vkey, "--integrity-only", NULL), &j);
    json_decref(j);
}

static void test_other_implementation(void **state)
{
    (void)state;
    char dir[PATH_MAX], vkey[PATH_MAX];
    fp_clean_log(dir, vkey, "fp-big", FP_BIG_SIZE, "other.example/opaque");
    json_t *j = NULL;

    /* A flipped byte in the full level-1 tile, in the level-2 tile, in an
     * entry of the last bundle. */
    char copy[PATH_MAX];
    fresh_path(copy, sizeof copy, "fp-tile1");
    tamper_ok(tamper_copy_dir(dir, copy, terr));
    tamper_ok(tamper_flip_byte(copy, "tile/1/000", 5 * 32 + 7, 0x40, terr));
    assert_failed(verify_with(&j, copy, vkey, "--integrity-only", NULL), &j);
    assert_failure(j, "integrity", ANY_INDEX);
    json_decref(j);

    fresh_path(copy, sizeof copy, "fp-tile2");
    tamper_ok(tamper_copy_dir(dir, copy, terr));
    tamper_ok(tamper_flip_byte(copy, "tile/2/000.p/1", 31, 0x01, terr));
    assert_failed(verify_with(&j, copy, vkey, "--integrity-only", NULL), &j);
    json_decref(j);

    fresh_path(copy, sizeof copy, "fp-bundle");
    tamper_ok(tamper_copy_dir(dir, copy, terr));
    char rel[TILE_PATH_MAX];
    uint64_t off = 0;
    size_t len = 0;
    uint64_t victim = FP_BIG_SIZE - 20;
    tamper_ok(tamper_entry_location(copy, FP_BIG_SIZE, victim, rel, &off, &len, terr));
    tamper_ok(tamper_flip_byte(copy, rel, off + len / 2, 0x80, terr));
    assert_failed(verify_with(&j, copy, vkey, "--integrity-only", NULL), &j);
    assert_failure(j, "integrity", victim);
    json_decref(j);
}

/* Opaque entries are no liuhen entries: without --integrity-only they fail. */
static void test_opaque_entries_refused(void **state)
{
    (void)state;
    char dir[PATH_MAX], vkey[PATH_MAX];
    fp_clean_log(dir, vkey, "fp-small", FP_SMALL_SIZE, "other.example/small");
    json_t *j = NULL;
    assert_failed(verify_with(&j, dir, vkey, NULL), &j);
    assert_failure(j, "parse", 0);
    json_decref(j);
}

/* ---- alterations of the bytes ---------------------------------------------------------------- */

/*
 * cause.h: exactly one failure is an alteration (its "cause" is null) and
 * every other failure follows from it; the counts say so. Returns the
 * number of failures.
 */
static size_t assert_one_alteration(json_t *j)
{
    json_t *fails = json_object_get(j, "failures");
    size_t n = json_array_size(fails), alterations = 0;
    json_int_t first = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *f = json_array_get(fails, i);
        json_t *cause = json_object_get(f, "cause");
        json_int_t number = json_integer_value(json_object_get(f, "number"));
        assert_int_equal(number, (json_int_t)i + 1);
        if (json_is_null(cause)) {
            alterations++;
            first = number;
        } else if (json_integer_value(cause) != first) {
            fail_msg("failure #%lld follows from #%lld, not from the alteration #%lld",
                     (long long)number, (long long)json_integer_value(cause), (long long)first);
        }
    }
    if (alterations != 1) {
        char list[2048] = "";
        size_t len = 0;
        for (size_t i = 0; i < n && len < sizeof list - 200; i++) {
            json_t *f = json_array_get(fails, i);
            len += (size_t)snprintf(list + len, sizeof list - len,
                                    "\n  #%zu %s at %lld (cause %lld): %.120s", i + 1,
                                    json_string_value(json_object_get(f, "check")),
                                    (long long)json_integer_value(json_object_get(f, "index")),
                                    (long long)json_integer_value(json_object_get(f, "cause")),
                                    json_string_value(json_object_get(f, "en")));
        }
        fail_msg("%zu alterations among %zu failures, want one:%s", alterations, n, list);
    }
    json_t *counts = json_object_get(j, "counts");
    assert_int_equal(json_integer_value(json_object_get(counts, "alterations")), 1);
    assert_int_equal(json_integer_value(json_object_get(counts, "consequences")),
                     (json_int_t)n - 1);
    return n;
}

static void test_flipped_bundle_byte(void **state)
{
    (void)state;
    char dir[PATH_MAX], rel[TILE_PATH_MAX];
    clean_copy(dir, sizeof dir, "bundle-flip");
    uint64_t off = 0;
    size_t len = 0;
    tamper_ok(tamper_entry_location(dir, g.clean_size, g.target.index, rel, &off, &len, terr));
    tamper_ok(tamper_flip_byte(dir, rel, off + len / 2, 0x04, terr));
    json_t *j = NULL;
    assert_failed(verify_log(&j, dir, NULL), &j);
    assert_failure(j, "integrity", g.target.index);
    /* The leaf, then its signature and what follows: one alteration. */
    size_t nf = assert_one_alteration(j);
    if (nf < 2)
        fail_msg("one failure only: %s", json_dumps(json_object_get(j, "failures"), 0));
    json_decref(j);
    assert_failed(verify_log(&j, dir, "--receipts", g.receipts, NULL), &j);
    assert_one_alteration(j);
    json_decref(j);
    assert_failed(verify_log(&j, dir, "--integrity-only", NULL), &j);
    assert_failure(j, "integrity", g.target.index);
    assert_one_alteration(j);
    json_decref(j);
}

/* One byte of 王明's enrolment changed (his position, still valid UTF-8):
 * the leaf no longer hashes to its tile, the enrolment's signature fails,
 * so the enrolment changes nothing and each of his entries after it is
 * refused for a key not enrolled; all follow from the one alteration. */
static void test_altered_enrolment(void **state)
{
    (void)state;
    char dir[PATH_MAX], rel[TILE_PATH_MAX];
    clean_copy(dir, sizeof dir, "enrol-flip");
    tamper_leaves leaves = {0};
    tamper_ok(tamper_read_dir(dir, &leaves, terr));
    size_t at = leaves.count, pos = 0;
    for (size_t i = 0; i < leaves.count && at == leaves.count; i++) {
        Liuhen__Entry *e = NULL;
        tamper_ok(tamper_unpack_leaf(leaves.data[i], leaves.len[i], &e, NULL, NULL, terr));
        const char *word = "科员";
        size_t wl = strlen(word);
        if (e->kind == LIUHEN__KIND__KIND_KEY_ENROLL && strcmp(e->key_enroll->holder, "王明") == 0)
            for (size_t k = 0; k + wl <= leaves.len[i] && at == leaves.count; k++)
                if (memcmp(leaves.data[i] + k, word, wl) == 0) {
                    at = i;
                    pos = k + wl - 1;
                }
        liuhen__entry__free_unpacked(e, NULL);
    }
    tamper_leaves_free(&leaves);
    if (at == leaves.count)
        fail_msg("no enrolment of 王明 in the clean log");
    uint64_t off = 0;
    size_t len = 0;
    tamper_ok(tamper_entry_location(dir, g.clean_size, at, rel, &off, &len, terr));
    /* The last byte of 员 is a continuation byte: ^1 keeps it one. */
    tamper_ok(tamper_flip_byte(dir, rel, off + pos, 0x01, terr));
    json_t *j = NULL;
    assert_failed(verify_log(&j, dir, NULL), &j);
    assert_failure(j, "integrity", at);
    size_t nf = assert_one_alteration(j);
    /* The leaf, its signature, and at least one of his entries refused. */
    if (nf < 3)
        fail_msg("%zu failures: %s", nf, json_dumps(json_object_get(j, "failures"), 0));
    json_decref(j);
}

static void test_flipped_tile_byte(void **state)
{
    (void)state;
    char dir[PATH_MAX], rel[TILE_PATH_MAX];
    clean_copy(dir, sizeof dir, "tile-flip");
    uint64_t off = 0;
    tamper_ok(tamper_hash_location(g.clean_size, 0, g.target.index, rel, &off, terr));
    tamper_ok(tamper_flip_byte(dir, rel, off + 3, 0x10, terr));
    json_t *j = NULL;
    assert_failed(verify_log(&j, dir, NULL), &j);
    assert_failure(j, "integrity", ANY_INDEX);
    assert_one_alteration(j);
    json_decref(j);
    assert_failed(verify_log(&j, dir, "--integrity-only", "--trusted", g.trusted, NULL), &j);
    assert_one_alteration(j);
    json_decref(j);
}

/* The checkpoint's signature, its root, its size. */
static void test_bad_checkpoint(void **state)
{
    (void)state;
    char dir[PATH_MAX];
    clean_copy(dir, sizeof dir, "bad-signature");
    tamper_ok(tamper_break_checkpoint(dir, terr));
    json_t *j = NULL;
    assert_failed(verify_log(&j, dir, NULL), &j);
    json_decref(j);
    assert_failed(verify_log(&j, dir, "--integrity-only", NULL), &j);
    json_decref(j);

    /* Signed by another key under the log's name: no signature by the log. */
    note_signer other;
    tu_make_signer(&other, NULL, g.log.name, NOTE_TYPE_ED25519);
    uint8_t root[32] = {0};
    clean_copy(dir, sizeof dir, "other-signer");
    tamper_ok(tamper_write_checkpoint(dir, g.clean_size, root, &other, NULL, NULL, terr));
    note_signer_wipe(&other);
    assert_failed(verify_log(&j, dir, NULL), &j);
    json_decref(j);

    /* Signed by the log key, with a root that is not the tiles' root. */
    clean_copy(dir, sizeof dir, "wrong-root");
    tamper_ok(tamper_write_checkpoint(dir, g.clean_size, root, &g.log, NULL, NULL, terr));
    assert_failed(verify_log(&j, dir, "--integrity-only", NULL), &j);
    assert_failure(j, "integrity", ANY_INDEX);
    json_decref(j);
}

/*
 * The key of another log: a usage error (exit 3) that names both logs, not
 * a tampering verdict. A checkpoint whose origin line was altered after the
 * log signed it is still a failure (exit 1).
 */
static void test_key_of_another_log(void **state)
{
    (void)state;
    char out[PATH_MAX], dir[PATH_MAX];
    path_fmt(out, sizeof out, "%s/verify.txt", g.root);
    const char *other[] = {g.clean, "--log-key", g.core_vkey, NULL};
    assert_int_equal(run_verify(other, out), 3);
    const char *said = file_head(g.last_stderr);
    if (strstr(said, "the log key is for " CORE_ORIGIN) == NULL ||
        strstr(said, g.log.name) == NULL || strstr(said, "--log-key") == NULL)
        fail_msg("the refusal does not name both logs: %s", said);
    const char *rules[] = {g.clean, "--log-key", g.core_vkey, "--rules", "--json", NULL};
    assert_int_equal(run_verify(rules, out), 3);

    /* The log's signature line stays, the origin line is another's. */
    clean_copy(dir, sizeof dir, "origin-altered");
    uint8_t *note = NULL;
    size_t len = 0;
    char cp[PATH_MAX];
    path_fmt(cp, sizeof cp, "%s/checkpoint", dir);
    tamper_ok(tamper_read_file(cp, 1u << 20, &note, &len, terr));
    size_t olen = strlen(g.log.name);
    assert_true(len > olen && memcmp(note, g.log.name, olen) == 0);
    char altered[8192];
    int n = snprintf(altered, sizeof altered, "%s%.*s", CORE_ORIGIN, (int)(len - olen),
                     (const char *)note + olen);
    assert_true(n > 0 && (size_t)n < sizeof altered);
    free(note);
    tamper_ok(tamper_write_file(dir, "checkpoint", altered, (size_t)n, terr));
    const char *altered_args[] = {dir, "--log-key", g.core_vkey, NULL};
    assert_int_equal(run_verify(altered_args, out), 1);
    json_t *j = NULL;
    assert_failed(verify_log(&j, dir, NULL), &j);
    json_decref(j);
}

/* Bundles and tiles that are not what they claim to be. */
static void test_hostile_directories(void **state)
{
    (void)state;
    char dir[PATH_MAX], rel[TILE_PATH_MAX];
    assert_true(g.clean_size < TILE_WIDTH); /* one partial bundle and one partial tile */
    tile bundle = {.level = TILE_LEVEL_ENTRIES, .n = 0, .width = (unsigned)g.clean_size};
    assert_int_equal(tile_path(rel, sizeof rel, &bundle), 0);
    json_t *j = NULL;

    /* A length prefix that runs far past the end. */
    static const uint8_t garbage[] = {0xff, 0xff, 0x00, 0x01, 0x02};
    clean_copy(dir, sizeof dir, "garbage-bundle");
    tamper_ok(tamper_write_file(dir, rel, garbage, sizeof garbage, terr));
    assert_failed(verify_log(&j, dir, NULL), &j);
    json_decref(j);

    /* A bundle cut short, one with a byte too many. */
    char path[PATH_MAX];
    clean_copy(dir, sizeof dir, "short-bundle");
    path_fmt(path, sizeof path, "%s/%s", dir, rel);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(truncate(path, st.st_size - 1), 0);
    assert_failed(verify_log(&j, dir, NULL), &j);
    json_decref(j);
    assert_int_equal(truncate(path, st.st_size + 1), 0);
    assert_failed(verify_log(&j, dir, "--integrity-only", NULL), &j);
    json_decref(j);

    /* A hash tile longer than its width says. */
    tile t0 = {.level = 0, .n = 0, .width = (unsigned)g.clean_size};
    assert_int_equal(tile_path(rel, sizeof rel, &t0), 0);
    clean_copy(dir, sizeof dir, "long-tile");
    path_fmt(path, sizeof path, "%s/%s", dir, rel);
    assert_int_equal(truncate(path, TILE_SIZE * 4), 0);
    assert_failed(verify_log(&j, dir, "--integrity-only", NULL), &j);
    json_decref(j);

    /* A tile missing altogether: failed or not readable, never clean. */
    clean_copy(dir, sizeof dir, "missing-tile");
    path_fmt(path, sizeof path, "%s/%s", dir, rel);
    assert_int_equal(unlink(path), 0);
    const char *args[] = {dir, "--log-key", g.vkey, "--integrity-only", NULL};
    char out[PATH_MAX];
    path_fmt(out, sizeof out, "%s/verify.txt", g.root);
    int code = run_verify(args, out);
    if (code != 1 && code != 3)
        fail_msg("a missing tile: exit %d, want 1 or 3", code);
}

/* ---- alterations by the log's operator --------------------------------------------------------
 */

/* Entry g.target removed, tiles recomputed, checkpoint signed by the log key. */
static void test_removed_entry(void **state)
{
    (void)state;
    tamper_leaves l = {0};
    tamper_ok(tamper_read_dir(g.clean, &l, terr));
    assert_int_equal(l.count, g.clean_size);
    assert_int_equal(tamper_leaves_remove(&l, g.target.index), 0);
    char dir[PATH_MAX];
    log_write(&l, dir, sizeof dir, "removed");

    /* The tiles and the checkpoint agree: integrity alone cannot tell. */
    json_t *j = NULL;
    assert_clean(verify_log(&j, dir, "--integrity-only", NULL), &j);
    json_decref(j);

    /* The chains can: the author's next entry and the case's next entry,
     * each one place earlier now, link to an entry that is not there. */
    assert_failed(verify_log(&j, dir, NULL), &j);
    const json_t *f = assert_failure(j, "author-chain", g.author_next.index - 1);
    assert_names(f, "QJ-C1", "王明");
    f = assert_failure(j, "case-chain", g.case_next.index - 1);
    assert_names(f, "QJ-C1", "李华");
    json_decref(j);

    /* So can a checkpoint seen before, and receipts. */
    assert_failed(verify_log(&j, dir, "--trusted", g.trusted, NULL), &j);
    assert_failure(j, "consistency", ANY_INDEX);
    json_decref(j);
    char receipt[PATH_MAX];
    path_fmt(receipt, sizeof receipt, "%s/r-%03" PRIu64 ".json", g.receipts, g.target.index);
    assert_failed(verify_log(&j, dir, "--receipts", receipt, NULL), &j);
    assert_failure(j, "receipt", g.target.index);
    json_decref(j);
    /* The receipt of the last entry: the log is now one entry short. */
    path_fmt(receipt, sizeof receipt, "%s/r-%03" PRIu64 ".json", g.receipts, g.last_clean.index);
    assert_failed(verify_log(&j, dir, "--receipts", receipt, NULL), &j);
    assert_failure(j, "receipt", ANY_INDEX);
    json_decref(j);
}

/* Entry g.target with another content, its author's signature kept, the
 * tiles recomputed and the checkpoint signed by the log key. */
static void test_rewritten_entry(void **state)
{
    (void)state;
    tamper_leaves l = {0};
    tamper_ok(tamper_read_dir(g.clean, &l, terr));
    Liuhen__Entry *e = NULL;
    int64_t at = 0;
    uint8_t sig[ENTRY_SIG_BYTES];
    size_t i = g.target.index;
    tamper_ok(tamper_unpack_leaf(l.data[i], l.len[i], &e, &at, sig, terr));
    assert_int_equal(e->kind, LIUHEN__KIND__KIND_INTERFERENCE);
    free(e->interference->content);
    e->interference->content = strdup("无人说情");
    assert_non_null(e->interference->content);
    size_t len = liuhen__entry__get_packed_size(e);
    uint8_t *bytes = malloc(len);
    assert_non_null(bytes);
    liuhen__entry__pack(e, bytes);
    liuhen__entry__free_unpacked(e, NULL);
    uint8_t *leaf = NULL;
    size_t leaf_len = 0;
    tamper_ok(tamper_wrap_leaf(bytes, len, sig, at, &leaf, &leaf_len, terr));
    free(bytes);
    assert_int_equal(tamper_leaves_set(&l, i, leaf, leaf_len), 0);
    free(leaf);
    char dir[PATH_MAX];
    log_write(&l, dir, sizeof dir, "rewritten");

    json_t *j = NULL;
    assert_clean(verify_log(&j, dir, "--integrity-only", NULL), &j);
    json_decref(j);
    assert_failed(verify_log(&j, dir, NULL), &j);
    const json_t *f = assert_failure(j, "signature", g.target.index);
    assert_names(f, "QJ-C1", "王明");
    /* The next entry of its case named the original's entry id. */
    assert_failure(j, "case-chain", g.case_next.index);
    json_decref(j);
}

static void test_revoked_key(void **state)
{
    (void)state;
    tamper_chain ch;
    core_base(&ch);
    chain_add(&ch, g.sk[C_ADMIN], 0,
              entry_json("{\"kind\":\"KIND_KEY_REVOKE\",\"key_revoke\":{\"public_key\":\"%s\","
                         "\"reason\":\"调离\"}}",
                         b64(sk_pub(g.sk[C_WANG])).s));
    appended late = chain_interference(&ch, g.sk[C_WANG], "K-2");
    const json_t *f;
    json_t *j = core_fails(&ch, "revoked", "key", late.index, &f);
    assert_names(f, "K-2", "王五");
    /* Only that entry: 王五's entry before the revocation stays valid. */
    assert_int_equal(count_of(j, "failures"), 1);
    json_decref(j);
}

static void test_unknown_key(void **state)
{
    (void)state;
    tamper_chain ch;
    core_base(&ch);
    appended stranger = chain_interference(&ch, g.sk[C_STRANGER], "K-2");
    json_t *j = core_fails(&ch, "unknown", "key", stranger.index, NULL);
    json_decref(j);
}

/* After the genesis entry the log's own key authors nothing. */
static void test_log_key_authors(void **state)
{
    (void)state;
    tamper_chain ch;
    core_base(&ch);
    uint8_t seed[32], pk[32], sk[64];
    tu_rng_bytes(seed, sizeof seed);
    crypto_sign_seed_keypair(pk, sk, seed);
    chain_enroll(&ch, g.core.sk, sk, "冒名管理员", "ROLE_ADMIN");
    uint64_t index = ch.leaves.count - 1;
    json_t *j = core_failed(&ch, "log-key-authors");
    if (find_item(j, "failures", "key", index, NULL) == NULL &&
        find_item(j, "failures", "role", index, NULL) == NULL)
        fail_msg("no \"key\" or \"role\" failure at %" PRIu64 "; %s", index, dump(j, "failures"));
    json_decref(j);
}

/* A handler appends a DECISION, which only a leader may. */
static void test_role_not_allowed(void **state)
{
    (void)state;
    tamper_chain ch;
    core_base(&ch);
    appended dec =
        chain_add(&ch, g.sk[C_WANG], 0,
                  entry_json("{\"kind\":\"KIND_DECISION\",\"case_id\":\"K-1\",\"decision\":{"
                             "\"decided_at\":%lld,\"summary\":\"自行决定\"}}",
                             (long long)ch.clock));
    const json_t *f;
    json_t *j = core_fails(&ch, "role", "role", dec.index, &f);
    assert_names(f, "K-1", "王五");
    json_decref(j);
}

/* A CORRECTION of another author's entry (the original author only). */
static void test_correction_by_another(void **state)
{
    (void)state;
    tamper_chain ch;
    appended k1 = core_base(&ch);
    appended cor =
        chain_add(&ch, g.sk[C_LI], 0,
                  entry_json("{\"kind\":\"KIND_CORRECTION\",\"case_id\":\"K-1\",\"correction\":{"
                             "\"corrects\":\"%s\",\"reason\":\"代为更正\"}}",
                             b64(k1.id).s));
    json_t *j = core_fails(&ch, "correction-other", "role", cor.index, NULL);
    json_decref(j);
}

/* Two entries of 王五 with author_seq 2: a fork of his chain. */
static void test_forked_author_chain(void **state)
{
    (void)state;
    tamper_chain ch;
    appended k1 = core_base(&ch);
    chain_interference(&ch, g.sk[C_WANG], "K-2");
    Liuhen__Entry *e =
        entry_json("{\"kind\":\"KIND_INTERFERENCE\",\"case_id\":\"K-3\",\"interference\":{"
                   "\"occurred_at\":%lld,\"place\":\"办公室\",\"person\":{\"name\":\"刘某\","
                   "\"relation\":\"retired\"},\"manner\":\"oral\",\"content\":\"另一份记录\","
                   "\"reported_to\":\"legal-section\"}}",
                   (long long)ch.clock);
    e->author_seq = 2;
    e->author_prev.data = k1.id;
    e->author_prev.len = sizeof k1.id;
    appended fork;
    tamper_ok(
        tamper_chain_append(&ch, e, g.sk[C_WANG], TAMPER_KEEP_LINKS, &fork.index, fork.id, terr));
    e->author_prev.data = NULL;
    e->author_prev.len = 0;
    entry_free(e);
    const json_t *f;
    json_t *j = core_fails(&ch, "fork", "author-chain", fork.index, &f);
    assert_names(f, "K-3", "王五");
    json_decref(j);
}

/* An entry signed for another log; a leaf that is not a Leaf. */
static void test_origin_and_parse(void **state)
{
    (void)state;
    tamper_chain ch;
    core_base(&ch);
    Liuhen__Entry *e = entry_json(
        "{\"origin\":\"elsewhere.example/log\",\"kind\":\"KIND_INTERFERENCE\",\"case_id\":"
        "\"K-2\",\"interference\":{\"occurred_at\":%lld,\"content\":\"别处的记录\"}}",
        (long long)ch.clock);
    appended foreign = chain_add(&ch, g.sk[C_WANG], 0, e);
    static const uint8_t junk[] = "not a leaf at all";
    assert_int_equal(tamper_leaves_add(&ch.leaves, junk, sizeof junk - 1), 0);
    uint64_t junk_index = ch.leaves.count - 1;
    json_t *j = core_fails(&ch, "origin", "origin", foreign.index, NULL);
    assert_failure(j, "parse", junk_index);
    json_decref(j);
}

/* ---- cosignatures ------------------------------------------------------------------------------
 */

static void test_cosignatures(void **state)
{
    (void)state;
    note_signer w1, w2;
    note_verifier w1_v, w2_v;
    tu_make_signer(&w1, &w1_v, "witness.example/w1", NOTE_TYPE_COSIG);
    tu_make_signer(&w2, &w2_v, "witness.example/w2", NOTE_TYPE_COSIG);
    char w1_path[PATH_MAX], w2_path[PATH_MAX];
    path_fmt(w1_path, sizeof w1_path, "%s/w1.vkey", g.root);
    path_fmt(w2_path, sizeof w2_path, "%s/w2.vkey", g.root);
    tamper_ok(tamper_write_vkey(w1_path, &w1_v, terr));
    tamper_ok(tamper_write_vkey(w2_path, &w2_v, terr));

    /* No cosignature at all. */
    json_t *j = NULL;
    assert_failed(
        verify_log(&j, g.clean, "--witness-key", w1_path, "--min-cosignatures", "1", NULL), &j);
    assert_failure(j, "cosignature", ANY_INDEX);
    json_decref(j);

    /* Cosigned by w1 (cosig_append, c2sp.org/tlog-cosignature). */
    char dir[PATH_MAX];
    clean_copy(dir, sizeof dir, "cosigned");
    uint64_t now_s = (uint64_t)(now_ms() / 1000);
    tamper_ok(tamper_cosign(dir, &g.log_v, &w1, now_s, terr));
    assert_clean(verify_log(&j, dir, "--witness-key", w1_path, "--min-cosignatures", "1", NULL),
                 &j);
    json_decref(j);
    /* Two required, one there; and the other witness's key alone. */
    assert_failed(verify_log(&j, dir, "--witness-key", w1_path, "--witness-key", w2_path,
                             "--min-cosignatures", "2", NULL),
                  &j);
    assert_failure(j, "cosignature", ANY_INDEX);
    json_decref(j);
    assert_failed(verify_log(&j, dir, "--witness-key", w2_path, "--min-cosignatures", "1", NULL),
                  &j);
    json_decref(j);
    /* Both witnesses. */
    tamper_ok(tamper_cosign(dir, &g.log_v, &w2, now_s, terr));
    assert_clean(verify_log(&j, dir, "--witness-key", w1_path, "--witness-key", w2_path,
                            "--min-cosignatures", "2", NULL),
                 &j);
    json_decref(j);
    note_signer_wipe(&w1);
    note_signer_wipe(&w2);
}

/* ---- the regulation rules -------------------------------------------------------------------- */

static void test_rules(void **state)
{
    (void)state;
    json_t *j = NULL;
    int code = verify_log(&j, g.rules, "--rules", NULL);
    if (code != 2 || count_of(j, "failures") != 0)
        fail_msg("exit %d, want 2 (findings only); %s; stderr: %s", code, dump(j, "failures"),
                 file_head(g.last_stderr));
    assert_string_equal(json_string_value(json_object_get(j, "verdict")), "findings");
    static const char *const rules[] = {"R1", "R2", "R3", "R4",  "R5", "R6",
                                        "R7", "R8", "R9", "R10", "R12"};
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        char t[16], n[16];
        snprintf(t, sizeof t, "%s-T", rules[i]);
        snprintf(n, sizeof n, "%s-N", rules[i]);
        assert_finding(j, rules[i], t);
        refute_finding(j, rules[i], n);
    }
    /* The complaint never transferred is late; five days without an
     * answer are not yet too long (R4 waits for the follow-up period). */
    assert_finding(j, "R3", "R3-T2");
    refute_finding(j, "R4", "R3-T2");
    /* The complaint only acknowledged, in a decided case and in one still
     * under investigation. */
    assert_finding(j, "R4", "R4-T2");
    refute_finding(j, "R4", "R4-N2");
    /* The clean cases are as clean as alone. */
    static const char *const clean[] = {"QJ-C0", "QJ-C1", "QJ-C2", "QJ-C3", "QJ-C4", "QJ-C5"};
    const json_t *findings = json_object_get(j, "findings");
    size_t i;
    const json_t *it;
    json_array_foreach(findings, i, it)
    {
        for (size_t k = 0; k < sizeof clean / sizeof clean[0]; k++)
            if (strcmp(item_str(it, "case_id"), clean[k]) == 0)
                fail_msg("a finding in the clean case %s; %s", clean[k], dump(j, "findings"));
    }
    json_decref(j);

    /* Without --rules, no rule is evaluated. */
    assert_clean(verify_log(&j, g.rules, NULL), &j);
    json_decref(j);
}

/* Deadlines are evaluated as of a time, and the threshold of R10 is set. */
static void test_rules_as_of_and_late_after(void **state)
{
    (void)state;
    json_t *j = NULL;
    char as_of[32];
    /* A day after the receipt, the two days of A§10(1) have not run out. */
    snprintf(as_of, sizeof as_of, "%lld", (long long)(g.r3t2_received + DAY_MS));
    assert_int_equal(verify_log(&j, g.rules, "--rules", "--as-of", as_of, NULL), 2);
    refute_finding(j, "R3", "R3-T2");
    json_decref(j);
    /* Forty days after the receipt, the complaint nobody answered is
     * overdue under R4 too. */
    snprintf(as_of, sizeof as_of, "%lld", (long long)(g.r3t2_received + 40 * DAY_MS));
    assert_int_equal(verify_log(&j, g.rules, "--rules", "--as-of", as_of, NULL), 2);
    assert_finding(j, "R4", "R3-T2");
    json_decref(j);
    /* Three days late is not late with four days of leeway. */
    assert_int_equal(verify_log(&j, g.rules, "--rules", "--late-after", "4d", NULL), 2);
    refute_finding(j, "R10", "R10-T");
    assert_finding(j, "R1", "R1-T");
    json_decref(j);
    assert_int_equal(verify_log(&j, g.rules, "--rules", "--late-after", "36h", NULL), 2);
    assert_finding(j, "R10", "R10-T");
    json_decref(j);
}

/* R11 (B§3): a correction stays in the case of the entry it corrects. The
 * daemon refuses a correction in another case, so the format core makes it. */
static void test_rule_correction(void **state)
{
    (void)state;
    tamper_chain ch;
    appended k1 = core_base(&ch);
    chain_interference(&ch, g.sk[C_WANG], "K-2");
    chain_add(&ch, g.sk[C_WANG], 0,
              entry_json("{\"kind\":\"KIND_CORRECTION\",\"case_id\":\"K-2\",\"correction\":{"
                         "\"corrects\":\"%s\",\"changes\":[{\"field\":\"interference.place\","
                         "\"old_value\":\"执法支队办公室\",\"new_value\":\"二楼\"}],"
                         "\"reason\":\"更正地点\"}}",
                         b64(k1.id).s));
    chain_add(&ch, g.sk[C_WANG], 0,
              entry_json("{\"kind\":\"KIND_CORRECTION\",\"case_id\":\"K-1\",\"correction\":{"
                         "\"corrects\":\"%s\",\"changes\":[{\"field\":\"interference.place\","
                         "\"old_value\":\"执法支队办公室\",\"new_value\":\"二楼\"}],"
                         "\"reason\":\"更正地点\"}}",
                         b64(k1.id).s));
    char dir[PATH_MAX];
    core_write(&ch, dir, sizeof dir, "r11");
    json_t *j = NULL;
    int code = verify_core(&j, dir, "--rules", NULL);
    if (code != 2)
        fail_msg("exit %d, want 2; %s; %s", code, dump(j, "failures"), dump(j, "findings"));
    assert_finding(j, "R11", "K-2");
    refute_finding(j, "R11", "K-1");
    json_decref(j);
}

/* ---- the HTML report ---------------------------------------------------------------------------
 */

static void test_html(void **state)
{
    (void)state;
    char html[PATH_MAX];
    path_fmt(html, sizeof html, "%s/report.html", g.root);
    json_t *j = NULL;
    assert_int_equal(verify_log(&j, g.rules, "--rules", "--html", html, NULL), 2);
    json_decref(j);
    uint8_t *page = NULL;
    size_t len = 0;
    tamper_ok(tamper_read_file(html, 64u << 20, &page, &len, terr));
    const char *p = (const char *)page;
    assert_true(strstr(p, "<html") != NULL || strstr(p, "<HTML") != NULL);
    static const char *const names[] = {"QJ-C2", "R1-T", "R7-T", "R12-T", "R1", "B§3", "王明"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strstr(p, names[i]) == NULL)
            fail_msg("the page does not mention %s", names[i]);
    /* Self-contained: nothing fetched from elsewhere. */
    static const char *const remote[] = {"src=\"http", "src='http", "src=\"//", "url(http",
                                         "url(\"http", "url('http", "@import",  "<link"};
    for (size_t i = 0; i < sizeof remote / sizeof remote[0]; i++)
        if (strstr(p, remote[i]) != NULL)
            fail_msg("the page fetches something from elsewhere: \"%s\"", remote[i]);
    free(page);
}

/* ---- usage ----------------------------------------------------------------------------------- */

static void test_usage(void **state)
{
    (void)state;
    char out[PATH_MAX], empty[PATH_MAX], missing[PATH_MAX], bad_html[PATH_MAX];
    path_fmt(out, sizeof out, "%s/verify.txt", g.root);
    fresh_path(empty, sizeof empty, "empty");
    assert_int_equal(mkdir(empty, 0755), 0);
    fresh_path(missing, sizeof missing, "missing");
    path_fmt(bad_html, sizeof bad_html, "%s/no/such/dir/report.html", g.root);
    const char *const cases[][12] = {
        {NULL},
        {"--bogus", NULL},
        {g.clean, NULL},
        {g.clean, "--log-key", NULL},
        {g.clean, "--log-key", missing, NULL},
        {g.clean, "--log-key", g.trusted, NULL},
        {missing, "--log-key", g.vkey, NULL},
        {empty, "--log-key", g.vkey, NULL},
        {g.clean, "--log-key", g.vkey, "--min-cosignatures", "many", NULL},
        {g.clean, "--log-key", g.vkey, "--as-of", "yesterday-ish", NULL},
        {g.clean, "--log-key", g.vkey, "--late-after", "soon", NULL},
        {g.clean, "--log-key", g.vkey, "--trusted", missing, NULL},
        {g.clean, "--log-key", g.vkey, "--receipts", missing, NULL},
        {g.clean, "--log-key", g.vkey, "--witness-key", missing, NULL},
        {g.clean, "--log-key", g.vkey, "--html", bad_html, NULL},
        {g.clean, g.clean, "--log-key", g.vkey, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int code = run_verify(cases[i], out);
        if (code != 3)
            fail_msg("usage case %zu (%s %s ...): exit %d, want 3; stderr: %s", i,
                     cases[i][0] ? cases[i][0] : "", cases[i][0] && cases[i][1] ? cases[i][1] : "",
                     code, file_head(g.last_stderr));
        /* Every refusal says something. */
        if (file_head(g.last_stderr)[0] == '\0')
            fail_msg("usage case %zu: exit 3 without a word on stderr", i);
    }
    const char *help[] = {"--help", NULL};
    assert_int_equal(run_verify(help, out), 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    if (sodium_init() < 0)
        return 1;
    tu_rng_seed(0x7665726966790004ULL);
    /* The verifier speaks English here, whatever the locale the suite runs in. */
    tu_set_language("C");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builder_round_trip),
        cmocka_unit_test(test_clean_log),
        cmocka_unit_test(test_published_log),
        cmocka_unit_test(test_core_clean),
        cmocka_unit_test(test_other_implementation),
        cmocka_unit_test(test_opaque_entries_refused),
        cmocka_unit_test(test_flipped_bundle_byte),
        cmocka_unit_test(test_altered_enrolment),
        cmocka_unit_test(test_flipped_tile_byte),
        cmocka_unit_test(test_bad_checkpoint),
        cmocka_unit_test(test_key_of_another_log),
        cmocka_unit_test(test_hostile_directories),
        cmocka_unit_test(test_removed_entry),
        cmocka_unit_test(test_rewritten_entry),
        cmocka_unit_test(test_revoked_key),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_log_key_authors),
        cmocka_unit_test(test_role_not_allowed),
        cmocka_unit_test(test_correction_by_another),
        cmocka_unit_test(test_forked_author_chain),
        cmocka_unit_test(test_origin_and_parse),
        cmocka_unit_test(test_cosignatures),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_rules_as_of_and_late_after),
        cmocka_unit_test(test_rule_correction),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_usage),
    };
    return cmocka_run_group_tests_name("verify", tests, setup, teardown);
}
