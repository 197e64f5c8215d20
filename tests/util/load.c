/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * load.c — load on a test liuhend (load.h).
 */
#include "load.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ledger.h"

lh_conn *tload_connect(const td_daemon *d)
{
    lh_options opts = {.socket_path = d->socket, .log_vkey = d->vkey, .timeout_ms = 30000};
    lh_conn *c = NULL;
    lh_err err = {{0}};
    return lh_connect(&opts, &c, &err) == 0 ? c : NULL;
}

int tload_append(lh_conn *c, const keyfile_key *key, const Liuhen__Entry *const *e, size_t n,
                 lh_receipt *out, int *codes, lh_err *err)
{
    if (n == 1) {
        int rc = lh_append(c, key, e[0], &out[0], err);
        codes[0] = rc;
        return rc;
    }
    size_t done = 0;
    int rc = lh_append_many(c, key, e, n, out, &done, err);
    /* From done on, an entry with a receipt is logged; one without is
     * reported failed (the run's own code may be another entry's
     * LH_ECOMMITTED). */
    for (size_t i = 0; i < n; i++)
        codes[i] = i < done                    ? 0
                   : out[i].checkpoint != NULL ? LH_ECOMMITTED
                   : rc == LH_ECOMMITTED       ? LH_ECLOSED
                                               : rc;
    return rc;
}

int tload_round(lh_conn *c, const keyfile_key *key, const char *case_id, const char *writer,
                size_t first, size_t n, tload_keep_fn *keep, void *ctx, lh_err *err)
{
    Liuhen__Entry **e = calloc(n, sizeof *e);
    lh_receipt *out = calloc(n, sizeof *out);
    int *codes = calloc(n, sizeof *codes);
    assert_true(e != NULL && out != NULL && codes != NULL);
    for (size_t i = 0; i < n; i++) {
        char json[256];
        snprintf(json, sizeof json,
                 "{\"case_id\":\"%s\",\"kind\":\"KIND_INTERFERENCE\",\"interference\":"
                 "{\"content\":\"%s entry %zu\"}}",
                 case_id, writer, first + i);
        e[i] = tl_entry_json(json);
    }
    int rc = tload_append(c, key, (const Liuhen__Entry *const *)e, n, out, codes, err);
    for (size_t i = 0; i < n; i++)
        keep(ctx, codes[i], &out[i]);
    for (size_t i = 0; i < n; i++)
        tl_entry_free(e[i]);
    free(codes);
    free(out);
    free(e);
    return rc;
}

void tload_keep(void *attempts, int rc, lh_receipt *r)
{
    tload_attempts *at = attempts;
    if (at->n == at->cap) {
        at->cap = at->cap ? 2 * at->cap : 1024;
        at->a = realloc(at->a, at->cap * sizeof *at->a);
        assert_non_null(at->a);
    }
    at->a[at->n].rc = rc;
    at->a[at->n].r = *r;
    memset(r, 0, sizeof *r);
    at->n++;
    if (rc == 0 || rc == LH_ECOMMITTED)
        atomic_fetch_add(at->logged, 1);
}

void tload_attempts_free(tload_attempts *at)
{
    for (size_t i = 0; i < at->n; i++)
        lh_receipt_free(&at->a[i].r);
    free(at->a);
    memset(at, 0, sizeof *at);
}
