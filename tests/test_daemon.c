/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_daemon.c — a real liuhend in a temporary directory, driven through
 * the client library (client/liuhen.h) and through raw frames.
 *
 * What must be true: every kind appended by a key with the right
 * role and refused for a key without it; unknown, revoked keys; wrong
 * origin; bad signature; CONFLICT and retry; DUPLICATE returns the first
 * receipt; parallel clients on interleaved cases with every receipt
 * verified; restart keeps everything and later checkpoints are consistent
 * with earlier ones; SIGTERM with appends in flight; malformed frames
 * answered or closed while another client keeps working; the published
 * tiles and checkpoint verify with the format core.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "checkpoint.h"
#include "daemon.h"
#include "entry.h"
#include "keyfile.h"
#include "ledger.h"
#include "liuhen.h"
#include "merkle.h"
#include "note.h"
#include "testutil.h"
#include "text.h"
#include "wire.h"

/* ---- helpers ------------------------------------------------------------ */

/* Sign an Entry as given (no heads filled in) into SignedEntry bytes. */
static uint8_t *sign_raw(const keyfile_key *key, Liuhen__Entry *e, size_t *len)
{
    size_t elen = liuhen__entry__get_packed_size(e);
    uint8_t *ebuf = malloc(elen);
    assert_non_null(ebuf);
    liuhen__entry__pack(e, ebuf);
    uint8_t *input = malloc(ENTRY_SIG_INPUT_MAX);
    assert_non_null(input);
    size_t ilen = 0;
    assert_int_equal(entry_sig_input(ebuf, elen, input, ENTRY_SIG_INPUT_MAX, &ilen), 0);
    uint8_t sig[64];
    assert_int_equal(keyfile_sign(key, input, ilen, sig), 0);
    uint8_t *out = malloc(ENTRY_SIGNED_MAX);
    assert_non_null(out);
    assert_int_equal(entry_signed_pack(ebuf, elen, sig, out, ENTRY_SIGNED_MAX, len), 0);
    free(input);
    free(ebuf);
    return out;
}

/* Fill the chain links of an entry from the server's heads, as lh_append
 * does, so that a test can then spoil one field before signing. */
static void fill_heads(lh_conn *c, const char *origin, const keyfile_key *key, Liuhen__Entry *e,
                       uint8_t author_prev[32], uint8_t case_prev[32])
{
    lh_heads h;
    lh_err err = {{0}};
    tu_assert_code(
        lh_author_head(c, keyfile_key_pubkey(key), e->case_id[0] ? e->case_id : NULL, &h, &err), 0,
        &err);
    if (e->origin != protobuf_c_empty_string)
        free(e->origin);
    e->origin = strdup(origin);
    e->author_key.data = (uint8_t *)keyfile_key_pubkey(key);
    e->author_key.len = 32;
    e->author_seq = h.author_seq + 1;
    memcpy(author_prev, h.author_head, 32);
    memcpy(case_prev, h.case_head, 32);
    e->author_prev.data = h.has_author_head ? author_prev : NULL;
    e->author_prev.len = h.has_author_head ? 32 : 0;
    e->case_prev.data = h.has_case_head ? case_prev : NULL;
    e->case_prev.len = h.has_case_head ? 32 : 0;
    if (e->recorded_at == 0)
        e->recorded_at = (int64_t)time(NULL) * 1000;
}

/* The fields fill_heads() pointed at caller memory are detached before free. */
static void entry_free_raw(Liuhen__Entry *e)
{
    e->author_key.data = NULL;
    e->author_key.len = 0;
    e->author_prev.data = NULL;
    e->author_prev.len = 0;
    e->case_prev.data = NULL;
    e->case_prev.len = 0;
    tl_entry_free(e);
}

/* ---- raw frames --------------------------------------------------------- */

/* Send one Append of these SignedEntry bytes on a raw connection, as a
 * client that does not check anything would, and return the response. */
static Liuhen__Response *raw_append(const td_daemon *d, const uint8_t *signed_entry, size_t len,
                                    uint64_t id)
{
    Liuhen__AppendRequest ar = LIUHEN__APPEND_REQUEST__INIT;
    ar.signed_entry.data = (uint8_t *)(uintptr_t)signed_entry;
    ar.signed_entry.len = len;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.id = id;
    req.call_case = LIUHEN__REQUEST__CALL_APPEND;
    req.append = &ar;
    uint8_t *buf = NULL;
    size_t len_frames = 0;
    tl_put_request(&buf, &len_frames, &req);
    Liuhen__Response *resp = tl_raw_call(d, buf, len_frames);
    free(buf);
    assert_int_equal(resp->id, id);
    return resp;
}

/* ---- the tests ---------------------------------------------------------- */

typedef struct users {
    keyfile_key *handler, *legal, *leader, *investigator, *outsider;
} users;

static void users_enroll(lh_conn *c, const td_daemon *d, users *u)
{
    u->handler = tl_new_key("王办案");
    u->legal = tl_new_key("李法规");
    u->leader = tl_new_key("张局长");
    u->investigator = tl_new_key("赵调查");
    u->outsider = tl_new_key("陌生人");
    tl_enroll(c, d, u->handler, "[\"ROLE_HANDLER\"]");
    tl_enroll(c, d, u->legal, "[\"legal\"]");
    tl_enroll(c, d, u->leader, "[\"leader\"]");
    tl_enroll(c, d, u->investigator, "[\"investigator\"]");
}

static void users_free(users *u)
{
    keyfile_key_free(u->handler);
    keyfile_key_free(u->legal);
    keyfile_key_free(u->leader);
    keyfile_key_free(u->investigator);
    keyfile_key_free(u->outsider);
}

/* One kind: who may append it, who may not, and a body. */
typedef struct kind_case {
    const char *body_json; /* the record without header fields */
    int allowed;           /* index into users (0 handler, 1 legal, 2 leader, 3 investigator) */
    int refused;
} kind_case;

static keyfile_key *user_at(users *u, int i)
{
    keyfile_key *all[] = {u->handler, u->legal, u->leader, u->investigator, u->outsider};
    return all[i];
}

/* Every kind of the docs/design.md table, in an order that a real case follows:
 * the complaint opens the case, the rest continue it. */
static void test_every_kind_and_role(void **state)
{
    (void)state;
    td_daemon d;
    lh_conn *c = tl_start(&d, NULL);
    users u;
    users_enroll(c, &d, &u);

    static const kind_case kinds[] = {
        {"\"kind\":\"KIND_COMPLAINT\",\"complaint\":{\"summary\":\"处罚显失公正\","
         "\"conducts\":[\"CONDUCT_MANIFESTLY_UNFAIR\"],\"jurisdiction\":\"accepted\"}",
         1, 0},
        {"\"kind\":\"KIND_INTERFERENCE\",\"interference\":{\"place\":\"办公室\",\"content\":"
         "\"为当事人说情\",\"manner\":\"phone\",\"person\":{\"name\":\"刘某\",\"relation\":"
         "\"retired\"},\"response\":\"refused\",\"reported_to\":\"legal-section\"}",
         0, 3},
        {"\"kind\":\"KIND_GUIDANCE\",\"guidance\":{\"form\":\"written\",\"content\":\"依法办理\"}",
         2, 3},
        {"\"kind\":\"KIND_TRANSFER\",\"transfer\":{\"to_authority\":\"区司法局\"}", 1, 0},
        {"\"kind\":\"KIND_REPLY\",\"reply\":{\"content\":\"已受理\"}", 1, 0},
        {"\"kind\":\"KIND_INVESTIGATION_ASSIGNED\",\"investigation_assigned\":{\"scope\":\"全案\"}",
         2, 1},
        {"\"kind\":\"KIND_INVESTIGATION_STEP\",\"investigation_step\":{\"method\":\"review-files\","
         "\"summary\":\"调阅案卷\"}",
         3, 0},
        {"\"kind\":\"KIND_DECISION\",\"decision\":{\"wrongful_case\":true,\"summary\":\"错案\"}", 2,
         1},
        {"\"kind\":\"KIND_REVIEW_ORDER\",\"review_order\":{\"action\":\"reinvestigate\"}", 2, 0},
        {"\"kind\":\"KIND_APPEAL\",\"appeal\":{\"type\":\"statement-defence\",\"grounds\":"
         "\"不服\"}",
         0, 4},
        {"\"kind\":\"KIND_NOTIFICATION\",\"notification\":{\"subject\":\"interference\"}", 1, 0},
        {"\"kind\":\"KIND_CASE_CLOSED\",\"case_closed\":{\"summary\":\"结案\"}", 1, 0},
    };
    static const int want_refusal[] = {LH_EPERM, LH_EPERM, LH_EPERM, LH_EPERM, LH_EUNKNOWNKEY};

    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char json[2048];
        snprintf(json, sizeof json, "{\"case_id\":\"QJ-2026-7\",%s}", kinds[i].body_json);
        lh_receipt r = {0};
        lh_err err = {{0}};
        /* The refused key first: its refusal must leave the case unchanged. */
        int refused = tl_append_json(c, user_at(&u, kinds[i].refused), json, &r, &err);
        if (refused != want_refusal[kinds[i].refused])
            fail_msg("kind %zu by user %d: got %s, want %s (%s)", i, kinds[i].refused,
                     lh_errname(refused), lh_errname(want_refusal[kinds[i].refused]), err.msg);
        lh_receipt_free(&r);
        tu_assert_code(tl_append_json(c, user_at(&u, kinds[i].allowed), json, &r, &err), 0, &err);
        assert_true(r.leaf_index > 0);
        lh_receipt_free(&r);
    }

    /* CORRECTION: by the original author only. The interference above was
     * the handler's; the legal section may not correct it. */
    lh_case cs = {0};
    lh_err err = {{0}};
    tu_assert_code(lh_get_case(c, "QJ-2026-7", &cs, &err), 0, &err);
    assert_int_equal(cs.count, sizeof kinds / sizeof kinds[0]);
    assert_int_equal(cs.items[1].entry->kind, LIUHEN__KIND__KIND_INTERFERENCE);
    char hash[TEXT_B64_LEN(32)];
    text_b64_encode(hash, cs.items[1].entry_id, 32);
    char json[1024];
    snprintf(json, sizeof json,
             "{\"case_id\":\"QJ-2026-7\",\"kind\":\"KIND_CORRECTION\",\"correction\":{"
             "\"corrects\":\"%s\",\"reason\":\"地点记错\",\"changes\":[{\"field\":"
             "\"interference.place\",\"old_value\":\"办公室\",\"new_value\":\"走廊\"}]}}",
             hash);
    lh_receipt r = {0};
    tu_assert_code(tl_append_json(c, u.legal, json, &r, &err), LH_EPERM, &err);
    lh_receipt_free(&r);
    tu_assert_code(tl_append_json(c, u.handler, json, &r, &err), 0, &err);
    lh_receipt_free(&r);
    lh_case_free(&cs);

    /* Key management: only an admin. */
    keyfile_key *extra = tl_new_key("钱某");
    char pk[TEXT_B64_LEN(32)];
    text_b64_encode(pk, keyfile_key_pubkey(extra), 32);
    snprintf(json, sizeof json,
             "{\"kind\":\"KIND_KEY_ENROLL\",\"key_enroll\":{\"public_key\":\"%s\","
             "\"holder\":\"钱某\",\"roles\":[\"ROLE_ADMIN\"]}}",
             pk);
    tu_assert_code(tl_append_json(c, u.legal, json, &r, &err), LH_EPERM, &err);
    lh_receipt_free(&r);
    keyfile_key_free(extra);

    /* The keys the server reports are the ones enrolled. */
    lh_keys keys = {0};
    tu_assert_code(lh_get_keys(c, &keys, &err), 0, &err);
    assert_int_equal(keys.count, 5); /* the admin and four users */
    lh_keys_free(&keys);

    users_free(&u);
    tl_stop(&d, c);
}

/* Unknown key, revoked key (effective from the next entry), wrong origin,
 * bad signature, CONFLICT, DUPLICATE. */
static void test_refusals_conflict_duplicate(void **state)
{
    (void)state;
    td_daemon d;
    lh_conn *c = tl_start(&d, NULL);
    users u;
    users_enroll(c, &d, &u);
    lh_receipt r = {0}, r2 = {0};
    lh_err err = {{0}};
    const char *complaint =
        "{\"case_id\":\"QJ-9\",\"kind\":\"KIND_COMPLAINT\",\"complaint\":{\"summary\":\"投诉\"}}";

    tu_assert_code(tl_append_json(c, u.outsider, complaint, &r, &err), LH_EUNKNOWNKEY, &err);
    lh_receipt_free(&r);
    tu_assert_code(tl_append_json(c, u.legal, complaint, &r, &err), 0, &err);
    lh_receipt_free(&r);

    /* Wrong origin: a correctly signed entry of another log. The client
     * library refuses it before sending; the server must refuse it too. */
    Liuhen__Entry *e = tl_entry_json(complaint);
    uint8_t ap[32], cp[32];
    fill_heads(c, "other.example/log", u.legal, e, ap, cp);
    size_t len;
    uint8_t *signed_entry = sign_raw(u.legal, e, &len);
    tu_assert_code(lh_append_signed(c, signed_entry, len, &r, &err), LH_EORIGIN, &err);
    lh_receipt_free(&r);
    Liuhen__Response *resp = raw_append(&d, signed_entry, len, 76);
    assert_int_equal(resp->status, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT);
    assert_non_null(strstr(resp->message, "origin"));
    liuhen__response__free_unpacked(resp, NULL);
    free(signed_entry);

    /* Bad signature: one bit of the signature flipped. */
    fill_heads(c, d.origin, u.legal, e, ap, cp);
    signed_entry = sign_raw(u.legal, e, &len);
    signed_entry[len - 1] ^= 0x20; /* the signature is the SignedEntry's last field */
    resp = raw_append(&d, signed_entry, len, 77);
    assert_int_equal(resp->status, LIUHEN__STATUS__STATUS_BAD_SIGNATURE);
    liuhen__response__free_unpacked(resp, NULL);
    signed_entry[len - 1] ^= 0x20;

    /* DUPLICATE: the same signed bytes twice give the first receipt. */
    tu_assert_code(lh_append_signed(c, signed_entry, len, &r, &err), 0, &err);
    tu_assert_code(lh_append_signed(c, signed_entry, len, &r2, &err), 0, &err);
    assert_int_equal(r.leaf_index, r2.leaf_index);
    assert_memory_equal(r.leaf_hash, r2.leaf_hash, 32);
    assert_int_equal(r.integrated_at, r2.integrated_at);
    lh_receipt_free(&r);
    lh_receipt_free(&r2);

    /* CONFLICT: the same heads again (now stale) with other content. */
    free(e->complaint->summary);
    e->complaint->summary = strdup("另一条投诉");
    uint8_t *stale = sign_raw(u.legal, e, &len);
    tu_assert_code(lh_append_signed(c, stale, len, &r, &err), LH_ECONFLICT, &err);
    lh_receipt_free(&r);
    free(stale);
    free(signed_entry);
    entry_free_raw(e);

    /* lh_append retries a CONFLICT caused by another writer: two handles
     * append to one case alternately; each must succeed. */
    lh_conn *c2 = tl_connect(&d, NULL);
    for (int i = 0; i < 5; i++) {
        char json[256];
        snprintf(json, sizeof json,
                 "{\"case_id\":\"QJ-9\",\"kind\":\"KIND_REPLY\",\"reply\":{\"content\":\"%d\"}}",
                 i);
        tu_assert_code(tl_append_json(i % 2 ? c : c2, u.legal, json, &r, &err), 0, &err);
        lh_receipt_free(&r);
    }
    lh_close(c2);

    /* Revocation is effective from the next entry. */
    tl_revoke(c, &d, u.handler);
    tu_assert_code(tl_append_json(c, u.handler,
                                  "{\"case_id\":\"QJ-10\",\"kind\":\"KIND_INTERFERENCE\","
                                  "\"interference\":{\"content\":\"x\"}}",
                                  &r, &err),
                   LH_EREVOKED, &err);
    lh_receipt_free(&r);

    users_free(&u);
    tl_stop(&d, c);
}

/* ---- parallel clients ---------------------------------------------------- */

typedef struct worker {
    const td_daemon *d;
    const keyfile_key *key;
    int id;
    int count;
    atomic_int *acked;
    atomic_bool *stop;
    uint64_t *indexes; /* the acknowledged leaf indexes */
    uint8_t (*hashes)[32];
    int n_acked;
    int failures;
    char failure[LH_ERR_MSG_MAX + 64];
} worker;

static void *worker_run(void *arg)
{
    worker *w = arg;
    lh_options opts = {.socket_path = w->d->socket, .log_vkey = w->d->vkey, .timeout_ms = 30000};
    lh_conn *c = NULL;
    lh_err err = {{0}};
    if (lh_connect(&opts, &c, &err) != 0) {
        w->failures++;
        snprintf(w->failure, sizeof w->failure, "connect: %s", err.msg);
        return NULL;
    }
    for (int i = 0; i < w->count && !(w->stop != NULL && atomic_load(w->stop)); i++) {
        char json[256];
        /* Interleaved cases: workers share four cases. */
        snprintf(json, sizeof json,
                 "{\"case_id\":\"P-%d\",\"kind\":\"KIND_INTERFERENCE\",\"interference\":"
                 "{\"content\":\"worker %d entry %d\"}}",
                 (i + w->id) % 4, w->id, i);
        lh_receipt r = {0};
        int rc = tl_append_json(c, w->key, json, &r, &err);
        if (rc == 0) {
            w->indexes[w->n_acked] = r.leaf_index;
            memcpy(w->hashes[w->n_acked], r.leaf_hash, 32);
            w->n_acked++;
            if (w->acked != NULL)
                atomic_fetch_add(w->acked, 1);
        } else if (w->stop == NULL) {
            w->failures++;
            snprintf(w->failure, sizeof w->failure, "append %d: %s: %s", i, lh_errname(rc),
                     err.msg);
        } else {
            /* Shutting down: a refusal or a lost connection is allowed. */
            lh_receipt_free(&r);
            break;
        }
        lh_receipt_free(&r);
    }
    lh_close(c);
    return NULL;
}

/* The first case-chain check of every case P-0..P-3 through lh_get_case,
 * and every acknowledged leaf present at its index with its hash. */
static void check_acknowledged(lh_conn *c, worker *w, int nworkers, int expect_cases)
{
    lh_err err = {{0}};
    size_t total = 0;
    for (int k = 0; k < expect_cases; k++) {
        char id[16];
        snprintf(id, sizeof id, "P-%d", k);
        lh_case cs = {0};
        int rc = lh_get_case(c, id, &cs, &err);
        if (rc == LH_ENOTFOUND)
            continue;
        tu_assert_code(rc, 0, &err);
        total += cs.count;
        lh_case_free(&cs);
    }
    size_t acked = 0;
    for (int i = 0; i < nworkers; i++) {
        for (int j = 0; j < w[i].n_acked; j++) {
            lh_inclusion p = {0};
            tu_assert_code(lh_inclusion_proof_by_hash(c, w[i].hashes[j], 0, &p, &err), 0, &err);
            assert_int_equal(p.leaf_index, w[i].indexes[j]);
            lh_inclusion_free(&p);
        }
        acked += (size_t)w[i].n_acked;
    }
    /* Nothing acknowledged is missing from the cases, and nothing unknown
     * is in them (each worker's entries are its own INTERFERENCE records). */
    assert_true(total >= acked);
}

/* An author signs a run of 100 entries ahead, each naming the one before
 * by its entry id (docs/design.md "Entries"), and sends them all at once on one
 * connection: every one is logged, in order, with a verified receipt, and
 * the log's heads are the last entry's. */
#define RUN 100

static void test_pipelined_run(void **state)
{
    (void)state;
    td_daemon d;
    lh_conn *c = tl_start(&d, NULL);
    users u;
    users_enroll(c, &d, &u);
    const char *origin = lh_origin(c);
    lh_err err = {{0}};

    uint8_t *signed_entry[RUN];
    size_t signed_len[RUN];
    uint8_t prev[32], case_prev[32];
    uint64_t seq = 0;
    for (size_t i = 0; i < RUN; i++) {
        Liuhen__Entry *e = tl_entry_json("{\"case_id\":\"QJ-RUN\",\"kind\":\"KIND_INTERFERENCE\","
                                         "\"interference\":{\"content\":\"连续记录\"}}");
        if (i == 0) {
            fill_heads(c, origin, u.handler, e, prev, case_prev);
            seq = e->author_seq;
        } else {
            if (e->origin != protobuf_c_empty_string)
                free(e->origin);
            e->origin = strdup(origin);
            e->author_key = (ProtobufCBinaryData){32, (uint8_t *)keyfile_key_pubkey(u.handler)};
            e->author_seq = ++seq;
            e->author_prev = (ProtobufCBinaryData){32, prev};
            e->case_prev = (ProtobufCBinaryData){32, case_prev};
            e->recorded_at = (int64_t)time(NULL) * 1000;
        }
        signed_entry[i] = sign_raw(u.handler, e, &signed_len[i]);
        entry_free_raw(e);
        /* The next one chains to this one at once: its id is known. */
        const uint8_t *eb, *sig;
        size_t elen;
        assert_int_equal(
            entry_signed_unpack(signed_entry[i], signed_len[i], &eb, &elen, &sig, NULL), 0);
        entry_id(eb, elen, prev);
        memcpy(case_prev, prev, 32);
    }
    /* All the frames in one write. */
    uint8_t *frames = NULL;
    size_t flen = 0;
    for (size_t i = 0; i < RUN; i++) {
        Liuhen__AppendRequest ar = LIUHEN__APPEND_REQUEST__INIT;
        ar.signed_entry = (ProtobufCBinaryData){signed_len[i], signed_entry[i]};
        Liuhen__Request req = LIUHEN__REQUEST__INIT;
        req.id = 1000 + i;
        req.call_case = LIUHEN__REQUEST__CALL_APPEND;
        req.append = &ar;
        tl_put_request(&frames, &flen, &req);
    }
    int fd = tl_raw_connect(&d);
    tl_raw_write(fd, frames, flen);
    free(frames);
    uint64_t index[RUN];
    bool seen[RUN] = {false};
    for (size_t n = 0; n < RUN; n++) {
        Liuhen__Response *resp = tl_raw_response(fd);
        assert_non_null(resp);
        assert_true(resp->id >= 1000 && resp->id < 1000 + RUN);
        size_t i = (size_t)(resp->id - 1000);
        if (resp->status != LIUHEN__STATUS__STATUS_OK)
            fail_msg("entry %zu of the run: %s", i, resp->message);
        assert_false(seen[i]);
        seen[i] = true;
        /* The receipt verifies offline, for exactly the bytes sent. */
        lh_receipt r = {0};
        const Liuhen__Receipt *pr = resp->append->receipt;
        r.leaf_index = pr->leaf_index;
        memcpy(r.leaf_hash, pr->leaf_hash.data, 32);
        r.integrated_at = pr->integrated_at;
        r.tree_size = pr->inclusion->tree_size;
        r.checkpoint = pr->checkpoint.data;
        r.checkpoint_len = pr->checkpoint.len;
        uint8_t path[64][32];
        for (size_t k = 0; k < pr->inclusion->n_audit_path; k++)
            memcpy(path[k], pr->inclusion->audit_path[k].data, 32);
        r.audit_path = path;
        r.audit_path_len = pr->inclusion->n_audit_path;
        r.signed_entry = signed_entry[i];
        r.signed_entry_len = signed_len[i];
        tu_assert_code(lh_receipt_verify(&r, d.vkey, &err), 0, &err);
        index[i] = pr->leaf_index;
        liuhen__response__free_unpacked(resp, NULL);
    }
    close(fd);
    for (size_t i = 1; i < RUN; i++)
        assert_int_equal(index[i], index[i - 1] + 1);
    lh_heads h;
    tu_assert_code(lh_author_head(c, keyfile_key_pubkey(u.handler), "QJ-RUN", &h, &err), 0, &err);
    assert_int_equal(h.author_seq, seq);
    assert_memory_equal(h.author_head, prev, 32);
    assert_int_equal(h.case_length, RUN);
    assert_memory_equal(h.case_head, prev, 32);
    /* The case reads back as one unbroken chain. */
    lh_case cs = {0};
    tu_assert_code(lh_get_case(c, "QJ-RUN", &cs, &err), 0, &err);
    assert_int_equal(cs.count, RUN);
    lh_case_free(&cs);
    for (size_t i = 0; i < RUN; i++)
        free(signed_entry[i]);
    users_free(&u);
    tl_stop(&d, c);
}

/* ---- runs through lh_append_many() -------------------------------------- */

typedef struct runner {
    const td_daemon *d;
    const keyfile_key *key;
    int id, count;
    size_t done;
    lh_receipt *out;
    int rc;
    char failure[LH_ERR_MSG_MAX + 64];
} runner;

static void *runner_run(void *arg)
{
    runner *w = arg;
    lh_options opts = {.socket_path = w->d->socket, .log_vkey = w->d->vkey, .timeout_ms = 30000};
    lh_conn *c = NULL;
    lh_err err = {{0}};
    if ((w->rc = lh_connect(&opts, &c, &err)) != 0) {
        snprintf(w->failure, sizeof w->failure, "connect: %s", err.msg);
        return NULL;
    }
    Liuhen__Entry **e = calloc((size_t)w->count, sizeof *e);
    for (int i = 0; i < w->count; i++) {
        char json[256];
        snprintf(json, sizeof json,
                 "{\"case_id\":\"M-%d\",\"kind\":\"KIND_INTERFERENCE\",\"interference\":"
                 "{\"content\":\"runner %d entry %d\"}}",
                 i % 3, w->id, i);
        e[i] = tl_entry_json(json);
    }
    w->rc = lh_append_many(c, w->key, (const Liuhen__Entry *const *)e, (size_t)w->count, w->out,
                           &w->done, &err);
    if (w->rc != 0)
        snprintf(w->failure, sizeof w->failure, "%s", err.msg);
    for (int i = 0; i < w->count; i++)
        tl_entry_free(e[i]);
    free(e);
    lh_close(c);
    return NULL;
}

/* Four handles run lh_append_many() at once on three shared cases, two of
 * them with the same key (so they fight over its chain too): every entry
 * gets in exactly once with a verified receipt, and every chain holds. */
static void test_append_many_contended(void **state)
{
    (void)state;
    td_daemon d;
    lh_conn *c = tl_start(&d, NULL);
    enum { N = 4, PER = 150 };
    keyfile_key *keys[3];
    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "办案员%d", i);
        keys[i] = tl_new_key(name);
        tl_enroll(c, &d, keys[i], "[\"handler\"]");
    }
    runner w[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        w[i] = (runner){.d = &d, .key = keys[i < 2 ? 0 : i - 1], .id = i, .count = PER};
        w[i].out = calloc(PER, sizeof *w[i].out);
        assert_int_equal(pthread_create(&th[i], NULL, runner_run, &w[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    lh_err err = {{0}};
    size_t total = 0;
    for (int i = 0; i < N; i++) {
        if (w[i].rc != 0)
            fail_msg("runner %d: %s: %s", i, lh_errname(w[i].rc), w[i].failure);
        assert_int_equal(w[i].done, PER);
        for (int j = 0; j < PER; j++) {
            tu_assert_code(lh_receipt_verify(&w[i].out[j], d.vkey, &err), 0, &err);
            /* Logged at the index the receipt names. */
            lh_inclusion p = {0};
            tu_assert_code(lh_inclusion_proof_by_hash(c, w[i].out[j].leaf_hash, 0, &p, &err), 0,
                           &err);
            assert_int_equal(p.leaf_index, w[i].out[j].leaf_index);
            lh_inclusion_free(&p);
            lh_receipt_free(&w[i].out[j]);
        }
        free(w[i].out);
        total += PER;
    }
    /* The cases read back whole, each one unbroken chain (lh_get_case
     * checks the links), holding exactly the entries of the runs. */
    size_t in_cases = 0;
    for (int k = 0; k < 3; k++) {
        char id[16];
        snprintf(id, sizeof id, "M-%d", k);
        lh_case cs = {0};
        tu_assert_code(lh_get_case(c, id, &cs, &err), 0, &err);
        in_cases += cs.count;
        lh_case_free(&cs);
    }
    assert_int_equal(in_cases, total);
    lh_heads h;
    tu_assert_code(lh_author_head(c, keyfile_key_pubkey(keys[0]), NULL, &h, &err), 0, &err);
    assert_int_equal(h.author_seq, 2 * PER);
    for (int i = 0; i < 3; i++)
        keyfile_key_free(keys[i]);
    tl_stop(&d, c);
}

/* An Append that names the tree size its client knows is answered with
 * the consistency proof from it to the receipt's checkpoint. */
static void test_append_consistency(void **state)
{
    (void)state;
    td_daemon d;
    lh_conn *c = tl_start(&d, NULL);
    users u;
    users_enroll(c, &d, &u);
    lh_err err = {{0}};
    lh_checkpoint known;
    tu_assert_code(lh_get_checkpoint(c, &known, &err), 0, &err);
    assert_true(known.size > 1);
    note_verifier log_key;
    tu_assert_code(note_vkey_parse(d.vkey, strlen(d.vkey), &log_key, &err), 0, &err);

    /* Nothing known; the size known; a size beyond the log. */
    const uint64_t asks[] = {0, known.size, UINT64_MAX / 2};
    for (size_t a = 0; a < sizeof asks / sizeof asks[0]; a++) {
        Liuhen__Entry *e = tl_entry_json("{\"case_id\":\"QJ-CONS\",\"kind\":\"KIND_INTERFERENCE\","
                                         "\"interference\":{\"content\":\"x\"}}");
        uint8_t prev[32], case_prev[32];
        fill_heads(c, lh_origin(c), u.handler, e, prev, case_prev);
        size_t len;
        uint8_t *se = sign_raw(u.handler, e, &len);
        entry_free_raw(e);
        Liuhen__AppendRequest ar = LIUHEN__APPEND_REQUEST__INIT;
        ar.signed_entry = (ProtobufCBinaryData){len, se};
        ar.known_size = asks[a];
        Liuhen__Request req = LIUHEN__REQUEST__INIT;
        req.id = 7;
        req.call_case = LIUHEN__REQUEST__CALL_APPEND;
        req.append = &ar;
        uint8_t *buf = NULL;
        size_t blen = 0;
        tl_put_request(&buf, &blen, &req);
        Liuhen__Response *resp = tl_raw_call(&d, buf, blen);
        free(buf);
        free(se);
        assert_int_equal(resp->status, LIUHEN__STATUS__STATUS_OK);
        const Liuhen__Receipt *rc = resp->append->receipt;
        const Liuhen__ConsistencyProof *p = resp->append->consistency;
        if (ar.known_size == 0 || ar.known_size >= rc->inclusion->tree_size) {
            /* Nothing known, or nothing to prove: no proof. */
            assert_null(p);
        } else {
            assert_non_null(p);
            assert_int_equal(p->first, known.size);
            assert_int_equal(p->second, rc->inclusion->tree_size);
            checkpoint_opened *op = malloc(sizeof *op);
            tu_assert_code(checkpoint_open(rc->checkpoint.data, rc->checkpoint.len, &log_key, NULL,
                                           0, op, &err),
                           0, &err);
            uint8_t hashes[64][32];
            assert_true(p->n_consistency <= 64);
            for (size_t i = 0; i < p->n_consistency; i++) {
                assert_int_equal(p->consistency[i].len, 32);
                memcpy(hashes[i], p->consistency[i].data, 32);
            }
            assert_int_equal(merkle_verify_consistency(hashes[0], p->n_consistency, known.size,
                                                       op->cp.size, known.root, op->cp.root),
                             0);
            /* ... and it is the proof, not any bytes: one changed fails. */
            hashes[0][5] ^= 1;
            assert_int_not_equal(merkle_verify_consistency(hashes[0], p->n_consistency, known.size,
                                                           op->cp.size, known.root, op->cp.root),
                                 0);
            free(op);
        }
        liuhen__response__free_unpacked(resp, NULL);
    }
    lh_checkpoint_free(&known);
    users_free(&u);
    tl_stop(&d, c);
}

static void test_parallel_clients(void **state)
{
    (void)state;
    td_daemon d;
    lh_conn *c = tl_start(&d, NULL);
    enum { N = 8, PER = 40 };
    keyfile_key *keys[N];
    worker w[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "办案员%d", i);
        keys[i] = tl_new_key(name);
        tl_enroll(c, &d, keys[i], "[\"handler\"]");
        w[i] = (worker){.d = &d, .key = keys[i], .id = i, .count = PER};
        w[i].indexes = calloc(PER, sizeof *w[i].indexes);
        w[i].hashes = calloc(PER, 32);
    }
    for (int i = 0; i < N; i++)
        assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < N; i++) {
        if (w[i].failures != 0)
            fail_msg("worker %d: %s", i, w[i].failure);
        assert_int_equal(w[i].n_acked, PER);
    }
    check_acknowledged(c, w, N, 4);

    /* Every index was handed out once. */
    uint8_t *seen = calloc(N * PER + 64, 1);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < PER; j++) {
            assert_true(w[i].indexes[j] < N * PER + 64);
            assert_int_equal(seen[w[i].indexes[j]], 0);
            seen[w[i].indexes[j]] = 1;
        }
    free(seen);

    for (int i = 0; i < N; i++) {
        keyfile_key_free(keys[i]);
        free(w[i].indexes);
        free(w[i].hashes);
    }
    tl_stop(&d, c);
}

/* Restart keeps everything; checkpoints after it are consistent with the
 * ones before (the state file carries the last one across handles). */
static void test_restart_consistency(void **state)
{
    (void)state;
    td_daemon d;
    td_init_start(&d, NULL);
    lh_conn *c = tl_connect(&d, d.state);
    users u;
    users_enroll(c, &d, &u);
    lh_receipt first = {0}, r = {0};
    lh_err err = {{0}};
    tu_assert_code(tl_append_json(c, u.legal,
                                  "{\"case_id\":\"R-1\",\"kind\":\"KIND_COMPLAINT\","
                                  "\"complaint\":{\"summary\":\"重启前\"}}",
                                  &first, &err),
                   0, &err);
    lh_checkpoint before = {0};
    tu_assert_code(lh_get_checkpoint(c, &before, &err), 0, &err);
    lh_close(c);
    assert_int_equal(WEXITSTATUS(td_stop(&d, SIGTERM)), 0);

    td_start(&d, NULL);
    c = tl_connect(&d, d.state);
    tu_assert_code(tl_append_json(c, u.legal,
                                  "{\"case_id\":\"R-1\",\"kind\":\"KIND_REPLY\","
                                  "\"reply\":{\"content\":\"重启后\"}}",
                                  &r, &err),
                   0, &err);
    assert_true(r.leaf_index > first.leaf_index);
    lh_receipt_free(&r);

    lh_checkpoint after = {0};
    tu_assert_code(lh_get_checkpoint(c, &after, &err), 0, &err);
    assert_true(after.size > before.size);
    lh_consistency cons = {0};
    tu_assert_code(lh_consistency_proof(c, before.size, after.size, &cons, &err), 0, &err);
    assert_memory_equal(cons.first_root, before.root, 32);
    assert_int_equal(merkle_verify_consistency(cons.proof[0], cons.proof_len, before.size,
                                               after.size, before.root, after.root),
                     0);
    lh_consistency_free(&cons);

    /* The first receipt still proves its entry, offline and online. */
    tu_assert_code(lh_receipt_verify(&first, d.vkey, &err), 0, &err);
    lh_inclusion p = {0};
    tu_assert_code(lh_inclusion_proof_by_hash(c, first.leaf_hash, 0, &p, &err), 0, &err);
    assert_int_equal(p.leaf_index, first.leaf_index);
    lh_inclusion_free(&p);
    lh_case cs = {0};
    tu_assert_code(lh_get_case(c, "R-1", &cs, &err), 0, &err);
    assert_int_equal(cs.count, 2);
    lh_case_free(&cs);

    lh_checkpoint_free(&before);
    lh_checkpoint_free(&after);
    lh_receipt_free(&first);
    users_free(&u);
    tl_stop(&d, c);
}

/* Stop the daemon with `sig` while four clients append as fast as they can,
 * then restart it: every acknowledged append must be in the log, and the
 * log must be consistent with a checkpoint a client saw before the stop
 * (its state file would say "fork" otherwise). SIGTERM must drain and exit
 * 0; SIGKILL gives no chance to do anything: acknowledged means durable. */
static void stop_under_load(int sig)
{
    td_daemon d;
    lh_conn *c = tl_start(&d, NULL);
    enum { N = 4, PER = 4000 };
    keyfile_key *keys[N];
    worker w[N];
    pthread_t th[N];
    atomic_int acked = 0;
    atomic_bool stop = false;
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "h%d", i);
        keys[i] = tl_new_key(name);
        tl_enroll(c, &d, keys[i], "[\"handler\"]");
        w[i] = (worker){
            .d = &d, .key = keys[i], .id = i, .count = PER, .acked = &acked, .stop = &stop};
        w[i].indexes = calloc(PER, sizeof *w[i].indexes);
        w[i].hashes = calloc(PER, 32);
    }
    lh_close(c);
    for (int i = 0; i < N; i++)
        assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
    /* Let some appends through and note a checkpoint in a state file. */
    while (atomic_load(&acked) < 40)
        usleep(2000);
    char state_file[TD_PATH_MAX + 16];
    snprintf(state_file, sizeof state_file, "%s/seen.state", d.dir);
    c = tl_connect(&d, state_file);
    lh_checkpoint seen = {0};
    lh_err err = {{0}};
    tu_assert_code(lh_get_checkpoint(c, &seen, &err), 0, &err);
    lh_close(c);
    while (atomic_load(&acked) < 80)
        usleep(2000);
    int status = td_stop(&d, sig);
    atomic_store(&stop, true);
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    if (sig == SIGKILL) {
        assert_true(WIFSIGNALED(status));
    } else {
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }

    td_start(&d, NULL);
    c = tl_connect(&d, NULL);
    check_acknowledged(c, w, N, 4);
    lh_close(c);
    /* The restarted log extends the checkpoint seen before the stop. */
    c = tl_connect(&d, state_file);
    lh_checkpoint now = {0};
    tu_assert_code(lh_get_checkpoint(c, &now, &err), 0, &err);
    assert_true(now.size >= seen.size);
    lh_checkpoint_free(&now);
    lh_checkpoint_free(&seen);
    lh_close(c);
    for (int i = 0; i < N; i++) {
        keyfile_key_free(keys[i]);
        free(w[i].indexes);
        free(w[i].hashes);
    }
    td_stop_cleanup(&d);
}

static void test_sigterm_in_flight(void **state)
{
    (void)state;
    stop_under_load(SIGTERM);
}

static void test_sigkill_in_flight(void **state)
{
    (void)state;
    stop_under_load(SIGKILL);
}

/* Bad frames: each answered or closed as docs/design.md says, while another
 * client keeps working. */
static void test_bad_frames(void **state)
{
    (void)state;
    td_daemon d;
    lh_conn *c = tl_start(&d, NULL);
    lh_checkpoint cp = {0};
    lh_err err = {{0}};

    /* A valid frame holding bytes that are not a Request: answered with
     * INVALID_ARGUMENT, and the connection goes on. */
    int fd = tl_raw_connect(&d);
    static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02};
    tl_raw_frame(fd, junk, sizeof junk);
    Liuhen__Response *resp = tl_raw_response(fd);
    assert_non_null(resp);
    assert_int_equal(resp->status, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT);
    assert_true(strlen(resp->message) > 0);
    liuhen__response__free_unpacked(resp, NULL);
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    Liuhen__GetCheckpointRequest gc = LIUHEN__GET_CHECKPOINT_REQUEST__INIT;
    req.id = 5;
    req.call_case = LIUHEN__REQUEST__CALL_GET_CHECKPOINT;
    req.get_checkpoint = &gc;
    uint8_t buf[64];
    size_t len = liuhen__request__pack(&req, buf);
    tl_raw_frame(fd, buf, (uint32_t)len);
    resp = tl_raw_response(fd);
    assert_non_null(resp);
    assert_int_equal(resp->id, 5);
    assert_int_equal(resp->status, LIUHEN__STATUS__STATUS_OK);
    liuhen__response__free_unpacked(resp, NULL);

    /* A Request with no call: INVALID_ARGUMENT. */
    Liuhen__Request empty = LIUHEN__REQUEST__INIT;
    empty.id = 6;
    len = liuhen__request__pack(&empty, buf);
    tl_raw_frame(fd, buf, (uint32_t)len);
    resp = tl_raw_response(fd);
    assert_non_null(resp);
    assert_int_equal(resp->status, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT);
    liuhen__response__free_unpacked(resp, NULL);
    close(fd);

    /* An oversized frame: TOO_LARGE, then the connection is closed. */
    fd = tl_raw_connect(&d);
    uint8_t hdr[4];
    wire_put_header(hdr, WIRE_DEFAULT_MAX_FRAME + 1);
    tl_raw_write(fd, hdr, 4);
    resp = tl_raw_response(fd);
    assert_non_null(resp);
    assert_int_equal(resp->status, LIUHEN__STATUS__STATUS_TOO_LARGE);
    liuhen__response__free_unpacked(resp, NULL);
    assert_true(tl_raw_closed(fd));
    close(fd);

    /* Garbage bytes that happen to make a huge length: the same. */
    fd = tl_raw_connect(&d);
    tl_raw_write(fd, "GET / HTTP/1.1\r\n\r\n", 18);
    resp = tl_raw_response(fd);
    if (resp != NULL) {
        assert_int_not_equal(resp->status, LIUHEN__STATUS__STATUS_OK);
        liuhen__response__free_unpacked(resp, NULL);
    }
    assert_true(tl_raw_closed(fd));
    close(fd);

    /* A truncated frame, then the client goes away: the server must not
     * wait on it, nor crash. Another client is served meanwhile. */
    fd = tl_raw_connect(&d);
    wire_put_header(hdr, 100);
    tl_raw_write(fd, hdr, 4);
    tl_raw_write(fd, "abc", 3);
    tu_assert_code(lh_get_checkpoint(c, &cp, &err), 0, &err);
    lh_checkpoint_free(&cp);
    close(fd);

    /* Many bad connections at once do not block a good one. */
    int fds[20];
    for (int i = 0; i < 20; i++) {
        fds[i] = tl_raw_connect(&d);
        tl_raw_write(fds[i], hdr, 2); /* half a header, then silence */
    }
    tu_assert_code(lh_get_checkpoint(c, &cp, &err), 0, &err);
    lh_checkpoint_free(&cp);
    for (int i = 0; i < 20; i++)
        close(fds[i]);

    tl_stop(&d, c);
}

/* ---- publication -------------------------------------------------------- */

/* The published directory, read with the format core alone
 * (tl_check_tiles()): the checkpoint verifies with the log key, every tile
 * the size needs exists, the entry bundles hold leaves whose RFC 6962 tree
 * hash is the checkpoint's root, and the hash tiles at every level hold the
 * hashes of those leaves. */
static void test_published_tiles(void **state)
{
    (void)state;
    td_daemon d;
    const char *args[] = {"--checkpoint-interval", "1", NULL};
    lh_conn *c = tl_start(&d, args);
    users u;
    users_enroll(c, &d, &u);
    lh_err err = {{0}};
    for (int i = 0; i < 300; i++) {
        char json[256];
        snprintf(json, sizeof json,
                 "{\"case_id\":\"T-%d\",\"kind\":\"KIND_INTERFERENCE\",\"interference\":"
                 "{\"content\":\"记录 %d\"}}",
                 i % 7, i);
        lh_receipt r = {0};
        tu_assert_code(tl_append_json(c, u.handler, json, &r, &err), 0, &err);
        lh_receipt_free(&r);
    }
    lh_checkpoint latest = {0};
    tu_assert_code(lh_get_checkpoint(c, &latest, &err), 0, &err);
    lh_close(c);
    /* Shutdown publishes the final checkpoint. */
    assert_int_equal(WEXITSTATUS(td_stop(&d, SIGTERM)), 0);

    /* The published directory, read with the format core alone. */
    assert_true(tl_check_tiles(d.publish, &d, latest.size, latest.root, NULL) >= 3);
    lh_checkpoint_free(&latest);
    users_free(&u);

    td_cleanup(&d);
}

/* Copy a directory's regular files (the LMDB data of a stopped daemon). */
static void copy_dir(const char *from, const char *to)
{
    char cmd[3 * TD_PATH_MAX];
    snprintf(cmd, sizeof cmd, "cp -a '%s' '%s'", from, to);
    assert_int_equal(system(cmd), 0);
}

/* A restored old backup must never sign a shorter tree: liuhend refuses to
 * start on a store smaller than the published checkpoint. */
static void test_restored_backup_refused(void **state)
{
    (void)state;
    td_daemon d;
    lh_conn *c = tl_start(&d, NULL);
    users u;
    users_enroll(c, &d, &u);
    lh_close(c);
    assert_int_equal(WEXITSTATUS(td_stop(&d, SIGTERM)), 0);
    char old[TD_PATH_MAX + 16];
    snprintf(old, sizeof old, "%s/old-data", d.dir);
    copy_dir(d.data, old);

    td_start(&d, NULL);
    c = tl_connect(&d, NULL);
    lh_receipt r = {0};
    lh_err err = {{0}};
    tu_assert_code(tl_append_json(c, u.legal,
                                  "{\"case_id\":\"B-1\",\"kind\":\"KIND_COMPLAINT\","
                                  "\"complaint\":{\"summary\":\"备份之后\"}}",
                                  &r, &err),
                   0, &err);
    lh_receipt_free(&r);
    lh_close(c);
    assert_int_equal(WEXITSTATUS(td_stop(&d, SIGTERM)), 0);

    /* Put the old store back, as an operator restoring a backup would. */
    char cmd[4 * TD_PATH_MAX];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mv '%s' '%s'", d.data, old, d.data);
    assert_int_equal(system(cmd), 0);
    int status = td_start_refused(&d, NULL, 20000);
    assert_true(WIFEXITED(status));
    assert_int_not_equal(WEXITSTATUS(status), 0);
    size_t len;
    uint8_t *log = tu_read_file(d.log, &len);
    assert_non_null(log);
    assert_non_null(strstr((char *)log, "shorter tree"));
    free(log);
    users_free(&u);
    td_cleanup(&d);
}

/* Start-up refusals, each with a message naming the cause: a data directory
 * others may read, a second daemon on the same log, an existing log at init. */
static void test_start_refusals(void **state)
{
    (void)state;
    td_daemon d;
    td_init(&d);

    assert_int_equal(chmod(d.data, 0755), 0);
    int status = td_start_refused(&d, NULL, 20000);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 0);
    size_t len;
    uint8_t *log = tu_read_file(d.log, &len);
    assert_non_null(log);
    assert_non_null(strstr((char *)log, "chmod 700"));
    free(log);
    assert_int_equal(chmod(d.data, 0700), 0);

    td_start(&d, NULL);
    char other_sock[TD_PATH_MAX + 16];
    snprintf(other_sock, sizeof other_sock, "%s/other.sock", d.dir);
    const char *args[] = {"--socket", other_sock, NULL};
    status = td_start_refused(&d, args, 20000);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 0);

    /* init refuses to overwrite the log. */
    char pub[TD_PATH_MAX + 16];
    snprintf(pub, sizeof pub, "%s/admin.pub", d.dir);
    const char *user = td_user();
    const char *argv[] = {td_liuhend_path(),
                          "init",
                          "--data",
                          d.data,
                          "--origin",
                          "x.example/log",
                          "--admin",
                          pub,
                          "--no-passphrase",
                          user != NULL ? "--user" : NULL,
                          user,
                          NULL};
    char out[TD_PATH_MAX + 16];
    snprintf(out, sizeof out, "%s/init-again.out", d.dir);
    status = td_run(argv, out);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);

    /* The running daemon is unharmed by all this. */
    lh_conn *c = tl_connect(&d, NULL);
    lh_checkpoint cp = {0};
    lh_err err = {{0}};
    tu_assert_code(lh_get_checkpoint(c, &cp, &err), 0, &err);
    assert_int_equal(cp.size, 1);
    lh_checkpoint_free(&cp);
    tl_stop(&d, c);
}

/* The uid a running process has, from /proc/PID/status ("Uid: real
 * effective saved fs"): all four must be the same. */
static unsigned proc_uid(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    size_t len;
    char *text = (char *)tu_read_file(path, &len);
    assert_non_null(text);
    char *line = strstr(text, "\nUid:");
    assert_non_null(line);
    unsigned r, e, s, f;
    assert_int_equal(sscanf(line, "\nUid: %u %u %u %u", &r, &e, &s, &f), 4);
    free(text);
    assert_int_equal(r, e);
    assert_int_equal(r, s);
    assert_int_equal(r, f);
    return r;
}

/* liuhend never serves as root: started as root without --user it refuses,
 * saying what to do; with --user it runs as that user alone (real,
 * effective and saved uid). Needs root; skipped otherwise. */
static void test_user(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    td_daemon d;
    td_init(&d);
    /* spawn_daemon() gives --user as root: run liuhend by hand without. */
    char out[TD_PATH_MAX + 16];
    snprintf(out, sizeof out, "%s/root.out", d.dir);
    const char *argv[] = {"/bin/sh",         "-c",   "exec \"$0\" --data \"$1\" 2>&1",
                          td_liuhend_path(), d.data, NULL};
    int status = td_run(argv, out);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 2);
    size_t len;
    char *text = (char *)tu_read_file(out, &len);
    assert_non_null(text);
    assert_non_null(strstr(text, "liuhend does not run as root: give --user USER"));
    free(text);
    const char *init_argv[] = {td_liuhend_path(), "init",          "--data", d.dir,
                               "--origin",        "x.example/log", NULL};
    status = td_run(init_argv, out);
    assert_int_equal(WEXITSTATUS(status), 2);

    /* --user root, or a user that does not exist, is no drop. */
    const char *as_root[] = {td_liuhend_path(), "--data", d.data, "--user", "root", NULL};
    status = td_run(as_root, out);
    assert_int_equal(WEXITSTATUS(status), 1);
    const char *nobody_there[] = {td_liuhend_path(),     "--data", d.data, "--user",
                                  "liuhen-no-such-user", NULL};
    status = td_run(nobody_there, out);
    assert_int_equal(WEXITSTATUS(status), 1);

    /* With --user (td_start gives it), the daemon is that user's. */
    td_start(&d, NULL);
    struct passwd *pw = getpwnam(td_user());
    assert_non_null(pw);
    assert_int_equal(proc_uid(d.pid), pw->pw_uid);
    text = (char *)tu_read_file(d.log, &len);
    assert_non_null(text);
    char want[128];
    snprintf(want, sizeof want, "running as user %s (uid %u", td_user(), (unsigned)pw->pw_uid);
    assert_non_null(strstr(text, want));
    free(text);
    td_stop_cleanup(&d);
}

/* liuhend speaks the language of the locale (client/core/i18n.h): its help,
 * and its log lines for the operator, whose timestamp and level word stay
 * as they are for log parsers. */
static void test_language(void **state)
{
    (void)state;
    td_daemon d;
    td_init(&d);
    char out[TD_PATH_MAX + 16];
    snprintf(out, sizeof out, "%s/help.txt", d.dir);
    const char *help[] = {td_liuhend_path(), "--help", NULL};
    const char *init_help[] = {td_liuhend_path(), "init", "--help", NULL};
    size_t len;
    char *text;

    tu_set_language("zh_CN.UTF-8");
    assert_int_equal(td_run(help, out), 0);
    text = (char *)tu_read_file(out, &len);
    assert_non_null(text);
    assert_non_null(strstr(text, "用法：liuhend --data DIR"));
    assert_non_null(strstr(text, "显示本帮助"));
    assert_null(strstr(text, "Usage:"));
    free(text);
    assert_int_equal(td_run(init_help, out), 0);
    text = (char *)tu_read_file(out, &len);
    assert_non_null(text);
    assert_non_null(strstr(text, "用法：liuhend init"));
    free(text);

    /* A refusal the operator must act on, in Chinese. */
    assert_int_equal(chmod(d.data, 0755), 0);
    int status = td_start_refused(&d, NULL, 20000);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 0);
    text = (char *)tu_read_file(d.log, &len);
    assert_non_null(text);
    assert_non_null(strstr(text, " liuhend error: 数据目录 "));
    assert_non_null(strstr(text, "可被他人访问（权限 0755）：请执行 chmod 700 "));
    free(text);
    assert_int_equal(chmod(d.data, 0700), 0);

    tu_set_language("C");
    assert_int_equal(td_run(help, out), 0);
    text = (char *)tu_read_file(out, &len);
    assert_non_null(text);
    assert_non_null(strstr(text, "Usage: liuhend --data DIR"));
    assert_non_null(strstr(text, "print this help"));
    assert_null(strstr(text, "用法"));
    free(text);

    tu_set_language("C.UTF-8");
    td_cleanup(&d);
}

int main(void)
{
    /* The daemons these tests start log in English whatever the caller's
     * locale (test_language switches it). */
    tu_set_language("C.UTF-8");
    signal(SIGPIPE, SIG_IGN);
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_kind_and_role),
        cmocka_unit_test(test_refusals_conflict_duplicate),
        cmocka_unit_test(test_pipelined_run),
        cmocka_unit_test(test_parallel_clients),
        cmocka_unit_test(test_append_many_contended),
        cmocka_unit_test(test_append_consistency),
        cmocka_unit_test(test_restart_consistency),
        cmocka_unit_test(test_sigterm_in_flight),
        cmocka_unit_test(test_sigkill_in_flight),
        cmocka_unit_test(test_bad_frames),
        cmocka_unit_test(test_published_tiles),
        cmocka_unit_test(test_restored_backup_refused),
        cmocka_unit_test(test_user),
        cmocka_unit_test(test_start_refusals),
        cmocka_unit_test(test_language),
    };
    return cmocka_run_group_tests_name("daemon", tests, NULL, NULL);
}
