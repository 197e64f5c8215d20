/*
 * test_text.c — UTF-8 validation, control characters, strict base64, and
 * the error code space.
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
        cmocka_unit_test(test_control),    cmocka_unit_test(test_b64),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
