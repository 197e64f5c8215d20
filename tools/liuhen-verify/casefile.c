/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * casefile.c — the printable case file (casefile.h): the records of one
 * case kept as the ledger verified them, then one document built from them
 * and handed to the two renderings.
 *
 * The text of the document is in the language of the messages (i18n.h) by
 * i18n_pick(), as the reports' titles and sentences are: the case file is
 * a document in Chinese for 归档 first, and its terms are the regulations'
 * (docs/regulation.md), with the English beside them in the code. The
 * fields are walked through the protobuf-c descriptors, as `liuhen show`
 * does, so that every field of every kind is printed under the label the
 * schema's comments give it (labels.h), fields added later included.
 */
#include "casefile.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "calendar.h"
#include "casefile_html.h"
#include "casefile_pdf.h"
#include "cite.h"
#include "entry.h"
#include "grow.h"
#include "i18n.h"
#include "kind.h"
#include "labels.h"
#include "merkle.h"
#include "pbfield.h"
#include "report_view.h"
#include "role.h"
#include "text.h"

/* A record of the case, as the ledger verified it. */
typedef struct cf_record {
    uint64_t index;
    int64_t integrated_at;
    uint8_t entry_id[ENTRY_ID_BYTES];
    uint8_t leaf_hash[MERKLE_HASH_SIZE];
    uint8_t *packed; /* the Entry, packed again; owned */
    size_t packed_len;
    bool enrolled;
    char holder[KEYRING_TEXT_MAX + 1];
    char position[KEYRING_TEXT_MAX + 1];
    char unit[KEYRING_TEXT_MAX + 1];
    uint32_t roles;
} cf_record;

struct casefile {
    char *case_id;
    cf_record *rec;
    size_t nrec, caprec;
    uint64_t *bad; /* indexes of the case's entries that did not verify */
    size_t nbad, capbad;
};

int casefile_new(const char *case_id, casefile **out)
{
    *out = NULL;
    casefile *cf = calloc(1, sizeof *cf);
    if (cf == NULL || (cf->case_id = strdup(case_id)) == NULL) {
        free(cf);
        return LH_ENOMEM;
    }
    *out = cf;
    return 0;
}

void casefile_free(casefile *cf)
{
    if (cf == NULL)
        return;
    for (size_t i = 0; i < cf->nrec; i++)
        free(cf->rec[i].packed);
    free(cf->rec);
    free(cf->bad);
    free(cf->case_id);
    free(cf);
}

size_t casefile_records(const casefile *cf)
{
    return cf->nrec;
}

bool casefile_seen(const casefile *cf)
{
    return cf->nrec + cf->nbad > 0;
}

int casefile_observe(void *ctx, const ledger_entry *e)
{
    casefile *cf = ctx;
    if (strcmp(e->entry->case_id, cf->case_id) != 0)
        return 0;
    if (!e->valid) {
        if (grow_room(&cf->bad, &cf->capbad, cf->nbad + 1, sizeof *cf->bad, 16, 0) != 0)
            return LH_ENOMEM;
        cf->bad[cf->nbad++] = e->index;
        return 0;
    }
    if (grow_room(&cf->rec, &cf->caprec, cf->nrec + 1, sizeof *cf->rec, 16, 0) != 0)
        return LH_ENOMEM;
    cf_record *r = &cf->rec[cf->nrec];
    memset(r, 0, sizeof *r);
    r->packed_len = liuhen__entry__get_packed_size(e->entry);
    r->packed = malloc(r->packed_len != 0 ? r->packed_len : 1);
    if (r->packed == NULL)
        return LH_ENOMEM;
    liuhen__entry__pack(e->entry, r->packed);
    r->index = e->index;
    r->integrated_at = e->integrated_at;
    memcpy(r->entry_id, e->entry_id, ENTRY_ID_BYTES);
    memcpy(r->leaf_hash, e->leaf_hash, MERKLE_HASH_SIZE);
    if (e->key != NULL) {
        r->enrolled = true;
        snprintf(r->holder, sizeof r->holder, "%s", e->key->holder);
        snprintf(r->position, sizeof r->position, "%s", e->key->position);
        snprintf(r->unit, sizeof r->unit, "%s", e->key->unit);
        r->roles = e->key->roles;
    } else {
        snprintf(r->holder, sizeof r->holder, "%s", e->author);
    }
    cf->nrec++;
    return 0;
}

/* ---- building the document ------------------------------------------------------ */

/* The document being built, and the first error. */
typedef struct builder {
    casefile_doc *d;
    const casefile *cf;
    const casefile_facts *f;
    int rc;
} builder;

static const char *b_dup(builder *b, const char *s)
{
    char *p = arena_dup(&b->d->text, s, strlen(s));
    if (p == NULL)
        b->rc = LH_ENOMEM;
    return p != NULL ? p : "";
}

__attribute__((format(printf, 2, 3))) static const char *b_fmt(builder *b, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return b_dup(b, buf);
}

/* The Chinese or the English, as the messages are (i18n.h), formatted:
 * both formats convert the same arguments (the compiler checks both). */
__attribute__((format(printf, 2, 4), format(printf, 3, 4))) static const char *
b_pick(builder *b, const char *zh, const char *en, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, en);
    vsnprintf(buf, sizeof buf, i18n_zh() ? zh : en, ap);
    va_end(ap);
    return b_dup(b, buf);
}

/* Room for one more item of n in an array of the document (arrp: the
 * address of its pointer, as grow_room() takes it): false when the builder
 * failed before or has no memory for it (b->rc says which). */
static bool b_room(builder *b, void *arrp, size_t *cap, size_t n, size_t size)
{
    if (b->rc == 0 && grow_room(arrp, cap, n + 1, size, 16, 0) != 0)
        b->rc = LH_ENOMEM;
    return b->rc == 0;
}

static void b_block(builder *b, casefile_style style, unsigned depth, bool seal, const char *label,
                    const char *text)
{
    casefile_doc *d = b->d;
    if (!b_room(b, &d->blocks, &d->capblocks, d->nblocks, sizeof *d->blocks))
        return;
    d->blocks[d->nblocks++] = (casefile_block){.style = style,
                                               .depth = depth,
                                               .seal = seal,
                                               .label = label != NULL ? b_dup(b, label) : NULL,
                                               .text = b_dup(b, text != NULL ? text : "")};
    if (d->npages > 0)
        d->pages[d->npages - 1].n++;
}

static void b_page(builder *b, const char *anchor)
{
    casefile_doc *d = b->d;
    if (!b_room(b, &d->pages, &d->cappages, d->npages, sizeof *d->pages))
        return;
    d->pages[d->npages++] =
        (casefile_page){.first = d->nblocks, .n = 0, .anchor = b_dup(b, anchor)};
}

static void b_field(builder *b, unsigned depth, const char *label, const char *value)
{
    b_block(b, CASEFILE_FIELD, depth, false, label, value);
}

/* Bytes in lowercase hex (libsodium's, as the daemon prints keys). */
static void hex(char *out, const uint8_t *p, size_t n)
{
    sodium_bin2hex(out, 2 * n + 1, p, n);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The record of this case with that entry id, or NULL. */
static const cf_record *find_record(const casefile *cf, const uint8_t *id, size_t len)
{
    for (size_t i = 0; len == ENTRY_ID_BYTES && i < cf->nrec; i++)
        if (memcmp(cf->rec[i].entry_id, id, ENTRY_ID_BYTES) == 0)
            return &cf->rec[i];
    return NULL;
}

/* An enum value by its Chinese term (labels.h) and its article. */
static const char *enum_text(builder *b, const ProtobufCEnumDescriptor *e, int value)
{
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(e, value);
    if (v == NULL)
        return b_fmt(b, "%d", value);
    if (strcmp(e->name, "liuhen.Role") == 0)
        return b_dup(b, i18n_pick(role_label_zh((Liuhen__Role)value), role_name(value)));
    const char *label = labels_enum(e->name, v->name);
    const char *article = labels_enum_article(e->name, v->name);
    const char *shown = label != NULL ? i18n_pick(label, v->name) : v->name;
    if (article == NULL)
        return b_dup(b, shown);
    char cite[256];
    if (cite_format(cite, sizeof cite, article, i18n_zh() ? CITE_ZH_SHORT : CITE_EN) != 0)
        snprintf(cite, sizeof cite, "%s", article);
    return b_fmt(b, i18n_zh() ? "%s（%s）" : "%s (%s)", shown, cite);
}

/* A bytes field: a key in base64, an entry id in hex (with the record of
 * this case it names), other bytes in hex. */
static const char *bytes_text(builder *b, const ProtobufCFieldDescriptor *fd,
                              const ProtobufCBinaryData *v)
{
    if (ends_with(fd->name, "key")) {
        char *s = malloc(TEXT_B64_LEN(v->len));
        if (s == NULL) {
            b->rc = LH_ENOMEM;
            return "";
        }
        text_b64_encode(s, v->data, v->len);
        const char *r = b_dup(b, s);
        free(s);
        return r;
    }
    char *s = malloc(2 * v->len + 1);
    if (s == NULL) {
        b->rc = LH_ENOMEM;
        return "";
    }
    hex(s, v->data, v->len);
    const cf_record *r = find_record(b->cf, v->data, v->len);
    const char *out = r != NULL ? b_pick(b, "%s（第%" PRIu64 "号记录，见本案卷）",
                                         "%s (entry %" PRIu64 ", in this case file)", s, r->index)
                                : b_dup(b, s);
    free(s);
    return out;
}

static void put_message(builder *b, const ProtobufCMessage *m, unsigned depth);

/* One value of a field, as a block (a message: a heading field, then its fields). */
static void put_value(builder *b, const ProtobufCFieldDescriptor *fd, const char *label,
                      const void *p, unsigned depth)
{
    char t[CALENDAR_TEXT_MAX];
    const char *v = NULL;
    switch (fd->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32: v = b_fmt(b, "%" PRId32, *(const int32_t *)p); break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32: v = b_fmt(b, "%" PRIu32, *(const uint32_t *)p); break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        /* Times are unix ms in fields named *_at (liuhen.proto, "Conventions"):
         * 北京时间, with the offset. */
        if (ends_with(fd->name, "_at"))
            v = b_dup(b, calendar_format_cst(t, *(const int64_t *)p));
        else
            v = b_fmt(b, "%" PRId64, *(const int64_t *)p);
        break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: v = b_fmt(b, "%" PRIu64, *(const uint64_t *)p); break;
    case PROTOBUF_C_TYPE_FLOAT: v = b_fmt(b, "%g", (double)*(const float *)p); break;
    case PROTOBUF_C_TYPE_DOUBLE: v = b_fmt(b, "%g", *(const double *)p); break;
    case PROTOBUF_C_TYPE_BOOL:
        v = *(const protobuf_c_boolean *)p ? i18n_pick("是", "yes") : i18n_pick("否", "no");
        break;
    case PROTOBUF_C_TYPE_ENUM: v = enum_text(b, fd->descriptor, *(const int *)p); break;
    case PROTOBUF_C_TYPE_STRING: v = *(char *const *)p; break;
    case PROTOBUF_C_TYPE_BYTES: v = bytes_text(b, fd, (const ProtobufCBinaryData *)p); break;
    case PROTOBUF_C_TYPE_MESSAGE:
        b_field(b, depth, label, "");
        put_message(b, *(ProtobufCMessage *const *)p, depth + 1);
        return;
    }
    b_block(b, fd->type == PROTOBUF_C_TYPE_BYTES ? CASEFILE_MONO : CASEFILE_FIELD, depth, false,
            label, v);
}

/* Every field of m that holds a value, under its Chinese label. */
static void put_message(builder *b, const ProtobufCMessage *m, unsigned depth)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields && b->rc == 0; i++) {
        const ProtobufCFieldDescriptor *fd = &d->fields[i];
        const char *zh = labels_field(d->name, fd->name);
        const char *label = zh != NULL ? i18n_pick(zh, fd->name) : fd->name;
        /* The entry's own fields that the page shows elsewhere. */
        if (strcmp(d->name, "liuhen.Entry") == 0 &&
            (strcmp(fd->name, "kind") == 0 || strcmp(fd->name, "author_key") == 0 ||
             strcmp(fd->name, "origin") == 0))
            continue;
        if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = pbfield_count(m, fd);
            for (size_t k = 0; k < n && b->rc == 0; k++)
                put_value(b, fd, n > 1 ? b_fmt(b, "%s %zu", label, k + 1) : label,
                          pbfield_item(m, fd, k), depth);
            continue;
        }
        /* Proto3 leaves out defaults, and so does the case file, except the
         * oneof member that is set; but a yes-or-no is printed when no too
         * (是否批准：否): proto3 does not tell a false from one not given,
         * and a printout that leaves out a refusal misleads. */
        if (!pbfield_present(m, fd) && fd->type != PROTOBUF_C_TYPE_BOOL)
            continue;
        /* The body: its fields directly under the kind's heading. */
        if (pbfield_is_oneof(fd) && fd->type == PROTOBUF_C_TYPE_MESSAGE) {
            put_message(b, *(ProtobufCMessage *const *)pbfield_at(m, fd->offset), depth);
            continue;
        }
        put_value(b, fd, label, pbfield_at(m, fd->offset), depth);
    }
}

static const char *kind_text(Liuhen__Kind k)
{
    return i18n_pick(kind_label_zh(k), kind_name(k));
}

static const char *verdict_text(const casefile_facts *f)
{
    if (report_failures(f->rep) > 0)
        return i18n_pick("核验未通过", "VERIFICATION FAILED");
    return i18n_pick("核验通过", "verified");
}

static void cover(builder *b)
{
    const casefile_facts *f = b->f;
    char t[CALENDAR_TEXT_MAX], h[2 * MERKLE_HASH_SIZE + 1], b64[TEXT_B64_LEN(32)];
    b_page(b, "cover");
    b_block(b, CASEFILE_TITLE, 0, false, NULL, i18n_pick("案件记录核验案卷", "Case file"));
    b_field(b, 0, i18n_pick("案件编号", "Case"), b->cf->case_id);
    b_field(b, 0, i18n_pick("日志（标识）", "Log (origin)"), f->log_key->name);
    b_block(b, CASEFILE_MONO, 0, false, i18n_pick("日志密钥", "Log key"),
            b_fmt(b, "%s+%08" PRIx32, f->log_key->name, f->log_key->keyid));
    b_block(b, CASEFILE_MONO, 0, false, i18n_pick("密钥标识", "Key id"),
            b_fmt(b, "%08" PRIx32, f->log_key->keyid));
    b_block(b, CASEFILE_HEADING, 0, false, NULL,
            i18n_pick("核验所依据的检查点", "Checkpoint verified against"));
    b_field(b, 0, i18n_pick("树大小", "Tree size"),
            b_pick(b, "%" PRIu64 " 条记录", "%" PRIu64 " entries", f->cp->size));
    hex(h, f->cp->root, MERKLE_HASH_SIZE);
    text_b64_encode(b64, f->cp->root, MERKLE_HASH_SIZE);
    b_block(b, CASEFILE_MONO, 0, false, i18n_pick("根哈希（十六进制）", "Root hash (hex)"), h);
    b_block(b, CASEFILE_MONO, 0, false,
            i18n_pick("根哈希（base64，见检查点）", "Root hash (base64, as in the checkpoint)"),
            b64);
    b_field(
        b, 0,
        i18n_pick("检查点时间（所含最新记录的存证时间，北京时间）",
                  "Checkpoint time (the latest entry it covers was integrated at, Beijing time)"),
        calendar_format_cst(t, f->latest_integrated));
    b_field(b, 0, i18n_pick("见证签名", "Cosignatures"),
            f->witnesses > 0
                ? b_pick(b, "%zu 个有效（给出见证密钥 %zu 个）",
                         "%zu valid (of %zu witness keys given)", f->cosignatures, f->witnesses)
                : i18n_pick("未核验（未给出见证密钥）", "not checked (no witness key given)"));
    b_block(b, CASEFILE_HEADING, 0, false, NULL, i18n_pick("本案卷", "This case file"));
    b_field(b, 0, i18n_pick("记录数", "Records"), b_fmt(b, "%zu", b->cf->nrec));
    b_field(b, 0, i18n_pick("核验结论", "Result"), verdict_text(f));
    b_field(b, 0, i18n_pick("制作时间（北京时间）", "Made (Beijing time)"),
            calendar_format_cst(t, calendar_now_ms()));
    b_field(b, 0, i18n_pick("制作工具", "Made by"), "liuhen-verify");
}

/* The failures and findings the run reported about entry index. */
static void record_items(builder *b, const cf_record *r)
{
    const report *rep = b->f->rep;
    bool heading = false;
    for (size_t i = 0; i < rep->nitems && b->rc == 0; i++) {
        const report_kept *k = &rep->items[i];
        if (k->index != r->index || (k->cls == REPORT_FINDING && !b->f->rules))
            continue;
        if (!heading) {
            b_block(b, CASEFILE_HEADING, 0, false, NULL,
                    b->f->rules ? i18n_pick("依规检查结果", "Findings of the regulations")
                                : i18n_pick("核验问题", "Failures"));
            heading = true;
        }
        const char *title = report_title(k->check);
        char cite[256] = "";
        if (k->article != NULL && k->article[0] != '\0' &&
            cite_format(cite, sizeof cite, k->article, i18n_zh() ? CITE_ZH_SHORT : CITE_EN) != 0)
            snprintf(cite, sizeof cite, "%s", k->article);
        const char *label =
            b_fmt(b, "%s %s%s%s%s", k->check, title != NULL ? title : "", cite[0] ? " · " : "",
                  cite, k->cls == REPORT_FAILURE ? i18n_pick(" · 核验失败", " · FAILURE") : "");
        b_block(b, CASEFILE_ALERT, 0, false, label, i18n_pick(k->zh, k->en));
    }
    if (b->f->rules && !heading)
        b_field(b, 0, i18n_pick("依规检查结果", "Findings of the regulations"),
                i18n_pick("无", "none"));
}

/* The seal: the entry id, the leaf hash and its inclusion proof in the
 * verified checkpoint, computed from the checked tiles and verified again. */
static void seal(builder *b, const cf_record *r, size_t *sealed)
{
    const casefile_facts *f = b->f;
    char h[2 * MERKLE_HASH_SIZE + 1];
    uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
    size_t n = 0;
    lh_err err = {""};
    int rc = tiles_inclusion_proof(f->tiles, r->index, proof, &n, &err);
    bool ok = rc == 0 && merkle_verify_inclusion(proof[0], n, r->index, f->cp->size, r->leaf_hash,
                                                 f->cp->root) == 0;
    *sealed += ok;
    b_block(b, CASEFILE_HEADING, 0, true, NULL, i18n_pick("封存（核验印记）", "Seal"));
    hex(h, r->entry_id, ENTRY_ID_BYTES);
    b_block(b, CASEFILE_MONO, 0, true, i18n_pick("记录标识", "Entry id"), h);
    hex(h, r->leaf_hash, MERKLE_HASH_SIZE);
    b_block(b, CASEFILE_MONO, 0, true, i18n_pick("叶哈希", "Leaf hash"), h);
    b_block(b, CASEFILE_FIELD, 0, true, i18n_pick("叶序号", "Leaf index"),
            b_fmt(b, "%" PRIu64, r->index));
    b_block(b, CASEFILE_FIELD, 0, true, i18n_pick("树大小", "Tree size"),
            b_fmt(b, "%" PRIu64, f->cp->size));
    hex(h, f->cp->root, MERKLE_HASH_SIZE);
    b_block(b, CASEFILE_MONO, 0, true, i18n_pick("根哈希", "Root hash"), h);
    for (size_t i = 0; i < n && rc == 0; i++) {
        hex(h, proof[i], MERKLE_HASH_SIZE);
        b_block(b, CASEFILE_MONO, 0, true, b_pick(b, "包含证明 %zu/%zu", "Proof %zu/%zu", i + 1, n),
                h);
    }
    if (rc == 0 && n == 0)
        b_block(b, CASEFILE_FIELD, 0, true, i18n_pick("包含证明", "Proof"),
                i18n_pick("无（树中仅此一条记录）", "none (the tree holds this entry only)"));
    if (ok)
        b_block(b, CASEFILE_FIELD, 0, true, i18n_pick("包含证明核验", "Inclusion"),
                i18n_pick("已核验：叶哈希经上述证明得出检查点的根哈希",
                          "verified: the leaf hash and the proof give the checkpoint's root"));
    else
        b_block(b, CASEFILE_ALERT, 0, true, i18n_pick("包含证明核验", "Inclusion"),
                rc != 0
                    ? b_pick(b, "无法计算：%s", "cannot be computed: %s", err.msg)
                    : i18n_pick("不成立：证明不能得出检查点的根哈希",
                                "does not hold: the proof does not give the checkpoint's root"));
}

static void record_page(builder *b, const cf_record *r, size_t nth, size_t *sealed)
{
    Liuhen__Entry *e = liuhen__entry__unpack(NULL, r->packed_len, r->packed);
    if (e == NULL) {
        b->rc = LH_ENOMEM;
        return;
    }
    char t[CALENDAR_TEXT_MAX], b64[TEXT_B64_LEN(ENTRY_KEY_BYTES)];
    b_page(b, b_fmt(b, "r%" PRIu64, r->index));
    b_block(b, CASEFILE_TITLE, 0, false, NULL,
            b_pick(b, "第 %zu 件 · %s", "Record %zu · %s", nth, kind_text(e->kind)));
    const ProtobufCEnumValue *kv =
        protobuf_c_enum_descriptor_get_value(&liuhen__kind__descriptor, e->kind);
    const char *article = kv != NULL ? labels_enum_article("liuhen.Kind", kv->name) : NULL;
    char cite[256] = "";
    if (article != NULL &&
        cite_format(cite, sizeof cite, article, i18n_zh() ? CITE_ZH_SHORT : CITE_EN) != 0)
        snprintf(cite, sizeof cite, "%s", article);
    b_field(b, 0, i18n_pick("记录类型", "Kind"),
            cite[0] != '\0' ? b_pick(b, "%s（%s）", "%s (%s)", kind_text(e->kind), cite)
                            : kind_text(e->kind));
    b_field(b, 0, i18n_pick("记录序号", "Entry"), b_fmt(b, "%" PRIu64, r->index));
    b_field(b, 0, i18n_pick("存证时间（北京时间）", "Integrated (Beijing time)"),
            calendar_format_cst(t, r->integrated_at));

    b_block(b, CASEFILE_HEADING, 0, false, NULL, i18n_pick("记录人", "Recorded by"));
    b_field(b, 0, i18n_pick("姓名", "Name"), r->holder);
    if (r->enrolled) {
        char roles[256];
        b_field(b, 0, i18n_pick("角色", "Role"),
                role_text(r->roles, i18n_zh(), roles, sizeof roles));
        if (r->position[0] != '\0')
            b_field(b, 0, i18n_pick("职务", "Position"), r->position);
        if (r->unit[0] != '\0')
            b_field(b, 0, i18n_pick("单位", "Unit"), r->unit);
    }
    text_b64_encode(b64, e->author_key.data,
                    e->author_key.len == ENTRY_KEY_BYTES ? ENTRY_KEY_BYTES : 0);
    b_block(b, CASEFILE_MONO, 0, false, i18n_pick("记录人公钥（密钥标识）", "Author key (key id)"),
            b64);

    b_block(b, CASEFILE_HEADING, 0, false, NULL, i18n_pick("记录内容", "Contents"));
    put_message(b, &e->base, 0);
    liuhen__entry__free_unpacked(e, NULL);

    record_items(b, r);
    seal(b, r, sealed);
}

static void statement(builder *b, size_t sealed)
{
    const casefile_facts *f = b->f;
    const report *rep = f->rep;
    size_t failures = report_failures(rep);
    char c1[32], h[2 * MERKLE_HASH_SIZE + 1];
    b_page(b, "statement");
    b_block(b, CASEFILE_TITLE, 0, false, NULL, i18n_pick("核验说明", "Verification statement"));
    b_block(b, CASEFILE_HEADING, 0, false, NULL, i18n_pick("核验内容", "What was checked"));
    b_block(b, CASEFILE_TEXT, 0, false, NULL,
            b_pick(b, "1. 检查点由日志密钥 %s+%08" PRIx32 " 签名。",
                   "1. The checkpoint is signed by the log key %s+%08" PRIx32 ".", f->log_key->name,
                   f->log_key->keyid));
    b_block(b, CASEFILE_TEXT, 0, false, NULL,
            b_pick(b,
                   "2. 日志全部 %s 条记录的完整性：每个记录包与哈希瓦片相符，根哈希与检查点相符。",
                   "2. The integrity of all %s entries of the log: every entry bundle "
                   "against its hash tiles, the root against the checkpoint.",
                   report_view_fmt_count(f->cp->size, c1)));
    b_block(b, CASEFILE_TEXT, 0, false, NULL,
            i18n_pick("3. "
                      "每条记录的签名、日志标识、记录人密钥（已登记、未注销）与角色；每位记录人的记"
                      "录链和每个案件的记录链连续、无分叉。",
                      "3. Every entry's signature, origin, author key (enrolled, not revoked) "
                      "and role; each author's chain and each case's chain contiguous, unforked."));
    b_block(b, CASEFILE_TEXT, 0, false, NULL,
            b_pick(b, "4. 本案 %zu 条记录各自在上述检查点中的包含证明（见各页封存）：%zu 条成立。",
                   "4. The inclusion proof of each of the %zu records of this case in that "
                   "checkpoint (each page's seal): %zu hold.",
                   b->cf->nrec, sealed));
    b_block(b, CASEFILE_TEXT, 0, false, NULL,
            f->trusted > 0
                ? b_pick(b, "5. 与此前收到的 %zu 个受信检查点的一致性（只追加）：%zu 个一致。",
                         "5. Consistency with the %zu trusted checkpoints received earlier "
                         "(append-only): %zu consistent.",
                         f->trusted, f->trusted_ok)
                : i18n_pick("5. 未提供受信检查点：未核验与此前检查点的一致性。",
                            "5. No trusted checkpoint was given: consistency with earlier "
                            "checkpoints was not checked."));
    if (f->receipts > 0)
        b_block(b, CASEFILE_TEXT, 0, false, NULL,
                b_pick(b, "6. 回执 %zu 份：%zu 份所载记录在日志中。",
                       "6. Receipts: %zu given, %zu found in the log.", f->receipts,
                       f->receipts_ok));
    if (f->rules) {
        char as_of[CALENDAR_TEXT_MAX];
        b_block(b, CASEFILE_TEXT, 0, false, NULL,
                b_pick(b, "依规检查：规则 R1–R17，截至 %s；本案各页列出其记录的检查结果。",
                       "Regulations: the rules R1–R17, as of %s; each page lists the "
                       "findings on its record.",
                       calendar_format_cst(as_of, f->as_of_ms)));
    }

    b_block(b, CASEFILE_HEADING, 0, false, NULL, i18n_pick("核验结论", "Result"));
    if (failures == 0 && b->cf->nbad == 0 && sealed == b->cf->nrec)
        b_block(b, CASEFILE_TEXT, 0, false, NULL,
                i18n_pick("核验通过：未发现记录被改动、删除、伪造或分叉。本案卷所印各记录均为经核验"
                          "的日志内容。",
                          "Verified: no entry was found altered, removed, forged or forked. "
                          "Every record printed here is the log's content as verified."));
    else
        b_block(b, CASEFILE_ALERT, 0, false, i18n_pick("核验未通过", "VERIFICATION FAILED"),
                b_pick(b,
                       "发现 %zu 项核验失败。本案另有 %zu "
                       "条记录未通过核验，未印入本案卷。下列各项说明失败之处；本案卷不能作为日志未"
                       "被改动的证明。",
                       "%zu verification failures were found. %zu further entries of this "
                       "case did not verify and are not printed. The failures follow; this "
                       "case file is no proof that the log is unaltered.",
                       failures, b->cf->nbad));
    for (size_t i = 0; i < b->cf->nbad && i < 50; i++)
        b_block(b, CASEFILE_ALERT, 0, false,
                i18n_pick("未通过核验的本案记录", "Entry of this case that did not verify"),
                b_fmt(b, "%" PRIu64, b->cf->bad[i]));
    size_t listed = 0;
    for (size_t i = 0; i < rep->nitems && listed < 50; i++) {
        const report_kept *k = &rep->items[i];
        if (k->cls != REPORT_FAILURE)
            continue;
        const char *title = report_title(k->check);
        b_block(b, CASEFILE_ALERT, 0, false,
                k->index != REPORT_NO_INDEX
                    ? b_pick(b, "%s · 第%" PRIu64 "号记录", "%s · entry %" PRIu64,
                             title != NULL ? title : k->check, k->index)
                    : (title != NULL ? title : k->check),
                i18n_pick(k->zh, k->en));
        listed++;
    }
    if (failures > listed)
        b_block(b, CASEFILE_TEXT, 0, false, NULL,
                b_pick(b, "另有 %zu 项失败未列出：见核验报告。",
                       "%zu more failures are not listed: see the report.", failures - listed));
    if (f->rules)
        b_field(b, 0,
                i18n_pick("依规检查发现（全日志）", "Findings of the regulations (whole log)"),
                b_fmt(b, "%zu", report_findings(rep)));

    b_block(b, CASEFILE_HEADING, 0, false, NULL, i18n_pick("如何复核", "How to check it again"));
    hex(h, f->cp->root, MERKLE_HASH_SIZE);
    b_block(b, CASEFILE_TEXT, 0, false, NULL,
            b_pick(b,
                   "每页封存可独立复核：按 RFC 9162 "
                   "第2.1.3.2节，以该页叶哈希和包含证明逐层计算，所得根哈希应等于树大小为 %" PRIu64
                   " 的检查点的根哈希 %s，该检查点由上述日志密钥签名。",
                   "Each page's seal can be checked on its own: from its leaf hash and its "
                   "inclusion proof (RFC 9162 §2.1.3.2), the root computed must equal the "
                   "root of the checkpoint of tree size %" PRIu64
                   ", %s, signed by the log key above.",
                   f->cp->size, h));
    b_block(b, CASEFILE_TEXT, 0, false, NULL,
            i18n_pick(
                "亦可由日志方以 `liuhen evidence 叶序号 --out 文件` 导出证据包，以 `liuhen-verify "
                "--evidence 文件 --log-key 日志密钥文件` 离线复核；或以 `liuhen-verify 瓦片目录 "
                "--log-key 日志密钥文件 --case-file 案件编号` 重新核验全日志并生成本案卷。",
                "Or export an evidence package with `liuhen evidence INDEX --out FILE` and "
                "check it offline with `liuhen-verify --evidence FILE --log-key KEYFILE`; or "
                "verify the whole log again and remake this case file with `liuhen-verify DIR "
                "--log-key KEYFILE --case-file CASE`."));
}

static void doc_free(casefile_doc *d)
{
    free(d->blocks);
    free(d->pages);
    arena_free(&d->text);
}

int casefile_write(casefile *cf, const casefile_facts *f, lh_err *err)
{
    casefile_doc d;
    memset(&d, 0, sizeof d);
    builder b = {.d = &d, .cf = cf, .f = f};
    d.lang = i18n_zh() ? "zh-CN" : "en";
    d.title = b_pick(&b, "案卷 %s", "Case file %s", cf->case_id);
    d.footer = b_pick(&b, "案件 %s · 日志 %s", "Case %s · log %s", cf->case_id, f->log_key->name);
    if (report_failures(f->rep) > 0 || cf->nbad > 0)
        d.banner = "核验未通过 / VERIFICATION FAILED";
    size_t sealed = 0;
    cover(&b);
    for (size_t i = 0; i < cf->nrec && b.rc == 0; i++)
        record_page(&b, &cf->rec[i], i + 1, &sealed);
    /* A seal that does not hold is a failure of the log, stated as such. */
    if (sealed < cf->nrec && d.banner == NULL)
        d.banner = "核验未通过 / VERIFICATION FAILED";
    statement(&b, sealed);
    int rc = b.rc;
    if (rc != 0) {
        doc_free(&d);
        return lh_err_set(err, rc, "%s", _("out of memory"));
    }
    if (f->html_path != NULL)
        rc = casefile_html_write(&d, f->html_path, err);
    if (rc == 0 && f->pdf_path != NULL)
        rc = casefile_pdf_write(&d, f->pdf_path, err);
    doc_free(&d);
    return rc;
}
