/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * rules_table.h — a table of fixed-size records under byte-string keys, for
 * the rules that follow people and records through a log (rules_people.h,
 * rules_interference.h).
 *
 * Keys are copied into the table's arena; lookups go through an idtable
 * (SipHash under a random key), so keys crafted to collide cannot make a
 * lookup slow. Each record starts with its rtable_key.
 *
 * A record's address is valid until the next rtable_get() that adds one
 * (the records are one growing array); keep numbers (rtable_no()), not
 * pointers, across additions.
 *
 * Thread safety: none; one table per thread.
 */
#ifndef LIUHEN_VERIFY_RULES_TABLE_H
#define LIUHEN_VERIFY_RULES_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "idtable.h"

/** The key of a record: the first member of every record type. */
typedef struct rtable_key {
    const uint8_t *bytes; /* in the table's arena */
    uint32_t len;
} rtable_key;

typedef struct rtable {
    arena keys;
    void *items;
    size_t size, len, cap;
    idtable map;
} rtable;

/** An empty table of records of `size` bytes (at least sizeof(rtable_key)). */
void rtable_init(rtable *t, size_t size);

/** Free the table's memory. */
void rtable_free(rtable *t);

/** The record under the key; NULL when there is none. */
void *rtable_find(const rtable *t, const void *key, size_t len);

/**
 * The record under the key, added (zeroed but for its key) when there is
 * none; *added says which (may be NULL).
 * @return NULL when memory runs out.
 */
void *rtable_get(rtable *t, const void *key, size_t len, bool *added);

/** How many records; record i (0 <= i < rtable_len()), in the order added. */
size_t rtable_len(const rtable *t);
void *rtable_at(const rtable *t, size_t i);

#endif
