/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_server.c — the request decoder and the read-only calls of
 * daemon/query.h over a store built in the test (leaves, stored hashes,
 * checkpoints of several batches, cases, heads, keys), and the server of
 * daemon/server.h on a real loop and socket, without a sequencer.
 *
 * Every proof the daemon returns is checked with the library's verifiers
 * against roots computed independently in memory (tests/util/memstore).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <sodium.h>
#include <uv.h>

#include "checkpoint.h"
#include "keyring.h"
#include "log.h"
#include "memstore.h"
#include "merkle.h"
#include "query.h"
#include "server.h"
#include "store.h"
#include "testutil.h"
#include "wire.h"

#define ORIGIN  "test.example/liuhen"
#define NLEAVES 12

/* The log built once for every test: batches end at these sizes, so the
 * store holds a checkpoint for each and none for the sizes between. */
static const uint64_t batch_ends[] = {1, 3, 7, 10, NLEAVES};
#define NBATCHES (sizeof batch_ends / sizeof batch_ends[0])

/* Entries 3, 7 and 11 are large (30,000 bytes): three of them with their
 * envelopes exceed the smallest frame limit liuhend accepts (72 KiB). */
#define BIG_LEAF 30000

static char dir[64];
static store *st;
static keyring *keys;
static note_signer signer;
static note_verifier verifier;
static memstore ref; /* the same tree, in memory, for independent roots */
static uint8_t author_key[32];
static query_status figures = {
    .last_checkpoint_at = 1700000000123,
    .last_publish_at = 1700000000456,
    .connections = 3,
    .appends_per_second = 12.5,
    .queue_depth = 7,
    .started_at = 1700000000000,
};

static bool batch_end(uint64_t size)
{
    for (size_t i = 0; i < NBATCHES; i++)
        if (batch_ends[i] == size)
            return true;
    return false;
}

static size_t leaf_len(uint64_t i)
{
    return i % 4 == 3 ? BIG_LEAF : 40;
}

static void leaf_bytes(uint64_t i, uint8_t *buf)
{
    size_t n = leaf_len(i);
    memset(buf, 'a' + (int)(i % 26), n);
    snprintf((char *)buf, 32, "leaf-%llu", (unsigned long long)i);
}

static const char *case_of(uint64_t i)
{
    if (i % 4 == 3)
        return "QJ-BIG";
    if (i % 2 == 0)
        return "QJ-1";
    return NULL;
}

static void status_fn(void *ctx, query_status *out)
{
    (void)ctx;
    *out = figures;
}

static query_env env_with(uint32_t max_frame)
{
    return (query_env){
        .store = st,
        .keys = keys,
        .origin = ORIGIN,
        .log_vkey = "test-vkey",
        .max_frame = max_frame,
        .status_fn = status_fn,
    };
}

/* Build the log: NLEAVES leaves in NBATCHES write transactions, each with
 * its signed checkpoint, as the sequencer writes them. */
static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    tu_rng_seed(0x5e7e7);
    snprintf(dir, sizeof dir, "/tmp/liuhen-server-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    if (store_open(&st, dir, 0, NULL) != 0)
        return -1;
    tu_make_signer(&signer, &verifier, ORIGIN, NOTE_TYPE_ED25519);
    tu_rng_bytes(author_key, sizeof author_key);
    static uint8_t buf[BIG_LEAF];
    uint64_t i = 0;
    for (size_t b = 0; b < NBATCHES; b++) {
        store_txn *txn;
        if (store_write_begin(st, &txn) != 0)
            return -1;
        for (; i < batch_ends[b]; i++) {
            uint8_t lh[32], sh[32], hashes[MERKLE_MAX_STORED][32];
            size_t n;
            leaf_bytes(i, buf);
            merkle_leaf_hash(lh, buf, leaf_len(i));
            crypto_hash_sha256(sh, lh, sizeof lh);
            if (merkle_stored_hashes_for(i, lh, store_read_hashes, txn, hashes, &n) != 0 ||
                store_put_hashes(txn, merkle_stored_index(0, i), (const uint8_t(*)[32])hashes, n) !=
                    0 ||
                store_put_leaf(txn, i, buf, leaf_len(i), lh, sh) != 0 ||
                memstore_append(&ref, lh) != 0)
                return -1;
            if (case_of(i) != NULL && store_case_append(txn, case_of(i), i, lh) != 0)
                return -1;
            /* Heads name entries by entry id; this store stands the leaf
             * hash in for it, the entry-id index has sh. */
            accept_head ah = {.count = 4, .index = 9};
            memcpy(ah.id, lh, 32);
            if (i == 9 && store_set_author(txn, author_key, &ah) != 0)
                return -1;
        }
        checkpoint cp = {.size = i};
        strcpy(cp.origin, ORIGIN);
        if (merkle_tree_hash(cp.root, i, store_read_hashes, txn) != 0)
            return -1;
        uint8_t note[CHECKPOINT_SIGNED_MAX];
        size_t note_len;
        if (checkpoint_sign(&cp, &signer, note, sizeof note, &note_len, NULL) != 0 ||
            store_put_checkpoint(txn, i, note, note_len) != 0 ||
            store_set_size(txn, i, 1700000000000 + (int64_t)i) != 0 || store_commit(txn) != 0)
            return -1;
    }
    /* One enrolled key, replayed as the writer stages it. */
    if (keyring_new(&keys) != 0)
        return -1;
    Liuhen__Entry e = LIUHEN__ENTRY__INIT;
    Liuhen__KeyEnroll ke = LIUHEN__KEY_ENROLL__INIT;
    Liuhen__Role roles[] = {LIUHEN__ROLE__ROLE_HANDLER, LIUHEN__ROLE__ROLE_LEGAL};
    e.kind = LIUHEN__KIND__KIND_KEY_ENROLL;
    e.origin = ORIGIN;
    e.author_seq = 1;
    e.body_case = LIUHEN__ENTRY__BODY_KEY_ENROLL;
    e.key_enroll = &ke;
    ke.public_key.data = author_key;
    ke.public_key.len = 32;
    ke.holder = "王五";
    ke.unit = "执法大队";
    ke.n_roles = 2;
    ke.roles = roles;
    if (keyring_stage(keys, &e, 1, 1700000000001) != 0)
        return -1;
    keyring_commit(keys);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    keyring_free(keys);
    store_close(st);
    memstore_free(&ref);
    note_signer_wipe(&signer);
    tu_rmtree(dir);
    return 0;
}

/* ---- helpers ---- */

/* Pack a request message into a malloc'd body. */
static uint8_t *pack_request(const Liuhen__Request *req, size_t *len)
{
    *len = liuhen__request__get_packed_size(req);
    uint8_t *buf = malloc(*len + 1);
    assert_non_null(buf);
    assert_int_equal(liuhen__request__pack(req, buf), *len);
    return buf;
}

/* Check that buf holds exactly one well-formed frame, no larger than
 * max_frame, and unpack its Response (free with liuhen__response__free_unpacked). */
static Liuhen__Response *one_frame(const protocol_buf *buf, uint32_t max_frame)
{
    assert_true(buf->len >= WIRE_HEADER_SIZE);
    uint32_t n = wire_get_header(buf->data);
    assert_int_equal((size_t)n + WIRE_HEADER_SIZE, buf->len);
    assert_true(n <= max_frame);
    Liuhen__Response *r = liuhen__response__unpack(NULL, n, buf->data + WIRE_HEADER_SIZE);
    assert_non_null(r);
    return r;
}

/* Run a request through the decoder and query_answer(). */
static Liuhen__Response *ask(const query_env *env, const Liuhen__Request *req)
{
    size_t len;
    uint8_t *body = pack_request(req, &len);
    protocol_request rq;
    lh_err err = {{0}};
    tu_assert_code(protocol_parse_request(body, len, &rq, &err), 0, &err);
    protocol_buf out = {0};
    Liuhen__Status status;
    assert_int_equal(query_answer(env, rq.msg, &out, &status), 0);
    Liuhen__Response *r = one_frame(&out, env->max_frame);
    assert_int_equal(r->status, status);
    assert_int_equal(r->id, req->id);
    protocol_buf_free(&out);
    protocol_request_clear(&rq);
    free(body);
    return r;
}

static void assert_message_has(const Liuhen__Response *r, const char *part)
{
    if (strstr(r->message, part) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", r->message, part);
}

/* The checkpoint in a response: it verifies with the log key, names
 * `size`, and its root is the tree hash the test computed itself. */
static void check_checkpoint(const ProtobufCBinaryData *note, uint64_t size, uint8_t root[32])
{
    checkpoint_opened op;
    lh_err err = {{0}};
    tu_assert_code(checkpoint_open(note->data, note->len, &verifier, NULL, 0, &op, &err), 0, &err);
    assert_int_equal(op.cp.size, size);
    uint8_t want[32];
    assert_int_equal(merkle_tree_hash(want, size, memstore_read, &ref), 0);
    assert_memory_equal(op.cp.root, want, 32);
    if (root != NULL)
        memcpy(root, want, 32);
}

/* ---- decoding requests ---- */

static int parse_raw(const uint8_t *body, size_t len, protocol_request *rq, lh_err *err)
{
    memset(err, 0, sizeof *err);
    return protocol_parse_request(body, len, rq, err);
}

static void test_parse_malformed(void **state)
{
    (void)state;
    protocol_request rq;
    lh_err err;
    static const uint8_t junk[] = {0xff, 0xff, 0xff};
    tu_assert_code(parse_raw(junk, sizeof junk, &rq, &err), LH_EPARSE, &err);
    assert_null(rq.msg);
    assert_int_equal(rq.id, 0);
    assert_string_equal(err.msg, "malformed request: not a liuhen.Request protobuf");

    /* id 5, no call */
    static const uint8_t nocall[] = {0x08, 0x05};
    tu_assert_code(parse_raw(nocall, sizeof nocall, &rq, &err), LH_EPARSE, &err);
    assert_int_equal(rq.id, 5);
    assert_non_null(strstr(err.msg, "sets no call"));

    /* id 6, get_checkpoint and get_keys: protobuf-c keeps the last of a
     * oneof, so the request is not the canonical encoding of what it says. */
    static const uint8_t two[] = {0x08, 0x06, 0x5a, 0x00, 0x8a, 0x01, 0x00};
    tu_assert_code(parse_raw(two, sizeof two, &rq, &err), LH_EPARSE, &err);
    assert_int_equal(rq.id, 6);
    assert_non_null(strstr(err.msg, "request 6: not in canonical protobuf encoding"));
    assert_non_null(strstr(err.msg, "call given twice"));

    /* get_checkpoint given twice is refused too, not merged */
    static const uint8_t twice[] = {0x08, 0x07, 0x5a, 0x00, 0x5a, 0x00};
    tu_assert_code(parse_raw(twice, sizeof twice, &rq, &err), LH_EPARSE, &err);
    assert_non_null(strstr(err.msg, "differs from byte 4"));
}

static void test_parse_unknown_fields(void **state)
{
    (void)state;
    protocol_request rq;
    lh_err err;
    /* id 1, field 99 (varint 1), get_checkpoint */
    static const uint8_t top[] = {0x08, 0x01, 0x98, 0x06, 0x01, 0x5a, 0x00};
    tu_assert_code(parse_raw(top, sizeof top, &rq, &err), LH_EUNKNOWNFIELD, &err);
    assert_non_null(strstr(err.msg, "unknown field 99 in liuhen.Request"));
    /* id 2, get_entries {start 0, count 1, field 7 = 5} */
    static const uint8_t nested[] = {0x08, 0x02, 0x72, 0x04, 0x10, 0x01, 0x38, 0x05};
    tu_assert_code(parse_raw(nested, sizeof nested, &rq, &err), LH_EUNKNOWNFIELD, &err);
    assert_int_equal(rq.id, 2);
    assert_non_null(strstr(err.msg, "unknown field 7 in liuhen.GetEntriesRequest"));
    assert_non_null(strstr(err.msg, "request.get_entries"));
    /* inside the AppendRequest (and the same, truncated) */
    static const uint8_t cut[] = {0x08, 0x03, 0x52, 0x06, 0x0a, 0x01, 0x61, 0x18, 0x01};
    tu_assert_code(parse_raw(cut, sizeof cut, &rq, &err), LH_EPARSE, &err);
    static const uint8_t deeper[] = {0x08, 0x03, 0x52, 0x05, 0x0a, 0x01, 0x61, 0x18, 0x01};
    tu_assert_code(parse_raw(deeper, sizeof deeper, &rq, &err), LH_EUNKNOWNFIELD, &err);
    assert_non_null(strstr(err.msg, "unknown field 3 in liuhen.AppendRequest (request.append)"));
    /* Inside the SignedEntry bytes, nothing is looked at here: they reach
     * the sequencer as sent, and its preparation refuses what they hold. */
    static const uint8_t opaque[] = {0x08, 0x03, 0x52, 0x06, 0x0a, 0x04, 0x0a, 0x00, 0x18, 0x01};
    tu_assert_code(parse_raw(opaque, sizeof opaque, &rq, &err), 0, &err);
    assert_int_equal(rq.signed_len, 4);
    assert_memory_equal(rq.signed_entry, opaque + 6, 4);
    protocol_request_clear(&rq);
}

static void test_parse_append_bytes(void **state)
{
    (void)state;
    protocol_request rq;
    lh_err err;
    /* A SignedEntry with its fields in reverse order: the bytes reach the
     * sequencer as sent (which refuses the form), never re-serialised. */
    uint8_t body[128];
    size_t n = 0;
    body[n++] = 0x08;
    body[n++] = 0x09;
    body[n++] = 0x52; /* field 10, append */
    body[n++] = 2 + 2 + 64 + 2 + 3;
    body[n++] = 0x0a; /* AppendRequest.signed_entry */
    body[n++] = 2 + 64 + 2 + 3;
    size_t se = n;
    body[n++] = 0x12; /* signature first */
    body[n++] = 64;
    memset(body + n, 0x5a, 64);
    n += 64;
    body[n++] = 0x0a; /* then entry */
    body[n++] = 3;
    memcpy(body + n, "abc", 3);
    n += 3;
    tu_assert_code(parse_raw(body, n, &rq, &err), 0, &err);
    assert_int_equal(rq.msg->call_case, LIUHEN__REQUEST__CALL_APPEND);
    assert_int_equal(rq.id, 9);
    assert_int_equal(rq.signed_len, n - se);
    assert_memory_equal(rq.signed_entry, body + se, n - se);
    protocol_request_clear(&rq);
    assert_null(rq.msg);

    static const uint8_t missing[] = {0x08, 0x01, 0x52, 0x00};
    tu_assert_code(parse_raw(missing, sizeof missing, &rq, &err), LH_EFIELD, &err);
    assert_string_equal(err.msg, "append.signed_entry is missing or empty");
    /* An empty bytes field written out is not proto3's encoding. */
    static const uint8_t empty[] = {0x08, 0x01, 0x52, 0x02, 0x0a, 0x00};
    tu_assert_code(parse_raw(empty, sizeof empty, &rq, &err), LH_EPARSE, &err);
    /* two signed_entry fields: protobuf-c would keep the last */
    static const uint8_t dup[] = {0x08, 0x01, 0x52, 0x06, 0x0a, 0x01, 0x61, 0x0a, 0x01, 0x62};
    tu_assert_code(parse_raw(dup, sizeof dup, &rq, &err), LH_EPARSE, &err);
    assert_non_null(strstr(err.msg, "not in canonical protobuf encoding"));
}

static void test_parse_nul_in_case(void **state)
{
    (void)state;
    protocol_request rq;
    lh_err err;
    /* get_case {case_id "QJ\0x"}: protobuf-c would read "QJ" */
    static const uint8_t nul[] = {0x08, 0x01, 0x82, 0x01, 0x06, 0x0a, 0x04, 'Q', 'J', 0, 'x'};
    tu_assert_code(parse_raw(nul, sizeof nul, &rq, &err), LH_EPARSE, &err);
    assert_non_null(strstr(err.msg, "a NUL in a string"));
}

/* ---- read calls ---- */

static void test_get_checkpoint_and_status(void **state)
{
    (void)state;
    query_env env = env_with(WIRE_DEFAULT_MAX_FRAME);
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    Liuhen__GetCheckpointRequest gc = LIUHEN__GET_CHECKPOINT_REQUEST__INIT;
    req.id = 41;
    req.call_case = LIUHEN__REQUEST__CALL_GET_CHECKPOINT;
    req.get_checkpoint = &gc;
    Liuhen__Response *r = ask(&env, &req);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_OK);
    assert_int_equal(r->result_case, LIUHEN__RESPONSE__RESULT_GET_CHECKPOINT);
    check_checkpoint(&r->get_checkpoint->checkpoint, NLEAVES, NULL);
    liuhen__response__free_unpacked(r, NULL);

    Liuhen__StatusRequest sr = LIUHEN__STATUS_REQUEST__INIT;
    req.id = 42;
    req.call_case = LIUHEN__REQUEST__CALL_SERVER_STATUS;
    req.server_status = &sr;
    r = ask(&env, &req);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_OK);
    Liuhen__StatusResponse *s = r->server_status;
    assert_string_equal(s->origin, ORIGIN);
    assert_string_equal(s->log_vkey, "test-vkey");
    assert_int_equal(s->tree_size, NLEAVES);
    check_checkpoint(&s->checkpoint, NLEAVES, NULL);
    assert_int_equal(s->last_checkpoint_at, figures.last_checkpoint_at);
    assert_int_equal(s->last_publish_at, figures.last_publish_at);
    assert_int_equal(s->connections, figures.connections);
    assert_true(s->appends_per_second == figures.appends_per_second);
    assert_int_equal(s->queue_depth, figures.queue_depth);
    assert_int_equal(s->started_at, figures.started_at);
    liuhen__response__free_unpacked(r, NULL);
}

static Liuhen__Response *inclusion(const query_env *env, uint64_t index, const uint8_t *hash,
                                   uint64_t tree_size)
{
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    Liuhen__GetInclusionProofRequest ip = LIUHEN__GET_INCLUSION_PROOF_REQUEST__INIT;
    req.id = 7;
    req.call_case = LIUHEN__REQUEST__CALL_GET_INCLUSION_PROOF;
    req.get_inclusion_proof = &ip;
    if (hash != NULL) {
        ip.target_case = LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_HASH;
        ip.leaf_hash.data = (uint8_t *)hash;
        ip.leaf_hash.len = 32;
    } else {
        ip.target_case = LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_INDEX;
        ip.leaf_index = index;
    }
    ip.tree_size = tree_size;
    return ask(env, &req);
}

/* The proof in a response verifies against the independent root. */
static void check_inclusion(const Liuhen__InclusionProof *p, uint64_t index, uint64_t size)
{
    assert_non_null(p);
    assert_int_equal(p->leaf_index, index);
    assert_int_equal(p->tree_size, size);
    assert_int_equal(p->leaf_hash.len, 32);
    uint8_t root[32], lh[32];
    assert_int_equal(merkle_tree_hash(root, size, memstore_read, &ref), 0);
    uint64_t at = merkle_stored_index(0, index);
    assert_int_equal(memstore_read(&ref, &at, 1, (uint8_t(*)[32])lh), 0);
    assert_memory_equal(p->leaf_hash.data, lh, 32);
    uint8_t path[MERKLE_MAX_PROOF * 32];
    assert_true(p->n_audit_path <= MERKLE_MAX_PROOF);
    for (size_t i = 0; i < p->n_audit_path; i++) {
        assert_int_equal(p->audit_path[i].len, 32);
        memcpy(path + 32 * i, p->audit_path[i].data, 32);
    }
    assert_int_equal(merkle_verify_inclusion(path, p->n_audit_path, index, size, lh, root), 0);
}

static void test_inclusion_every_size(void **state)
{
    (void)state;
    query_env env = env_with(WIRE_DEFAULT_MAX_FRAME);
    for (uint64_t size = 1; size <= NLEAVES; size++) {
        for (uint64_t index = 0; index < size; index++) {
            Liuhen__Response *r = inclusion(&env, index, NULL, size);
            assert_int_equal(r->status, LIUHEN__STATUS__STATUS_OK);
            check_inclusion(r->get_inclusion_proof->proof, index, size);
            /* query.h: the checkpoint of exactly that size, when one was signed. */
            if (batch_end(size)) {
                check_checkpoint(&r->get_inclusion_proof->checkpoint, size, NULL);
                assert_string_equal(r->message, "");
            } else {
                assert_int_equal(r->get_inclusion_proof->checkpoint.len, 0);
                assert_message_has(r, "no checkpoint was signed at tree size");
            }
            liuhen__response__free_unpacked(r, NULL);
        }
    }
    /* tree_size 0: the latest checkpoint */
    Liuhen__Response *r = inclusion(&env, 5, NULL, 0);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_OK);
    check_inclusion(r->get_inclusion_proof->proof, 5, NLEAVES);
    check_checkpoint(&r->get_inclusion_proof->checkpoint, NLEAVES, NULL);
    liuhen__response__free_unpacked(r, NULL);
    /* by leaf hash */
    uint8_t lh[32];
    uint64_t at = merkle_stored_index(0, 9);
    assert_int_equal(memstore_read(&ref, &at, 1, (uint8_t(*)[32])lh), 0);
    r = inclusion(&env, 0, lh, 10);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_OK);
    check_inclusion(r->get_inclusion_proof->proof, 9, 10);
    liuhen__response__free_unpacked(r, NULL);
}

static void test_inclusion_refusals(void **state)
{
    (void)state;
    query_env env = env_with(WIRE_DEFAULT_MAX_FRAME);
    Liuhen__Response *r = inclusion(&env, 0, NULL, NLEAVES + 1);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT);
    assert_message_has(r, "tree_size 13 is beyond the log's size 12");
    assert_int_equal(r->result_case, LIUHEN__RESPONSE__RESULT__NOT_SET);
    liuhen__response__free_unpacked(r, NULL);
    r = inclusion(&env, 5, NULL, 5);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT);
    assert_message_has(r, "entry 5 is not in a tree of size 5");
    liuhen__response__free_unpacked(r, NULL);
    r = inclusion(&env, NLEAVES, NULL, 0);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_NOT_FOUND);
    assert_message_has(r, "entry 12 does not exist");
    liuhen__response__free_unpacked(r, NULL);
    uint8_t unknown[32];
    memset(unknown, 0xab, sizeof unknown);
    r = inclusion(&env, 0, unknown, 0);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_NOT_FOUND);
    assert_message_has(r, "no entry of the log has leaf hash q6urq6ur");
    liuhen__response__free_unpacked(r, NULL);
    /* By entry id: the store's entry-id index (here SHA-256 of the leaf
     * hash, as setup() wrote it). */
    Liuhen__Request byid = LIUHEN__REQUEST__INIT;
    Liuhen__GetInclusionProofRequest ipid = LIUHEN__GET_INCLUSION_PROOF_REQUEST__INIT;
    byid.call_case = LIUHEN__REQUEST__CALL_GET_INCLUSION_PROOF;
    byid.get_inclusion_proof = &ipid;
    ipid.target_case = LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_ENTRY_ID;
    ipid.entry_id = (ProtobufCBinaryData){32, unknown};
    r = ask(&env, &byid);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_NOT_FOUND);
    assert_message_has(r, "no entry of the log has entry id q6urq6ur");
    liuhen__response__free_unpacked(r, NULL);
    uint8_t lh7[32], id7[32];
    uint64_t at7 = merkle_stored_index(0, 7);
    assert_int_equal(memstore_read(&ref, &at7, 1, (uint8_t(*)[32])lh7), 0);
    crypto_hash_sha256(id7, lh7, 32);
    ipid.entry_id = (ProtobufCBinaryData){32, id7};
    r = ask(&env, &byid);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_OK);
    check_inclusion(r->get_inclusion_proof->proof, 7, NLEAVES);
    liuhen__response__free_unpacked(r, NULL);
    ipid.entry_id.len = 31;
    r = ask(&env, &byid);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT);
    assert_message_has(r, "want a 32-byte entry id");
    liuhen__response__free_unpacked(r, NULL);

    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    Liuhen__GetInclusionProofRequest ip = LIUHEN__GET_INCLUSION_PROOF_REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_INCLUSION_PROOF;
    req.get_inclusion_proof = &ip;
    r = ask(&env, &req);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT);
    assert_message_has(r, "set leaf_index, leaf_hash or entry_id");
    liuhen__response__free_unpacked(r, NULL);
    ip.target_case = LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_HASH;
    ip.leaf_hash.data = unknown;
    ip.leaf_hash.len = 31;
    r = ask(&env, &req);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT);
    assert_message_has(r, "31 bytes");
    liuhen__response__free_unpacked(r, NULL);
}

static Liuhen__Response *consistency(const query_env *env, uint64_t first, uint64_t second)
{
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    Liuhen__GetConsistencyProofRequest cp = LIUHEN__GET_CONSISTENCY_PROOF_REQUEST__INIT;
    req.id = 8;
    req.call_case = LIUHEN__REQUEST__CALL_GET_CONSISTENCY_PROOF;
    req.get_consistency_proof = &cp;
    cp.first = first;
    cp.second = second;
    return ask(env, &req);
}

static void test_consistency_every_pair(void **state)
{
    (void)state;
    query_env env = env_with(WIRE_DEFAULT_MAX_FRAME);
    for (uint64_t second = 1; second <= NLEAVES; second++) {
        for (uint64_t first = 1; first <= second; first++) {
            Liuhen__Response *r = consistency(&env, first, second);
            assert_int_equal(r->status, LIUHEN__STATUS__STATUS_OK);
            Liuhen__ConsistencyProof *p = r->get_consistency_proof->proof;
            assert_int_equal(p->first, first);
            assert_int_equal(p->second, second);
            uint8_t r1[32], r2[32], path[MERKLE_MAX_PROOF * 32];
            assert_int_equal(merkle_tree_hash(r1, first, memstore_read, &ref), 0);
            assert_int_equal(merkle_tree_hash(r2, second, memstore_read, &ref), 0);
            assert_true(p->n_consistency <= MERKLE_MAX_PROOF);
            for (size_t i = 0; i < p->n_consistency; i++)
                memcpy(path + 32 * i, p->consistency[i].data, 32);
            assert_int_equal(
                merkle_verify_consistency(path, p->n_consistency, first, second, r1, r2), 0);
            if (batch_end(second))
                check_checkpoint(&r->get_consistency_proof->checkpoint, second, NULL);
            else
                assert_int_equal(r->get_consistency_proof->checkpoint.len, 0);
            liuhen__response__free_unpacked(r, NULL);
        }
    }
    Liuhen__Response *r = consistency(&env, 3, 0);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_OK);
    assert_int_equal(r->get_consistency_proof->proof->second, NLEAVES);
    check_checkpoint(&r->get_consistency_proof->checkpoint, NLEAVES, NULL);
    liuhen__response__free_unpacked(r, NULL);
    static const struct {
        uint64_t first, second;
        const char *part;
    } bad[] = {
        {0, 5, "first: 0"},
        {6, 5, "6 is beyond second (5)"},
        {1, NLEAVES + 1, "beyond the log's size 12"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = consistency(&env, bad[i].first, bad[i].second);
        assert_int_equal(r->status, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT);
        assert_message_has(r, bad[i].part);
        liuhen__response__free_unpacked(r, NULL);
    }
}

static Liuhen__Response *entries(const query_env *env, uint64_t start, uint32_t count)
{
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    Liuhen__GetEntriesRequest ge = LIUHEN__GET_ENTRIES_REQUEST__INIT;
    req.id = 9;
    req.call_case = LIUHEN__REQUEST__CALL_GET_ENTRIES;
    req.get_entries = &ge;
    ge.start = start;
    ge.count = count;
    return ask(env, &req);
}

static void check_entry(const Liuhen__LoggedEntry *e, uint64_t index)
{
    static uint8_t buf[BIG_LEAF];
    assert_int_equal(e->index, index);
    leaf_bytes(index, buf);
    assert_int_equal(e->leaf.len, leaf_len(index));
    assert_memory_equal(e->leaf.data, buf, leaf_len(index));
}

static void test_entries(void **state)
{
    (void)state;
    query_env env = env_with(WIRE_DEFAULT_MAX_FRAME);
    Liuhen__Response *r = entries(&env, 2, 1000);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_OK);
    assert_int_equal(r->get_entries->n_entries, NLEAVES - 2);
    for (size_t i = 0; i < r->get_entries->n_entries; i++)
        check_entry(r->get_entries->entries[i], 2 + i);
    liuhen__response__free_unpacked(r, NULL);

    /* The smallest frame liuhend allows holds two big leaves: a client
     * walks the log by asking again from the next index. */
    env = env_with(73728);
    uint64_t next = 0;
    unsigned calls = 0;
    while (next < NLEAVES) {
        r = entries(&env, next, 1000);
        assert_int_equal(r->status, LIUHEN__STATUS__STATUS_OK);
        assert_true(r->get_entries->n_entries >= 1);
        for (size_t i = 0; i < r->get_entries->n_entries; i++)
            check_entry(r->get_entries->entries[i], next + i);
        next += r->get_entries->n_entries;
        calls++;
        liuhen__response__free_unpacked(r, NULL);
    }
    assert_true(calls >= 2);

    /* A frame smaller than one entry: TOO_LARGE naming it. */
    env = env_with(20000);
    r = entries(&env, 3, 1);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_TOO_LARGE);
    assert_message_has(r, "entry 3 (30000 bytes) does not fit");
    liuhen__response__free_unpacked(r, NULL);

    env = env_with(WIRE_DEFAULT_MAX_FRAME);
    r = entries(&env, 0, 0);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT);
    assert_message_has(r, "count: 0");
    liuhen__response__free_unpacked(r, NULL);
    r = entries(&env, NLEAVES, 1);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_NOT_FOUND);
    assert_message_has(r, "entry 12 does not exist: the log has 12 entries");
    liuhen__response__free_unpacked(r, NULL);
}

static Liuhen__Response *get_case(const query_env *env, const char *id)
{
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    Liuhen__GetCaseRequest gc = LIUHEN__GET_CASE_REQUEST__INIT;
    req.id = 10;
    req.call_case = LIUHEN__REQUEST__CALL_GET_CASE;
    req.get_case = &gc;
    gc.case_id = (char *)id;
    return ask(env, &req);
}

static void test_case(void **state)
{
    (void)state;
    query_env env = env_with(WIRE_DEFAULT_MAX_FRAME);
    Liuhen__Response *r = get_case(&env, "QJ-1");
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_OK);
    Liuhen__GetCaseResponse *c = r->get_case;
    assert_int_equal(c->n_entries, 6); /* 0, 2, 4, 6, 8, 10 */
    assert_int_equal(c->n_proofs, c->n_entries);
    check_checkpoint(&c->checkpoint, NLEAVES, NULL);
    for (size_t i = 0; i < c->n_entries; i++) {
        check_entry(c->entries[i], 2 * i);
        check_inclusion(c->proofs[i], 2 * i, NLEAVES);
    }
    liuhen__response__free_unpacked(r, NULL);

    r = get_case(&env, "QJ-BIG");
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_OK);
    assert_int_equal(r->get_case->n_entries, 3);
    liuhen__response__free_unpacked(r, NULL);
    /* Whole or not at all: three big entries exceed 72 KiB. */
    env = env_with(73728);
    r = get_case(&env, "QJ-BIG");
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_TOO_LARGE);
    assert_message_has(r, "case QJ-BIG has 3 entries");
    assert_message_has(r, "GetEntries");
    liuhen__response__free_unpacked(r, NULL);

    /* More entries than a frame could hold even empty: refused up front. */
    env = env_with(200);
    r = get_case(&env, "QJ-1");
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_TOO_LARGE);
    assert_message_has(r, "case QJ-1 has 6 entries");
    liuhen__response__free_unpacked(r, NULL);

    env = env_with(WIRE_DEFAULT_MAX_FRAME);
    r = get_case(&env, "QJ-NONE");
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_NOT_FOUND);
    assert_message_has(r, "case QJ-NONE has no entry");
    liuhen__response__free_unpacked(r, NULL);
    r = get_case(&env, "");
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT);
    liuhen__response__free_unpacked(r, NULL);
    r = get_case(&env, "QJ-\x01");
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT);
    assert_message_has(r, "control character");
    liuhen__response__free_unpacked(r, NULL);
    char long_id[200];
    memset(long_id, 'x', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    r = get_case(&env, long_id);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT);
    assert_message_has(r, "199 bytes");
    liuhen__response__free_unpacked(r, NULL);
}

static void test_author_head(void **state)
{
    (void)state;
    query_env env = env_with(WIRE_DEFAULT_MAX_FRAME);
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    Liuhen__GetAuthorHeadRequest ah = LIUHEN__GET_AUTHOR_HEAD_REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_AUTHOR_HEAD;
    req.get_author_head = &ah;
    ah.author_key.data = author_key;
    ah.author_key.len = 32;
    ah.case_id = "QJ-1";
    Liuhen__Response *r = ask(&env, &req);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_OK);
    Liuhen__Heads *h = r->get_author_head->heads;
    uint8_t lh9[32], lh10[32];
    uint64_t at = merkle_stored_index(0, 9);
    assert_int_equal(memstore_read(&ref, &at, 1, (uint8_t(*)[32])lh9), 0);
    at = merkle_stored_index(0, 10);
    assert_int_equal(memstore_read(&ref, &at, 1, (uint8_t(*)[32])lh10), 0);
    assert_int_equal(h->author_seq, 4);
    assert_int_equal(h->author_head.len, 32);
    assert_memory_equal(h->author_head.data, lh9, 32);
    assert_int_equal(h->case_length, 6);
    assert_int_equal(h->case_head.len, 32);
    assert_memory_equal(h->case_head.data, lh10, 32);
    liuhen__response__free_unpacked(r, NULL);

    /* A key with no entry and a case with none: zero, and no heads. */
    uint8_t other[32] = {1};
    ah.author_key.data = other;
    ah.case_id = "QJ-NEW";
    r = ask(&env, &req);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_OK);
    h = r->get_author_head->heads;
    assert_int_equal(h->author_seq, 0);
    assert_int_equal(h->author_head.len, 0);
    assert_int_equal(h->case_length, 0);
    assert_int_equal(h->case_head.len, 0);
    liuhen__response__free_unpacked(r, NULL);

    ah.author_key.len = 31;
    r = ask(&env, &req);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT);
    assert_message_has(r, "author_key: 31 bytes");
    liuhen__response__free_unpacked(r, NULL);
}

static void test_keys(void **state)
{
    (void)state;
    query_env env = env_with(WIRE_DEFAULT_MAX_FRAME);
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    Liuhen__GetKeysRequest gk = LIUHEN__GET_KEYS_REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_KEYS;
    req.get_keys = &gk;
    Liuhen__Response *r = ask(&env, &req);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_OK);
    assert_int_equal(r->get_keys->n_keys, 1);
    Liuhen__KeyInfo *k = r->get_keys->keys[0];
    assert_memory_equal(k->public_key.data, author_key, 32);
    assert_string_equal(k->holder, "王五");
    assert_string_equal(k->unit, "执法大队");
    assert_int_equal(k->n_roles, 2);
    assert_int_equal(k->roles[0], LIUHEN__ROLE__ROLE_HANDLER);
    assert_int_equal(k->roles[1], LIUHEN__ROLE__ROLE_LEGAL);
    assert_int_equal(k->enrolled_index, 1);
    assert_false(k->revoked);
    liuhen__response__free_unpacked(r, NULL);

    env.keys = NULL;
    r = ask(&env, &req);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_UNAVAILABLE);
    liuhen__response__free_unpacked(r, NULL);
}

static void test_put_response_limit(void **state)
{
    (void)state;
    static uint8_t big[100000];
    Liuhen__Response resp = LIUHEN__RESPONSE__INIT;
    Liuhen__GetCheckpointResponse gc = LIUHEN__GET_CHECKPOINT_RESPONSE__INIT;
    resp.id = 77;
    resp.result_case = LIUHEN__RESPONSE__RESULT_GET_CHECKPOINT;
    resp.get_checkpoint = &gc;
    gc.checkpoint.data = big;
    gc.checkpoint.len = sizeof big;
    protocol_buf out = {0};
    assert_int_equal(protocol_put_response(&out, &resp, 73728, NULL, NULL), 0);
    Liuhen__Response *r = one_frame(&out, 73728);
    assert_int_equal(r->id, 77);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_TOO_LARGE);
    assert_message_has(r, "more than the frame limit of 73728 bytes");
    liuhen__response__free_unpacked(r, NULL);
    protocol_buf_free(&out);
    assert_int_equal(protocol_put_response(&out, &resp, WIRE_DEFAULT_MAX_FRAME, NULL, NULL), 0);
    r = one_frame(&out, WIRE_DEFAULT_MAX_FRAME);
    assert_int_equal(r->status, LIUHEN__STATUS__STATUS_OK);
    assert_int_equal(r->get_checkpoint->checkpoint.len, sizeof big);
    liuhen__response__free_unpacked(r, NULL);
    protocol_buf_free(&out);
}

/* ---- the server on a real loop ---- */

typedef struct loop_test {
    server *srv;
    uv_async_t done; /* the client thread is finished */
    char path[96];
    int drained_calls;
    int client_failures;
    char failure[256];
} loop_test;

static int client_connect(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
    if (connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int send_frame(int fd, const uint8_t *body, size_t len)
{
    uint8_t h[4];
    wire_put_header(h, (uint32_t)len);
    return send_all(fd, h, 4) == 0 && send_all(fd, body, len) == 0 ? 0 : -1;
}

/* The next response, or NULL at end of stream. */
static Liuhen__Response *recv_response(int fd)
{
    uint8_t h[4];
    size_t got = 0;
    while (got < 4) {
        ssize_t n = recv(fd, h + got, 4 - got, 0);
        if (n <= 0)
            return NULL;
        got += (size_t)n;
    }
    uint32_t len = wire_get_header(h);
    uint8_t *body = malloc(len + 1);
    got = 0;
    while (body != NULL && got < len) {
        ssize_t n = recv(fd, body + got, len - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    Liuhen__Response *r =
        body != NULL && got == len ? liuhen__response__unpack(NULL, len, body) : NULL;
    free(body);
    return r;
}

#define CLIENT_CHECK(t, cond)                                                                      \
    do {                                                                                           \
        if (!(cond) && (t)->client_failures++ == 0)                                                \
            snprintf((t)->failure, sizeof(t)->failure, "line %d: %s", __LINE__, #cond);            \
    } while (0)

static void *client_main(void *arg)
{
    loop_test *t = arg;
    int fd = client_connect(t->path);
    CLIENT_CHECK(t, fd >= 0);
    if (fd >= 0) {
        struct stat sb;
        CLIENT_CHECK(t, stat(t->path, &sb) == 0 && (sb.st_mode & 0777) == 0660);
        /* Three pipelined requests: a read, an append (no sequencer), garbage. */
        static const uint8_t get_cp[] = {0x08, 0x01, 0x5a, 0x00};
        static const uint8_t append[] = {0x08, 0x02, 0x52, 0x05, 0x0a, 0x03, 0x0a, 0x01, 0x61};
        static const uint8_t junk[] = {0xff, 0xff};
        CLIENT_CHECK(t, send_frame(fd, get_cp, sizeof get_cp) == 0);
        CLIENT_CHECK(t, send_frame(fd, append, sizeof append) == 0);
        CLIENT_CHECK(t, send_frame(fd, junk, sizeof junk) == 0);
        int seen = 0;
        for (int i = 0; i < 3; i++) {
            Liuhen__Response *r = recv_response(fd);
            CLIENT_CHECK(t, r != NULL);
            if (r == NULL)
                break;
            if (r->id == 1 && r->status == LIUHEN__STATUS__STATUS_OK &&
                r->result_case == LIUHEN__RESPONSE__RESULT_GET_CHECKPOINT)
                seen |= 1;
            if (r->id == 2 && r->status == LIUHEN__STATUS__STATUS_UNAVAILABLE)
                seen |= 2;
            if (r->id == 0 && r->status == LIUHEN__STATUS__STATUS_INVALID_ARGUMENT)
                seen |= 4;
            liuhen__response__free_unpacked(r, NULL);
        }
        CLIENT_CHECK(t, seen == 7);
        /* An oversized frame: TOO_LARGE with id 0, then the server closes. */
        uint8_t h[4];
        wire_put_header(h, WIRE_DEFAULT_MAX_FRAME + 1);
        CLIENT_CHECK(t, send_all(fd, h, 4) == 0);
        Liuhen__Response *r = recv_response(fd);
        CLIENT_CHECK(t, r != NULL && r->id == 0 && r->status == LIUHEN__STATUS__STATUS_TOO_LARGE);
        if (r != NULL)
            liuhen__response__free_unpacked(r, NULL);
        r = recv_response(fd);
        CLIENT_CHECK(t, r == NULL);
        if (r != NULL)
            liuhen__response__free_unpacked(r, NULL);
        close(fd);
    }
    uv_async_send(&t->done);
    return NULL;
}

static void on_drained(void *ctx)
{
    loop_test *t = ctx;
    t->drained_calls++;
    server_close(t->srv);
}

static void on_client_done(uv_async_t *a)
{
    loop_test *t = a->data;
    uv_close((uv_handle_t *)a, NULL);
    server_shutdown(t->srv, on_drained, t);
    /* A second request to stop only logs. */
    server_shutdown(t->srv, on_drained, t);
}

static void test_server_loop(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    loop_test t = {0};
    snprintf(t.path, sizeof t.path, "%s/liuhen.sock", dir);
    server_config cfg = {
        .socket_path = t.path,
        .max_frame = WIRE_DEFAULT_MAX_FRAME,
        .store = st,
        .keys = keys,
        .origin = ORIGIN,
        .log_vkey = "test-vkey",
        .started_at = 1,
    };
    lh_err err = {{0}};
    tu_assert_code(server_new(&t.srv, &loop, &cfg, &err), 0, &err);
    tu_assert_code(server_listen(t.srv, NULL, NULL, &err), 0, &err);
    t.done.data = &t;
    assert_int_equal(uv_async_init(&loop, &t.done, on_client_done), 0);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, client_main, &t), 0);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    pthread_join(th, NULL);
    server_free(t.srv);
    assert_int_equal(uv_loop_close(&loop), 0);
    if (t.client_failures > 0)
        fail_msg("client: %d failures, first at %s", t.client_failures, t.failure);
    assert_int_equal(t.drained_calls, 1);
    /* The drain removed the socket file. */
    struct stat sb;
    assert_int_equal(stat(t.path, &sb), -1);
}

/* A live socket is never taken over; a stale one is replaced. */
static void test_server_socket_refusals(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    char path[96];
    snprintf(path, sizeof path, "%s/live.sock", dir);
    server_config cfg = {
        .socket_path = path,
        .max_frame = WIRE_DEFAULT_MAX_FRAME,
        .store = st,
        .origin = ORIGIN,
    };
    server *a = NULL, *b = NULL;
    lh_err err = {{0}};
    tu_assert_code(server_new(&a, &loop, &cfg, &err), 0, &err);
    tu_assert_code(server_listen(a, NULL, NULL, &err), 0, &err);
    tu_assert_code(server_new(&b, &loop, &cfg, &err), 0, &err);
    tu_assert_code(server_listen(b, NULL, NULL, &err), LH_EEXIST, &err);
    assert_non_null(strstr(err.msg, "another daemon is listening"));
    server_close(b);
    server_close(a);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    server_free(a);
    server_free(b);

    /* A socket file nobody listens on: stale, removed, replaced. */
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
    assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof sun), 0);
    close(fd);
    tu_assert_code(server_new(&a, &loop, &cfg, &err), 0, &err);
    tu_assert_code(server_listen(a, NULL, NULL, &err), 0, &err);
    server_close(a);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    server_free(a);

    /* A path that is not a socket is never removed. */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    tu_assert_code(server_new(&a, &loop, &cfg, &err), 0, &err);
    tu_assert_code(server_listen(a, NULL, NULL, &err), LH_EEXIST, &err);
    assert_non_null(strstr(err.msg, "not a socket"));
    server_close(a);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    server_free(a);
    unlink(path);

    cfg.group = "liuhen-no-such-group";
    tu_assert_code(server_new(&a, &loop, &cfg, &err), 0, &err);
    tu_assert_code(server_listen(a, NULL, NULL, &err), LH_EINVAL, &err);
    assert_non_null(strstr(err.msg, "does not exist"));
    server_close(a);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    server_free(a);
    assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_malformed),
        cmocka_unit_test(test_parse_unknown_fields),
        cmocka_unit_test(test_parse_append_bytes),
        cmocka_unit_test(test_parse_nul_in_case),
        cmocka_unit_test(test_get_checkpoint_and_status),
        cmocka_unit_test(test_inclusion_every_size),
        cmocka_unit_test(test_inclusion_refusals),
        cmocka_unit_test(test_consistency_every_pair),
        cmocka_unit_test(test_entries),
        cmocka_unit_test(test_case),
        cmocka_unit_test(test_author_head),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_put_response_limit),
        cmocka_unit_test(test_server_loop),
        cmocka_unit_test(test_server_socket_refusals),
    };
    /* Refusals are logged at info; the tests check them in the responses. */
    log_set_level(LOG_LEVEL_ERROR);
    return cmocka_run_group_tests(tests, setup, teardown);
}
