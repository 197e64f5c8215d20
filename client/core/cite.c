/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * cite.c — references to the regulations cited as officials cite them
 * (cite.h).
 *
 * A reference list is read twice: once whole, to know that it is one
 * (anything else is given back as it is), then again while its citation is
 * written, so that nothing is stored per reference and any input length is
 * read in one bounded pass.
 */
#include "cite.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

/* How an article prints its items. */
enum {
    ITEMS_PAREN,  /* "（一）" — cited "第（一）项" */
    ITEMS_ARABIC, /* "1." — cited "第1项" */
};

typedef struct cite_regulation {
    char letter;
    const char *title;    /* with its book title marks */
    const char *short_zh; /* for tables */
    const char *en;       /* English short name, after "the" */
    unsigned articles;    /* the highest article number printed */
    /* Items of each article (by number; 0: none), and how they print. */
    const unsigned char *items;
    const unsigned char *style;
} cite_regulation;

/*
 * Regulation A. The notice that issued it (重庆市黔江区应急管理局关于
 * 《行政执法案件错案责任倒查问责制度》和…的通知, 2023-05-20) names it
 * 《行政执法案件错案责任倒查问责制度》, in its title and in its text ("现将
 * 《行政执法案件错案责任倒查问责制度》…印发给你们"), as the 意见 it follows
 * is named (A§1: 关于建立健全行政执法案件错案责任倒查问责制度的意见); the
 * heading printed over the articles drops 案件 (行政执法错案责任倒查问责
 * 制度). We cite the name under which it was issued, as the notice prints
 * it: a reader finds it in the title of the document they hold.
 *
 * Its short name, 错案追究制度, is the text's own word for what it
 * organises (A§3 行政执法错案责任追究机关, A§7 错案责任追究工作, A§10
 * 执法错案责任的追究程序) and the name under which such rules are commonly
 * known (错案追究制); it reads apart from B's at a glance.
 *
 * Items: articles 4, 5 and 11 print theirs "1.", "2."; 6, 8 and 10 "（一）".
 */
static const unsigned char a_items[14] = {[4] = 4, [5] = 7, [6] = 11, [8] = 6, [10] = 3, [11] = 6};
static const unsigned char a_style[14] = {
    [4] = ITEMS_ARABIC, [5] = ITEMS_ARABIC, [11] = ITEMS_ARABIC};

/*
 * Regulation B: the notice and the heading agree on its title. Its short
 * name, 干预记录制度, names its first duty (B§3: 全面、如实记录 the
 * interference) and the record liuhen keeps for it (干预插手记录); the
 * notices and the accountability it also provides for follow from the
 * record.
 *
 * Articles are numbered as printed, 1 to 14, with two 第十条 (cite.h):
 * "B§10" and "B§10bis". The first 第十条 has seven items, the seventh
 * printed （五） again; 第十三条 has two.
 */
static const unsigned char b_items[15] = {[10] = 7, [13] = 2};
static const unsigned char b_style[15] = {0};

static const cite_regulation regulations[] = {
    {'A', "《行政执法案件错案责任倒查问责制度》", "错案追究制度",
     "Wrongful-Case Accountability Rules", 13, a_items, a_style},
    {'B', "《行政执法机关内部人员干预、插手案件办理的记录、通报和责任追究制度》", "干预记录制度",
     "Interference Recording Rules", 14, b_items, b_style},
};

/* B§10, whose number and fifth item are printed twice. */
#define TWICE_ARTICLE 10
#define FIRST_FIVE    5 /* the first （五） */
#define SECOND_FIVE   7 /* the seventh item, printed （五） */

/* One reference, as read. Items are increasing and at most 11 (A§6). */
typedef struct cite_ref {
    const cite_regulation *reg;
    unsigned article;
    bool bis; /* the second 第十条 of B */
    unsigned nitems;
    unsigned char items[16];
} cite_ref;

/* ---- reading ------------------------------------------------------------------------------- */

typedef struct cite_cursor {
    const char *s;
    size_t len, i;
    bool started;
} cite_cursor;

/* A decimal of one or two digits without a leading zero: 1 to 99. */
static bool cite_number(cite_cursor *c, unsigned *out)
{
    if (c->i >= c->len || c->s[c->i] < '1' || c->s[c->i] > '9')
        return false;
    unsigned v = 0, digits = 0;
    while (c->i < c->len && c->s[c->i] >= '0' && c->s[c->i] <= '9') {
        if (++digits > 2)
            return false;
        v = v * 10 + (unsigned)(c->s[c->i] - '0');
        c->i++;
    }
    *out = v;
    return true;
}

static bool cite_literal(cite_cursor *c, const char *lit)
{
    size_t n = strlen(lit);
    if (c->len - c->i < n || memcmp(c->s + c->i, lit, n) != 0)
        return false;
    c->i += n;
    return true;
}

static void cite_spaces(cite_cursor *c)
{
    while (c->i < c->len && c->s[c->i] == ' ')
        c->i++;
}

/* One reference: "A§10(2)(3)", "B§10bis". */
static bool cite_read_ref(cite_cursor *c, cite_ref *r)
{
    r->reg = NULL;
    for (size_t k = 0; k < sizeof regulations / sizeof regulations[0]; k++)
        if (c->i < c->len && c->s[c->i] == regulations[k].letter)
            r->reg = &regulations[k];
    if (r->reg == NULL)
        return false;
    c->i++;
    if (!cite_literal(c, "§") || !cite_number(c, &r->article) || r->article > r->reg->articles)
        return false;
    r->bis = cite_literal(c, "bis");
    if (r->bis && !(r->reg->letter == 'B' && r->article == TWICE_ARTICLE))
        return false;
    r->nitems = 0;
    unsigned last = 0;
    while (cite_literal(c, "(")) {
        unsigned item;
        if (!cite_number(c, &item) || !cite_literal(c, ")"))
            return false;
        /* The second 第十条 has no items. */
        if (r->bis || item <= last || item > r->reg->items[r->article] ||
            r->nitems == sizeof r->items)
            return false;
        r->items[r->nitems++] = (unsigned char)item;
        last = item;
    }
    return true;
}

/* The next reference of the list. @return 1, 0 at the end, -1 when the
 * text is not a reference list. */
static int cite_next(cite_cursor *c, cite_ref *r)
{
    if (c->started) {
        if (c->i == c->len)
            return 0;
        cite_spaces(c);
        if (!cite_literal(c, ",") && !cite_literal(c, "，") && !cite_literal(c, "、"))
            return -1;
        cite_spaces(c);
    }
    c->started = true;
    return cite_read_ref(c, r) ? 1 : -1;
}

static void cite_cursor_init(cite_cursor *c, const char *ref)
{
    c->s = ref;
    c->len = strlen(ref);
    c->i = 0;
    c->started = false;
}

/* Whether all of ref is a reference list. */
static bool cite_valid(const char *ref)
{
    cite_cursor c;
    cite_ref r;
    int got;
    cite_cursor_init(&c, ref);
    while ((got = cite_next(&c, &r)) == 1)
        ;
    return got == 0;
}

/* ---- writing ------------------------------------------------------------------------------- */

typedef struct cite_buf {
    char *s;
    size_t size, len;
    bool cut;
} cite_buf;

/* Append t; what does not fit is dropped from the start of the character
 * it would split, and nothing is appended after. */
static void cite_put(cite_buf *b, const char *t)
{
    if (b->cut)
        return;
    size_t n = strlen(t);
    if (b->len + n < b->size) {
        memcpy(b->s + b->len, t, n + 1);
        b->len += n;
        return;
    }
    size_t room = b->size - 1 - b->len;
    while (room > 0 && ((unsigned char)t[room] & 0xC0) == 0x80)
        room--;
    memcpy(b->s + b->len, t, room);
    b->len += room;
    b->s[b->len] = '\0';
    b->cut = true;
}

/* 1 to 99 in Chinese numerals, as article and item numbers print them:
 * 三, 十, 十一, 二十一. */
static void cite_put_cn(cite_buf *b, unsigned n)
{
    static const char *const digit[10] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (n >= 10) {
        if (n / 10 > 1)
            cite_put(b, digit[n / 10]);
        cite_put(b, "十");
    }
    cite_put(b, digit[n % 10]);
}

static void cite_put_dec(cite_buf *b, unsigned n)
{
    char d[8];
    snprintf(d, sizeof d, "%u", n);
    cite_put(b, d);
}

/* Whether r is B's first 第十条 (with its items printed twice). */
static bool cite_twice(const cite_ref *r)
{
    return r->reg->letter == 'B' && r->article == TWICE_ARTICLE && !r->bis;
}

/* The number an item is printed with: the seventh of B§10 is （五）. */
static unsigned cite_printed(const cite_ref *r, unsigned item)
{
    return cite_twice(r) && item == SECOND_FIVE ? FIRST_FIVE : item;
}

/* "第十条第（二）项、第（三）项", with which 第十条 or which （五） is meant. */
static void cite_put_zh_ref(cite_buf *b, const cite_ref *r, bool short_form)
{
    cite_put(b, "第");
    cite_put_cn(b, r->article);
    cite_put(b, "条");
    /* An item of B's 第十条 can only be of the first: the second has none. */
    if (r->bis)
        cite_put(b, short_form ? "（第十一条之后）" : "（第十一条之后的第十条）");
    else if (cite_twice(r) && r->nitems == 0)
        cite_put(b, short_form ? "（第九条之后）" : "（第九条之后的第十条）");
    for (unsigned k = 0; k < r->nitems; k++) {
        unsigned item = r->items[k], printed = cite_printed(r, item);
        cite_put(b, k > 0 ? "、第" : "第");
        if (r->reg->style[r->article] == ITEMS_ARABIC) {
            cite_put_dec(b, printed);
        } else {
            cite_put(b, "（");
            cite_put_cn(b, printed);
            cite_put(b, "）");
        }
        cite_put(b, "项");
        if (cite_twice(r) && item == FIRST_FIVE)
            cite_put(b, short_form ? "（第一个）" : "（第一个第（五）项）");
        else if (cite_twice(r) && item == SECOND_FIVE)
            cite_put(b, short_form ? "（第二个，兜底项）" : "（第二个第（五）项，即兜底项）");
    }
}

/* "10(2)(3)", with which Art. 10 or which (5) is meant. */
static void cite_put_en_ref(cite_buf *b, const cite_ref *r)
{
    bool first_five = false, second_five = false;
    cite_put_dec(b, r->article);
    for (unsigned k = 0; k < r->nitems; k++) {
        cite_put(b, "(");
        cite_put_dec(b, cite_printed(r, r->items[k]));
        cite_put(b, ")");
        first_five |= cite_twice(r) && r->items[k] == FIRST_FIVE;
        second_five |= cite_twice(r) && r->items[k] == SECOND_FIVE;
    }
    if (r->bis)
        cite_put(b, " (the second Art. 10, after Art. 11)");
    else if (cite_twice(r) && r->nitems == 0)
        cite_put(b, " (the first Art. 10, after Art. 9)");
    else if (first_five && second_five)
        cite_put(b, " (the first and the second item (5), the latter the catch-all)");
    else if (first_five)
        cite_put(b, " (the first item (5))");
    else if (second_five)
        cite_put(b, " (the second item (5), the catch-all)");
}

/* 《A》第八条、第九条、《B》第三条: a regulation is named again only when
 * the one cited changes. */
static void cite_write_zh(cite_buf *b, const char *ref, bool short_form)
{
    cite_cursor c;
    cite_ref r;
    const cite_regulation *prev = NULL;
    cite_cursor_init(&c, ref);
    while (cite_next(&c, &r) == 1) {
        if (prev != NULL)
            cite_put(b, "、");
        if (r.reg != prev)
            cite_put(b, short_form ? r.reg->short_zh : r.reg->title);
        cite_put_zh_ref(b, &r, short_form);
        prev = r.reg;
    }
}

/* "Arts. 8, 9 and 11 of the Wrongful-Case Accountability Rules; Art. 3 of
 * the Interference Recording Rules": each run of one regulation's
 * references is one phrase. */
static void cite_write_en(cite_buf *b, const char *ref)
{
    cite_cursor c;
    cite_ref cur = {0}, next = {0};
    cite_cursor_init(&c, ref);
    int have = cite_next(&c, &cur);
    bool first = true;
    while (have == 1) {
        int more = cite_next(&c, &next);
        bool run = more == 1 && next.reg == cur.reg;
        cite_put(b, first ? "" : "; ");
        cite_put(b, run ? "Arts. " : "Art. ");
        cite_put_en_ref(b, &cur);
        while (more == 1 && next.reg == cur.reg) {
            cur = next;
            more = cite_next(&c, &next);
            cite_put(b, more == 1 && next.reg == cur.reg ? ", " : " and ");
            cite_put_en_ref(b, &cur);
        }
        cite_put(b, " of the ");
        cite_put(b, cur.reg->en);
        cur = next;
        have = more;
        first = false;
    }
}

/* ---- the API ------------------------------------------------------------------------------- */

int cite_format(char *out, size_t size, const char *ref, cite_form form)
{
    if (out == NULL || size == 0)
        return LH_EINVAL;
    out[0] = '\0';
    if (ref == NULL)
        return LH_EINVAL;
    if ((form != CITE_ZH && form != CITE_ZH_SHORT && form != CITE_EN) || !cite_valid(ref)) {
        text_copy_cut(out, size, ref);
        return LH_EPARSE;
    }
    cite_buf b = {out, size, 0, false};
    if (form == CITE_EN)
        cite_write_en(&b, ref);
    else
        cite_write_zh(&b, ref, form == CITE_ZH_SHORT);
    return b.cut ? LH_ETOOBIG : 0;
}

int cite_zh(char *out, size_t size, const char *ref)
{
    return cite_format(out, size, ref, CITE_ZH);
}

int cite_zh_short(char *out, size_t size, const char *ref)
{
    return cite_format(out, size, ref, CITE_ZH_SHORT);
}

int cite_en(char *out, size_t size, const char *ref)
{
    return cite_format(out, size, ref, CITE_EN);
}

const char *cite_regulation_name(char regulation, cite_form form)
{
    for (size_t k = 0; k < sizeof regulations / sizeof regulations[0]; k++) {
        if (regulations[k].letter != regulation)
            continue;
        switch (form) {
        case CITE_ZH: return regulations[k].title;
        case CITE_ZH_SHORT: return regulations[k].short_zh;
        case CITE_EN: return regulations[k].en;
        }
    }
    return NULL;
}
