/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * heads.c — the remembered chain heads of heads.h: two arrays, one per
 * kind of chain, indexed by key and by case id (idtable.h).
 */
#include "heads.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "idtable.h"

typedef struct author_head {
    uint8_t key[LH_HASH_SIZE];
    uint64_t seq;
    uint8_t id[LH_HASH_SIZE];
    bool known;
} author_head;

typedef struct case_head {
    char *case_id; /* owned */
    uint64_t length;
    uint8_t id[LH_HASH_SIZE];
    bool known;
} case_head;

struct heads {
    author_head *authors;
    size_t nauthors, capauthors;
    idtable author_idx;
    case_head *cases;
    size_t ncases, capcases;
    idtable case_idx;
};

static bool author_matches(const void *ctx, uint32_t id, const void *key)
{
    const author_head *a = ctx;
    return memcmp(a[id].key, key, LH_HASH_SIZE) == 0;
}

static bool case_matches(const void *ctx, uint32_t id, const void *key)
{
    const case_head *c = ctx;
    return strcmp(c[id].case_id, key) == 0;
}

static author_head *find_author(const heads *m, const uint8_t key[LH_HASH_SIZE])
{
    uint32_t id = idtable_find(&m->author_idx, idtable_hash(&m->author_idx, key, LH_HASH_SIZE),
                               author_matches, m->authors, key);
    return id == IDTABLE_NONE ? NULL : &m->authors[id];
}

static case_head *find_case(const heads *m, const char *case_id)
{
    uint32_t id = idtable_find(&m->case_idx, idtable_hash(&m->case_idx, case_id, strlen(case_id)),
                               case_matches, m->cases, case_id);
    return id == IDTABLE_NONE ? NULL : &m->cases[id];
}

int heads_new(heads **out)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return LH_ENOMEM;
    heads *m = *out;
    idtable_init(&m->author_idx);
    idtable_init(&m->case_idx);
    return 0;
}

static void clear_cases(heads *m)
{
    for (size_t i = 0; i < m->ncases; i++)
        free(m->cases[i].case_id);
    m->ncases = 0;
    idtable_clear(&m->case_idx);
}

void heads_free(heads *m)
{
    if (m == NULL)
        return;
    clear_cases(m);
    free(m->authors);
    free(m->cases);
    idtable_free(&m->author_idx);
    idtable_free(&m->case_idx);
    free(m);
}

static bool has_case(const char *case_id)
{
    return case_id != NULL && case_id[0] != '\0';
}

bool heads_get(const heads *m, const uint8_t key[LH_HASH_SIZE], const char *case_id, lh_heads *out)
{
    memset(out, 0, sizeof *out);
    const author_head *a = find_author(m, key);
    if (a == NULL || !a->known)
        return false;
    out->author_seq = a->seq;
    out->has_author_head = a->seq > 0;
    memcpy(out->author_head, a->id, LH_HASH_SIZE);
    if (!has_case(case_id))
        return true;
    const case_head *c = find_case(m, case_id);
    if (c == NULL || !c->known)
        return false;
    out->case_length = c->length;
    out->has_case_head = c->length > 0;
    memcpy(out->case_head, c->id, LH_HASH_SIZE);
    return true;
}

static author_head *add_author(heads *m, const uint8_t key[LH_HASH_SIZE])
{
    if (m->nauthors == HEADS_MAX) {
        m->nauthors = 0;
        idtable_clear(&m->author_idx);
    }
    if (grow_room(&m->authors, &m->capauthors, m->nauthors + 1, sizeof *m->authors, 16,
                  HEADS_MAX) != 0)
        return NULL;
    uint64_t h = idtable_hash(&m->author_idx, key, LH_HASH_SIZE);
    if (idtable_add(&m->author_idx, h, (uint32_t)m->nauthors) != 0)
        return NULL;
    author_head *a = &m->authors[m->nauthors++];
    memcpy(a->key, key, LH_HASH_SIZE);
    return a;
}

static case_head *add_case(heads *m, const char *case_id)
{
    if (m->ncases == HEADS_MAX)
        clear_cases(m);
    if (grow_room(&m->cases, &m->capcases, m->ncases + 1, sizeof *m->cases, 16, HEADS_MAX) != 0)
        return NULL;
    char *copy = strdup(case_id);
    if (copy == NULL)
        return NULL;
    uint64_t h = idtable_hash(&m->case_idx, case_id, strlen(case_id));
    if (idtable_add(&m->case_idx, h, (uint32_t)m->ncases) != 0) {
        free(copy);
        return NULL;
    }
    case_head *c = &m->cases[m->ncases++];
    c->case_id = copy;
    return c;
}

void heads_put(heads *m, const uint8_t key[LH_HASH_SIZE], const char *case_id, const lh_heads *h)
{
    author_head *a = find_author(m, key);
    if (a == NULL)
        a = add_author(m, key);
    if (a != NULL) {
        a->known = true;
        a->seq = h->author_seq;
        memcpy(a->id, h->author_head, LH_HASH_SIZE);
    }
    if (!has_case(case_id))
        return;
    case_head *c = find_case(m, case_id);
    if (c == NULL)
        c = add_case(m, case_id);
    if (c != NULL) {
        c->known = true;
        c->length = h->case_length;
        memcpy(c->id, h->case_head, LH_HASH_SIZE);
    }
}

void heads_forget(heads *m, const uint8_t key[LH_HASH_SIZE], const char *case_id)
{
    author_head *a = find_author(m, key);
    if (a != NULL)
        a->known = false;
    if (has_case(case_id)) {
        case_head *c = find_case(m, case_id);
        if (c != NULL)
            c->known = false;
    }
}
