/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * writer.c — the writer thread's work of writer.h.
 *
 * The Merkle reads of a batch go through hash_read(): hashes the batch
 * added come from its buffer, older ones from a small direct-mapped cache
 * in front of the store. Stored hashes never change once committed (the
 * log is append-only and this thread is its only writer), so the cache
 * stays valid across batches; the hashes every proof of a batch shares
 * (the left siblings high in the tree) are read from LMDB about once.
 *
 * Allocation: the hash buffer, the cache, the leaf and the note buffers are
 * allocated once at start. A batch allocates only its checkpoint (shared by
 * reference with every receipt), a consistency proof per tree size its
 * clients knew (shared likewise), for a CORRECTION the unpacked corrected
 * entry, and for a DUPLICATE a copy of the logged leaf.
 *
 * One file, longer than the others: it is the writer thread's whole state
 * (the open transaction, the batch's hash buffer, the proof cache), which
 * every function here reads and changes; split, each part would take that
 * state apart again through a header of its own. `liuhend recover`
 * (writer_replay()) integrates published leaves through the same steps,
 * which is why it lives here too rather than in a copy.
 */
#include "writer.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accept.h"
#include "calendar.h"
#include "checkpoint.h"
#include "entry.h"
#include "highwater.h"
#include "kind.h"
#include "i18n.h"
#include "log.h"
#include "metrics.h"
#include "wire.h"

/* How often a batch is retried after growing a full map. Each growth at
 * least doubles the map, so 16 turns a 256 KiB map into 16 GiB: more than
 * any batch can need (SEQUENCER_MAX_BATCH leaves of at most 64 KiB). */
#define GROW_RETRIES 16

/* Slots of the stored-hash cache (a power of two): 4096 * 40 bytes. */
#define CACHE_SLOTS 4096

/* An empty cache slot: stored indexes stay below 2^63 (merkle.h). */
#define NO_INDEX UINT64_MAX

typedef struct cache_slot {
    uint64_t index;
    uint8_t hash[MERKLE_HASH_SIZE];
} cache_slot;

/* The merkle_read_fn context of a batch: its transaction, the hashes it
 * added (stored indexes first .. first+count-1) and the cache. */
typedef struct hash_reader {
    store_txn *txn;
    uint64_t first;
    size_t count;
    uint8_t (*hashes)[MERKLE_HASH_SIZE];
    cache_slot *cache;
} hash_reader;

/* One attempt at committing a batch: what the loop over the jobs builds. */
typedef struct attempt {
    hash_reader rd;
    uint64_t size;   /* the tree size as the batch grows */
    int64_t time;    /* integrated_at of every leaf of the batch */
    size_t accepted; /* leaves added */
} attempt;

struct writer {
    store *st;
    keyring *keys;
    const note_signer *log_key;
    highwater *hw;          /* the high-water mark, or NULL */
    uint64_t marked;        /* the size of the latest checkpoint recorded there */
    note_verifier log_vkey; /* its public half: log_vkey.pubkey is the log's key */
    char origin[CHECKPOINT_ORIGIN_MAX + 1];
    size_t max_batch;

    uint64_t size; /* committed tree size */
    int64_t time;  /* committed last integrated_at */
    seq_checkpoint *latest;
    seq_job **batch; /* the batch being run */
    size_t nbatch;
    uint8_t (*hashes)[MERKLE_HASH_SIZE];
    size_t hash_cap;
    cache_slot *cache;
    uint8_t *leafbuf; /* ENTRY_LEAF_MAX */
    uint8_t *notebuf; /* CHECKPOINT_SIGNED_MAX */
};

static bool is_key_kind(Liuhen__Kind kind)
{
    return kind == LIUHEN__KIND__KIND_KEY_ENROLL || kind == LIUHEN__KIND__KIND_KEY_REVOKE;
}

/* ------------------------------------------------------------------------
 * Checkpoints.
 */

static seq_checkpoint *checkpoint_new(uint64_t size, const uint8_t root[32], const uint8_t *note,
                                      size_t len)
{
    seq_checkpoint *cp = malloc(sizeof *cp + len);
    if (cp == NULL)
        return NULL;
    atomic_init(&cp->refs, 1);
    cp->size = size;
    memcpy(cp->root, root, MERKLE_HASH_SIZE);
    cp->len = len;
    memcpy(cp->note, note, len);
    return cp;
}

/* Sign the checkpoint of a tree (C2SP tlog-checkpoint, no extension line). */
static int sign_checkpoint(writer *w, uint64_t size, const uint8_t root[32], seq_checkpoint **out,
                           lh_err *err)
{
    *out = NULL;
    checkpoint cp;
    memset(&cp, 0, sizeof cp);
    memcpy(cp.origin, w->origin, strlen(w->origin) + 1);
    cp.size = size;
    memcpy(cp.root, root, MERKLE_HASH_SIZE);
    size_t len;
    int rc = checkpoint_sign(&cp, w->log_key, w->notebuf, CHECKPOINT_SIGNED_MAX, &len, err);
    if (rc != 0)
        return rc;
    *out = checkpoint_new(size, root, w->notebuf, len);
    if (*out == NULL)
        return lh_err_set(err, LH_ENOMEM, "checkpoint of size %" PRIu64 ": out of memory", size);
    return 0;
}

/*
 * Record the latest checkpoint in the high-water mark, then let every reader
 * of the store see it: signed, committed, recorded, and only then handed
 * out (highwater.h), so that the mark knows every root anyone was shown.
 */
static int mark_latest(writer *w, lh_err *err)
{
    if (w->hw == NULL || w->latest == NULL || w->latest->size == 0 || w->marked == w->latest->size)
        return 0;
    int rc = highwater_record(w->hw, w->latest->size, w->latest->root, w->latest->note,
                              w->latest->len, err);
    if (rc != 0)
        return rc;
    store_set_checkpoint_limit(w->st, w->latest->size);
    w->marked = w->latest->size;
    return 0;
}

/* ------------------------------------------------------------------------
 * Stored hashes of a batch.
 */

static int hash_read(void *ctx, const uint64_t *indexes, size_t count,
                     uint8_t (*hashes)[MERKLE_HASH_SIZE])
{
    hash_reader *rd = ctx;
    for (size_t i = 0; i < count; i++) {
        uint64_t x = indexes[i];
        if (x >= rd->first) {
            /* A hash of this batch; nothing beyond what it added exists. */
            if (x - rd->first >= rd->count)
                return LH_ENOTFOUND;
            memcpy(hashes[i], rd->hashes[x - rd->first], MERKLE_HASH_SIZE);
            continue;
        }
        /* Below `first` every hash is committed and never changes. */
        cache_slot *c = &rd->cache[x & (CACHE_SLOTS - 1)];
        if (c->index == x) {
            memcpy(hashes[i], c->hash, MERKLE_HASH_SIZE);
            continue;
        }
        int rc = store_read_hashes(rd->txn, &x, 1, &hashes[i]);
        if (rc != 0)
            return rc;
        c->index = x;
        memcpy(c->hash, hashes[i], MERKLE_HASH_SIZE);
    }
    return 0;
}

static void reader_init(writer *w, hash_reader *rd, store_txn *txn)
{
    rd->txn = txn;
    rd->first = merkle_stored_count(w->size);
    rd->count = 0;
    rd->hashes = w->hashes;
    rd->cache = w->cache;
}

/* ------------------------------------------------------------------------
 * Stored entries.
 */

/* The Entry of stored Leaf bytes (trusted less than the writer's own
 * memory: the store may be damaged), and its bytes. Free with
 * liuhen__entry__free_unpacked(*out, NULL). entry_allocator() tells a
 * lack of memory (LH_ENOMEM) from a damaged store (LH_EPARSE).
 * @return 0, LH_EPARSE, LH_ENOMEM. */
static int unpack_stored(const uint8_t *leaf, size_t leaf_len, Liuhen__Entry **out,
                         const uint8_t **bytes, size_t *len, const uint8_t **sig,
                         int64_t *integrated_at)
{
    const uint8_t *se;
    size_t se_len;
    *out = NULL;
    if (entry_leaf_unpack(leaf, leaf_len, &se, &se_len, integrated_at, NULL) != 0 ||
        entry_signed_unpack(se, se_len, bytes, len, sig, NULL) != 0)
        return LH_EPARSE;
    bool failed = false;
    ProtobufCAllocator allocator = entry_allocator(&failed);
    *out = liuhen__entry__unpack(&allocator, *len, *bytes);
    if (*out == NULL)
        return failed ? LH_ENOMEM : LH_EPARSE;
    return 0;
}

/* ------------------------------------------------------------------------
 * The rules, one job at a time.
 *
 * Each check returns 0 when it decided nothing or set a refusal on the job
 * (the caller then looks at job->status), or a negative store error, which
 * abandons the whole attempt: an LMDB transaction that failed a write is
 * not to be used further.
 */

static bool refused(const seq_job *job)
{
    return job->status != LIUHEN__STATUS__STATUS_OK;
}

/* A stored record that does not read back as written: the job gets
 * INTERNAL, the operator a log line, and the other jobs go on. */
static void damaged(seq_job *job, uint64_t index, const char *what)
{
    log_error(_("append: entry %" PRIu64 ": %s: the store is damaged"), index, what);
    seq_job_set(job, LIUHEN__STATUS__STATUS_INTERNAL,
                "the log cannot read its entry %" PRIu64 " back; the operator has been told",
                index);
}

/* docs/design.md "Entries": duplicates are recognised by entry id; a retried
 * append gets the existing receipt, with the leaf it is for. */
static int check_duplicate(attempt *at, seq_job *job, bool *dup)
{
    uint64_t index;
    *dup = false;
    int rc = store_find_entry(at->rd.txn, job->entry_id, &index);
    if (rc == LH_ENOTFOUND)
        return 0;
    if (rc != 0)
        return rc;
    *dup = true;
    const uint8_t *leaf, *se, *bytes, *sig;
    size_t leaf_len, se_len, len;
    int64_t t;
    rc = store_get_leaf(at->rd.txn, index, &leaf, &leaf_len);
    if (rc == LH_ENOTFOUND) {
        damaged(job, index, "named by the entry-id index but not stored");
        return 0;
    }
    if (rc != 0)
        return rc;
    uint8_t id[ENTRY_ID_BYTES];
    if (entry_leaf_unpack(leaf, leaf_len, &se, &se_len, &t, NULL) != 0 ||
        entry_signed_unpack(se, se_len, &bytes, &len, &sig, NULL) != 0) {
        damaged(job, index, "the stored leaf does not parse");
        return 0;
    }
    entry_id(bytes, len, id);
    if (memcmp(id, job->entry_id, ENTRY_ID_BYTES) != 0) {
        damaged(job, index, "the entry-id index points at another entry");
        return 0;
    }
    job->logged_leaf = malloc(leaf_len);
    if (job->logged_leaf == NULL) {
        seq_job_set(job, LIUHEN__STATUS__STATUS_INTERNAL,
                    "out of memory for the receipt of entry %" PRIu64, index);
        return 0;
    }
    memcpy(job->logged_leaf, leaf, leaf_len);
    job->logged_leaf_len = leaf_len;
    job->status = LIUHEN__STATUS__STATUS_DUPLICATE;
    snprintf(job->message, sizeof job->message, "already logged as entry %" PRIu64, index);
    job->index = index;
    entry_leaf_hash(leaf, leaf_len, job->leaf_hash);
    job->integrated_at = t;
    return 0;
}

/* Refuse a job with a verdict of accept.h. */
static void refuse(seq_job *job, const accept_verdict *v)
{
    seq_job_set(job, wire_err_to_status(v->code), "%s", v->en);
}

/* What the log holds under the entry id a CORRECTION names, for
 * accept_correction(). *orig, when set, is the caller's to free. */
static int correction_target(attempt *at, seq_job *job, accept_target *t, Liuhen__Entry **orig)
{
    *orig = NULL;
    memset(t, 0, sizeof *t);
    int rc = store_find_entry(at->rd.txn, job->entry->correction->corrects.data, &t->index);
    if (rc == LH_ENOTFOUND)
        return 0;
    if (rc != 0)
        return rc;
    const uint8_t *leaf, *bytes, *sig;
    size_t leaf_len, len;
    int64_t ts;
    rc = store_get_leaf(at->rd.txn, t->index, &leaf, &leaf_len);
    if (rc == LH_ENOTFOUND) {
        damaged(job, t->index, "named by the entry-id index but not stored");
        return 0;
    }
    if (rc != 0)
        return rc;
    rc = unpack_stored(leaf, leaf_len, orig, &bytes, &len, &sig, &ts);
    if (rc == LH_ENOMEM) {
        seq_job_set(job, LIUHEN__STATUS__STATUS_INTERNAL,
                    "correction.corrects: out of memory reading entry %" PRIu64, t->index);
        return 0;
    }
    if (rc != 0) {
        damaged(job, t->index, "the stored entry does not parse");
        return 0;
    }
    t->found = true;
    t->author_key = (*orig)->author_key.len == 32 ? (*orig)->author_key.data : NULL;
    t->case_id = (*orig)->case_id;
    return 0;
}

static void conflict_heads(seq_job *job, const accept_head *author, const accept_head *cs)
{
    job->author_seq = author->count;
    memcpy(job->author_head, author->id, ENTRY_ID_BYTES);
    job->case_length = cs->count;
    memcpy(job->case_head, cs->id, ENTRY_ID_BYTES);
}

/* The acceptance rules (accept.h), in order. */
static int check_rules(writer *w, attempt *at, seq_job *job)
{
    const Liuhen__Entry *e = job->entry;
    accept_ctx cx = {.log_key = w->log_vkey.pubkey,
                     .origin = w->origin,
                     .keys = w->keys,
                     .index = at->size,
                     .logged = false};
    accept_verdict v;
    if (accept_author(&cx, e, &v) != 0) {
        refuse(job, &v);
        return 0;
    }
    if (e->kind == LIUHEN__KIND__KIND_CORRECTION) {
        accept_target t;
        Liuhen__Entry *orig;
        int rc = correction_target(at, job, &t, &orig);
        if (rc == 0 && !refused(job) &&
            accept_correction(&cx, e->author_key.data, e->case_id, e->correction->corrects.data, &t,
                              &v) != 0)
            refuse(job, &v);
        if (orig != NULL)
            liuhen__entry__free_unpacked(orig, NULL);
        if (rc != 0 || refused(job))
            return rc;
    }
    accept_head ah, ch;
    memset(&ch, 0, sizeof ch);
    int rc = store_get_author(at->rd.txn, e->author_key.data, &ah);
    if (rc != 0)
        return rc;
    if (e->case_id[0] != '\0' && !is_key_kind(e->kind)) {
        rc = store_get_case(at->rd.txn, e->case_id, &ch);
        if (rc == LH_EINVAL) {
            seq_job_set(job, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                        "case_id: longer than the store accepts (%d bytes)", STORE_CASE_ID_MAX);
            return 0;
        }
        if (rc != 0)
            return rc;
    }
    if (accept_author_chain(&cx, e, &ah, &v) != 0 || accept_case_chain(&cx, e, &ch, &v) != 0) {
        refuse(job, &v);
        if (v.code == LH_ECONFLICT)
            conflict_heads(job, &ah, &ch);
        return 0;
    }
    if (accept_key_change(&cx, e, &v) != 0)
        refuse(job, &v);
    return 0;
}

/* Integrate the entry: key change, leaf, stored hashes, indexes, heads. */
static int integrate(writer *w, attempt *at, seq_job *job)
{
    const Liuhen__Entry *e = job->entry;
    store_txn *txn = at->rd.txn;
    size_t leaf_len;
    int rc = entry_leaf_pack(job->signed_entry, job->signed_len, at->time, w->leafbuf,
                             ENTRY_LEAF_MAX, &leaf_len);
    if (rc == LH_ETOOBIG) {
        seq_job_set(job, LIUHEN__STATUS__STATUS_TOO_LARGE,
                    "signed_entry: the leaf would exceed %d bytes", ENTRY_LEAF_MAX);
        return 0;
    }
    if (rc != 0) {
        seq_job_set(job, LIUHEN__STATUS__STATUS_INTERNAL, "leaf: cannot be encoded: %s",
                    lh_strerror(rc));
        return 0;
    }
    uint8_t leaf_hash[MERKLE_HASH_SIZE];
    entry_leaf_hash(w->leafbuf, leaf_len, leaf_hash);

    /* A key change is staged before anything is written, so that a failure
     * leaves no trace; later jobs of the batch see it. */
    bool key_kind = is_key_kind(e->kind);
    if (key_kind && (rc = keyring_stage(w->keys, e, at->size, at->time)) != 0) {
        seq_job_set(job, LIUHEN__STATUS__STATUS_INTERNAL, "keys: %s", lh_strerror(rc));
        return 0;
    }

    /* merkle.h: leaf n's hashes go at stored index merkle_stored_index(0, n)
     * onwards, right after those of leaf n-1, so the batch's hashes form one
     * contiguous run starting at rd.first. */
    uint8_t stored[MERKLE_MAX_STORED][MERKLE_HASH_SIZE];
    size_t nstored;
    if (merkle_stored_index(0, at->size) != at->rd.first + at->rd.count)
        return LH_EINTERNAL;
    rc = merkle_stored_hashes_for(at->size, leaf_hash, hash_read, &at->rd, stored, &nstored);
    if (rc != 0)
        return rc;
    if (at->rd.count + nstored > w->hash_cap)
        return LH_EINTERNAL;
    memcpy(at->rd.hashes + at->rd.count, stored, nstored * MERKLE_HASH_SIZE);
    at->rd.count += nstored;

    accept_head ah = {.count = e->author_seq, .index = at->size};
    memcpy(ah.id, job->entry_id, ENTRY_ID_BYTES);
    if ((rc = store_put_leaf(txn, at->size, w->leafbuf, leaf_len, leaf_hash, job->entry_id)) != 0)
        return rc;
    if ((rc = store_set_author(txn, e->author_key.data, &ah)) != 0)
        return rc;
    if (!key_kind && (rc = store_case_append(txn, e->case_id, at->size, job->entry_id)) != 0)
        return rc;
    if (key_kind && (rc = store_keylog_append(txn, at->size)) != 0)
        return rc;

    job->status = LIUHEN__STATUS__STATUS_OK;
    job->message[0] = '\0';
    job->index = at->size;
    memcpy(job->leaf_hash, leaf_hash, MERKLE_HASH_SIZE);
    job->integrated_at = at->time;
    at->size++;
    at->accepted++;
    return 0;
}

static int eval_job(writer *w, attempt *at, seq_job *job)
{
    bool dup;
    int rc = check_duplicate(at, job, &dup);
    if (rc != 0 || dup)
        return rc;
    if ((rc = check_rules(w, at, job)) != 0 || refused(job))
        return rc;
    return integrate(w, at, job);
}

/* ------------------------------------------------------------------------
 * Consistency proofs for the clients' known sizes.
 */

/* The proofs one batch made, by the size they start from: the appends of
 * one pipelining client mostly know the same size. */
#define PROOF_CACHE 8

typedef struct proof_cache {
    seq_proof *p[PROOF_CACHE];
    size_t n, next;
} proof_cache;

static void proof_cache_clear(proof_cache *pc)
{
    for (size_t i = 0; i < pc->n; i++)
        seq_proof_unref(pc->p[i]);
    memset(pc, 0, sizeof *pc);
}

/*
 * Give a receipt at tree size `size` the consistency proof from the size
 * its client knew (AppendRequest.known_size), when that is between 1 and
 * size - 1. Out of memory, the receipt goes without it: the client then
 * asks for the proof (GetConsistencyProof).
 * @return 0, or the error of reading a stored hash.
 */
static int prove_known(seq_job *job, uint64_t size, hash_reader *rd, proof_cache *pc)
{
    uint64_t m = job->known_size;
    if (m == 0 || m >= size)
        return 0;
    for (size_t i = 0; i < pc->n; i++) {
        if (pc->p[i]->first == m && pc->p[i]->second == size) {
            job->consistency = seq_proof_ref(pc->p[i]);
            return 0;
        }
    }
    uint8_t hashes[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
    size_t len;
    int rc = merkle_consistency_proof(hashes, &len, m, size, hash_read, rd);
    if (rc != 0)
        return rc;
    seq_proof *p = malloc(sizeof *p + len * MERKLE_HASH_SIZE);
    if (p == NULL)
        return 0;
    atomic_init(&p->refs, 1);
    p->first = m;
    p->second = size;
    p->len = len;
    memcpy(p->hashes, hashes, len * MERKLE_HASH_SIZE);
    job->consistency = p; /* the job's reference */
    if (pc->n == PROOF_CACHE) {
        seq_proof_unref(pc->p[pc->next]);
        pc->p[pc->next] = seq_proof_ref(p);
        pc->next = (pc->next + 1) % PROOF_CACHE;
    } else {
        pc->p[pc->n++] = seq_proof_ref(p);
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Batches.
 */

/* Inclusion proofs of the DUPLICATE jobs against the latest committed
 * checkpoint, read through `txn` (which sees the committed tree). */
static int prove_duplicates(writer *w, store_txn *txn, bool only_committed)
{
    hash_reader rd;
    reader_init(w, &rd, txn);
    proof_cache pc = {0};
    for (size_t i = 0; i < w->nbatch; i++) {
        seq_job *job = w->batch[i];
        if (job->status != LIUHEN__STATUS__STATUS_DUPLICATE)
            continue;
        if (only_committed && job->index >= w->size)
            continue;
        int rc = merkle_inclusion_proof(job->proof, &job->proof_len, job->index, w->size, hash_read,
                                        &rd);
        if (rc == 0)
            rc = prove_known(job, w->size, &rd, &pc);
        if (rc != 0) {
            proof_cache_clear(&pc);
            return rc;
        }
    }
    proof_cache_clear(&pc);
    for (size_t i = 0; i < w->nbatch; i++) {
        seq_job *job = w->batch[i];
        if (job->status == LIUHEN__STATUS__STATUS_DUPLICATE &&
            (!only_committed || job->index < w->size))
            job->checkpoint = seq_checkpoint_ref(w->latest);
    }
    return 0;
}

/*
 * The batch is committed but its checkpoint could not be recorded in the
 * high-water mark: it must not be handed out, so its receipts are held
 * back. The entries are logged; a client that asks again gets its receipt
 * (DUPLICATE) once the mark is written.
 */
static void hold_receipts(writer *w, int rc, const lh_err *err, writer_outcome *out)
{
    log_error(_("append: checkpoint of size %" PRIu64
                " committed but not recorded in the high-water mark: %s; its receipts are held "
                "back until it is"),
              w->latest->size, err->msg);
    out->disk_full = rc == -ENOSPC || rc == -EDQUOT || rc == -EIO;
    for (size_t i = 0; i < w->nbatch; i++) {
        seq_job *job = w->batch[i];
        if (job->status != LIUHEN__STATUS__STATUS_OK &&
            job->status != LIUHEN__STATUS__STATUS_DUPLICATE)
            continue;
        uint64_t index = job->index;
        seq_job_reset_result(job);
        seq_job_set(job, LIUHEN__STATUS__STATUS_UNAVAILABLE,
                    "logged as entry %" PRIu64 ", but the log cannot record its checkpoint (%s): "
                    "append it again later for the receipt",
                    index, lh_errname(rc));
    }
}

/*
 * One attempt: evaluate every job in one write transaction and commit.
 * @return 0 when the batch is finished (committed, or nothing to commit);
 *         otherwise the store error that stopped it, the transaction gone.
 */
static int try_batch(writer *w, writer_outcome *out)
{
    for (size_t i = 0; i < w->nbatch; i++)
        seq_job_reset_result(w->batch[i]);
    /* A checkpoint committed but not yet in the high-water mark (its
     * recording failed) is recorded before anything else is answered. */
    lh_err merr = {""};
    int rc = mark_latest(w, &merr);
    if (rc != 0) {
        log_error(_("append: the high-water mark: %s"), merr.msg);
        return rc;
    }
    store_txn *txn;
    if ((rc = store_write_begin(w->st, &txn)) != 0)
        return rc;
    attempt at;
    reader_init(w, &at.rd, txn);
    at.size = w->size;
    /* docs/design.md: integrated_at never goes backwards, even if the clock
     * does. One reading serves the whole batch. */
    at.time = calendar_now_ms();
    if (at.time < w->time)
        at.time = w->time;
    if (at.time < 1)
        at.time = 1;
    at.accepted = 0;

    for (size_t i = 0; i < w->nbatch; i++) {
        if ((rc = eval_job(w, &at, w->batch[i])) != 0) {
            store_txn_end(txn);
            return rc;
        }
    }

    if (at.accepted == 0) {
        /* Nothing new: no checkpoint is signed; duplicates are proved
         * against the latest one, which the transaction still sees. */
        rc = prove_duplicates(w, txn, false);
        store_txn_end(txn);
        return rc;
    }

    uint8_t root[MERKLE_HASH_SIZE];
    seq_checkpoint *cp = NULL;
    lh_err err = {""};
    if ((rc = store_put_hashes(txn, at.rd.first, (const uint8_t(*)[32])at.rd.hashes,
                               at.rd.count)) != 0 ||
        (rc = merkle_tree_hash(root, at.size, hash_read, &at.rd)) != 0) {
        store_txn_end(txn);
        return rc;
    }
    /* docs/design.md "Merkle tree, checkpoints, receipts": one signed checkpoint per batch, stored
     * in the same write transaction and shared by all receipts of the batch. */
    if ((rc = sign_checkpoint(w, at.size, root, &cp, &err)) != 0) {
        log_error("append: signing the checkpoint of size %" PRIu64 ": %s", at.size, err.msg);
        store_txn_end(txn);
        return rc;
    }
    if ((rc = store_put_checkpoint(txn, at.size, cp->note, cp->len)) != 0 ||
        (rc = store_set_size(txn, at.size, at.time)) != 0) {
        store_txn_end(txn);
        seq_checkpoint_unref(cp);
        return rc;
    }
    proof_cache pc = {0};
    for (size_t i = 0; i < w->nbatch; i++) {
        seq_job *job = w->batch[i];
        if (job->status != LIUHEN__STATUS__STATUS_OK &&
            job->status != LIUHEN__STATUS__STATUS_DUPLICATE)
            continue;
        rc = merkle_inclusion_proof(job->proof, &job->proof_len, job->index, at.size, hash_read,
                                    &at.rd);
        if (rc == 0)
            rc = prove_known(job, at.size, &at.rd, &pc);
        if (rc != 0) {
            proof_cache_clear(&pc);
            store_txn_end(txn);
            seq_checkpoint_unref(cp);
            return rc;
        }
    }
    proof_cache_clear(&pc);

    /* Acknowledged means durable: one commit, one sync, no MDB_NOSYNC. */
    double commit_began = metrics_now();
    rc = store_commit(txn);
    if (rc != 0) {
        seq_checkpoint_unref(cp);
        return rc;
    }
    metrics_commit(w->nbatch, metrics_now() - commit_began);
    keyring_commit(w->keys);
    w->size = at.size;
    w->time = at.time;
    for (size_t i = 0; i < w->nbatch; i++) {
        seq_job *job = w->batch[i];
        if (job->status == LIUHEN__STATUS__STATUS_OK ||
            job->status == LIUHEN__STATUS__STATUS_DUPLICATE)
            job->checkpoint = seq_checkpoint_ref(cp);
    }
    seq_checkpoint_unref(w->latest);
    w->latest = cp;
    out->accepted = at.accepted;
    out->committed = true;
    if ((rc = mark_latest(w, &err)) != 0)
        hold_receipts(w, rc, &err, out);
    return 0;
}

/*
 * A batch that could not be committed: nothing of it is stored. Jobs that
 * were to be accepted, and every refusal or duplicate that may have rested
 * on what the batch added before it (a head, a staged key), get the
 * failure; refusals decided on committed state alone keep theirs, and
 * duplicates of committed entries keep their receipt (docs/design.md: disk
 * full gives UNAVAILABLE to appends while reads go on).
 */
static void fail_batch(writer *w, int rc, bool map_full, writer_outcome *out)
{
    Liuhen__Status status = LIUHEN__STATUS__STATUS_INTERNAL;
    char cause[160];
    /* A full disk shows as ENOSPC or EDQUOT, and as EIO when LMDB's write
     * came up short: in each case nothing was stored, reads go on, and the
     * writer can try again, so the client may retry later (UNAVAILABLE). */
    bool storage = rc == -ENOSPC || rc == -EDQUOT || rc == -EIO;
    if (storage) {
        status = LIUHEN__STATUS__STATUS_UNAVAILABLE;
        snprintf(cause, sizeof cause, "storage full or failing (%s): nothing was written",
                 lh_errname(rc));
    } else if (map_full) {
        snprintf(cause, sizeof cause,
                 "the store's map is full and could not grow: nothing was written");
    } else {
        snprintf(cause, sizeof cause, "store error (%s): nothing was written", lh_strerror(rc));
    }
    /* The cause goes to the clients in English (protocol text); the
     * operator's line follows the locale. */
    if (storage)
        log_error(_("append: batch of %zu entries not committed: storage full or failing (%s): "
                    "nothing was written"),
                  w->nbatch, lh_errname(rc));
    else if (map_full)
        log_error(_("append: batch of %zu entries not committed: the store's map is full and "
                    "could not grow: nothing was written"),
                  w->nbatch);
    else
        log_error(_("append: batch of %zu entries not committed: store error (%s): nothing was "
                    "written"),
                  w->nbatch, lh_strerror(rc));
    out->disk_full = storage;

    /* The attempt's first accepted job: refusals after it may depend on it. */
    size_t first_accepted = SIZE_MAX;
    for (size_t i = 0; i < w->nbatch && first_accepted == SIZE_MAX; i++) {
        Liuhen__Status s = w->batch[i]->status;
        if (s == LIUHEN__STATUS__STATUS_OK ||
            (s == LIUHEN__STATUS__STATUS_DUPLICATE && w->batch[i]->index >= w->size))
            first_accepted = i;
    }
    bool keep_duplicates = false;
    for (size_t i = 0; i < w->nbatch; i++) {
        seq_job *job = w->batch[i];
        bool keep;
        if (job->status == LIUHEN__STATUS__STATUS_OK)
            keep = false;
        else if (job->status == LIUHEN__STATUS__STATUS_DUPLICATE)
            keep = job->index < w->size;
        else
            keep = first_accepted == SIZE_MAX || i < first_accepted;
        if (keep) {
            keep_duplicates |= job->status == LIUHEN__STATUS__STATUS_DUPLICATE;
            continue;
        }
        seq_job_reset_result(job);
        seq_job_set(job, status, "%s", cause);
    }
    if (!keep_duplicates)
        return;
    store_txn *txn;
    int prc = store_read_begin(w->st, &txn);
    if (prc == 0) {
        prc = prove_duplicates(w, txn, true);
        store_txn_end(txn);
    }
    if (prc != 0) {
        for (size_t i = 0; i < w->nbatch; i++) {
            seq_job *job = w->batch[i];
            if (job->status == LIUHEN__STATUS__STATUS_DUPLICATE) {
                seq_job_reset_result(job);
                seq_job_set(job, status, "%s", cause);
            }
        }
    }
}

void writer_run(writer *w, seq_job **jobs, size_t n, writer_outcome *out)
{
    memset(out, 0, sizeof *out);
    w->batch = jobs;
    w->nbatch = n;
    for (int attempt_no = 0;; attempt_no++) {
        int rc = try_batch(w, out);
        if (rc == 0)
            break;
        keyring_rollback(w->keys);
        bool map_full = store_last_map_full(w->st);
        if (map_full && attempt_no < GROW_RETRIES) {
            /* docs/design.md: map full: grow the map, then the same batch again
             * from its first job (nothing of the failed attempt is kept). */
            size_t before = store_map_size(w->st);
            int grc = store_grow(w->st, 0);
            if (grc == 0) {
                log_info(_("store: map full at %zu bytes, grown to %zu; retrying a batch of %zu"),
                         before, store_map_size(w->st), n);
                continue;
            }
            log_error(_("store: map full at %zu bytes and cannot grow: %s"), before,
                      lh_strerror(grc));
        }
        fail_batch(w, rc, map_full, out);
        break;
    }
    w->batch = NULL;
    w->nbatch = 0;
}

seq_checkpoint *writer_latest(const writer *w)
{
    return w->latest;
}

uint64_t writer_size(const writer *w)
{
    return w->size;
}

int64_t writer_time(const writer *w)
{
    return w->time;
}

/* ------------------------------------------------------------------------
 * Replay: leaves the log logged before, integrated again (`liuhend
 * recover`, writer_replay()). Each goes through the batch's own steps
 * (preparation, duplicate, rules, integrate()), with the leaf's own
 * integrated_at instead of the clock; anything the writer would not have
 * done with it refuses the whole run.
 */

/* One logged leaf at the end of the attempt's tree. */
static int replay_leaf(writer *w, attempt *at, const uint8_t *leaf, size_t len, lh_err *err)
{
    uint64_t index = at->size;
    const uint8_t *se;
    size_t se_len;
    int64_t t;
    lh_err detail = {""};
    if (entry_leaf_unpack(leaf, len, &se, &se_len, &t, &detail) != 0)
        return lh_err_set(err, LH_EFORK, "entry %" PRIu64 ": not a leaf of this log: %s", index,
                          detail.msg);
    /* docs/design.md: integrated_at never goes backwards. */
    if (t < at->time)
        return lh_err_set(err, LH_EFORK,
                          "entry %" PRIu64 ": integrated at %" PRId64
                          ", before the entry ahead of it (%" PRId64 "): the log never goes back",
                          index, t, at->time);
    uint8_t *copy = malloc(se_len);
    seq_job *job = copy == NULL ? NULL : seq_job_new(copy, se_len, NULL, 0);
    if (job == NULL) {
        free(copy);
        return lh_err_set(err, LH_ENOMEM, "entry %" PRIu64 ": out of memory", index);
    }
    memcpy(copy, se, se_len);
    at->time = t;
    bool dup = false;
    int rc = 0;
    if (sequencer_prepare(job, w->origin) == 0 && (rc = check_duplicate(at, job, &dup)) == 0 &&
        !dup && (rc = check_rules(w, at, job)) == 0 && !refused(job))
        rc = integrate(w, at, job);
    if (rc != 0) {
        rc = lh_err_set(err, rc, "entry %" PRIu64 ": the store: %s", index, lh_strerror(rc));
    } else if (dup) {
        rc = lh_err_set(err, LH_EFORK,
                        "entry %" PRIu64 ": already logged as entry %" PRIu64
                        ": this log never logs an entry twice",
                        index, job->index);
    } else if (refused(job)) {
        rc = lh_err_set(err, LH_EFORK, "entry %" PRIu64 ": the log would refuse it (%s): %s", index,
                        wire_status_name(job->status), job->message);
    } else {
        /* The same leaf hash, so the same bytes: the leaf as the writer
         * encodes it, with nothing added. */
        uint8_t h[MERKLE_HASH_SIZE];
        entry_leaf_hash(leaf, len, h);
        if (sodium_memcmp(h, job->leaf_hash, MERKLE_HASH_SIZE) != 0)
            rc = lh_err_set(err, LH_EFORK,
                            "entry %" PRIu64 ": its leaf is not encoded as this log encodes it",
                            index);
    }
    seq_job_free(job);
    return rc;
}

/* One attempt at replaying n leaves: their transaction, committed. */
static int replay_try(writer *w, const uint8_t *const *leaves, const size_t *lens, size_t n,
                      const uint8_t *note, size_t note_len, lh_err *err)
{
    store_txn *txn;
    int rc = store_write_begin(w->st, &txn);
    if (rc != 0)
        return lh_err_set(err, rc, "store: cannot begin a write: %s", lh_strerror(rc));
    attempt at;
    reader_init(w, &at.rd, txn);
    at.size = w->size;
    at.time = w->time;
    at.accepted = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = replay_leaf(w, &at, leaves[i], lens[i], err);
    uint8_t root[MERKLE_HASH_SIZE];
    if (rc == 0 && (rc = store_put_hashes(txn, at.rd.first, (const uint8_t(*)[32])at.rd.hashes,
                                          at.rd.count)) != 0)
        rc = lh_err_set(err, rc, "store: writing the stored hashes: %s", lh_strerror(rc));
    if (rc == 0 && (rc = merkle_tree_hash(root, at.size, hash_read, &at.rd)) != 0)
        rc = lh_err_set(err, LH_ESTORE, "store: the tree hash of size %" PRIu64 ": %s", at.size,
                        lh_strerror(rc));
    seq_checkpoint *cp = NULL;
    if (rc == 0 && note != NULL) {
        /* The log's own checkpoint of the tree just rebuilt: signed by the
         * log key, of this size, with this root. */
        checkpoint_opened *op = malloc(sizeof *op);
        lh_err detail = {""};
        if (op == NULL)
            rc = lh_err_set(err, LH_ENOMEM, "checkpoint: out of memory");
        else if (checkpoint_open(note, note_len, &w->log_vkey, NULL, 0, op, &detail) != 0)
            rc = lh_err_set(err, LH_EBADSIG, "checkpoint: does not open with the log key %s: %s",
                            w->log_vkey.name, detail.msg);
        else if (op->cp.size != at.size || sodium_memcmp(op->cp.root, root, MERKLE_HASH_SIZE) != 0)
            rc = lh_err_set(err, LH_EFORK,
                            "checkpoint: of size %" PRIu64 ", which is not the tree of %" PRIu64
                            " entries rebuilt",
                            op->cp.size, at.size);
        else if ((cp = checkpoint_new(at.size, root, note, note_len)) == NULL)
            rc = lh_err_set(err, LH_ENOMEM, "checkpoint: out of memory");
        else if ((rc = store_put_checkpoint(txn, at.size, note, note_len)) != 0)
            rc = lh_err_set(err, rc, "store: storing the checkpoint of size %" PRIu64 ": %s",
                            at.size, lh_strerror(rc));
        free(op);
    }
    if (rc == 0 && (rc = store_set_size(txn, at.size, at.time)) != 0)
        rc = lh_err_set(err, rc, "store: recording the tree size: %s", lh_strerror(rc));
    if (rc != 0) {
        store_txn_end(txn);
        seq_checkpoint_unref(cp);
        return rc;
    }
    /* As a batch: one commit, one sync, no MDB_NOSYNC. */
    if ((rc = store_commit(txn)) != 0) {
        seq_checkpoint_unref(cp);
        return lh_err_set(err, rc, "store: commit: %s", lh_strerror(rc));
    }
    keyring_commit(w->keys);
    w->size = at.size;
    w->time = at.time;
    if (cp != NULL) {
        seq_checkpoint_unref(w->latest);
        w->latest = cp;
    }
    return 0;
}

int writer_replay(writer *w, const uint8_t *const *leaves, const size_t *lens, size_t n,
                  const uint8_t *note, size_t note_len, lh_err *err)
{
    if (n > w->max_batch)
        return lh_err_set(err, LH_EINVAL, "replay: at most %zu leaves at once", w->max_batch);
    for (int attempt_no = 0;; attempt_no++) {
        lh_err aerr = {""};
        int rc = replay_try(w, leaves, lens, n, note, note_len, &aerr);
        if (rc == 0)
            return 0;
        keyring_rollback(w->keys);
        if (!store_last_map_full(w->st) || attempt_no >= GROW_RETRIES ||
            store_grow(w->st, 0) != 0) {
            if (err != NULL)
                *err = aerr;
            return rc;
        }
    }
}

/* ------------------------------------------------------------------------
 * Start: check the store against the configuration and load its state.
 */

/* The stored origin and log key (written by `liuhend init`), when present,
 * must be the configured ones: a log never changes either. */
static int check_meta(writer *w, store_txn *txn, lh_err *err)
{
    const uint8_t *val;
    size_t len;
    int rc = store_get_meta(txn, "origin", &val, &len);
    if (rc == 0 && (len != strlen(w->origin) || memcmp(val, w->origin, len) != 0))
        return lh_err_set(err, LH_EINVAL, "store: it holds the log of another origin than \"%s\"",
                          w->origin);
    if (rc != 0 && rc != LH_ENOTFOUND)
        return lh_err_set(err, rc, "store: reading its origin: %s", lh_strerror(rc));
    rc = store_get_meta(txn, "log_key", &val, &len);
    if (rc == 0 && (len != 32 || memcmp(val, w->log_vkey.pubkey, 32) != 0))
        return lh_err_set(err, LH_EINVAL, "store: its log key is not the key %s given",
                          w->log_vkey.name);
    if (rc != 0 && rc != LH_ENOTFOUND)
        return lh_err_set(err, rc, "store: reading its log key: %s", lh_strerror(rc));
    return 0;
}

/*
 * Replay one key-management entry of the store through the rules that
 * accepted it (accept.h): the author's signature, who may append, and the
 * key change itself. A stored entry that breaks one means the store is
 * damaged, or was not written by a correct liuhend.
 */
static int replay_key_entry(writer *w, store_txn *txn, uint64_t index, lh_err *err)
{
    const uint8_t *leaf, *bytes, *sig;
    size_t leaf_len, len;
    int64_t integrated_at;
    int rc = store_get_leaf(txn, index, &leaf, &leaf_len);
    if (rc == LH_ENOTFOUND)
        return lh_err_set(err, LH_ESTORE,
                          "keys: the key log names entry %" PRIu64 ", which is not stored", index);
    if (rc != 0)
        return lh_err_set(err, rc, "keys: reading entry %" PRIu64 ": %s", index, lh_strerror(rc));
    Liuhen__Entry *e;
    rc = unpack_stored(leaf, leaf_len, &e, &bytes, &len, &sig, &integrated_at);
    if (rc == LH_ENOMEM)
        return lh_err_set(err, rc, "keys: entry %" PRIu64 ": out of memory", index);
    if (rc != 0)
        return lh_err_set(err, LH_EPARSE,
                          "keys: entry %" PRIu64 " does not parse: the store is "
                          "damaged",
                          index);
    accept_ctx cx = {.log_key = w->log_vkey.pubkey,
                     .origin = w->origin,
                     .keys = w->keys,
                     .index = index,
                     .logged = true};
    accept_verdict v;
    if (index == 0 &&
        (e->author_key.len != 32 || memcmp(e->author_key.data, w->log_vkey.pubkey, 32) != 0))
        /* docs/design.md "Kinds and roles": entry 0 is the log key's; a store whose entry
         * 0 is another author's is not this log. */
        rc = lh_err_set(err, LH_EINVAL,
                        "store: entry 0 is not a KEY_ENROLL by the log key %s: wrong key or "
                        "another log",
                        w->log_vkey.name);
    else if (e->author_key.len != 32 || entry_verify(bytes, len, sig, e->author_key.data) != 0)
        rc = lh_err_set(err, LH_ESTORE,
                        "keys: entry %" PRIu64
                        ": the author's signature does not verify: the store is damaged",
                        index);
    else if (!is_key_kind(e->kind))
        rc = lh_err_set(err, LH_ESTORE,
                        "keys: the key log names entry %" PRIu64 ", a %s: the store is damaged",
                        index, kind_name(e->kind));
    else if (accept_author(&cx, e, &v) != 0 || accept_key_change(&cx, e, &v) != 0)
        rc = lh_err_set(err, LH_ESTORE,
                        "keys: entry %" PRIu64 " breaks a rule on replay (%s): "
                        "the store is damaged",
                        index, v.en);
    else if ((rc = keyring_stage(w->keys, e, index, integrated_at)) != 0)
        rc = lh_err_set(err, rc, "keys: entry %" PRIu64 ": %s", index, lh_strerror(rc));
    liuhen__entry__free_unpacked(e, NULL);
    /* Each replayed entry is visible to the next one's checks, exactly as
     * it was when the sequencer accepted them. */
    if (rc == 0)
        keyring_commit(w->keys);
    return rc;
}

/* docs/design.md "Kinds and roles": keys, roles and revocations are never configured
 * outside the ledger: they are replayed from it (the key log indexes the
 * KEY_ENROLL and KEY_REVOKE entries, so no other leaf is read). */
static int replay_keys(writer *w, store_txn *txn, uint64_t size, lh_err *err)
{
    keyring_reset(w->keys);
    uint64_t *indexes = NULL;
    size_t count = 0;
    int rc = store_keylog_entries(txn, &indexes, &count);
    if (rc != 0)
        return lh_err_set(err, rc, "keys: cannot list the key entries: %s", lh_strerror(rc));
    if (size > 0 && (count == 0 || indexes[0] != 0))
        rc = lh_err_set(err, LH_ESTORE,
                        "keys: the log has %" PRIu64 " entries but entry 0 is not in its key log: "
                        "the store is damaged",
                        size);
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = replay_key_entry(w, txn, indexes[i], err);
    free(indexes);
    if (rc != 0)
        keyring_reset(w->keys);
    return rc;
}

/* Check the latest stored checkpoint against the key and the stored tree,
 * and keep it when it is the tree's. */
static int load_checkpoint(writer *w, store_txn *txn, lh_err *err)
{
    const uint8_t *note = NULL;
    size_t note_len = 0;
    uint64_t cp_size = 0;
    int rc = store_get_checkpoint(txn, UINT64_MAX, &note, &note_len, &cp_size);
    if (rc == LH_ENOTFOUND)
        return 0;
    if (rc != 0)
        return lh_err_set(err, rc, "store: reading the latest checkpoint: %s", lh_strerror(rc));
    checkpoint_opened *op = malloc(sizeof *op);
    if (op == NULL)
        return lh_err_set(err, LH_ENOMEM, "store: out of memory");
    lh_err detail = {""};
    rc = checkpoint_open(note, note_len, &w->log_vkey, NULL, 0, op, &detail);
    if (rc != 0) {
        rc = lh_err_set(err, LH_EBADSIG,
                        "store: the checkpoint of size %" PRIu64
                        " does not open with the log key %s: %s",
                        cp_size, w->log_vkey.name, detail.msg);
    } else if (op->cp.size != cp_size || cp_size > w->size) {
        rc = lh_err_set(err, LH_ESTORE,
                        "store: the checkpoint stored under size %" PRIu64 " says size %" PRIu64
                        " and the tree has %" PRIu64 " leaves: the store is damaged",
                        cp_size, op->cp.size, w->size);
    } else {
        /* The log never signs two inconsistent checkpoints: the stored tree
         * must still have the root it signed. */
        uint8_t root[MERKLE_HASH_SIZE];
        hash_reader rd;
        reader_init(w, &rd, txn);
        rc = merkle_tree_hash(root, cp_size, hash_read, &rd);
        if (rc != 0)
            rc = lh_err_set(err, LH_ESTORE,
                            "store: the tree hash of size %" PRIu64 " cannot be read: %s", cp_size,
                            lh_strerror(rc));
        else if (sodium_memcmp(root, op->cp.root, MERKLE_HASH_SIZE) != 0)
            rc = lh_err_set(err, LH_EFORK,
                            _("store: the tree of size %" PRIu64
                              " has another root than its signed checkpoint"),
                            cp_size);
        else if (cp_size == w->size &&
                 (w->latest = checkpoint_new(cp_size, root, note, note_len)) == NULL)
            rc = lh_err_set(err, LH_ENOMEM, "store: out of memory");
    }
    free(op);
    return rc;
}

/* Load the tree size, the last integrated_at, the keys and the latest
 * checkpoint. */
static int load_state(writer *w, lh_err *err)
{
    store_txn *txn;
    /* Every checkpoint, those not yet in the high-water mark too. */
    int rc = store_read_begin_all(w->st, &txn);
    if (rc != 0)
        return lh_err_set(err, rc, "store: cannot begin a read: %s", lh_strerror(rc));
    if ((rc = store_get_size(txn, &w->size)) != 0 || (rc = store_get_time(txn, &w->time)) != 0)
        rc = lh_err_set(err, rc, "store: reading the tree size: %s", lh_strerror(rc));
    else if (w->size > MERKLE_MAX_SIZE)
        rc = lh_err_set(err, LH_ESTORE, "store: tree size %" PRIu64 " is out of range", w->size);
    if (rc == 0)
        rc = check_meta(w, txn, err);
    if (rc == 0)
        rc = replay_keys(w, txn, w->size, err);
    if (rc == 0)
        rc = load_checkpoint(w, txn, err);
    if (rc == 0 && w->hw != NULL)
        rc = highwater_check(w->hw, txn, err);
    store_txn_end(txn);
    return rc;
}

/* Give a tree that has no checkpoint of its size one: signed in memory for
 * the empty tree, signed and stored otherwise. */
static int ensure_checkpoint(writer *w, lh_err *err)
{
    if (w->latest != NULL)
        return 0;
    uint8_t root[MERKLE_HASH_SIZE];
    if (w->size == 0) {
        merkle_empty_root(root);
        return sign_checkpoint(w, 0, root, &w->latest, err);
    }
    log_warn(_("store: no checkpoint for its tree of %" PRIu64 " leaves: signing one"), w->size);
    store_txn *txn;
    int rc = store_write_begin(w->st, &txn);
    if (rc != 0)
        return lh_err_set(err, rc, "store: cannot begin a write: %s", lh_strerror(rc));
    hash_reader rd;
    reader_init(w, &rd, txn);
    seq_checkpoint *cp = NULL;
    rc = merkle_tree_hash(root, w->size, hash_read, &rd);
    if (rc != 0) {
        store_txn_end(txn);
        return lh_err_set(err, LH_ESTORE,
                          "store: the tree hash of size %" PRIu64 " cannot be read: %s", w->size,
                          lh_strerror(rc));
    }
    if ((rc = sign_checkpoint(w, w->size, root, &cp, err)) != 0) {
        store_txn_end(txn);
        return rc;
    }
    rc = store_put_checkpoint(txn, w->size, cp->note, cp->len);
    if (rc == 0)
        rc = store_commit(txn);
    else
        store_txn_end(txn);
    if (rc != 0) {
        seq_checkpoint_unref(cp);
        return lh_err_set(err, rc, "store: storing the checkpoint of size %" PRIu64 ": %s", w->size,
                          lh_strerror(rc));
    }
    w->latest = cp;
    return 0;
}

/* After the start's checks (highwater_check() passed): bring the mark up
 * to the store's latest checkpoint, which is ahead of it after a stop
 * between a commit and its mark, and is the first mark of a log that had
 * none. */
static int open_mark(writer *w, lh_err *err)
{
    if (w->hw == NULL)
        return 0;
    uint64_t size = 0;
    uint8_t root[MERKLE_HASH_SIZE];
    bool present = highwater_get(w->hw, &size, root);
    if (present)
        w->marked = size;
    if (w->latest->size == 0 || (present && size == w->latest->size)) {
        store_set_checkpoint_limit(w->st, w->latest->size);
        return 0;
    }
    if (!present)
        log_warn(_("no high-water mark yet: recording the store's checkpoint of size %" PRIu64),
                 w->latest->size);
    else
        log_info(
            _("high-water mark: from size %" PRIu64 " to the store's checkpoint of size %" PRIu64),
            size, w->latest->size);
    lh_err merr = {""};
    int rc = mark_latest(w, &merr);
    if (rc != 0)
        return lh_err_set(err, rc, _("the high-water mark: %s"), merr.msg);
    return 0;
}

void writer_free(writer *w)
{
    if (w == NULL)
        return;
    seq_checkpoint_unref(w->latest);
    free(w->hashes);
    free(w->cache);
    free(w->leafbuf);
    free(w->notebuf);
    free(w);
}

/* A writer with its buffers, for max_batch leaves a batch; the caller
 * sets the store, the keys and the state. */
static int writer_alloc(writer **out, const char *origin, size_t max_batch, lh_err *err)
{
    *out = NULL;
    if (sodium_init() < 0)
        return lh_err_set(err, LH_EINTERNAL, "sequencer: libsodium cannot be initialised");
    writer *w = calloc(1, sizeof *w);
    if (w == NULL)
        return lh_err_set(err, LH_ENOMEM, "sequencer: out of memory");
    memcpy(w->origin, origin, strlen(origin) + 1);
    w->max_batch = max_batch == 0 ? SEQUENCER_DEFAULT_BATCH : max_batch;
    if (w->max_batch > SEQUENCER_MAX_BATCH)
        w->max_batch = SEQUENCER_MAX_BATCH;
    /* n leaves add 2n - popcount(size + n) + popcount(size) < 2n + 63
     * stored hashes (merkle_stored_count()). */
    w->hash_cap = 2 * w->max_batch + MERKLE_MAX_STORED;
    w->hashes = calloc(w->hash_cap, MERKLE_HASH_SIZE);
    w->cache = malloc(CACHE_SLOTS * sizeof *w->cache);
    w->leafbuf = malloc(ENTRY_LEAF_MAX);
    w->notebuf = malloc(CHECKPOINT_SIGNED_MAX);
    if (w->hashes == NULL || w->cache == NULL || w->leafbuf == NULL || w->notebuf == NULL) {
        writer_free(w);
        return lh_err_set(err, LH_ENOMEM, "sequencer: out of memory");
    }
    for (size_t i = 0; i < CACHE_SLOTS; i++)
        w->cache[i].index = NO_INDEX;
    *out = w;
    return 0;
}

int writer_open(writer **out, const sequencer_config *cfg, lh_err *err)
{
    *out = NULL;
    if (cfg == NULL || cfg->store == NULL || cfg->keys == NULL || cfg->log_key == NULL ||
        cfg->origin == NULL)
        return lh_err_set(err, LH_EINVAL, "sequencer: store, keys, log key and origin required");
    size_t origin_len = strlen(cfg->origin);
    if (origin_len == 0 || origin_len > CHECKPOINT_ORIGIN_MAX)
        return lh_err_set(err, LH_EINVAL, "sequencer: origin must have 1 to %d bytes",
                          CHECKPOINT_ORIGIN_MAX);
    /* C2SP tlog-checkpoint "Signatures", as checkpoint.h requires: the log
     * signs with Ed25519 under a key named as the origin. */
    if (cfg->log_key->type != NOTE_TYPE_ED25519 || strcmp(cfg->log_key->name, cfg->origin) != 0)
        return lh_err_set(err, LH_EINVAL,
                          "sequencer: the log key must be an Ed25519 note key named \"%s\"",
                          cfg->origin);
    writer *w;
    int rc = writer_alloc(&w, cfg->origin, cfg->max_batch, err);
    if (rc != 0)
        return rc;
    w->st = cfg->store;
    w->keys = cfg->keys;
    w->log_key = cfg->log_key;
    w->hw = cfg->highwater;
    rc = note_signer_verifier(cfg->log_key, &w->log_vkey);
    if (rc != 0) {
        writer_free(w);
        return lh_err_set(err, LH_EINVAL, "sequencer: the log key is not a valid signer");
    }
    if ((rc = load_state(w, err)) != 0 || (rc = ensure_checkpoint(w, err)) != 0 ||
        (rc = open_mark(w, err)) != 0) {
        writer_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

int writer_open_replay(writer **out, store *st, keyring *keys, const note_verifier *log_key,
                       size_t max_batch, lh_err *err)
{
    *out = NULL;
    if (st == NULL || keys == NULL || log_key == NULL || log_key->type != NOTE_TYPE_ED25519)
        return lh_err_set(err, LH_EINVAL, "replay: store, keys and an Ed25519 log key required");
    writer *w;
    int rc = writer_alloc(&w, log_key->name, max_batch, err);
    if (rc != 0)
        return rc;
    w->st = st;
    w->keys = keys;
    w->log_vkey = *log_key;
    /* The checks of a start, without the mark (the caller's) and without
     * signing anything: no secret key is at hand. */
    if ((rc = load_state(w, err)) != 0) {
        writer_free(w);
        return rc;
    }
    *out = w;
    return 0;
}
