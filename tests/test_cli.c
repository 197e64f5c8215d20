/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_cli.c — the `liuhen` command line (tools/liuhen/) against a real
 * liuhend in a temporary directory (tests/util/daemon.h).
 *
 * Each test runs build/bin/liuhen as a user or a script would, with its
 * standard output, standard error and exit status captured, and without a
 * controlling terminal (so that a passphrase prompt fails at once instead
 * of waiting). What must be true: every command works in both
 * outputs; the text shows the Chinese labels; the JSON parses and has
 * exactly the names specified; the receipts and proofs printed verify with
 * the format core; every error gives a clear message and its exit status
 * (2 usage, 3 I/O or connection, 1 refused or failed verification),
 * never a crash.
 *
 * One daemon serves the whole file, started by the group setup with a
 * handler, a legal section member, a leader and an investigator enrolled
 * through the CLI; tests run in order and build on one case. A few run the
 * CLI on a pseudo-terminal, as a person would, to answer its questions.
 */
/* posix_openpt(), grantpt(), unlockpt(), ptsname(): XSI. */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "calendar.h"
#include "checkpoint.h"
#include "daemon.h"
#include "liuhen.h"
#include "merkle.h"
#include "note.h"
#include "testutil.h"
#include "text.h"

#ifndef LH_BUILD_DIR
#define LH_BUILD_DIR "build"
#endif

#define CLI_PATH LH_BUILD_DIR "/bin/liuhen"
#define CASE_ID  "QJ-2026-7"

static td_daemon d;
static char state_path[TD_PATH_MAX + 32];
static char vkey_path[TD_PATH_MAX + 32];
static char admin_key[TD_PATH_MAX + 32];

/* ---- running the CLI ----------------------------------------------------- */

typedef struct run_result {
    int status; /* exit status, or 128 + signal */
    char *out;  /* standard output, NUL-terminated */
    char *err;  /* standard error */
} run_result;

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

/* The whole of a file the test expects, as text. */
static char *slurp(const char *path)
{
    char *text = (char *)tu_read_file(path, NULL);
    if (text == NULL)
        fail_msg("cannot open %s", path);
    return text;
}

/*
 * Run liuhen with args (NULL-terminated), the test daemon's socket, log key
 * and state file in its environment (unless env says otherwise: "NAME=value"
 * sets, "NAME" alone unsets), stdin from stdin_path (or /dev/null), in a new
 * session without a controlling terminal.
 */
static void cli_run_env(run_result *r, const char *const *env, const char *stdin_path,
                        const char *const *args)
{
    char out_path[TD_PATH_MAX + 16], err_path[TD_PATH_MAX + 16];
    snprintf(out_path, sizeof out_path, "%s/cli.out", d.dir);
    snprintf(err_path, sizeof err_path, "%s/cli.err", d.dir);
    const char *argv[64];
    size_t n = 0;
    argv[n++] = CLI_PATH;
    for (size_t i = 0; args[i] != NULL && n < 63; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setsid();
        setenv("LIUHEN_SOCKET", d.socket, 1);
        setenv("LIUHEN_LOG_KEY", vkey_path, 1);
        setenv("LIUHEN_STATE", state_path, 1);
        unsetenv("LIUHEN_PASSPHRASE");
        /* China Standard Time, without depending on tzdata. */
        setenv("TZ", "CST-8", 1);
        /* English messages, whatever the suite's environment (env may say otherwise). */
        setenv("LANG", "C.UTF-8", 1);
        unsetenv("LC_ALL");
        unsetenv("LC_MESSAGES");
        unsetenv("LANGUAGE");
        for (size_t i = 0; env != NULL && env[i] != NULL; i++) {
            const char *eq = strchr(env[i], '=');
            if (eq == NULL) {
                unsetenv(env[i]);
            } else {
                char name[64];
                snprintf(name, sizeof name, "%.*s", (int)(eq - env[i]), env[i]);
                setenv(name, eq + 1, 1);
            }
        }
        int in = open(stdin_path != NULL ? stdin_path : "/dev/null", O_RDONLY);
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
            _exit(127);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r->out = slurp(out_path);
    r->err = slurp(err_path);
}

#define CLI(r, ...)           cli_run_env((r), NULL, NULL, (const char *const[]){__VA_ARGS__, NULL})
#define CLI_ENV(r, env, ...)  cli_run_env((r), (env), NULL, (const char *const[]){__VA_ARGS__, NULL})
#define CLI_STDIN(r, in, ...) cli_run_env((r), NULL, (in), (const char *const[]){__VA_ARGS__, NULL})

/*
 * Run liuhen as cli_run_env() does, but on a terminal: a pseudo-terminal is
 * its controlling terminal, its standard input and its standard error, and
 * `typed` is what a person types at it. r->err gets everything the
 * terminal showed (the questions, the echo of the answer, the messages).
 */
static void cli_run_tty(run_result *r, const char *typed, const char *const *args)
{
    char out_path[TD_PATH_MAX + 16];
    snprintf(out_path, sizeof out_path, "%s/cli.out", d.dir);
    const char *argv[64];
    size_t n = 0;
    argv[n++] = CLI_PATH;
    for (size_t i = 0; args[i] != NULL && n < 63; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(master >= 0);
    assert_int_equal(grantpt(master), 0);
    assert_int_equal(unlockpt(master), 0);
    char slave_name[128];
    snprintf(slave_name, sizeof slave_name, "%s", ptsname(master));
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setsid();
        close(master);
        /* Opened by a session leader without O_NOCTTY: the controlling terminal. */
        int tty = open(slave_name, O_RDWR);
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (tty < 0 || out < 0 || dup2(tty, 0) < 0 || dup2(out, 1) < 0 || dup2(tty, 2) < 0)
            _exit(127);
        setenv("LIUHEN_SOCKET", d.socket, 1);
        setenv("LIUHEN_LOG_KEY", vkey_path, 1);
        setenv("LIUHEN_STATE", state_path, 1);
        unsetenv("LIUHEN_PASSPHRASE");
        setenv("TZ", "CST-8", 1);
        setenv("LANG", "C.UTF-8", 1);
        unsetenv("LC_ALL");
        unsetenv("LC_MESSAGES");
        unsetenv("LANGUAGE");
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    /* The line discipline keeps what is typed until the program reads it. */
    assert_int_equal(write(master, typed, strlen(typed)), (ssize_t)strlen(typed));
    size_t cap = 4096, len = 0;
    char *shown = malloc(cap);
    assert_non_null(shown);
    for (;;) {
        struct pollfd p = {.fd = master, .events = POLLIN};
        int ready = poll(&p, 1, 30000);
        if (ready == 0) {
            kill(pid, SIGKILL);
            fail_msg("liuhen on a terminal did not finish within 30 s");
        }
        if (ready < 0 && errno == EINTR)
            continue;
        if (len + 1024 > cap) {
            cap *= 2;
            shown = realloc(shown, cap);
            assert_non_null(shown);
        }
        ssize_t got = read(master, shown + len, cap - len - 1);
        if (got <= 0)
            break; /* EIO: the program exited and closed the terminal */
        len += (size_t)got;
    }
    shown[len] = '\0';
    close(master);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r->out = slurp(out_path);
    r->err = shown;
}

#define CLI_TTY(r, typed, ...) cli_run_tty((r), (typed), (const char *const[]){__VA_ARGS__, NULL})

/* Fail with both streams when the exit status is not the expected one. */
static void expect_status(const run_result *r, int want)
{
    if (r->status != want)
        fail_msg("liuhen exited %d, want %d\n--- stdout:\n%s\n--- stderr:\n%s", r->status, want,
                 r->out, r->err);
}

static void expect_has(const char *where, const char *text, const char *needle)
{
    if (strstr(text, needle) == NULL)
        fail_msg("%s lacks \"%s\":\n%s", where, needle, text);
}

#define OUT_HAS(r, s) expect_has("stdout", (r)->out, (s))
#define ERR_HAS(r, s) expect_has("stderr", (r)->err, (s))

/* Run liuhen with args, expect its exit status and, for each part that is
 * not NULL, a standard output or error that mentions it; the output is
 * then dropped. */
static void cli_expect(int status, const char *out_part, const char *err_part,
                       const char *const *args)
{
    run_result r;
    cli_run_env(&r, NULL, NULL, args);
    expect_status(&r, status);
    if (out_part != NULL)
        OUT_HAS(&r, out_part);
    if (err_part != NULL)
        ERR_HAS(&r, err_part);
    run_free(&r);
}

#define CLI_ARGS(...)          ((const char *const[]){__VA_ARGS__, NULL})
#define CLI_EXITS(status, ...) cli_expect((status), NULL, NULL, CLI_ARGS(__VA_ARGS__))
#define CLI_PRINTS(status, out_part, ...)                                                          \
    cli_expect((status), (out_part), NULL, CLI_ARGS(__VA_ARGS__))
#define CLI_FAILS(status, err_part, ...)                                                           \
    cli_expect((status), NULL, (err_part), CLI_ARGS(__VA_ARGS__))

/* Parse stdout as one JSON object. */
static json_t *out_json(const run_result *r)
{
    json_error_t e;
    json_t *j = json_loads(r->out, JSON_REJECT_DUPLICATES, &e);
    if (j == NULL || !json_is_object(j))
        fail_msg("stdout is not a JSON object (%s, line %d):\n%s", e.text, e.line, r->out);
    return j;
}

/* Assert that an object has exactly these members. */
static void expect_keys(const json_t *o, const char *const *names)
{
    size_t n = 0;
    for (; names[n] != NULL; n++)
        if (json_object_get(o, names[n]) == NULL)
            fail_msg("JSON object lacks \"%s\": %s", names[n], json_dumps(o, 0));
    if (json_object_size(o) != n) {
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)o, key, v)
        {
            bool known = false;
            for (size_t i = 0; i < n; i++)
                known = known || strcmp(key, names[i]) == 0;
            if (!known)
                fail_msg("JSON object has an unexpected member \"%s\"", key);
        }
    }
}

#define KEYS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void path_in(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", d.dir, name);
}

static uint64_t json_u64(const json_t *o, const char *name)
{
    const json_t *v = json_object_get(o, name);
    if (!json_is_integer(v))
        fail_msg("\"%s\" is not an integer", name);
    return (uint64_t)json_integer_value(v);
}

static void json_hash(const json_t *o, const char *name, uint8_t out[32])
{
    const char *s = json_string_value(json_object_get(o, name));
    assert_non_null(s);
    size_t n;
    assert_int_equal(text_b64_decode(out, 32, &n, s, strlen(s), 32), 0);
}

/* The log index of the case's entry i, from `liuhen --json case`. */
static uint64_t case_index(size_t i)
{
    run_result r;
    cli_run_env(&r, NULL, NULL, (const char *const[]){"--json", "case", CASE_ID, NULL});
    if (r.status != 0)
        fail_msg("case %s: exit %d: %s", CASE_ID, r.status, r.err);
    json_t *j = out_json(&r);
    const json_t *e = json_array_get(json_object_get(j, "entries"), i);
    assert_non_null(e);
    uint64_t index = json_u64(e, "index");
    json_decref(j);
    run_free(&r);
    return index;
}

/* ---- the daemon and the people of the scenario ------------------------- */

static const char *const people[][3] = {
    /* file prefix, holder, roles */
    {"handler", "张三", "handler"},
    {"legal", "李四", "法规部门"},
    {"leader", "王局长", "leader"},
    {"investigator", "赵六", "investigator"},
};

static char key_of[4][TD_PATH_MAX + 48];

static int group_setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    td_init(&d);
    td_start(&d, NULL);
    path_in(state_path, sizeof state_path, "state.checkpoint");
    snprintf(vkey_path, sizeof vkey_path, "%s/log.vkey", d.data);
    path_in(admin_key, sizeof admin_key, "admin.key");
    for (size_t i = 0; i < 4; i++) {
        char prefix[TD_PATH_MAX + 32], pub[TD_PATH_MAX + 48];
        path_in(prefix, sizeof prefix, people[i][0]);
        snprintf(key_of[i], sizeof key_of[i], "%s.key", prefix);
        snprintf(pub, sizeof pub, "%s.pub", prefix);
        CLI_EXITS(0, "keygen", "--out", prefix, "--holder", people[i][1], "--no-passphrase");
        CLI_EXITS(0, "enroll", "--key", admin_key, "--pub", pub, "--roles", people[i][2], "--unit",
                  "区应急管理局");
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    td_cleanup(&d);
    return 0;
}

#define HANDLER      key_of[0]
#define LEGAL        key_of[1]
#define LEADER       key_of[2]
#define INVESTIGATOR key_of[3]

/* ---- help and usage ----------------------------------------------------- */

static void test_help(void **state)
{
    (void)state;
    run_result r;
    CLI(&r, "help");
    expect_status(&r, 0);
    const char *cmds[] = {"keygen",      "enroll", "revoke", "keys",       "append",
                          "get",         "case",   "author", "checkpoint", "prove",
                          "consistency", "export", "backup", "status"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        OUT_HAS(&r, cmds[i]);
    OUT_HAS(&r, "Exit status");
    run_free(&r);

    /* Both forms give the synopsis, every option with its default, an example. */
    CLI(&r, "help", "append");
    expect_status(&r, 0);
    OUT_HAS(&r, "Usage: liuhen append --key KEY --kind KIND --case CASE");
    OUT_HAS(&r, "#INDEX");
    OUT_HAS(&r, "default: $LIUHEN_SOCKET, else var/liuhen.sock");
    OUT_HAS(&r, "Example:");
    char *first = strdup(r.out);
    run_free(&r);
    CLI(&r, "append", "--help");
    expect_status(&r, 0);
    assert_string_equal(r.out, first);
    free(first);
    run_free(&r);

    /* An unknown command: one line and a hint, not the whole help. */
    CLI(&r, "frobnicate");
    expect_status(&r, 2);
    assert_string_equal(r.err,
                        "liuhen: unknown command 'frobnicate' (liuhen help lists the commands)\n");
    run_free(&r);
    CLI(&r, "stauts");
    expect_status(&r, 2);
    assert_string_equal(r.err,
                        "liuhen: unknown command 'stauts'; did you mean 'status'? (liuhen help)\n");
    run_free(&r);
    CLI_FAILS(2, "did you mean 'append'?", "apend");
    CLI_FAILS(2, "it is a kind of record (liuhen append --kind interference", "interference");
    CLI_FAILS(2, "no command or kind 'frobnicate'", "help", "frobnicate");
    CLI_FAILS(2, "no command or kind 'kinsd'; did you mean 'kinds'?", "help", "kinsd");
    CLI_FAILS(2, "did you mean 'interference'?", "help", "interferance");
    CLI(&r, "keys", "--bogus");
    expect_status(&r, 2);
    ERR_HAS(&r, "--bogus");
    ERR_HAS(&r, "liuhen help keys");
    run_free(&r);
    CLI_EXITS(2, "--timeout", "0", "status");
    CLI_EXITS(2, "get", "abc");
    const char *none[] = {NULL};
    cli_run_env(&r, NULL, NULL, none);
    expect_status(&r, 2);
    ERR_HAS(&r, "Usage: liuhen");
    run_free(&r);
}

/* The language of the help and of the errors is the locale's: Chinese under
 * zh_CN (from the build tree's catalogue, even where that locale is not
 * generated), English under C. */
static void test_help_language(void **state)
{
    (void)state;
    run_result r;
    const char *help[] = {"help", NULL};
    const char *zh[] = {"LANG=zh_CN.UTF-8", NULL};
    const char *c_locale[] = {"LANG=C", NULL};
    cli_run_env(&r, zh, NULL, help);
    expect_status(&r, 0);
    OUT_HAS(&r, "用法：liuhen");
    OUT_HAS(&r, "命令：");
    OUT_HAS(&r, "签名并追加一条记录");
    OUT_HAS(&r, "退出状态：");
    if (strstr(r.out, "Usage:") != NULL || strstr(r.out, "Commands:") != NULL)
        fail_msg("liuhen help in zh_CN is not all Chinese:\n%s", r.out);
    run_free(&r);

    cli_run_env(&r, c_locale, NULL, help);
    expect_status(&r, 0);
    OUT_HAS(&r, "Usage: liuhen");
    OUT_HAS(&r, "Commands:");
    OUT_HAS(&r, "sign and append a record");
    OUT_HAS(&r, "Exit status:");
    if (strstr(r.out, "用法") != NULL || strstr(r.out, "命令：") != NULL)
        fail_msg("liuhen help in C is not English:\n%s", r.out);
    run_free(&r);

    /* An error, in each language. */
    const char *bad[] = {"stauts", NULL};
    cli_run_env(&r, zh, NULL, bad);
    expect_status(&r, 2);
    assert_string_equal(r.err,
                        "liuhen：未知的命令 'stauts'；是否要输入 'status'？（liuhen help）\n");
    run_free(&r);
    cli_run_env(&r, c_locale, NULL, bad);
    expect_status(&r, 2);
    assert_string_equal(r.err,
                        "liuhen: unknown command 'stauts'; did you mean 'status'? (liuhen help)\n");
    run_free(&r);
}

/* ---- help at the moment of recording ------------------------------------ */

static void test_help_kinds(void **state)
{
    (void)state;
    run_result r;
    CLI(&r, "help", "kinds");
    expect_status(&r, 0);
    /* Every kind append takes, with its Chinese label. */
    static const char *const kinds[][2] = {
        {"interference", "干预插手记录"},
        {"guidance", "指导性意见"},
        {"complaint", "投诉举报登记"},
        {"transfer", "转送有权部门"},
        {"reply", "答复"},
        {"investigation-assigned", "指派调查组"},
        {"investigation-step", "调查"},
        {"decision", "处理决定"},
        {"review-order", "责令重新调查"},
        {"appeal", "陈述申辩/申诉"},
        {"notification", "通报"},
        {"correction", "更正"},
        {"case-closed", "结案"},
        {"report", "报告"},
        {"recommendation", "法规部门处理建议"},
        {"supervision-check", "法制机构检查、抽查及处理"},
        {"service", "送达、告知"},
        {"approval", "报经批准"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        OUT_HAS(&r, kinds[i][0]);
        OUT_HAS(&r, kinds[i][1]);
    }
    OUT_HAS(&r, "B§3");
    OUT_HAS(&r, "liuhen help KIND");
    run_free(&r);

    /* One kind: every field, the five elements of B§3 required, the
     * values with their terms, an example. */
    CLI(&r, "help", "interference");
    expect_status(&r, 0);
    OUT_HAS(&r, "干预插手记录 interference — KIND_INTERFERENCE (B§3)");
    OUT_HAS(&r, "R1 B§3：时间、地点、人物、方式、内容");
    OUT_HAS(&r, "地点");
    OUT_HAS(&r, "  place ");
    OUT_HAS(&r, "      text\n");
    OUT_HAS(&r, "required: R1");
    OUT_HAS(&r, "person.relation");
    OUT_HAS(&r, "retired");
    OUT_HAS(&r, "已经离退休的人员 [B§2]");
    OUT_HAS(&r, "phone");
    OUT_HAS(&r, "电话 [B§5]");
    OUT_HAS(&r, "required, not bureau-head: R2");
    OUT_HAS(&r, "--set manner=oral");
    OUT_HAS(&r, "liuhen append --key KEY --kind interference --case CASE");
    OUT_HAS(&r, "\"reported_to\":\"legal-section\"");
    /* The same by its proto name and by its label. */
    char *first = strdup(r.out);
    run_free(&r);
    CLI(&r, "help", "KIND_INTERFERENCE");
    expect_status(&r, 0);
    assert_string_equal(r.out, first);
    run_free(&r);
    CLI(&r, "help", "干预插手记录");
    expect_status(&r, 0);
    assert_string_equal(r.out, first);
    run_free(&r);
    free(first);
    /* In Chinese under LANG=zh_CN.UTF-8: the types and the requirements too. */
    CLI_ENV(&r, CLI_ARGS("LANG=zh_CN.UTF-8"), "help", "interference");
    expect_status(&r, 0);
    OUT_HAS(&r, "      文本\n");
    OUT_HAS(&r, "必填：R1（B§3：时间、地点、人物、方式、内容）");
    assert_null(strstr(r.out, "required"));
    run_free(&r);

    /* A decision: the collective discussion, and who is responsible for a
     * wrongful case; for scripts, as JSON. */
    CLI(&r, "--json", "help", "decision");
    expect_status(&r, 0);
    json_t *j = out_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "label")), "处理决定");
    const json_t *fields = json_object_get(j, "fields");
    bool responsible = false;
    for (size_t i = 0; i < json_array_size(fields); i++) {
        const json_t *f = json_array_get(fields, i);
        if (strcmp(json_string_value(json_object_get(f, "path")), "responsible.person.name") != 0)
            continue;
        const json_t *req = json_array_get(json_object_get(f, "required"), 0);
        assert_string_equal(json_string_value(json_object_get(req, "rule")), "R7");
        assert_string_equal(json_string_value(json_object_get(req, "when")),
                            "when wrongful_case is true");
        responsible = true;
    }
    assert_true(responsible);
    assert_true(json_is_object(json_object_get(j, "example_json")));
    json_decref(j);
    run_free(&r);
}

/* The RECORD KINDS section of docs/liuhen.1 is what `liuhen help --man
 * kinds` prints. When the schema, the roles or the requirements change,
 * regenerate it from the root of the source tree:
 *   GEN="$(build/bin/liuhen help --man kinds)" awk '
 *     /^\.\\" BEGIN liuhen help --man kinds/ { print ENVIRON["GEN"]; skip = 1; next }
 *     /^\.\\" END liuhen help --man kinds/ { skip = 0; next }
 *     !skip' docs/liuhen.1 > docs/liuhen.1.new && mv docs/liuhen.1.new docs/liuhen.1
 */
static void test_man_kinds(void **state)
{
    (void)state;
    run_result r;
    CLI(&r, "help", "--man", "kinds");
    expect_status(&r, 0);
    char *page = slurp("docs/liuhen.1");
    const char *begin = strstr(page, ".\\\" BEGIN liuhen help --man kinds");
    const char *end_marker = ".\\\" END liuhen help --man kinds\n";
    const char *end = begin != NULL ? strstr(begin, end_marker) : NULL;
    if (begin == NULL || end == NULL)
        fail_msg("docs/liuhen.1 has no generated RECORD KINDS section");
    size_t len = (size_t)(end - begin) + strlen(end_marker);
    if (strlen(r.out) != len || memcmp(r.out, begin, len) != 0)
        fail_msg("docs/liuhen.1's RECORD KINDS section is not what `liuhen help --man kinds` "
                 "prints: regenerate it (see this test's comment)");
    free(page);
    run_free(&r);
}

/* ---- keys ---------------------------------------------------------------- */

static void test_keygen(void **state)
{
    (void)state;
    char prefix[TD_PATH_MAX + 32], key[TD_PATH_MAX + 48], pub[TD_PATH_MAX + 48];
    char pass[TD_PATH_MAX + 32];
    path_in(prefix, sizeof prefix, "wang");
    snprintf(key, sizeof key, "%s.key", prefix);
    snprintf(pub, sizeof pub, "%s.pub", prefix);
    path_in(pass, sizeof pass, "wang.pass");
    tu_write_file(pass, "正确的口令 correct horse\n", 0600);

    run_result r;
    CLI(&r, "--json", "keygen", "--out", prefix, "--holder", "王五", "--passphrase-file", pass);
    expect_status(&r, 0);
    json_t *j = out_json(&r);
    expect_keys(j, KEYS("holder", "key_file", "pub_file", "vkey", "key_id", "encrypted"));
    assert_true(json_is_true(json_object_get(j, "encrypted")));
    assert_string_equal(json_string_value(json_object_get(j, "holder")), "王五");
    json_decref(j);
    run_free(&r);

    struct stat st;
    assert_int_equal(stat(key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(pub, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    bool encrypted = false;
    assert_int_equal(keyfile_secret_is_encrypted(key, &encrypted, NULL), 0);
    assert_true(encrypted);

    /* Never overwritten. */
    CLI_FAILS(3, "already exists", "keygen", "--out", prefix, "--no-passphrase");

    /* A holder name must be a note key name. */
    char other[TD_PATH_MAX + 32];
    path_in(other, sizeof other, "other");
    CLI_FAILS(2, "not a valid key name", "keygen", "--out", other, "--holder", "王 五",
              "--no-passphrase");
    CLI_EXITS(2, "keygen", "--out", other, "--holder", "a+b", "--no-passphrase");

    /* A passphrase file others can read protects nothing: refused. */
    char open_pass[TD_PATH_MAX + 32];
    path_in(open_pass, sizeof open_pass, "open.pass");
    tu_write_file(open_pass, "secret\n", 0644);
    CLI_FAILS(3, "accessible by group or others", "keygen", "--out", other, "--passphrase-file",
              open_pass);

    /* No file, no variable, no terminal: a clear refusal, not a hang. */
    CLI_FAILS(2, "none can be had", "keygen", "--out", other);
    assert_int_not_equal(access(other, F_OK), 0);

    /* LIUHEN_PASSPHRASE, for scripts; the default holder is PREFIX's last part. */
    CLI_ENV(&r, KEYS("LIUHEN_PASSPHRASE=另一个口令"), "keygen", "--out", other);
    expect_status(&r, 0);
    OUT_HAS(&r, "key pair generated for other");
    OUT_HAS(&r, "encrypted with the passphrase");
    run_free(&r);
}

static void test_enroll_keys_revoke(void **state)
{
    (void)state;
    run_result r;
    CLI(&r, "keys");
    expect_status(&r, 0);
    OUT_HAS(&r, "张三");
    OUT_HAS(&r, "办案人员 handler");
    OUT_HAS(&r, "法规部门 legal");
    OUT_HAS(&r, "局领导 leader");
    OUT_HAS(&r, "[active]");
    OUT_HAS(&r, "区应急管理局");
    run_free(&r);

    CLI(&r, "--json", "keys");
    expect_status(&r, 0);
    json_t *j = out_json(&r);
    expect_keys(j, KEYS("keys"));
    const json_t *a = json_object_get(j, "keys");
    assert_true(json_is_array(a));
    assert_int_equal(json_array_size(a), 5); /* the admin and the four */
    const json_t *k = json_array_get(a, 1);
    expect_keys(k, KEYS("public_key", "holder", "position", "unit", "roles", "enrolled_index",
                        "enrolled_at", "enrolled_at_rfc3339", "revoked", "revoked_index",
                        "revoked_at", "revoked_at_rfc3339", "revoke_reason"));
    assert_string_equal(json_string_value(json_object_get(k, "holder")), "张三");
    assert_string_equal(json_string_value(json_array_get(json_object_get(k, "roles"), 0)),
                        "ROLE_HANDLER");
    json_decref(j);
    run_free(&r);

    /* Enrol 王五 (encrypted key) as handler with a role given in Chinese, then
     * check a bad role and a missing public key file. */
    char pub[TD_PATH_MAX + 32];
    path_in(pub, sizeof pub, "wang.pub");
    CLI(&r, "enroll", "--key", admin_key, "--pub", pub, "--roles", "办案人员，调查组成员");
    expect_status(&r, 0);
    OUT_HAS(&r, "logged entry ");
    OUT_HAS(&r, "kind: KEY_ENROLL");
    OUT_HAS(&r, "enrolled: 王五");
    OUT_HAS(&r, "调查组成员 investigator");
    run_free(&r);
    CLI_FAILS(2, "unknown role 'janitor'", "enroll", "--key", admin_key, "--pub", pub, "--roles",
              "janitor");
    CLI_EXITS(3, "enroll", "--key", admin_key, "--pub", "/nonexistent/x.pub", "--roles", "handler");
    /* Only an admin enrols. */
    CLI_FAILS(1, "PERMISSION_DENIED", "enroll", "--key", HANDLER, "--pub", pub, "--roles", "admin");

    /* Revoke "other" after enrolling it; it then appends nothing. */
    char other_pub[TD_PATH_MAX + 32], other_key[TD_PATH_MAX + 32];
    path_in(other_pub, sizeof other_pub, "other.pub");
    path_in(other_key, sizeof other_key, "other.key");
    CLI(&r, "--json", "enroll", "--key", admin_key, "--pub", other_pub, "--roles", "handler",
        "--holder", "其他人");
    expect_status(&r, 0);
    j = out_json(&r);
    expect_keys(j, KEYS("leaf_index", "leaf_hash", "integrated_at", "tree_size", "audit_path",
                        "checkpoint"));
    json_decref(j);
    run_free(&r);
    CLI(&r, "revoke", "--key", admin_key, "--pub", other_pub, "--reason", "调离执法岗位");
    expect_status(&r, 0);
    OUT_HAS(&r, "kind: KEY_REVOKE");
    OUT_HAS(&r, "revoked: other");
    run_free(&r);
    /* The same in JSON, for a third key. */
    char third[TD_PATH_MAX + 32], third_pub[TD_PATH_MAX + 48];
    path_in(third, sizeof third, "third");
    snprintf(third_pub, sizeof third_pub, "%s.pub", third);
    CLI_FAILS(0, "NOT encrypted", "keygen", "--out", third, "--no-passphrase");
    CLI_EXITS(0, "enroll", "--key", admin_key, "--pub", third_pub, "--roles", "legal");
    CLI(&r, "--json", "revoke", "--key", admin_key, "--pub", third_pub, "--reason", "私钥遗失");
    expect_status(&r, 0);
    j = out_json(&r);
    expect_keys(j, KEYS("leaf_index", "leaf_hash", "integrated_at", "tree_size", "audit_path",
                        "checkpoint"));
    json_decref(j);
    run_free(&r);
    CLI(&r, "keys");
    expect_status(&r, 0);
    OUT_HAS(&r, "[revoked]");
    OUT_HAS(&r, "调离执法岗位");
    run_free(&r);
    CLI_ENV(&r, KEYS("LIUHEN_PASSPHRASE=另一个口令"), "append", "--key", other_key, "--kind",
            "interference", "--case", "QJ-REVOKED", "--set", "place=x");
    expect_status(&r, 1);
    ERR_HAS(&r, "revoked");
    run_free(&r);
    CLI_EXITS(2, "revoke", "--key", admin_key, "--pub", other_pub);
}

/* ---- append -------------------------------------------------------------- */

static void test_append_receipt(void **state)
{
    (void)state;
    char evidence[TD_PATH_MAX + 32], receipt[TD_PATH_MAX + 32];
    path_in(evidence, sizeof evidence, "通话记录.txt");
    path_in(receipt, sizeof receipt, "receipt.json");
    tu_write_file(evidence, "2026-05-20 09:30 来电 13800000000\n", 0644);

    /* B§3: a retired official phones the handler to plead for a party. */
    run_result r;
    CLI(&r, "append", "--key", HANDLER, "--kind", "interference", "--case", CASE_ID, "--set",
        "occurred_at=2026-05-20 09:30", "--set", "place=执法支队办公室", "--set",
        "person.name=刘某", "--set", "person.position=原副局长", "--set", "person.relation=retired",
        "--set", "manner=phone", "--set", "content=为当事人陈某说情，要求从轻处罚", "--set",
        "categories=pleading-spying", "--set", "response=refused", "--set",
        "reported_to=legal-section", "--set", "reported_at=2026-05-20 10:00", "--attach", evidence,
        "--receipt", receipt);
    expect_status(&r, 0);
    OUT_HAS(&r, "logged entry ");
    OUT_HAS(&r, "+08:00");
    OUT_HAS(&r, "kind: INTERFERENCE");
    OUT_HAS(&r, "verified: checkpoint signature, inclusion proof");
    OUT_HAS(&r, "receipt saved to");
    run_free(&r);

    /* The saved receipt verifies offline with the log key alone. */
    char *text = slurp(receipt);
    lh_receipt rc;
    lh_err err = {{0}};
    assert_int_equal(lh_receipt_from_json(text, strlen(text), &rc, &err), 0);
    if (lh_receipt_verify(&rc, d.vkey, &err) != 0)
        fail_msg("the saved receipt does not verify: %s", err.msg);
    /* One flipped bit of the leaf hash and it fails. */
    rc.leaf_hash[0] ^= 1;
    assert_int_equal(lh_receipt_verify(&rc, d.vkey, &err), LH_EPROOF);
    lh_receipt_free(&rc);
    free(text);

    /* The receipt in JSON has exactly the names liuhen.h documents. */
    CLI(&r, "--json", "append", "--key", LEGAL, "--kind", "complaint", "--case", CASE_ID, "--set",
        "complainant.name=陈某", "--set", "channel=letter", "--set", "received_at=2026-05-21 09:00",
        "--set", "conducts=manifestly-unfair", "--set", "summary=处罚显失公正", "--set",
        "jurisdiction=accepted");
    expect_status(&r, 0);
    json_t *j = out_json(&r);
    expect_keys(j, KEYS("leaf_index", "leaf_hash", "integrated_at", "tree_size", "audit_path",
                        "checkpoint"));
    assert_true(json_is_array(json_object_get(j, "audit_path")));
    json_decref(j);
    run_free(&r);
}

static void test_append_json_body(void **state)
{
    (void)state;
    char body[TD_PATH_MAX + 32];
    path_in(body, sizeof body, "reply.json");
    /* A reply to the complaint (entry #<index of the complaint>): the JSON
     * gives the fields, a --set refines them and names the complaint. */
    tu_write_file(body,
                  "{\"replied_at\": \"2026-05-22 15:00\", \"addressee\": \"陈某\",\n"
                  " \"method\": \"REPLY_METHOD_WRITTEN\", \"content\": \"已受理，正在调查\"}\n",
                  0644);
    char ref[48];
    snprintf(ref, sizeof ref, "complaint=#%llu", (unsigned long long)case_index(1));
    run_result r;
    CLI_PRINTS(0, "kind: REPLY", "append", "--key", LEGAL, "--kind", "reply", "--case", CASE_ID,
               "--json", body, "--set", ref, "--set", "method=phone");

    /* From standard input: the investigation is assigned. */
    char in[TD_PATH_MAX + 32];
    path_in(in, sizeof in, "assigned.json");
    tu_write_file(in,
                  "{\"investigation_assigned\": {\"assigned_by\": {\"name\": \"王局长\"},\n"
                  " \"team\": [{\"name\": \"赵六\"}], \"scope\": \"核查处罚程序\"}}",
                  0644);
    CLI_STDIN(&r, in, "append", "--key", LEADER, "--kind", "investigation-assigned", "--case",
              CASE_ID, "--json", "-");
    expect_status(&r, 0);
    OUT_HAS(&r, "kind: INVESTIGATION_ASSIGNED");
    run_free(&r);

    /* Malformed JSON: exit 2, with the line. */
    tu_write_file(in, "{\"scope\": ", 0644);
    CLI_STDIN(&r, in, "append", "--key", LEADER, "--kind", "investigation-assigned", "--case",
              CASE_ID, "--json", "-");
    expect_status(&r, 2);
    ERR_HAS(&r, "line");
    run_free(&r);
}

static void test_append_errors(void **state)
{
    (void)state;
    run_result r;
    /* A field that does not exist: named, with the fields that do. */
    CLI(&r, "append", "--key", HANDLER, "--kind", "interference", "--case", CASE_ID, "--set",
        "plaec=办公室");
    expect_status(&r, 2);
    ERR_HAS(&r, "interference.plaec");
    ERR_HAS(&r, "place");
    run_free(&r);
    /* A value the field does not accept: named, with what it accepts. */
    CLI(&r, "append", "--key", HANDLER, "--kind", "interference", "--case", CASE_ID, "--set",
        "manner=fax");
    expect_status(&r, 2);
    ERR_HAS(&r, "interference.manner");
    ERR_HAS(&r, "phone");
    run_free(&r);
    CLI_FAILS(2, "occurred_at", "append", "--key", HANDLER, "--kind", "interference", "--case",
              CASE_ID, "--set", "occurred_at=yesterday-ish");
    /* An unknown kind: the kinds are listed. */
    CLI(&r, "append", "--key", HANDLER, "--kind", "gossip", "--case", CASE_ID);
    expect_status(&r, 2);
    ERR_HAS(&r, "unknown kind 'gossip'");
    ERR_HAS(&r, "investigation-step");
    ERR_HAS(&r, "case-closed");
    run_free(&r);
    /* Required options. */
    CLI_FAILS(2, "--key", "append", "--kind", "interference", "--case", CASE_ID);
    /* A key file that does not exist. */
    CLI_FAILS(3, "/nonexistent/nobody.key", "append", "--key", "/nonexistent/nobody.key", "--kind",
              "interference", "--case", CASE_ID, "--set", "place=x");
    /* A receipt that could not be saved is refused before anything is logged. */
    CLI(&r, "--json", "checkpoint");
    expect_status(&r, 0);
    json_t *j = out_json(&r);
    uint64_t before = json_u64(j, "tree_size");
    json_decref(j);
    run_free(&r);
    CLI_FAILS(3, "--receipt /nonexistent/receipt.json", "append", "--key", HANDLER, "--kind",
              "interference", "--case", CASE_ID, "--set", "place=x", "--receipt",
              "/nonexistent/receipt.json");
    CLI(&r, "--json", "checkpoint");
    expect_status(&r, 0);
    j = out_json(&r);
    assert_int_equal(json_u64(j, "tree_size"), before);
    json_decref(j);
    run_free(&r);
    /* A ref to an entry the log does not have, by index and by entry id. */
    CLI_FAILS(2, "99999", "append", "--key", HANDLER, "--kind", "interference", "--case", CASE_ID,
              "--ref", "99999");
    CLI_FAILS(2, "no entry of the log has entry id", "append", "--key", HANDLER, "--kind",
              "interference", "--case", CASE_ID, "--ref",
              "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    /* A ref by index and one by entry id name the same entry: the entry
     * ids the record holds are the log's. */
    CLI(&r, "--json", "get", "1");
    expect_status(&r, 0);
    j = out_json(&r);
    char id1[64];
    snprintf(id1, sizeof id1, "%s", json_string_value(json_object_get(j, "entry_id")));
    json_decref(j);
    run_free(&r);
    CLI(&r, "--json", "append", "--key", HANDLER, "--kind", "interference", "--case", "QJ-REFS",
        "--set", "place=窗口", "--ref", "#1", "--ref", "2");
    expect_status(&r, 0);
    j = out_json(&r);
    uint64_t with_refs = json_u64(j, "leaf_index");
    json_decref(j);
    run_free(&r);
    char at[32];
    snprintf(at, sizeof at, "%llu", (unsigned long long)with_refs);
    CLI(&r, "--json", "get", at);
    expect_status(&r, 0);
    j = out_json(&r);
    const json_t *refs = json_object_get(json_object_get(j, "entry"), "refs");
    assert_int_equal(json_array_size(refs), 2);
    assert_string_equal(json_string_value(json_array_get(refs, 0)), id1);
    json_decref(j);
    run_free(&r);
    CLI_FAILS(2, "already refers to that entry", "append", "--key", HANDLER, "--kind",
              "interference", "--case", "QJ-REFS", "--ref", "#1", "--ref", id1);
    /* A refusal: a handler may not append a DECISION (A§10(3): the leadership). */
    CLI(&r, "append", "--key", HANDLER, "--kind", "decision", "--case", CASE_ID, "--set",
        "summary=不予追究");
    expect_status(&r, 1);
    ERR_HAS(&r, "PERMISSION_DENIED");
    ERR_HAS(&r, "局领导 leader");
    run_free(&r);

    /* An encrypted key: a wrong passphrase is refused (exit 1), the right one
     * appends; the variable is read once and never left behind. */
    char wang[TD_PATH_MAX + 32], bad[TD_PATH_MAX + 32], good[TD_PATH_MAX + 32];
    path_in(wang, sizeof wang, "wang.key");
    path_in(bad, sizeof bad, "bad.pass");
    path_in(good, sizeof good, "wang.pass");
    tu_write_file(bad, "wrong\n", 0600);
    CLI_FAILS(1, "wrong passphrase", "append", "--key", wang, "--kind", "interference", "--case",
              "QJ-2026-8", "--set", "place=窗口", "--passphrase-file", bad);
    CLI_FAILS(2, "none can be had", "append", "--key", wang, "--kind", "interference", "--case",
              "QJ-2026-8", "--set", "place=窗口");
    CLI_EXITS(0, "append", "--key", wang, "--kind", "interference", "--case", "QJ-2026-8", "--set",
              "place=窗口", "--passphrase-file", good);
}

/* The rest of the case, so that the timeline holds every stage. */
static void test_append_investigation(void **state)
{
    (void)state;
    char minutes[TD_PATH_MAX + 32];
    path_in(minutes, sizeof minutes, "询问笔录.pdf");
    tu_write_file(minutes, "%PDF-1.4 询问笔录\n", 0644);
    CLI_EXITS(0, "append", "--key", INVESTIGATOR, "--kind", "investigation-step", "--case", CASE_ID,
              "--set", "method=question-officer", "--set", "conducted_at=2026-05-25 10:00", "--set",
              "persons_questioned.name=执法人员甲", "--set", "summary=询问执法责任人", "--attach",
              minutes);
    CLI_PRINTS(
        0, "kind: DECISION", "append", "--key", LEADER, "--kind", "decision", "--case", CASE_ID,
        "--set", "wrongful_case=true", "--set", "responsible.person.name=执法人员甲", "--set",
        "responsible.sanctions=circulated-criticism", "--set",
        "responsible.mitigations=self-corrected", "--set", "responsible.leniency=lighter", "--set",
        "collective_discussion.held_at=2026-06-01 09:00", "--set",
        "collective_discussion.participants.name=王局长", "--set", "summary=认定为错案，从轻处理");
}

/* ---- reading ----------------------------------------------------------- */

static void test_case(void **state)
{
    (void)state;
    run_result r;
    CLI(&r, "case", CASE_ID);
    expect_status(&r, 0);
    OUT_HAS(&r, "case " CASE_ID " · ");
    OUT_HAS(&r, "  INTERFERENCE");
    OUT_HAS(&r, "  COMPLAINT");
    OUT_HAS(&r, "  REPLY");
    OUT_HAS(&r, "  DECISION");
    OUT_HAS(&r, "place: 执法支队办公室"); /* field label */
    OUT_HAS(&r, ": phone [B§5]");         /* enum label and article */
    OUT_HAS(&r, ": retired");
    OUT_HAS(&r, "circulated-criticism [A§11(2)]");
    OUT_HAS(&r, "张三 (办案人员 handler)");    /* who recorded it, with roles */
    OUT_HAS(&r, "2026-05-20 09:30:00 +08:00"); /* times in Beijing time */
    OUT_HAS(&r, "通话记录.txt");               /* attachments */
    OUT_HAS(&r, " COMPLAINT (");               /* the reply names the complaint */
    OUT_HAS(&r, "chain verified: 6 entries");
    run_free(&r);

    CLI(&r, "--json", "case", CASE_ID);
    expect_status(&r, 0);
    json_t *j = out_json(&r);
    expect_keys(j, KEYS("case_id", "tree_size", "checkpoint", "chain_verified", "entries"));
    const json_t *entries = json_object_get(j, "entries");
    assert_int_equal(json_array_size(entries), 6);
    const json_t *e0 = json_array_get(entries, 0);
    expect_keys(e0, KEYS("index", "entry_id", "leaf_hash", "integrated_at", "integrated_at_rfc3339",
                         "author", "entry", "signature", "audit_path"));
    const json_t *entry = json_object_get(e0, "entry");
    assert_string_equal(json_string_value(json_object_get(entry, "kind")), "KIND_INTERFERENCE");
    const json_t *body = json_object_get(entry, "interference");
    assert_string_equal(json_string_value(json_object_get(body, "manner")), "MANNER_PHONE");
    assert_string_equal(json_string_value(json_object_get(body, "place")), "执法支队办公室");
    json_decref(j);
    run_free(&r);

    CLI_FAILS(1, "NO-SUCH-CASE", "case", "NO-SUCH-CASE");
}

/* ---- many records at once ----------------------------------------------- */

/* The log's tree size now. */
static uint64_t tree_size_now(void)
{
    run_result r;
    CLI(&r, "--json", "checkpoint");
    expect_status(&r, 0);
    json_t *j = out_json(&r);
    uint64_t size = json_u64(j, "tree_size");
    json_decref(j);
    run_free(&r);
    return size;
}

/* ---- what the regulations require, before signing ---------------------- */

/* An interference with its time, manner and content, reported, but with no
 * place and no person: B§3's elements are missing. */
#define INCOMPLETE_INTERFERENCE(case_id)                                                           \
    "append", "--key", HANDLER, "--kind", "interference", "--case", case_id, "--set",              \
        "occurred_at=2026-05-20 09:30", "--set", "manner=phone", "--set", "content=为当事人说情",  \
        "--set", "reported_to=legal-section", "--set", "reported_at=2026-05-20 10:00"

static void test_append_complete(void **state)
{
    (void)state;
    run_result r;
    uint64_t before = tree_size_now();
    /* --strict refuses, names what is missing in the regulation's words, and
     * logs nothing. */
    CLI(&r, INCOMPLETE_INTERFERENCE("QJ-STRICT"), "--strict");
    expect_status(&r, 2);
    ERR_HAS(&r, "liuhen append: 干预插手记录缺少：地点、人物（B§3：时间、地点、人物、方式、内容）");
    ERR_HAS(&r, "interference.place, interference.person (R1, B§3)");
    ERR_HAS(&r, "Not recorded (--strict)");
    run_free(&r);
    assert_int_equal(tree_size_now(), before);

    /* Without a terminal: a warning, and the record is logged. */
    CLI(&r, INCOMPLETE_INTERFERENCE("QJ-WARN"));
    expect_status(&r, 0);
    ERR_HAS(&r, "liuhen append: warning: 干预插手记录缺少：地点、人物");
    ERR_HAS(&r, "Recorded anyway");
    OUT_HAS(&r, "logged entry ");
    run_free(&r);
    assert_int_equal(tree_size_now(), before + 1);

    /* A complete record passes --strict without a word. */
    CLI(&r, INCOMPLETE_INTERFERENCE("QJ-WARN"), "--set", "place=执法支队办公室", "--set",
        "person.name=刘某", "--set", "person.relation=retired", "--strict");
    expect_status(&r, 0);
    assert_null(strstr(r.err, "缺少"));
    run_free(&r);

    /* In a stream, --strict stops at the first incomplete record, named by
     * its line. */
    char in[TD_PATH_MAX + 32];
    path_in(in, sizeof in, "strict.jsonl");
    tu_write_file(in,
                  "{\"case_id\":\"QJ-STRICT-2\",\"kind\":\"case-closed\"}\n"
                  "{\"case_id\":\"QJ-STRICT-2\",\"kind\":\"complaint\",\"received_at\":\"now\"}\n",
                  0644);
    CLI_STDIN(&r, in, "append", "--key", LEGAL, "--json", "-", "--strict");
    expect_status(&r, 2);
    ERR_HAS(&r, "standard input line 2: 投诉举报登记缺少：受理时间、管辖");
    run_free(&r);
}

static void test_append_did_you_mean(void **state)
{
    (void)state;
    run_result r;
    CLI(&r, "append", "--key", HANDLER, "--kind", "interferance", "--case", CASE_ID);
    expect_status(&r, 2);
    ERR_HAS(&r, "unknown kind 'interferance'; did you mean 'interference' (干预插手记录)?");
    run_free(&r);
    CLI_FAILS(2, "did you mean 'guidance' (指导性意见)?", "append", "--key", HANDLER, "--kind",
              "指导意见", "--case", CASE_ID);
    CLI_FAILS(2, "interference.plaec: unknown field; did you mean 'place' (地点)?", "append",
              "--key", HANDLER, "--kind", "interference", "--case", CASE_ID, "--set", "plaec=x");
    CLI_FAILS(2, "interference.manner: 'phnoe' is not one of: oral, phone", "append", "--key",
              HANDLER, "--kind", "interference", "--case", CASE_ID, "--set", "manner=phnoe");
    CLI_FAILS(2, "did you mean 'phone' (电话)?", "append", "--key", HANDLER, "--kind",
              "interference", "--case", CASE_ID, "--set", "manner=phnoe");
}

/* On a terminal, append asks before it records an incomplete record; no is
 * the default. */
static void test_append_terminal(void **state)
{
    (void)state;
    run_result r;
    uint64_t before = tree_size_now();
    CLI_TTY(&r, "\n", INCOMPLETE_INTERFERENCE("QJ-TTY"));
    expect_status(&r, 2);
    ERR_HAS(&r, "干预插手记录缺少：地点、人物");
    ERR_HAS(&r, "Record it anyway?");
    ERR_HAS(&r, "not recorded");
    run_free(&r);
    CLI_TTY(&r, "n\n", INCOMPLETE_INTERFERENCE("QJ-TTY"));
    expect_status(&r, 2);
    run_free(&r);
    assert_int_equal(tree_size_now(), before);
    CLI_TTY(&r, "y\n", INCOMPLETE_INTERFERENCE("QJ-TTY"));
    expect_status(&r, 0);
    OUT_HAS(&r, "logged entry ");
    run_free(&r);
    assert_int_equal(tree_size_now(), before + 1);
}

static void test_append_stream(void **state)
{
    (void)state;
    /* 300 records, one per line; half name their own case. */
    enum { N = 300 };
    char in[TD_PATH_MAX + 32];
    path_in(in, sizeof in, "import.jsonl");
    FILE *f = fopen(in, "w");
    assert_non_null(f);
    for (int i = 0; i < N; i++) {
        if (i % 2 == 0)
            fprintf(f,
                    "{\"case_id\":\"QJ-IMP-B\",\"place\":\"档案室\",\"content\":\"历史记录 %d\"}\n",
                    i);
        else
            fprintf(f, "{\"interference\":{\"content\":\"历史记录 %d\",\"manner\":\"phone\"}}\n",
                    i);
    }
    fclose(f);
    char dir[TD_PATH_MAX + 32];
    path_in(dir, sizeof dir, "import-receipts");
    assert_int_equal(mkdir(dir, 0700), 0);
    uint64_t before = tree_size_now();
    run_result r;
    CLI(&r, "--json", "append", "--key", HANDLER, "--kind", "interference", "--case", "QJ-IMP-A",
        "--json", in, "--receipt", dir);
    expect_status(&r, 0);
    /* One receipt per line, in the order of the records. */
    char *save = NULL;
    size_t lines = 0;
    for (char *line = strtok_r(r.out, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        json_t *j = json_loads(line, 0, NULL);
        assert_non_null(j);
        expect_keys(j, KEYS("leaf_index", "leaf_hash", "integrated_at", "tree_size", "audit_path",
                            "checkpoint"));
        assert_int_equal(json_u64(j, "leaf_index"), before + lines);
        json_decref(j);
        lines++;
    }
    assert_int_equal(lines, N);
    run_free(&r);
    /* Each receipt saved as INDEX.json, and it verifies. */
    char path[TD_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%llu.json", dir, (unsigned long long)(before + N - 1));
    char *text = slurp(path);
    lh_receipt rc;
    lh_err err = {{0}};
    tu_assert_code(lh_receipt_from_json(text, strlen(text), &rc, &err), 0, &err);
    tu_assert_code(lh_receipt_verify(&rc, d.vkey, &err), 0, &err);
    lh_receipt_free(&rc);
    free(text);
    /* The cases hold their records as unbroken chains. */
    CLI_PRINTS(0, "chain verified: 150 entries", "case", "QJ-IMP-A");
    CLI_PRINTS(0, "chain verified: 150 entries", "case", "QJ-IMP-B");

    /* For people, from standard input: a line per record and the total. */
    tu_write_file(in,
                  "{\"case_id\":\"QJ-IMP-C\",\"content\":\"一\"}\n"
                  "{\"case_id\":\"QJ-IMP-C\",\"content\":\"二\"}\n",
                  0644);
    CLI_STDIN(&r, in, "append", "--key", HANDLER, "--kind", "interference", "--json", "-");
    expect_status(&r, 0);
    OUT_HAS(&r, "logged entry ");
    OUT_HAS(&r, "  case QJ-IMP-C");
    OUT_HAS(&r, "2 records logged");
    run_free(&r);

    /* A bad record is named by its line, and nothing of the run is logged
     * when it is found before the run is sent. */
    before = tree_size_now();
    tu_write_file(in,
                  "{\"case_id\":\"QJ-IMP-C\",\"content\":\"一\"}\n"
                  "{\"case_id\":\"QJ-IMP-C\",\"content\":\"二\"}\n"
                  "{\"case_id\":\"QJ-IMP-C\",\"plaec\":\"三\"}\n",
                  0644);
    CLI_STDIN(&r, in, "append", "--key", HANDLER, "--kind", "interference", "--json", "-");
    expect_status(&r, 2);
    ERR_HAS(&r, "standard input line 3");
    ERR_HAS(&r, "plaec");
    run_free(&r);
    tu_write_file(in, "{\"case_id\":\"QJ-IMP-C\",\"content\":\"一\"}\n{\"content\": \n", 0644);
    CLI_STDIN(&r, in, "append", "--key", HANDLER, "--kind", "interference", "--json", "-");
    expect_status(&r, 2);
    ERR_HAS(&r, "line 2");
    run_free(&r);
    /* Without a kind anywhere. */
    tu_write_file(in, "{\"case_id\":\"QJ-IMP-C\"}\n{\"case_id\":\"QJ-IMP-C\"}\n", 0644);
    CLI_STDIN(&r, in, "append", "--key", HANDLER, "--json", "-");
    expect_status(&r, 2);
    ERR_HAS(&r, "\"kind\"");
    run_free(&r);
    assert_int_equal(tree_size_now(), before);

    /* A refusal in the middle: those before it are logged, and said so. */
    tu_write_file(in,
                  "{\"case_id\":\"QJ-IMP-D\",\"content\":\"一\"}\n"
                  "{\"case_id\":\"QJ-IMP-D\",\"kind\":\"decision\",\"summary\":\"越权\"}\n"
                  "{\"case_id\":\"QJ-IMP-D\",\"content\":\"三\"}\n",
                  0644);
    CLI_STDIN(&r, in, "append", "--key", HANDLER, "--kind", "interference", "--json", "-");
    expect_status(&r, 1);
    ERR_HAS(&r, "line 2");
    ERR_HAS(&r, "1 records before it");
    run_free(&r);
    assert_int_equal(tree_size_now(), before + 1);
}

static void test_get_author(void **state)
{
    (void)state;
    run_result r;
    CLI(&r, "get", "0");
    expect_status(&r, 0);
    OUT_HAS(&r, "entry 0  KEY_ENROLL");
    OUT_HAS(&r, "the log's own key");
    OUT_HAS(&r, "verified: the author's signature, the inclusion in the checkpoint");
    run_free(&r);
    /* The same entry under a Chinese locale: the regulation's words, one language. */
    {
        const char *zh[] = {"LANG=zh_CN.UTF-8", NULL};
        const char *get0[] = {"get", "0", NULL};
        cli_run_env(&r, zh, NULL, get0);
        expect_status(&r, 0);
        OUT_HAS(&r, "第0号记录  登记密钥");
        OUT_HAS(&r, "日志密钥");
        OUT_HAS(&r, "存证时间：");
        OUT_HAS(&r, "记录人：");
        if (strstr(r.out, "integrated at") != NULL || strstr(r.out, "KEY_ENROLL") != NULL)
            fail_msg("liuhen get in zh_CN is not all Chinese:\n%s", r.out);
        run_free(&r);
    }
    CLI(&r, "get", "--json", "1");
    expect_status(&r, 0);
    json_t *j = out_json(&r);
    expect_keys(j, KEYS("index", "entry_id", "leaf_hash", "integrated_at", "integrated_at_rfc3339",
                        "author", "entry", "signature", "tree_size", "audit_path"));
    assert_int_equal(json_u64(j, "index"), 1);
    /* Beside the unix milliseconds, the same instant in RFC 3339 (UTC). */
    {
        char want[CALENDAR_TEXT_MAX];
        calendar_format_utc(want, (int64_t)json_u64(j, "integrated_at"));
        const char *got = json_string_value(json_object_get(j, "integrated_at_rfc3339"));
        assert_non_null(got);
        assert_string_equal(got, want);
        assert_int_equal(strlen(got), strlen("2026-05-20T06:31:07.000Z"));
        assert_int_equal(got[strlen(got) - 1], 'Z');
    }
    json_decref(j);
    run_free(&r);
    CLI_FAILS(1, "123456", "get", "123456");

    /* By entry id, as refs and chains name entries: the same entry. */
    CLI(&r, "--json", "get", "2");
    expect_status(&r, 0);
    j = out_json(&r);
    char id[64];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(j, "entry_id")));
    assert_int_equal(strlen(id), 44);
    json_decref(j);
    run_free(&r);
    CLI(&r, "--json", "get", id);
    expect_status(&r, 0);
    j = out_json(&r);
    assert_int_equal(json_u64(j, "index"), 2);
    assert_string_equal(json_string_value(json_object_get(j, "entry_id")), id);
    json_decref(j);
    run_free(&r);
    CLI(&r, "get", id);
    expect_status(&r, 0);
    OUT_HAS(&r, "entry 2  ");
    OUT_HAS(&r, "  entry id: ");
    OUT_HAS(&r, id);
    run_free(&r);
    /* An id the log does not hold, and text that is neither. */
    CLI_FAILS(1, "no entry of the log has entry id", "get",
              "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    CLI_FAILS(2, "neither an entry index", "get", "QJ-2026-7");

    /* By public key file, and by holder's name. */
    char pub[TD_PATH_MAX + 32];
    path_in(pub, sizeof pub, "handler.pub");
    CLI(&r, "author", pub);
    expect_status(&r, 0);
    OUT_HAS(&r, "author: 张三 (");
    OUT_HAS(&r, "author chain verified");
    run_free(&r);
    CLI(&r, "--json", "author", "李四");
    expect_status(&r, 0);
    j = out_json(&r);
    expect_keys(j, KEYS("public_key", "holder", "author_seq", "chain_verified", "entries"));
    assert_int_equal(json_array_size(json_object_get(j, "entries")), json_u64(j, "author_seq"));
    json_decref(j);
    run_free(&r);
    CLI_EXITS(2, "author", "无此人");
}

/* ---- proofs ------------------------------------------------------------ */

/* The root of a signed checkpoint note, opened with the log key. */
static void open_root(const char *note, uint64_t *size, uint8_t root[32])
{
    note_verifier log_key;
    lh_err err = {{0}};
    assert_int_equal(note_vkey_parse(d.vkey, strlen(d.vkey), &log_key, &err), 0);
    checkpoint_opened o;
    if (checkpoint_open((const uint8_t *)note, strlen(note), &log_key, NULL, 0, &o, &err) != 0)
        fail_msg("checkpoint does not open: %s", err.msg);
    *size = o.cp.size;
    memcpy(root, o.cp.root, 32);
}

static void test_proofs(void **state)
{
    (void)state;
    run_result r;
    char saved[TD_PATH_MAX + 32];
    path_in(saved, sizeof saved, "checkpoint.txt");
    CLI(&r, "checkpoint", "--save", saved);
    expect_status(&r, 0);
    OUT_HAS(&r, "  tree size: ");
    OUT_HAS(&r, "  verified: the log's signature");
    run_free(&r);
    char *note1 = slurp(saved);
    uint64_t size1;
    uint8_t root1[32];
    open_root(note1, &size1, root1);
    free(note1);

    /* One more entry, so that consistency has two sizes to join: B§10, the
     * interference of entry 0 of the case is notified. */
    char concerns[48];
    snprintf(concerns, sizeof concerns, "concerns=#%llu", (unsigned long long)case_index(0));
    CLI_EXITS(0, "append", "--key", LEGAL, "--kind", "notification", "--case", CASE_ID, "--set",
              "subject=interference", "--set", "person.name=刘某", "--set", "measures=warning",
              "--set", concerns);

    CLI(&r, "--json", "checkpoint");
    expect_status(&r, 0);
    json_t *cp = out_json(&r);
    expect_keys(cp, KEYS("origin", "tree_size", "root_hash", "checkpoint", "cosignatures"));
    assert_int_equal(json_array_size(json_object_get(cp, "cosignatures")), 0);
    uint64_t size2;
    uint8_t root2[32], root_json[32];
    open_root(json_string_value(json_object_get(cp, "checkpoint")), &size2, root2);
    json_hash(cp, "root_hash", root_json);
    assert_memory_equal(root2, root_json, 32);
    assert_int_equal(json_u64(cp, "tree_size"), size2);
    assert_true(size2 > size1);
    json_decref(cp);
    run_free(&r);

    /* prove --json verifies with merkle_verify_inclusion against the checkpoint. */
    char size_arg[24];
    snprintf(size_arg, sizeof size_arg, "%llu", (unsigned long long)size2);
    CLI(&r, "--json", "prove", "--index", "2", "--size", size_arg);
    expect_status(&r, 0);
    json_t *p = out_json(&r);
    expect_keys(p, KEYS("leaf_index", "tree_size", "leaf_hash", "audit_path"));
    uint8_t leaf[32];
    json_hash(p, "leaf_hash", leaf);
    const json_t *path = json_object_get(p, "audit_path");
    size_t n = json_array_size(path);
    uint8_t(*hashes)[32] = calloc(n + 1, 32);
    assert_non_null(hashes);
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(path, i));
        size_t len;
        assert_int_equal(text_b64_decode(hashes[i], 32, &len, s, strlen(s), 32), 0);
    }
    assert_int_equal(merkle_verify_inclusion(hashes[0], n, json_u64(p, "leaf_index"),
                                             json_u64(p, "tree_size"), leaf, root2),
                     0);
    free(hashes);
    json_decref(p);
    run_free(&r);

    /* The same proof found by leaf hash; and in words. */
    CLI_EXITS(1, "prove", "--hash", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    CLI_PRINTS(0, "inclusion proof: entry 2 in the tree", "prove", "--index", "2");
    CLI_EXITS(2, "prove", "--index", "2", "--hash", "x");

    /* consistency --json verifies with merkle_verify_consistency. */
    char from[24], to[24];
    snprintf(from, sizeof from, "%llu", (unsigned long long)size1);
    snprintf(to, sizeof to, "%llu", (unsigned long long)size2);
    CLI(&r, "--json", "consistency", "--from", from, "--to", to);
    expect_status(&r, 0);
    json_t *c = out_json(&r);
    expect_keys(c, KEYS("first", "second", "consistency"));
    const json_t *proof = json_object_get(c, "consistency");
    n = json_array_size(proof);
    hashes = calloc(n + 1, 32);
    assert_non_null(hashes);
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(proof, i));
        size_t len;
        assert_int_equal(text_b64_decode(hashes[i], 32, &len, s, strlen(s), 32), 0);
    }
    assert_int_equal(merkle_verify_consistency(hashes[0], n, size1, size2, root1, root2), 0);
    free(hashes);
    json_decref(c);
    run_free(&r);
    CLI_PRINTS(0, "consistency proof: tree size", "consistency", "--from", from);
    CLI_EXITS(2, "consistency", "--from", to, "--to", from);
}

/* ---- administration ------------------------------------------------------ */

static void test_status_export_backup(void **state)
{
    (void)state;
    run_result r;
    CLI(&r, "status");
    expect_status(&r, 0);
    OUT_HAS(&r, "  tree size: ");
    OUT_HAS(&r, "liuhend status: ");
    OUT_HAS(&r, d.origin);
    run_free(&r);
    {
        const char *zh[] = {"LANG=zh_CN.UTF-8", NULL};
        const char *status[] = {"status", NULL};
        cli_run_env(&r, zh, NULL, status);
        expect_status(&r, 0);
        OUT_HAS(&r, "liuhend 状态：");
        OUT_HAS(&r, "  树大小：");
        OUT_HAS(&r, "  最近检查点：");
        if (strstr(r.out, "tree size") != NULL)
            fail_msg("liuhen status in zh_CN is not all Chinese:\n%s", r.out);
        run_free(&r);
    }
    CLI(&r, "status", "--json");
    expect_status(&r, 0);
    json_t *j = out_json(&r);
    expect_keys(j, KEYS("origin", "tree_size", "last_checkpoint_at", "last_checkpoint_at_rfc3339",
                        "last_publish_at", "last_publish_at_rfc3339", "connections",
                        "appends_per_second", "queue_depth", "started_at", "started_at_rfc3339",
                        "log_vkey", "checkpoint", "witnesses", "min_cosignatures"));
    assert_true(json_u64(j, "tree_size") > 5);
    {
        char want[CALENDAR_TEXT_MAX];
        calendar_format_utc(want, (int64_t)json_u64(j, "started_at"));
        assert_string_equal(json_string_value(json_object_get(j, "started_at_rfc3339")), want);
    }
    /* This daemon has no witness. */
    assert_int_equal(json_array_size(json_object_get(j, "witnesses")), 0);
    json_decref(j);
    run_free(&r);

    char dir[TD_PATH_MAX + 32], file[TD_PATH_MAX + 64];
    path_in(dir, sizeof dir, "export");
    CLI_PRINTS(0, "exported: ", "export", "--to", dir);
    snprintf(file, sizeof file, "%s/checkpoint", dir);
    assert_int_equal(access(file, R_OK), 0);
    /* Not into a directory that holds something; the command is said once,
     * though the library names its call too. */
    CLI(&r, "export", "--to", dir);
    expect_status(&r, 1);
    ERR_HAS(&r, "liuhen export: the daemon answered INVALID_ARGUMENT: ");
    ERR_HAS(&r, dir);
    assert_null(strstr(r.err, "export: export"));
    run_free(&r);
    path_in(dir, sizeof dir, "export2");
    CLI(&r, "--json", "export", "--to", dir);
    expect_status(&r, 0);
    j = out_json(&r);
    expect_keys(j, KEYS("directory", "tree_size", "files", "checkpoint", "checked_locally"));
    json_decref(j);
    run_free(&r);

    path_in(file, sizeof file, "backup.mdb");
    CLI_PRINTS(0, "backup written: ", "backup", "--to", file);
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    path_in(file, sizeof file, "backup2.mdb");
    CLI(&r, "--json", "backup", "--to", file);
    expect_status(&r, 0);
    j = out_json(&r);
    expect_keys(j, KEYS("path", "tree_size", "bytes", "checkpoint"));
    json_decref(j);
    run_free(&r);
    CLI_EXITS(2, "backup");

    /* Another log's key: `status` says so once, not "status: status:". */
    char other[TD_PATH_MAX + 32], other_vkey[TD_PATH_MAX + 48], other_state[TD_PATH_MAX + 48];
    path_in(other, sizeof other, "otherlog");
    snprintf(other_vkey, sizeof other_vkey, "%s.vkey", other);
    snprintf(other_state, sizeof other_state, "%s.checkpoint", other);
    CLI(&r, "--json", "keygen", "--out", other, "--holder", "other.example/log", "--no-passphrase");
    expect_status(&r, 0);
    j = out_json(&r);
    char line[256];
    snprintf(line, sizeof line, "%s\n", json_string_value(json_object_get(j, "vkey")));
    tu_write_file(other_vkey, line, 0644);
    json_decref(j);
    run_free(&r);
    CLI(&r, "--log-key", other_vkey, "--state", other_state, "status");
    expect_status(&r, 1);
    ERR_HAS(&r, "liuhen status: the server is the log test.liuhen.example/log, not "
                "other.example/log");
    assert_null(strstr(r.err, "status: status"));
    run_free(&r);
}

/* ---- the environment ------------------------------------------------------ */

static void test_not_running(void **state)
{
    (void)state;
    run_result r;
    /* No socket at all. */
    CLI_FAILS(3, "Is liuhend running?", "--socket", "/nonexistent/liuhen.sock", "status");
    /* A socket nobody listens on (a daemon that died). */
    char path[TD_PATH_MAX + 32];
    path_in(path, sizeof path, "dead.sock");
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    assert_true(strlen(path) < sizeof sa.sun_path);
    memcpy(sa.sun_path, path, strlen(path) + 1);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    close(fd);
    CLI_ENV(&r, KEYS("LIUHEN_SOCKET=dummy"), "--socket", path, "case", CASE_ID);
    expect_status(&r, 3);
    ERR_HAS(&r, "Is liuhend running?");
    run_free(&r);
    /* An append whose record is good fails at the connection, before any
     * passphrase is asked for. */
    CLI_EXITS(3, "--socket", path, "append", "--key", HANDLER, "--kind", "interference", "--case",
              CASE_ID, "--set", "place=x");
    /* Without the log's key nothing can be verified. */
    CLI_FAILS(3, "/nonexistent/log.vkey", "--log-key", "/nonexistent/log.vkey", "status");
}

static void test_default_state_file(void **state)
{
    (void)state;
    char xdg[TD_PATH_MAX + 32], env[TD_PATH_MAX + 48], file[TD_PATH_MAX + 96];
    path_in(xdg, sizeof xdg, "xdg");
    snprintf(env, sizeof env, "XDG_STATE_HOME=%s", xdg);
    run_result r;
    CLI_ENV(&r, KEYS("LIUHEN_STATE", env), "checkpoint");
    expect_status(&r, 0);
    run_free(&r);
    /* <origin> with '/' as '_': test.liuhen.example/log. */
    snprintf(file, sizeof file, "%s/liuhen/test.liuhen.example_log.checkpoint", xdg);
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_mode & 077, 0);
    snprintf(file, sizeof file, "%s/liuhen", xdg);
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
}

/* ---- enrolling a holder twice ------------------------------------------- */

static void test_enroll_twice(void **state)
{
    (void)state;
    /* 张三 holds an active key already: a second one is enrolled with a
     * warning where no one can be asked, refused unless confirmed on a
     * terminal. */
    char prefix[TD_PATH_MAX + 32], pub[TD_PATH_MAX + 48];
    path_in(prefix, sizeof prefix, "zhang2");
    snprintf(pub, sizeof pub, "%s.pub", prefix);
    CLI_EXITS(0, "keygen", "--out", prefix, "--holder", "张三", "--no-passphrase");
    run_result r;
    CLI_TTY(&r, "\n", "enroll", "--key", admin_key, "--pub", pub, "--roles", "handler");
    expect_status(&r, 2);
    ERR_HAS(&r, "张三 is already enrolled and active with another key");
    ERR_HAS(&r, "Enrol it anyway?");
    ERR_HAS(&r, "not enrolled");
    run_free(&r);
    CLI(&r, "enroll", "--key", admin_key, "--pub", pub, "--roles", "handler");
    expect_status(&r, 0);
    ERR_HAS(&r, "liuhen enroll: warning: 张三 is already enrolled and active with another key");
    OUT_HAS(&r, "enrolled: 张三");
    run_free(&r);
    /* The same key again. */
    CLI(&r, "enroll", "--key", admin_key, "--pub", pub, "--roles", "handler", "--holder", "张三丰");
    ERR_HAS(&r, "this key is already enrolled and active, for 张三");
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_help_language),
        cmocka_unit_test(test_help_kinds),
        cmocka_unit_test(test_man_kinds),
        cmocka_unit_test(test_keygen),
        cmocka_unit_test(test_enroll_keys_revoke),
        cmocka_unit_test(test_append_receipt),
        cmocka_unit_test(test_append_json_body),
        cmocka_unit_test(test_append_errors),
        cmocka_unit_test(test_append_complete),
        cmocka_unit_test(test_append_did_you_mean),
        cmocka_unit_test(test_append_terminal),
        cmocka_unit_test(test_append_investigation),
        cmocka_unit_test(test_case),
        cmocka_unit_test(test_append_stream),
        cmocka_unit_test(test_get_author),
        cmocka_unit_test(test_proofs),
        cmocka_unit_test(test_status_export_backup),
        cmocka_unit_test(test_not_running),
        cmocka_unit_test(test_default_state_file),
        cmocka_unit_test(test_enroll_twice),
    };
    return cmocka_run_group_tests_name("cli", tests, group_setup, group_teardown);
}
