/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * snapshot.h — the calls of liuhend's wire protocol that write files:
 * Export (a C2SP tiles directory of the latest checkpoint) and Backup (a
 * compacted copy of the store). They may take minutes, so the server runs
 * them on a worker thread (protocol_call_is_slow()), one at a time. They
 * write files as the daemon's user, wherever the request says (an absolute
 * path), but never over anything: an export goes into a new or an empty
 * directory, a backup into a new file.
 */
#ifndef LIUHEN_SNAPSHOT_H
#define LIUHEN_SNAPSHOT_H

#include <stdint.h>

#include "liuhen.pb-c.h"
#include "protocol.h"
#include "store.h"

/**
 * Carry out a slow call and append its response frame to out. It blocks
 * for as long as the work takes: call it from a worker thread, never from
 * the event loop, and with no read transaction of the store open on the
 * calling thread.
 *
 * Export (ExportRequest.directory): the directory must be an absolute path
 * that does not exist (its parent must; it is created with mode 0755) or an
 * empty directory, not a symbolic link; trailing slashes are ignored. The
 * C2SP tiles directory of the latest checkpoint is written into it with
 * publish_write() (tiles and entry bundles, then the checkpoint, last).
 * The answer holds that checkpoint, its tree size and the number of files
 * written. A failed export leaves the directory without a checkpoint.
 *
 * Backup (BackupRequest.path): the path must be absolute and must not
 * exist; the file is created with O_EXCL and O_NOFOLLOW, mode 0600, filled
 * with store_backup_fd() (a compacted LMDB copy: put it back as data.mdb
 * beside the log's key files to restore it), then the file and its
 * directory are fsync'd. The answer holds the tree size and the latest
 * checkpoint read just before the copy began (the copy holds at least
 * that tree) and the size of the copy in bytes. A failed backup removes
 * the partial file.
 *
 * Refusals name the field, the path and the cause: INVALID_ARGUMENT for a
 * path that is empty, relative, not UTF-8, holds a control character, is
 * too long, exists (a backup), is a non-empty directory or not a
 * directory (an export), lies under a missing directory or a file, is a
 * symbolic link, is on a read-only file system, or that the daemon's user
 * may not write ("the daemon's user cannot write it (EACCES)");
 * UNAVAILABLE when the target file system is full (ENOSPC, EDQUOT) or
 * fails (EIO); NOT_FOUND when the log has no checkpoint yet; INTERNAL for
 * a store error, which is also logged as an error. Successes are logged
 * (info) with the path, the size and the time taken.
 * @param[in]  st         the log's store.
 * @param[in]  max_frame  the frame limit of the answer.
 * @param[in]  req        a request from protocol_parse_request() whose call
 *                        is Export or Backup (protocol_call_is_slow()).
 * @param[out] out        receives one frame.
 * @param[out] status     optional: the status answered.
 * @return 0; LH_ENOMEM when not even an error response could be appended;
 *         LH_EINVAL for a request that is not a slow call (a caller's bug).
 */
int snapshot_answer(store *st, uint32_t max_frame, const Liuhen__Request *req, protocol_buf *out,
                    Liuhen__Status *status);

#endif
