/*
 * fuzz.h — what every fuzz target of tests/fuzz/ shares: the libFuzzer entry
 * point and a check that aborts naming the broken invariant.
 *
 * A target is one file fuzz_<name>.c defining LLVMFuzzerTestOneInput(). It
 * links either with libFuzzer (clang -fsanitize=fuzzer) for long campaigns
 * or with tests/fuzz/driver.c, which replays the seed corpus
 * tests/fuzz/corpus/<name>/ and deterministic mutations of it (make check).
 * See tests/fuzz/README.md.
 */
#ifndef LIUHEN_FUZZ_H
#define LIUHEN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#endif
