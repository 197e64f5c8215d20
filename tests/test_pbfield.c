/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_pbfield.c — a field of a protobuf-c message through its descriptor
 * (client/core/pbfield.h): the size of a value, the items of a repeated
 * field, presence by the rules protobuf_c_message_pack() writes by, and
 * clearing a field of an unpacked message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "liuhen.pb-c.h"
#include "pbfield.h"

static const ProtobufCFieldDescriptor *field(const ProtobufCMessageDescriptor *d, const char *name)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(d, name);
    assert_non_null(f);
    return f;
}

static bool present(const ProtobufCMessage *m, const char *name)
{
    return pbfield_present(m, field(m->descriptor, name));
}

static void test_elt_size(void **state)
{
    (void)state;
    assert_int_equal(pbfield_elt_size(PROTOBUF_C_TYPE_INT32), 4);
    assert_int_equal(pbfield_elt_size(PROTOBUF_C_TYPE_ENUM), 4);
    assert_int_equal(pbfield_elt_size(PROTOBUF_C_TYPE_UINT64), 8);
    assert_int_equal(pbfield_elt_size(PROTOBUF_C_TYPE_DOUBLE), 8);
    assert_int_equal(pbfield_elt_size(PROTOBUF_C_TYPE_BOOL), sizeof(protobuf_c_boolean));
    assert_int_equal(pbfield_elt_size(PROTOBUF_C_TYPE_STRING), sizeof(char *));
    assert_int_equal(pbfield_elt_size(PROTOBUF_C_TYPE_BYTES), sizeof(ProtobufCBinaryData));
    assert_int_equal(pbfield_elt_size((ProtobufCType)99), 0);
}

/* Proto3 scalars are present when not zero, and pack writes exactly those. */
static void test_present_proto3(void **state)
{
    (void)state;
    Liuhen__Entry e = LIUHEN__ENTRY__INIT;
    const ProtobufCMessage *m = &e.base;
    assert_false(present(m, "kind"));
    assert_false(present(m, "case_id"));
    assert_false(present(m, "author_key"));
    assert_false(present(m, "recorded_at"));
    assert_int_equal(protobuf_c_message_get_packed_size(m), 0);
    uint8_t key[32] = {1};
    e.kind = LIUHEN__KIND__KIND_INTERFERENCE;
    e.case_id = "QJ-2026-7";
    e.author_key = (ProtobufCBinaryData){sizeof key, key};
    e.recorded_at = -1;
    assert_true(present(m, "kind"));
    assert_true(present(m, "case_id"));
    assert_true(present(m, "author_key"));
    assert_true(present(m, "recorded_at"));
    e.case_id = "";
    assert_false(present(m, "case_id"));
}

/* A oneof member is present when it is the one set, and not NULL. */
static void test_present_oneof(void **state)
{
    (void)state;
    Liuhen__Entry e = LIUHEN__ENTRY__INIT;
    Liuhen__Interference in = LIUHEN__INTERFERENCE__INIT;
    const ProtobufCMessage *m = &e.base;
    assert_false(present(m, "interference"));
    e.body_case = LIUHEN__ENTRY__BODY_INTERFERENCE;
    assert_false(present(m, "interference")); /* set, but NULL: pack leaves it out */
    e.interference = &in;
    assert_true(present(m, "interference"));
    assert_false(present(m, "complaint"));
    assert_true(pbfield_is_oneof(field(m->descriptor, "interference")));
    assert_false(pbfield_is_oneof(field(m->descriptor, "case_id")));
}

static void test_repeated(void **state)
{
    (void)state;
    Liuhen__Interference in = LIUHEN__INTERFERENCE__INIT;
    const ProtobufCMessage *m = &in.base;
    const ProtobufCFieldDescriptor *f = field(m->descriptor, "categories");
    assert_int_equal(pbfield_count(m, f), 0);
    assert_false(pbfield_present(m, f));
    Liuhen__InterferenceCategory cats[2] = {(Liuhen__InterferenceCategory)1,
                                            (Liuhen__InterferenceCategory)2};
    in.n_categories = 2;
    in.categories = cats;
    assert_int_equal(pbfield_count(m, f), 2);
    assert_true(pbfield_present(m, f));
    assert_ptr_equal(pbfield_item(m, f, 1), &cats[1]);
}

/* Clearing a field of an unpacked message frees what it owns and puts back
 * the initial value; the message is then freed whole (ASan checks both). */
static void test_clear(void **state)
{
    (void)state;
    Liuhen__Entry e = LIUHEN__ENTRY__INIT;
    Liuhen__Interference in = LIUHEN__INTERFERENCE__INIT;
    uint8_t key[32] = {1};
    e.case_id = "QJ-2026-7";
    e.author_key = (ProtobufCBinaryData){sizeof key, key};
    e.recorded_at = 5;
    in.place = "办公室";
    e.body_case = LIUHEN__ENTRY__BODY_INTERFERENCE;
    e.interference = &in;
    uint8_t buf[256];
    size_t len = liuhen__entry__pack(&e, buf);
    Liuhen__Entry *u = liuhen__entry__unpack(NULL, len, buf);
    assert_non_null(u);
    ProtobufCMessage *m = &u->base;
    const char *names[] = {"case_id", "author_key", "recorded_at", "interference"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        assert_true(present(m, names[i]));
        pbfield_clear(m, field(m->descriptor, names[i]));
        assert_false(present(m, names[i]));
    }
    assert_int_equal(u->body_case, LIUHEN__ENTRY__BODY__NOT_SET);
    assert_int_equal(protobuf_c_message_get_packed_size(m), 0);
    liuhen__entry__free_unpacked(u, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_elt_size),      cmocka_unit_test(test_present_proto3),
        cmocka_unit_test(test_present_oneof), cmocka_unit_test(test_repeated),
        cmocka_unit_test(test_clear),
    };
    return cmocka_run_group_tests_name("pbfield", tests, NULL, NULL);
}
