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
 * full; on a full disk (-ENOSPC) every job of the batch is answered
 * UNAVAILABLE and later batches try again.
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

/** A signed checkpoint shared by every receipt of one batch (reference counted). */
typedef struct seq_checkpoint {
    _Atomic unsigned refs;
    uint64_t size;
    uint8_t root[MERKLE_HASH_SIZE];
    size_t len;
    uint8_t note[]; /* the signed note, len bytes */
} seq_checkpoint;

/** Take another reference. */
seq_checkpoint *seq_checkpoint_ref(seq_checkpoint *cp);

/** Drop a reference (accepts NULL). */
void seq_checkpoint_unref(seq_checkpoint *cp);

/** One append request on its way through the write path. */
typedef struct seq_job {
    /* ---- set by the caller before sequencer_prepare() ---- */
    uint8_t *signed_entry; /* SignedEntry bytes, malloc'd, owned by the job */
    size_t signed_len;
    void *conn;            /* the caller's connection, opaque here */
    uint64_t request_id;   /* echoed in the response */

    /* ---- set by sequencer_prepare() ---- */
    Liuhen__Entry *entry;  /* the validated entry, owned by the job */
    const uint8_t *entry_bytes; /* points into signed_entry */
    size_t entry_len;
    uint8_t signed_hash[MERKLE_HASH_SIZE]; /* SHA-256 of signed_entry: duplicate key */

    /* ---- the result, set by sequencer_prepare() (on failure) or the writer ---- */
    Liuhen__Status status;
    char message[256];     /* names the problem when status is not OK */

    /* OK and DUPLICATE: the receipt. */
    uint64_t index;
    uint8_t leaf_hash[MERKLE_HASH_SIZE];
    int64_t integrated_at;
    seq_checkpoint *checkpoint; /* a reference, dropped by seq_job_free() */
    uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
    size_t proof_len;

    /* CONFLICT: the current heads. */
    uint64_t author_seq;
    uint8_t author_head[MERKLE_HASH_SIZE];
    uint64_t case_length;
    uint8_t case_head[MERKLE_HASH_SIZE];

    struct seq_job *next;  /* list link, owned by whoever holds the job */
} seq_job;

/** A new job owning `signed_entry` (malloc'd). @return NULL when out of memory. */
seq_job *seq_job_new(uint8_t *signed_entry, size_t len, void *conn, uint64_t request_id);

/** Free a job and everything it owns. Accepts NULL. */
void seq_job_free(seq_job *job);

/**
 * Stage 1: unpack, validate and verify the author's signature. Thread-safe
 * and stateless: run it on worker threads.
 * @param[in] origin  the log's origin (entries of another log are refused).
 * @return 0 when the job may be submitted; otherwise the job's status and
 *         message say why not (BAD_SIGNATURE, INVALID_ARGUMENT naming the
 *         field, TOO_LARGE) and the same code is returned.
 */
int sequencer_prepare(seq_job *job, const char *origin);

typedef struct sequencer sequencer;

/** Called from the writer thread whenever finished jobs are ready. */
typedef void (*sequencer_notify_fn)(void *ctx);

typedef struct sequencer_config {
    store *store;
    keystate *keys;              /* replayed from the store before start */
    const note_signer *log_key;  /* signs checkpoints; borrowed for the sequencer's life */
    const char *origin;
    size_t max_batch;            /* 0: default (4096) */
    sequencer_notify_fn notify;
    void *notify_ctx;
} sequencer_config;

/**
 * Start the writer thread over a store.
 * @return 0, LH_ENOMEM, LH_ESTORE, -errno.
 */
int sequencer_start(sequencer **out, const sequencer_config *cfg, lh_err *err);

/**
 * Stage 2: queue a prepared job for the writer. Thread-safe. After
 * sequencer_stop() began, the job is finished at once with UNAVAILABLE.
 */
void sequencer_submit(sequencer *seq, seq_job *job);

/** Finished jobs, in completion order (a list through ->next), or NULL. Thread-safe. */
seq_job *sequencer_take_done(sequencer *seq);

/**
 * Stop: process every job submitted before this call, refuse later ones,
 * join the writer thread. Finished jobs stay available to
 * sequencer_take_done(). Then free with sequencer_free().
 */
void sequencer_stop(sequencer *seq);

/** Free a stopped sequencer. Accepts NULL. */
void sequencer_free(sequencer *seq);

/** Figures for Status. Thread-safe. */
typedef struct sequencer_stats {
    uint64_t tree_size;
    int64_t last_checkpoint_at;   /* unix ms */
    size_t queue_depth;           /* submitted, not yet finished */
    double appends_per_second;    /* over the last few seconds */
    bool disk_full;               /* the last commit failed with ENOSPC */
} sequencer_stats;

void sequencer_get_stats(sequencer *seq, sequencer_stats *out);

/** The latest checkpoint (a reference to drop with seq_checkpoint_unref()). Thread-safe. */
seq_checkpoint *sequencer_latest(sequencer *seq);

#endif
