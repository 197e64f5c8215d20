/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * record.c — the record of `liuhen append`: its kind, its case, its body
 * read and written as JSON, --json, refs and the check before signing
 * (record.h).
 *
 * The body is edited as JSON: record_merge_json() (and record_set(), in
 * record_set.c) turn the current body into a JSON object
 * (pbjson_from_message()), change that object, and build the whole new body
 * from it with pbjson_set_field(), which validates every field and replaces
 * the old body only when the new one is complete. So the record is never
 * half-changed, and the rules of one mapping (pbjson.h)
 * decide what a field accepts. Times are the one value read beyond that
 * mapping: a string in any form calendar_parse_time() reads.
 */
#include "record.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "calendar.h"
#include "entry.h"
#include "fileio.h"
#include "kind.h"
#include "pbjson.h"
#include "quote.h"
#include "suggest.h"
#include "text.h"
#include "validate.h"

/* Room for a kind's proto name in lower case ("investigation_assigned"). */
#define KIND_NAME_MAX 64

/* The deepest JSON walked when times are read from strings; pbjson refuses
 * deeper nesting itself. */
#define WALK_DEPTH_MAX PBJSON_MAX_DEPTH

/* ------------------------------------------------------------------------
 * Error sentences.
 */

int record_err(lh_err *err, int code, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    char msg[RECORD_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return quote_err_set(err, code, msg);
}

int record_err_list(lh_err *err, int code, const char *head, const char *list, const char *tail)
{
    /* What lh_err holds, less the "..." quote_err_set() would add. */
    size_t room = LH_ERR_MSG_MAX - 4, nh = strlen(head), nl = strlen(list), nt = strlen(tail);
    if (nh + nl + nt <= room)
        return record_err(err, code, "%s%s%s", head, list, tail);
    /* Cut the list at the last item that fits, so that the tail (a
     * suggestion, a closing parenthesis) is always read. */
    static const char more[] = ", ...";
    size_t keep = nh + nt + sizeof more - 1 < room ? room - nh - nt - (sizeof more - 1) : 0;
    if (keep > nl)
        keep = nl;
    while (keep > 0 && strncmp(list + keep, ", ", 2) != 0)
        keep--;
    return record_err(err, code, "%s%.*s%s%s", head, (int)keep, list, keep > 0 ? more : "...",
                      tail);
}

const char *record_quote(char dst[RECORD_QUOTE_CAP], const char *s)
{
    return quote_escape(dst, RECORD_QUOTE_CAP, s, strlen(s), RECORD_QUOTE_MAX, true);
}

const char *record_quote_path(char dst[RECORD_QUOTE_PATH_CAP], const char *s)
{
    return quote_escape(dst, RECORD_QUOTE_PATH_CAP, s, strlen(s), RECORD_QUOTE_PATH_MAX, false);
}

/* ------------------------------------------------------------------------
 * Kinds.
 */

/* The CLI names of the kinds of case records, in the order the help lists
 * them. Key management has commands of its own (`liuhen enroll`, `liuhen
 * revoke`). */
static const char *const cli_names[] = {
    [LIUHEN__KIND__KIND_INTERFERENCE] = "interference",
    [LIUHEN__KIND__KIND_GUIDANCE] = "guidance",
    [LIUHEN__KIND__KIND_COMPLAINT] = "complaint",
    [LIUHEN__KIND__KIND_TRANSFER] = "transfer",
    [LIUHEN__KIND__KIND_REPLY] = "reply",
    [LIUHEN__KIND__KIND_INVESTIGATION_ASSIGNED] = "investigation-assigned",
    [LIUHEN__KIND__KIND_INVESTIGATION_STEP] = "investigation-step",
    [LIUHEN__KIND__KIND_DECISION] = "decision",
    [LIUHEN__KIND__KIND_REVIEW_ORDER] = "review-order",
    [LIUHEN__KIND__KIND_APPEAL] = "appeal",
    [LIUHEN__KIND__KIND_NOTIFICATION] = "notification",
    [LIUHEN__KIND__KIND_CORRECTION] = "correction",
    [LIUHEN__KIND__KIND_CASE_CLOSED] = "case-closed",
    [LIUHEN__KIND__KIND_REPORT] = "report",
    [LIUHEN__KIND__KIND_RECOMMENDATION] = "recommendation",
    [LIUHEN__KIND__KIND_SUPERVISION_CHECK] = "supervision-check",
    [LIUHEN__KIND__KIND_SERVICE] = "service",
    [LIUHEN__KIND__KIND_APPROVAL] = "approval",
};

#define N_CLI_NAMES (sizeof cli_names / sizeof cli_names[0])

const char *record_kind_cli_name(Liuhen__Kind kind)
{
    if ((int)kind <= 0 || (size_t)kind >= N_CLI_NAMES)
        return NULL;
    return cli_names[kind];
}

const char *record_kinds_list(void)
{
    /* Built from cli_names: "interference, guidance, ..., approval". */
    static char list[512];
    if (list[0] == '\0') {
        size_t n = 0;
        for (size_t i = 0; i < N_CLI_NAMES; i++)
            if (cli_names[i] != NULL)
                n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", n > 0 ? ", " : "",
                                      cli_names[i]);
    }
    return list;
}

void record_kinds_help(FILE *f, size_t indent, size_t width)
{
    size_t col = 0;
    for (size_t i = 0; i < N_CLI_NAMES; i++) {
        if (cli_names[i] == NULL)
            continue;
        char item[128];
        const char *zh = kind_label_zh((Liuhen__Kind)i);
        bool last = true;
        for (size_t j = i + 1; j < N_CLI_NAMES; j++)
            last = last && cli_names[j] == NULL;
        snprintf(item, sizeof item, "%s (%s)%s", cli_names[i], zh, last ? "" : ",");
        size_t w = text_columns(item);
        if (col > 0 && col + 1 + w > width) {
            fputc('\n', f);
            col = 0;
        }
        if (col == 0) {
            fprintf(f, "%*s", (int)indent, "");
            col = indent;
        } else {
            fputc(' ', f);
            col++;
        }
        fputs(item, f);
        col += w;
    }
    fputc('\n', f);
}

/* Whether name is the label, or one of its '/'-separated parts ("陈述申辩/申诉"
 * is named by "陈述申辩" and by "申诉" too). */
static bool label_matches(const char *label, const char *name)
{
    if (strcmp(label, name) == 0)
        return true;
    size_t n = strlen(name);
    for (const char *p = label; *p != '\0';) {
        size_t part = strcspn(p, "/");
        if (part == n && n > 0 && memcmp(p, name, n) == 0)
            return true;
        p += part;
        if (*p == '/')
            p++;
    }
    return false;
}

int record_kind_from_cli(const char *name, Liuhen__Kind *kind)
{
    if (name == NULL || kind == NULL)
        return LH_EINVAL;
    /* kind_from_name() reads CLI names and proto names alike: ASCII
     * case folded, '-' for '_', "KIND_" optional. */
    Liuhen__Kind k = kind_from_name(name);
    if (record_kind_cli_name(k) != NULL) {
        *kind = k;
        return 0;
    }
    for (size_t i = 1; i < N_CLI_NAMES; i++) {
        if (cli_names[i] != NULL && label_matches(kind_label_zh((Liuhen__Kind)i), name)) {
            *kind = (Liuhen__Kind)i;
            return 0;
        }
    }
    return LH_ENOTFOUND;
}

int record_kind_suggest(const char *name, Liuhen__Kind *kind)
{
    if (name == NULL || kind == NULL)
        return LH_EINVAL;
    /* "KIND_INTERFERANCE": the name after the prefix is what was mistyped. */
    const char *typed = name;
    if (strlen(name) > 5 && strncasecmp(name, "kind", 4) == 0 && (name[4] == '_' || name[4] == '-'))
        typed = name + 5;
    suggest s;
    suggest_init(&s, typed);
    /* The parts of labels, alive until the suggestion is read. */
    char parts[8][64];
    size_t np = 0;
    for (size_t i = 1; i < N_CLI_NAMES; i++) {
        if (cli_names[i] == NULL)
            continue;
        suggest_offer(&s, cli_names[i], &cli_names[i]);
        /* The label, and each part of a label with a '/' ("陈述申辩/申诉"). */
        const char *label = kind_label_zh((Liuhen__Kind)i);
        suggest_offer(&s, label, &cli_names[i]);
        if (strchr(label, '/') != NULL) {
            for (const char *p = label; *p != '\0' && np < 8;) {
                size_t n = strcspn(p, "/");
                if (n < sizeof parts[0]) {
                    memcpy(parts[np], p, n);
                    parts[np][n] = '\0';
                    suggest_offer(&s, parts[np++], &cli_names[i]);
                }
                p += n + (p[n] == '/');
            }
        }
    }
    const void *tag;
    if (suggest_best(&s, &tag) == NULL)
        return LH_ENOTFOUND;
    *kind = (Liuhen__Kind)((const char *const *)tag - cli_names);
    return 0;
}

/* ------------------------------------------------------------------------
 * The body as JSON.
 */

/* The member of Entry's body oneof that a kind carries: by name, the kind's
 * name in lower case ("INVESTIGATION_STEP" -> investigation_step), so that
 * a kind added to liuhen.proto needs nothing here. */
static const ProtobufCFieldDescriptor *body_field(Liuhen__Kind kind)
{
    if (kind == LIUHEN__KIND__KIND_UNSPECIFIED)
        return NULL;
    const char *name = kind_name(kind);
    char lower[KIND_NAME_MAX];
    size_t n = strlen(name);
    if (n >= sizeof lower)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        lower[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] - 'A' + 'a') : name[i];
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(&liuhen__entry__descriptor, lower);
    if (f == NULL || f->type != PROTOBUF_C_TYPE_MESSAGE ||
        (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0)
        return NULL;
    return f;
}

int record_body_field(const Liuhen__Entry *e, const ProtobufCFieldDescriptor **out, lh_err *err)
{
    const ProtobufCFieldDescriptor *fb = body_field(e->kind);
    if (fb == NULL)
        return record_err(err, LH_EKIND,
                          "record: kind %d has no body to fill (make the record with "
                          "record_new() and a kind of liuhen.proto)",
                          (int)e->kind);
    if (e->body_case != LIUHEN__ENTRY__BODY__NOT_SET && e->body_case != fb->id)
        return record_err(err, LH_EKIND, "record: the kind is %s but the body is not '%s'",
                          kind_name(e->kind), fb->name);
    *out = fb;
    return 0;
}

int record_body_to_json(Liuhen__Entry *e, const ProtobufCFieldDescriptor *fb, json_t **out,
                        lh_err *err)
{
    ProtobufCMessage *body = e->body_case == fb->id ? entry_body_of(e) : NULL;
    if (body == NULL) {
        *out = json_object();
        return *out != NULL ? 0 : record_err(err, LH_ENOMEM, "%s: out of memory", fb->name);
    }
    int rc = pbjson_from_message(body, 0, out);
    if (rc != 0)
        return record_err(err, rc, "%s: the record's body cannot be read back: %s", fb->name,
                          lh_strerror(rc));
    return 0;
}

int record_body_from_json(Liuhen__Entry *e, const ProtobufCFieldDescriptor *fb, const json_t *j,
                          lh_err *err)
{
    return pbjson_set_field(&e->base, fb, j, fb->name, err);
}

/* ------------------------------------------------------------------------
 * record_new.
 */

static bool is_key_management(Liuhen__Kind kind)
{
    return kind == LIUHEN__KIND__KIND_KEY_ENROLL || kind == LIUHEN__KIND__KIND_KEY_REVOKE;
}

/* The quick checks of a case id, so that a wrong --case is named before
 * anything else happens; validate_entry() applies the full rule (no Unicode
 * blank or invisible character either). */
static int check_case_id(Liuhen__Kind kind, const char *case_id, lh_err *err)
{
    char shown[RECORD_QUOTE_CAP];
    size_t len = case_id != NULL ? strlen(case_id) : 0;
    if (is_key_management(kind)) {
        if (len > 0)
            return record_err(err, LH_EFIELD,
                              "case_id: must be empty for %s (key management belongs to no case)",
                              kind_name(kind));
        return 0;
    }
    if (len == 0)
        return record_err(err, LH_EFIELD, "case_id: required: the case the %s record belongs to",
                          kind_name(kind));
    if (len > ENTRY_CASE_ID_MAX)
        return record_err(err, LH_EFIELD, "case_id: %zu bytes, at most %d", len, ENTRY_CASE_ID_MAX);
    if (!text_utf8_valid((const uint8_t *)case_id, len))
        return record_err(err, LH_EUTF8, "case_id: '%s' is not valid UTF-8",
                          record_quote(shown, case_id));
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)case_id[i];
        if (c <= 0x20 || c == 0x7F)
            return record_err(
                err, LH_EFIELD,
                "case_id: '%s' holds a blank or control character at byte %zu (a case id "
                "is one visible token, e.g. QJ-2026-7)",
                record_quote(shown, case_id), i);
    }
    return 0;
}

int record_new(Liuhen__Kind kind, const char *case_id, Liuhen__Entry **out, lh_err *err)
{
    if (out == NULL)
        return record_err(err, LH_EINVAL, "record_new: NULL argument");
    *out = NULL;
    const ProtobufCFieldDescriptor *fb = body_field(kind);
    if (fb == NULL)
        return record_err(err, LH_EKIND, "kind: %d is not a record kind (accepted: %s)", (int)kind,
                          record_kinds_list());
    int rc = check_case_id(kind, case_id, err);
    if (rc != 0)
        return rc;
    Liuhen__Entry *e = malloc(sizeof *e);
    if (e == NULL)
        return record_err(err, LH_ENOMEM, "record: out of memory");
    liuhen__entry__init(e);
    e->kind = kind;
    if (case_id != NULL && case_id[0] != '\0') {
        /* The initialiser points case_id at protobuf-c's shared empty
         * string, which free_unpacked() leaves alone; a copy replaces it. */
        e->case_id = strdup(case_id);
        if (e->case_id == NULL) {
            free(e);
            return record_err(err, LH_ENOMEM, "record: out of memory");
        }
    }
    json_t *empty = json_object();
    rc = empty != NULL ? record_body_from_json(e, fb, empty, err) : LH_ENOMEM;
    json_decref(empty);
    if (rc != 0) {
        liuhen__entry__free_unpacked(e, NULL);
        return rc == LH_ENOMEM ? record_err(err, rc, "record: out of memory") : rc;
    }
    *out = e;
    return 0;
}

/* ------------------------------------------------------------------------
 * Times (calendar.h reads them).
 */

bool record_is_time_field(const ProtobufCFieldDescriptor *f)
{
    size_t n = strlen(f->name);
    return (f->type == PROTOBUF_C_TYPE_INT64 || f->type == PROTOBUF_C_TYPE_SINT64 ||
            f->type == PROTOBUF_C_TYPE_SFIXED64) &&
           n > 3 && strcmp(f->name + n - 3, "_at") == 0;
}

/* One time value of JSON: a string in any form calendar_parse_time() reads
 * becomes an integer; an integer is held to the same rule as typed digits.
 * Other JSON types are left to pbjson, which says what the field takes. */
static int time_read(const char *where, const json_t *v, json_t **out, lh_err *err)
{
    *out = NULL;
    int64_t ms;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (strlen(s) != json_string_length(v))
            return calendar_time_error(err, where, s, "holds a NUL character", true);
        int rc = calendar_parse_time(where, s, &ms, err);
        if (rc != 0)
            return rc;
    } else if (json_is_integer(v)) {
        json_int_t n = json_integer_value(v);
        if (n < 0 || (n != 0 && n < CALENDAR_MS_PLAUSIBLE_MIN)) {
            char digits_text[32];
            snprintf(digits_text, sizeof digits_text, "%" JSON_INTEGER_FORMAT, n);
            return calendar_time_error(err, where, digits_text,
                                       n < 0 ? "is before 1970"
                                             : "is before March 1973 in milliseconds: if it is in "
                                               "seconds, multiply it by 1000",
                                       false);
        }
        return 0;
    } else {
        return 0;
    }
    *out = json_integer(ms);
    return *out != NULL ? 0 : record_err(err, LH_ENOMEM, "%s: out of memory", where);
}

/* record_json_times() on an object depth messages deep. */
static int times_read(const ProtobufCMessageDescriptor *d, json_t *obj, fieldpath *p,
                      unsigned depth, lh_err *err)
{
    if (!json_is_object(obj) || depth > WALK_DEPTH_MAX)
        return 0;
    for (void *it = json_object_iter(obj); it != NULL; it = json_object_iter_next(obj, it)) {
        const char *key = json_object_iter_key(it);
        if (strlen(key) != json_object_iter_key_len(it))
            continue;
        const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(d, key);
        if (f == NULL)
            continue;
        json_t *v = json_object_iter_value(it);
        size_t saved = fieldpath_push_name(p, f->name);
        int rc = 0;
        if (record_is_time_field(f) && f->label != PROTOBUF_C_LABEL_REPEATED) {
            json_t *nv;
            rc = time_read(p->s, v, &nv, err);
            if (rc == 0 && nv != NULL && json_object_iter_set_new(obj, it, nv) != 0)
                rc = record_err(err, LH_ENOMEM, "%s: out of memory", p->s);
        } else if (record_is_time_field(f) && json_is_array(v)) {
            for (size_t i = 0; rc == 0 && i < json_array_size(v); i++) {
                size_t s2 = fieldpath_push_index(p, i);
                json_t *nv;
                rc = time_read(p->s, json_array_get(v, i), &nv, err);
                if (rc == 0 && nv != NULL && json_array_set_new(v, i, nv) != 0)
                    rc = record_err(err, LH_ENOMEM, "%s: out of memory", p->s);
                fieldpath_pop(p, s2);
            }
        } else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
            if (f->label == PROTOBUF_C_LABEL_REPEATED && json_is_array(v)) {
                for (size_t i = 0; rc == 0 && i < json_array_size(v); i++) {
                    size_t s2 = fieldpath_push_index(p, i);
                    rc = times_read(f->descriptor, json_array_get(v, i), p, depth + 1, err);
                    fieldpath_pop(p, s2);
                }
            } else {
                rc = times_read(f->descriptor, v, p, depth + 1, err);
            }
        }
        fieldpath_pop(p, saved);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int record_json_times(const ProtobufCMessageDescriptor *d, json_t *obj, fieldpath *p, lh_err *err)
{
    return times_read(d, obj, p, 1, err);
}

/* ------------------------------------------------------------------------
 * JSON.
 */

static int merge_object(Liuhen__Entry *e, const ProtobufCFieldDescriptor *fb, json_t *obj,
                        lh_err *err)
{
    const ProtobufCMessageDescriptor *bd = fb->descriptor;
    char shown[RECORD_QUOTE_CAP];

    /* {"interference": {...}}: the body wrapped in its own name, as
     * `liuhen get --json` shows it inside an entry. A key that is a field
     * of the body is never taken for a wrapper. */
    if (json_object_size(obj) == 1) {
        void *it = json_object_iter(obj);
        const char *key = json_object_iter_key(it);
        json_t *inner = json_object_iter_value(it);
        if (strlen(key) == json_object_iter_key_len(it) &&
            protobuf_c_message_descriptor_get_field_by_name(bd, key) == NULL) {
            const ProtobufCFieldDescriptor *other =
                protobuf_c_message_descriptor_get_field_by_name(&liuhen__entry__descriptor, key);
            if (other == fb) {
                if (!json_is_object(inner))
                    return record_err(
                        err, LH_EJSON,
                        "JSON: '%s' must hold an object of the %s body's fields, not %s", fb->name,
                        fb->name, json_is_array(inner) ? "an array" : "a single value");
                obj = inner;
            } else if (other != NULL && other->type == PROTOBUF_C_TYPE_MESSAGE &&
                       (other->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0) {
                return record_err(
                    err, LH_EKIND,
                    "JSON: the object is a '%s' body, but the record is %s (%s), whose "
                    "body is '%s'",
                    record_quote(shown, key), kind_name(e->kind), kind_label_zh(e->kind), fb->name);
            }
        }
    }

    fieldpath p;
    fieldpath_init(&p, fb->name);
    int rc = record_json_times(bd, obj, &p, err);
    if (rc != 0)
        return rc;
    json_t *cur;
    rc = record_body_to_json(e, fb, &cur, err);
    if (rc != 0)
        return rc;
    /* Each member replaces that field whole; a null member clears it,
     * since pbjson reads null as "not set". */
    if (json_object_update(cur, obj) != 0)
        rc = record_err(err, LH_ENOMEM, "JSON: out of memory");
    else
        rc = record_body_from_json(e, fb, cur, err);
    json_decref(cur);
    return rc;
}

int record_merge_json(Liuhen__Entry *e, const char *text, size_t len, lh_err *err)
{
    if (e == NULL || text == NULL)
        return record_err(err, LH_EINVAL, "record_merge_json: NULL argument");
    const ProtobufCFieldDescriptor *fb;
    int rc = record_body_field(e, &fb, err);
    if (rc != 0)
        return rc;
    json_error_t je;
    /* Duplicate keys are refused: which of two values counts must not
     * depend on the parser (as pbjson_parse() does). */
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (j == NULL) {
        char shown[RECORD_QUOTE_PATH_CAP];
        return record_err(err, LH_EJSON, "JSON text line %d column %d: %s", je.line, je.column,
                          record_quote_path(shown, je.text));
    }
    rc = record_merge_json_value(e, j, err);
    json_decref(j);
    return rc;
}

int record_merge_json_value(Liuhen__Entry *e, json_t *j, lh_err *err)
{
    if (e == NULL || j == NULL)
        return record_err(err, LH_EINVAL, "record_merge_json_value: NULL argument");
    const ProtobufCFieldDescriptor *fb;
    int rc = record_body_field(e, &fb, err);
    if (rc != 0)
        return rc;
    if (!json_is_object(j))
        return record_err(
            err, LH_EJSON,
            "JSON: the text must be an object of the %s body's fields (or {\"%s\": {...}})",
            fb->name, fb->name);
    return merge_object(e, fb, j, err);
}

int record_merge_json_file(Liuhen__Entry *e, const char *path_name, lh_err *err)
{
    if (e == NULL || path_name == NULL)
        return record_err(err, LH_EINVAL, "record_merge_json_file: NULL argument");
    char shown[RECORD_QUOTE_PATH_CAP];
    bool std_in = strcmp(path_name, "-") == 0;
    const char *name = std_in ? "standard input" : record_quote_path(shown, path_name);
    /* A stream is welcome: standard input, a pipe, <(...). */
    uint8_t *text = NULL;
    size_t len = 0;
    lh_err rerr = {{0}};
    int rc = std_in ? fileio_read_fd(STDIN_FILENO, name, FILEIO_STREAM, "JSON file",
                                     RECORD_JSON_MAX, &text, &len, &rerr)
                    : fileio_read(path_name, FILEIO_STREAM, "JSON file", RECORD_JSON_MAX, &text,
                                  &len, &rerr);
    if (rc == LH_ETOOBIG)
        return record_err(err, rc, "JSON file %s: larger than %d bytes (a record fits in %d)", name,
                          RECORD_JSON_MAX, ENTRY_MAX_SIZE);
    if (rc != 0)
        return record_err(err, rc, "%s", rerr.msg);
    lh_err inner = {{0}};
    rc = record_merge_json(e, (const char *)text, len, &inner);
    free(text);
    if (rc != 0)
        return record_err(err, rc, "%s: %s", name, inner.msg);
    return 0;
}

/* ------------------------------------------------------------------------
 * Refs.
 */

int record_add_ref(Liuhen__Entry *e, const uint8_t hash[32])
{
    if (e == NULL || hash == NULL)
        return LH_EINVAL;
    for (size_t i = 0; i < e->n_refs; i++) {
        if (e->refs[i].len == ENTRY_HASH_BYTES && memcmp(e->refs[i].data, hash, 32) == 0)
            return LH_EEXIST;
    }
    if (e->n_refs >= ENTRY_REPEATED_MAX)
        return LH_EFIELD;
    uint8_t *h = malloc(ENTRY_HASH_BYTES);
    if (h == NULL)
        return LH_ENOMEM;
    ProtobufCBinaryData *arr = realloc(e->refs, (e->n_refs + 1) * sizeof *e->refs);
    if (arr == NULL) {
        free(h);
        return LH_ENOMEM;
    }
    memcpy(h, hash, ENTRY_HASH_BYTES);
    arr[e->n_refs].data = h;
    arr[e->n_refs].len = ENTRY_HASH_BYTES;
    e->refs = arr;
    e->n_refs++;
    return 0;
}

/* ------------------------------------------------------------------------
 * record_check.
 */

int record_check(const Liuhen__Entry *e, const char *origin, lh_err *err)
{
    if (e == NULL)
        return record_err(err, LH_EINVAL, "record_check: NULL argument");
    /* The header lh_append() fills, in a shallow copy that is only packed:
     * each placeholder as long as the real value can be, so that a record
     * that passes here fits a leaf whatever the real heads are. */
    uint8_t placeholder[ENTRY_HASH_BYTES];
    memset(placeholder, 0xA5, sizeof placeholder);
    Liuhen__Entry c = *e;
    /* Only read by the packer; the copy never frees anything. */
    c.origin = (char *)(origin != NULL ? origin : "record.check.invalid/log");
    c.author_key.data = placeholder;
    c.author_key.len = ENTRY_KEY_BYTES;
    c.author_seq = UINT64_MAX;
    c.author_prev.data = placeholder;
    c.author_prev.len = ENTRY_HASH_BYTES;
    if (is_key_management(e->kind)) {
        c.case_prev.data = NULL;
        c.case_prev.len = 0;
    } else {
        c.case_prev.data = placeholder;
        c.case_prev.len = ENTRY_HASH_BYTES;
    }
    if (c.recorded_at == 0)
        c.recorded_at = calendar_now_ms();
    size_t len = liuhen__entry__get_packed_size(&c);
    uint8_t *buf = malloc(len > 0 ? len : 1);
    if (buf == NULL)
        return record_err(err, LH_ENOMEM, "record: out of memory");
    liuhen__entry__pack(&c, buf);
    int rc = validate_entry(buf, len, origin, NULL, err);
    free(buf);
    return rc;
}
