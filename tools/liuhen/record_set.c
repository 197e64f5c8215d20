/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * record_set.c — `--set FIELD=VALUE` on a record's body (record_set.h).
 *
 * A path is split into steps (parse_path), walked through the descriptors
 * from the body's message type in the JSON object of the body (set_in),
 * and the last step gets the JSON value that stands for what was typed
 * (field_value): this file converts "third-party", "2026-05-20 14:30",
 * "是" or "#12" into the value that the mapping of pbjson.h reads, and
 * pbjson then checks the whole new body.
 */
#include "record_set.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "calendar.h"
#include "entry.h"
#include "fieldpath.h"
#include "labels.h"
#include "pbjson_enum.h"
#include "record.h"
#include "suggest.h"
#include "text.h"

/* A --set path has at most this many steps and each name this many bytes;
 * the deepest path of the schema has four (Decision > ResponsiblePerson >
 * Person > name). */
#define SEGS_MAX     8
#define SEG_NAME_MAX 64

/* ------------------------------------------------------------------------
 * --set: the path.
 */

enum seg_mode {
    SEG_LAST,  /* "name": a singular field, or the last item of a list */
    SEG_NEW,   /* "name+": a new item of a list */
    SEG_INDEX, /* "name[N]": item N of a list */
};

typedef struct seg {
    char name[SEG_NAME_MAX]; /* folded: lower case, '_' for '-' */
    enum seg_mode mode;
    size_t index;
} seg;

static int path_syntax(lh_err *err, const char *assignment, const char *why)
{
    char shown[RECORD_QUOTE_CAP];
    return record_err(err, LH_EFIELD,
                      "--set '%s': %s (FIELD=VALUE, FIELD a dotted path of field names such as "
                      "person.name, with NAME+ or NAME[N] for items of a list)",
                      record_quote(shown, assignment), why);
}

/* Split "a.b+.c[2]" (plen bytes) into steps. */
static int parse_path(const char *assignment, size_t plen, seg *segs, size_t *nsegs, lh_err *err)
{
    size_t n = 0, i = 0;
    while (i < plen) {
        if (n == SEGS_MAX)
            return path_syntax(err, assignment, "the path is too deep");
        seg *sg = &segs[n];
        size_t k = 0;
        for (; i < plen; i++) {
            char c = assignment[i];
            /* Bytes beyond ASCII: a field named by its Chinese label (地点). */
            bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-' || (c & 0x80) != 0;
            if (!word)
                break;
            if (k + 1 == sizeof sg->name)
                return path_syntax(err, assignment, "a field name is too long");
            sg->name[k++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c == '-' ? '_' : c;
        }
        sg->name[k] = '\0';
        if (k == 0)
            return path_syntax(err, assignment,
                               i < plen ? "a field name is missing or holds a character other "
                                          "than letters, digits, '_' and '-'"
                                        : "a field name is missing");
        sg->mode = SEG_LAST;
        sg->index = 0;
        if (i < plen && assignment[i] == '+') {
            sg->mode = SEG_NEW;
            i++;
        } else if (i < plen && assignment[i] == '[') {
            size_t start = ++i;
            size_t v = 0;
            for (; i < plen && assignment[i] >= '0' && assignment[i] <= '9'; i++) {
                if (v > 100000)
                    return path_syntax(err, assignment, "an item number is too large");
                v = v * 10 + (size_t)(assignment[i] - '0');
            }
            if (i == start || i == plen || assignment[i] != ']')
                return path_syntax(err, assignment, "[N] takes a number, e.g. responsible[0]");
            i++;
            sg->mode = SEG_INDEX;
            sg->index = v;
        }
        n++;
        if (i < plen) {
            if (assignment[i] != '.')
                return path_syntax(err, assignment,
                                   "a field name holds a character other than letters, digits, "
                                   "'_' and '-'");
            i++;
            if (i == plen)
                return path_syntax(err, assignment, "the path ends with '.'");
        }
    }
    if (n == 0)
        return path_syntax(err, assignment, "no field before '='");
    *nsegs = n;
    return 0;
}

/* " (地点)" after a name, when it has a label; "" otherwise. */
static void label_after(char *buf, size_t cap, const char *label)
{
    snprintf(buf, cap, "%s%s%s", label != NULL ? " (" : "", label != NULL ? label : "",
             label != NULL ? ")" : "");
}

/* "interference.plaec: unknown field; did you mean 'place' (地点)? (known:
 * occurred_at, place, ...)": the suggestion from the fields' names and
 * their Chinese labels (suggest.h). */
static int no_such_field(lh_err *err, const fieldpath *p, const char *name,
                         const ProtobufCMessageDescriptor *d)
{
    char list[RECORD_ERR_MAX / 2];
    size_t o = 0;
    list[0] = '\0';
    suggest s;
    suggest_init(&s, name);
    for (unsigned i = 0; i < d->n_fields && o + 1 < sizeof list; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        suggest_offer(&s, f->name, f);
        suggest_offer(&s, labels_field(d->name, f->name), f);
        int n = snprintf(list + o, sizeof list - o, "%s%s", i > 0 ? ", " : "", f->name);
        if (n < 0)
            break;
        o = (size_t)n < sizeof list - o ? o + (size_t)n : sizeof list - 1;
    }
    const void *tag = NULL;
    char hint[RECORD_QUOTE_CAP + 96] = "", lab[96];
    if (suggest_best(&s, &tag) != NULL) {
        const ProtobufCFieldDescriptor *near = tag;
        label_after(lab, sizeof lab, labels_field(d->name, near->name));
        snprintf(hint, sizeof hint, "; did you mean '%s'%s?", near->name, lab);
    }
    char head[RECORD_QUOTE_PATH_CAP + RECORD_QUOTE_CAP + 256], shown[RECORD_QUOTE_CAP];
    snprintf(head, sizeof head, "%s%s%s: unknown field%s (known: ", p->s, p->len > 0 ? "." : "",
             record_quote(shown, name), hint);
    return record_err_list(err, LH_EUNKNOWNFIELD, head, d->n_fields > 0 ? list : "none", ")");
}

/* The field of d named name, or labelled so in the schema when one field
 * alone is (--set 地点=...). */
static const ProtobufCFieldDescriptor *field_by_name(const ProtobufCMessageDescriptor *d,
                                                     const char *name)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(d, name);
    if (f != NULL || (unsigned char)name[0] < 0x80)
        return f;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const char *l = labels_field(d->name, d->fields[i].name);
        if (l != NULL && strcmp(l, name) == 0) {
            if (f != NULL)
                return NULL;
            f = &d->fields[i];
        }
    }
    return f;
}

/* How a person would call what a field holds, for error messages. */
static const char *field_type_text(const ProtobufCFieldDescriptor *f)
{
    if (record_is_time_field(f))
        return "a time";
    switch (f->type) {
    case PROTOBUF_C_TYPE_MESSAGE: return "a message";
    case PROTOBUF_C_TYPE_ENUM: return "a choice";
    case PROTOBUF_C_TYPE_STRING: return "a text";
    case PROTOBUF_C_TYPE_BOOL: return "a yes/no";
    case PROTOBUF_C_TYPE_BYTES: return "a hash or key";
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE: return "a number";
    default: return "an integer";
    }
}

/* ------------------------------------------------------------------------
 * --set: the value.
 */

/* The bytes fields that hold the entry id of another entry of the log
 * (liuhen.proto: "entry id of the ..."), which "#INDEX" may name. A field
 * not listed (a public key, say) never gets an entry id by mistake. */
static const struct {
    const char *message;
    const char *field;
} entry_id_fields[] = {
    {"liuhen.Transfer", "complaint"},      {"liuhen.Reply", "complaint"},
    {"liuhen.ReviewOrder", "decision"},    {"liuhen.Appeal", "decision"},
    {"liuhen.Notification", "concerns"},   {"liuhen.Correction", "corrects"},
    {"liuhen.Notification", "approval"},   {"liuhen.Notification", "incidents"},
    {"liuhen.Decision", "recommendation"}, {"liuhen.Decision", "statements_heard"},
    {"liuhen.Report", "concerns"},         {"liuhen.SupervisionCheck", "concerns"},
    {"liuhen.Service", "decision"},        {"liuhen.Approval", "concerns"},
};

bool record_is_entry_id_field(const ProtobufCMessageDescriptor *d,
                              const ProtobufCFieldDescriptor *f)
{
    for (size_t i = 0; i < sizeof entry_id_fields / sizeof entry_id_fields[0]; i++) {
        if (strcmp(d->name, entry_id_fields[i].message) == 0 &&
            strcmp(f->name, entry_id_fields[i].field) == 0)
            return true;
    }
    return false;
}

static int enum_value(const ProtobufCFieldDescriptor *f, const char *where, const char *v,
                      json_t **out, lh_err *err)
{
    const ProtobufCEnumDescriptor *ed = f->descriptor;
    int n;
    const ProtobufCEnumValue *found = NULL;
    if (pbjson_find_enum_value(ed, v, &n) == 0) {
        found = protobuf_c_enum_descriptor_get_value(ed, n);
    } else if ((unsigned char)v[0] >= 0x80) {
        /* The value's Chinese term, when it is one value's alone (电话). */
        for (unsigned i = 0; i < ed->n_values; i++) {
            const char *l = labels_enum(ed->name, ed->values[i].name);
            if (ed->values[i].value != 0 && l != NULL && strcmp(l, v) == 0) {
                if (found != NULL) {
                    found = NULL;
                    break;
                }
                found = &ed->values[i];
            }
        }
    }
    if (found != NULL) {
        *out = json_string(found->name);
        return *out != NULL ? 0 : record_err(err, LH_ENOMEM, "%s: out of memory", where);
    }
    /* The short names people type, without the "not stated" value 0
     * (which is what leaving the field out means), and the closest of
     * them, or of their Chinese terms. */
    char list[RECORD_ERR_MAX / 2];
    pbjson_enum_list(ed, true, list, sizeof list);
    suggest s;
    suggest_init(&s, v);
    char names[32][64];
    size_t nn = 0;
    for (unsigned i = 0; i < ed->n_values && nn < 32; i++) {
        const ProtobufCEnumValue *ev = &ed->values[i];
        if (ev->value == 0 || pbjson_enum_short_name(ed, ev, names[nn], sizeof names[nn]) != 0)
            continue;
        suggest_offer(&s, names[nn++], ev);
        suggest_offer(&s, ev->name, ev);
        suggest_offer(&s, labels_enum(ed->name, ev->name), ev);
    }
    const void *tag = NULL;
    char hint[256] = "", lab[96], sn[64];
    if (suggest_best(&s, &tag) != NULL) {
        const ProtobufCEnumValue *near = tag;
        label_after(lab, sizeof lab, labels_enum(ed->name, near->name));
        if (pbjson_enum_short_name(ed, near, sn, sizeof sn) != 0)
            snprintf(sn, sizeof sn, "%s", near->name);
        snprintf(hint, sizeof hint, "; did you mean '%s'%s?", sn, lab);
    }
    char head[RECORD_QUOTE_PATH_CAP + RECORD_QUOTE_CAP + 32], shown[RECORD_QUOTE_CAP];
    snprintf(head, sizeof head, "%s: '%s' is not one of: ", where, record_quote(shown, v));
    return record_err_list(err, LH_EFIELD, head, list, hint);
}

static int bool_value(const char *where, const char *v, json_t **out, lh_err *err)
{
    static const char *const yes[] = {"true", "1", "yes", "是"};
    static const char *const no[] = {"false", "0", "no", "否"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(v, yes[i]) == 0 || strcasecmp(v, no[i]) == 0) {
            *out = json_boolean(strcasecmp(v, yes[i]) == 0);
            return 0;
        }
    }
    char shown[RECORD_QUOTE_CAP];
    return record_err(err, LH_EFIELD,
                      "%s: '%s' is not a yes/no (accepted: true, false, 1, 0, yes, no, 是, 否)",
                      where, record_quote(shown, v));
}

static int bytes_value(const ProtobufCMessageDescriptor *d, const ProtobufCFieldDescriptor *f,
                       const char *where, const char *v, const record_opts *opts, json_t **out,
                       lh_err *err)
{
    char shown[RECORD_QUOTE_CAP];
    bool leaf = record_is_entry_id_field(d, f);
    const char *what = leaf ? "an entry id" : "an Ed25519 key or hash";
    uint8_t bin[ENTRY_HASH_BYTES];
    if (v[0] == '#') {
        if (!leaf)
            return record_err(
                err, LH_EFIELD,
                "%s: '#INDEX' names a log entry, but this field holds %s: give 32 bytes "
                "in standard base64",
                where, what);
        const char *dig = v + 1;
        size_t n = strlen(dig);
        uint64_t index = 0;
        bool ok = n > 0 && strspn(dig, "0123456789") == n && (dig[0] != '0' || n == 1);
        for (size_t i = 0; ok && i < n; i++) {
            unsigned dv = (unsigned)(dig[i] - '0');
            if (index > (UINT64_MAX - dv) / 10)
                ok = false;
            else
                index = index * 10 + dv;
        }
        if (!ok)
            return record_err(
                err, LH_EFIELD,
                "%s: '%s' is not #INDEX (# and the entry's index in the log, e.g. #12)", where,
                record_quote(shown, v));
        if (opts == NULL || opts->resolve_index == NULL)
            return record_err(err, LH_EINVAL,
                              "%s: '#%" PRIu64
                              "' names a log entry by index, which needs the log to "
                              "resolve; give its entry id in base64",
                              where, index);
        int rc = opts->resolve_index(opts->ctx, index, bin);
        if (rc != 0)
            return record_err(err, rc, "%s: cannot resolve #%" PRIu64 " to an entry id: %s", where,
                              index, lh_strerror(rc));
    } else {
        size_t n;
        int rc = text_b64_decode(bin, sizeof bin, &n, v, strlen(v), sizeof bin);
        if (rc != 0)
            return record_err(err, LH_EFIELD,
                              "%s: '%s' is not %s: give 32 bytes in standard base64 (44 characters "
                              "ending in '=')%s",
                              where, record_quote(shown, v), what,
                              leaf ? ", or #INDEX for the log's entry INDEX" : "");
    }
    char b64[TEXT_B64_LEN(ENTRY_HASH_BYTES)];
    text_b64_encode(b64, bin, sizeof bin);
    *out = json_string(b64);
    return *out != NULL ? 0 : record_err(err, LH_ENOMEM, "%s: out of memory", where);
}

static int int_value(const ProtobufCFieldDescriptor *f, const char *where, const char *v,
                     json_t **out, lh_err *err)
{
    bool is_signed, wide;
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32: is_signed = true, wide = false; break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64: is_signed = true, wide = true; break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32: is_signed = false, wide = false; break;
    default: is_signed = false, wide = true; break;
    }
    uint64_t max = wide ? (is_signed ? (uint64_t)INT64_MAX : UINT64_MAX)
                        : (is_signed ? (uint64_t)INT32_MAX : UINT32_MAX);
    uint64_t min_mag = !is_signed ? 0 : wide ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT32_MAX + 1;
    char shown[RECORD_QUOTE_CAP];
    const char *s = v;
    bool neg = *s == '-';
    if (neg)
        s++;
    size_t n = strlen(s);
    if (n == 0 || strspn(s, "0123456789") != n)
        return record_err(err, LH_EFIELD, "%s: '%s' is not a decimal integer", where,
                          record_quote(shown, v));
    uint64_t mag = 0;
    bool over = false;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (mag > (UINT64_MAX - d) / 10)
            over = true;
        else
            mag = mag * 10 + d;
    }
    if (over || (neg && mag > min_mag) || (!neg && mag > max))
        return record_err(err, LH_EFIELD, "%s: '%s' is out of range (%s%" PRIu64 " to %" PRIu64 ")",
                          where, record_quote(shown, v), min_mag > 0 ? "-" : "", min_mag, max);
    if (!neg && mag > (uint64_t)INT64_MAX) {
        /* pbjson reads a 64-bit integer from a decimal string too, which
         * is how a value beyond json_int_t gets through. */
        char dec[24];
        snprintf(dec, sizeof dec, "%" PRIu64, mag);
        *out = json_string(dec);
    } else {
        *out = json_integer(neg ? (mag > 0 ? -(json_int_t)(mag - 1) - 1 : 0) : (json_int_t)mag);
    }
    return *out != NULL ? 0 : record_err(err, LH_ENOMEM, "%s: out of memory", where);
}

static int real_value(const char *where, const char *v, json_t **out, lh_err *err)
{
    char shown[RECORD_QUOTE_CAP];
    char *end = NULL;
    errno = 0;
    double d = strtod(v, &end);
    if (v[0] == '\0' || end == NULL || *end != '\0' || errno != 0 || !isfinite(d))
        return record_err(err, LH_EFIELD, "%s: '%s' is not a finite decimal number", where,
                          record_quote(shown, v));
    *out = json_real(d);
    return *out != NULL ? 0 : record_err(err, LH_ENOMEM, "%s: out of memory", where);
}

/* The JSON value that stands for v in field f of message d, by the rules
 * at the top of record.h. */
static int field_value(const ProtobufCMessageDescriptor *d, const ProtobufCFieldDescriptor *f,
                       fieldpath *p, const char *v, const record_opts *opts, json_t **out,
                       lh_err *err)
{
    const char *where = p->s;
    char shown[RECORD_QUOTE_CAP];
    *out = NULL;
    if (record_is_time_field(f)) {
        int64_t ms;
        int rc = calendar_parse_time(where, v, &ms, err);
        if (rc != 0)
            return rc;
        *out = json_integer(ms);
        return *out != NULL ? 0 : record_err(err, LH_ENOMEM, "%s: out of memory", where);
    }
    switch (f->type) {
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessageDescriptor *md = f->descriptor;
        json_error_t je;
        json_t *j = json_loads(v, JSON_REJECT_DUPLICATES, &je);
        if (j == NULL || !json_is_object(j)) {
            json_decref(j);
            return record_err(
                err, LH_EJSON,
                "%s is a message (%s): set its fields one by one (%s.%s=...) or give a "
                "JSON object, not '%s'",
                where, md->name, where, md->n_fields > 0 ? md->fields[0].name : "field",
                record_quote(shown, v));
        }
        int rc = record_json_times(md, j, p, err);
        if (rc != 0) {
            json_decref(j);
            return rc;
        }
        *out = j;
        return 0;
    }
    case PROTOBUF_C_TYPE_ENUM: return enum_value(f, where, v, out, err);
    case PROTOBUF_C_TYPE_BOOL: return bool_value(where, v, out, err);
    case PROTOBUF_C_TYPE_BYTES: return bytes_value(d, f, where, v, opts, out, err);
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE: return real_value(where, v, out, err);
    case PROTOBUF_C_TYPE_STRING: {
        size_t len = strlen(v);
        /* jansson would refuse invalid UTF-8 by returning NULL, which
         * cannot be told from a failed allocation. */
        if (!text_utf8_valid((const uint8_t *)v, len))
            return record_err(err, LH_EUTF8, "%s: the text is not valid UTF-8", where);
        *out = json_stringn(v, len);
        return *out != NULL ? 0 : record_err(err, LH_ENOMEM, "%s: out of memory", where);
    }
    default: return int_value(f, where, v, out, err);
    }
}

/* ------------------------------------------------------------------------
 * --set: the walk.
 */

static int not_a_list(lh_err *err, const fieldpath *p)
{
    return record_err(err, LH_EFIELD,
                      "%s is not a list: NAME+ and NAME[N] apply to repeated fields only", p->s);
}

static int list_full(lh_err *err, const fieldpath *p)
{
    return record_err(err, LH_EFIELD, "%s: already %d items, the most a list of a record holds",
                      p->s, ENTRY_REPEATED_MAX);
}

static int no_such_item(lh_err *err, const fieldpath *p, const seg *sg, size_t n)
{
    if (n == 0)
        return record_err(err, LH_EFIELD, "%s[%zu]: the list is empty; %s+ adds an item", p->s,
                          sg->index, sg->name);
    return record_err(err, LH_EFIELD, "%s[%zu]: the list has %zu item%s (0 to %zu); %s+ adds one",
                      p->s, sg->index, n, n == 1 ? "" : "s", n - 1, sg->name);
}

/* The array of a repeated field in obj, created empty if absent. */
static json_t *list_of(json_t *obj, const ProtobufCFieldDescriptor *f)
{
    json_t *arr = json_object_get(obj, f->name);
    if (json_is_array(arr))
        return arr;
    arr = json_array();
    if (arr == NULL || json_object_set_new(obj, f->name, arr) != 0)
        return NULL;
    return arr;
}

/* Walk segs[0..n) through the descriptors from message d, in the JSON
 * object obj of that message, and set the last step to value v. */
static int set_in(const ProtobufCMessageDescriptor *d, json_t *obj, const seg *segs, size_t n,
                  fieldpath *p, const char *v, const record_opts *opts, lh_err *err)
{
    for (size_t i = 0; i < n; i++) {
        const seg *sg = &segs[i];
        const ProtobufCFieldDescriptor *f = field_by_name(d, sg->name);
        if (f == NULL)
            return no_such_field(err, p, sg->name, d);
        fieldpath_push_name(p, f->name);
        bool repeated = f->label == PROTOBUF_C_LABEL_REPEATED;
        if (!repeated && sg->mode != SEG_LAST)
            return not_a_list(err, p);
        if (i + 1 < n) {
            if (f->type != PROTOBUF_C_TYPE_MESSAGE)
                return record_err(err, LH_EFIELD, "%s is %s, not a message: it has no field '%s'",
                                  p->s, field_type_text(f), segs[i + 1].name);
            json_t *next;
            if (repeated) {
                json_t *arr = list_of(obj, f);
                if (arr == NULL)
                    return record_err(err, LH_ENOMEM, "%s: out of memory", p->s);
                size_t len = json_array_size(arr);
                size_t at;
                if (sg->mode == SEG_INDEX) {
                    if (sg->index >= len)
                        return no_such_item(err, p, sg, len);
                    at = sg->index;
                } else if (sg->mode == SEG_NEW || len == 0) {
                    /* "name+" starts an item; a path through an empty
                     * list starts its first one. */
                    if (len >= ENTRY_REPEATED_MAX)
                        return list_full(err, p);
                    if (json_array_append_new(arr, json_object()) != 0)
                        return record_err(err, LH_ENOMEM, "%s: out of memory", p->s);
                    at = len;
                } else {
                    at = len - 1;
                }
                fieldpath_push_index(p, at);
                next = json_array_get(arr, at);
            } else {
                next = json_object_get(obj, f->name);
                if (!json_is_object(next)) {
                    next = json_object();
                    if (next == NULL || json_object_set_new(obj, f->name, next) != 0)
                        return record_err(err, LH_ENOMEM, "%s: out of memory", p->s);
                }
            }
            obj = next;
            d = f->descriptor;
            continue;
        }

        /* The last step: the field to set. */
        json_t *arr = NULL;
        size_t len = 0;
        if (repeated) {
            arr = list_of(obj, f);
            if (arr == NULL)
                return record_err(err, LH_ENOMEM, "%s: out of memory", p->s);
            len = json_array_size(arr);
            if (sg->mode == SEG_INDEX && sg->index >= len)
                return no_such_item(err, p, sg, len);
            if (sg->mode != SEG_INDEX && len >= ENTRY_REPEATED_MAX)
                return list_full(err, p);
            if (sg->mode == SEG_INDEX)
                fieldpath_push_index(p, sg->index);
        }
        json_t *value;
        int rc = field_value(d, f, p, v, opts, &value, err);
        if (rc != 0)
            return rc;
        if (!repeated)
            rc = json_object_set_new(obj, f->name, value);
        else if (sg->mode == SEG_INDEX)
            rc = json_array_set_new(arr, sg->index, value);
        else
            rc = json_array_append_new(arr, value);
        return rc == 0 ? 0 : record_err(err, LH_ENOMEM, "%s: out of memory", p->s);
    }
    return 0;
}

int record_set(Liuhen__Entry *e, const char *assignment, const record_opts *opts, lh_err *err)
{
    if (e == NULL || assignment == NULL)
        return record_err(err, LH_EINVAL, "record_set: NULL argument");
    const ProtobufCFieldDescriptor *fb;
    int rc = record_body_field(e, &fb, err);
    if (rc != 0)
        return rc;
    const char *eq = strchr(assignment, '=');
    if (eq == NULL)
        return path_syntax(err, assignment, "no '='");
    seg segs[SEGS_MAX];
    size_t n = 0;
    rc = parse_path(assignment, (size_t)(eq - assignment), segs, &n, err);
    if (rc != 0)
        return rc;
    const ProtobufCMessageDescriptor *bd = fb->descriptor;
    /* "interference.person.name" names the same field as "person.name"
     * when the body has no field called "interference" (none does). */
    const seg *start = segs;
    if (n > 1 && segs[0].mode == SEG_LAST && strcmp(segs[0].name, fb->name) == 0 &&
        protobuf_c_message_descriptor_get_field_by_name(bd, fb->name) == NULL) {
        start++;
        n--;
    }
    json_t *body;
    rc = record_body_to_json(e, fb, &body, err);
    if (rc != 0)
        return rc;
    fieldpath p;
    fieldpath_init(&p, fb->name);
    rc = set_in(bd, body, start, n, &p, eq + 1, opts, err);
    if (rc == 0)
        rc = record_body_from_json(e, fb, body, err);
    json_decref(body);
    return rc;
}
