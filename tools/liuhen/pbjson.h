/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * pbjson.h — JSON <-> protobuf for every liuhen message, driven only by the
 * protobuf-c descriptors: one generic mapping, no code per record kind. The
 * CLI reads records to append as JSON and the verifier and `liuhen get`
 * print them as JSON (docs/design.md "Where the code lives": jansson for JSON input and
 * output). (The module is pbjson_, not json_: jansson owns that prefix.)
 *
 * The mapping (close to proto3's canonical JSON, but with the .proto names):
 *
 *   proto                          JSON
 *   message                        object; keys are the .proto field names
 *                                  (snake_case), in field number order
 *   int32, uint32, sint32,         integer
 *   (s)fixed32
 *   int64, sint64, sfixed64        integer; read also from a decimal string
 *   uint64, fixed64                integer, or a decimal string above
 *                                  INT64_MAX; read also from a decimal string
 *   bool                           true, false
 *   double, float                  number; "NaN", "Infinity", "-Infinity"
 *   string                         string (UTF-8)
 *   bytes                          string, standard base64 with padding
 *                                  (RFC 4648 §4)
 *   enum                           the value's full name ("MANNER_PHONE");
 *                                  read leniently (pbjson_find_enum_value(),
 *                                  pbjson_enum.h) or as the number of a
 *                                  defined value
 *   repeated                       array
 *   oneof                          the member that is set, by its own name
 *
 * Written output omits fields at their proto3 default (0, false, "", empty
 * bytes, empty repeated, enum value 0, absent message) unless
 * PBJSON_EMIT_DEFAULTS; a oneof member that is set is always written, even
 * at its default, because its presence is information. Input is strict:
 * unknown fields, wrong JSON types, out-of-range numbers and two members of
 * one oneof are refused with a sentence naming the field's dotted path
 * ("interference.present[1].name"). null stands for "not set".
 *
 * Thread safety: none of these functions keeps state; they may be called
 * from any thread on distinct messages.
 */
#ifndef LIUHEN_PBJSON_H
#define LIUHEN_PBJSON_H

#include <stddef.h>

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

#include "errors.h"

/** Write fields at their default too (see pbjson_from_message()). */
#define PBJSON_EMIT_DEFAULTS (1u << 0)
/** pbjson_dump(): indent by two spaces, one member per line. */
#define PBJSON_PRETTY (1u << 1)

/**
 * The deepest nesting of messages, the outermost one included, that is read
 * or written. liuhen's schema nests four deep (Entry, Decision,
 * ResponsiblePerson, Person); the bound keeps hostile input (or a cyclic
 * message built in memory) from exhausting the stack.
 */
#define PBJSON_MAX_DEPTH 32

/**
 * Convert a message to a JSON object.
 *
 * Set fields are written, in field number order, as the table at the top of
 * this file says. Fields at their proto3 default are left out, unless flags
 * has PBJSON_EMIT_DEFAULTS: then every field that is not a oneof member is
 * written, scalars with their zero value ("MANNER_UNSPECIFIED", 0, "", ""),
 * repeated fields as [] and absent messages (or absent proto2 optional
 * fields) as null. Unset oneof members are never written, so the output is
 * always valid input for pbjson_to_message(), which reads it back to a
 * message that packs to the same bytes.
 *
 * An enum number that the descriptor does not define (a newer peer's value)
 * is written as a JSON integer; pbjson_to_message() refuses it.
 *
 * @param[in]  msg    the message; not modified.
 * @param[in]  flags  0 or PBJSON_EMIT_DEFAULTS (other bits are ignored).
 * @param[out] out    the new object, NULL on error.
 * @return 0,
 *         LH_EINVAL (msg or out NULL, or a repeated message holding NULL),
 *         LH_EUTF8 (a string field is not valid UTF-8: JSON cannot carry it),
 *         LH_ETOOBIG (nested deeper than PBJSON_MAX_DEPTH),
 *         LH_ENOMEM.
 * @note The caller owns *out and releases it with json_decref(). Unknown
 *       fields kept by protobuf_c_message_unpack() are not written.
 */
int pbjson_from_message(const ProtobufCMessage *msg, unsigned flags, json_t **out);

/**
 * Build a message of type desc from a JSON object.
 *
 * Keys must be field names of the message; values must have the JSON type
 * the table at the top of this file gives. Integers must be exact and in
 * range for their field (1e3 and 5.0 are read as integers, 1.5 is refused);
 * strings must be UTF-8 without NUL; bytes must be strict, canonical base64;
 * enum values are read as pbjson_find_enum_value() (pbjson_enum.h) does, or
 * as the number of a defined value. null for a field, or for a oneof
 * member, means "not set".
 *
 * @param[in]  desc  the message type (e.g. &liuhen__entry__descriptor).
 * @param[in]  in    a JSON object; not modified.
 * @param[out] out   the new message, NULL on error.
 * @param[out] err   optional: on error, a sentence naming the field's dotted
 *                   path and what it accepts, e.g. "unknown field
 *                   'interference.persn' (known: occurred_at, place, ...)".
 * @return 0,
 *         LH_EINVAL (desc, in or out NULL),
 *         LH_EUNKNOWNFIELD (a key that is not a field of its message),
 *         LH_EFIELD (a value of the wrong JSON type, out of range, with a
 *         fraction, not UTF-8, not base64, an undefined enum value, null in
 *         an array, or two members of one oneof),
 *         LH_ETOOBIG (messages nested deeper than PBJSON_MAX_DEPTH),
 *         LH_ENOMEM.
 * @note The caller owns *out and frees it with
 *       protobuf_c_message_free_unpacked(*out, NULL): every string, bytes,
 *       array and submessage is allocated with malloc(), as protobuf-c's
 *       default allocator does. On error nothing is allocated.
 */
int pbjson_to_message(const ProtobufCMessageDescriptor *desc, const json_t *in,
                      ProtobufCMessage **out, lh_err *err);

/**
 * Parse JSON text into a message: pbjson_to_message() over json_loadb(),
 * which refuses duplicate keys, trailing text, NUL in strings and invalid
 * UTF-8.
 *
 * @param[in]  desc  the message type.
 * @param[in]  text  JSON text, not necessarily NUL-terminated.
 * @param[in]  len   bytes of text.
 * @param[out] out   the new message, NULL on error.
 * @param[out] err   optional detail; for malformed text it gives jansson's
 *                   line and column ("JSON text line 3 column 12: ...").
 * @return 0, LH_EJSON (malformed JSON text, a duplicate key, or nesting
 *         beyond jansson's own bound), or any code of pbjson_to_message().
 * @note *out as for pbjson_to_message().
 */
int pbjson_parse(const ProtobufCMessageDescriptor *desc, const char *text, size_t len,
                 ProtobufCMessage **out, lh_err *err);

/**
 * Write a message as JSON text (pbjson_from_message() then json_dumps()),
 * members in field number order, compact, or indented by two spaces with
 * PBJSON_PRETTY. There is no trailing newline.
 *
 * @param[in]  msg    the message.
 * @param[in]  flags  PBJSON_EMIT_DEFAULTS and/or PBJSON_PRETTY.
 * @param[out] text   the NUL-terminated text, NULL on error.
 * @return any code of pbjson_from_message().
 * @note The caller frees *text with free().
 */
int pbjson_dump(const ProtobufCMessage *msg, unsigned flags, char **text);

/**
 * Replace the value of one field of an existing message with the value read
 * from JSON, by the rules of pbjson_to_message(). This is the building block
 * of a `--set dotted.path=value` option: the caller walks the path with
 * protobuf_c_message_descriptor_get_field_by_name(), creating absent
 * submessages with this same function and an empty object ({}).
 *
 * Setting a oneof member frees and unsets the member that was set before;
 * setting a repeated field replaces the whole array; null (or a NULL value)
 * clears the field back to its default.
 *
 * @param[in,out] msg    a message whose memory was allocated as
 *                       pbjson_to_message() or protobuf_c_message_unpack()
 *                       with the default allocator allocate it.
 * @param[in]     field  one of msg->descriptor->fields.
 * @param[in]     value  the new value, or NULL or null to clear the field.
 * @param[in]     path   the field's dotted path for error messages (NULL:
 *                       the field's name).
 * @param[out]    err    optional detail, as for pbjson_to_message().
 * @return 0, LH_EINVAL (msg or field NULL, or field not of msg's type), or any
 *         code of pbjson_to_message(). On error msg is unchanged.
 */
int pbjson_set_field(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *field,
                     const json_t *value, const char *path, lh_err *err);

#endif
