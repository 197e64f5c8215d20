/*
 * text.c — UTF-8 validation, control characters, strict base64 (through
 * libsodium's constant-time codec).
 */
#include "text.h"

#include <sodium.h>
#include <string.h>

#include "errors.h"

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

int text_b64_decode(uint8_t *out, size_t max_len, size_t *out_len, const char *b64,
                    size_t b64_len, size_t min_len)
{
    *out_len = 0;
    /* Bound the input before decoding: 4 characters per 3 bytes, padded. */
    if (b64_len % 4 != 0)
        return LH_EBASE64;
    if (b64_len / 4 * 3 > max_len + 2)
        return LH_ELENGTH;
    size_t n = 0;
    const char *end = NULL;
    if (sodium_base642bin(out, max_len, b64, b64_len, NULL, &n, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
        /* A well-formed input that decodes to more than max_len bytes is a
         * length error, not a base64 one. */
        return b64_len / 4 * 3 > max_len ? LH_ELENGTH : LH_EBASE64;
    }
    if (end != b64 + b64_len)
        return LH_EBASE64;
    if (n < min_len || n > max_len)
        return LH_ELENGTH;
    *out_len = n;
    return 0;
}

size_t text_b64_encode(char *out, const uint8_t *buf, size_t len)
{
    sodium_bin2base64(out, TEXT_B64_LEN(len), buf, len, sodium_base64_VARIANT_ORIGINAL);
    return strlen(out);
}
