/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fuzz_query.c — liuhend's request decoder (daemon/query.h): the input is
 * one frame body given to protocol_parse_request(), which decodes it with
 * protobuf-c and accepts only the canonical encoding (wire_is_canonical():
 * no call given twice, no NUL inside a string). Its seeds are the packed
 * Requests that fuzz_request also starts from.
 *
 * Invariants: every refusal has a code the header lists and a UTF-8
 * sentence, and leaves no message behind; an accepted request sets exactly
 * the call it names, has no unknown field anywhere, packs back to exactly
 * the input, and for an Append the SignedEntry bytes are the ones the
 * frame carries.
 */
#include <stdbool.h>
#include <string.h>

#include "entry.h"
#include "errors.h"
#include "fuzz.h"
#include "liuhen.pb-c.h"
#include "query.h"
#include "wire.h"

/* Whether a message kept an unknown field (fuzz_any_message() looks inside). */
static bool kept_unknown(const ProtobufCMessage *m)
{
    return m->n_unknown_fields > 0;
}

static void check_append(const uint8_t *data, size_t size, const protocol_request *req)
{
    const Liuhen__Request *m = req->msg;
    FUZZ_CHECK(m->append != NULL);
    FUZZ_CHECK(req->signed_entry == m->append->signed_entry.data);
    FUZZ_CHECK(req->signed_entry != NULL && req->signed_len > 0 &&
               req->signed_len == m->append->signed_entry.len);
    /* The bytes are somewhere in the frame, exactly. */
    FUZZ_CHECK(req->signed_len <= size);
    bool found = false;
    for (size_t at = 0; !found && at + req->signed_len <= size; at++)
        found = memcmp(data + at, req->signed_entry, req->signed_len) == 0;
    FUZZ_CHECK(found);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    protocol_request req;
    lh_err err = {{0}};
    int rc = protocol_parse_request(data, size, &req, &err);
    if (rc != 0) {
        fuzz_check_error(rc, &err);
        FUZZ_CHECK(rc == LH_EPARSE || rc == LH_EUNKNOWNFIELD || rc == LH_EFIELD || rc == LH_ENOMEM);
        FUZZ_CHECK(req.msg == NULL);
        protocol_request_clear(&req);
        return 0;
    }
    const Liuhen__Request *m = req.msg;
    FUZZ_CHECK(m != NULL && req.id == m->id);
    FUZZ_CHECK(m->call_case != LIUHEN__REQUEST__CALL__NOT_SET);
    FUZZ_CHECK(strcmp(protocol_call_name(m->call_case), "none") != 0);
    FUZZ_CHECK(!fuzz_any_message(&m->base, kept_unknown, 0));
    FUZZ_CHECK(liuhen__request__get_packed_size(m) == size);
    FUZZ_CHECK(wire_is_canonical(&m->base, data, size, NULL));
    if (m->call_case == LIUHEN__REQUEST__CALL_APPEND)
        check_append(data, size, &req);
    else
        FUZZ_CHECK(req.signed_entry == NULL);
    if (m->call_case == LIUHEN__REQUEST__CALL_GET_CASE)
        FUZZ_CHECK(m->get_case != NULL && m->get_case->case_id != NULL);
    protocol_request_clear(&req);
    FUZZ_CHECK(req.msg == NULL);
    return 0;
}
