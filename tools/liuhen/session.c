/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * session.c — what every command of `liuhen` needs before it does its work:
 * error reporting and exit statuses, the log's verifier key, the state
 * file, the connection to liuhend, key files and small files.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "fileio.h"
#include "keyload.h"
#include "render.h"
#include "text.h"

/* The largest log key file read: one verifier key and its newline. */
#define LOG_KEY_FILE_MAX 1024

/* Room for one message of the tool: a sentence of the library (lh_err)
 * quoted in one of the CLI's own. */
#define MESSAGE_MAX 2048

const char *cli_unprefixed(const cli *c, const char *msg)
{
    /* The library names its call first ("status: ...", "export /srv/x:
     * ..."), which is the command the prefix already names. */
    const char *cmd = c->command;
    size_t n = cmd != NULL ? strlen(cmd) : 0;
    if (n == 0 || strncmp(msg, cmd, n) != 0)
        return msg;
    if (msg[n] == ':' && msg[n + 1] == ' ')
        return msg + n + 2;
    if (msg[n] == ' ') {
        /* "export /srv/x: ...": the object stays, the call's name goes. */
        size_t token = strcspn(msg + n + 1, " :");
        if (token > 0 && msg[n + 1 + token] == ':')
            return msg + n + 1;
    }
    return msg;
}

/* "liuhen COMMAND: <message>" on stderr, after whatever stdout holds, the
 * command said once. */
static void report(const cli *c, const char *fmt, va_list ap)
{
    char msg[MESSAGE_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    fflush(stdout);
    if (c->command != NULL)
        fprintf(stderr, "%s %s: %s\n", c->prog, c->command, cli_unprefixed(c, msg));
    else
        fprintf(stderr, "%s: %s\n", c->prog, msg);
}

int cli_fail(const cli *c, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(c, fmt, ap);
    va_end(ap);
    return status;
}

void cli_warn(const cli *c, const char *fmt, ...)
{
    char msg[MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cli_fail(c, 0, _("warning: %s"), cli_unprefixed(c, msg));
}

int cli_usage(const cli *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(c, fmt, ap);
    va_end(ap);
    if (c->command != NULL)
        fprintf(stderr, _("Run '%s help %s' for its options.\n"), c->prog, c->command);
    else
        fprintf(stderr, _("Run '%s help' for the commands.\n"), c->prog);
    return CLI_EXIT_USAGE;
}

int cli_exit_for(int rc)
{
    if (rc == 0)
        return CLI_EXIT_OK;
    if (rc > -1000) /* -errno */
        return CLI_EXIT_IO;
    switch (rc) {
    case LH_ETIMEOUT:
    case LH_ECLOSED:
    case LH_EPERMFILE:
    case LH_EKEYFILE:
    case LH_ENOMEM: return CLI_EXIT_IO;
    case LH_EFIELD:
    case LH_EKIND:
    case LH_EUNKNOWNFIELD:
    case LH_EUTF8:
    case LH_ECTRL:
    case LH_EJSON:
    case LH_EBASE64:
    case LH_ELENGTH: return CLI_EXIT_USAGE;
    default: return CLI_EXIT_REFUSED;
    }
}

int cli_fail_rc(const cli *c, int rc, const lh_err *err, const char *what)
{
    const char *detail = err != NULL && err->msg[0] != '\0' ? err->msg : lh_strerror(rc);
    int status = cli_exit_for(rc);
    size_t n = what != NULL ? strlen(what) : 0;
    /* "keys: keys: ..." says it once: the library names the call too. */
    if (what != NULL && strncmp(detail, what, n) == 0 && (detail[n] == ':' || detail[n] == ' '))
        what = NULL;
    if (what != NULL)
        cli_fail(c, status, "%s: %s", what, detail);
    else
        cli_fail(c, status, "%s", detail);
    switch (rc) {
    case LH_EFORK:
        fprintf(stderr,
                _("The log has shown two histories that cannot both be true: keep the state "
                  "file %s as evidence and report this to the oversight body.\n"),
                c->state_path != NULL ? c->state_path : "(none)");
        break;
    case LH_ETIMEOUT:
        fprintf(stderr,
                _("liuhend did not answer in time (--timeout SECONDS sets the deadline).\n"));
        break;
    case LH_ECLOSED:
        /* The daemon closes a connection when it stops, and one that
         * breaks its limits (idle, too many, a request never finished),
         * saying why when it can: the message above then says so. */
        fprintf(stderr, _("liuhend closed the connection: its log says why (it closes a "
                          "connection when it stops, and one left idle).\n"));
        break;
    default: break;
    }
    return status;
}

int cli_print_json(const cli *c, json_t *o, bool ok, const char *what)
{
    if (!ok) {
        json_decref(o);
        if (what != NULL)
            return cli_fail(c, CLI_EXIT_IO, _("%s cannot be written as JSON"), what);
        return cli_fail(c, CLI_EXIT_IO, _("out of memory"));
    }
    return render_print_json(o) == 0 ? CLI_EXIT_OK : cli_fail(c, CLI_EXIT_IO, _("out of memory"));
}

bool cli_parse_u64(const char *s, uint64_t *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return false;
    uint64_t v = 0;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* The directory part of path, "." when it has none, into buf. */
static void dir_of(const char *path, char *buf, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(buf, cap, ".");
    else if (slash == path)
        snprintf(buf, cap, "/");
    else
        snprintf(buf, cap, "%.*s", (int)(slash - path), path);
}

int cli_check_output(const cli *c, const char *opt, const char *path)
{
    char dir[PATH_MAX];
    struct stat st;
    dir_of(path, dir, sizeof dir);
    if (path[0] == '\0' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
        return cli_fail(c, CLI_EXIT_USAGE, _("%s %s: give a file name"), opt, path);
    if (access(dir, W_OK) != 0) {
        int e = errno;
        return cli_fail(c, CLI_EXIT_IO, _("%s %s: cannot write in %s: %s"), opt, path, dir,
                        strerror(e));
    }
    return 0;
}

int cli_check_output_dir(const cli *c, const char *opt, const char *path)
{
    struct stat st;
    if (path[0] == '\0' || stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return cli_fail(c, CLI_EXIT_USAGE,
                        _("%s %s: with a stream of records, give a directory that exists: each "
                          "receipt is saved in it as INDEX.json"),
                        opt, path);
    if (access(path, W_OK) != 0) {
        int e = errno;
        return cli_fail(c, CLI_EXIT_IO, _("%s %s: cannot write in it: %s"), opt, path, strerror(e));
    }
    return 0;
}

int cli_read_log_key(cli *c)
{
    if (c->have_log_vkey)
        return 0;
    const char *path = c->log_key;
    const char *from = "--log-key";
    if (path == NULL && (path = getenv(CLI_ENV_LOG_KEY)) != NULL && path[0] != '\0')
        from = CLI_ENV_LOG_KEY;
    else if (path == NULL) {
        path = CLI_DEFAULT_LOG_KEY;
        from = NULL;
    }
    char *text;
    size_t len;
    lh_err err = {{0}};
    int rc = fileio_read(path, FILEIO_STREAM, "verifier key file", LOG_KEY_FILE_MAX,
                         (uint8_t **)&text, &len, &err);
    if (rc != 0) {
        cli_fail(c, CLI_EXIT_IO, _("the log's verifier key: %s"), err.msg);
        if (from == NULL)
            fprintf(stderr,
                    _("It is DATA/log.vkey of the log (`liuhend init` writes it): give "
                      "--log-key FILE or set %s.\n"),
                    CLI_ENV_LOG_KEY);
        return CLI_EXIT_IO;
    }
    /* One line: the key, then "\n" or "\r\n" or nothing. */
    size_t n = strcspn(text, "\r\n");
    size_t rest = n;
    if (rest < len && text[rest] == '\r')
        rest++;
    if (rest < len && text[rest] == '\n')
        rest++;
    if (rest != len || n == 0) {
        free(text);
        return cli_fail(c, CLI_EXIT_IO,
                        _("the log's verifier key %s (from %s): the file must hold one line, "
                          "name+keyid+base64"),
                        path, from != NULL ? from : "the default");
    }
    rc = note_vkey_parse_type(text, n, NOTE_TYPE_ED25519, &c->log_vkey, &err);
    if (rc == 0) {
        /* A key that parses is at most NOTE_VKEY_MAX bytes. */
        memcpy(c->log_vkey_text, text, n);
        c->log_vkey_text[n] = '\0';
    }
    free(text);
    if (rc != 0)
        return cli_fail(c, CLI_EXIT_IO, _("the log's verifier key %s: %s"), path,
                        err.msg[0] ? err.msg : lh_strerror(rc));
    c->have_log_vkey = true;
    return 0;
}

/* mkdir -p for the state directory, each new level private (0700). */
static int make_dirs(char *path)
{
    for (char *p = path + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(path, 0700);
        int e = errno;
        *p = '/';
        if (rc != 0 && e != EEXIST)
            return -e;
    }
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return -errno;
    return 0;
}

/* The default state file: $XDG_STATE_HOME/liuhen/<origin>.checkpoint. */
static int default_state_path(cli *c)
{
    const char *base = getenv("XDG_STATE_HOME");
    char home_state[PATH_MAX];
    /* The XDG specification ignores a relative or empty value. */
    if (base == NULL || base[0] != '/') {
        const char *home = getenv("HOME");
        if (home == NULL || home[0] != '/') {
            struct passwd *pw = getpwuid(getuid());
            home = pw != NULL ? pw->pw_dir : NULL;
        }
        if (home == NULL)
            return cli_fail(c, CLI_EXIT_IO,
                            _("no home directory to keep the last verified checkpoint in: give "
                              "--state FILE or set %s"),
                            CLI_ENV_STATE);
        snprintf(home_state, sizeof home_state, "%s/.local/state", home);
        base = home_state;
    }
    char dir[PATH_MAX];
    if ((size_t)snprintf(dir, sizeof dir, "%s/liuhen", base) >= sizeof dir)
        return cli_fail(c, CLI_EXIT_IO, _("the state directory %s/liuhen: name too long"), base);
    int rc = make_dirs(dir);
    if (rc != 0)
        return cli_fail(c, CLI_EXIT_IO, _("the state directory %s: %s (give --state FILE)"), dir,
                        strerror(-rc));
    char name[NOTE_NAME_MAX + 1];
    snprintf(name, sizeof name, "%s", c->log_vkey.name);
    for (char *p = name; *p != '\0'; p++)
        if (*p == '/')
            *p = '_';
    size_t need = strlen(dir) + 1 + strlen(name) + sizeof ".checkpoint";
    if ((c->state_path = malloc(need)) == NULL)
        return cli_fail(c, CLI_EXIT_IO, _("out of memory"));
    snprintf(c->state_path, need, "%s/%s.checkpoint", dir, name);
    return 0;
}

/* One witness key file: one verifier key line. */
static int read_witness(cli *c, const char *path, const char *from)
{
    if (c->nwitnesses == CLI_WITNESS_MAX)
        return cli_usage(c, _("%s: at most %d witness keys"), from, CLI_WITNESS_MAX);
    uint8_t *text = NULL;
    size_t len = 0;
    lh_err err = {{0}};
    if (fileio_read(path, 0, "witness key file", NOTE_VKEY_MAX + 2, &text, &len, &err) != 0)
        return cli_fail(c, CLI_EXIT_IO, "%s: %s", from, err.msg);
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    size_t i = c->nwitnesses;
    int rc = note_vkey_parse((const char *)text, len, &c->witnesses[i], &err);
    if (rc == 0) {
        memcpy(c->witness_text[i], text, len);
        c->witness_text[i][len] = '\0';
    }
    free(text);
    if (rc != 0)
        return cli_fail(c, CLI_EXIT_IO, _("%s %s: not a witness verifier key: %s"), from, path,
                        err.msg);
    c->nwitnesses++;
    return 0;
}

int cli_read_witnesses(cli *c)
{
    if (c->nwitnesses > 0)
        return 0;
    int st;
    for (size_t i = 0; i < c->nwitness_paths; i++)
        if ((st = read_witness(c, c->witness_paths[i], "--witness-key")) != 0)
            return st;
    const char *env = getenv(CLI_ENV_WITNESSES);
    if (c->nwitness_paths == 0 && env != NULL && env[0] != '\0') {
        char *list = strdup(env);
        if (list == NULL)
            return cli_fail(c, CLI_EXIT_IO, _("out of memory"));
        st = 0;
        for (char *save = NULL, *p = strtok_r(list, ":", &save); p != NULL && st == 0;
             p = strtok_r(NULL, ":", &save))
            st = read_witness(c, p, CLI_ENV_WITNESSES);
        free(list);
        if (st != 0)
            return st;
    }
    long min = c->min_cosig;
    const char *menv = getenv(CLI_ENV_MIN_COSIG);
    if (min < 0 && menv != NULL && menv[0] != '\0') {
        uint64_t v;
        if (!cli_parse_u64(menv, &v) || v > CLI_WITNESS_MAX)
            return cli_usage(c, _("%s=%s: give a whole number from 0 to %d"), CLI_ENV_MIN_COSIG,
                             menv, CLI_WITNESS_MAX);
        min = (long)v;
    }
    if (min < 0)
        min = 0;
    if ((size_t)min > c->nwitnesses)
        return cli_usage(c,
                         _("--min-cosignatures %ld: only %zu witness keys given (--witness-key "
                           "FILE, or $%s)"),
                         min, c->nwitnesses, CLI_ENV_WITNESSES);
    c->min_cosignatures = (unsigned)min;
    return 0;
}

int cli_connect(cli *c)
{
    if (c->conn != NULL)
        return 0;
    int st = cli_read_log_key(c);
    if (st == 0)
        st = cli_read_witnesses(c);
    if (st != 0)
        return st;
    const char *socket = c->socket;
    if (socket == NULL && ((socket = getenv(CLI_ENV_SOCKET)) == NULL || socket[0] == '\0'))
        socket = CLI_DEFAULT_SOCKET;
    if (c->state_path == NULL) {
        const char *state = c->state;
        if (state == NULL && (state = getenv(CLI_ENV_STATE)) != NULL && state[0] == '\0')
            state = NULL;
        if (state != NULL) {
            if ((c->state_path = strdup(state)) == NULL)
                return cli_fail(c, CLI_EXIT_IO, _("out of memory"));
        } else if ((st = default_state_path(c)) != 0) {
            return st;
        }
    }
    const char *wkeys[CLI_WITNESS_MAX];
    for (size_t i = 0; i < c->nwitnesses; i++)
        wkeys[i] = c->witness_text[i];
    lh_options opts = {.socket_path = socket,
                       .log_vkey = c->log_vkey_text,
                       .witness_vkeys = wkeys,
                       .nwitness_vkeys = c->nwitnesses,
                       .min_cosignatures = c->min_cosignatures,
                       .timeout_ms = c->timeout_ms,
                       .state_file = c->state_path};
    lh_err err = {{0}};
    int rc = lh_connect(&opts, &c->conn, &err);
    if (rc == 0)
        return 0;
    /* The state file is read before the socket is dialled: an error that
     * names it is the file's, not the socket's. */
    if (rc < 0 && c->state_path != NULL && strstr(err.msg, c->state_path) != NULL)
        return cli_fail(c, CLI_EXIT_IO,
                        _("%s (the state file keeps the checkpoints this user has seen; --state "
                          "FILE or $%s names another)"),
                        err.msg, CLI_ENV_STATE);
    if (rc == -ENOENT || rc == -ECONNREFUSED) {
        return cli_fail(c, CLI_EXIT_IO,
                        _("cannot reach liuhend at %s: %s. Is liuhend running? Start it (make run, "
                          "or liuhend --data DIR), or give --socket PATH or set %s"),
                        socket, strerror(-rc), CLI_ENV_SOCKET);
    }
    if (rc == -EACCES)
        return cli_fail(c, CLI_EXIT_IO,
                        _("cannot reach liuhend at %s: permission denied (the socket belongs to "
                          "liuhend's --group: ask the administrator to add you to it)"),
                        socket);
    if (rc == LH_EINVAL)
        return cli_fail(c, CLI_EXIT_USAGE, "%s", err.msg[0] ? err.msg : lh_strerror(rc));
    if (rc == LH_EPARSE || rc == LH_ETOOBIG || rc == LH_EPERMFILE)
        return err.msg[0] ? cli_fail(c, CLI_EXIT_IO, "%s", err.msg)
                          : cli_fail(c, CLI_EXIT_IO, _("state file %s: %s"), c->state_path,
                                     lh_strerror(rc));
    return cli_fail_rc(c, rc, &err, NULL);
}

void cli_finish(cli *c)
{
    lh_close(c->conn);
    c->conn = NULL;
    free(c->state_path);
    c->state_path = NULL;
}

int cli_get_keys(cli *c, lh_keys *keys)
{
    lh_err err = {{0}};
    int rc = lh_get_keys(c->conn, keys, &err);
    return rc != 0 ? cli_fail_rc(c, rc, &err, "keys") : 0;
}

int cli_load_key(const cli *c, const char *path, const char *passfile, keyfile_key **out)
{
    keyload_step step;
    lh_err err = {{0}};
    int rc = keyload_secret(path, passfile, out, &step, &err);
    if (rc == 0)
        return 0;
    const char *detail = err.msg[0] ? err.msg : lh_strerror(rc);
    if (step == KEYLOAD_OPEN && rc == -ENOENT)
        return cli_fail(c, CLI_EXIT_IO,
                        _("key file %s does not exist (liuhen keygen --out "
                          "PREFIX makes PREFIX.key)"),
                        path);
    if (step == KEYLOAD_PASSPHRASE)
        return cli_fail(c, rc == LH_EPASSPHRASE ? CLI_EXIT_USAGE : CLI_EXIT_IO, "%s", detail);
    if (step != KEYLOAD_READ || rc != LH_EPASSPHRASE)
        return cli_fail(c, CLI_EXIT_IO, _("key file %s: %s"), path, detail);
    return cli_fail(c, CLI_EXIT_REFUSED,
                    _("key file %s: wrong passphrase (or the encrypted file was altered)"), path);
}

int cli_parse_pub(const char *arg, keyfile_pub *pub, lh_err *err)
{
    struct stat st;
    if (arg == NULL || arg[0] == '\0')
        return lh_err_set(err, LH_ENOTFOUND, "no public key given");
    if (stat(arg, &st) == 0)
        return keyfile_read_public(arg, pub, err);
    size_t len = strlen(arg);
    if (strchr(arg, '/') != NULL || (len > 4 && strcmp(arg + len - 4, ".pub") == 0))
        return lh_err_set(err, -ENOENT, "public key file %s does not exist", arg);
    if (strchr(arg, '+') != NULL)
        return keyfile_parse_vkey(arg, len, pub, err);
    size_t n;
    memset(pub, 0, sizeof *pub);
    if (text_b64_decode(pub->pubkey, sizeof pub->pubkey, &n, arg, len, sizeof pub->pubkey) == 0)
        return 0;
    return lh_err_set(err, LH_ENOTFOUND,
                      "'%s' is neither a public key file, a verifier key (name+keyid+base64) nor "
                      "the base64 of a 32-byte key",
                      arg);
}
