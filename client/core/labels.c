/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * labels.c — lookups in the tables that proto/labels.awk generates from the
 * comments of proto/liuhen.proto (see labels.h).
 */
#include "labels.h"

#include <stddef.h>
#include <string.h>

typedef struct labels_row {
    const char *owner; /* enum or message full name */
    const char *name;  /* value or field name */
    const char *label;
    const char *article; /* "" when the comment cites none */
} labels_row;

static const labels_row enum_rows[] = {
#define LABELS_ENUM(owner, name, label, article) {owner, name, label, article},
#include "liuhen-labels.inc"
#undef LABELS_ENUM
};

static const labels_row field_rows[] = {
#define LABELS_FIELD(owner, name, label, article) {owner, name, label, article},
#include "liuhen-labels.inc"
#undef LABELS_FIELD
};

/* The tables hold a few hundred rows and are read to print records for
 * people: a linear search costs nothing worth an index. */
static const labels_row *find(const labels_row *rows, size_t n, const char *owner, const char *name)
{
    if (owner == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rows[i].name, name) == 0 && strcmp(rows[i].owner, owner) == 0)
            return &rows[i];
    }
    return NULL;
}

#define NROWS(a) (sizeof(a) / sizeof(a)[0])

const char *labels_enum(const char *enum_name, const char *value_name)
{
    const labels_row *r = find(enum_rows, NROWS(enum_rows), enum_name, value_name);
    return r != NULL ? r->label : NULL;
}

const char *labels_enum_article(const char *enum_name, const char *value_name)
{
    const labels_row *r = find(enum_rows, NROWS(enum_rows), enum_name, value_name);
    return r != NULL && r->article[0] != '\0' ? r->article : NULL;
}

const char *labels_field(const char *message_name, const char *field_name)
{
    const labels_row *r = find(field_rows, NROWS(field_rows), message_name, field_name);
    return r != NULL ? r->label : NULL;
}

const char *labels_field_article(const char *message_name, const char *field_name)
{
    const labels_row *r = find(field_rows, NROWS(field_rows), message_name, field_name);
    return r != NULL && r->article[0] != '\0' ? r->article : NULL;
}

const char *labels_enum_value(const ProtobufCEnumDescriptor *e, int value)
{
    if (e == NULL)
        return NULL;
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(e, value);
    return v != NULL ? labels_enum(e->name, v->name) : NULL;
}
