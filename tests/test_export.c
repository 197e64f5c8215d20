/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_export.c — Export and Backup, end to end: a real liuhend in a
 * temporary directory (tests/util/daemon.h), driven through the client API
 * (lh_export(), lh_backup()) and through raw frames.
 *
 * What must be true of export and backup:
 *  - an export is a complete C2SP tiles directory that verifies from
 *    scratch with the format core: its checkpoint opens with the log key,
 *    the entry bundles hold the log's leaves, every hash tile holds the
 *    hashes of those leaves, and the root recomputed from the leaves is the
 *    checkpoint's;
 *  - a backup is a working store: a second daemon started on it (with the
 *    original log key files) serves every entry up to the backup's tree
 *    size, its checkpoint is a prefix of the original log's later ones,
 *    and it takes appends;
 *  - refusals name the path and the cause (relative path, an existing file,
 *    a non-empty directory, a path under a file or under a missing
 *    directory, a symbolic link, a NUL byte), and write nothing;
 *  - appends go on from other connections while backups run, and a
 *    connection keeps answering its other requests meanwhile; a client
 *    that goes away leaves no partial file and no harm behind;
 *  - at SIGTERM, an export or backup that has begun is finished and
 *    answered, one not begun is answered UNAVAILABLE, and each answer
 *    agrees with what is on disk.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "keyfile.h"
#include "ledger.h"
#include "liuhen.h"
#include "testutil.h"
#include "text.h"

/* ---- helpers ------------------------------------------------------------ */

/* Enrol a handler key with the admin key of the test daemon. */
static keyfile_key *enroll_handler(lh_conn *c, const td_daemon *d)
{
    keyfile_key *k = tl_new_key("王办案");
    tl_enroll(c, d, k, "[\"ROLE_HANDLER\"]");
    return k;
}

/* Append n interference records, spread over a few cases. */
static void append_many(lh_conn *c, const keyfile_key *handler, int first, int n)
{
    for (int i = first; i < first + n; i++) {
        char json[256];
        snprintf(json, sizeof json,
                 "{\"case_id\":\"E-%d\",\"kind\":\"KIND_INTERFERENCE\",\"interference\":"
                 "{\"content\":\"第 %d 次说情\",\"manner\":\"phone\"}}",
                 i % 5, i);
        lh_receipt r = {0};
        lh_err err = {{0}};
        tu_assert_code(tl_append_json(c, handler, json, &r, &err), 0, &err);
        lh_receipt_free(&r);
    }
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* ---- raw frames ----------------------------------------------------------- */

static void put_backup(uint8_t **buf, size_t *len, uint64_t id, const char *path)
{
    Liuhen__BackupRequest q = LIUHEN__BACKUP_REQUEST__INIT;
    q.path = (char *)path;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.id = id;
    req.call_case = LIUHEN__REQUEST__CALL_BACKUP;
    req.backup = &q;
    tl_put_request(buf, len, &req);
}

static void put_export(uint8_t **buf, size_t *len, uint64_t id, const char *dir)
{
    Liuhen__ExportRequest q = LIUHEN__EXPORT_REQUEST__INIT;
    q.directory = (char *)dir;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.id = id;
    req.call_case = LIUHEN__REQUEST__CALL_EXPORT;
    req.export = &q;
    tl_put_request(buf, len, &req);
}

/* ---- verifying a tiles directory from scratch ---------------------------- */

static size_t nfiles;
/* The modes an export's files and directories must have: those of a
 * publication, narrowed to --export-dir's own (snapshot.h). */
static mode_t want_file_mode = 0644, want_dir_mode = 0755;
static int count_file(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)path;
    (void)ftw;
    if (flag == FTW_F) {
        nfiles++;
        assert_int_equal(st->st_mode & 07777, want_file_mode);
    } else if (flag == FTW_D && ftw->level > 0) {
        assert_int_equal(st->st_mode & 07777, want_dir_mode);
    }
    return 0;
}

/*
 * Check an exported directory with the format core alone: the checkpoint
 * opens with the log key and is `want`, the bundles give the leaves (equal
 * to the log's, `logged`), every hash tile holds the hashes of complete
 * subtrees of those leaves, the root of the leaves is the checkpoint's, and
 * the directory holds exactly `files` files.
 */
static void verify_export(const char *dir, const td_daemon *d, const lh_checkpoint *want,
                          const lh_entries *logged, uint64_t files)
{
    char path[TD_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/checkpoint", dir);
    size_t nlen;
    uint8_t *note = tu_read_file(path, &nlen);
    assert_non_null(note);
    assert_int_equal(nlen, want->note_len);
    assert_memory_equal(note, want->note, nlen);
    free(note);
    assert_true(want->size <= logged->count);
    tl_check_tiles(dir, d, want->size, want->root, logged);

    nfiles = 0;
    assert_int_equal(nftw(dir, count_file, 16, FTW_PHYS), 0);
    assert_int_equal(nfiles, files);
}

/* Start a test daemon, enrol a handler (*handler, freed by the caller) and
 * append n records with it. The connection keeps its client state in
 * d->state, so that later connections check consistency with what it saw. */
static lh_conn *start_with_entries(td_daemon *d, int n, keyfile_key **handler)
{
    td_init_start(d, NULL);
    lh_conn *c = tl_connect(d, d->state);
    *handler = enroll_handler(c, d);
    append_many(c, *handler, 0, n);
    return c;
}

/* Every entry of the log, from the daemon (checked by the client library). */
static void all_entries(lh_conn *c, uint64_t size, lh_entries *out)
{
    lh_err err = {{0}};
    tu_assert_code(lh_get_entries(c, 0, (uint32_t)size, out, &err), 0, &err);
    assert_int_equal(out->count, size);
}

/* ---- export --------------------------------------------------------------- */

static void test_export_verifies(void **state)
{
    (void)state;
    td_daemon d;
    keyfile_key *handler;
    /* Past one full tile (256), so that the export has full and partial
     * tiles at level 0 and a partial one at level 1. */
    lh_conn *c = start_with_entries(&d, 270, &handler);
    char path_buf[TD_PATH_MAX + 32];
    /* --export-dir is d.dir: made 0755, the export may be read by all. */
    assert_int_equal(chmod(d.dir, 0755), 0);
    want_file_mode = 0644;
    want_dir_mode = 0755;

    char dir[TD_PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/export", d.dir);
    lh_export_result ex;
    lh_err err = {{0}};
    tu_assert_code(lh_export(c, dir, &ex, &err), 0, &err);
    assert_int_equal(ex.tree_size, 272); /* the admin's and the handler's enrolment too */
    assert_int_equal(ex.checkpoint.size, ex.tree_size);
    assert_true(ex.checked_locally);
    /* The checkpoint is the log's latest, and the handle now holds it. */
    lh_checkpoint seen = {0};
    tu_assert_code(lh_seen_checkpoint(c, &seen, &err), 0, &err);
    assert_int_equal(seen.size, ex.tree_size);
    lh_checkpoint_free(&seen);
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0755);

    lh_entries logged = {0};
    all_entries(c, ex.tree_size, &logged);
    verify_export(dir, &d, &ex.checkpoint, &logged, ex.files);

    /* Into an existing empty directory, with a trailing slash: the same
     * tree again, byte for byte. */
    char empty[TD_PATH_MAX + 16];
    snprintf(empty, sizeof empty, "%s/empty", d.dir);
    assert_int_equal(mkdir(empty, 0700), 0);
    td_give(empty);
    char slash[TD_PATH_MAX + 32];
    snprintf(slash, sizeof slash, "%s/", empty);
    lh_export_result again;
    tu_assert_code(lh_export(c, slash, &again, &err), 0, &err);
    assert_int_equal(again.checkpoint.note_len, ex.checkpoint.note_len);
    assert_memory_equal(again.checkpoint.note, ex.checkpoint.note, ex.checkpoint.note_len);
    assert_int_equal(again.files, ex.files);
    assert_true(again.checked_locally);
    verify_export(empty, &d, &again.checkpoint, &logged, again.files);

    /* The export does not change the log: appends go on, and the next
     * export is consistent with the first (the state file checks that). */
    append_many(c, handler, 270, 3);
    char dir2[TD_PATH_MAX + 16];
    snprintf(dir2, sizeof dir2, "%s/export2", d.dir);
    lh_export_result later;
    tu_assert_code(lh_export(c, dir2, &later, &err), 0, &err);
    assert_int_equal(later.tree_size, ex.tree_size + 3);
    lh_entries logged2 = {0};
    all_entries(c, later.tree_size, &logged2);
    verify_export(dir2, &d, &later.checkpoint, &logged2, later.files);

    /* A name relative to --export-dir, in a subdirectory: the same. The
     * library cannot read it back (it does not know --export-dir). */
    snprintf(path_buf, sizeof path_buf, "%s/inspection", d.dir);
    assert_int_equal(mkdir(path_buf, 0700), 0);
    td_give(path_buf);
    lh_export_result rel;
    tu_assert_code(lh_export(c, "inspection/2026-q1", &rel, &err), 0, &err);
    assert_false(rel.checked_locally);
    snprintf(path_buf, sizeof path_buf, "%s/inspection/2026-q1", d.dir);
    verify_export(path_buf, &d, &rel.checkpoint, &logged2, rel.files);

    lh_entries_free(&logged);
    lh_entries_free(&logged2);
    lh_export_result_free(&ex);
    lh_export_result_free(&again);
    lh_export_result_free(&later);
    lh_export_result_free(&rel);
    /* Free accepts a zeroed result, and zeroes it. */
    lh_export_result_free(&ex);
    lh_export_result_free(NULL);
    keyfile_key_free(handler);
    tl_stop(&d, c);
}

/* A raw request's refusal: status and a message mentioning `part`. */
static void expect_raw_refusal(const td_daemon *d, bool export, const char *path,
                               Liuhen__Status status, const char *part)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    if (export)
        put_export(&buf, &len, 41, path);
    else
        put_backup(&buf, &len, 41, path);
    Liuhen__Response *resp = tl_raw_call(d, buf, len);
    free(buf);
    assert_int_equal(resp->id, 41);
    if (resp->status != status || strstr(resp->message, part) == NULL)
        fail_msg("%s %s: got %d \"%s\", want %d mentioning \"%s\"", export ? "export" : "backup",
                 path, resp->status, resp->message, status, part);
    assert_int_equal(resp->result_case, LIUHEN__RESPONSE__RESULT__NOT_SET);
    liuhen__response__free_unpacked(resp, NULL);
}

/* A request whose path holds a NUL byte: refused before it is read as a
 * shorter path. */
static void expect_nul_refused(const td_daemon *d, bool export, const char *path)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    const char *marker = "NULHERE";
    if (export)
        put_export(&buf, &len, 42, path);
    else
        put_backup(&buf, &len, 42, path);
    uint8_t *at = NULL;
    for (size_t i = 0; at == NULL && i + strlen(marker) <= len; i++)
        if (memcmp(buf + i, marker, strlen(marker)) == 0)
            at = buf + i;
    if (at == NULL)
        fail_msg("the request does not hold the marker %s", marker);
    else
        at[0] = '\0';
    Liuhen__Response *resp = tl_raw_call(d, buf, len);
    free(buf);
    assert_int_equal(resp->status, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT);
    assert_non_null(strstr(resp->message, "NUL"));
    liuhen__response__free_unpacked(resp, NULL);
}

/* Make d->dir/readonly, a directory the daemon's user may not write into,
 * and put the path of name in it in file; false (nothing made) as root, who
 * may write anywhere and so cannot test this. */
static bool readonly_target(const td_daemon *d, char *file, size_t cap, const char *name)
{
    if (geteuid() == 0)
        return false;
    char path[TD_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/readonly", d->dir);
    assert_int_equal(mkdir(path, 0500), 0);
    snprintf(file, cap, "%s/readonly/%s", d->dir, name);
    return true;
}

/* The refusal of a path under readonly_target's directory. */
static void assert_cannot_write(const lh_err *err)
{
    tu_assert_msg_has(err, "the daemon's user cannot write");
    tu_assert_msg_has(err, "EACCES");
}

/* After every refusal the handle is as good as before; then close it and
 * clean up the daemon. */
static void close_after_refusals(lh_conn *c, td_daemon *d)
{
    lh_err err = {{0}};
    lh_checkpoint cp = {0};
    tu_assert_code(lh_get_checkpoint(c, &cp, &err), 0, &err);
    lh_checkpoint_free(&cp);
    lh_close(c);
    td_cleanup(d);
}

static void test_export_refusals(void **state)
{
    (void)state;
    td_daemon d;
    lh_conn *c = tl_start(&d, NULL);
    lh_err err = {{0}};
    lh_export_result ex;
    char path[TD_PATH_MAX + 32], file[TD_PATH_MAX + 32];

    /* Paths that leave --export-dir, or could: refused by the daemon,
     * naming the field, the path and the fault. */
    tu_assert_code(lh_export(c, "", &ex, &err), LH_EINVAL, &err);
    tu_assert_code(lh_export(NULL, "/tmp/x", &ex, &err), LH_EINVAL, &err);
    tu_assert_code(lh_export(c, NULL, &ex, &err), LH_EINVAL, &err);
    tu_assert_code(lh_export(c, "../escaped", &ex, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, "export.directory ../escaped: it holds a \"..\" component");
    snprintf(path, sizeof path, "%s/../escaped", d.dir);
    assert_false(exists(path));
    tu_assert_code(lh_export(c, "/tmp/outside-export-dir", &ex, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, "/tmp/outside-export-dir: an absolute path outside the configured "
                            "directory (--export-dir");
    assert_false(exists("/tmp/outside-export-dir"));
    tu_assert_code(lh_export(c, d.dir, &ex, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, "the configured directory itself");
    expect_raw_refusal(&d, true, "a//b", LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                       "empty component");
    expect_raw_refusal(&d, true, "a/./b", LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                       "\".\" component");
    expect_raw_refusal(&d, true, "a/../../b", LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                       "\"..\" component");
    expect_raw_refusal(&d, true, "", LIUHEN__STATUS__STATUS_INVALID_ARGUMENT, "empty");
    expect_raw_refusal(&d, true, "\xff\xfe", LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                       "not valid UTF-8");
    expect_raw_refusal(&d, true, "/tmp/bad\ttab", LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                       "control character");
    snprintf(path, sizeof path, "%s/nul-NULHERE-dir", d.dir);
    expect_nul_refused(&d, true, path);
    snprintf(path, sizeof path, "%s/nul-", d.dir);
    assert_false(exists(path));

    /* An existing directory that is not empty: nothing is written into it. */
    snprintf(path, sizeof path, "%s/full", d.dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(file, sizeof file, "%s/full/notes.txt", d.dir);
    tu_create_file(file, "其他文件", 0644);
    tu_assert_code(lh_export(c, path, &ex, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, path);
    tu_assert_msg_has(&err, "not empty");
    tu_assert_msg_has(&err, "notes.txt");
    snprintf(file, sizeof file, "%s/full/checkpoint", d.dir);
    assert_false(exists(file));

    /* A long path: the message shows its end, and keeps room for the
     * cause. */
    char longdir[TD_PATH_MAX + 256];
    snprintf(longdir, sizeof longdir, "%s/%s", d.dir,
             "一个很长的目录名称用来检验错误信息在路径很长的时候仍然说明原因");
    assert_int_equal(mkdir(longdir, 0755), 0);
    size_t at = strlen(longdir);
    snprintf(longdir + at, sizeof longdir - at, "/%s", "导出-第二层-也很长-2026-11-28");
    assert_int_equal(mkdir(longdir, 0755), 0);
    at = strlen(longdir);
    snprintf(longdir + at, sizeof longdir - at, "/%s", "留痕.txt");
    tu_create_file(longdir, "x", 0644);
    longdir[at] = '\0';
    assert_true(strlen(longdir) > 96);
    tu_assert_code(lh_export(c, longdir, &ex, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, "...");
    tu_assert_msg_has(&err,
                      "导出-第二层-也很长-2026-11-28: exists and is not empty (it holds 留痕.txt)");
    assert_true(text_utf8_valid((const uint8_t *)err.msg, strlen(err.msg)));

    /* An existing file; a path under a file; a path under a missing
     * directory. */
    snprintf(file, sizeof file, "%s/afile", d.dir);
    tu_create_file(file, "x", 0644);
    tu_assert_code(lh_export(c, file, &ex, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, "not a directory");
    snprintf(path, sizeof path, "%s/afile/export", d.dir);
    tu_assert_code(lh_export(c, path, &ex, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, path);
    tu_assert_msg_has(&err, "ENOTDIR");
    snprintf(path, sizeof path, "%s/missing/export", d.dir);
    tu_assert_code(lh_export(c, path, &ex, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, "parent directory does not exist");
    snprintf(path, sizeof path, "%s/missing", d.dir);
    assert_false(exists(path));

    /* A symbolic link in the middle of the path, to a directory outside:
     * refused, nothing is made there. */
    char outside[TD_PATH_MAX + 64];
    snprintf(outside, sizeof outside, "%s/data/elsewhere", d.dir);
    assert_int_equal(mkdir(outside, 0700), 0);
    snprintf(file, sizeof file, "%s/middle", d.dir);
    assert_int_equal(symlink(outside, file), 0);
    tu_assert_code(lh_export(c, "middle/export", &ex, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, "symbolic link");
    tu_assert_msg_has(&err, "ELOOP");
    snprintf(outside + strlen(outside), 16, "/export");
    assert_false(exists(outside));

    /* A symbolic link to an empty directory: refused, the directory
     * stays empty. */
    snprintf(path, sizeof path, "%s/target", d.dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(file, sizeof file, "%s/link", d.dir);
    assert_int_equal(symlink(path, file), 0);
    tu_assert_code(lh_export(c, file, &ex, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, "symbolic link");
    snprintf(file, sizeof file, "%s/link/", d.dir);
    tu_assert_code(lh_export(c, file, &ex, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, "symbolic link");
    snprintf(path, sizeof path, "%s/target/checkpoint", d.dir);
    assert_false(exists(path));

    /* A directory the daemon's user may not write into. */
    if (readonly_target(&d, file, sizeof file, "export")) {
        tu_assert_code(lh_export(c, file, &ex, &err), LH_EINVAL, &err);
        assert_cannot_write(&err);
    }

    close_after_refusals(c, &d);
}

/* ---- backup --------------------------------------------------------------- */

static void copy_file(const char *from, const char *to, mode_t mode)
{
    size_t len;
    uint8_t *data = tu_read_file(from, &len);
    assert_non_null(data);
    int fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    assert_int_equal(fsync(fd), 0);
    close(fd);
    free(data);
}

static void test_backup_restores(void **state)
{
    (void)state;
    td_daemon d;
    keyfile_key *handler;
    lh_conn *c = start_with_entries(&d, 20, &handler);

    char copy[TD_PATH_MAX + 16];
    snprintf(copy, sizeof copy, "%s/liuhen-backup.mdb", d.dir);
    lh_backup_result bk;
    lh_err err = {{0}};
    tu_assert_code(lh_backup(c, copy, &bk, &err), 0, &err);
    assert_int_equal(bk.tree_size, 22);
    assert_int_equal(bk.checkpoint.size, bk.tree_size);
    struct stat st;
    assert_int_equal(lstat(copy, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal((uint64_t)st.st_size, bk.bytes);

    lh_entries before = {0};
    all_entries(c, bk.tree_size, &before);
    /* The log goes on after the backup; its later tree extends the
     * backup's (the library verifies the proof against both checkpoints). */
    append_many(c, handler, 20, 5);
    lh_consistency proof = {0};
    tu_assert_code(lh_consistency_proof(c, bk.tree_size, 0, &proof, &err), 0, &err);
    assert_int_equal(proof.second, bk.tree_size + 5);
    assert_memory_equal(proof.first_root, bk.checkpoint.root, 32);
    lh_consistency_free(&proof);
    lh_close(c);
    assert_int_equal(WEXITSTATUS(td_stop(&d, SIGTERM)), 0);

    /* A new data directory made of the backup and the log's key files, as
     * an operator restoring it would. */
    td_daemon r = d;
    r.admin = NULL;
    r.pid = 0;
    snprintf(r.data, sizeof r.data, "%s/restored", d.dir);
    snprintf(r.publish, sizeof r.publish, "%s/publish-restored", d.dir);
    snprintf(r.socket, sizeof r.socket, "%s/restored/liuhen.sock", d.dir);
    snprintf(r.log, sizeof r.log, "%s/liuhend-restored.log", d.dir);
    assert_int_equal(mkdir(r.data, 0700), 0);
    char from[TD_PATH_MAX + 16], to[TD_PATH_MAX + 16];
    snprintf(to, sizeof to, "%s/data.mdb", r.data);
    copy_file(copy, to, 0600);
    snprintf(from, sizeof from, "%s/log.key", d.data);
    snprintf(to, sizeof to, "%s/log.key", r.data);
    copy_file(from, to, 0600);
    snprintf(from, sizeof from, "%s/log.vkey", d.data);
    snprintf(to, sizeof to, "%s/log.vkey", r.data);
    copy_file(from, to, 0644);
    td_start(&r, NULL);

    /* A client that saw the later tree catches the restored log as the
     * rollback it is. */
    c = tl_connect(&r, d.state);
    lh_checkpoint cp = {0};
    tu_assert_code(lh_get_checkpoint(c, &cp, &err), LH_EFORK, &err);
    lh_close(c);

    /* A fresh client: the restored log's latest checkpoint is the
     * backup's, and every entry up to it is there, byte for byte. */
    c = tl_connect(&r, NULL);
    tu_assert_code(lh_get_checkpoint(c, &cp, &err), 0, &err);
    assert_int_equal(cp.note_len, bk.checkpoint.note_len);
    assert_memory_equal(cp.note, bk.checkpoint.note, cp.note_len);
    lh_checkpoint_free(&cp);
    lh_entries after = {0};
    all_entries(c, bk.tree_size, &after);
    for (size_t i = 0; i < after.count; i++) {
        assert_int_equal(after.items[i].leaf_len, before.items[i].leaf_len);
        assert_memory_equal(after.items[i].leaf, before.items[i].leaf, after.items[i].leaf_len);
    }
    /* It is a working store: it takes appends, with the chain heads it
     * holds, and backs itself up again. */
    lh_receipt rc = {0};
    tu_assert_code(
        tl_append_json(c, handler,
                       "{\"case_id\":\"E-0\",\"kind\":\"KIND_INTERFERENCE\",\"interference\":"
                       "{\"content\":\"恢复之后\"}}",
                       &rc, &err),
        0, &err);
    assert_int_equal(rc.leaf_index, bk.tree_size);
    lh_receipt_free(&rc);
    snprintf(copy, sizeof copy, "%s/second-backup.mdb", d.dir);
    lh_backup_result bk2;
    tu_assert_code(lh_backup(c, copy, &bk2, &err), 0, &err);
    assert_int_equal(bk2.tree_size, bk.tree_size + 1);
    lh_backup_result_free(&bk2);
    lh_close(c);
    assert_int_equal(WEXITSTATUS(td_stop(&r, SIGTERM)), 0);

    lh_entries_free(&before);
    lh_entries_free(&after);
    lh_backup_result_free(&bk);
    lh_backup_result_free(&bk);
    lh_backup_result_free(NULL);
    keyfile_key_free(handler);
    td_cleanup(&d);
}

static void test_backup_refusals(void **state)
{
    (void)state;
    td_daemon d;
    lh_conn *c = tl_start(&d, NULL);
    lh_err err = {{0}};
    lh_backup_result bk;
    char path[TD_PATH_MAX + 32], file[TD_PATH_MAX + 32];

    /* A backup never replaces a file. */
    snprintf(file, sizeof file, "%s/precious", d.dir);
    tu_create_file(file, "不可覆盖", 0600);
    tu_assert_code(lh_backup(c, file, &bk, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, file);
    tu_assert_msg_has(&err, "exists");
    size_t len;
    uint8_t *data = tu_read_file(file, &len);
    assert_non_null(data);
    assert_int_equal(len, strlen("不可覆盖"));
    assert_memory_equal(data, "不可覆盖", len);
    free(data);
    /* Nor a directory, nor through a symbolic link, even a dangling one. */
    tu_assert_code(lh_backup(c, d.dir, &bk, &err), LH_EINVAL, &err);
    snprintf(path, sizeof path, "%s/dangling", d.dir);
    snprintf(file, sizeof file, "%s/not-there", d.dir);
    assert_int_equal(symlink(file, path), 0);
    tu_assert_code(lh_backup(c, path, &bk, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, "exists");
    assert_false(exists(file));

    /* Paths that leave --backup-dir, or pass through a symbolic link. */
    tu_assert_code(lh_backup(c, NULL, &bk, &err), LH_EINVAL, &err);
    tu_assert_code(lh_backup(c, "../escaped.mdb", &bk, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, "backup.path ../escaped.mdb: it holds a \"..\" component");
    tu_assert_code(lh_backup(c, "/tmp/outside-backup.mdb", &bk, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, "outside the configured directory (--backup-dir");
    assert_false(exists("/tmp/outside-backup.mdb"));
    char outside[TD_PATH_MAX + 64];
    snprintf(outside, sizeof outside, "%s/data/elsewhere", d.dir);
    assert_int_equal(mkdir(outside, 0700), 0);
    snprintf(file, sizeof file, "%s/middle", d.dir);
    assert_int_equal(symlink(outside, file), 0);
    tu_assert_code(lh_backup(c, "middle/b.mdb", &bk, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, "symbolic link");
    snprintf(outside + strlen(outside), 16, "/b.mdb");
    assert_false(exists(outside));
    tu_assert_code(lh_backup(c, ".liuhen-backup-abc123.tmp", &bk, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, "temporaries");
    expect_raw_refusal(&d, false, "", LIUHEN__STATUS__STATUS_INVALID_ARGUMENT, "empty");
    snprintf(path, sizeof path, "%s/b-NULHERE.mdb", d.dir);
    expect_nul_refused(&d, false, path);
    snprintf(path, sizeof path, "%s/b-", d.dir);
    assert_false(exists(path));

    /* Under a missing directory, under a file. */
    snprintf(path, sizeof path, "%s/missing/b.mdb", d.dir);
    tu_assert_code(lh_backup(c, path, &bk, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, "parent directory does not exist");
    tu_assert_msg_has(&err, "ENOENT");
    snprintf(path, sizeof path, "%s/precious/b.mdb", d.dir);
    tu_assert_code(lh_backup(c, path, &bk, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, "ENOTDIR");

    if (readonly_target(&d, file, sizeof file, "b.mdb")) {
        tu_assert_code(lh_backup(c, file, &bk, &err), LH_EINVAL, &err);
        assert_cannot_write(&err);
    }

    close_after_refusals(c, &d);
}

/* Backups, one after the other on their own connection, until told to
 * stop. Results are checked by the main thread (cmocka's assertions belong
 * to it). */
typedef struct backup_loop {
    const td_daemon *d;
    atomic_bool stop;
    int count;
    int failed_rc;
    lh_err err;
    uint64_t sizes[256];
    uint64_t bytes[256];
} backup_loop;

static void *backup_thread(void *arg)
{
    backup_loop *b = arg;
    lh_options opts = {.socket_path = b->d->socket, .log_vkey = b->d->vkey, .timeout_ms = 20000};
    lh_conn *c = NULL;
    if ((b->failed_rc = lh_connect(&opts, &c, &b->err)) != 0)
        return NULL;
    while (b->count < 256 && (b->count < 2 || !atomic_load(&b->stop))) {
        char path[TD_PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/loop-%d.mdb", b->d->dir, b->count);
        lh_backup_result r;
        if ((b->failed_rc = lh_backup(c, path, &r, &b->err)) != 0)
            break;
        b->sizes[b->count] = r.tree_size;
        b->bytes[b->count] = r.bytes;
        b->count++;
        lh_backup_result_free(&r);
    }
    lh_close(c);
    return NULL;
}

static void test_backup_while_appending(void **state)
{
    (void)state;
    td_daemon d;
    lh_conn *c = tl_start(&d, NULL);
    keyfile_key *handler = enroll_handler(c, &d);

    backup_loop b = {.d = &d};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, backup_thread, &b), 0);
    /* Every append succeeds while backups run back to back. */
    append_many(c, handler, 0, 60);
    atomic_store(&b.stop, true);
    pthread_join(t, NULL);
    tu_assert_code(b.failed_rc, 0, &b.err);
    assert_true(b.count >= 2);
    for (int i = 0; i < b.count; i++) {
        if (i > 0)
            assert_true(b.sizes[i] >= b.sizes[i - 1]);
        assert_true(b.sizes[i] >= 2 && b.sizes[i] <= 62);
        char path[TD_PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/loop-%d.mdb", d.dir, i);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal((uint64_t)st.st_size, b.bytes[i]);
    }

    /* One connection, three requests in one write: the backup and an
     * export are answered, and so is the status between them, each with
     * its id. */
    char bpath[TD_PATH_MAX + 32], edir[TD_PATH_MAX + 32];
    snprintf(bpath, sizeof bpath, "%s/pipelined.mdb", d.dir);
    snprintf(edir, sizeof edir, "%s/pipelined-export", d.dir);
    uint8_t *buf = NULL;
    size_t len = 0;
    put_backup(&buf, &len, 7, bpath);
    Liuhen__StatusRequest sq = LIUHEN__STATUS_REQUEST__INIT;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.id = 8;
    req.call_case = LIUHEN__REQUEST__CALL_SERVER_STATUS;
    req.server_status = &sq;
    tl_put_request(&buf, &len, &req);
    put_export(&buf, &len, 9, edir);
    int fd = tl_raw_connect(&d);
    tl_raw_write(fd, buf, len);
    free(buf);
    bool seen[3] = {false, false, false};
    for (int i = 0; i < 3; i++) {
        Liuhen__Response *resp = tl_raw_response(fd);
        assert_non_null(resp);
        assert_true(resp->id >= 7 && resp->id <= 9);
        assert_false(seen[resp->id - 7]);
        seen[resp->id - 7] = true;
        if (resp->status != LIUHEN__STATUS__STATUS_OK)
            fail_msg("request %d: %d: %s", (int)resp->id, resp->status, resp->message);
        if (resp->id == 7) {
            assert_int_equal(resp->result_case, LIUHEN__RESPONSE__RESULT_BACKUP);
            assert_int_equal(resp->backup->tree_size, 62);
        } else if (resp->id == 8) {
            assert_int_equal(resp->result_case, LIUHEN__RESPONSE__RESULT_SERVER_STATUS);
        } else {
            assert_int_equal(resp->result_case, LIUHEN__RESPONSE__RESULT_EXPORT);
            assert_int_equal(resp->export->tree_size, 62);
        }
        liuhen__response__free_unpacked(resp, NULL);
    }
    close(fd);

    keyfile_key_free(handler);
    tl_stop(&d, c);
}

/* A client that asks for backups and goes away at once: those not begun
 * are dropped, the one running finishes (its file is whole), and the
 * daemon goes on serving. */
static void test_client_gone(void **state)
{
    (void)state;
    td_daemon d;
    td_init_start(&d, NULL);
    char paths[4][TD_PATH_MAX + 32];
    uint8_t *buf = NULL;
    size_t len = 0;
    for (int i = 0; i < 4; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/gone-%d.mdb", d.dir, i);
        put_backup(&buf, &len, (uint64_t)i + 1, paths[i]);
    }
    int fd = tl_raw_connect(&d);
    tl_raw_write(fd, buf, len);
    free(buf);
    close(fd);

    /* A backup from another client waits for whatever still runs, so when
     * it is answered the others are over. */
    lh_conn *c = tl_connect(&d, NULL);
    char last[TD_PATH_MAX + 32];
    snprintf(last, sizeof last, "%s/after.mdb", d.dir);
    lh_backup_result bk;
    lh_err err = {{0}};
    tu_assert_code(lh_backup(c, last, &bk, &err), 0, &err);
    lh_backup_result_free(&bk);
    for (int i = 0; i < 4; i++) {
        struct stat st;
        if (lstat(paths[i], &st) != 0)
            continue;
        assert_true(S_ISREG(st.st_mode) && st.st_size > 0);
        assert_int_equal(st.st_mode & 07777, 0600);
    }
    tl_stop(&d, c);
}

/* SIGTERM with slow calls in flight: each is answered, OK when it was
 * carried out (and then it is complete on disk) or UNAVAILABLE when it
 * was not begun (and then nothing is on disk), and the daemon exits 0. */
#define STOP_CALLS 16
#define STOP_MARK  99

static void test_shutdown_with_slow_calls(void **state)
{
    (void)state;
    td_daemon d;
    lh_conn *c = tl_start(&d, NULL);
    keyfile_key *handler = enroll_handler(c, &d);
    append_many(c, handler, 0, 10);
    lh_close(c);

    /* Backups with an export among them, then a status request: the daemon
     * answers the status at once, which shows that it has read (and
     * queued) every call before it. They run one at a time, so when the
     * signal comes most are still waiting. */
    char paths[STOP_CALLS][TD_PATH_MAX + 48];
    uint8_t *buf = NULL;
    size_t len = 0;
    for (int i = 0; i < STOP_CALLS; i++) {
        if (i == 1) {
            snprintf(paths[i], sizeof paths[i], "%s/stop-export", d.dir);
            put_export(&buf, &len, (uint64_t)i + 1, paths[i]);
        } else {
            snprintf(paths[i], sizeof paths[i], "%s/stop-%d.mdb", d.dir, i);
            put_backup(&buf, &len, (uint64_t)i + 1, paths[i]);
        }
    }
    Liuhen__StatusRequest sq = LIUHEN__STATUS_REQUEST__INIT;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.id = STOP_MARK;
    req.call_case = LIUHEN__REQUEST__CALL_SERVER_STATUS;
    req.server_status = &sq;
    tl_put_request(&buf, &len, &req);
    int fd = tl_raw_connect(&d);
    tl_raw_write(fd, buf, len);
    free(buf);

    Liuhen__Response *resps[STOP_CALLS] = {NULL};
    bool signalled = false;
    int answered = 0, unavailable = 0;
    while (answered < STOP_CALLS) {
        Liuhen__Response *resp = tl_raw_response(fd);
        assert_non_null(resp);
        if (resp->id == STOP_MARK) {
            assert_false(signalled);
            assert_int_equal(resp->status, LIUHEN__STATUS__STATUS_OK);
            liuhen__response__free_unpacked(resp, NULL);
            assert_int_equal(kill(d.pid, SIGTERM), 0);
            signalled = true;
            continue;
        }
        assert_true(resp->id >= 1 && resp->id <= STOP_CALLS);
        assert_null(resps[resp->id - 1]);
        resps[resp->id - 1] = resp;
        answered++;
    }
    assert_true(signalled);
    /* Nothing more comes: the connection closes once all is answered. */
    uint8_t b;
    assert_int_equal(tl_raw_read(fd, &b, 1, 20000), 0);
    close(fd);
    assert_int_equal(WEXITSTATUS(td_stop(&d, SIGTERM)), 0);

    for (int i = 0; i < STOP_CALLS; i++) {
        Liuhen__Response *resp = resps[i];
        /* An export is complete when its checkpoint is there. */
        char export_cp[sizeof paths[0] + 16];
        snprintf(export_cp, sizeof export_cp, "%s/checkpoint", paths[1]);
        const char *path = i == 1 ? export_cp : paths[i];
        if (resp->status == LIUHEN__STATUS__STATUS_OK) {
            struct stat st;
            assert_int_equal(stat(path, &st), 0);
            if (i != 1)
                assert_int_equal((uint64_t)st.st_size, resp->backup->bytes);
        } else {
            if (resp->status != LIUHEN__STATUS__STATUS_UNAVAILABLE)
                fail_msg("request %d: %d: %s", i + 1, resp->status, resp->message);
            assert_non_null(strstr(resp->message, "stopping"));
            assert_false(exists(paths[i]));
            unavailable++;
        }
        liuhen__response__free_unpacked(resp, NULL);
    }
    /* Each call takes milliseconds, the signal microseconds: the waiting
     * ones were refused rather than carried out. */
    assert_true(unavailable > 0);
    keyfile_key_free(handler);
    td_cleanup(&d);
}

/* ---- confinement ---------------------------------------------------------- */

/* Whether the file at path mentions part (the daemon's log). */
static bool file_mentions(const char *path, const char *part)
{
    size_t len;
    uint8_t *data = tu_read_file(path, &len);
    bool found = data != NULL && strstr((const char *)data, part) != NULL;
    free(data);
    return found;
}

/* A daemon started without --export-dir and --backup-dir refuses both
 * calls, naming the option, and writes nothing. */
static void test_copies_not_configured(void **state)
{
    (void)state;
    td_daemon d;
    td_init(&d);
    d.no_copies = true;
    td_start(&d, NULL);
    lh_conn *c = tl_connect(&d, d.state);
    lh_err err = {{0}};
    char path[TD_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/export", d.dir);
    lh_export_result ex;
    tu_assert_code(lh_export(c, path, &ex, &err), LH_EPERM, &err);
    tu_assert_msg_has(&err, "PERMISSION_DENIED");
    tu_assert_msg_has(&err, "this daemon takes no exports: its operator must start liuhend with "
                            "--export-dir DIR");
    assert_false(exists(path));
    snprintf(path, sizeof path, "%s/backup.mdb", d.dir);
    lh_backup_result bk;
    tu_assert_code(lh_backup(c, path, &bk, &err), LH_EPERM, &err);
    tu_assert_msg_has(&err, "this daemon takes no backups: its operator must start liuhend with "
                            "--backup-dir DIR");
    assert_false(exists(path));
    lh_close(c);
    td_stop_cleanup(&d);
}

/* An export is no more readable than --export-dir: in a 0750 directory,
 * files 0640 and directories 0750, whatever the umask. */
static void test_export_modes(void **state)
{
    (void)state;
    td_daemon d;
    lh_conn *c = tl_start(&d, NULL);
    assert_int_equal(chmod(d.dir, 0750), 0);
    lh_export_result ex;
    lh_err err = {{0}};
    tu_assert_code(lh_export(c, "narrow", &ex, &err), 0, &err);
    char dir[TD_PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/narrow", d.dir);
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0750);
    want_file_mode = 0640;
    want_dir_mode = 0750;
    nfiles = 0;
    assert_int_equal(nftw(dir, count_file, 16, FTW_PHYS), 0);
    assert_int_equal(nfiles, ex.files);
    /* In a 0700 directory, nothing for the group either. */
    assert_int_equal(chmod(d.dir, 0700), 0);
    lh_export_result_free(&ex);
    tu_assert_code(lh_export(c, "private", &ex, &err), 0, &err);
    snprintf(dir, sizeof dir, "%s/private", d.dir);
    want_file_mode = 0600;
    want_dir_mode = 0700;
    nfiles = 0;
    assert_int_equal(nftw(dir, count_file, 16, FTW_PHYS), 0);
    assert_int_equal(nfiles, ex.files);
    want_file_mode = 0644;
    want_dir_mode = 0755;
    lh_export_result_free(&ex);
    tl_stop(&d, c);
}

/* A backup named relative to --backup-dir lands there, mode 0600, and no
 * temporary is left beside it. */
static void test_backup_relative(void **state)
{
    (void)state;
    td_daemon d;
    lh_conn *c = tl_start(&d, NULL);
    char sub[TD_PATH_MAX + 16];
    snprintf(sub, sizeof sub, "%s/nightly", d.dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    td_give(sub);
    lh_backup_result bk;
    lh_err err = {{0}};
    tu_assert_code(lh_backup(c, "nightly/liuhen.mdb", &bk, &err), 0, &err);
    char path[TD_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/nightly/liuhen.mdb", d.dir);
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal((uint64_t)st.st_size, bk.bytes);
    uint64_t bytes = bk.bytes;
    lh_backup_result_free(&bk);
    /* Never over a file, and the refusal leaves it whole. */
    tu_assert_code(lh_backup(c, "nightly/liuhen.mdb", &bk, &err), LH_EINVAL, &err);
    tu_assert_msg_has(&err, "exists");
    assert_int_equal(lstat(path, &st), 0);
    assert_int_equal((uint64_t)st.st_size, bytes);
    /* No temporary is left in --backup-dir. */
    DIR *dd = opendir(d.dir);
    assert_non_null(dd);
    struct dirent *de;
    while ((de = readdir(dd)) != NULL)
        if (strncmp(de->d_name, ".liuhen-backup-", 15) == 0)
            fail_msg("a temporary is left: %s", de->d_name);
    closedir(dd);
    tl_stop(&d, c);
}

/* A daemon killed during a backup leaves its temporary, named like no
 * store; the next start removes it, and says so, and leaves other files
 * alone. */
/* Whether d->dir holds one of the daemon's backup temporaries. */
static bool has_temporary(const td_daemon *d)
{
    DIR *dd = opendir(d->dir);
    assert_non_null(dd);
    struct dirent *de;
    bool found = false;
    while ((de = readdir(dd)) != NULL)
        found = found || strncmp(de->d_name, ".liuhen-backup-", 15) == 0;
    closedir(dd);
    return found;
}

static void test_backup_stale_temporary(void **state)
{
    (void)state;
    td_daemon d;
    keyfile_key *handler;
    lh_conn *c = start_with_entries(&d, 300, &handler);
    keyfile_key_free(handler);
    lh_close(c);
    /* Killed while a backup may be running: either the backup was done
     * (the file is whole, under its name) or there is no file under that
     * name, only perhaps the temporary, which is never named like a store. */
    uint8_t *buf = NULL;
    size_t len = 0;
    char killed[TD_PATH_MAX + 32];
    snprintf(killed, sizeof killed, "%s/killed.mdb", d.dir);
    put_backup(&buf, &len, 9, "killed.mdb");
    int fd = tl_raw_connect(&d);
    tl_raw_write(fd, buf, len);
    free(buf);
    assert_int_equal(WTERMSIG(td_stop(&d, SIGKILL)), SIGKILL);
    close(fd);
    struct stat st;
    if (lstat(killed, &st) == 0)
        assert_true(S_ISREG(st.st_mode) && st.st_size > 0 && (st.st_mode & 07777) == 0600);
    td_start(&d, NULL);
    assert_false(has_temporary(&d));
    assert_int_equal(WEXITSTATUS(td_stop(&d, SIGTERM)), 0);
    char stale[TD_PATH_MAX + 64], other[TD_PATH_MAX + 64], mine[TD_PATH_MAX + 64];
    snprintf(stale, sizeof stale, "%s/.liuhen-backup-k1ll3d.tmp", d.dir);
    snprintf(other, sizeof other, "%s/.liuhen-backup-NOT-OURS.tmp", d.dir);
    snprintf(mine, sizeof mine, "%s/liuhen.mdb.tmp", d.dir);
    tu_create_file(stale, "a partial copy", 0600);
    tu_create_file(other, "someone else's", 0600);
    tu_create_file(mine, "an operator's", 0600);
    td_start(&d, NULL);
    assert_false(exists(stale));
    assert_true(exists(other));
    assert_true(exists(mine));
    assert_true(file_mentions(d.log, ".liuhen-backup-k1ll3d.tmp"));
    td_stop_cleanup(&d);
}

/* The peer of a child that became `nobody` (uid 65534 on Debian) sends a
 * raw export request; the status it got, or -1, and the message in msg. */
static int export_as_nobody(const char *socket_path, const char *dir, char *msg, size_t cap)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    put_export(&buf, &len, 5, dir);
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(pipefd[0]);
        if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
            _exit(101);
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        snprintf(sa.sun_path, sizeof sa.sun_path, "%s", socket_path);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
            _exit(102);
        if (write(fd, buf, len) != (ssize_t)len)
            _exit(103);
        uint8_t hdr[4];
        if (recv(fd, hdr, 4, MSG_WAITALL) != 4)
            _exit(104);
        uint32_t n =
            (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
        uint8_t *body = malloc(n);
        if (body == NULL || recv(fd, body, n, MSG_WAITALL) != (ssize_t)n)
            _exit(105);
        Liuhen__Response *r = liuhen__response__unpack(NULL, n, body);
        if (r == NULL)
            _exit(106);
        if (write(pipefd[1], r->message, strlen(r->message)) < 0)
            _exit(107);
        _exit((int)r->status);
    }
    free(buf);
    close(pipefd[1]);
    ssize_t got = read(pipefd[0], msg, cap - 1);
    msg[got > 0 ? got : 0] = '\0';
    close(pipefd[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Only socket admins may export: a user the socket's group lets in is
 * refused, naming --admin-group, until that group is given. Needs root
 * (to become nobody); skipped otherwise. */
static void test_export_admins_only(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    td_daemon d;
    td_init(&d);
    /* A socket nobody can reach: in a directory others may search, made
     * mode 0666 once the daemon listens (as a group of users would be let
     * in by --group). */
    td_socket_for_others(&d, "public.sock");
    const char *sock = d.socket;
    const char *const args[] = {"--socket", sock, NULL};
    td_start(&d, args);
    assert_int_equal(chmod(sock, 0666), 0);
    char msg[512];
    int st = export_as_nobody(sock, "by-nobody", msg, sizeof msg);
    if (st != LIUHEN__STATUS__STATUS_PERMISSION_DENIED)
        fail_msg("nobody's export: status %d \"%s\"", st, msg);
    assert_non_null(strstr(msg, "only socket admins may export or back up: uid 65534"));
    assert_non_null(strstr(msg, "--admin-group"));
    char path[TD_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/by-nobody", d.dir);
    assert_false(exists(path));
    assert_int_equal(WEXITSTATUS(td_stop(&d, SIGTERM)), 0);

    /* With --admin-group nogroup, nobody's group, the same request is
     * carried out. */
    const char *const admin_args[] = {"--socket", sock, "--admin-group", "nogroup", NULL};
    assert_int_equal(chmod(d.dir, 0711), 0);
    td_start(&d, admin_args);
    assert_int_equal(chmod(sock, 0666), 0);
    st = export_as_nobody(sock, "by-nobody", msg, sizeof msg);
    if (st != LIUHEN__STATUS__STATUS_OK)
        fail_msg("nobody's export as an admin: status %d \"%s\"", st, msg);
    snprintf(path, sizeof path, "%s/by-nobody/checkpoint", d.dir);
    assert_true(exists(path));
    td_stop_cleanup(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export_verifies),
        cmocka_unit_test(test_export_refusals),
        cmocka_unit_test(test_backup_restores),
        cmocka_unit_test(test_backup_refusals),
        cmocka_unit_test(test_copies_not_configured),
        cmocka_unit_test(test_export_modes),
        cmocka_unit_test(test_backup_relative),
        cmocka_unit_test(test_backup_stale_temporary),
        cmocka_unit_test(test_export_admins_only),
        cmocka_unit_test(test_backup_while_appending),
        cmocka_unit_test(test_client_gone),
        cmocka_unit_test(test_shutdown_with_slow_calls),
    };
    return cmocka_run_group_tests_name("export", tests, NULL, NULL);
}
