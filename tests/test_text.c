/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_text.c — UTF-8 validation and decoding, the classes of characters,
 * how a character is shown, cutting at a character boundary, quoting
 * (quote.h, which shows text as text.h says), strict base64, and the error
 * code space.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <sodium.h>

#include "errors.h"
#include "quote.h"
#include "text.h"

static bool utf8(const char *s)
{
    return text_utf8_valid((const uint8_t *)s, strlen(s));
}

static void test_utf8_valid(void **state)
{
    (void)state;
    assert_true(utf8(""));
    assert_true(utf8("plain ascii"));
    assert_true(utf8("留痕 — 全程留痕，有据可查"));
    assert_true(utf8("\xF0\x9F\x98\x80")); /* U+1F600, four bytes */
    assert_true(utf8("\xF4\x8F\xBF\xBF")); /* U+10FFFF, the last code point */
}

static void test_utf8_invalid(void **state)
{
    (void)state;
    assert_false(utf8("\xFF"));                 /* never valid */
    assert_false(utf8("\xC0\xAF"));             /* overlong '/' */
    assert_false(utf8("\xE0\x80\xAF"));         /* overlong, three bytes */
    assert_false(utf8("\xED\xA0\x80"));         /* surrogate U+D800 */
    assert_false(utf8("\xF4\x90\x80\x80"));     /* above U+10FFFF */
    assert_false(utf8("\xE7\x95"));             /* truncated 留 */
    assert_false(utf8("a\x80"));                /* stray continuation */
    assert_false(utf8("\xE7\x41\x99"));         /* continuation missing */
    assert_false(utf8("\xF8\x88\x80\x80\x80")); /* five-byte form */
}

/* Decoding agrees with validation: every sequence text_utf8_valid()
 * refuses gives TEXT_NOT_UTF8 one byte at a time. */
static void test_utf8_next(void **state)
{
    (void)state;
    const uint8_t ok[] = "a\xC2\xA0\xE7\x95\x99\xF0\x9F\x98\x80";
    size_t i = 0, len = sizeof ok - 1;
    assert_int_equal(text_utf8_next(ok, len, &i), 'a');
    assert_int_equal(text_utf8_next(ok, len, &i), 0xA0);
    assert_int_equal(text_utf8_next(ok, len, &i), 0x7559); /* 留 */
    assert_int_equal(text_utf8_next(ok, len, &i), 0x1F600);
    assert_int_equal(i, len);
    static const char *const bad[] = {"\xFF",         "\xC0\xAF",         "\xE0\x80\xAF",
                                      "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE7\x95",
                                      "\x80",         "\xC2\x41"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        i = 0;
        assert_int_equal(text_utf8_next((const uint8_t *)bad[k], strlen(bad[k]), &i),
                         TEXT_NOT_UTF8);
        assert_int_equal(i, 1);
    }
    /* Exhaustively over two bytes: valid exactly when one code point. */
    for (unsigned a = 0; a < 256; a++) {
        for (unsigned b = 0; b < 256; b++) {
            uint8_t two[2] = {(uint8_t)a, (uint8_t)b};
            i = 0;
            uint32_t cp = text_utf8_next(two, 2, &i);
            bool one = cp != TEXT_NOT_UTF8 && i == 2;
            assert_int_equal(one, a >= 0x80 && text_utf8_valid(two, 2));
        }
    }
}

static void test_classes(void **state)
{
    (void)state;
    /* Controls: C0, DEL, C1. */
    assert_true(text_is_control(0x00) && text_is_control(0x1F) && text_is_control(0x7F));
    assert_true(text_is_control(0x80) && text_is_control(0x9B) && text_is_control(0x9F));
    assert_false(text_is_control(' ') || text_is_control(0xA0) || text_is_control(0x7559));
    /* Hidden: what reorders or breaks a line unseen. */
    static const uint32_t hidden[] = {0x061C, 0x200E, 0x200F, 0x202A, 0x202E,
                                      0x2066, 0x2069, 0x2028, 0x2029};
    for (size_t k = 0; k < sizeof hidden / sizeof hidden[0]; k++)
        assert_true(text_is_hidden(hidden[k]));
    assert_false(text_is_hidden(0x200B) || text_is_hidden(0x2065) || text_is_hidden('a'));
    /* White_Space, and the invisible characters beside it. */
    static const uint32_t space[] = {0x09,   0x0D,   0x20,   0x85,   0xA0,   0x1680, 0x2000,
                                     0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000};
    for (size_t k = 0; k < sizeof space / sizeof space[0]; k++)
        assert_true(text_is_space(space[k]));
    assert_false(text_is_space(0x200B) || text_is_space(0xFEFF) || text_is_space('x'));
    static const uint32_t invisible[] = {0x180E, 0x200B, 0x200D, 0x2060, 0x2064,
                                         0xFEFF, 0x115F, 0x3164, 0xFFA0};
    for (size_t k = 0; k < sizeof invisible / sizeof invisible[0]; k++)
        assert_true(text_is_invisible(invisible[k]));
    assert_false(text_is_invisible(' ') || text_is_invisible(0x7559));
}

/* Each character as it may be shown. */
static const char *show(const char *s, unsigned flags, char *out, size_t cap)
{
    size_t len = strlen(s), o = 0;
    for (size_t i = 0; i < len;) {
        char piece[TEXT_SHOWN_MAX];
        size_t n = text_show_next((const uint8_t *)s, len, &i, flags, piece);
        assert_true(n < TEXT_SHOWN_MAX && o + n < cap);
        assert_int_equal(strlen(piece), n);
        memcpy(out + o, piece, n);
        o += n;
    }
    out[o] = '\0';
    return out;
}

static void test_show(void **state)
{
    (void)state;
    char out[256];
    assert_string_equal(show("王明", 0, out, sizeof out), "王明");
    assert_string_equal(show("a\x1b[2Jb", 0, out, sizeof out), "a\\x1b[2Jb");
    assert_string_equal(show("王\xE2\x80\xAE明", 0, out, sizeof out), "王\\u202e明");
    assert_string_equal(show("\xC2\x9B", 0, out, sizeof out), "\\u009b");
    assert_string_equal(show("x\xFFy\xE7\x95", 0, out, sizeof out), "x\\xffy\\xe7\\x95");
    assert_string_equal(show("1\n2\t3", 0, out, sizeof out), "1\\x0a2\\x093");
    assert_string_equal(show("1\n2\t3\r", TEXT_SHOW_C_NAMES, out, sizeof out), "1\\n2\\t3\\r");
    assert_string_equal(show("1\n2\t", TEXT_SHOW_NEWLINES | TEXT_SHOW_C_NAMES, out, sizeof out),
                        "1\n2\\t");
    assert_string_equal(show("it's a\\b", 0, out, sizeof out), "it's a\\b");
    assert_string_equal(show("it's a\\b", TEXT_SHOW_QUOTED, out, sizeof out), "it\\x27s a\\x5cb");
}

static void test_copy_cut(void **state)
{
    (void)state;
    char out[8];
    assert_int_equal(text_copy_cut(out, sizeof out, "abc"), 3);
    assert_string_equal(out, "abc");
    /* "留痕" is six bytes; "留痕留" nine: the third character does not fit. */
    assert_int_equal(text_copy_cut(out, sizeof out, "留痕留"), 6);
    assert_string_equal(out, "留痕");
    assert_int_equal(text_copy_cut(out, 7, "留痕留"), 6);
    assert_int_equal(text_copy_cut(out, 6, "留痕留"), 3);
    assert_string_equal(out, "留");
    assert_int_equal(text_copy_cut(out, 1, "留"), 0);
    assert_string_equal(out, "");
}

static void test_quote(void **state)
{
    (void)state;
    char out[64];
    quote_text(out, sizeof out, "ok 王明\x1b[2J\xE2\x80\xAEx\xFF");
    assert_string_equal(out, "ok 王明?[2J?x?");
    quote_text(out, 8, "王明王明");
    assert_string_equal(out, "王明");
    quote_text(out, sizeof out, NULL);
    assert_string_equal(out, "");

    const char *v = "it's\n留痕\xE2\x80\xAE";
    assert_string_equal(quote_escape(out, sizeof out, v, strlen(v), 64, true),
                        "it\\x27s\\x0a留痕\\u202e");
    assert_string_equal(quote_escape(out, sizeof out, v, strlen(v), 64, false),
                        "it's\\x0a留痕\\u202e");
    /* Cut at max bytes of input, never inside a character, with "...". */
    assert_string_equal(quote_escape(out, sizeof out, v, strlen(v), 7, false), "it's\\x0a...");
    assert_string_equal(quote_escape(out, sizeof out, v, strlen(v), 8, false), "it's\\x0a留...");
    /* Any input of max bytes fits whole in 4 * max + 8. */
    char small[4 * 3 + 8];
    assert_string_equal(quote_escape(small, sizeof small, "\x01\x02\x03", 3, 3, false),
                        "\\x01\\x02\\x03");

    lh_err err;
    char longmsg[LH_ERR_MSG_MAX * 2];
    memset(longmsg, 'a', sizeof longmsg - 4);
    memcpy(longmsg + LH_ERR_MSG_MAX - 6, "留留留", 9);
    longmsg[sizeof longmsg - 1] = '\0';
    assert_int_equal(quote_err_set(&err, LH_EFIELD, longmsg), LH_EFIELD);
    assert_true(strlen(err.msg) < LH_ERR_MSG_MAX);
    assert_true(text_utf8_valid((const uint8_t *)err.msg, strlen(err.msg)));
    assert_non_null(strstr(err.msg, "..."));
    /* lh_err_set() cuts a long detail at a character boundary too. */
    memset(longmsg, 'a', sizeof longmsg);
    memcpy(longmsg + LH_ERR_MSG_MAX - 3, "留留留", 9);
    longmsg[LH_ERR_MSG_MAX + 6] = '\0';
    assert_int_equal(lh_err_set(&err, LH_EFIELD, "%s", longmsg), LH_EFIELD);
    assert_int_equal(strlen(err.msg), LH_ERR_MSG_MAX - 3);
    assert_true(text_utf8_valid((const uint8_t *)err.msg, strlen(err.msg)));
}

static void test_columns(void **state)
{
    (void)state;
    assert_int_equal(text_columns("abc"), 3);
    assert_int_equal(text_columns("干预-1"), 6);
    assert_int_equal(text_columns("（五）"), 6);           /* fullwidth parentheses */
    assert_int_equal(text_columns("e\xcc\x81"), 1);        /* e and a combining acute */
    assert_int_equal(text_columns("\xf0\xa0\x80\x80"), 2); /* U+20000, plane 2 */
    assert_int_equal(text_columns(""), 0);
}

static void test_control(void **state)
{
    (void)state;
    const uint8_t lf[] = "a\nb";
    const uint8_t tab[] = "a\tb";
    const uint8_t del[] = "a\x7f";
    assert_false(text_has_control(lf, 3, true));
    assert_true(text_has_control(lf, 3, false));
    assert_true(text_has_control(tab, 3, true));
    assert_true(text_has_control(del, 2, true));
    const uint8_t nul[] = {'a', 0, 'b'};
    assert_true(text_has_control(nul, 3, true));
}

static void test_b64(void **state)
{
    (void)state;
    uint8_t out[32];
    size_t n = 99;
    char enc[TEXT_B64_LEN(32)];
    uint8_t raw[32];
    for (int round = 0; round < 200; round++) {
        size_t len = (size_t)randombytes_uniform(33);
        randombytes_buf(raw, len);
        size_t elen = text_b64_encode(enc, raw, len);
        assert_int_equal(elen, TEXT_B64_LEN(len) - 1);
        assert_int_equal(text_b64_decode(out, sizeof out, &n, enc, elen, 0), 0);
        assert_int_equal(n, len);
        assert_memory_equal(out, raw, len);
    }
    assert_int_equal(text_b64_decode(out, 32, &n, "aGk=", 4, 0), 0);
    assert_int_equal(n, 2);
    assert_memory_equal(out, "hi", 2);
    /* No padding, bad characters, non-canonical trailing bits, whitespace. */
    assert_int_equal(text_b64_decode(out, 32, &n, "aGk", 3, 0), LH_EBASE64);
    assert_int_equal(text_b64_decode(out, 32, &n, "aG!=", 4, 0), LH_EBASE64);
    assert_int_equal(text_b64_decode(out, 32, &n, "aGl=", 4, 0), LH_EBASE64);
    assert_int_equal(text_b64_decode(out, 32, &n, "aG k", 4, 0), LH_EBASE64);
    assert_int_equal(text_b64_decode(out, 32, &n, "aGk=aGk=", 8, 0), LH_EBASE64);
    /* Lengths out of bounds. */
    assert_int_equal(text_b64_decode(out, 1, &n, "aGk=", 4, 0), LH_ELENGTH);
    assert_int_equal(text_b64_decode(out, 32, &n, "aGk=", 4, 3), LH_ELENGTH);
    assert_int_equal(n, 0);
    /* Bytes outside the alphabet, which libsodium 1.0.18 reads as '/'. */
    assert_int_equal(text_b64_decode(out, 32, &n, "aG\xe9=", 4, 0), LH_EBASE64);
    assert_int_equal(text_b64_decode(out, 32, &n, "\xc3\xa9k=", 4, 0), LH_EBASE64);
    /* A malformed value too long for the buffer is still a base64 error. */
    assert_int_equal(text_b64_decode(out, 1, &n, "aG!=", 4, 0), LH_EBASE64);
    assert_int_equal(text_b64_decode(out, 1, &n, "aGl=", 4, 0), LH_EBASE64);
    assert_int_equal(text_b64_decode(out, 1, &n, "aG==aGk=", 8, 0), LH_EBASE64);
    assert_int_equal(text_b64_decode(out, 1, &n, "aGk=", 4, 2), LH_ELENGTH);
}

static void test_errors(void **state)
{
    (void)state;
    assert_string_equal(lh_strerror(0), "success");
    assert_string_equal(lh_strerror(LH_EPROOF), "proof verification failed");
    assert_string_equal(lh_errname(LH_EPROOF), "LH_EPROOF");
    assert_string_equal(lh_errname(-2), "ENOENT");
    assert_string_equal(lh_errname(-EISDIR), "EISDIR");
    assert_string_equal(lh_errname(-ENOSPC), "ENOSPC");
    assert_string_equal(lh_strerror(-2), "No such file or directory");
    assert_string_equal(lh_strerror(-99999), "unknown error");
    /* Every code has its own name and description. */
#define CHECK_CODE(name, value, desc)                                                              \
    assert_string_equal(lh_errname(value), "LH_" #name);                                           \
    assert_string_equal(lh_strerror(value), desc);
    LH_ERRNO_MAP(CHECK_CODE)
#undef CHECK_CODE
    lh_err e;
    assert_int_equal(lh_err_set(&e, LH_EFIELD, "field %s: %d", "x", 3), LH_EFIELD);
    assert_string_equal(e.msg, "field x: 3");
    assert_int_equal(lh_err_set(NULL, LH_EFIELD, "ignored"), LH_EFIELD);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid), cmocka_unit_test(test_utf8_invalid),
        cmocka_unit_test(test_utf8_next),  cmocka_unit_test(test_classes),
        cmocka_unit_test(test_show),       cmocka_unit_test(test_copy_cut),
        cmocka_unit_test(test_quote),      cmocka_unit_test(test_columns),
        cmocka_unit_test(test_control),    cmocka_unit_test(test_b64),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
