/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * wire.h — framing and status codes of liuhend's Unix-socket protocol
 * (docs/design.md "Wire protocol"): a frame is a 4-byte big-endian length and one
 * protobuf Request or Response of that many bytes. Shared by the daemon and
 * the client library.
 */
#ifndef LIUHEN_WIRE_H
#define LIUHEN_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liuhen.pb-c.h"

/** Bytes of the length prefix. */
#define WIRE_HEADER_SIZE 4

/** Default largest frame body (the daemon's --max-frame). */
#define WIRE_DEFAULT_MAX_FRAME ((uint32_t)1 << 20)

/** Write the length prefix of a frame body of `len` bytes. */
void wire_put_header(uint8_t out[WIRE_HEADER_SIZE], uint32_t len);

/** Read a length prefix. */
uint32_t wire_get_header(const uint8_t in[WIRE_HEADER_SIZE]);

/**
 * The library error code for a response status (STATUS_OK -> 0,
 * STATUS_CONFLICT -> LH_ECONFLICT...). Unknown statuses map to LH_EPROTO.
 */
int wire_status_to_err(Liuhen__Status status);

/**
 * The response status for a library error code (0 -> STATUS_OK,
 * LH_EFIELD -> STATUS_INVALID_ARGUMENT...). Codes with no closer status map
 * to STATUS_INTERNAL.
 */
Liuhen__Status wire_err_to_status(int code);

/**
 * Whether bytes are the canonical proto3 encoding of the message they
 * decoded to, i.e. it re-encodes to exactly them: fields in number order,
 * each once, minimal varints, no default value written out, no NUL inside
 * a string (protobuf-c ends a string at its first NUL, so "QJ-1\0x" would
 * be read as "QJ-1"). Protobuf accepts many encodings of one message; only
 * this one leaves no two readers reading two different messages. No
 * allocation: the encoding is compared as protobuf-c writes it.
 * @param[in]  m          the message unpacked from bytes.
 * @param[out] differs_at the first byte that differs (len when the
 *                        encoding is shorter); may be NULL.
 */
bool wire_is_canonical(const ProtobufCMessage *m, const uint8_t *bytes, size_t len,
                       size_t *differs_at);

/** The status's name without its prefix ("CONFLICT"); never NULL. */
const char *wire_status_name(Liuhen__Status status);

#endif
