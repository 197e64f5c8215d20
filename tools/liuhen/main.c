/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * main.c — `liuhen`, the command line of liuhen (留痕): global options,
 * the commands and their help, exit statuses.
 *
 *   liuhen [--socket PATH] [--log-key FILE] [--state FILE] [--json]
 *          [--timeout SECONDS] COMMAND [ARGS...]
 *
 * A thin tool over the client library (liuhen.h), as mdb_stat is over
 * LMDB: every answer of the daemon is verified by the library before it is
 * shown, and the exit status tells a script what happened (cli.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "i18n.h"
#include "kindhelp.h"
#include "record.h"
#include "render.h"
#include "suggest.h"

static int run_help(cli *c, int argc, char **argv);

static const cli_command cli_cmd_help = {
    "help", run_help, N_("this help; a command's, a kind's: liuhen help COMMAND|kinds|KIND"),
    N_("Usage: liuhen help [COMMAND]\n"
       "       liuhen help kinds\n"
       "       liuhen help KIND\n"
       "\n"
       "Without an operand, list the commands; with a COMMAND, print its synopsis,\n"
       "every option with its default, and an example (`liuhen COMMAND --help` does the\n"
       "same). `liuhen help kinds` lists the kinds of records `append` takes, with their\n"
       "Chinese labels, articles and who may append them; `liuhen help KIND` (its name,\n"
       "KIND_NAME or its Chinese label: interference, KIND_INTERFERENCE, 干预插手记录)\n"
       "lists every field of that kind: its path for --set, its Chinese label, its type,\n"
       "the values it accepts with their Chinese terms, whether the regulations require\n"
       "it and by which article, and an example. All of it is read from the schema\n"
       "(proto/liuhen.proto) when it is printed. With --json, a kind's help is one JSON\n"
       "document; --man prints the RECORD KINDS section of the manual page, in roff.\n"
       "\n"
       "Example:\n"
       "  liuhen help append\n"
       "  liuhen help interference\n"),
    NULL};

/* In the order `liuhen help` lists them, grouped by what they serve. */
static const cli_command *const commands[] = {
    &cli_cmd_keygen,     &cli_cmd_enroll, &cli_cmd_revoke,      &cli_cmd_keys,
    &cli_cmd_append,     &cli_cmd_get,    &cli_cmd_case,        &cli_cmd_author,
    &cli_cmd_checkpoint, &cli_cmd_prove,  &cli_cmd_consistency, &cli_cmd_evidence,
    &cli_cmd_export,     &cli_cmd_backup, &cli_cmd_status,      &cli_cmd_help,
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

/* The common options, one message an option, so that each is translated apart. */
static void print_common_help(FILE *f)
{
    fputs(_("Common options (before the command, or after it):\n"), f);
    fprintf(f, _("  --socket PATH       liuhend's socket (default: $LIUHEN_SOCKET, else %s)\n"),
            CLI_DEFAULT_SOCKET);
    fprintf(
        f,
        _("  --log-key FILE      the log's verifier key, one line name+keyid+base64, which every\n"
          "                      answer is verified with (default: $LIUHEN_LOG_KEY, else\n"
          "                      %s)\n"),
        CLI_DEFAULT_LOG_KEY);
    fputs(_("  --state FILE        where the last verified checkpoint is kept, so that a log that\n"
            "                      shows two histories is caught across runs (default:\n"
            "                      $LIUHEN_STATE, else $XDG_STATE_HOME/liuhen/ORIGIN.checkpoint,\n"
            "                      XDG_STATE_HOME defaulting to ~/.local/state)\n"),
          f);
    fputs(_("  --json              machine-readable JSON on stdout (after `append`, --json names\n"
            "                      the record's JSON file: put this one before the command)\n"),
          f);
    fputs(_("  --timeout SECONDS   deadline of each call to liuhend (default: 10)\n"), f);
    fprintf(
        f,
        _("  --witness-key FILE  a witness's verifier key (the oversight body's liuhen-witness):\n"
          "                      its cosignatures are verified and shown (repeatable; default:\n"
          "                      $%s, files separated by ':')\n"),
        CLI_ENV_WITNESSES);
    fprintf(f,
            _("  --min-cosignatures N  accept as the log's state only checkpoints that N of those\n"
              "                      witnesses cosigned (default: $%s, else 0)\n"),
            CLI_ENV_MIN_COSIG);
    fputs(_("  --help              this help\n"), f);
}

static void print_exit_help(FILE *f)
{
    fputs(_("Exit status: 0 success; 1 refused by liuhend, or a verification failed (a bad\n"
            "signature or proof, a fork of the log), or a wrong passphrase; 2 usage (unknown\n"
            "command or option, bad field value, unknown kind; a record lacking what the\n"
            "regulations require, refused by --strict or not confirmed); 3 I/O or connection\n"
            "error (missing or unreadable file, liuhend not running, timeout).\n"),
          f);
}

static void print_overview(FILE *f)
{
    fputs(_("liuhen — the command line of liuhen (留痕), a tamper-evident audit ledger for\n"
            "administrative law enforcement: records signed by their authors, kept in an\n"
            "RFC 6962 Merkle tree, every answer verified.\n"),
          f);
    fputs("\n", f);
    fputs(_("Usage: liuhen [--socket PATH] [--log-key FILE] [--state FILE] [--json]\n"
            "              [--timeout SECONDS] COMMAND [ARGS...]\n"),
          f);
    fputs("\n", f);
    fputs(_("Commands:\n"), f);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-12s %s\n", commands[i]->name, _(commands[i]->summary));
    fputs("\n", f);
    print_common_help(f);
    fputs("\n", f);
    fputs(_("Environment: LIUHEN_SOCKET, LIUHEN_LOG_KEY, LIUHEN_STATE, LIUHEN_PASSPHRASE (the\n"
            "passphrase of an encrypted key file, read once and removed), XDG_STATE_HOME.\n"),
          f);
    fputs("\n", f);
    print_exit_help(f);
    fputs("\n", f);
    fputs(_("Run 'liuhen help COMMAND' for a command's options and an example, 'liuhen help\n"
            "kinds' for the kinds of records, and 'liuhen help KIND' for a kind's fields and\n"
            "what the regulations require of it.\n"),
          f);
}

/* A part of a command's help, the kinds listed where it says so. */
static void print_help_part(FILE *f, const char *text)
{
    text = _(text);
    const char *kinds = strstr(text, CLI_HELP_KINDS);
    if (kinds != NULL) {
        fwrite(text, 1, (size_t)(kinds - text), f);
        record_kinds_help(f, 28, 80);
        fputs(kinds + strlen(CLI_HELP_KINDS), f);
    } else {
        fputs(text, f);
    }
}

void cli_print_help(FILE *f, const cli_command *cmd)
{
    print_help_part(f, cmd->help);
    if (cmd->help_more != NULL)
        print_help_part(f, cmd->help_more);
    if (cmd != &cli_cmd_help) {
        fputs("\n", f);
        print_common_help(f);
        fputs("\n", f);
        print_exit_help(f);
    }
}

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

/* The command closest to a mistyped name, or NULL. */
static const char *command_suggestion(const char *typed)
{
    suggest s;
    suggest_init(&s, typed);
    for (size_t i = 0; i < N_COMMANDS; i++)
        suggest_offer(&s, commands[i]->name, commands[i]);
    return suggest_best(&s, NULL);
}

/* "liuhen: unknown command 'stauts'; did you mean 'status'? (liuhen help)": one
 * line, not the whole help. A kind of record typed as a command is pointed
 * to the commands that take it. */
static int unknown_command(const char *typed)
{
    Liuhen__Kind kind;
    const char *near = command_suggestion(typed);
    if (record_kind_from_cli(typed, &kind) == 0)
        fprintf(stderr,
                _("liuhen: unknown command '%s': it is a kind of record (liuhen append --kind %s; "
                  "liuhen help %s)\n"),
                typed, record_kind_cli_name(kind), record_kind_cli_name(kind));
    else if (near != NULL)
        fprintf(stderr, _("liuhen: unknown command '%s'; did you mean '%s'? (liuhen help)\n"),
                typed, near);
    else
        fprintf(stderr, _("liuhen: unknown command '%s' (liuhen help lists the commands)\n"),
                typed);
    return CLI_EXIT_USAGE;
}

/* `liuhen help kinds` and `liuhen help KIND`. */
static int help_kind(cli *c, const char *topic, bool man)
{
    if (strcmp(topic, "kinds") == 0) {
        if (man) {
            kindhelp_man(stdout);
            return CLI_EXIT_OK;
        }
        if (!c->json) {
            kindhelp_list(stdout);
            return CLI_EXIT_OK;
        }
        json_t *a = json_array();
        bool ok = a != NULL;
        for (int k = 1; ok && k < 64; k++)
            if (record_kind_cli_name((Liuhen__Kind)k) != NULL)
                ok = json_array_append_new(a, kindhelp_kind_json((Liuhen__Kind)k)) == 0;
        json_t *o = json_object();
        bool set = o != NULL && ok;
        render_json_set(o, "kinds", a, &set);
        return cli_print_json(c, o, set, _("the kinds"));
    }
    Liuhen__Kind kind;
    if (record_kind_from_cli(topic, &kind) != 0)
        return -1;
    if (c->json)
        return cli_print_json(c, kindhelp_kind_json(kind), true, _("the kind's help"));
    kindhelp_kind(stdout, kind);
    return CLI_EXIT_OK;
}

static int run_help(cli *c, int argc, char **argv)
{
    const char *topic = NULL;
    bool man = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            print_overview(stdout);
            return CLI_EXIT_OK;
        }
        if (strcmp(argv[i], "--man") == 0)
            man = true;
        else if (strcmp(argv[i], "--json") == 0)
            c->json = true;
        else if (topic != NULL)
            return cli_usage(c, _("one command or kind at a time: liuhen help COMMAND|kinds|KIND"));
        else
            topic = argv[i];
    }
    if (topic == NULL) {
        if (man)
            return cli_usage(c, _("--man prints the kinds: liuhen help --man kinds"));
        print_overview(stdout);
        return CLI_EXIT_OK;
    }
    if (man && strcmp(topic, "kinds") != 0)
        return cli_usage(c, _("--man prints the kinds: liuhen help --man kinds"));
    const cli_command *cmd = find_command(topic);
    if (cmd != NULL) {
        cli_print_help(stdout, cmd);
        return CLI_EXIT_OK;
    }
    int st = help_kind(c, topic, man);
    if (st >= 0)
        return st;
    /* Neither: the closest command, kind or label. */
    suggest s;
    suggest_init(&s, topic);
    suggest_offer(&s, "kinds", NULL);
    for (size_t i = 0; i < N_COMMANDS; i++)
        suggest_offer(&s, commands[i]->name, NULL);
    const char *near = suggest_best(&s, NULL);
    Liuhen__Kind kind;
    if (near == NULL && record_kind_suggest(topic, &kind) == 0)
        near = record_kind_cli_name(kind);
    if (near != NULL)
        return cli_fail(c, CLI_EXIT_USAGE, _("no command or kind '%s'; did you mean '%s'?"), topic,
                        near);
    return cli_fail(c, CLI_EXIT_USAGE,
                    _("no command or kind '%s' (liuhen help lists the commands, liuhen help kinds "
                      "the kinds of records)"),
                    topic);
}

/* Parse --timeout SECONDS: 1 second to a day, as liuhen.h allows. */
static int parse_timeout(cli *c, const char *arg)
{
    uint64_t s;
    if (!cli_parse_u64(arg, &s) || s == 0 || s > LH_MAX_TIMEOUT_MS / 1000)
        return cli_usage(c, _("--timeout %s: give whole seconds from 1 to %u"), arg,
                         LH_MAX_TIMEOUT_MS / 1000);
    c->timeout_ms = (unsigned)(s * 1000);
    return -1;
}

int cli_common_option(cli *c, const cli_command *cmd, int opt, const char *arg)
{
    switch (opt) {
    case CLI_OPT_SOCKET: c->socket = arg; return -1;
    case CLI_OPT_LOG_KEY: c->log_key = arg; return -1;
    case CLI_OPT_STATE: c->state = arg; return -1;
    case CLI_OPT_JSON: c->json = true; return -1;
    case CLI_OPT_TIMEOUT: return parse_timeout(c, arg);
    case CLI_OPT_WITNESS_KEY:
        if (c->nwitness_paths == CLI_WITNESS_MAX)
            return cli_usage(c, _("--witness-key: at most %d"), CLI_WITNESS_MAX);
        c->witness_paths[c->nwitness_paths++] = arg;
        return -1;
    case CLI_OPT_MIN_COSIG: {
        uint64_t n;
        if (!cli_parse_u64(arg, &n) || n > CLI_WITNESS_MAX)
            return cli_usage(c, _("--min-cosignatures %s: give a whole number from 0 to %d"), arg,
                             CLI_WITNESS_MAX);
        c->min_cosig = (long)n;
        return -1;
    }
    case CLI_OPT_HELP: cli_print_help(stdout, cmd); return CLI_EXIT_OK;
    case ':':
    case '?':
        /* getopt_long() has named the option already. */
        fprintf(stderr, _("Run '%s help %s' for its options.\n"), c->prog, cmd->name);
        return CLI_EXIT_USAGE;
    default: return cli_usage(c, _("option not handled (%d)"), opt);
    }
}

int cli_no_operands(const cli *c, int st, int argc, char **argv)
{
    if (st >= 0)
        return st;
    if (optind < argc)
        return cli_usage(c, _("unexpected argument '%s'"), argv[optind]);
    return -1;
}

int cli_options(cli *c, const cli_command *cmd, int argc, char **argv, const cli_option *opts)
{
    static const struct option common[] = {CLI_COMMON_OPTIONS};
    const size_t ncommon = sizeof common / sizeof common[0];
    size_t n = 0;
    while (opts != NULL && opts[n].name != NULL)
        n++;
    /* The command's options follow the common ones, each getopt_long()
     * value CLI_OPT_FIRST_COMMAND + its place in opts. */
    struct option *all = calloc(ncommon + n + 1, sizeof *all);
    if (all == NULL)
        return cli_fail(c, CLI_EXIT_IO, _("out of memory"));
    memcpy(all, common, sizeof common);
    for (size_t i = 0; i < n; i++)
        all[ncommon + i] =
            (struct option){opts[i].name, opts[i].value != NULL ? required_argument : no_argument,
                            NULL, CLI_OPT_FIRST_COMMAND + (int)i};
    int opt, st = -1;
    while (st < 0 && (opt = getopt_long(argc, argv, "", all, NULL)) != -1) {
        size_t i = (size_t)opt - CLI_OPT_FIRST_COMMAND;
        if (opt < CLI_OPT_FIRST_COMMAND || i >= n)
            st = cli_common_option(c, cmd, opt, optarg);
        else if (opts[i].value != NULL)
            *opts[i].value = optarg;
        else
            *opts[i].flag = true;
    }
    free(all);
    return st;
}

int cli_plain_options(cli *c, const cli_command *cmd, int argc, char **argv, const char *operand)
{
    int st = cli_options(c, cmd, argc, argv, NULL);
    if (operand == NULL || st >= 0)
        return cli_no_operands(c, st, argc, argv);
    if (argc - optind != 1)
        return cli_usage(c, _("give one %s"), operand);
    return -1;
}

int main(int argc, char **argv)
{
    i18n_init();
    cli c = {.prog = "liuhen", .min_cosig = -1};
    if (sodium_init() < 0)
        return cli_fail(&c, CLI_EXIT_IO, _("libsodium cannot be initialised"));

    enum { O_VERSION = CLI_OPT_FIRST_COMMAND };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS, {"version", no_argument, NULL, O_VERSION}, {NULL, 0, NULL, 0}};
    argv[0] = "liuhen";
    int opt;
    /* "+": stop at the command's name, whose options are its own. */
    while ((opt = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'h':
        case CLI_OPT_HELP: print_overview(stdout); return CLI_EXIT_OK;
        case O_VERSION: puts("liuhen 0.1"); return CLI_EXIT_OK;
        case ':': return cli_usage(&c, _("option %s needs a value"), argv[optind - 1]);
        case '?': return cli_usage(&c, _("unknown option '%s'"), argv[optind - 1]);
        default: {
            int st = cli_common_option(&c, &cli_cmd_help, opt, optarg);
            if (st >= 0)
                return st;
        }
        }
    }
    if (optind >= argc) {
        print_overview(stderr);
        return CLI_EXIT_USAGE;
    }
    const cli_command *cmd = find_command(argv[optind]);
    if (cmd == NULL)
        return unknown_command(argv[optind]);
    c.command = cmd->name;
    /* getopt_long() names the program by argv[0] in its messages: make it
     * "liuhen COMMAND", and start the command's parsing afresh. */
    char prog[64];
    snprintf(prog, sizeof prog, "liuhen %s", cmd->name);
    char **cargv = argv + optind;
    int cargc = argc - optind;
    cargv[0] = prog;
    optind = 0;
    int status = cmd->run(&c, cargc, cargv);
    cli_finish(&c);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        c.command = cmd->name;
        return cli_fail(&c, CLI_EXIT_IO, _("cannot write the output"));
    }
    return status;
}
