/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * recovercmd.c — `liuhend recover` (recovercmd.h).
 */
#include "recovercmd.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datadir.h"
#include "i18n.h"
#include "log.h"
#include "note.h"
#include "privileges.h"
#include "recover.h"
#include "store.h"
#include "subcmd.h"
#include "text.h"

#define EXIT_REFUSED 1
#define EXIT_USAGE   SUBCMD_EXIT_USAGE
#define EXIT_BEHIND  3

static void usage(FILE *f)
{
    fputs(_("Usage: liuhend recover --data DIR --from TILES_DIR [--log-key FILE] [--user USER]\n"
            "                       [--log-level LEVEL]\n"),
          f);
    fputs("\n", f);
    fputs(_("Bring the store in DIR, put back from a backup, up to the log's publication\n"
            "(liuhend --publish DIR) or export (liuhen export) in TILES_DIR: its checkpoint,\n"
            "every tile and every entry are verified with the log's key, the store's tree\n"
            "must be the publication's up to the store's size, then the missing entries are\n"
            "appended exactly as the log integrated them, through the rules of an append,\n"
            "and the published checkpoint is stored. Run it with liuhend stopped; no secret\n"
            "key is needed.\n"),
          f);
    fputs("\n", f);
    fputs(_("  --data DIR                 the data directory (required)\n"), f);
    fputs(_("  --from TILES_DIR           the publication or export to recover from (required)\n"),
          f);
    fputs(_("  --log-key FILE             the log's verifier key (default: DIR/log.vkey); give\n"
            "                             the copy you published, which nobody at the store\n"
            "                             could alter\n"),
          f);
    fputs(_("  --user USER                started as root, become USER (liuhend's --user)\n"
            "                             first, so that the files keep their owner\n"),
          f);
    fputs(_("  --log-level LEVEL          error, warn, info or debug (default: info)\n"), f);
    fputs(_("  --help                     print this help\n"), f);
    fputs("\n", f);
    fputs(_("Exit status: 0 the store holds the publication's tree; 1 the publication is\n"
            "refused (it does not verify, or is not this log's history); 2 a usage error, or\n"
            "a store or lock that cannot be had; 3 entries added, but the high-water mark is\n"
            "still ahead of the publication.\n"),
          f);
}

/* Everything up to the store open: privileges, the lock, the key. */
static int recovercmd_prepare(const char *dir, const char *user, const char *vkey_opt,
                              note_verifier *key, int *lock_fd)
{
    lh_err err = {{0}};
    int rc = privileges_drop(user, &err);
    if (rc != 0) {
        log_error("%s", err.msg);
        return EXIT_USAGE;
    }
    if (datadir_check_private(dir, true, _("data directory")) != 0)
        return EXIT_USAGE;
    if ((*lock_fd = datadir_lock(dir)) < 0) {
        log_error(_("%s: liuhend (or another recover) is using it: stop it first"), dir);
        return EXIT_USAGE;
    }
    char *data_path = datadir_path(dir, DATADIR_DATA);
    bool present = datadir_exists(data_path);
    free(data_path);
    if (!present) {
        log_error(_("data directory %s holds no store (no %s): put the newest backup back as %s "
                    "first"),
                  dir, DATADIR_DATA, DATADIR_DATA);
        return EXIT_USAGE;
    }
    rc = datadir_read_vkey(dir, vkey_opt, key);
    return rc == 0 ? 0 : EXIT_USAGE;
}

/* What was done, and what to do next. */
static int recovercmd_report(const char *dir, const char *from, const recover_result *res)
{
    uint64_t now = res->store_size + res->added;
    if (res->added == 0)
        printf(_("liuhend recover %s: the store has %" PRIu64 " entries and %s %" PRIu64
                 ", with the same tree: nothing to do\n"),
               dir, res->store_size, from, res->tiles_size);
    else
        printf(_("liuhend recover %s: %" PRIu64 " entries added from %s: the store had %" PRIu64
                 " entries, it has %" PRIu64 " with the published checkpoint\n"),
               dir, res->added, from, res->store_size, now);
    printf(_("root at size %" PRIu64 ": %s\n"), now, text_b64_of_hash(res->root).s);
    if (res->mark_raised)
        printf(_("the high-water mark is now at size %" PRIu64 "\n"), res->tiles_size);
    if (res->mark && res->mark_size > now) {
        printf(_("the high-water mark is at size %" PRIu64 ", beyond the %" PRIu64
                 " entries of this publication: liuhend still refuses to start; recover again "
                 "from a newer publication or export (the entries up to %" PRIu64 " are kept)\n"),
               res->mark_size, now, now);
        fflush(stdout);
        return EXIT_BEHIND;
    }
    printf(_("next: start liuhend as before (liuhend check --data %s verifies the store)\n"), dir);
    return fflush(stdout) == 0 ? 0 : EXIT_USAGE;
}

int recovercmd_main(int argc, char **argv)
{
    const char *from = NULL, *user = NULL;
    const subcmd_opt own[] = {{"from", &from}, {"user", &user}};
    subcmd_args args;
    int status = subcmd_parse(argc, argv, "recover", usage, own, 2, &args);
    if (status >= 0)
        return status;
    const char *dir = args.data;
    if (from == NULL)
        return subcmd_usage_error("recover", _("--from TILES_DIR is required"));
    note_verifier key;
    int lock_fd = -1;
    status = recovercmd_prepare(dir, user, args.log_key, &key, &lock_fd);
    if (status != 0) {
        if (lock_fd >= 0)
            close(lock_fd);
        return status;
    }
    /* The publication whole, before the store is opened for writing. */
    recover_tiles *t = NULL;
    store *st = NULL;
    lh_err err = {{0}};
    int rc = recover_tiles_open(&t, from, &key, &err);
    if (rc != 0) {
        log_error(_("%s: refused: %s"), from, err.msg[0] ? err.msg : lh_strerror(rc));
        status = EXIT_REFUSED;
    } else if ((rc = store_open(&st, dir, 0, &err)) != 0) {
        log_error("%s", err.msg[0] ? err.msg : lh_strerror(rc));
        status = EXIT_USAGE;
    } else {
        recover_result res;
        rc = recover_run(st, dir, t, &key, &res, &err);
        if (rc == 0) {
            status = recovercmd_report(dir, from, &res);
        } else {
            log_error(_("%s: refused: %s"), from, err.msg[0] ? err.msg : lh_strerror(rc));
            if (res.added > 0)
                log_error(_("the store was brought from %" PRIu64 " to %" PRIu64
                            " entries before that: they are the publication's, verified"),
                          res.store_size, res.store_size + res.added);
            /* A store that cannot be read or written is not the
             * publication's fault. */
            status = rc == LH_ESTORE || rc == LH_ENOMEM || (rc < 0 && rc > -1000) ? EXIT_USAGE
                                                                                  : EXIT_REFUSED;
        }
    }
    store_close(st);
    recover_tiles_free(t);
    close(lock_fd);
    return status;
}
