/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * cli.h — what the modules of the `liuhen` command line share: the global
 * options, the exit statuses, error reporting, the connection to liuhend
 * and the loading of key files.
 *
 *   liuhen [--socket PATH] [--log-key FILE] [--state FILE] [--json]
 *          [--timeout SECONDS] COMMAND [ARGS...]
 *
 * Every command is a function `int run(cli *c, int argc, char **argv)`
 * (argv[0] is the command's name) that returns the program's exit status.
 * Helpers that can fail print one sentence on stderr, naming the object and
 * the cause, and return the exit status to give; 0 means success. So a
 * command reads `if ((st = cli_connect(c)) != 0) return st;`.
 *
 * Output: people get text on stdout, with record kinds and enum values in
 * Chinese (render.h); with --json, scripts get one JSON document on stdout.
 * Errors always go to stderr, as text.
 */
#ifndef LIUHEN_CLI_H
#define LIUHEN_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "i18n.h"
#include "keyfile.h"
#include "liuhen.h"
#include "note.h"

/* A command's help is an array initialised with its marked text
 * (`static const char get_help[] = N_("...")`), translated where it is
 * printed (cli_print_help()): N_() without i18n.h's parentheses, which C
 * does not allow around an array's initialiser. */
#undef N_
#define N_(s) s

/** @name Exit statuses (shared by the tools: see `liuhen help`) */
/**@{*/
#define CLI_EXIT_OK      0 /**< done */
#define CLI_EXIT_REFUSED 1 /**< refused by the daemon, or a verification failed */
#define CLI_EXIT_USAGE   2 /**< bad command, option, kind, field or value; incomplete record */
#define CLI_EXIT_IO      3 /**< a file or the connection failed: missing file, no daemon, timeout */
/**@}*/

/** @name Defaults, relative to the directory `make run` runs in */
/**@{*/
#define CLI_DEFAULT_SOCKET  "var/liuhen.sock"
#define CLI_DEFAULT_LOG_KEY "var/data/log.vkey"
#define CLI_ENV_SOCKET      "LIUHEN_SOCKET"
#define CLI_ENV_LOG_KEY     "LIUHEN_LOG_KEY"
#define CLI_ENV_STATE       "LIUHEN_STATE"
#define CLI_ENV_WITNESSES   "LIUHEN_WITNESS_KEYS" /**< files, ':' between them */
#define CLI_ENV_MIN_COSIG   "LIUHEN_MIN_COSIGNATURES"
/**@}*/

/** Most --witness-key files. */
#define CLI_WITNESS_MAX 16

/** The global options and the connection of one run. Zero-initialised by main. */
typedef struct cli {
    const char *prog;    /**< "liuhen", for messages */
    const char *command; /**< the command being run, for messages */
    const char *socket;  /**< --socket; NULL: $LIUHEN_SOCKET, else the default */
    const char *log_key; /**< --log-key; NULL: $LIUHEN_LOG_KEY, else the default */
    const char *state;   /**< --state; NULL: $LIUHEN_STATE, else under $XDG_STATE_HOME */
    bool json;           /**< --json: machine-readable output */
    unsigned timeout_ms; /**< --timeout, in ms; 0: LH_DEFAULT_TIMEOUT_MS */
    const char *witness_paths[CLI_WITNESS_MAX]; /**< --witness-key; none: $LIUHEN_WITNESS_KEYS */
    size_t nwitness_paths;
    long min_cosig; /**< --min-cosignatures; -1: $LIUHEN_MIN_COSIGNATURES, else 0 */

    /* Filled by cli_connect(); released by cli_finish(). */
    lh_conn *conn;                         /**< the connection, or NULL */
    note_verifier log_vkey;                /**< the log's verifier key, once read */
    char log_vkey_text[NOTE_VKEY_MAX + 1]; /**< the same, as its file holds it */
    bool have_log_vkey;
    char *state_path; /**< the state file in use; owned */
    /* The witnesses, once read (cli_read_witnesses()). */
    size_t nwitnesses;
    note_verifier witnesses[CLI_WITNESS_MAX];
    char witness_text[CLI_WITNESS_MAX][NOTE_VKEY_MAX + 1];
    unsigned min_cosignatures;
} cli;

/** A command: its name, its function and its help. */
typedef struct cli_command {
    const char *name;
    int (*run)(cli *c, int argc, char **argv);
    const char *summary; /**< one line for `liuhen help` */
    const char *help;    /**< synopsis, every option with its default, an example */
    /** More of it, printed after help, or NULL: a string literal holds at
     *  most 4095 bytes in ISO C. */
    const char *help_more;
} cli_command;

/** @name The commands, each defined in the module that runs it */
/**@{*/
extern const cli_command cli_cmd_keygen, cli_cmd_enroll, cli_cmd_revoke,
    cli_cmd_keys;                                                                /* cmd_keys.c */
extern const cli_command cli_cmd_append;                                         /* cmd_append.c */
extern const cli_command cli_cmd_get, cli_cmd_case, cli_cmd_author;              /* cmd_read.c */
extern const cli_command cli_cmd_checkpoint, cli_cmd_prove, cli_cmd_consistency; /* cmd_proof.c */
extern const cli_command cli_cmd_export, cli_cmd_backup, cli_cmd_status;         /* cmd_admin.c */

extern const cli_command cli_cmd_evidence; /* cmd_evidence.c */
/**@}*/

/**
 * Print "liuhen COMMAND: <message>" on stderr.
 * @return status, so that a failing path reads `return cli_fail(c, CLI_EXIT_IO, ...)`.
 */
int cli_fail(const cli *c, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/**
 * Print "liuhen COMMAND: warning: <message>" on stderr (the run goes on).
 */
void cli_warn(const cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * A message of the library without the name of its call when that is the
 * running command's, which the prefix "liuhen COMMAND: " already says:
 * "status: the server answered ..." under `liuhen status` becomes "the
 * server answered ...", "export /srv/x: ..." becomes "/srv/x: ...".
 * cli_fail(), cli_usage() and cli_warn() apply it to every message.
 * @return msg, or a pointer into it.
 */
const char *cli_unprefixed(const cli *c, const char *msg);

/**
 * The exit status for an error code of the library (errors.h): CLI_EXIT_IO
 * for system errors (-errno), timeouts, a closed connection, local files
 * that cannot be used (LH_EPERMFILE, LH_EKEYFILE) and LH_ENOMEM; CLI_EXIT_USAGE for a
 * record that is malformed before it is sent (LH_EFIELD, LH_EKIND,
 * LH_EUNKNOWNFIELD, LH_EUTF8, LH_ECTRL, LH_EJSON, LH_EBASE64, LH_ELENGTH);
 * CLI_EXIT_REFUSED for everything else: a refusal by the daemon, a
 * verification that failed (LH_EPROOF, LH_EFORK, LH_EBADSIG...), a wrong
 * passphrase.
 */
int cli_exit_for(int rc);

/**
 * Report a failed library call: "liuhen COMMAND: <what>: <err or strerror>"
 * plus, for some codes, a hint of what to do (a fork of the log, a timeout,
 * a closed connection).
 * @param[in] what  names the object ("entry 42"), for when err does not;
 *                  may be NULL.
 * @return cli_exit_for(rc).
 */
int cli_fail_rc(const cli *c, int rc, const lh_err *err, const char *what);

/**
 * Print the usage error "liuhen COMMAND: <message>" and the hint to run
 * `liuhen help COMMAND`.
 * @return CLI_EXIT_USAGE.
 */
int cli_usage(const cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * @name Options common to every command
 *
 * The global options may also follow the command's name (`liuhen status
 * --json`), except --json after `append`, where it names the record's JSON
 * file: commands put CLI_COMMON_OPTIONS in their getopt_long() table and
 * hand the values they do not know to cli_common_option(); cli_options()
 * does both for a command whose own options need no checking as they come.
 */
/**@{*/
enum {
    CLI_OPT_SOCKET = 0x1000,
    CLI_OPT_LOG_KEY,
    CLI_OPT_STATE,
    CLI_OPT_JSON,
    CLI_OPT_TIMEOUT,
    CLI_OPT_WITNESS_KEY,
    CLI_OPT_MIN_COSIG,
    CLI_OPT_HELP,
    CLI_OPT_FIRST_COMMAND /**< the first value free for a command's own options */
};
#define CLI_COMMON_OPTIONS_NO_JSON                                                                 \
    {"socket", required_argument, NULL, CLI_OPT_SOCKET},                                           \
        {"log-key", required_argument, NULL, CLI_OPT_LOG_KEY},                                     \
        {"state", required_argument, NULL, CLI_OPT_STATE},                                         \
        {"timeout", required_argument, NULL, CLI_OPT_TIMEOUT},                                     \
        {"witness-key", required_argument, NULL, CLI_OPT_WITNESS_KEY},                             \
        {"min-cosignatures", required_argument, NULL, CLI_OPT_MIN_COSIG},                          \
    {                                                                                              \
        "help", no_argument, NULL, CLI_OPT_HELP                                                    \
    }
#define CLI_COMMON_OPTIONS                                                                         \
    CLI_COMMON_OPTIONS_NO_JSON,                                                                    \
    {                                                                                              \
        "json", no_argument, NULL, CLI_OPT_JSON                                                    \
    }
/**@}*/

/**
 * Handle an option value getopt_long() returned to a command: a common
 * option, --help (prints the command's help, status 0), or an error ('?':
 * getopt_long already said which option; ':' a missing argument).
 * @param[in] cmd  the running command, for its help.
 * @return -1 when opt is a common option now recorded in c (go on);
 *         otherwise the exit status to return at once.
 */
int cli_common_option(cli *c, const cli_command *cmd, int opt, const char *arg);

/**
 * End a command's option parsing: st is what its getopt_long() loop left
 * (-1: every option read), and no operand may follow the options.
 * @return -1 to go on; otherwise the exit status to return at once.
 */
int cli_no_operands(const cli *c, int st, int argc, char **argv);

/**
 * An option of a command that cli_options() reads for it: one that takes a
 * value (the last one given wins) or a flag. A table of them ends with
 * {NULL, NULL, NULL}.
 */
typedef struct cli_option {
    const char *name;   /**< without the dashes: "key" */
    const char **value; /**< takes a value: it goes here (borrowed from argv); or NULL */
    bool *flag;         /**< takes none: set true when it is given */
} cli_option;

/**
 * Parse a command's options: the common ones and those of opts (NULL: no
 * other), as getopt_long() reads them from one table. The operands are
 * left from argv[optind] on.
 * @return -1 when every option was read (the caller checks the operands,
 *         cli_no_operands()); otherwise the exit status to return at once.
 */
int cli_options(cli *c, const cli_command *cmd, int argc, char **argv, const cli_option *opts);

/**
 * Parse the arguments of a command that has only the common options.
 * @param[in] operand  NULL: the command takes no operand; else the name of
 *                     the one operand it takes ("INDEX"), then argv[optind].
 * @return -1 to go on; otherwise the exit status to return at once.
 */
int cli_plain_options(cli *c, const cli_command *cmd, int argc, char **argv, const char *operand);

/** Where a help text lists the kinds of records: cli_print_help() prints
 *  them there with their Chinese labels (record_kinds_help()). */
#define CLI_HELP_KINDS "@kinds@\n"

/** Print a command's help (synopsis, options, example, common options) on f. */
void cli_print_help(FILE *f, const cli_command *cmd);

/**
 * Read the log's verifier key from --log-key, $LIUHEN_LOG_KEY or the
 * default file (one line, the note verifier key), into c->log_vkey.
 * @return 0 or an exit status (message printed).
 */
int cli_read_log_key(cli *c);

/**
 * Connect to liuhend: read the log key, find the state file (--state,
 * $LIUHEN_STATE, else $XDG_STATE_HOME/liuhen/<origin with '/' as
 * '_'>.checkpoint, the directories made 0700), and connect the socket.
 * A connection refused or a socket that does not exist is reported as
 * "is liuhend running?", status CLI_EXIT_IO.
 * @return 0 or an exit status (message printed).
 */
int cli_connect(cli *c);

/** Close the connection and free what cli_connect() made. */
void cli_finish(cli *c);

/**
 * Fetch the enrolled keys (lh_get_keys()), reporting a failure as "keys".
 * @param[out] keys  free with lh_keys_free().
 * @return 0 or an exit status (message printed).
 */
int cli_get_keys(cli *c, lh_keys *keys);

/**
 * Read a secret key file, asking for its passphrase only when the file is
 * encrypted (passphrase.h: --passphrase-file, $LIUHEN_PASSPHRASE, the
 * terminal).
 * @param[in]  path      the key file.
 * @param[in]  passfile  --passphrase-file, or NULL.
 * @param[out] out       the key; free with keyfile_key_free().
 * @return 0 or an exit status (message printed): CLI_EXIT_IO for a file
 *         that is missing, unreadable, too open or malformed;
 *         CLI_EXIT_REFUSED for a wrong passphrase; CLI_EXIT_USAGE when no
 *         passphrase can be had.
 */
int cli_load_key(const cli *c, const char *path, const char *passfile, keyfile_key **out);

/**
 * Read a public key as a holder of the log gives it: a public key file
 * (`liuhen keygen` writes PREFIX.pub), a note verifier key string
 * "name+keyid+base64", or the base64 of the 32-byte key.
 * @param[out] pub  the key; pub->name is "" for a bare base64 key.
 * @return 0, or LH_ENOTFOUND when arg is none of these (err says why).
 */
int cli_parse_pub(const char *arg, keyfile_pub *pub, lh_err *err);

/**
 * Append an entry signed by key (lh_append()) and report: the receipt, for
 * people or as JSON (lh_receipt_to_json()), saved to receipt_path too when
 * it is not NULL. When the connection fails after the entry was sent, the
 * same signed bytes are sent once more on a new connection (the log answers
 * DUPLICATE if it holds them), so an entry is never logged twice.
 * Refusals are explained: who may append the kind, an unenrolled or revoked
 * key. Shared by append, enroll and revoke (cmd_append.c).
 * @return the exit status.
 */
int cli_append_entry(cli *c, const keyfile_key *key, const Liuhen__Entry *e,
                     const char *receipt_path);

/**
 * Print the JSON document a command built for --json (render_print_json()),
 * or report that it could not be built. Takes o's reference.
 * @param[in] ok    false when a member could not be made or set.
 * @param[in] what  names the document in the message when !ok ("entry 3"
 *                  gives "entry 3 cannot be written as JSON"); NULL: "out of
 *                  memory".
 * @return CLI_EXIT_OK or CLI_EXIT_IO (message printed).
 */
int cli_print_json(const cli *c, json_t *o, bool ok, const char *what);

/**
 * Parse a decimal unsigned number, whole string, no sign.
 * @return true on success.
 */
bool cli_parse_u64(const char *s, uint64_t *out);

/**
 * Read the witness keys (--witness-key, else $LIUHEN_WITNESS_KEYS) and the
 * policy (--min-cosignatures, else $LIUHEN_MIN_COSIGNATURES, else 0) into
 * c, once; cli_connect() calls it.
 * @return 0 or an exit status (message printed).
 */
int cli_read_witnesses(cli *c);

/**
 * Check, before anything is done, that an output file can be written: its
 * directory exists and is writable, and it is not a directory. So that an
 * append is not logged only to find that its receipt cannot be saved.
 * @param[in] opt  the option naming the file, for the message ("--receipt").
 * @return 0 or an exit status (message printed).
 */
int cli_check_output(const cli *c, const char *opt, const char *path);

/**
 * cli_check_output() for a directory that output files go into (the
 * receipts of a stream of records): it exists and is writable.
 * @return 0 or an exit status (message printed).
 */
int cli_check_output_dir(const cli *c, const char *opt, const char *path);

#endif
