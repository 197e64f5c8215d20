/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_grow.c — room in a growing array (grow.h): the first capacity,
 * doubling, a need beyond double, the caller's limit, a need whose size
 * in bytes does not fit in size_t, and a failure that leaves the array as
 * it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "errors.h"
#include "grow.h"

/* Under ASan an impossible allocation returns NULL, as glibc's does,
 * instead of stopping the test (test_alloc_fails). */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

typedef struct pair {
    uint64_t a, b;
} pair;

static void test_first(void **state)
{
    (void)state;
    pair *v = NULL;
    size_t cap = 0;
    assert_int_equal(grow_room(&v, &cap, 1, sizeof *v, 16, 0), 0);
    assert_non_null(v);
    assert_int_equal(cap, 16);
    /* The room is there: writing every element is clean under ASan. */
    for (size_t i = 0; i < cap; i++)
        v[i] = (pair){i, ~i};
    /* need within the capacity: nothing changes. */
    pair *before = v;
    assert_int_equal(grow_room(&v, &cap, 16, sizeof *v, 16, 0), 0);
    assert_ptr_equal(v, before);
    assert_int_equal(cap, 16);
    free(v);

    /* first 0 counts as 1. */
    char *s = NULL;
    cap = 0;
    assert_int_equal(grow_room(&s, &cap, 1, 1, 0, 0), 0);
    assert_int_equal(cap, 1);
    free(s);
}

static void test_doubling(void **state)
{
    (void)state;
    uint32_t *v = NULL;
    size_t cap = 0;
    size_t caps[8];
    size_t ncaps = 0;
    for (uint32_t n = 0; n < 1000; n++) {
        size_t old = cap;
        assert_int_equal(grow_room(&v, &cap, (size_t)n + 1, sizeof *v, 8, 0), 0);
        if (cap != old) {
            assert_true(ncaps < 8);
            caps[ncaps++] = cap;
        }
        v[n] = n;
    }
    /* 8, 16, ... 1024: doubled each time, and the contents kept. */
    assert_int_equal(ncaps, 8);
    for (size_t i = 0; i < ncaps; i++)
        assert_int_equal(caps[i], (size_t)8 << i);
    for (uint32_t n = 0; n < 1000; n++)
        assert_int_equal(v[n], n);
    free(v);
}

/* A new byte buffer grown to need from first, its need bytes set to fill. */
static uint8_t *bytes(size_t *cap, size_t need, size_t first, int fill)
{
    uint8_t *b = NULL;
    *cap = 0;
    assert_int_equal(grow_room(&b, cap, need, 1, first, 0), 0);
    memset(b, fill, need);
    return b;
}

static void test_need_beyond_double(void **state)
{
    (void)state;
    size_t cap;
    /* From nothing: the first capacity, doubled until it holds need. */
    uint8_t *b = bytes(&cap, 5000, 4096, 0xA5);
    assert_int_equal(cap, 8192);
    /* From 8192, a need of 40000: 16384, 32768, 65536. */
    assert_int_equal(grow_room(&b, &cap, 40000, 1, 4096, 0), 0);
    assert_int_equal(cap, 65536);
    for (size_t i = 0; i < 5000; i++)
        assert_int_equal(b[i], 0xA5);
    free(b);
}

/* grow_room() refuses, and leaves the array and its capacity as they were. */
static void refused(void *arrp, size_t *cap, size_t need, size_t elt, size_t first, size_t max)
{
    void *before, *after;
    size_t cap_before = *cap;
    memcpy(&before, arrp, sizeof before);
    assert_int_equal(grow_room(arrp, cap, need, elt, first, max), LH_ENOMEM);
    memcpy(&after, arrp, sizeof after);
    assert_ptr_equal(after, before);
    assert_int_equal(*cap, cap_before);
}

static void test_limit(void **state)
{
    (void)state;
    int *v = NULL;
    size_t cap = 0;
    /* The first capacity is clamped to the limit. */
    assert_int_equal(grow_room(&v, &cap, 1, sizeof *v, 16, 10), 0);
    assert_int_equal(cap, 10);
    /* The limit itself is room enough: nothing to do. */
    assert_int_equal(grow_room(&v, &cap, 10, sizeof *v, 16, 10), 0);
    assert_int_equal(cap, 10);
    /* One beyond it fails, leaving the array. */
    refused(&v, &cap, 11, sizeof *v, 16, 10);
    free(v);

    /* Doubling stops at the limit: 16, 32, then 40 rather than 64. */
    v = NULL;
    cap = 0;
    for (size_t n = 0; n < 40; n++)
        assert_int_equal(grow_room(&v, &cap, n + 1, sizeof *v, 16, 40), 0);
    assert_int_equal(cap, 40);
    refused(&v, &cap, 41, sizeof *v, 16, 40);
    free(v);
}

static void test_overflow(void **state)
{
    (void)state;
    /* need * elt does not fit in size_t: refused before any allocation,
     * whether or not the caller set a limit (one above SIZE_MAX / elt),
     * to an empty array as to one that holds something. */
    pair *v = NULL;
    size_t cap = 0;
    refused(&v, &cap, SIZE_MAX / sizeof *v + 1, sizeof *v, 4, 0);
    assert_null(v);
    assert_int_equal(grow_room(&v, &cap, 4, sizeof *v, 4, 0), 0);
    refused(&v, &cap, SIZE_MAX / sizeof *v + 1, sizeof *v, 4, 0);
    refused(&v, &cap, SIZE_MAX / 2, sizeof *v, 4, SIZE_MAX);
    refused(&v, &cap, SIZE_MAX, sizeof *v, 4, 0);
    free(v);
}

static void test_alloc_fails(void **state)
{
    (void)state;
    size_t cap;
    uint8_t *b = bytes(&cap, 100, 64, 7);
    assert_int_equal(cap, 128);
    /* Within the limit (SIZE_MAX bytes), so realloc() is asked, but more
     * than PTRDIFF_MAX bytes: malloc cannot give it. */
    refused(&b, &cap, SIZE_MAX / 2 + 2, 1, 64, 0);
    for (size_t i = 0; i < 100; i++)
        assert_int_equal(b[i], 7);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first),
        cmocka_unit_test(test_doubling),
        cmocka_unit_test(test_need_beyond_double),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_alloc_fails),
    };
    return cmocka_run_group_tests_name("grow", tests, NULL, NULL);
}
