/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * cmd_admin.c — running the log: `liuhen export` (a C2SP tiles directory
 * for inspectors), `backup` (a hot copy of the store) and `status` (the
 * daemon's state). Export and backup are written by the daemon, as its
 * user, on its machine, beneath the directories its operator configured
 * (liuhend --export-dir, --backup-dir): the path is sent as given, a name
 * relative to that directory or an absolute path beneath it, and the
 * daemon checks it. They may take minutes on a large log
 * and the protocol reports no progress: on a terminal a spinner with the
 * elapsed time shows meanwhile (tty.h).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "cli.h"
#include "prom.h"
#include "render.h"
#include "tty.h"

/* The path of --to, sent as given: the daemon resolves it beneath its
 * own directory, which this process does not know. */
static int target_path(cli *c, const char *opt, const char *path)
{
    if (path[0] == '\0')
        return cli_usage(c, _("%s: give a path"), opt);
    if (strlen(path) >= PATH_MAX)
        return cli_usage(c, _("%s %s: the path is too long"), opt, path);
    return 0;
}

/* Parse the single --to option of export and backup. */
static int parse_to(cli *c, const cli_command *cmd, int argc, char **argv, const char **to)
{
    const cli_option opts[] = {{"to", to, NULL}, {NULL, NULL, NULL}};
    *to = NULL;
    int st = cli_options(c, cmd, argc, argv, opts);
    if ((st = cli_no_operands(c, st, argc, argv)) >= 0)
        return st;
    if (*to == NULL)
        return cli_usage(c, _("--to is required"));
    return -1;
}

/* The request of export or backup, for run_to(): lh_export() or lh_backup(). */
typedef int (*to_request)(lh_conn *conn, const char *path, void *out, lh_err *err);

static int request_export(lh_conn *conn, const char *path, void *out, lh_err *err)
{
    return lh_export(conn, path, out, err);
}

static int request_backup(lh_conn *conn, const char *path, void *out, lh_err *err)
{
    return lh_backup(conn, path, out, err);
}

/*
 * What export and backup share: parse --to, connect, and make the request,
 * which writes *out. The protocol says nothing until it is done: on a
 * terminal, a spinner "liuhend <doing> PATH" with the elapsed time says it
 * is still going.
 * @return -1 when out is filled (the caller frees it); otherwise the exit
 *         status to return at once (reported).
 */
static int run_to(cli *c, const cli_command *cmd, int argc, char **argv, const char *doing,
                  to_request request, void *out, const char **to)
{
    int st = parse_to(c, cmd, argc, argv, to);
    if (st >= 0)
        return st;
    if ((st = target_path(c, "--to", *to)) != 0 || (st = cli_connect(c)) != 0)
        return st;
    lh_err err = {{0}};
    tty_progress progress;
    char label[PATH_MAX + 64];
    snprintf(label, sizeof label, "%s %s: liuhend %s %s", c->prog, c->command, doing, *to);
    tty_progress_start(&progress, label);
    int rc = request(c->conn, *to, out, &err);
    tty_progress_stop(&progress);
    if (rc != 0)
        return cli_fail_rc(c, rc, &err, NULL);
    return -1;
}

/* The JSON members export and backup share, in this order: where it was
 * written, the tree size, how much, the checkpoint. */
static json_t *to_json(const char *path_key, const char *path, uint64_t tree_size,
                       const char *count_key, uint64_t count, const lh_checkpoint *cp, bool *ok)
{
    json_t *o = json_object();
    render_json_set(o, path_key, json_string(path), ok);
    render_json_set(o, "tree_size", json_integer((json_int_t)tree_size), ok);
    render_json_set(o, count_key, json_integer((json_int_t)count), ok);
    render_json_set(o, "checkpoint", json_stringn((const char *)cp->note, cp->note_len), ok);
    return o;
}

/* ------------------------------------------------------------------------
 * export
 */

static const char export_help[] =
    N_("Usage: liuhen export --to DIR\n"
       "\n"
       "Have liuhend write a complete C2SP tlog-tiles directory of the log's latest\n"
       "checkpoint (checkpoint, tile/<L>/<N>, tile/entries/<N>), for inspectors of the\n"
       "oversight body, who verify it offline without trusting this machine. The\n"
       "checkpoint it answers is verified; when DIR/checkpoint can be read here it must\n"
       "be that checkpoint byte for byte.\n"
       "\n"
       "Only socket admins may ask (root, liuhend's user and members of liuhend\n"
       "--admin-group), and only into the directory liuhend was given with\n"
       "--export-dir.\n"
       "\n"
       "Options:\n"
       "  --to DIR    the directory to write (required): a name inside liuhend's\n"
       "              --export-dir, or an absolute path beneath it; it must not exist\n"
       "              (its parent must) or be empty, and no part of it may be a\n"
       "              symbolic link or \"..\". liuhend writes it as its own user, no\n"
       "              more readable than --export-dir itself\n"
       "\n"
       "With --json: {\"directory\", \"tree_size\", \"files\", \"checkpoint\",\n"
       "\"checked_locally\"}.\n"
       "\n"
       "Example:\n"
       "  liuhen export --to 2026-05-20\n");

static int run_export(cli *c, int argc, char **argv)
{
    const char *dir;
    lh_export_result r;
    int st = run_to(c, &cli_cmd_export, argc, argv, "is writing", request_export, &r, &dir);
    if (st >= 0)
        return st;
    if (c->json) {
        bool ok = true;
        json_t *o = to_json("directory", dir, r.tree_size, "files", r.files, &r.checkpoint, &ok);
        render_json_set(o, "checked_locally", json_boolean(r.checked_locally), &ok);
        st = cli_print_json(c, o, ok, NULL);
    } else {
        printf(_("exported: %s\n"), dir);
        printf(_("  tree size: %" PRIu64 " · files: %" PRIu64 "\n"), r.tree_size, r.files);
        fputs(r.checked_locally ? _("  verified: the checkpoint's signature; the directory's "
                                    "checkpoint is that one\n")
                                : _("  verified: the checkpoint's signature; the directory cannot "
                                    "be read from here\n"),
              stdout);
        fputs(_("Give the directory and the log's verifier key to the inspectors; they check\n"
                "it offline with liuhen-verify.\n"),
              stdout);
        st = CLI_EXIT_OK;
    }
    lh_export_result_free(&r);
    return st;
}

const cli_command cli_cmd_export = {"export", run_export,
                                    N_("write a C2SP tiles directory of the log, for inspectors"),
                                    export_help, NULL};

/* ------------------------------------------------------------------------
 * backup
 */

static const char backup_help[] =
    N_("Usage: liuhen backup --to FILE\n"
       "\n"
       "Have liuhend write a hot, compacted copy of its LMDB store while it keeps\n"
       "serving. The copy holds the whole ledger: keep it private. To restore it, stop\n"
       "liuhend and put the copy in place of DATA/data.mdb.\n"
       "\n"
       "Only socket admins may ask (root, liuhend's user and members of liuhend\n"
       "--admin-group), and only into the directory liuhend was given with\n"
       "--backup-dir.\n"
       "\n"
       "Options:\n"
       "  --to FILE   the copy to write (required): a name inside liuhend's\n"
       "              --backup-dir, or an absolute path beneath it; it must not exist,\n"
       "              its directory must, and no part of it may be a symbolic link or\n"
       "              \"..\". liuhend writes it as its own user, mode 0600, under a\n"
       "              temporary name first, then renames it\n"
       "\n"
       "With --json: {\"path\", \"tree_size\", \"bytes\", \"checkpoint\"}.\n"
       "\n"
       "Example:\n"
       "  liuhen backup --to liuhen-2026-05-20.mdb\n");

static int run_backup(cli *c, int argc, char **argv)
{
    const char *path;
    lh_backup_result r;
    int st = run_to(c, &cli_cmd_backup, argc, argv, "is copying its store to", request_backup, &r,
                    &path);
    if (st >= 0)
        return st;
    if (c->json) {
        bool ok = true;
        json_t *o = to_json("path", path, r.tree_size, "bytes", r.bytes, &r.checkpoint, &ok);
        st = cli_print_json(c, o, ok, NULL);
    } else {
        printf(_("backup written: %s\n"), path);
        printf(_("  size: %" PRIu64 " bytes · holds at least tree size %" PRIu64 "\n"), r.bytes,
               r.tree_size);
        fputs(_("  verified: the checkpoint's signature\n"), stdout);
        st = CLI_EXIT_OK;
    }
    lh_backup_result_free(&r);
    return st;
}

const cli_command cli_cmd_backup = {
    "backup", run_backup, N_("hot copy of the store while liuhend runs"), backup_help, NULL};

/* ------------------------------------------------------------------------
 * status
 */

static const char status_help[] = N_(
    "Usage: liuhen status [--prometheus]\n"
    "\n"
    "Show liuhend's state: the log's origin and tree size, the last checkpoint\n"
    "(verified) and the last publication, connections, appends per second, the\n"
    "queue of appends waiting, when it started, the log's verifier key, and each\n"
    "witness liuhend submits checkpoints to: the last tree size it cosigned, how long\n"
    "ago, and its last error (as liuhend reports them).\n"
    "\n"
    "With --json: {\"origin\", \"tree_size\", \"last_checkpoint_at\",\n"
    "\"last_publish_at\", \"connections\", \"appends_per_second\", \"queue_depth\",\n"
    "\"started_at\", \"log_vkey\", \"checkpoint\", \"witnesses\": [{\"name\", \"url\",\n"
    "\"cosigned_size\", \"cosigned_at\", \"last_attempt_at\", \"last_error\"}],\n"
    "\"min_cosignatures\"}, times in unix ms, each with KEY_rfc3339 beside it: the\n"
    "same time in RFC 3339 (UTC), or null when there is none.\n"
    "\n"
    "With --prometheus: the same and what liuhend counted since it started (appends\n"
    "by status, refused connections, batch sizes, commit and append latencies as\n"
    "histograms, store size, each witness's lag) in Prometheus's text format, for\n"
    "node_exporter's textfile collector; write it to a temporary name and rename it:\n"
    "  liuhen status --prometheus > DIR/liuhen.prom.tmp && mv DIR/liuhen.prom.tmp DIR/liuhen.prom\n"
    "\n"
    "Example:\n"
    "  liuhen status\n");

static int run_status(cli *c, int argc, char **argv)
{
    bool prom = false;
    const cli_option opts[] = {{"prometheus", NULL, &prom}, {NULL, NULL, NULL}};
    int st = cli_options(c, &cli_cmd_status, argc, argv, opts);
    if ((st = cli_no_operands(c, st, argc, argv)) >= 0)
        return st;
    if (prom && c->json)
        return cli_usage(c, _("--prometheus and --json cannot be combined"));
    if ((st = cli_connect(c)) != 0)
        return st;
    lh_server_status s;
    lh_err err = {{0}};
    int rc = lh_status(c->conn, &s, &err);
    if (rc != 0)
        return cli_fail_rc(c, rc, &err, NULL);
    if (prom) {
        st = CLI_EXIT_OK;
        if (prom_write(stdout, &s, calendar_now_ms()) != 0)
            st =
                cli_fail(c, CLI_EXIT_IO, _("cannot write to standard output: %s"), strerror(errno));
    } else if (c->json) {
        json_t *o = json_object();
        bool ok = true;
        render_json_set(o, "origin", json_string(s.origin), &ok);
        render_json_set(o, "tree_size", json_integer((json_int_t)s.tree_size), &ok);
        render_json_time(o, "last_checkpoint_at", (int64_t)s.last_checkpoint_at, &ok);
        render_json_time(o, "last_publish_at", (int64_t)s.last_publish_at, &ok);
        render_json_set(o, "connections", json_integer((json_int_t)s.connections), &ok);
        render_json_set(o, "appends_per_second", json_real(s.appends_per_second), &ok);
        render_json_set(o, "queue_depth", json_integer((json_int_t)s.queue_depth), &ok);
        render_json_time(o, "started_at", (int64_t)s.started_at, &ok);
        render_json_set(o, "log_vkey", json_string(s.log_vkey), &ok);
        render_json_set(o, "checkpoint",
                        s.checkpoint.note != NULL
                            ? json_stringn((const char *)s.checkpoint.note, s.checkpoint.note_len)
                            : json_null(),
                        &ok);
        json_t *ws = json_array();
        ok = ok && ws != NULL;
        for (size_t i = 0; ok && i < s.nwitnesses; i++) {
            const lh_witness_status *w = &s.witnesses[i];
            json_t *wo = json_object();
            ok = wo != NULL;
            render_json_set(wo, "name", json_string(w->name), &ok);
            render_json_set(wo, "url", json_string(w->url), &ok);
            render_json_set(wo, "cosigned_size", json_integer((json_int_t)w->cosigned_size), &ok);
            render_json_time(wo, "cosigned_at", (int64_t)w->cosigned_at, &ok);
            render_json_time(wo, "last_attempt_at", (int64_t)w->last_attempt_at, &ok);
            render_json_set(wo, "last_error", json_string(w->last_error), &ok);
            if (ok && json_array_append_new(ws, wo) != 0)
                ok = false;
        }
        render_json_set(o, "witnesses", ws, &ok);
        render_json_set(o, "min_cosignatures", json_integer((json_int_t)s.min_cosignatures), &ok);
        st = cli_print_json(c, o, ok, NULL);
    } else {
        char t[RENDER_TIME_MAX];
        printf(_("liuhend status: %s\n"), s.origin);
        printf(_("  tree size: %" PRIu64 "\n"), s.tree_size);
        if (s.checkpoint.note != NULL)
            printf(_("  last checkpoint: %s (tree size %" PRIu64 ", verified)\n"),
                   render_time(s.last_checkpoint_at, t), s.checkpoint.size);
        else
            fputs(_("  last checkpoint: none\n"), stdout);
        if (s.last_publish_at != 0)
            printf(_("  last publication: %s\n"), render_time(s.last_publish_at, t));
        else
            fputs(_("  last publication: never (no --publish directory, or not yet)\n"), stdout);
        printf(_("  connections: %" PRIu32 "\n"), s.connections);
        printf(_("  appends per second: %.1f\n"), s.appends_per_second);
        printf(_("  queue depth: %" PRIu32 "\n"), s.queue_depth);
        printf(_("  started: %s\n"), render_time(s.started_at, t));
        if (s.log_vkey[0] != '\0')
            printf(_("  log verifier key: %s\n"), s.log_vkey);
        if (s.nwitnesses == 0)
            fputs(_("  witnesses: none (liuhend --witness)\n"), stdout);
        for (size_t i = 0; i < s.nwitnesses; i++) {
            const lh_witness_status *w = &s.witnesses[i];
            printf(_("  witness %s (%s)\n"), w->name, w->url);
            if (w->cosigned_size > 0 || w->cosigned_at > 0) {
                int64_t age_s = (calendar_now_ms() - w->cosigned_at) / 1000;
                printf(_("    last cosigned: tree size %" PRIu64 " at %s (%" PRId64 " s ago)\n"),
                       w->cosigned_size, render_time(w->cosigned_at, t), age_s);
            } else {
                fputs(_("    last cosigned: none yet\n"), stdout);
            }
            if (w->last_error[0] != '\0')
                printf(_("    last error: %s\n"), w->last_error);
        }
        if (s.min_cosignatures > 0)
            printf(_("  published only with: %u cosignatures\n"), s.min_cosignatures);
        st = CLI_EXIT_OK;
    }
    lh_server_status_free(&s);
    return st;
}

const cli_command cli_cmd_status = {
    "status", run_status, N_("liuhend's state: tree size, checkpoints, load"), status_help, NULL};
