/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * ledger.c — the entries of a tiles log checked as liuhen's ledger
 * (ledger.h; docs/design.md "The verifier", checks 2 to 4).
 *
 * Two stages. A pool of threads, one per online core (pool.h), unpacks
 * each leaf (Leaf, SignedEntry, Entry), validates it, computes its entry id
 * and verifies its signature with the key the entry names; these need
 * nothing but the leaf, so they run ahead, several bundles at a time. The
 * main thread then takes the bundles in log order and checks what depends
 * on the entries before: the key history (who was enrolled, with which
 * roles, and who revoked, at that index), the author chains and the case
 * chains.
 *
 * The rules an entry must meet to be in the log are accept.h's, the very
 * code liuhend's writer applies, over the keyring (keyring.h) replayed here
 * from entry 0 and the chain heads kept here: an entry the daemon would
 * have refused is a failure of the log.
 *
 * A CORRECTION names the entry it corrects by its entry id, the one
 * reference that would need an index of every entry. Instead each
 * CORRECTION is remembered (its index, case, author and target), at most
 * LEDGER_CORRECTIONS_BYTES of them, and ledger_finish() finds their
 * targets after the stream (resolve()). The stream keeps, per entry, 30
 * bits of its entry id and what the pool found of it (the seen table), so
 * that only the few entries whose fingerprint is that of a target are read
 * again from their bundles, hashed and compared in full, and none has its
 * signature verified twice; past the table's bound, every entry is read
 * again and hashed. Then accept_correction() checks each one against the
 * entry it corrects, and the rules get what R11 needs (rules_correction()).
 *
 * Each verified entry of a case also gets its row in the case timelines
 * (timeline.h) when the report is to have them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "accept.h"
#include "entry.h"
#include "grow.h"
#include "idtable.h"
#include "keyring.h"
#include "ledger.h"
#include "pool.h"
#include "text.h"
#include "timeline.h"
#include "validate.h"

/* Room for base64 of a 32-byte key, with its NUL. */
#define B64_32 TEXT_B64_LEN(32)

/* No case: a pending correction's target that is key management or has
 * no case id. */
#define NO_CASE UINT32_MAX

/* What the second pass found of a correction's target; in the seen table,
 * what the stream found of an entry (T_NONE: no entry id). */
enum { T_NONE, T_UNPARSED, T_PARSED, T_VALID };

/* The seen table, in blocks allocated as the stream reaches them. Per
 * entry: its entry id's first 30 bits (big-endian, so that entry ids sorted
 * by memcmp() are sorted by fingerprint too) over its T_ state; and its
 * leaf's length, from which the leaf's place in its bundle follows, so that
 * it can be read again alone (tiles_read_leaf_at()). A block holds whole
 * bundles. */
#define SEEN_BLOCK 65536u
typedef struct seen_block {
    uint32_t fp[SEEN_BLOCK];
    uint16_t len[SEEN_BLOCK];
} seen_block;
#define SEEN_BLOCKS (LEDGER_SEEN_BYTES / sizeof(seen_block))
#define SEEN_MAX    ((uint64_t)SEEN_BLOCKS * SEEN_BLOCK)

/* An author and the head of its chain (the key history is the keyring's). */
typedef struct principal {
    uint8_t key[ENTRY_KEY_BYTES];
    accept_head head; /* count: the chain's last author_seq; 0 before any entry */
    /* The last KEY_ENROLL of this key that was not applied (altered,
     * forged, of another log, unauthorized): its entries refused for want
     * of that enrolment follow from it (cause.h). */
    bool enrol_refused;
    uint64_t enrol_refused_at;
} principal;

/* A case and the head of its chain. */
typedef struct case_state {
    char *id; /* owned */
    accept_head head;
} case_state;

/* A CORRECTION whose target the second pass finds (resolve()). */
typedef struct pending {
    uint64_t index;                   /* the CORRECTION's */
    uint64_t tindex;                  /* its target's, when found */
    uint8_t corrects[ENTRY_ID_BYTES]; /* the target's entry id */
    uint8_t tkey[ENTRY_KEY_BYTES];    /* the target's author key, when parsed */
    uint32_t case_no;                 /* the CORRECTION's case, or NO_CASE */
    uint32_t ai;                      /* its author */
    uint32_t tcase;                   /* the target's case, or NO_CASE */
    char *author;                     /* its author's name at index; owned */
    uint8_t tstate;                   /* T_NONE... */
    bool role;                        /* its author is to be checked against the target's */
    bool observed;                    /* given to the rules: R11 is to be decided */
} pending;

struct ledger {
    ledger_options opts;
    const char *origin; /* the log key's name */
    tiles *tiles;
    report *rep;
    keyring *keys; /* the key history, replayed from entry 0 */

    pool *pool;
    unsigned inflight; /* bundles queued to the pool */
    size_t inflight_bytes;

    /* The state replayed from the log. */
    principal *pr;
    size_t npr, cappr;
    idtable prt;
    case_state *cs;
    size_t ncs, capcs;
    idtable cst;
    seen_block *seen[SEEN_BLOCKS]; /* the seen table; NULL before the stream reaches a block */
    pending *pd;                   /* in log order */
    size_t npd, cappd;
    size_t pd_bytes; /* what pd and its names take, as counted against the bound */

    ledger_stats st;
    char errmsg[LH_ERR_MSG_MAX];
    char zh[1024], en[1024]; /* the sentences of the failure being reported */
};

/* The context of the acceptance rules for the entry at index. */
static accept_ctx ctx_at(const ledger *l, uint64_t index)
{
    return (accept_ctx){.log_key = l->opts.log_key->pubkey,
                        .origin = l->origin,
                        .keys = l->keys,
                        .index = index,
                        .logged = true};
}

/* ---- small helpers ------------------------------------------------------ */

/* Report a failure whose sentences are in l->zh and l->en. */
static int lfail(ledger *l, const char *check, uint64_t index, const char *case_id,
                 const char *author)
{
    report_item it = {.cls = REPORT_FAILURE,
                      .check = check,
                      .index = index,
                      .case_id = case_id != NULL && case_id[0] != '\0' ? case_id : NULL,
                      .author = author,
                      .zh = l->zh,
                      .en = l->en};
    l->st.failures++;
    return report_add(l->rep, &it);
}

/* Keep the detail of an error for ledger_error(). */
static int lerr(ledger *l, int rc, const char *what)
{
    snprintf(l->errmsg, sizeof l->errmsg, "%s: %s", what, lh_strerror(rc));
    return rc;
}

/* ---- tables --------------------------------------------------------------- */

/* The arrays of records grow from 64 by doubling (grow.h), to at most
 * IDTABLE_NONE records: a record's number is its id in an idtable. */

static bool principal_matches(const void *ctx, uint32_t id, const void *key)
{
    const principal *pr = ctx;
    return memcmp(pr[id].key, key, ENTRY_KEY_BYTES) == 0;
}

static bool case_matches(const void *ctx, uint32_t id, const void *key)
{
    const case_state *cs = ctx;
    return strcmp(cs[id].id, key) == 0;
}

/* The record of an author, added when new. */
static int principal_get(ledger *l, const uint8_t key[ENTRY_KEY_BYTES], uint32_t *id)
{
    uint64_t h = idtable_hash(&l->prt, key, ENTRY_KEY_BYTES);
    *id = idtable_find(&l->prt, h, principal_matches, l->pr, key);
    if (*id != IDTABLE_NONE)
        return 0;
    int rc = grow_room(&l->pr, &l->cappr, l->npr + 1, sizeof *l->pr, 64, IDTABLE_NONE);
    if (rc == 0)
        rc = idtable_add(&l->prt, h, (uint32_t)l->npr);
    if (rc != 0)
        return rc;
    principal *p = &l->pr[l->npr];
    memset(p, 0, sizeof *p);
    memcpy(p->key, key, ENTRY_KEY_BYTES);
    *id = (uint32_t)l->npr++;
    return 0;
}

/* The record of a case, added when new. */
static int case_get(ledger *l, const char *case_id, uint32_t *id)
{
    uint64_t h = idtable_hash(&l->cst, case_id, strlen(case_id));
    *id = idtable_find(&l->cst, h, case_matches, l->cs, case_id);
    if (*id != IDTABLE_NONE)
        return 0;
    int rc = grow_room(&l->cs, &l->capcs, l->ncs + 1, sizeof *l->cs, 64, IDTABLE_NONE);
    if (rc != 0)
        return rc;
    case_state *c = &l->cs[l->ncs];
    memset(c, 0, sizeof *c);
    if ((c->id = strdup(case_id)) == NULL)
        return LH_ENOMEM;
    if ((rc = idtable_add(&l->cst, h, (uint32_t)l->ncs)) != 0) {
        free(c->id);
        return rc;
    }
    *id = (uint32_t)l->ncs++;
    return 0;
}

/* The fingerprint of an entry id in the seen table: its first 30 bits. */
static uint32_t seen_fp(const uint8_t id[ENTRY_ID_BYTES])
{
    return ((uint32_t)id[0] << 22 | (uint32_t)id[1] << 14 | (uint32_t)id[2] << 6 | id[3] >> 2);
}

/* Note what the stream found of the leaf at index: its length, and its
 * entry id and state, or id NULL and T_NONE when it has no entry id.
 * Beyond SEEN_MAX nothing is kept. */
static int seen_put(ledger *l, uint64_t index, size_t leaf_len, const uint8_t *id, unsigned state)
{
    if (index >= SEEN_MAX)
        return 0;
    seen_block **blk = &l->seen[index / SEEN_BLOCK];
    if (*blk == NULL && (*blk = calloc(1, sizeof **blk)) == NULL)
        return LH_ENOMEM;
    size_t k = index % SEEN_BLOCK;
    (*blk)->fp[k] = id != NULL ? seen_fp(id) << 2 | state : T_NONE;
    (*blk)->len[k] = (uint16_t)leaf_len; /* a leaf of a bundle: at most TILE_ENTRY_MAX */
    return 0;
}

/* What the stream found of the entry at index (below SEEN_MAX). */
static uint32_t seen_get(const ledger *l, uint64_t index)
{
    const seen_block *blk = l->seen[index / SEEN_BLOCK];
    return blk != NULL ? blk->fp[index % SEEN_BLOCK] : T_NONE;
}

/* Where the leaf at index (below SEEN_MAX, of a bundle the stream read)
 * lies in its bundle: after the leaves before it, each with its two-byte
 * length. */
static void seen_where(const ledger *l, uint64_t index, uint64_t *offset, size_t *len)
{
    const seen_block *blk = l->seen[index / SEEN_BLOCK];
    size_t k = index % SEEN_BLOCK, first = k - index % TILE_WIDTH;
    uint64_t off = 0;
    for (size_t j = first; j < k; j++)
        off += 2 + (uint64_t)blk->len[j];
    *offset = off;
    *len = blk->len[k];
}

/* ---- the checks in log order ------------------------------------------------ */

/* Report a verdict of accept.h as a failure of the log. */
static int vfail(ledger *l, const accept_verdict *v, uint64_t index, const char *case_id,
                 const char *author)
{
    snprintf(l->zh, sizeof l->zh, "%s", v->zh);
    snprintf(l->en, sizeof l->en, "%s", v->en);
    return lfail(l, v->check, index, case_id, author);
}

/* Report a verdict whose check also depends on the entries first..last,
 * those whose alteration would explain it (cause.h). */
static int vfail_on(ledger *l, const accept_verdict *v, uint64_t index, const char *case_id,
                    const char *author, uint64_t first, uint64_t last)
{
    snprintf(l->zh, sizeof l->zh, "%s", v->zh);
    snprintf(l->en, sizeof l->en, "%s", v->en);
    report_item it = {.cls = REPORT_FAILURE,
                      .check = v->check,
                      .index = index,
                      .case_id = case_id != NULL && case_id[0] != '\0' ? case_id : NULL,
                      .author = author,
                      .zh = l->zh,
                      .en = l->en,
                      .has_span = first <= last,
                      .span_first = first,
                      .span_last = last};
    l->st.failures++;
    return report_add(l->rep, &it);
}

/* Report a chain's (or a CORRECTION's) verdict: the entries from the
 * chain's head (from the start of the log when it has none) to this one
 * depend on it. */
static int chain_fail(ledger *l, const accept_verdict *v, const accept_head *h, uint64_t index,
                      const char *case_id, const char *author)
{
    uint64_t first = h->count != 0 ? h->index : 0;
    if (index == 0 || first >= index)
        return vfail_on(l, v, index, case_id, author, 1, 0);
    return vfail_on(l, v, index, case_id, author, first, index - 1);
}

/* The author chain (accept_author_chain()). A fork does not move the head:
 * every entry of the other branch is reported, and the entries after the
 * head still check. */
static int check_author_chain(ledger *l, const accept_ctx *cx, const Liuhen__Entry *e, principal *p,
                              const uint8_t id[ENTRY_ID_BYTES], const char *author)
{
    accept_verdict v;
    int rc = 0;
    if (accept_author_chain(cx, e, &p->head, &v) != 0) {
        rc = chain_fail(l, &v, &p->head, cx->index, e->case_id, author);
        if (v.reason == ACCEPT_AUTHOR_FORK)
            return rc;
    }
    p->head.count = e->author_seq;
    p->head.index = cx->index;
    memcpy(p->head.id, id, ENTRY_ID_BYTES);
    return rc;
}

/* The case chain (accept_case_chain()); key management belongs to no case. */
static int check_case_chain(ledger *l, const accept_ctx *cx, const Liuhen__Entry *e,
                            const uint8_t id[ENTRY_ID_BYTES], const char *author)
{
    if (e->case_id[0] == '\0')
        return 0;
    uint32_t ci;
    int rc = case_get(l, e->case_id, &ci);
    if (rc != 0)
        return rc;
    case_state *c = &l->cs[ci];
    accept_verdict v;
    if (accept_case_chain(cx, e, &c->head, &v) != 0)
        rc = chain_fail(l, &v, &c->head, cx->index, e->case_id, author);
    c->head.count++;
    c->head.index = cx->index;
    memcpy(c->head.id, id, ENTRY_ID_BYTES);
    return rc;
}

/* A KEY_ENROLL or KEY_REVOKE that may change the keys (accept_key_change())
 * does, from the next entry (*applied); one that may not is the log's
 * failure. */
static int apply_key(ledger *l, const accept_ctx *cx, const Liuhen__Entry *e, int64_t integrated_at,
                     const char *author, bool *applied)
{
    accept_verdict v;
    *applied = false;
    if (accept_key_change(cx, e, &v) != 0)
        return vfail(l, &v, cx->index, NULL, author);
    int rc = keyring_stage(l->keys, e, cx->index, integrated_at);
    if (rc != 0)
        return lerr(l, rc, "the key table");
    keyring_commit(l->keys);
    *applied = true;
    return 0;
}

/* ---- corrections ---------------------------------------------------------- */

/* Remember a CORRECTION for resolve(), within LEDGER_CORRECTIONS_BYTES. */
static int pending_add(ledger *l, uint64_t index, const Liuhen__Entry *e, uint32_t ai,
                       const char *author, bool role, bool observed)
{
    size_t alen = strlen(author);
    size_t need = sizeof(pending) + alen + 1;
    if (need > LEDGER_CORRECTIONS_BYTES - l->pd_bytes) {
        snprintf(l->errmsg, sizeof l->errmsg,
                 "entry %" PRIu64 ": more CORRECTIONs than this verifier keeps to find what they "
                 "correct (%zu so far, %u MiB); check such a log with --integrity-only",
                 index, l->npd, LEDGER_CORRECTIONS_BYTES >> 20);
        return LH_ERANGE;
    }
    int rc = grow_room(&l->pd, &l->cappd, l->npd + 1, sizeof *l->pd, 64, IDTABLE_NONE);
    uint32_t ci = NO_CASE;
    if (rc == 0 && e->case_id[0] != '\0')
        rc = case_get(l, e->case_id, &ci);
    if (rc != 0)
        return lerr(l, rc, "the corrections");
    pending *pd = &l->pd[l->npd];
    memset(pd, 0, sizeof *pd);
    pd->author = malloc(alen + 1);
    if (pd->author == NULL)
        return lerr(l, LH_ENOMEM, "the corrections");
    memcpy(pd->author, author, alen + 1);
    pd->index = index;
    memcpy(pd->corrects, e->correction->corrects.data, ENTRY_ID_BYTES);
    pd->case_no = ci;
    pd->ai = ai;
    pd->tcase = NO_CASE;
    pd->role = role;
    pd->observed = observed;
    l->npd++;
    l->pd_bytes += need;
    return 0;
}

/* Pending corrections by target, then by index. */
static int by_target(const void *a, const void *b)
{
    const pending *x = a, *y = b;
    int c = memcmp(x->corrects, y->corrects, ENTRY_ID_BYTES);
    if (c != 0)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Pending corrections in log order. */
static int by_index(const void *a, const void *b)
{
    const pending *x = a, *y = b;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The first pending correction whose target is id, or l->npd. */
static size_t first_of(const ledger *l, const uint8_t id[ENTRY_ID_BYTES])
{
    size_t lo = 0, hi = l->npd;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (memcmp(l->pd[mid].corrects, id, ENTRY_ID_BYTES) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Whether a pending correction (sorted by target) names an entry id of
 * this fingerprint. */
static bool fp_wanted(const ledger *l, uint32_t fp)
{
    size_t lo = 0, hi = l->npd;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (seen_fp(l->pd[mid].corrects) < fp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < l->npd && seen_fp(l->pd[lo].corrects) == fp;
}

/* What the entry at `index` (entry bytes and signature) is, for the
 * corrections that name it. seen is what the stream found of it (the seen
 * table), or T_NONE beyond the table: then its origin and signature are
 * checked here. */
static int describe_target(ledger *l, const uint8_t *bytes, size_t blen, const uint8_t *sig,
                           pending *pd, uint64_t index, unsigned seen)
{
    Liuhen__Entry *t = NULL;
    pd->tindex = index;
    pd->tstate = T_UNPARSED;
    if (seen == T_UNPARSED)
        return 0;
    int rc = validate_entry(bytes, blen, NULL, &t, NULL);
    if (rc == LH_ENOMEM)
        return rc;
    if (rc != 0)
        return 0;
    if (seen != T_NONE)
        pd->tstate = (uint8_t)seen;
    else
        pd->tstate = strcmp(t->origin, l->origin) == 0 &&
                             entry_verify(bytes, blen, sig, t->author_key.data) == 0
                         ? T_VALID
                         : T_PARSED;
    memcpy(pd->tkey, t->author_key.data, ENTRY_KEY_BYTES);
    bool key_kind =
        t->kind == LIUHEN__KIND__KIND_KEY_ENROLL || t->kind == LIUHEN__KIND__KIND_KEY_REVOKE;
    rc = 0;
    if (!key_kind && t->case_id[0] != '\0')
        rc = case_get(l, t->case_id, &pd->tcase);
    liuhen__entry__free_unpacked(t, NULL);
    return rc;
}

/*
 * The second pass: every leaf before the last CORRECTION whose fingerprint
 * in the seen table is a target's (or, beyond the table, every leaf) is
 * read again from its bundle and its entry id computed; the first (the
 * earliest) with a CORRECTION's target id before it is that CORRECTION's
 * target. A bundle that cannot be read, and a leaf that does not parse far
 * enough to have an entry id, are skipped, as the stream reported them
 * (and left T_NONE in the seen table).
 */
static int find_targets(ledger *l)
{
    size_t n = l->npd;
    uint64_t end = l->pd[n - 1].index;
    qsort(l->pd, n, sizeof *l->pd, by_target);
    int rc = 0;
    for (uint64_t i = 0; i < end && rc == 0;) {
        unsigned seen = T_NONE;
        if (i < SEEN_MAX) {
            uint32_t s = seen_get(l, i);
            seen = s & 3u;
            if (seen == T_NONE || !fp_wanted(l, s >> 2)) {
                i++;
                continue;
            }
        }
        const uint8_t *leaf;
        size_t len;
        if (seen != T_NONE) {
            uint64_t off;
            seen_where(l, i, &off, &len);
            if (tiles_read_leaf_at(l->tiles, i, off, len, &leaf, NULL) != 0) {
                i++;
                continue;
            }
        } else if (tiles_read_leaf(l->tiles, i, &leaf, &len, NULL) != 0) {
            i = (i / TILE_WIDTH + 1) * TILE_WIDTH;
            continue;
        }
        const uint8_t *se, *bytes, *sig;
        size_t se_len, blen;
        int64_t at;
        if (entry_leaf_unpack(leaf, len, &se, &se_len, &at, NULL) != 0 ||
            entry_signed_unpack(se, se_len, &bytes, &blen, &sig, NULL) != 0) {
            i++;
            continue;
        }
        uint8_t id[ENTRY_ID_BYTES];
        entry_id(bytes, blen, id);
        const pending *first = NULL;
        for (size_t j = first_of(l, id);
             j < n && memcmp(l->pd[j].corrects, id, ENTRY_ID_BYTES) == 0; j++) {
            pending *pd = &l->pd[j];
            if (pd->index <= i || pd->tstate != T_NONE)
                continue;
            if (first == NULL) {
                rc = describe_target(l, bytes, blen, sig, pd, i, seen);
                first = pd;
            } else {
                pd->tindex = first->tindex;
                pd->tstate = first->tstate;
                pd->tcase = first->tcase;
                memcpy(pd->tkey, first->tkey, ENTRY_KEY_BYTES);
            }
            if (rc != 0)
                break;
        }
        i++;
    }
    qsort(l->pd, n, sizeof *l->pd, by_index);
    return rc;
}

/* A CORRECTION of an earlier entry, its author's own (accept_correction()).
 * That it stays in its target's case is R11, a regulation finding, which
 * the rules report (rules_correction()). */
static int check_own(ledger *l, const pending *pd)
{
    const char *case_id = pd->case_no != NO_CASE ? l->cs[pd->case_no].id : "";
    accept_target t = {.found = pd->tstate != T_NONE,
                       .index = pd->tindex,
                       .author_key = pd->tstate == T_UNPARSED ? NULL : pd->tkey,
                       .case_id = pd->tcase != NO_CASE ? l->cs[pd->tcase].id : ""};
    accept_ctx cx = ctx_at(l, pd->index);
    accept_verdict v;
    if (accept_correction(&cx, l->pr[pd->ai].key, case_id, pd->corrects, &t, &v) == 0 ||
        v.reason == ACCEPT_CORRECTS_CASE)
        return 0;
    /* Its target, or any earlier entry when the id names none: an earlier
     * entry altered has another id (cause.h). */
    accept_head h = {.count = t.found ? 1 : 0, .index = t.found ? t.index : 0};
    return chain_fail(l, &v, &h, pd->index, case_id, pd->author);
}

/* Find what every CORRECTION names, then check its author and R11, in log
 * order. */
static int resolve(ledger *l)
{
    if (l->npd == 0)
        return 0;
    int rc = find_targets(l);
    if (rc != 0)
        return lerr(l, rc, "finding what the corrections correct");
    for (size_t i = 0; i < l->npd; i++) {
        const pending *pd = &l->pd[i];
        if (pd->role && (rc = check_own(l, pd)) != 0)
            return rc == LH_ENOMEM ? lerr(l, rc, "the author table") : rc;
        if (!pd->observed)
            continue;
        bool found = pd->tstate == T_VALID;
        rules_correction_facts c = {
            .index = pd->index,
            .case_id = pd->case_no != NO_CASE ? l->cs[pd->case_no].id : "",
            .author = pd->author,
            .author_key = l->pr[pd->ai].key,
            .corrects = pd->corrects,
            .found = found,
            .target_case = found && pd->tcase != NO_CASE ? l->cs[pd->tcase].id : NULL,
            .target_key = found ? pd->tkey : NULL,
        };
        if ((rc = rules_correction(l->opts.rules, &c, l->rep)) != 0)
            return lerr(l, rc, "the rules");
    }
    return 0;
}

/* ---- one leaf --------------------------------------------------------------- */

/* Every check of one leaf that depends on the entries before it. */
static int process_leaf(ledger *l, const tiles_bundle *b, unsigned k, const pool_leaf *r)
{
    uint64_t index = b->first + k;
    int rc;
    if (r->rc == LH_ENOMEM)
        return lerr(l, r->rc, "parsing an entry");
    if (r->entry == NULL) {
        if ((rc = seen_put(l, index, b->leaf_len[k], r->has_id ? r->id : NULL,
                           r->has_id ? T_UNPARSED : T_NONE)) != 0)
            return lerr(l, rc, "the seen table");
        snprintf(l->zh, sizeof l->zh, "第%" PRIu64 "号记录无法解析（%s）：%s", index, r->step,
                 r->err.msg);
        snprintf(l->en, sizeof l->en, "entry %" PRIu64 " does not parse (%s): %s", index, r->step,
                 r->err.msg);
        return lfail(l, "parse", index, NULL, NULL);
    }
    const Liuhen__Entry *e = r->entry;
    if (r->integrated_at > l->st.last_integrated_at)
        l->st.last_integrated_at = r->integrated_at;
    accept_ctx cx = ctx_at(l, index);
    accept_verdict v;

    uint32_t ai;
    if ((rc = principal_get(l, e->author_key.data, &ai)) != 0)
        return lerr(l, rc, "the author table");
    if (l->pr[ai].head.count == 0)
        l->st.authors++;
    /* The holder's name as it is at this index, before a KEY_ENROLL of
     * the author's own key may replace it below. */
    char author[ACCEPT_NAME_MAX];
    accept_key_name(&cx, e->author_key.data, author, sizeof author);
    const keyring_key *key = keyring_find(l->keys, e->author_key.data);
    uint32_t roles = key != NULL && !key->revoked ? key->roles : 0;
    bool valid = true;

    /* docs/design.md "The verifier", check 3: origin matches. */
    if (accept_origin(&cx, e, &v) != 0) {
        if ((rc = vfail(l, &v, index, e->case_id, author)) != 0)
            return rc;
        valid = false;
    }
    if (!r->sig_ok) {
        char k64[B64_32];
        text_b64_encode(k64, e->author_key.data, ENTRY_KEY_BYTES);
        snprintf(l->zh, sizeof l->zh, "签名无法以其记录人公钥 %s（%s）验证：记录被改动或伪造", k64,
                 author);
        snprintf(l->en, sizeof l->en,
                 "its signature does not verify with its author_key %s (%s): the entry was "
                 "altered or forged",
                 k64, author);
        if ((rc = lfail(l, "signature", index, e->case_id, author)) != 0)
            return rc;
        valid = false;
    }
    /* What describe_target() would find of it, should a CORRECTION name it. */
    if ((rc = seen_put(l, index, b->leaf_len[k], r->id, valid ? T_VALID : T_PARSED)) != 0)
        return lerr(l, rc, "the seen table");
    /* Who may append (accept_author()); a CORRECTION's authorship is
     * checked against its target after the stream (resolve()). */
    bool authorized = accept_author(&cx, e, &v) == 0;
    if (!authorized) {
        /* Refused for want of an enrolment the log holds but that was not
         * applied: that entry's failure explains this one. */
        const principal *p = &l->pr[ai];
        bool follows =
            (v.reason == ACCEPT_UNKNOWN_KEY || v.reason == ACCEPT_ROLE) && p->enrol_refused;
        rc = follows ? vfail_on(l, &v, index, e->case_id, author, p->enrol_refused_at,
                                p->enrol_refused_at)
                     : vfail(l, &v, index, e->case_id, author);
        if (rc != 0)
            return rc;
    }
    if ((rc = check_author_chain(l, &cx, e, &l->pr[ai], r->id, author)) != 0 ||
        (rc = check_case_chain(l, &cx, e, r->id, author)) != 0)
        return rc == LH_ENOMEM ? lerr(l, rc, "the chain tables") : rc;
    /* A key entry that is forged, of another log or unauthorized changes
     * nothing: the keys of the entries after it are those of the log. */
    bool key_kind =
        e->kind == LIUHEN__KIND__KIND_KEY_ENROLL || e->kind == LIUHEN__KIND__KIND_KEY_REVOKE;
    bool applied = false;
    if (key_kind && valid && authorized &&
        (rc = apply_key(l, &cx, e, r->integrated_at, author, &applied)) != 0)
        return rc;
    if (e->kind == LIUHEN__KIND__KIND_KEY_ENROLL && e->key_enroll != NULL &&
        e->key_enroll->public_key.len == ENTRY_KEY_BYTES) {
        /* An enrolment the log holds but that changed nothing: what the
         * key's entries lack after it follows from its failure. */
        uint32_t ki;
        if ((rc = principal_get(l, e->key_enroll->public_key.data, &ki)) != 0)
            return lerr(l, rc, "the author table");
        l->pr[ki].enrol_refused = !applied;
        l->pr[ki].enrol_refused_at = index;
    }

    /* R11 is decided for what rules_observe() takes as a case's entry. */
    bool correction = e->kind == LIUHEN__KIND__KIND_CORRECTION;
    bool check_own = correction && authorized;
    bool observed = valid && l->opts.rules != NULL && correction && e->case_id[0] != '\0';
    if ((check_own || observed) &&
        (rc = pending_add(l, index, e, ai, author, check_own, observed)) != 0)
        return rc;
    if (valid) {
        l->st.entries++;
        rules_entry re = {.index = index,
                          .entry_id = r->id,
                          .integrated_at = r->integrated_at,
                          .entry = e,
                          .author = author,
                          .author_roles = roles,
                          .author_unit = key != NULL ? key->unit : ""};
        if (l->opts.rules != NULL && (rc = rules_observe(l->opts.rules, &re, l->rep)) != 0)
            return lerr(l, rc, "the rules");
        if (l->opts.matters != NULL && (rc = matters_observe(l->opts.matters, &re)) != 0)
            return lerr(l, rc, "the registers");
    }
    if (l->opts.timeline && e->case_id[0] != '\0' &&
        (rc = timeline_add(l->rep, index, r->integrated_at, e, author)) != 0)
        return lerr(l, rc, "the timeline");
    if (l->opts.on_entry != NULL && e->case_id[0] != '\0') {
        ledger_entry le = {.index = index,
                           .integrated_at = r->integrated_at,
                           .entry = e,
                           .entry_id = r->id,
                           .leaf_hash = b->hash[k],
                           .key = key_kind ? keyring_find(l->keys, e->author_key.data) : key,
                           .author = author,
                           .valid = valid};
        if ((rc = l->opts.on_entry(l->opts.on_entry_ctx, &le)) != 0)
            return lerr(l, rc, "the case file");
    }
    return 0;
}

/* Wait for the oldest bundle in flight and check it in log order. */
static int drain_one(ledger *l)
{
    const tiles_bundle *b;
    pool_leaf *res;
    pool_batch *bt = pool_take(l->pool, &b, &res);
    l->inflight--;
    l->inflight_bytes -= b->len;
    int rc = 0;
    for (unsigned k = 0; k < b->width && rc == 0; k++)
        rc = process_leaf(l, b, k, &res[k]);
    pool_done(l->pool, bt);
    return rc;
}

/* ---- the public functions ------------------------------------------------------ */

int ledger_new(const ledger_options *opts, tiles *t, report *rep, ledger **out, lh_err *err)
{
    *out = NULL;
    ledger *l = calloc(1, sizeof *l);
    if (l == NULL)
        return lh_err_set(err, LH_ENOMEM, "ledger: out of memory");
    l->opts = *opts;
    l->origin = opts->log_key->name;
    l->tiles = t;
    l->rep = rep;
    idtable_init(&l->prt);
    idtable_init(&l->cst);
    int krc = keyring_new(&l->keys);
    if (krc != 0) {
        free(l);
        return lh_err_set(err, krc, "ledger: cannot make the keyring: %s", lh_strerror(krc));
    }

    int rc = pool_new(opts->threads, &l->pool, err);
    if (rc != 0) {
        keyring_free(l->keys);
        free(l);
        return rc;
    }
    *out = l;
    return 0;
}

void ledger_free(ledger *l)
{
    if (l == NULL)
        return;
    pool_free(l->pool);
    keyring_free(l->keys);
    free(l->pr);
    idtable_free(&l->prt);
    for (size_t i = 0; i < l->ncs; i++)
        free(l->cs[i].id);
    free(l->cs);
    idtable_free(&l->cst);
    for (size_t i = 0; i < SEEN_BLOCKS; i++)
        free(l->seen[i]);
    for (size_t i = 0; i < l->npd; i++)
        free(l->pd[i].author);
    free(l->pd);
    free(l);
}

int ledger_sink(void *ctx, tiles_bundle *b)
{
    ledger *l = ctx;
    size_t len = b->len;
    if (pool_push(l->pool, b) != 0)
        return lerr(l, LH_ENOMEM, "queuing a bundle");
    l->inflight++;
    l->inflight_bytes += len;
    while (l->inflight > LEDGER_INFLIGHT ||
           (l->inflight > 1 && l->inflight_bytes > LEDGER_INFLIGHT_BYTES)) {
        int rc = drain_one(l);
        if (rc != 0)
            return rc;
    }
    return 0;
}

const char *ledger_error(const ledger *l)
{
    return l->errmsg;
}

int ledger_finish(ledger *l, lh_err *err)
{
    while (l->inflight > 0) {
        int rc = drain_one(l);
        if (rc != 0)
            return lh_err_set(err, rc, "%s", l->errmsg[0] != '\0' ? l->errmsg : lh_strerror(rc));
    }
    int rc = resolve(l);
    if (rc != 0)
        return lh_err_set(err, rc, "%s", l->errmsg[0] != '\0' ? l->errmsg : lh_strerror(rc));
    return 0;
}

void ledger_get_stats(const ledger *l, ledger_stats *out)
{
    *out = l->st;
    out->cases = l->ncs;
    out->keys = keyring_count(l->keys);
}
