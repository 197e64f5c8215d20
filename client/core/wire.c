/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * wire.c — frame headers and the mapping between wire statuses and the
 * library's error codes.
 */
#include "wire.h"

#include <errno.h>

#include "errors.h"

void wire_put_header(uint8_t out[WIRE_HEADER_SIZE], uint32_t len)
{
    out[0] = (uint8_t)(len >> 24);
    out[1] = (uint8_t)(len >> 16);
    out[2] = (uint8_t)(len >> 8);
    out[3] = (uint8_t)len;
}

uint32_t wire_get_header(const uint8_t in[WIRE_HEADER_SIZE])
{
    return (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
}

/* A ProtobufCBuffer that compares what protobuf-c writes with the bytes
 * received instead of storing it. */
struct same_buffer {
    ProtobufCBuffer base; /* first: protobuf-c sees a ProtobufCBuffer */
    const uint8_t *want;
    size_t len;
    size_t pos; /* bytes that matched */
    bool differs;
};

static void same_append(ProtobufCBuffer *buffer, size_t len, const uint8_t *data)
{
    struct same_buffer *sb = (struct same_buffer *)(void *)buffer;
    if (sb->differs)
        return;
    for (size_t i = 0; i < len; i++) {
        if (sb->pos == sb->len || sb->want[sb->pos] != data[i]) {
            sb->differs = true;
            return;
        }
        sb->pos++;
    }
}

bool wire_is_canonical(const ProtobufCMessage *m, const uint8_t *bytes, size_t len,
                       size_t *differs_at)
{
    struct same_buffer sb = {{same_append}, bytes, len, 0, false};
    protobuf_c_message_pack_to_buffer(m, &sb.base);
    if (differs_at != NULL)
        *differs_at = sb.pos;
    return !sb.differs && sb.pos == len;
}

static const struct {
    Liuhen__Status status;
    int code;
    const char *name;
} status_map[] = {
    {LIUHEN__STATUS__STATUS_OK, 0, "OK"},
    {LIUHEN__STATUS__STATUS_DUPLICATE, LH_EDUPLICATE, "DUPLICATE"},
    {LIUHEN__STATUS__STATUS_CONFLICT, LH_ECONFLICT, "CONFLICT"},
    {LIUHEN__STATUS__STATUS_BAD_SIGNATURE, LH_EBADSIG, "BAD_SIGNATURE"},
    {LIUHEN__STATUS__STATUS_UNKNOWN_KEY, LH_EUNKNOWNKEY, "UNKNOWN_KEY"},
    {LIUHEN__STATUS__STATUS_KEY_REVOKED, LH_EREVOKED, "KEY_REVOKED"},
    {LIUHEN__STATUS__STATUS_PERMISSION_DENIED, LH_EPERM, "PERMISSION_DENIED"},
    {LIUHEN__STATUS__STATUS_INVALID_ARGUMENT, LH_EINVAL, "INVALID_ARGUMENT"},
    {LIUHEN__STATUS__STATUS_TOO_LARGE, LH_ETOOBIG, "TOO_LARGE"},
    {LIUHEN__STATUS__STATUS_UNAVAILABLE, LH_EUNAVAILABLE, "UNAVAILABLE"},
    {LIUHEN__STATUS__STATUS_INTERNAL, LH_EINTERNAL, "INTERNAL"},
    {LIUHEN__STATUS__STATUS_NOT_FOUND, LH_ENOTFOUND, "NOT_FOUND"},
};

#define N_STATUS (sizeof status_map / sizeof status_map[0])

int wire_status_to_err(Liuhen__Status status)
{
    for (size_t i = 0; i < N_STATUS; i++)
        if (status_map[i].status == status)
            return status_map[i].code;
    return LH_EPROTO;
}

Liuhen__Status wire_err_to_status(int code)
{
    for (size_t i = 0; i < N_STATUS; i++)
        if (status_map[i].code == code)
            return status_map[i].status;
    switch (code) {
    /* Everything that says "the request is malformed" is INVALID_ARGUMENT;
     * the response message names the field. */
    case LH_EPARSE:
    case LH_EUTF8:
    case LH_ECTRL:
    case LH_EBASE64:
    case LH_ELENGTH:
    case LH_EFIELD:
    case LH_EKIND:
    case LH_EORIGIN:
    case LH_EUNKNOWNFIELD:
    case LH_ERANGE:
    case LH_EPROTO: return LIUHEN__STATUS__STATUS_INVALID_ARGUMENT;
    case -ENOSPC: /* The disk is full; reads go on, appends wait. */
        return LIUHEN__STATUS__STATUS_UNAVAILABLE;
    default: return LIUHEN__STATUS__STATUS_INTERNAL;
    }
}

const char *wire_status_name(Liuhen__Status status)
{
    for (size_t i = 0; i < N_STATUS; i++)
        if (status_map[i].status == status)
            return status_map[i].name;
    return "UNKNOWN_STATUS";
}
