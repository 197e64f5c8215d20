/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * copies.c — copies of the log written by the daemon: a tiles export and a
 * backup of its store, whose checkpoints are verified here (liuhen.h:
 * lh_export(), lh_backup()).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "handle.h"
#include "quote.h"
#include "text.h"
#include "tile.h"
#include "wire.h"

/* ------------------------------------------------------------------------ */
/* Export and backup: written by the daemon, verified here. */

void lh_export_result_free(lh_export_result *r)
{
    if (r == NULL)
        return;
    lh_checkpoint_free(&r->checkpoint);
    memset(r, 0, sizeof *r);
}

void lh_backup_result_free(lh_backup_result *r)
{
    if (r == NULL)
        return;
    lh_checkpoint_free(&r->checkpoint);
    memset(r, 0, sizeof *r);
}

/*
 * The context of a slow call ("export /srv/x") and its path checked. The
 * daemon resolves the path beneath the directory its operator configured
 * (liuhend --export-dir, --backup-dir): a name relative to that directory,
 * or an absolute path beneath it. It checks the rest itself.
 */
static int slow_path(const char *call, const char *path, char what[WHAT_MAX], lh_err *err)
{
    char shown[WHAT_MAX - 16];
    quote_text(shown, sizeof shown, path);
    snprintf(what, WHAT_MAX, "%s %s", call, shown);
    size_t len = strlen(path);
    if (len == 0)
        return lh_err_set(err, LH_EINVAL, "%s: no path given", call);
    if (len >= PATH_MAX)
        return lh_err_set(err, LH_EINVAL, "%s: the path is %zu bytes, longer than a path may be",
                          what, len);
    return 0;
}

/*
 * The error of a slow call the daemon refused. Its message names the path
 * and the cause, so it is quoted after the call's name alone, leaving it
 * all the room of the error.
 */
static int slow_refused(const Liuhen__Response *r, const char *call, lh_err *err)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s: the daemon answered %s: ", call,
             wire_status_name(r->status));
    char msg[LH_ERR_MSG_MAX];
    quote_text(msg, sizeof msg - strlen(prefix), r->message);
    return lh_err_set(err, wire_status_to_err(r->status), "%s%s", prefix, msg);
}

/*
 * Send a slow call (export or backup) of `path` with its own deadline
 * (LH_SLOW_TIMEOUT_MS at least), after checking the path. On 0, *out is an
 * OK response carrying the `call` result and what names the call.
 */
static int slow_call(lh_conn *c, const char *call, const char *path, Liuhen__Request *req,
                     Liuhen__Response__ResultCase want, Liuhen__Response **out, int64_t *deadline,
                     char what[WHAT_MAX], lh_err *err)
{
    *out = NULL;
    int rc = slow_path(call, path, what, err);
    if (rc != 0)
        return rc;
    Liuhen__Response *r;
    rc = conn_call_slow(&c->t, req, &r, LH_SLOW_TIMEOUT_MS, deadline, what, err);
    if (rc != 0)
        return rc;
    if (r->status != LIUHEN__STATUS__STATUS_OK)
        rc = slow_refused(r, call, err);
    else
        rc = conn_expect(r, want, call, what, err);
    if (rc != 0) {
        liuhen__response__free_unpacked(r, NULL);
        return rc;
    }
    *out = r;
    return 0;
}

/*
 * Compare DIR/checkpoint, as this process reads it, with the checkpoint the
 * daemon answered. A file that cannot be opened here (another machine or
 * mount namespace, no permission) leaves *checked false; one that can be
 * read and differs is a failure.
 */
static int export_check_local(const char *dir, const lh_checkpoint *cp, bool *checked,
                              const char *what, lh_err *err)
{
    *checked = false;
    size_t dlen = strlen(dir);
    char *path = malloc(dlen + sizeof "/checkpoint");
    if (path == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    memcpy(path, dir, dlen);
    memcpy(path + dlen, "/checkpoint", sizeof "/checkpoint");
    /* Read to one byte past the note's length, so that a longer file is
     * seen to differ. */
    uint8_t *buf = NULL;
    size_t got = 0;
    int rc = fileio_read(path, FILEIO_NOFOLLOW, "checkpoint file", cp->note_len, &buf, &got, NULL);
    free(path);
    if (rc == LH_ENOMEM)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    if (rc != 0 && rc != LH_ETOOBIG && rc != LH_EINVAL && rc != -EISDIR)
        return 0; /* unreadable here: not checked */
    /* A file that is not regular, or not the note, differs. */
    bool same = rc == 0 && got == cp->note_len && memcmp(buf, cp->note, got) == 0;
    free(buf);
    if (!same)
        return lh_err_set(err, LH_EPROOF,
                          "%s: its checkpoint file, as read here, is not the checkpoint the log "
                          "answered (tree size %" PRIu64
                          "): the directory changed after the export, or this machine sees "
                          "another directory at that path",
                          what, cp->size);
    *checked = true;
    return 0;
}

int lh_export(lh_conn *c, const char *directory, lh_export_result *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || directory == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "export: NULL argument");
    Liuhen__ExportRequest q = LIUHEN__EXPORT_REQUEST__INIT;
    q.directory = (char *)directory;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_EXPORT;
    req.export = &q;
    char what[WHAT_MAX];
    Liuhen__Response *r;
    int64_t deadline;
    int rc = slow_call(c, "export", directory, &req, LIUHEN__RESPONSE__RESULT_EXPORT, &r, &deadline,
                       what, err);
    if (rc != 0)
        return rc;
    const Liuhen__ExportResponse *e = r->export;
    if (e == NULL) {
        rc = lh_err_set(err, LH_EPROTO, "%s: the response carries no export result", what);
        goto out;
    }
    /* The checkpoint must be of the answered size, which the count of
     * files then follows from. */
    rc = handle_accept_note(c, &e->checkpoint, e->tree_size, true, &out->checkpoint, deadline, what,
                            err);
    if (rc != 0)
        goto out;
    uint64_t want = 1 + tile_count(e->tree_size);
    if (e->files != want) {
        rc = lh_err_set(err, LH_EPROTO,
                        "%s: the daemon says it wrote %" PRIu64 " files; a tree of size %" PRIu64
                        " has %" PRIu64 " with its checkpoint",
                        what, e->files, e->tree_size, want);
        goto out;
    }
    out->tree_size = e->tree_size;
    out->files = e->files;
    /* A relative name is relative to the daemon's --export-dir, which this
     * process does not know: only an absolute path is read here. */
    if (directory[0] == '/')
        rc = export_check_local(directory, &out->checkpoint, &out->checked_locally, what, err);
out:
    if (rc != 0)
        lh_export_result_free(out);
    liuhen__response__free_unpacked(r, NULL);
    return rc;
}

int lh_backup(lh_conn *c, const char *path, lh_backup_result *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || path == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "backup: NULL argument");
    Liuhen__BackupRequest q = LIUHEN__BACKUP_REQUEST__INIT;
    q.path = (char *)path;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_BACKUP;
    req.backup = &q;
    char what[WHAT_MAX];
    Liuhen__Response *r;
    int64_t deadline;
    int rc = slow_call(c, "backup", path, &req, LIUHEN__RESPONSE__RESULT_BACKUP, &r, &deadline,
                       what, err);
    if (rc != 0)
        return rc;
    const Liuhen__BackupResponse *b = r->backup;
    if (b == NULL) {
        rc = lh_err_set(err, LH_EPROTO, "%s: the response carries no backup result", what);
        goto out;
    }
    if (b->bytes == 0) {
        rc = lh_err_set(err, LH_EPROTO, "%s: the daemon says the copy is empty", what);
        goto out;
    }
    rc = handle_accept_note(c, &b->checkpoint, b->tree_size, true, &out->checkpoint, deadline, what,
                            err);
    if (rc != 0)
        goto out;
    out->tree_size = b->tree_size;
    out->bytes = b->bytes;
out:
    if (rc != 0)
        lh_backup_result_free(out);
    liuhen__response__free_unpacked(r, NULL);
    return rc;
}
