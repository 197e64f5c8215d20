/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * matters.c — the registers' matters and what followed them (matters.h).
 */
#include "matters.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "calendar.h"
#include "entry.h"
#include "errors.h"
#include "grow.h"
#include "i18n.h"
#include "labels.h"
#include "role.h"
#include "text.h"

#define NONE UINT32_MAX

typedef struct mcase {
    rtable_key key;     /* case id */
    uint32_t complaint; /* its first complaint */
    uint32_t decision;  /* its latest decision */
    uint32_t interf;    /* its first interference */
    uint32_t last_interf;
} mcase;

/* A CORRECTION, kept until the end of the log. */
typedef struct mcorr {
    uint64_t index;
    uint8_t target[32], author_key[32];
    const char *case_id;
    size_t nchanges;
    const char **fields, **values;
} mcorr;

struct matters {
    rtable items, cases;
    arena strings;
    mcorr *corr;
    size_t ncorr, capcorr;
};

int matters_new(matters **out)
{
    matters *m = calloc(1, sizeof *m);
    if (m == NULL)
        return LH_ENOMEM;
    rtable_init(&m->items, sizeof(matter));
    rtable_init(&m->cases, sizeof(mcase));
    *out = m;
    return 0;
}

void matters_free(matters *m)
{
    if (m == NULL)
        return;
    rtable_free(&m->items);
    rtable_free(&m->cases);
    arena_free(&m->strings);
    free(m->corr);
    free(m);
}

size_t matters_count(const matters *m)
{
    return rtable_len(&m->items);
}

const matter *matters_at(const matters *m, size_t i)
{
    return rtable_at(&m->items, i);
}

const char *matters_label(const ProtobufCEnumDescriptor *d, int v)
{
    static char ring[8][64];
    static unsigned next;
    if (v == 0)
        return "";
    if (i18n_zh()) {
        const char *zh = labels_enum_value(d, v);
        if (zh != NULL)
            return zh;
    }
    const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(d, v);
    if (ev == NULL)
        return "?";
    /* The value's name without its enum's prefix: "MANNER_PHONE" is "phone". */
    char prefix[64];
    size_t n = 0;
    const char *dot = strrchr(d->name, '.');
    for (const char *p = dot != NULL ? dot + 1 : d->name; *p != '\0' && n + 2 < sizeof prefix;
         p++) {
        if (isupper((unsigned char)*p) && p != (dot != NULL ? dot + 1 : d->name))
            prefix[n++] = '_';
        prefix[n++] = (char)toupper((unsigned char)*p);
    }
    prefix[n++] = '_';
    prefix[n] = '\0';
    const char *name = ev->name;
    if (strncmp(name, prefix, n) == 0)
        name += n;
    char *out = ring[next++ % 8];
    size_t k = 0;
    for (; name[k] != '\0' && k + 1 < sizeof ring[0]; k++)
        out[k] = name[k] == '_' ? '-' : (char)tolower((unsigned char)name[k]);
    out[k] = '\0';
    return out;
}

static const char *dup(matters *m, const char *s)
{
    if (s == NULL)
        s = "";
    return arena_dup(&m->strings, s, strlen(s));
}

static mcase *case_of(matters *m, const char *case_id)
{
    bool added;
    mcase *c = rtable_get(&m->cases, case_id, strlen(case_id), &added);
    if (c != NULL && added)
        c->complaint = c->decision = c->interf = c->last_interf = NONE;
    return c;
}

static uint32_t matter_no(const matters *m, const matter *it)
{
    return (uint32_t)(((const char *)it - (const char *)m->items.items) / (ptrdiff_t)sizeof *it);
}

static int64_t when(int64_t t, int64_t integrated)
{
    return t != 0 ? calendar_clamp(t) : integrated;
}

/* A new matter for entry e, or NULL (out of memory, or an entry id seen
 * before: the ledger reports the duplicate). */
static matter *add(matters *m, const rules_entry *e, matter_type type, int64_t date, int *rc)
{
    bool added;
    matter *it = rtable_get(&m->items, e->entry_id, 32, &added);
    *rc = it == NULL ? LH_ENOMEM : 0;
    if (it == NULL || !added)
        return NULL;
    it->type = type;
    it->index = e->index;
    it->date = when(date, e->integrated_at);
    it->case_id = dup(m, e->entry->case_id);
    it->recorder = dup(m, e->author);
    it->unit = dup(m, e->author_unit != NULL ? e->author_unit : "");
    it->next_in_case = NONE;
    if (e->entry->author_key.len == 32)
        memcpy(it->author_key, e->entry->author_key.data, 32);
    if (it->case_id == NULL || it->recorder == NULL || it->unit == NULL) {
        *rc = LH_ENOMEM;
        return NULL;
    }
    mcase *c = case_of(m, e->entry->case_id);
    if (c == NULL) {
        *rc = LH_ENOMEM;
        return NULL;
    }
    it = rtable_at(&m->items, rtable_len(&m->items) - 1); /* case_of() may not move items */
    uint32_t no = matter_no(m, it);
    if (type == MATTER_COMPLAINT && c->complaint == NONE)
        c->complaint = no;
    if (type == MATTER_DECISION)
        c->decision = no;
    if (type == MATTER_INTERFERENCE) {
        if (c->interf == NONE)
            c->interf = no;
        else
            ((matter *)rtable_at(&m->items, c->last_interf))->next_in_case = no;
        c->last_interf = no;
    }
    return it;
}

static void ints(int *dst, size_t *n, const int *src, size_t len)
{
    *n = len < MATTER_LIST_MAX ? len : MATTER_LIST_MAX;
    for (size_t i = 0; i < *n; i++)
        dst[i] = src[i];
}

static int on_interference(matters *m, const rules_entry *e, const Liuhen__Interference *in)
{
    int rc;
    matter *it = add(m, e, MATTER_INTERFERENCE, in->occurred_at, &rc);
    if (it == NULL)
        return rc;
    it->person = dup(m, in->person != NULL ? in->person->name : "");
    it->relation = in->person != NULL ? (int)in->person->relation : 0;
    it->manner = (int)in->manner;
    it->content = dup(m, in->content);
    ints(it->categories, &it->ncategories, (const int *)in->categories, in->n_categories);
    it->reported_to = (int)in->reported_to;
    it->reported_at = in->reported_at != 0 ? calendar_clamp(in->reported_at) : 0;
    it->enforcement_case = dup(m, in->enforcement_case);
    return it->person && it->content && it->enforcement_case ? 0 : LH_ENOMEM;
}

static int on_complaint(matters *m, const rules_entry *e, const Liuhen__Complaint *c)
{
    int rc;
    matter *it = add(m, e, MATTER_COMPLAINT, c->received_at, &rc);
    if (it == NULL)
        return rc;
    it->anonymous = c->complainant != NULL && c->complainant->anonymous;
    it->complainant = dup(m, c->complainant != NULL && !it->anonymous ? c->complainant->name : "");
    it->channel = (int)c->channel;
    it->source = (int)c->source;
    it->jurisdiction = (int)c->jurisdiction;
    it->forwarded_by = dup(m, c->forwarded_by);
    it->accepted_at = c->accepted_at != 0 ? calendar_clamp(c->accepted_at) : 0;
    ints(it->conducts, &it->nconducts, (const int *)c->conducts, c->n_conducts);
    it->enforcement_case = dup(m, c->enforcement_case);
    return it->complainant && it->forwarded_by && it->enforcement_case ? 0 : LH_ENOMEM;
}

static int on_decision(matters *m, const rules_entry *e, const Liuhen__Decision *d)
{
    int rc;
    matter *it = add(m, e, MATTER_DECISION, d->decided_at, &rc);
    if (it == NULL)
        return rc;
    it->wrongful = d->wrongful_case;
    it->document_ref = dup(m, d->document_ref);
    char names[1024];
    size_t n = 0;
    names[0] = '\0';
    for (size_t i = 0; i < d->n_responsible; i++) {
        const Liuhen__ResponsiblePerson *rp = d->responsible[i];
        if (rp->person != NULL && rp->person->name[0] != '\0')
            n += (size_t)snprintf(names + n, n < sizeof names ? sizeof names - n : 0, "%s%s",
                                  n > 0 ? "、" : "", rp->person->name);
        for (size_t k = 0; k < rp->n_sanctions && it->nsanctions < MATTER_LIST_MAX; k++) {
            bool seen = false;
            for (size_t j = 0; j < it->nsanctions; j++)
                seen |= it->sanctions[j] == (int)rp->sanctions[k];
            if (!seen)
                it->sanctions[it->nsanctions++] = (int)rp->sanctions[k];
        }
        if (n >= sizeof names)
            break;
    }
    it->responsible = dup(m, names);
    return it->responsible && it->document_ref ? 0 : LH_ENOMEM;
}

static int event_add(matters *m, matter *it, const rules_entry *e, int64_t at, int detail,
                     const char *text)
{
    for (matter_event *ev = it->events; ev != NULL; ev = ev->next)
        if (ev->index == e->index)
            return 0; /* named twice (a field and its refs) */
    matter_event *ev = arena_alloc(&m->strings, sizeof *ev);
    if (ev == NULL)
        return LH_ENOMEM;
    ev->index = e->index;
    ev->kind = (int)e->entry->kind;
    ev->at = when(at, e->integrated_at);
    ev->detail = detail;
    ev->text = dup(m, text);
    if (ev->text == NULL)
        return LH_ENOMEM;
    if (it->last_event != NULL)
        it->last_event->next = ev;
    else
        it->events = ev;
    it->last_event = ev;
    return 0;
}

/* The matter of type `type` an entry id names, in the same case. */
static matter *named(matters *m, const ProtobufCBinaryData *id, matter_type type,
                     const char *case_id)
{
    if (id->len != 32)
        return NULL;
    matter *it = rtable_find(&m->items, id->data, 32);
    return it != NULL && it->type == type && strcmp(it->case_id, case_id) == 0 ? it : NULL;
}

/* Hand a follow-up to the matters it names: by `field` (and `more`), by
 * the entry's refs, else to its case's (first complaint, latest decision,
 * every interference). */
static int follow(matters *m, const rules_entry *e, matter_type type,
                  const ProtobufCBinaryData *field, const ProtobufCBinaryData *more, size_t nmore,
                  int64_t at, int detail, const char *text)
{
    const Liuhen__Entry *en = e->entry;
    bool any = false;
    int rc;
    matter *it;
    if (field != NULL && (it = named(m, field, type, en->case_id)) != NULL) {
        if ((rc = event_add(m, it, e, at, detail, text)) != 0)
            return rc;
        any = true;
    }
    for (size_t i = 0; i < nmore; i++)
        if ((it = named(m, &more[i], type, en->case_id)) != NULL) {
            if ((rc = event_add(m, it, e, at, detail, text)) != 0)
                return rc;
            any = true;
        }
    for (size_t i = 0; i < en->n_refs; i++)
        if ((it = named(m, &en->refs[i], type, en->case_id)) != NULL) {
            if ((rc = event_add(m, it, e, at, detail, text)) != 0)
                return rc;
            any = true;
        }
    bool names_one = (field != NULL && field->len != 0) || nmore > 0 || en->n_refs > 0;
    if (any || names_one)
        return 0;
    const mcase *c = rtable_find(&m->cases, en->case_id, strlen(en->case_id));
    if (c == NULL)
        return 0;
    uint32_t no = type == MATTER_COMPLAINT  ? c->complaint
                  : type == MATTER_DECISION ? c->decision
                                            : c->interf;
    while (no != NONE) {
        it = rtable_at(&m->items, no);
        if ((rc = event_add(m, it, e, at, detail, text)) != 0)
            return rc;
        no = type == MATTER_INTERFERENCE ? it->next_in_case : NONE;
    }
    return 0;
}

static int on_correction(matters *m, const rules_entry *e, const Liuhen__Correction *c)
{
    if (c->corrects.len != 32 || e->entry->author_key.len != 32)
        return 0;
    if (grow_room(&m->corr, &m->capcorr, m->ncorr + 1, sizeof *m->corr, 16, 0) != 0)
        return LH_ENOMEM;
    mcorr *k = &m->corr[m->ncorr];
    memset(k, 0, sizeof *k);
    k->index = e->index;
    memcpy(k->target, c->corrects.data, 32);
    memcpy(k->author_key, e->entry->author_key.data, 32);
    k->case_id = dup(m, e->entry->case_id);
    k->nchanges = c->n_changes;
    k->fields = arena_alloc(&m->strings, (c->n_changes + 1) * sizeof *k->fields);
    k->values = arena_alloc(&m->strings, (c->n_changes + 1) * sizeof *k->values);
    if (k->case_id == NULL || k->fields == NULL || k->values == NULL)
        return LH_ENOMEM;
    for (size_t i = 0; i < c->n_changes; i++) {
        k->fields[i] = dup(m, c->changes[i]->field);
        k->values[i] = dup(m, c->changes[i]->new_value);
        if (k->fields[i] == NULL || k->values[i] == NULL)
            return LH_ENOMEM;
    }
    m->ncorr++;
    return 0;
}

int matters_observe(matters *m, const rules_entry *e)
{
    const Liuhen__Entry *en = e->entry;
    if (en->case_id[0] == '\0')
        return 0;
    char text[512];
    switch (en->body_case) {
    case LIUHEN__ENTRY__BODY_INTERFERENCE: return on_interference(m, e, en->interference);
    case LIUHEN__ENTRY__BODY_COMPLAINT: return on_complaint(m, e, en->complaint);
    case LIUHEN__ENTRY__BODY_DECISION: return on_decision(m, e, en->decision);
    case LIUHEN__ENTRY__BODY_CORRECTION: return on_correction(m, e, en->correction);
    case LIUHEN__ENTRY__BODY_TRANSFER: {
        const Liuhen__Transfer *t = en->transfer;
        return follow(m, e, MATTER_COMPLAINT, &t->complaint, NULL, 0, t->transferred_at, 0,
                      t->to_authority);
    }
    case LIUHEN__ENTRY__BODY_REPLY: {
        const Liuhen__Reply *r = en->reply;
        return follow(m, e, MATTER_COMPLAINT, &r->complaint, NULL, 0, r->replied_at, (int)r->type,
                      r->document_ref);
    }
    case LIUHEN__ENTRY__BODY_REPORT: {
        const Liuhen__Report *r = en->report;
        snprintf(text, sizeof text, "%s", r->reported_to != NULL ? r->reported_to->name : "");
        matter_type t = r->matter == LIUHEN__REPORT_MATTER__REPORT_MATTER_COMPLAINT
                            ? MATTER_COMPLAINT
                            : MATTER_INTERFERENCE;
        /* B§4's follow-up is the legal section's report of a clue; a
         * handler's own report (B§3) is not it, as R15 reads it. */
        int what = (int)r->matter;
        if (what == LIUHEN__REPORT_MATTER__REPORT_MATTER_INTERFERENCE_CLUE &&
            (e->author_roles & ROLE_BIT(LIUHEN__ROLE__ROLE_LEGAL)) == 0)
            what = LIUHEN__REPORT_MATTER__REPORT_MATTER_OTHER;
        return follow(m, e, t, &r->concerns, NULL, 0, r->reported_at, what, text);
    }
    case LIUHEN__ENTRY__BODY_SUPERVISION_CHECK: {
        const Liuhen__SupervisionCheck *s = en->supervision_check;
        return follow(m, e, MATTER_INTERFERENCE, &s->concerns, NULL, 0, s->conducted_at,
                      (int)s->conclusion, "");
    }
    case LIUHEN__ENTRY__BODY_RECOMMENDATION: {
        const Liuhen__Recommendation *r = en->recommendation;
        ProtobufCBinaryData none = {0, NULL};
        /* A recommendation names what it is about by its refs only. */
        if (en->n_refs == 0)
            return 0;
        return follow(m, e, MATTER_INTERFERENCE, &none, NULL, 0, r->made_at, 0, r->document_ref);
    }
    case LIUHEN__ENTRY__BODY_NOTIFICATION: {
        const Liuhen__Notification *n = en->notification;
        return follow(m, e, MATTER_INTERFERENCE, &n->concerns, n->incidents, n->n_incidents,
                      n->issued_at, (int)n->subject, n->document_ref);
    }
    case LIUHEN__ENTRY__BODY_APPROVAL: {
        const Liuhen__Approval *a = en->approval;
        return follow(m, e, MATTER_INTERFERENCE, &a->concerns, NULL, 0, a->approved_at,
                      (int)a->approved, a->approved ? _("approved") : _("not approved"));
    }
    case LIUHEN__ENTRY__BODY_SERVICE: {
        const Liuhen__Service *s = en->service;
        return follow(m, e, MATTER_DECISION, &s->decision, NULL, 0, s->served_at,
                      (int)s->rights_told, s->receipt_ref);
    }
    case LIUHEN__ENTRY__BODY_REVIEW_ORDER: {
        const Liuhen__ReviewOrder *r = en->review_order;
        return follow(m, e, MATTER_DECISION, &r->decision, NULL, 0, r->ordered_at, (int)r->action,
                      "");
    }
    case LIUHEN__ENTRY__BODY_APPEAL: {
        const Liuhen__Appeal *a = en->appeal;
        if (a->decision.len == 0)
            return 0; /* a statement heard before the decision */
        return follow(m, e, MATTER_DECISION, &a->decision, NULL, 0, a->filed_at, (int)a->outcome,
                      "");
    }
    default: return 0;
    }
}

/* The value of an enum field a correction gives: the value's name, its
 * short name or its number. -1 when it is none of them. */
static int enum_value(const ProtobufCEnumDescriptor *d, const char *s)
{
    for (unsigned i = 0; i < d->n_values; i++) {
        const char *name = d->values[i].name;
        size_t n = strlen(name), k = strlen(s);
        if (strcmp(name, s) == 0)
            return d->values[i].value;
        /* the short name: the tail of the name after an '_' */
        if (k > 0 && k < n && name[n - k - 1] == '_') {
            bool same = true;
            for (size_t j = 0; j < k && same; j++)
                same = (s[j] == '-' ? '_' : toupper((unsigned char)s[j])) == name[n - k + j];
            if (same)
                return d->values[i].value;
        }
        if (labels_enum_value(d, d->values[i].value) != NULL &&
            strcmp(labels_enum_value(d, d->values[i].value), s) == 0)
            return d->values[i].value;
    }
    char *end;
    long v = strtol(s, &end, 10);
    return *s != '\0' && *end == '\0' && protobuf_c_enum_descriptor_get_value(d, (int)v) != NULL
               ? (int)v
               : -1;
}

static void set_time(int64_t *dst, const char *s)
{
    int64_t t;
    if (calendar_parse_time(NULL, s, &t, NULL) == 0)
        *dst = t;
}

static void set_enum(int *dst, const ProtobufCEnumDescriptor *d, const char *s)
{
    int v = enum_value(d, s);
    if (v >= 0)
        *dst = v;
}

/* Apply one changed field to a matter; the fields a register shows only. */
static int apply(matters *m, matter *it, const char *field, const char *v)
{
    const char *f = strchr(field, '.') != NULL ? strchr(field, '.') + 1 : field;
    const char **s = NULL;
    if (strcmp(f, "occurred_at") == 0 || strcmp(f, "received_at") == 0 ||
        strcmp(f, "decided_at") == 0)
        set_time(&it->date, v);
    else if (strcmp(f, "reported_at") == 0)
        set_time(&it->reported_at, v);
    else if (strcmp(f, "accepted_at") == 0)
        set_time(&it->accepted_at, v);
    else if (strcmp(f, "person.name") == 0)
        s = &it->person;
    else if (strcmp(f, "person.relation") == 0)
        set_enum(&it->relation, &liuhen__relation__descriptor, v);
    else if (strcmp(f, "manner") == 0)
        set_enum(&it->manner, &liuhen__manner__descriptor, v);
    else if (strcmp(f, "reported_to") == 0)
        set_enum(&it->reported_to, &liuhen__reported_to__descriptor, v);
    else if (strcmp(f, "content") == 0)
        s = &it->content;
    else if (strcmp(f, "enforcement_case") == 0)
        s = &it->enforcement_case;
    else if (strcmp(f, "complainant.name") == 0)
        s = &it->complainant;
    else if (strcmp(f, "channel") == 0)
        set_enum(&it->channel, &liuhen__channel__descriptor, v);
    else if (strcmp(f, "source") == 0)
        set_enum(&it->source, &liuhen__case_source__descriptor, v);
    else if (strcmp(f, "jurisdiction") == 0)
        set_enum(&it->jurisdiction, &liuhen__jurisdiction__descriptor, v);
    else if (strcmp(f, "forwarded_by") == 0)
        s = &it->forwarded_by;
    else if (strcmp(f, "document_ref") == 0)
        s = &it->document_ref;
    else if (strcmp(f, "wrongful_case") == 0)
        it->wrongful = strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "是") == 0;
    else if (strcmp(f, "categories") == 0) {
        int c = enum_value(&liuhen__interference_category__descriptor, v);
        if (c >= 0) {
            it->categories[0] = c;
            it->ncategories = 1;
        }
    }
    if (s != NULL && (*s = dup(m, v)) == NULL)
        return LH_ENOMEM;
    return 0;
}

int matters_finish(matters *m)
{
    for (size_t i = 0; i < m->ncorr; i++) {
        const mcorr *k = &m->corr[i];
        matter *it = rtable_find(&m->items, k->target, 32);
        /* R11: only its own author may correct a record, in its case. */
        if (it == NULL || it->index >= k->index || memcmp(it->author_key, k->author_key, 32) != 0 ||
            strcmp(it->case_id, k->case_id) != 0)
            continue;
        char fields[1024];
        size_t n = (size_t)snprintf(fields, sizeof fields, "%s",
                                    it->corrected_fields != NULL ? it->corrected_fields : "");
        for (size_t c = 0; c < k->nchanges; c++) {
            int rc = apply(m, it, k->fields[c], k->values[c]);
            if (rc != 0)
                return rc;
            if (n < sizeof fields)
                n += (size_t)snprintf(fields + n, sizeof fields - n, "%s%s", n > 0 ? "、" : "",
                                      k->fields[c]);
        }
        if ((it->corrected_fields = dup(m, fields)) == NULL)
            return LH_ENOMEM;
        if (it->ncorrections < MATTER_LIST_MAX)
            it->corrections[it->ncorrections++] = k->index;
    }
    return 0;
}

const matter *matters_case_complaint(const matters *m, const char *case_id)
{
    const mcase *c = rtable_find(&m->cases, case_id, strlen(case_id));
    return c != NULL && c->complaint != NONE ? rtable_at(&m->items, c->complaint) : NULL;
}

bool matters_in_period(const matters_scope *s, int64_t t)
{
    return (!s->have_from || t >= s->from) && (!s->have_to || t < s->to);
}

const char *matters_day(char out[16], int64_t t)
{
    if (t == 0) {
        snprintf(out, 16, "—");
        return out;
    }
    int64_t y, mo, d;
    calendar_civil_from_days(
        calendar_floor_div(calendar_clamp(t) + CALENDAR_CST_OFFSET_MS, CALENDAR_DAY_MS), &y, &mo,
        &d);
    snprintf(out, 16, "%04d-%02d-%02d", (int)(y % 10000), (int)mo, (int)d);
    return out;
}

void matters_print_title(FILE *f, const char *what, const matters_scope *s)
{
    char root[TEXT_B64_LEN(32)];
    text_b64_encode(root, s->root, 32);
    fprintf(f,
            _("%s — log %s — period %s to %s (Beijing time) — verified checkpoint: %llu "
              "entries, root %s\n"),
            what, s->origin, s->have_from ? s->from_text : _("the beginning"),
            s->have_to ? s->to_text : _("the end"), (unsigned long long)s->tree_size, root);
}
