/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * pbfield.h — a field of a protobuf-c message, reached through its
 * ProtobufCFieldDescriptor as protobuf-c lays out generated structs: where
 * its value lives, how large one value is, whether it is present, and how
 * what it owns is freed. The record check (required.c) reads fields by
 * path with it, the CLI's JSON mapping (pbjson) reads and writes messages
 * with it, and `liuhen show` (render.c) and the verifier's case file
 * (casefile.c) walk them, so that no code is written per message type and
 * the layout is known in one place. Pure: protobuf-c and libc only.
 *
 * The layout: a field's value lives at `offset` in the message's C struct;
 * `quantifier_offset` locates the element count of a repeated field
 * (size_t), the case of a oneof (uint32_t, the id of the member that is
 * set) or the has_ flag of a proto2/proto3-optional scalar
 * (protobuf_c_boolean). Proto3 scalars (PROTOBUF_C_LABEL_NONE) have no
 * quantifier: they are present when not zero.
 *
 * Memory: a message handled here has every part allocated with malloc(),
 * as protobuf-c's default allocator does (protobuf_c_message_unpack(),
 * pbjson_to_message()), so that protobuf_c_message_free_unpacked() frees it.
 *
 * Thread safety: no state; distinct messages may be handled in any thread.
 */
#ifndef LIUHEN_PBFIELD_H
#define LIUHEN_PBFIELD_H

#include <stdbool.h>
#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

/**
 * The storage of one value of a field of type t, as protobuf-c lays out
 * generated structs: a singular field's, or one element of a repeated
 * field's array (protobuf-c's sizeof_elt_in_repeated_array). 0 for an
 * unknown type.
 */
size_t pbfield_elt_size(ProtobufCType t);

/**
 * The address of what lives at offset in message m: a field's value
 * (f->offset) or its quantifier (f->quantifier_offset).
 * @note Writable only when m is: the const of m is not kept so that one
 *       function serves reading and building.
 */
void *pbfield_at(const ProtobufCMessage *m, unsigned offset);

/** The element count of the repeated field f of m. */
size_t pbfield_count(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f);

/**
 * Element i of the repeated field f of m.
 * @pre i < pbfield_count(m, f)
 * @note Borrowed from m; valid while m's field is not changed.
 */
const void *pbfield_item(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f, size_t i);

/** Whether f is a member of a oneof. */
bool pbfield_is_oneof(const ProtobufCFieldDescriptor *f);

/**
 * Whether f has a has_ flag at its quantifier_offset: protobuf-c gives one
 * to optional scalars and bytes, but not to strings and messages (NULL
 * says absent) nor to oneof members (the case says which is set).
 */
bool pbfield_has_flag(const ProtobufCFieldDescriptor *f);

/**
 * Whether field f of m is present, by exactly the rules
 * protobuf_c_message_pack() uses to decide whether to write it, so that
 * what is shown and what is on the wire agree: a repeated field with items,
 * a required field always, the oneof member that is set, an optional field
 * with its has_ flag or pointer set, a proto3 scalar that is not zero.
 */
bool pbfield_present(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f);

/**
 * Free what one value of field f owns (a string, bytes, a submessage) and
 * set its pointer to NULL, as protobuf_c_message_free_unpacked() would: a
 * default value the descriptor points to is shared, never freed. Scalars
 * own nothing and are left as they are.
 * @param[in,out] slot  a singular field's storage, or one element of a
 *                      repeated field's array.
 */
void pbfield_value_free(const ProtobufCFieldDescriptor *f, void *slot);

/**
 * Clear field f of the live message m: free what it owns and put it back to
 * the value protobuf_c_message_init() gives it. A repeated field is emptied;
 * for a oneof member, whichever member of its oneof is set is cleared.
 */
void pbfield_clear(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f);

#endif
