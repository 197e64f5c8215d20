/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * connlimit.c — the admission decision of connlimit.h.
 */
#include "connlimit.h"

#include <stdlib.h>

#include "errors.h"
#include "grow.h"

void connlimit_policy_init(connlimit_policy *p, unsigned max_total, unsigned max_per_user)
{
    if (max_total == 0)
        max_total = 1;
    p->max_total = max_total;
    p->reserved = CONNLIMIT_DEFAULT_RESERVED;
    if (p->reserved > max_total / 4)
        p->reserved = max_total / 4;
    unsigned open_to_users = max_total - p->reserved;
    if (max_per_user == 0)
        max_per_user = max_total / 4 > 0 ? max_total / 4 : 1;
    if (max_per_user > open_to_users)
        max_per_user = open_to_users;
    p->max_per_user = max_per_user;
}

enum connlimit_verdict connlimit_decide(const connlimit_policy *p, unsigned open,
                                        unsigned open_user, bool admin, unsigned *limit)
{
    /* The administrators' reserve is the top of the total: a user is
     * refused once only the reserve is left. */
    unsigned total = admin ? p->max_total : p->max_total - p->reserved;
    if (open >= total) {
        if (limit != NULL)
            *limit = total;
        return CONNLIMIT_FULL;
    }
    if (!admin && open_user >= p->max_per_user) {
        if (limit != NULL)
            *limit = p->max_per_user;
        return CONNLIMIT_USER;
    }
    return CONNLIMIT_ADMIT;
}

static struct connlimit_user *users_find(const connlimit_users *u, uid_t uid)
{
    for (size_t i = 0; i < u->n; i++)
        if (u->v[i].uid == uid)
            return &u->v[i];
    return NULL;
}

unsigned connlimit_users_count(const connlimit_users *u, uid_t uid)
{
    const struct connlimit_user *e = users_find(u, uid);
    return e != NULL ? e->open : 0;
}

int connlimit_users_add(connlimit_users *u, uid_t uid)
{
    struct connlimit_user *e = users_find(u, uid);
    if (e != NULL) {
        e->open++;
        return 0;
    }
    if (grow_room(&u->v, &u->cap, u->n + 1, sizeof *u->v, 8, 0) != 0)
        return LH_ENOMEM;
    u->v[u->n++] = (struct connlimit_user){.uid = uid, .open = 1};
    return 0;
}

void connlimit_users_remove(connlimit_users *u, uid_t uid)
{
    struct connlimit_user *e = users_find(u, uid);
    if (e == NULL)
        return;
    if (--e->open == 0)
        *e = u->v[--u->n];
}

void connlimit_users_free(connlimit_users *u)
{
    free(u->v);
    u->v = NULL;
    u->n = u->cap = 0;
}
