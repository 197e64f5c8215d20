/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fuzz_cite.c — citations of our references to the regulations
 * (client/core/cite.h): the input, up to its first NUL, is cited in the
 * three forms, into a buffer of CITE_MAX and into every smaller one.
 *
 * Invariants: the three forms agree on whether the input is a reference
 * list; one that is not comes back exactly as it is (LH_EPARSE); a
 * citation is valid UTF-8, begins with a regulation's name ("《" or one
 * of its short names) or "Art.", and is written the same every time;
 * into a smaller buffer the output is always NUL-terminated within it,
 * a prefix of the whole one cut at a character boundary (valid UTF-8,
 * short of the end by less than a character, when the whole is), and LH_ETOOBIG exactly when the
 * whole did not fit.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cite.h"
#include "errors.h"
#include "fuzz.h"
#include "text.h"

/* Inputs longer than this are cut: a reference list is short, and every
 * buffer size up to the citation's length is tried. */
#define INPUT_MAX 4096

static bool starts_with(const char *s, const char *prefix)
{
    return prefix != NULL && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Cite ref in one form into buffers of every size up to the whole. */
static int check_form(const char *ref, cite_form form)
{
    static char whole[CITE_MAX], again[CITE_MAX], part[CITE_MAX];
    int rc = cite_format(whole, sizeof whole, ref, form);
    FUZZ_CHECK(rc == 0 || rc == LH_EPARSE || rc == LH_ETOOBIG);
    size_t len = strlen(whole);
    FUZZ_CHECK(len < sizeof whole);
    if (rc == LH_EPARSE) {
        size_t in = strlen(ref);
        FUZZ_CHECK(len <= in && memcmp(whole, ref, len) == 0);
        FUZZ_CHECK(in >= sizeof whole || len == in);
    } else {
        FUZZ_CHECK(text_utf8_valid((const uint8_t *)whole, len));
        if (form == CITE_EN)
            FUZZ_CHECK(starts_with(whole, "Art"));
        else if (form == CITE_ZH)
            FUZZ_CHECK(starts_with(whole, "《"));
        else
            FUZZ_CHECK(starts_with(whole, cite_regulation_name('A', CITE_ZH_SHORT)) ||
                       starts_with(whole, cite_regulation_name('B', CITE_ZH_SHORT)));
    }
    FUZZ_CHECK(cite_format(again, sizeof again, ref, form) == rc);
    FUZZ_CHECK(strcmp(again, whole) == 0);

    bool whole_utf8 = text_utf8_valid((const uint8_t *)whole, len);
    for (size_t size = 1; size <= len + 1 && size <= sizeof part; size++) {
        memset(part, 0x55, sizeof part);
        int prc = cite_format(part, size, ref, form);
        size_t plen = strnlen(part, size);
        FUZZ_CHECK(plen < size);
        FUZZ_CHECK(memcmp(part, whole, plen) == 0);
        /* A cut of text drops at most the one character the end would
         * split (of bytes that are not UTF-8, it drops stray continuation
         * bytes too). */
        if (whole_utf8) {
            FUZZ_CHECK(plen == len || size - 1 - plen < 4);
            FUZZ_CHECK(text_utf8_valid((const uint8_t *)part, plen));
        }
        if (rc == LH_EPARSE)
            FUZZ_CHECK(prc == LH_EPARSE);
        else if (size > len && rc == 0)
            FUZZ_CHECK(prc == 0 && plen == len);
        else
            FUZZ_CHECK(prc == LH_ETOOBIG);
    }
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char ref[INPUT_MAX + 1];
    size_t n = size < INPUT_MAX ? size : INPUT_MAX;
    memcpy(ref, data, n);
    ref[n] = '\0';
    int zh = check_form(ref, CITE_ZH);
    int zh_short = check_form(ref, CITE_ZH_SHORT);
    int en = check_form(ref, CITE_EN);
    FUZZ_CHECK((zh == LH_EPARSE) == (zh_short == LH_EPARSE));
    FUZZ_CHECK((zh == LH_EPARSE) == (en == LH_EPARSE));
    return 0;
}
