/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * rules_people.c — R12, R13 and R17: the rules about people across a log
 * (rules_people.h).
 *
 * Tables (rules_table.h), each keyed by a person's identity ('k' and the
 * 32-byte key, or 'n' and the name), prefixed by the case id and a NUL
 * where the table is per case:
 *  - notified: per person notified for not recording, the incidents seen
 *    (a second table holds person + incident id, to count each once);
 *  - conflicts: per case and person, why they may not take part (R13);
 *  - recorders: per author who recorded an interference, when last (R17);
 *  - instigators: per leader said to have told a handler not to record,
 *    where, and whether held to account (R12).
 */
#include "rules_people.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "entry.h"
#include "role.h"
#include "rules_table.h"

/* R17: a revocation this soon after the holder recorded an interference is
 * reported (B§9 protects a recorder from removal without lawful ground). */
#define R17_WINDOW_MS (365 * CALENDAR_DAY_MS)

/* Room for a table key: a case id, a NUL, a type byte and a name or key. */
#define KEY_ROOM (ENTRY_CASE_ID_MAX + 2 + ENTRY_SHORT_TEXT_MAX)

typedef struct notified {
    rtable_key key;
    uint32_t incidents; /* distinct incidents notified so far */
    uint64_t first;     /* index of the first notice */
} notified;

typedef struct conflict {
    rtable_key key;
    uint64_t index;  /* the record that makes them concerned */
    bool complained; /* a complaint is about them (else they interfered) */
} conflict;

typedef struct recorder {
    rtable_key key;
    uint64_t index;   /* their latest interference record */
    int64_t at;       /* its integrated_at */
    const char *name; /* their holder name then, in the table's arena */
} recorder;

/* A recorder's key revoked (R17), reported at the end unless the same
 * holder is enrolled again afterwards (a lost or replaced key). */
typedef struct revocation {
    rtable_key key;          /* the revocation's entry id */
    uint64_t index;          /* the revocation */
    uint64_t recorded_index; /* the interference its holder recorded */
    const char *holder;      /* the recorder's name; in the recorders' arena */
    const char *author;      /* the admin who revoked */
    char key_hex[20];
    bool replaced;
} revocation;

typedef struct instigator {
    rtable_key key;
    const char *name; /* as first named; in the table's arena */
    bool named;       /* name is the person's name (else a short form of the key) */
    uint64_t index;   /* the record naming them */
    const char *case_id;
    const char *author;
    bool accountable; /* a LEADER_INSTIGATED notice or a decision names them */
} instigator;

struct rules_people {
    rtable notified, incidents, conflicts, recorders, instigators, revocations;
};

int rules_people_new(rules_people **out)
{
    rules_people *p = calloc(1, sizeof *p);
    if (p == NULL)
        return LH_ENOMEM;
    rtable_init(&p->notified, sizeof(notified));
    rtable_init(&p->incidents, sizeof(rtable_key));
    rtable_init(&p->conflicts, sizeof(conflict));
    rtable_init(&p->recorders, sizeof(recorder));
    rtable_init(&p->instigators, sizeof(instigator));
    rtable_init(&p->revocations, sizeof(revocation));
    *out = p;
    return 0;
}

void rules_people_free(rules_people *p)
{
    if (p == NULL)
        return;
    rtable_free(&p->notified);
    rtable_free(&p->incidents);
    rtable_free(&p->conflicts);
    rtable_free(&p->recorders);
    rtable_free(&p->instigators);
    rtable_free(&p->revocations);
    free(p);
}

/* ---- identities ------------------------------------------------------------------------------ */

/* A name without the white space around it: [*s, *s + return). */
static size_t trimmed(const char **s)
{
    const char *b = *s != NULL ? *s : "";
    size_t n = strlen(b);
    while (n > 0 && (b[0] == ' ' || b[0] == '\t'))
        b++, n--;
    while (n > 0 && (b[n - 1] == ' ' || b[n - 1] == '\t' || b[n - 1] == '\n' || b[n - 1] == '\r'))
        n--;
    *s = b;
    return n;
}

/* The key of a table: [prefix NUL] type bytes. @return its length, 0 when
 * the identity is empty. */
static size_t ident_key(uint8_t out[KEY_ROOM], const char *prefix, char type, const void *bytes,
                        size_t len)
{
    size_t at = 0;
    if (len == 0)
        return 0;
    if (prefix != NULL) {
        size_t pl = strnlen(prefix, ENTRY_CASE_ID_MAX);
        memcpy(out, prefix, pl);
        out[pl] = '\0';
        at = pl + 1;
    }
    if (len > KEY_ROOM - at - 1)
        len = KEY_ROOM - at - 1;
    out[at++] = (uint8_t)type;
    memcpy(out + at, bytes, len);
    return at + len;
}

/* The two identities of a person a record names: by key, by name. */
typedef struct ident {
    const uint8_t *key; /* 32 bytes, or NULL */
    const char *name;   /* trimmed, not NUL-terminated; NULL when none */
    size_t name_len;
} ident;

static ident person_ident(const Liuhen__Person *p)
{
    ident id = {0};
    if (p == NULL)
        return id;
    if (p->public_key.len == ENTRY_KEY_BYTES)
        id.key = p->public_key.data;
    const char *n = p->name;
    size_t len = trimmed(&n);
    if (len > 0) {
        id.name = n;
        id.name_len = len;
    }
    return id;
}

/* The author of the record: by key and by holder name. */
static ident author_ident(const rules_record *o)
{
    ident id = {.key = o->en->author_key.data};
    const char *n = o->author;
    size_t len = trimmed(&n);
    if (len > 0) {
        id.name = n;
        id.name_len = len;
    }
    return id;
}

/* The record of a table for either identity of a person, NULL if none. */
static void *find_ident(const rtable *t, const char *prefix, const ident *id)
{
    uint8_t k[KEY_ROOM];
    size_t n;
    void *hit = NULL;
    if (id->key != NULL && (n = ident_key(k, prefix, 'k', id->key, ENTRY_KEY_BYTES)) > 0)
        hit = rtable_find(t, k, n);
    if (hit == NULL && id->name != NULL && (n = ident_key(k, prefix, 'n', id->name, id->name_len)))
        hit = rtable_find(t, k, n);
    return hit;
}

/* Who a person is in a sentence: the name, else a short form of the key. */
static const char *who(const ident *id, char buf[ENTRY_SHORT_TEXT_MAX])
{
    if (id->name != NULL) {
        snprintf(buf, ENTRY_SHORT_TEXT_MAX, "%.*s", (int)id->name_len, id->name);
        return buf;
    }
    if (id->key != NULL) {
        finding_hash_short(buf, id->key, ENTRY_KEY_BYTES);
        return buf;
    }
    return "（未写姓名）";
}

/* ---- R13: recusal ---------------------------------------------------------------------------- */

/* Remember that a person is concerned in the case, under each identity. */
static int add_conflict(rules_people *p, const rules_record *o, const ident *id, bool complained)
{
    uint8_t k[KEY_ROOM];
    size_t n;
    for (int pass = 0; pass < 2; pass++) {
        n = pass == 0
                ? (id->key != NULL ? ident_key(k, o->case_id, 'k', id->key, ENTRY_KEY_BYTES) : 0)
                : (id->name != NULL ? ident_key(k, o->case_id, 'n', id->name, id->name_len) : 0);
        if (n == 0)
            continue;
        bool added;
        conflict *c = rtable_get(&p->conflicts, k, n, &added);
        if (c == NULL)
            return LH_ENOMEM;
        if (added) {
            c->index = o->e->index;
            c->complained = complained;
        }
    }
    return 0;
}

/* R13 for one person taking part: a finding when they are concerned. */
static int check_recusal(rules_people *p, const rules_record *o, const ident *id,
                         const char *part_zh, const char *part_en)
{
    const conflict *c = find_ident(&p->conflicts, o->case_id, id);
    if (c == NULL)
        return 0;
    char name[ENTRY_SHORT_TEXT_MAX];
    const char *w = who(id, name);
    finding_text zh, en;
    finding_text_init(&zh);
    finding_text_init(&en);
    finding_printf(&zh, "%s是本案%s（第%" PRIu64 "号记录），应当回避，却%s", w,
                   c->complained ? "被投诉举报的执法人员" : "干预、插手案件办理的人员", c->index,
                   part_zh);
    finding_printf(&en, "%s is %s in this case (entry %" PRIu64 ") and should stand aside, yet %s",
                   w, c->complained ? "the officer complained about" : "the person who interfered",
                   c->index, part_en);
    return rules_record_finding(o, 13, &zh, &en);
}

/* ---- R12: not recording ---------------------------------------------------------------------- */

static bool has_measure(const Liuhen__Notification *nt, Liuhen__Measure m)
{
    for (size_t i = 0; i < nt->n_measures; i++)
        if (nt->measures[i] == m)
            return true;
    return false;
}

/* Count an incident for the person once. @return 1 when new, 0 when seen,
 * LH_ENOMEM (negative) when memory runs out. */
static int count_incident(rules_people *p, const uint8_t *pk, size_t pk_len, const uint8_t *id,
                          size_t id_len)
{
    uint8_t k[KEY_ROOM + ENTRY_HASH_BYTES];
    if (pk_len > KEY_ROOM)
        pk_len = KEY_ROOM;
    if (id_len > ENTRY_HASH_BYTES)
        id_len = ENTRY_HASH_BYTES;
    memcpy(k, pk, pk_len);
    memcpy(k + pk_len, id, id_len);
    bool added;
    if (rtable_get(&p->incidents, k, pk_len + id_len, &added) == NULL)
        return LH_ENOMEM;
    return added ? 1 : 0;
}

/* A leader said to have told a handler not to record (B§12 主管领导授意). */
static int add_instigator(rules_people *p, const rules_record *o, const Liuhen__Person *leader)
{
    ident id = person_ident(leader);
    uint8_t k[KEY_ROOM];
    size_t n = id.key != NULL    ? ident_key(k, NULL, 'k', id.key, ENTRY_KEY_BYTES)
               : id.name != NULL ? ident_key(k, NULL, 'n', id.name, id.name_len)
                                 : 0;
    if (n == 0)
        return 0;
    bool added;
    instigator *in = rtable_get(&p->instigators, k, n, &added);
    if (in == NULL)
        return LH_ENOMEM;
    if (added) {
        char name[ENTRY_SHORT_TEXT_MAX];
        const char *w = who(&id, name);
        in->name = arena_dup(&p->instigators.keys, w, strlen(w));
        in->named = id.name != NULL;
        in->case_id = arena_dup(&p->instigators.keys, o->case_id, strlen(o->case_id));
        in->author = arena_dup(&p->instigators.keys, o->author, strlen(o->author));
        in->index = o->e->index;
        if (in->name == NULL || in->case_id == NULL || in->author == NULL)
            return LH_ENOMEM;
    }
    return 0;
}

/* The leaders a record holds to account, if they were instigators: by key
 * or by name, whichever each record gives (instigators are few). */
static void held_to_account(rules_people *p, const Liuhen__Person *person)
{
    ident id = person_ident(person);
    for (size_t i = 0; i < rtable_len(&p->instigators); i++) {
        instigator *in = rtable_at(&p->instigators, i);
        bool by_key = id.key != NULL && in->key.len == 1 + ENTRY_KEY_BYTES &&
                      in->key.bytes[0] == 'k' &&
                      memcmp(in->key.bytes + 1, id.key, ENTRY_KEY_BYTES) == 0;
        bool by_name = id.name != NULL && in->named && strlen(in->name) == id.name_len &&
                       memcmp(in->name, id.name, id.name_len) == 0;
        if (by_key || by_name)
            in->accountable = true;
    }
}

static int on_not_recorded(rules_people *p, const rules_record *o, const Liuhen__Notification *nt)
{
    ident id = person_ident(nt->person);
    uint8_t pk[KEY_ROOM];
    size_t pk_len = id.key != NULL    ? ident_key(pk, NULL, 'k', id.key, ENTRY_KEY_BYTES)
                    : id.name != NULL ? ident_key(pk, NULL, 'n', id.name, id.name_len)
                                      : 0;
    int rc;
    if (nt->instigated_by != NULL && (rc = add_instigator(p, o, nt->instigated_by)) != 0)
        return rc;
    if (pk_len == 0)
        return 0; /* nobody named: nothing to count */
    bool added;
    notified *nf = rtable_get(&p->notified, pk, pk_len, &added);
    if (nf == NULL)
        return LH_ENOMEM;
    uint32_t before = nf->incidents;
    if (added)
        nf->first = o->e->index;
    /* The incidents this notice is for: the record it concerns and those it
     * lists; a notice naming none is an incident of its own. */
    int fresh = 0, r;
    if (nt->concerns.len > 0) {
        if ((r = count_incident(p, pk, pk_len, nt->concerns.data, nt->concerns.len)) < 0)
            return r;
        fresh += r;
    }
    for (size_t i = 0; i < nt->n_incidents; i++) {
        if ((r = count_incident(p, pk, pk_len, nt->incidents[i].data, nt->incidents[i].len)) < 0)
            return r;
        fresh += r;
    }
    if (nt->concerns.len == 0 && nt->n_incidents == 0) {
        if ((r = count_incident(p, pk, pk_len, o->e->entry_id, ENTRY_HASH_BYTES)) < 0)
            return r;
        fresh += r;
    }
    nf = rtable_find(&p->notified, pk, pk_len);
    nf->incidents = before + (uint32_t)fresh;
    if (fresh == 0)
        return 0; /* a further notice of incidents already dealt with */

    char name[ENTRY_SHORT_TEXT_MAX];
    const char *w = who(&id, name);
    finding_text zh, en;
    finding_text_init(&zh);
    finding_text_init(&en);
    bool referred = has_measure(nt, LIUHEN__MEASURE__MEASURE_REFERRED_DISCIPLINE);
    if (nf->incidents >= 2 && !referred) {
        finding_printf(&zh,
                       "%s不记录或者不如实记录已达%" PRIu32 "次（首次见第%" PRIu64
                       "号记录），两次以上的应移送纪检监察机关给予纪律处分，本次通报的处理措施中"
                       "没有移送",
                       w, nf->incidents, nf->first);
        finding_printf(&en,
                       "%s has not recorded (or not truthfully) %" PRIu32
                       " times (the first notice is entry %" PRIu64
                       "); from the second time on B§12 refers the matter to discipline, and "
                       "this notice's measures lack MEASURE_REFERRED_DISCIPLINE",
                       w, nf->incidents, nf->first);
        return rules_record_finding(o, 12, &zh, &en);
    }
    if (before == 0 && nf->incidents == 1 && !referred &&
        !has_measure(nt, LIUHEN__MEASURE__MEASURE_WARNING) &&
        !has_measure(nt, LIUHEN__MEASURE__MEASURE_CIRCULATED_CRITICISM)) {
        finding_printf(&zh,
                       "%s首次不记录或者不如实记录，应予以警告、通报批评，本次通报未载明"
                       "警告或者通报批评",
                       w);
        finding_printf(&en,
                       "%s's first failure to record is to be met with a warning or 通报批评 "
                       "(B§12); this notice states neither",
                       w);
        return rules_record_finding(o, 12, &zh, &en);
    }
    return 0;
}

/* ---- R17: retaliation ------------------------------------------------------------------------ */

static int add_recorder(rules_people *p, const rules_record *o)
{
    ident id = author_ident(o);
    uint8_t k[KEY_ROOM];
    for (int pass = 0; pass < 2; pass++) {
        size_t n = pass == 0         ? ident_key(k, NULL, 'k', id.key, ENTRY_KEY_BYTES)
                   : id.name != NULL ? ident_key(k, NULL, 'n', id.name, id.name_len)
                                     : 0;
        if (n == 0)
            continue;
        recorder *rc = rtable_get(&p->recorders, k, n, NULL);
        if (rc == NULL)
            return LH_ENOMEM;
        rc->index = o->e->index;
        rc->at = o->integrated;
        rc->name = arena_dup(&p->recorders.keys, o->author, strlen(o->author));
        if (rc->name == NULL)
            return LH_ENOMEM;
    }
    return 0;
}

static int on_revoke(rules_people *p, const rules_record *o, const Liuhen__KeyRevoke *kr)
{
    if (kr->public_key.len != ENTRY_KEY_BYTES)
        return 0;
    ident id = {.key = kr->public_key.data};
    const recorder *rc = find_ident(&p->recorders, NULL, &id);
    if (rc == NULL || o->integrated - rc->at > R17_WINDOW_MS)
        return 0;
    bool added;
    revocation *rv = rtable_get(&p->revocations, o->e->entry_id, ENTRY_HASH_BYTES, &added);
    if (rv == NULL)
        return LH_ENOMEM;
    if (!added)
        return 0;
    rv->index = o->e->index;
    rv->recorded_index = rc->index;
    rv->holder = rc->name;
    rv->author = arena_dup(&p->revocations.keys, o->author, strlen(o->author));
    if (rv->author == NULL)
        return LH_ENOMEM;
    finding_hash_short(rv->key_hex, kr->public_key.data, ENTRY_KEY_BYTES);
    return 0;
}

/* A key enrolled for a holder whose recorder key was revoked before: the
 * key was replaced (lost, say), not its holder removed. */
static void on_enroll(rules_people *p, const Liuhen__KeyEnroll *ke)
{
    const char *h = ke->holder;
    size_t n = trimmed(&h);
    if (n == 0)
        return;
    for (size_t i = 0; i < rtable_len(&p->revocations); i++) {
        revocation *rv = rtable_at(&p->revocations, i);
        if (rv->holder != NULL && strlen(rv->holder) == n && memcmp(rv->holder, h, n) == 0)
            rv->replaced = true;
    }
}

/* R17 at the end: the revocations of recorders' keys not replaced. */
static int revocations_finish(rules_people *p, report *rep)
{
    for (size_t i = 0; i < rtable_len(&p->revocations); i++) {
        const revocation *rv = rtable_at(&p->revocations, i);
        if (rv->replaced)
            continue;
        finding_text zh, en;
        finding_text_init(&zh);
        finding_text_init(&en);
        finding_printf(&zh,
                       "注销了%s的密钥%s，其于第%" PRIu64
                       "号记录如实记录了干预、插手案件的情况，时隔不足一年，其后未再为其登记"
                       "密钥；办案人员非因法定事由、非经法定程序，不得被免职、调离、辞退，请核查"
                       "注销的事由和程序",
                       rv->holder, rv->key_hex, rv->recorded_index);
        finding_printf(&en,
                       "the key %s of %s is revoked less than a year after they recorded an "
                       "interference (entry %" PRIu64
                       "), and no key was enrolled for them since; B§9 protects a recorder from "
                       "removal without lawful ground and procedure: check the ground and the "
                       "procedure",
                       rv->key_hex, rv->holder, rv->recorded_index);
        int rc = finding_add(rep, 17, rv->index, "", rv->author, &zh, &en);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Whether a responsible person's treatment removes, demotes or sanctions
 * them (B§9: 免职、调离、辞退或者给予降级、撤职、开除等处分). */
static bool adverse(const Liuhen__ResponsiblePerson *rp)
{
    for (size_t i = 0; i < rp->n_sanctions; i++)
        if (rp->sanctions[i] == LIUHEN__SANCTION__SANCTION_REMOVED_FROM_POST ||
            rp->sanctions[i] == LIUHEN__SANCTION__SANCTION_ENFORCEMENT_SUSPENDED)
            return true;
    if (rp->discipline_grade >= LIUHEN__DISCIPLINE_GRADE__DISCIPLINE_GRADE_DEMOTION)
        return true;
    for (size_t i = 0; i < rp->n_organisational_measures; i++)
        if (rp->organisational_measures[i] >=
            LIUHEN__ORGANISATIONAL_MEASURE__ORGANISATIONAL_MEASURE_POST_ADJUSTED)
            return true;
    return false;
}

/* ---- decisions ------------------------------------------------------------------------------- */

static int on_decision(rules_people *p, const rules_record *o, const Liuhen__Decision *d)
{
    int rc;
    ident author = author_ident(o);
    if ((rc = check_recusal(p, o, &author, "签署了本案的处理决定", "signs the case's decision")) !=
        0)
        return rc;
    const Liuhen__CollectiveDiscussion *cd = d->collective_discussion;
    for (size_t i = 0; cd != NULL && i < cd->n_participants; i++) {
        ident id = person_ident(cd->participants[i]);
        if ((rc = check_recusal(p, o, &id, "参加了处理决定前的集体讨论",
                                "takes part in the collective discussion")) != 0)
            return rc;
    }
    for (size_t i = 0; i < d->n_responsible; i++) {
        const Liuhen__ResponsiblePerson *rp = d->responsible[i];
        if (rp == NULL || rp->person == NULL)
            continue;
        held_to_account(p, rp->person);
        if (!adverse(rp))
            continue;
        ident id = person_ident(rp->person);
        const recorder *rec = find_ident(&p->recorders, NULL, &id);
        if (rec == NULL || o->integrated - rec->at > R17_WINDOW_MS)
            continue;
        /* Held to account in a case in which they are complained about:
         * the procedure A§10 sets out, not a reprisal by itself. */
        const conflict *c = find_ident(&p->conflicts, o->case_id, &id);
        if (c != NULL && c->complained)
            continue;
        char name[ENTRY_SHORT_TEXT_MAX];
        const char *w = who(&id, name);
        finding_text zh, en;
        finding_text_init(&zh);
        finding_text_init(&en);
        finding_printf(
            &zh,
            "处理决定对%s作出调离、暂停执法、降级以上处分或者免职等处理，而%s曾于第%" PRIu64
            "号记录如实记录干预、插手案件的情况，且本案没有针对其的投诉举报；请核查"
            "是否有法定事由、经法定程序（干预记录制度第九条）",
            w, w, rec->index);
        finding_printf(&en,
                       "the decision removes, suspends, demotes or dismisses %s, who recorded an "
                       "interference (entry %" PRIu64
                       "), in a case with no complaint about them: check the lawful ground and "
                       "procedure (B§9)",
                       w, rec->index);
        if ((rc = rules_record_finding(o, 17, &zh, &en)) != 0)
            return rc;
    }
    return 0;
}

int rules_people_observe(rules_people *p, const rules_record *o)
{
    const Liuhen__Entry *en = o->en;
    int rc = 0;
    switch (en->body_case) {
    case LIUHEN__ENTRY__BODY_COMPLAINT:
        for (size_t i = 0; en->complaint != NULL && i < en->complaint->n_officers_concerned; i++) {
            ident id = person_ident(en->complaint->officers_concerned[i]);
            if ((rc = add_conflict(p, o, &id, true)) != 0)
                return rc;
        }
        break;
    case LIUHEN__ENTRY__BODY_INTERFERENCE:
        if (en->interference == NULL)
            break;
        {
            ident id = person_ident(en->interference->person);
            if ((rc = add_conflict(p, o, &id, false)) != 0)
                return rc;
        }
        if ((rc = add_recorder(p, o)) != 0)
            return rc;
        if (en->interference->instigated_by != NULL)
            rc = add_instigator(p, o, en->interference->instigated_by);
        break;
    case LIUHEN__ENTRY__BODY_INVESTIGATION_STEP: {
        ident author = author_ident(o);
        rc = check_recusal(p, o, &author, "记录了本案的调查",
                           "records an investigation step of "
                           "the case");
        break;
    }
    case LIUHEN__ENTRY__BODY_INVESTIGATION_ASSIGNED: {
        const Liuhen__InvestigationAssigned *ia = en->investigation_assigned;
        ident author = author_ident(o);
        if ((rc = check_recusal(p, o, &author, "指派了本案的调查组",
                                "assigns the case's investigation team")) != 0)
            return rc;
        for (size_t i = 0; ia != NULL && i < ia->n_team; i++) {
            ident id = person_ident(ia->team[i]);
            if ((rc = check_recusal(p, o, &id, "被指派为本案调查组成员",
                                    "is on the case's investigation team")) != 0)
                return rc;
        }
        break;
    }
    case LIUHEN__ENTRY__BODY_DECISION:
        if (en->decision != NULL)
            rc = on_decision(p, o, en->decision);
        break;
    case LIUHEN__ENTRY__BODY_NOTIFICATION:
        if (en->notification == NULL)
            break;
        if (en->notification->subject ==
            LIUHEN__NOTIFICATION_SUBJECT__NOTIFICATION_SUBJECT_NOT_RECORDED)
            rc = on_not_recorded(p, o, en->notification);
        else if (en->notification->subject ==
                 LIUHEN__NOTIFICATION_SUBJECT__NOTIFICATION_SUBJECT_LEADER_INSTIGATED)
            held_to_account(p, en->notification->person);
        break;
    case LIUHEN__ENTRY__BODY_KEY_REVOKE:
        if (en->key_revoke != NULL)
            rc = on_revoke(p, o, en->key_revoke);
        break;
    case LIUHEN__ENTRY__BODY_KEY_ENROLL:
        if (en->key_enroll != NULL)
            on_enroll(p, en->key_enroll);
        break;
    default: break;
    }
    return rc;
}

int rules_people_finish(rules_people *p, int64_t as_of, report *rep)
{
    int rc0 = revocations_finish(p, rep);
    if (rc0 != 0)
        return rc0;
    char t[CALENDAR_TEXT_MAX];
    calendar_format_cst(t, as_of);
    for (size_t i = 0; i < rtable_len(&p->instigators); i++) {
        const instigator *in = rtable_at(&p->instigators, i);
        if (in->accountable)
            continue;
        finding_text zh, en;
        finding_text_init(&zh);
        finding_text_init(&en);
        finding_printf(&zh,
                       "第%" PRIu64
                       "号记录载明主管领导%s授意不记录或者不如实记录，截至%s未见追究其责任的通报"
                       "或者处理决定（干预记录制度第十二条：依法依纪追究主管领导责任）",
                       in->index, in->name, t);
        finding_printf(&en,
                       "entry %" PRIu64
                       " says leader %s told a handler not to record (or not truthfully); as of "
                       "%s no notice or decision holds them to account (B§12)",
                       in->index, in->name, t);
        int rc = finding_add(rep, 12, in->index, in->case_id, in->author, &zh, &en);
        if (rc != 0)
            return rc;
    }
    return 0;
}
