/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * check.c — lh_record_check() and lh_record_missing() (liuhen.h): the
 * format core's table of what the regulations ask of a record
 * (required.h), offered to programs.
 */
#include <stdio.h>

#include "liuhen.h"
#include "required.h"

int lh_record_check(const Liuhen__Entry *entry, char *msg, size_t cap)
{
    if (entry == NULL || (msg == NULL && cap > 0))
        return LH_EINVAL;
    required_miss miss[REQUIRED_MAX_PER_KIND];
    int n = required_check(entry, miss, REQUIRED_MAX_PER_KIND);
    if (n < 0)
        return n;
    size_t shown = (size_t)n < REQUIRED_MAX_PER_KIND ? (size_t)n : REQUIRED_MAX_PER_KIND;
    if (cap > 0)
        required_sentence(msg, cap, entry->kind, miss, shown);
    return n;
}

int lh_record_missing(const Liuhen__Entry *entry, lh_missing *out, size_t cap)
{
    if (entry == NULL || (out == NULL && cap > 0))
        return LH_EINVAL;
    required_miss miss[REQUIRED_MAX_PER_KIND];
    int n = required_check(entry, miss, REQUIRED_MAX_PER_KIND);
    if (n < 0)
        return n;
    const ProtobufCFieldDescriptor *fb = required_body_field(entry->kind);
    for (size_t i = 0; i < (size_t)n && i < cap && i < REQUIRED_MAX_PER_KIND; i++) {
        const required_item *it = miss[i].item;
        snprintf(out[i].path, sizeof out[i].path, "%s.%.*s", fb != NULL ? fb->name : "",
                 (int)miss[i].path_len, it->path);
        out[i].label = miss[i].label;
        out[i].rule = required_rule_id(it->rule);
        out[i].article = it->article;
    }
    return n;
}
