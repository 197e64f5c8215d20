/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * arena.h — a bump allocator whose pieces are freed all at once: the
 * daemon builds a read response in one, the verifier keeps a report's
 * strings in one, so that every exit path frees everything in one sweep.
 */
#ifndef LIUHEN_ARENA_H
#define LIUHEN_ARENA_H

#include <stddef.h>

/** A block of the arena; internal to arena.c. */
typedef struct arena_block arena_block;

/**
 * An arena: zero-initialise it (`arena a = {0};`), allocate from it, free
 * it with arena_free(). Not thread-safe: one owner at a time.
 */
typedef struct arena {
    arena_block *head; /**< the block being filled, then older ones */
} arena;

/**
 * n zeroed bytes, aligned to 16 (enough for any protobuf-c message).
 * @param[in,out] a  the arena that owns the piece.
 * @param[in]     n  any size; 0 gives a distinct 16-byte piece.
 * @return the piece, or NULL when out of memory (the arena is unchanged).
 * @note The piece lives until arena_free(a); it is never freed alone.
 */
void *arena_alloc(arena *a, size_t n);

/**
 * A NUL-terminated copy of s[0..n) (which may hold no NUL, or some),
 * unaligned: it takes n + 1 bytes of the arena.
 * @param[in,out] a  the arena that owns the copy.
 * @param[in]     s  n bytes; not read past n.
 * @return the copy, or NULL when out of memory.
 * @note The copy lives until arena_free(a).
 */
char *arena_dup(arena *a, const char *s, size_t n);

/**
 * Free every piece of the arena and leave it empty, ready for reuse.
 * @param[in,out] a  an arena; one never allocated from is fine.
 */
void arena_free(arena *a);

#endif
