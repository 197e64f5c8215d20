/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * kind.h — the kinds of records (liuhen.proto's Kind), as data: each
 * kind's name, its Chinese label, the body it carries, whether it belongs
 * to a case and may open one, and which roles may append it
 * (docs/design.md "Kinds and roles"). The daemon's acceptance rules, the
 * validation of entries, the CLI and the verifier all read this one table.
 *
 * Every function reads constant tables: thread-safe, no allocation.
 */
#ifndef LIUHEN_KIND_H
#define LIUHEN_KIND_H

#include <stdbool.h>
#include <stdint.h>

#include "liuhen.pb-c.h"
#include "role.h"

/**
 * The kind's name without its prefix: "INTERFERENCE", "KEY_ENROLL".
 * @return a static string, never NULL: "UNSPECIFIED" for KIND_UNSPECIFIED,
 *         "UNKNOWN" for a value liuhen.proto does not define.
 */
const char *kind_name(Liuhen__Kind kind);

/**
 * The kind's label for users, as proto/liuhen.proto's comment gives it
 * (labels.h): "干预插手记录", "处理决定".
 * @return a static UTF-8 string, never NULL ("未知类型" for an undefined kind).
 */
const char *kind_label_zh(Liuhen__Kind kind);

/**
 * The kind a name designates, ignoring case, '-' standing for '_', with or
 * without the "KIND_" prefix: "interference", "investigation-step",
 * "INVESTIGATION_STEP", "KIND_DECISION".
 * @return the kind; LIUHEN__KIND__KIND_UNSPECIFIED when none matches (or
 *         name is NULL).
 */
Liuhen__Kind kind_from_name(const char *name);

/**
 * Whether an entry of this kind may be the first of its case
 * (INTERFERENCE, GUIDANCE, COMPLAINT). The other case kinds must name the
 * case's head in case_prev.
 */
bool kind_opens_case(Liuhen__Kind kind);

/** Whether an entry of this kind belongs to a case: all but key management. */
bool kind_in_case(Liuhen__Kind kind);

/**
 * The member of Entry's body oneof that an entry of this kind carries;
 * LIUHEN__ENTRY__BODY__NOT_SET for KIND_UNSPECIFIED and undefined kinds.
 */
Liuhen__Entry__BodyCase kind_body(Liuhen__Kind kind);

/**
 * Whether a key enrolled with these roles may append an entry of this kind
 * (the table of docs/design.md "Kinds and roles", held as data in kind.c).
 * @param[in] roles  ROLE_BIT()s of the key's roles (role_mask());
 *                   0 for a key that is not enrolled, which may append
 *                   nothing. The first entry of a log, the KEY_ENROLL
 *                   signed by the log's own key, is the caller's exception.
 * @param[in] corrects_own_entry  for CORRECTION only, which "the original
 *                   author" may append: whether the entry named by
 *                   `corrects` has the same author_key. Only the caller can
 *                   tell (it needs the store or the export); pass true to
 *                   check the role alone, e.g. when R11 reports the rest.
 *                   Ignored for the other kinds.
 * @return false also for KIND_UNSPECIFIED and undefined kinds.
 */
bool kind_allowed(Liuhen__Kind kind, uint32_t roles, bool corrects_own_entry);

#endif
