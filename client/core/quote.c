/*
 * quote.c — text from outside made safe to quote (quote.h).
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
    size_t len = strlen(in);
    bool utf8 = text_utf8_valid((const uint8_t *)in, len);
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        unsigned char ch = (unsigned char)in[i];
        size_t n = 1;
        if (utf8 && ch >= 0xC0)
            n = ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : 2;
        if (o + n >= cap)
            break;
        if (ch < 0x20 || ch == 0x7F || (ch >= 0x80 && !utf8)) {
            out[o++] = '?';
        } else if (n == 2 && ch == 0xC2 && (unsigned char)in[i + 1] < 0xA0) {
            out[o++] = '?'; /* U+0080..U+009F, the C1 controls */
        } else {
            memcpy(out + o, in + i, n);
            o += n;
        }
        i += n;
    }
    out[o] = '\0';
}

/* Characters that would make an error message read differently from what
 * it says on a terminal: C1 controls, bidirectional embeddings, overrides
 * and isolates, and line separators. */
static bool invisible_control(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

const char *quote_escape(char *dst, size_t cap, const char *s, size_t len, size_t max, bool quoted)
{
    bool utf8 = text_utf8_valid((const uint8_t *)s, len);
    size_t o = 0;
    size_t i = 0;
    for (; i < len && i < max && o + 7 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F || (c >= 0x80 && !utf8) || (quoted && (c == '\'' || c == '\\'))) {
            o += (size_t)snprintf(dst + o, cap - o, "\\x%02x", c);
        } else if (c >= 0xC0 && utf8) {
            /* A whole UTF-8 sequence or none of it. */
            size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            uint32_t cp = n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
            for (size_t k = 1; k < n; k++)
                cp = (cp << 6) | ((unsigned char)s[i + k] & 0x3Fu);
            if (i + n > max)
                break;
            if (invisible_control(cp)) {
                o += (size_t)snprintf(dst + o, cap - o, "\\u%04X", (unsigned)cp);
            } else {
                if (o + n + 1 >= cap)
                    break;
                memcpy(dst + o, s + i, n);
                o += n;
            }
            i += n - 1;
        } else {
            dst[o++] = (char)c;
        }
    }
    if (i < len && o + 4 <= cap) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
    return dst;
}

int quote_err_set(lh_err *err, int code, const char *msg)
{
    size_t n = strlen(msg);
    if (n < LH_ERR_MSG_MAX)
        return lh_err_set(err, code, "%s", msg);
    size_t cut = LH_ERR_MSG_MAX - 4;
    while (cut > 0 && ((unsigned char)msg[cut] & 0xC0) == 0x80)
        cut--;
    return lh_err_set(err, code, "%.*s...", (int)cut, msg);
}
