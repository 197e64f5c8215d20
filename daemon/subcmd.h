/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * subcmd.h — the command line of liuhend's offline subcommands (`liuhend
 * check`, `liuhend recover`): each takes --data DIR (required), --log-key
 * FILE, --log-level LEVEL and --help, plus string options of its own, and
 * answers a usage error the same way ("liuhend NAME: what", then where
 * its options are, exit 2).
 */
#ifndef LIUHEN_SUBCMD_H
#define LIUHEN_SUBCMD_H

#include <stddef.h>
#include <stdio.h>

/** Exit status of a usage error. */
#define SUBCMD_EXIT_USAGE 2

/** One string option of a subcommand's own: --name VALUE sets *value. */
typedef struct subcmd_opt {
    const char *name;
    const char **value;
} subcmd_opt;

/** What every subcommand is given. */
typedef struct subcmd_args {
    const char *data;    /**< --data DIR */
    const char *log_key; /**< --log-key FILE, or NULL: DIR/log.vkey */
} subcmd_args;

/**
 * Parse argv (argv[0] is the subcommand's name) and start libsodium.
 * --log-level is applied at once.
 * @param[in]  name   the subcommand, as messages name it ("check").
 * @param[in]  usage  prints the subcommand's help.
 * @param[in]  own    its own options (at most 8), each taking a value.
 * @return -1 to go on; else the exit status to return now: 0 after --help,
 *         SUBCMD_EXIT_USAGE after a usage error (printed on standard error)
 *         or when libsodium cannot start (logged).
 */
int subcmd_parse(int argc, char **argv, const char *name, void (*usage)(FILE *),
                 const subcmd_opt *own, size_t nown, subcmd_args *out);

/**
 * A usage error: "liuhend NAME: what" (when what is not NULL) and where the
 * options are, on standard error. @return SUBCMD_EXIT_USAGE.
 */
int subcmd_usage_error(const char *name, const char *what);

#endif
