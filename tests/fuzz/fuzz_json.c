/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fuzz_json.c — the JSON mapping (client/pbjson.h): the input is parsed as
 * a liuhen.Entry and as a liuhen.Request, the two messages the CLI reads
 * from people.
 *
 * Invariants: every error has a detail sentence and leaves no message; a
 * parsed message writes back to JSON (compact, pretty, with defaults) that
 * reads back to a message packing to exactly the same bytes; a parsed
 * Entry whose packed bytes pass validate_entry() is never refused for its
 * encoding, since protobuf-c writes the canonical form.
 */
#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#include "entry.h"
#include "errors.h"
#include "fuzz.h"
#include "liuhen.pb-c.h"
#include "pbjson.h"
#include "validate.h"

/* Write m as JSON with flags, read it back, and compare the packed bytes. */
static void round_trip(const ProtobufCMessage *m, unsigned flags, const uint8_t *want,
                       size_t want_len)
{
    char *text = NULL;
    FUZZ_CHECK(pbjson_dump(m, flags, &text) == 0);
    ProtobufCMessage *back = NULL;
    lh_err err = {{0}};
    if (pbjson_parse(m->descriptor, text, strlen(text), &back, &err) != 0) {
        fprintf(stderr, "fuzz_json: own output refused: %s\n%s\n", err.msg, text);
        FUZZ_CHECK(!"pbjson_parse() reads what pbjson_dump() wrote");
    }
    size_t len;
    uint8_t *got = fuzz_pack(back, &len);
    FUZZ_CHECK(len == want_len && memcmp(got, want, len) == 0);
    free(got);
    protobuf_c_message_free_unpacked(back, NULL);
    free(text);
}

static void fuzz_one(const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t size)
{
    ProtobufCMessage *m = (ProtobufCMessage *)&m; /* a sentinel: must become NULL */
    lh_err err = {{0}};
    int rc = pbjson_parse(desc, (const char *)data, size, &m, &err);
    if (rc != 0) {
        fuzz_check_error(rc, &err);
        FUZZ_CHECK(m == NULL);
        return;
    }
    FUZZ_CHECK(m != NULL && m->descriptor == desc);
    FUZZ_CHECK(protobuf_c_message_check(m));
    size_t len;
    uint8_t *bytes = fuzz_pack(m, &len);
    round_trip(m, 0, bytes, len);
    round_trip(m, PBJSON_PRETTY, bytes, len);
    round_trip(m, PBJSON_EMIT_DEFAULTS, bytes, len);

    if (desc == &liuhen__entry__descriptor) {
        rc = validate_entry(bytes, len, NULL, NULL, &err);
        FUZZ_CHECK(rc != LH_EPARSE || len > ENTRY_MAX_SIZE);
        if (rc == 0) {
            /* What the CLI would sign is also what the wire decoder reads. */
            ProtobufCMessage *u = protobuf_c_message_unpack(desc, NULL, len, bytes);
            FUZZ_CHECK(u != NULL);
            protobuf_c_message_free_unpacked(u, NULL);
        }
    }
    free(bytes);
    protobuf_c_message_free_unpacked(m, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_sodium_init();
    fuzz_one(&liuhen__entry__descriptor, data, size);
    fuzz_one(&liuhen__request__descriptor, data, size);
    return 0;
}
