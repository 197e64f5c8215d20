/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * subcmd.c — liuhend's subcommands' command line (subcmd.h).
 */
#include "subcmd.h"

#include <getopt.h>
#include <sodium.h>
#include <string.h>

#include "i18n.h"
#include "log.h"

#define OWN_MAX 8

int subcmd_usage_error(const char *name, const char *what)
{
    if (what != NULL)
        fprintf(stderr, "liuhend %s: %s\n", name, what);
    fprintf(stderr, _("Run `liuhend %s --help` for the options.\n"), name);
    return SUBCMD_EXIT_USAGE;
}

int subcmd_parse(int argc, char **argv, const char *name, void (*usage)(FILE *),
                 const subcmd_opt *own, size_t nown, subcmd_args *out)
{
    enum { O_DATA = 1, O_LOGKEY, O_LOGLEVEL, O_HELP, O_OWN };
    struct option opts[4 + OWN_MAX + 1] = {
        {"data", required_argument, NULL, O_DATA},
        {"log-key", required_argument, NULL, O_LOGKEY},
        {"log-level", required_argument, NULL, O_LOGLEVEL},
        {"help", no_argument, NULL, O_HELP},
    };
    if (nown > OWN_MAX)
        nown = OWN_MAX;
    for (size_t i = 0; i < nown; i++)
        opts[4 + i] = (struct option){own[i].name, required_argument, NULL, O_OWN + (int)i};
    memset(out, 0, sizeof *out);
    enum log_level level;
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case O_DATA: out->data = optarg; break;
        case O_LOGKEY: out->log_key = optarg; break;
        case O_LOGLEVEL:
            if (log_level_parse(optarg, &level) != 0)
                return subcmd_usage_error(name, _("--log-level: want error, warn, info or debug"));
            log_set_level(level);
            break;
        case O_HELP: usage(stdout); return 0;
        default:
            if (ch < O_OWN || ch >= O_OWN + (int)nown)
                return subcmd_usage_error(name, NULL);
            *own[ch - O_OWN].value = optarg;
            break;
        }
    }
    if (optind < argc)
        return subcmd_usage_error(name, _("unexpected argument"));
    if (out->data == NULL)
        return subcmd_usage_error(name, _("--data DIR is required"));
    if (sodium_init() < 0) {
        log_error(_("libsodium cannot be initialised"));
        return SUBCMD_EXIT_USAGE;
    }
    return -1;
}
