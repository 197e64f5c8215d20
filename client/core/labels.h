/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * labels.h — the Chinese labels of liuhen.proto's enum values and fields,
 * for people (docs/regulation.md: "labels for users should be shown in Chinese").
 *
 * The labels are not written here: proto/labels.awk takes them from the
 * comments of proto/liuhen.proto at build time (`MANNER_PHONE = 2;  // B§5
 * 电话` gives "电话" and the article "B§5"), so the schema is the one source
 * of the terms. An enum value or field whose comment holds no Chinese term
 * has no label: callers fall back to its short name
 * (pbjson_enum_short_name()) or its field name.
 *
 * Names are the protobuf full names of the descriptors ("liuhen.Manner",
 * ProtobufCEnumDescriptor.name) and the names of values and fields as the
 * .proto writes them ("MANNER_PHONE", "place").
 *
 * Every function reads constant tables: thread-safe, no allocation; the
 * strings returned are static UTF-8 and live for the whole program.
 */
#ifndef LIUHEN_LABELS_H
#define LIUHEN_LABELS_H

#include <protobuf-c/protobuf-c.h>

/**
 * The label of an enum value: labels_enum("liuhen.Manner", "MANNER_PHONE")
 * is "电话".
 * @param[in] enum_name   the enum's full name; NULL gives NULL.
 * @param[in] value_name  the value's name; NULL gives NULL.
 * @return a static string, or NULL when the value has no label.
 */
const char *labels_enum(const char *enum_name, const char *value_name);

/**
 * The articles of the regulations an enum value comes from, as its comment
 * cites them: "B§5", "A§10(3), B§11".
 * @return a static string, or NULL when the value has no label or cites no
 *         article.
 */
const char *labels_enum_article(const char *enum_name, const char *value_name);

/**
 * The label of a message's field: labels_field("liuhen.Interference",
 * "place") is "地点".
 * @param[in] message_name  the message's full name; NULL gives NULL.
 * @param[in] field_name    the field's name; NULL gives NULL.
 * @return a static string, or NULL when the field has no label.
 */
const char *labels_field(const char *message_name, const char *field_name);

/**
 * The articles a field's comment cites ("B§3" for Interference.place).
 * @return a static string, or NULL when the field has no label or cites no
 *         article.
 */
const char *labels_field_article(const char *message_name, const char *field_name);

/**
 * The label of an enum value given by its descriptor and number, the form
 * in which a decoded message holds it.
 * @param[in] e      the enum type; NULL gives NULL.
 * @param[in] value  the number; one the enum does not define gives NULL.
 * @return a static string, or NULL.
 */
const char *labels_enum_value(const ProtobufCEnumDescriptor *e, int value);

#endif
