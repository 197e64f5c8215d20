/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fuzz_entry.c — entries (client/entry.h): the input is validated as an
 * Entry (with and without the expected origin), and unpacked as a
 * SignedEntry and as a Leaf, whose contents are then followed down.
 *
 * Invariants: every error has a detail sentence and leaves the outputs
 * unchanged; a valid entry re-packs to exactly its bytes (validation
 * promises the canonical encoding), validates again, survives a JSON round
 * trip unchanged, and fails the origin check only when its origin differs;
 * an unpacked SignedEntry or Leaf packs back to exactly its bytes; a
 * SignedEntry's signature, if it verifies, does so for its own author key.
 */
#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#include "entry.h"
#include "errors.h"
#include "fuzz.h"
#include "kind.h"
#include "pbjson.h"
#include "validate.h"

#define ORIGIN "example.org/liuhen-test"

/* Validate an entry; on success return it unpacked (caller frees). */
static Liuhen__Entry *fuzz_validate(const uint8_t *data, size_t size)
{
    lh_err err = {{0}};
    Liuhen__Entry sentinel, *e = &sentinel;
    int rc = validate_entry(data, size, NULL, &e, &err);
    if (rc != 0) {
        fuzz_check_error(rc, &err);
        FUZZ_CHECK(e == NULL);
        /* The origin check comes after the structure it needs: a bad
         * structure is bad whatever the origin. */
        rc = validate_entry(data, size, ORIGIN, NULL, &err);
        FUZZ_CHECK(rc != 0);
        fuzz_check_error(rc, &err);
        return NULL;
    }
    FUZZ_CHECK(e != NULL && e != &sentinel);
    FUZZ_CHECK(size <= ENTRY_MAX_SIZE);

    /* Canonical: the unpacked message packs to exactly the signed bytes. */
    FUZZ_CHECK(protobuf_c_message_get_packed_size(&e->base) == size);
    uint8_t *again = malloc(size + 1);
    FUZZ_CHECK(again != NULL);
    FUZZ_CHECK(protobuf_c_message_pack(&e->base, again) == size);
    FUZZ_CHECK(memcmp(again, data, size) == 0);
    free(again);

    FUZZ_CHECK(validate_entry(data, size, NULL, NULL, NULL) == 0);
    rc = validate_entry(data, size, ORIGIN, NULL, &err);
    if (strcmp(e->origin, ORIGIN) == 0)
        FUZZ_CHECK(rc == 0);
    else
        FUZZ_CHECK(rc == LH_EORIGIN && err.msg[0] != '\0');

    FUZZ_CHECK(entry_body_of(e) != NULL);
    FUZZ_CHECK(strcmp(kind_name(e->kind), "UNKNOWN") != 0);
    FUZZ_CHECK(e->author_key.len == ENTRY_KEY_BYTES);

    /* A valid entry is valid JSON and reads back to the same bytes. */
    char *text = NULL;
    FUZZ_CHECK(pbjson_dump(&e->base, 0, &text) == 0);
    ProtobufCMessage *m = NULL;
    rc = pbjson_parse(&liuhen__entry__descriptor, text, strlen(text), &m, &err);
    FUZZ_CHECK(rc == 0);
    FUZZ_CHECK(protobuf_c_message_get_packed_size(m) == size);
    again = malloc(size + 1);
    FUZZ_CHECK(again != NULL);
    FUZZ_CHECK(protobuf_c_message_pack(m, again) == size);
    FUZZ_CHECK(memcmp(again, data, size) == 0);
    free(again);
    protobuf_c_message_free_unpacked(m, NULL);
    free(text);
    return e;
}

static void fuzz_signed(const uint8_t *data, size_t size)
{
    lh_err err = {{0}};
    const uint8_t *entry = data, *sig = data;
    size_t entry_len = 12345;
    int rc = entry_signed_unpack(data, size, &entry, &entry_len, &sig, &err);
    if (rc != 0) {
        fuzz_check_error(rc, &err);
        FUZZ_CHECK(entry == data && sig == data && entry_len == 12345);
        return;
    }
    FUZZ_CHECK(size <= ENTRY_SIGNED_MAX);
    FUZZ_CHECK(entry_len >= 1 && entry_len <= ENTRY_MAX_SIZE);
    FUZZ_CHECK(fuzz_inside(entry, entry_len, data, size) &&
               fuzz_inside(sig, ENTRY_SIG_BYTES, data, size));

    /* Strict decoding: packing the parts gives the input back. */
    uint8_t *out = malloc(ENTRY_SIGNED_MAX);
    FUZZ_CHECK(out != NULL);
    size_t out_len = 0;
    FUZZ_CHECK(entry_signed_pack(entry, entry_len, sig, out, ENTRY_SIGNED_MAX, &out_len) == 0);
    FUZZ_CHECK(out_len == size && memcmp(out, data, size) == 0);
    FUZZ_CHECK(ENTRY_SIGNED_SIZE(entry_len) == size);
    free(out);

    Liuhen__Entry *e = fuzz_validate(entry, entry_len);
    if (e != NULL) {
        rc = entry_verify(entry, entry_len, sig, e->author_key.data);
        FUZZ_CHECK(rc == 0 || rc == LH_EBADSIG);
        liuhen__entry__free_unpacked(e, NULL);
    }
}

static void fuzz_leaf(const uint8_t *data, size_t size)
{
    lh_err err = {{0}};
    const uint8_t *signed_entry = data;
    size_t signed_len = 12345;
    int64_t integrated_at = -7;
    int rc = entry_leaf_unpack(data, size, &signed_entry, &signed_len, &integrated_at, &err);
    if (rc != 0) {
        fuzz_check_error(rc, &err);
        FUZZ_CHECK(signed_entry == data && signed_len == 12345 && integrated_at == -7);
        return;
    }
    FUZZ_CHECK(size <= ENTRY_LEAF_MAX && integrated_at > 0 && signed_len >= 1);
    FUZZ_CHECK(fuzz_inside(signed_entry, signed_len, data, size));
    uint8_t *out = malloc(ENTRY_LEAF_MAX);
    FUZZ_CHECK(out != NULL);
    size_t out_len = 0;
    FUZZ_CHECK(entry_leaf_pack(signed_entry, signed_len, integrated_at, out, ENTRY_LEAF_MAX,
                               &out_len) == 0);
    FUZZ_CHECK(out_len == size && memcmp(out, data, size) == 0);
    free(out);
    fuzz_signed(signed_entry, signed_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_sodium_init();
    Liuhen__Entry *e = fuzz_validate(data, size);
    liuhen__entry__free_unpacked(e, NULL);
    fuzz_signed(data, size);
    fuzz_leaf(data, size);
    return 0;
}
