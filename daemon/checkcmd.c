/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * checkcmd.c — `liuhend check` (checkcmd.h).
 */
#include "checkcmd.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datadir.h"
#include "highwater.h"
#include "i18n.h"
#include "log.h"
#include "note.h"
#include "scrub.h"
#include "store.h"
#include "subcmd.h"

#define EXIT_DAMAGED 1
#define EXIT_USAGE   SUBCMD_EXIT_USAGE

static void usage(FILE *f)
{
    fputs(_("Usage: liuhend check --data DIR [--log-key FILE] [--log-level LEVEL]\n"), f);
    fputs("\n", f);
    fputs(_("Recompute everything the store in DIR holds: each entry's leaf hash from its\n"
            "stored bytes, each stored hash of the Merkle tree from its children, and each\n"
            "stored checkpoint's signature and root; print every difference. The store is\n"
            "opened read-only: liuhend may be running.\n"),
          f);
    fputs("\n", f);
    fputs(_("  --data DIR                 the data directory (required)\n"), f);
    fputs(_("  --log-key FILE             the log's verifier key (default: DIR/log.vkey); give\n"
            "                             the copy you published, which nobody at the store\n"
            "                             could alter\n"),
          f);
    fputs(_("  --log-level LEVEL          error, warn, info or debug (default: info)\n"), f);
    fputs(_("  --help                     print this help\n"), f);
    fputs("\n", f);
    fputs(_("Exit status: 0 the store is sound; 1 it is damaged; 2 a usage error, or a store\n"
            "that cannot be read.\n"),
          f);
}

static void print_finding(void *ctx, const char *finding)
{
    bool *tty = ctx;
    if (*tty)
        fputs("\r\033[K", stderr);
    printf("%s\n", finding);
}

/* On a terminal only: where the scrub is. */
static void print_progress(void *ctx, int phase, uint64_t done, uint64_t total)
{
    bool *tty = ctx;
    if (!*tty)
        return;
    /* Back to the line's start, the text, then erase what is left. */
    fputc('\r', stderr);
    if (phase == 1)
        fprintf(stderr, _("check: entry %" PRIu64 " of %" PRIu64), done, total);
    else
        fprintf(stderr, _("check: checkpoints up to size %" PRIu64 " of %" PRIu64), done, total);
    fputs("\033[K", stderr);
    fflush(stderr);
}

/* The store against the data directory's high-water mark, as the daemon
 * checks it at start: 1 finding or none. */
static uint64_t check_mark(const char *dir, store *st, const note_verifier *key)
{
    highwater *hw = NULL;
    lh_err err = {{0}};
    store_txn *txn = NULL;
    int rc = highwater_open(&hw, dir, key, &err);
    if (rc == 0 && (rc = store_read_begin(st, &txn)) == 0)
        rc = highwater_check(hw, txn, &err);
    store_txn_end(txn);
    highwater_free(hw);
    if (rc == 0)
        return 0;
    printf("%s\n", err.msg[0] ? err.msg : lh_strerror(rc));
    return 1;
}

int checkcmd_main(int argc, char **argv)
{
    subcmd_args args;
    int status = subcmd_parse(argc, argv, "check", usage, NULL, 0, &args);
    if (status >= 0)
        return status;
    const char *dir = args.data;
    note_verifier key;
    if (datadir_read_vkey(dir, args.log_key, &key) != 0)
        return EXIT_USAGE;
    store *st = NULL;
    lh_err err = {{0}};
    int rc = store_open_readonly(&st, dir, &err);
    if (rc != 0) {
        log_error("%s", err.msg[0] ? err.msg : lh_strerror(rc));
        return EXIT_USAGE;
    }
    bool tty = isatty(STDERR_FILENO);
    scrub_report rep = {0};
    uint64_t extra = 0;
    /* The store's own record of the log key: whoever altered it would have
     * every checkpoint fail below; say so once, plainly. */
    store_txn *txn;
    const uint8_t *pk;
    size_t pk_len;
    if (store_read_begin(st, &txn) == 0) {
        if (store_get_meta(txn, "log_key", &pk, &pk_len) != 0 || pk_len != 32 ||
            memcmp(pk, key.pubkey, 32) != 0) {
            printf(_("the store's log key is not the key %s\n"), key.name);
            extra++;
        }
        store_txn_end(txn);
    }
    extra += check_mark(dir, st, &key);
    scrub_config cfg = {.store = st,
                        .log_key = &key,
                        .finding = print_finding,
                        .progress = print_progress,
                        .ctx = &tty};
    rc = scrub_run(&cfg, &rep, &err);
    if (tty)
        fputs("\r\033[K", stderr);
    store_close(st);
    if (rc != 0) {
        log_error("%s", err.msg[0] ? err.msg : lh_strerror(rc));
        return EXIT_USAGE;
    }
    rep.findings += extra;
    if (rep.findings == 0) {
        printf(_("liuhend check %s: %" PRIu64 " entries, %" PRIu64 " stored hashes and %" PRIu64
                 " checkpoints recomputed: the store is sound\n"),
               dir, rep.size, rep.hashes, rep.checkpoints);
        return fflush(stdout) == 0 ? 0 : EXIT_USAGE;
    }
    printf(_("liuhend check %s: %" PRIu64 " findings in %" PRIu64 " entries, %" PRIu64
             " stored hashes and %" PRIu64 " checkpoints: the store is damaged\n"),
           dir, rep.findings, rep.size, rep.hashes, rep.checkpoints);
    fflush(stdout);
    return EXIT_DAMAGED;
}
