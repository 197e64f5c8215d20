/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * vec.h — reading the known-answer vector files of tests/vectors/.
 *
 * Each file is UTF-8 text, one record per line, fields separated by one
 * space, '#' comments and blank lines ignored (tests/vectors/README.md).
 */
#ifndef LIUHEN_TEST_VEC_H
#define LIUHEN_TEST_VEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VEC_MAX_FIELDS 16

/** One record: the fields point into `line`, valid until the next vec_next(). */
typedef struct vec_line {
    char *line;
    size_t nfields;
    char *field[VEC_MAX_FIELDS];
    unsigned lineno;
} vec_line;

typedef struct vec_file {
    FILE *fp;
    const char *path;
    vec_line cur;
    size_t cap;
} vec_file;

/** Open tests/vectors/NAME (tests run from the repository root); fails the test if missing. */
void vec_open(vec_file *vf, const char *name);

/** The next record, or NULL at end of file. */
vec_line *vec_next(vec_file *vf);

void vec_close(vec_file *vf);

/**
 * Decode standard base64 into a malloc'd buffer (NUL-terminated for
 * convenience, the NUL not counted in *len). Fails the test on bad input.
 */
uint8_t *vec_b64(const char *b64, size_t *len);

/** Decode exactly n bytes of base64 into out; fails the test otherwise. */
void vec_b64_exact(uint8_t *out, size_t n, const char *b64);

/** Decode exactly n bytes of lowercase hex into out; fails the test otherwise. */
void vec_hex_exact(uint8_t *out, size_t n, const char *hex);

/** Parse an unsigned decimal field; fails the test on bad input. */
uint64_t vec_u64(const char *s);

#endif
