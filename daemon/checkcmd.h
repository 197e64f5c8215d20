/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * checkcmd.h — `liuhend check`: the scrub of scrub.h over a data
 * directory's store, opened read-only, so that it runs with the daemon
 * stopped or beside it.
 *
 *   liuhend check --data DIR [--log-key FILE] [--log-level LEVEL]
 *
 * The store is also checked against the data directory's high-water mark
 * (highwater.h), as the daemon does at start. Each finding is printed on a
 * line of its own, then a summary. Exit
 * status: 0 the store is sound, 1 it is damaged, 2 a usage error or a store
 * that cannot be read.
 */
#ifndef LIUHEN_CHECKCMD_H
#define LIUHEN_CHECKCMD_H

/** The command's main, given its arguments (argv[0] is "check"). */
int checkcmd_main(int argc, char **argv);

#endif
