/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * render.c — records and receipts for people and for scripts (render.h).
 *
 * The text form walks the protobuf-c descriptors, as pbjson.c does for
 * JSON, so every field of every kind is shown, including fields added to
 * liuhen.proto later: each under its Chinese label from the schema's
 * comments (labels.h) followed by its .proto name, each enum value as its
 * label, its short name and the article it comes from.
 */
#include "render.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "cosig.h"
#include "entry.h"
#include "i18n.h"
#include "kind.h"
#include "labels.h"
#include "pbfield.h"
#include "pbjson.h"
#include "pbjson_enum.h"
#include "role.h"
#include "text.h"

const char *render_time(int64_t ms, char buf[RENDER_TIME_MAX])
{
    return calendar_format_local(buf, ms);
}

char *render_b64(const uint8_t *b, size_t n)
{
    char *s = malloc(TEXT_B64_LEN(n));
    if (s != NULL)
        text_b64_encode(s, b, n);
    return s;
}

json_t *render_json_b64(const uint8_t *b, size_t n)
{
    char *s = render_b64(b, n);
    if (s == NULL)
        return NULL;
    json_t *j = json_string(s);
    free(s);
    return j;
}

json_t *render_json_hashes(const uint8_t (*h)[LH_HASH_SIZE], size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < n; i++) {
        if (json_array_append_new(a, render_json_b64(h[i], LH_HASH_SIZE)) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

int render_print_json(json_t *j)
{
    if (j == NULL)
        return LH_ENOMEM;
    int rc = json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(j);
    if (rc != 0)
        return LH_ENOMEM;
    fputc('\n', stdout);
    return 0;
}

const char *render_role(Liuhen__Role role, char buf[RENDER_ROLE_MAX])
{
    snprintf(buf, RENDER_ROLE_MAX, "%s %s", role_label_zh(role), role_name(role));
    return buf;
}

const Liuhen__KeyInfo *render_find_key(const render_ctx *rc, const uint8_t *key)
{
    if (rc == NULL || rc->keys == NULL)
        return NULL;
    for (size_t i = 0; i < rc->keys->count; i++) {
        const Liuhen__KeyInfo *k = rc->keys->keys[i];
        if (k->public_key.len == LH_HASH_SIZE && memcmp(k->public_key.data, key, LH_HASH_SIZE) == 0)
            return k;
    }
    return NULL;
}

/* The entry whose entry id is id, among the known ones. */
static const lh_logged_entry *find_known(const render_ctx *rc, const uint8_t *id)
{
    for (size_t i = 0; rc != NULL && i < rc->nknown; i++)
        if (memcmp(rc->known[i].entry_id, id, LH_HASH_SIZE) == 0)
            return &rc->known[i];
    return NULL;
}

static void indent(FILE *f, int n)
{
    fprintf(f, "%*s", n, "");
}

/* A text, its continuation lines indented under the first. */
static void put_text(FILE *f, const char *s, int ind)
{
    for (const char *p = s; *p != '\0'; p++) {
        fputc(*p, f);
        if (*p == '\n' && p[1] != '\0')
            indent(f, ind);
    }
}

/* "电话 phone [B§5]": label, short name, article. */
static void put_enum(FILE *f, const ProtobufCEnumDescriptor *e, int value)
{
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(e, value);
    if (v == NULL) {
        fprintf(f, _("%d (unknown value)"), value);
        return;
    }
    char name[128];
    if (pbjson_enum_short_name(e, v, name, sizeof name) != 0)
        snprintf(name, sizeof name, "%s", v->name);
    if (strcmp(e->name, "liuhen.Role") == 0) {
        char rb[RENDER_ROLE_MAX];
        fprintf(f, "%s", render_role((Liuhen__Role)value, rb));
        return;
    }
    const char *label = labels_enum(e->name, v->name);
    const char *article = labels_enum_article(e->name, v->name);
    /* The Chinese term under a Chinese locale, the schema's short name otherwise. */
    fprintf(f, "%s", label != NULL ? i18n_pick(label, name) : name);
    if (article != NULL)
        fprintf(f, " [%s]", article);
}

/* "地点 place": the field's label and name. */
static void put_field_name(FILE *f, const ProtobufCMessageDescriptor *m,
                           const ProtobufCFieldDescriptor *fd)
{
    const char *label = labels_field(m->name, fd->name);
    fprintf(f, "%s", label != NULL ? i18n_pick(label, fd->name) : fd->name);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* A 32-byte value: an entry we know ("第7号记录"), a key we know, or base64. */
static void put_hash(FILE *f, const render_ctx *rc, const ProtobufCFieldDescriptor *fd,
                     const ProtobufCBinaryData *b)
{
    char b64[TEXT_B64_LEN(ENTRY_HASH_BYTES)];
    if (b->len != ENTRY_HASH_BYTES) {
        char *s = render_b64(b->data, b->len);
        fprintf(f, "%s", s != NULL ? s : "?");
        free(s);
        return;
    }
    text_b64_encode(b64, b->data, b->len);
    const lh_logged_entry *e = find_known(rc, b->data);
    const Liuhen__KeyInfo *k = ends_with(fd->name, "key") ? render_find_key(rc, b->data) : NULL;
    if (e != NULL && e->entry != NULL)
        fprintf(f, _("entry %" PRIu64 " %s (%s)"), e->index,
                i18n_pick(kind_label_zh(e->entry->kind), kind_name(e->entry->kind)), b64);
    else if (k != NULL)
        fprintf(f, "%s (%s)", k->holder, b64);
    else
        fprintf(f, "%s", b64);
}

static void put_message(FILE *f, const render_ctx *rc, const ProtobufCMessage *m, int ind);

/* One value of a field; messages start on the next line. */
static void put_value(FILE *f, const render_ctx *rc, const ProtobufCFieldDescriptor *fd,
                      const void *p, int ind)
{
    char tbuf[RENDER_TIME_MAX];
    switch (fd->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32: fprintf(f, "%" PRId32, *(const int32_t *)p); break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32: fprintf(f, "%" PRIu32, *(const uint32_t *)p); break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        /* Times are unix ms in fields named *_at (liuhen.proto, "Conventions"). */
        if (ends_with(fd->name, "_at"))
            fprintf(f, "%s", render_time(*(const int64_t *)p, tbuf));
        else
            fprintf(f, "%" PRId64, *(const int64_t *)p);
        break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: fprintf(f, "%" PRIu64, *(const uint64_t *)p); break;
    case PROTOBUF_C_TYPE_FLOAT: fprintf(f, "%g", (double)*(const float *)p); break;
    case PROTOBUF_C_TYPE_DOUBLE: fprintf(f, "%g", *(const double *)p); break;
    case PROTOBUF_C_TYPE_BOOL:
        fprintf(f, "%s",
                *(const protobuf_c_boolean *)p ? i18n_pick("是", "yes") : i18n_pick("否", "no"));
        break;
    case PROTOBUF_C_TYPE_ENUM: put_enum(f, fd->descriptor, *(const int *)p); break;
    case PROTOBUF_C_TYPE_STRING: put_text(f, *(char *const *)p, ind); break;
    case PROTOBUF_C_TYPE_BYTES: put_hash(f, rc, fd, (const ProtobufCBinaryData *)p); break;
    case PROTOBUF_C_TYPE_MESSAGE:
        fputc('\n', f);
        put_message(f, rc, *(ProtobufCMessage *const *)p, ind);
        return;
    }
    fputc('\n', f);
}

static void put_message(FILE *f, const render_ctx *rc, const ProtobufCMessage *m, int ind)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *fd = &d->fields[i];
        if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = pbfield_count(m, fd);
            if (n == 0)
                continue;
            indent(f, ind);
            put_field_name(f, d, fd);
            fputs(":\n", f);
            for (size_t k = 0; k < n; k++) {
                const void *p = pbfield_item(m, fd, k);
                indent(f, ind + 2);
                if (fd->type == PROTOBUF_C_TYPE_MESSAGE) {
                    fprintf(f, "[%zu]", k + 1);
                    put_value(f, rc, fd, p, ind + 4);
                } else {
                    fputs("- ", f);
                    put_value(f, rc, fd, p, ind + 4);
                }
            }
            continue;
        }
        /* What protobuf-c would leave out of the wire is not shown: proto3
         * defaults, except the oneof member that is set. */
        if (!pbfield_present(m, fd))
            continue;
        indent(f, ind);
        put_field_name(f, d, fd);
        fputs(fd->type == PROTOBUF_C_TYPE_MESSAGE ? ":" : ": ", f);
        put_value(f, rc, fd, pbfield_at(m, fd->offset), ind + 2);
    }
}

/* "张三 (办案人员 handler, 法规部门 legal)", the log's key, or the key in base64. */
static void put_author(FILE *f, const render_ctx *rc, const ProtobufCBinaryData *key)
{
    if (key->len != ENTRY_KEY_BYTES) {
        fputs("?\n", f);
        return;
    }
    const Liuhen__KeyInfo *k = render_find_key(rc, key->data);
    char b64[TEXT_B64_LEN(ENTRY_KEY_BYTES)];
    text_b64_encode(b64, key->data, key->len);
    if (k != NULL) {
        fprintf(f, "%s (", k->holder);
        char rb[RENDER_ROLE_MAX];
        for (size_t i = 0; i < k->n_roles; i++)
            fprintf(f, "%s%s", i > 0 ? ", " : "", render_role(k->roles[i], rb));
        fputs(")", f);
        if (k->position[0] != '\0' || k->unit[0] != '\0')
            fprintf(f, " %s%s%s", k->unit, k->unit[0] && k->position[0] ? " " : "", k->position);
        if (k->revoked)
            fprintf(f, _(" [revoked at entry %" PRIu64 "]"), k->revoked_index);
        fputc('\n', f);
    } else if (rc != NULL && rc->log_pubkey != NULL &&
               memcmp(rc->log_pubkey, key->data, ENTRY_KEY_BYTES) == 0) {
        fprintf(f, _("the log's own key (%s)\n"), b64);
    } else {
        fprintf(f, _("%s (not in the key list)\n"), b64);
    }
}

void render_entry(FILE *f, const render_ctx *rc, const lh_logged_entry *le)
{
    const Liuhen__Entry *e = le->entry;
    char t[RENDER_TIME_MAX];
    char b64[TEXT_B64_LEN(LH_HASH_SIZE)];
    const ProtobufCEnumValue *kv =
        protobuf_c_enum_descriptor_get_value(&liuhen__kind__descriptor, e->kind);
    const char *article = kv != NULL ? labels_enum_article("liuhen.Kind", kv->name) : NULL;
    fprintf(f, _("entry %" PRIu64 "  %s"), le->index,
            i18n_pick(kind_label_zh(e->kind), kind_name(e->kind)));
    if (article != NULL)
        fprintf(f, " [%s]", article);
    fputc('\n', f);
    if (e->case_id != NULL && e->case_id[0] != '\0')
        fprintf(f, _("  case: %s\n"), e->case_id);
    fputs(_("  author: "), f);
    put_author(f, rc, &e->author_key);
    fprintf(f, _("  author_seq: %" PRIu64 "\n"), e->author_seq);
    fprintf(f, _("  recorded at: %s\n"), render_time(e->recorded_at, t));
    fprintf(f, _("  integrated at: %s\n"), render_time(le->integrated_at, t));

    ProtobufCMessage *body = entry_body_of((Liuhen__Entry *)e);
    if (body != NULL)
        put_message(f, rc, body, 2);

    if (e->n_refs > 0) {
        fputs(_("  refs:\n"), f);
        for (size_t i = 0; i < e->n_refs; i++) {
            static const ProtobufCFieldDescriptor ref_fd = {.name = "refs"};
            fputs("    - ", f);
            put_hash(f, rc, &ref_fd, &e->refs[i]);
            fputc('\n', f);
        }
    }
    if (e->n_attachments > 0) {
        fputs(_("  attachments:\n"), f);
        for (size_t i = 0; i < e->n_attachments; i++) {
            const Liuhen__Attachment *a = e->attachments[i];
            char *h = render_b64(a->sha256.data, a->sha256.len);
            fprintf(f, _("    - %s  %s  %" PRIu64 " bytes  SHA-256 %s\n"), a->name, a->media_type,
                    a->size, h != NULL ? h : "?");
            free(h);
        }
    }
    text_b64_encode(b64, le->entry_id, LH_HASH_SIZE);
    fprintf(f, _("  entry id: %s\n"), b64);
    text_b64_encode(b64, le->leaf_hash, LH_HASH_SIZE);
    fprintf(f, _("  leaf hash: %s\n"), b64);
}

void render_json_set(json_t *o, const char *key, json_t *v, bool *ok)
{
    if (v == NULL || json_object_set_new(o, key, v) != 0)
        *ok = false;
}

void render_json_time(json_t *o, const char *key, int64_t ms, bool *ok)
{
    render_json_set(o, key, json_integer((json_int_t)ms), ok);
    char name[128], text[CALENDAR_TEXT_MAX];
    if ((size_t)snprintf(name, sizeof name, "%s_rfc3339", key) >= sizeof name) {
        *ok = false;
        return;
    }
    render_json_set(o, name, ms != 0 ? json_string(calendar_format_utc(text, ms)) : json_null(),
                    ok);
}

bool render_json_add_rfc3339(json_t *o)
{
    /* The names first: members are not added while the object is walked. */
    const char *names[64];
    int64_t times[64];
    size_t n = 0;
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        size_t len = strlen(key);
        if (n < 64 && json_is_integer(v) && len > 3 && strcmp(key + len - 3, "_at") == 0) {
            names[n] = key;
            times[n++] = (int64_t)json_integer_value(v);
        }
    }
    bool ok = true;
    for (size_t i = 0; i < n; i++)
        render_json_time(o, names[i], times[i], &ok);
    return ok;
}

json_t *render_entry_json(const render_ctx *rc, const lh_logged_entry *le)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    bool ok = true;
    json_t *entry = NULL;
    if (pbjson_from_message(&le->entry->base, 0, &entry) != 0)
        ok = false;
    render_json_set(o, "index", json_integer((json_int_t)le->index), &ok);
    render_json_set(o, "entry_id", render_json_b64(le->entry_id, LH_HASH_SIZE), &ok);
    render_json_set(o, "leaf_hash", render_json_b64(le->leaf_hash, LH_HASH_SIZE), &ok);
    render_json_time(o, "integrated_at", (int64_t)le->integrated_at, &ok);
    const ProtobufCBinaryData *key = &le->entry->author_key;
    const Liuhen__KeyInfo *k = key->len == ENTRY_KEY_BYTES ? render_find_key(rc, key->data) : NULL;
    if (k != NULL) {
        json_t *a = json_object(), *roles = json_array();
        if (a == NULL || roles == NULL) {
            json_decref(a);
            json_decref(roles);
            ok = false;
        } else {
            for (size_t i = 0; i < k->n_roles; i++) {
                const ProtobufCEnumValue *v =
                    protobuf_c_enum_descriptor_get_value(&liuhen__role__descriptor, k->roles[i]);
                if (v != NULL && json_array_append_new(roles, json_string(v->name)) != 0)
                    ok = false;
            }
            render_json_set(a, "holder", json_string(k->holder), &ok);
            render_json_set(a, "roles", roles, &ok);
            render_json_set(o, "author", a, &ok);
        }
    } else if (rc != NULL && rc->log_pubkey != NULL && key->len == ENTRY_KEY_BYTES &&
               memcmp(rc->log_pubkey, key->data, ENTRY_KEY_BYTES) == 0) {
        json_t *a = json_object();
        if (a != NULL)
            render_json_set(a, "log_key", json_true(), &ok);
        render_json_set(o, "author", a, &ok);
    }
    render_json_set(o, "entry", entry, &ok);
    render_json_set(o, "signature", render_json_b64(le->signature, ENTRY_SIG_BYTES), &ok);
    if (le->audit_path != NULL || le->audit_path_len > 0)
        render_json_set(
            o, "audit_path",
            render_json_hashes((const uint8_t(*)[LH_HASH_SIZE])le->audit_path, le->audit_path_len),
            &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *render_entries_json(const render_ctx *rc, const lh_logged_entry *items, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < n; i++) {
        if (json_array_append_new(a, render_entry_json(rc, &items[i])) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

void render_receipt(FILE *f, const lh_receipt *r, const Liuhen__Entry *entry, const char *saved_to)
{
    char t[RENDER_TIME_MAX];
    char b64[TEXT_B64_LEN(LH_HASH_SIZE)];
    fprintf(f, _("logged entry %" PRIu64 " (leaf %" PRIu64 ") at %s\n"), r->leaf_index,
            r->leaf_index, render_time(r->integrated_at, t));
    if (entry != NULL) {
        fprintf(f, _("  kind: %s\n"),
                i18n_pick(kind_label_zh(entry->kind), kind_name(entry->kind)));
        if (entry->case_id != NULL && entry->case_id[0] != '\0')
            fprintf(f, _("  case: %s\n"), entry->case_id);
    }
    uint8_t id[LH_HASH_SIZE];
    const uint8_t *eb, *sig;
    size_t elen;
    if (r->signed_entry != NULL &&
        entry_signed_unpack(r->signed_entry, r->signed_entry_len, &eb, &elen, &sig, NULL) == 0) {
        entry_id(eb, elen, id);
        text_b64_encode(b64, id, LH_HASH_SIZE);
        fprintf(f, _("  entry id: %s\n"), b64);
    }
    text_b64_encode(b64, r->leaf_hash, LH_HASH_SIZE);
    fprintf(f, _("  leaf hash: %s\n"), b64);
    fprintf(f, _("  checkpoint: tree size %" PRIu64 ", audit path of %zu hashes\n"), r->tree_size,
            r->audit_path_len);
    fputs(_("  verified: checkpoint signature, inclusion proof\n"), f);
    if (saved_to != NULL)
        fprintf(f, _("  receipt saved to: %s\n"), saved_to);
}

/* ---- cosignatures ------------------------------------------------------ */

/* One cosignature line of a note, as shown. */
typedef struct cosig_line {
    char name[NOTE_NAME_MAX + 1];
    int64_t time_ms; /* 0: none readable */
    bool verified;
} cosig_line;

/* The note's lines other than the log's; how many. */
static size_t cosig_lines(const uint8_t *note, size_t len, const note_verifier *log_key,
                          const note_verifier *witnesses, size_t nwitnesses,
                          cosig_line out[NOTE_MAX_SIGS])
{
    const note_verifier *known[1 + NOTE_MAX_SIGS];
    size_t nknown = 0;
    known[nknown++] = log_key;
    for (size_t i = 0; i < nwitnesses && nknown < sizeof known / sizeof known[0]; i++)
        known[nknown++] = &witnesses[i];
    note_opened op;
    if (note_open_keys(note, len, known, nknown, &op, NULL) != 0)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < op.nsigs; i++) {
        const note_sig *sg = &op.sigs[i];
        if (sg->key == 0)
            continue; /* the log's own signature */
        cosig_line *l = &out[n++];
        snprintf(l->name, sizeof l->name, "%.*s", (int)sg->name_len, sg->name);
        l->verified = sg->key != NOTE_KEY_UNKNOWN;
        uint64_t ts = sg->timestamp;
        if (!l->verified && sg->sig_len == COSIG_SIG_LEN) {
            ts = 0;
            for (int k = 0; k < 8; k++)
                ts = ts << 8 | sg->sig[k];
        }
        l->time_ms = ts > 0 && ts < (uint64_t)INT64_MAX / 1000 ? (int64_t)ts * 1000 : 0;
    }
    return n;
}

void render_cosignatures(FILE *f, const uint8_t *note, size_t len, const note_verifier *log_key,
                         const note_verifier *witnesses, size_t nwitnesses)
{
    cosig_line lines[NOTE_MAX_SIGS];
    size_t n = cosig_lines(note, len, log_key, witnesses, nwitnesses, lines);
    if (n == 0) {
        fputs(_("  cosignatures: none\n"), f);
        return;
    }
    fputs(_("  cosignatures:\n"), f);
    for (size_t i = 0; i < n; i++) {
        char t[RENDER_TIME_MAX];
        fprintf(f, "    - %s  %s  %s\n", lines[i].name,
                lines[i].time_ms != 0 ? render_time(lines[i].time_ms, t) : "?",
                lines[i].verified ? _("verified")
                                  : _("not verified (its key was not given: --witness-key)"));
    }
}

json_t *render_cosignatures_json(const uint8_t *note, size_t len, const note_verifier *log_key,
                                 const note_verifier *witnesses, size_t nwitnesses)
{
    cosig_line lines[NOTE_MAX_SIGS];
    size_t n = cosig_lines(note, len, log_key, witnesses, nwitnesses, lines);
    json_t *a = json_array();
    bool ok = a != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        json_t *o = json_object();
        ok = o != NULL;
        render_json_set(o, "witness", json_string(lines[i].name), &ok);
        render_json_time(o, "time", (int64_t)lines[i].time_ms, &ok);
        render_json_set(o, "verified", json_boolean(lines[i].verified), &ok);
        if (ok && json_array_append_new(a, o) != 0)
            ok = false;
    }
    if (!ok) {
        json_decref(a);
        return NULL;
    }
    return a;
}
