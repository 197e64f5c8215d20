/*
 * ledger.c — the entries of a tiles log checked as liuhen's ledger
 * (ledger.h; docs/design.md "The verifier", checks 2 to 4).
 *
 * Two stages. A pool of threads, one per online core, unpacks each leaf
 * (Leaf, SignedEntry, Entry: entry_leaf_unpack(), entry_signed_unpack(),
 * validate_entry()) and verifies its signature with the key the entry
 * names (entry_verify()); these need nothing but the leaf, so they run
 * ahead, several bundles at a time. The main thread then takes the bundles
 * in log order and checks what depends on the entries before: the key
 * history (who was enrolled, with which roles, and who revoked, at that
 * index), the author chains and the case chains.
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
 * targets in a second pass over the entry bundles (resolve()): computing
 * each entry's id, looking it up among the targets, unpacking only those
 * that match. Then accept_correction() checks each one against the entry
 * it corrects, and the rules get what R11 needs (rules_correction()).
 *
 * Each verified entry of a case also gets its row in the case timelines
 * (timeline.h) when the report is to have them.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "accept.h"
#include "entry.h"
#include "idtable.h"
#include "keyring.h"
#include "ledger.h"
#include "text.h"
#include "timeline.h"
#include "validate.h"

/* Leaves a worker takes at a time: 16 chunks per full bundle keep both
 * cores busy to the end of a bundle without locking per leaf. */
#define CHUNK 16

/* Room for base64 of a 32-byte key, with its NUL. */
#define B64_32 TEXT_B64_LEN(32)

/* No case: a pending correction's target that is key management or has
 * no case id. */
#define NO_CASE UINT32_MAX

/* What the second pass found of a correction's target. */
enum { T_NONE, T_UNPARSED, T_PARSED, T_VALID };

/* An author and the head of its chain (the key history is the keyring's). */
typedef struct principal {
    uint8_t key[ENTRY_KEY_BYTES];
    accept_head head; /* count: the chain's last author_seq; 0 before any entry */
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

/* What a worker found about one leaf. */
typedef struct leaf_result {
    Liuhen__Entry *entry;       /* owned; NULL when the leaf does not parse */
    int rc;                     /* 0, or the code of the step that failed */
    const char *step;           /* that step: "leaf", "signed entry", "entry" */
    bool sig_ok;                /* the signature verifies with entry->author_key */
    uint8_t id[ENTRY_ID_BYTES]; /* the entry id, once the signed entry unpacks */
    int64_t integrated_at;
    lh_err err;
} leaf_result;

/* One bundle in flight. next_chunk and pending are guarded by the pool's
 * mutex; res[k] is written by the one worker that took leaf k's chunk and
 * read by the main thread once pending is 0. */
typedef struct batch {
    struct batch *next;
    tiles_bundle *b;
    unsigned chunks;
    unsigned next_chunk;
    unsigned pending;
    leaf_result res[TILE_WIDTH];
} batch;

struct ledger {
    ledger_options opts;
    const char *origin; /* the log key's name */
    tiles *tiles;
    report *rep;
    keyring *keys; /* the key history, replayed from entry 0 */

    /* The pool. */
    pthread_mutex_t mu;
    pthread_cond_t work_cv; /* a batch was queued, or stop */
    pthread_cond_t done_cv; /* a batch's last chunk was done */
    pthread_t *threads;
    unsigned nthreads;
    bool stop;
    batch *head, *tail; /* in log order; only the main thread adds and removes */
    unsigned inflight;
    size_t inflight_bytes;

    /* The state replayed from the log. */
    principal *pr;
    size_t npr, cappr;
    idtable prt;
    case_state *cs;
    size_t ncs, capcs;
    idtable cst;
    pending *pd; /* in log order */
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

/* Grow an array of records by one. */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap != 0 ? *cap * 2 : 64;
    if (ncap > SIZE_MAX / size || ncap >= IDTABLE_NONE)
        return LH_ENOMEM;
    void *p = realloc(*arr, ncap * size);
    if (p == NULL)
        return LH_ENOMEM;
    *arr = p;
    *cap = ncap;
    return 0;
}

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
    int rc = grow((void **)&l->pr, &l->cappr, l->npr, sizeof *l->pr);
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
    int rc = grow((void **)&l->cs, &l->capcs, l->ncs, sizeof *l->cs);
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

/* ---- the pool --------------------------------------------------------------- */

/* Everything about one leaf that needs nothing but the leaf. */
static void check_leaf(const tiles_bundle *b, unsigned k, leaf_result *r)
{
    const uint8_t *se, *bytes, *sig;
    size_t se_len, len;
    r->rc = entry_leaf_unpack(b->leaf[k], b->leaf_len[k], &se, &se_len, &r->integrated_at, &r->err);
    if (r->rc != 0) {
        r->step = "leaf";
        return;
    }
    r->rc = entry_signed_unpack(se, se_len, &bytes, &len, &sig, &r->err);
    if (r->rc != 0) {
        r->step = "signed entry";
        return;
    }
    entry_id(bytes, len, r->id);
    /* The origin is compared by the main thread, so that an entry of
     * another log is still parsed and its chains followed. */
    r->rc = validate_entry(bytes, len, NULL, &r->entry, &r->err);
    if (r->rc != 0) {
        r->step = "entry";
        return;
    }
    /* docs/design.md "Entries": signature = Ed25519(author key, "liuhen/entry/v1\n"
     * || entry bytes), over the bytes exactly as signed. */
    r->sig_ok = entry_verify(bytes, len, sig, r->entry->author_key.data) == 0;
}

static void *worker_main(void *arg)
{
    ledger *l = arg;
    pthread_mutex_lock(&l->mu);
    for (;;) {
        batch *bt = NULL;
        for (batch *x = l->head; x != NULL; x = x->next)
            if (x->next_chunk < x->chunks) {
                bt = x;
                break;
            }
        if (bt == NULL) {
            if (l->stop)
                break;
            pthread_cond_wait(&l->work_cv, &l->mu);
            continue;
        }
        unsigned c = bt->next_chunk++;
        pthread_mutex_unlock(&l->mu);
        unsigned from = c * CHUNK, to = from + CHUNK;
        if (to > bt->b->width)
            to = bt->b->width;
        for (unsigned k = from; k < to; k++)
            check_leaf(bt->b, k, &bt->res[k]);
        pthread_mutex_lock(&l->mu);
        if (--bt->pending == 0)
            pthread_cond_broadcast(&l->done_cv);
    }
    pthread_mutex_unlock(&l->mu);
    return NULL;
}

static void batch_free(batch *bt)
{
    if (bt == NULL)
        return;
    for (unsigned k = 0; k < TILE_WIDTH; k++)
        if (bt->res[k].entry != NULL)
            liuhen__entry__free_unpacked(bt->res[k].entry, NULL);
    tiles_bundle_free(bt->b);
    free(bt);
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

/* The author chain (accept_author_chain()). A fork does not move the head:
 * every entry of the other branch is reported, and the entries after the
 * head still check. */
static int check_author_chain(ledger *l, const accept_ctx *cx, const Liuhen__Entry *e, principal *p,
                              const uint8_t id[ENTRY_ID_BYTES], const char *author)
{
    accept_verdict v;
    int rc = 0;
    if (accept_author_chain(cx, e, &p->head, &v) != 0) {
        rc = vfail(l, &v, cx->index, e->case_id, author);
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
        rc = vfail(l, &v, cx->index, e->case_id, author);
    c->head.count++;
    c->head.index = cx->index;
    memcpy(c->head.id, id, ENTRY_ID_BYTES);
    return rc;
}

/* A KEY_ENROLL or KEY_REVOKE that may change the keys (accept_key_change())
 * does, from the next entry; one that may not is the log's failure. */
static int apply_key(ledger *l, const accept_ctx *cx, const Liuhen__Entry *e, int64_t integrated_at,
                     const char *author)
{
    accept_verdict v;
    if (accept_key_change(cx, e, &v) != 0)
        return vfail(l, &v, cx->index, NULL, author);
    int rc = keyring_stage(l->keys, e, cx->index, integrated_at);
    if (rc != 0)
        return lerr(l, rc, "the key table");
    keyring_commit(l->keys);
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
    int rc = grow((void **)&l->pd, &l->cappd, l->npd, sizeof *l->pd);
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

/* What the entry at `index` (entry bytes and signature) is, for the
 * corrections that name it. */
static int describe_target(ledger *l, const uint8_t *bytes, size_t blen, const uint8_t *sig,
                           pending *pd, uint64_t index)
{
    Liuhen__Entry *t = NULL;
    pd->tindex = index;
    pd->tstate = T_UNPARSED;
    int rc = validate_entry(bytes, blen, NULL, &t, NULL);
    if (rc == LH_ENOMEM)
        return rc;
    if (rc != 0)
        return 0;
    pd->tstate =
        strcmp(t->origin, l->origin) == 0 && entry_verify(bytes, blen, sig, t->author_key.data) == 0
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
 * The second pass: every leaf before the last CORRECTION is read again from
 * its bundle and its entry id computed; the first (the earliest) with a
 * CORRECTION's target id before it is that CORRECTION's target. A bundle
 * that cannot be read, and a leaf that does not parse far enough to have
 * an entry id, are skipped, as the stream reported them.
 */
static int find_targets(ledger *l)
{
    size_t n = l->npd;
    uint64_t end = l->pd[n - 1].index;
    qsort(l->pd, n, sizeof *l->pd, by_target);
    int rc = 0;
    for (uint64_t i = 0; i < end && rc == 0;) {
        const uint8_t *leaf;
        size_t len;
        if (tiles_read_leaf(l->tiles, i, &leaf, &len, NULL) != 0) {
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
                rc = describe_target(l, bytes, blen, sig, pd, i);
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
    return vfail(l, &v, pd->index, case_id, pd->author);
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
static int process_leaf(ledger *l, const tiles_bundle *b, unsigned k, leaf_result *r)
{
    uint64_t index = b->first + k;
    int rc;
    if (r->rc == LH_ENOMEM)
        return lerr(l, r->rc, "parsing an entry");
    if (r->entry == NULL) {
        snprintf(l->zh, sizeof l->zh, "第 %" PRIu64 " 条记录无法解析（%s）：%s", index, r->step,
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
        snprintf(l->zh, sizeof l->zh, "签名无法以其作者密钥 %s（%s）验证：记录被改动或伪造", k64,
                 author);
        snprintf(l->en, sizeof l->en,
                 "its signature does not verify with its author_key %s (%s): the entry was "
                 "altered or forged",
                 k64, author);
        if ((rc = lfail(l, "signature", index, e->case_id, author)) != 0)
            return rc;
        valid = false;
    }
    /* Who may append (accept_author()); a CORRECTION's authorship is
     * checked against its target after the stream (resolve()). */
    bool authorized = accept_author(&cx, e, &v) == 0;
    if (!authorized && (rc = vfail(l, &v, index, e->case_id, author)) != 0)
        return rc;
    if ((rc = check_author_chain(l, &cx, e, &l->pr[ai], r->id, author)) != 0 ||
        (rc = check_case_chain(l, &cx, e, r->id, author)) != 0)
        return rc == LH_ENOMEM ? lerr(l, rc, "the chain tables") : rc;
    /* A key entry that is forged, of another log or unauthorized changes
     * nothing: the keys of the entries after it are those of the log. */
    bool key_kind =
        e->kind == LIUHEN__KIND__KIND_KEY_ENROLL || e->kind == LIUHEN__KIND__KIND_KEY_REVOKE;
    if (key_kind && valid && authorized &&
        (rc = apply_key(l, &cx, e, r->integrated_at, author)) != 0)
        return rc;

    /* R11 is decided for what rules_observe() takes as a case's entry. */
    bool correction = e->kind == LIUHEN__KIND__KIND_CORRECTION;
    bool check_own = correction && authorized;
    bool observed = valid && l->opts.rules != NULL && correction && e->case_id[0] != '\0';
    if ((check_own || observed) &&
        (rc = pending_add(l, index, e, ai, author, check_own, observed)) != 0)
        return rc;
    if (valid) {
        l->st.entries++;
        if (l->opts.rules != NULL) {
            rules_entry re = {.index = index,
                              .entry_id = r->id,
                              .integrated_at = r->integrated_at,
                              .entry = e,
                              .author = author,
                              .author_roles = roles};
            if ((rc = rules_observe(l->opts.rules, &re, l->rep)) != 0)
                return lerr(l, rc, "the rules");
        }
    }
    if (l->opts.timeline && e->case_id[0] != '\0' &&
        (rc = timeline_add(l->rep, index, r->integrated_at, e, author)) != 0)
        return lerr(l, rc, "the timeline");
    return 0;
}

/* Wait for the oldest bundle in flight and check it in log order. */
static int drain_one(ledger *l)
{
    pthread_mutex_lock(&l->mu);
    batch *bt = l->head;
    while (bt->pending > 0)
        pthread_cond_wait(&l->done_cv, &l->mu);
    l->head = bt->next;
    if (l->head == NULL)
        l->tail = NULL;
    pthread_mutex_unlock(&l->mu);
    l->inflight--;
    l->inflight_bytes -= bt->b->len;
    int rc = 0;
    for (unsigned k = 0; k < bt->b->width && rc == 0; k++)
        rc = process_leaf(l, bt->b, k, &bt->res[k]);
    batch_free(bt);
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

    unsigned n = opts->threads;
    if (n == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        n = cores > 0 ? (unsigned)(cores < 256 ? cores : 256) : 1;
    }
    l->threads = calloc(n, sizeof *l->threads);
    if (l->threads == NULL) {
        keyring_free(l->keys);
        free(l);
        return lh_err_set(err, LH_ENOMEM, "ledger: out of memory");
    }
    int rc = pthread_mutex_init(&l->mu, NULL);
    if (rc == 0 && (rc = pthread_cond_init(&l->work_cv, NULL)) != 0)
        pthread_mutex_destroy(&l->mu);
    if (rc == 0 && (rc = pthread_cond_init(&l->done_cv, NULL)) != 0) {
        pthread_cond_destroy(&l->work_cv);
        pthread_mutex_destroy(&l->mu);
    }
    if (rc != 0) {
        free(l->threads);
        keyring_free(l->keys);
        free(l);
        return lh_err_set(err, -rc, "ledger: cannot make the pool's lock: %s", strerror(rc));
    }
    /* entry_verify() uses about 64 KiB of stack (entry.h): give each
     * worker room for it and for validate_entry()'s descent. */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 1024 * 1024);
    for (unsigned i = 0; i < n; i++) {
        rc = pthread_create(&l->threads[i], &attr, worker_main, l);
        if (rc != 0)
            break;
        l->nthreads++;
    }
    pthread_attr_destroy(&attr);
    if (l->nthreads == 0) {
        ledger_free(l);
        return lh_err_set(err, -rc, "ledger: cannot start a signature thread: %s", strerror(rc));
    }
    *out = l;
    return 0;
}

void ledger_free(ledger *l)
{
    if (l == NULL)
        return;
    pthread_mutex_lock(&l->mu);
    l->stop = true;
    pthread_cond_broadcast(&l->work_cv);
    pthread_mutex_unlock(&l->mu);
    for (unsigned i = 0; i < l->nthreads; i++)
        pthread_join(l->threads[i], NULL);
    /* With every worker gone, the bundles still queued (after an error)
     * are the main thread's to free. */
    while (l->head != NULL) {
        batch *bt = l->head;
        l->head = bt->next;
        batch_free(bt);
    }
    pthread_cond_destroy(&l->done_cv);
    pthread_cond_destroy(&l->work_cv);
    pthread_mutex_destroy(&l->mu);
    free(l->threads);
    keyring_free(l->keys);
    free(l->pr);
    idtable_free(&l->prt);
    for (size_t i = 0; i < l->ncs; i++)
        free(l->cs[i].id);
    free(l->cs);
    idtable_free(&l->cst);
    for (size_t i = 0; i < l->npd; i++)
        free(l->pd[i].author);
    free(l->pd);
    free(l);
}

int ledger_sink(void *ctx, tiles_bundle *b)
{
    ledger *l = ctx;
    batch *bt = calloc(1, sizeof *bt);
    if (bt == NULL) {
        tiles_bundle_free(b);
        return lerr(l, LH_ENOMEM, "queuing a bundle");
    }
    bt->b = b;
    bt->chunks = (b->width + CHUNK - 1) / CHUNK;
    bt->pending = bt->chunks;
    pthread_mutex_lock(&l->mu);
    if (l->tail != NULL)
        l->tail->next = bt;
    else
        l->head = bt;
    l->tail = bt;
    pthread_cond_broadcast(&l->work_cv);
    pthread_mutex_unlock(&l->mu);
    l->inflight++;
    l->inflight_bytes += b->len;
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
