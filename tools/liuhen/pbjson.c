/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * pbjson.c — JSON <-> protobuf through the protobuf-c descriptors
 * (pbjson.h). Both directions stay in this one module: they implement one
 * table, and what one writes the other must read back to the same bytes.
 * What they share with the rest of the CLI lives apart: the layout of a
 * field (pbfield.h), the names of enum values (pbjson_enum.h) and the
 * dotted path of errors (fieldpath.h).
 *
 * Reading JSON never leaves a message half-built: each field's value is converted into
 * a temporary (field_build) and committed into the message only when whole
 * (field_commit), so that a half-built message is always in a state that
 * protobuf_c_message_free_unpacked() frees correctly.
 */
#include "pbjson.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldpath.h"
#include "labels.h"
#include "pbfield.h"
#include "pbjson_enum.h"
#include "quote.h"
#include "suggest.h"
#include "text.h"

/* Room in which an error sentence is composed before it is cut to
 * LH_ERR_MSG_MAX, so that lists of names can be cut with a visible "...". */
#define MSG_MAX_LEN 1024

/* Bytes of outside text (an unknown key, a bad enum name) quoted in an
 * error message: enough to recognise it, bounded against hostile input. */
#define QUOTE_MAX 48

/* ------------------------------------------------------------------------
 * Bounded string building and error sentences.
 */

typedef struct strbuf {
    char *buf;
    size_t cap;
    size_t len;
} strbuf;

static void sb_vprintf(strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void sb_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_vprintf(strbuf *sb, const char *fmt, va_list ap)
{
    if (sb->len + 1 >= sb->cap)
        return;
    int n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
    if (n < 0)
        return;
    /* On truncation vsnprintf still wrote up to cap - 1 bytes and a NUL. */
    sb->len = (size_t)n < sb->cap - sb->len ? sb->len + (size_t)n : sb->cap - 1;
}

static void sb_printf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

/* Outside text shown between quotes: a key, an enum name, a number. */
static const char *quote(char *dst, size_t cap, const char *s, size_t len)
{
    return quote_escape(dst, cap, s, len, QUOTE_MAX, true);
}

/* ------------------------------------------------------------------------
 * Conversion context: the dotted path of the field being read, for errors.
 */

typedef struct cx {
    lh_err *err;
    const char *root; /* named in errors about the outermost value */
    fieldpath path;
} cx;

static int fail(cx *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Fail with a sentence that starts with the path of the current field, or
 * with the outermost message's name for an error about the whole object. */
static int fail(cx *c, int code, const char *fmt, ...)
{
    if (c->err == NULL)
        return code;
    char msg[MSG_MAX_LEN];
    strbuf sb = {msg, sizeof msg, 0};
    msg[0] = '\0';
    if (c->path.len > 0)
        sb_printf(&sb, "field '%s': ", c->path.s);
    else
        sb_printf(&sb, "%s: ", c->root);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    return quote_err_set(c->err, code, msg);
}

static const char *json_kind(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a real number";
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    case JSON_NULL: return "null";
    }
    return "an unknown JSON value";
}

static const char *type_name(ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_INT32: return "int32";
    case PROTOBUF_C_TYPE_SINT32: return "sint32";
    case PROTOBUF_C_TYPE_SFIXED32: return "sfixed32";
    case PROTOBUF_C_TYPE_INT64: return "int64";
    case PROTOBUF_C_TYPE_SINT64: return "sint64";
    case PROTOBUF_C_TYPE_SFIXED64: return "sfixed64";
    case PROTOBUF_C_TYPE_UINT32: return "uint32";
    case PROTOBUF_C_TYPE_FIXED32: return "fixed32";
    case PROTOBUF_C_TYPE_UINT64: return "uint64";
    case PROTOBUF_C_TYPE_FIXED64: return "fixed64";
    case PROTOBUF_C_TYPE_FLOAT: return "float";
    case PROTOBUF_C_TYPE_DOUBLE: return "double";
    case PROTOBUF_C_TYPE_BOOL: return "bool";
    case PROTOBUF_C_TYPE_ENUM: return "enum";
    case PROTOBUF_C_TYPE_STRING: return "string";
    case PROTOBUF_C_TYPE_BYTES: return "bytes";
    case PROTOBUF_C_TYPE_MESSAGE: return "message";
    }
    return "unknown type";
}

/* ------------------------------------------------------------------------
 * JSON -> protobuf.
 */

/* A temporary for one value, aligned and large enough for any type. */
typedef union pbvalue {
    int32_t i32;
    uint32_t u32;
    int64_t i64;
    uint64_t u64;
    float f;
    double d;
    protobuf_c_boolean b;
    int e;
    char *s;
    ProtobufCBinaryData bd;
    ProtobufCMessage *m;
} pbvalue;

static int msg_from_json(cx *c, const ProtobufCMessageDescriptor *desc, const json_t *in,
                         unsigned depth, ProtobufCMessage **out);

/* A whole number read from JSON as sign and magnitude, so that the int64
 * and uint64 ranges can both be checked without overflow. */
typedef struct whole {
    bool neg;
    uint64_t mag;
} whole;

/* Parse a decimal string the way JSON writes integers: an optional '-',
 * then 0 or digits without a leading zero; no '+', no blanks. strtoll()
 * would skip blanks, accept '+' and wrap "-1" for unsigned. */
static bool parse_decimal(const char *s, size_t len, whole *w, bool *overflow)
{
    size_t i = 0;
    *overflow = false;
    w->neg = len > 0 && s[0] == '-';
    if (w->neg)
        i++;
    if (i == len || (s[i] == '0' && len - i > 1))
        return false;
    w->mag = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (w->mag > (UINT64_MAX - d) / 10)
            *overflow = true;
        else
            w->mag = w->mag * 10 + d;
    }
    return true;
}

/* The accepted range of an integer type, for error messages. */
static const char *range_text(char *buf, size_t cap, uint64_t min_mag, uint64_t max)
{
    snprintf(buf, cap, "%s%" PRIu64 " to %" PRIu64, min_mag > 0 ? "-" : "", min_mag, max);
    return buf;
}

/* Read an integer field's JSON value and check it against [-min_mag, max].
 * 64-bit fields also accept a decimal string, because JSON tools that keep
 * numbers as doubles (JavaScript) carry 64-bit integers as strings. */
static int whole_from_json(cx *c, const ProtobufCFieldDescriptor *f, const json_t *j,
                           uint64_t min_mag, uint64_t max, whole *w)
{
    bool wide = pbfield_elt_size(f->type) == 8;
    const char *type = type_name(f->type);
    char shown[QUOTE_MAX * 4 + 8];
    char range[48];
    if (json_is_integer(j)) {
        json_int_t v = json_integer_value(j);
        w->neg = v < 0;
        w->mag = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    } else if (json_is_real(j)) {
        double d = json_real_value(j);
        if (d != floor(d))
            return fail(c, LH_EFIELD, "%.17g has a fraction: %s takes a whole number", d, type);
        /* 2^64 is exact as a double; anything at or beyond it is out of
         * every integer range and must not reach the conversion. */
        if (fabs(d) >= 18446744073709551616.0)
            return fail(c, LH_EFIELD, "%.17g is out of range for %s (%s)", d, type,
                        range_text(range, sizeof range, min_mag, max));
        w->neg = d < 0;
        w->mag = (uint64_t)fabs(d);
    } else if (wide && json_is_string(j)) {
        const char *s = json_string_value(j);
        size_t len = json_string_length(j);
        bool overflow;
        if (!parse_decimal(s, len, w, &overflow))
            return fail(c, LH_EFIELD, "'%s' is not a decimal integer (%s)",
                        quote(shown, sizeof shown, s, len), type);
        if (overflow)
            return fail(c, LH_EFIELD, "%s is out of range for %s (%s)",
                        quote(shown, sizeof shown, s, len), type,
                        range_text(range, sizeof range, min_mag, max));
    } else {
        return fail(c, LH_EFIELD, "expected an integer (%s)%s, got %s", type,
                    wide ? " or a decimal string" : "", json_kind(j));
    }
    if ((w->neg && w->mag > min_mag) || (!w->neg && w->mag > max))
        return fail(c, LH_EFIELD, "%s%" PRIu64 " is out of range for %s (%s)", w->neg ? "-" : "",
                    w->mag, type, range_text(range, sizeof range, min_mag, max));
    return 0;
}

static int64_t whole_signed(whole w)
{
    /* Written so that -2^63 does not overflow on the way. */
    return w.neg && w.mag > 0 ? -(int64_t)(w.mag - 1) - 1 : (int64_t)w.mag;
}

/* Whether j is exactly the string s (a json_t may hold a NUL, so the
 * length counts). */
static bool json_is_text(const json_t *j, const char *s)
{
    return json_is_string(j) && json_string_length(j) == strlen(s) &&
           memcmp(json_string_value(j), s, strlen(s)) == 0;
}

static int real_from_json(cx *c, const ProtobufCFieldDescriptor *f, const json_t *j, double *d)
{
    if (json_is_number(j)) {
        *d = json_number_value(j);
    } else if (json_is_text(j, "NaN")) {
        *d = NAN;
    } else if (json_is_text(j, "Infinity")) {
        *d = INFINITY;
    } else if (json_is_text(j, "-Infinity")) {
        *d = -INFINITY;
    } else {
        return fail(c, LH_EFIELD,
                    "expected a number (%s) or \"NaN\", \"Infinity\", \"-Infinity\", got %s",
                    type_name(f->type), json_kind(j));
    }
    if (f->type == PROTOBUF_C_TYPE_FLOAT && isfinite(*d) && fabs(*d) > FLT_MAX)
        return fail(c, LH_EFIELD, "%.17g is out of range for float", *d);
    return 0;
}

/* A string field's value: UTF-8 without NUL, because protobuf-c keeps
 * strings NUL-terminated and proto3 requires UTF-8. jansson checks UTF-8
 * when it parses text, but a json_t built in memory may hold anything. */
static int string_from_json(cx *c, const json_t *j, char **out)
{
    if (!json_is_string(j))
        return fail(c, LH_EFIELD, "expected a string, got %s", json_kind(j));
    const char *s = json_string_value(j);
    size_t len = json_string_length(j);
    if (memchr(s, '\0', len) != NULL)
        return fail(c, LH_EFIELD, "the string holds a NUL character");
    if (!text_utf8_valid((const uint8_t *)s, len))
        return fail(c, LH_EFIELD, "the string is not valid UTF-8");
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return fail(c, LH_ENOMEM, "out of memory");
    memcpy(copy, s, len + 1);
    *out = copy;
    return 0;
}

static int bytes_from_json(cx *c, const json_t *j, ProtobufCBinaryData *out)
{
    if (!json_is_string(j))
        return fail(c, LH_EFIELD, "expected a base64 string, got %s", json_kind(j));
    const char *s = json_string_value(j);
    size_t len = json_string_length(j);
    out->len = 0;
    out->data = NULL;
    /* Empty bytes are NULL data, as protobuf_c_message_unpack() leaves
     * them, so that round trips compare equal field by field. */
    if (len == 0)
        return 0;
    size_t max = len / 4 * 3;
    uint8_t *buf = malloc(max > 0 ? max : 1);
    if (buf == NULL)
        return fail(c, LH_ENOMEM, "out of memory");
    size_t n = 0;
    if (text_b64_decode(buf, max, &n, s, len, 0) != 0 || n == 0) {
        free(buf);
        return fail(c, LH_EFIELD,
                    "not standard base64 with padding (RFC 4648 §4, canonical, no blanks)");
    }
    out->data = buf;
    out->len = n;
    return 0;
}

static int enum_from_json(cx *c, const ProtobufCFieldDescriptor *f, const json_t *j, int *out)
{
    const ProtobufCEnumDescriptor *e = f->descriptor;
    const ProtobufCEnumValue *v = NULL;
    char shown[QUOTE_MAX * 4 + 8];
    if (json_is_string(j)) {
        v = pbjson_enum_lookup(e, json_string_value(j), json_string_length(j));
        quote(shown, sizeof shown, json_string_value(j), json_string_length(j));
    } else if (json_is_integer(j)) {
        json_int_t n = json_integer_value(j);
        if (n >= INT32_MIN && n <= INT32_MAX)
            v = protobuf_c_enum_descriptor_get_value(e, (int)n);
        snprintf(shown, sizeof shown, "%" JSON_INTEGER_FORMAT, n);
    } else {
        return fail(c, LH_EFIELD, "expected a name or number of %s, got %s", e->name, json_kind(j));
    }
    if (v != NULL) {
        *out = v->value;
        return 0;
    }
    char names[MSG_MAX_LEN];
    pbjson_enum_list(e, false, names, sizeof names);
    size_t pre = pbjson_enum_prefix_len(e);
    if (pre > 0)
        return fail(c, LH_EFIELD, "'%s' is not a value of %s (accepted: %s; or %.*s* names)", shown,
                    e->name, names, (int)pre, e->values[0].name);
    return fail(c, LH_EFIELD, "'%s' is not a value of %s (accepted: %s)", shown, e->name, names);
}

/* Convert one JSON value into one value of field f, written to *out only
 * on success. depth is the nesting of the message that holds f. */
static int value_from_json(cx *c, const ProtobufCFieldDescriptor *f, const json_t *j,
                           unsigned depth, pbvalue *out)
{
    whole w;
    int rc;
    double d;
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        if ((rc = whole_from_json(c, f, j, (uint64_t)INT32_MAX + 1, INT32_MAX, &w)) == 0)
            out->i32 = (int32_t)whole_signed(w);
        return rc;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        if ((rc = whole_from_json(c, f, j, (uint64_t)INT64_MAX + 1, INT64_MAX, &w)) == 0)
            out->i64 = whole_signed(w);
        return rc;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        if ((rc = whole_from_json(c, f, j, 0, UINT32_MAX, &w)) == 0)
            out->u32 = (uint32_t)w.mag;
        return rc;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        if ((rc = whole_from_json(c, f, j, 0, UINT64_MAX, &w)) == 0)
            out->u64 = w.mag;
        return rc;
    case PROTOBUF_C_TYPE_FLOAT:
        if ((rc = real_from_json(c, f, j, &d)) == 0)
            out->f = (float)d;
        return rc;
    case PROTOBUF_C_TYPE_DOUBLE:
        if ((rc = real_from_json(c, f, j, &d)) == 0)
            out->d = d;
        return rc;
    case PROTOBUF_C_TYPE_BOOL:
        if (!json_is_boolean(j))
            return fail(c, LH_EFIELD, "expected true or false, got %s", json_kind(j));
        out->b = json_is_true(j);
        return 0;
    case PROTOBUF_C_TYPE_ENUM: return enum_from_json(c, f, j, &out->e);
    case PROTOBUF_C_TYPE_STRING: return string_from_json(c, j, &out->s);
    case PROTOBUF_C_TYPE_BYTES: return bytes_from_json(c, j, &out->bd);
    case PROTOBUF_C_TYPE_MESSAGE: return msg_from_json(c, f->descriptor, j, depth + 1, &out->m);
    }
    return fail(c, LH_EINVAL, "field type %d is not supported", (int)f->type);
}

/* A field's new contents, built before the message is touched. */
typedef struct built {
    pbvalue one;  /* a singular field */
    char *arr;    /* a repeated field's elements (NULL when empty) */
    size_t count; /* and how many */
} built;

static void built_free(const ProtobufCFieldDescriptor *f, built *b)
{
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        for (size_t i = 0; i < b->count; i++)
            pbfield_value_free(f, b->arr + i * pbfield_elt_size(f->type));
        free(b->arr);
    } else {
        pbfield_value_free(f, &b->one);
    }
}

/* Convert a non-null JSON value into the new contents of field f. On error
 * nothing is left allocated. */
static int field_build(cx *c, const ProtobufCFieldDescriptor *f, const json_t *j, unsigned depth,
                       built *b)
{
    memset(b, 0, sizeof *b);
    if (f->label != PROTOBUF_C_LABEL_REPEATED)
        return value_from_json(c, f, j, depth, &b->one);
    if (!json_is_array(j))
        return fail(c, LH_EFIELD, "expected an array (repeated %s), got %s",
                    f->type == PROTOBUF_C_TYPE_MESSAGE
                        ? ((const ProtobufCMessageDescriptor *)f->descriptor)->name
                    : f->type == PROTOBUF_C_TYPE_ENUM
                        ? ((const ProtobufCEnumDescriptor *)f->descriptor)->name
                        : type_name(f->type),
                    json_kind(j));
    size_t n = json_array_size(j);
    if (n == 0)
        return 0;
    size_t sz = pbfield_elt_size(f->type);
    b->arr = calloc(n, sz);
    if (b->arr == NULL)
        return fail(c, LH_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        size_t saved = fieldpath_push_index(&c->path, i);
        const json_t *el = json_array_get(j, i);
        pbvalue v;
        int rc = json_is_null(el)
                     ? fail(c, LH_EFIELD, "null in an array: repeated fields hold no nulls")
                     : value_from_json(c, f, el, depth, &v);
        fieldpath_pop(&c->path, saved);
        if (rc != 0) {
            built_free(f, b);
            memset(b, 0, sizeof *b);
            return rc;
        }
        memcpy(b->arr + i * sz, &v, sz);
        b->count = i + 1;
    }
    return 0;
}

/* Move built contents into a field that holds nothing (just initialised
 * or cleared), and mark it present. */
static void field_commit(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f, built *b)
{
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        *(char **)pbfield_at(m, f->offset) = b->arr;
        *(size_t *)pbfield_at(m, f->quantifier_offset) = b->count;
        return;
    }
    memcpy(pbfield_at(m, f->offset), &b->one, pbfield_elt_size(f->type));
    if (pbfield_is_oneof(f))
        *(uint32_t *)pbfield_at(m, f->quantifier_offset) = f->id;
    else if (pbfield_has_flag(f))
        *(protobuf_c_boolean *)pbfield_at(m, f->quantifier_offset) = 1;
}

static const ProtobufCFieldDescriptor *find_field(const ProtobufCMessageDescriptor *desc,
                                                  const char *key, size_t len)
{
    /* A linear scan, by length then bytes: messages have a few dozen fields
     * at most, and a key with an embedded NUL must not match a prefix. */
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const char *name = desc->fields[i].name;
        if (strlen(name) == len && memcmp(name, key, len) == 0)
            return &desc->fields[i];
    }
    return NULL;
}

static int unknown_field(cx *c, const ProtobufCMessageDescriptor *desc, const char *key, size_t len)
{
    if (c->err == NULL)
        return LH_EUNKNOWNFIELD;
    char shown[QUOTE_MAX * 4 + 8];
    char msg[MSG_MAX_LEN];
    strbuf sb = {msg, sizeof msg, 0};
    msg[0] = '\0';
    /* The closest field, by name or Chinese label (suggest.h), said after
     * the list, which is cut to leave it room within lh_err. */
    char hint[160] = "";
    if (strlen(key) == len && len < QUOTE_MAX) {
        suggest s;
        suggest_init(&s, key);
        for (unsigned i = 0; i < desc->n_fields; i++) {
            suggest_offer(&s, desc->fields[i].name, &desc->fields[i]);
            suggest_offer(&s, labels_field(desc->name, desc->fields[i].name), &desc->fields[i]);
        }
        const void *tag;
        if (suggest_best(&s, &tag) != NULL) {
            const ProtobufCFieldDescriptor *near = tag;
            const char *label = labels_field(desc->name, near->name);
            snprintf(hint, sizeof hint, "; did you mean '%s'%s%s%s?", near->name,
                     label != NULL ? " (" : "", label != NULL ? label : "",
                     label != NULL ? ")" : "");
        }
    }
    sb_printf(&sb, "unknown field '%s%s%s' (known: ", c->path.s, c->path.len > 0 ? "." : "",
              quote(shown, sizeof shown, key, len));
    /* Room in lh_err for the list: what quote_err_set() keeps, less the
     * ", ...)" of a cut and the hint. */
    size_t room = LH_ERR_MSG_MAX - 4 - strlen(hint) - 6;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const char *name = desc->fields[i].name;
        if (hint[0] != '\0' && sb.len + 2 + strlen(name) > room) {
            sb_printf(&sb, ", ...");
            break;
        }
        sb_printf(&sb, "%s%s", i > 0 ? ", " : "", name);
    }
    sb_printf(&sb, "%s)%s", desc->n_fields == 0 ? "none" : "", hint);
    return quote_err_set(c->err, LH_EUNKNOWNFIELD, msg);
}

/* The oneof case says which member is set; two members given in one object
 * are refused rather than letting the later silently win. */
static int oneof_conflict(cx *c, const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
    uint32_t which = *(const uint32_t *)pbfield_at(m, f->quantifier_offset);
    const ProtobufCFieldDescriptor *other =
        protobuf_c_message_descriptor_get_field(m->descriptor, which);
    if (c->err == NULL)
        return LH_EFIELD;
    char msg[MSG_MAX_LEN];
    strbuf sb = {msg, sizeof msg, 0};
    msg[0] = '\0';
    const char *dot = c->path.len > 0 ? "." : "";
    sb_printf(&sb, "fields '%s%s%s' and '%s%s%s' are members of the same oneof of %s: give one",
              c->path.s, dot, other != NULL ? other->name : "?", c->path.s, dot, f->name,
              m->descriptor->name);
    return quote_err_set(c->err, LH_EFIELD, msg);
}

static int msg_from_json(cx *c, const ProtobufCMessageDescriptor *desc, const json_t *in,
                         unsigned depth, ProtobufCMessage **out)
{
    *out = NULL;
    if (depth > PBJSON_MAX_DEPTH)
        return fail(c, LH_ETOOBIG, "messages nested deeper than %d", PBJSON_MAX_DEPTH);
    if (!json_is_object(in))
        return fail(c, LH_EFIELD, "expected an object (%s), got %s", desc->name, json_kind(in));
    ProtobufCMessage *m = malloc(desc->sizeof_message);
    if (m == NULL)
        return fail(c, LH_ENOMEM, "out of memory");
    protobuf_c_message_init(desc, m);

    /* jansson's iteration API takes a non-const object; it does not
     * modify it. Objects iterate in insertion order (jansson >= 2.8), so
     * errors name the first offending key of the text. */
    json_t *obj = (json_t *)in;
    int rc = 0;
    for (void *it = json_object_iter(obj); it != NULL; it = json_object_iter_next(obj, it)) {
        const char *key = json_object_iter_key(it);
        size_t klen = json_object_iter_key_len(it);
        const json_t *val = json_object_iter_value(it);
        const ProtobufCFieldDescriptor *f = find_field(desc, key, klen);
        if (f == NULL) {
            rc = unknown_field(c, desc, key, klen);
            break;
        }
        if (json_is_null(val))
            continue;
        if (pbfield_is_oneof(f) && *(uint32_t *)pbfield_at(m, f->quantifier_offset) != 0) {
            rc = oneof_conflict(c, m, f);
            break;
        }
        size_t saved = fieldpath_push_name(&c->path, f->name);
        built b;
        rc = field_build(c, f, val, depth, &b);
        fieldpath_pop(&c->path, saved);
        if (rc != 0)
            break;
        field_commit(m, f, &b);
    }
    if (rc != 0) {
        protobuf_c_message_free_unpacked(m, NULL);
        return rc;
    }
    *out = m;
    return 0;
}

int pbjson_to_message(const ProtobufCMessageDescriptor *desc, const json_t *in,
                      ProtobufCMessage **out, lh_err *err)
{
    if (out != NULL)
        *out = NULL;
    if (desc == NULL || in == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "pbjson_to_message: NULL argument");
    cx c = {.err = err, .root = desc->name};
    return msg_from_json(&c, desc, in, 1, out);
}

int pbjson_parse(const ProtobufCMessageDescriptor *desc, const char *text, size_t len,
                 ProtobufCMessage **out, lh_err *err)
{
    if (out != NULL)
        *out = NULL;
    if (desc == NULL || text == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "pbjson_parse: NULL argument");
    json_error_t je;
    /* Duplicate keys are refused: which of two values a reader believes
     * must not depend on the parser. */
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (j == NULL) {
        char shown[JSON_ERROR_TEXT_LENGTH * 4];
        /* jansson's message may quote the offending token: escape it. */
        return lh_err_set(err, LH_EJSON, "JSON text line %d column %d: %s", je.line, je.column,
                          quote_escape(shown, sizeof shown, je.text, strlen(je.text),
                                       JSON_ERROR_TEXT_LENGTH, false));
    }
    int rc = pbjson_to_message(desc, j, out, err);
    json_decref(j);
    return rc;
}

int pbjson_set_field(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *field,
                     const json_t *value, const char *path, lh_err *err)
{
    bool known = false;
    for (unsigned i = 0; msg != NULL && msg->descriptor != NULL && i < msg->descriptor->n_fields;
         i++)
        known = known || field == &msg->descriptor->fields[i];
    if (!known)
        return lh_err_set(err, LH_EINVAL, "pbjson_set_field: not a field of this message");
    cx c = {.err = err, .root = msg->descriptor->name};
    fieldpath_push_name(&c.path, path != NULL ? path : field->name);
    built b;
    memset(&b, 0, sizeof b);
    if (value != NULL && !json_is_null(value)) {
        int rc = field_build(&c, field, value, 1, &b);
        if (rc != 0)
            return rc;
    }
    pbfield_clear(msg, field);
    if (value != NULL && !json_is_null(value))
        field_commit(msg, field, &b);
    return 0;
}

/* ------------------------------------------------------------------------
 * protobuf -> JSON.
 */

static int msg_to_json(const ProtobufCMessage *m, unsigned flags, unsigned depth, json_t **out);

static json_t *real_to_json(double d)
{
    /* JSON has no NaN or infinities; proto3's JSON mapping spells them so. */
    if (isnan(d))
        return json_string("NaN");
    if (isinf(d))
        return json_string(d > 0 ? "Infinity" : "-Infinity");
    return json_real(d);
}

/* Convert one value of field f (a singular field's storage, or one element
 * of a repeated one). */
static int value_to_json(const ProtobufCFieldDescriptor *f, const void *slot, unsigned flags,
                         unsigned depth, json_t **out)
{
    json_t *j = NULL;
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32: j = json_integer(*(const int32_t *)slot); break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32: j = json_integer(*(const uint32_t *)slot); break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64: j = json_integer(*(const int64_t *)slot); break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: {
        uint64_t v = *(const uint64_t *)slot;
        if (v <= INT64_MAX) {
            j = json_integer((json_int_t)v);
        } else {
            /* A JSON integer beyond int64 is lost by most readers
             * (jansson included): write it as a decimal string. */
            char dec[24];
            snprintf(dec, sizeof dec, "%" PRIu64, v);
            j = json_string(dec);
        }
        break;
    }
    case PROTOBUF_C_TYPE_FLOAT: j = real_to_json(*(const float *)slot); break;
    case PROTOBUF_C_TYPE_DOUBLE: j = real_to_json(*(const double *)slot); break;
    case PROTOBUF_C_TYPE_BOOL: j = json_boolean(*(const protobuf_c_boolean *)slot); break;
    case PROTOBUF_C_TYPE_ENUM: {
        int v = *(const int *)slot;
        const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(f->descriptor, v);
        j = ev != NULL ? json_string(ev->name) : json_integer(v);
        break;
    }
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(const char *const *)slot;
        if (s == NULL)
            s = "";
        size_t len = strlen(s);
        if (!text_utf8_valid((const uint8_t *)s, len))
            return LH_EUTF8;
        j = json_stringn_nocheck(s, len);
        break;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *bd = slot;
        if (bd->len > SIZE_MAX / 2)
            return LH_ETOOBIG;
        char *b64 = malloc(TEXT_B64_LEN(bd->len));
        if (b64 == NULL)
            return LH_ENOMEM;
        size_t n = bd->len > 0 ? text_b64_encode(b64, bd->data, bd->len) : 0;
        b64[n] = '\0';
        j = json_stringn_nocheck(b64, n);
        free(b64);
        break;
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *sub = *(ProtobufCMessage *const *)slot;
        if (sub == NULL)
            return LH_EINVAL;
        return msg_to_json(sub, flags, depth + 1, out);
    }
    }
    if (j == NULL)
        return LH_ENOMEM;
    *out = j;
    return 0;
}

static int field_to_json(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
                         unsigned flags, unsigned depth, json_t **out)
{
    if (f->label != PROTOBUF_C_LABEL_REPEATED)
        return value_to_json(f, pbfield_at(m, f->offset), flags, depth, out);
    json_t *arr = json_array();
    if (arr == NULL)
        return LH_ENOMEM;
    size_t n = pbfield_count(m, f);
    for (size_t i = 0; i < n; i++) {
        json_t *el;
        int rc = value_to_json(f, pbfield_item(m, f, i), flags, depth, &el);
        if (rc == 0 && json_array_append_new(arr, el) != 0)
            rc = LH_ENOMEM;
        if (rc != 0) {
            json_decref(arr);
            return rc;
        }
    }
    *out = arr;
    return 0;
}

/* The value PBJSON_EMIT_DEFAULTS writes for an absent field: the zero
 * value of a proto3 scalar, [] for repeated, null where presence is
 * explicit (messages, proto2 optional), since null reads back as absent. */
static int default_to_json(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
                           unsigned flags, unsigned depth, json_t **out)
{
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        *out = json_array();
    else if (f->label == PROTOBUF_C_LABEL_NONE && f->type != PROTOBUF_C_TYPE_MESSAGE)
        return value_to_json(f, pbfield_at(m, f->offset), flags, depth, out);
    else
        *out = json_null();
    return *out != NULL ? 0 : LH_ENOMEM;
}

static int msg_to_json(const ProtobufCMessage *m, unsigned flags, unsigned depth, json_t **out)
{
    if (depth > PBJSON_MAX_DEPTH)
        return LH_ETOOBIG;
    const ProtobufCMessageDescriptor *desc = m->descriptor;
    if (desc == NULL)
        return LH_EINVAL;
    json_t *obj = json_object();
    if (obj == NULL)
        return LH_ENOMEM;
    /* desc->fields is in field number order, which json_dumps() keeps. */
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &desc->fields[i];
        json_t *v = NULL;
        int rc;
        if (pbfield_present(m, f))
            rc = field_to_json(m, f, flags, depth, &v);
        else if ((flags & PBJSON_EMIT_DEFAULTS) != 0 && !pbfield_is_oneof(f))
            rc = default_to_json(m, f, flags, depth, &v);
        else
            continue;
        if (rc == 0 && json_object_set_new_nocheck(obj, f->name, v) != 0)
            rc = LH_ENOMEM;
        if (rc != 0) {
            json_decref(obj);
            return rc;
        }
    }
    *out = obj;
    return 0;
}

int pbjson_from_message(const ProtobufCMessage *msg, unsigned flags, json_t **out)
{
    if (out != NULL)
        *out = NULL;
    if (msg == NULL || out == NULL)
        return LH_EINVAL;
    return msg_to_json(msg, flags, 1, out);
}

int pbjson_dump(const ProtobufCMessage *msg, unsigned flags, char **text)
{
    if (text != NULL)
        *text = NULL;
    if (text == NULL)
        return LH_EINVAL;
    json_t *j;
    int rc = pbjson_from_message(msg, flags, &j);
    if (rc != 0)
        return rc;
    /* 17 significant digits make every double read back to the same bits. */
    size_t jflags =
        JSON_REAL_PRECISION(17) | ((flags & PBJSON_PRETTY) != 0 ? JSON_INDENT(2) : JSON_COMPACT);
    *text = json_dumps(j, jflags);
    json_decref(j);
    return *text != NULL ? 0 : LH_ENOMEM;
}
