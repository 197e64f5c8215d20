/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * scrub.h — a scrub of the store: everything it holds recomputed from what
 * it holds, so that tampering at rest (or a failing disk) is found and
 * named rather than served (`liuhend check`, and `liuhend --check-interval`
 * in the background; docs/design.md "Scrub").
 *
 * What is checked, for a tree of n leaves (the size when the scrub starts):
 *   - each leaf: its stored bytes hash (RFC 6962 leaf hash) to the stored
 *     level-0 hash, and the leaf-hash index names it;
 *   - each stored interior hash: it is the hash of its two stored children
 *     (merkle.h's numbering), so every stored hash is checked once;
 *   - each stored checkpoint up to n: it verifies with the log key, names
 *     the size it is stored under, and its root is the stored tree's at
 *     that size.
 * Each finding names the entry index or the stored hash (its level and the
 * entries it covers) or the checkpoint, with what was expected and what is
 * stored. The leaves are read in chunks, each in a read transaction of its
 * own, so that a scrub beside the daemon never holds old pages for long.
 */
#ifndef LIUHEN_SCRUB_H
#define LIUHEN_SCRUB_H

#include <stdatomic.h>
#include <stdint.h>

#include "errors.h"
#include "note.h"
#include "store.h"

/** Leaves per read transaction, unless configured. */
#define SCRUB_DEFAULT_CHUNK 4096

/** What a scrub did. */
typedef struct scrub_report {
    uint64_t size;        /**< the tree size scrubbed */
    uint64_t hashes;      /**< stored hashes checked (leaf and interior) */
    uint64_t checkpoints; /**< stored checkpoints checked */
    uint64_t findings;    /**< what differs: 0 for a sound store */
} scrub_report;

/** One finding: a sentence in the locale's language (gettext). */
typedef void (*scrub_finding_fn)(void *ctx, const char *finding);

/** Progress: `done` of `total` leaves, then of checkpoints (phase 1, 2). */
typedef void (*scrub_progress_fn)(void *ctx, int phase, uint64_t done, uint64_t total);

typedef struct scrub_config {
    store *store;                 /**< borrowed */
    const note_verifier *log_key; /**< the log's type 0x01 key; borrowed */
    scrub_finding_fn finding;     /**< may be NULL (findings only counted) */
    scrub_progress_fn progress;   /**< may be NULL */
    void *ctx;                    /**< for both */
    uint64_t chunk;               /**< leaves per read transaction; 0: the default */
    const atomic_bool *stop;      /**< optional: set to end the scrub early */
} scrub_config;

/**
 * Scrub the store.
 * @param[out] out  what was checked and how many findings.
 * @param[out] err  optional: why the scrub could not run to its end.
 * @return 0 when it ran (out->findings says whether the store is sound);
 *         -ECANCELED when stopped; LH_ESTORE or -errno when the store
 *         cannot be read; LH_ENOMEM.
 */
int scrub_run(const scrub_config *cfg, scrub_report *out, lh_err *err);

typedef struct scrubber scrubber;

/**
 * Scrub every `interval_seconds` in a thread of the lowest priority
 * (SCHED_IDLE, nice 19, idle I/O class), logging what each scrub found:
 * a sound store at info level, each finding and the total at error level.
 * The first scrub runs one interval after the start.
 * @return 0; LH_EINVAL (interval 0); LH_ENOMEM; -errno (the thread).
 */
int scrub_start(scrubber **out, const scrub_config *cfg, unsigned interval_seconds, lh_err *err);

/** Stop the thread (a scrub under way ends early) and free. Accepts NULL. */
void scrub_stop(scrubber *sc);

#endif
