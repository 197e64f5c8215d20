/*
 * entry.c — entries (DESIGN.md "Entries"): the entry signature, structural
 * validation, the SignedEntry and Leaf encodings and their hashes, and the
 * tables of kinds and roles (DESIGN.md "Kinds").
 */
#include "entry.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "text.h"
#include "wire.h"

/* The limits of entry.h, checked: the largest entry makes a SignedEntry of
 * exactly ENTRY_SIGNED_MAX and a Leaf of exactly ENTRY_LEAF_MAX with a
 * 10-byte integrated_at; one byte more does not fit. */
_Static_assert(ENTRY_SIGNED_SIZE(ENTRY_MAX_SIZE) == ENTRY_SIGNED_MAX, "ENTRY_SIGNED_MAX");
_Static_assert(ENTRY_LEAF_SIZE(ENTRY_SIGNED_MAX, 10) == ENTRY_LEAF_MAX, "ENTRY_MAX_SIZE");
_Static_assert(ENTRY_LEAF_SIZE(ENTRY_SIGNED_SIZE(ENTRY_MAX_SIZE + 1), 10) > ENTRY_LEAF_MAX,
               "ENTRY_MAX_SIZE is the largest");
_Static_assert(crypto_sign_ed25519_BYTES == ENTRY_SIG_BYTES, "signature size");
_Static_assert(crypto_sign_ed25519_PUBLICKEYBYTES == ENTRY_KEY_BYTES, "public key size");
_Static_assert(crypto_sign_ed25519_SECRETKEYBYTES == ENTRY_SK_BYTES, "secret key size");
_Static_assert(crypto_hash_sha256_BYTES == ENTRY_HASH_BYTES, "hash size");

/* ------------------------------------------------------------------------
 * Kinds and roles, as data (DESIGN.md "Kinds").
 */

#define R(role) ENTRY_ROLE_BIT(LIUHEN__ROLE__ROLE_##role)

struct kind_info {
    const char *name;             /* the enum value's name without "KIND_" */
    Liuhen__Entry__BodyCase body; /* the body this kind carries */
    uint32_t roles;               /* who may append it */
    bool opens_case;              /* may be the first entry of a case */
    bool in_case;                 /* belongs to a case: case_id required */
};

static const struct kind_info kinds[] = {
    [LIUHEN__KIND__KIND_INTERFERENCE] = {"INTERFERENCE", LIUHEN__ENTRY__BODY_INTERFERENCE,
                                         R(HANDLER) | R(LEGAL), true, true},
    /* B§7: written by a leader, or oral and recorded by the handler. */
    [LIUHEN__KIND__KIND_GUIDANCE] = {"GUIDANCE", LIUHEN__ENTRY__BODY_GUIDANCE,
                                     R(LEADER) | R(HANDLER), true, true},
    /* A§10(1): the legal section accepts complaints and answers them. */
    [LIUHEN__KIND__KIND_COMPLAINT] = {"COMPLAINT", LIUHEN__ENTRY__BODY_COMPLAINT, R(LEGAL), true,
                                      true},
    [LIUHEN__KIND__KIND_TRANSFER] = {"TRANSFER", LIUHEN__ENTRY__BODY_TRANSFER, R(LEGAL), false,
                                     true},
    [LIUHEN__KIND__KIND_REPLY] = {"REPLY", LIUHEN__ENTRY__BODY_REPLY, R(LEGAL), false, true},
    /* A§10(2): the principal head assigns the team. */
    [LIUHEN__KIND__KIND_INVESTIGATION_ASSIGNED] = {"INVESTIGATION_ASSIGNED",
                                                   LIUHEN__ENTRY__BODY_INVESTIGATION_ASSIGNED,
                                                   R(LEADER), false, true},
    [LIUHEN__KIND__KIND_INVESTIGATION_STEP] = {"INVESTIGATION_STEP",
                                               LIUHEN__ENTRY__BODY_INVESTIGATION_STEP,
                                               R(INVESTIGATOR) | R(LEGAL), false, true},
    /* A§10(3): decided by the leadership's collective discussion. */
    [LIUHEN__KIND__KIND_DECISION] = {"DECISION", LIUHEN__ENTRY__BODY_DECISION, R(LEADER), false,
                                     true},
    [LIUHEN__KIND__KIND_REVIEW_ORDER] = {"REVIEW_ORDER", LIUHEN__ENTRY__BODY_REVIEW_ORDER,
                                         R(LEADER), false, true},
    /* A§12: whoever is concerned states a defence or petitions. */
    [LIUHEN__KIND__KIND_APPEAL] = {"APPEAL", LIUHEN__ENTRY__BODY_APPEAL, ENTRY_ROLES_ALL, false,
                                   true},
    [LIUHEN__KIND__KIND_NOTIFICATION] = {"NOTIFICATION", LIUHEN__ENTRY__BODY_NOTIFICATION,
                                         R(LEGAL) | R(LEADER), false, true},
    /* Any enrolled key, and only for its own entries: entry_kind_allowed(). */
    [LIUHEN__KIND__KIND_CORRECTION] = {"CORRECTION", LIUHEN__ENTRY__BODY_CORRECTION,
                                       ENTRY_ROLES_ALL, false, true},
    [LIUHEN__KIND__KIND_CASE_CLOSED] = {"CASE_CLOSED", LIUHEN__ENTRY__BODY_CASE_CLOSED,
                                        R(LEGAL) | R(LEADER), false, true},
    /* Keys and roles are only ever decided by the ledger (DESIGN.md). */
    [LIUHEN__KIND__KIND_KEY_ENROLL] = {"KEY_ENROLL", LIUHEN__ENTRY__BODY_KEY_ENROLL, R(ADMIN),
                                       false, false},
    [LIUHEN__KIND__KIND_KEY_REVOKE] = {"KEY_REVOKE", LIUHEN__ENTRY__BODY_KEY_REVOKE, R(ADMIN),
                                       false, false},
};

#define N_KINDS (sizeof kinds / sizeof kinds[0])

struct role_info {
    const char *name;
};

static const struct role_info roles_tab[] = {
    [LIUHEN__ROLE__ROLE_ADMIN] = {"admin"},
    [LIUHEN__ROLE__ROLE_HANDLER] = {"handler"},
    [LIUHEN__ROLE__ROLE_LEGAL] = {"legal"},
    [LIUHEN__ROLE__ROLE_LEADER] = {"leader"},
    [LIUHEN__ROLE__ROLE_INVESTIGATOR] = {"investigator"},
};

#define N_ROLES (sizeof roles_tab / sizeof roles_tab[0])

/* The table entry of a defined kind; NULL for KIND_UNSPECIFIED and for
 * values this version does not know. */
static const struct kind_info *kind_info(int kind)
{
    if (kind <= 0 || (size_t)kind >= N_KINDS || kinds[kind].name == NULL)
        return NULL;
    return &kinds[kind];
}

static const struct role_info *role_info(int role)
{
    if (role <= 0 || (size_t)role >= N_ROLES || roles_tab[role].name == NULL)
        return NULL;
    return &roles_tab[role];
}

/* Names are matched without the locale: ASCII case folded, '-' read as '_'. */
static char name_fold(char c)
{
    if (c >= 'a' && c <= 'z')
        return (char)(c - 'a' + 'A');
    return c == '-' ? '_' : c;
}

/* Whether `name`, with or without `prefix`, is `want` (after folding). */
static bool name_is(const char *name, const char *prefix, const char *want)
{
    size_t i = 0;
    while (prefix[i] != '\0' && name_fold(name[i]) == prefix[i])
        i++;
    if (prefix[i] == '\0')
        name += i;
    for (; *want != '\0'; name++, want++) {
        if (name_fold(*name) != name_fold(*want))
            return false;
    }
    return *name == '\0';
}

const char *entry_kind_name(Liuhen__Kind kind)
{
    const struct kind_info *k = kind_info((int)kind);
    if (k != NULL)
        return k->name;
    return kind == LIUHEN__KIND__KIND_UNSPECIFIED ? "UNSPECIFIED" : "UNKNOWN";
}

const char *entry_kind_label_zh(Liuhen__Kind kind)
{
    /* The schema's comments are the one source of the terms (labels.h). */
    const char *label = kind_info((int)kind) != NULL
                            ? labels_enum_value(&liuhen__kind__descriptor, (int)kind)
                            : NULL;
    if (label != NULL)
        return label;
    return kind == LIUHEN__KIND__KIND_UNSPECIFIED ? "未指明类型" : "未知类型";
}

Liuhen__Kind entry_kind_from_name(const char *name)
{
    if (name == NULL)
        return LIUHEN__KIND__KIND_UNSPECIFIED;
    for (size_t k = 1; k < N_KINDS; k++) {
        if (kinds[k].name != NULL && name_is(name, "KIND_", kinds[k].name))
            return (Liuhen__Kind)k;
    }
    return LIUHEN__KIND__KIND_UNSPECIFIED;
}

ProtobufCMessage *entry_body_of(Liuhen__Entry *entry)
{
    if (entry == NULL || entry->body_case == LIUHEN__ENTRY__BODY__NOT_SET)
        return NULL;
    /* Every member of the body oneof is a message pointer at the field's
     * offset: the descriptor finds it whatever the kind, new ones included. */
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field(&liuhen__entry__descriptor, entry->body_case);
    if (f == NULL || f->type != PROTOBUF_C_TYPE_MESSAGE)
        return NULL;
    ProtobufCMessage **member = (ProtobufCMessage **)(void *)((char *)entry + f->offset);
    return *member;
}

bool entry_kind_opens_case(Liuhen__Kind kind)
{
    const struct kind_info *k = kind_info((int)kind);
    return k != NULL && k->opens_case;
}

bool entry_kind_allowed(Liuhen__Kind kind, uint32_t roles, bool corrects_own_entry)
{
    const struct kind_info *k = kind_info((int)kind);
    if (k == NULL)
        return false;
    /* DESIGN.md: a CORRECTION is appended by the original author only. */
    if (kind == LIUHEN__KIND__KIND_CORRECTION && !corrects_own_entry)
        return false;
    /* Bits outside the defined roles (ROLE_UNSPECIFIED among them) grant
     * nothing, so that a key enrolled without a real role appends nothing. */
    return (roles & ENTRY_ROLES_ALL & k->roles) != 0;
}

const char *entry_role_name(Liuhen__Role role)
{
    const struct role_info *r = role_info((int)role);
    if (r != NULL)
        return r->name;
    return role == LIUHEN__ROLE__ROLE_UNSPECIFIED ? "unspecified" : "unknown";
}

const char *entry_role_label_zh(Liuhen__Role role)
{
    const char *label = role_info((int)role) != NULL
                            ? labels_enum_value(&liuhen__role__descriptor, (int)role)
                            : NULL;
    if (label != NULL)
        return label;
    return role == LIUHEN__ROLE__ROLE_UNSPECIFIED ? "未指明角色" : "未知角色";
}

Liuhen__Role entry_role_from_name(const char *name)
{
    if (name == NULL)
        return LIUHEN__ROLE__ROLE_UNSPECIFIED;
    for (size_t r = 1; r < N_ROLES; r++) {
        if (roles_tab[r].name != NULL && name_is(name, "ROLE_", roles_tab[r].name))
            return (Liuhen__Role)r;
    }
    return LIUHEN__ROLE__ROLE_UNSPECIFIED;
}

const char *entry_roles_text(uint32_t roles, bool zh, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t r = 1; r < N_ROLES; r++) {
        if ((roles & ENTRY_ROLE_BIT(r)) == 0 || roles_tab[r].name == NULL)
            continue;
        const char *name = zh ? entry_role_label_zh((Liuhen__Role)r) : roles_tab[r].name;
        int n = snprintf(out + len, cap - len, "%s%s", len > 0 ? (zh ? "、" : ",") : "", name);
        if (n < 0 || (size_t)n >= cap - len) {
            out[len] = '\0';
            break;
        }
        len += (size_t)n;
    }
    if (len == 0)
        snprintf(out, cap, "%s", zh ? "无" : "none");
    return out;
}

uint32_t entry_roles_mask(const Liuhen__Role *roles, size_t n)
{
    uint32_t mask = 0;
    for (size_t i = 0; i < n; i++) {
        if (role_info((int)roles[i]) != NULL)
            mask |= ENTRY_ROLE_BIT(roles[i]);
    }
    return mask;
}

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
 * Signature (DESIGN.md "Entries"): Ed25519 over the context and the entry.
 */

int entry_sig_input(const uint8_t *entry, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
    if (len > ENTRY_MAX_SIZE)
        return LH_ETOOBIG;
    size_t need = ENTRY_SIG_CONTEXT_LEN + len;
    *out_len = need;
    if (cap < need)
        return LH_ELENGTH;
    memcpy(out, ENTRY_SIG_CONTEXT, ENTRY_SIG_CONTEXT_LEN);
    if (len > 0)
        memcpy(out + ENTRY_SIG_CONTEXT_LEN, entry, len);
    return 0;
}

int entry_sign(const uint8_t *entry, size_t len, const uint8_t sk[ENTRY_SK_BYTES],
               uint8_t sig[ENTRY_SIG_BYTES])
{
    /* Ed25519 hashes the message twice, so it must be contiguous: it is
     * built on the stack, never in a static buffer. The entry bytes are not
     * secret, so the buffer needs no wiping. */
    uint8_t msg[ENTRY_SIG_INPUT_MAX];
    size_t n;
    int rc = entry_sig_input(entry, len, msg, sizeof msg, &n);
    if (rc != 0) {
        sodium_memzero(sig, ENTRY_SIG_BYTES);
        return rc;
    }
    crypto_sign_ed25519_detached(sig, NULL, msg, n, sk);
    /* minisign checks its own signature before writing it: the public half
     * of a libsodium secret key follows the seed. */
    if (crypto_sign_ed25519_verify_detached(sig, msg, n, sk + crypto_sign_ed25519_SEEDBYTES) != 0) {
        sodium_memzero(sig, ENTRY_SIG_BYTES);
        return LH_EINTERNAL;
    }
    return 0;
}

int entry_verify(const uint8_t *entry, size_t len, const uint8_t sig[ENTRY_SIG_BYTES],
                 const uint8_t pk[ENTRY_KEY_BYTES])
{
    uint8_t msg[ENTRY_SIG_INPUT_MAX];
    size_t n;
    int rc = entry_sig_input(entry, len, msg, sizeof msg, &n);
    if (rc != 0)
        return rc;
    return crypto_sign_ed25519_verify_detached(sig, msg, n, pk) == 0 ? 0 : LH_EBADSIG;
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

static void walk_path_set(struct walk *w, int n)
{
    if (n > 0)
        w->plen += (size_t)n;
    if (w->plen >= sizeof w->path)
        w->plen = sizeof w->path - 1;
}

/* Append ".name" (or "name" at the top) and return the length to restore. */
static size_t walk_push_field(struct walk *w, const char *name)
{
    size_t saved = w->plen;
    walk_path_set(w, snprintf(w->path + w->plen, sizeof w->path - w->plen, "%s%s",
                              w->plen > 0 ? "." : "", name));
    return saved;
}

static size_t walk_push_index(struct walk *w, size_t index)
{
    size_t saved = w->plen;
    walk_path_set(w, snprintf(w->path + w->plen, sizeof w->path - w->plen, "[%zu]", index));
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

static int check_kind(const Liuhen__Entry *e, const struct kind_info **out, lh_err *err)
{
    const char *kname = kind_proto_name((int)e->kind);
    if (e->kind == LIUHEN__KIND__KIND_UNSPECIFIED)
        return lh_err_set(err, LH_EKIND, "kind: KIND_UNSPECIFIED is not a record kind");
    const struct kind_info *k = kind_info((int)e->kind);
    if (k == NULL)
        return lh_err_set(err, LH_EKIND, "kind: %d is not a kind this version knows", (int)e->kind);
    if (e->body_case == LIUHEN__ENTRY__BODY__NOT_SET)
        return lh_err_set(err, LH_EKIND, "body: missing; kind %s needs the %s body", kname,
                          body_field_name(k->body));
    if (e->body_case != k->body)
        return lh_err_set(err, LH_EKIND, "kind is %s but the body is %s", kname,
                          body_field_name(e->body_case));
    *out = k;
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
bool entry_media_type_ok(const char *s)
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
    if (!entry_media_type_ok(a->media_type))
        return lh_err_set(err, LH_EFIELD,
                          "attachments[%zu].media_type: not a type/subtype media type (RFC 6838)",
                          i);
    return 0;
}

static int check_header(const Liuhen__Entry *e, const struct kind_info *k, lh_err *err)
{
    const char *kname = kind_proto_name((int)e->kind);
    bool has_case_id = e->case_id[0] != '\0';
    if (k->in_case && !has_case_id)
        return lh_err_set(err, LH_EFIELD, "case_id: required for %s", kname);
    if (!k->in_case && has_case_id)
        return lh_err_set(err, LH_EFIELD,
                          "case_id: must be empty for %s (key management belongs to no case)",
                          kname);
    if (e->author_key.len != ENTRY_KEY_BYTES)
        return lh_err_set(err, LH_EFIELD,
                          "author_key: must be 32 bytes (an Ed25519 public key), got %zu",
                          e->author_key.len);
    /* DESIGN.md: an author's entries are numbered 1, 2, 3 ... and chained
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
    /* DESIGN.md: a case's history is a hash chain; only the kinds that may
     * open a case can start one, and key management has none. */
    if (e->case_prev.len != 0 && e->case_prev.len != ENTRY_HASH_BYTES)
        return lh_err_set(err, LH_EFIELD, "case_prev: must be absent or 32 bytes, got %zu",
                          e->case_prev.len);
    if (!k->in_case && e->case_prev.len != 0)
        return lh_err_set(err, LH_EFIELD, "case_prev: must be absent for %s", kname);
    if (k->in_case && !k->opens_case && e->case_prev.len == 0)
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
         * the verifier (REGULATION.md, R1-R12), not refused here. */
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

/* malloc that notes a failure in *failed, for entry_allocator(). */
static void *alloc_noting_failure(void *failed, size_t size)
{
    void *p = malloc(size);
    if (p == NULL && size != 0)
        *(bool *)failed = true;
    return p;
}

static void alloc_free(void *data, void *p)
{
    (void)data;
    free(p);
}

ProtobufCAllocator entry_allocator(bool *failed)
{
    return (ProtobufCAllocator){alloc_noting_failure, alloc_free, failed};
}

int entry_validate(const uint8_t *entry, size_t len, const char *expected_origin,
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

    const struct kind_info *k = NULL;
    int rc = check_kind(e, &k, err);
    if (rc == 0) {
        /* An entry is valid in one log only (DESIGN.md "Entries"). The
         * origin received is not echoed: it could hold anything. */
        if (expected_origin != NULL && strcmp(e->origin, expected_origin) != 0)
            rc = lh_err_set(err, LH_EORIGIN, "origin: this entry is for another log than \"%s\"",
                            expected_origin);
        else if (e->origin[0] == '\0')
            rc = lh_err_set(err, LH_EFIELD, "origin: required");
    }
    if (rc == 0)
        rc = check_header(e, k, err);
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

/* ------------------------------------------------------------------------
 * SignedEntry and Leaf, encoded and decoded by hand: the bytes inside must
 * come out exactly as they went in, and one message has one encoding.
 */

enum { WIRE_VARINT = 0, WIRE_LEN = 2 };

static size_t varint_put(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

/* Read a varint at *pos: at most 10 bytes, no bit past 64, and minimal (no
 * trailing zero group), as every encoder writes it. */
static bool varint_get(const uint8_t *buf, size_t len, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    for (size_t i = 0; i < 10 && *pos + i < len; i++) {
        uint8_t b = buf[*pos + i];
        if (i == 9 && b > 1)
            return false;
        v |= (uint64_t)(b & 0x7F) << (7 * i);
        if ((b & 0x80) == 0) {
            if (b == 0 && i > 0)
                return false;
            *pos += i + 1;
            *out = v;
            return true;
        }
    }
    return false;
}

struct wire_field {
    const char *name;
    unsigned wire_type;
    const uint8_t *data; /* WIRE_LEN: the bytes, inside the input */
    uint64_t value;      /* WIRE_VARINT: the value; WIRE_LEN: the length */
};

/*
 * Decode a message of exactly two fields, numbered 1 and 2, each once and
 * in order, and nothing else: the canonical proto3 encoding of SignedEntry
 * and Leaf when both fields are set. What protobuf would also accept
 * (repetition, reordering, unknown fields, longer varints) is refused.
 */
static int wire_two_fields(const uint8_t *buf, size_t len, const char *msg, struct wire_field f[2],
                           lh_err *err)
{
    size_t pos = 0;
    unsigned next = 0;
    while (pos < len) {
        size_t at = pos;
        uint64_t tag;
        if (!varint_get(buf, len, &pos, &tag))
            return lh_err_set(err, LH_EPARSE, "%s: malformed tag at byte %zu", msg, at);
        uint64_t number = tag >> 3;
        unsigned wire_type = (unsigned)(tag & 7);
        if (number == 0 || number > 536870911)
            return lh_err_set(err, LH_EPARSE, "%s: invalid field number at byte %zu", msg, at);
        if (number > 2)
            return lh_err_set(err, LH_EUNKNOWNFIELD, "%s: unknown field %" PRIu64 " at byte %zu",
                              msg, number, at);
        unsigned i = (unsigned)number - 1;
        if (i < next)
            return lh_err_set(err, LH_EPARSE, "%s.%s: repeated or out of order at byte %zu", msg,
                              f[i].name, at);
        if (i > next)
            return lh_err_set(err, LH_EPARSE, "%s.%s: missing (fields come in order)", msg,
                              f[next].name);
        if (wire_type != f[i].wire_type)
            return lh_err_set(err, LH_EPARSE, "%s.%s: wire type %u, expected %u", msg, f[i].name,
                              wire_type, f[i].wire_type);
        if (!varint_get(buf, len, &pos, &f[i].value))
            return lh_err_set(err, LH_EPARSE, "%s.%s: malformed varint at byte %zu", msg, f[i].name,
                              pos);
        if (wire_type == WIRE_LEN) {
            if (f[i].value > len - pos)
                return lh_err_set(err, LH_EPARSE, "%s.%s: %" PRIu64 " bytes announced, %zu left",
                                  msg, f[i].name, f[i].value, len - pos);
            f[i].data = buf + pos;
            pos += (size_t)f[i].value;
        }
        next++;
    }
    if (next < 2)
        return lh_err_set(err, LH_EPARSE, "%s.%s: missing", msg, f[next].name);
    return 0;
}

int entry_signed_pack(const uint8_t *entry, size_t len, const uint8_t sig[ENTRY_SIG_BYTES],
                      uint8_t *out, size_t cap, size_t *out_len)
{
    /* proto3 leaves an empty field out, and a SignedEntry has both. */
    if (len == 0)
        return LH_EINVAL;
    if (len > ENTRY_MAX_SIZE)
        return LH_ETOOBIG;
    size_t need = ENTRY_SIGNED_SIZE(len);
    *out_len = need;
    if (cap < need)
        return LH_ELENGTH;
    uint8_t *p = out;
    *p++ = (1 << 3) | WIRE_LEN;
    p += varint_put(p, len);
    memcpy(p, entry, len);
    p += len;
    *p++ = (2 << 3) | WIRE_LEN;
    *p++ = ENTRY_SIG_BYTES;
    memcpy(p, sig, ENTRY_SIG_BYTES);
    return 0;
}

int entry_signed_unpack(const uint8_t *buf, size_t len, const uint8_t **entry, size_t *entry_len,
                        const uint8_t **sig, lh_err *err)
{
    if (len > ENTRY_SIGNED_MAX)
        return lh_err_set(err, LH_ETOOBIG, "SignedEntry: %zu bytes, at most %d", len,
                          ENTRY_SIGNED_MAX);
    struct wire_field f[2] = {{"entry", WIRE_LEN, NULL, 0}, {"signature", WIRE_LEN, NULL, 0}};
    int rc = wire_two_fields(buf, len, "SignedEntry", f, err);
    if (rc != 0)
        return rc;
    if (f[0].value == 0)
        return lh_err_set(err, LH_EPARSE, "SignedEntry.entry: empty");
    if (f[0].value > ENTRY_MAX_SIZE)
        return lh_err_set(err, LH_ETOOBIG, "SignedEntry.entry: %" PRIu64 " bytes, at most %d",
                          f[0].value, ENTRY_MAX_SIZE);
    if (f[1].value != ENTRY_SIG_BYTES)
        return lh_err_set(err, LH_EFIELD, "SignedEntry.signature: must be 64 bytes, got %" PRIu64,
                          f[1].value);
    *entry = f[0].data;
    *entry_len = (size_t)f[0].value;
    *sig = f[1].data;
    return 0;
}

int entry_leaf_pack(const uint8_t *signed_entry, size_t len, int64_t integrated_at, uint8_t *out,
                    size_t cap, size_t *out_len)
{
    if (len == 0 || integrated_at <= 0)
        return LH_EINVAL;
    if (len > ENTRY_LEAF_MAX)
        return LH_ETOOBIG;
    size_t need = ENTRY_LEAF_SIZE(len, ENTRY_VARINT_SIZE((uint64_t)integrated_at));
    /* C2SP tlog-tiles entry bundles: a uint16 length before each leaf. */
    if (need > ENTRY_LEAF_MAX)
        return LH_ETOOBIG;
    *out_len = need;
    if (cap < need)
        return LH_ELENGTH;
    uint8_t *p = out;
    *p++ = (1 << 3) | WIRE_LEN;
    p += varint_put(p, len);
    memcpy(p, signed_entry, len);
    p += len;
    *p++ = (2 << 3) | WIRE_VARINT;
    varint_put(p, (uint64_t)integrated_at);
    return 0;
}

int entry_leaf_unpack(const uint8_t *leaf, size_t len, const uint8_t **signed_entry,
                      size_t *signed_len, int64_t *integrated_at, lh_err *err)
{
    if (len > ENTRY_LEAF_MAX)
        return lh_err_set(err, LH_ETOOBIG, "Leaf: %zu bytes, at most %d", len, ENTRY_LEAF_MAX);
    struct wire_field f[2] = {{"signed_entry", WIRE_LEN, NULL, 0},
                              {"integrated_at", WIRE_VARINT, NULL, 0}};
    int rc = wire_two_fields(leaf, len, "Leaf", f, err);
    if (rc != 0)
        return rc;
    if (f[0].value == 0)
        return lh_err_set(err, LH_EPARSE, "Leaf.signed_entry: empty");
    /* The log's clock is positive; a negative int64 arrives as a value
     * above INT64_MAX. */
    if (f[1].value == 0 || f[1].value > INT64_MAX)
        return lh_err_set(err, LH_EFIELD, "Leaf.integrated_at: not a positive time");
    *signed_entry = f[0].data;
    *signed_len = (size_t)f[0].value;
    *integrated_at = (int64_t)f[1].value;
    return 0;
}

void entry_leaf_hash(const uint8_t *leaf, size_t len, uint8_t out[ENTRY_HASH_BYTES])
{
    /* RFC 6962 §2.1: the 0x00 prefix keeps a leaf from passing for a node. */
    const uint8_t leaf_prefix = 0x00;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &leaf_prefix, 1);
    crypto_hash_sha256_update(&st, leaf, len);
    crypto_hash_sha256_final(&st, out);
}

void entry_id(const uint8_t *entry, size_t len, uint8_t out[ENTRY_ID_BYTES])
{
    crypto_hash_sha256(out, entry, len);
}
