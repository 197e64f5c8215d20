/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * suggest.c — the closest known name to what was typed (suggest.h).
 */
#include "suggest.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "text.h"

/* The code points of a name, folded: ASCII upper case to lower, '-' to '_'.
 * @return how many, or SUGGEST_NAME_MAX + 1 when there are more. */
static size_t decode(const char *s, uint32_t out[SUGGEST_NAME_MAX])
{
    size_t len = strlen(s), i = 0, n = 0;
    while (i < len) {
        uint32_t cp = text_utf8_next((const uint8_t *)s, len, &i);
        if (n == SUGGEST_NAME_MAX)
            return SUGGEST_NAME_MAX + 1;
        if (cp >= 'A' && cp <= 'Z')
            cp += 'a' - 'A';
        else if (cp == '-')
            cp = '_';
        out[n++] = cp;
    }
    return n;
}

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
    unsigned m = a < b ? a : b;
    return m < c ? m : c;
}

/* Optimal string alignment distance of two decoded names. */
static unsigned osa(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    /* Three rows of the dynamic programme: the one before last, the last,
     * the current. */
    unsigned rows[3][SUGGEST_NAME_MAX + 1];
    unsigned *pp = rows[0], *p = rows[1], *c = rows[2];
    for (size_t j = 0; j <= nb; j++)
        p[j] = (unsigned)j;
    for (size_t i = 1; i <= na; i++) {
        c[0] = (unsigned)i;
        for (size_t j = 1; j <= nb; j++) {
            unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
            c[j] = min3(p[j] + 1, c[j - 1] + 1, p[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1 < c[j])
                c[j] = pp[j - 2] + 1;
        }
        unsigned *t = pp;
        pp = p;
        p = c;
        c = t;
    }
    return p[nb];
}

unsigned suggest_distance(const char *a, const char *b)
{
    uint32_t da[SUGGEST_NAME_MAX], db[SUGGEST_NAME_MAX];
    size_t na = decode(a, da), nb = decode(b, db);
    if (na > SUGGEST_NAME_MAX || nb > SUGGEST_NAME_MAX)
        return SUGGEST_NAME_MAX + 1;
    return osa(da, na, db, nb);
}

/* The most edits that still make a likely slip in a name of n code points. */
static unsigned tolerated(size_t n)
{
    if (n <= 4)
        return 1;
    if (n <= 8)
        return 2;
    return (unsigned)(n / 3);
}

void suggest_init(suggest *s, const char *typed)
{
    uint32_t d[SUGGEST_NAME_MAX];
    memset(s, 0, sizeof *s);
    s->typed = typed;
    size_t n = typed != NULL ? decode(typed, d) : 0;
    s->typed_len = n <= SUGGEST_NAME_MAX ? n : 0;
    s->best_distance = SUGGEST_NAME_MAX + 1;
}

void suggest_offer(suggest *s, const char *name, const void *tag)
{
    if (s->typed_len == 0 || name == NULL)
        return;
    uint32_t dt[SUGGEST_NAME_MAX], dn[SUGGEST_NAME_MAX];
    size_t nt = decode(s->typed, dt), nn = decode(name, dn);
    if (nn > SUGGEST_NAME_MAX || nn == 0)
        return;
    /* What was typed is the start of this name: remember it, in case no
     * name is close by edits ("app" for "append"). A name equal to what was
     * typed is no suggestion. */
    if (nt < nn && memcmp(dt, dn, nt * sizeof dt[0]) == 0) {
        /* A name and its label (the same tag) are one candidate. */
        bool same = s->prefixes > 0 &&
                    ((tag != NULL && tag == s->prefix_tag) || strcmp(s->prefix_of, name) == 0);
        if (s->prefixes == 0) {
            s->prefix_of = name;
            s->prefix_tag = tag;
        }
        if (!same)
            s->prefixes++;
    }
    unsigned d = osa(dt, nt, dn, nn);
    size_t shorter = nt < nn ? nt : nn;
    if (d == 0 || d > tolerated(shorter) || d >= nt)
        return;
    if (d < s->best_distance) {
        s->best = name;
        s->best_tag = tag;
        s->best_distance = d;
    }
}

const char *suggest_best(const suggest *s, const void **tag)
{
    const char *best = s->best;
    const void *t = s->best_tag;
    if (best == NULL && s->prefixes == 1 && s->typed_len >= 3) {
        best = s->prefix_of;
        t = s->prefix_tag;
    }
    if (tag != NULL)
        *tag = t;
    return best;
}
