/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * pbjson_enum.h — the names of enum values as people type them and a CLI
 * shows them: the full name ("MANNER_THIRD_PARTY") or the short one, the
 * name without the prefix all the enum's names share ("third-party"). JSON
 * input reads enum values by these rules (pbjson.h), `--set` does
 * (record_set.h), and the text output shows the short names (render.h).
 *
 * Everything is read from the protobuf-c enum descriptor, so a value added
 * to liuhen.proto is named without a change here. Matching folds ASCII case
 * by hand, never through the locale.
 *
 * Thread safety: no state; any thread.
 */
#ifndef LIUHEN_PBJSON_ENUM_H
#define LIUHEN_PBJSON_ENUM_H

#include <stdbool.h>
#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

#include "errors.h"

/**
 * Look up an enum value by name, leniently, for people typing at a CLI: the
 * full name ("MANNER_THIRD_PARTY") or the name without the prefix all the
 * enum's names share ("THIRD_PARTY"), in any ASCII case, with '-' standing
 * for '_' ("third-party", "Phone"). Full names win over short ones should
 * an enum make them collide.
 *
 * @param[in]  e      the enum type (e.g. &liuhen__manner__descriptor).
 * @param[in]  name   NUL-terminated name.
 * @param[out] value  the value's number.
 * @return 0, LH_ENOTFOUND (no value of e has that name), LH_EINVAL (NULL
 *         argument).
 */
int pbjson_find_enum_value(const ProtobufCEnumDescriptor *e, const char *name, int *value);

/**
 * pbjson_find_enum_value() on a name of len bytes that need not be
 * NUL-terminated and may hold a NUL (a JSON string), which then names no
 * value.
 * @param[in] e     the enum type; not NULL.
 * @param[in] name  len bytes.
 * @return the value, one of e's (pointing into e); NULL when none has that
 *         name.
 */
const ProtobufCEnumValue *pbjson_enum_lookup(const ProtobufCEnumDescriptor *e, const char *name,
                                             size_t len);

/**
 * The short, lower-case name of an enum value, as a CLI shows it: the name
 * without the enum's common prefix, lower-cased, '_' written '-'
 * ("third-party" for MANNER_THIRD_PARTY). pbjson_find_enum_value() reads it
 * back.
 *
 * The enum descriptor is needed, not only the value: the prefix is the part
 * of the name that all values of the enum share ("INTERFERENCE_CATEGORY_",
 * not just the first word).
 *
 * @param[in]  e    the enum type.
 * @param[in]  v    a value of e (e.g. &e->values[i], or the result of
 *                  protobuf_c_enum_descriptor_get_value()).
 * @param[out] buf  room for cap bytes; a NUL-terminated name on success, ""
 *                  on error. cap > strlen(v->name) always suffices.
 * @return 0, LH_ELENGTH (cap too small), LH_EINVAL (NULL argument).
 */
int pbjson_enum_short_name(const ProtobufCEnumDescriptor *e, const ProtobufCEnumValue *v, char *buf,
                           size_t cap);

/**
 * The length of the prefix that every name of e shares, whole words only
 * ("INTERFERENCE_CATEGORY_" for INTERFERENCE_CATEGORY_OTHER and
 * INTERFERENCE_CATEGORY_PRIVATE_MEETING); 0 when there is none or when
 * taking it away would leave some name empty, and then the short names are
 * the full names in lower case.
 * @param[in] e  the enum type; not NULL.
 */
size_t pbjson_enum_prefix_len(const ProtobufCEnumDescriptor *e);

/**
 * The short names of e's values, in the order of e->values, separated by
 * ", ", for an error message that says what is accepted: "oral, phone,
 * written, ...".
 * @param[in]  e          the enum type; not NULL.
 * @param[in]  skip_zero  leave out value 0 (the "not stated" value of a
 *                        proto3 enum, which leaving the field out means).
 * @param[out] buf        cap bytes (cap > 0), NUL-terminated; a list longer
 *                        than cap - 1 bytes is cut.
 */
void pbjson_enum_list(const ProtobufCEnumDescriptor *e, bool skip_zero, char *buf, size_t cap);

#endif
