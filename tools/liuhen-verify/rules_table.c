/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * rules_table.c — a table of fixed-size records under byte-string keys
 * (rules_table.h).
 */
#include "rules_table.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"

/* Keys longer than this are cut: every key the rules make is far shorter
 * (entry ids, public keys, case ids and names as validated entries carry
 * them), and a cut key still finds its record. */
#define KEY_MAX 2048

#define ITEM(t, i) ((void *)((char *)(t)->items + (i) * (t)->size))

void rtable_init(rtable *t, size_t size)
{
    memset(t, 0, sizeof *t);
    t->size = size < sizeof(rtable_key) ? sizeof(rtable_key) : size;
    idtable_init(&t->map);
}

void rtable_free(rtable *t)
{
    arena_free(&t->keys);
    free(t->items);
    idtable_free(&t->map);
    memset(t, 0, sizeof *t);
}

typedef struct probe {
    const void *key;
    size_t len;
} probe;

static bool match(const void *ctx, uint32_t no, const void *arg)
{
    const rtable *t = ctx;
    const probe *p = arg;
    const rtable_key *k = ITEM(t, no);
    return k->len == p->len && memcmp(k->bytes, p->key, p->len) == 0;
}

void *rtable_find(const rtable *t, const void *key, size_t len)
{
    if (len > KEY_MAX)
        len = KEY_MAX;
    probe p = {key, len};
    uint32_t no = idtable_find(&t->map, idtable_hash(&t->map, key, len), match, t, &p);
    return no == IDTABLE_NONE ? NULL : ITEM(t, no);
}

void *rtable_get(rtable *t, const void *key, size_t len, bool *added)
{
    if (added != NULL)
        *added = false;
    if (len > KEY_MAX)
        len = KEY_MAX;
    void *found = rtable_find(t, key, len);
    if (found != NULL)
        return found;
    if (t->len >= IDTABLE_NONE - 1)
        return NULL;
    if (grow_room(&t->items, &t->cap, t->len + 1, t->size, 16, 0) != 0)
        return NULL;
    const uint8_t *copy = (const uint8_t *)arena_dup(&t->keys, key, len);
    if (copy == NULL)
        return NULL;
    uint32_t no = (uint32_t)t->len;
    if (idtable_add(&t->map, idtable_hash(&t->map, key, len), no) != 0)
        return NULL;
    t->len++;
    void *item = ITEM(t, no);
    memset(item, 0, t->size);
    *(rtable_key *)item = (rtable_key){copy, (uint32_t)len};
    if (added != NULL)
        *added = true;
    return item;
}

size_t rtable_len(const rtable *t)
{
    return t->len;
}

void *rtable_at(const rtable *t, size_t i)
{
    return ITEM(t, i);
}
