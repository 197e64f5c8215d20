/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * idtable.c — the hash table of idtable.h.
 */
#include "idtable.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

_Static_assert(sizeof(((idtable *)0)->key) == crypto_shorthash_KEYBYTES, "SipHash key size");

struct idtable_slot {
    uint64_t hash;
    uint32_t id; /* IDTABLE_NONE: empty */
};

void idtable_init(idtable *t)
{
    memset(t, 0, sizeof *t);
    crypto_shorthash_keygen(t->key);
}

void idtable_free(idtable *t)
{
    free(t->slot);
    t->slot = NULL;
    t->cap = 0;
    t->n = 0;
}

void idtable_clear(idtable *t)
{
    for (size_t i = 0; i < t->cap; i++)
        t->slot[i].id = IDTABLE_NONE;
    t->n = 0;
}

uint64_t idtable_hash(const idtable *t, const void *key, size_t len)
{
    uint8_t out[crypto_shorthash_BYTES];
    crypto_shorthash(out, key, len, t->key);
    uint64_t h;
    memcpy(&h, out, sizeof h);
    return h;
}

uint32_t idtable_find(const idtable *t, uint64_t h, idtable_match_fn match, const void *ctx,
                      const void *key)
{
    if (t->cap == 0)
        return IDTABLE_NONE;
    size_t mask = t->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        const idtable_slot *s = &t->slot[i];
        if (s->id == IDTABLE_NONE)
            return IDTABLE_NONE;
        if (s->hash == h && match(ctx, s->id, key))
            return s->id;
    }
}

static void put_slot(idtable_slot *slots, size_t cap, uint64_t h, uint32_t id)
{
    size_t mask = cap - 1;
    size_t i = (size_t)h & mask;
    while (slots[i].id != IDTABLE_NONE)
        i = (i + 1) & mask;
    slots[i].hash = h;
    slots[i].id = id;
}

int idtable_reserve(idtable *t, size_t count)
{
    if (count <= t->cap / 2)
        return 0;
    size_t cap = t->cap == 0 ? 16 : t->cap;
    while (count > cap / 2) {
        if (cap > SIZE_MAX / 2 / sizeof(idtable_slot))
            return LH_ENOMEM;
        cap *= 2;
    }
    idtable_slot *slots = malloc(cap * sizeof *slots);
    if (slots == NULL)
        return LH_ENOMEM;
    for (size_t i = 0; i < cap; i++)
        slots[i].id = IDTABLE_NONE;
    for (size_t i = 0; i < t->cap; i++) {
        if (t->slot[i].id != IDTABLE_NONE)
            put_slot(slots, cap, t->slot[i].hash, t->slot[i].id);
    }
    free(t->slot);
    t->slot = slots;
    t->cap = cap;
    return 0;
}

void idtable_insert(idtable *t, uint64_t h, uint32_t id)
{
    put_slot(t->slot, t->cap, h, id);
    t->n++;
}

int idtable_add(idtable *t, uint64_t h, uint32_t id)
{
    int rc = idtable_reserve(t, t->n + 1);
    if (rc == 0)
        idtable_insert(t, h, id);
    return rc;
}
