/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * pipeline.c — appends pipelined (liuhen.h: lh_append_many(),
 * lh_append_signed_many()): up to LH_PIPELINE_WINDOW Append requests in
 * flight on the handle's connection, their answers taken in the order of
 * the entries, each receipt verified as lh_append() verifies one
 * (append.h).
 *
 * The entries of a run are chained to each other before any is logged:
 * each is signed against the heads the one before it will leave, which
 * the handle's memory of heads (heads.h) holds from the moment it is
 * signed. A CONFLICT on entry k (another writer moved a head the run
 * relies on) makes every later entry in flight fail too, since each names
 * the one before it; their answers are read and dropped, and the run signs
 * again from k against the heads the CONFLICT reported.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "append.h"
#include "calendar.h"
#include "quote.h"
#include "wire.h"

#define WINDOW LH_PIPELINE_WINDOW

typedef struct run {
    lh_conn *c;
    lh_receipt *out;
    size_t n;
    /* lh_append_many(): the entries to sign, and the key. */
    const lh_key *key;
    const uint8_t *pubkey;
    const Liuhen__Entry *const *entries;
    /* lh_append_signed_many(): the bytes to send. */
    const uint8_t *const *signed_entries;
    const size_t *lens;
    /* Entries [done, sent) are in flight, in slots i % WINDOW; the answers
     * of [answered, sent) are not read yet. */
    size_t done, answered, sent;
    size_t first_signed; /* entries below it were signed before: their recorded_at is kept */
    uint64_t ids[WINDOW];
    lh_heads used[WINDOW];       /* the heads entry i was signed against */
    int64_t recorded_at[WINDOW]; /* fixed when entry i is first signed */
    int attempts;                /* of the entry at done */
    char conflict[QUOTE_MESSAGE_MAX];
} run;

static bool has_case(const char *case_id)
{
    return case_id != NULL && case_id[0] != '\0';
}

/* The context of entry i for messages. */
static void run_what(const run *r, size_t i, char what[WHAT_MAX])
{
    if (r->entries != NULL) {
        append_what(what, r->entries[i]);
        return;
    }
    snprintf(what, WHAT_MAX, "append: signed entry %zu of %zu", i + 1, r->n);
}

/*
 * The heads entry i must name: remembered (the run's own entries before
 * it, or an earlier append by this handle), or asked for. A case the run
 * has not reached yet is asked for, while the author's head stays the one
 * the run's entries in flight leave.
 */
static int run_heads(run *r, const char *case_id, lh_heads *h, const char *what, lh_err *err)
{
    if (heads_get(r->c->heads, r->pubkey, case_id, h))
        return 0;
    lh_heads author;
    bool have_author = heads_get(r->c->heads, r->pubkey, NULL, &author);
    int rc = append_fetch_heads(r->c, r->pubkey, case_id, h, conn_deadline(&r->c->t), what, err);
    if (rc != 0)
        return rc;
    if (have_author) {
        h->author_seq = author.author_seq;
        h->has_author_head = author.has_author_head;
        memcpy(h->author_head, author.author_head, LH_HASH_SIZE);
    }
    heads_put(r->c->heads, r->pubkey, case_id, h);
    return 0;
}

/* Sign entry i into out[i].signed_entry, against the heads the entries
 * before it leave, and make its own the heads entry i + 1 starts from. */
static int run_sign(run *r, size_t i, const char *what, lh_err *err)
{
    const Liuhen__Entry *e = r->entries[i];
    size_t slot = i % WINDOW;
    lh_heads h;
    int rc = run_heads(r, e->case_id, &h, what, err);
    if (rc != 0)
        return rc;
    /* CONFLICT means "the heads moved": if they did not, signing the same
     * links again cannot help. */
    if (i == r->done && r->attempts > 1 && append_heads_equal(&h, &r->used[slot]))
        return lh_err_set(err, LH_ECONFLICT,
                          "%s: the server answered CONFLICT but the heads it reports did not "
                          "move (author seq %" PRIu64 ", case length %" PRIu64 "): %s",
                          what, h.author_seq, h.case_length, r->conflict);
    if (i >= r->first_signed) {
        /* Fixed once: signing again changes only the chain links. */
        r->recorded_at[slot] = e->recorded_at != 0 ? e->recorded_at : calendar_now_ms();
        r->first_signed = i + 1;
    }
    uint8_t *bytes;
    size_t len;
    rc = append_sign(r->c, r->key, e, &h, r->recorded_at[slot], &bytes, &len, what, err);
    if (rc != 0)
        return rc;
    lh_receipt *o = &r->out[i];
    free(o->signed_entry);
    o->signed_entry = bytes;
    o->signed_entry_len = len;
    r->used[slot] = h;
    uint8_t id[LH_HASH_SIZE];
    if ((rc = append_entry_id(bytes, len, id)) != 0)
        return lh_err_set(err, rc, "%s: the signed entry does not unpack", what);
    append_advance(&h, id, has_case(e->case_id));
    heads_put(r->c->heads, r->pubkey, e->case_id, &h);
    return 0;
}

/* Copy the bytes of signed entry i into out[i].signed_entry. */
static int run_copy(run *r, size_t i, const char *what, lh_err *err)
{
    lh_receipt *o = &r->out[i];
    if (o->signed_entry != NULL)
        return 0;
    if (r->signed_entries[i] == NULL || r->lens[i] == 0)
        return lh_err_set(err, LH_EINVAL, "%s: no bytes", what);
    if ((o->signed_entry = malloc(r->lens[i])) == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    memcpy(o->signed_entry, r->signed_entries[i], r->lens[i]);
    o->signed_entry_len = r->lens[i];
    return 0;
}

/*
 * Sign or copy entries and queue them until the window is full, then send
 * them all in one write. An entry that cannot be signed or queued ends the
 * filling (its error in *stop, which the run reports once the entries
 * before it are answered); what was queued before it is sent.
 * @return 0, or the error of sending (the connection is then broken).
 */
static int run_fill(run *r, int *stop, lh_err *stop_err, lh_err *err)
{
    lh_conn *c = r->c;
    bool queued = false;
    while (*stop == 0 && r->sent < r->n && r->sent - r->done < WINDOW) {
        size_t i = r->sent;
        char what[WHAT_MAX];
        run_what(r, i, what);
        int rc =
            r->entries != NULL ? run_sign(r, i, what, stop_err) : run_copy(r, i, what, stop_err);
        Liuhen__AppendRequest q;
        Liuhen__Request req;
        if (rc == 0) {
            append_request(c, r->out[i].signed_entry, r->out[i].signed_entry_len, &q, &req);
            rc = conn_queue(&c->t, &req, what, stop_err);
        }
        if (rc != 0) {
            *stop = rc;
            break;
        }
        r->ids[i % WINDOW] = req.id;
        r->sent++;
        queued = true;
    }
    if (!queued)
        return 0;
    char what[WHAT_MAX];
    run_what(r, r->sent - 1, what);
    return conn_flush(&c->t, conn_deadline(&c->t), what, err);
}

/* Read and drop the answers not read yet. @return 0, or the first error
 * of reading them (the connection is then broken). */
static int run_drain(run *r, bool *accepted, lh_err *err)
{
    *accepted = false;
    while (r->answered < r->sent) {
        size_t i = r->answered;
        char what[WHAT_MAX];
        run_what(r, i, what);
        Liuhen__Response *resp;
        int rc = conn_recv(&r->c->t, r->ids[i % WINDOW], &resp, conn_deadline(&r->c->t), what, err);
        if (rc != 0)
            return rc;
        *accepted |= resp->status == LIUHEN__STATUS__STATUS_OK;
        liuhen__response__free_unpacked(resp, NULL);
        r->answered++;
    }
    return 0;
}

/* After a failure: read the answers still to come, as far as they can be
 * read (those received before the connection broke are kept by conn.h),
 * and verify each receipt into out (append_finish(): complete, or with
 * LH_ECOMMITTED only its consistency unchecked). */
static void run_keep(run *r)
{
    while (r->answered < r->sent) {
        size_t i = r->answered;
        char what[WHAT_MAX];
        run_what(r, i, what);
        int64_t deadline = conn_deadline(&r->c->t);
        Liuhen__Response *resp;
        lh_err ignored = {{0}};
        if (conn_recv(&r->c->t, r->ids[i % WINDOW], &resp, deadline, what, &ignored) != 0)
            return;
        r->answered++;
        if (resp->status == LIUHEN__STATUS__STATUS_OK ||
            resp->status == LIUHEN__STATUS__STATUS_DUPLICATE)
            append_finish(r->c, resp, &r->out[i], deadline, what, &ignored);
        liuhen__response__free_unpacked(resp, NULL);
    }
}

/* Forget the heads the entries in flight left: they may not be logged. */
static void run_forget(run *r)
{
    if (r->entries == NULL)
        return;
    for (size_t i = r->done; i < r->sent; i++)
        heads_forget(r->c->heads, r->pubkey, r->entries[i]->case_id);
}

/*
 * CONFLICT on the entry at done: drop the answers of the ones after it,
 * take the heads the answer reports, and start again from it.
 */
static int run_conflict(run *r, const Liuhen__Response *resp, const char *what, lh_err *err)
{
    quote_text(r->conflict, sizeof r->conflict, resp->message);
    if (r->entries == NULL)
        return conn_refused(resp, what, err);
    bool accepted;
    lh_err e = {{0}};
    int rc = run_drain(r, &accepted, &e);
    run_forget(r);
    r->sent = r->answered = r->done;
    if (rc != 0)
        return lh_err_set(err, rc, "%s", e.msg);
    if (accepted)
        return lh_err_set(err, LH_EPROTO,
                          "%s: the server answered CONFLICT, then accepted an entry chained to "
                          "the one it refused",
                          what);
    if (++r->attempts > LH_APPEND_MAX_ATTEMPTS)
        return lh_err_set(err, LH_ECONFLICT,
                          "%s: the chain heads kept moving: still CONFLICT after %d attempts (%s)",
                          what, LH_APPEND_MAX_ATTEMPTS, r->conflict);
    /* The heads a CONFLICT carries are the writer's own, fresher than a read
     * of the store: sign against them at once. When they are missing,
     * malformed or the ones just used (so they explain nothing), the next
     * signing asks for them. */
    const Liuhen__Entry *entry = r->entries[r->done];
    lh_heads h;
    if (resp->result_case == LIUHEN__RESPONSE__RESULT_APPEND &&
        append_heads_from(resp->append->heads, has_case(entry->case_id), &h, what, &e) == 0 &&
        !append_heads_equal(&h, &r->used[r->done % WINDOW]))
        heads_put(r->c->heads, r->pubkey, entry->case_id, &h);
    return 0;
}

static int run_go(run *r, size_t *done, lh_err *err)
{
    lh_conn *c = r->c;
    int rc = 0, stop = 0;
    lh_err stop_err = {{0}};
    r->attempts = 1;
    while (r->done < r->n) {
        if ((rc = run_fill(r, &stop, &stop_err, err)) != 0)
            break;
        if (r->done == r->sent) {
            /* Everything before the entry that could not be sent is in. */
            rc = lh_err_set(err, stop, "%s", stop_err.msg);
            break;
        }
        size_t i = r->done;
        char what[WHAT_MAX];
        run_what(r, i, what);
        int64_t deadline = conn_deadline(&c->t);
        Liuhen__Response *resp;
        if ((rc = conn_recv(&c->t, r->ids[i % WINDOW], &resp, deadline, what, err)) != 0)
            break;
        r->answered++;
        if (resp->status == LIUHEN__STATUS__STATUS_CONFLICT) {
            rc = run_conflict(r, resp, what, err);
            liuhen__response__free_unpacked(resp, NULL);
            if (rc != 0)
                break;
            stop = 0; /* signed again, an entry may fare otherwise */
            continue;
        }
        rc = append_finish(c, resp, &r->out[i], deadline, what, err);
        liuhen__response__free_unpacked(resp, NULL);
        if (rc != 0)
            break;
        r->done++;
        r->attempts = 1;
    }
    *done = r->done;
    if (rc != 0) {
        /* What is still in flight is read, so that the connection serves
         * the next call; its entries may be logged, and the receipts that
         * came (read before a close, or while the connection still
         * works) are verified and kept in out: a receipt once received is
         * never thrown away. */
        run_keep(r);
        run_forget(r);
        if (r->entries != NULL && r->done < r->n)
            heads_forget(c->heads, r->pubkey, NULL);
    }
    return rc;
}

/* The checks and setup both calls share. */
static int run_start(run *r, lh_conn *c, lh_receipt *out, size_t n, size_t *done, lh_err *err)
{
    if (done != NULL)
        *done = 0;
    if (out != NULL && n <= SIZE_MAX / sizeof *out)
        memset(out, 0, n * sizeof *out);
    if (c == NULL || (out == NULL && n > 0) || done == NULL)
        return lh_err_set(err, LH_EINVAL, "append: NULL argument");
    memset(r, 0, sizeof *r);
    r->c = c;
    r->out = out;
    r->n = n;
    return 0;
}

int lh_append_many(lh_conn *c, const lh_key *key, const Liuhen__Entry *const *entries, size_t n,
                   lh_receipt *out, size_t *done, lh_err *err)
{
    run r;
    int rc = run_start(&r, c, out, n, done, err);
    if (rc != 0)
        return rc;
    if (key == NULL || (entries == NULL && n > 0))
        return lh_err_set(err, LH_EINVAL, "append: NULL argument");
    for (size_t i = 0; i < n; i++)
        if (entries[i] == NULL)
            return lh_err_set(err, LH_EINVAL, "append: entry %zu of %zu is NULL", i + 1, n);
    r.key = key;
    r.pubkey = keyfile_key_pubkey(key);
    r.entries = entries;
    return run_go(&r, done, err);
}

int lh_append_signed_many(lh_conn *c, const uint8_t *const *signed_entries, const size_t *lens,
                          size_t n, lh_receipt *out, size_t *done, lh_err *err)
{
    run r;
    int rc = run_start(&r, c, out, n, done, err);
    if (rc != 0)
        return rc;
    if ((signed_entries == NULL || lens == NULL) && n > 0)
        return lh_err_set(err, LH_EINVAL, "append: NULL argument");
    r.signed_entries = signed_entries;
    r.lens = lens;
    return run_go(&r, done, err);
}
