/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * recovercmd.h — `liuhend recover`: bring a store put back from an old
 * backup up to the log's publication or export (recover.h), with liuhend
 * stopped.
 *
 *   liuhend recover --data DIR --from TILES_DIR [--log-key FILE]
 *                   [--user USER] [--log-level LEVEL]
 *
 * It takes the data directory's lock (datadir_lock(): a running liuhend
 * holds it), and started as root it becomes --user first, as liuhend does,
 * so that what it writes keeps the daemon's owner. Exit status: 0 the
 * store holds the publication's tree (entries added, or nothing to do);
 * 1 the publication is refused (it does not verify, is another log's, or
 * forks from the store or the high-water mark), the store untouched by the
 * refused transaction; 2 a usage error, or a store or lock that cannot be
 * had; 3 entries added, but the high-water mark is still ahead: a newer
 * publication is needed before liuhend starts.
 */
#ifndef LIUHEN_RECOVERCMD_H
#define LIUHEN_RECOVERCMD_H

/** The command's main, given its arguments (argv[0] is "recover"). */
int recovercmd_main(int argc, char **argv);

#endif
