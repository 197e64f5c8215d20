/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * append.c — appends and their receipts, and the chain heads they need
 * (liuhen.h: lh_append(), lh_append_signed(), lh_author_head()).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "calendar.h"
#include "entry.h"
#include "append.h"
#include "handle.h"
#include "keyfile.h"
#include "kind.h"
#include "quote.h"
#include "receipt.h"
#include "text.h"
#include "validate.h"
#include "wire.h"

_Static_assert(LH_HASH_SIZE == ENTRY_HASH_BYTES, "leaf hashes are entry hashes");
_Static_assert(LH_CASE_ID_MAX == ENTRY_CASE_ID_MAX, "the longest case id");

/* ------------------------------------------------------------------------ */
/* Appends and their receipts. */

void append_clear_keep_entry(lh_receipt *r)
{
    uint8_t *se = r->signed_entry;
    size_t len = r->signed_entry_len;
    r->signed_entry = NULL;
    lh_receipt_free(r);
    r->signed_entry = se;
    r->signed_entry_len = len;
}

/* Fill a receipt's fields from the wire, checking their shape. */
static int receipt_from_pb(const Liuhen__Receipt *pb, lh_receipt *out, const char *what,
                           lh_err *err)
{
    const Liuhen__InclusionProof *inc = pb->inclusion;
    if (pb->leaf_hash.len != LH_HASH_SIZE)
        return lh_err_set(err, LH_EPROTO, "%s: the receipt's leaf hash is %zu bytes, not %d", what,
                          pb->leaf_hash.len, LH_HASH_SIZE);
    if (pb->checkpoint.len == 0)
        return lh_err_set(err, LH_EPROTO, "%s: the receipt carries no checkpoint", what);
    if (inc == NULL)
        return lh_err_set(err, LH_EPROTO, "%s: the receipt carries no inclusion proof", what);
    if (inc->leaf_index != pb->leaf_index)
        return lh_err_set(err, LH_EPROTO,
                          "%s: the receipt is for entry %" PRIu64 ", its proof for entry %" PRIu64,
                          what, pb->leaf_index, inc->leaf_index);
    if (inc->leaf_hash.len != 0 &&
        (inc->leaf_hash.len != LH_HASH_SIZE ||
         memcmp(inc->leaf_hash.data, pb->leaf_hash.data, LH_HASH_SIZE) != 0))
        return lh_err_set(err, LH_EPROTO, "%s: the receipt's proof is for another leaf hash", what);
    if (pb->integrated_at <= 0)
        return lh_err_set(err, LH_EPROTO,
                          "%s: the receipt's integrated_at %" PRId64 " is not a positive time",
                          what, pb->integrated_at);
    uint8_t(*path)[LH_HASH_SIZE];
    int rc = handle_take_hashes(inc->audit_path, inc->n_audit_path, &path, "audit_path", what, err);
    if (rc != 0)
        return rc;
    uint8_t *note = malloc(pb->checkpoint.len);
    if (note == NULL) {
        free(path);
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    }
    memcpy(note, pb->checkpoint.data, pb->checkpoint.len);
    out->leaf_index = pb->leaf_index;
    memcpy(out->leaf_hash, pb->leaf_hash.data, LH_HASH_SIZE);
    out->integrated_at = pb->integrated_at;
    out->tree_size = inc->tree_size;
    out->checkpoint = note;
    out->checkpoint_len = pb->checkpoint.len;
    out->audit_path = path;
    out->audit_path_len = inc->n_audit_path;
    return 0;
}

/* The entry id of a SignedEntry's entry. */
int append_entry_id(const uint8_t *signed_entry, size_t len, uint8_t id[LH_HASH_SIZE])
{
    const uint8_t *entry, *sig;
    size_t entry_len;
    int rc = entry_signed_unpack(signed_entry, len, &entry, &entry_len, &sig, NULL);
    if (rc == 0)
        entry_id(entry, entry_len, id);
    return rc;
}

/*
 * A DUPLICATE answer carries the leaf logged under the entry id: the
 * receipt is for it. It must hold the same Entry bytes as the entry sent
 * (the same entry id) with a signature that verifies; it then replaces the
 * bytes sent in out->signed_entry, so that the receipt is checked against
 * what the log holds.
 */
static int adopt_logged_leaf(lh_receipt *out, const ProtobufCBinaryData *leaf, const char *what,
                             lh_err *err)
{
    const uint8_t *se, *entry, *sig;
    size_t se_len, entry_len;
    int64_t at;
    uint8_t sent[LH_HASH_SIZE], logged[LH_HASH_SIZE];
    lh_err e = {{0}};
    if (entry_leaf_unpack(leaf->data, leaf->len, &se, &se_len, &at, &e) != 0 ||
        entry_signed_unpack(se, se_len, &entry, &entry_len, &sig, &e) != 0)
        return lh_err_set(err, LH_EPROTO, "%s: the DUPLICATE answer's leaf is malformed: %s", what,
                          e.msg);
    entry_id(entry, entry_len, logged);
    if (append_entry_id(out->signed_entry, out->signed_entry_len, sent) != 0 ||
        memcmp(sent, logged, LH_HASH_SIZE) != 0)
        return lh_err_set(err, LH_EPROOF,
                          "%s: the log answered DUPLICATE with an entry of another entry id", what);
    Liuhen__Entry *parsed;
    int rc = validate_entry(entry, entry_len, NULL, &parsed, &e);
    if (rc != 0)
        return lh_err_set(err, LH_EPROOF, "%s: the logged duplicate does not validate: %s", what,
                          e.msg);
    rc = entry_verify(entry, entry_len, sig, parsed->author_key.data);
    liuhen__entry__free_unpacked(parsed, NULL);
    if (rc != 0)
        return lh_err_set(err, LH_EPROOF, "%s: the logged duplicate's signature does not verify",
                          what);
    if (se_len != out->signed_entry_len || memcmp(se, out->signed_entry, se_len) != 0) {
        uint8_t *copy = malloc(se_len);
        if (copy == NULL)
            return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
        memcpy(copy, se, se_len);
        free(out->signed_entry);
        out->signed_entry = copy;
        out->signed_entry_len = se_len;
    }
    return 0;
}

/*
 * Turn an Append response into a verified receipt in out, whose
 * signed_entry already holds the bytes sent. On failure out keeps only them.
 */
int append_finish(lh_conn *c, const Liuhen__Response *r, lh_receipt *out, int64_t deadline,
                  const char *what, lh_err *err)
{
    if (r->status != LIUHEN__STATUS__STATUS_OK && r->status != LIUHEN__STATUS__STATUS_DUPLICATE)
        return conn_refused(r, what, err);
    if (r->result_case != LIUHEN__RESPONSE__RESULT_APPEND || r->append->receipt == NULL)
        return lh_err_set(err, LH_EPROTO, "%s: the %s answer carries no receipt", what,
                          wire_status_name(r->status));
    if (r->status == LIUHEN__STATUS__STATUS_DUPLICATE && r->append->leaf.len > 0) {
        int rc = adopt_logged_leaf(out, &r->append->leaf, what, err);
        if (rc != 0)
            return rc;
    }
    int rc = receipt_from_pb(r->append->receipt, out, what, err);
    uint64_t size;
    uint8_t root[LH_HASH_SIZE];
    size_t ncos = 0;
    if (rc == 0)
        rc = handle_open_note(c, out->checkpoint, out->checkpoint_len, &size, root, &ncos, what,
                              err);
    if (rc == 0)
        rc = receipt_check_opened(out, size, root, what, err);
    bool state_failed = false;
    /* Not "latest": a DUPLICATE's receipt carries the checkpoint of the
     * batch that first logged the entry, which may be older than the last
     * one seen; it must then be a prefix of it. The consistency proof from
     * the size the request knew, when there is one, saves a round trip. */
    bool committed = false;
    if (rc == 0) {
        handle_offer_consistency(c, r->append->consistency);
        rc = handle_seen_accept(c, out->checkpoint, out->checkpoint_len, size, root, false,
                                (unsigned)ncos, &state_failed, deadline, what, err);
        c->offered.set = false;
        committed = rc != 0 && append_unchecked(rc);
    }
    if (committed) {
        /* The receipt verified: the entry is in a tree the log key signed.
         * Only its consistency with the checkpoint seen before could not
         * be asked for (the daemon stopping closes the connection after
         * the answer): a receipt once received is never thrown away. */
        char why[LH_ERR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err != NULL ? err->msg : "");
        return lh_err_set(err, LH_ECOMMITTED,
                          "%s: logged as entry %" PRIu64
                          ", but its checkpoint could not be checked against the one seen "
                          "before (%s): send the same signed entry again for the full receipt",
                          what, out->leaf_index, why);
    }
    if (rc != 0 && !state_failed)
        append_clear_keep_entry(out);
    return rc;
}

bool append_unchecked(int rc)
{
    return rc == LH_ECLOSED || rc == LH_ETIMEOUT || rc == LH_EUNAVAILABLE || rc == LH_EINTERNAL ||
           rc == LH_ENOMEM || (rc < 0 && rc > -1000);
}

void append_request(const lh_conn *c, const uint8_t *signed_entry, size_t len,
                    Liuhen__AppendRequest *q, Liuhen__Request *req)
{
    liuhen__append_request__init(q);
    q->signed_entry.data = (uint8_t *)(uintptr_t)signed_entry;
    q->signed_entry.len = len;
    q->known_size = c->have_seen ? c->seen.size : 0;
    liuhen__request__init(req);
    req->call_case = LIUHEN__REQUEST__CALL_APPEND;
    req->append = q;
}

/* Send an Append of SignedEntry bytes, exactly as they are. */
static int send_append(lh_conn *c, const uint8_t *signed_entry, size_t len, Liuhen__Response **out,
                       int64_t deadline, const char *what, lh_err *err)
{
    Liuhen__AppendRequest q;
    Liuhen__Request req;
    append_request(c, signed_entry, len, &q, &req);
    return conn_call(&c->t, &req, out, deadline, what, err);
}

void append_advance(lh_heads *h, const uint8_t id[LH_HASH_SIZE], bool in_case)
{
    h->author_seq++;
    h->has_author_head = true;
    memcpy(h->author_head, id, LH_HASH_SIZE);
    if (in_case) {
        h->case_length++;
        h->has_case_head = true;
        memcpy(h->case_head, id, LH_HASH_SIZE);
    }
}

/* One chain head from the wire: present exactly when its count is not 0. */
static int head_from(uint64_t count, const ProtobufCBinaryData *head, bool *has,
                     uint8_t out[LH_HASH_SIZE], const char *name, const char *count_name,
                     const char *what, lh_err *err)
{
    if (count == 0 ? head->len != 0 : head->len != LH_HASH_SIZE)
        return lh_err_set(err, LH_EPROTO, "%s: %s head of %zu bytes with %s %" PRIu64, what, name,
                          head->len, count_name, count);
    if (count != 0) {
        *has = true;
        memcpy(out, head->data, LH_HASH_SIZE);
    }
    return 0;
}

/* Heads from the wire: a head is present exactly when its count is not 0. */
int append_heads_from(const Liuhen__Heads *h, bool want_case, lh_heads *out, const char *what,
                      lh_err *err)
{
    memset(out, 0, sizeof *out);
    if (h == NULL)
        return lh_err_set(err, LH_EPROTO, "%s: the response carries no heads", what);
    out->author_seq = h->author_seq;
    int rc = head_from(h->author_seq, &h->author_head, &out->has_author_head, out->author_head,
                       "author", "author seq", what, err);
    if (rc != 0 || !want_case)
        return rc; /* a case head nobody asked for names no chain of ours */
    out->case_length = h->case_length;
    return head_from(h->case_length, &h->case_head, &out->has_case_head, out->case_head, "case",
                     "case length", what, err);
}

int append_fetch_heads(lh_conn *c, const uint8_t key[LH_HASH_SIZE], const char *case_id,
                       lh_heads *out, int64_t deadline, const char *what, lh_err *err)
{
    bool want_case = case_id != NULL && case_id[0] != '\0';
    Liuhen__GetAuthorHeadRequest q = LIUHEN__GET_AUTHOR_HEAD_REQUEST__INIT;
    q.author_key.data = (uint8_t *)(uintptr_t)key;
    q.author_key.len = LH_HASH_SIZE;
    if (want_case)
        q.case_id = (char *)(uintptr_t)case_id;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_AUTHOR_HEAD;
    req.get_author_head = &q;
    Liuhen__Response *r;
    int rc = conn_fetch(&c->t, &req, LIUHEN__RESPONSE__RESULT_GET_AUTHOR_HEAD, "author head", &r,
                        deadline, what, err);
    if (rc != 0)
        return rc;
    rc = append_heads_from(r->get_author_head->heads, want_case, out, what, err);
    liuhen__response__free_unpacked(r, NULL);
    return rc;
}

bool append_heads_equal(const lh_heads *a, const lh_heads *b)
{
    return a->author_seq == b->author_seq && a->case_length == b->case_length &&
           memcmp(a->author_head, b->author_head, LH_HASH_SIZE) == 0 &&
           memcmp(a->case_head, b->case_head, LH_HASH_SIZE) == 0;
}

/*
 * Fill the chain links of a copy of the caller's entry from the heads,
 * validate it, sign it and pack the SignedEntry into *out (malloc'd).
 */
int append_sign(lh_conn *c, const keyfile_key *key, const Liuhen__Entry *tmpl, const lh_heads *h,
                int64_t recorded_at, uint8_t **out, size_t *out_len, const char *what, lh_err *err)
{
    *out = NULL;
    uint8_t author_key[LH_HASH_SIZE], author_prev[LH_HASH_SIZE], case_prev[LH_HASH_SIZE];
    memcpy(author_key, keyfile_key_pubkey(key), LH_HASH_SIZE);
    memcpy(author_prev, h->author_head, LH_HASH_SIZE);
    memcpy(case_prev, h->case_head, LH_HASH_SIZE);
    if (h->author_seq == UINT64_MAX)
        return lh_err_set(err, LH_ERANGE, "%s: the author's sequence is exhausted", what);

    /* A shallow copy: the caller's message is never written, and the copy
     * shares its body, refs and attachments only to read them. */
    Liuhen__Entry e = *tmpl;
    e.origin = c->log_key.name;
    e.author_key = (ProtobufCBinaryData){LH_HASH_SIZE, author_key};
    e.author_seq = h->author_seq + 1;
    e.author_prev = h->has_author_head ? (ProtobufCBinaryData){LH_HASH_SIZE, author_prev}
                                       : (ProtobufCBinaryData){0, NULL};
    e.case_prev = h->has_case_head ? (ProtobufCBinaryData){LH_HASH_SIZE, case_prev}
                                   : (ProtobufCBinaryData){0, NULL};
    e.recorded_at = recorded_at;
    if (e.case_id == NULL)
        e.case_id = "";

    size_t len = liuhen__entry__get_packed_size(&e);
    if (len > ENTRY_MAX_SIZE)
        return lh_err_set(err, LH_ETOOBIG,
                          "%s: the entry is %zu bytes, more than the %d a leaf can hold", what, len,
                          ENTRY_MAX_SIZE);
    size_t msg_cap = ENTRY_SIG_CONTEXT_LEN + len;
    uint8_t *bytes = malloc(len > 0 ? len : 1);
    uint8_t *msg = malloc(msg_cap);
    size_t signed_cap = ENTRY_SIGNED_SIZE(len);
    uint8_t *signed_buf = malloc(signed_cap);
    int rc = 0;
    if (bytes == NULL || msg == NULL || signed_buf == NULL) {
        rc = lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
        goto done;
    }
    liuhen__entry__pack(&e, bytes);

    /* Refuse here, naming the field, what the server would refuse. */
    lh_err ve = {{0}};
    rc = validate_entry(bytes, len, c->log_key.name, NULL, &ve);
    if (rc != 0) {
        lh_err_set(err, rc, "%s: the entry is not valid: %s", what, ve.msg);
        goto done;
    }
    size_t msg_len, signed_len;
    uint8_t sig[ENTRY_SIG_BYTES];
    rc = entry_sig_input(bytes, len, msg, msg_cap, &msg_len);
    if (rc == 0)
        rc = keyfile_sign(key, msg, msg_len, sig);
    if (rc == 0)
        rc = entry_signed_pack(bytes, len, sig, signed_buf, signed_cap, &signed_len);
    if (rc != 0) {
        lh_err_set(err, rc, "%s: signing failed: %s", what, lh_strerror(rc));
        goto done;
    }
    *out = signed_buf;
    *out_len = signed_len;
    signed_buf = NULL;
done:
    free(bytes);
    free(msg);
    free(signed_buf);
    return rc;
}

/* The context of an append for messages: its case, or its kind. */
void append_what(char what[WHAT_MAX], const Liuhen__Entry *e)
{
    if (e->case_id != NULL && e->case_id[0] != '\0') {
        char id[WHAT_MAX - 16];
        quote_text(id, sizeof id, e->case_id);
        snprintf(what, WHAT_MAX, "append: case %s", id);
    } else {
        snprintf(what, WHAT_MAX, "append: %s entry", kind_name(e->kind));
    }
}

int lh_append(lh_conn *c, const lh_key *key, const Liuhen__Entry *entry, lh_receipt *out,
              lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || key == NULL || entry == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "append: NULL argument");
    int64_t deadline = conn_deadline(&c->t);
    char what[WHAT_MAX];
    append_what(what, entry);
    const uint8_t *pubkey = keyfile_key_pubkey(key);
    /* Fixed once: a retry changes only the chain links, never the record. */
    int64_t recorded_at = entry->recorded_at != 0 ? entry->recorded_at : calendar_now_ms();

    bool want_case = entry->case_id != NULL && entry->case_id[0] != '\0';
    lh_heads h, used;
    /* The heads this handle's last append by the key (and to the case)
     * left: no GetAuthorHead is needed to chain the next one. */
    bool have_heads = heads_get(c->heads, pubkey, entry->case_id, &h);
    char conflict[QUOTE_MESSAGE_MAX] = "";
    for (int attempt = 1; attempt <= LH_APPEND_MAX_ATTEMPTS; attempt++) {
        int rc;
        if (!have_heads &&
            (rc = append_fetch_heads(c, pubkey, entry->case_id, &h, deadline, what, err)) != 0)
            return rc;
        /* CONFLICT means "the heads moved": if they did not, signing the
         * same links again cannot help. */
        if (attempt > 1 && append_heads_equal(&h, &used))
            return lh_err_set(err, LH_ECONFLICT,
                              "%s: the server answered CONFLICT but the heads it reports did not "
                              "move (author seq %" PRIu64 ", case length %" PRIu64 "): %s",
                              what, h.author_seq, h.case_length, conflict);
        used = h;

        uint8_t *signed_entry = NULL;
        size_t signed_len = 0;
        rc = append_sign(c, key, entry, &h, recorded_at, &signed_entry, &signed_len, what, err);
        if (rc != 0)
            return rc;
        free(out->signed_entry);
        out->signed_entry = signed_entry;
        out->signed_entry_len = signed_len;

        Liuhen__Response *r;
        rc = send_append(c, signed_entry, signed_len, &r, deadline, what, err);
        if (rc != 0) {
            heads_forget(c->heads, pubkey, entry->case_id);
            return rc;
        }
        if (r->status != LIUHEN__STATUS__STATUS_CONFLICT) {
            bool logged_now = r->status == LIUHEN__STATUS__STATUS_OK;
            rc = append_finish(c, r, out, deadline, what, err);
            liuhen__response__free_unpacked(r, NULL);
            /* A new entry is the head of its author's chain and of its
             * case's (docs/design.md "Entries": chains by entry id). */
            uint8_t id[LH_HASH_SIZE];
            if (rc == 0 && logged_now &&
                append_entry_id(out->signed_entry, out->signed_entry_len, id) == 0) {
                append_advance(&h, id, want_case);
                heads_put(c->heads, pubkey, entry->case_id, &h);
            } else {
                heads_forget(c->heads, pubkey, entry->case_id);
            }
            return rc;
        }
        quote_text(conflict, sizeof conflict, r->message);
        /* The heads a CONFLICT carries are the writer's own, fresher than
         * a read of the store and one round trip nearer: sign against them
         * at once. When they are missing, malformed, or the ones just used
         * (so they explain nothing), ask for the heads again. */
        lh_err ignored = {{0}};
        have_heads = r->result_case == LIUHEN__RESPONSE__RESULT_APPEND &&
                     append_heads_from(r->append->heads, want_case, &h, what, &ignored) == 0 &&
                     !append_heads_equal(&h, &used);
        liuhen__response__free_unpacked(r, NULL);
        if (have_heads)
            heads_put(c->heads, pubkey, entry->case_id, &h);
        else
            heads_forget(c->heads, pubkey, entry->case_id);
        /* No pause before the next attempt: it already waits for a whole
         * batch to commit, so it cannot spin, and a pause would only let
         * writers that are not retrying take the case head first again
         * (measured against liuhend: after a pause a retrying writer lost
         * nearly every later race). */
    }
    return lh_err_set(err, LH_ECONFLICT,
                      "%s: the chain heads kept moving: still CONFLICT after %d attempts (%s)",
                      what, LH_APPEND_MAX_ATTEMPTS, conflict);
}

int lh_append_signed(lh_conn *c, const uint8_t *signed_entry, size_t len, lh_receipt *out,
                     lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || signed_entry == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "append: NULL argument");
    int64_t deadline = conn_deadline(&c->t);
    const uint8_t *entry, *sig;
    size_t entry_len;
    lh_err e = {{0}};
    int rc = entry_signed_unpack(signed_entry, len, &entry, &entry_len, &sig, &e);
    if (rc != 0)
        return lh_err_set(err, rc, "append: the signed entry is malformed: %s", e.msg);
    Liuhen__Entry *parsed;
    rc = validate_entry(entry, entry_len, c->log_key.name, &parsed, &e);
    if (rc != 0)
        return lh_err_set(err, rc, "append: the signed entry is not valid: %s", e.msg);
    char what[WHAT_MAX];
    append_what(what, parsed);
    rc = entry_verify(entry, entry_len, sig, parsed->author_key.data);
    liuhen__entry__free_unpacked(parsed, NULL);
    if (rc != 0)
        return lh_err_set(err, rc, "%s: the entry's signature does not verify with its author key",
                          what);

    out->signed_entry = malloc(len);
    if (out->signed_entry == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    memcpy(out->signed_entry, signed_entry, len);
    out->signed_entry_len = len;
    Liuhen__Response *r;
    rc = send_append(c, out->signed_entry, len, &r, deadline, what, err);
    if (rc != 0)
        return rc;
    rc = append_finish(c, r, out, deadline, what, err);
    liuhen__response__free_unpacked(r, NULL);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Heads. */

int lh_author_head(lh_conn *c, const uint8_t author_key[LH_HASH_SIZE], const char *case_id,
                   lh_heads *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || author_key == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "author head: NULL argument");
    if (case_id != NULL && (strlen(case_id) > ENTRY_CASE_ID_MAX || !handle_text_ok(case_id)))
        return lh_err_set(err, LH_EINVAL,
                          "author head: the case id is longer than %d bytes, not UTF-8 or holds a "
                          "control character",
                          ENTRY_CASE_ID_MAX);
    char hex[17];
    sodium_bin2hex(hex, sizeof hex, author_key, 8);
    char what[WHAT_MAX];
    snprintf(what, sizeof what, "author head of %s...", hex);
    return append_fetch_heads(c, author_key, case_id, out, conn_deadline(&c->t), what, err);
}
