/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * datadir.h — the daemon's data directory: its files, the checks that it
 * is private, the lock that keeps a second daemon out, and the preparation
 * and undoing of `liuhend init`.
 *
 * The directory holds log.key (the log's secret key), log.vkey (its
 * verifier key), data.mdb and lock.mdb (the LMDB store), liuhend.lock and,
 * by default, the socket liuhen.sock. Failures are logged (log.h) with the
 * object and the cause; the functions return -1 then.
 */
#ifndef LIUHEN_DATADIR_H
#define LIUHEN_DATADIR_H

#include <stdbool.h>

#include "note.h"

/** @name File names inside the data directory */
/**@{*/
#define DATADIR_KEY         "log.key"
#define DATADIR_VKEY        "log.vkey"
#define DATADIR_DATA        "data.mdb"
#define DATADIR_LOCK        "lock.mdb"
#define DATADIR_SOCKET      "liuhen.sock"
#define DATADIR_DAEMON_LOCK "liuhend.lock"
#define DATADIR_HIGHWATER   "highwater" /* the high-water mark, highwater.h */
/**@}*/

/** dir/name, malloc'd; exits the process when memory runs out. */
char *datadir_path(const char *dir, const char *name);

/**
 * Refuse a data directory (dir) or log key that the daemon's user does not
 * own, or that group or others may access: the daemon does not start with
 * a secret others can read.
 * @return 0, or -1 (logged).
 */
int datadir_check_private(const char *path, bool dir, const char *what);

/**
 * Take the data directory's lock (flock on liuhend.lock, holding the pid)
 * for as long as the process lives: one daemon per store.
 * @return the lock's descriptor, or -1 (logged, naming the holder's pid
 *         when another daemon has it).
 */
int datadir_lock(const char *dir);

/**
 * Read the log's verifier key: the file `path` when given (--log-key: the
 * copy the operator published), else DIR/log.vkey; one line,
 * name+keyid+base64, of type 0x01.
 * @return 0, or -1 (logged, naming the file and the cause).
 */
int datadir_read_vkey(const char *dir, const char *path, note_verifier *out);

/** Whether anything (a link included) is at path. */
bool datadir_exists(const char *path);

/**
 * The directory `liuhend init` may use: absent (created, mode 0700) or an
 * empty directory of mode 0700 owned by the daemon's user. One that holds
 * a log is never touched.
 * @param[out] created  whether this call created it.
 * @return 0, or -1 (logged).
 */
int datadir_prepare_init(const char *dir, bool *created);

/**
 * Undo a failed init so that it can simply be run again: remove the files
 * it wrote and, if init created the directory, the directory.
 */
void datadir_init_cleanup(const char *dir, bool created);

#endif
