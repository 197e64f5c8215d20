/*
 * sequencer.c — the write path of sequencer.h: stateless preparation on
 * worker threads, then one writer thread that turns everything queued into
 * one batch, one LMDB write transaction, one signed checkpoint and one sync
 * (DESIGN.md "Daemon behaviour", "Merkle tree, checkpoints, receipts").
 *
 * Work per batch is done once: one clock read, one tree hash, one
 * checkpoint signature, one store_put_hashes() of the batch's new stored
 * hashes (contiguous in the merkle.h numbering, so they are buffered in
 * memory and appended at the end). Work per entry is what the rules need:
 * the duplicate lookup, the key lookup (in memory), the two chain heads,
 * the leaf's hashes and its writes, and its inclusion proof.
 *
 * The Merkle reads of a batch go through hash_read(): hashes the batch
 * added come from its buffer, older ones from a small direct-mapped cache
 * in front of the store. Stored hashes never change once committed (the
 * log is append-only and this thread is its only writer), so the cache
 * stays valid across batches; the hashes every proof of a batch shares
 * (the left siblings high in the tree) are read from LMDB about once.
 *
 * Allocation: the batch array, the hash buffer, the cache, the leaf and the
 * note buffers are allocated once at start. A batch allocates only its
 * checkpoint (shared by reference with every receipt) and, for a
 * CORRECTION, the unpacked corrected entry.
 */
#include "sequencer.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkpoint.h"
#include "entry.h"
#include "log.h"
#include "wire.h"

/* How often a batch is retried after growing a full map. Each growth at
 * least doubles the map, so 16 turns a 256 KiB map into 16 GiB: more than
 * any batch can need (SEQUENCER_MAX_BATCH leaves of at most 64 KiB). */
#define SEQ_GROW_RETRIES 16

/* Slots of the stored-hash cache (a power of two): 4096 * 40 bytes. */
#define SEQ_CACHE_SLOTS 4096

/* The appends-per-second window: one bucket per second. */
#define SEQ_RATE_BUCKETS 8
#define SEQ_RATE_WINDOW  5

/* An empty cache slot: stored indexes stay below 2^63 (merkle.h). */
#define SEQ_NO_INDEX UINT64_MAX

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

struct sequencer {
    /* Configuration, fixed after start. */
    store *st;
    keystate *keys;
    const note_signer *log_key;
    note_verifier log_vkey; /* its public half: log_vkey.pubkey is the log's key */
    char origin[CHECKPOINT_ORIGIN_MAX + 1];
    size_t max_batch;
    sequencer_notify_fn notify;
    void *notify_ctx;

    pthread_mutex_t lock; /* guards everything down to "writer only" */
    pthread_cond_t cond;  /* signalled on submit and stop */
    seq_job *queue_head, *queue_tail;
    seq_job *done_head, *done_tail;
    size_t in_flight; /* submitted, not finished */
    bool stopping;
    bool thread_started;
    bool joined;
    pthread_t thread;
    seq_checkpoint *latest; /* written by the writer under lock; the writer reads it freely */
    uint64_t pub_size;
    int64_t pub_time;
    bool disk_full;
    struct {
        int64_t sec;
        uint64_t count;
    } rate[SEQ_RATE_BUCKETS];
    int64_t started_ms;

    /* Writer only. */
    uint64_t size; /* committed tree size */
    int64_t time;  /* committed last integrated_at */
    seq_job **batch;
    size_t nbatch;
    uint8_t (*hashes)[MERKLE_HASH_SIZE];
    size_t hash_cap;
    cache_slot *cache;
    uint8_t *leafbuf; /* ENTRY_LEAF_MAX */
    uint8_t *notebuf; /* CHECKPOINT_SIGNED_MAX */
};

/* ------------------------------------------------------------------------
 * Small helpers.
 */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Cut a possibly truncated string back to whole UTF-8 characters, so that
 * a message cut by snprintf() stays a valid proto3 string. */
static void utf8_trim(char *s)
{
    size_t len = strlen(s);
    size_t i = len;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0) {
        s[0] = '\0';
        return;
    }
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead < 0x80             ? 1
                  : (lead & 0xE0) == 0xC0 ? 2
                  : (lead & 0xF0) == 0xE0 ? 3
                  : (lead & 0xF8) == 0xF0 ? 4
                                          : 1;
    if (len - (i - 1) < need)
        s[i - 1] = '\0';
}

/* Set a job's status and message. */
static void job_set(seq_job *job, Liuhen__Status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void job_set(seq_job *job, Liuhen__Status status, const char *fmt, ...)
{
    job->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(job->message, sizeof job->message, fmt, ap);
    va_end(ap);
    utf8_trim(job->message);
}

/* Forget any result of an earlier attempt; the prepared fields stay. */
static void job_reset_result(seq_job *job)
{
    job->status = LIUHEN__STATUS__STATUS_OK;
    job->message[0] = '\0';
    job->index = 0;
    memset(job->leaf_hash, 0, sizeof job->leaf_hash);
    job->integrated_at = 0;
    seq_checkpoint_unref(job->checkpoint);
    job->checkpoint = NULL;
    job->proof_len = 0;
    job->author_seq = 0;
    memset(job->author_head, 0, sizeof job->author_head);
    job->case_length = 0;
    memset(job->case_head, 0, sizeof job->case_head);
}

/* The first eight bytes of a key in hex, to name a key that has no holder. */
static const char *key_hex(const uint8_t key[32], char buf[17])
{
    sodium_bin2hex(buf, 17, key, 8);
    return buf;
}

/* "handler, legal" for a roles mask. */
static const char *roles_text(uint32_t roles, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (unsigned r = 1; r < 32; r++) {
        if ((roles & KEYSTATE_ROLE_BIT(r)) == 0)
            continue;
        int n = snprintf(buf + len, cap - len, "%s%s", len > 0 ? ", " : "",
                         entry_role_name((Liuhen__Role)r));
        if (n < 0 || (size_t)n >= cap - len)
            break;
        len += (size_t)n;
    }
    if (len == 0)
        snprintf(buf, cap, "none");
    return buf;
}

static bool is_key_kind(Liuhen__Kind kind)
{
    return kind == LIUHEN__KIND__KIND_KEY_ENROLL || kind == LIUHEN__KIND__KIND_KEY_REVOKE;
}

/* ------------------------------------------------------------------------
 * Checkpoints.
 */

seq_checkpoint *seq_checkpoint_ref(seq_checkpoint *cp)
{
    atomic_fetch_add(&cp->refs, 1);
    return cp;
}

void seq_checkpoint_unref(seq_checkpoint *cp)
{
    if (cp != NULL && atomic_fetch_sub(&cp->refs, 1) == 1)
        free(cp);
}

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
static int sign_checkpoint(sequencer *seq, uint64_t size, const uint8_t root[32],
                           seq_checkpoint **out, lh_err *err)
{
    *out = NULL;
    checkpoint cp;
    memset(&cp, 0, sizeof cp);
    memcpy(cp.origin, seq->origin, strlen(seq->origin) + 1);
    cp.size = size;
    memcpy(cp.root, root, MERKLE_HASH_SIZE);
    size_t len;
    int rc = checkpoint_sign(&cp, seq->log_key, seq->notebuf, CHECKPOINT_SIGNED_MAX, &len, err);
    if (rc != 0)
        return rc;
    *out = checkpoint_new(size, root, seq->notebuf, len);
    if (*out == NULL)
        return lh_err_set(err, LH_ENOMEM, "checkpoint of size %" PRIu64 ": out of memory", size);
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
        cache_slot *c = &rd->cache[x & (SEQ_CACHE_SLOTS - 1)];
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

static void reader_init(sequencer *seq, hash_reader *rd, store_txn *txn)
{
    rd->txn = txn;
    rd->first = merkle_stored_count(seq->size);
    rd->count = 0;
    rd->hashes = seq->hashes;
    rd->cache = seq->cache;
}

/* ------------------------------------------------------------------------
 * Stage 1: preparation (worker threads).
 */

seq_job *seq_job_new(uint8_t *signed_entry, size_t len, void *conn, uint64_t request_id)
{
    seq_job *job = calloc(1, sizeof *job);
    if (job == NULL)
        return NULL;
    job->signed_entry = signed_entry;
    job->signed_len = signed_entry != NULL ? len : 0;
    job->conn = conn;
    job->request_id = request_id;
    job->status = LIUHEN__STATUS__STATUS_OK;
    return job;
}

void seq_job_free(seq_job *job)
{
    if (job == NULL)
        return;
    free(job->signed_entry);
    if (job->entry != NULL)
        liuhen__entry__free_unpacked(job->entry, NULL);
    seq_checkpoint_unref(job->checkpoint);
    free(job);
}

/* Refuse a job in preparation: the status follows the code (wire.h). */
static int prepare_fail(seq_job *job, int code, const char *msg)
{
    job_set(job, wire_err_to_status(code), "%s", msg);
    return code;
}

int sequencer_prepare(seq_job *job, const char *origin)
{
    if (job->entry != NULL) {
        liuhen__entry__free_unpacked(job->entry, NULL);
        job->entry = NULL;
    }
    job->entry_bytes = NULL;
    job->entry_len = 0;
    job_reset_result(job);
    lh_err err = {""};

    if (job->signed_entry == NULL || job->signed_len == 0)
        return prepare_fail(job, LH_EINVAL, "signed_entry: required");
    /* A leaf must fit a C2SP entry bundle (DESIGN.md "Entries"); refuse
     * before parsing anything. */
    if (job->signed_len > ENTRY_SIGNED_MAX) {
        snprintf(err.msg, sizeof err.msg, "signed_entry: %zu bytes, at most %d", job->signed_len,
                 ENTRY_SIGNED_MAX);
        return prepare_fail(job, LH_ETOOBIG, err.msg);
    }
    const uint8_t *bytes, *sig;
    size_t len;
    int rc = entry_signed_unpack(job->signed_entry, job->signed_len, &bytes, &len, &sig, &err);
    if (rc != 0)
        return prepare_fail(job, rc, err.msg);
    Liuhen__Entry *e = NULL;
    rc = entry_validate(bytes, len, origin, &e, &err);
    if (rc != 0)
        return prepare_fail(job, rc, err.msg);
    /* The signature is checked with the key the entry names; whether that
     * key may append is the writer's question (keys change with the log). */
    if (entry_verify(bytes, len, sig, e->author_key.data) != 0) {
        char hex[17];
        snprintf(err.msg, sizeof err.msg,
                 "signature: does not verify with author_key %s... over the entry bytes",
                 key_hex(e->author_key.data, hex));
        liuhen__entry__free_unpacked(e, NULL);
        return prepare_fail(job, LH_EBADSIG, err.msg);
    }
    job->entry = e;
    job->entry_bytes = bytes;
    job->entry_len = len;
    entry_signed_hash(job->signed_entry, job->signed_len, job->signed_hash);
    return 0;
}

/* ------------------------------------------------------------------------
 * Stage 3: the writer's rules, one job at a time.
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
    log_error("append: entry %" PRIu64 ": %s: the store is damaged", index, what);
    job_set(job, LIUHEN__STATUS__STATUS_INTERNAL,
            "the log cannot read its entry %" PRIu64 " back; the operator has been told", index);
}

/* DESIGN.md "Wire protocol": a retried append gets its existing receipt. */
static int check_duplicate(attempt *at, seq_job *job, bool *dup)
{
    uint64_t index;
    *dup = false;
    int rc = store_find_signed(at->rd.txn, job->signed_hash, &index);
    if (rc == LH_ENOTFOUND)
        return 0;
    if (rc != 0)
        return rc;
    *dup = true;
    const uint8_t *leaf, *se;
    size_t leaf_len, se_len;
    int64_t t;
    rc = store_get_leaf(at->rd.txn, index, &leaf, &leaf_len);
    if (rc == LH_ENOTFOUND) {
        damaged(job, index, "named by the signed-entry index but not stored");
        return 0;
    }
    if (rc != 0)
        return rc;
    if (entry_leaf_unpack(leaf, leaf_len, &se, &se_len, &t, NULL) != 0) {
        damaged(job, index, "the stored leaf does not parse");
        return 0;
    }
    if (se_len != job->signed_len || memcmp(se, job->signed_entry, se_len) != 0) {
        damaged(job, index, "the signed-entry index points at another entry");
        return 0;
    }
    job->status = LIUHEN__STATUS__STATUS_DUPLICATE;
    snprintf(job->message, sizeof job->message, "already logged as entry %" PRIu64, index);
    job->index = index;
    entry_leaf_hash(leaf, leaf_len, job->leaf_hash);
    job->integrated_at = t;
    return 0;
}

/* The index of the leaf with this hash, for messages; UINT64_MAX if none. */
static uint64_t head_index(attempt *at, const uint8_t head[32])
{
    uint64_t index;
    return store_find_leaf(at->rd.txn, head, &index) == 0 ? index : UINT64_MAX;
}

/* Unpack the Entry of stored Leaf bytes (trusted less than the writer's
 * own memory: the store may be damaged). Free with
 * liuhen__entry__free_unpacked(*out, NULL). entry_allocator() tells a
 * lack of memory (LH_ENOMEM) from a damaged store (LH_EPARSE).
 * @return 0, LH_EPARSE, LH_ENOMEM. */
static int unpack_stored(const uint8_t *leaf, size_t leaf_len, Liuhen__Entry **out)
{
    const uint8_t *se, *bytes, *sig;
    size_t se_len, len;
    int64_t t;
    *out = NULL;
    if (entry_leaf_unpack(leaf, leaf_len, &se, &se_len, &t, NULL) != 0 ||
        entry_signed_unpack(se, se_len, &bytes, &len, &sig, NULL) != 0)
        return LH_EPARSE;
    bool failed = false;
    ProtobufCAllocator allocator = entry_allocator(&failed);
    *out = liuhen__entry__unpack(&allocator, len, bytes);
    if (*out == NULL)
        return failed ? LH_ENOMEM : LH_EPARSE;
    return 0;
}

/* A CORRECTION names the entry it corrects, which must exist and belong to
 * the same case (R11); whether it has the same author (DESIGN.md "Kinds":
 * "the original author") goes to the role check. */
static int check_correction(attempt *at, seq_job *job, bool *own, uint64_t *index_out)
{
    const Liuhen__Entry *e = job->entry;
    uint64_t index;
    int rc = store_find_leaf(at->rd.txn, e->correction->corrects.data, &index);
    if (rc == LH_ENOTFOUND) {
        job_set(job, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                "correction.corrects: no such entry in this log");
        return 0;
    }
    if (rc != 0)
        return rc;
    const uint8_t *leaf;
    size_t leaf_len;
    rc = store_get_leaf(at->rd.txn, index, &leaf, &leaf_len);
    if (rc == LH_ENOTFOUND) {
        damaged(job, index, "named by the leaf-hash index but not stored");
        return 0;
    }
    if (rc != 0)
        return rc;
    Liuhen__Entry *orig;
    rc = unpack_stored(leaf, leaf_len, &orig);
    if (rc == LH_ENOMEM) {
        job_set(job, LIUHEN__STATUS__STATUS_INTERNAL,
                "correction.corrects: out of memory reading entry %" PRIu64, index);
        return 0;
    }
    if (rc != 0) {
        damaged(job, index, "the stored entry does not parse");
        return 0;
    }
    if (strcmp(orig->case_id, e->case_id) != 0) {
        if (orig->case_id[0] == '\0')
            job_set(job, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                    "correction.corrects: entry %" PRIu64
                    " belongs to no case; a correction stays in the case of the entry it corrects "
                    "(R11)",
                    index);
        else
            job_set(job, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                    "correction.corrects: entry %" PRIu64
                    " belongs to case %s, not %s; a correction stays in the case of the entry it "
                    "corrects (R11)",
                    index, orig->case_id, e->case_id);
    }
    *own = orig->author_key.len == 32 && memcmp(orig->author_key.data, e->author_key.data, 32) == 0;
    *index_out = index;
    liuhen__entry__free_unpacked(orig, NULL);
    return 0;
}

/* Who may append: the genesis rule, the log key, the key's state, its roles. */
static int check_author(sequencer *seq, attempt *at, seq_job *job)
{
    const Liuhen__Entry *e = job->entry;
    const uint8_t *author = e->author_key.data;
    bool by_log_key = memcmp(author, seq->log_vkey.pubkey, 32) == 0;
    char hex[17];

    if (at->size == 0) {
        /* DESIGN.md "Kinds": the first entry enrols the first admin and is
         * signed by the log's own key, so that an inspector who trusts the
         * log key can check the whole key history from entry 0. */
        if (!by_log_key) {
            job_set(job, LIUHEN__STATUS__STATUS_UNKNOWN_KEY,
                    "author_key %s... is not enrolled: the log is empty, and its first entry "
                    "must be the KEY_ENROLL of the first admin, authored by the log key",
                    key_hex(author, hex));
            return 0;
        }
        if (e->kind != LIUHEN__KIND__KIND_KEY_ENROLL) {
            job_set(job, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                    "kind: the first entry of the log must be the KEY_ENROLL of the first "
                    "admin, not %s",
                    entry_kind_name(e->kind));
            return 0;
        }
        uint32_t roles = entry_roles_mask(e->key_enroll->roles, e->key_enroll->n_roles);
        if ((roles & KEYSTATE_ROLE_BIT(LIUHEN__ROLE__ROLE_ADMIN)) == 0) {
            job_set(job, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                    "key_enroll.roles: the first key enrolled must have the admin role");
            return 0;
        }
        return 0;
    }
    if (by_log_key) {
        job_set(job, LIUHEN__STATUS__STATUS_PERMISSION_DENIED,
                "author_key: the log key authors only the log's first entry (the first admin's "
                "KEY_ENROLL), not a %s",
                entry_kind_name(e->kind));
        return 0;
    }
    const key_record *k = keystate_find(seq->keys, author);
    if (k == NULL) {
        job_set(job, LIUHEN__STATUS__STATUS_UNKNOWN_KEY, "author_key %s... is not enrolled",
                key_hex(author, hex));
        return 0;
    }
    if (k->revoked) {
        job_set(job, LIUHEN__STATUS__STATUS_KEY_REVOKED, "key of %s was revoked at entry %" PRIu64,
                k->holder, k->revoked_index);
        return 0;
    }
    bool own = true;
    uint64_t corrected = 0;
    if (e->kind == LIUHEN__KIND__KIND_CORRECTION) {
        int rc = check_correction(at, job, &own, &corrected);
        if (rc != 0 || refused(job))
            return rc;
    }
    if (entry_kind_allowed(e->kind, k->roles, own))
        return 0;
    char roles[96];
    roles_text(k->roles, roles, sizeof roles);
    if (!own)
        job_set(job, LIUHEN__STATUS__STATUS_PERMISSION_DENIED,
                "key of %s (roles: %s) may append a CORRECTION only of its own entries; entry "
                "%" PRIu64 " has another author",
                k->holder, roles, corrected);
    else
        job_set(job, LIUHEN__STATUS__STATUS_PERMISSION_DENIED,
                "key of %s (roles: %s) may not append %s", k->holder, roles,
                entry_kind_name(e->kind));
    return 0;
}

static void conflict_heads(seq_job *job, uint64_t aseq, const uint8_t ahead[32], uint64_t clen,
                           const uint8_t chead[32])
{
    job->author_seq = aseq;
    memcpy(job->author_head, ahead, 32);
    job->case_length = clen;
    memcpy(job->case_head, chead, 32);
}

/* DESIGN.md "Entries": the author's chain and the case's chain must each
 * continue from their current head, so that nothing can be dropped from
 * either without breaking a link. */
static int check_chains(attempt *at, seq_job *job)
{
    const Liuhen__Entry *e = job->entry;
    uint64_t aseq, clen = 0;
    uint8_t ahead[32], chead[32] = {0};
    int rc = store_get_author(at->rd.txn, e->author_key.data, &aseq, ahead);
    if (rc != 0)
        return rc;
    bool in_case = e->case_id[0] != '\0' && !is_key_kind(e->kind);
    if (in_case) {
        rc = store_get_case(at->rd.txn, e->case_id, &clen, chead);
        if (rc == LH_EINVAL) {
            job_set(job, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                    "case_id: longer than the store accepts (%d bytes)", STORE_CASE_ID_MAX);
            return 0;
        }
        if (rc != 0)
            return rc;
    }

    if (e->author_seq != aseq + 1) {
        job_set(job, LIUHEN__STATUS__STATUS_CONFLICT,
                "author_seq is %" PRIu64 " but the author's head is %" PRIu64
                " (the next is %" PRIu64 ")",
                e->author_seq, aseq, aseq + 1);
    } else if (aseq > 0 && memcmp(e->author_prev.data, ahead, 32) != 0) {
        job_set(job, LIUHEN__STATUS__STATUS_CONFLICT,
                "author_prev is not the author's head (seq %" PRIu64 ", entry %" PRIu64 ")", aseq,
                head_index(at, ahead));
    } else if (in_case && clen == 0) {
        if (!entry_kind_opens_case(e->kind)) {
            job_set(job, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                    "case_prev: a %s cannot open case %s, which has no entry yet",
                    entry_kind_name(e->kind), e->case_id);
            return 0;
        }
        if (e->case_prev.len != 0)
            job_set(job, LIUHEN__STATUS__STATUS_CONFLICT,
                    "case_prev is set but case %s has no entry yet", e->case_id);
    } else if (in_case && e->case_prev.len == 0) {
        job_set(job, LIUHEN__STATUS__STATUS_CONFLICT,
                "case_prev is absent but case %s already has %" PRIu64
                " entries (head is entry %" PRIu64 ")",
                e->case_id, clen, head_index(at, chead));
    } else if (in_case && memcmp(e->case_prev.data, chead, 32) != 0) {
        job_set(job, LIUHEN__STATUS__STATUS_CONFLICT,
                "case_prev is not the head of case %s (head is entry %" PRIu64 ")", e->case_id,
                head_index(at, chead));
    }
    if (job->status == LIUHEN__STATUS__STATUS_CONFLICT)
        conflict_heads(job, aseq, ahead, clen, chead);
    return 0;
}

/* Integrate the entry: leaf, stored hashes, indexes, heads. */
static int accept_job(sequencer *seq, attempt *at, seq_job *job)
{
    const Liuhen__Entry *e = job->entry;
    store_txn *txn = at->rd.txn;
    size_t leaf_len;
    int rc = entry_leaf_pack(job->signed_entry, job->signed_len, at->time, seq->leafbuf,
                             ENTRY_LEAF_MAX, &leaf_len);
    if (rc == LH_ETOOBIG) {
        job_set(job, LIUHEN__STATUS__STATUS_TOO_LARGE,
                "signed_entry: the leaf would exceed %d bytes", ENTRY_LEAF_MAX);
        return 0;
    }
    if (rc != 0) {
        job_set(job, LIUHEN__STATUS__STATUS_INTERNAL, "leaf: cannot be encoded: %s",
                lh_strerror(rc));
        return 0;
    }
    uint8_t leaf_hash[MERKLE_HASH_SIZE];
    entry_leaf_hash(seq->leafbuf, leaf_len, leaf_hash);

    /* Key changes are staged before anything is written, so that a refused
     * one leaves no trace; later jobs of the batch see it. */
    bool key_kind = is_key_kind(e->kind);
    if (key_kind) {
        if (e->kind == LIUHEN__KIND__KIND_KEY_ENROLL &&
            memcmp(e->key_enroll->public_key.data, seq->log_vkey.pubkey, 32) == 0) {
            job_set(job, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                    "key_enroll.public_key: the log key cannot be enrolled; it authors only the "
                    "log's first entry");
            return 0;
        }
        lh_err err = {""};
        rc = keystate_stage(seq->keys, e, at->size, at->time, &err);
        if (rc == LH_EFIELD) {
            job_set(job, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT, "%s", err.msg);
            return 0;
        }
        if (rc != 0) {
            job_set(job, LIUHEN__STATUS__STATUS_INTERNAL, "keys: %s", lh_strerror(rc));
            return 0;
        }
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
    if (at->rd.count + nstored > seq->hash_cap)
        return LH_EINTERNAL;
    memcpy(at->rd.hashes + at->rd.count, stored, nstored * MERKLE_HASH_SIZE);
    at->rd.count += nstored;

    if ((rc = store_put_leaf(txn, at->size, seq->leafbuf, leaf_len, leaf_hash, job->signed_hash)) !=
        0)
        return rc;
    if ((rc = store_set_author(txn, e->author_key.data, e->author_seq, leaf_hash)) != 0)
        return rc;
    if (!key_kind && (rc = store_case_append(txn, e->case_id, at->size, leaf_hash)) != 0)
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

static int eval_job(sequencer *seq, attempt *at, seq_job *job)
{
    bool dup;
    int rc = check_duplicate(at, job, &dup);
    if (rc != 0 || dup)
        return rc;
    if ((rc = check_author(seq, at, job)) != 0 || refused(job))
        return rc;
    if ((rc = check_chains(at, job)) != 0 || refused(job))
        return rc;
    return accept_job(seq, at, job);
}

/* ------------------------------------------------------------------------
 * Stage 3: batches.
 */

/* Inclusion proofs of the DUPLICATE jobs against the latest committed
 * checkpoint, read through `txn` (which sees the committed tree). */
static int prove_duplicates(sequencer *seq, store_txn *txn, bool only_committed)
{
    hash_reader rd;
    reader_init(seq, &rd, txn);
    for (size_t i = 0; i < seq->nbatch; i++) {
        seq_job *job = seq->batch[i];
        if (job->status != LIUHEN__STATUS__STATUS_DUPLICATE)
            continue;
        if (only_committed && job->index >= seq->size)
            continue;
        int rc = merkle_inclusion_proof(job->proof, &job->proof_len, job->index, seq->size,
                                        hash_read, &rd);
        if (rc != 0)
            return rc;
    }
    for (size_t i = 0; i < seq->nbatch; i++) {
        seq_job *job = seq->batch[i];
        if (job->status == LIUHEN__STATUS__STATUS_DUPLICATE &&
            (!only_committed || job->index < seq->size))
            job->checkpoint = seq_checkpoint_ref(seq->latest);
    }
    return 0;
}

static void rate_add(sequencer *seq, int64_t ms, uint64_t count)
{
    int64_t sec = ms / 1000;
    size_t slot = (size_t)(sec % SEQ_RATE_BUCKETS);
    if (seq->rate[slot].sec != sec) {
        seq->rate[slot].sec = sec;
        seq->rate[slot].count = 0;
    }
    seq->rate[slot].count += count;
}

/*
 * One attempt: evaluate every job in one write transaction and commit.
 * @return 0 when the batch is finished (committed, or nothing to commit);
 *         otherwise the store error that stopped it, the transaction gone.
 */
static int try_batch(sequencer *seq)
{
    for (size_t i = 0; i < seq->nbatch; i++)
        job_reset_result(seq->batch[i]);
    store_txn *txn;
    int rc = store_write_begin(seq->st, &txn);
    if (rc != 0)
        return rc;
    attempt at;
    reader_init(seq, &at.rd, txn);
    at.size = seq->size;
    /* DESIGN.md: integrated_at never goes backwards, even if the clock
     * does. One reading serves the whole batch. */
    at.time = now_ms();
    if (at.time < seq->time)
        at.time = seq->time;
    if (at.time < 1)
        at.time = 1;
    at.accepted = 0;

    for (size_t i = 0; i < seq->nbatch; i++) {
        if ((rc = eval_job(seq, &at, seq->batch[i])) != 0) {
            store_txn_end(txn);
            return rc;
        }
    }

    if (at.accepted == 0) {
        /* Nothing new: no checkpoint is signed; duplicates are proved
         * against the latest one, which the transaction still sees. */
        rc = prove_duplicates(seq, txn, false);
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
    /* DESIGN.md "Receipt": one signed checkpoint per batch, stored in the
     * same write transaction and shared by all receipts of the batch. */
    if ((rc = sign_checkpoint(seq, at.size, root, &cp, &err)) != 0) {
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
    for (size_t i = 0; i < seq->nbatch; i++) {
        seq_job *job = seq->batch[i];
        if (job->status != LIUHEN__STATUS__STATUS_OK &&
            job->status != LIUHEN__STATUS__STATUS_DUPLICATE)
            continue;
        rc = merkle_inclusion_proof(job->proof, &job->proof_len, job->index, at.size, hash_read,
                                    &at.rd);
        if (rc != 0) {
            store_txn_end(txn);
            seq_checkpoint_unref(cp);
            return rc;
        }
    }

    /* Acknowledged means durable: one commit, one sync, no MDB_NOSYNC. */
    rc = store_commit(txn);
    if (rc != 0) {
        seq_checkpoint_unref(cp);
        return rc;
    }
    keystate_commit(seq->keys);
    seq->size = at.size;
    seq->time = at.time;
    for (size_t i = 0; i < seq->nbatch; i++) {
        seq_job *job = seq->batch[i];
        if (job->status == LIUHEN__STATUS__STATUS_OK ||
            job->status == LIUHEN__STATUS__STATUS_DUPLICATE)
            job->checkpoint = seq_checkpoint_ref(cp);
    }
    pthread_mutex_lock(&seq->lock);
    seq_checkpoint *old = seq->latest;
    seq->latest = cp;
    seq->pub_size = at.size;
    seq->pub_time = at.time;
    seq->disk_full = false;
    rate_add(seq, now_ms(), at.accepted);
    pthread_mutex_unlock(&seq->lock);
    seq_checkpoint_unref(old);
    return 0;
}

/*
 * A batch that could not be committed: nothing of it is stored. Jobs that
 * were to be accepted, and every refusal or duplicate that may have rested
 * on what the batch added before it (a head, a staged key), get the
 * failure; refusals decided on committed state alone keep theirs, and
 * duplicates of committed entries keep their receipt (DESIGN.md: disk
 * full gives UNAVAILABLE to appends while reads go on).
 */
static void fail_batch(sequencer *seq, int rc, bool map_full)
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
                 "the store's map is full and could not grow: nothing was "
                 "written");
    } else {
        snprintf(cause, sizeof cause, "store error (%s): nothing was written", lh_strerror(rc));
    }
    log_error("append: batch of %zu entries not committed: %s", seq->nbatch, cause);

    /* The attempt's first accepted job: refusals after it may depend on it. */
    size_t first_accepted = SIZE_MAX;
    for (size_t i = 0; i < seq->nbatch && first_accepted == SIZE_MAX; i++) {
        Liuhen__Status s = seq->batch[i]->status;
        if (s == LIUHEN__STATUS__STATUS_OK ||
            (s == LIUHEN__STATUS__STATUS_DUPLICATE && seq->batch[i]->index >= seq->size))
            first_accepted = i;
    }
    bool keep_duplicates = false;
    for (size_t i = 0; i < seq->nbatch; i++) {
        seq_job *job = seq->batch[i];
        bool keep;
        if (job->status == LIUHEN__STATUS__STATUS_OK)
            keep = false;
        else if (job->status == LIUHEN__STATUS__STATUS_DUPLICATE)
            keep = job->index < seq->size;
        else
            keep = first_accepted == SIZE_MAX || i < first_accepted;
        if (keep) {
            keep_duplicates |= job->status == LIUHEN__STATUS__STATUS_DUPLICATE;
            continue;
        }
        job_reset_result(job);
        job_set(job, status, "%s", cause);
    }
    /* The flag says what the last commit ran into. */
    pthread_mutex_lock(&seq->lock);
    seq->disk_full = storage;
    pthread_mutex_unlock(&seq->lock);
    if (!keep_duplicates)
        return;
    store_txn *txn;
    int prc = store_read_begin(seq->st, &txn);
    if (prc == 0) {
        prc = prove_duplicates(seq, txn, true);
        store_txn_end(txn);
    }
    if (prc != 0) {
        for (size_t i = 0; i < seq->nbatch; i++) {
            seq_job *job = seq->batch[i];
            if (job->status == LIUHEN__STATUS__STATUS_DUPLICATE) {
                job_reset_result(job);
                job_set(job, status, "%s", cause);
            }
        }
    }
}

static void run_batch(sequencer *seq)
{
    for (int attempt_no = 0;; attempt_no++) {
        int rc = try_batch(seq);
        if (rc == 0)
            return;
        keystate_rollback(seq->keys);
        bool map_full = store_last_map_full(seq->st);
        if (map_full && attempt_no < SEQ_GROW_RETRIES) {
            /* DESIGN.md: map full: grow the map, then the same batch again
             * from its first job (nothing of the failed attempt is kept). */
            size_t before = store_map_size(seq->st);
            int grc = store_grow(seq->st, 0);
            if (grc == 0) {
                log_info("store: map full at %zu bytes, grown to %zu; retrying a batch of %zu",
                         before, store_map_size(seq->st), seq->nbatch);
                continue;
            }
            log_error("store: map full at %zu bytes and cannot grow: %s", before, lh_strerror(grc));
        }
        fail_batch(seq, rc, map_full);
        return;
    }
}

/* Append a finished job to the done list; seq->lock is held. */
static void done_push_locked(sequencer *seq, seq_job *job)
{
    job->next = NULL;
    if (seq->done_tail != NULL)
        seq->done_tail->next = job;
    else
        seq->done_head = job;
    seq->done_tail = job;
}

static void *writer_main(void *arg)
{
    sequencer *seq = arg;
    pthread_mutex_lock(&seq->lock);
    for (;;) {
        while (seq->queue_head == NULL && !seq->stopping)
            pthread_cond_wait(&seq->cond, &seq->lock);
        if (seq->queue_head == NULL)
            break; /* stopping, and everything submitted is done */
        /* Group commit: everything queued, up to max_batch, is one batch. */
        seq->nbatch = 0;
        while (seq->queue_head != NULL && seq->nbatch < seq->max_batch) {
            seq_job *job = seq->queue_head;
            seq->queue_head = job->next;
            job->next = NULL;
            seq->batch[seq->nbatch++] = job;
        }
        if (seq->queue_head == NULL)
            seq->queue_tail = NULL;
        pthread_mutex_unlock(&seq->lock);

        /* Refusals are logged by whoever answers them (server.c names the
         * connection and request); the writer logs what only it knows:
         * failed batches, growth, a damaged store. */
        run_batch(seq);

        pthread_mutex_lock(&seq->lock);
        for (size_t i = 0; i < seq->nbatch; i++)
            done_push_locked(seq, seq->batch[i]);
        seq->in_flight -= seq->nbatch;
        seq->nbatch = 0;
        pthread_mutex_unlock(&seq->lock);
        if (seq->notify != NULL)
            seq->notify(seq->notify_ctx);
        pthread_mutex_lock(&seq->lock);
    }
    pthread_mutex_unlock(&seq->lock);
    return NULL;
}

/* ------------------------------------------------------------------------
 * Start: check the store against the configuration and load its state.
 */

/* The stored origin and log key (written by `liuhend init`), when present,
 * must be the configured ones: a log never changes either. */
static int check_meta(sequencer *seq, store_txn *txn, lh_err *err)
{
    const uint8_t *val;
    size_t len;
    int rc = store_get_meta(txn, "origin", &val, &len);
    if (rc == 0 && (len != strlen(seq->origin) || memcmp(val, seq->origin, len) != 0))
        return lh_err_set(err, LH_EINVAL, "store: it holds the log of another origin than \"%s\"",
                          seq->origin);
    if (rc != 0 && rc != LH_ENOTFOUND)
        return lh_err_set(err, rc, "store: reading its origin: %s", lh_strerror(rc));
    rc = store_get_meta(txn, "log_key", &val, &len);
    if (rc == 0 && (len != 32 || memcmp(val, seq->log_vkey.pubkey, 32) != 0))
        return lh_err_set(err, LH_EINVAL, "store: its log key is not the key %s given",
                          seq->log_vkey.name);
    if (rc != 0 && rc != LH_ENOTFOUND)
        return lh_err_set(err, rc, "store: reading its log key: %s", lh_strerror(rc));
    return 0;
}

/* DESIGN.md "Kinds": entry 0 is the log key's; a store whose entry 0 is
 * another author's is not this log. */
static int check_genesis(sequencer *seq, store_txn *txn, lh_err *err)
{
    const uint8_t *leaf;
    size_t leaf_len;
    int rc = store_get_leaf(txn, 0, &leaf, &leaf_len);
    if (rc != 0)
        return lh_err_set(err, rc == LH_ENOTFOUND ? LH_ESTORE : rc,
                          "store: entry 0 cannot be read: %s", lh_strerror(rc));
    Liuhen__Entry *e;
    rc = unpack_stored(leaf, leaf_len, &e);
    if (rc != 0)
        return lh_err_set(err, rc,
                          rc == LH_ENOMEM ? "store: entry 0: out of memory"
                                          : "store: entry 0 does not parse: the store is damaged");
    bool ok = e->author_key.len == 32 &&
              memcmp(e->author_key.data, seq->log_vkey.pubkey, 32) == 0 &&
              e->kind == LIUHEN__KIND__KIND_KEY_ENROLL;
    liuhen__entry__free_unpacked(e, NULL);
    if (!ok)
        return lh_err_set(err, LH_EINVAL,
                          "store: entry 0 is not a KEY_ENROLL by the log key %s: wrong key or "
                          "another log",
                          seq->log_vkey.name);
    return 0;
}

/* Load the tree size, the last integrated_at and the latest checkpoint,
 * checking that checkpoint against the key and the stored tree. */
static int load_state(sequencer *seq, lh_err *err)
{
    store_txn *txn;
    int rc = store_read_begin(seq->st, &txn);
    if (rc != 0)
        return lh_err_set(err, rc, "store: cannot begin a read: %s", lh_strerror(rc));
    uint64_t size = 0, cp_size = 0;
    int64_t time = 0;
    const uint8_t *note = NULL;
    size_t note_len = 0;
    if ((rc = store_get_size(txn, &size)) != 0 || (rc = store_get_time(txn, &time)) != 0) {
        rc = lh_err_set(err, rc, "store: reading the tree size: %s", lh_strerror(rc));
        goto out;
    }
    if ((rc = check_meta(seq, txn, err)) != 0)
        goto out;
    if (size > MERKLE_MAX_SIZE) {
        rc = lh_err_set(err, LH_ESTORE, "store: tree size %" PRIu64 " is out of range", size);
        goto out;
    }
    if (size > 0 && (rc = check_genesis(seq, txn, err)) != 0)
        goto out;
    if (size > 0) {
        /* Keys are replayed from the ledger (keystate_rebuild()); a log with
         * entries always has its first admin. */
        key_record *recs = NULL;
        size_t nrecs = 0;
        rc = keystate_snapshot(seq->keys, &recs, &nrecs);
        free(recs);
        if (rc != 0) {
            rc = lh_err_set(err, rc, "sequencer: out of memory");
            goto out;
        }
        if (nrecs == 0) {
            rc = lh_err_set(err, LH_EINVAL,
                            "sequencer: the log has %" PRIu64
                            " entries but no key: rebuild the keys from the store first",
                            size);
            goto out;
        }
    }
    rc = store_get_checkpoint(txn, UINT64_MAX, &note, &note_len, &cp_size);
    if (rc == LH_ENOTFOUND) {
        note = NULL;
        cp_size = 0;
        rc = 0;
    } else if (rc != 0) {
        rc = lh_err_set(err, rc, "store: reading the latest checkpoint: %s", lh_strerror(rc));
        goto out;
    }
    seq->size = size;
    seq->time = time;
    if (note != NULL) {
        checkpoint_opened *op = malloc(sizeof *op);
        if (op == NULL) {
            rc = lh_err_set(err, LH_ENOMEM, "store: out of memory");
            goto out;
        }
        lh_err detail = {""};
        rc = checkpoint_open(note, note_len, &seq->log_vkey, NULL, 0, op, &detail);
        if (rc != 0) {
            rc = lh_err_set(err, LH_EBADSIG,
                            "store: the checkpoint of size %" PRIu64
                            " does not open with the log key %s: %s",
                            cp_size, seq->log_vkey.name, detail.msg);
        } else if (op->cp.size != cp_size || cp_size > size) {
            rc = lh_err_set(err, LH_ESTORE,
                            "store: the checkpoint stored under size %" PRIu64 " says size %" PRIu64
                            " and the tree has %" PRIu64 " leaves: the store is damaged",
                            cp_size, op->cp.size, size);
        } else {
            /* The log never signs two inconsistent checkpoints: the stored
             * tree must still have the root it signed. */
            uint8_t root[MERKLE_HASH_SIZE];
            hash_reader rd;
            reader_init(seq, &rd, txn);
            rc = merkle_tree_hash(root, cp_size, hash_read, &rd);
            if (rc != 0)
                rc = lh_err_set(err, LH_ESTORE,
                                "store: the tree hash of size %" PRIu64 " cannot be read: %s",
                                cp_size, lh_strerror(rc));
            else if (sodium_memcmp(root, op->cp.root, MERKLE_HASH_SIZE) != 0)
                rc = lh_err_set(err, LH_EFORK,
                                "store: the tree of size %" PRIu64
                                " has another root than its signed checkpoint",
                                cp_size);
            else if (cp_size == size) {
                seq->latest = checkpoint_new(cp_size, root, note, note_len);
                if (seq->latest == NULL)
                    rc = lh_err_set(err, LH_ENOMEM, "store: out of memory");
            }
        }
        free(op);
    }
out:
    store_txn_end(txn);
    return rc;
}

/* Give a tree that has no checkpoint of its size one: signed in memory for
 * the empty tree, signed and stored otherwise. */
static int ensure_checkpoint(sequencer *seq, lh_err *err)
{
    if (seq->latest != NULL)
        return 0;
    uint8_t root[MERKLE_HASH_SIZE];
    if (seq->size == 0) {
        merkle_empty_root(root);
        return sign_checkpoint(seq, 0, root, &seq->latest, err);
    }
    log_warn("store: no checkpoint for its tree of %" PRIu64 " leaves: signing one", seq->size);
    store_txn *txn;
    int rc = store_write_begin(seq->st, &txn);
    if (rc != 0)
        return lh_err_set(err, rc, "store: cannot begin a write: %s", lh_strerror(rc));
    hash_reader rd;
    reader_init(seq, &rd, txn);
    seq_checkpoint *cp = NULL;
    rc = merkle_tree_hash(root, seq->size, hash_read, &rd);
    if (rc != 0) {
        store_txn_end(txn);
        return lh_err_set(err, LH_ESTORE,
                          "store: the tree hash of size %" PRIu64 " cannot be read: %s", seq->size,
                          lh_strerror(rc));
    }
    if ((rc = sign_checkpoint(seq, seq->size, root, &cp, err)) != 0) {
        store_txn_end(txn);
        return rc;
    }
    rc = store_put_checkpoint(txn, seq->size, cp->note, cp->len);
    if (rc == 0)
        rc = store_commit(txn);
    else
        store_txn_end(txn);
    if (rc != 0) {
        seq_checkpoint_unref(cp);
        return lh_err_set(err, rc, "store: storing the checkpoint of size %" PRIu64 ": %s",
                          seq->size, lh_strerror(rc));
    }
    seq->latest = cp;
    return 0;
}

static void free_list(seq_job *job)
{
    while (job != NULL) {
        seq_job *next = job->next;
        seq_job_free(job);
        job = next;
    }
}

static void seq_destroy(sequencer *seq)
{
    free_list(seq->queue_head);
    free_list(seq->done_head);
    seq_checkpoint_unref(seq->latest);
    free(seq->batch);
    free(seq->hashes);
    free(seq->cache);
    free(seq->leafbuf);
    free(seq->notebuf);
    pthread_cond_destroy(&seq->cond);
    pthread_mutex_destroy(&seq->lock);
    free(seq);
}

int sequencer_start(sequencer **out, const sequencer_config *cfg, lh_err *err)
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
    if (sodium_init() < 0)
        return lh_err_set(err, LH_EINTERNAL, "sequencer: libsodium cannot be initialised");

    sequencer *seq = calloc(1, sizeof *seq);
    if (seq == NULL)
        return lh_err_set(err, LH_ENOMEM, "sequencer: out of memory");
    int rc = pthread_mutex_init(&seq->lock, NULL);
    if (rc != 0) {
        free(seq);
        return lh_err_set(err, -rc, "sequencer: mutex: %s", strerror(rc));
    }
    if ((rc = pthread_cond_init(&seq->cond, NULL)) != 0) {
        pthread_mutex_destroy(&seq->lock);
        free(seq);
        return lh_err_set(err, -rc, "sequencer: condition variable: %s", strerror(rc));
    }
    seq->st = cfg->store;
    seq->keys = cfg->keys;
    seq->log_key = cfg->log_key;
    memcpy(seq->origin, cfg->origin, origin_len + 1);
    seq->notify = cfg->notify;
    seq->notify_ctx = cfg->notify_ctx;
    seq->max_batch = cfg->max_batch == 0 ? SEQUENCER_DEFAULT_BATCH : cfg->max_batch;
    if (seq->max_batch > SEQUENCER_MAX_BATCH)
        seq->max_batch = SEQUENCER_MAX_BATCH;
    seq->started_ms = now_ms();
    for (size_t i = 0; i < SEQ_RATE_BUCKETS; i++)
        seq->rate[i].sec = -1;

    /* n leaves add 2n - popcount(size + n) + popcount(size) < 2n + 63
     * stored hashes (merkle_stored_count()). */
    seq->hash_cap = 2 * seq->max_batch + MERKLE_MAX_STORED;
    seq->batch = calloc(seq->max_batch, sizeof *seq->batch);
    seq->hashes = calloc(seq->hash_cap, MERKLE_HASH_SIZE);
    seq->cache = malloc(SEQ_CACHE_SLOTS * sizeof *seq->cache);
    seq->leafbuf = malloc(ENTRY_LEAF_MAX);
    seq->notebuf = malloc(CHECKPOINT_SIGNED_MAX);
    if (seq->batch == NULL || seq->hashes == NULL || seq->cache == NULL || seq->leafbuf == NULL ||
        seq->notebuf == NULL) {
        seq_destroy(seq);
        return lh_err_set(err, LH_ENOMEM, "sequencer: out of memory");
    }
    for (size_t i = 0; i < SEQ_CACHE_SLOTS; i++)
        seq->cache[i].index = SEQ_NO_INDEX;

    if ((rc = note_signer_verifier(cfg->log_key, &seq->log_vkey)) != 0) {
        seq_destroy(seq);
        return lh_err_set(err, LH_EINVAL, "sequencer: the log key is not a valid signer");
    }
    if ((rc = load_state(seq, err)) != 0 || (rc = ensure_checkpoint(seq, err)) != 0) {
        seq_destroy(seq);
        return rc;
    }
    seq->pub_size = seq->size;
    seq->pub_time = seq->time;

    if ((rc = pthread_create(&seq->thread, NULL, writer_main, seq)) != 0) {
        seq_destroy(seq);
        return lh_err_set(err, -rc, "sequencer: cannot start the writer thread: %s", strerror(rc));
    }
    seq->thread_started = true;
    log_info("sequencer: log %s at size %" PRIu64 ", batches of up to %zu", seq->origin, seq->size,
             seq->max_batch);
    *out = seq;
    return 0;
}

/* ------------------------------------------------------------------------
 * The loop's side.
 */

void sequencer_submit(sequencer *seq, seq_job *job)
{
    if (job == NULL)
        return;
    job->next = NULL;
    pthread_mutex_lock(&seq->lock);
    bool finish_now = true;
    if (job->entry == NULL) {
        /* Not prepared, or refused in preparation: its answer is known. */
        if (job->status == LIUHEN__STATUS__STATUS_OK)
            job_set(job, LIUHEN__STATUS__STATUS_INTERNAL, "append: the entry was not prepared");
    } else if (seq->stopping) {
        job_reset_result(job);
        job_set(job, LIUHEN__STATUS__STATUS_UNAVAILABLE,
                "the log is shutting down: nothing was written");
    } else {
        finish_now = false;
    }
    if (finish_now) {
        done_push_locked(seq, job);
    } else {
        if (seq->queue_tail != NULL)
            seq->queue_tail->next = job;
        else
            seq->queue_head = job;
        seq->queue_tail = job;
        seq->in_flight++;
        pthread_cond_signal(&seq->cond);
    }
    pthread_mutex_unlock(&seq->lock);
    if (finish_now && seq->notify != NULL)
        seq->notify(seq->notify_ctx);
}

seq_job *sequencer_take_done(sequencer *seq)
{
    pthread_mutex_lock(&seq->lock);
    seq_job *head = seq->done_head;
    seq->done_head = NULL;
    seq->done_tail = NULL;
    pthread_mutex_unlock(&seq->lock);
    return head;
}

void sequencer_stop(sequencer *seq)
{
    pthread_mutex_lock(&seq->lock);
    seq->stopping = true;
    pthread_cond_broadcast(&seq->cond);
    bool join = seq->thread_started && !seq->joined;
    seq->joined = true;
    pthread_mutex_unlock(&seq->lock);
    if (join) {
        pthread_join(seq->thread, NULL);
        log_info("sequencer: stopped at size %" PRIu64, seq->size);
    }
}

void sequencer_free(sequencer *seq)
{
    if (seq == NULL)
        return;
    sequencer_stop(seq);
    seq_destroy(seq);
}

void sequencer_get_stats(sequencer *seq, sequencer_stats *out)
{
    int64_t now = now_ms();
    int64_t sec = now / 1000;
    pthread_mutex_lock(&seq->lock);
    out->tree_size = seq->pub_size;
    out->last_checkpoint_at = seq->pub_time;
    out->queue_depth = seq->in_flight;
    out->disk_full = seq->disk_full;
    uint64_t count = 0;
    for (size_t i = 0; i < SEQ_RATE_BUCKETS; i++) {
        if (seq->rate[i].sec > sec - SEQ_RATE_WINDOW && seq->rate[i].sec <= sec)
            count += seq->rate[i].count;
    }
    int64_t started = seq->started_ms;
    pthread_mutex_unlock(&seq->lock);
    /* The window is the last SEQ_RATE_WINDOW whole seconds with the current
     * one partly elapsed, and no longer than the sequencer has run. */
    double window = (SEQ_RATE_WINDOW - 1) + (double)(now % 1000) / 1000.0;
    double ran = (double)(now - started) / 1000.0;
    if (ran < window)
        window = ran;
    if (window < 1.0)
        window = 1.0;
    out->appends_per_second = (double)count / window;
}

seq_checkpoint *sequencer_latest(sequencer *seq)
{
    pthread_mutex_lock(&seq->lock);
    seq_checkpoint *cp = seq_checkpoint_ref(seq->latest);
    pthread_mutex_unlock(&seq->lock);
    return cp;
}
