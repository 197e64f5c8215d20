/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * pbjson_enum.c — enum values by their full and short names, through the
 * protobuf-c enum descriptors (pbjson_enum.h).
 */
#include "pbjson_enum.h"

#include <string.h>

/* The names to match against: values_by_name includes aliases; a
 * descriptor generated without it falls back to the distinct values. */
static unsigned enum_n_names(const ProtobufCEnumDescriptor *e)
{
    return e->values_by_name != NULL ? e->n_value_names : e->n_values;
}

static const char *enum_name_at(const ProtobufCEnumDescriptor *e, unsigned i,
                                const ProtobufCEnumValue **v)
{
    if (e->values_by_name != NULL) {
        *v = &e->values[e->values_by_name[i].index];
        return e->values_by_name[i].name;
    }
    *v = &e->values[i];
    return e->values[i].name;
}

/* The common prefix, cut back to just after an '_' so that only whole
 * words go. */
size_t pbjson_enum_prefix_len(const ProtobufCEnumDescriptor *e)
{
    unsigned n = enum_n_names(e);
    if (n == 0)
        return 0;
    const ProtobufCEnumValue *v;
    const char *first = enum_name_at(e, 0, &v);
    size_t common = strlen(first);
    for (unsigned i = 1; i < n; i++) {
        const char *name = enum_name_at(e, i, &v);
        size_t k = 0;
        while (k < common && name[k] == first[k])
            k++;
        common = k;
    }
    while (common > 0 && first[common - 1] != '_')
        common--;
    for (unsigned i = 0; i < n; i++) {
        if (strlen(enum_name_at(e, i, &v)) == common)
            return 0;
    }
    return common;
}

/* Whether input (len bytes, maybe not NUL-terminated) names proto_name:
 * ASCII case folded, '-' read as '_'. Done by hand, not with strcasecmp(),
 * so that the locale plays no part. */
static bool name_matches(const char *proto_name, const char *in, size_t len)
{
    size_t i = 0;
    for (; i < len; i++) {
        char c = in[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        else if (c == '-')
            c = '_';
        if (proto_name[i] == '\0' || proto_name[i] != c)
            return false;
    }
    return proto_name[i] == '\0';
}

const ProtobufCEnumValue *pbjson_enum_lookup(const ProtobufCEnumDescriptor *e, const char *in,
                                             size_t len)
{
    unsigned n = enum_n_names(e);
    const ProtobufCEnumValue *v;
    /* Full names first: should an enum have a value whose short name is
     * another's full name, each stays reachable by its full name. */
    for (unsigned i = 0; i < n; i++) {
        if (name_matches(enum_name_at(e, i, &v), in, len))
            return v;
    }
    size_t pre = pbjson_enum_prefix_len(e);
    if (pre == 0)
        return NULL;
    for (unsigned i = 0; i < n; i++) {
        if (name_matches(enum_name_at(e, i, &v) + pre, in, len))
            return v;
    }
    return NULL;
}

/* Append s to buf, which holds *len bytes and room for cap: what does not
 * fit before the NUL is cut. With short_form, s is written as a short name:
 * lower case, '-' for '_'. */
static void enum_append(char *buf, size_t cap, size_t *len, const char *s, bool short_form)
{
    for (; *s != '\0' && *len + 1 < cap; s++) {
        char c = *s;
        if (short_form && c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        else if (short_form && c == '_')
            c = '-';
        buf[(*len)++] = c;
    }
    buf[*len] = '\0';
}

int pbjson_find_enum_value(const ProtobufCEnumDescriptor *e, const char *name, int *value)
{
    if (e == NULL || name == NULL || value == NULL)
        return LH_EINVAL;
    const ProtobufCEnumValue *v = pbjson_enum_lookup(e, name, strlen(name));
    if (v == NULL)
        return LH_ENOTFOUND;
    *value = v->value;
    return 0;
}

int pbjson_enum_short_name(const ProtobufCEnumDescriptor *e, const ProtobufCEnumValue *v, char *buf,
                           size_t cap)
{
    if (e == NULL || v == NULL || buf == NULL || cap == 0)
        return LH_EINVAL;
    size_t pre = pbjson_enum_prefix_len(e);
    const ProtobufCEnumValue *first;
    /* A value that does not share the prefix (not a value of e) is shown
     * whole rather than cut at a meaningless place. */
    if (pre > 0 && strncmp(v->name, enum_name_at(e, 0, &first), pre) != 0)
        pre = 0;
    if (strlen(v->name) - pre >= cap) {
        buf[0] = '\0';
        return LH_ELENGTH;
    }
    size_t len = 0;
    enum_append(buf, cap, &len, v->name + pre, true);
    return 0;
}

void pbjson_enum_list(const ProtobufCEnumDescriptor *e, bool skip_zero, char *buf, size_t cap)
{
    size_t pre = pbjson_enum_prefix_len(e);
    size_t len = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < e->n_values; i++) {
        if (skip_zero && e->values[i].value == 0)
            continue;
        enum_append(buf, cap, &len, len > 0 ? ", " : "", false);
        enum_append(buf, cap, &len, e->values[i].name + pre, true);
    }
}
