/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * ledger.h — the entries of a verified tiles log, checked as liuhen's
 * ledger (docs/design.md "The verifier", checks 2 to 4): every entry parsed,
 * its signature verified, its origin this log's; the key history replayed
 * from entry 0 (the KEY_ENROLL of the first admin, signed by the log key),
 * so that each entry's key is enrolled and not revoked at its index and its
 * role may append its kind; each author's chain contiguous and unforked;
 * each case's chain unbroken; a CORRECTION only of its author's own entry.
 * (The --trusted checkpoints and the --receipts given are checked against
 * the tiles by evidence.h.)
 *
 * Bundles come from tiles_stream() in log order (ledger_sink()). Parsing and
 * signature checks run on a pool of one thread per online core (pool.h),
 * several bundles ahead of the main thread, which then checks keys, roles
 * and chains in log order and hands each verified entry to the rules
 * (rules.h), to the registers' matters (matters.h) and, for --html, to the
 * case timelines (timeline.h).
 *
 * Memory: a few bundles in flight (at most LEDGER_INFLIGHT, or
 * LEDGER_INFLIGHT_BYTES of bundle data); per author its chain head, per
 * enrolled key its holder and roles, per case its head and id; per
 * CORRECTION (about 100 bytes, at most LEDGER_CORRECTIONS_BYTES in all)
 * what it names, found after the stream (ledger_finish()); and per entry
 * six bytes (a fingerprint of its entry id, whether it verified, the
 * length of its leaf) for the first LEDGER_SEEN_BYTES / 6 entries, so that
 * finding what the CORRECTIONs name reads again only the leaves whose
 * fingerprint matches (the entries beyond are all read again and hashed).
 *
 * Thread safety: one thread (the verifier's main thread) calls these
 * functions; the pool's threads are internal.
 */
#ifndef LIUHEN_VERIFY_LEDGER_H
#define LIUHEN_VERIFY_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "keyring.h"
#include "liuhen.pb-c.h"
#include "matters.h"
#include "note.h"
#include "report.h"
#include "rules.h"
#include "tiles.h"

/** Bundles parsed and verified ahead of the main thread, at most. */
#define LEDGER_INFLIGHT 4
/** Bytes of bundle data in flight, at most (a bundle may reach 16 MiB). */
#define LEDGER_INFLIGHT_BYTES (32u * 1024u * 1024u)
/** Bytes of the per-entry table: 48 MiB covers 8,388,608 entries. */
#define LEDGER_SEEN_BYTES (48u * 1024u * 1024u)
/** Bytes kept for the CORRECTIONs until their targets are found: a log
 *  with more (hundreds of thousands) is refused, LH_ERANGE, exit 3. */
#define LEDGER_CORRECTIONS_BYTES (32u * 1024u * 1024u)

typedef struct ledger ledger;

/** An entry of a case as the ledger checked it, for ledger_options.on_entry. */
typedef struct ledger_entry {
    uint64_t index;
    int64_t integrated_at;      /**< its leaf's */
    const Liuhen__Entry *entry; /**< parsed; valid only during the call */
    const uint8_t *entry_id;    /**< ENTRY_ID_BYTES */
    const uint8_t *leaf_hash;   /**< MERKLE_HASH_SIZE, from the checked bundle */
    const keyring_key *key;     /**< its author's enrolment at index, or NULL */
    const char *author;         /**< its author's holder name at index */
    bool valid;                 /**< signature, origin and key verified */
} ledger_entry;

/** Called, in log order, for every entry that has a case id. */
typedef int (*ledger_entry_fn)(void *ctx, const ledger_entry *e);

typedef struct ledger_options {
    /** The log's key: its name is the origin every entry must carry; its
     *  public key authors entry 0 and nothing else. Borrowed. */
    const note_verifier *log_key;
    /** --rules: each verified entry goes to rules_observe(). NULL: none. */
    rules *rules;
    /** --register, --stats, --open: each verified entry goes to
     *  matters_observe(). NULL: none. */
    matters *matters;
    /** --html: a timeline row per entry of a case. */
    bool timeline;
    /** Signature threads; 0: one per online core. */
    unsigned threads;
    /** --case-file: each entry of a case, verified or not (casefile.h). NULL: none. */
    ledger_entry_fn on_entry;
    void *on_entry_ctx;
} ledger_options;

/** What the ledger saw, for the summary. */
typedef struct ledger_stats {
    uint64_t entries;           /**< parsed, signature verified, of this log */
    uint64_t authors;           /**< distinct author keys */
    uint64_t cases;             /**< distinct cases */
    uint64_t keys;              /**< keys ever enrolled */
    uint64_t failures;          /**< failures it reported */
    int64_t last_integrated_at; /**< the latest integrated_at; 0 when none */
} ledger_stats;

/**
 * A new ledger, its thread pool started.
 * @param[in] opts  the options; copied (log_key and rules stay borrowed).
 * @param[in] t     the tiles being streamed, to read again the entry a
 *                  CORRECTION names; borrowed.
 * @param[in] rep   the report; borrowed.
 * @param[out] out  freed with ledger_free(); NULL on error.
 * @return 0; LH_ENOMEM; -errno when a thread cannot be started.
 */
int ledger_new(const ledger_options *opts, tiles *t, report *rep, ledger **out, lh_err *err);

/** Stop the pool and free everything. Accepts NULL. */
void ledger_free(ledger *l);

/**
 * A tiles_sink_fn: take one bundle (the ledger owns it from now on), queue
 * it for the pool, and check the oldest bundles the pool is done with.
 * @param[in] ctx  the ledger.
 * @return 0; LH_ENOMEM; LH_ERANGE beyond LEDGER_CORRECTIONS_BYTES of
 *         CORRECTIONs; an error of the rules or the report. ledger_error() says more.
 */
int ledger_sink(void *ctx, tiles_bundle *b);

/** The detail of the last error ledger_sink() or ledger_finish() returned. */
const char *ledger_error(const ledger *l);

/**
 * Check every bundle still in flight; then, if there were CORRECTIONs, find
 * the entries they name (reading again from the entry bundles the entries
 * whose fingerprint matches one of them), and check each against its
 * author ("role") and for the rules
 * (R11, rules_correction()). Call once, after tiles_stream(), and before
 * rules_finish().
 * @return as ledger_sink().
 */
int ledger_finish(ledger *l, lh_err *err);

/** What the ledger saw. */
void ledger_get_stats(const ledger *l, ledger_stats *out);

#endif
