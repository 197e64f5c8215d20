/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * required.c — what the regulations ask of one record by itself, and the
 * check of a record against it (required.h).
 *
 * The fields are reached through the protobuf-c descriptors, by the dotted
 * paths of the table, so that the table is all there is to change when the
 * regulations are read differently. A value is "stated" as the verifier's
 * rules read it: a text that is not blank (Unicode White_Space only), bytes
 * that are not empty, a number or an enum value that is not 0, true, a
 * submessage that is present.
 */
#include "required.h"

#include <stdint.h>
#include <string.h>

#include "errors.h"
#include "kind.h"
#include "labels.h"
#include "pbfield.h"
#include "text.h"

/* ---- what the articles ask, as the sentences quote them ------------------------------------ */

static const char ask_r1[] = "B§3：时间、地点、人物、方式、内容";
static const char ask_r2[] =
    "B§3：应向局机关法规部门报告，必要时可直接向县司法行政部门行政执法协调监督机构报告";
static const char ask_r9[] = "B§7：以书面形式提出；口头提出的，由办案人员记录在案";
static const char ask_complaint[] =
    "A§10(1)：法规部门及时受理；不属于本单位受理的，受理后2日内转送有权部门";
static const char ask_transfer[] = "A§10(1)：受理后2日内转送有权部门";
static const char ask_reply[] = "A§10(1)：法规部门负责答复";
static const char ask_r5[] = "A§10(2)：局主要负责人指派调查组进行调查";
static const char ask_r6[] = "A§10(3)：经机关领导集体讨论后作出处理决定";
static const char ask_r7[] = "A§10(3)、A§11：认定为错案的，追究执法责任人的责任";
static const char ask_r8[] = "A§10(3)：处理决定作出后1个月内责令重新组织调查";
static const char ask_r14[] = "B§10：按照人事管理权限报经批准后予以通报";
static const char ask_r11[] = "B§3：如实记录；更正不改动原记录";

#define K(kind) LIUHEN__KIND__KIND_##kind

/*
 * The table, kind by kind, in the order the regulations list what they
 * ask. The verifier's rules named here report the same absences in a
 * logged record (tools/liuhen-verify/rules_record.c and rules.c).
 */
static const required_item items[] = {
    /* R1 (B§3): 应将时间、地点、人物、方式、内容等全面、如实记录; the
     * person with the relation of B§2, as the verifier reads 人物. */
    {K(INTERFERENCE), "occurred_at", 0, NULL, 1, "B§3", ask_r1, NULL, 0, NULL, 0, NULL},
    {K(INTERFERENCE), "place", 0, NULL, 1, "B§3", ask_r1, NULL, 0, NULL, 0, NULL},
    {K(INTERFERENCE), "person.name", 0, "人物姓名", 1, "B§3", ask_r1, NULL, 0, NULL, 0, NULL},
    {K(INTERFERENCE), "person.relation", 0, "人物与本机关的关系（B§2）", 1, "B§2", ask_r1, NULL, 0,
     NULL, 0, NULL},
    {K(INTERFERENCE), "manner", 0, NULL, 1, "B§3", ask_r1, NULL, 0, NULL, 0, NULL},
    {K(INTERFERENCE), "content", 0, NULL, 1, "B§3", ask_r1, NULL, 0, NULL, 0, NULL},
    /* R2 (B§3): 应向局机关法规部门报告; the bureau head is B§4's matter. */
    {K(INTERFERENCE), "reported_to", 0, NULL, 2, "B§3", ask_r2, NULL, 0, NULL,
     LIUHEN__REPORTED_TO__REPORTED_TO_BUREAU_HEAD, "向法规部门报告（只报告了机关负责人）"},
    {K(INTERFERENCE), "reported_at", 0, NULL, 2, "B§3", ask_r2, NULL, 0, NULL, 0, NULL},
    /* R9 (B§7): written, or oral and recorded by the handler. */
    {K(GUIDANCE), "form", 0, NULL, 9, "B§7", ask_r9, NULL, 0, NULL, 0, NULL},
    /* R3, R4 (A§10(1)): the periods run from receipt and 受理. */
    {K(COMPLAINT), "received_at", 0, NULL, 3, "A§10(1)", ask_complaint, NULL, 0, NULL, 0, NULL},
    {K(COMPLAINT), "accepted_at", 0, NULL, 3, "A§10(1)", ask_complaint, NULL, 0, NULL, 0, NULL},
    {K(COMPLAINT), "jurisdiction", 0, NULL, 3, "A§10(1)", ask_complaint, NULL, 0, NULL, 0, NULL},
    {K(TRANSFER), "complaint", 0, NULL, 3, "A§10(1)", ask_transfer, NULL, 0, NULL, 0, NULL},
    {K(TRANSFER), "to_authority", 0, NULL, 3, "A§10(1)", ask_transfer, NULL, 0, NULL, 0, NULL},
    {K(TRANSFER), "transferred_at", 0, NULL, 3, "A§10(1)", ask_transfer, NULL, 0, NULL, 0, NULL},
    {K(REPLY), "complaint", 0, NULL, 4, "A§10(1)", ask_reply, NULL, 0, NULL, 0, NULL},
    {K(REPLY), "replied_at", 0, NULL, 4, "A§10(1)", ask_reply, NULL, 0, NULL, 0, NULL},
    /* R5 (A§10(2)): a team, named. */
    {K(INVESTIGATION_ASSIGNED), "team.name", 0, "调查组成员", 5, "A§10(2)", ask_r5, NULL, 0, NULL,
     0, NULL},
    /* R6 (A§10(3)): more than one leader, before the decision. */
    {K(DECISION), "collective_discussion.held_at", 0, NULL, 6, "A§10(3)", ask_r6, NULL, 0, NULL, 0,
     NULL},
    {K(DECISION), "collective_discussion.participants.name", 2, "两名以上参加讨论的领导", 6,
     "A§10(3)", ask_r6, NULL, 0, NULL, 0, NULL},
    {K(DECISION), "collective_discussion.held_at", 0, "决定之前的讨论（讨论时间晚于决定时间）", 6,
     "A§10(3)", ask_r6, NULL, 0, "decided_at", 0, NULL},
    /* R7 (A§11): a wrongful case names who is responsible. */
    {K(DECISION), "responsible.person.name", 0, "责任人", 7, "A§11", ask_r7, "wrongful_case", 1,
     NULL, 0, NULL},
    /* R8 (A§10(3)): the one-month period runs from the decision named. */
    {K(REVIEW_ORDER), "decision", 0, NULL, 8, "A§10(3)", ask_r8, NULL, 0, NULL, 0, NULL},
    {K(REVIEW_ORDER), "ordered_at", 0, NULL, 8, "A§10(3)", ask_r8, NULL, 0, NULL, 0, NULL},
    /* R14 (B§10): 报经批准后予以通报. */
    {K(NOTIFICATION), "approval", 0, NULL, 14, "B§10", ask_r14, "subject",
     LIUHEN__NOTIFICATION_SUBJECT__NOTIFICATION_SUBJECT_INTERFERENCE, NULL, 0, NULL},
    /* R11 (B§3): a correction names the record it corrects. */
    {K(CORRECTION), "corrects", 0, NULL, 11, "B§3", ask_r11, NULL, 0, NULL, 0, NULL},
};

#undef K

#define N_ITEMS (sizeof items / sizeof items[0])

const required_item *required_of_kind(Liuhen__Kind kind, size_t *n)
{
    /* The items of a kind are consecutive in the table. */
    size_t first = N_ITEMS, count = 0;
    for (size_t i = 0; i < N_ITEMS; i++) {
        if (items[i].kind != kind)
            continue;
        if (count == 0)
            first = i;
        count++;
    }
    *n = count;
    return count > 0 ? &items[first] : NULL;
}

const char *required_rule_id(int rule)
{
    static const char *const ids[] = {"",   "R1",  "R2",  "R3",  "R4",  "R5",  "R6",  "R7",  "R8",
                                      "R9", "R10", "R11", "R12", "R13", "R14", "R15", "R16", "R17"};
    return rule > 0 && (size_t)rule < sizeof ids / sizeof ids[0] ? ids[rule] : "";
}

const ProtobufCFieldDescriptor *required_body_field(Liuhen__Kind kind)
{
    Liuhen__Entry__BodyCase body = kind_body(kind);
    if (body == LIUHEN__ENTRY__BODY__NOT_SET)
        return NULL;
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field(&liuhen__entry__descriptor, (unsigned)body);
    return f != NULL && f->type == PROTOBUF_C_TYPE_MESSAGE ? f : NULL;
}

/* ---- reading fields by path ------------------------------------------------------------------ */

/* Whether a text says something: not NULL, not only White_Space (the
 * ideographic space of a form left blank included). */
static bool text_stated(const char *s)
{
    if (s == NULL)
        return false;
    size_t len = strlen(s), i = 0;
    while (i < len) {
        uint32_t cp = text_utf8_next((const uint8_t *)s, len, &i);
        if (cp == TEXT_NOT_UTF8 || !text_is_space(cp))
            return true;
    }
    return false;
}

/* Whether one value of type t at p is stated. */
static bool value_stated(ProtobufCType t, const void *p)
{
    static const uint8_t zero[8];
    switch (t) {
    case PROTOBUF_C_TYPE_FLOAT: {
        float v;
        memcpy(&v, p, sizeof v);
        return v != 0.0f;
    }
    case PROTOBUF_C_TYPE_DOUBLE: {
        double v;
        memcpy(&v, p, sizeof v);
        return v != 0.0;
    }
    case PROTOBUF_C_TYPE_STRING: return text_stated(*(char *const *)p);
    case PROTOBUF_C_TYPE_BYTES: return ((const ProtobufCBinaryData *)p)->len > 0;
    case PROTOBUF_C_TYPE_MESSAGE: return *(ProtobufCMessage *const *)p != NULL;
    default:
        /* An integer, an enum value or a bool: not 0. A type unknown has
         * no size, and is never stated. */
        return memcmp(p, zero, pbfield_elt_size(t)) != 0;
    }
}

/* The first segment of a dotted path, and where the rest starts ("" at the end). */
static const ProtobufCFieldDescriptor *segment(const ProtobufCMessageDescriptor *d,
                                               const char *path, const char **rest)
{
    char name[64];
    size_t n = strcspn(path, ".");
    if (n == 0 || n >= sizeof name)
        return NULL;
    memcpy(name, path, n);
    name[n] = '\0';
    *rest = path[n] == '.' ? path + n + 1 : path + n;
    return protobuf_c_message_descriptor_get_field_by_name(d, name);
}

/* How many stated values path reaches in m: through every item of a list,
 * into every submessage present. */
static size_t count_stated(const ProtobufCMessage *m, const char *path)
{
    if (m == NULL)
        return 0;
    const char *rest;
    const ProtobufCFieldDescriptor *f = segment(m->descriptor, path, &rest);
    if (f == NULL)
        return 0;
    bool repeated = f->label == PROTOBUF_C_LABEL_REPEATED;
    size_t n = repeated ? pbfield_count(m, f) : 1, stated = 0;
    for (size_t i = 0; i < n; i++) {
        const void *p = repeated ? pbfield_item(m, f, i) : pbfield_at(m, f->offset);
        if (*rest == '\0')
            stated += value_stated(f->type, p);
        else if (f->type == PROTOBUF_C_TYPE_MESSAGE)
            stated += count_stated(*(ProtobufCMessage *const *)p, rest);
    }
    return stated;
}

/* The value of a singular bool, enum or integer field at path; 0 when it,
 * or a submessage on the way, is absent. */
static int64_t value_of(const ProtobufCMessage *m, const char *path)
{
    while (m != NULL) {
        const char *rest;
        const ProtobufCFieldDescriptor *f = segment(m->descriptor, path, &rest);
        if (f == NULL || f->label == PROTOBUF_C_LABEL_REPEATED)
            return 0;
        const void *p = pbfield_at(m, f->offset);
        if (*rest != '\0') {
            if (f->type != PROTOBUF_C_TYPE_MESSAGE)
                return 0;
            m = *(ProtobufCMessage *const *)p;
            path = rest;
            continue;
        }
        /* The value, read at the width and signedness of its type. */
        union {
            int32_t i32;
            uint32_t u32;
            int64_t i64;
        } v;
        switch (f->type) {
        case PROTOBUF_C_TYPE_INT32:
        case PROTOBUF_C_TYPE_SINT32:
        case PROTOBUF_C_TYPE_SFIXED32:
        case PROTOBUF_C_TYPE_ENUM: return *(int32_t *)memcpy(&v.i32, p, sizeof v.i32);
        case PROTOBUF_C_TYPE_UINT32:
        case PROTOBUF_C_TYPE_FIXED32: return *(uint32_t *)memcpy(&v.u32, p, sizeof v.u32);
        case PROTOBUF_C_TYPE_INT64:
        case PROTOBUF_C_TYPE_SINT64:
        case PROTOBUF_C_TYPE_SFIXED64: return *(int64_t *)memcpy(&v.i64, p, sizeof v.i64);
        case PROTOBUF_C_TYPE_BOOL: return *(const protobuf_c_boolean *)p != 0;
        default: return 0;
        }
    }
    return 0;
}

/* ---- the check ------------------------------------------------------------------------------- */

/* When the first step of path is a singular submessage that m does not
 * hold, the field of that step (the whole person, the whole discussion). */
static const ProtobufCFieldDescriptor *absent_parent(const ProtobufCMessage *m, const char *path)
{
    if (m == NULL || strchr(path, '.') == NULL)
        return NULL;
    const char *rest;
    const ProtobufCFieldDescriptor *f = segment(m->descriptor, path, &rest);
    if (f == NULL || f->type != PROTOBUF_C_TYPE_MESSAGE || f->label == PROTOBUF_C_LABEL_REPEATED)
        return NULL;
    return *(ProtobufCMessage *const *)pbfield_at(m, f->offset) == NULL ? f : NULL;
}

/* The label of the last field of a path, from the schema (labels.h). */
static const char *path_label(const ProtobufCMessageDescriptor *d, const char *path)
{
    for (;;) {
        const char *rest;
        const ProtobufCFieldDescriptor *f = segment(d, path, &rest);
        if (f == NULL)
            return path;
        if (*rest == '\0') {
            const char *l = labels_field(d->name, f->name);
            return l != NULL ? l : f->name;
        }
        if (f->type != PROTOBUF_C_TYPE_MESSAGE)
            return path;
        d = f->descriptor;
        path = rest;
    }
}

/* Whether a requirement holds for this body: its condition, if any, is met. */
static bool applies(const required_item *it, const ProtobufCMessage *body)
{
    return it->when == NULL || value_of(body, it->when) == it->when_is;
}

/* Whether an earlier requirement of the table already counted the absent
 * submessage `parent` as missing. */
static bool counted(const required_item *first, const required_item *it,
                    const ProtobufCMessage *body, const ProtobufCFieldDescriptor *parent)
{
    for (const required_item *p = first; p < it; p++)
        if (applies(p, body) && absent_parent(body, p->path) == parent)
            return true;
    return false;
}

int required_check(const Liuhen__Entry *e, required_miss *out, size_t cap)
{
    if (e == NULL || (out == NULL && cap > 0))
        return LH_EINVAL;
    const ProtobufCFieldDescriptor *fb = required_body_field(e->kind);
    if (fb == NULL)
        return 0;
    const ProtobufCMessageDescriptor *bd = fb->descriptor;
    /* Only read: entry_body_of() is not given e itself, whose body is
     * borrowed as it is. */
    const ProtobufCMessage *body =
        e->body_case == (Liuhen__Entry__BodyCase)fb->id
            ? *(ProtobufCMessage *const *)(const void *)((const char *)e + fb->offset)
            : NULL;
    size_t n = 0, count;
    const required_item *first = required_of_kind(e->kind, &count), *it = first;
    for (size_t i = 0; i < count; i++, it++) {
        if (!applies(it, body))
            continue;
        const char *label = it->label != NULL ? it->label : path_label(bd, it->path);
        size_t len = strlen(it->path);
        bool miss;
        const ProtobufCFieldDescriptor *parent = absent_parent(body, it->path);
        if (parent != NULL) {
            /* No person at all is one thing missing, not each of its parts. */
            if (counted(first, it, body, parent))
                continue;
            len = strlen(parent->name);
            const char *l = labels_field(bd->name, parent->name);
            label = l != NULL ? l : parent->name;
            miss = true;
        } else if (it->not_after != NULL) {
            int64_t t = value_of(body, it->path), limit = value_of(body, it->not_after);
            miss = t != 0 && limit != 0 && t > limit;
        } else if (count_stated(body, it->path) < (it->min > 0 ? it->min : 1)) {
            miss = true;
        } else if (it->not_value != 0 && value_of(body, it->path) == it->not_value) {
            label = it->not_label;
            miss = true;
        } else {
            miss = false;
        }
        if (!miss)
            continue;
        if (n < cap)
            out[n] = (required_miss){it, label, len};
        n++;
    }
    return (int)n;
}

/* ---- the sentence ---------------------------------------------------------------------------- */

/* Append s to buf (len bytes used, cap in all); what does not fit is cut
 * at a character boundary and "…" ends the text. */
static void put(char *buf, size_t cap, size_t *len, bool *cut, const char *s)
{
    static const char ellipsis[] = "…";
    if (*cut)
        return;
    size_t n = strlen(s);
    /* Room for the ellipsis is always kept, so that a cut can end with it. */
    if (*len + n + sizeof ellipsis <= cap) {
        memcpy(buf + *len, s, n + 1);
        *len += n;
        return;
    }
    *cut = true;
    if (*len + sizeof ellipsis > cap)
        return;
    size_t room = cap - sizeof ellipsis - *len;
    while (room > 0 && ((unsigned char)s[room] & 0xC0) == 0x80)
        room--;
    memcpy(buf + *len, s, room);
    *len += room;
    memcpy(buf + *len, ellipsis, sizeof ellipsis);
    *len += sizeof ellipsis - 1;
}

size_t required_sentence(char *buf, size_t cap, Liuhen__Kind kind, const required_miss *miss,
                         size_t n)
{
    if (buf == NULL || cap == 0)
        return 0;
    buf[0] = '\0';
    size_t len = 0;
    bool cut = false;
    if (n == 0)
        return 0;
    put(buf, cap, &len, &cut, kind_label_zh(kind));
    put(buf, cap, &len, &cut, "缺少：");
    /* Group by what the article asks, in the order of the first of each. */
    for (size_t i = 0; i < n; i++) {
        const char *ask = miss[i].item->ask;
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            seen = seen || miss[j].item->ask == ask;
        if (seen)
            continue;
        if (i > 0)
            put(buf, cap, &len, &cut, "；");
        bool first = true;
        for (size_t j = i; j < n; j++) {
            if (miss[j].item->ask != ask)
                continue;
            if (!first)
                put(buf, cap, &len, &cut, "、");
            put(buf, cap, &len, &cut, miss[j].label);
            first = false;
        }
        put(buf, cap, &len, &cut, "（");
        put(buf, cap, &len, &cut, ask);
        put(buf, cap, &len, &cut, "）");
    }
    return len;
}
