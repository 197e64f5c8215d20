/*
 * sequencer.h — liuhend's write path (DESIGN.md "Daemon behaviour").
 *
 * An append goes through three stages:
 *
 *   1. sequencer_prepare(), on a worker thread (any thread, many at once):
 *      unpack the SignedEntry, structural validation (entry_validate), the
 *      author's signature (entry_verify). CPU-bound and stateless.
 *   2. sequencer_submit(), from the event loop: hand the prepared job to the
 *      writer thread.
 *   3. The writer thread takes everything submitted as one batch: for each
 *      job in order, duplicate check, key enrolled and not revoked, role
 *      allowed for the kind, author chain and case chain heads; accepted
 *      entries become leaves; then one signed checkpoint for the batch, all
 *      in ONE LMDB write transaction committed with ONE fsync. Only then are
 *      the jobs finished (receipts with inclusion proofs against the batch's
 *      checkpoint) and the `notify` callback called, from the writer thread,
 *      so that the loop collects them with sequencer_take_done().
 *
 * Nothing is acknowledged before its batch is durable. A failed commit
 * leaves no trace: the map is grown and the batch retried when the map was
 * full; on a full disk (-ENOSPC) every job of the batch that was to be
 * accepted is answered UNAVAILABLE and later batches try again.
 *
 * The rules the writer applies, in this order (the first that fails
 * decides the status; DESIGN.md "Wire protocol" and "Kinds"):
 *   - DUPLICATE: the same SignedEntry bytes are already logged (also earlier
 *     in the same batch): the existing receipt is returned.
 *   - Genesis: while the log is empty, only a KEY_ENROLL authored by the
 *     log's key (cfg->log_key) enrolling a key with the admin role is
 *     accepted; the log key authors nothing else, ever (PERMISSION_DENIED),
 *     and cannot itself be enrolled (INVALID_ARGUMENT).
 *   - UNKNOWN_KEY, KEY_REVOKED, PERMISSION_DENIED (entry_kind_allowed();
 *     for a CORRECTION, the corrected entry must exist, be in the same case
 *     (R11), else INVALID_ARGUMENT, and have the same author).
 *   - CONFLICT: author_seq/author_prev is not the author's head, or
 *     case_prev is not the case's head; the current heads are returned.
 *     A kind that cannot open a case, on an empty case: INVALID_ARGUMENT.
 *   - KEY_ENROLL / KEY_REVOKE: keystate_stage()'s rules (INVALID_ARGUMENT);
 *     the change is seen by the next entry of the same batch.
 */
#ifndef LIUHEN_SEQUENCER_H
#define LIUHEN_SEQUENCER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "keystate.h"
#include "liuhen.pb-c.h"
#include "merkle.h"
#include "note.h"
#include "store.h"

/** The batch size used when sequencer_config.max_batch is 0. */
#define SEQUENCER_DEFAULT_BATCH 4096
/**
 * The largest batch: a larger max_batch is lowered to this. It bounds the
 * memory of a batch and the dirty pages of its one LMDB transaction (16384
 * leaves of at most 64 KiB stay below LMDB's limit of dirty pages).
 */
#define SEQUENCER_MAX_BATCH 16384

/**
 * A signed checkpoint shared by every receipt of one batch (reference
 * counted; the counting is atomic, so references may be taken and dropped
 * on any thread). Immutable once published.
 */
typedef struct seq_checkpoint {
    _Atomic unsigned refs;
    uint64_t size;                  /* tree size */
    uint8_t root[MERKLE_HASH_SIZE]; /* RFC 6962 root at that size */
    size_t len;
    uint8_t note[]; /* the signed note (C2SP tlog-checkpoint), len bytes, not NUL-terminated */
} seq_checkpoint;

/** Take another reference. @return cp. */
seq_checkpoint *seq_checkpoint_ref(seq_checkpoint *cp);

/** Drop a reference; the last one frees the checkpoint. Accepts NULL. */
void seq_checkpoint_unref(seq_checkpoint *cp);

/** One append request on its way through the write path. */
typedef struct seq_job {
    /* ---- set by the caller before sequencer_prepare() ---- */
    uint8_t *signed_entry; /* SignedEntry bytes, malloc'd, owned by the job */
    size_t signed_len;
    void *conn;          /* the caller's connection, opaque here */
    uint64_t request_id; /* echoed in the response */

    /* ---- set by sequencer_prepare() ---- */
    Liuhen__Entry *entry;       /* the validated entry, owned by the job */
    const uint8_t *entry_bytes; /* points into signed_entry */
    size_t entry_len;
    uint8_t signed_hash[MERKLE_HASH_SIZE]; /* SHA-256 of signed_entry: duplicate key */

    /* ---- the result, set by sequencer_prepare() (on failure) or the writer ---- */
    Liuhen__Status status;
    char message[256]; /* valid UTF-8; names the problem when status is not OK */

    /* OK and DUPLICATE: the receipt. */
    uint64_t index;
    uint8_t leaf_hash[MERKLE_HASH_SIZE];
    int64_t integrated_at;
    seq_checkpoint *checkpoint;                        /* a reference, dropped by seq_job_free() */
    uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE]; /* inclusion in checkpoint->size */
    size_t proof_len;

    /* CONFLICT: the current heads (zero when there is none). */
    uint64_t author_seq;
    uint8_t author_head[MERKLE_HASH_SIZE];
    uint64_t case_length;
    uint8_t case_head[MERKLE_HASH_SIZE];

    struct seq_job *next; /* list link, owned by whoever holds the job */
} seq_job;

/**
 * A new job owning `signed_entry`.
 * @param[in] signed_entry  malloc'd SignedEntry bytes (may be NULL with len
 *                          0: sequencer_prepare() refuses it); the job owns
 *                          them once it is returned.
 * @return the job (status OK, no result yet), or NULL when out of memory:
 *         then the caller still owns signed_entry.
 */
seq_job *seq_job_new(uint8_t *signed_entry, size_t len, void *conn, uint64_t request_id);

/** Free a job and everything it owns (bytes, entry, checkpoint reference). Accepts NULL. */
void seq_job_free(seq_job *job);

/**
 * Stage 1: unpack, validate and verify the author's signature, and compute
 * signed_hash. Thread-safe and stateless: run it on worker threads.
 * @param[in] origin  the log's origin (entries of another log are refused).
 * @return 0 when the job may be submitted (status OK); otherwise the job's
 *         status and message say why not and the code is returned:
 *         LH_ETOOBIG (TOO_LARGE); LH_EBADSIG (BAD_SIGNATURE); LH_EPARSE,
 *         LH_EFIELD, LH_EKIND, LH_EORIGIN, LH_EUNKNOWNFIELD, LH_EUTF8,
 *         LH_ECTRL, LH_EINVAL (INVALID_ARGUMENT, naming the field);
 *         LH_ENOMEM (INTERNAL). wire_err_to_status(code) == job->status.
 * @note entry_verify() uses about 64 KiB of stack: the thread needs 128 KiB.
 *       Calling it again on the same job starts over.
 */
int sequencer_prepare(seq_job *job, const char *origin);

typedef struct sequencer sequencer;

/**
 * Called whenever finished jobs are ready: from the writer thread after a
 * batch, or from the thread calling sequencer_submit() when it finishes a
 * job at once (after sequencer_stop() began). It must be thread-safe and
 * quick (uv_async_send() is both); it may not call back into the sequencer
 * except sequencer_take_done().
 */
typedef void (*sequencer_notify_fn)(void *ctx);

typedef struct sequencer_config {
    store *store;               /* borrowed for the sequencer's life */
    keystate *keys;             /* replayed from the store before start; borrowed */
    const note_signer *log_key; /* signs checkpoints; borrowed for the sequencer's life.
                                   Type 0x01, named as the origin. */
    const char *origin;         /* copied */
    size_t max_batch;           /* 0: SEQUENCER_DEFAULT_BATCH; at most SEQUENCER_MAX_BATCH */
    sequencer_notify_fn notify; /* may be NULL */
    void *notify_ctx;
} sequencer_config;

/**
 * Start the writer thread over a store. First checks the store against the
 * configuration: the stored origin and log key (meta, when present) are
 * cfg's; entry 0 is authored by the log key; the latest stored checkpoint
 * verifies with the log key, is not beyond the tree and its root is the
 * stored tree's. If the store has leaves but no checkpoint for its size
 * (which one write transaction per batch prevents, but a store restored by
 * hand could show), one is signed and stored. An empty log gets a signed
 * checkpoint of size 0, kept in memory only.
 * @param[out] out  the sequencer; NULL on error.
 * @param[out] err  optional: names the object and the cause.
 * @return 0; LH_EINVAL (bad configuration, a store of another origin or
 *         log key, or a key state that was not rebuilt from this store);
 *         LH_EBADSIG (the latest checkpoint is not signed by the
 *         log key); LH_EFORK (its root is not the stored tree's); LH_ESTORE;
 *         LH_EPARSE (entry 0 does not parse); LH_ENOMEM; -errno.
 */
int sequencer_start(sequencer **out, const sequencer_config *cfg, lh_err *err);

/**
 * Stage 2: queue a prepared job for the writer. Thread-safe. After
 * sequencer_stop() began, the job is finished at once with UNAVAILABLE; a
 * job that sequencer_prepare() did not pass is finished at once with its
 * status. The sequencer owns the job until sequencer_take_done() returns it.
 */
void sequencer_submit(sequencer *seq, seq_job *job);

/**
 * Finished jobs, in completion order (a list through ->next), or NULL.
 * Thread-safe. The caller owns the jobs (seq_job_free()).
 */
seq_job *sequencer_take_done(sequencer *seq);

/**
 * Stop: process every job submitted before this call, refuse later ones,
 * join the writer thread. Finished jobs stay available to
 * sequencer_take_done(). Then free with sequencer_free(). Calling it again
 * does nothing; it must not run on two threads at once.
 */
void sequencer_stop(sequencer *seq);

/**
 * Free a sequencer (stopping it first if needed), with the finished jobs
 * nobody took. Accepts NULL. The store, key state and log key are not freed.
 */
void sequencer_free(sequencer *seq);

/** Figures for Status. */
typedef struct sequencer_stats {
    uint64_t tree_size;         /* of the latest checkpoint */
    int64_t last_checkpoint_at; /* unix ms: integrated_at of the latest checkpoint's batch */
    size_t queue_depth;         /* submitted, not yet finished */
    double appends_per_second;  /* accepted appends over the last five seconds */
    bool disk_full;             /* the last commit failed with ENOSPC */
} sequencer_stats;

/** Fill *out. Thread-safe. */
void sequencer_get_stats(sequencer *seq, sequencer_stats *out);

/**
 * The latest checkpoint, never NULL once started (size 0 for an empty log).
 * @return a reference to drop with seq_checkpoint_unref(). Thread-safe.
 */
seq_checkpoint *sequencer_latest(sequencer *seq);

#endif
