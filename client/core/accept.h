/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * accept.h — the rules that decide whether an entry may enter the log
 * (docs/design.md "Entries", "Kinds"), written once: liuhend's sequencer applies
 * them to refuse an append, liuhen-verify applies them to every entry of an
 * export to convict a log that broke them. If the two had their own copies,
 * a drift between them would make the verifier convict an honest log or
 * pass a dishonest one.
 *
 * The rules are pure functions over a small state that each caller keeps in
 * its own way (liuhend in LMDB, the verifier in memory):
 *   - the key history, a keyring (keyring.h), replayed from the ledger;
 *   - the head of the author's chain and of the case's chain (accept_head);
 *   - for a CORRECTION, what the log holds under the entry id it names
 *     (accept_target).
 * Each function judges one rule and fills an accept_verdict: an error code
 * (which liuhend maps to the wire status), the verifier's name for the
 * check, and a sentence in Chinese and in English naming the entry, the
 * key, the case and what differs. liuhend stops at the first rule that
 * fails, in the order below; the verifier applies them all and reports
 * each.
 *
 *  1. accept_origin(): the entry is for this log.
 *  2. accept_author(): the genesis rule (entry 0 is the log key's
 *     KEY_ENROLL of a first admin, and the log key authors nothing else),
 *     the key enrolled and not revoked, its roles allowing the kind.
 *  3. accept_correction(): a CORRECTION names an earlier entry of the log,
 *     by the same author, in the same case.
 *  4. accept_author_chain(), accept_case_chain(): author_seq, author_prev
 *     and case_prev continue the heads (chains are by entry id).
 *  5. accept_key_change(): a KEY_ENROLL or KEY_REVOKE may change the
 *     keyring (then keyring_stage() applies it, effective from the next
 *     entry).
 *
 * Thread safety: the functions only read their arguments.
 */
#ifndef LIUHEN_ACCEPT_H
#define LIUHEN_ACCEPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "entry.h"
#include "keyring.h"
#include "liuhen.pb-c.h"

/** Room for one sentence of a verdict, with its NUL. */
#define ACCEPT_TEXT_MAX 512

/** Why an entry is refused; ACCEPT_OK when it is not. */
typedef enum accept_reason {
    ACCEPT_OK = 0,
    ACCEPT_ORIGIN,              /**< another log's entry */
    ACCEPT_GENESIS_AUTHOR,      /**< entry 0 not authored by the log key */
    ACCEPT_GENESIS_KIND,        /**< entry 0 not a KEY_ENROLL */
    ACCEPT_GENESIS_ADMIN,       /**< entry 0 enrols a key without the admin role */
    ACCEPT_LOG_KEY,             /**< the log key authoring anything after entry 0 */
    ACCEPT_UNKNOWN_KEY,         /**< the author's key is not enrolled */
    ACCEPT_REVOKED_KEY,         /**< the author's key is revoked */
    ACCEPT_ROLE,                /**< the author's roles may not append the kind */
    ACCEPT_CORRECTS_MISSING,    /**< a CORRECTION of no earlier entry */
    ACCEPT_CORRECTS_UNREADABLE, /**< a CORRECTION of an entry that does not parse */
    ACCEPT_CORRECTS_OTHER,      /**< a CORRECTION of another author's entry */
    ACCEPT_CORRECTS_CASE,       /**< a CORRECTION in another case than its entry (R11) */
    ACCEPT_AUTHOR_FIRST,        /**< the author's first entry does not have seq 1 */
    ACCEPT_AUTHOR_GAP,          /**< author_seq skips seqs */
    ACCEPT_AUTHOR_FORK,         /**< author_seq used already */
    ACCEPT_AUTHOR_PREV,         /**< author_prev is not the author's head */
    ACCEPT_CASE_OPEN,           /**< a kind that cannot open a case, on an empty case */
    ACCEPT_CASE_PREV_EMPTY,     /**< case_prev set on an empty case */
    ACCEPT_CASE_PREV_ABSENT,    /**< case_prev absent on a case with entries */
    ACCEPT_CASE_PREV,           /**< case_prev is not the case's head */
    ACCEPT_ENROLL_LOG_KEY,      /**< enrolling the log key */
    ACCEPT_ENROLL_REVOKED,      /**< enrolling a revoked key again */
    ACCEPT_LAST_ADMIN,          /**< the last admin revoked or stripped of the admin role */
    ACCEPT_REVOKE_UNKNOWN,      /**< revoking a key never enrolled */
    ACCEPT_REVOKE_AGAIN,        /**< revoking a revoked key */
} accept_reason;

/** A verdict: zero-initialise it, or let a rule fill it. */
typedef struct accept_verdict {
    accept_reason reason;
    /**
     * 0 (accepted) or the code liuhend answers with (wire_err_to_status()):
     * LH_EORIGIN, LH_EUNKNOWNKEY, LH_EREVOKED, LH_EPERM (PERMISSION_DENIED),
     * LH_ECONFLICT (CONFLICT: the heads moved), LH_EFIELD (INVALID_ARGUMENT).
     */
    int code;
    /** The verifier's name of the check: "origin", "key", "role",
     *  "author-chain", "case-chain", or "R11" (a regulation finding). */
    const char *check;
    char zh[ACCEPT_TEXT_MAX];
    char en[ACCEPT_TEXT_MAX];
} accept_verdict;

/** Where an entry is judged. */
typedef struct accept_ctx {
    const uint8_t *log_key; /**< the log's public key, 32 bytes */
    const char *origin;     /**< the log's origin */
    const keyring *keys;    /**< the key history up to this entry */
    uint64_t index;         /**< the entry's index: where it is, or would be, integrated */
    /**
     * How the sentences read: true when the entry is in the log (the
     * verifier: "the entries of seq 4 to 6 are missing"), false when it asks
     * to enter (liuhend: "the next is seq 4").
     */
    bool logged;
} accept_ctx;

/**
 * A chain head: the author's latest entry, or the case's.
 * count is the author's latest author_seq, or the case's number of
 * entries; 0 when there is none (then index and id mean nothing).
 */
typedef struct accept_head {
    uint64_t count;
    uint64_t index;             /**< the head entry's index in the log */
    uint8_t id[ENTRY_ID_BYTES]; /**< its entry id */
} accept_head;

/** What the log holds under the entry id a CORRECTION names. */
typedef struct accept_target {
    bool found;                /**< an earlier entry of this log has that id */
    uint64_t index;            /**< its index */
    const uint8_t *author_key; /**< its author_key (32 bytes); NULL if it does not parse */
    const char *case_id;       /**< its case_id ("" for none) */
} accept_target;

/** 1. The entry's origin is this log's (docs/design.md "Entries"). @return v->code. */
int accept_origin(const accept_ctx *cx, const Liuhen__Entry *e, accept_verdict *v);

/**
 * 2. Who may append (docs/design.md "Kinds and roles"): entry 0 is the KEY_ENROLL of a
 * first admin, authored by the log key, which authors nothing else; every
 * other author is enrolled and not revoked, and its roles allow the kind
 * (kind_allowed(); a CORRECTION's authorship is accept_correction()'s).
 * @return v->code.
 */
int accept_author(const accept_ctx *cx, const Liuhen__Entry *e, accept_verdict *v);

/**
 * 3. A CORRECTION corrects an earlier entry of this log (ACCEPT_CORRECTS_MISSING,
 * _UNREADABLE), "the original author"'s own (ACCEPT_CORRECTS_OTHER,
 * PERMISSION_DENIED, check "role"), in the same case (ACCEPT_CORRECTS_CASE,
 * INVALID_ARGUMENT, check "R11": the verifier reports it among the
 * regulation findings).
 * @param[in] author_key  the CORRECTION's author_key, 32 bytes.
 * @param[in] case_id     its case_id.
 * @param[in] corrects    its correction.corrects, 32 bytes.
 * @param[in] t           what the log holds under that entry id.
 * @return v->code.
 */
int accept_correction(const accept_ctx *cx, const uint8_t author_key[32], const char *case_id,
                      const uint8_t corrects[ENTRY_ID_BYTES], const accept_target *t,
                      accept_verdict *v);

/** 4a. author_seq and author_prev continue the author's head. @return v->code. */
int accept_author_chain(const accept_ctx *cx, const Liuhen__Entry *e, const accept_head *h,
                        accept_verdict *v);

/**
 * 4b. case_prev continues the case's head; only the kinds that may open a
 * case start one. Key management belongs to no case and passes.
 * @return v->code.
 */
int accept_case_chain(const accept_ctx *cx, const Liuhen__Entry *e, const accept_head *h,
                      accept_verdict *v);

/**
 * 5. A KEY_ENROLL or KEY_REVOKE may change the keyring: the log key is
 * never enrolled, a revoked key never again, only an enrolled key is
 * revoked and only once, and the last admin is neither revoked nor
 * enrolled again without the admin role. Other kinds pass.
 * @return v->code.
 */
int accept_key_change(const accept_ctx *cx, const Liuhen__Entry *e, accept_verdict *v);

/**
 * Who a key is, for sentences: the holder it is enrolled to, "<origin>
 * (log key)", or the key in base64.
 * @return out.
 */
const char *accept_key_name(const accept_ctx *cx, const uint8_t key[32], char *out, size_t cap);

/** Room accept_key_name() needs. */
#define ACCEPT_NAME_MAX (KEYRING_TEXT_MAX + 300)

#endif
