/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * corpus.h — realistic records (docs/design.md "Kinds and roles"), in
 * cases that follow the regulations (interferences with their five
 * elements, complaints answered, investigated and decided after the
 * leadership's collective discussion, guidance in writing, corrections by
 * their author, notifications, closings), with Chinese texts, and case
 * chains that are correct from the first record: the records liuhen-bench
 * appends and bench/verify_bench.c writes into a log of its own.
 *
 * Two levels:
 *  - a generator (corpus_gen) and the cases it plans (corpus_case): the
 *    records of any number of cases, by any authors. The caller holds the
 *    cases, chooses which one moves next and who signs it, fills the
 *    record's author fields, and tells the case the record's entry id
 *    (bench/verify_bench.c: thousands of keys, each kind signed by a key
 *    whose role may append it);
 *  - one author's stream (corpus) over a generator, each entry of 300 to
 *    1,000 bytes, with the author's chain as well (liuhen-bench).
 *
 * A stream belongs to one author and opens its own cases (their ids carry
 * a prefix of the caller's, unique to the run), so that its entries can be
 * signed long before they are sent: no other writer moves its heads. The
 * author's key must be enrolled with the roles corpus_roles() lists.
 *
 * Two ways to use a stream:
 *  - corpus_next(), then the record is appended (lh_append(), which fills
 *    the chain links itself), then corpus_logged() with its entry id;
 *  - corpus_sign_next(): the same, signed here at once into SignedEntry
 *    bytes, for entries signed before a benchmark's clock starts.
 *
 * A generator or a stream is used by one thread at a time; each is
 * independent of the others.
 */
#ifndef LIUHEN_BENCH_CORPUS_H
#define LIUHEN_BENCH_CORPUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "entry.h"
#include "errors.h"
#include "liuhen.pb-c.h"

/** The smallest and largest entry a stream makes, in bytes of Entry. */
#define CORPUS_ENTRY_MIN 300
#define CORPUS_ENTRY_MAX 1000

/** The most records of one case: complaint, acknowledgement, report,
 * assignment, 4 steps, recommendation, decision, result, service,
 * petition, closing. */
#define CORPUS_PLAN_MAX 14

/** What a case records next. */
typedef enum corpus_step {
    CORPUS_STEP_INTERFERENCE,
    CORPUS_STEP_CORRECTION, /* of the interference, by the author of its record */
    CORPUS_STEP_CHECK,
    CORPUS_STEP_APPROVAL,
    CORPUS_STEP_NOTIFICATION,
    CORPUS_STEP_CLOSED,
    CORPUS_STEP_COMPLAINT,
    CORPUS_STEP_ACKNOWLEDGEMENT,
    CORPUS_STEP_RESULT,
    CORPUS_STEP_TRANSFER,
    CORPUS_STEP_REPORT,
    CORPUS_STEP_ASSIGNED,
    CORPUS_STEP_STEP,
    CORPUS_STEP_RECOMMENDATION,
    CORPUS_STEP_DECISION,
    CORPUS_STEP_SERVICE,
    CORPUS_STEP_PETITION,
    CORPUS_STEP_GUIDANCE_WRITTEN,
    CORPUS_STEP_GUIDANCE_ORAL
} corpus_step;

/**
 * One case: its plan, its chain head and what its later records name.
 * The caller holds it (it may be copied or moved while no record of it
 * waits for corpus_case_logged()); its fields are corpus.c's, read through
 * corpus_case_step() and corpus_case_left().
 */
typedef struct corpus_case {
    uint64_t number;               /* its id is <prefix>-<number> */
    uint8_t plan[CORPUS_PLAN_MAX]; /* its records, corpus_step values in order */
    unsigned nplan, next;          /* the plan's length; the next step */
    bool open;                     /* has a record: case_prev is head */
    uint8_t head[ENTRY_ID_BYTES];
    /* What its later records name, by entry id: its interference or
     * complaint (CORRECTION, CHECK, APPROVAL, NOTIFICATION, REPLY,
     * TRANSFER, REPORT), the approval (NOTIFICATION), the recommendation
     * (DECISION), the decision (SERVICE, APPEAL). */
    uint8_t subject[ENTRY_ID_BYTES];
    uint8_t approval[ENTRY_ID_BYTES];
    uint8_t recommendation[ENTRY_ID_BYTES];
    uint8_t decision[ENTRY_ID_BYTES];
    int64_t at;         /* the time of its latest event: the next one is not earlier */
    int64_t pending_at; /* the event of the record made, once it is logged */
    int64_t accepted;   /* its complaint's 受理 (R3) */
    /* Who its complaint concerns, or who interfered: named again by the
     * notice, the recommendation, the decision, its service. */
    char person[32];
    const char *person_unit;
    Liuhen__Relation person_relation;
    bool to_legal;            /* the interference is reported to the legal section (B§3) */
    bool confirmed;           /* the legal section confirms it (B§4) */
    bool to_transfer;         /* the complaint is another authority's (A§10(1)) */
    bool wrongful;            /* a wrongful case: who is responsible, and how (A§11) */
    bool obstruction;         /* the investigation meets obstruction (A§9) */
    unsigned obstructed_step; /* which step sees it, counted from 1 */
    unsigned steps_done;
    Liuhen__Sanction sanctions[2];
    unsigned nsanctions;
    Liuhen__DisciplineGrade grade; /* for a 处分 (A§11(6)) */
} corpus_case;

/** A generator of records. Opaque. */
typedef struct corpus_gen corpus_gen;

/**
 * Make a generator. Its bureau has one leadership (a principal head, two
 * deputies, the legal section's head), named in every case it plans.
 * @param[in] origin       the log's origin, copied into every record;
 *                         borrowed for the life of the generator.
 * @param[in] case_prefix  the start of its case ids ("QJ-3f9a-07"):
 *                         printable, no spaces, at most 40 bytes; copied.
 * @param[in] seed         its random generator: the same seed gives the
 *                         same records.
 * @param[out] out         free with corpus_gen_free().
 * @return 0; LH_EINVAL; LH_ENOMEM.
 */
int corpus_gen_new(const char *origin, const char *case_prefix, uint64_t seed, corpus_gen **out);

/** Free a generator (its record included). @param[in] g  may be NULL. */
void corpus_gen_free(corpus_gen *g);

/**
 * Plan a new case in k, numbered after the generator's last one.
 * @param[in] room  the most records the case may have: with less than
 *                  CORPUS_PLAN_MAX, the case is a single interference,
 *                  reported to the justice bureau's supervision office,
 *                  which the legal section does not follow up (B§3).
 */
void corpus_case_start(corpus_gen *g, corpus_case *k, uint64_t room);

/** The records of the case's plan not yet logged; 0 when it is done. */
unsigned corpus_case_left(const corpus_case *k);

/** The step of the case's next record. @pre corpus_case_left(k) > 0. */
corpus_step corpus_case_step(const corpus_case *k);

/**
 * The record of the case's next step: kind, case, body, origin,
 * recorded_at (1 to 121 seconds before `at`, its event up to four hours
 * before that and not before the case's latest event) and case_prev. The
 * caller fills the author fields (author_key, author_seq, author_prev).
 * @param[in] at  when the record is integrated (ms since the epoch).
 * @pre corpus_case_left(k) > 0.
 * @return the record, owned by the generator and valid until its next
 *         call; the case moves on only with corpus_case_logged().
 */
Liuhen__Entry *corpus_gen_record(corpus_gen *g, corpus_case *k, int64_t at);

/**
 * The case's record that corpus_gen_record() made last was logged with
 * entry id `id`: the case's head moves to it, and its later records refer
 * to it where they must (a REPLY to its complaint...).
 */
void corpus_case_logged(corpus_case *k, const uint8_t id[ENTRY_ID_BYTES]);

/**
 * The i-th member of the bureau's staff, to enrol as a key holder: a name
 * of the staff's given names, which no one a case concerns has (R13), a
 * position and a unit of the bureau.
 * @param[out] name      room for cap bytes; 32 is enough.
 * @param[out] position  a static string.
 * @param[out] unit      a static string.
 */
void corpus_staff(uint32_t i, char *name, size_t cap, const char **position, const char **unit);

/** One author's stream. Opaque. */
typedef struct corpus corpus;

/** The roles an author key needs for every kind a stream makes. */
const Liuhen__Role *corpus_roles(size_t *n);

/**
 * Make a stream.
 * @param[in] origin       the log's origin, copied into every entry; borrowed
 *                         for the life of the stream.
 * @param[in] author_key   the author's Ed25519 public key; copied.
 * @param[in] case_prefix  the start of the stream's case ids ("QJ-3f9a-07"):
 *                         printable, no spaces, at most 40 bytes; copied.
 * @param[in] seed         the stream's random generator: the same seed
 *                         gives the same records.
 * @param[out] out         free with corpus_free().
 * @return 0; LH_EINVAL; LH_ENOMEM.
 */
int corpus_new(const char *origin, const uint8_t author_key[ENTRY_KEY_BYTES],
               const char *case_prefix, uint64_t seed, corpus **out);

/** Free a stream (its records included). @param[in] c  may be NULL. */
void corpus_free(corpus *c);

/**
 * The author's next record: kind, case, body, recorded_at (a few seconds
 * to two minutes before now), and the chain links as the stream knows
 * them (origin, author_key, author_seq, author_prev, case_prev).
 * @return the record, owned by the stream and valid until the next call.
 */
const Liuhen__Entry *corpus_next(corpus *c);

/**
 * Whether the stream may stop here: no complaint of its cases waits for
 * its answer. A log whose streams all stopped at such points breaks no
 * rule that liuhen-verify --rules applies to what is still open (R4: a
 * decided complaint whose result was not told). The result REPLY comes
 * right after the DECISION, and a TRANSFER right after a complaint for
 * another authority, so at most one more record settles a stream.
 */
bool corpus_settled(const corpus *c);

/**
 * The record corpus_next() returned was logged (or signed) with entry id
 * `id`: the author's and its case's heads move to it, and the later
 * records of the case refer to it where they must (a REPLY to its
 * complaint...).
 */
void corpus_logged(corpus *c, const uint8_t id[ENTRY_ID_BYTES]);

/**
 * The next record, signed with sk (libsodium Ed25519 secret key, seed ||
 * public key, of the stream's author), as SignedEntry bytes; the stream
 * then moves on as corpus_logged() does.
 * @param[out] out  room for cap bytes; ENTRY_SIGNED_SIZE(CORPUS_ENTRY_MAX)
 *                  is enough.
 * @param[out] len  bytes written.
 * @return 0; LH_ELENGTH (cap too small); LH_EINTERNAL (the record does not
 *         validate: a bug of the generator, with err naming the field).
 */
int corpus_sign_next(corpus *c, const uint8_t sk[ENTRY_SK_BYTES], uint8_t *out, size_t cap,
                     size_t *len, lh_err *err);

/** Room corpus_sign_next() needs for one signed entry. */
#define CORPUS_SIGNED_MAX ENTRY_SIGNED_SIZE(CORPUS_ENTRY_MAX)

#endif
