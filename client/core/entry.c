/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * entry.c — the entry format (entry.h, docs/design.md "Entries"): the
 * entry signature, the SignedEntry and Leaf encodings, their hashes and the
 * entry id.
 */
#include "entry.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "wire.h"

/* The limits of entry.h, checked: the largest entry makes a SignedEntry of
 * exactly ENTRY_SIGNED_MAX and a Leaf of exactly ENTRY_LEAF_MAX with a
 * 10-byte integrated_at; one byte more does not fit. */
_Static_assert(ENTRY_SIGNED_SIZE(ENTRY_MAX_SIZE) == ENTRY_SIGNED_MAX, "ENTRY_SIGNED_MAX");
_Static_assert(ENTRY_LEAF_SIZE(ENTRY_SIGNED_MAX, 10) == ENTRY_LEAF_MAX, "ENTRY_MAX_SIZE");
_Static_assert(ENTRY_LEAF_SIZE(ENTRY_SIGNED_SIZE(ENTRY_MAX_SIZE + 1), 10) > ENTRY_LEAF_MAX,
               "ENTRY_MAX_SIZE is the largest");
_Static_assert(crypto_sign_ed25519_BYTES == ENTRY_SIG_BYTES, "signature size");
_Static_assert(crypto_sign_ed25519_PUBLICKEYBYTES == ENTRY_KEY_BYTES, "public key size");
_Static_assert(crypto_sign_ed25519_SECRETKEYBYTES == ENTRY_SK_BYTES, "secret key size");
_Static_assert(crypto_hash_sha256_BYTES == ENTRY_HASH_BYTES, "hash size");

ProtobufCMessage *entry_body_of(Liuhen__Entry *entry)
{
    if (entry == NULL || entry->body_case == LIUHEN__ENTRY__BODY__NOT_SET)
        return NULL;
    /* Every member of the body oneof is a message pointer at the field's
     * offset: the descriptor finds it whatever the kind, new ones included. */
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field(&liuhen__entry__descriptor, entry->body_case);
    if (f == NULL || f->type != PROTOBUF_C_TYPE_MESSAGE)
        return NULL;
    ProtobufCMessage **member = (ProtobufCMessage **)(void *)((char *)entry + f->offset);
    return *member;
}

/* ------------------------------------------------------------------------
 * Signature (docs/design.md "Entries"): Ed25519 over the context and the entry.
 */

int entry_sig_input(const uint8_t *entry, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
    if (len > ENTRY_MAX_SIZE)
        return LH_ETOOBIG;
    size_t need = ENTRY_SIG_CONTEXT_LEN + len;
    *out_len = need;
    if (cap < need)
        return LH_ELENGTH;
    memcpy(out, ENTRY_SIG_CONTEXT, ENTRY_SIG_CONTEXT_LEN);
    if (len > 0)
        memcpy(out + ENTRY_SIG_CONTEXT_LEN, entry, len);
    return 0;
}

int entry_sign(const uint8_t *entry, size_t len, const uint8_t sk[ENTRY_SK_BYTES],
               uint8_t sig[ENTRY_SIG_BYTES])
{
    /* Ed25519 hashes the message twice, so it must be contiguous: it is
     * built on the stack, never in a static buffer. The entry bytes are not
     * secret, so the buffer needs no wiping. */
    uint8_t msg[ENTRY_SIG_INPUT_MAX];
    size_t n;
    int rc = entry_sig_input(entry, len, msg, sizeof msg, &n);
    if (rc != 0) {
        sodium_memzero(sig, ENTRY_SIG_BYTES);
        return rc;
    }
    crypto_sign_ed25519_detached(sig, NULL, msg, n, sk);
    /* minisign checks its own signature before writing it: the public half
     * of a libsodium secret key follows the seed. */
    if (crypto_sign_ed25519_verify_detached(sig, msg, n, sk + crypto_sign_ed25519_SEEDBYTES) != 0) {
        sodium_memzero(sig, ENTRY_SIG_BYTES);
        return LH_EINTERNAL;
    }
    return 0;
}

int entry_verify(const uint8_t *entry, size_t len, const uint8_t sig[ENTRY_SIG_BYTES],
                 const uint8_t pk[ENTRY_KEY_BYTES])
{
    uint8_t msg[ENTRY_SIG_INPUT_MAX];
    size_t n;
    int rc = entry_sig_input(entry, len, msg, sizeof msg, &n);
    if (rc != 0)
        return rc;
    return crypto_sign_ed25519_verify_detached(sig, msg, n, pk) == 0 ? 0 : LH_EBADSIG;
}

/* malloc that notes a failure in *failed, for entry_allocator(). */
static void *alloc_noting_failure(void *failed, size_t size)
{
    void *p = malloc(size);
    if (p == NULL && size != 0)
        *(bool *)failed = true;
    return p;
}

static void alloc_free(void *data, void *p)
{
    (void)data;
    free(p);
}

ProtobufCAllocator entry_allocator(bool *failed)
{
    return (ProtobufCAllocator){alloc_noting_failure, alloc_free, failed};
}

/* ------------------------------------------------------------------------
 * SignedEntry and Leaf, encoded and decoded by hand: the bytes inside must
 * come out exactly as they went in, and one message has one encoding.
 */

enum { WIRE_VARINT = 0, WIRE_LEN = 2 };

static size_t varint_put(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

/* A length-delimited field: its key, the length and the bytes. Returns
 * where the next field starts. */
static uint8_t *len_field_put(uint8_t *p, unsigned field, const uint8_t *data, size_t len)
{
    *p++ = (uint8_t)(field << 3 | WIRE_LEN);
    p += varint_put(p, len);
    memcpy(p, data, len);
    return p + len;
}

/* Read a varint at *pos: at most 10 bytes, no bit past 64, and minimal (no
 * trailing zero group), as every encoder writes it. */
static bool varint_get(const uint8_t *buf, size_t len, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    for (size_t i = 0; i < 10 && *pos + i < len; i++) {
        uint8_t b = buf[*pos + i];
        if (i == 9 && b > 1)
            return false;
        v |= (uint64_t)(b & 0x7F) << (7 * i);
        if ((b & 0x80) == 0) {
            if (b == 0 && i > 0)
                return false;
            *pos += i + 1;
            *out = v;
            return true;
        }
    }
    return false;
}

struct wire_field {
    const char *name;
    unsigned wire_type;
    const uint8_t *data; /* WIRE_LEN: the bytes, inside the input */
    uint64_t value;      /* WIRE_VARINT: the value; WIRE_LEN: the length */
};

/*
 * Decode a message of exactly two fields, numbered 1 and 2, each once and
 * in order, and nothing else: the canonical proto3 encoding of SignedEntry
 * and Leaf when both fields are set. What protobuf would also accept
 * (repetition, reordering, unknown fields, longer varints) is refused.
 */
static int wire_two_fields(const uint8_t *buf, size_t len, const char *msg, struct wire_field f[2],
                           lh_err *err)
{
    size_t pos = 0;
    unsigned next = 0;
    while (pos < len) {
        size_t at = pos;
        uint64_t tag;
        if (!varint_get(buf, len, &pos, &tag))
            return lh_err_set(err, LH_EPARSE, "%s: malformed tag at byte %zu", msg, at);
        uint64_t number = tag >> 3;
        unsigned wire_type = (unsigned)(tag & 7);
        if (number == 0 || number > 536870911)
            return lh_err_set(err, LH_EPARSE, "%s: invalid field number at byte %zu", msg, at);
        if (number > 2)
            return lh_err_set(err, LH_EUNKNOWNFIELD, "%s: unknown field %" PRIu64 " at byte %zu",
                              msg, number, at);
        unsigned i = (unsigned)number - 1;
        if (i < next)
            return lh_err_set(err, LH_EPARSE, "%s.%s: repeated or out of order at byte %zu", msg,
                              f[i].name, at);
        if (i > next)
            return lh_err_set(err, LH_EPARSE, "%s.%s: missing (fields come in order)", msg,
                              f[next].name);
        if (wire_type != f[i].wire_type)
            return lh_err_set(err, LH_EPARSE, "%s.%s: wire type %u, expected %u", msg, f[i].name,
                              wire_type, f[i].wire_type);
        if (!varint_get(buf, len, &pos, &f[i].value))
            return lh_err_set(err, LH_EPARSE, "%s.%s: malformed varint at byte %zu", msg, f[i].name,
                              pos);
        if (wire_type == WIRE_LEN) {
            if (f[i].value > len - pos)
                return lh_err_set(err, LH_EPARSE, "%s.%s: %" PRIu64 " bytes announced, %zu left",
                                  msg, f[i].name, f[i].value, len - pos);
            f[i].data = buf + pos;
            pos += (size_t)f[i].value;
        }
        next++;
    }
    if (next < 2)
        return lh_err_set(err, LH_EPARSE, "%s.%s: missing", msg, f[next].name);
    return 0;
}

int entry_signed_pack(const uint8_t *entry, size_t len, const uint8_t sig[ENTRY_SIG_BYTES],
                      uint8_t *out, size_t cap, size_t *out_len)
{
    /* proto3 leaves an empty field out, and a SignedEntry has both. */
    if (len == 0)
        return LH_EINVAL;
    if (len > ENTRY_MAX_SIZE)
        return LH_ETOOBIG;
    size_t need = ENTRY_SIGNED_SIZE(len);
    *out_len = need;
    if (cap < need)
        return LH_ELENGTH;
    uint8_t *p = len_field_put(out, 1, entry, len);
    len_field_put(p, 2, sig, ENTRY_SIG_BYTES);
    return 0;
}

int entry_signed_unpack(const uint8_t *buf, size_t len, const uint8_t **entry, size_t *entry_len,
                        const uint8_t **sig, lh_err *err)
{
    if (len > ENTRY_SIGNED_MAX)
        return lh_err_set(err, LH_ETOOBIG, "SignedEntry: %zu bytes, at most %d", len,
                          ENTRY_SIGNED_MAX);
    struct wire_field f[2] = {{"entry", WIRE_LEN, NULL, 0}, {"signature", WIRE_LEN, NULL, 0}};
    int rc = wire_two_fields(buf, len, "SignedEntry", f, err);
    if (rc != 0)
        return rc;
    if (f[0].value == 0)
        return lh_err_set(err, LH_EPARSE, "SignedEntry.entry: empty");
    if (f[0].value > ENTRY_MAX_SIZE)
        return lh_err_set(err, LH_ETOOBIG, "SignedEntry.entry: %" PRIu64 " bytes, at most %d",
                          f[0].value, ENTRY_MAX_SIZE);
    if (f[1].value != ENTRY_SIG_BYTES)
        return lh_err_set(err, LH_EFIELD, "SignedEntry.signature: must be 64 bytes, got %" PRIu64,
                          f[1].value);
    *entry = f[0].data;
    *entry_len = (size_t)f[0].value;
    *sig = f[1].data;
    return 0;
}

int entry_leaf_pack(const uint8_t *signed_entry, size_t len, int64_t integrated_at, uint8_t *out,
                    size_t cap, size_t *out_len)
{
    if (len == 0 || integrated_at <= 0)
        return LH_EINVAL;
    if (len > ENTRY_LEAF_MAX)
        return LH_ETOOBIG;
    size_t need = ENTRY_LEAF_SIZE(len, ENTRY_VARINT_SIZE((uint64_t)integrated_at));
    /* C2SP tlog-tiles entry bundles: a uint16 length before each leaf. */
    if (need > ENTRY_LEAF_MAX)
        return LH_ETOOBIG;
    *out_len = need;
    if (cap < need)
        return LH_ELENGTH;
    uint8_t *p = len_field_put(out, 1, signed_entry, len);
    *p++ = (2 << 3) | WIRE_VARINT;
    varint_put(p, (uint64_t)integrated_at);
    return 0;
}

int entry_leaf_unpack(const uint8_t *leaf, size_t len, const uint8_t **signed_entry,
                      size_t *signed_len, int64_t *integrated_at, lh_err *err)
{
    if (len > ENTRY_LEAF_MAX)
        return lh_err_set(err, LH_ETOOBIG, "Leaf: %zu bytes, at most %d", len, ENTRY_LEAF_MAX);
    struct wire_field f[2] = {{"signed_entry", WIRE_LEN, NULL, 0},
                              {"integrated_at", WIRE_VARINT, NULL, 0}};
    int rc = wire_two_fields(leaf, len, "Leaf", f, err);
    if (rc != 0)
        return rc;
    if (f[0].value == 0)
        return lh_err_set(err, LH_EPARSE, "Leaf.signed_entry: empty");
    /* The log's clock is positive; a negative int64 arrives as a value
     * above INT64_MAX. */
    if (f[1].value == 0 || f[1].value > INT64_MAX)
        return lh_err_set(err, LH_EFIELD, "Leaf.integrated_at: not a positive time");
    *signed_entry = f[0].data;
    *signed_len = (size_t)f[0].value;
    *integrated_at = (int64_t)f[1].value;
    return 0;
}

void entry_leaf_hash(const uint8_t *leaf, size_t len, uint8_t out[ENTRY_HASH_BYTES])
{
    /* RFC 6962 §2.1: the 0x00 prefix keeps a leaf from passing for a node. */
    const uint8_t leaf_prefix = 0x00;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &leaf_prefix, 1);
    crypto_hash_sha256_update(&st, leaf, len);
    crypto_hash_sha256_final(&st, out);
}

void entry_id(const uint8_t *entry, size_t len, uint8_t out[ENTRY_ID_BYTES])
{
    crypto_hash_sha256(out, entry, len);
}
