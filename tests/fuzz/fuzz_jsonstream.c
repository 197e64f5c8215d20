/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fuzz_jsonstream.c — the records of `liuhen append --json FILE|-`
 * (tools/liuhen/jsonstream.h, record.h): the input is read as a stream of
 * JSON objects, each made into an INTERFERENCE record of a case the way
 * the CLI makes one.
 *
 * Invariants: the reading ends (every call consumes input or ends the
 * stream), with no more objects than the input has bytes; an object's
 * line is never before the previous one's nor past the input's lines; every
 * refusal has a detail sentence; a record that merges passes or fails
 * record_check() with a sentence too, and is freed whole.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "jsonstream.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *f = fmemopen((void *)(uintptr_t)data, size, "rb");
    FUZZ_CHECK(f != NULL);
    unsigned long nl = 1;
    for (size_t i = 0; i < size; i++)
        nl += data[i] == '\n';
    jsonstream js;
    /* A small bound, so that the refusal of a long record is reached too. */
    jsonstream_init(&js, f, "standard input", 4096);
    size_t count = 0;
    unsigned long last = 0;
    for (;;) {
        json_t *obj = NULL;
        unsigned long line = 0;
        lh_err err = {{0}};
        int rc = jsonstream_next(&js, &obj, &line, &err);
        if (rc == 0)
            break;
        if (rc < 0) {
            fuzz_check_error(rc, &err);
            FUZZ_CHECK(obj == NULL);
            break;
        }
        FUZZ_CHECK(rc == 1 && json_is_object(obj));
        FUZZ_CHECK(line >= last && line >= 1 && line <= nl);
        last = line;
        FUZZ_CHECK(++count <= size);
        Liuhen__Entry *e = NULL;
        rc = record_new(LIUHEN__KIND__KIND_INTERFERENCE, "QJ-FUZZ", &e, &err);
        FUZZ_CHECK(rc == 0);
        rc = record_merge_json_value(e, obj, &err);
        if (rc != 0)
            fuzz_check_error(rc, &err);
        else if ((rc = record_check(e, "fuzz.example/log", &err)) != 0)
            fuzz_check_error(rc, &err);
        liuhen__entry__free_unpacked(e, NULL);
        json_decref(obj);
    }
    fclose(f);
    return 0;
}
