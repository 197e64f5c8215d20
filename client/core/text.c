/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * text.c — UTF-8, the classes of characters, how text is shown, strict
 * base64 (through libsodium's constant-time codec).
 */
#include "text.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"

size_t text_copy_cut(char *dst, size_t cap, const char *src)
{
    size_t len = strnlen(src, cap);
    if (len == cap) {
        len = cap - 1;
        /* Step back over continuation bytes to the start of the character
         * that the cut would split. */
        while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
    return len;
}

unsigned text_cp_columns(uint32_t cp)
{
    if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFEFF)
        return 0;
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
        (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

size_t text_columns(const char *s)
{
    size_t len = strlen(s), i = 0, w = 0;
    while (i < len)
        w += text_cp_columns(text_utf8_next((const uint8_t *)s, len, &i));
    return w;
}

bool text_utf8_valid(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp, min;
        if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
            min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
            min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            return false;
        }
        if (len - i - 1 < n)
            return false;
        for (size_t k = 1; k <= n; k++) {
            uint8_t cc = s[i + k];
            if ((cc & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        /* RFC 3629 §3: no overlong forms, no surrogates, nothing past U+10FFFF. */
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

uint32_t text_utf8_next(const uint8_t *s, size_t len, size_t *i)
{
    uint8_t c = s[*i];
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    size_t n;
    uint32_t cp;
    uint8_t lo = 0x80, hi = 0xBF; /* the second byte's range (RFC 3629 §4) */
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0Fu;
        if (c == 0xE0)
            lo = 0xA0; /* no overlong form */
        else if (c == 0xED)
            hi = 0x9F; /* no surrogate */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07u;
        if (c == 0xF0)
            lo = 0x90; /* no overlong form */
        else if (c == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        (*i)++;
        return TEXT_NOT_UTF8;
    }
    if (len - *i < n || s[*i + 1] < lo || s[*i + 1] > hi) {
        (*i)++;
        return TEXT_NOT_UTF8;
    }
    for (size_t k = 1; k < n; k++) {
        if ((s[*i + k] & 0xC0) != 0x80) {
            (*i)++;
            return TEXT_NOT_UTF8;
        }
        cp = (cp << 6) | (s[*i + k] & 0x3Fu);
    }
    *i += n;
    return cp;
}

bool text_is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

bool text_is_hidden(uint32_t cp)
{
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

bool text_is_space(uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

bool text_is_invisible(uint32_t cp)
{
    return cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2060 && cp <= 0x2064) ||
           cp == 0xFEFF || cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0;
}

size_t text_show_next(const uint8_t *s, size_t len, size_t *i, unsigned flags,
                      char piece[TEXT_SHOWN_MAX])
{
    size_t at = *i;
    uint32_t cp = text_utf8_next(s, len, i);
    int n;
    if (cp == TEXT_NOT_UTF8)
        n = snprintf(piece, TEXT_SHOWN_MAX, "\\x%02x", s[at]);
    else if (cp == '\n' && (flags & TEXT_SHOW_NEWLINES) != 0)
        n = snprintf(piece, TEXT_SHOWN_MAX, "\n");
    else if ((flags & TEXT_SHOW_C_NAMES) != 0 && (cp == '\n' || cp == '\t' || cp == '\r'))
        n = snprintf(piece, TEXT_SHOWN_MAX, "\\%c", cp == '\n' ? 'n' : cp == '\t' ? 't' : 'r');
    else if (cp < 0x20 || cp == 0x7F)
        n = snprintf(piece, TEXT_SHOWN_MAX, "\\x%02x", (unsigned)cp);
    else if (text_is_control(cp) || text_is_hidden(cp))
        n = snprintf(piece, TEXT_SHOWN_MAX, "\\u%04x", (unsigned)cp);
    else if ((flags & TEXT_SHOW_QUOTED) != 0 && (cp == '\'' || cp == '\\'))
        n = snprintf(piece, TEXT_SHOWN_MAX, "\\x%02x", (unsigned)cp);
    else {
        memcpy(piece, s + at, *i - at);
        n = (int)(*i - at);
        piece[n] = '\0';
    }
    return n > 0 ? (size_t)n : 0;
}

bool text_has_control(const uint8_t *s, size_t len, bool allow_newline)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n' && allow_newline)
            continue;
        if (s[i] < 0x20 || s[i] == 0x7F)
            return true;
    }
    return false;
}

/* Whether b64 is well-formed standard base64 (padding only at the end,
 * canonical trailing bits), checked four characters at a time so that no
 * buffer for the whole decoded value is needed. */
static bool b64_well_formed(const char *b64, size_t b64_len)
{
    for (size_t i = 0; i < b64_len; i += 4) {
        uint8_t tmp[3];
        size_t n;
        const char *end = NULL;
        bool last = i + 4 == b64_len;
        if (!last && memchr(b64 + i, '=', 4) != NULL)
            return false;
        if (sodium_base642bin(tmp, sizeof tmp, b64 + i, 4, NULL, &n, &end,
                              sodium_base64_VARIANT_ORIGINAL) != 0 ||
            end != b64 + i + 4)
            return false;
    }
    return true;
}

int text_b64_decode(uint8_t *out, size_t max_len, size_t *out_len, const char *b64, size_t b64_len,
                    size_t min_len)
{
    *out_len = 0;
    /* Standard base64 with padding comes in groups of four characters. */
    if (b64_len % 4 != 0)
        return LH_EBASE64;
    /* libsodium 1.0.18 (Debian 12) decodes every byte above 0x7F as '/',
     * which would let two different strings carry one value (a signed note
     * could be altered and still verify): only the RFC 4648 alphabet passes. */
    for (size_t i = 0; i < b64_len; i++) {
        unsigned char c = (unsigned char)b64[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '='))
            return LH_EBASE64;
    }
    /* The decoded length follows from the length and the padding: bound it
     * before decoding, and tell a well-formed value of the wrong length
     * (LH_ELENGTH) from a malformed one (LH_EBASE64). */
    size_t pad = 0;
    if (b64_len > 0 && b64[b64_len - 1] == '=')
        pad = (b64_len > 1 && b64[b64_len - 2] == '=') ? 2 : 1;
    size_t n = b64_len / 4 * 3 - pad;
    if (n > max_len || n < min_len)
        return b64_well_formed(b64, b64_len) ? LH_ELENGTH : LH_EBASE64;
    const char *end = NULL;
    if (sodium_base642bin(out, max_len, b64, b64_len, NULL, &n, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != b64 + b64_len)
        return LH_EBASE64;
    *out_len = n;
    return 0;
}

size_t text_b64_encode(char *out, const uint8_t *buf, size_t len)
{
    sodium_bin2base64(out, TEXT_B64_LEN(len), buf, len, sodium_base64_VARIANT_ORIGINAL);
    return strlen(out);
}

text_b64_hash text_b64_of_hash(const uint8_t hash[32])
{
    text_b64_hash t;
    text_b64_encode(t.s, hash, 32);
    return t;
}

/* ---- numbers ------------------------------------------------------------- */

int text_decimal(const char *s, size_t len, uint64_t *out)
{
    if (len == 0)
        return LH_EPARSE;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return LH_EPARSE;
    if (len > 1 && s[0] == '0')
        return LH_EPARSE;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return LH_ERANGE;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* ---- enum names ---------------------------------------------------------- */

/* Names are matched without the locale: ASCII case folded, '-' read as '_'. */
static char enum_name_fold(char c)
{
    if (c >= 'a' && c <= 'z')
        return (char)(c - 'a' + 'A');
    return c == '-' ? '_' : c;
}

bool text_enum_name_is(const char *name, const char *prefix, const char *want)
{
    size_t i = 0;
    while (prefix[i] != '\0' && enum_name_fold(name[i]) == prefix[i])
        i++;
    if (prefix[i] == '\0')
        name += i;
    for (; *want != '\0'; name++, want++) {
        if (enum_name_fold(*name) != enum_name_fold(*want))
            return false;
    }
    return *name == '\0';
}
