/*
 * record.c — building the record of `liuhen append` from a kind, a case,
 * JSON, --set assignments, attachments and refs (record.h).
 *
 * The body is edited as JSON: record_set() and record_merge_json() turn the
 * current body into a JSON object (pbjson_from_message()), change that
 * object, and build the whole new body from it with pbjson_set_field(),
 * which validates every field and replaces the old body only when the new
 * one is complete. So the record is never half-changed (STYLE.md rule 6),
 * and the rules of one mapping (pbjson.h) decide what a field accepts. The
 * descriptors say, on the way, what each step of a path is: this file
 * converts what a person types ("third-party", "2026-05-20 14:30", "是",
 * "#12") into the JSON value that the mapping reads.
 */
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "calendar.h"
#include "entry.h"
#include "fileio.h"
#include "pbjson.h"
#include "quote.h"
#include "text.h"

/* Room in which an error sentence is composed before it is cut to
 * LH_ERR_MSG_MAX (lists of field names can be long). */
#define MSG_MAX 1024

/* Bytes of outside text quoted in an error message: enough to recognise a
 * value, bounded against hostile input. Paths get more room. */
#define QUOTE_MAX      64
#define QUOTE_PATH_MAX 160

/* Room for a dotted path ("decision.responsible[3].person.name"). */
#define PATH_CAP 256

/* A --set path has at most this many steps and each name this many bytes;
 * the deepest path of the schema has four (Decision > ResponsiblePerson >
 * Person > name). */
#define SEGS_MAX     8
#define SEG_NAME_MAX 64

/* The deepest JSON walked when times are read from strings; pbjson refuses
 * deeper nesting itself. */
#define WALK_DEPTH_MAX PBJSON_MAX_DEPTH

/* Reads of an attachment: large enough to hash a file quickly, small
 * enough for any stack, and freed at once. */
#define HASH_CHUNK (64 * 1024)

/* ------------------------------------------------------------------------
 * Error sentences.
 */

static int put(lh_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Set err to a sentence, cut at a UTF-8 character boundary with a visible
 * "..." when it is longer than lh_err holds (paths and values may be
 * Chinese). */
static int put(lh_err *err, int code, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    char msg[MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return quote_err_set(err, code, msg);
}

#define QUOTE_CAP      (QUOTE_MAX * 4 + 8)
#define QUOTE_PATH_CAP (QUOTE_PATH_MAX * 4 + 8)

/* A value shown between quotes. */
static const char *quote(char *dst, const char *s)
{
    return quote_escape(dst, QUOTE_CAP, s, strlen(s), QUOTE_MAX, true);
}

/* A file name, shown as it is but made harmless. */
static const char *quote_path(char *dst, const char *s)
{
    return quote_escape(dst, QUOTE_PATH_CAP, s, strlen(s), QUOTE_PATH_MAX, false);
}

/* A parser's message, which may quote the input. */
static const char *quote_msg(char *dst, const char *s)
{
    return quote_escape(dst, QUOTE_PATH_CAP, s, strlen(s), QUOTE_PATH_MAX, false);
}

/* A dotted path being walked, for error messages. */
typedef struct path {
    char s[PATH_CAP];
    size_t len;
} path;

static void path_init(path *p, const char *root)
{
    p->len = 0;
    p->s[0] = '\0';
    int n = snprintf(p->s, sizeof p->s, "%s", root);
    if (n > 0)
        p->len = (size_t)n < sizeof p->s ? (size_t)n : sizeof p->s - 1;
}

static size_t path_add(path *p, int n)
{
    if (n > 0)
        p->len = (size_t)n < sizeof p->s - p->len ? p->len + (size_t)n : sizeof p->s - 1;
    return p->len;
}

static size_t path_push_name(path *p, const char *name)
{
    size_t saved = p->len;
    path_add(p, snprintf(p->s + p->len, sizeof p->s - p->len, "%s%s", p->len > 0 ? "." : "", name));
    return saved;
}

static size_t path_push_index(path *p, size_t index)
{
    size_t saved = p->len;
    path_add(p, snprintf(p->s + p->len, sizeof p->s - p->len, "[%zu]", index));
    return saved;
}

static void path_pop(path *p, size_t saved)
{
    p->len = saved;
    p->s[saved] = '\0';
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
    /* Built from cli_names: "interference, guidance, ..., case-closed". */
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

/* Columns a UTF-8 string takes on a terminal: 2 for each character that is
 * not ASCII (the labels are Chinese), 1 for the rest. */
static size_t columns(const char *s)
{
    size_t w = 0;
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x80)
            w++;
        else if (c >= 0xC0)
            w += 2;
    }
    return w;
}

void record_kinds_help(FILE *f, size_t indent, size_t width)
{
    size_t col = 0;
    for (size_t i = 0; i < N_CLI_NAMES; i++) {
        if (cli_names[i] == NULL)
            continue;
        char item[128];
        const char *zh = entry_kind_label_zh((Liuhen__Kind)i);
        bool last = true;
        for (size_t j = i + 1; j < N_CLI_NAMES; j++)
            last = last && cli_names[j] == NULL;
        snprintf(item, sizeof item, "%s (%s)%s", cli_names[i], zh, last ? "" : ",");
        size_t w = columns(item);
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

/* Whether name is the label, or one of its '/'-separated parts ("投诉举报/立案"
 * is named by "投诉举报" and by "立案" too). */
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
    /* entry_kind_from_name() reads CLI names and proto names alike: ASCII
     * case folded, '-' for '_', "KIND_" optional. */
    Liuhen__Kind k = entry_kind_from_name(name);
    if (record_kind_cli_name(k) != NULL) {
        *kind = k;
        return 0;
    }
    for (size_t i = 1; i < N_CLI_NAMES; i++) {
        if (cli_names[i] != NULL && label_matches(entry_kind_label_zh((Liuhen__Kind)i), name)) {
            *kind = (Liuhen__Kind)i;
            return 0;
        }
    }
    return LH_ENOTFOUND;
}

/* The member of Entry's body oneof that a kind carries: by name, the kind's
 * name in lower case ("INVESTIGATION_STEP" -> investigation_step), so that
 * a kind added to liuhen.proto needs nothing here. */
static const ProtobufCFieldDescriptor *body_field(Liuhen__Kind kind)
{
    if (kind == LIUHEN__KIND__KIND_UNSPECIFIED)
        return NULL;
    const char *name = entry_kind_name(kind);
    char lower[SEG_NAME_MAX];
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

/* The body field of e's kind, with e's body checked to be of that kind (or
 * absent, in which case it is created empty by the first change). */
static int entry_body_field(const Liuhen__Entry *e, const ProtobufCFieldDescriptor **out,
                            lh_err *err)
{
    const ProtobufCFieldDescriptor *fb = body_field(e->kind);
    if (fb == NULL)
        return put(err, LH_EKIND,
                   "record: kind %d has no body to fill (make the record with "
                   "record_new() and a kind of liuhen.proto)",
                   (int)e->kind);
    if (e->body_case != LIUHEN__ENTRY__BODY__NOT_SET && e->body_case != fb->id)
        return put(err, LH_EKIND, "record: the kind is %s but the body is not '%s'",
                   entry_kind_name(e->kind), fb->name);
    *out = fb;
    return 0;
}

/* The current body as a JSON object ({} when there is none yet). */
static int body_to_json(Liuhen__Entry *e, const ProtobufCFieldDescriptor *fb, json_t **out,
                        lh_err *err)
{
    ProtobufCMessage *body = e->body_case == fb->id ? entry_body_of(e) : NULL;
    if (body == NULL) {
        *out = json_object();
        return *out != NULL ? 0 : put(err, LH_ENOMEM, "%s: out of memory", fb->name);
    }
    int rc = pbjson_from_message(body, 0, out);
    if (rc != 0)
        return put(err, rc, "%s: the record's body cannot be read back: %s", fb->name,
                   lh_strerror(rc));
    return 0;
}

/* Replace e's body by the one the JSON object describes; pbjson checks it
 * whole and leaves e unchanged on error, naming the field by its path
 * ("interference.person.name"). */
static int body_from_json(Liuhen__Entry *e, const ProtobufCFieldDescriptor *fb, const json_t *j,
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
 * anything else happens; entry_validate() applies the full rule (no Unicode
 * blank or invisible character either). */
static int check_case_id(Liuhen__Kind kind, const char *case_id, lh_err *err)
{
    char shown[QUOTE_CAP];
    size_t len = case_id != NULL ? strlen(case_id) : 0;
    if (is_key_management(kind)) {
        if (len > 0)
            return put(err, LH_EFIELD,
                       "case_id: must be empty for %s (key management belongs to no case)",
                       entry_kind_name(kind));
        return 0;
    }
    if (len == 0)
        return put(err, LH_EFIELD, "case_id: required: the case the %s record belongs to",
                   entry_kind_name(kind));
    if (len > ENTRY_CASE_ID_MAX)
        return put(err, LH_EFIELD, "case_id: %zu bytes, at most %d", len, ENTRY_CASE_ID_MAX);
    if (!text_utf8_valid((const uint8_t *)case_id, len))
        return put(err, LH_EUTF8, "case_id: '%s' is not valid UTF-8", quote(shown, case_id));
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)case_id[i];
        if (c <= 0x20 || c == 0x7F)
            return put(err, LH_EFIELD,
                       "case_id: '%s' holds a blank or control character at byte %zu (a case id "
                       "is one visible token, e.g. QJ-2026-7)",
                       quote(shown, case_id), i);
    }
    return 0;
}

int record_new(Liuhen__Kind kind, const char *case_id, Liuhen__Entry **out, lh_err *err)
{
    if (out == NULL)
        return put(err, LH_EINVAL, "record_new: NULL argument");
    *out = NULL;
    const ProtobufCFieldDescriptor *fb = body_field(kind);
    if (fb == NULL)
        return put(err, LH_EKIND, "kind: %d is not a record kind (accepted: %s)", (int)kind,
                   record_kinds_list());
    int rc = check_case_id(kind, case_id, err);
    if (rc != 0)
        return rc;
    Liuhen__Entry *e = malloc(sizeof *e);
    if (e == NULL)
        return put(err, LH_ENOMEM, "record: out of memory");
    liuhen__entry__init(e);
    e->kind = kind;
    if (case_id != NULL && case_id[0] != '\0') {
        /* The initialiser points case_id at protobuf-c's shared empty
         * string, which free_unpacked() leaves alone; a copy replaces it. */
        e->case_id = strdup(case_id);
        if (e->case_id == NULL) {
            free(e);
            return put(err, LH_ENOMEM, "record: out of memory");
        }
    }
    json_t *empty = json_object();
    rc = empty != NULL ? body_from_json(e, fb, empty, err) : LH_ENOMEM;
    json_decref(empty);
    if (rc != 0) {
        liuhen__entry__free_unpacked(e, NULL);
        return rc == LH_ENOMEM ? put(err, rc, "record: out of memory") : rc;
    }
    *out = e;
    return 0;
}

/* ------------------------------------------------------------------------
 * Times (calendar.h reads them).
 */

/* Whether a field holds a time: an int64 whose name ends in "_at"
 * (liuhen.proto: "Times are unix milliseconds (int64)"). */
static bool is_time_field(const ProtobufCFieldDescriptor *f)
{
    size_t n = strlen(f->name);
    return (f->type == PROTOBUF_C_TYPE_INT64 || f->type == PROTOBUF_C_TYPE_SINT64 ||
            f->type == PROTOBUF_C_TYPE_SFIXED64) &&
           n > 3 && strcmp(f->name + n - 3, "_at") == 0;
}

/* One time value of JSON: a string in any form calendar_parse_time() reads becomes
 * an integer; an integer is held to the same rule as typed digits. Other
 * JSON types are left to pbjson, which says what the field takes. */
static int json_time(const char *where, const json_t *v, json_t **out, lh_err *err)
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
    return *out != NULL ? 0 : put(err, LH_ENOMEM, "%s: out of memory", where);
}

/* Read the times of a JSON object of message type d in place: each time
 * field, in this object and the messages inside it. Keys that are not
 * fields, and values of the wrong JSON type, are left for pbjson to refuse
 * with its own message. */
static int json_times(const ProtobufCMessageDescriptor *d, json_t *obj, path *p, unsigned depth,
                      lh_err *err)
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
        size_t saved = path_push_name(p, f->name);
        int rc = 0;
        if (is_time_field(f) && f->label != PROTOBUF_C_LABEL_REPEATED) {
            json_t *nv;
            rc = json_time(p->s, v, &nv, err);
            if (rc == 0 && nv != NULL && json_object_iter_set_new(obj, it, nv) != 0)
                rc = put(err, LH_ENOMEM, "%s: out of memory", p->s);
        } else if (is_time_field(f) && json_is_array(v)) {
            for (size_t i = 0; rc == 0 && i < json_array_size(v); i++) {
                size_t s2 = path_push_index(p, i);
                json_t *nv;
                rc = json_time(p->s, json_array_get(v, i), &nv, err);
                if (rc == 0 && nv != NULL && json_array_set_new(v, i, nv) != 0)
                    rc = put(err, LH_ENOMEM, "%s: out of memory", p->s);
                path_pop(p, s2);
            }
        } else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
            if (f->label == PROTOBUF_C_LABEL_REPEATED && json_is_array(v)) {
                for (size_t i = 0; rc == 0 && i < json_array_size(v); i++) {
                    size_t s2 = path_push_index(p, i);
                    rc = json_times(f->descriptor, json_array_get(v, i), p, depth + 1, err);
                    path_pop(p, s2);
                }
            } else {
                rc = json_times(f->descriptor, v, p, depth + 1, err);
            }
        }
        path_pop(p, saved);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * JSON.
 */

static int merge_object(Liuhen__Entry *e, const ProtobufCFieldDescriptor *fb, json_t *obj,
                        lh_err *err)
{
    const ProtobufCMessageDescriptor *bd = fb->descriptor;
    char shown[QUOTE_CAP];

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
                    return put(err, LH_EJSON,
                               "JSON: '%s' must hold an object of the %s body's fields, not %s",
                               fb->name, fb->name,
                               json_is_array(inner) ? "an array" : "a single value");
                obj = inner;
            } else if (other != NULL && other->type == PROTOBUF_C_TYPE_MESSAGE &&
                       (other->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0) {
                return put(err, LH_EKIND,
                           "JSON: the object is a '%s' body, but the record is %s (%s), whose "
                           "body is '%s'",
                           quote(shown, key), entry_kind_name(e->kind),
                           entry_kind_label_zh(e->kind), fb->name);
            }
        }
    }

    path p;
    path_init(&p, fb->name);
    int rc = json_times(bd, obj, &p, 1, err);
    if (rc != 0)
        return rc;
    json_t *cur;
    rc = body_to_json(e, fb, &cur, err);
    if (rc != 0)
        return rc;
    /* Each member replaces that field whole; a null member clears it,
     * since pbjson reads null as "not set". */
    if (json_object_update(cur, obj) != 0)
        rc = put(err, LH_ENOMEM, "JSON: out of memory");
    else
        rc = body_from_json(e, fb, cur, err);
    json_decref(cur);
    return rc;
}

int record_merge_json(Liuhen__Entry *e, const char *text, size_t len, lh_err *err)
{
    if (e == NULL || text == NULL)
        return put(err, LH_EINVAL, "record_merge_json: NULL argument");
    const ProtobufCFieldDescriptor *fb;
    int rc = entry_body_field(e, &fb, err);
    if (rc != 0)
        return rc;
    json_error_t je;
    /* Duplicate keys are refused: which of two values counts must not
     * depend on the parser (as pbjson_parse() does). */
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (j == NULL) {
        char shown[QUOTE_PATH_CAP];
        return put(err, LH_EJSON, "JSON text line %d column %d: %s", je.line, je.column,
                   quote_msg(shown, je.text));
    }
    if (!json_is_object(j))
        rc = put(err, LH_EJSON,
                 "JSON: the text must be an object of the %s body's fields (or {\"%s\": {...}})",
                 fb->name, fb->name);
    else
        rc = merge_object(e, fb, j, err);
    json_decref(j);
    return rc;
}

int record_merge_json_file(Liuhen__Entry *e, const char *path_name, lh_err *err)
{
    if (e == NULL || path_name == NULL)
        return put(err, LH_EINVAL, "record_merge_json_file: NULL argument");
    char shown[QUOTE_PATH_CAP];
    bool std_in = strcmp(path_name, "-") == 0;
    const char *name = std_in ? "standard input" : quote_path(shown, path_name);
    /* A stream is welcome: standard input, a pipe, <(...). */
    uint8_t *text = NULL;
    size_t len = 0;
    lh_err rerr = {{0}};
    int rc = std_in ? fileio_read_fd(STDIN_FILENO, name, FILEIO_STREAM, "JSON file",
                                     RECORD_JSON_MAX, &text, &len, &rerr)
                    : fileio_read(path_name, FILEIO_STREAM, "JSON file", RECORD_JSON_MAX, &text,
                                  &len, &rerr);
    if (rc == LH_ETOOBIG)
        return put(err, rc, "JSON file %s: larger than %d bytes (a record fits in %d)", name,
                   RECORD_JSON_MAX, ENTRY_MAX_SIZE);
    if (rc != 0)
        return put(err, rc, "%s", rerr.msg);
    lh_err inner = {{0}};
    rc = record_merge_json(e, (const char *)text, len, &inner);
    free(text);
    if (rc != 0)
        return put(err, rc, "%s: %s", name, inner.msg);
    return 0;
}

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
    char shown[QUOTE_CAP];
    return put(err, LH_EFIELD,
               "--set '%s': %s (FIELD=VALUE, FIELD a dotted path of field names such as "
               "person.name, with NAME+ or NAME[N] for items of a list)",
               quote(shown, assignment), why);
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
            bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-';
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

static int unknown_field(lh_err *err, const path *p, const char *name,
                         const ProtobufCMessageDescriptor *d)
{
    char list[MSG_MAX / 2];
    size_t o = 0;
    list[0] = '\0';
    for (unsigned i = 0; i < d->n_fields && o + 1 < sizeof list; i++) {
        int n = snprintf(list + o, sizeof list - o, "%s%s", i > 0 ? ", " : "", d->fields[i].name);
        if (n < 0)
            break;
        o = (size_t)n < sizeof list - o ? o + (size_t)n : sizeof list - 1;
    }
    return put(err, LH_EUNKNOWNFIELD, "%s%s%s: unknown field (known: %s)", p->s,
               p->len > 0 ? "." : "", name, d->n_fields > 0 ? list : "none");
}

/* How a person would call what a field holds, for error messages. */
static const char *field_type_text(const ProtobufCFieldDescriptor *f)
{
    if (is_time_field(f))
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
    {"liuhen.Transfer", "complaint"},    {"liuhen.Reply", "complaint"},
    {"liuhen.ReviewOrder", "decision"},  {"liuhen.Appeal", "decision"},
    {"liuhen.Notification", "concerns"}, {"liuhen.Correction", "corrects"},
};

static bool is_entry_id_field(const ProtobufCMessageDescriptor *d,
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
    if (pbjson_find_enum_value(ed, v, &n) == 0) {
        const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(ed, n);
        *out = ev != NULL ? json_string(ev->name) : NULL;
        return *out != NULL ? 0 : put(err, LH_ENOMEM, "%s: out of memory", where);
    }
    /* The short names people type, without the "not stated" value 0
     * (which is what leaving the field out means). */
    char list[MSG_MAX / 2];
    size_t o = 0;
    list[0] = '\0';
    for (unsigned i = 0; i < ed->n_values; i++) {
        char name[128];
        if (ed->values[i].value == 0 ||
            pbjson_enum_short_name(ed, &ed->values[i], name, sizeof name) != 0)
            continue;
        int k = snprintf(list + o, sizeof list - o, "%s%s", o > 0 ? ", " : "", name);
        if (k < 0)
            break;
        o = (size_t)k < sizeof list - o ? o + (size_t)k : sizeof list - 1;
    }
    char shown[QUOTE_CAP];
    return put(err, LH_EFIELD, "%s: '%s' is not one of: %s", where, quote(shown, v), list);
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
    char shown[QUOTE_CAP];
    return put(err, LH_EFIELD,
               "%s: '%s' is not a yes/no (accepted: true, false, 1, 0, yes, no, 是, 否)", where,
               quote(shown, v));
}

static int bytes_value(const ProtobufCMessageDescriptor *d, const ProtobufCFieldDescriptor *f,
                       const char *where, const char *v, const record_opts *opts, json_t **out,
                       lh_err *err)
{
    char shown[QUOTE_CAP];
    bool leaf = is_entry_id_field(d, f);
    const char *what = leaf ? "an entry id" : "an Ed25519 key or hash";
    uint8_t bin[ENTRY_HASH_BYTES];
    if (v[0] == '#') {
        if (!leaf)
            return put(err, LH_EFIELD,
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
            return put(err, LH_EFIELD,
                       "%s: '%s' is not #INDEX (# and the entry's index in the log, e.g. #12)",
                       where, quote(shown, v));
        if (opts == NULL || opts->resolve_index == NULL)
            return put(err, LH_EINVAL,
                       "%s: '#%" PRIu64 "' names a log entry by index, which needs the log to "
                       "resolve; give its entry id in base64",
                       where, index);
        int rc = opts->resolve_index(opts->ctx, index, bin);
        if (rc != 0)
            return put(err, rc, "%s: cannot resolve #%" PRIu64 " to an entry id: %s", where, index,
                       lh_strerror(rc));
    } else {
        size_t n;
        int rc = text_b64_decode(bin, sizeof bin, &n, v, strlen(v), sizeof bin);
        if (rc != 0)
            return put(err, LH_EFIELD,
                       "%s: '%s' is not %s: give 32 bytes in standard base64 (44 characters "
                       "ending in '=')%s",
                       where, quote(shown, v), what,
                       leaf ? ", or #INDEX for the log's entry INDEX" : "");
    }
    char b64[TEXT_B64_LEN(ENTRY_HASH_BYTES)];
    text_b64_encode(b64, bin, sizeof bin);
    *out = json_string(b64);
    return *out != NULL ? 0 : put(err, LH_ENOMEM, "%s: out of memory", where);
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
    char shown[QUOTE_CAP];
    const char *s = v;
    bool neg = *s == '-';
    if (neg)
        s++;
    size_t n = strlen(s);
    if (n == 0 || strspn(s, "0123456789") != n)
        return put(err, LH_EFIELD, "%s: '%s' is not a decimal integer", where, quote(shown, v));
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
        return put(err, LH_EFIELD, "%s: '%s' is out of range (%s%" PRIu64 " to %" PRIu64 ")", where,
                   quote(shown, v), min_mag > 0 ? "-" : "", min_mag, max);
    if (!neg && mag > (uint64_t)INT64_MAX) {
        /* pbjson reads a 64-bit integer from a decimal string too, which
         * is how a value beyond json_int_t gets through. */
        char dec[24];
        snprintf(dec, sizeof dec, "%" PRIu64, mag);
        *out = json_string(dec);
    } else {
        *out = json_integer(neg ? (mag > 0 ? -(json_int_t)(mag - 1) - 1 : 0) : (json_int_t)mag);
    }
    return *out != NULL ? 0 : put(err, LH_ENOMEM, "%s: out of memory", where);
}

static int real_value(const char *where, const char *v, json_t **out, lh_err *err)
{
    char shown[QUOTE_CAP];
    char *end = NULL;
    errno = 0;
    double d = strtod(v, &end);
    if (v[0] == '\0' || end == NULL || *end != '\0' || errno != 0 || !isfinite(d))
        return put(err, LH_EFIELD, "%s: '%s' is not a finite decimal number", where,
                   quote(shown, v));
    *out = json_real(d);
    return *out != NULL ? 0 : put(err, LH_ENOMEM, "%s: out of memory", where);
}

/* The JSON value that stands for v in field f of message d, by the rules
 * at the top of record.h. */
static int field_value(const ProtobufCMessageDescriptor *d, const ProtobufCFieldDescriptor *f,
                       path *p, const char *v, const record_opts *opts, json_t **out, lh_err *err)
{
    const char *where = p->s;
    char shown[QUOTE_CAP];
    *out = NULL;
    if (is_time_field(f)) {
        int64_t ms;
        int rc = calendar_parse_time(where, v, &ms, err);
        if (rc != 0)
            return rc;
        *out = json_integer(ms);
        return *out != NULL ? 0 : put(err, LH_ENOMEM, "%s: out of memory", where);
    }
    switch (f->type) {
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessageDescriptor *md = f->descriptor;
        json_error_t je;
        json_t *j = json_loads(v, JSON_REJECT_DUPLICATES, &je);
        if (j == NULL || !json_is_object(j)) {
            json_decref(j);
            return put(err, LH_EJSON,
                       "%s is a message (%s): set its fields one by one (%s.%s=...) or give a "
                       "JSON object, not '%s'",
                       where, md->name, where, md->n_fields > 0 ? md->fields[0].name : "field",
                       quote(shown, v));
        }
        int rc = json_times(md, j, p, 1, err);
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
            return put(err, LH_EUTF8, "%s: the text is not valid UTF-8", where);
        *out = json_stringn(v, len);
        return *out != NULL ? 0 : put(err, LH_ENOMEM, "%s: out of memory", where);
    }
    default: return int_value(f, where, v, out, err);
    }
}

/* ------------------------------------------------------------------------
 * --set: the walk.
 */

static int not_a_list(lh_err *err, const path *p)
{
    return put(err, LH_EFIELD, "%s is not a list: NAME+ and NAME[N] apply to repeated fields only",
               p->s);
}

static int list_full(lh_err *err, const path *p)
{
    return put(err, LH_EFIELD, "%s: already %d items, the most a list of a record holds", p->s,
               ENTRY_REPEATED_MAX);
}

static int no_such_item(lh_err *err, const path *p, const seg *sg, size_t n)
{
    if (n == 0)
        return put(err, LH_EFIELD, "%s[%zu]: the list is empty; %s+ adds an item", p->s, sg->index,
                   sg->name);
    return put(err, LH_EFIELD, "%s[%zu]: the list has %zu item%s (0 to %zu); %s+ adds one", p->s,
               sg->index, n, n == 1 ? "" : "s", n - 1, sg->name);
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
                  path *p, const char *v, const record_opts *opts, lh_err *err)
{
    for (size_t i = 0; i < n; i++) {
        const seg *sg = &segs[i];
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field_by_name(d, sg->name);
        if (f == NULL)
            return unknown_field(err, p, sg->name, d);
        path_push_name(p, f->name);
        bool repeated = f->label == PROTOBUF_C_LABEL_REPEATED;
        if (!repeated && sg->mode != SEG_LAST)
            return not_a_list(err, p);
        if (i + 1 < n) {
            if (f->type != PROTOBUF_C_TYPE_MESSAGE)
                return put(err, LH_EFIELD, "%s is %s, not a message: it has no field '%s'", p->s,
                           field_type_text(f), segs[i + 1].name);
            json_t *next;
            if (repeated) {
                json_t *arr = list_of(obj, f);
                if (arr == NULL)
                    return put(err, LH_ENOMEM, "%s: out of memory", p->s);
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
                        return put(err, LH_ENOMEM, "%s: out of memory", p->s);
                    at = len;
                } else {
                    at = len - 1;
                }
                path_push_index(p, at);
                next = json_array_get(arr, at);
            } else {
                next = json_object_get(obj, f->name);
                if (!json_is_object(next)) {
                    next = json_object();
                    if (next == NULL || json_object_set_new(obj, f->name, next) != 0)
                        return put(err, LH_ENOMEM, "%s: out of memory", p->s);
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
                return put(err, LH_ENOMEM, "%s: out of memory", p->s);
            len = json_array_size(arr);
            if (sg->mode == SEG_INDEX && sg->index >= len)
                return no_such_item(err, p, sg, len);
            if (sg->mode != SEG_INDEX && len >= ENTRY_REPEATED_MAX)
                return list_full(err, p);
            if (sg->mode == SEG_INDEX)
                path_push_index(p, sg->index);
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
        return rc == 0 ? 0 : put(err, LH_ENOMEM, "%s: out of memory", p->s);
    }
    return 0;
}

int record_set(Liuhen__Entry *e, const char *assignment, const record_opts *opts, lh_err *err)
{
    if (e == NULL || assignment == NULL)
        return put(err, LH_EINVAL, "record_set: NULL argument");
    const ProtobufCFieldDescriptor *fb;
    int rc = entry_body_field(e, &fb, err);
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
    rc = body_to_json(e, fb, &body, err);
    if (rc != 0)
        return rc;
    path p;
    path_init(&p, fb->name);
    rc = set_in(bd, body, start, n, &p, eq + 1, opts, err);
    if (rc == 0)
        rc = body_from_json(e, fb, body, err);
    json_decref(body);
    return rc;
}

/* ------------------------------------------------------------------------
 * Attachments and refs.
 */

static const struct {
    const char *ext;
    const char *type;
} media_types[] = {
    {"pdf", "application/pdf"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"png", "image/png"},
    {"txt", "text/plain"},
    {"doc", "application/msword"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"xls", "application/vnd.ms-excel"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"mp3", "audio/mpeg"},
    {"mp4", "video/mp4"},
    {"wav", "audio/wav"},
    {"zip", "application/zip"},
    {"json", "application/json"},
    {"xml", "application/xml"},
};

const char *record_media_type(const char *name)
{
    const char *dot = name != NULL ? strrchr(name, '.') : NULL;
    if (dot != NULL && strchr(dot, '/') == NULL) {
        for (size_t i = 0; i < sizeof media_types / sizeof media_types[0]; i++) {
            if (strcasecmp(dot + 1, media_types[i].ext) == 0)
                return media_types[i].type;
        }
    }
    return "application/octet-stream";
}

/* An attachment's name is how the evidence file is found and saved again
 * (entry_validate(): no '/', not "." or ".."); it is shown to inspectors,
 * so it must be text that reads the same everywhere: UTF-8 without control
 * or hidden characters (text.h). */
static const char *attachment_name_problem(const char *name)
{
    size_t len = strlen(name);
    if (len == 0)
        return "the file name is empty";
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return "'.' and '..' are not file names";
    if (len > ENTRY_SHORT_TEXT_MAX)
        return "the file name is longer than 256 bytes";
    if (!text_utf8_valid((const uint8_t *)name, len))
        return "the file name is not valid UTF-8";
    const uint8_t *s = (const uint8_t *)name;
    for (size_t i = 0; i < len;) {
        uint32_t cp = text_utf8_next(s, len, &i);
        if (text_is_control(cp))
            return "the file name holds a control character";
        if (text_is_hidden(cp))
            return "the file name holds a bidirectional or line-separator character";
    }
    return NULL;
}

/* SHA-256 and length of what fd holds, read to its end. */
static int hash_fd(int fd, uint8_t hash[ENTRY_HASH_BYTES], uint64_t *size)
{
    uint8_t *buf = malloc(HASH_CHUNK);
    if (buf == NULL)
        return LH_ENOMEM;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    uint64_t total = 0;
    int rc = 0;
    for (;;) {
        ssize_t n = read(fd, buf, HASH_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = -errno;
            break;
        }
        if (n == 0)
            break;
        crypto_hash_sha256_update(&st, buf, (unsigned long long)n);
        total += (uint64_t)n;
    }
    free(buf);
    if (rc == 0) {
        crypto_hash_sha256_final(&st, hash);
        *size = total;
    }
    sodium_memzero(&st, sizeof st);
    return rc;
}

static void attachment_free(Liuhen__Attachment *a)
{
    if (a != NULL)
        liuhen__attachment__free_unpacked(a, NULL);
}

static int attachment_new(const char *name, const uint8_t hash[ENTRY_HASH_BYTES], uint64_t size,
                          const char *media, Liuhen__Attachment **out)
{
    Liuhen__Attachment *a = malloc(sizeof *a);
    if (a == NULL)
        return LH_ENOMEM;
    liuhen__attachment__init(a);
    char *n = strdup(name);
    char *m = strdup(media);
    uint8_t *h = malloc(ENTRY_HASH_BYTES);
    if (n != NULL)
        a->name = n;
    if (m != NULL)
        a->media_type = m;
    if (h != NULL) {
        memcpy(h, hash, ENTRY_HASH_BYTES);
        a->sha256.data = h;
        a->sha256.len = ENTRY_HASH_BYTES;
    }
    if (n == NULL || m == NULL || h == NULL) {
        attachment_free(a);
        return LH_ENOMEM;
    }
    a->size = size;
    *out = a;
    return 0;
}

/* Find the last ";type=" of arg, which introduces a media type override. */
static const char *type_override(const char *arg)
{
    const char *last = NULL;
    for (const char *q = strstr(arg, ";type="); q != NULL; q = strstr(q + 1, ";type="))
        last = q;
    return last;
}

int record_attach_file(Liuhen__Entry *e, const char *arg, lh_err *err)
{
    if (e == NULL || arg == NULL)
        return put(err, LH_EINVAL, "record_attach_file: NULL argument");
    char shown[QUOTE_PATH_CAP], shown2[QUOTE_CAP];
    if (e->n_attachments >= ENTRY_ATTACHMENTS_MAX)
        return put(err, LH_EFIELD, "attachment %s: the record has %d already, the most it holds",
                   quote_path(shown, arg), ENTRY_ATTACHMENTS_MAX);
    const char *ov = type_override(arg);
    size_t plen = ov != NULL ? (size_t)(ov - arg) : strlen(arg);
    const char *media = ov != NULL ? ov + strlen(";type=") : NULL;
    char *file = strndup(arg, plen);
    if (file == NULL)
        return put(err, LH_ENOMEM, "attachment: out of memory");
    quote_path(shown, file);
    int rc = 0;
    int fd = -1;
    if (plen == 0) {
        rc = put(err, LH_EFIELD, "attachment '%s': no file name before ';type='",
                 quote(shown2, arg));
        goto out;
    }
    if (media != NULL && (!entry_media_type_ok(media) || strlen(media) > ENTRY_SHORT_TEXT_MAX)) {
        rc = put(err, LH_EFIELD,
                 "attachment %s: '%s' is not a media type (type/subtype, e.g. application/pdf)",
                 shown, quote(shown2, media));
        goto out;
    }
    /* O_NONBLOCK: opening a FIFO must not wait for a writer before the
     * check below refuses it. It changes nothing for a regular file. */
    fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        int e2 = errno;
        rc = put(err, -e2, "attachment %s: cannot open: %s", shown, strerror(e2));
        goto out;
    }
    struct stat before, after;
    if (fstat(fd, &before) != 0) {
        int e2 = errno;
        rc = put(err, -e2, "attachment %s: cannot stat: %s", shown, strerror(e2));
        goto out;
    }
    if (!S_ISREG(before.st_mode)) {
        rc = put(err, LH_EFIELD,
                 "attachment %s: not a regular file (a directory, device or pipe cannot be "
                 "hashed again to check it)",
                 shown);
        goto out;
    }
    const char *slash = strrchr(file, '/');
    const char *name = slash != NULL ? slash + 1 : file;
    const char *problem = attachment_name_problem(name);
    if (problem != NULL) {
        rc = put(err, LH_EFIELD, "attachment %s: %s", shown, problem);
        goto out;
    }
    uint8_t hash[ENTRY_HASH_BYTES];
    uint64_t size = 0;
    if (sodium_init() < 0) {
        rc = put(err, LH_EINTERNAL, "attachment %s: libsodium cannot be initialised", shown);
        goto out;
    }
    rc = hash_fd(fd, hash, &size);
    if (rc != 0) {
        rc = rc == LH_ENOMEM ? put(err, rc, "attachment %s: out of memory", shown)
                             : put(err, rc, "attachment %s: cannot read: %s", shown, strerror(-rc));
        goto out;
    }
    /* Evidence still being written would be bound by a hash of a state
     * that no longer exists: refuse it, so the person tries again when the
     * file is complete. */
    if (fstat(fd, &after) != 0 || after.st_size != before.st_size ||
        (uint64_t)after.st_size != size || after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
        after.st_mtim.tv_nsec != before.st_mtim.tv_nsec) {
        rc = put(err, -EAGAIN,
                 "attachment %s: the file changed while it was being hashed; attach it when it "
                 "is complete",
                 shown);
        goto out;
    }
    const char *type = media != NULL ? media : record_media_type(name);
    for (size_t i = 0; i < e->n_attachments; i++) {
        const Liuhen__Attachment *a = e->attachments[i];
        if (a->sha256.len == ENTRY_HASH_BYTES && memcmp(a->sha256.data, hash, sizeof hash) == 0 &&
            strcmp(a->name, name) == 0) {
            rc =
                put(err, LH_EEXIST, "attachment %s: already attached (attachments[%zu])", shown, i);
            goto out;
        }
    }
    Liuhen__Attachment *a;
    rc = attachment_new(name, hash, size, type, &a);
    if (rc == 0) {
        Liuhen__Attachment **arr =
            realloc(e->attachments, (e->n_attachments + 1) * sizeof *e->attachments);
        if (arr == NULL) {
            attachment_free(a);
            rc = LH_ENOMEM;
        } else {
            arr[e->n_attachments++] = a;
            e->attachments = arr;
        }
    }
    if (rc != 0)
        rc = put(err, rc, "attachment %s: out of memory", shown);
out:
    if (fd >= 0)
        close(fd);
    free(file);
    return rc;
}

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
        return put(err, LH_EINVAL, "record_check: NULL argument");
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
    if (c.recorded_at == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        c.recorded_at = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    }
    size_t len = liuhen__entry__get_packed_size(&c);
    uint8_t *buf = malloc(len > 0 ? len : 1);
    if (buf == NULL)
        return put(err, LH_ENOMEM, "record: out of memory");
    liuhen__entry__pack(&c, buf);
    int rc = entry_validate(buf, len, origin, NULL, err);
    free(buf);
    return rc;
}
