/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * append.c — how another program appends a record to liuhen through the
 * client library (liuhen.h), and keeps the verified receipt.
 *
 *     append SOCKET LOG_VKEY_FILE KEY_FILE CASE_ID TEXT
 *
 * It connects to liuhend, reads the author's key file, appends one
 * INTERFERENCE record (B§3) whose content is TEXT in case CASE_ID, and
 * prints the receipt as JSON on standard output. lh_append() returns only
 * after it has verified the receipt: the checkpoint is signed by the log key
 * read from LOG_VKEY_FILE, and the inclusion proof holds against it. An
 * encrypted key file's passphrase is taken from LIUHEN_PASSPHRASE; the last
 * checkpoint seen is kept in LIUHEN_STATE when that is set, so that a log
 * which shows two histories to two runs is caught as a fork.
 *
 * When the connection is lost after the entry was sent (liuhend stopping
 * or restarting, a timeout), the entry may be logged: the example then
 * sends the very same signed bytes again, on a new connection, for up to
 * RETRY_SECONDS while the daemon comes back. The log answers DUPLICATE
 * with the receipt of the entry it holds, so the record is never logged
 * twice; calling lh_append() again would sign and log a second one.
 *
 * Exit status: 0 the record is logged and the receipt verified (3 with the
 * receipt printed when it is logged but the daemon did not come back to
 * let its checkpoint be checked against the last one seen); 1 the log
 * refused it or something did not verify; 2 usage; 3 a file or the
 * connection failed.
 *
 * With liuhen installed (`make install`):
 *
 *     cc append.c $(pkg-config --cflags --libs liuhen)
 *
 * links it with the shared library libliuhen.so.0, whose only names are
 * those of liuhen.h. tests/test_example.sh builds it so, from a fresh
 * installation, and runs it; `make` also builds it against the static
 * archive into build/examples/append. liuhen.h is the one header it needs.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep() */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "liuhen.h"

/* The exit status of a failed call, as the liuhen CLI gives it: system
 * errors (a missing file, no daemon on the socket) and a lost connection
 * are I/O; the library's own codes are refusals or failed verification. */
static int exit_status(int rc)
{
    return rc > -1000 || rc == LH_ETIMEOUT || rc == LH_ECLOSED || rc == LH_EUNAVAILABLE ||
                   rc == LH_ECOMMITTED
               ? 3
               : 1;
}

/* How long the example keeps sending an entry that may be logged again. */
#define RETRY_SECONDS 30

/* Whether a failed append may have logged the entry, so that its signed
 * bytes should be sent again rather than given up: the connection failed
 * after they were sent, or the daemon answered that it is stopping, or
 * (LH_ECOMMITTED) it is logged and only the receipt's last check is
 * missing. */
static int may_be_logged(int rc)
{
    return rc == LH_ETIMEOUT || rc == LH_ECLOSED || rc == LH_EPROTO || rc == LH_EUNAVAILABLE ||
           rc == LH_ECOMMITTED || (rc < 0 && rc > -1000);
}

/* Send the same signed bytes again on a new connection, once a second
 * while the daemon is away, until an answer that is not a lost
 * connection. *conn is replaced; *receipt gets the new result. */
static int append_again(const lh_options *opts, lh_conn **conn, lh_receipt *receipt, int rc,
                        lh_err *err)
{
    uint8_t *bytes = receipt->signed_entry;
    size_t len = receipt->signed_entry_len;
    receipt->signed_entry = NULL;
    /* A receipt received is kept: LH_ECOMMITTED's stands if no answer
     * comes again. */
    lh_receipt kept = {0};
    if (rc == LH_ECOMMITTED)
        kept = *receipt;
    else
        lh_receipt_free(receipt);
    memset(receipt, 0, sizeof *receipt);
    for (int waited = 0; waited < RETRY_SECONDS && may_be_logged(rc); waited++) {
        fprintf(stderr, "example: %s; sending the same signed entry again\n", err->msg);
        lh_close(*conn);
        *conn = NULL;
        if (waited > 0) {
            struct timespec second = {.tv_sec = 1};
            nanosleep(&second, NULL);
        }
        rc = lh_connect(opts, conn, err);
        if (rc != 0) {
            rc = LH_ECLOSED; /* not back yet: the entry may still be logged */
            continue;
        }
        lh_receipt_free(receipt);
        rc = lh_append_signed(*conn, bytes, len, receipt, err);
    }
    free(bytes);
    if (rc != 0 && kept.checkpoint != NULL) {
        lh_receipt_free(receipt);
        *receipt = kept;
        return LH_ECOMMITTED;
    }
    lh_receipt_free(&kept);
    return rc;
}

/* Say why a call failed: its sentence, or the code's description when the
 * call had nothing to add. */
static void report(const lh_err *err, int rc)
{
    fprintf(stderr, "example: %s\n", err->msg[0] != '\0' ? err->msg : lh_strerror(rc));
}

/* Read the one line of a verifier key file (as `liuhend init` writes
 * log.vkey) into buf, without its newline. */
static int read_vkey(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        int rc = -errno;
        fprintf(stderr, "example: cannot open log key file %s: %s\n", path, strerror(errno));
        return rc;
    }
    int rc = 0;
    if (fgets(buf, (int)cap, f) == NULL) {
        fprintf(stderr, "example: log key file %s is empty\n", path);
        rc = LH_EPARSE;
    } else {
        buf[strcspn(buf, "\r\n")] = '\0';
        if (strlen(buf) + 1 >= cap) {
            fprintf(stderr, "example: log key file %s: the line is too long for a key\n", path);
            rc = LH_EPARSE;
        }
    }
    fclose(f);
    return rc;
}

/* The time now in unix milliseconds, as every time in liuhen.proto is.
 * timespec_get() is C11, so the example needs no feature-test macro. */
static int64_t now_ms(void)
{
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) != TIME_UTC)
        return 0; /* "not stated" rather than a wrong time */
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: append SOCKET LOG_VKEY_FILE KEY_FILE CASE_ID TEXT\n");
        return 2;
    }
    const char *socket_path = argv[1], *vkey_path = argv[2], *key_path = argv[3];
    const char *case_id = argv[4], *text = argv[5];

    char vkey[LH_VKEY_MAX + 1];
    int rc = read_vkey(vkey_path, vkey, sizeof vkey);
    if (rc != 0)
        return exit_status(rc);

    lh_err err = {{0}};
    lh_key *key = NULL;
    rc = lh_key_read(key_path, getenv("LIUHEN_PASSPHRASE"), &key, &err);
    if (rc != 0) {
        report(&err, rc);
        return exit_status(rc);
    }

    lh_options opts = {
        .socket_path = socket_path, .log_vkey = vkey, .state_file = getenv("LIUHEN_STATE")};
    lh_conn *conn = NULL;
    rc = lh_connect(&opts, &conn, &err);
    if (rc != 0) {
        report(&err, rc);
        lh_key_free(key);
        return exit_status(rc);
    }

    /* The record: kind, case and body are ours to fill. lh_append() adds
     * the origin, the author's key and the chain links, and signs. A real
     * program fills all five elements of B§3 (time, place, person, manner,
     * content); the offline verifier reports a missing one as finding R1. */
    Liuhen__Interference body = LIUHEN__INTERFERENCE__INIT;
    body.occurred_at = now_ms();
    body.content = (char *)text;
    Liuhen__Entry entry = LIUHEN__ENTRY__INIT;
    entry.kind = LIUHEN__KIND__KIND_INTERFERENCE;
    entry.case_id = (char *)case_id;
    entry.body_case = LIUHEN__ENTRY__BODY_INTERFERENCE;
    entry.interference = &body;

    lh_receipt receipt = {0};
    char *json = NULL;
    rc = lh_append(conn, key, &entry, &receipt, &err);
    /* Not after a state file that could not be written (-errno with a
     * complete receipt): the entry is logged and its receipt checked. */
    if (may_be_logged(rc) && receipt.signed_entry != NULL &&
        (rc == LH_ECOMMITTED || receipt.checkpoint == NULL))
        rc = append_again(&opts, &conn, &receipt, rc, &err);
    if (rc == LH_ECOMMITTED) {
        /* Logged: its receipt is printed, and the exit status says that
         * its last check is missing. */
        report(&err, rc);
        lh_err jerr = {{0}};
        if (lh_receipt_to_json(&receipt, &json, &jerr) == 0)
            fputs(json, stdout);
    } else if (rc == 0) {
        rc = lh_receipt_to_json(&receipt, &json, &err);
        if (rc == 0)
            fputs(json, stdout);
        else
            report(&err, rc);
    } else {
        report(&err, rc);
    }

    /* Whatever happened, everything is released: the receipt (zeroed on
     * failure, or holding the bytes sent for a retry), the handle, the key. */
    free(json);
    lh_receipt_free(&receipt);
    lh_close(conn);
    lh_key_free(key);
    if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, "example: cannot write the receipt: %s\n", strerror(errno));
        return 3;
    }
    return rc == 0 ? 0 : exit_status(rc);
}
