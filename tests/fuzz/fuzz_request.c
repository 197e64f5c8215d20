/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fuzz_request.c — the wire messages (proto/liuhen.proto, client/wire.h):
 * the input is decoded as the body of a Request frame, as liuhend does with
 * liuhen__request__unpack(), and as a Response, as the client library does;
 * and read as a frame header.
 *
 * Invariants: a decoded message packs to a size it reports, and decoding
 * and packing that again gives the same bytes (packing is a fixed point),
 * unless protobuf-c kept an unknown field numbered 0 (see has_tag0());
 * one oneof member at most is set and matches its case; a message written
 * as JSON and read back writes the same JSON; a Response status maps to an
 * error code and a name; the frame header round-trips.
 */
#include <stdbool.h>
#include <string.h>

#include "errors.h"
#include "fuzz.h"
#include "liuhen.pb-c.h"
#include "pbjson.h"
#include "wire.h"

/* Whether m kept an unknown field numbered 0 (fuzz_any_message() looks
 * inside it). protobuf-c 1.4 reads one from a non-minimal tag (0x82 0x00:
 * field 0, wire type 2), refuses field 0 as a one-byte tag, yet writes it
 * so when packing: such a message does not decode again. liuhend refuses
 * unknown fields anyway (daemon/query.c), so only a repacking reader would
 * care. */
static bool has_tag0(const ProtobufCMessage *m)
{
    for (size_t i = 0; i < m->n_unknown_fields; i++) {
        if (m->unknown_fields[i].tag == 0)
            return true;
    }
    return false;
}

/* JSON out, JSON in, JSON out: the two texts are equal. Messages holding
 * what JSON cannot carry (a string that is not UTF-8, an enum number the
 * schema does not define) are refused on the way, with a code. */
static void json_round_trip(const ProtobufCMessage *m)
{
    json_t *j = NULL;
    int rc = pbjson_from_message(m, 0, &j);
    if (rc != 0) {
        FUZZ_CHECK(rc == LH_EUTF8 && j == NULL);
        return;
    }
    ProtobufCMessage *back = NULL;
    lh_err err = {{0}};
    rc = pbjson_to_message(m->descriptor, j, &back, &err);
    if (rc != 0) {
        FUZZ_CHECK(rc == LH_EFIELD && back == NULL && err.msg[0] != '\0');
        json_decref(j);
        return;
    }
    json_t *j2 = NULL;
    FUZZ_CHECK(pbjson_from_message(back, 0, &j2) == 0);
    FUZZ_CHECK(json_equal(j, j2));
    json_decref(j2);
    json_decref(j);
    protobuf_c_message_free_unpacked(back, NULL);
}

static void fuzz_message(const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t size)
{
    ProtobufCMessage *m = protobuf_c_message_unpack(desc, NULL, size, data);
    if (m == NULL)
        return;
    FUZZ_CHECK(m->descriptor == desc);
    FUZZ_CHECK(protobuf_c_message_check(m));
    size_t len, len2;
    uint8_t *bytes = fuzz_pack(m, &len);
    ProtobufCMessage *again = protobuf_c_message_unpack(desc, NULL, len, bytes);
    if (again != NULL) {
        uint8_t *bytes2 = fuzz_pack(again, &len2);
        FUZZ_CHECK(len2 == len && memcmp(bytes, bytes2, len) == 0);
        free(bytes2);
        protobuf_c_message_free_unpacked(again, NULL);
    } else {
        FUZZ_CHECK(fuzz_any_message(m, has_tag0, 0));
    }
    free(bytes);
    json_round_trip(m);

    if (desc == &liuhen__request__descriptor) {
        const Liuhen__Request *r = (const Liuhen__Request *)m;
        /* The daemon dispatches on call_case: the member it names is set. */
        if (r->call_case != LIUHEN__REQUEST__CALL__NOT_SET) {
            const ProtobufCFieldDescriptor *f =
                protobuf_c_message_descriptor_get_field(desc, (unsigned)r->call_case);
            FUZZ_CHECK(f != NULL && f->type == PROTOBUF_C_TYPE_MESSAGE);
            FUZZ_CHECK(*(ProtobufCMessage *const *)(const void *)((const char *)r + f->offset) !=
                       NULL);
        }
    } else {
        const Liuhen__Response *r = (const Liuhen__Response *)m;
        int code = wire_status_to_err(r->status);
        FUZZ_CHECK(code <= 0 && (code == 0) == (r->status == LIUHEN__STATUS__STATUS_OK));
        FUZZ_CHECK(strcmp(lh_errname(code), "UNKNOWN") != 0);
        FUZZ_CHECK(wire_status_name(r->status) != NULL);
    }
    protobuf_c_message_free_unpacked(m, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_message(&liuhen__request__descriptor, data, size);
    fuzz_message(&liuhen__response__descriptor, data, size);
    if (size >= WIRE_HEADER_SIZE) {
        uint8_t hdr[WIRE_HEADER_SIZE];
        uint32_t len = wire_get_header(data);
        wire_put_header(hdr, len);
        FUZZ_CHECK(memcmp(hdr, data, WIRE_HEADER_SIZE) == 0);
        /* A whole frame in the input: its body decodes like any other. */
        if (len <= size - WIRE_HEADER_SIZE && len <= WIRE_DEFAULT_MAX_FRAME)
            fuzz_message(&liuhen__request__descriptor, data + WIRE_HEADER_SIZE, len);
    }
    return 0;
}
