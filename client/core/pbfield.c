/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * pbfield.c — a field of a protobuf-c message through its descriptor
 * (pbfield.h).
 */
#include "pbfield.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t pbfield_elt_size(ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_ENUM: return 4;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE: return 8;
    case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_MESSAGE: return sizeof(void *);
    case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
    }
    return 0;
}

void *pbfield_at(const ProtobufCMessage *m, unsigned offset)
{
    return (char *)m + offset;
}

size_t pbfield_count(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
    return *(const size_t *)pbfield_at(m, f->quantifier_offset);
}

const void *pbfield_item(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f, size_t i)
{
    return *(const char *const *)pbfield_at(m, f->offset) + i * pbfield_elt_size(f->type);
}

bool pbfield_is_oneof(const ProtobufCFieldDescriptor *f)
{
    return (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0;
}

bool pbfield_has_flag(const ProtobufCFieldDescriptor *f)
{
    return f->label == PROTOBUF_C_LABEL_OPTIONAL && !pbfield_is_oneof(f) &&
           f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE;
}

bool pbfield_present(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
    const void *slot = pbfield_at(m, f->offset);
    bool pointer = f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_MESSAGE;
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        return pbfield_count(m, f) > 0;
    if (f->label == PROTOBUF_C_LABEL_REQUIRED)
        return true;
    if (pbfield_is_oneof(f)) {
        if (*(const uint32_t *)pbfield_at(m, f->quantifier_offset) != f->id)
            return false;
        return !pointer ||
               (*(void *const *)slot != NULL && *(void *const *)slot != f->default_value);
    }
    if (f->label == PROTOBUF_C_LABEL_OPTIONAL) {
        if (pointer)
            return *(void *const *)slot != NULL && *(void *const *)slot != f->default_value;
        return *(const protobuf_c_boolean *)pbfield_at(m, f->quantifier_offset) != 0;
    }
    /* PROTOBUF_C_LABEL_NONE: proto3 implicit presence, present if not zero. */
    switch (f->type) {
    case PROTOBUF_C_TYPE_FLOAT: return *(const float *)slot != 0;
    case PROTOBUF_C_TYPE_DOUBLE: return *(const double *)slot != 0;
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(const char *const *)slot;
        return s != NULL && s[0] != '\0';
    }
    case PROTOBUF_C_TYPE_BYTES: return ((const ProtobufCBinaryData *)slot)->len > 0;
    case PROTOBUF_C_TYPE_MESSAGE: return *(const void *const *)slot != NULL;
    default:
        return pbfield_elt_size(f->type) == 8 ? *(const uint64_t *)slot != 0
                                              : *(const uint32_t *)slot != 0;
    }
}

void pbfield_value_free(const ProtobufCFieldDescriptor *f, void *slot)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: {
        char *s = *(char **)slot;
        if (s != NULL && s != f->default_value)
            free(s);
        *(char **)slot = NULL;
        break;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        ProtobufCBinaryData *bd = slot;
        const ProtobufCBinaryData *def = f->default_value;
        if (bd->data != NULL && (def == NULL || def->data != bd->data))
            free(bd->data);
        bd->data = NULL;
        bd->len = 0;
        break;
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        ProtobufCMessage *sub = *(ProtobufCMessage **)slot;
        if (sub != NULL && sub != f->default_value)
            protobuf_c_message_free_unpacked(sub, NULL);
        *(ProtobufCMessage **)slot = NULL;
        break;
    }
    default: break;
    }
}

/* Put a singular field back to the value protobuf_c_message_init() gives
 * it, after pbfield_value_free(). */
static void pbfield_value_reset(const ProtobufCFieldDescriptor *f, void *slot)
{
    if (f->default_value == NULL || f->type == PROTOBUF_C_TYPE_MESSAGE) {
        memset(slot, 0, pbfield_elt_size(f->type));
    } else if (f->type == PROTOBUF_C_TYPE_STRING) {
        /* The generated initialiser points at the shared default too
         * (protobuf_c_empty_string for proto3). */
        *(const char **)slot = f->default_value;
    } else {
        memcpy(slot, f->default_value, pbfield_elt_size(f->type));
    }
}

void pbfield_clear(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        size_t *n = pbfield_at(m, f->quantifier_offset);
        char **arr = pbfield_at(m, f->offset);
        size_t sz = pbfield_elt_size(f->type);
        for (size_t i = 0; *arr != NULL && i < *n; i++)
            pbfield_value_free(f, *arr + i * sz);
        free(*arr);
        *arr = NULL;
        *n = 0;
    } else if (pbfield_is_oneof(f)) {
        uint32_t *which = pbfield_at(m, f->quantifier_offset);
        const ProtobufCFieldDescriptor *cur =
            *which != 0 ? protobuf_c_message_descriptor_get_field(m->descriptor, *which) : NULL;
        if (cur != NULL) {
            pbfield_value_free(cur, pbfield_at(m, cur->offset));
            memset(pbfield_at(m, cur->offset), 0, pbfield_elt_size(cur->type));
        }
        *which = 0;
    } else {
        pbfield_value_free(f, pbfield_at(m, f->offset));
        pbfield_value_reset(f, pbfield_at(m, f->offset));
        if (pbfield_has_flag(f))
            *(protobuf_c_boolean *)pbfield_at(m, f->quantifier_offset) = 0;
    }
}
