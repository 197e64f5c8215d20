/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * quote.c — text from outside made safe to quote (quote.h), character by
 * character as text.h shows it.
 */
#include "quote.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

void quote_text(char *out, size_t cap, const char *in)
{
    if (cap == 0)
        return;
    out[0] = '\0';
    if (in == NULL)
        return;
    const uint8_t *s = (const uint8_t *)in;
    size_t len = strlen(in), o = 0;
    for (size_t i = 0; i < len;) {
        size_t at = i;
        uint32_t cp = text_utf8_next(s, len, &i);
        bool shown = cp != TEXT_NOT_UTF8 && !text_is_control(cp) && !text_is_hidden(cp);
        size_t n = shown ? i - at : 1;
        if (o + n >= cap)
            break;
        if (shown)
            memcpy(out + o, in + at, n);
        else
            out[o] = '?';
        o += n;
    }
    out[o] = '\0';
}

const char *quote_escape(char *dst, size_t cap, const char *s, size_t len, size_t max, bool quoted)
{
    const uint8_t *u = (const uint8_t *)s;
    size_t o = 0, i = 0;
    while (i < len) {
        size_t next = i;
        char piece[TEXT_SHOWN_MAX];
        size_t n = text_show_next(u, len, &next, quoted ? TEXT_SHOW_QUOTED : 0, piece);
        /* A whole character or none of it, with room left for "...". */
        if (next > max || o + n + 4 > cap)
            break;
        memcpy(dst + o, piece, n);
        o += n;
        i = next;
    }
    if (i < len && o + 4 <= cap) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    if (cap > 0)
        dst[o < cap ? o : cap - 1] = '\0';
    return dst;
}

int quote_err_set(lh_err *err, int code, const char *msg)
{
    size_t n = strlen(msg);
    if (n < LH_ERR_MSG_MAX)
        return lh_err_set(err, code, "%s", msg);
    char cut[LH_ERR_MSG_MAX - 3];
    text_copy_cut(cut, sizeof cut, msg);
    return lh_err_set(err, code, "%s...", cut);
}
