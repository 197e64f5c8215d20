/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * kindhelp.c — `liuhen help kinds`, `liuhen help KIND` and the RECORD KINDS
 * section of the manual page, generated from the schema (kindhelp.h).
 *
 * One walk of a kind's body (walk()) visits every field, nested messages
 * and lists included, with its dotted path as --set takes it; the text,
 * the JSON and the example are written from what it visits and from the
 * requirements of required.h, matched by path.
 */
#include "kindhelp.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "i18n.h"
#include "kind.h"
#include "labels.h"
#include "pbjson_enum.h"
#include "record.h"
#include "record_set.h"
#include "render.h"
#include "required.h"
#include "role.h"
#include "text.h"

/* The deepest field shown: Decision > ResponsiblePerson > Person > name. */
#define DEPTH_MAX 4
/* Room for a dotted path of the schema. */
#define PATH_MAX_LEN 128
/* An example value, at most. */
#define KINDHELP_VALUE_MAX 80
_Static_assert(PATH_MAX_LEN + KINDHELP_VALUE_MAX <= KINDHELP_SET_MAX,
               "an assignment holds a whole path and value");
/* What --set takes for an entry id in the examples, and JSON: 32 zero
 * bytes, plainly a placeholder. */
#define EXAMPLE_INDEX   "#12"
#define EXAMPLE_ENTRYID "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define EXAMPLE_TIME    "2026-05-20 14:30"

/* ---- the schema, as the help reads it -------------------------------------------------------- */

static const ProtobufCMessageDescriptor *body_of(Liuhen__Kind kind)
{
    const ProtobufCFieldDescriptor *fb = required_body_field(kind);
    return fb != NULL ? fb->descriptor : NULL;
}

/* "KIND_INTERFERENCE". */
static const char *kind_value_name(Liuhen__Kind kind)
{
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value(&liuhen__kind__descriptor, (int)kind);
    return v != NULL ? v->name : kind_name(kind);
}

/* The articles the kind's comment cites ("B§3"), or NULL. */
static const char *kind_articles(Liuhen__Kind kind)
{
    return labels_enum_article(liuhen__kind__descriptor.name, kind_value_name(kind));
}

/* The roles of a mask as a list for people: "handler, legal" (or with their
 * labels, "办案人员、法规部门"); "any enrolled key" for all of them. */
static const char *roles_text(uint32_t mask, bool zh, char *out, size_t cap)
{
    if ((mask & ROLE_ALL) == ROLE_ALL)
        return snprintf(out, cap, "%s", zh ? "任何已登记的密钥" : "any enrolled key"), out;
    char tmp[256];
    role_text(mask, zh, tmp, sizeof tmp);
    size_t o = 0;
    for (const char *p = tmp; *p != '\0' && o + 3 < cap; p++) {
        out[o++] = *p;
        if (*p == ',')
            out[o++] = ' ';
    }
    out[o] = '\0';
    return out;
}

/* The roles whose keys may append the kind (a CORRECTION: its author's). */
static uint32_t kind_roles(Liuhen__Kind kind)
{
    uint32_t mask = 0;
    for (unsigned i = 0; i < liuhen__role__descriptor.n_values; i++) {
        int r = liuhen__role__descriptor.values[i].value;
        if (r != 0 && kind_allowed(kind, ROLE_BIT(r), true))
            mask |= ROLE_BIT(r);
    }
    return mask;
}

/* Whether items[i] is the first of its group, which the help lists on
 * one line: the items of one rule (by_rule), else of one question asked. */
static bool first_of_group(const required_item *items, size_t i, bool by_rule)
{
    for (size_t j = 0; j < i; j++)
        if (by_rule ? items[j].rule == items[i].rule : items[j].ask == items[i].ask)
            return false;
    return true;
}

/* What the help of a kind starts from. */
typedef struct kind_head {
    const char *name;                     /* on the command line: "interference" */
    const ProtobufCMessageDescriptor *bd; /* its body */
    const char *art;                      /* the articles it implements, or NULL */
    char roles[256];                      /* who may append it (roles_text()) */
} kind_head;

/* The head of kind, the roles in Chinese or by name (zh). @return false
 * for a kind the help does not describe: one without a name on the
 * command line or a body (KIND_UNSPECIFIED, a number no kind has). */
static bool kind_head_of(Liuhen__Kind kind, bool zh, kind_head *h)
{
    h->name = record_kind_cli_name(kind);
    h->bd = body_of(kind);
    if (h->name == NULL || h->bd == NULL)
        return false;
    h->art = kind_articles(kind);
    roles_text(kind_roles(kind), zh, h->roles, sizeof h->roles);
    return true;
}

/* Room for one step of a dotted path, a field's name, with its NUL. */
#define STEP_NAME_MAX 64

/*
 * The first step of a dotted path ("decision" of "decision.decided_at"):
 * its name into name, and the field of that name in d into *f (NULL when
 * d has none).
 * @return the step's length, or 0 when it is empty or too long for a name.
 */
static size_t path_step(const ProtobufCMessageDescriptor *d, const char *path,
                        char name[STEP_NAME_MAX], const ProtobufCFieldDescriptor **f)
{
    size_t n = strcspn(path, ".");
    if (n == 0 || n >= STEP_NAME_MAX)
        return 0;
    memcpy(name, path, n);
    name[n] = '\0';
    *f = protobuf_c_message_descriptor_get_field_by_name(d, name);
    return n;
}

/* The field at a dotted path of message d, and the message that has it. */
static const ProtobufCFieldDescriptor *field_at_path(const ProtobufCMessageDescriptor *d,
                                                     const char *path,
                                                     const ProtobufCMessageDescriptor **owner)
{
    char name[STEP_NAME_MAX];
    for (;;) {
        const ProtobufCFieldDescriptor *f;
        size_t n = d != NULL ? path_step(d, path, name, &f) : 0;
        if (n == 0)
            return NULL;
        if (f == NULL || path[n] == '\0') {
            *owner = d;
            return f;
        }
        if (f->type != PROTOBUF_C_TYPE_MESSAGE)
            return NULL;
        d = f->descriptor;
        path += n + 1;
    }
}

static bool is_time(const ProtobufCFieldDescriptor *f)
{
    return record_is_time_field(f);
}

/* The short name of an enum value ("third-party"). */
static const char *short_name(const ProtobufCEnumDescriptor *e, const ProtobufCEnumValue *v,
                              char *buf, size_t cap)
{
    if (pbjson_enum_short_name(e, v, buf, cap) != 0)
        snprintf(buf, cap, "%s", v->name);
    return buf;
}

/* The value an example gives an enum: the first stated one that is not
 * `avoid` (a value the regulations do not accept, 0 for none). */
static const ProtobufCEnumValue *example_enum(const ProtobufCEnumDescriptor *e, int avoid)
{
    for (unsigned i = 0; i < e->n_values; i++)
        if (e->values[i].value != 0 && e->values[i].value != avoid)
            return &e->values[i];
    return NULL;
}

/* The label of a field, or its name. */
static const char *field_label(const ProtobufCMessageDescriptor *d,
                               const ProtobufCFieldDescriptor *f)
{
    const char *l = labels_field(d->name, f->name);
    return l != NULL ? l : f->name;
}

/* A message type's name without the package ("Person"). */
static const char *message_name(const ProtobufCMessageDescriptor *d)
{
    const char *dot = strrchr(d->name, '.');
    return dot != NULL ? dot + 1 : d->name;
}

/* What a field holds, for people, and as one word for scripts. */
static const char *type_text(const ProtobufCMessageDescriptor *d, const ProtobufCFieldDescriptor *f,
                             const char **word)
{
    if (is_time(f)) {
        static char time_text[256];
        *word = "time";
        snprintf(time_text, sizeof time_text,
                 _("a time: now, '%s' (Beijing time), 2026-05-20T14:30:00+08:00 or unix ms"),
                 EXAMPLE_TIME);
        return time_text;
    }
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: *word = "text"; return _("text");
    /* TRANSLATORS: followed by a colon and the list of the values. */
    case PROTOBUF_C_TYPE_ENUM: *word = "enum"; return _("one of");
    case PROTOBUF_C_TYPE_BOOL: *word = "bool"; return _("true or false (是/否)");
    case PROTOBUF_C_TYPE_MESSAGE: *word = "message"; return _("a message");
    case PROTOBUF_C_TYPE_BYTES:
        if (record_is_entry_id_field(d, f)) {
            *word = "entry_id";
            return _("another record of the log: #INDEX, or its entry id in base64");
        }
        *word = "bytes";
        return _("32 bytes in base64 (a key or a hash)");
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE: *word = "number"; return _("a number");
    default: *word = "integer"; return _("an integer");
    }
}

/* ---- the walk -------------------------------------------------------------------------------- */

typedef struct field_info {
    const ProtobufCMessageDescriptor *owner;
    const ProtobufCFieldDescriptor *f;
    char path[PATH_MAX_LEN];
    int depth;
} field_info;

typedef void (*field_fn)(void *ctx, const field_info *fi);

static void walk(const ProtobufCMessageDescriptor *d, const char *prefix, int depth, field_fn fn,
                 void *ctx)
{
    for (unsigned i = 0; i < d->n_fields; i++) {
        field_info fi = {d, &d->fields[i], "", depth};
        snprintf(fi.path, sizeof fi.path, "%s%s%s", prefix, prefix[0] != '\0' ? "." : "",
                 d->fields[i].name);
        fn(ctx, &fi);
        if (d->fields[i].type == PROTOBUF_C_TYPE_MESSAGE && depth + 1 < DEPTH_MAX)
            walk(d->fields[i].descriptor, fi.path, depth + 1, fn, ctx);
    }
}

/* ---- requirements, by path ------------------------------------------------------------------- */

/* Whether a requirement concerns path: the field itself, or a field inside it. */
static bool concerns(const required_item *it, const char *path, bool *exact)
{
    size_t n = strlen(path);
    *exact = strcmp(it->path, path) == 0;
    return *exact || (strncmp(it->path, path, n) == 0 && it->path[n] == '.');
}

/* "when wrongful_case is true", "when subject is interference (违反规定干预办案)". */
static void when_text(char *buf, size_t cap, const ProtobufCMessageDescriptor *bd,
                      const required_item *it)
{
    buf[0] = '\0';
    if (it->when == NULL)
        return;
    const ProtobufCMessageDescriptor *owner;
    const ProtobufCFieldDescriptor *f = field_at_path(bd, it->when, &owner);
    if (f != NULL && f->type == PROTOBUF_C_TYPE_ENUM) {
        const ProtobufCEnumDescriptor *e = f->descriptor;
        const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(e, it->when_is);
        char sn[96];
        const char *l = v != NULL ? labels_enum(e->name, v->name) : NULL;
        snprintf(buf, cap, "when %s is %s%s%s%s", it->when,
                 v != NULL ? short_name(e, v, sn, sizeof sn) : "?", l != NULL ? " (" : "",
                 l != NULL ? l : "", l != NULL ? ")" : "");
    } else {
        snprintf(buf, cap, "when %s is %s", it->when, it->when_is ? "true" : "false");
    }
}

/* What a requirement adds to "required": "at least 2", "not bureau-head",
 * "no later than decided_at". */
static void limit_text(char *buf, size_t cap, const ProtobufCMessageDescriptor *bd,
                       const required_item *it)
{
    buf[0] = '\0';
    if (it->min > 1) {
        snprintf(buf, cap, "at least %u", it->min);
    } else if (it->not_after != NULL) {
        snprintf(buf, cap, "no later than %s", it->not_after);
    } else if (it->not_value != 0) {
        const ProtobufCMessageDescriptor *owner;
        const ProtobufCFieldDescriptor *f = field_at_path(bd, it->path, &owner);
        const ProtobufCEnumValue *v =
            f != NULL && f->type == PROTOBUF_C_TYPE_ENUM
                ? protobuf_c_enum_descriptor_get_value(f->descriptor, it->not_value)
                : NULL;
        char sn[96];
        snprintf(buf, cap, "not %s", v != NULL ? short_name(f->descriptor, v, sn, sizeof sn) : "?");
    }
}

/* ---- the example ----------------------------------------------------------------------------- */

/* The --set value and the JSON value an example gives field f of d; for an
 * enum, `avoid` is a value the requirement refuses, `want` one it asks for
 * (when != 0). */
static json_t *example_value(const ProtobufCMessageDescriptor *d, const ProtobufCFieldDescriptor *f,
                             int avoid, int want, bool has_want, char *set, size_t cap)
{
    if (is_time(f)) {
        snprintf(set, cap, "now");
        return json_string(EXAMPLE_TIME);
    }
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING:
        snprintf(set, cap, "<%s>", field_label(d, f));
        return json_string(set);
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumDescriptor *e = f->descriptor;
        const ProtobufCEnumValue *v =
            has_want ? protobuf_c_enum_descriptor_get_value(e, want) : example_enum(e, avoid);
        if (v == NULL) {
            set[0] = '\0';
            return NULL;
        }
        short_name(e, v, set, cap);
        return json_string(set);
    }
    case PROTOBUF_C_TYPE_BOOL:
        snprintf(set, cap, "%s", has_want && !want ? "false" : "true");
        return json_boolean(!(has_want && !want));
    case PROTOBUF_C_TYPE_BYTES:
        if (record_is_entry_id_field(d, f)) {
            snprintf(set, cap, EXAMPLE_INDEX);
            return json_string(EXAMPLE_ENTRYID);
        }
        snprintf(set, cap, "<base64>");
        return json_string(EXAMPLE_ENTRYID);
    case PROTOBUF_C_TYPE_MESSAGE: set[0] = '\0'; return NULL;
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE: snprintf(set, cap, "1.5"); return json_real(1.5);
    default: snprintf(set, cap, "1"); return json_integer(1);
    }
}

/* Whether an assignment needs quotes in a shell. */
static bool needs_quotes(const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr("_.=+-:/,@%", c) != NULL))
            return true;
    }
    return false;
}

/* Write "--set ASSIGNMENT", quoted for a shell when it must be. */
static void put_set(FILE *f, const char *assignment)
{
    fprintf(f, needs_quotes(assignment) ? "--set '%s'" : "--set %s", assignment);
}

/*
 * Put value into obj, a JSON body of message d, at path, in item `item` of
 * the first list the path goes through (creating what is missing); a list
 * of scalars at the end of the path gets the value appended. Takes value.
 */
static int json_put(json_t *obj, const ProtobufCMessageDescriptor *d, const char *path, size_t item,
                    json_t *value)
{
    char name[STEP_NAME_MAX];
    bool first_list = true;
    for (;;) {
        const ProtobufCFieldDescriptor *f;
        size_t n = path_step(d, path, name, &f);
        if (n == 0 || f == NULL)
            break;
        bool repeated = f->label == PROTOBUF_C_LABEL_REPEATED;
        if (path[n] == '\0') {
            if (!repeated)
                return json_object_set_new(obj, f->name, value) == 0 ? 0 : LH_ENOMEM;
            json_t *arr = json_object_get(obj, f->name);
            if (arr == NULL && json_object_set_new(obj, f->name, arr = json_array()) != 0)
                break;
            return json_array_append_new(arr, value) == 0 ? 0 : LH_ENOMEM;
        }
        if (f->type != PROTOBUF_C_TYPE_MESSAGE)
            break;
        json_t *next;
        if (repeated) {
            json_t *arr = json_object_get(obj, f->name);
            if (arr == NULL && json_object_set_new(obj, f->name, arr = json_array()) != 0)
                break;
            size_t at = first_list ? item : 0;
            first_list = false;
            while (json_array_size(arr) <= at)
                if (json_array_append_new(arr, json_object()) != 0)
                    goto fail;
            next = json_array_get(arr, at);
        } else {
            next = json_object_get(obj, f->name);
            if (next == NULL && json_object_set_new(obj, f->name, next = json_object()) != 0)
                break;
        }
        obj = next;
        d = f->descriptor;
        path += n + 1;
    }
fail:
    json_decref(value);
    return LH_ENOMEM;
}

/* The --set path of item `item` of the first list path goes through:
 * "participants+.name" for the second participant. */
static void set_path(char *out, size_t cap, const ProtobufCMessageDescriptor *d, const char *path,
                     size_t item)
{
    size_t o = 0;
    bool marked = item == 0;
    char name[STEP_NAME_MAX];
    out[0] = '\0';
    while (*path != '\0' && d != NULL) {
        const ProtobufCFieldDescriptor *f;
        size_t n = path_step(d, path, name, &f);
        if (n == 0)
            break;
        bool plus = !marked && f != NULL && f->label == PROTOBUF_C_LABEL_REPEATED &&
                    f->type == PROTOBUF_C_TYPE_MESSAGE && path[n] == '.';
        int w = snprintf(out + o, cap - o, "%s%s%s", o > 0 ? "." : "", name, plus ? "+" : "");
        if (w < 0 || (size_t)w >= cap - o)
            break;
        o += (size_t)w;
        marked = marked || plus;
        d = f != NULL && f->type == PROTOBUF_C_TYPE_MESSAGE ? f->descriptor : NULL;
        path += n + (path[n] == '.');
    }
}

/* Add one requirement's field (item `item` of its list) to the example. */
static int example_add(kindhelp_example *ex, const ProtobufCMessageDescriptor *bd, const char *path,
                       size_t item, int avoid, int want, bool has_want)
{
    const ProtobufCMessageDescriptor *owner;
    const ProtobufCFieldDescriptor *f = field_at_path(bd, path, &owner);
    if (f == NULL)
        return 0;
    char p[PATH_MAX_LEN], v[KINDHELP_VALUE_MAX];
    set_path(p, sizeof p, bd, path, item);
    json_t *jv = example_value(owner, f, avoid, want, has_want, v, sizeof v);
    if (jv == NULL)
        return v[0] == '\0' ? 0 : LH_ENOMEM;
    /* A path and a value are each shorter than their buffers, and
     * KINDHELP_SET_MAX has room for both: the assignment is never cut. */
    char assignment[KINDHELP_SET_MAX];
    snprintf(assignment, sizeof assignment, "%s=%s", p, v);
    for (size_t i = 0; i < ex->nsets; i++) {
        if (strcmp(ex->sets[i], assignment) == 0) {
            json_decref(jv);
            return 0;
        }
    }
    if (ex->nsets == KINDHELP_SETS_MAX) {
        json_decref(jv);
        return 0;
    }
    snprintf(ex->sets[ex->nsets++], KINDHELP_SET_MAX, "%s", assignment);
    return json_put(ex->json, bd, path, item, jv);
}

int kindhelp_example_of(Liuhen__Kind kind, kindhelp_example *ex)
{
    memset(ex, 0, sizeof *ex);
    ex->json = json_object();
    if (ex->json == NULL)
        return LH_ENOMEM;
    const ProtobufCMessageDescriptor *bd = body_of(kind);
    size_t n;
    const required_item *it = required_of_kind(kind, &n);
    int rc = 0;
    for (size_t i = 0; bd != NULL && rc == 0 && i < n; i++, it++) {
        /* An ordering between two times is met by leaving one unstated. */
        if (it->not_after != NULL)
            continue;
        if (it->when != NULL)
            rc = example_add(ex, bd, it->when, 0, 0, it->when_is, true);
        for (size_t k = 0; rc == 0 && k < (it->min > 1 ? it->min : 1); k++)
            rc = example_add(ex, bd, it->path, k, it->not_value, 0, false);
    }
    if (rc != 0) {
        json_decref(ex->json);
        ex->json = NULL;
    }
    return rc;
}

/* ---- help kinds ------------------------------------------------------------------------------ */

/* Pad s to width columns (a Chinese character takes two). */
static void put_padded(FILE *f, const char *s, size_t width)
{
    fputs(s, f);
    size_t w = text_columns(s);
    /* A text as wide as the column or wider is still followed by a space. */
    for (fputc(' ', f), w++; w < width; w++)
        fputc(' ', f);
}

void kindhelp_list(FILE *f)
{
    fputs(_("Kinds of records (liuhen append --kind KIND; the Chinese label, or KIND_NAME, is\n"
            "accepted too), the articles they record, and the roles whose keys may append them:\n"),
          f);
    fputs("\n", f);
    for (int k = 1; k < 64; k++) {
        const char *name = record_kind_cli_name((Liuhen__Kind)k);
        if (name == NULL)
            continue;
        const char *art = kind_articles((Liuhen__Kind)k);
        char roles[256];
        roles_text(kind_roles((Liuhen__Kind)k), false, roles, sizeof roles);
        fputs("  ", f);
        put_padded(f, name, 24);
        put_padded(f, kind_label_zh((Liuhen__Kind)k), 26);
        put_padded(f, art != NULL ? art : "", 22);
        fprintf(f, "%s%s\n", roles,
                k == LIUHEN__KIND__KIND_CORRECTION ? " (its own records only)" : "");
    }
    fputs("\n`liuhen help KIND` lists a kind's fields: their Chinese labels, types and accepted\n"
          "values, what the regulations require (checked before signing), and an example.\n"
          "Key management (KEY_ENROLL 登记密钥, KEY_REVOKE 注销密钥) is recorded by\n"
          "`liuhen enroll` and `liuhen revoke`.\n",
          f);
}

/* ---- help KIND ------------------------------------------------------------------------------- */

typedef struct text_ctx {
    FILE *f;
    Liuhen__Kind kind;
    const ProtobufCMessageDescriptor *bd;
} text_ctx;

/* The requirement lines of one field. */
static void put_required(FILE *f, const text_ctx *t, const char *path, bool is_message)
{
    size_t n;
    const required_item *it = required_of_kind(t->kind, &n);
    bool inside = false;
    for (size_t i = 0; i < n; i++, it++) {
        bool exact;
        if (!concerns(it, path, &exact))
            continue;
        if (!exact) {
            inside = true;
            continue;
        }
        char w[256], l[128];
        when_text(w, sizeof w, t->bd, it);
        limit_text(l, sizeof l, t->bd, it);
        /* TRANSLATORS: ", " and a limit, ", " and a condition (each pair empty if none). */
        fprintf(f, _("      required%s%s%s%s: %s (%s)\n"), l[0] ? ", " : "", l, w[0] ? ", " : "", w,
                required_rule_id(it->rule), it->ask);
    }
    if (inside && is_message)
        fputs(_("      required: the fields marked below\n"), f);
}

static void text_field(void *ctx, const field_info *fi)
{
    const text_ctx *t = ctx;
    FILE *f = t->f;
    const ProtobufCFieldDescriptor *fd = fi->f;
    const char *label = labels_field(fi->owner->name, fd->name);
    const char *art = labels_field_article(fi->owner->name, fd->name);
    const char *word;
    const char *type = type_text(fi->owner, fd, &word);
    bool repeated = fd->label == PROTOBUF_C_LABEL_REPEATED;

    fputs("\n  ", f);
    put_padded(f, fi->path, 30);
    fprintf(f, "%s%s%s%s\n", label != NULL ? label : "", art != NULL ? "  [" : "",
            art != NULL ? art : "", art != NULL ? "]" : "");
    if (fd->type == PROTOBUF_C_TYPE_MESSAGE) {
        const ProtobufCMessageDescriptor *md = fd->descriptor;
        if (repeated)
            fprintf(f,
                    _("      a list of %s: %s.FIELD sets the last item (the first when the list\n"
                      "      is empty), %s+.FIELD starts a new one, %s[N].FIELD goes to item N\n"),
                    message_name(md), fi->path, fi->path, fi->path);
        else
            fprintf(f, _("      a %s: its fields follow (%s.FIELD)\n"), message_name(md), fi->path);
        put_required(f, t, fi->path, true);
        return;
    }
    fprintf(f, "      %s%s\n", type, fd->type == PROTOBUF_C_TYPE_ENUM ? ":" : "");
    if (fd->type == PROTOBUF_C_TYPE_ENUM) {
        const ProtobufCEnumDescriptor *e = fd->descriptor;
        for (unsigned i = 0; i < e->n_values; i++) {
            const ProtobufCEnumValue *v = &e->values[i];
            if (v->value == 0)
                continue;
            char sn[96];
            const char *vl = labels_enum(e->name, v->name);
            const char *va = labels_enum_article(e->name, v->name);
            fputs("        ", f);
            put_padded(f, short_name(e, v, sn, sizeof sn), 28);
            fprintf(f, "%s%s%s%s\n", vl != NULL ? vl : "", va != NULL ? " [" : "",
                    va != NULL ? va : "", va != NULL ? "]" : "");
        }
    }
    if (repeated)
        fprintf(f, _("      a list: one item per --set (%s[N]=... replaces item N)\n"), fi->path);
    put_required(f, t, fi->path, false);

    /* The example: the value the requirement asks for, when there is one. */
    size_t n;
    const required_item *it = required_of_kind(t->kind, &n);
    int avoid = 0;
    for (size_t i = 0; i < n; i++, it++)
        if (strcmp(it->path, fi->path) == 0 && it->not_value != 0)
            avoid = it->not_value;
    char v[KINDHELP_SET_MAX / 2], assignment[KINDHELP_SET_MAX + PATH_MAX_LEN];
    json_t *jv = example_value(fi->owner, fd, avoid, 0, false, v, sizeof v);
    json_decref(jv);
    if (v[0] != '\0') {
        snprintf(assignment, sizeof assignment, "%s=%s", fi->path, v);
        fputs("      ", f);
        put_set(f, assignment);
        fputc('\n', f);
    }
}

/* The requirements of a kind, grouped by what their article asks. */
static void put_requirements(FILE *f, Liuhen__Kind kind, const ProtobufCMessageDescriptor *bd)
{
    size_t n;
    const required_item *items = required_of_kind(kind, &n);
    if (n == 0) {
        fputs(_("The regulations ask nothing of this record by itself that can be checked before\n"
                "it is signed; the offline verifier's rules across records still apply to it.\n"),
              f);
        return;
    }
    fputs(_("What the regulations require of it (`liuhen append` checks it before signing: on\n"
            "a terminal it asks, otherwise it warns and records; --strict refuses; the offline\n"
            "verifier reports what is missing as a finding of the rule named):\n"),
          f);
    for (size_t i = 0; i < n; i++) {
        if (!first_of_group(items, i, false))
            continue;
        fprintf(f, "  %s %s\n     ", required_rule_id(items[i].rule), items[i].ask);
        bool first = true;
        for (size_t j = i; j < n; j++) {
            if (items[j].ask != items[i].ask)
                continue;
            char w[256], l[128];
            when_text(w, sizeof w, bd, &items[j]);
            limit_text(l, sizeof l, bd, &items[j]);
            const char *label = items[j].label;
            const ProtobufCMessageDescriptor *owner;
            const ProtobufCFieldDescriptor *fd = field_at_path(bd, items[j].path, &owner);
            if (label == NULL && fd != NULL)
                label = field_label(owner, fd);
            fprintf(f, "%s%s %s", first ? "" : ", ", label != NULL ? label : "", items[j].path);
            if (l[0] != '\0')
                fprintf(f, " (%s)", l);
            if (w[0] != '\0')
                fprintf(f, " %s", w);
            first = false;
        }
        fputc('\n', f);
    }
}

void kindhelp_kind(FILE *f, Liuhen__Kind kind)
{
    kind_head h;
    if (!kind_head_of(kind, true, &h))
        return;
    const char *name = h.name, *art = h.art, *roles = h.roles;
    const ProtobufCMessageDescriptor *bd = h.bd;
    char roles_en[256];
    roles_text(kind_roles(kind), false, roles_en, sizeof roles_en);
    fprintf(f, "%s %s — %s%s%s%s\n", kind_label_zh(kind), name, kind_value_name(kind),
            art != NULL ? " (" : "", art != NULL ? art : "", art != NULL ? ")" : "");
    /* TRANSLATORS: the roles in Chinese, the same by name (--roles takes them), then
     * ", for their own records only" or nothing, then " It may be the first record of a
     * case." or nothing. */
    fprintf(f, _("Who may append it: %s (%s)%s.%s\n\n"), roles, roles_en,
            kind == LIUHEN__KIND__KIND_CORRECTION ? _(", for their own records only") : "",
            kind_opens_case(kind) ? _(" It may be the first record of a case.") : "");
    put_requirements(f, kind, bd);

    fprintf(f,
            _("\nFields (liuhen append --kind %s --set PATH=VALUE, or these names in --json):\n"),
            name);
    text_ctx t = {f, kind, bd};
    walk(bd, "", 0, text_field, &t);

    kindhelp_example ex;
    if (kindhelp_example_of(kind, &ex) != 0)
        return;
    fputs(ex.nsets > 0 ? _("\nExample, with what the regulations require:\n") : _("\nExample:\n"),
          f);
    fprintf(f, "  liuhen append --key KEY --kind %s --case CASE", name);
    size_t col = 80;
    for (size_t i = 0; i < ex.nsets; i++) {
        size_t w = text_columns(ex.sets[i]) + 9;
        if (col + w > 90) {
            fputs(" \\\n     ", f);
            col = 5;
        }
        fputc(' ', f);
        put_set(f, ex.sets[i]);
        col += w;
    }
    char *line = json_dumps(ex.json, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fprintf(f, "\n  or the same as JSON (--json FILE):\n  %s\n", line != NULL ? line : "{}");
    free(line);
    json_decref(ex.json);
}

/* ---- help KIND as JSON ----------------------------------------------------------------------- */

typedef struct json_ctx {
    Liuhen__Kind kind;
    const ProtobufCMessageDescriptor *bd;
    json_t *fields;
    bool ok;
} json_ctx;

static json_t *str_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

static void json_field(void *ctx, const field_info *fi)
{
    json_ctx *j = ctx;
    const ProtobufCFieldDescriptor *fd = fi->f;
    const char *word;
    type_text(fi->owner, fd, &word);
    json_t *o = json_object();
    bool ok = o != NULL;
    render_json_set(o, "path", json_string(fi->path), &ok);
    render_json_set(o, "label", str_or_null(labels_field(fi->owner->name, fd->name)), &ok);
    render_json_set(o, "articles", str_or_null(labels_field_article(fi->owner->name, fd->name)),
                    &ok);
    render_json_set(o, "type", json_string(word), &ok);
    render_json_set(o, "repeated", json_boolean(fd->label == PROTOBUF_C_LABEL_REPEATED), &ok);
    if (fd->type == PROTOBUF_C_TYPE_ENUM) {
        const ProtobufCEnumDescriptor *e = fd->descriptor;
        json_t *vals = json_array();
        ok = ok && vals != NULL;
        for (unsigned i = 0; ok && i < e->n_values; i++) {
            const ProtobufCEnumValue *v = &e->values[i];
            if (v->value == 0)
                continue;
            char sn[96];
            json_t *vo = json_object();
            ok = vo != NULL;
            render_json_set(vo, "name", json_string(short_name(e, v, sn, sizeof sn)), &ok);
            render_json_set(vo, "label", str_or_null(labels_enum(e->name, v->name)), &ok);
            render_json_set(vo, "articles", str_or_null(labels_enum_article(e->name, v->name)),
                            &ok);
            ok = ok && json_array_append_new(vals, vo) == 0;
        }
        render_json_set(o, "values", vals, &ok);
    }
    json_t *req = json_array();
    ok = ok && req != NULL;
    size_t n;
    const required_item *it = required_of_kind(j->kind, &n);
    int avoid = 0;
    for (size_t i = 0; ok && i < n; i++, it++) {
        if (strcmp(it->path, fi->path) != 0)
            continue;
        avoid = it->not_value != 0 ? it->not_value : avoid;
        char w[256], l[128];
        when_text(w, sizeof w, j->bd, it);
        limit_text(l, sizeof l, j->bd, it);
        json_t *ro = json_object();
        ok = ro != NULL;
        render_json_set(ro, "rule", json_string(required_rule_id(it->rule)), &ok);
        render_json_set(ro, "article", json_string(it->article), &ok);
        render_json_set(ro, "ask", json_string(it->ask), &ok);
        render_json_set(ro, "when", w[0] ? json_string(w) : json_null(), &ok);
        render_json_set(ro, "limit", l[0] ? json_string(l) : json_null(), &ok);
        ok = ok && json_array_append_new(req, ro) == 0;
    }
    render_json_set(o, "required", req, &ok);
    char v[KINDHELP_SET_MAX / 2], assignment[KINDHELP_SET_MAX + PATH_MAX_LEN];
    json_decref(example_value(fi->owner, fd, avoid, 0, false, v, sizeof v));
    snprintf(assignment, sizeof assignment, "%s=%s", fi->path, v);
    render_json_set(o, "example", v[0] ? json_string(assignment) : json_null(), &ok);
    if (!ok || json_array_append_new(j->fields, o) != 0)
        j->ok = false;
}

json_t *kindhelp_kind_json(Liuhen__Kind kind)
{
    kind_head h;
    if (!kind_head_of(kind, false, &h))
        return NULL;
    const char *name = h.name;
    const ProtobufCMessageDescriptor *bd = h.bd;
    json_t *o = json_object();
    bool ok = o != NULL;
    char roles[128];
    role_text(kind_roles(kind), false, roles, sizeof roles);
    render_json_set(o, "kind", json_string(name), &ok);
    render_json_set(o, "name", json_string(kind_value_name(kind)), &ok);
    render_json_set(o, "label", json_string(kind_label_zh(kind)), &ok);
    render_json_set(o, "articles", str_or_null(h.art), &ok);
    json_t *ra = json_array();
    ok = ok && ra != NULL;
    for (char *save = NULL, *r = strtok_r(roles, ",", &save); ok && r != NULL;
         r = strtok_r(NULL, ",", &save))
        ok = json_array_append_new(ra, json_string(r)) == 0;
    render_json_set(o, "roles", ra, &ok);
    render_json_set(o, "opens_case", json_boolean(kind_opens_case(kind)), &ok);
    json_ctx j = {kind, bd, json_array(), true};
    if (j.fields != NULL)
        walk(bd, "", 0, json_field, &j);
    render_json_set(o, "fields", j.fields, &ok);
    ok = ok && j.ok;
    kindhelp_example ex;
    if (ok && kindhelp_example_of(kind, &ex) == 0) {
        json_t *sets = json_array();
        ok = sets != NULL;
        for (size_t i = 0; ok && i < ex.nsets; i++)
            ok = json_array_append_new(sets, json_string(ex.sets[i])) == 0;
        render_json_set(o, "example_set", sets, &ok);
        render_json_set(o, "example_json", ex.json, &ok);
    } else {
        ok = false;
    }
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* ---- the manual page ------------------------------------------------------------------------- */

/* Write UTF-8 text as roff: '-' as \-, '\' as \e, every character beyond
 * ASCII as \[uXXXX] (so that groff needs no preprocessor, as the rest of
 * docs/liuhen.1 is written), § and — by their roff names. */
static void put_roff(FILE *f, const char *s)
{
    size_t len = strlen(s), i = 0;
    while (i < len) {
        uint32_t cp = text_utf8_next((const uint8_t *)s, len, &i);
        if (cp == '-')
            fputs("\\-", f);
        else if (cp == '\\')
            fputs("\\e", f);
        else if (cp == 0xA7)
            fputs("\\[sc]", f);
        else if (cp == 0x2014)
            fputs("\\(em", f);
        else if (cp < 0x80)
            fputc((int)cp, f);
        else if (cp != TEXT_NOT_UTF8)
            fprintf(f, "\\[u%04X]", (unsigned)cp);
    }
}

void kindhelp_man(FILE *f)
{
    fputs(".\\\" BEGIN liuhen help --man kinds: generated, do not edit; tests/test_cli.c\n"
          ".\\\" (test_man_kinds) checks it and says how to regenerate it.\n"
          ".SH RECORD KINDS\n"
          "The kinds of records that\n"
          ".B append\n"
          "takes, the articles they record, the roles whose keys may append them, and\n"
          "what the regulations require of a record by itself, with the rule of the\n"
          "offline verifier that reports its absence.\n"
          ".B append\n"
          "checks it before signing: on a terminal it asks whether to record anyway\n"
          "(the default is no); otherwise it warns and records, since not recording is\n"
          "worse than recording incompletely;\n"
          ".B \\-\\-strict\n"
          "refuses (exit status 2).\n"
          ".B liuhen help\n"
          ".I KIND\n"
          "lists every field of a kind: its Chinese label, its type, the values it\n"
          "accepts with their Chinese terms, what the regulations require and an\n"
          "example;\n"
          ".B liuhen help kinds\n"
          "lists the kinds.\n",
          f);
    for (int k = 1; k < 64; k++) {
        Liuhen__Kind kind = (Liuhen__Kind)k;
        kind_head h;
        if (!kind_head_of(kind, false, &h))
            continue;
        const char *name = h.name, *art = h.art, *roles = h.roles;
        const ProtobufCMessageDescriptor *bd = h.bd;
        fputs(".TP\n.B ", f);
        put_roff(f, name);
        fputc('\n', f);
        put_roff(f, kind_label_zh(kind));
        if (art != NULL) {
            fputs(" (", f);
            put_roff(f, art);
            fputc(')', f);
        }
        fputs(" \\(em ", f);
        put_roff(f, roles);
        if (kind == LIUHEN__KIND__KIND_CORRECTION)
            fputs(" (their own records only)", f);
        fputs(".\n", f);
        size_t n;
        const required_item *items = required_of_kind(kind, &n);
        for (size_t i = 0; i < n; i++) {
            if (!first_of_group(items, i, true))
                continue;
            fprintf(f, "%s ", i == 0 ? "Requires:" : ";");
            bool first = true;
            for (size_t j = i; j < n; j++) {
                if (items[j].rule != items[i].rule || items[j].not_after != NULL)
                    continue;
                const ProtobufCMessageDescriptor *owner;
                const ProtobufCFieldDescriptor *fd = field_at_path(bd, items[j].path, &owner);
                const char *label = items[j].label;
                if (label == NULL && fd != NULL)
                    label = field_label(owner, fd);
                if (!first)
                    put_roff(f, "、");
                put_roff(f, label != NULL ? label : items[j].path);
                char w[256];
                when_text(w, sizeof w, bd, &items[j]);
                if (w[0] != '\0') {
                    fputc(' ', f);
                    put_roff(f, w);
                }
                first = false;
            }
            fputs(" (", f);
            put_roff(f, required_rule_id(items[i].rule));
            fputs(", ", f);
            put_roff(f, items[i].article);
            fputs(")", f);
        }
        if (n > 0)
            fputs(".\n", f);
    }
    fputs(".\\\" END liuhen help --man kinds\n", f);
}
