/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * main.c — liuhen-witness, the oversight body's witness (c2sp.org/tlog-witness):
 * its commands, their options and help, exit statuses.
 *
 *   liuhen-witness keygen --out PREFIX --name NAME [--no-passphrase]
 *                         [--passphrase-file FILE]
 *   liuhen-witness serve --key FILE --state DIR --listen ADDR:PORT
 *                        --log VKEY_FILE [--log ...] [--passphrase-file FILE]
 *   liuhen-witness add-checkpoint --key FILE --state DIR --log VKEY_FILE [...]
 *                                 [--passphrase-file FILE]
 *   liuhen-witness evidence --state DIR [--json]
 *
 * A witness cosigns a log's checkpoint only if it extends the last one it
 * cosigned, so that a log cannot show one history to some and another to
 * others without a witness refusing one of them. The rules are the format
 * core's (witness_check(), client/core/witness.h); the state and the one
 * code path that applies them are wstate.h; the HTTP front is whttp.h.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <pthread.h>
#include <sodium.h>

#include "fileio.h"
#include "i18n.h"
#include "keyfile.h"
#include "keyload.h"
#include "note.h"
#include "passphrase.h"
#include "quote.h"
#include "whttp.h"
#include "wstate.h"

/* Exit statuses, as the other liuhen tools give them. */
enum {
    EXIT_OK = 0,      /* done; add-checkpoint: cosigned (200) */
    EXIT_REFUSED = 1, /* add-checkpoint refused (4xx); a state file or a key that does not
                         verify; a wrong passphrase */
    EXIT_USAGE = 2,   /* unknown command or option, a missing or bad value */
    EXIT_IO = 3,      /* a file, the state directory or the network failed */
};

/* How long add-checkpoint waits for the state directory's lock. */
#define LOCK_WAIT_MS 5000

static const char *prog = "liuhen-witness";

/* ---- messages ---------------------------------------------------------- */

__attribute__((format(printf, 2, 3))) static int fail(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return status;
}

/* The exit status for an error code of the library or the state. */
static int exit_for(int rc)
{
    if (rc > -1000)
        return EXIT_IO; /* -errno */
    switch (rc) {
    case LH_EPERMFILE:
    case LH_EKEYFILE:
    case LH_ENOMEM:
    case LH_EUNAVAILABLE:
    case LH_ETOOBIG:
    case LH_EEXIST:
    case LH_EINTERNAL: return EXIT_IO;
    case LH_EINVAL: return EXIT_USAGE;
    default: return EXIT_REFUSED;
    }
}

/* ---- help -------------------------------------------------------------- */

/*
 * A command's help: its paragraphs, each a message of its own (one change,
 * one message to translate again), NULL-terminated. A paragraph that
 * starts with two spaces (an option, an example's command line) continues
 * the one before; any other is set off by an empty line.
 */
typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary; /* N_(): translated where printed */
    const char *const *help;
} command;

static const char *const exit_help =
    N_("Exit status: 0 success (add-checkpoint: cosigned); 1 refused (add-checkpoint: any\n"
       "4xx answer), a state file or key that does not verify, a wrong passphrase; 2 usage;\n"
       "3 input/output error (a missing or unreadable file, the state directory in use or\n"
       "too open, an address that cannot be bound, the state that cannot be saved).\n");

static const char *const keygen_help[] = {
    N_("Usage: liuhen-witness keygen --out PREFIX --name NAME [--no-passphrase]\n"
       "                             [--passphrase-file FILE]\n"),
    N_("Make the witness's Ed25519 key pair: PREFIX.key, the secret key (mode 0600, the\n"
       "format of `liuhen keygen`, encrypted with a passphrase by Argon2id and\n"
       "XChaCha20-Poly1305), and PREFIX.pub, one line: the witness's note verifier key of\n"
       "type 0x04 (c2sp.org/tlog-cosignature), NAME+KEYID+BASE64, to give to the log's\n"
       "operator and to inspectors (liuhen-verify --witness-key PREFIX.pub).\n"
       "Existing files are never overwritten.\n"),
    N_("Options:\n"),
    N_("  --out PREFIX            where to write PREFIX.key and PREFIX.pub (required)\n"),
    N_("  --name NAME             the witness's name, by custom a URL-like name such as\n"
       "                          witness.oversight.example/w1: no spaces, no '+', at most\n"
       "                          128 bytes (required)\n"),
    N_("  --no-passphrase         write PREFIX.key unencrypted, protected by its file mode\n"
       "                          alone (a witness that must start unattended)\n"),
    N_("  --passphrase-file FILE  the new passphrase, first line of FILE (mode 0600)\n"
       "                          (default: $LIUHEN_PASSPHRASE, else asked twice on the\n"
       "                          terminal)\n"),
    N_("Example:\n"),
    "  liuhen-witness keygen --out keys/witness --name witness.oversight.example/w1\n",
    NULL,
};

static const char *const serve_help[] = {
    N_("Usage: liuhen-witness serve --key FILE --state DIR --listen ADDR:PORT\n"
       "                            --log VKEY_FILE [--log VKEY_FILE ...]\n"
       "                            [--passphrase-file FILE]\n"),
    N_("Serve C2SP tlog-witness over HTTP: POST /add-checkpoint with a body of\n"
       "\"old SIZE\", the consistency proof (one base64 hash a line), an empty line and the\n"
       "log's signed checkpoint. The witness cosigns (Ed25519 cosignature/v1, timestamped\n"
       "with the current time) only a checkpoint that the log's key signed and that\n"
       "extends the last one it cosigned for that log, and records it durably before it\n"
       "answers. Answers: 200 the cosignature line; 400 a malformed body, or the old size\n"
       "above the checkpoint's; 403 no valid signature of the log's key; 404 an unknown\n"
       "origin; 409 (Content-Type text/x.tlog.size, body the size it last cosigned) the\n"
       "old size is not that size, or the same size with another root; 422 the\n"
       "consistency proof fails; 405 another method; 413 a body over 64 KiB. A checkpoint\n"
       "signed by the log but inconsistent with what was cosigned is kept as evidence in\n"
       "DIR/evidence/ and reported on standard error (see `liuhen-witness evidence`).\n"),
    N_("Once bound, one line goes to standard output: \"listening on ADDR:PORT\".\n"
       "SIGTERM or SIGINT stops it (exit 0) after the requests being answered.\n"),
    N_("Options:\n"),
    N_("  --key FILE              the witness's secret key (liuhen-witness keygen) (required)\n"),
    N_("  --state DIR             the state directory, mode 0700, created if missing: the\n"
       "                          latest cosigned checkpoint of each log, the evidence, and\n"
       "                          a lock held while serving (required)\n"),
    N_("  --listen ADDR:PORT      where to listen, e.g. 127.0.0.1:8080 or [::1]:8080; port 0\n"
       "                          lets the system pick one (required)\n"),
    N_("  --log VKEY_FILE         a log to witness: its note verifier key (type 0x01), as\n"
       "                          `liuhend init` wrote it (DATA/log.vkey); the key's name is\n"
       "                          the log's origin (required, repeatable)\n"),
    N_("  --passphrase-file FILE  the key's passphrase, first line of FILE (mode 0600)\n"
       "                          (default: $LIUHEN_PASSPHRASE, else asked on the terminal)\n"),
    N_("Example:\n"),
    "  liuhen-witness serve --key keys/witness.key --state /var/lib/liuhen-witness \\\n"
    "      --listen 127.0.0.1:8080 --log bureau-log.vkey\n",
    NULL,
};

static const char *const add_help[] = {
    N_("Usage: liuhen-witness add-checkpoint --key FILE --state DIR --log VKEY_FILE [...]\n"
       "                                     [--passphrase-file FILE]\n"),
    N_("The air-gapped form of POST /add-checkpoint: read one request body from standard\n"
       "input, judge it by the same rules against the same state as `serve`, write the\n"
       "answer's body to standard output (the cosignature line, the size of a 409, or the\n"
       "reason of a refusal) and the HTTP status and reason on standard error, e.g.\n"
       "\"409 Conflict: ...\". The state directory is locked for the run: while `serve`\n"
       "holds it, this waits 5 seconds, then gives up (exit 3).\n"),
    N_("Options:\n"),
    N_("  --key FILE              the witness's secret key (required)\n"),
    N_("  --state DIR             the state directory (required)\n"),
    N_("  --log VKEY_FILE         a log's verifier key (required, repeatable)\n"),
    N_("  --passphrase-file FILE  the key's passphrase (default: $LIUHEN_PASSPHRASE, else\n"
       "                          asked on the terminal)\n"),
    N_("Exit status: 0 cosigned (200); 1 refused (4xx); 2 usage; 3 input/output error\n"
       "(500: the state could not be saved).\n"),
    N_("Example:\n"),
    "  liuhen-witness add-checkpoint --key keys/witness.key --state state \\\n"
    "      --log bureau-log.vkey < request.txt > cosignature.txt\n",
    NULL,
};

static const char *const evidence_help[] = {
    N_("Usage: liuhen-witness evidence --state DIR [--json]\n"),
    N_("List the evidence of log misbehaviour kept in DIR/evidence/: each a checkpoint the\n"
       "log signed that is inconsistent with the one this witness had cosigned, with its\n"
       "origin, size, time, the reason and the file, which holds the request body as\n"
       "received and the checkpoint that was cosigned. Reads only: it works beside a\n"
       "running `serve`.\n"),
    N_("Options:\n"),
    N_("  --state DIR   the state directory (required)\n"),
    N_("  --json        one JSON document on standard output\n"),
    N_("Example:\n"),
    "  liuhen-witness evidence --state /var/lib/liuhen-witness\n",
    NULL,
};

static int run_keygen(int argc, char **argv);
static int run_serve(int argc, char **argv);
static int run_add(int argc, char **argv);
static int run_evidence(int argc, char **argv);
static int run_help(int argc, char **argv);

static const char *const help_help[] = {
    N_("Usage: liuhen-witness help [COMMAND]\n"),
    N_("Without COMMAND, list the commands; with one, print its help.\n"),
    NULL,
};

static const command commands[] = {
    {"keygen", run_keygen, N_("make the witness's key pair: PREFIX.key and PREFIX.pub (type 0x04)"),
     keygen_help},
    {"serve", run_serve, N_("serve POST /add-checkpoint (c2sp.org/tlog-witness) over HTTP"),
     serve_help},
    {"add-checkpoint", run_add, N_("judge one request from standard input, as serve would"),
     add_help},
    {"evidence", run_evidence, N_("list the evidence of log misbehaviour kept"), evidence_help},
    {"help", run_help, N_("this help, or a command's: liuhen-witness help COMMAND"), help_help},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void print_overview(FILE *f)
{
    fputs(_("liuhen-witness — the oversight body's witness for liuhen (留痕) logs: it cosigns a\n"
            "log's checkpoint only if it extends the last one it cosigned, so that the log\n"
            "cannot show two histories (C2SP tlog-witness, tlog-cosignature).\n"),
          f);
    fputs("\n", f);
    fputs(_("Usage: liuhen-witness COMMAND [OPTIONS]\n"), f);
    fputs("\n", f);
    fputs(_("Commands:\n"), f);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-15s %s\n", commands[i].name, _(commands[i].summary));
    fputs("\n", f);
    fputs(_("Environment: LIUHEN_PASSPHRASE, the key's passphrase (read once and removed);\n"
            "LANG (or LC_ALL, LC_MESSAGES, LANGUAGE): zh_CN.UTF-8 for messages in Chinese,\n"
            "C for English.\n"),
          f);
    fputs("\n", f);
    fputs(_(exit_help), f);
    fputs("\n", f);
    fputs(_("Run 'liuhen-witness help COMMAND' or 'liuhen-witness COMMAND --help' for a\n"
            "command's options and an example.\n"),
          f);
}

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void print_help(const command *c)
{
    for (size_t i = 0; c->help[i] != NULL; i++) {
        if (i != 0 && strncmp(c->help[i], "  ", 2) != 0)
            fputs("\n", stdout);
        /* The examples' command lines are not messages: printed as they are. */
        bool example = i != 0 && strncmp(c->help[i], "  liuhen-witness ", 17) == 0;
        fputs(example ? c->help[i] : _(c->help[i]), stdout);
    }
    if (c->run != run_help && c->run != run_add) {
        fputs("\n", stdout);
        fputs(_(exit_help), stdout);
    }
}

static int run_help(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_overview(stdout);
        return EXIT_OK;
    }
    if (argc > 2)
        return fail(EXIT_USAGE, _("help: one command at a time: liuhen-witness help COMMAND"));
    const command *c = find_command(argv[1]);
    if (c == NULL)
        return fail(EXIT_USAGE, _("help: no command '%s'"), argv[1]);
    print_help(c);
    return EXIT_OK;
}

/* ---- options ----------------------------------------------------------- */

typedef struct options {
    const char *cmd;
    const char *key, *state, *listen, *passfile, *out, *name;
    const char **logs;
    size_t nlogs;
    bool no_pass, json;
} options;

enum {
    O_KEY = 256,
    O_STATE,
    O_LISTEN,
    O_LOG,
    O_PASSFILE,
    O_OUT,
    O_NAME,
    O_NOPASS,
    O_JSON,
    O_HELP,
};

__attribute__((format(printf, 2, 3))) static int usage(const options *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s %s: ", prog, o->cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fprintf(stderr, _("Run '%s %s --help' for its options.\n"), prog, o->cmd);
    return EXIT_USAGE;
}

/*
 * Parse a command's options, those in `allowed` (a list of O_* ending in
 * 0). @return -1 to go on; else the exit status to return at once.
 */
static int parse_options(int argc, char **argv, const command *c, const int *allowed, options *o)
{
    static const struct option all[] = {
        {"key", required_argument, NULL, O_KEY},
        {"state", required_argument, NULL, O_STATE},
        {"listen", required_argument, NULL, O_LISTEN},
        {"log", required_argument, NULL, O_LOG},
        {"passphrase-file", required_argument, NULL, O_PASSFILE},
        {"out", required_argument, NULL, O_OUT},
        {"name", required_argument, NULL, O_NAME},
        {"no-passphrase", no_argument, NULL, O_NOPASS},
        {"json", no_argument, NULL, O_JSON},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    struct option opts[sizeof all / sizeof all[0]];
    size_t n = 0;
    for (size_t i = 0; all[i].name != NULL; i++) {
        bool ok = all[i].val == O_HELP;
        for (const int *a = allowed; *a != 0; a++)
            ok |= *a == all[i].val;
        if (ok)
            opts[n++] = all[i];
    }
    opts[n] = all[sizeof all / sizeof all[0] - 1];
    memset(o, 0, sizeof *o);
    o->cmd = c->name;
    opterr = 0;
    optind = 1;
    int opt;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case O_KEY: o->key = optarg; break;
        case O_STATE: o->state = optarg; break;
        case O_LISTEN: o->listen = optarg; break;
        case O_PASSFILE: o->passfile = optarg; break;
        case O_OUT: o->out = optarg; break;
        case O_NAME: o->name = optarg; break;
        case O_NOPASS: o->no_pass = true; break;
        case O_JSON: o->json = true; break;
        case O_LOG: {
            const char **p = realloc(o->logs, (o->nlogs + 1) * sizeof *p);
            if (p == NULL)
                return fail(EXIT_IO, _("out of memory"));
            p[o->nlogs++] = optarg;
            o->logs = p;
            break;
        }
        case O_HELP: print_help(c); return EXIT_OK;
        case ':': return usage(o, _("option %s needs a value"), argv[optind - 1]);
        default: return usage(o, _("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage(o, _("unexpected argument '%s'"), argv[optind]);
    return -1;
}

/* ---- keys -------------------------------------------------------------- */

/* Each --log file: a log's verifier key, type 0x01; its name the origin. */
static int load_log_keys(const options *o, note_verifier **out)
{
    note_verifier *logs = calloc(o->nlogs, sizeof *logs);
    if (logs == NULL)
        return fail(EXIT_IO, _("out of memory"));
    for (size_t i = 0; i < o->nlogs; i++) {
        keyfile_pub pub;
        lh_err err = {{0}};
        int rc = keyfile_read_public(o->logs[i], &pub, &err);
        if (rc == LH_EALGO) {
            free(logs);
            return fail(EXIT_USAGE,
                        _("--log %s: not a log's verifier key (type 0x01, as liuhend init "
                          "writes DATA/log.vkey): %s"),
                        o->logs[i], err.msg);
        }
        if (rc == 0)
            rc = note_verifier_init(&logs[i], pub.name, strlen(pub.name), NOTE_TYPE_ED25519,
                                    pub.pubkey);
        if (rc != 0) {
            free(logs);
            return fail(exit_for(rc), "--log %s: %s", o->logs[i],
                        err.msg[0] != '\0' ? err.msg : lh_strerror(rc));
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(logs[j].name, logs[i].name) == 0) {
                int st = usage(o,
                               _("--log %s and --log %s are both for the origin %s: give one key "
                                 "per log"),
                               o->logs[j], o->logs[i], logs[i].name);
                free(logs);
                return st;
            }
        }
    }
    *out = logs;
    return -1;
}

/*
 * Read the witness's secret key (asking for its passphrase only when it is
 * encrypted) into a type 0x04 note signer in guarded memory (read-only
 * once made; sodium_free() wipes it). The key file holds an Ed25519 seed;
 * the cosignature key is the same key pair under the key id of type 0x04
 * (c2sp.org/tlog-cosignature), so one file serves both.
 */
static int load_signer(const options *o, note_signer **out, note_verifier *vk)
{
    lh_err err = {{0}};
    keyload_step step;
    keyfile_key *key = NULL;
    int rc = keyload_secret(o->key, o->passfile, &key, &step, &err);
    if (rc != 0 && step == KEYLOAD_PASSPHRASE)
        return fail(rc == LH_EPASSPHRASE ? EXIT_USAGE : EXIT_IO, "%s", err.msg);
    if (rc != 0)
        return fail(step == KEYLOAD_READ && rc == LH_EPASSPHRASE ? EXIT_REFUSED : EXIT_IO,
                    "--key %s: %s", o->key, err.msg[0] != '\0' ? err.msg : lh_strerror(rc));
    note_signer *tmp = sodium_malloc(sizeof *tmp);
    note_signer *s = sodium_malloc(sizeof *s);
    if (tmp == NULL || s == NULL) {
        sodium_free(tmp);
        sodium_free(s);
        keyfile_key_free(key);
        return fail(EXIT_IO, _("out of secure memory"));
    }
    /* note_signer.sk is libsodium's secret key, seed || public key. */
    rc = keyfile_note_signer(key, tmp);
    if (rc == 0)
        rc = note_signer_from_seed(s, tmp->name, strlen(tmp->name), NOTE_TYPE_COSIG, tmp->sk);
    if (rc == 0)
        rc = note_signer_verifier(s, vk);
    sodium_free(tmp);
    keyfile_key_free(key);
    if (rc != 0) {
        sodium_free(s);
        return fail(EXIT_IO, _("--key %s: not usable as a witness key: %s"), o->key,
                    lh_strerror(rc));
    }
    sodium_mprotect_readonly(s);
    *out = s;
    return -1;
}

/* ---- keygen ------------------------------------------------------------ */

static char *path_with(const char *prefix, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    char *p = malloc(n + m + 1);
    if (p != NULL) {
        memcpy(p, prefix, n);
        memcpy(p + n, suffix, m + 1);
    }
    return p;
}

static int run_keygen(int argc, char **argv)
{
    static const int allowed[] = {O_OUT, O_NAME, O_NOPASS, O_PASSFILE, 0};
    options o;
    int st = parse_options(argc, argv, find_command("keygen"), allowed, &o);
    if (st >= 0)
        goto out_opts;
    if (o.out == NULL || o.out[0] == '\0') {
        st = usage(&o, _("--out PREFIX is required"));
        goto out_opts;
    }
    if (o.name == NULL || o.name[0] == '\0') {
        st = usage(&o, _("--name NAME is required: the witness's name, e.g. "
                         "witness.oversight.example/w1"));
        goto out_opts;
    }
    if (strlen(o.name) > KEYFILE_NAME_MAX || !note_name_valid(o.name, strlen(o.name))) {
        st = usage(&o,
                   _("--name '%s' is not a valid key name: 1 to %d bytes of UTF-8 without spaces, "
                     "'+' or control characters"),
                   o.name, KEYFILE_NAME_MAX);
        goto out_opts;
    }
    if (o.no_pass && o.passfile != NULL) {
        st = usage(&o, _("--no-passphrase and --passphrase-file contradict each other"));
        goto out_opts;
    }
    /* A ".key" or ".pub" typed into PREFIX is not doubled. */
    size_t n = strlen(o.out);
    if (n > 4 && (strcmp(o.out + n - 4, ".key") == 0 || strcmp(o.out + n - 4, ".pub") == 0))
        n -= 4;
    char *key_path = path_with(o.out, n, ".key");
    char *pub_path = path_with(o.out, n, ".pub");
    char *pass = NULL;
    keyfile_key *key = NULL;
    lh_err err = {{0}};
    int rc;
    if (key_path == NULL || pub_path == NULL) {
        st = fail(EXIT_IO, _("out of memory"));
        goto out;
    }
    /* Both files are checked before a passphrase is asked for. */
    if (access(key_path, F_OK) == 0 || access(pub_path, F_OK) == 0) {
        st = fail(EXIT_IO, _("keygen: %s already exists: keys are never overwritten"),
                  access(key_path, F_OK) == 0 ? key_path : pub_path);
        goto out;
    }
    if (!o.no_pass && (rc = passphrase_get(o.passfile, true, key_path, &pass, &err)) != 0) {
        st = fail(rc == LH_EPASSPHRASE ? EXIT_USAGE : EXIT_IO, "keygen: %s", err.msg);
        goto out;
    }
    if ((rc = keyfile_generate(o.name, &key, &err)) != 0) {
        st = fail(exit_for(rc), "keygen: %s", err.msg[0] != '\0' ? err.msg : lh_strerror(rc));
        goto out;
    }
    note_verifier vk;
    char vkey[NOTE_VKEY_MAX + 2];
    size_t vlen = 0;
    rc = note_verifier_init(&vk, o.name, strlen(o.name), NOTE_TYPE_COSIG, keyfile_key_pubkey(key));
    if (rc == 0)
        rc = note_vkey_format(&vk, vkey, sizeof vkey, &vlen);
    if (rc != 0) {
        st = fail(EXIT_IO, _("keygen: cannot make the verifier key: %s"), lh_strerror(rc));
        goto out;
    }
    if ((rc = keyfile_write_secret(key_path, key, pass, KEYFILE_KDF_INTERACTIVE, &err)) != 0) {
        st = fail(EXIT_IO, "keygen: %s", err.msg[0] != '\0' ? err.msg : lh_strerror(rc));
        goto out;
    }
    vkey[vlen] = '\n';
    if ((rc = fileio_write_new(pub_path, 0644, vkey, vlen + 1, "witness verifier key file",
                               &err)) != 0) {
        /* Half a key pair is no use: remove the secret half written above. */
        unlink(key_path);
        st = fail(EXIT_IO, "keygen: %s", err.msg[0] != '\0' ? err.msg : lh_strerror(rc));
        goto out;
    }
    vkey[vlen] = '\0';
    printf(_("witness key pair generated: %s\n"), o.name);
    printf(_("  secret key: %s (0600, %s)\n"), key_path,
           pass != NULL ? _("encrypted with the passphrase") : _("NOT encrypted"));
    printf(_("  verifier key file: %s (0644, cosignature type 0x04)\n"), pub_path);
    printf(_("  verifier key: %s\n"), vkey);
    printf(_("Give %s to the log's operator and to inspectors (liuhen-verify --witness-key %s).\n"),
           pub_path, pub_path);
    if (pass == NULL)
        fprintf(stderr,
                _("%s keygen: warning: %s is NOT encrypted: anyone who can read it can "
                  "cosign as %s\n"),
                prog, key_path, o.name);
    st = EXIT_OK;
out:
    passphrase_free(pass);
    keyfile_key_free(key);
    free(key_path);
    free(pub_path);
out_opts:
    free(o.logs);
    return st;
}

/* ---- serve and add-checkpoint ------------------------------------------ */

/* What serve and add-checkpoint share: the keys and the open state. */
typedef struct session {
    note_verifier *logs;
    note_signer *signer;
    note_verifier vk;
    wstate *state;
} session;

static void session_free(session *w)
{
    wstate_close(w->state);
    sodium_free(w->signer);
    free(w->logs);
}

static int check_common(const options *o)
{
    if (o->key == NULL)
        return usage(o, _("--key FILE is required: the witness's secret key"));
    if (o->state == NULL)
        return usage(o, _("--state DIR is required: the witness's state directory"));
    if (o->nlogs == 0)
        return usage(o, _("--log VKEY_FILE is required: the verifier key of a log to witness"));
    return -1;
}

static int open_state(const options *o, session *w, unsigned wait_ms)
{
    wstate_config cfg = {.dir = o->state,
                         .logs = w->logs,
                         .nlogs = o->nlogs,
                         .signer = w->signer,
                         .lock_wait_ms = wait_ms,
                         .log = stderr};
    lh_err err = {{0}};
    int rc = wstate_open(&cfg, &w->state, &err);
    if (rc != 0)
        return fail(exit_for(rc), "%s", err.msg[0] != '\0' ? err.msg : lh_strerror(rc));
    return -1;
}

static int run_serve(int argc, char **argv)
{
    static const int allowed[] = {O_KEY, O_STATE, O_LISTEN, O_LOG, O_PASSFILE, 0};
    options o;
    session w;
    memset(&w, 0, sizeof w);
    whttp *h = NULL;
    int st = parse_options(argc, argv, find_command("serve"), allowed, &o);
    if (st < 0)
        st = check_common(&o);
    if (st < 0 && o.listen == NULL)
        st = usage(&o, _("--listen ADDR:PORT is required, e.g. 127.0.0.1:8080"));
    if (st < 0) {
        struct sockaddr_storage ss;
        socklen_t len;
        lh_err err = {{0}};
        if (whttp_parse_listen(o.listen, &ss, &len, &err) != 0)
            st = usage(&o, "%s", err.msg);
    }
    if (st < 0)
        st = load_log_keys(&o, &w.logs);
    if (st < 0)
        st = load_signer(&o, &w.signer, &w.vk);
    if (st >= 0)
        goto out;

    /* SIGTERM and SIGINT are taken by sigwait() below: blocked before any
     * thread starts, so that none of libmicrohttpd's threads takes them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    if ((st = open_state(&o, &w, 0)) >= 0)
        goto out;
    whttp_config hc = {.listen = o.listen, .state = w.state, .log = stderr};
    char bound[WHTTP_ADDR_MAX];
    lh_err err = {{0}};
    int rc = whttp_start(&hc, &h, bound, &err);
    if (rc != 0) {
        st = fail(exit_for(rc), "%s", err.msg);
        goto out;
    }
    fprintf(stderr, _("%s: witness %s (key id %08" PRIx32 ") serving on %s, state %s\n"), prog,
            w.vk.name, w.vk.keyid, bound, o.state);
    for (size_t i = 0; i < o.nlogs; i++) {
        witness_log l;
        wstate_get_log(w.state, i, &l);
        if (l.cosigned)
            fprintf(stderr, _("%s:   log %s: cosigned up to size %" PRIu64 "\n"), prog, l.key.name,
                    l.size);
        else
            fprintf(stderr, _("%s:   log %s: nothing cosigned yet\n"), prog, l.key.name);
    }
    /* The one line on standard output, which scripts and tests read. */
    printf("listening on %s\n", bound);
    fflush(stdout);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    whttp_stop(h);
    h = NULL;
    fprintf(stderr, _("%s: stopped (%s)\n"), prog, sig == SIGINT ? "SIGINT" : "SIGTERM");
    st = EXIT_OK;
out:
    whttp_stop(h);
    session_free(&w);
    free(o.logs);
    return st;
}

static int run_add(int argc, char **argv)
{
    static const int allowed[] = {O_KEY, O_STATE, O_LOG, O_PASSFILE, 0};
    options o;
    session w;
    memset(&w, 0, sizeof w);
    uint8_t *body = NULL;
    size_t len = 0;
    wstate_answer *a = NULL;
    int st = parse_options(argc, argv, find_command("add-checkpoint"), allowed, &o);
    if (st < 0)
        st = check_common(&o);
    if (st < 0 && (a = malloc(sizeof *a)) == NULL)
        st = fail(EXIT_IO, _("out of memory"));
    if (st < 0)
        st = load_log_keys(&o, &w.logs);
    if (st >= 0)
        goto out;

    /* The body first, so that the state is locked only while it is used. */
    lh_err err = {{0}};
    int rc = fileio_read_fd(STDIN_FILENO, "standard input", FILEIO_STREAM, "request body",
                            WITNESS_REQUEST_MAX, &body, &len, &err);
    bool too_large = rc == LH_ETOOBIG;
    if (rc != 0 && !too_large) {
        st = fail(EXIT_IO, "add-checkpoint: %s", err.msg);
        goto out;
    }
    if ((st = load_signer(&o, &w.signer, &w.vk)) >= 0)
        goto out;
    if ((st = open_state(&o, &w, LOCK_WAIT_MS)) >= 0)
        goto out;
    if (too_large) {
        wstate_answer_too_large(a);
        rc = 0;
    } else {
        time_t now = time(NULL);
        rc = wstate_add_checkpoint(w.state, body, len, now > 0 ? (uint64_t)now : 0, a);
    }
    if (a->body_len > 0 && fwrite(a->body, 1, a->body_len, stdout) != a->body_len) {
        st = fail(EXIT_IO, _("add-checkpoint: cannot write the answer"));
        goto out;
    }
    fprintf(stderr, "%d %s: %s\n", a->status, wstate_status_text(a->status), a->reason);
    if (rc != 0 || a->status == WSTATE_INTERNAL)
        st = EXIT_IO;
    else
        st = a->status == WITNESS_OK ? EXIT_OK : EXIT_REFUSED;
out:
    free(body);
    free(a);
    session_free(&w);
    free(o.logs);
    return st;
}

/* ---- evidence ---------------------------------------------------------- */

static void utc_iso(char out[32], uint64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, 32, "%" PRIu64, t);
}

static int print_evidence_json(const char *dir, const wstate_evidence *ev, size_t n)
{
    json_t *list = json_array();
    bool ok = list != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        const wstate_evidence *e = &ev[i];
        char when[32];
        utc_iso(when, e->time);
        json_t *o =
            e->ok ? json_pack("{s:s, s:I, s:I, s:I, s:s, s:i, s:s, s:s}", "file", e->file, "size",
                              (json_int_t)e->size, "cosigned_size", (json_int_t)e->cosigned_size,
                              "time", (json_int_t)e->time, "time_utc", when, "status", e->status,
                              "reason", e->reason, "origin", e->origin)
                  : json_pack("{s:s, s:s}", "file", e->file, "problem", e->problem);
        ok = o != NULL && json_array_append_new(list, o) == 0;
    }
    json_t *doc = ok ? json_pack("{s:s, s:o}", "state", dir, "evidence", list) : NULL;
    if (doc == NULL) {
        if (!ok)
            json_decref(list);
        return fail(EXIT_IO, _("evidence: out of memory"));
    }
    char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (s == NULL)
        return fail(EXIT_IO, _("evidence: out of memory"));
    puts(s);
    free(s);
    return EXIT_OK;
}

static int run_evidence(int argc, char **argv)
{
    static const int allowed[] = {O_STATE, O_JSON, 0};
    options o;
    int st = parse_options(argc, argv, find_command("evidence"), allowed, &o);
    if (st < 0 && o.state == NULL)
        st = usage(&o, _("--state DIR is required: the witness's state directory"));
    if (st >= 0) {
        free(o.logs);
        return st;
    }
    wstate_evidence *ev = NULL;
    size_t n = 0;
    lh_err err = {{0}};
    int rc = wstate_evidence_list(o.state, &ev, &n, &err);
    if (rc != 0) {
        free(o.logs);
        return fail(exit_for(rc), "evidence: %s", err.msg);
    }
    if (o.json) {
        st = print_evidence_json(o.state, ev, n);
    } else if (n == 0) {
        printf(_("no evidence kept in %s/evidence\n"), o.state);
        st = EXIT_OK;
    } else {
        printf(_("evidence of log misbehaviour kept in %s/evidence: %zu\n"), o.state, n);
        for (size_t i = 0; i < n; i++) {
            const wstate_evidence *e = &ev[i];
            if (!e->ok) {
                printf(_("  %s: unreadable: %s\n"), e->file, e->problem);
                continue;
            }
            char when[32], origin[4 * 64 + 8], reason[4 * LH_ERR_MSG_MAX + 8];
            utc_iso(when, e->time);
            /* The files are read back: shown escaped, whatever they hold. */
            quote_escape(origin, sizeof origin, e->origin, strlen(e->origin), 64, false);
            quote_escape(reason, sizeof reason, e->reason, strlen(e->reason), LH_ERR_MSG_MAX,
                         false);
            printf(
                _("  %s  log %s: checkpoint size %" PRIu64 ", cosigned size %" PRIu64 " (%d %s)\n"),
                when, origin, e->size, e->cosigned_size, e->status, wstate_status_text(e->status));
            printf(_("    reason: %s\n"), reason);
            printf(_("    file: %s/evidence/%s\n"), o.state, e->file);
        }
        st = EXIT_OK;
    }
    free(ev);
    free(o.logs);
    return st;
}

/* ---- main -------------------------------------------------------------- */

int main(int argc, char **argv)
{
    i18n_init();
    if (sodium_init() < 0)
        return fail(EXIT_IO, _("libsodium cannot be initialised"));
    if (argc < 2) {
        print_overview(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        print_overview(stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        puts("liuhen-witness 0.1");
        return EXIT_OK;
    }
    const command *c = find_command(name);
    if (c == NULL) {
        fprintf(stderr, _("%s: no command '%s'\n"), prog, name);
        fputs("\n", stderr);
        print_overview(stderr);
        return EXIT_USAGE;
    }
    /* getopt_long() names the program by argv[0] in its messages. */
    char cprog[64];
    snprintf(cprog, sizeof cprog, "%s %s", prog, c->name);
    argv[1] = cprog;
    int st = c->run(argc - 1, argv + 1);
    if (fflush(stdout) != 0 || ferror(stdout))
        return fail(EXIT_IO, _("cannot write the output"));
    return st;
}
