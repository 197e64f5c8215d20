/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * arena.c — a bump allocator over a list of 64 KiB blocks (a larger piece
 * gets a block of its own).
 */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 65536

struct arena_block {
    struct arena_block *next;
    size_t size, used;
    _Alignas(16) uint8_t data[];
};

/* n bytes at an offset that is a multiple of align (a power of two, at
 * most 16), in the current block or in a new one. */
static void *take(arena *a, size_t n, size_t align)
{
    arena_block *b = a->head;
    size_t off = b != NULL ? (b->used + align - 1) & ~(align - 1) : 0;
    if (b == NULL || off > b->size || b->size - off < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = malloc(sizeof *b + size);
        if (b == NULL)
            return NULL;
        b->size = size;
        b->next = a->head;
        a->head = b;
        off = 0;
    }
    b->used = off + n;
    return b->data + off;
}

void *arena_alloc(arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    void *p = take(a, n, 16);
    if (p != NULL)
        memset(p, 0, n);
    return p;
}

/* Strings are packed without alignment: the verifier keeps many small ones
 * and counts their bytes against its bounds. */
char *arena_dup(arena *a, const char *s, size_t n)
{
    char *p = take(a, n + 1, 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void arena_free(arena *a)
{
    while (a->head != NULL) {
        arena_block *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}
