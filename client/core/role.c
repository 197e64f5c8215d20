/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * role.c — the roles a key is enrolled with (role.h).
 */
#include "role.h"

#include <stdio.h>

#include "labels.h"
#include "text.h"

struct role_info {
    const char *name;
};

/* The names of the roles, by value; the Chinese labels come from labels.h. */
static const struct role_info roles_tab[] = {
    [LIUHEN__ROLE__ROLE_ADMIN] = {"admin"},
    [LIUHEN__ROLE__ROLE_HANDLER] = {"handler"},
    [LIUHEN__ROLE__ROLE_LEGAL] = {"legal"},
    [LIUHEN__ROLE__ROLE_LEADER] = {"leader"},
    [LIUHEN__ROLE__ROLE_INVESTIGATOR] = {"investigator"},
    [LIUHEN__ROLE__ROLE_PRINCIPAL] = {"principal"},
};

#define N_ROLES (sizeof roles_tab / sizeof roles_tab[0])

static const struct role_info *role_info(int role)
{
    if (role <= 0 || (size_t)role >= N_ROLES || roles_tab[role].name == NULL)
        return NULL;
    return &roles_tab[role];
}

const char *role_name(Liuhen__Role role)
{
    const struct role_info *r = role_info((int)role);
    if (r != NULL)
        return r->name;
    return role == LIUHEN__ROLE__ROLE_UNSPECIFIED ? "unspecified" : "unknown";
}

const char *role_label_zh(Liuhen__Role role)
{
    const char *label = role_info((int)role) != NULL
                            ? labels_enum_value(&liuhen__role__descriptor, (int)role)
                            : NULL;
    if (label != NULL)
        return label;
    return role == LIUHEN__ROLE__ROLE_UNSPECIFIED ? "未指明角色" : "未知角色";
}

Liuhen__Role role_from_name(const char *name)
{
    if (name == NULL)
        return LIUHEN__ROLE__ROLE_UNSPECIFIED;
    for (size_t r = 1; r < N_ROLES; r++) {
        if (roles_tab[r].name != NULL && text_enum_name_is(name, "ROLE_", roles_tab[r].name))
            return (Liuhen__Role)r;
    }
    return LIUHEN__ROLE__ROLE_UNSPECIFIED;
}

const char *role_text(uint32_t roles, bool zh, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t r = 1; r < N_ROLES; r++) {
        if ((roles & ROLE_BIT(r)) == 0 || roles_tab[r].name == NULL)
            continue;
        const char *name = zh ? role_label_zh((Liuhen__Role)r) : roles_tab[r].name;
        int n = snprintf(out + len, cap - len, "%s%s", len > 0 ? (zh ? "、" : ",") : "", name);
        if (n < 0 || (size_t)n >= cap - len) {
            out[len] = '\0';
            break;
        }
        len += (size_t)n;
    }
    if (len == 0)
        snprintf(out, cap, "%s", zh ? "无" : "none");
    return out;
}

uint32_t role_mask(const Liuhen__Role *roles, size_t n)
{
    uint32_t mask = 0;
    for (size_t i = 0; i < n; i++) {
        if (role_info((int)roles[i]) != NULL)
            mask |= ROLE_BIT(roles[i]);
    }
    return mask;
}
