/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * reads.c — entries, cases, keys and the daemon's status, each checked
 * before it is returned (liuhen.h: lh_get_entries(), lh_find_entry(),
 * lh_get_case(), lh_get_keys(), lh_status()).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "entry.h"
#include "handle.h"
#include "proofs.h"
#include "quote.h"
#include "text.h"
#include "validate.h"

/* ------------------------------------------------------------------------ */
/* Entries and cases. */

void lh_logged_entry_free(lh_logged_entry *it)
{
    if (it == NULL)
        return;
    free(it->leaf);
    if (it->entry != NULL)
        liuhen__entry__free_unpacked(it->entry, NULL);
    free(it->audit_path);
    memset(it, 0, sizeof *it);
}

static void items_free(lh_logged_entry *items, size_t count)
{
    for (size_t i = 0; i < count; i++)
        lh_logged_entry_free(&items[i]);
    free(items);
}

void lh_entries_free(lh_entries *e)
{
    if (e == NULL)
        return;
    items_free(e->items, e->count);
    memset(e, 0, sizeof *e);
}

void lh_case_free(lh_case *c)
{
    if (c == NULL)
        return;
    items_free(c->items, c->count);
    lh_checkpoint_free(&c->checkpoint);
    memset(c, 0, sizeof *c);
}

/*
 * Decode a logged entry strictly and verify its signature; the leaf hash is
 * computed here. Errors name the entry's index.
 */
static int parse_logged(const lh_conn *c, const Liuhen__LoggedEntry *le, lh_logged_entry *it,
                        const char *what, lh_err *err)
{
    it->index = le->index;
    if (le->leaf.len == 0)
        return lh_err_set(err, LH_EPARSE, "%s: entry %" PRIu64 ": empty leaf", what, le->index);
    if (le->leaf.len > ENTRY_LEAF_MAX)
        return lh_err_set(err, LH_ETOOBIG, "%s: entry %" PRIu64 ": a leaf of %zu bytes", what,
                          le->index, le->leaf.len);
    it->leaf = malloc(le->leaf.len);
    if (it->leaf == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    memcpy(it->leaf, le->leaf.data, le->leaf.len);
    it->leaf_len = le->leaf.len;
    entry_leaf_hash(it->leaf, it->leaf_len, it->leaf_hash);

    lh_err e = {{0}};
    int rc = entry_leaf_unpack(it->leaf, it->leaf_len, &it->signed_entry, &it->signed_entry_len,
                               &it->integrated_at, &e);
    if (rc != 0)
        return lh_err_set(err, rc, "%s: entry %" PRIu64 ": leaf: %s", what, le->index, e.msg);
    rc = entry_signed_unpack(it->signed_entry, it->signed_entry_len, &it->entry_bytes,
                             &it->entry_len, &it->signature, &e);
    if (rc != 0)
        return lh_err_set(err, rc, "%s: entry %" PRIu64 ": signed entry: %s", what, le->index,
                          e.msg);
    entry_id(it->entry_bytes, it->entry_len, it->entry_id);
    rc = validate_entry(it->entry_bytes, it->entry_len, c->log_key.name, &it->entry, &e);
    if (rc != 0)
        return lh_err_set(err, rc, "%s: entry %" PRIu64 ": %s", what, le->index, e.msg);
    rc = entry_verify(it->entry_bytes, it->entry_len, it->signature, it->entry->author_key.data);
    if (rc != 0) {
        char hex[17];
        sodium_bin2hex(hex, sizeof hex, it->entry->author_key.data, 8);
        return lh_err_set(err, rc,
                          "%s: entry %" PRIu64
                          ": the signature does not verify with its author key %s...",
                          what, le->index, hex);
    }
    return 0;
}

int lh_get_entries(lh_conn *c, uint64_t start, uint32_t count, lh_entries *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "entries: NULL argument");
    char what[WHAT_MAX];
    snprintf(what, sizeof what, "entries from %" PRIu64, start);
    if (count == 0)
        return lh_err_set(err, LH_EINVAL, "%s: count is 0", what);
    int64_t deadline = conn_deadline(&c->t);
    Liuhen__GetEntriesRequest q = LIUHEN__GET_ENTRIES_REQUEST__INIT;
    q.start = start;
    q.count = count;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_ENTRIES;
    req.get_entries = &q;
    Liuhen__Response *r;
    int rc = conn_fetch(&c->t, &req, LIUHEN__RESPONSE__RESULT_GET_ENTRIES, "entries", &r, deadline,
                        what, err);
    if (rc != 0)
        return rc;
    size_t n = r->get_entries->n_entries;
    if (n > count)
        rc = lh_err_set(err, LH_EPROTO, "%s: %zu entries returned, %" PRIu32 " asked for", what, n,
                        count);
    lh_logged_entry *items = NULL;
    if (rc == 0 && n > 0 && (items = calloc(n, sizeof *items)) == NULL)
        rc = lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const Liuhen__LoggedEntry *le = r->get_entries->entries[i];
        if (le->index < start || le->index - start != i)
            rc = lh_err_set(err, LH_EPROTO,
                            "%s: entry %" PRIu64 " returned where entry %" PRIu64 " was expected",
                            what, le->index, start + i);
        else
            rc = parse_logged(c, le, &items[i], what, err);
    }
    liuhen__response__free_unpacked(r, NULL);
    if (rc != 0) {
        items_free(items, items != NULL ? n : 0);
        return rc;
    }
    out->items = items;
    out->count = n;
    return 0;
}

/*
 * The entry t names, proved against the latest checkpoint: where the log
 * says it is, and what is there, that leaf (holding an entry of id `id`
 * when id is not NULL).
 */
static int entry_proved(lh_conn *c, const handle_target *t, const uint8_t *id, lh_logged_entry *out,
                        const char *what, lh_err *err)
{
    lh_inclusion p;
    int rc = proofs_inclusion(c, t, 0, &p, what, err);
    if (rc != 0)
        return rc;
    lh_entries got;
    rc = lh_get_entries(c, p.leaf_index, 1, &got, err);
    if (rc == 0 && (got.count != 1 || got.items[0].index != p.leaf_index))
        rc = lh_err_set(err, LH_EPROTO, "%s: entry %" PRIu64 " was not returned", what,
                        p.leaf_index);
    else if (rc == 0 && memcmp(got.items[0].leaf_hash, p.leaf_hash, LH_HASH_SIZE) != 0)
        rc = lh_err_set(err, LH_EPROOF,
                        "%s: entry %" PRIu64 " as returned is not the leaf its proof is for", what,
                        p.leaf_index);
    else if (rc == 0 && id != NULL && memcmp(got.items[0].entry_id, id, LH_HASH_SIZE) != 0)
        rc = lh_err_set(err, LH_EPROOF, "%s: the log's entry %" PRIu64 " has another entry id",
                        what, p.leaf_index);
    if (rc == 0) {
        *out = got.items[0];
        memset(&got.items[0], 0, sizeof got.items[0]);
        out->audit_path = p.audit_path;
        out->audit_path_len = p.audit_path_len;
        out->tree_size = p.tree_size;
        p.audit_path = NULL;
    }
    lh_entries_free(&got);
    lh_inclusion_free(&p);
    return rc;
}

int lh_get_entry(lh_conn *c, uint64_t index, lh_logged_entry *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "get entry: NULL argument");
    char what[WHAT_MAX];
    snprintf(what, sizeof what, "entry %" PRIu64, index);
    handle_target t = {.by = LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_INDEX,
                       .index = index};
    return entry_proved(c, &t, NULL, out, what, err);
}

int lh_find_entry(lh_conn *c, const uint8_t id[LH_HASH_SIZE], lh_logged_entry *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || id == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "find entry: NULL argument");
    char b64[TEXT_B64_LEN(LH_HASH_SIZE)], what[WHAT_MAX];
    text_b64_encode(b64, id, LH_HASH_SIZE);
    snprintf(what, sizeof what, "entry id %s", b64);
    handle_target t = {.by = LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_ENTRY_ID, .hash = id};
    return entry_proved(c, &t, id, out, what, err);
}

/* Check entry i of a case: its proof against the checkpoint and its links. */
static int case_check(const lh_case *cs, size_t i, const Liuhen__InclusionProof *pf,
                      const char *case_id, const char *what, lh_err *err)
{
    const lh_logged_entry *it = &cs->items[i];
    const Liuhen__Entry *e = it->entry;
    if (strcmp(e->case_id, case_id) != 0) {
        char other[64];
        quote_text(other, sizeof other, e->case_id);
        return lh_err_set(err, LH_EPROOF, "%s: entry %" PRIu64 " belongs to case %s", what,
                          it->index, other[0] != '\0' ? other : "(none)");
    }
    if (pf->leaf_index != it->index || pf->tree_size != cs->checkpoint.size ||
        (pf->leaf_hash.len != 0 && (pf->leaf_hash.len != LH_HASH_SIZE ||
                                    memcmp(pf->leaf_hash.data, it->leaf_hash, LH_HASH_SIZE) != 0)))
        return lh_err_set(err, LH_EPROTO,
                          "%s: entry %" PRIu64 ": its proof is for entry %" PRIu64
                          " in a tree of size %" PRIu64,
                          what, it->index, pf->leaf_index, pf->tree_size);
    if (merkle_verify_inclusion(it->audit_path != NULL ? it->audit_path[0] : NULL,
                                it->audit_path_len, it->index, cs->checkpoint.size, it->leaf_hash,
                                cs->checkpoint.root) != 0)
        return lh_err_set(err, LH_EPROOF,
                          "%s: entry %" PRIu64
                          ": the inclusion proof does not verify against the checkpoint of size "
                          "%" PRIu64,
                          what, it->index, cs->checkpoint.size);
    /* The case chain (docs/design.md "Entries"): a dropped entry breaks the link
     * of the next one. */
    if (i == 0) {
        if (e->case_prev.len != 0)
            return lh_err_set(err, LH_EPROOF,
                              "%s: entry %" PRIu64
                              " is the first returned but its case_prev names an earlier entry: "
                              "the history is incomplete",
                              what, it->index);
        return 0;
    }
    const lh_logged_entry *prev = &cs->items[i - 1];
    if (it->index <= prev->index)
        return lh_err_set(err, LH_EPROOF,
                          "%s: entry %" PRIu64 " comes after entry %" PRIu64 ": not in log order",
                          what, it->index, prev->index);
    if (e->case_prev.len != LH_HASH_SIZE ||
        memcmp(e->case_prev.data, prev->entry_id, LH_HASH_SIZE) != 0)
        return lh_err_set(err, LH_EPROOF,
                          "%s: entry %" PRIu64 "'s case_prev does not link to entry %" PRIu64, what,
                          it->index, prev->index);
    return 0;
}

int lh_get_case(lh_conn *c, const char *case_id, lh_case *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || case_id == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "case: NULL argument");
    size_t id_len = strlen(case_id);
    if (id_len == 0 || id_len > ENTRY_CASE_ID_MAX || !handle_text_ok(case_id))
        return lh_err_set(err, LH_EINVAL,
                          "case: the case id is empty, longer than %d bytes, not UTF-8 or holds a "
                          "control character",
                          ENTRY_CASE_ID_MAX);
    char what[WHAT_MAX];
    snprintf(what, sizeof what, "case %.*s", WHAT_MAX - 8, case_id);
    int64_t deadline = conn_deadline(&c->t);
    Liuhen__GetCaseRequest q = LIUHEN__GET_CASE_REQUEST__INIT;
    q.case_id = (char *)(uintptr_t)case_id;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_CASE;
    req.get_case = &q;
    Liuhen__Response *r;
    int rc =
        conn_fetch(&c->t, &req, LIUHEN__RESPONSE__RESULT_GET_CASE, "case", &r, deadline, what, err);
    if (rc != 0)
        return rc;
    const Liuhen__GetCaseResponse *g = r->get_case;
    if (g->n_proofs != g->n_entries)
        rc = lh_err_set(err, LH_EPROTO, "%s: %zu entries but %zu proofs", what, g->n_entries,
                        g->n_proofs);
    /* The checkpoint is the log's latest: a case read from an older tree
     * could hide the case's newest entries. */
    if (rc == 0 && (g->n_entries > 0 || g->checkpoint.len > 0))
        rc = handle_accept_note(c, &g->checkpoint, UINT64_MAX, true, &out->checkpoint, deadline,
                                what, err);
    if (rc == 0 && g->n_entries > 0 &&
        (out->items = calloc(g->n_entries, sizeof *out->items)) == NULL)
        rc = lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    for (size_t i = 0; rc == 0 && i < g->n_entries; i++) {
        out->count = i + 1;
        lh_logged_entry *it = &out->items[i];
        const Liuhen__InclusionProof *pf = g->proofs[i];
        rc = parse_logged(c, g->entries[i], it, what, err);
        if (rc == 0)
            rc = handle_take_hashes(pf->audit_path, pf->n_audit_path, &it->audit_path, "audit_path",
                                    what, err);
        if (rc == 0) {
            it->audit_path_len = pf->n_audit_path;
            it->tree_size = pf->tree_size;
            rc = case_check(out, i, pf, case_id, what, err);
        }
    }
    liuhen__response__free_unpacked(r, NULL);
    if (rc != 0)
        lh_case_free(out);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Keys, status. */

void lh_keys_free(lh_keys *k)
{
    if (k == NULL)
        return;
    if (k->priv != NULL)
        liuhen__response__free_unpacked(k->priv, NULL);
    memset(k, 0, sizeof *k);
}

int lh_get_keys(lh_conn *c, lh_keys *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "keys: NULL argument");
    const char *what = "keys";
    Liuhen__GetKeysRequest q = LIUHEN__GET_KEYS_REQUEST__INIT;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_KEYS;
    req.get_keys = &q;
    Liuhen__Response *r;
    int rc = conn_fetch(&c->t, &req, LIUHEN__RESPONSE__RESULT_GET_KEYS, "keys", &r,
                        conn_deadline(&c->t), what, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; rc == 0 && i < r->get_keys->n_keys; i++) {
        const Liuhen__KeyInfo *k = r->get_keys->keys[i];
        if (k->public_key.len != LH_HASH_SIZE)
            rc = lh_err_set(err, LH_EPROTO, "%s: key %zu: a public key of %zu bytes", what, i,
                            k->public_key.len);
        else if (!handle_text_ok(k->holder) || !handle_text_ok(k->position) ||
                 !handle_text_ok(k->unit) || !handle_text_ok(k->revoke_reason))
            rc = lh_err_set(err, LH_EPROTO,
                            "%s: key %zu: a text that is not UTF-8 or holds a control character",
                            what, i);
    }
    if (rc != 0) {
        liuhen__response__free_unpacked(r, NULL);
        return rc;
    }
    out->keys = r->get_keys->keys;
    out->count = r->get_keys->n_keys;
    out->priv = r;
    return 0;
}

void lh_server_status_free(lh_server_status *s)
{
    if (s == NULL)
        return;
    free(s->origin);
    free(s->log_vkey);
    lh_checkpoint_free(&s->checkpoint);
    for (size_t i = 0; i < s->nwitnesses; i++) {
        free(s->witnesses[i].name);
        free(s->witnesses[i].url);
        free(s->witnesses[i].last_error);
    }
    free(s->witnesses);
    memset(s, 0, sizeof *s);
}

/* A histogram of the daemon's, checked: bounds increasing and finite, one
 * count per bucket and one above, counts adding up. */
static int histogram_in(const Liuhen__Histogram *h, lh_histogram *out, const char *name,
                        lh_err *err)
{
    memset(out, 0, sizeof *out);
    if (h == NULL)
        return 0;
    if (h->n_upper_bounds > LH_HIST_MAX || h->n_counts != h->n_upper_bounds + 1)
        return lh_err_set(err, LH_EPROTO, "status: metrics %s: %zu bounds and %zu counts", name,
                          h->n_upper_bounds, h->n_counts);
    uint64_t total = 0;
    for (size_t i = 0; i < h->n_upper_bounds; i++) {
        double b = h->upper_bounds[i];
        if (!isfinite(b) || (i > 0 && b <= h->upper_bounds[i - 1]))
            return lh_err_set(err, LH_EPROTO, "status: metrics %s: bounds not increasing", name);
        out->bounds[i] = b;
    }
    for (size_t i = 0; i < h->n_counts; i++) {
        out->counts[i] = h->counts[i];
        total += h->counts[i];
    }
    if (total != h->count || !isfinite(h->sum))
        return lh_err_set(err, LH_EPROTO, "status: metrics %s: counts do not add up", name);
    out->nbounds = h->n_upper_bounds;
    out->count = h->count;
    out->sum = h->sum;
    return 0;
}

static int metrics_in(const Liuhen__Metrics *m, lh_server_metrics *out, lh_err *err)
{
    memset(out, 0, sizeof *out);
    if (m == NULL)
        return 0;
    if (m->n_answers > sizeof out->answers / sizeof out->answers[0])
        return lh_err_set(err, LH_EPROTO, "status: metrics: %zu answer statuses", m->n_answers);
    for (size_t i = 0; i < m->n_answers; i++) {
        const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
            &liuhen__status__descriptor, m->answers[i]->status);
        if (v == NULL)
            return lh_err_set(err, LH_EPROTO, "status: metrics: unknown status %d",
                              (int)m->answers[i]->status);
        out->answers[i].status = strncmp(v->name, "STATUS_", 7) == 0 ? v->name + 7 : v->name;
        out->answers[i].count = m->answers[i]->count;
    }
    out->nanswers = m->n_answers;
    int rc;
    if ((rc = histogram_in(m->batch_entries, &out->batch_entries, "batch_entries", err)) != 0 ||
        (rc = histogram_in(m->commit_seconds, &out->commit_seconds, "commit_seconds", err)) != 0 ||
        (rc = histogram_in(m->append_seconds, &out->append_seconds, "append_seconds", err)) != 0)
        return rc;
    out->appends = m->appends;
    out->store_bytes = m->store_bytes;
    out->store_used_bytes = m->store_used_bytes;
    out->refused_connections = m->refused_connections;
    out->present = true;
    return 0;
}

int lh_status(lh_conn *c, lh_server_status *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "status: NULL argument");
    const char *what = "status";
    int64_t deadline = conn_deadline(&c->t);
    Liuhen__StatusRequest q = LIUHEN__STATUS_REQUEST__INIT;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_SERVER_STATUS;
    req.server_status = &q;
    Liuhen__Response *r;
    int rc = conn_fetch(&c->t, &req, LIUHEN__RESPONSE__RESULT_SERVER_STATUS, "status", &r, deadline,
                        what, err);
    if (rc != 0)
        return rc;
    const Liuhen__StatusResponse *s = r->server_status;
    if (!handle_text_ok(s->origin) || !handle_text_ok(s->log_vkey))
        rc = lh_err_set(err, LH_EPROTO,
                        "%s: the origin or the log key is not UTF-8 or holds a control character",
                        what);
    if (rc == 0 && (s->origin == NULL || strcmp(s->origin, c->log_key.name) != 0)) {
        char o[64];
        quote_text(o, sizeof o, s->origin);
        rc = lh_err_set(err, LH_EORIGIN, "%s: the server is the log %s, not %s", what, o,
                        c->log_key.name);
    }
    if (rc == 0 && s->checkpoint.len > 0)
        rc = handle_accept_note(c, &s->checkpoint, UINT64_MAX, true, &out->checkpoint, deadline,
                                what, err);
    if (rc == 0) {
        out->origin = strdup(s->origin);
        out->log_vkey = strdup(s->log_vkey != NULL ? s->log_vkey : "");
        if (out->origin == NULL || out->log_vkey == NULL)
            rc = lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    }
    if (rc == 0 && s->n_witnesses > 0) {
        out->witnesses = calloc(s->n_witnesses, sizeof *out->witnesses);
        if (out->witnesses == NULL)
            rc = lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
        for (size_t i = 0; rc == 0 && i < s->n_witnesses; i++) {
            const Liuhen__WitnessStatus *w = s->witnesses[i];
            lh_witness_status *o = &out->witnesses[i];
            out->nwitnesses = i + 1;
            if (!handle_text_ok(w->name) || !handle_text_ok(w->url) ||
                !handle_text_ok(w->last_error)) {
                rc = lh_err_set(err, LH_EPROTO,
                                "%s: witness %zu: a name, URL or error that is not UTF-8 or holds "
                                "a control character",
                                what, i + 1);
                break;
            }
            o->name = strdup(w->name);
            o->url = strdup(w->url);
            o->last_error = strdup(w->last_error);
            if (o->name == NULL || o->url == NULL || o->last_error == NULL)
                rc = lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
            o->cosigned_size = w->cosigned_size;
            o->cosigned_at = w->cosigned_at;
            o->last_attempt_at = w->last_attempt_at;
        }
    }
    if (rc == 0)
        rc = metrics_in(s->metrics, &out->metrics, err);
    if (rc == 0) {
        out->min_cosignatures = s->min_cosignatures;
        out->tree_size = s->tree_size;
        out->last_checkpoint_at = s->last_checkpoint_at;
        out->last_publish_at = s->last_publish_at;
        out->connections = s->connections;
        out->appends_per_second = s->appends_per_second;
        out->queue_depth = s->queue_depth;
        out->started_at = s->started_at;
    } else {
        lh_server_status_free(out);
    }
    liuhen__response__free_unpacked(r, NULL);
    return rc;
}
