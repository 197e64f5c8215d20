/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * liuhend.c — the liuhen daemon's main: options, `liuhend init`, the
 * start-up checks, signals, and the wiring of store, key state,
 * sequencer, publisher and server (docs/design.md "The daemon").
 *
 *   liuhend init --data DIR --origin ORIGIN --admin ADMIN.pub
 *   liuhend --data DIR [options]
 *
 * Start-up refuses, with a message naming the object and the cause, rather
 * than run with a weakness: a data directory or log key that others can
 * read, a log key that is not this log's, a store that is behind or forked
 * from what was published, a socket that another daemon serves.
 *
 * Threads, and what each may touch (docs/design.md "Threads" says more):
 *
 *   event loop (this thread)  connections, requests, the read calls (one
 *                             LMDB read transaction each), signals, drain
 *   preparation (>= 2)        one append at a time: unpack, validate,
 *                             origin, signature, entry id (sequencer.h)
 *   writer (1)                the only LMDB write transaction, the keyring's
 *                             changes, the log key's signer (writer.h)
 *   publisher (1)             the publish directory and its hook (publish.h)
 *   libuv pool                Export and Backup, one at a time (snapshot.h)
 *   witnessing (1 per witness) HTTP to its witness; a write transaction per
 *                             cosignature kept (witnessing.h)
 *   scrub (0 or 1)            --check-interval: read transactions (scrub.h)
 *
 * One file, past 1,000 lines: the start-up is one sequence (options, user,
 * data directory, key, store, high-water mark, threads, socket, filter)
 * whose every step undoes the ones before it on failure (the `out:` path);
 * `liuhend init` shares its option and passphrase handling, and
 * `liuhend check` and `liuhend recover` are modules of their own
 * (checkcmd.h, recovercmd.h).
 *
 * None holds an LMDB read transaction while it waits for another.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>
#include <uv.h>

#include "beneath.h"
#include "calendar.h"
#include "checkcmd.h"
#include "checkpoint.h"
#include "datadir.h"
#include "entry.h"
#include "errors.h"
#include "fileio.h"
#include "genesis.h"
#include "harden.h"
#include "highwater.h"
#include "i18n.h"
#include "keyfile.h"
#include "keyload.h"
#include "keyring.h"
#include "log.h"
#include "note.h"
#include "passphrase.h"
#include "privileges.h"
#include "recovercmd.h"
#include "publish.h"
#include "scrub.h"
#include "sequencer.h"
#include "server.h"
#include "snapshot.h"
#include "store.h"
#include "wire.h"
#include "witnessing.h"

/* Exit statuses: 0 done, 1 refused or failed, 2 usage (as getopt tools do). */
#define EXIT_USAGE 2

/* The smallest frame limit: the largest append request (a 65,520-byte
 * SignedEntry, entry.h) and the largest entry in a GetEntries response
 * (a 65,535-byte leaf) fit in it with room for their envelopes. */
#define MIN_FRAME ((uint32_t)72 * 1024)
/* The largest: each connection may buffer a frame this large. */
#define MAX_FRAME ((uint32_t)64 << 20)

#define DEFAULT_INTERVAL 60
/* How long liuhend waits at stop for its witnesses to cosign the final
 * checkpoint before it publishes it (witnessing_flush()). */
#define FINAL_COSIGN_S 5u

static const char *progname = "liuhend";

/* ------------------------------------------------------------------------
 * Usage
 */

static void usage_run(FILE *f)
{
    fputs(_("Usage: liuhend --data DIR [options]\n"
            "       liuhend init --data DIR --origin ORIGIN --admin ADMIN.pub [options]\n"
            "       liuhend check --data DIR [options]\n"
            "       liuhend recover --data DIR --from TILES_DIR [options]\n"),
          f);
    fputs("\n", f);
    fputs(_("Serve the liuhen (留痕) audit ledger in DIR on a Unix socket.\n"), f);
    fputs("\n", f);
    fputs(_("  --data DIR                 data directory made by `liuhend init` (required);\n"
            "                             it and DIR/log.key must be private to the user\n"),
          f);
    fputs(_("  --socket PATH              Unix socket to serve (default: DIR/liuhen.sock;\n"
            "                             other users reach it only in a directory they\n"
            "                             may search)\n"),
          f);
    fputs(_("  --group NAME               group owning the socket, which is mode 0660\n"
            "                             (default: the user's primary group)\n"),
          f);
    fputs(_("  --export-dir DIR           clients' exports go into new directories beneath\n"
            "                             DIR, never through a symbolic link; files no\n"
            "                             more readable than DIR itself (default: exports\n"
            "                             are refused)\n"),
          f);
    fputs(_("  --backup-dir DIR           clients' backups go into new files beneath DIR,\n"
            "                             mode 0600 (default: backups are refused)\n"),
          f);
    fputs(_("  --admin-group NAME         members of this group may ask for exports and\n"
            "                             backups, besides root and the daemon's user\n"
            "                             (default: only those two)\n"),
          f);
    fputs(_("  --publish DIR              publish the log as a C2SP tlog-tiles directory\n"
            "                             (default: no publication)\n"),
          f);
    fprintf(f,
            _("  --checkpoint-interval SECONDS\n"
              "                             seconds between publications and witness\n"
              "                             heartbeats; 0 publishes only at stop (default: %d)\n"),
            DEFAULT_INTERVAL);
    fputs(_("  --publish-hook CMD         shell command run after each publication, given\n"
            "                             the path of the published checkpoint as its\n"
            "                             argument (default: none)\n"),
          f);
    fprintf(f,
            _("  --max-frame BYTES          largest request or response frame, from %" PRIu32 "\n"
              "                             to %" PRIu32 " (default: %" PRIu32 ", 1 MiB)\n"),
            MIN_FRAME, MAX_FRAME, WIRE_DEFAULT_MAX_FRAME);
    fprintf(f,
            _("  --max-connections N        connections served at once; more are closed at\n"
              "                             once (default: %d)\n"),
            SERVER_DEFAULT_CONNECTIONS);
    fputs(_("  --max-connections-per-user N\n"
            "                             connections one user (uid) may hold; uid 0 and\n"
            "                             the daemon's own user are not limited and also\n"
            "                             have the last few connections kept for them\n"
            "                             (default: a quarter of --max-connections)\n"),
          f);
    fprintf(f,
            _("  --max-output-buffer MIB    responses all clients together may leave unread\n"
              "                             before the daemon stops reading the clients that\n"
              "                             do not read (default: %zu)\n"),
            SERVER_DEFAULT_OUTPUT >> 20);
    fprintf(f,
            _("  --idle-timeout SECONDS     close a connection idle this long; 0: never\n"
              "                             (default: %d)\n"),
            SERVER_DEFAULT_IDLE_S);
    fprintf(f,
            _("  --frame-timeout SECONDS    close a connection whose request is not complete\n"
              "                             this long after its first byte; 0: never\n"
              "                             (default: %d)\n"),
            SERVER_DEFAULT_FRAME_S);
    fputs(_("  --witness VKEY_FILE=URL    a witness (C2SP tlog-witness, e.g. the oversight\n"
            "                             body's liuhen-witness): its verifier key file and\n"
            "                             its URL; each new checkpoint is submitted to it,\n"
            "                             and the same one again every checkpoint interval\n"
            "                             (a heartbeat); its cosignatures are kept, served\n"
            "                             and published with the checkpoint (repeatable, up\n"
            "                             to 8; default: none)\n"),
          f);
    fputs(_("  --min-cosignatures N       publish only checkpoints N witnesses cosigned\n"
            "                             (default: 0)\n"),
          f);
    fputs(_("  --passphrase-file FILE     read the passphrase of an encrypted log.key from\n"
            "                             the first line of FILE (mode 0600); else from the\n"
            "                             LIUHEN_PASSPHRASE environment variable; else from\n"
            "                             the terminal (default: ask only if encrypted)\n"),
          f);
    fputs(_("  --user USER                started as root, become USER (its groups too)\n"
            "                             before opening anything; liuhend refuses to run\n"
            "                             as root otherwise (default: stay who started it)\n"),
          f);
    fputs(_("  --check-interval SECONDS   recompute the whole store (as liuhend check)\n"
            "                             every SECONDS, at the lowest priority, and log\n"
            "                             what differs; 0 never (default: 0; 86400 is daily)\n"),
          f);
    fputs(_("  --no-seccomp               run without the seccomp filter (for valgrind and\n"
            "                             other tools that cannot run under it; a warning\n"
            "                             is logged)\n"),
          f);
    fputs(_("  --log-level LEVEL          error, warn, info or debug (default: info)\n"), f);
    fputs(_("  --help                     print this help\n"), f);
    fputs("\n", f);
    fputs(_("SIGTERM or SIGINT: stop accepting, answer every append in flight, publish a\n"
            "final checkpoint, exit 0. A second signal while draining is logged; the\n"
            "drain goes on. `liuhend check` verifies a store (also while liuhend runs);\n"
            "`liuhend recover` brings a store put back from a backup up to the log's\n"
            "publication. Run `liuhend init --help`, `liuhend check --help` or\n"
            "`liuhend recover --help` for their options.\n"),
          f);
}

static void usage_init(FILE *f)
{
    fputs(_("Usage: liuhend init --data DIR --origin ORIGIN --admin ADMIN.pub [options]\n"), f);
    fputs("\n", f);
    fputs(_("Create a new log in DIR: the directory (mode 0700), the log's Ed25519 key\n"
            "DIR/log.key (mode 0600), its verifier key DIR/log.vkey, and the log's first\n"
            "entry, signed by the log key, enrolling ADMIN.pub as the first admin. Prints\n"
            "the log's verifier key. Refuses to overwrite an existing log.\n"),
          f);
    fputs("\n", f);
    fputs(_("  --data DIR                 the new data directory: it must not exist, or be\n"
            "                             empty with mode 0700 (required)\n"),
          f);
    fputs(_("  --origin ORIGIN            the log's origin, also its key name, e.g.\n"
            "                             example.gov.cn/liuhen (required)\n"),
          f);
    fputs(_("  --admin ADMIN.pub          public key file of the first admin (required);\n"
            "                             its key name becomes the holder's name\n"),
          f);
    fputs(_("  --no-passphrase            write log.key unencrypted, protected by its mode\n"
            "                             alone (default: encrypted with a passphrase)\n"),
          f);
    fputs(_("  --passphrase-file FILE     read the new passphrase from the first line of FILE\n"
            "                             (mode 0600); else from LIUHEN_PASSPHRASE; else ask\n"
            "                             twice on the terminal (default: the terminal)\n"),
          f);
    fputs(_("  --user USER                started as root, become USER first, so that the\n"
            "                             log belongs to the user liuhend will run as\n"),
          f);
    fputs(_("  --log-level LEVEL          error, warn, info or debug (default: info)\n"), f);
    fputs(_("  --help                     print this help\n"), f);
}

/* A usage error, exit 2: the message and a pointer to --help, or, with no
 * message (an unknown option, after getopt's own line), the whole usage. */
static void die_usage(bool init, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

static void die_usage(bool init, const char *fmt, ...)
{
    if (fmt != NULL) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "%s: ", progname);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
    }
    if (fmt == NULL) {
        if (init)
            usage_init(stderr);
        else
            usage_run(stderr);
    } else {
        fputs(init ? _("Run `liuhend init --help` for the options.\n")
                   : _("Run `liuhend --help` for the options.\n"),
              stderr);
    }
    exit(EXIT_USAGE);
}

/* A decimal number in [min, max], or a usage error naming the option. */
static uint64_t parse_number(bool init, const char *opt, const char *s, uint64_t min, uint64_t max)
{
    if (s[0] < '0' || s[0] > '9')
        die_usage(init, _("%s %s: not a number"), opt, s);
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        die_usage(init, _("%s %s: not a number in range"), opt, s);
    if (v < min || v > max)
        die_usage(init, _("%s %s: must be between %" PRIu64 " and %" PRIu64), opt, s, min, max);
    return (uint64_t)v;
}

static void set_log_level(bool init, const char *name)
{
    enum log_level level;
    if (log_level_parse(name, &level) != 0)
        die_usage(init, _("--log-level %s: want error, warn, info or debug"), name);
    log_set_level(level);
}

/* Drop root for --user (privileges.h) before anything is opened: running
 * as root without it is a usage error, any other failure ends start-up. */
static void drop_privileges(bool init, const char *user)
{
    lh_err err = {{0}};
    int rc = privileges_drop(user, &err);
    if (rc == LH_EPERM && user == NULL)
        die_usage(init, "%s", err.msg);
    if (rc != 0)
        log_fatal("%s", err.msg);
    if (user != NULL)
        log_info(_("running as user %s (uid %u, gid %u)"), user, (unsigned)getuid(),
                 (unsigned)getgid());
}

/* ------------------------------------------------------------------------
 * Passphrases (client/passphrase.h: --passphrase-file, else
 * LIUHEN_PASSPHRASE, removed from the environment at once so that the
 * publish hook never inherits it, else the terminal).
 */

/* A passphrase in sodium_malloc'd memory, to free with passphrase_free(), or
 * NULL after logging why. */
static char *get_passphrase(const char *file, bool confirm, const char *what)
{
    char *pass = NULL;
    lh_err err = {{0}};
    int rc = passphrase_get(file, confirm, what, &pass, &err);
    if (rc != 0) {
        log_error("%s", err.msg[0] ? err.msg : lh_strerror(rc));
        if (confirm && rc == LH_EPASSPHRASE)
            log_error(_("(use --no-passphrase at init for a log key protected by its file mode "
                        "alone)"));
        return NULL;
    }
    return pass;
}

/* ------------------------------------------------------------------------
 * Start-up checks
 */

/* Build the checkpoint signer in guarded memory, read-only between uses
 * (note.h: a signer kept longer than one call lives in sodium_malloc). */
static note_signer *make_signer(const keyfile_key *key)
{
    note_signer *s = sodium_malloc(sizeof *s);
    if (s == NULL) {
        log_error(_("out of secure memory for the log key"));
        return NULL;
    }
    int rc = keyfile_note_signer(key, s);
    if (rc != 0) {
        log_error(_("log key %s: cannot make a checkpoint signer: %s"), keyfile_key_name(key),
                  lh_strerror(rc));
        sodium_free(s);
        return NULL;
    }
    sodium_mprotect_readonly(s);
    return s;
}

/* ------------------------------------------------------------------------
 * liuhend init
 */

/* Write DIR/log.vkey (0644: the verifier key is public), durably. */
static int write_vkey(const char *path, const char *vkey)
{
    char line[KEYFILE_VKEY_MAX + 1];
    int n = snprintf(line, sizeof line, "%s\n", vkey);
    lh_err err = {{0}};
    if (fileio_write_new(path, 0644, line, (size_t)n, "verifier key file", &err) != 0) {
        log_error("%s", err.msg);
        return -1;
    }
    return 0;
}

static int cmd_init(int argc, char **argv)
{
    enum { O_DATA = 1, O_ORIGIN, O_ADMIN, O_NOPASS, O_PASSFILE, O_LOGLEVEL, O_USER, O_HELP };
    static const struct option opts[] = {
        {"data", required_argument, NULL, O_DATA},
        {"origin", required_argument, NULL, O_ORIGIN},
        {"admin", required_argument, NULL, O_ADMIN},
        {"no-passphrase", no_argument, NULL, O_NOPASS},
        {"passphrase-file", required_argument, NULL, O_PASSFILE},
        {"log-level", required_argument, NULL, O_LOGLEVEL},
        {"user", required_argument, NULL, O_USER},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL, *origin = NULL, *admin_path = NULL, *passfile = NULL, *user = NULL;
    bool no_pass = false;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case O_DATA: dir = optarg; break;
        case O_ORIGIN: origin = optarg; break;
        case O_ADMIN: admin_path = optarg; break;
        case O_NOPASS: no_pass = true; break;
        case O_PASSFILE: passfile = optarg; break;
        case O_LOGLEVEL: set_log_level(true, optarg); break;
        case O_USER: user = optarg; break;
        case O_HELP: usage_init(stdout); return 0;
        default: die_usage(true, NULL);
        }
    }
    if (optind < argc)
        die_usage(true, _("unexpected argument %s"), argv[optind]);
    if (dir == NULL || origin == NULL || admin_path == NULL)
        die_usage(true, _("init needs --data, --origin and --admin"));
    if (no_pass && passfile != NULL)
        die_usage(true, _("--no-passphrase and --passphrase-file contradict each other"));
    /* C2SP tlog-checkpoint: the checkpoint signer's name is the origin, so
     * the origin must be a valid note key name that fits a key file. */
    if (strlen(origin) > KEYFILE_NAME_MAX || !note_name_valid(origin, strlen(origin)))
        die_usage(true,
                  _("--origin %s: not a valid log name (1 to %d bytes of UTF-8, no space, no '+', "
                    "no control character)"),
                  origin, KEYFILE_NAME_MAX);
    drop_privileges(true, user);

    if (sodium_init() < 0)
        log_fatal(_("libsodium cannot be initialised"));
    keyfile_pub admin;
    lh_err err = {{0}};
    int rc = keyfile_read_public(admin_path, &admin, &err);
    if (rc != 0)
        log_fatal(_("admin key %s: %s"), admin_path, err.msg[0] ? err.msg : lh_strerror(rc));

    bool created;
    if (datadir_prepare_init(dir, &created) != 0)
        return 1;
    char *pass = NULL;
    if (!no_pass && (pass = get_passphrase(passfile, true, "the new log key")) == NULL) {
        datadir_init_cleanup(dir, created);
        return 1;
    }

    int result = 1;
    keyfile_key *key = NULL;
    store *st = NULL;
    store_txn *txn = NULL;
    note_signer *signer = NULL;
    highwater *hw = NULL;
    char *key_path = datadir_path(dir, DATADIR_KEY), *vkey_path = datadir_path(dir, DATADIR_VKEY);
    if ((rc = keyfile_generate(origin, &key, &err)) != 0) {
        log_error(_("log key: %s"), err.msg[0] ? err.msg : lh_strerror(rc));
        goto out;
    }
    if ((rc = keyfile_write_secret(key_path, key, pass, KEYFILE_KDF_INTERACTIVE, &err)) != 0) {
        log_error("%s: %s", key_path, err.msg[0] ? err.msg : lh_strerror(rc));
        goto out;
    }
    if ((rc = store_open(&st, dir, 0, &err)) != 0) {
        log_error("%s", err.msg[0] ? err.msg : lh_strerror(rc));
        goto out;
    }
    /* The log's identity is in the store before any entry: start-up checks
     * log.key against it. */
    if ((rc = store_write_begin(st, &txn)) != 0 ||
        (rc = store_put_meta(txn, "origin", origin, strlen(origin))) != 0 ||
        (rc = store_put_meta(txn, "log_key", keyfile_key_pubkey(key), KEYFILE_PUBLICKEYBYTES)) !=
            0) {
        store_txn_end(txn);
        log_error(_("store %s: cannot record the log's origin and key: %s"), dir, lh_strerror(rc));
        goto out;
    }
    rc = store_commit(txn);
    if (rc != 0) {
        log_error(_("store %s: cannot record the log's origin and key: %s"), dir, lh_strerror(rc));
        goto out;
    }
    if ((signer = make_signer(key)) == NULL)
        goto out;
    note_verifier verifier;
    if ((rc = note_signer_verifier(signer, &verifier)) != 0 ||
        (rc = highwater_open(&hw, dir, &verifier, &err)) != 0) {
        log_error("%s", err.msg[0] ? err.msg : lh_strerror(rc));
        goto out;
    }
    if (genesis_append(st, key, signer, &admin, origin, hw) != 0)
        goto out;
    char vkey[KEYFILE_VKEY_MAX];
    keyfile_key_vkey(key, vkey);
    if (write_vkey(vkey_path, vkey) != 0)
        goto out;
    if (pass != NULL)
        log_info(_("log %s created in %s (log.key encrypted)"), origin, dir);
    else
        log_info(_("log %s created in %s (log.key unencrypted)"), origin, dir);
    printf("%s\n", vkey);
    if (fflush(stdout) != 0) {
        log_error(_("cannot print the verifier key: %s"), strerror(errno));
        goto out;
    }
    result = 0;
out:
    if (signer != NULL)
        sodium_free(signer);
    highwater_free(hw);
    store_close(st);
    keyfile_key_free(key);
    if (pass != NULL)
        passphrase_free(pass);
    if (result != 0)
        datadir_init_cleanup(dir, created);
    free(key_path);
    free(vkey_path);
    return result;
}

/* ------------------------------------------------------------------------
 * The daemon
 */

typedef struct daemon_state {
    uv_loop_t loop;
    uv_signal_t sigterm, sigint;
    store *store;
    keyring *keys;
    note_signer *signer;
    sequencer *seq;
    publisher *pub;
    server *srv;
    witnessing *witnessing;
    highwater *hw;
    scrubber *scrub;
    unsigned min_cosig; /* the publication's: cosignatures a published checkpoint has */
    bool stopping;
    bool final_failed; /* the final publication at stop failed: exit 1 */
} daemon_state;

/*
 * publish_latest_fn: the checkpoint to publish, with its cosignatures: the
 * latest one, or with --min-cosignatures N the largest N witnesses
 * cosigned, so that a mirror that requires them never sees one without.
 */
static int latest_for_publisher(void *ctx, uint64_t *size, uint8_t **note, size_t *len)
{
    daemon_state *d = ctx;
    store_txn *txn;
    int rc = store_read_begin(d->store, &txn);
    if (rc != 0)
        return rc;
    uint8_t *buf = NULL;
    size_t need = 0;
    rc = store_latest_cosigned(txn, d->min_cosig, size);
    if (rc == 0 && *size == 0)
        rc = LH_ENOTFOUND;
    if (rc == 0) {
        rc = store_get_cosigned(txn, *size, NULL, 0, &need, NULL);
        if (rc == LH_ETOOBIG)
            rc = (buf = malloc(need)) == NULL ? LH_ENOMEM : 0;
        if (rc == 0)
            rc = store_get_cosigned(txn, *size, buf, need, len, NULL);
    }
    store_txn_end(txn);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    *note = buf;
    return 0;
}

static void on_signal_closed(uv_handle_t *h)
{
    (void)h;
}

/* The drain is over: nothing is in flight. Stop the writer, publish a
 * final checkpoint, and close every handle so that the loop ends. */
static void on_drained(void *ctx)
{
    daemon_state *d = ctx;
    sequencer_stop(d->seq);
    if (d->witnessing != NULL) {
        /* The final checkpoint is published with the witnesses'
         * cosignatures when they answer in time. */
        log_info(_("asking the witnesses to cosign the final checkpoint (at most %u s)"),
                 FINAL_COSIGN_S);
        witnessing_flush(d->witnessing, FINAL_COSIGN_S * 1000u);
    }
    if (d->pub != NULL) {
        log_info(_("publishing a final checkpoint"));
        if (publish_stop(d->pub, true) != 0)
            d->final_failed = true; /* logged; liuhend then exits 1 */
        d->pub = NULL;
    }
    server_close(d->srv);
    uv_close((uv_handle_t *)&d->sigterm, on_signal_closed);
    uv_close((uv_handle_t *)&d->sigint, on_signal_closed);
}

static void on_signal(uv_signal_t *h, int signum)
{
    daemon_state *d = h->data;
    const char *name = signum == SIGTERM ? "SIGTERM" : "SIGINT";
    if (d->stopping) {
        /* Documented: a second signal does not cut the drain short, since
         * an append in flight may already be durable and its client is
         * owed the receipt. kill -9 remains for the impatient, and loses
         * nothing acknowledged. */
        log_info(_("%s: already stopping; %zu appends still in flight"), name,
                 server_inflight(d->srv));
        return;
    }
    d->stopping = true;
    if (d->pub != NULL)
        log_info(_("%s: stopping: answering the appends in flight, then publishing a final "
                   "checkpoint"),
                 name);
    else
        log_info(_("%s: stopping: answering the appends in flight"), name);
    server_shutdown(d->srv, on_drained, d);
}

static void on_sigpipe(int signum)
{
    (void)signum;
}

/* UV_THREADPOOL_SIZE must be set before libuv starts its pool: one
 * signature-checking thread per core (docs/design.md "The daemon"). A
 * user's own value is kept, but never below 2: an export or a backup holds
 * one pool thread, and appends must still be checked meanwhile. */
static void set_threadpool_size(void)
{
    const char *user = getenv("UV_THREADPOOL_SIZE");
    if (user != NULL && atoi(user) >= 2)
        return;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 2)
        n = 2;
    if (n > 128)
        n = 128;
    char buf[16];
    snprintf(buf, sizeof buf, "%ld", n);
    setenv("UV_THREADPOOL_SIZE", buf, 1);
}

/* Read and check the log's identity from the store: its origin and key
 * must be the key file's. Fills origin (NUL-terminated) and the size. */
static int check_store(store *st, const char *dir, const keyfile_key *key, char *origin,
                       size_t origin_cap, uint64_t *size)
{
    store_txn *txn;
    int rc = store_read_begin(st, &txn);
    if (rc != 0) {
        log_error(_("store %s: cannot read it: %s"), dir, lh_strerror(rc));
        return -1;
    }
    int result = -1;
    const uint8_t *val, *pk;
    size_t len, pk_len;
    if ((rc = store_get_meta(txn, "origin", &val, &len)) != 0 ||
        (rc = store_get_meta(txn, "log_key", &pk, &pk_len)) != 0) {
        log_error(_("store %s: no log origin or key recorded (%s): init did not finish; remove the "
                    "directory and run liuhend init again"),
                  dir, lh_strerror(rc));
        goto out;
    }
    if (len == 0 || len >= origin_cap || memchr(val, 0, len) != NULL) {
        log_error(_("store %s: the recorded origin is damaged"), dir);
        goto out;
    }
    memcpy(origin, val, len);
    origin[len] = '\0';
    if (pk_len != KEYFILE_PUBLICKEYBYTES ||
        sodium_memcmp(pk, keyfile_key_pubkey(key), KEYFILE_PUBLICKEYBYTES) != 0) {
        log_error(_("%s/%s does not belong to this log: its public key is not the log key recorded "
                    "in the store"),
                  dir, DATADIR_KEY);
        goto out;
    }
    if (strcmp(keyfile_key_name(key), origin) != 0) {
        log_error(
            _("%s/%s is named %s but the log's origin is %s: checkpoints are signed under the "
              "origin's name"),
            dir, DATADIR_KEY, keyfile_key_name(key), origin);
        goto out;
    }
    if ((rc = store_get_size(txn, size)) != 0) {
        log_error(_("store %s: cannot read the tree size: %s"), dir, lh_strerror(rc));
        goto out;
    }
    if (*size == 0) {
        log_error(
            _("store %s holds no genesis entry: init did not finish; remove the directory and "
              "run liuhend init again"),
            dir);
        goto out;
    }
    result = 0;
out:
    store_txn_end(txn);
    return result;
}

/* Open a directory a client's slow calls write beneath (beneath.h): it
 * must exist and be a directory. Logs and returns -errno otherwise. */
static int open_confined(const char *path, const char *option, int *fd, char **real)
{
    int rc = beneath_dir_open(path, real);
    if (rc < 0) {
        log_error(_("%s %s: %s (create the directory first)"), option, path, strerror(-rc));
        return rc;
    }
    *fd = rc;
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    enum {
        O_DATA = 1,
        O_SOCKET,
        O_GROUP,
        O_PUBLISH,
        O_INTERVAL,
        O_HOOK,
        O_MAXFRAME,
        O_MAXCONN,
        O_MAXUSER,
        O_MAXOUT,
        O_IDLE,
        O_FRAMETIME,
        O_PASSFILE,
        O_LOGLEVEL,
        O_WITNESS,
        O_MINCOSIG,
        O_EXPORTDIR,
        O_BACKUPDIR,
        O_ADMINGROUP,
        O_USER,
        O_CHECKINT,
        O_NOSECCOMP,
        O_HELP
    };
    static const struct option opts[] = {
        {"data", required_argument, NULL, O_DATA},
        {"socket", required_argument, NULL, O_SOCKET},
        {"group", required_argument, NULL, O_GROUP},
        {"publish", required_argument, NULL, O_PUBLISH},
        {"checkpoint-interval", required_argument, NULL, O_INTERVAL},
        {"publish-hook", required_argument, NULL, O_HOOK},
        {"max-frame", required_argument, NULL, O_MAXFRAME},
        {"max-connections", required_argument, NULL, O_MAXCONN},
        {"max-connections-per-user", required_argument, NULL, O_MAXUSER},
        {"max-output-buffer", required_argument, NULL, O_MAXOUT},
        {"idle-timeout", required_argument, NULL, O_IDLE},
        {"frame-timeout", required_argument, NULL, O_FRAMETIME},
        {"witness", required_argument, NULL, O_WITNESS},
        {"min-cosignatures", required_argument, NULL, O_MINCOSIG},
        {"export-dir", required_argument, NULL, O_EXPORTDIR},
        {"backup-dir", required_argument, NULL, O_BACKUPDIR},
        {"admin-group", required_argument, NULL, O_ADMINGROUP},
        {"user", required_argument, NULL, O_USER},
        {"check-interval", required_argument, NULL, O_CHECKINT},
        {"no-seccomp", no_argument, NULL, O_NOSECCOMP},
        {"passphrase-file", required_argument, NULL, O_PASSFILE},
        {"log-level", required_argument, NULL, O_LOGLEVEL},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL, *socket_opt = NULL, *group = NULL, *publish_dir = NULL, *hook = NULL,
               *passfile = NULL, *export_dir = NULL, *backup_dir = NULL, *admin_group = NULL,
               *user = NULL;
    unsigned interval = DEFAULT_INTERVAL, max_conn = SERVER_DEFAULT_CONNECTIONS, max_user = 0;
    unsigned idle_s = SERVER_DEFAULT_IDLE_S, frame_s = SERVER_DEFAULT_FRAME_S;
    size_t max_out_mib = SERVER_DEFAULT_OUTPUT >> 20;
    uint32_t max_frame = WIRE_DEFAULT_MAX_FRAME;
    bool interval_set = false, no_seccomp = false;
    witnessing_target witnesses[WITNESSING_MAX];
    size_t nwitnesses = 0;
    unsigned min_cosig = 0, check_interval = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case O_DATA: dir = optarg; break;
        case O_SOCKET: socket_opt = optarg; break;
        case O_GROUP: group = optarg; break;
        case O_PUBLISH: publish_dir = optarg; break;
        case O_INTERVAL:
            interval =
                (unsigned)parse_number(false, "--checkpoint-interval", optarg, 0, 7u * 24 * 3600);
            interval_set = true;
            break;
        case O_HOOK: hook = optarg; break;
        case O_MAXFRAME:
            max_frame = (uint32_t)parse_number(false, "--max-frame", optarg, MIN_FRAME, MAX_FRAME);
            break;
        case O_MAXCONN:
            max_conn = (unsigned)parse_number(false, "--max-connections", optarg, 1, 65536);
            break;
        case O_MAXUSER:
            max_user =
                (unsigned)parse_number(false, "--max-connections-per-user", optarg, 1, 65536);
            break;
        case O_MAXOUT:
            max_out_mib = (size_t)parse_number(false, "--max-output-buffer", optarg, 1, 65536);
            break;
        case O_IDLE:
            idle_s = (unsigned)parse_number(false, "--idle-timeout", optarg, 0, 7u * 24 * 3600);
            break;
        case O_FRAMETIME:
            frame_s = (unsigned)parse_number(false, "--frame-timeout", optarg, 0, 3600);
            break;
        case O_WITNESS: {
            if (nwitnesses == WITNESSING_MAX)
                die_usage(false, _("--witness: at most %d witnesses"), WITNESSING_MAX);
            lh_err werr = {{0}};
            if (witnessing_parse_arg(optarg, &witnesses[nwitnesses], &werr) != 0)
                die_usage(false, "%s", werr.msg);
            nwitnesses++;
            break;
        }
        case O_MINCOSIG:
            min_cosig =
                (unsigned)parse_number(false, "--min-cosignatures", optarg, 0, WITNESSING_MAX);
            break;
        case O_EXPORTDIR: export_dir = optarg; break;
        case O_BACKUPDIR: backup_dir = optarg; break;
        case O_ADMINGROUP: admin_group = optarg; break;
        case O_USER: user = optarg; break;
        case O_CHECKINT:
            check_interval =
                (unsigned)parse_number(false, "--check-interval", optarg, 0, 30u * 24 * 3600);
            break;
        case O_NOSECCOMP: no_seccomp = true; break;
        case O_PASSFILE: passfile = optarg; break;
        case O_LOGLEVEL: set_log_level(false, optarg); break;
        case O_HELP: usage_run(stdout); return 0;
        default: die_usage(false, NULL);
        }
    }
    if (optind < argc)
        die_usage(false, _("unexpected argument %s"), argv[optind]);
    if (dir == NULL)
        die_usage(false, _("--data DIR is required"));
    if (publish_dir == NULL && hook != NULL)
        die_usage(false, _("--publish-hook needs --publish DIR"));
    if (publish_dir == NULL && nwitnesses == 0 && interval_set)
        die_usage(false, _("--checkpoint-interval needs --publish DIR or --witness"));
    if (min_cosig > nwitnesses)
        die_usage(false, _("--min-cosignatures %u: only %zu --witness given"), min_cosig,
                  nwitnesses);
    drop_privileges(false, user);
    snapshot_config snap = {.export_fd = -1, .backup_fd = -1};
    snap.admins.self = getuid();
    if (admin_group != NULL) {
        struct group gr, *res = NULL;
        char grbuf[16384];
        int grc = getgrnam_r(admin_group, &gr, grbuf, sizeof grbuf, &res);
        if (grc != 0)
            die_usage(false, _("--admin-group %s: cannot look it up: %s"), admin_group,
                      strerror(grc));
        if (res == NULL)
            die_usage(false, _("--admin-group %s: no such group"), admin_group);
        snap.admins.has_group = true;
        snap.admins.group = gr.gr_gid;
    }

    set_threadpool_size();
    if (sodium_init() < 0)
        log_fatal(_("libsodium cannot be initialised"));
    /* A client that closes its socket early must not kill the daemon: the
     * write fails with EPIPE instead. A no-op handler rather than SIG_IGN,
     * because an ignored signal stays ignored across exec and would change
     * how the publish hook's shell pipelines behave; a caught one reverts
     * to the default there. */
    struct sigaction sa = {.sa_handler = on_sigpipe};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);

    char *key_path = datadir_path(dir, DATADIR_KEY), *data_path = datadir_path(dir, DATADIR_DATA);
    char *socket_path = socket_opt != NULL ? strdup(socket_opt) : datadir_path(dir, DATADIR_SOCKET);
    if (socket_path == NULL)
        log_fatal(_("out of memory"));
    daemon_state d = {.min_cosig = min_cosig};
    keyfile_key *key = NULL;
    int result = 1;
    bool loop_ready = false, curl_ready = false;
    int lock_fd = -1;
    char *export_real = NULL, *backup_real = NULL;
    lh_err err = {{0}};
    int rc;

    harden_process();
    if (datadir_check_private(dir, true, _("data directory")) != 0)
        goto out;
    if ((lock_fd = datadir_lock(dir)) < 0)
        goto out;
    if (!datadir_exists(data_path)) {
        log_error(_("data directory %s holds no log (no %s): create one with `liuhend init`"), dir,
                  DATADIR_DATA);
        goto out;
    }
    if (datadir_check_private(key_path, false, _("log key")) != 0)
        goto out;
    keyload_step step;
    if ((rc = keyload_secret(key_path, passfile, &key, &step, &err)) != 0) {
        if (step == KEYLOAD_PASSPHRASE)
            log_error("%s", err.msg[0] ? err.msg : lh_strerror(rc));
        else
            log_error(_("log key %s: %s"), key_path, err.msg[0] ? err.msg : lh_strerror(rc));
        goto out;
    }
    if ((rc = store_open(&d.store, dir, 0, &err)) != 0) {
        log_error("%s", err.msg[0] ? err.msg : lh_strerror(rc));
        goto out;
    }
    char origin[CHECKPOINT_ORIGIN_MAX + 1];
    uint64_t size;
    if (check_store(d.store, dir, key, origin, sizeof origin, &size) != 0)
        goto out;
    if ((d.signer = make_signer(key)) == NULL)
        goto out;
    keyfile_key_free(key);
    key = NULL;
    note_verifier verifier;
    char vkey[NOTE_VKEY_MAX + 1];
    size_t vkey_len;
    if ((rc = note_signer_verifier(d.signer, &verifier)) != 0 ||
        (rc = note_vkey_format(&verifier, vkey, sizeof vkey, &vkey_len)) != 0) {
        log_error(_("log key %s: %s"), key_path, lh_strerror(rc));
        goto out;
    }
    /* The mark is checked against the store by sequencer_start(); until
     * then no thread hands out a checkpoint the mark does not know. */
    if ((rc = highwater_open(&d.hw, dir, &verifier, &err)) != 0) {
        log_error(_("refusing to start: %s"), err.msg[0] ? err.msg : lh_strerror(rc));
        goto out;
    }
    uint64_t mark_size = 0;
    uint8_t mark_root[MERKLE_HASH_SIZE];
    (void)highwater_get(d.hw, &mark_size, mark_root);
    store_set_checkpoint_limit(d.store, mark_size);
    /* The keys are replayed from the ledger by sequencer_start(). */
    if ((rc = keyring_new(&d.keys)) != 0) {
        log_error(_("keys: %s"), lh_strerror(rc));
        goto out;
    }
    if (publish_dir != NULL) {
        /* A restored old backup must never sign a shorter tree than one
         * already published (publish.h). */
        rc = publish_check_start(publish_dir, d.store, &verifier, &err);
        if (rc == LH_EFORK) {
            log_error(_("refusing to start: %s"), err.msg[0] ? err.msg : lh_strerror(rc));
            goto out;
        }
        if (rc != 0) {
            log_error(_("publish directory %s: %s"), publish_dir,
                      err.msg[0] ? err.msg : lh_strerror(rc));
            goto out;
        }
    }

    if (nwitnesses > 0) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            log_error(_("witnesses: libcurl cannot be initialised"));
            goto out;
        }
        curl_ready = true;
        unsigned heartbeat = interval > 0 ? interval : DEFAULT_INTERVAL;
        if ((rc = witnessing_start(&d.witnessing, d.store, &verifier, witnesses, nwitnesses,
                                   heartbeat, &err)) != 0) {
            log_error(_("witnesses: %s"), err.msg[0] ? err.msg : lh_strerror(rc));
            goto out;
        }
        for (size_t i = 0; i < nwitnesses; i++)
            log_info(_("witness %s at %s: checkpoints submitted as the log grows and every %u s"),
                     witnesses[i].key.name, witnesses[i].url, heartbeat);
    }

    if (export_dir != NULL &&
        (rc = open_confined(export_dir, "--export-dir", &snap.export_fd, &export_real)) != 0)
        goto out;
    if (backup_dir != NULL) {
        if ((rc = open_confined(backup_dir, "--backup-dir", &snap.backup_fd, &backup_real)) != 0)
            goto out;
        snap.backup_path = backup_real;
        /* A daemon killed during a backup leaves its temporary behind. */
        rc = snapshot_clean_backups(snap.backup_fd, backup_real);
        if (rc < 0) {
            log_error(_("--backup-dir %s: cannot list it: %s"), backup_real, strerror(-rc));
            goto out;
        }
    }
    snap.export_path = export_real;

    if ((rc = uv_loop_init(&d.loop)) != 0) {
        log_error(_("event loop: %s"), uv_strerror(rc));
        goto out;
    }
    loop_ready = true;
    server_config scfg = {
        .socket_path = socket_path,
        .group = group,
        .max_frame = max_frame,
        .max_connections = max_conn,
        .max_per_user = max_user,
        .max_output = max_out_mib << 20,
        .idle_ms = idle_s * 1000,
        .frame_ms = frame_s * 1000,
        .store = d.store,
        .keys = d.keys,
        .origin = origin,
        .log_vkey = vkey,
        .started_at = calendar_now_ms(),
        .witnessing = d.witnessing,
        .min_cosignatures = min_cosig,
        .snapshot = &snap,
    };
    if ((rc = server_new(&d.srv, &d.loop, &scfg, &err)) != 0) {
        log_error("%s", err.msg[0] ? err.msg : lh_strerror(rc));
        goto out;
    }
    sequencer_config qcfg = {
        .store = d.store,
        .keys = d.keys,
        .log_key = d.signer,
        .origin = origin,
        .highwater = d.hw,
        .notify = server_notify,
        .notify_ctx = d.srv,
    };
    if ((rc = sequencer_start(&d.seq, &qcfg, &err)) != 0) {
        log_error(_("refusing to start: %s"), err.msg[0] ? err.msg : lh_strerror(rc));
        goto out;
    }
    if (publish_dir != NULL) {
        publish_config pcfg = {
            .dir = publish_dir,
            .hook = hook,
            .interval_seconds = interval,
            .store = d.store,
            .latest = latest_for_publisher,
            .latest_ctx = &d,
        };
        if ((rc = publish_start(&d.pub, &pcfg, &err)) != 0) {
            log_error(_("publish directory %s: %s"), publish_dir,
                      err.msg[0] ? err.msg : lh_strerror(rc));
            goto out;
        }
    }
    /* Small chunks: a reader at idle priority holds back map growth. */
    scrub_config ccfg = {.store = d.store, .log_key = &verifier, .chunk = 256};
    if (check_interval > 0 && (rc = scrub_start(&d.scrub, &ccfg, check_interval, &err)) != 0) {
        log_error("%s", err.msg[0] ? err.msg : lh_strerror(rc));
        goto out;
    }
    if ((rc = server_listen(d.srv, d.seq, d.pub, &err)) != 0) {
        log_error(_("refusing to start: %s"), err.msg[0] ? err.msg : lh_strerror(rc));
        goto out;
    }
    /* Every thread and file of the start is in place (harden.h). */
    if (hook != NULL) {
        log_warn(_("no seccomp filter: the publish hook %s would inherit it"), hook);
    } else if (no_seccomp) {
        log_warn(_("no seccomp filter: --no-seccomp"));
    } else if ((rc = harden_seccomp(&err)) != 0) {
        log_error(_("refusing to start: %s"), err.msg[0] ? err.msg : lh_strerror(rc));
        goto out;
    } else {
        log_info(_("seccomp filter in place: system calls limited to what liuhend needs"));
    }

    uv_signal_init(&d.loop, &d.sigterm);
    uv_signal_init(&d.loop, &d.sigint);
    d.sigterm.data = &d;
    d.sigint.data = &d;
    uv_signal_start(&d.sigterm, on_signal, SIGTERM);
    uv_signal_start(&d.sigint, on_signal, SIGINT);

    if (group != NULL)
        log_info(_("log %s: %" PRIu64 " entries; socket %s (group %s); frame limit %" PRIu32
                   " bytes; up to %u connections; %s worker threads"),
                 origin, size, socket_path, group, max_frame, max_conn,
                 getenv("UV_THREADPOOL_SIZE"));
    else
        log_info(_("log %s: %" PRIu64 " entries; socket %s; frame limit %" PRIu32
                   " bytes; up to %u connections; %s worker threads"),
                 origin, size, socket_path, max_frame, max_conn, getenv("UV_THREADPOOL_SIZE"));
    if (group != NULL)
        log_info(_("socket %s is group %s with mode 0660"), socket_path, group);
    if (socket_opt == NULL && group != NULL)
        log_warn(_("socket %s is inside the data directory (mode 0700): members of group %s cannot "
                   "reach it; give --socket in a directory they may search"),
                 socket_path, group);
    if (publish_dir != NULL && hook != NULL)
        log_info(_("publishing to %s every %u s, then running %s"), publish_dir, interval, hook);
    else if (publish_dir != NULL)
        log_info(_("publishing to %s every %u s"), publish_dir, interval);
    struct stat est;
    if (export_real != NULL && fstat(snap.export_fd, &est) == 0)
        log_info(_("exports beneath %s (directories %04o, files %04o)"), export_real,
                 (0755u & (unsigned)est.st_mode) | 0700u, (0644u & (unsigned)est.st_mode) | 0600u);
    if (backup_real != NULL)
        log_info(_("backups beneath %s (files 0600)"), backup_real);
    if (export_real != NULL || backup_real != NULL) {
        if (admin_group != NULL)
            log_info(_("exports and backups: for root, uid %u and group %s"),
                     (unsigned)snap.admins.self, admin_group);
        else
            log_info(_("exports and backups: for root and uid %u (no --admin-group)"),
                     (unsigned)snap.admins.self);
    }
    log_info(_("log verifier key: %s"), vkey);
    uv_run(&d.loop, UV_RUN_DEFAULT);
    if (d.final_failed) {
        log_error(_("stopped, but the final checkpoint was not published (see above): exit 1"));
        result = 1;
    } else {
        log_info(_("stopped"));
        result = 0;
    }
    goto cleanup;

out:
    /* Start-up failed: stop what was started, in reverse order. */
    if (d.seq != NULL)
        sequencer_stop(d.seq);
    if (d.pub != NULL) {
        publish_stop(d.pub, false); /* nothing was served: nothing to publish */
        d.pub = NULL;
    }
    if (d.srv != NULL)
        server_close(d.srv);
    if (loop_ready)
        uv_run(&d.loop, UV_RUN_DEFAULT);
cleanup:
    scrub_stop(d.scrub);
    witnessing_stop(d.witnessing);
    if (curl_ready)
        curl_global_cleanup();
    server_free(d.srv);
    sequencer_free(d.seq);
    keyring_free(d.keys);
    highwater_free(d.hw);
    store_close(d.store);
    if (d.signer != NULL)
        sodium_free(d.signer); /* wipes the secret key */
    keyfile_key_free(key);
    if (loop_ready && uv_loop_close(&d.loop) != 0)
        log_warn(_("event loop: handles still open at exit"));
    if (lock_fd >= 0)
        close(lock_fd); /* the lock goes with the descriptor; the file stays */
    if (snap.export_fd >= 0)
        close(snap.export_fd);
    if (snap.backup_fd >= 0)
        close(snap.backup_fd);
    free(export_real);
    free(backup_real);
    free(key_path);
    free(data_path);
    free(socket_path);
    return result;
}

int main(int argc, char **argv)
{
    i18n_init();
    if (argc >= 2 && strcmp(argv[1], "check") == 0)
        return checkcmd_main(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "recover") == 0)
        return recovercmd_main(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "init") == 0) {
        progname = "liuhend init";
        return cmd_init(argc - 1, argv + 1);
    }
    return cmd_run(argc, argv);
}
