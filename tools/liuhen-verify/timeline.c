/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * timeline.c — an entry's row in the case timelines (timeline.h).
 *
 * The row is for reading, not for checking: text is copied as it is (the
 * report cleans and bounds it when it records the row), enum values are
 * shown by the schema's Chinese labels (labels.h), and a field that is not
 * set is left out.
 */
#include "timeline.h"

#include <stdio.h>
#include <string.h>

#include "entry.h"
#include "kind.h"
#include "labels.h"
#include "text.h"

/* Bytes of a one-line summary (report_timeline_add() cuts it further, to
 * REPORT_SUMMARY_MAX). */
#define SUMMARY_MAX 240

/* Append one part to a one-line summary, " · " between parts, control
 * characters as spaces, cut on a UTF-8 character boundary. */
static void sum_add(char *out, size_t *len, const char *s)
{
    if (s == NULL || s[0] == '\0')
        return;
    const char *sep = " · ";
    if (*len > 0) {
        if (*len + strlen(sep) >= SUMMARY_MAX - 1)
            return;
        memcpy(out + *len, sep, strlen(sep));
        *len += strlen(sep);
    }
    size_t n = text_copy_cut(out + *len, SUMMARY_MAX - *len, s);
    for (size_t i = *len; i < *len + n; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7F)
            out[i] = ' ';
    *len += n;
}

/* The Chinese label of an enum value, when it is set and has one. */
static const char *elabel(const ProtobufCEnumDescriptor *d, int v)
{
    return v != 0 ? labels_enum_value(d, v) : NULL;
}

/* A person's name; NULL when there is no person. */
static const char *person_name(const Liuhen__Person *p)
{
    return p != NULL ? p->name : NULL;
}

/* One line of an entry's main fields, for the case timelines. */
static void summarize(const Liuhen__Entry *e, char out[SUMMARY_MAX])
{
    size_t n = 0;
    out[0] = '\0';
    switch (e->body_case) {
    case LIUHEN__ENTRY__BODY_INTERFERENCE:
        sum_add(out, &n, person_name(e->interference->person));
        sum_add(out, &n, elabel(&liuhen__manner__descriptor, e->interference->manner));
        sum_add(out, &n, e->interference->content);
        break;
    case LIUHEN__ENTRY__BODY_GUIDANCE:
        sum_add(out, &n, person_name(e->guidance->given_by));
        sum_add(out, &n, elabel(&liuhen__guidance_form__descriptor, e->guidance->form));
        sum_add(out, &n, e->guidance->content);
        break;
    case LIUHEN__ENTRY__BODY_COMPLAINT:
        if (e->complaint->complainant != NULL)
            sum_add(out, &n,
                    e->complaint->complainant->anonymous ? "匿名"
                                                         : e->complaint->complainant->name);
        sum_add(out, &n, elabel(&liuhen__jurisdiction__descriptor, e->complaint->jurisdiction));
        sum_add(out, &n, e->complaint->summary);
        break;
    case LIUHEN__ENTRY__BODY_TRANSFER:
        sum_add(out, &n, e->transfer->to_authority);
        sum_add(out, &n, e->transfer->reason);
        break;
    case LIUHEN__ENTRY__BODY_REPLY:
        sum_add(out, &n, e->reply->addressee);
        sum_add(out, &n, elabel(&liuhen__reply_method__descriptor, e->reply->method));
        sum_add(out, &n, e->reply->content);
        break;
    case LIUHEN__ENTRY__BODY_INVESTIGATION_ASSIGNED:
        sum_add(out, &n, person_name(e->investigation_assigned->assigned_by));
        sum_add(out, &n, e->investigation_assigned->scope);
        break;
    case LIUHEN__ENTRY__BODY_INVESTIGATION_STEP:
        sum_add(out, &n,
                elabel(&liuhen__investigation_method__descriptor, e->investigation_step->method));
        sum_add(out, &n, e->investigation_step->summary);
        break;
    case LIUHEN__ENTRY__BODY_DECISION:
        sum_add(out, &n, e->decision->wrongful_case ? "错案" : "非错案");
        sum_add(out, &n, e->decision->document_ref);
        sum_add(out, &n, e->decision->summary);
        break;
    case LIUHEN__ENTRY__BODY_REVIEW_ORDER:
        sum_add(out, &n, elabel(&liuhen__review_action__descriptor, e->review_order->action));
        sum_add(out, &n, e->review_order->reason);
        break;
    case LIUHEN__ENTRY__BODY_APPEAL:
        sum_add(out, &n, person_name(e->appeal->appellant));
        sum_add(out, &n, elabel(&liuhen__appeal_type__descriptor, e->appeal->type));
        sum_add(out, &n, elabel(&liuhen__appeal_outcome__descriptor, e->appeal->outcome));
        sum_add(out, &n, e->appeal->grounds);
        break;
    case LIUHEN__ENTRY__BODY_NOTIFICATION:
        sum_add(out, &n,
                elabel(&liuhen__notification_subject__descriptor, e->notification->subject));
        sum_add(out, &n, person_name(e->notification->person));
        sum_add(out, &n, e->notification->content);
        break;
    case LIUHEN__ENTRY__BODY_CORRECTION:
        sum_add(out, &n, e->correction->reason);
        for (size_t i = 0; i < e->correction->n_changes && i < 3; i++)
            sum_add(out, &n, e->correction->changes[i]->field);
        break;
    case LIUHEN__ENTRY__BODY_REPORT:
        sum_add(out, &n, elabel(&liuhen__report_matter__descriptor, e->report->matter));
        sum_add(out, &n, person_name(e->report->reported_to));
        sum_add(out, &n, e->report->content);
        break;
    case LIUHEN__ENTRY__BODY_RECOMMENDATION:
        sum_add(out, &n, e->recommendation->wrongful_case ? "建议认定错案" : "建议不认定错案");
        sum_add(out, &n, e->recommendation->document_ref);
        sum_add(out, &n, e->recommendation->summary);
        break;
    case LIUHEN__ENTRY__BODY_SUPERVISION_CHECK:
        sum_add(out, &n, elabel(&liuhen__check_type__descriptor, e->supervision_check->type));
        sum_add(out, &n,
                elabel(&liuhen__check_conclusion__descriptor, e->supervision_check->conclusion));
        sum_add(out, &n, e->supervision_check->findings);
        break;
    case LIUHEN__ENTRY__BODY_SERVICE:
        sum_add(out, &n, person_name(e->service->served_on));
        sum_add(out, &n, elabel(&liuhen__service_method__descriptor, e->service->method));
        sum_add(out, &n, e->service->rights_told ? "已告知陈述申辩、申诉权利" : NULL);
        break;
    case LIUHEN__ENTRY__BODY_APPROVAL:
        sum_add(out, &n, e->approval->approved ? "批准" : "不予批准");
        sum_add(out, &n, e->approval->matter);
        sum_add(out, &n, e->approval->opinion);
        break;
    case LIUHEN__ENTRY__BODY_CASE_CLOSED: sum_add(out, &n, e->case_closed->summary); break;
    case LIUHEN__ENTRY__BODY_KEY_ENROLL: sum_add(out, &n, e->key_enroll->holder); break;
    case LIUHEN__ENTRY__BODY_KEY_REVOKE: sum_add(out, &n, e->key_revoke->reason); break;
    default: break;
    }
}

int timeline_add(report *rep, uint64_t index, int64_t integrated_at, const Liuhen__Entry *e,
                 const char *author)
{
    char label[128], summary[SUMMARY_MAX];
    snprintf(label, sizeof label, "%s %s", kind_label_zh(e->kind), kind_name(e->kind));
    summarize(e, summary);
    return report_timeline_add(rep, e->case_id, index, e->recorded_at, integrated_at, author, label,
                               summary);
}
