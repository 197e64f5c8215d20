/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fuzz.h — what every fuzz target of tests/fuzz/ shares: the libFuzzer entry
 * point, a check that aborts naming the broken invariant, and the small
 * helpers several targets use (libsodium set up once, big-endian reads,
 * packing, pointer bounds, a walk over nested protobuf messages).
 *
 * A target is one file fuzz_<name>.c defining LLVMFuzzerTestOneInput(). It
 * links either with libFuzzer (clang -fsanitize=fuzzer) for long campaigns
 * or with tests/fuzz/driver.c, which replays the seed corpus
 * tests/fuzz/corpus/<name>/ and deterministic mutations of it (make check).
 * See tests/fuzz/README.md.
 */
#ifndef LIUHEN_FUZZ_H
#define LIUHEN_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <protobuf-c/protobuf-c.h>
#include <sodium.h>

#include "errors.h"
#include "text.h"

/**
 * Run the code under test on one input.
 * @param[in] data  size bytes, owned by the caller, valid during the call only.
 * @return 0 (libFuzzer reserves other values).
 * @note Must never crash, hang, leak or touch the file system: any of those
 *       is a bug in the code under test or in the target.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Report a broken invariant and abort, so that both libFuzzer and the driver
 * record the input that broke it. */
__attribute__((noreturn, unused)) static inline void fuzz_fail(const char *file, int line,
                                                               const char *what)
{
    fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
    fflush(stderr);
    abort();
}

/** Check an invariant of the code under test (never compiled out). */
#define FUZZ_CHECK(cond) ((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))

/*
 * Check a refusal: a known negative code, and a detail sentence that says
 * what is wrong (project rule: a clear error naming what is wrong). The
 * sentence must be UTF-8, since liuhend sends it in Response.message, a
 * proto3 string that strict decoders refuse otherwise.
 */
__attribute__((unused)) static inline void fuzz_check_error(int rc, const lh_err *err)
{
    FUZZ_CHECK(rc < 0);
    FUZZ_CHECK(strcmp(lh_errname(rc), "UNKNOWN") != 0);
    const char *end = memchr(err->msg, '\0', sizeof err->msg);
    FUZZ_CHECK(end != NULL && end != err->msg);
    if (!text_utf8_valid((const uint8_t *)err->msg, (size_t)(end - err->msg))) {
        fprintf(stderr, "error detail is not UTF-8: %s\n", err->msg);
        FUZZ_CHECK(!"the error detail is valid UTF-8");
    }
}

/* Initialise libsodium before the first input; later calls do nothing. */
__attribute__((unused)) static inline void fuzz_sodium_init(void)
{
    static bool done;
    if (done)
        return;
    FUZZ_CHECK(sodium_init() >= 0);
    done = true;
}

/* The big-endian 64-bit integer at p[0..8). */
__attribute__((unused)) static inline uint64_t fuzz_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* Whether [p, p + n) lies within [buf, buf + len). */
__attribute__((unused)) static inline bool fuzz_inside(const void *p, size_t n, const uint8_t *buf,
                                                       size_t len)
{
    const uint8_t *q = p;
    return q >= buf && q <= buf + len && n <= (size_t)(buf + len - q);
}

/* Pack m into a malloc'd buffer (the caller frees it), checking the size. */
__attribute__((unused)) static inline uint8_t *fuzz_pack(const ProtobufCMessage *m, size_t *len)
{
    *len = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(*len + 1);
    FUZZ_CHECK(buf != NULL);
    FUZZ_CHECK(protobuf_c_message_pack(m, buf) == *len);
    return buf;
}

/*
 * Whether pred holds for m or for any message inside it (every repeated
 * message, and the set member of a oneof), down to 16 levels below m.
 */
__attribute__((unused)) static bool
fuzz_any_message(const ProtobufCMessage *m, bool (*pred)(const ProtobufCMessage *), unsigned depth)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    if (pred(m))
        return true;
    if (depth > 16)
        return false;
    const char *base = (const char *)m;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)(const void *)(base + f->quantifier_offset);
            ProtobufCMessage *const *items =
                *(ProtobufCMessage *const *const *)(const void *)(base + f->offset);
            for (size_t k = 0; k < n; k++) {
                if (fuzz_any_message(items[k], pred, depth + 1))
                    return true;
            }
            continue;
        }
        if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0 &&
            *(const uint32_t *)(const void *)(base + f->quantifier_offset) != f->id)
            continue;
        const ProtobufCMessage *sm = *(ProtobufCMessage *const *)(const void *)(base + f->offset);
        if (sm != NULL && fuzz_any_message(sm, pred, depth + 1))
            return true;
    }
    return false;
}

#endif
