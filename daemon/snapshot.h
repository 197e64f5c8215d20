/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * snapshot.h — the calls of liuhend's wire protocol that write files:
 * Export (a C2SP tiles directory of the latest checkpoint) and Backup (a
 * compacted copy of the store). They may take minutes, so the server runs
 * them on a worker thread (protocol_call_is_slow()), one at a time.
 *
 * They write files as the daemon's user, so they are confined: only socket
 * admins may ask (peer.h), and only beneath the directories the operator
 * configured (liuhend --export-dir, --backup-dir; without one, that call
 * is refused). A client names a path inside the directory (relative to
 * it, or absolute beneath it), which is looked up from the directory's
 * descriptor, never through a symbolic link (beneath.h). Nothing is ever
 * written over: an export goes into a new or an empty directory, a backup
 * into a new file.
 */
#ifndef LIUHEN_SNAPSHOT_H
#define LIUHEN_SNAPSHOT_H

#include <stdint.h>

#include "liuhen.pb-c.h"
#include "peer.h"
#include "protocol.h"
#include "publish.h"
#include "store.h"

/** Where slow calls may write, and who may ask for them. */
typedef struct snapshot_config {
    int export_fd;           /**< --export-dir, open; -1: every Export is refused */
    const char *export_path; /**< its canonical absolute path (beneath_dir_open()) */
    int backup_fd;           /**< --backup-dir, open; -1: every Backup is refused */
    const char *backup_path; /**< its canonical absolute path */
    peer_admins admins;      /**< who may ask */
} snapshot_config;

/**
 * Carry out a slow call and append its response frame to out. It blocks
 * for as long as the work takes: call it from a worker thread, never from
 * the event loop, and with no read transaction of the store open on the
 * calling thread.
 *
 * The caller must be a socket admin (peer_is_admin()), else
 * PERMISSION_DENIED ("only socket admins may export or back up"). A call
 * whose directory is not configured is refused PERMISSION_DENIED, naming
 * the option. The path the request names is resolved beneath the
 * configured directory (beneath_relative()): "..", "." and empty
 * components, an absolute path outside it, the directory itself, a path
 * that is not UTF-8, holds a control character or is too long are refused
 * INVALID_ARGUMENT, naming the field, the path and the fault.
 *
 * Export (ExportRequest.directory): the directory named must not exist
 * (its parent must) or be empty; it is created, and opened, without
 * following a symbolic link. The C2SP tiles directory of the latest
 * checkpoint is written into it with publish_write_at() (tiles and entry
 * bundles, then the checkpoint, last), every directory under it opened
 * from its descriptor, so that a directory swapped for a symbolic link
 * while the export runs makes it fail rather than write elsewhere. Modes:
 * 0644 files and 0755 directories narrowed to the permission bits of
 * --export-dir itself (0640 and 0750 in a 0750 directory), whatever the
 * umask. The answer holds that checkpoint, its tree size and the number
 * of files written. A failed export leaves the directory without a
 * checkpoint.
 *
 * Backup (BackupRequest.path): the file named must not exist. The copy
 * (store_backup_fd(): a compacted LMDB copy: put it back as data.mdb
 * beside the log's key files to restore it) is written to a temporary
 * ".liuhen-backup-XXXXXX.tmp" in --backup-dir (O_EXCL, O_NOFOLLOW, mode
 * 0600, locked while open), fsync'd, renamed to the name asked for with
 * renameat2(RENAME_NOREPLACE) (never over a file), and the directories
 * are fsync'd. On any failure the temporary is removed; one left by a
 * killed daemon is removed by snapshot_clean_backups() at the next start.
 * The answer holds the tree size and the latest checkpoint read just
 * before the copy began (the copy holds at least that tree) and the size
 * of the copy in bytes.
 *
 * File errors name the field, the path and the cause: INVALID_ARGUMENT for
 * a path that exists (a backup), is a non-empty directory or not a
 * directory (an export), lies under a missing directory or a file, passes
 * through a symbolic link, is on a read-only file system, or that the
 * daemon's user may not write ("the daemon's user cannot write it
 * (EACCES)"); UNAVAILABLE when the target file system is full (ENOSPC,
 * EDQUOT) or fails (EIO); NOT_FOUND when the log has no checkpoint yet;
 * INTERNAL for a store error, which is also logged as an error. Successes
 * are logged (info) with the path, the size and the time taken.
 * @param[in]  st         the log's store.
 * @param[in]  cfg        the directories and the admins; borrowed.
 * @param[in]  peer       the caller, or NULL when unknown (never an admin).
 * @param[in]  max_frame  the frame limit of the answer.
 * @param[in]  req        a request from protocol_parse_request() whose call
 *                        is Export or Backup (protocol_call_is_slow()).
 * @param[out] out        receives one frame.
 * @param[out] status     optional: the status answered.
 * @return 0; LH_ENOMEM when not even an error response could be appended;
 *         LH_EINVAL for a request that is not a slow call or no cfg (a
 *         caller's bug).
 */
int snapshot_answer(store *st, const snapshot_config *cfg, const peer_cred *peer,
                    uint32_t max_frame, const Liuhen__Request *req, protocol_buf *out,
                    Liuhen__Status *status);

/**
 * Remove the temporaries that backups cut short by a killed daemon left
 * in the backup directory (".liuhen-backup-XXXXXX.tmp", regular files not
 * locked by a running backup), logging each. Call it at start.
 * @param[in] dir    the backup directory's descriptor.
 * @param[in] shown  its path, for the log.
 * @return the number removed, or -errno when the directory cannot be read.
 */
int snapshot_clean_backups(int dir, const char *shown);

#endif
