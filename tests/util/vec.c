/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * vec.c — known-answer vector file reader for the cmocka tests.
 */
#include "vec.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

void vec_open(vec_file *vf, const char *name)
{
    static char path[512];
    memset(vf, 0, sizeof *vf);
    snprintf(path, sizeof path, "tests/vectors/%s", name);
    vf->path = path;
    vf->fp = fopen(path, "r");
    if (vf->fp == NULL)
        fail_msg("cannot open %s (tests run from the repository root)", path);
}

vec_line *vec_next(vec_file *vf)
{
    ssize_t n;
    while ((n = getline(&vf->cur.line, &vf->cap, vf->fp)) >= 0) {
        vf->cur.lineno++;
        char *s = vf->cur.line;
        if (n > 0 && s[n - 1] == '\n')
            s[--n] = '\0';
        if (n == 0 || s[0] == '#')
            continue;
        vf->cur.nfields = 0;
        char *save = NULL;
        for (char *tok = strtok_r(s, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
            if (vf->cur.nfields == VEC_MAX_FIELDS)
                fail_msg("%s:%u: too many fields", vf->path, vf->cur.lineno);
            vf->cur.field[vf->cur.nfields++] = tok;
        }
        return &vf->cur;
    }
    return NULL;
}

void vec_close(vec_file *vf)
{
    free(vf->cur.line);
    if (vf->fp != NULL)
        fclose(vf->fp);
    memset(vf, 0, sizeof *vf);
}

uint8_t *vec_b64(const char *b64, size_t *len)
{
    size_t in = strlen(b64);
    uint8_t *out = malloc(in + 1);
    assert_non_null(out);
    if (sodium_base642bin(out, in, b64, in, NULL, len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
        fail_msg("bad base64 in vector: %s", b64);
    out[*len] = 0;
    return out;
}

void vec_b64_exact(uint8_t *out, size_t n, const char *b64)
{
    size_t len = 0;
    if (sodium_base642bin(out, n, b64, strlen(b64), NULL, &len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        len != n)
        fail_msg("vector base64 is not %zu bytes: %s", n, b64);
}

void vec_hex_exact(uint8_t *out, size_t n, const char *hex)
{
    size_t len = 0;
    if (sodium_hex2bin(out, n, hex, strlen(hex), NULL, &len, NULL) != 0 || len != n)
        fail_msg("vector hex is not %zu bytes: %s", n, hex);
}

uint64_t vec_u64(const char *s)
{
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end != '\0')
        fail_msg("bad number in vector: %s", s);
    return (uint64_t)v;
}
