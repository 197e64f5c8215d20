/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * role.h — the roles a key is enrolled with (liuhen.proto's Role): their
 * names, their Chinese labels, and role masks, the form in which a key's
 * roles are kept and compared with what a kind allows (kind.h).
 *
 * Every function reads constant tables: thread-safe, no allocation.
 */
#ifndef LIUHEN_ROLE_H
#define LIUHEN_ROLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liuhen.pb-c.h"

/** The bit of a role in a roles mask. */
#define ROLE_BIT(role) (UINT32_C(1) << (unsigned)(role))
/** Every role: the mask of "any enrolled key". */
#define ROLE_ALL                                                                                   \
    (ROLE_BIT(LIUHEN__ROLE__ROLE_ADMIN) | ROLE_BIT(LIUHEN__ROLE__ROLE_HANDLER) |                   \
     ROLE_BIT(LIUHEN__ROLE__ROLE_LEGAL) | ROLE_BIT(LIUHEN__ROLE__ROLE_LEADER) |                    \
     ROLE_BIT(LIUHEN__ROLE__ROLE_INVESTIGATOR) | ROLE_BIT(LIUHEN__ROLE__ROLE_PRINCIPAL))

/**
 * The role's name: "admin", "handler", "legal", "leader", "investigator",
 * "principal".
 * @return a static string, never NULL ("unspecified", "unknown").
 */
const char *role_name(Liuhen__Role role);

/**
 * The role's label for users, as proto/liuhen.proto's comment gives it
 * (labels.h): 系统管理员, 办案人员, 法规部门, 局领导, 调查组成员.
 * @return a static UTF-8 string, never NULL ("未知角色" for an undefined role).
 */
const char *role_label_zh(Liuhen__Role role);

/**
 * The role a name designates, ignoring case, with or without the "ROLE_"
 * prefix: "handler", "LEGAL", "ROLE_LEADER".
 * @return the role; LIUHEN__ROLE__ROLE_UNSPECIFIED when none matches.
 */
Liuhen__Role role_from_name(const char *name);

/**
 * The mask of the defined roles among roles[0..n) (a KeyEnroll's roles);
 * ROLE_UNSPECIFIED and undefined values add nothing.
 */
uint32_t role_mask(const Liuhen__Role *roles, size_t n);

/**
 * The roles of a mask as text: by name, "handler,legal", or by label,
 * "办案人员、法规部门"; "none" or "无" for none.
 * @param[out] out  cap bytes, NUL-terminated, cut at a whole role.
 * @return out.
 */
const char *role_text(uint32_t roles, bool zh, char *out, size_t cap);

#endif
