/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * validate.c — the structure of an entry (validate.h): the kind and its
 * body, the header, every string by one rule per field, the few kinds whose
 * body has a required field, and the one encoding an entry may have.
 */
#include "validate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kind.h"
#include "text.h"
#include "wire.h"

/* The proto name of a kind ("KIND_COMPLAINT") for messages, or NULL. */
static const char *kind_proto_name(int kind)
{
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value(&liuhen__kind__descriptor, kind);
    return v != NULL ? v->name : NULL;
}

/* The name of the Entry field that holds a body ("interference"). */
static const char *body_field_name(Liuhen__Entry__BodyCase body)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field(&liuhen__entry__descriptor, (unsigned)body);
    return f != NULL ? f->name : "?";
}

/* ------------------------------------------------------------------------
 * Text rules. Every string of an entry is checked by one rule, looked up by
 * field name; a field without a rule is a short line, the strictest, so that
 * a field added to liuhen.proto is checked before anyone thinks of it.
 */

enum {
    TEXT_FREE = 1 << 0,    /* multi-line free text: LF and TAB allowed */
    TEXT_ID = 1 << 1,      /* identifier: no whitespace, nothing invisible */
    TEXT_NO_PLUS = 1 << 2, /* C2SP signed-note key names hold no '+' */
};

struct text_rule {
    const char *message; /* full message name, or NULL for any message */
    const char *field;
    size_t max;
    unsigned flags;
};

#define FREE_TEXT(name)                                                                            \
    {                                                                                              \
        NULL, name, ENTRY_FREE_TEXT_MAX, TEXT_FREE                                                 \
    }

static const struct text_rule text_rules[] = {
    /* The origin names the log in checkpoints, as a note key name. */
    {"liuhen.Entry", "origin", ENTRY_ORIGIN_MAX, TEXT_ID | TEXT_NO_PLUS},
    /* A case id is typed, printed and matched: one visible token. */
    {"liuhen.Entry", "case_id", ENTRY_CASE_ID_MAX, TEXT_ID},
    /* The dotted path of a corrected field. */
    {"liuhen.FieldCorrection", "field", ENTRY_SHORT_TEXT_MAX, TEXT_ID},
    /* What people write in sentences and paragraphs (B§3 内容, A§10 情况). */
    FREE_TEXT("content"),
    FREE_TEXT("summary"),
    FREE_TEXT("reason"),
    FREE_TEXT("grounds"),
    FREE_TEXT("scope"),
    FREE_TEXT("responsibility"),
    FREE_TEXT("conclusion"),
    FREE_TEXT("manner_detail"),
    FREE_TEXT("response_detail"),
    FREE_TEXT("obstruction_detail"),
    FREE_TEXT("outcome_detail"),
    FREE_TEXT("old_value"),
    FREE_TEXT("new_value"),
};

/* Names, positions, units, places, contacts, references, media types. */
static const struct text_rule text_line = {NULL, NULL, ENTRY_SHORT_TEXT_MAX, 0};

static const struct text_rule *text_rule_for(const char *message, const char *field)
{
    for (size_t i = 0; i < sizeof text_rules / sizeof text_rules[0]; i++) {
        const struct text_rule *r = &text_rules[i];
        if (strcmp(r->field, field) == 0 &&
            (r->message == NULL || strcmp(r->message, message) == 0))
            return r;
    }
    return &text_line;
}

/* ------------------------------------------------------------------------
 * The generic walk: every field of every message of the entry, through the
 * protobuf-c descriptors, so that the rules reach fields added later.
 */

/* The schema has no recursive message (Entry > body > Decision >
 * ResponsiblePerson > Person is the deepest): this only guards a change. */
#define WALK_DEPTH_MAX 8

struct walk {
    lh_err *err;
    size_t plen;
    char path[160]; /* "decision.responsible[3].person.name" */
};

static const char *walk_path(const struct walk *w)
{
    return w->plen > 0 ? w->path : "entry";
}

/* Append n bytes to the path, cut at its room. Every field of every entry
 * passes here, so no printf: the path is only read by an error message. */
static void walk_path_add(struct walk *w, const char *s, size_t n)
{
    size_t room = sizeof w->path - 1 - w->plen;
    if (n > room)
        n = room;
    memcpy(w->path + w->plen, s, n);
    w->plen += n;
    w->path[w->plen] = '\0';
}

/* Append ".name" (or "name" at the top) and return the length to restore. */
static size_t walk_push_field(struct walk *w, const char *name)
{
    size_t saved = w->plen;
    if (w->plen > 0)
        walk_path_add(w, ".", 1);
    walk_path_add(w, name, strlen(name));
    return saved;
}

static size_t walk_push_index(struct walk *w, size_t index)
{
    size_t saved = w->plen;
    char digits[24];
    size_t at = sizeof digits;
    digits[--at] = ']';
    do {
        digits[--at] = (char)('0' + index % 10);
        index /= 10;
    } while (index > 0);
    digits[--at] = '[';
    walk_path_add(w, digits + at, sizeof digits - at);
    return saved;
}

static void walk_pop(struct walk *w, size_t saved)
{
    w->plen = saved;
    w->path[saved] = '\0';
}

static int walk_text(struct walk *w, const struct text_rule *r, const char *str)
{
    /* protobuf-c ends each string at its first NUL; a NUL inside one makes
     * the entry re-encode differently, which check_canonical() refuses. */
    const uint8_t *s = (const uint8_t *)(str != NULL ? str : "");
    size_t len = strlen((const char *)s);
    if (len > r->max)
        return lh_err_set(w->err, LH_EFIELD, "%s: %zu bytes, at most %zu", walk_path(w), len,
                          r->max);
    if (!text_utf8_valid(s, len))
        return lh_err_set(w->err, LH_EUTF8, "%s: not valid UTF-8", walk_path(w));
    for (size_t i = 0; i < len;) {
        size_t at = i;
        uint32_t cp = text_utf8_next(s, len, &i);
        /* Free texts keep their line breaks and tabs. */
        bool line_break = cp == '\n' || cp == '\t' || cp == 0x2028 || cp == 0x2029;
        if ((r->flags & TEXT_FREE) != 0 && line_break)
            continue;
        /* A record must read the same everywhere (B§3 如实记录): no
         * control, and nothing that reorders or breaks what is shown. */
        if (text_is_control(cp) || text_is_hidden(cp))
            return lh_err_set(w->err, LH_ECTRL, "%s: control character U+%04" PRIX32 " at byte %zu",
                              walk_path(w), cp, at);
        /* An identifier is one visible token. U+3000 is the ideographic
         * space of Chinese input methods. */
        if ((r->flags & TEXT_ID) != 0 && (text_is_space(cp) || text_is_invisible(cp)))
            return lh_err_set(w->err, LH_EFIELD,
                              "%s: whitespace or invisible character U+%04" PRIX32
                              " at byte %zu (an identifier is one visible token)",
                              walk_path(w), cp, at);
        if ((r->flags & TEXT_NO_PLUS) != 0 && cp == '+')
            return lh_err_set(w->err, LH_EFIELD, "%s: '+' at byte %zu (not allowed in a note name)",
                              walk_path(w), at);
    }
    return 0;
}

static int walk_message(struct walk *w, const ProtobufCMessage *m, unsigned depth);

/* One value: a singular field, or one item of a repeated field. */
static int walk_value(struct walk *w, const ProtobufCMessageDescriptor *d,
                      const ProtobufCFieldDescriptor *f, const void *p, bool item, unsigned depth)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *sub = *(const ProtobufCMessage *const *)p;
        return sub != NULL ? walk_message(w, sub, depth + 1) : 0;
    }
    case PROTOBUF_C_TYPE_ENUM: {
        /* proto3 enums are open: protobuf-c keeps values the .proto does
         * not define, which no reader could name. */
        int32_t v = *(const int32_t *)p;
        const ProtobufCEnumDescriptor *ed = f->descriptor;
        if (protobuf_c_enum_descriptor_get_value(ed, v) == NULL)
            return lh_err_set(w->err, LH_EFIELD, "%s: %" PRId32 " is not a value of %s",
                              walk_path(w), v, ed->name);
        return 0;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        /* Every bytes field of an entry is a SHA-256 hash (entry ids,
         * attachments) or an Ed25519 public key: 32 bytes, or absent. An
         * empty item of a list names nothing. */
        const ProtobufCBinaryData *b = p;
        if (b->len == ENTRY_HASH_BYTES || (b->len == 0 && !item))
            return 0;
        return lh_err_set(w->err, LH_EFIELD, "%s: %zu bytes; a hash or key is %s32 bytes",
                          walk_path(w), b->len, item ? "" : "absent or ");
    }
    case PROTOBUF_C_TYPE_STRING:
        return walk_text(w, text_rule_for(d->name, f->name), *(const char *const *)p);
    default:
        /* Numbers and booleans: every value is well-formed. Whether it is
         * sensible (a time in the future, say) is the verifier's concern. */
        return 0;
    }
}

/* Size of one item of a repeated field, for the types walk_value checks. */
static size_t item_size(ProtobufCType type)
{
    switch (type) {
    case PROTOBUF_C_TYPE_MESSAGE: return sizeof(ProtobufCMessage *);
    case PROTOBUF_C_TYPE_ENUM: return sizeof(int32_t);
    case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_STRING: return sizeof(char *);
    default: return 0;
    }
}

static int walk_repeated(struct walk *w, const ProtobufCMessageDescriptor *d,
                         const ProtobufCFieldDescriptor *f, const char *base, unsigned depth)
{
    size_t n = *(const size_t *)(const void *)(base + f->quantifier_offset);
    size_t max = strcmp(d->name, "liuhen.Entry") == 0 && strcmp(f->name, "attachments") == 0
                     ? ENTRY_ATTACHMENTS_MAX
                     : ENTRY_REPEATED_MAX;
    if (n > max)
        return lh_err_set(w->err, LH_EFIELD, "%s: %zu items, at most %zu", walk_path(w), n, max);
    size_t size = item_size(f->type);
    if (size == 0 || n == 0)
        return 0;
    const char *items = *(const char *const *)(const void *)(base + f->offset);
    for (size_t i = 0; i < n; i++) {
        size_t saved = walk_push_index(w, i);
        int rc = walk_value(w, d, f, items + i * size, true, depth);
        walk_pop(w, saved);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Whether a singular field holds a value to check. Strings, bytes and
 * messages are checked as they are (empty or NULL when absent). */
static bool field_present(const ProtobufCFieldDescriptor *f, const char *base)
{
    if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0)
        return *(const uint32_t *)(const void *)(base + f->quantifier_offset) == f->id;
    if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_STRING &&
        f->type != PROTOBUF_C_TYPE_MESSAGE)
        return *(const protobuf_c_boolean *)(const void *)(base + f->quantifier_offset);
    return true;
}

static int walk_message(struct walk *w, const ProtobufCMessage *m, unsigned depth)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    if (depth > WALK_DEPTH_MAX)
        return lh_err_set(w->err, LH_EPARSE, "%s: messages nested too deeply", walk_path(w));
    /* A field this version does not know could carry anything, unchecked
     * and unseen by every reader that drops it: refuse it. */
    if (m->n_unknown_fields > 0)
        return lh_err_set(w->err, LH_EUNKNOWNFIELD,
                          "%s: unknown field %" PRIu32 " in %s (not in this liuhen.proto)",
                          walk_path(w), m->unknown_fields[0].tag, d->name);
    const char *base = (const char *)m;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        size_t saved = walk_push_field(w, f->name);
        int rc = 0;
        if (f->label == PROTOBUF_C_LABEL_REPEATED)
            rc = walk_repeated(w, d, f, base, depth);
        else if (field_present(f, base))
            rc = walk_value(w, d, f, base + f->offset, false, depth);
        walk_pop(w, saved);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Rules that are code: the kind and its body, the header, attachments, and
 * the few kinds whose body has a required field.
 */

static int check_kind(const Liuhen__Entry *e, lh_err *err)
{
    const char *kname = kind_proto_name((int)e->kind);
    if (e->kind == LIUHEN__KIND__KIND_UNSPECIFIED)
        return lh_err_set(err, LH_EKIND, "kind: KIND_UNSPECIFIED is not a record kind");
    Liuhen__Entry__BodyCase body = kind_body(e->kind);
    if (body == LIUHEN__ENTRY__BODY__NOT_SET)
        return lh_err_set(err, LH_EKIND, "kind: %d is not a kind this version knows", (int)e->kind);
    if (e->body_case == LIUHEN__ENTRY__BODY__NOT_SET)
        return lh_err_set(err, LH_EKIND, "body: missing; kind %s needs the %s body", kname,
                          body_field_name(body));
    if (e->body_case != body)
        return lh_err_set(err, LH_EKIND, "kind is %s but the body is %s", kname,
                          body_field_name(e->body_case));
    return 0;
}

/* RFC 6838 §4.2 restricted-name: 1 to 127 of ALPHA DIGIT ! # $ & - ^ _ . +,
 * the first alphanumeric. */
static bool restricted_name(const char *s, size_t n)
{
    if (n == 0 || n > 127)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || strchr("!#$&-^_.+", c) == NULL))
            return false;
    }
    return true;
}

/* What a viewer is chosen by (entry.h). */
bool validate_media_type(const char *s)
{
    const char *slash = strchr(s, '/');
    if (slash == NULL || !restricted_name(s, (size_t)(slash - s)))
        return false;
    const char *sub = slash + 1;
    size_t sub_len = strcspn(sub, ";");
    if (!restricted_name(sub, sub_len))
        return false;
    for (const char *p = sub + sub_len; *p != '\0'; p++) {
        if (*p < 0x20 || *p > 0x7E)
            return false;
    }
    return true;
}

static int check_attachment(const Liuhen__Attachment *a, size_t i, lh_err *err)
{
    /* The name is how a file is found and saved again: a path separator
     * or a dot directory would let it name another file. */
    if (a->name[0] == '\0')
        return lh_err_set(err, LH_EFIELD, "attachments[%zu].name: required", i);
    if (strchr(a->name, '/') != NULL || strcmp(a->name, ".") == 0 || strcmp(a->name, "..") == 0)
        return lh_err_set(err, LH_EFIELD, "attachments[%zu].name: a file name, not a path", i);
    /* The hash is what binds the evidence file to the entry. */
    if (a->sha256.len != ENTRY_HASH_BYTES)
        return lh_err_set(err, LH_EFIELD, "attachments[%zu].sha256: must be 32 bytes, got %zu", i,
                          a->sha256.len);
    if (a->media_type[0] == '\0')
        return lh_err_set(err, LH_EFIELD, "attachments[%zu].media_type: required", i);
    if (!validate_media_type(a->media_type))
        return lh_err_set(err, LH_EFIELD,
                          "attachments[%zu].media_type: not a type/subtype media type (RFC 6838)",
                          i);
    return 0;
}

static int check_header(const Liuhen__Entry *e, lh_err *err)
{
    bool in_case = kind_in_case(e->kind), opens_case = kind_opens_case(e->kind);
    const char *kname = kind_proto_name((int)e->kind);
    bool has_case_id = e->case_id[0] != '\0';
    if (in_case && !has_case_id)
        return lh_err_set(err, LH_EFIELD, "case_id: required for %s", kname);
    if (!in_case && has_case_id)
        return lh_err_set(err, LH_EFIELD,
                          "case_id: must be empty for %s (key management belongs to no case)",
                          kname);
    if (e->author_key.len != ENTRY_KEY_BYTES)
        return lh_err_set(err, LH_EFIELD,
                          "author_key: must be 32 bytes (an Ed25519 public key), got %zu",
                          e->author_key.len);
    /* docs/design.md: an author's entries are numbered 1, 2, 3 ... and chained
     * by author_prev, so that a dropped entry breaks the next one's link. */
    if (e->author_seq == 0)
        return lh_err_set(err, LH_EFIELD, "author_seq: must be 1 or more");
    if (e->author_seq == 1 && e->author_prev.len != 0)
        return lh_err_set(err, LH_EFIELD,
                          "author_prev: must be absent when author_seq is 1 (the first entry)");
    if (e->author_seq > 1 && e->author_prev.len != ENTRY_HASH_BYTES)
        return lh_err_set(err, LH_EFIELD,
                          "author_prev: must be the 32-byte entry id of entry %" PRIu64
                          " of the author, got %zu bytes",
                          e->author_seq - 1, e->author_prev.len);
    /* docs/design.md: a case's history is a hash chain; only the kinds that may
     * open a case can start one, and key management has none. */
    if (e->case_prev.len != 0 && e->case_prev.len != ENTRY_HASH_BYTES)
        return lh_err_set(err, LH_EFIELD, "case_prev: must be absent or 32 bytes, got %zu",
                          e->case_prev.len);
    if (!in_case && e->case_prev.len != 0)
        return lh_err_set(err, LH_EFIELD, "case_prev: must be absent for %s", kname);
    if (in_case && !opens_case && e->case_prev.len == 0)
        return lh_err_set(err, LH_EFIELD,
                          "case_prev: required: %s cannot open a case, it follows the case's head",
                          kname);
    if (e->recorded_at <= 0)
        return lh_err_set(err, LH_EFIELD,
                          "recorded_at: must be a positive unix time in milliseconds");
    for (size_t i = 0; i < e->n_attachments; i++) {
        int rc = check_attachment(e->attachments[i], i, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int check_body(const Liuhen__Entry *e, lh_err *err)
{
    switch (e->body_case) {
    case LIUHEN__ENTRY__BODY_KEY_ENROLL: {
        const Liuhen__KeyEnroll *b = e->key_enroll;
        if (b->public_key.len != ENTRY_KEY_BYTES)
            return lh_err_set(err, LH_EFIELD,
                              "key_enroll.public_key: required: the Ed25519 key enrolled");
        if (b->holder[0] == '\0')
            return lh_err_set(err, LH_EFIELD, "key_enroll.holder: required: who holds the key");
        if (b->n_roles == 0)
            return lh_err_set(err, LH_EFIELD, "key_enroll.roles: at least one role");
        for (size_t i = 0; i < b->n_roles; i++) {
            if (b->roles[i] == LIUHEN__ROLE__ROLE_UNSPECIFIED)
                return lh_err_set(err, LH_EFIELD,
                                  "key_enroll.roles[%zu]: ROLE_UNSPECIFIED is not a role", i);
        }
        return 0;
    }
    case LIUHEN__ENTRY__BODY_KEY_REVOKE:
        if (e->key_revoke->public_key.len != ENTRY_KEY_BYTES)
            return lh_err_set(err, LH_EFIELD,
                              "key_revoke.public_key: required: the Ed25519 key revoked");
        return 0;
    case LIUHEN__ENTRY__BODY_CORRECTION:
        /* B§3 如实记录: a correction names the entry it corrects, which stays. */
        if (e->correction->corrects.len != ENTRY_HASH_BYTES)
            return lh_err_set(err, LH_EFIELD,
                              "correction.corrects: required: the entry id of the corrected entry");
        return 0;
    default:
        /* The other kinds have no field whose absence makes the record
         * meaningless; what the regulations want in them is reported by
         * the verifier (docs/regulation.md, R1-R17), not refused here. */
        return 0;
    }
}

/*
 * Protobuf accepts many encodings of one message (fields twice or in any
 * order, longer varints, defaults written out) and protobuf-c cuts a string
 * at a NUL that other readers keep: then two readers could show two
 * different records for one signature. Only the canonical encoding, the one
 * every proto3 encoder produces, is accepted: the bytes must re-encode to
 * themselves.
 */
static int check_canonical(const Liuhen__Entry *e, const uint8_t *entry, size_t len, lh_err *err)
{
    size_t at;
    if (!wire_is_canonical(&e->base, entry, len, &at))
        return lh_err_set(err, LH_EPARSE,
                          "entry: not in canonical protobuf encoding (differs from byte %zu): a "
                          "field repeated, out of order or set to its default, a long varint, "
                          "or a NUL in a string",
                          at);
    return 0;
}

int validate_entry(const uint8_t *entry, size_t len, const char *expected_origin,
                   Liuhen__Entry **out, lh_err *err)
{
    if (out != NULL)
        *out = NULL;
    if (len > ENTRY_MAX_SIZE)
        return lh_err_set(err, LH_ETOOBIG, "entry: %zu bytes, at most %d (a leaf fits in %d bytes)",
                          len, ENTRY_MAX_SIZE, ENTRY_LEAF_MAX);
    bool alloc_failed = false;
    ProtobufCAllocator allocator = entry_allocator(&alloc_failed);
    Liuhen__Entry *e = liuhen__entry__unpack(&allocator, len, entry);
    if (e == NULL) {
        if (alloc_failed)
            return lh_err_set(err, LH_ENOMEM, "entry: out of memory while unpacking");
        return lh_err_set(err, LH_EPARSE, "entry: not a well-formed liuhen.Entry protobuf");
    }

    int rc = check_kind(e, err);
    if (rc == 0) {
        /* An entry is valid in one log only (docs/design.md "Entries"). The
         * origin received is not echoed: it could hold anything. */
        if (expected_origin != NULL && strcmp(e->origin, expected_origin) != 0)
            rc = lh_err_set(err, LH_EORIGIN, "origin: this entry is for another log than \"%s\"",
                            expected_origin);
        else if (e->origin[0] == '\0')
            rc = lh_err_set(err, LH_EFIELD, "origin: required");
    }
    if (rc == 0)
        rc = check_header(e, err);
    if (rc == 0) {
        struct walk w = {.err = err, .plen = 0, .path = ""};
        rc = walk_message(&w, &e->base, 0);
    }
    if (rc == 0)
        rc = check_body(e, err);
    if (rc == 0)
        rc = check_canonical(e, entry, len, err);

    if (rc != 0 || out == NULL)
        liuhen__entry__free_unpacked(e, NULL);
    else
        *out = e;
    return rc;
}
