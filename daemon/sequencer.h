/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * sequencer.h — liuhend's write path (docs/design.md "The daemon").
 *
 * An append goes through two stages, both owned by the sequencer:
 *
 *   1. Preparation, on the sequencer's worker threads (one per core, at
 *      least two): unpack the SignedEntry, structural validation
 *      (validate_entry()), the origin (accept_origin()), the author's
 *      signature (entry_verify()), the entry id. CPU-bound and stateless:
 *      sequencer_prepare().
 *   2. The writer thread (writer.h) takes everything prepared as one batch
 *      and applies the acceptance rules (accept.h) to each job in order:
 *      duplicate (by entry id), who may append, CORRECTION targets, the
 *      author and case chains, key changes. Accepted entries become
 *      leaves; then one signed checkpoint for the batch, all in ONE LMDB
 *      write transaction committed with ONE fsync. Only then are the jobs
 *      finished (receipts with inclusion proofs against the batch's
 *      checkpoint) and the `notify` callback called.
 *
 * Order. Jobs are integrated in the order they were submitted, whatever
 * order their preparation finishes in: an author (or a tool appending for
 * a case) may sign a run of entries, each naming the previous one's entry
 * id, and have them all in flight. The jobs of one sequencer_submit() call
 * land in one batch (unless they are more than max_batch), so a run sent
 * together is integrated together; a later submission may share it.
 *
 * Nothing is acknowledged before its batch is durable. A failed commit
 * leaves no trace: the map is grown and the batch retried when the map was
 * full; on a full disk (-ENOSPC) every job of the batch that was to be
 * accepted is answered UNAVAILABLE and later batches try again.
 */
#ifndef LIUHEN_SEQUENCER_H
#define LIUHEN_SEQUENCER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "entry.h"
#include "errors.h"
#include "highwater.h"
#include "keyring.h"
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

/**
 * A consistency proof shared by the receipts of one batch whose requests
 * knew the same tree size (AppendRequest.known_size), reference counted as
 * seq_checkpoint is. Immutable once made.
 */
typedef struct seq_proof {
    _Atomic unsigned refs;
    uint64_t first;  /* the size the client knew */
    uint64_t second; /* the receipt's tree size */
    size_t len;
    uint8_t hashes[][MERKLE_HASH_SIZE];
} seq_proof;

/** Take another reference. @return p. */
seq_proof *seq_proof_ref(seq_proof *p);

/** Drop a reference; the last one frees the proof. Accepts NULL. */
void seq_proof_unref(seq_proof *p);

/** One append request on its way through the write path. */
typedef struct seq_job {
    /* ---- set by the caller (seq_job_new()) ---- */
    uint8_t *signed_entry; /* SignedEntry bytes, malloc'd, owned by the job */
    size_t signed_len;
    void *conn;          /* the caller's connection, opaque here */
    uint64_t request_id; /* echoed in the response */
    uint64_t known_size; /* the client's verified tree size (0: none) */
    double received_at;  /* metrics_now() when its frame was read (metrics.h) */

    /* ---- set by sequencer_prepare() ---- */
    Liuhen__Entry *entry;       /* the validated entry, owned by the job */
    const uint8_t *entry_bytes; /* points into signed_entry */
    size_t entry_len;
    uint8_t entry_id[ENTRY_ID_BYTES]; /* SHA-256 of entry_bytes */

    /* ---- the result, set by sequencer_prepare() (on failure) or the writer ---- */
    Liuhen__Status status;
    char message[512]; /* valid UTF-8; names the problem when status is not OK */

    /* OK and DUPLICATE: the receipt. */
    uint64_t index;
    uint8_t leaf_hash[MERKLE_HASH_SIZE];
    int64_t integrated_at;
    seq_checkpoint *checkpoint;                        /* a reference, dropped by seq_job_free() */
    uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE]; /* inclusion in checkpoint->size */
    size_t proof_len;
    /* From known_size to checkpoint->size when 0 < known_size < that size
     * (a reference, dropped by seq_job_free()); NULL otherwise, or when
     * there was no memory for it (the client then asks for it). */
    seq_proof *consistency;
    /* DUPLICATE: the Leaf logged under the entry id (malloc'd, owned). */
    uint8_t *logged_leaf;
    size_t logged_leaf_len;

    /* CONFLICT: the current heads (zero when there is none), by entry id. */
    uint64_t author_seq;
    uint8_t author_head[ENTRY_ID_BYTES];
    uint64_t case_length;
    uint8_t case_head[ENTRY_ID_BYTES];

    struct seq_job *next; /* list link, owned by whoever holds the job */
    bool ready;           /* the sequencer's: prepared */
} seq_job;

/**
 * A new job owning `signed_entry`.
 * @param[in] signed_entry  malloc'd SignedEntry bytes (may be NULL with len
 *                          0: preparation refuses it); the job owns them
 *                          once it is returned.
 * @return the job (status OK, no result yet), or NULL when out of memory:
 *         then the caller still owns signed_entry.
 */
seq_job *seq_job_new(uint8_t *signed_entry, size_t len, void *conn, uint64_t request_id);

/** Free a job and everything it owns. Accepts NULL. */
void seq_job_free(seq_job *job);

/** Forget any result of an earlier attempt; the prepared fields stay. */
void seq_job_reset_result(seq_job *job);

/** Set a job's status and message (cut to whole UTF-8 characters). */
void seq_job_set(seq_job *job, Liuhen__Status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * Stage 1: unpack, validate, check the origin and the author's signature,
 * and compute the entry id. Thread-safe and stateless.
 * @param[in] origin  the log's origin (entries of another log are refused).
 * @return 0 when the job may go to the writer (status OK); otherwise the
 *         job's status and message say why not and the code is returned:
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
 * Called whenever finished jobs are ready, from the sequencer's threads, or
 * from the thread calling sequencer_submit() when it finishes a job at once
 * (after sequencer_stop() began). It must be thread-safe and quick
 * (uv_async_send() is both); it may not call back into the sequencer except
 * sequencer_take_done().
 */
typedef void (*sequencer_notify_fn)(void *ctx);

typedef struct sequencer_config {
    store *store;               /* borrowed for the sequencer's life */
    keyring *keys;              /* empty: replayed from the store at start; borrowed */
    const note_signer *log_key; /* signs checkpoints; borrowed for the sequencer's life.
                                   Type 0x01, named as the origin. */
    const char *origin;         /* copied */
    highwater *highwater;       /* the log's high-water mark (highwater.h), checked at start
                                   and kept by the writer; borrowed; NULL: none (tests) */
    size_t max_batch;           /* 0: SEQUENCER_DEFAULT_BATCH; at most SEQUENCER_MAX_BATCH */
    unsigned threads;           /* preparation threads; 0: one per online core, at least 2 */
    sequencer_notify_fn notify; /* may be NULL */
    void *notify_ctx;
} sequencer_config;

/**
 * Start the sequencer over a store: check the store against the
 * configuration and load its state (writer_open(): the stored origin and
 * log key, entry 0, the latest checkpoint against the stored tree; the keys
 * replayed from the ledger into cfg->keys), then start the preparation
 * threads and the writer.
 * @param[out] out  the sequencer; NULL on error.
 * @param[out] err  optional: names the object and the cause.
 * @return 0; the codes of writer_open(); LH_EINVAL (bad configuration);
 *         LH_ENOMEM; -errno (threads).
 */
int sequencer_start(sequencer **out, const sequencer_config *cfg, lh_err *err);

/**
 * Hand a list of jobs (through ->next, in arrival order) to the sequencer,
 * which owns them until sequencer_take_done() returns them. Thread-safe.
 * After sequencer_stop() began, each is finished at once with UNAVAILABLE.
 */
void sequencer_submit(sequencer *seq, seq_job *jobs);

/**
 * Finished jobs, in completion order (a list through ->next), or NULL.
 * Thread-safe. The caller owns the jobs (seq_job_free()).
 */
seq_job *sequencer_take_done(sequencer *seq);

/**
 * Stop: process every job submitted before this call, refuse later ones,
 * join the threads. Finished jobs stay available to sequencer_take_done().
 * Then free with sequencer_free(). Calling it again does nothing; it must
 * not run on two threads at once.
 */
void sequencer_stop(sequencer *seq);

/**
 * Free a sequencer (stopping it first if needed), with the finished jobs
 * nobody took. Accepts NULL. The store, keyring and log key are not freed.
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
