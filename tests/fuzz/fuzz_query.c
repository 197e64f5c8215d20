/*
 * fuzz_query.c — liuhend's request decoder (daemon/query.h): the input is
 * one frame body given to query_parse_request(), which decodes it with
 * protobuf-c and then scans the raw bytes itself (calls given twice, the
 * SignedEntry of an Append exactly as sent, NUL bytes in case ids). Its
 * seeds are the packed Requests that fuzz_request also starts from.
 *
 * Invariants: every refusal has a code the header lists and a UTF-8
 * sentence, and leaves no message behind; an accepted request sets exactly
 * the call it names, has no unknown field anywhere, and for an Append the
 * raw SignedEntry bytes lie in the frame and, when they decode strictly,
 * say the same as protobuf-c's reading of them (two parsers, one record).
 */
#include <stdbool.h>
#include <string.h>

#include "entry.h"
#include "errors.h"
#include "fuzz.h"
#include "liuhen.pb-c.h"
#include "query.h"

/* Whether a message kept an unknown field (fuzz_any_message() looks inside). */
static bool kept_unknown(const ProtobufCMessage *m)
{
    return m->n_unknown_fields > 0;
}

static void check_append(const uint8_t *data, size_t size, const query_request *req)
{
    const Liuhen__Request *m = req->msg;
    FUZZ_CHECK(m->append != NULL && m->append->signed_entry != NULL);
    FUZZ_CHECK(req->signed_entry != NULL && req->signed_len > 0);
    FUZZ_CHECK(req->signed_entry >= data && req->signed_len <= size &&
               (size_t)(req->signed_entry - data) <= size - req->signed_len);
    const uint8_t *entry, *sig;
    size_t entry_len;
    if (entry_signed_unpack(req->signed_entry, req->signed_len, &entry, &entry_len, &sig, NULL) !=
        0)
        return;
    const Liuhen__SignedEntry *se = m->append->signed_entry;
    FUZZ_CHECK(se->entry.len == entry_len && memcmp(se->entry.data, entry, entry_len) == 0);
    FUZZ_CHECK(se->signature.len == ENTRY_SIG_BYTES &&
               memcmp(se->signature.data, sig, ENTRY_SIG_BYTES) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    query_request req;
    lh_err err = {{0}};
    int rc = query_parse_request(data, size, &req, &err);
    if (rc != 0) {
        fuzz_check_error(rc, &err);
        FUZZ_CHECK(rc == LH_EPARSE || rc == LH_EUNKNOWNFIELD || rc == LH_EFIELD || rc == LH_ENOMEM);
        FUZZ_CHECK(req.msg == NULL);
        query_request_clear(&req);
        return 0;
    }
    const Liuhen__Request *m = req.msg;
    FUZZ_CHECK(m != NULL && req.id == m->id);
    FUZZ_CHECK(m->call_case != LIUHEN__REQUEST__CALL__NOT_SET);
    FUZZ_CHECK(strcmp(query_call_name(m->call_case), "none") != 0);
    FUZZ_CHECK(!fuzz_any_message(&m->base, kept_unknown, 0));
    if (m->call_case == LIUHEN__REQUEST__CALL_APPEND)
        check_append(data, size, &req);
    else
        FUZZ_CHECK(req.signed_entry == NULL);
    if (m->call_case == LIUHEN__REQUEST__CALL_GET_CASE)
        FUZZ_CHECK(m->get_case != NULL && m->get_case->case_id != NULL);
    query_request_clear(&req);
    FUZZ_CHECK(req.msg == NULL);
    return 0;
}
