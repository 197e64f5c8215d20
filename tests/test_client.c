/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_client.c — the client API (client/liuhen.c) against a fake liuhend.
 *
 * The fake server is a thread in this process speaking the wire protocol
 * (docs/design.md "Wire protocol") on a Unix socket in a temporary directory. It
 * keeps a real log: entries checked with validate_entry() and entry_verify(),
 * author and case heads, an RFC 6962 tree in a memstore, and checkpoints
 * signed with a real log key. Knobs make it misbehave in one precise way at a
 * time: a tampered audit path, a receipt for another leaf, a checkpoint
 * signed by another key or altered after signing, a forked or rolled-back
 * log, no answer, a closed connection, a wrong id, garbage, an oversized
 * frame, a broken case chain. Each test checks the exact code, and for the
 * errors a caller will read, the message.
 *
 * Integration tests against the real daemon live elsewhere; these run
 * without it, in well under ten seconds under ASan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "checkpoint.h"
#include "entry.h"
#include "keyfile.h"
#include "liuhen.h"
#include "memstore.h"
#include "merkle.h"
#include "note.h"
#include "testutil.h"
#include "text.h"
#include "validate.h"
#include "wire.h"

#define ORIGIN  "test.example/log"
#define T0      INT64_C(1767225600000) /* 2026-01-01, unix ms */
#define MAXLOG  512
#define MAXCONN 8

/* ------------------------------------------------------------------------ */
/* Keys. */

static note_signer log_signer, other_signer;
static note_verifier log_verifier;
static char log_vkey[NOTE_VKEY_MAX + 1];
static keyfile_key *alice, *bob;

static void seed_of(uint8_t seed[32], uint8_t b)
{
    memset(seed, b, 32);
}

static int group_setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    uint8_t seed[32];
    size_t n;
    seed_of(seed, 1);
    if (note_signer_from_seed(&log_signer, ORIGIN, strlen(ORIGIN), NOTE_TYPE_ED25519, seed) != 0)
        return -1;
    /* Same name, another key: a checkpoint it signs names an unknown key id. */
    seed_of(seed, 2);
    if (note_signer_from_seed(&other_signer, ORIGIN, strlen(ORIGIN), NOTE_TYPE_ED25519, seed) != 0)
        return -1;
    if (note_signer_verifier(&log_signer, &log_verifier) != 0 ||
        note_vkey_format(&log_verifier, log_vkey, sizeof log_vkey, &n) != 0)
        return -1;
    seed_of(seed, 3);
    if (keyfile_from_seed("alice", seed, &alice, NULL) != 0)
        return -1;
    seed_of(seed, 4);
    if (keyfile_from_seed("bob", seed, &bob, NULL) != 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    note_signer_wipe(&log_signer);
    note_signer_wipe(&other_signer);
    keyfile_key_free(alice);
    keyfile_key_free(bob);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Entries. */

/* An INTERFERENCE record template, as a caller of lh_append() fills it. */
typedef struct tentry {
    Liuhen__Entry e;
    Liuhen__Interference b;
} tentry;

static void tentry_init(tentry *t, const char *case_id, const char *content)
{
    t->e = (Liuhen__Entry)LIUHEN__ENTRY__INIT;
    t->b = (Liuhen__Interference)LIUHEN__INTERFERENCE__INIT;
    t->b.place = "办公室";
    t->b.content = (char *)content;
    t->b.manner = LIUHEN__MANNER__MANNER_PHONE;
    t->e.kind = LIUHEN__KIND__KIND_INTERFERENCE;
    t->e.case_id = (char *)case_id;
    t->e.body_case = LIUHEN__ENTRY__BODY_INTERFERENCE;
    t->e.interference = &t->b;
    t->e.recorded_at = T0;
}

/* Sign an entry with every link given, as another client would. */
static uint8_t *mk_signed(const keyfile_key *k, const char *case_id, uint64_t seq,
                          const uint8_t *author_prev, const uint8_t *case_prev, size_t *len)
{
    tentry t;
    tentry_init(&t, case_id, "another client's record");
    uint8_t key[32];
    memcpy(key, keyfile_key_pubkey(k), 32);
    t.e.origin = ORIGIN;
    t.e.author_key = (ProtobufCBinaryData){32, key};
    t.e.author_seq = seq;
    if (author_prev != NULL)
        t.e.author_prev = (ProtobufCBinaryData){32, (uint8_t *)(uintptr_t)author_prev};
    if (case_prev != NULL)
        t.e.case_prev = (ProtobufCBinaryData){32, (uint8_t *)(uintptr_t)case_prev};
    size_t elen = liuhen__entry__get_packed_size(&t.e);
    uint8_t *eb = malloc(elen);
    uint8_t *msg = malloc(ENTRY_SIG_CONTEXT_LEN + elen);
    uint8_t *out = malloc(ENTRY_SIGNED_SIZE(elen));
    assert_non_null(eb);
    assert_non_null(msg);
    assert_non_null(out);
    liuhen__entry__pack(&t.e, eb);
    size_t mlen;
    uint8_t sig[64];
    assert_int_equal(entry_sig_input(eb, elen, msg, ENTRY_SIG_CONTEXT_LEN + elen, &mlen), 0);
    assert_int_equal(keyfile_sign(k, msg, mlen, sig), 0);
    assert_int_equal(entry_signed_pack(eb, elen, sig, out, ENTRY_SIGNED_SIZE(elen), len), 0);
    free(eb);
    free(msg);
    return out;
}

/* ------------------------------------------------------------------------ */
/* A fake log: what liuhend keeps, in memory. */

typedef struct flog {
    memstore ms;
    size_t n;
    uint8_t *leaf[MAXLOG];
    size_t leaf_len[MAXLOG];
    uint8_t lhash[MAXLOG][32];
    uint8_t eid[MAXLOG][32]; /* entry ids */
    char case_id[MAXLOG][ENTRY_CASE_ID_MAX + 1];
    int64_t clock;
    struct {
        uint8_t key[32];
        uint64_t seq;
        uint8_t head[32];
    } author[16];
    size_t nauthors;
    struct {
        char id[ENTRY_CASE_ID_MAX + 1];
        uint64_t len;
        uint8_t head[32];
    } cases[16];
    size_t ncases;
} flog;

static void flog_init(flog *l)
{
    memset(l, 0, sizeof *l);
    l->clock = T0 + 1000;
}

static void flog_free(flog *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->leaf[i]);
    memstore_free(&l->ms);
}

static size_t flog_author(flog *l, const uint8_t key[32])
{
    for (size_t i = 0; i < l->nauthors; i++)
        if (memcmp(l->author[i].key, key, 32) == 0)
            return i;
    return SIZE_MAX;
}

static size_t flog_case(flog *l, const char *id)
{
    for (size_t i = 0; i < l->ncases; i++)
        if (strcmp(l->cases[i].id, id) == 0)
            return i;
    return SIZE_MAX;
}

/* Fill wire heads for an author (and a case); they point into the log. */
static void flog_heads(flog *l, const uint8_t key[32], const char *case_id, Liuhen__Heads *h)
{
    *h = (Liuhen__Heads)LIUHEN__HEADS__INIT;
    size_t a = flog_author(l, key);
    if (a != SIZE_MAX) {
        h->author_seq = l->author[a].seq;
        h->author_head = (ProtobufCBinaryData){32, l->author[a].head};
    }
    size_t c = case_id != NULL && case_id[0] != '\0' ? flog_case(l, case_id) : SIZE_MAX;
    if (c != SIZE_MAX) {
        h->case_length = l->cases[c].len;
        h->case_head = (ProtobufCBinaryData){32, l->cases[c].head};
    }
}

/* Append as the daemon would: OK, DUPLICATE (index of the original), CONFLICT, or a refusal. */
static Liuhen__Status flog_append(flog *l, const uint8_t *se, size_t se_len, uint64_t *index,
                                  char *msg, size_t msg_cap)
{
    const uint8_t *eb, *sig;
    size_t elen;
    lh_err e = {{0}};
    msg[0] = '\0';
    if (entry_signed_unpack(se, se_len, &eb, &elen, &sig, &e) != 0) {
        snprintf(msg, msg_cap, "signed_entry: %.200s", e.msg);
        return LIUHEN__STATUS__STATUS_INVALID_ARGUMENT;
    }
    Liuhen__Entry *en;
    if (validate_entry(eb, elen, ORIGIN, &en, &e) != 0) {
        snprintf(msg, msg_cap, "%.200s", e.msg);
        return LIUHEN__STATUS__STATUS_INVALID_ARGUMENT;
    }
    Liuhen__Status st = LIUHEN__STATUS__STATUS_OK;
    uint8_t id[32];
    entry_id(eb, elen, id);
    size_t a = flog_author(l, en->author_key.data);
    size_t c = en->case_id[0] != '\0' ? flog_case(l, en->case_id) : SIZE_MAX;
    uint64_t aseq = a == SIZE_MAX ? 0 : l->author[a].seq;
    uint64_t clen = c == SIZE_MAX ? 0 : l->cases[c].len;
    if (entry_verify(eb, elen, sig, en->author_key.data) != 0) {
        snprintf(msg, msg_cap, "signature does not verify");
        st = LIUHEN__STATUS__STATUS_BAD_SIGNATURE;
        goto out;
    }
    for (size_t i = 0; i < l->n; i++) {
        if (memcmp(l->eid[i], id, 32) == 0) {
            *index = i;
            st = LIUHEN__STATUS__STATUS_DUPLICATE;
            goto out;
        }
    }
    if (en->author_seq != aseq + 1 ||
        (aseq == 0 ? en->author_prev.len != 0
                   : en->author_prev.len != 32 ||
                         memcmp(en->author_prev.data, l->author[a].head, 32) != 0)) {
        snprintf(msg, msg_cap, "author_seq %llu is not the author's next (%llu)",
                 (unsigned long long)en->author_seq, (unsigned long long)aseq + 1);
        st = LIUHEN__STATUS__STATUS_CONFLICT;
        goto out;
    }
    if (en->case_id[0] != '\0' &&
        (clen == 0
             ? en->case_prev.len != 0
             : en->case_prev.len != 32 || memcmp(en->case_prev.data, l->cases[c].head, 32) != 0)) {
        snprintf(msg, msg_cap, "case_prev is not the case head");
        st = LIUHEN__STATUS__STATUS_CONFLICT;
        goto out;
    }
    assert_true(l->n < MAXLOG);
    uint8_t buf[ENTRY_LEAF_MAX];
    size_t blen;
    int64_t at = ++l->clock;
    assert_int_equal(entry_leaf_pack(se, se_len, at, buf, sizeof buf, &blen), 0);
    size_t i = l->n++;
    l->leaf[i] = malloc(blen);
    assert_non_null(l->leaf[i]);
    memcpy(l->leaf[i], buf, blen);
    l->leaf_len[i] = blen;
    entry_leaf_hash(buf, blen, l->lhash[i]);
    memcpy(l->eid[i], id, 32);
    snprintf(l->case_id[i], sizeof l->case_id[i], "%s", en->case_id);
    assert_int_equal(memstore_append(&l->ms, l->lhash[i]), 0);
    if (a == SIZE_MAX) {
        a = l->nauthors++;
        memcpy(l->author[a].key, en->author_key.data, 32);
    }
    l->author[a].seq = en->author_seq;
    memcpy(l->author[a].head, id, 32);
    if (en->case_id[0] != '\0') {
        if (c == SIZE_MAX) {
            c = l->ncases++;
            snprintf(l->cases[c].id, sizeof l->cases[c].id, "%s", en->case_id);
        }
        l->cases[c].len++;
        memcpy(l->cases[c].head, id, 32);
    }
    *index = i;
out:
    liuhen__entry__free_unpacked(en, NULL);
    return st;
}

/* Append a record by another client, with the right links. */
static uint64_t flog_add(flog *l, const keyfile_key *k, const char *case_id)
{
    size_t a = flog_author(l, keyfile_key_pubkey(k));
    size_t c = flog_case(l, case_id);
    size_t len;
    uint8_t *se = mk_signed(k, case_id, a == SIZE_MAX ? 1 : l->author[a].seq + 1,
                            a == SIZE_MAX ? NULL : l->author[a].head,
                            c == SIZE_MAX ? NULL : l->cases[c].head, &len);
    uint64_t index = 0;
    char msg[256];
    Liuhen__Status st = flog_append(l, se, len, &index, msg, sizeof msg);
    free(se);
    if (st != LIUHEN__STATUS__STATUS_OK)
        fail_msg("flog_add: %d %s", st, msg);
    return index;
}

/* ------------------------------------------------------------------------ */
/* The fake server. */

typedef enum fault {
    FAULT_NONE,
    FAULT_NO_ANSWER,   /* read requests, never answer */
    FAULT_CLOSE,       /* close the connection when a request arrives */
    FAULT_WRONG_ID,    /* answer with another request's id */
    FAULT_GARBAGE,     /* answer with bytes that are not a Response */
    FAULT_OVERSIZED,   /* announce a frame larger than the client's limit */
    FAULT_DROP_APPEND, /* log an append, then close without answering */
} fault;

typedef struct fsrv {
    char dir[64];
    char sock[128];
    int lfd;
    pthread_t thread;
    pthread_mutex_t mu;
    volatile bool stop;

    /* Everything below is read and written under mu. */
    flog logs[2]; /* two histories, for forks */
    flog *log;    /* the one served */
    const note_signer *signer;
    fault fault;                                 /* one-shot, except FAULT_NO_ANSWER */
    uint32_t oversize;                           /* the length FAULT_OVERSIZED announces */
    uint8_t *inject[LH_APPEND_MAX_ATTEMPTS + 4]; /* signed entries logged before the next appends */
    size_t ninject, inject_next;
    bool inject_each;        /* log one injected entry before every append */
    bool always_conflict;    /* answer CONFLICT without changing anything */
    bool conflict_no_heads;  /* CONFLICT answers carry no heads */
    bool tamper_path;        /* flip a byte of audit paths */
    bool cp_badsig;          /* alter checkpoints after signing */
    long receipt_index;      /* >= 0: receipts name this entry instead */
    int64_t at_skew;         /* added to receipts' integrated_at */
    uint64_t latest_size;    /* != 0: GetCheckpoint serves this size */
    bool incl_no_checkpoint; /* inclusion proofs at a size come without checkpoint */
    long case_omit;          /* >= 0: GetCase drops this item */
    long case_foreign;       /* >= 0: GetCase appends this log entry */
    long entry_badsig;       /* >= 0: GetEntries alters this entry's signature */
    bool keys_bad;           /* a key of 31 bytes */
    const char *status_origin;
    Liuhen__Status append_status; /* != OK: refuse appends with it */
    const char *append_message;
    unsigned n_requests, n_append, n_heads, n_consistency, n_inclusion;
    bool no_offer;     /* appends answer without the consistency proof asked for */
    bool tamper_offer; /* ... or with a wrong one */
    long bob_after;    /* >= 0: bob appends to bob_case once n_append passes it */
    const char *bob_case;
} fsrv;

#define LOCKED(fs, stmt)                                                                           \
    do {                                                                                           \
        pthread_mutex_lock(&(fs)->mu);                                                             \
        stmt;                                                                                      \
        pthread_mutex_unlock(&(fs)->mu);                                                           \
    } while (0)

/* Read exactly len bytes, giving up on EOF or when the server stops. */
static int srv_read(fsrv *fs, int fd, uint8_t *buf, size_t len)
{
    size_t off = 0;
    while (off < len) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int n = poll(&p, 1, 20);
        if (fs->stop)
            return -1;
        if (n <= 0)
            continue;
        ssize_t r = read(fd, buf + off, len - off);
        if (r <= 0)
            return -1;
        off += (size_t)r;
    }
    return 0;
}

static void srv_write(int fd, const uint8_t *buf, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = send(fd, buf + off, len - off, MSG_NOSIGNAL);
        if (n <= 0)
            return; /* the client went away: nothing to do */
        off += (size_t)n;
    }
}

static void srv_send(int fd, const Liuhen__Response *r)
{
    size_t len = liuhen__response__get_packed_size(r);
    uint8_t *buf = malloc(WIRE_HEADER_SIZE + len);
    assert_non_null(buf);
    wire_put_header(buf, (uint32_t)len);
    liuhen__response__pack(r, buf + WIRE_HEADER_SIZE);
    srv_write(fd, buf, WIRE_HEADER_SIZE + len);
    free(buf);
}

/* The signed checkpoint of a size of the served log, into out. */
static size_t srv_checkpoint(fsrv *fs, uint64_t size, uint8_t out[CHECKPOINT_SIGNED_MAX])
{
    checkpoint cp;
    memset(&cp, 0, sizeof cp);
    snprintf(cp.origin, sizeof cp.origin, "%s", ORIGIN);
    cp.size = size;
    assert_int_equal(merkle_tree_hash(cp.root, size, memstore_read, &fs->log->ms), 0);
    size_t len;
    lh_err e = {{0}};
    tu_assert_code(checkpoint_sign(&cp, fs->signer, out, CHECKPOINT_SIGNED_MAX, &len, &e), 0, &e);
    if (fs->cp_badsig) {
        /* Alter the root line after signing: the signature no longer covers it. */
        uint8_t *nl1 = memchr(out, '\n', len);
        uint8_t *nl2 = memchr(nl1 + 1, '\n', len - (size_t)(nl1 + 1 - out));
        nl2[1] = nl2[1] == 'A' ? 'B' : 'A';
    }
    return len;
}

static void srv_inclusion(fsrv *fs, uint64_t index, uint64_t size, Liuhen__InclusionProof *p,
                          ProtobufCBinaryData *items, uint8_t (*hashes)[32])
{
    size_t n = 0;
    assert_int_equal(merkle_inclusion_proof(hashes, &n, index, size, memstore_read, &fs->log->ms),
                     0);
    if (fs->tamper_path && n > 0)
        hashes[0][0] ^= 1;
    for (size_t i = 0; i < n; i++)
        items[i] = (ProtobufCBinaryData){32, hashes[i]};
    *p = (Liuhen__InclusionProof)LIUHEN__INCLUSION_PROOF__INIT;
    p->leaf_index = index;
    p->tree_size = size;
    p->leaf_hash = (ProtobufCBinaryData){32, fs->log->lhash[index]};
    p->audit_path = items;
    p->n_audit_path = n;
}

static void srv_append(fsrv *fs, int fd, const Liuhen__Request *q, Liuhen__Response *r)
{
    fs->n_append++;
    if (fs->bob_after >= 0 && fs->n_append > (unsigned long)fs->bob_after) {
        fs->bob_after = -1;
        flog_add(fs->log, bob, fs->bob_case);
    }
    if (fs->inject_next < fs->ninject) {
        uint64_t ix;
        char m[256];
        uint8_t *se = fs->inject[fs->inject_next++];
        /* The injected entries are built one after another by the test. */
        size_t len = ((size_t)se[0] << 8) | se[1];
        flog_append(fs->log, se + 2, len, &ix, m, sizeof m);
    }
    size_t len = q->append->signed_entry.len;
    uint8_t *se = malloc(len > 0 ? len : 1);
    assert_non_null(se);
    memcpy(se, q->append->signed_entry.data, len);
    /* Whose heads a CONFLICT reports. */
    uint8_t author[32] = {0};
    char case_id[ENTRY_CASE_ID_MAX + 1] = "";
    const uint8_t *eb = NULL, *esig;
    size_t eblen = 0;
    Liuhen__Entry *en = entry_signed_unpack(se, len, &eb, &eblen, &esig, NULL) == 0
                            ? liuhen__entry__unpack(NULL, eblen, eb)
                            : NULL;
    if (en != NULL) {
        if (en->author_key.len == 32)
            memcpy(author, en->author_key.data, 32);
        snprintf(case_id, sizeof case_id, "%s", en->case_id);
        liuhen__entry__free_unpacked(en, NULL);
    }
    uint64_t index = 0;
    char msg[256];
    Liuhen__Status st;
    if (fs->append_status != LIUHEN__STATUS__STATUS_OK) {
        st = fs->append_status;
        snprintf(msg, sizeof msg, "%s", fs->append_message);
    } else if (fs->always_conflict) {
        st = LIUHEN__STATUS__STATUS_CONFLICT;
        snprintf(msg, sizeof msg, "case_prev is not the case head");
    } else {
        st = flog_append(fs->log, se, len, &index, msg, sizeof msg);
    }
    free(se);
    if (fs->fault == FAULT_DROP_APPEND) {
        fs->fault = FAULT_NONE;
        shutdown(fd, SHUT_RDWR);
        return;
    }
    r->status = st;
    r->message = msg;
    Liuhen__AppendResponse ar = LIUHEN__APPEND_RESPONSE__INIT;
    Liuhen__Receipt rc = LIUHEN__RECEIPT__INIT;
    Liuhen__InclusionProof p;
    ProtobufCBinaryData items[MERKLE_MAX_PROOF];
    uint8_t hashes[MERKLE_MAX_PROOF][32];
    uint8_t note[CHECKPOINT_SIGNED_MAX];
    Liuhen__Heads h;
    Liuhen__ConsistencyProof cp = LIUHEN__CONSISTENCY_PROOF__INIT;
    ProtobufCBinaryData citems[MERKLE_MAX_PROOF];
    uint8_t chashes[MERKLE_MAX_PROOF][32];
    r->result_case = LIUHEN__RESPONSE__RESULT_APPEND;
    r->append = &ar;
    if (st == LIUHEN__STATUS__STATUS_OK || st == LIUHEN__STATUS__STATUS_DUPLICATE) {
        if (fs->receipt_index >= 0)
            index = (uint64_t)fs->receipt_index;
        /* Each append is a batch of one: its checkpoint has size index + 1. */
        uint64_t size = index + 1;
        srv_inclusion(fs, index, size, &p, items, hashes);
        rc.leaf_index = index;
        rc.leaf_hash = (ProtobufCBinaryData){32, fs->log->lhash[index]};
        const uint8_t *sig_entry;
        size_t sig_len;
        assert_int_equal(entry_leaf_unpack(fs->log->leaf[index], fs->log->leaf_len[index],
                                           &sig_entry, &sig_len, &rc.integrated_at, NULL),
                         0);
        rc.integrated_at += fs->at_skew;
        rc.checkpoint = (ProtobufCBinaryData){srv_checkpoint(fs, size, note), note};
        rc.inclusion = &p;
        ar.receipt = &rc;
        /* liuhen.proto: a DUPLICATE carries the leaf logged under the id. */
        if (st == LIUHEN__STATUS__STATUS_DUPLICATE)
            ar.leaf = (ProtobufCBinaryData){fs->log->leaf_len[index], fs->log->leaf[index]};
        /* liuhen.proto: the proof from the size the client knew. */
        uint64_t known = q->append->known_size;
        if (known != 0 && known < size && !fs->no_offer) {
            size_t n = 0;
            assert_int_equal(
                merkle_consistency_proof(chashes, &n, known, size, memstore_read, &fs->log->ms), 0);
            if (fs->tamper_offer && n > 0)
                chashes[n - 1][0] ^= 1;
            for (size_t i = 0; i < n; i++)
                citems[i] = (ProtobufCBinaryData){32, chashes[i]};
            cp.first = known;
            cp.second = size;
            cp.consistency = citems;
            cp.n_consistency = n;
            ar.consistency = &cp;
        }
    } else if (st == LIUHEN__STATUS__STATUS_CONFLICT && !fs->conflict_no_heads) {
        flog_heads(fs->log, author, case_id, &h);
        ar.heads = &h;
    }
    srv_send(fd, r);
}

static void srv_entries(fsrv *fs, int fd, const Liuhen__GetEntriesRequest *q, Liuhen__Response *r)
{
    Liuhen__GetEntriesResponse er = LIUHEN__GET_ENTRIES_RESPONSE__INIT;
    Liuhen__LoggedEntry les[MAXLOG];
    Liuhen__LoggedEntry *ptrs[MAXLOG];
    uint8_t bad[ENTRY_LEAF_MAX];
    size_t n = 0;
    for (uint64_t i = q->start; i < fs->log->n && n < q->count; i++, n++) {
        les[n] = (Liuhen__LoggedEntry)LIUHEN__LOGGED_ENTRY__INIT;
        les[n].index = i;
        les[n].leaf = (ProtobufCBinaryData){fs->log->leaf_len[i], fs->log->leaf[i]};
        if ((long)i == fs->entry_badsig) {
            /* The signature is the last field of the SignedEntry, which is
             * followed in the leaf by integrated_at (tag 0x10 and a varint
             * of six bytes for a 2026 time): flip a bit just before it. */
            memcpy(bad, fs->log->leaf[i], fs->log->leaf_len[i]);
            bad[fs->log->leaf_len[i] - 8] ^= 1;
            les[n].leaf.data = bad;
        }
        ptrs[n] = &les[n];
    }
    er.entries = ptrs;
    er.n_entries = n;
    r->result_case = LIUHEN__RESPONSE__RESULT_GET_ENTRIES;
    r->get_entries = &er;
    srv_send(fd, r);
}

static void srv_case(fsrv *fs, int fd, const Liuhen__GetCaseRequest *q, Liuhen__Response *r)
{
    Liuhen__GetCaseResponse cr = LIUHEN__GET_CASE_RESPONSE__INIT;
    static Liuhen__LoggedEntry les[MAXLOG];
    static Liuhen__LoggedEntry *lp[MAXLOG];
    static Liuhen__InclusionProof ps[MAXLOG];
    static Liuhen__InclusionProof *pp[MAXLOG];
    static ProtobufCBinaryData items[MAXLOG][MERKLE_MAX_PROOF];
    static uint8_t hashes[MAXLOG][MERKLE_MAX_PROOF][32];
    uint8_t note[CHECKPOINT_SIGNED_MAX];
    uint64_t size = fs->log->n;
    /* The case's entries, but for the one omitted, then the foreign one. */
    uint64_t chosen[MAXLOG];
    size_t n = 0, k = 0;
    for (uint64_t i = 0; i < size; i++) {
        bool mine = strcmp(fs->log->case_id[i], q->case_id) == 0;
        if (mine && (long)(k++) != fs->case_omit)
            chosen[n++] = i;
    }
    if (fs->case_foreign >= 0)
        chosen[n++] = (uint64_t)fs->case_foreign;
    for (size_t j = 0; j < n; j++) {
        uint64_t i = chosen[j];
        les[j] = (Liuhen__LoggedEntry)LIUHEN__LOGGED_ENTRY__INIT;
        les[j].index = i;
        les[j].leaf = (ProtobufCBinaryData){fs->log->leaf_len[i], fs->log->leaf[i]};
        srv_inclusion(fs, i, size, &ps[j], items[j], hashes[j]);
        lp[j] = &les[j];
        pp[j] = &ps[j];
    }
    if (n == 0) {
        r->status = LIUHEN__STATUS__STATUS_NOT_FOUND;
        r->message = "no such case";
        srv_send(fd, r);
        return;
    }
    cr.entries = lp;
    cr.n_entries = n;
    cr.proofs = pp;
    cr.n_proofs = n;
    cr.checkpoint = (ProtobufCBinaryData){srv_checkpoint(fs, size, note), note};
    r->result_case = LIUHEN__RESPONSE__RESULT_GET_CASE;
    r->get_case = &cr;
    srv_send(fd, r);
}

/* Answer one request; false when the connection is to be closed. */
static bool srv_handle(fsrv *fs, int fd, const Liuhen__Request *q)
{
    fs->n_requests++;
    Liuhen__Response r = LIUHEN__RESPONSE__INIT;
    r.id = q->id;
    switch (fs->fault) {
    case FAULT_NO_ANSWER: return true;
    case FAULT_CLOSE: fs->fault = FAULT_NONE; return false;
    case FAULT_WRONG_ID:
        fs->fault = FAULT_NONE;
        r.id = q->id + 1;
        srv_send(fd, &r);
        return true;
    case FAULT_GARBAGE: {
        fs->fault = FAULT_NONE;
        uint8_t junk[WIRE_HEADER_SIZE + 6];
        wire_put_header(junk, 6);
        memset(junk + WIRE_HEADER_SIZE, 0xFF, 6);
        srv_write(fd, junk, sizeof junk);
        return true;
    }
    case FAULT_OVERSIZED: {
        fs->fault = FAULT_NONE;
        uint8_t hdr[WIRE_HEADER_SIZE];
        wire_put_header(hdr, fs->oversize);
        srv_write(fd, hdr, sizeof hdr);
        return true;
    }
    default: break;
    }

    uint8_t note[CHECKPOINT_SIGNED_MAX];
    Liuhen__InclusionProof p;
    ProtobufCBinaryData items[MERKLE_MAX_PROOF];
    uint8_t hashes[MERKLE_MAX_PROOF][32];
    flog *l = fs->log;
    switch (q->call_case) {
    case LIUHEN__REQUEST__CALL_APPEND: srv_append(fs, fd, q, &r); return true;
    case LIUHEN__REQUEST__CALL_GET_CHECKPOINT: {
        Liuhen__GetCheckpointResponse cr = LIUHEN__GET_CHECKPOINT_RESPONSE__INIT;
        uint64_t size = fs->latest_size != 0 ? fs->latest_size : l->n;
        cr.checkpoint = (ProtobufCBinaryData){srv_checkpoint(fs, size, note), note};
        r.result_case = LIUHEN__RESPONSE__RESULT_GET_CHECKPOINT;
        r.get_checkpoint = &cr;
        srv_send(fd, &r);
        return true;
    }
    case LIUHEN__REQUEST__CALL_GET_AUTHOR_HEAD: {
        fs->n_heads++;
        Liuhen__GetAuthorHeadResponse hr = LIUHEN__GET_AUTHOR_HEAD_RESPONSE__INIT;
        Liuhen__Heads h;
        flog_heads(l, q->get_author_head->author_key.data, q->get_author_head->case_id, &h);
        hr.heads = &h;
        r.result_case = LIUHEN__RESPONSE__RESULT_GET_AUTHOR_HEAD;
        r.get_author_head = &hr;
        srv_send(fd, &r);
        return true;
    }
    case LIUHEN__REQUEST__CALL_GET_INCLUSION_PROOF: {
        fs->n_inclusion++;
        const Liuhen__GetInclusionProofRequest *iq = q->get_inclusion_proof;
        Liuhen__GetInclusionProofResponse ir = LIUHEN__GET_INCLUSION_PROOF_RESPONSE__INIT;
        uint64_t size = iq->tree_size != 0 ? iq->tree_size : l->n;
        uint64_t index = iq->leaf_index;
        if (iq->target_case == LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_HASH) {
            index = UINT64_MAX;
            for (size_t i = 0; i < l->n; i++)
                if (iq->leaf_hash.len == 32 && memcmp(l->lhash[i], iq->leaf_hash.data, 32) == 0)
                    index = i;
        }
        if (index >= size || size > l->n) {
            r.status = LIUHEN__STATUS__STATUS_NOT_FOUND;
            r.message = "no such entry";
            srv_send(fd, &r);
            return true;
        }
        srv_inclusion(fs, index, size, &p, items, hashes);
        ir.proof = &p;
        if (iq->tree_size == 0 || !fs->incl_no_checkpoint)
            ir.checkpoint = (ProtobufCBinaryData){srv_checkpoint(fs, size, note), note};
        r.result_case = LIUHEN__RESPONSE__RESULT_GET_INCLUSION_PROOF;
        r.get_inclusion_proof = &ir;
        srv_send(fd, &r);
        return true;
    }
    case LIUHEN__REQUEST__CALL_GET_CONSISTENCY_PROOF: {
        fs->n_consistency++;
        const Liuhen__GetConsistencyProofRequest *cq = q->get_consistency_proof;
        Liuhen__GetConsistencyProofResponse cr = LIUHEN__GET_CONSISTENCY_PROOF_RESPONSE__INIT;
        Liuhen__ConsistencyProof cp = LIUHEN__CONSISTENCY_PROOF__INIT;
        uint64_t second = cq->second != 0 ? cq->second : l->n;
        size_t n = 0;
        if (cq->first == 0 || cq->first > second || second > l->n) {
            r.status = LIUHEN__STATUS__STATUS_INVALID_ARGUMENT;
            r.message = "second: beyond the tree";
            srv_send(fd, &r);
            return true;
        }
        assert_int_equal(
            merkle_consistency_proof(hashes, &n, cq->first, second, memstore_read, &l->ms), 0);
        for (size_t i = 0; i < n; i++)
            items[i] = (ProtobufCBinaryData){32, hashes[i]};
        cp.first = cq->first;
        cp.second = second;
        cp.consistency = items;
        cp.n_consistency = n;
        cr.proof = &cp;
        /* As the proto says: a checkpoint only when the latest was asked for. */
        if (cq->second == 0)
            cr.checkpoint = (ProtobufCBinaryData){srv_checkpoint(fs, second, note), note};
        r.result_case = LIUHEN__RESPONSE__RESULT_GET_CONSISTENCY_PROOF;
        r.get_consistency_proof = &cr;
        srv_send(fd, &r);
        return true;
    }
    case LIUHEN__REQUEST__CALL_GET_ENTRIES: srv_entries(fs, fd, q->get_entries, &r); return true;
    case LIUHEN__REQUEST__CALL_GET_CASE: srv_case(fs, fd, q->get_case, &r); return true;
    case LIUHEN__REQUEST__CALL_GET_KEYS: {
        Liuhen__GetKeysResponse kr = LIUHEN__GET_KEYS_RESPONSE__INIT;
        Liuhen__KeyInfo ki = LIUHEN__KEY_INFO__INIT;
        Liuhen__KeyInfo *kp = &ki;
        Liuhen__Role roles[] = {LIUHEN__ROLE__ROLE_HANDLER};
        uint8_t pk[32];
        memcpy(pk, keyfile_key_pubkey(alice), 32);
        ki.public_key = (ProtobufCBinaryData){fs->keys_bad ? 31 : 32, pk};
        ki.holder = "张三";
        ki.unit = "执法大队";
        ki.roles = roles;
        ki.n_roles = 1;
        ki.enrolled_index = 1;
        kr.keys = &kp;
        kr.n_keys = 1;
        r.result_case = LIUHEN__RESPONSE__RESULT_GET_KEYS;
        r.get_keys = &kr;
        srv_send(fd, &r);
        return true;
    }
    case LIUHEN__REQUEST__CALL_SERVER_STATUS: {
        Liuhen__StatusResponse sr = LIUHEN__STATUS_RESPONSE__INIT;
        sr.origin = (char *)(fs->status_origin != NULL ? fs->status_origin : ORIGIN);
        sr.tree_size = l->n;
        sr.checkpoint = (ProtobufCBinaryData){srv_checkpoint(fs, l->n, note), note};
        sr.connections = 1;
        sr.log_vkey = log_vkey;
        sr.started_at = T0;
        r.result_case = LIUHEN__RESPONSE__RESULT_SERVER_STATUS;
        r.server_status = &sr;
        srv_send(fd, &r);
        return true;
    }
    default:
        r.status = LIUHEN__STATUS__STATUS_INVALID_ARGUMENT;
        r.message = "call: unknown";
        srv_send(fd, &r);
        return true;
    }
}

/* Read one request from a readable connection and answer it. */
static bool srv_serve_one(fsrv *fs, int fd)
{
    uint8_t hdr[WIRE_HEADER_SIZE];
    if (srv_read(fs, fd, hdr, sizeof hdr) != 0)
        return false;
    uint32_t len = wire_get_header(hdr);
    if (len > WIRE_DEFAULT_MAX_FRAME)
        return false;
    uint8_t *buf = malloc(len > 0 ? len : 1);
    assert_non_null(buf);
    if (srv_read(fs, fd, buf, len) != 0) {
        free(buf);
        return false;
    }
    Liuhen__Request *q = liuhen__request__unpack(NULL, len, buf);
    free(buf);
    if (q == NULL)
        return false;
    pthread_mutex_lock(&fs->mu);
    bool keep = srv_handle(fs, fd, q);
    pthread_mutex_unlock(&fs->mu);
    liuhen__request__free_unpacked(q, NULL);
    return keep;
}

static void *srv_main(void *arg)
{
    fsrv *fs = arg;
    struct pollfd p[1 + MAXCONN];
    int conns[MAXCONN];
    size_t nconns = 0;
    while (!fs->stop) {
        p[0] = (struct pollfd){.fd = fs->lfd, .events = POLLIN};
        for (size_t i = 0; i < nconns; i++)
            p[1 + i] = (struct pollfd){.fd = conns[i], .events = POLLIN};
        if (poll(p, 1 + nconns, 20) <= 0)
            continue;
        for (size_t i = nconns; i-- > 0;) {
            if (p[1 + i].revents == 0)
                continue;
            if (!srv_serve_one(fs, conns[i])) {
                close(conns[i]);
                conns[i] = conns[--nconns];
            }
        }
        if ((p[0].revents & POLLIN) != 0 && nconns < MAXCONN) {
            int fd = accept(fs->lfd, NULL, NULL);
            if (fd >= 0)
                conns[nconns++] = fd;
        }
    }
    for (size_t i = 0; i < nconns; i++)
        close(conns[i]);
    return NULL;
}

static fsrv *srv_start(void)
{
    fsrv *fs = calloc(1, sizeof *fs);
    assert_non_null(fs);
    snprintf(fs->dir, sizeof fs->dir, "/tmp/lh-client-XXXXXX");
    assert_non_null(mkdtemp(fs->dir));
    snprintf(fs->sock, sizeof fs->sock, "%s/liuhend.sock", fs->dir);
    pthread_mutex_init(&fs->mu, NULL);
    flog_init(&fs->logs[0]);
    flog_init(&fs->logs[1]);
    fs->log = &fs->logs[0];
    fs->signer = &log_signer;
    fs->receipt_index = -1;
    fs->case_omit = -1;
    fs->case_foreign = -1;
    fs->entry_badsig = -1;
    fs->bob_after = -1;

    fs->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fs->lfd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    assert_true(strlen(fs->sock) < sizeof sa.sun_path);
    memcpy(sa.sun_path, fs->sock, strlen(fs->sock) + 1);
    assert_int_equal(bind(fs->lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(fs->lfd, 8), 0);
    assert_int_equal(pthread_create(&fs->thread, NULL, srv_main, fs), 0);
    return fs;
}

static void srv_stop(fsrv *fs)
{
    fs->stop = true;
    pthread_join(fs->thread, NULL);
    close(fs->lfd);
    /* The socket, the state file and anything a failed test left. */
    DIR *dir = opendir(fs->dir);
    if (dir != NULL) {
        struct dirent *de;
        while ((de = readdir(dir)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            char path[sizeof fs->dir + 256 + 2];
            snprintf(path, sizeof path, "%s/%s", fs->dir, de->d_name);
            unlink(path);
        }
        closedir(dir);
    }
    rmdir(fs->dir);
    flog_free(&fs->logs[0]);
    flog_free(&fs->logs[1]);
    for (size_t i = 0; i < fs->ninject; i++)
        free(fs->inject[i]);
    pthread_mutex_destroy(&fs->mu);
    free(fs);
}

/* A SignedEntry to inject, with its 2-byte length before it; se is freed. */
static uint8_t *inject_frame(uint8_t *se, size_t len)
{
    uint8_t *framed = malloc(len + 2);
    assert_non_null(framed);
    framed[0] = (uint8_t)(len >> 8);
    framed[1] = (uint8_t)len;
    memcpy(framed + 2, se, len);
    free(se);
    return framed;
}

/* The entry id of the entry a receipt is for (its signed entry). */
static void id_of(const lh_receipt *r, uint8_t id[32])
{
    const uint8_t *eb, *sig;
    size_t elen;
    assert_int_equal(
        entry_signed_unpack(r->signed_entry, r->signed_entry_len, &eb, &elen, &sig, NULL), 0);
    entry_id(eb, elen, id);
}

/* Queue an entry by bob in a case, to be logged just before the next append. */
static void srv_inject(fsrv *fs, uint64_t seq, const uint8_t *author_prev, const uint8_t *case_prev,
                       const char *case_id)
{
    size_t len;
    uint8_t *se = mk_signed(bob, case_id, seq, author_prev, case_prev, &len);
    assert_true(fs->ninject < sizeof fs->inject / sizeof fs->inject[0]);
    fs->inject[fs->ninject++] = inject_frame(se, len);
}

static lh_conn *conn_open(fsrv *fs, unsigned timeout_ms, const char *state)
{
    lh_options o = {0};
    o.socket_path = fs->sock;
    o.log_vkey = log_vkey;
    o.timeout_ms = timeout_ms;
    o.state_file = state;
    o.max_frame = 65536;
    lh_conn *c = NULL;
    lh_err e = {{0}};
    tu_assert_code(lh_connect(&o, &c, &e), 0, &e);
    return c;
}

/* Append a record by alice through the client; must succeed. */
static void append_ok(lh_conn *c, const char *case_id, lh_receipt *r)
{
    tentry t;
    tentry_init(&t, case_id, "副局长来电询问案情");
    lh_err e = {{0}};
    tu_assert_code(lh_append(c, alice, &t.e, r, &e), 0, &e);
}

/* ------------------------------------------------------------------------ */
/* Appends and receipts. */

static void test_append_ok(void **state)
{
    fsrv *fs = *state;
    lh_conn *c = conn_open(fs, 2000, NULL);
    assert_string_equal(lh_origin(c), ORIGIN);
    lh_receipt r1, r2;
    lh_err e = {{0}};

    tentry t;
    tentry_init(&t, "QJ-2026-7", "副局长来电询问案情");
    t.e.recorded_at = 0; /* now */
    tu_assert_code(lh_append(c, alice, &t.e, &r1, &e), 0, &e);
    /* The caller's message is not modified. */
    assert_int_equal(t.e.author_seq, 0);
    assert_int_equal(t.e.recorded_at, 0);
    assert_int_equal(r1.leaf_index, 0);
    assert_int_equal(r1.tree_size, 1);
    assert_non_null(r1.signed_entry);
    tu_assert_code(lh_receipt_verify(&r1, log_vkey, &e), 0, &e);

    append_ok(c, "QJ-2026-7", &r2);
    assert_int_equal(r2.leaf_index, 1);
    assert_int_equal(r2.tree_size, 2);

    /* The library filled the chain links: seq 2, author_prev and case_prev
     * are the first entry's entry id, the origin is the log's. It asked for
     * the heads once: the second append chains to the first from memory. */
    const uint8_t *eb, *sig;
    size_t elen;
    assert_int_equal(
        entry_signed_unpack(r2.signed_entry, r2.signed_entry_len, &eb, &elen, &sig, NULL), 0);
    Liuhen__Entry *en;
    tu_assert_code(validate_entry(eb, elen, ORIGIN, &en, &e), 0, &e);
    assert_int_equal(en->author_seq, 2);
    uint8_t id1[32];
    id_of(&r1, id1);
    assert_memory_equal(en->author_prev.data, id1, 32);
    assert_memory_equal(en->case_prev.data, id1, 32);
    LOCKED(fs, assert_int_equal(fs->n_heads, 1));
    assert_memory_equal(en->author_key.data, keyfile_key_pubkey(alice), 32);
    assert_true(en->recorded_at == T0);
    liuhen__entry__free_unpacked(en, NULL);

    lh_checkpoint cp;
    tu_assert_code(lh_seen_checkpoint(c, &cp, &e), 0, &e);
    assert_int_equal(cp.size, 2);
    lh_checkpoint_free(&cp);

    /* A record the structural validation refuses is refused before sending. */
    unsigned before;
    LOCKED(fs, before = fs->n_append);
    tentry bad;
    tentry_init(&bad, "", "no case");
    lh_receipt r3;
    tu_assert_code(lh_append(c, alice, &bad.e, &r3, &e), LH_EFIELD, &e);
    tu_assert_msg_has(&e, "case_id");
    assert_null(r3.signed_entry);
    LOCKED(fs, assert_int_equal(fs->n_append, before));
    lh_receipt_free(&r3);

    /* Key management has no case: no case head is asked for, no case_prev. */
    Liuhen__Entry ke = LIUHEN__ENTRY__INIT;
    Liuhen__KeyEnroll kb = LIUHEN__KEY_ENROLL__INIT;
    Liuhen__Role roles[] = {LIUHEN__ROLE__ROLE_HANDLER};
    uint8_t bob_pk[32];
    memcpy(bob_pk, keyfile_key_pubkey(bob), 32);
    kb.public_key = (ProtobufCBinaryData){32, bob_pk};
    kb.holder = "李四";
    kb.roles = roles;
    kb.n_roles = 1;
    ke.kind = LIUHEN__KIND__KIND_KEY_ENROLL;
    ke.body_case = LIUHEN__ENTRY__BODY_KEY_ENROLL;
    ke.key_enroll = &kb;
    lh_receipt r4;
    tu_assert_code(lh_append(c, alice, &ke, &r4, &e), 0, &e);
    assert_int_equal(r4.leaf_index, 2);
    assert_int_equal(
        entry_signed_unpack(r4.signed_entry, r4.signed_entry_len, &eb, &elen, &sig, NULL), 0);
    tu_assert_code(validate_entry(eb, elen, ORIGIN, &en, &e), 0, &e);
    assert_int_equal(en->case_prev.len, 0);
    assert_int_equal(en->author_seq, 3);
    liuhen__entry__free_unpacked(en, NULL);
    lh_receipt_free(&r4);

    /* A refusal carries the server's status and message, with anything
     * that could drive a terminal replaced. */
    LOCKED(fs, {
        fs->append_status = LIUHEN__STATUS__STATUS_PERMISSION_DENIED;
        fs->append_message = "role handler may not append DECISION\x1b[2J";
    });
    tu_assert_code(lh_append(c, alice, &t.e, &r4, &e), LH_EPERM, &e);
    tu_assert_msg_has(&e, "append: case QJ-2026-7: the server answered PERMISSION_DENIED: role "
                          "handler may not append DECISION?[2J");
    assert_non_null(r4.signed_entry);
    lh_receipt_free(&r4);
    LOCKED(fs, fs->append_status = LIUHEN__STATUS__STATUS_OK);

    lh_receipt_free(&r1);
    lh_receipt_free(&r2);
    lh_receipt_free(NULL);
    lh_close(c);
    lh_close(NULL);
}

static void test_append_conflict_retry(void **state)
{
    fsrv *fs = *state;
    lh_conn *c = conn_open(fs, 2000, NULL);
    lh_receipt r0, r;
    lh_err e = {{0}};
    append_ok(c, "QJ-2026-7", &r0);

    /* Bob logs an entry of the same case just before alice's next append
     * arrives: her case_prev is stale, the server answers CONFLICT with the
     * current heads, and the client signs again against them. */
    uint8_t id0[32];
    id_of(&r0, id0);
    srv_inject(fs, 1, NULL, id0, "QJ-2026-7");
    unsigned heads0;
    LOCKED(fs, heads0 = fs->n_heads);
    tentry t;
    tentry_init(&t, "QJ-2026-7", "第二次来电");
    tu_assert_code(lh_append(c, alice, &t.e, &r, &e), 0, &e);
    /* No GetAuthorHead: the heads came from this handle's first append,
     * then from the CONFLICT answer. */
    LOCKED(fs, {
        assert_int_equal(fs->n_append, 3);
        assert_int_equal(fs->n_heads - heads0, 0);
        assert_int_equal(fs->log->n, 3);
    });
    assert_int_equal(r.leaf_index, 2);
    /* Signed again with the new case head: bob's entry. */
    const uint8_t *eb, *sig;
    size_t elen;
    Liuhen__Entry *en;
    assert_int_equal(
        entry_signed_unpack(r.signed_entry, r.signed_entry_len, &eb, &elen, &sig, NULL), 0);
    assert_int_equal(validate_entry(eb, elen, ORIGIN, &en, NULL), 0);
    LOCKED(fs, assert_memory_equal(en->case_prev.data, fs->log->eid[1], 32));
    assert_memory_equal(en->author_prev.data, id0, 32);
    liuhen__entry__free_unpacked(en, NULL);
    lh_receipt_free(&r);

    /* A CONFLICT without heads: the client asks for them. */
    LOCKED(fs, {
        flog *l = fs->log;
        size_t b = flog_author(l, keyfile_key_pubkey(bob));
        size_t cs = flog_case(l, "QJ-2026-7");
        srv_inject(fs, l->author[b].seq + 1, l->author[b].head, l->cases[cs].head, "QJ-2026-7");
        fs->conflict_no_heads = true;
        heads0 = fs->n_heads;
    });
    tentry_init(&t, "QJ-2026-7", "第三次来电");
    tu_assert_code(lh_append(c, alice, &t.e, &r, &e), 0, &e);
    assert_int_equal(r.leaf_index, 4);
    LOCKED(fs, assert_int_equal(fs->n_heads - heads0, 1));
    lh_receipt_free(&r);
    lh_receipt_free(&r0);
    lh_close(c);
}

static void test_append_conflict_bounded(void **state)
{
    fsrv *fs = *state;
    lh_conn *c = conn_open(fs, 5000, NULL);
    lh_err e = {{0}};
    lh_receipt r;

    /* Someone appends to the case before every one of alice's attempts, so
     * the heads keep moving. Bob's next entries are signed in advance, each
     * naming the previous one by its entry id, which is known as soon as it
     * is signed (docs/design.md "Entries"). */
    LOCKED(fs, {
        flog *l = fs->log;
        flog_add(l, bob, "QJ-2026-8");
        size_t a = flog_author(l, keyfile_key_pubkey(bob));
        size_t cs = flog_case(l, "QJ-2026-8");
        uint64_t seq = l->author[a].seq;
        uint8_t head[32];
        memcpy(head, l->cases[cs].head, 32);
        for (int i = 0; i < LH_APPEND_MAX_ATTEMPTS + 2; i++) {
            size_t len;
            uint8_t *se = mk_signed(bob, "QJ-2026-8", ++seq, head, head, &len);
            const uint8_t *eb;
            const uint8_t *esig;
            size_t elen;
            assert_int_equal(entry_signed_unpack(se, len, &eb, &elen, &esig, NULL), 0);
            entry_id(eb, elen, head);
            fs->inject[fs->ninject++] = inject_frame(se, len);
        }
        fs->n_append = 0;
    });
    tentry t;
    tentry_init(&t, "QJ-2026-8", "被反复抢先");
    tu_assert_code(lh_append(c, alice, &t.e, &r, &e), LH_ECONFLICT, &e);
    char after[32];
    snprintf(after, sizeof after, "after %d attempts", LH_APPEND_MAX_ATTEMPTS);
    tu_assert_msg_has(&e, after);
    tu_assert_msg_has(&e, "case QJ-2026-8");
    LOCKED(fs, assert_int_equal(fs->n_append, LH_APPEND_MAX_ATTEMPTS));
    /* The bytes of the last attempt are kept. */
    assert_non_null(r.signed_entry);
    assert_null(r.checkpoint);
    lh_receipt_free(&r);

    /* CONFLICT while the heads do not move: no point in signing again. */
    LOCKED(fs, {
        fs->inject_next = fs->ninject; /* bob stops */
        fs->always_conflict = true;
        fs->n_append = 0;
    });
    tu_assert_code(lh_append(c, alice, &t.e, &r, &e), LH_ECONFLICT, &e);
    tu_assert_msg_has(&e, "did not move");
    LOCKED(fs, assert_int_equal(fs->n_append, 1));
    lh_receipt_free(&r);
    lh_close(c);
}

static void test_append_duplicate(void **state)
{
    fsrv *fs = *state;
    lh_conn *c = conn_open(fs, 2000, NULL);
    lh_err e = {{0}};
    lh_receipt r0, lost, dup;
    append_ok(c, "QJ-2026-9", &r0);

    /* The server logs the entry, then the connection drops: the answer is
     * lost, and the caller keeps the exact bytes that were sent. */
    LOCKED(fs, fs->fault = FAULT_DROP_APPEND);
    tentry t;
    tentry_init(&t, "QJ-2026-9", "答复丢失");
    tu_assert_code(lh_append(c, alice, &t.e, &lost, &e), LH_ECLOSED, &e);
    assert_non_null(lost.signed_entry);
    assert_null(lost.checkpoint);
    LOCKED(fs, assert_int_equal(fs->log->n, 2));
    /* The handle is broken: later calls fail at once. */
    lh_checkpoint cp;
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), LH_ECLOSED, &e);
    tu_assert_msg_has(&e, "earlier failure");
    lh_close(c);

    /* A new handle that has seen a larger checkpoint sends the same bytes:
     * DUPLICATE, with the original receipt, whose checkpoint is older than
     * the last seen and must be (and is) a prefix of it. */
    c = conn_open(fs, 2000, NULL);
    lh_receipt r3;
    append_ok(c, "QJ-2026-9", &r3);
    assert_int_equal(r3.tree_size, 3);
    tu_assert_code(lh_append_signed(c, lost.signed_entry, lost.signed_entry_len, &dup, &e), 0, &e);
    assert_int_equal(dup.leaf_index, 1);
    assert_int_equal(dup.tree_size, 2);
    LOCKED(fs, assert_int_equal(fs->log->n, 3));
    tu_assert_code(lh_receipt_verify(&dup, log_vkey, &e), 0, &e);
    lh_checkpoint_free(&cp);
    tu_assert_code(lh_seen_checkpoint(c, &cp, &e), 0, &e);
    assert_int_equal(cp.size, 3);
    lh_checkpoint_free(&cp);

    /* Bytes that are not a valid signed entry are refused unsent. */
    lost.signed_entry[lost.signed_entry_len - 1] ^= 1;
    lh_receipt bad;
    tu_assert_code(lh_append_signed(c, lost.signed_entry, lost.signed_entry_len, &bad, &e),
                   LH_EBADSIG, &e);
    lh_receipt_free(&bad);

    lh_receipt_free(&r0);
    lh_receipt_free(&r3);
    lh_receipt_free(&lost);
    lh_receipt_free(&dup);
    lh_close(c);
}

static void test_receipt_tampered(void **state)
{
    fsrv *fs = *state;
    lh_conn *c = conn_open(fs, 2000, NULL);
    lh_err e = {{0}};
    lh_receipt r0, r;
    append_ok(c, "QJ-2026-10", &r0);
    tentry t;
    tentry_init(&t, "QJ-2026-10", "再次来电");

    /* One byte of the audit path. */
    LOCKED(fs, fs->tamper_path = true);
    tu_assert_code(lh_append(c, alice, &t.e, &r, &e), LH_EPROOF, &e);
    tu_assert_msg_has(&e, "inclusion proof of entry 1");
    assert_non_null(r.signed_entry);
    assert_null(r.checkpoint);
    assert_null(r.audit_path);
    lh_receipt_free(&r);
    LOCKED(fs, fs->tamper_path = false);

    /* A receipt for another entry: its proof is good, but it is not about
     * the bytes alice signed. */
    LOCKED(fs, fs->receipt_index = 0);
    tentry_init(&t, "QJ-2026-10", "第三次");
    tu_assert_code(lh_append(c, alice, &t.e, &r, &e), LH_EPROOF, &e);
    tu_assert_msg_has(&e, "is not the hash of the signed entry");
    lh_receipt_free(&r);
    LOCKED(fs, fs->receipt_index = -1);

    /* The right leaf hash with another integrated_at. */
    LOCKED(fs, fs->at_skew = 1);
    tentry_init(&t, "QJ-2026-10", "第四次");
    tu_assert_code(lh_append(c, alice, &t.e, &r, &e), LH_EPROOF, &e);
    lh_receipt_free(&r);
    LOCKED(fs, fs->at_skew = 0);

    /* Offline: the same checks on a receipt at rest. */
    tu_assert_code(lh_receipt_verify(&r0, log_vkey, &e), 0, &e);
    r0.leaf_hash[5] ^= 1;
    tu_assert_code(lh_receipt_verify(&r0, log_vkey, &e), LH_EPROOF, &e);
    r0.leaf_hash[5] ^= 1;
    r0.tree_size++;
    tu_assert_code(lh_receipt_verify(&r0, log_vkey, &e), LH_EPROOF, &e);
    r0.tree_size--;
    note_verifier other;
    assert_int_equal(note_signer_verifier(&other_signer, &other), 0);
    char other_vkey[NOTE_VKEY_MAX + 1];
    size_t other_len;
    assert_int_equal(note_vkey_format(&other, other_vkey, sizeof other_vkey, &other_len), 0);
    tu_assert_code(lh_receipt_verify(&r0, other_vkey, &e), LH_ENOKEY, &e);
    tu_assert_code(lh_receipt_verify(&r0, "not a key", &e), LH_EPARSE, &e);

    lh_receipt_free(&r0);
    lh_close(c);
}

static void test_checkpoint_bad_signature(void **state)
{
    fsrv *fs = *state;
    lh_conn *c = conn_open(fs, 2000, NULL);
    lh_err e = {{0}};
    lh_receipt r;
    lh_checkpoint cp;
    append_ok(c, "QJ-2026-11", &r);
    lh_receipt_free(&r);

    /* Signed by another key under the log's name: no signature by the log key. */
    LOCKED(fs, fs->signer = &other_signer);
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), LH_ENOKEY, &e);
    tu_assert_msg_has(&e, "does not verify with the log key");
    assert_null(cp.note);
    tentry t;
    tentry_init(&t, "QJ-2026-11", "第二条");
    tu_assert_code(lh_append(c, alice, &t.e, &r, &e), LH_ENOKEY, &e);
    lh_receipt_free(&r);

    /* Altered after signing by the right key. */
    LOCKED(fs, {
        fs->signer = &log_signer;
        fs->cp_badsig = true;
    });
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), LH_EBADSIG, &e);
    LOCKED(fs, fs->cp_badsig = false);

    /* Neither reached the last seen checkpoint. */
    tu_assert_code(lh_seen_checkpoint(c, &cp, &e), 0, &e);
    assert_int_equal(cp.size, 1);
    lh_checkpoint_free(&cp);
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), 0, &e);
    assert_int_equal(cp.size, 2);
    lh_checkpoint_free(&cp);
    lh_close(c);
}

/* ------------------------------------------------------------------------ */
/* Forks. */

/* Two histories of two entries under the same log key, differing at entry 1. */
static void make_fork(fsrv *fs)
{
    LOCKED(fs, {
        flog_add(&fs->logs[0], bob, "QJ-F");
        flog_add(&fs->logs[0], bob, "QJ-F");
        flog_add(&fs->logs[1], bob, "QJ-F");
        flog_add(&fs->logs[1], bob, "QJ-G");
    });
}

static void test_fork(void **state)
{
    fsrv *fs = *state;
    make_fork(fs);
    lh_conn *c = conn_open(fs, 2000, NULL);
    lh_err e = {{0}};
    lh_checkpoint cp;
    lh_receipt r;

    /* Trusted on first use. */
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), 0, &e);
    assert_int_equal(cp.size, 2);
    lh_checkpoint_free(&cp);

    /* The same size with another root. */
    LOCKED(fs, fs->log = &fs->logs[1]);
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), LH_EFORK, &e);
    tu_assert_msg_has(&e, "log fork: checkpoint of size 2 is inconsistent with the checkpoint of "
                          "size 2 seen before");

    /* An append to the other history: the receipt's checkpoint of size 3
     * verifies, its proof too, but it does not extend what was seen. */
    tentry t;
    tentry_init(&t, "QJ-H", "分叉");
    tu_assert_code(lh_append(c, alice, &t.e, &r, &e), LH_EFORK, &e);
    tu_assert_msg_has(&e, "log fork: checkpoint of size 3 is inconsistent with the checkpoint of "
                          "size 2 seen before");
    lh_receipt_free(&r);
    tu_assert_code(lh_seen_checkpoint(c, &cp, &e), 0, &e);
    assert_int_equal(cp.size, 2);
    lh_checkpoint_free(&cp);
    lh_close(c);

    /* A smaller latest tree than seen: a rollback. */
    c = conn_open(fs, 2000, NULL);
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), 0, &e);
    assert_int_equal(cp.size, 3);
    lh_checkpoint_free(&cp);
    LOCKED(fs, fs->latest_size = 2);
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), LH_EFORK, &e);
    tu_assert_msg_has(&e, "latest checkpoint has size 2, smaller than the checkpoint of size 3");
    LOCKED(fs, fs->latest_size = 0);
    /* An older stored checkpoint is fine when it is not claimed as the
     * latest: an inclusion proof at size 2 checks it is a prefix. */
    lh_inclusion inc;
    tu_assert_code(lh_inclusion_proof(c, 1, 2, &inc, &e), 0, &e);
    assert_int_equal(inc.checkpoint.size, 2);
    lh_inclusion_free(&inc);

    /* A log restored from an old backup serves its (validly signed)
     * checkpoint of size 2 but cannot prove it a prefix of the 3 seen. */
    LOCKED(fs, fs->log = &fs->logs[0]);
    tu_assert_code(lh_inclusion_proof(c, 1, 2, &inc, &e), LH_EFORK, &e);
    tu_assert_msg_has(&e, "log fork: the log cannot prove its checkpoint of size 2 consistent with "
                          "the checkpoint of size 3");
    lh_close(c);
}

static int file_mode(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    return (int)(st.st_mode & 0777);
}

static void test_state_file(void **state)
{
    fsrv *fs = *state;
    make_fork(fs);
    char path[160];
    snprintf(path, sizeof path, "%s/state", fs->dir);
    lh_err e = {{0}};
    lh_checkpoint cp, seen;

    /* The first handle saves what it saw: mode 0600, the note as received. */
    lh_conn *c = conn_open(fs, 2000, path);
    tu_assert_code(lh_seen_checkpoint(c, &seen, &e), LH_ENOTFOUND, &e);
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), 0, &e);
    assert_int_equal(file_mode(path), 0600);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t buf[CHECKPOINT_SIGNED_MAX];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_int_equal(n, cp.note_len);
    assert_memory_equal(buf, cp.note, n);
    lh_checkpoint_free(&cp);
    lh_close(c);

    /* A second handle starts from the file: the fork is caught although
     * this handle never saw the first history itself. */
    LOCKED(fs, fs->log = &fs->logs[1]);
    c = conn_open(fs, 2000, path);
    tu_assert_code(lh_seen_checkpoint(c, &seen, &e), 0, &e);
    assert_int_equal(seen.size, 2);
    lh_checkpoint_free(&seen);
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), LH_EFORK, &e);
    tu_assert_msg_has(&e, "log fork");
    lh_close(c);

    /* Back on the first history, which grows: the file follows. */
    LOCKED(fs, {
        fs->log = &fs->logs[0];
        flog_add(fs->log, bob, "QJ-F");
    });
    c = conn_open(fs, 2000, path);
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), 0, &e);
    assert_int_equal(cp.size, 3);
    lh_checkpoint_free(&cp);
    lh_close(c);
    /* ... and a rollback is caught by the next handle. */
    LOCKED(fs, fs->latest_size = 2);
    c = conn_open(fs, 2000, path);
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), LH_EFORK, &e);
    tu_assert_msg_has(&e, "smaller than the checkpoint of size 3");
    lh_close(c);
    LOCKED(fs, fs->latest_size = 0);

    /* Two handles sharing the file: one advances it, the other sees that. */
    lh_conn *c1 = conn_open(fs, 2000, path);
    lh_conn *c2 = conn_open(fs, 2000, path);
    lh_receipt r;
    append_ok(c1, "QJ-S", &r);
    assert_int_equal(r.tree_size, 4);
    lh_receipt_free(&r);
    LOCKED(fs, fs->latest_size = 3);
    /* c2 itself only saw 3, so a latest of 3 is no rollback for it; it is
     * checked against the file's 4, of which it is a prefix. */
    tu_assert_code(lh_get_checkpoint(c2, &cp, &e), 0, &e);
    lh_checkpoint_free(&cp);
    tu_assert_code(lh_seen_checkpoint(c2, &seen, &e), 0, &e);
    assert_int_equal(seen.size, 4);
    lh_checkpoint_free(&seen);
    LOCKED(fs, fs->latest_size = 0);
    lh_close(c1);
    lh_close(c2);

    /* A state file others may write is refused: it could hide a fork. */
    assert_int_equal(chmod(path, 0620), 0);
    lh_options o = {.socket_path = fs->sock, .log_vkey = log_vkey, .state_file = path};
    lh_conn *bad = (lh_conn *)1;
    tu_assert_code(lh_connect(&o, &bad, &e), LH_EPERMFILE, &e);
    assert_null(bad);
    tu_assert_msg_has(&e, path);
    assert_int_equal(chmod(path, 0600), 0);

    /* A state file that does not verify with the log key is refused. */
    f = fopen(path, "wb");
    assert_non_null(f);
    checkpoint other_cp;
    memset(&other_cp, 0, sizeof other_cp);
    snprintf(other_cp.origin, sizeof other_cp.origin, "%s", ORIGIN);
    other_cp.size = 9;
    size_t len;
    assert_int_equal(checkpoint_sign(&other_cp, &other_signer, buf, sizeof buf, &len, NULL), 0);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    fclose(f);
    tu_assert_code(lh_connect(&o, &bad, &e), LH_ENOKEY, &e);
    tu_assert_msg_has(&e, "state file");
    /* Nor an empty one. */
    f = fopen(path, "wb");
    assert_non_null(f);
    fclose(f);
    tu_assert_code(lh_connect(&o, &bad, &e), LH_EPARSE, &e);
}

/* ------------------------------------------------------------------------ */
/* Transport failures. */

static void test_timeout(void **state)
{
    fsrv *fs = *state;
    lh_conn *c = conn_open(fs, 200, NULL);
    lh_err e = {{0}};
    lh_checkpoint cp;
    LOCKED(fs, fs->fault = FAULT_NO_ANSWER);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), LH_ETIMEOUT, &e);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    assert_true(ms >= 150);
    assert_true(ms < 1000);
    tu_assert_msg_has(&e, "200 ms");
    /* A late answer could be taken for the next one: the handle is broken. */
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), LH_ECLOSED, &e);

    /* The deadline covers a whole append, across its requests. */
    lh_close(c);
    LOCKED(fs, fs->fault = FAULT_NONE);
    c = conn_open(fs, 200, NULL);
    lh_receipt r;
    append_ok(c, "QJ-T", &r);
    lh_receipt_free(&r);
    LOCKED(fs, fs->fault = FAULT_NO_ANSWER);
    tentry t;
    tentry_init(&t, "QJ-T", "超时");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    tu_assert_code(lh_append(c, alice, &t.e, &r, &e), LH_ETIMEOUT, &e);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    assert_true(ms < 1000);
    lh_receipt_free(&r);
    lh_close(c);
}

static void test_server_closes(void **state)
{
    fsrv *fs = *state;
    lh_conn *c = conn_open(fs, 2000, NULL);
    lh_err e = {{0}};
    lh_checkpoint cp;
    LOCKED(fs, fs->fault = FAULT_CLOSE);
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), LH_ECLOSED, &e);
    tu_assert_msg_has(&e, "closed the connection");
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), LH_ECLOSED, &e);
    lh_close(c);
}

static void test_protocol_errors(void **state)
{
    fsrv *fs = *state;
    lh_err e = {{0}};
    lh_checkpoint cp;
    static const struct {
        fault f;
        const char *needle;
    } cases[] = {
        {FAULT_WRONG_ID, "id"},
        {FAULT_GARBAGE, "not a liuhen.Response"},
        {FAULT_OVERSIZED, "exceeds the limit of 65536 bytes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lh_conn *c = conn_open(fs, 2000, NULL);
        LOCKED(fs, {
            fs->fault = cases[i].f;
            fs->oversize = 65537;
        });
        tu_assert_code(lh_get_checkpoint(c, &cp, &e), LH_EPROTO, &e);
        tu_assert_msg_has(&e, cases[i].needle);
        assert_null(cp.note);
        tu_assert_code(lh_get_checkpoint(c, &cp, &e), LH_ECLOSED, &e);
        lh_close(c);
    }
    /* A frame at the limit is read. */
    lh_conn *c = conn_open(fs, 2000, NULL);
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), 0, &e);
    lh_checkpoint_free(&cp);
    lh_close(c);
}

/* An author's key from its file, as a program using liuhen.h reads it. */
static void test_key_read(void **state)
{
    (void)state;
    char dir[] = "/tmp/liuhen-key-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[sizeof dir + 16];
    snprintf(path, sizeof path, "%s/wang.key", dir);
    keyfile_key *made = NULL;
    lh_err e = {{0}};
    tu_assert_code(keyfile_generate("王明", &made, &e), 0, &e);
    tu_assert_code(keyfile_write_secret(path, made, "口令", KEYFILE_KDF_MIN, &e), 0, &e);

    lh_key *key = (lh_key *)1;
    tu_assert_code(lh_key_read(path, "口令", &key, &e), 0, &e);
    assert_string_equal(lh_key_holder(key), "王明");
    assert_memory_equal(lh_key_public(key), keyfile_key_pubkey(made), LH_HASH_SIZE);
    lh_key_free(key);

    /* A wrong passphrase, none for an encrypted file, no file, a file
     * others may read: refused, and nothing handed out. */
    key = (lh_key *)1;
    tu_assert_code(lh_key_read(path, "错误", &key, &e), LH_EPASSPHRASE, &e);
    assert_null(key);
    tu_assert_code(lh_key_read(path, NULL, &key, &e), LH_EPASSPHRASE, &e);
    tu_assert_msg_has(&e, "passphrase");
    char missing[sizeof dir + 16];
    snprintf(missing, sizeof missing, "%s/none.key", dir);
    tu_assert_code(lh_key_read(missing, NULL, &key, &e), -ENOENT, &e);
    tu_assert_msg_has(&e, missing);
    assert_int_equal(chmod(path, 0640), 0);
    tu_assert_code(lh_key_read(path, "口令", &key, &e), LH_EPERMFILE, &e);
    tu_assert_code(lh_key_read(NULL, NULL, &key, &e), LH_EINVAL, &e);
    assert_null(key);
    lh_key_free(NULL);
    assert_string_equal(lh_key_holder(NULL), "");

    keyfile_key_free(made);
    unlink(path);
    rmdir(dir);
}

static void test_connect_errors(void **state)
{
    (void)state;
    lh_err e = {{0}};
    lh_conn *c = NULL;
    lh_options o = {.socket_path = "/nonexistent/liuhend.sock"};
    tu_assert_code(lh_connect(&o, &c, &e), LH_EINVAL, &e);
    tu_assert_msg_has(&e, "log_vkey");
    o.log_vkey = log_vkey;
    tu_assert_code(lh_connect(&o, &c, &e), -ENOENT, &e);
    tu_assert_msg_has(&e, "/nonexistent/liuhend.sock");
    o.log_vkey = "not a key";
    tu_assert_code(lh_connect(&o, &c, &e), LH_EPARSE, &e);
    /* A witness's key (type 0x04) is not a log key. */
    note_verifier cosig = log_verifier;
    cosig.type = NOTE_TYPE_COSIG;
    cosig.keyid = note_keyid(cosig.name, strlen(cosig.name), cosig.type, cosig.pubkey);
    char text[NOTE_VKEY_MAX + 1];
    size_t len;
    assert_int_equal(note_vkey_format(&cosig, text, sizeof text, &len), 0);
    o.log_vkey = text;
    tu_assert_code(lh_connect(&o, &c, &e), LH_EALGO, &e);
    /* Witness policies that cannot be met, or keys that are not witnesses'. */
    o.log_vkey = log_vkey;
    const char *wkeys[2] = {log_vkey, "not a key"};
    o.witness_vkeys = wkeys;
    o.nwitness_vkeys = 0;
    o.min_cosignatures = 1;
    tu_assert_code(lh_connect(&o, &c, &e), LH_EINVAL, &e);
    tu_assert_msg_has(&e, "only 0 witness keys");
    o.nwitness_vkeys = 1;
    tu_assert_code(lh_connect(&o, &c, &e), LH_EINVAL, &e);
    tu_assert_msg_has(&e, "the log's own key");
    wkeys[0] = text; /* the witness key made above */
    o.nwitness_vkeys = 2;
    tu_assert_code(lh_connect(&o, &c, &e), LH_EPARSE, &e);
    tu_assert_msg_has(&e, "witness key 2");
    o.witness_vkeys = NULL;
    o.nwitness_vkeys = 0;
    o.min_cosignatures = 0;
    o.log_vkey = text;
    /* A key id that is not the key's. */
    snprintf(text, sizeof text, "%s", log_vkey);
    char *plus = strchr(text, '+');
    assert_non_null(plus);
    plus[1] = plus[1] == '0' ? '1' : '0';
    tu_assert_code(lh_connect(&o, &c, &e), LH_EFIELD, &e);
    o.log_vkey = log_vkey;
    o.timeout_ms = LH_MAX_TIMEOUT_MS + 1;
    tu_assert_code(lh_connect(&o, &c, &e), LH_EINVAL, &e);
    assert_null(c);
    tu_assert_code(lh_connect(NULL, &c, &e), LH_EINVAL, &e);
}

/* ------------------------------------------------------------------------ */
/* Receipt JSON. */

static void test_receipt_json(void **state)
{
    fsrv *fs = *state;
    lh_conn *c = conn_open(fs, 2000, NULL);
    lh_err e = {{0}};
    lh_receipt r[4], back;
    for (int i = 0; i < 4; i++)
        append_ok(c, "QJ-J", &r[i]);
    assert_int_equal(r[3].audit_path_len, 2);

    char *text;
    tu_assert_code(lh_receipt_to_json(&r[3], &text, &e), 0, &e);
    /* Exactly these names, which the CLI and liuhen-verify share. */
    json_error_t je;
    json_t *o = json_loads(text, 0, &je);
    assert_non_null(o);
    assert_int_equal(json_object_size(o), 6);
    assert_int_equal(json_integer_value(json_object_get(o, "leaf_index")), 3);
    assert_int_equal(json_integer_value(json_object_get(o, "tree_size")), 4);
    assert_true(json_is_integer(json_object_get(o, "integrated_at")));
    assert_true(json_is_string(json_object_get(o, "leaf_hash")));
    assert_int_equal(json_array_size(json_object_get(o, "audit_path")), 2);
    assert_true(json_is_string(json_object_get(o, "checkpoint")));
    assert_int_equal(json_string_length(json_object_get(o, "checkpoint")), r[3].checkpoint_len);
    assert_memory_equal(json_string_value(json_object_get(o, "checkpoint")), r[3].checkpoint,
                        r[3].checkpoint_len);
    char b64[TEXT_B64_LEN(32)];
    sodium_bin2base64(b64, sizeof b64, r[3].leaf_hash, 32, sodium_base64_VARIANT_ORIGINAL);
    assert_string_equal(json_string_value(json_object_get(o, "leaf_hash")), b64);
    json_decref(o);

    /* Round trip: every field back, the entry itself not carried. */
    tu_assert_code(lh_receipt_from_json(text, strlen(text), &back, &e), 0, &e);
    assert_int_equal(back.leaf_index, r[3].leaf_index);
    assert_int_equal(back.tree_size, r[3].tree_size);
    assert_true(back.integrated_at == r[3].integrated_at);
    assert_memory_equal(back.leaf_hash, r[3].leaf_hash, 32);
    assert_int_equal(back.audit_path_len, r[3].audit_path_len);
    assert_memory_equal(back.audit_path, r[3].audit_path, 2 * 32);
    assert_int_equal(back.checkpoint_len, r[3].checkpoint_len);
    assert_memory_equal(back.checkpoint, r[3].checkpoint, back.checkpoint_len);
    assert_null(back.signed_entry);
    tu_assert_code(lh_receipt_verify(&back, log_vkey, &e), 0, &e);
    back.audit_path[1][31] ^= 1;
    tu_assert_code(lh_receipt_verify(&back, log_vkey, &e), LH_EPROOF, &e);
    lh_receipt_free(&back);

    /* Strict reading. */
    static const struct {
        const char *from, *to;
        int code;
    } bad[] = {
        {"\"leaf_index\"", "\"index\"", LH_EUNKNOWNFIELD},
        {"\"tree_size\": 4", "\"tree_size\": 3", LH_EFIELD},
        {"\"tree_size\": 4", "\"tree_size\": \"4\"", LH_EFIELD},
        {"\"leaf_index\": 3", "\"leaf_index\": -1", LH_EFIELD},
        {"\"leaf_hash\": \"", "\"leaf_hash\": \"A", LH_EBASE64},
        {"\"integrated_at\"", "\"integrated_at\": 1, \"extra\"", LH_EUNKNOWNFIELD},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *p = strstr(text, bad[i].from);
        assert_non_null(p);
        size_t fl = strlen(bad[i].from), tl = strlen(bad[i].to), n = strlen(text);
        char *m = malloc(n - fl + tl + 1);
        assert_non_null(m);
        memcpy(m, text, (size_t)(p - text));
        memcpy(m + (p - text), bad[i].to, tl);
        memcpy(m + (p - text) + tl, p + fl, n - (size_t)(p - text) - fl + 1);
        int rc = lh_receipt_from_json(m, strlen(m), &back, &e);
        if (rc != bad[i].code)
            fail_msg("case %zu: got %s, want %s (%s)", i, lh_errname(rc), lh_errname(bad[i].code),
                     e.msg);
        assert_null(back.checkpoint);
        free(m);
    }
    /* Duplicate members are refused by the JSON reader itself. */
    const char *dupl = "{\"leaf_index\": 0, \"leaf_index\": 0}";
    tu_assert_code(lh_receipt_from_json(dupl, strlen(dupl), &back, &e), LH_EJSON, &e);
    const char *missing = "{\"leaf_index\": 0, \"tree_size\": 1, \"integrated_at\": 5}";
    tu_assert_code(lh_receipt_from_json(missing, strlen(missing), &back, &e), LH_EFIELD, &e);
    tu_assert_msg_has(&e, "leaf_hash");
    tu_assert_code(lh_receipt_from_json("[1]", 3, &back, &e), LH_EJSON, &e);
    tu_assert_code(lh_receipt_from_json("{", 1, &back, &e), LH_EJSON, &e);
    free(text);

    for (int i = 0; i < 4; i++)
        lh_receipt_free(&r[i]);
    lh_close(c);
}

/* ------------------------------------------------------------------------ */
/* Cases, entries, proofs. */

static void test_case_chain(void **state)
{
    fsrv *fs = *state;
    lh_conn *c = conn_open(fs, 2000, NULL);
    lh_err e = {{0}};
    lh_receipt r;
    lh_case cs;
    /* Case X: entries 0, 2, 3; case Y: entry 1. */
    append_ok(c, "QJ-X", &r);
    lh_receipt_free(&r);
    append_ok(c, "QJ-Y", &r);
    lh_receipt_free(&r);
    append_ok(c, "QJ-X", &r);
    lh_receipt_free(&r);
    append_ok(c, "QJ-X", &r);
    lh_receipt_free(&r);

    tu_assert_code(lh_get_case(c, "QJ-X", &cs, &e), 0, &e);
    assert_int_equal(cs.count, 3);
    assert_int_equal(cs.items[0].index, 0);
    assert_int_equal(cs.items[1].index, 2);
    assert_int_equal(cs.items[2].index, 3);
    assert_int_equal(cs.checkpoint.size, 4);
    assert_non_null(cs.items[2].audit_path);
    assert_string_equal(cs.items[1].entry->case_id, "QJ-X");
    assert_memory_equal(cs.items[2].entry->case_prev.data, cs.items[1].entry_id, 32);
    lh_case_free(&cs);
    lh_case_free(NULL);

    /* A dropped entry breaks the next one's link. */
    LOCKED(fs, fs->case_omit = 1);
    tu_assert_code(lh_get_case(c, "QJ-X", &cs, &e), LH_EPROOF, &e);
    tu_assert_msg_has(&e, "case QJ-X: entry 3's case_prev does not link to entry 0");
    assert_null(cs.items);
    /* Dropping the first: the first returned names an earlier entry. */
    LOCKED(fs, fs->case_omit = 0);
    tu_assert_code(lh_get_case(c, "QJ-X", &cs, &e), LH_EPROOF, &e);
    tu_assert_msg_has(&e, "entry 2 is the first returned");
    LOCKED(fs, fs->case_omit = -1);

    /* An entry of another case slipped in. */
    LOCKED(fs, fs->case_foreign = 1);
    tu_assert_code(lh_get_case(c, "QJ-X", &cs, &e), LH_EPROOF, &e);
    tu_assert_msg_has(&e, "case QJ-X: entry 1 belongs to case QJ-Y");
    LOCKED(fs, fs->case_foreign = -1);

    /* A proof that does not verify. */
    LOCKED(fs, fs->tamper_path = true);
    tu_assert_code(lh_get_case(c, "QJ-X", &cs, &e), LH_EPROOF, &e);
    tu_assert_msg_has(&e, "inclusion proof does not verify");
    LOCKED(fs, fs->tamper_path = false);

    tu_assert_code(lh_get_case(c, "QJ-NONE", &cs, &e), LH_ENOTFOUND, &e);
    tu_assert_msg_has(&e, "NOT_FOUND: no such case");
    tu_assert_code(lh_get_case(c, "", &cs, &e), LH_EINVAL, &e);
    tu_assert_code(lh_get_case(c, "QJ\x1b[31m", &cs, &e), LH_EINVAL, &e);
    lh_close(c);
}

static void test_entries(void **state)
{
    fsrv *fs = *state;
    lh_conn *c = conn_open(fs, 2000, NULL);
    lh_err e = {{0}};
    lh_receipt r[3];
    lh_entries es;
    for (int i = 0; i < 3; i++)
        append_ok(c, "QJ-E", &r[i]);

    tu_assert_code(lh_get_entries(c, 1, 5, &es, &e), 0, &e);
    assert_int_equal(es.count, 2);
    assert_int_equal(es.items[0].index, 1);
    assert_memory_equal(es.items[0].leaf_hash, r[1].leaf_hash, 32);
    assert_memory_equal(es.items[1].leaf_hash, r[2].leaf_hash, 32);
    assert_true(es.items[1].integrated_at == r[2].integrated_at);
    assert_int_equal(es.items[1].entry->author_seq, 3);
    assert_int_equal(es.items[1].signed_entry_len, r[2].signed_entry_len);
    assert_memory_equal(es.items[1].signed_entry, r[2].signed_entry, r[2].signed_entry_len);
    assert_null(es.items[0].audit_path);
    lh_entries_free(&es);
    lh_entries_free(NULL);

    /* One entry, proved against the latest checkpoint. */
    lh_logged_entry le;
    tu_assert_code(lh_get_entry(c, 1, &le, &e), 0, &e);
    assert_int_equal(le.index, 1);
    assert_memory_equal(le.leaf_hash, r[1].leaf_hash, 32);
    assert_int_equal(le.tree_size, 3);
    assert_non_null(le.audit_path);
    assert_int_equal(le.audit_path_len, 2);
    lh_logged_entry_free(&le);
    assert_int_not_equal(lh_get_entry(c, 3, &le, &e), 0);
    assert_null(le.entry);
    tu_assert_code(lh_get_entry(NULL, 0, &le, &e), LH_EINVAL, &e);

    LOCKED(fs, fs->entry_badsig = 2);
    tu_assert_code(lh_get_entries(c, 0, 3, &es, &e), LH_EBADSIG, &e);
    tu_assert_msg_has(&e, "entry 2");
    assert_null(es.items);
    tu_assert_code(lh_get_entries(c, 0, 0, &es, &e), LH_EINVAL, &e);
    for (int i = 0; i < 3; i++)
        lh_receipt_free(&r[i]);
    lh_close(c);
}

static void test_proofs(void **state)
{
    fsrv *fs = *state;
    lh_conn *c = conn_open(fs, 2000, NULL);
    lh_err e = {{0}};
    lh_receipt r[5];
    lh_inclusion inc;
    lh_consistency con;
    for (int i = 0; i < 5; i++)
        append_ok(c, "QJ-P", &r[i]);

    /* By index at the latest size; by hash at an older stored size. */
    tu_assert_code(lh_inclusion_proof(c, 3, 0, &inc, &e), 0, &e);
    assert_int_equal(inc.tree_size, 5);
    assert_int_equal(inc.checkpoint.size, 5);
    assert_memory_equal(inc.leaf_hash, r[3].leaf_hash, 32);
    lh_inclusion_free(&inc);
    tu_assert_code(lh_inclusion_proof_by_hash(c, r[1].leaf_hash, 3, &inc, &e), 0, &e);
    assert_int_equal(inc.leaf_index, 1);
    assert_int_equal(inc.tree_size, 3);
    lh_inclusion_free(&inc);
    lh_inclusion_free(NULL);

    /* Without a checkpoint from the server, a size this handle verified
     * (every receipt's) still serves; another does not. */
    LOCKED(fs, fs->incl_no_checkpoint = true);
    tu_assert_code(lh_inclusion_proof(c, 0, 2, &inc, &e), 0, &e);
    lh_inclusion_free(&inc);
    lh_close(c);
    c = conn_open(fs, 2000, NULL);
    tu_assert_code(lh_inclusion_proof(c, 0, 2, &inc, &e), LH_EPROTO, &e);
    tu_assert_msg_has(&e, "no signed checkpoint of size 2");
    LOCKED(fs, fs->incl_no_checkpoint = false);

    LOCKED(fs, fs->tamper_path = true);
    tu_assert_code(lh_inclusion_proof(c, 4, 0, &inc, &e), LH_EPROOF, &e);
    tu_assert_msg_has(&e, "inclusion proof of entry 4");
    LOCKED(fs, fs->tamper_path = false);
    tu_assert_code(lh_inclusion_proof(c, 9, 0, &inc, &e), LH_ENOTFOUND, &e);

    /* Consistency to the latest; the first root is unknown to this handle
     * and fetched with the stored checkpoint of that size. */
    unsigned incl0;
    LOCKED(fs, incl0 = fs->n_inclusion);
    tu_assert_code(lh_consistency_proof(c, 2, 0, &con, &e), 0, &e);
    assert_int_equal(con.first, 2);
    assert_int_equal(con.second, 5);
    assert_true(con.proof_len > 0);
    LOCKED(fs, assert_int_equal(fs->n_inclusion - incl0, 1));
    lh_consistency_free(&con);
    /* Both known now: no extra request. */
    tu_assert_code(lh_consistency_proof(c, 2, 5, &con, &e), 0, &e);
    LOCKED(fs, assert_int_equal(fs->n_inclusion - incl0, 1));
    lh_consistency_free(&con);
    /* From the empty tree: nothing to fetch but the signed root. */
    unsigned con0;
    LOCKED(fs, con0 = fs->n_consistency);
    tu_assert_code(lh_consistency_proof(c, 0, 5, &con, &e), 0, &e);
    assert_int_equal(con.proof_len, 0);
    assert_int_equal(con.second, 5);
    lh_consistency_free(&con);
    tu_assert_code(lh_consistency_proof(c, 0, 0, &con, &e), 0, &e);
    assert_int_equal(con.second, 5);
    lh_consistency_free(&con);
    LOCKED(fs, assert_int_equal(fs->n_consistency, con0));
    /* A size not verified before: its stored checkpoint is fetched, and
     * checked against the last seen (5) with one consistency proof. */
    tu_assert_code(lh_consistency_proof(c, 0, 4, &con, &e), 0, &e);
    assert_int_equal(con.second, 4);
    lh_consistency_free(&con);
    LOCKED(fs, assert_int_equal(fs->n_consistency, con0 + 1));
    lh_consistency_free(NULL);
    tu_assert_code(lh_consistency_proof(c, 4, 2, &con, &e), LH_EINVAL, &e);
    tu_assert_code(lh_consistency_proof(c, 2, 9, &con, &e), LH_EINVAL, &e);
    tu_assert_msg_has(&e, "INVALID_ARGUMENT");

    for (int i = 0; i < 5; i++)
        lh_receipt_free(&r[i]);
    lh_close(c);
}

static void test_heads_keys_status(void **state)
{
    fsrv *fs = *state;
    lh_conn *c = conn_open(fs, 2000, NULL);
    lh_err e = {{0}};
    lh_receipt r;
    lh_heads h;
    lh_keys k;
    lh_server_status s;
    append_ok(c, "QJ-K", &r);

    tu_assert_code(lh_author_head(c, keyfile_key_pubkey(alice), "QJ-K", &h, &e), 0, &e);
    assert_int_equal(h.author_seq, 1);
    assert_true(h.has_author_head);
    uint8_t rid[32];
    id_of(&r, rid);
    assert_memory_equal(h.author_head, rid, 32);
    assert_int_equal(h.case_length, 1);
    assert_memory_equal(h.case_head, rid, 32);
    tu_assert_code(lh_author_head(c, keyfile_key_pubkey(bob), NULL, &h, &e), 0, &e);
    assert_int_equal(h.author_seq, 0);
    assert_false(h.has_author_head);
    assert_false(h.has_case_head);

    tu_assert_code(lh_get_keys(c, &k, &e), 0, &e);
    assert_int_equal(k.count, 1);
    assert_string_equal(k.keys[0]->holder, "张三");
    lh_keys_free(&k);
    lh_keys_free(NULL);
    LOCKED(fs, fs->keys_bad = true);
    tu_assert_code(lh_get_keys(c, &k, &e), LH_EPROTO, &e);
    assert_null(k.keys);

    tu_assert_code(lh_status(c, &s, &e), 0, &e);
    assert_string_equal(s.origin, ORIGIN);
    assert_string_equal(s.log_vkey, log_vkey);
    assert_int_equal(s.tree_size, 1);
    assert_int_equal(s.checkpoint.size, 1);
    lh_server_status_free(&s);
    lh_server_status_free(NULL);
    LOCKED(fs, fs->status_origin = "other.example/log");
    tu_assert_code(lh_status(c, &s, &e), LH_EORIGIN, &e);
    tu_assert_msg_has(&e, "other.example/log");
    lh_receipt_free(&r);
    lh_close(c);
}

/* Each test gets its own server, stopped (and its directory removed) even
 * when the test fails. */
/* ------------------------------------------------------------------------ */
/* One round trip per append, and pipelined runs. */

static void test_append_one_round_trip(void **state)
{
    fsrv *fs = *state;
    lh_conn *c = conn_open(fs, 2000, NULL);
    lh_receipt r;
    lh_err e = {{0}};
    append_ok(c, "QJ-R", &r);
    lh_receipt_free(&r);
    /* Chained from memory, proved consistent by the answer itself: each
     * further append is one request, and no GetConsistencyProof. */
    unsigned before;
    LOCKED(fs, before = fs->n_requests);
    for (int i = 0; i < 5; i++) {
        append_ok(c, "QJ-R", &r);
        lh_receipt_free(&r);
    }
    LOCKED(fs, {
        assert_int_equal(fs->n_requests - before, 5);
        assert_int_equal(fs->n_consistency, 0);
    });
    lh_checkpoint cp;
    tu_assert_code(lh_seen_checkpoint(c, &cp, &e), 0, &e);
    assert_int_equal(cp.size, 6);
    lh_checkpoint_free(&cp);

    /* A server that leaves the proof out costs a round trip, no more. */
    LOCKED(fs, fs->no_offer = true);
    append_ok(c, "QJ-R", &r);
    lh_receipt_free(&r);
    LOCKED(fs, {
        assert_int_equal(fs->n_consistency, 1);
        fs->no_offer = false;
    });

    /* A proof that does not hold is a fork, whatever came with it. */
    LOCKED(fs, fs->tamper_offer = true);
    tentry t;
    tentry_init(&t, "QJ-R", "副局长来电询问案情");
    tu_assert_code(lh_append(c, alice, &t.e, &r, &e), LH_EFORK, &e);
    tu_assert_msg_has(&e, "log fork");
    lh_receipt_free(&r);
    LOCKED(fs, fs->tamper_offer = false);
    lh_close(c);
}

/* Check that a run's receipts verify and chain: entry i is alice's
 * (first_seq + i)-th, named by the next one as author_prev. */
static void check_run(const lh_receipt *out, size_t n, uint64_t first_seq)
{
    lh_err e = {{0}};
    uint8_t prev[32];
    for (size_t i = 0; i < n; i++) {
        tu_assert_code(lh_receipt_verify(&out[i], log_vkey, &e), 0, &e);
        const uint8_t *eb, *sig;
        size_t elen;
        assert_int_equal(entry_signed_unpack(out[i].signed_entry, out[i].signed_entry_len, &eb,
                                             &elen, &sig, NULL),
                         0);
        Liuhen__Entry *en;
        tu_assert_code(validate_entry(eb, elen, ORIGIN, &en, &e), 0, &e);
        assert_int_equal(en->author_seq, first_seq + i);
        if (i > 0)
            assert_memory_equal(en->author_prev.data, prev, 32);
        liuhen__entry__free_unpacked(en, NULL);
        id_of(&out[i], prev);
    }
}

#define RUN 200

static void test_append_many(void **state)
{
    fsrv *fs = *state;
    lh_conn *c = conn_open(fs, 2000, NULL);
    static const char *cases[] = {"QJ-P1", "QJ-P2", "QJ-P3"};
    tentry t[RUN];
    const Liuhen__Entry *entries[RUN];
    for (size_t i = 0; i < RUN; i++) {
        tentry_init(&t[i], cases[i % 3], "批量导入的历史记录");
        t[i].e.recorded_at = 0; /* now, fixed at the first signing */
        entries[i] = &t[i].e;
    }
    lh_receipt out[RUN];
    size_t done = 99;
    lh_err e = {{0}};
    tu_assert_code(lh_append_many(c, alice, entries, 100, out, &done, &e), 0, &e);
    assert_int_equal(done, 100);
    check_run(out, 100, 1);
    for (size_t i = 0; i < 100; i++) {
        assert_int_equal(out[i].leaf_index, i);
        lh_receipt_free(&out[i]);
    }
    /* Every entry sent once; the heads asked for once per case. */
    LOCKED(fs, {
        assert_int_equal(fs->n_append, 100);
        assert_int_equal(fs->n_heads, 3);
        assert_int_equal(fs->log->n, 100);
    });

    /* Another writer takes a case head in the middle of the next run: the
     * entries from there on are signed again, and all get in once. */
    LOCKED(fs, {
        fs->bob_after = 120;
        fs->bob_case = "QJ-P2";
    });
    tu_assert_code(lh_append_many(c, alice, entries + 100, 100, out, &done, &e), 0, &e);
    assert_int_equal(done, 100);
    check_run(out, 100, 101);
    for (size_t i = 0; i < 100; i++)
        lh_receipt_free(&out[i]);
    LOCKED(fs, {
        assert_int_equal(fs->log->n, 201);
        assert_true(fs->n_append > 200);
    });
    /* The run left the heads it made: the next append needs no question. */
    unsigned heads_before;
    LOCKED(fs, heads_before = fs->n_heads);
    lh_receipt r;
    append_ok(c, "QJ-P1", &r);
    lh_receipt_free(&r);
    LOCKED(fs, assert_int_equal(fs->n_heads, heads_before));

    /* An entry that cannot be signed ends the run after those before it. */
    tentry bad;
    tentry_init(&bad, "", "no case");
    const Liuhen__Entry *mixed[5] = {&t[0].e, &t[1].e, &bad.e, &t[2].e, &t[3].e};
    tu_assert_code(lh_append_many(c, alice, mixed, 5, out, &done, &e), LH_EFIELD, &e);
    tu_assert_msg_has(&e, "case_id");
    assert_int_equal(done, 2);
    check_run(out, 2, 202);
    for (size_t i = 0; i < 5; i++)
        lh_receipt_free(&out[i]);

    /* A refusal ends it too; the connection serves the next call. */
    LOCKED(fs, {
        fs->append_status = LIUHEN__STATUS__STATUS_PERMISSION_DENIED;
        fs->append_message = "role handler may not append";
    });
    tu_assert_code(lh_append_many(c, alice, entries, 10, out, &done, &e), LH_EPERM, &e);
    assert_int_equal(done, 0);
    for (size_t i = 0; i < 10; i++)
        lh_receipt_free(&out[i]);
    LOCKED(fs, fs->append_status = LIUHEN__STATUS__STATUS_OK);
    lh_checkpoint cp;
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), 0, &e);
    lh_checkpoint_free(&cp);
    tu_assert_code(lh_append_many(c, alice, entries, 3, out, &done, &e), 0, &e);
    check_run(out, 3, 204);
    for (size_t i = 0; i < 3; i++)
        lh_receipt_free(&out[i]);

    tu_assert_code(lh_append_many(c, alice, entries, 0, NULL, &done, &e), 0, &e);
    assert_int_equal(done, 0);
    tu_assert_code(lh_append_many(c, NULL, entries, 1, out, &done, &e), LH_EINVAL, &e);
    lh_close(c);
}

static void test_append_signed_many(void **state)
{
    fsrv *fs = *state;
    lh_conn *c = conn_open(fs, 2000, NULL);
    /* Bob's chain signed beforehand, as a benchmark or an import would. */
    enum { N = 40 };
    uint8_t *se[N];
    size_t lens[N];
    uint8_t prev[32];
    for (size_t i = 0; i < N; i++) {
        se[i] = mk_signed(bob, "QJ-S1", i + 1, i > 0 ? prev : NULL, i > 0 ? prev : NULL, &lens[i]);
        const uint8_t *eb, *sig;
        size_t elen;
        assert_int_equal(entry_signed_unpack(se[i], lens[i], &eb, &elen, &sig, NULL), 0);
        entry_id(eb, elen, prev);
    }
    lh_receipt out[N];
    size_t done;
    lh_err e = {{0}};
    tu_assert_code(lh_append_signed_many(c, (const uint8_t *const *)se, lens, 30, out, &done, &e),
                   0, &e);
    assert_int_equal(done, 30);
    for (size_t i = 0; i < 30; i++) {
        tu_assert_code(lh_receipt_verify(&out[i], log_vkey, &e), 0, &e);
        assert_int_equal(out[i].leaf_index, i);
        assert_int_equal(out[i].signed_entry_len, lens[i]);
        assert_memory_equal(out[i].signed_entry, se[i], lens[i]);
        lh_receipt_free(&out[i]);
    }
    /* Sent again with the rest: the first 30 are DUPLICATE, with their
     * receipts; the rest are logged. */
    tu_assert_code(lh_append_signed_many(c, (const uint8_t *const *)se, lens, N, out, &done, &e), 0,
                   &e);
    assert_int_equal(done, N);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(out[i].leaf_index, i);
        lh_receipt_free(&out[i]);
    }
    LOCKED(fs, assert_int_equal(fs->log->n, N));

    /* A chain broken in the middle: CONFLICT ends the run there, since the
     * bytes cannot be signed again. */
    uint8_t *broken[3];
    size_t blens[3];
    broken[0] = mk_signed(bob, "QJ-S1", N + 1, prev, prev, &blens[0]);
    broken[1] = mk_signed(bob, "QJ-S1", N + 5, prev, prev, &blens[1]);
    broken[2] = mk_signed(bob, "QJ-S1", N + 6, prev, prev, &blens[2]);
    tu_assert_code(
        lh_append_signed_many(c, (const uint8_t *const *)broken, blens, 3, out, &done, &e),
        LH_ECONFLICT, &e);
    assert_int_equal(done, 1);
    tu_assert_msg_has(&e, "CONFLICT");
    for (size_t i = 0; i < 3; i++) {
        lh_receipt_free(&out[i]);
        free(broken[i]);
    }
    lh_checkpoint cp;
    tu_assert_code(lh_get_checkpoint(c, &cp, &e), 0, &e);
    assert_int_equal(cp.size, N + 1);
    lh_checkpoint_free(&cp);
    for (size_t i = 0; i < N; i++)
        free(se[i]);
    lh_close(c);
}

static int srv_setup(void **state)
{
    *state = srv_start();
    return 0;
}

static int srv_teardown(void **state)
{
    srv_stop(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_append_ok, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_append_conflict_retry, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_append_conflict_bounded, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_append_duplicate, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_receipt_tampered, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_checkpoint_bad_signature, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_fork, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_state_file, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_timeout, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_server_closes, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_protocol_errors, srv_setup, srv_teardown),
        cmocka_unit_test(test_connect_errors),
        cmocka_unit_test(test_key_read),
        cmocka_unit_test_setup_teardown(test_receipt_json, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_case_chain, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_entries, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_proofs, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_heads_keys_status, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_append_one_round_trip, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_append_many, srv_setup, srv_teardown),
        cmocka_unit_test_setup_teardown(test_append_signed_many, srv_setup, srv_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
