/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * diskfull.c — liuhend on a file system that fills up (run by
 * tests/torture/diskfull.sh, which mounts the small tmpfs and names it in
 * LIUHEN_DISKFULL_MNT; root only). A log is made, moved onto the tmpfs,
 * and appended to (entries of about 15 KB, single and pipelined) until the
 * disk is full. Then:
 *  - every append is answered LH_EUNAVAILABLE (never a crash, never a
 *    hang): LIUHEN_DISKFULL_REFUSALS (default 50) more are tried;
 *  - reads go on: the checkpoint, entries, an inclusion proof of the first
 *    and the last receipt;
 *  - the tmpfs is grown (mount -o remount,size=LIUHEN_DISKFULL_GROW,
 *    default 64m) and appends succeed again, on the same daemon, without a
 *    restart; the first entry refused is logged when sent again, and the
 *    others are absent (its author's chain counts exactly what was logged);
 *  - after a clean stop and a start, every receipt verifies and is in the
 *    final tree at its index, and `liuhend check` finds the store sound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "keyfile.h"
#include "ledger.h"
#include "liuhen.h"
#include "load.h"
#include "testutil.h"

enum { RUN = 16, MAX_RECEIPTS = 100000 };

static lh_receipt *receipts;
static size_t nreceipts;

static void keep(lh_receipt *r)
{
    assert_true(nreceipts < MAX_RECEIPTS);
    receipts[nreceipts++] = *r;
    memset(r, 0, sizeof *r);
}

static Liuhen__Entry *big_entry(size_t i)
{
    static char json[24 * 1024];
    int n = snprintf(json, sizeof json,
                     "{\"case_id\":\"F-%zu\",\"kind\":\"KIND_INTERFERENCE\",\"interference\":"
                     "{\"content\":\"",
                     i % 5);
    /* About 15 KB of text (a field holds at most 16 KB), different for each entry. */
    for (int k = 0; k < 1500; k++)
        n += snprintf(json + n, sizeof json - (size_t)n, "%09zu ", i * 1500 + (size_t)k);
    snprintf(json + n, sizeof json - (size_t)n, "\"}}");
    return tl_entry_json(json);
}

static void run(const char *const *argv)
{
    int status = td_run(argv, NULL);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("%s %s failed (status %d)", argv[0], argv[1], status);
}

static unsigned long long free_kib(const char *path)
{
    struct statvfs sv;
    assert_int_equal(statvfs(path, &sv), 0);
    return (unsigned long long)sv.f_bavail * sv.f_frsize / 1024;
}

static void test_disk_full(void **state)
{
    (void)state;
    const char *mnt = getenv("LIUHEN_DISKFULL_MNT");
    if (mnt == NULL || mnt[0] == '\0')
        fail_msg("LIUHEN_DISKFULL_MNT is not set: run tests/torture/diskfull.sh");
    const char *grow = getenv("LIUHEN_DISKFULL_GROW");
    if (grow == NULL)
        grow = "64m";
    const char *env = getenv("LIUHEN_DISKFULL_REFUSALS");
    unsigned refusals = env != NULL ? (unsigned)strtoul(env, NULL, 10) : 50;
    receipts = calloc(MAX_RECEIPTS, sizeof *receipts);
    assert_non_null(receipts);

    /* A log made as usual, then moved onto the small file system. */
    static td_daemon d; /* static: td_teardown_running() reaches it after a failure */
    td_init(&d);
    td_running = &d;
    char data[TD_PATH_MAX - 32];
    snprintf(data, sizeof data, "%s/data", mnt);
    const char *cp_argv[] = {"/bin/cp", "-a", d.data, data, NULL};
    run(cp_argv);
    td_give(mnt);
    snprintf(d.data, sizeof d.data, "%s", data);
    snprintf(d.socket, sizeof d.socket, "%s/liuhen.sock", data);
    td_start(&d, NULL);
    lh_conn *c = tl_connect(&d, NULL);
    keyfile_key *key = tl_new_key("disk");
    tl_enroll(c, &d, key, "[\"handler\"]");
    fprintf(stderr, "diskfull: %llu KiB free on %s at the start\n", free_kib(mnt), mnt);

    /* Fill it. */
    lh_err err = {{0}};
    int rc = 0;
    size_t sent = 0;
    lh_receipt first_refused = {0};
    while (rc == 0) {
        Liuhen__Entry *e[RUN];
        lh_receipt out[RUN];
        int codes[RUN];
        size_t n = sent % 3 == 0 ? RUN : 1;
        for (size_t i = 0; i < n; i++)
            e[i] = big_entry(sent + i);
        rc = tload_append(c, key, (const Liuhen__Entry *const *)e, n, out, codes, &err);
        /* The entries logged, then the first refused; the others are not kept. */
        size_t done = 0;
        while (done < n && codes[done] == 0)
            keep(&out[done++]);
        for (size_t i = done; i < n; i++) {
            if (i == done)
                first_refused = out[i];
            else
                lh_receipt_free(&out[i]);
        }
        for (size_t i = 0; i < n; i++)
            tl_entry_free(e[i]);
        sent += n;
        if (sent > 20000)
            fail_msg("20,000 entries of 15 KB and the disk is not full");
    }
    size_t logged_full = nreceipts;
    if (rc != LH_EUNAVAILABLE)
        fail_msg("the first append refused: code %d (%s), not LH_EUNAVAILABLE", rc, err.msg);
    fprintf(stderr, "diskfull: full after %zu entries acknowledged (%llu KiB free): \"%s\"\n",
            nreceipts, free_kib(mnt), err.msg);
    assert_non_null(first_refused.signed_entry);

    /* Full: every append is refused, with the same answer, and the daemon
     * stays up. Single appends, on new connections too. */
    for (unsigned i = 0; i < refusals; i++) {
        lh_conn *c2 = tl_connect(&d, NULL);
        Liuhen__Entry *e = big_entry(100000 + i);
        lh_receipt r = {0};
        rc = lh_append(c2, key, e, &r, &err);
        tl_entry_free(e);
        lh_receipt_free(&r);
        lh_close(c2);
        if (rc != LH_EUNAVAILABLE)
            fail_msg("append %u on a full disk: code %d (%s), not LH_EUNAVAILABLE", i, rc, err.msg);
    }
    assert_int_equal(kill(d.pid, 0), 0);

    /* Reads go on. */
    lh_checkpoint cp = {0};
    tu_assert_code(lh_get_checkpoint(c, &cp, &err), 0, &err);
    uint64_t size_full = cp.size;
    lh_checkpoint_free(&cp);
    lh_entries es = {0};
    tu_assert_code(lh_get_entries(c, 1, 4, &es, &err), 0, &err);
    lh_entries_free(&es);
    lh_inclusion inc = {0};
    tu_assert_code(lh_inclusion_proof(c, receipts[0].leaf_index, 0, &inc, &err), 0, &err);
    lh_inclusion_free(&inc);
    tu_assert_code(lh_inclusion_proof(c, receipts[nreceipts - 1].leaf_index, 0, &inc, &err), 0,
                   &err);
    assert_memory_equal(inc.leaf_hash, receipts[nreceipts - 1].leaf_hash, 32);
    lh_inclusion_free(&inc);
    lh_close(c);
    fprintf(stderr,
            "diskfull: %u more appends answered LH_EUNAVAILABLE; checkpoint (size %" PRIu64
            "), entries and proofs read meanwhile\n",
            refusals + 1, size_full);

    /* Grow the file system: the same daemon takes appends again. */
    char opts[64];
    snprintf(opts, sizeof opts, "remount,size=%s", grow);
    const char *mount_argv[] = {"/bin/mount", "-o", opts, mnt, NULL};
    run(mount_argv);
    c = tl_connect(&d, NULL);
    lh_receipt again = {0};
    tu_assert_code(lh_append_signed(c, first_refused.signed_entry, first_refused.signed_entry_len,
                                    &again, &err),
                   0, &err);
    assert_true(again.leaf_index >= size_full);
    keep(&again);
    lh_receipt_free(&first_refused);
    lh_close(c);
    c = tl_connect(&d, NULL);
    for (size_t i = 0; i < 40; i++) {
        Liuhen__Entry *e = big_entry(200000 + i);
        lh_receipt r = {0};
        tu_assert_code(lh_append(c, key, e, &r, &err), 0, &err);
        keep(&r);
        tl_entry_free(e);
    }
    lh_close(c);
    fprintf(stderr, "diskfull: grown to %s: 41 more appends acknowledged, no restart\n", grow);

    /* A clean stop and start; then every receipt against the final tree. */
    assert_int_equal(WEXITSTATUS(td_stop(&d, SIGTERM)), 0);
    td_start(&d, NULL);
    c = tl_connect(&d, NULL);
    lh_checkpoint fin = {0};
    tu_assert_code(lh_get_checkpoint(c, &fin, &err), 0, &err);
    for (size_t i = 0; i < nreceipts; i++) {
        tu_assert_code(lh_receipt_verify(&receipts[i], d.vkey, &err), 0, &err);
        tu_assert_code(lh_inclusion_proof(c, receipts[i].leaf_index, fin.size, &inc, &err), 0,
                       &err);
        assert_memory_equal(inc.leaf_hash, receipts[i].leaf_hash, 32);
        lh_inclusion_free(&inc);
    }
    lh_heads h;
    tu_assert_code(lh_author_head(c, keyfile_key_pubkey(key), NULL, &h, &err), 0, &err);
    if (h.author_seq != nreceipts)
        fail_msg("the author's chain holds %" PRIu64 " entries, %zu were acknowledged",
                 h.author_seq, nreceipts);
    lh_checkpoint_free(&fin);
    lh_close(c);
    assert_int_equal(WEXITSTATUS(td_stop(&d, SIGTERM)), 0);
    td_check_sound(&d);
    fprintf(stderr,
            "diskfull: %zu receipts (%zu before the disk was full) verify in the final tree; "
            "the author's chain holds exactly them; liuhend check: sound\n",
            nreceipts, logged_full);

    for (size_t i = 0; i < nreceipts; i++)
        lh_receipt_free(&receipts[i]);
    free(receipts);
    keyfile_key_free(key);
    td_cleanup(&d);
    td_running = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_disk_full, td_teardown_running),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
