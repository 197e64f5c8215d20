/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_labels.c — the Chinese labels of client/labels.h, taken from the
 * comments of proto/liuhen.proto by proto/labels.awk: enum values and
 * fields, their articles, the English gloss left out, and NULL for what has
 * no Chinese term or does not exist.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "labels.h"
#include "liuhen.pb-c.h"

/* The labels come from the comments of proto/liuhen.proto (proto/labels.awk). */
static void test_labels(void **state)
{
    (void)state;
    assert_string_equal(labels_enum("liuhen.Manner", "MANNER_PHONE"), "电话");
    assert_string_equal(labels_enum_article("liuhen.Manner", "MANNER_PHONE"), "B§5");
    assert_string_equal(labels_enum_value(&liuhen__manner__descriptor, 2), "电话");
    /* The label stops before an English gloss; several articles are kept. */
    assert_string_equal(labels_enum("liuhen.Role", "ROLE_LEGAL"), "法规部门");
    assert_string_equal(labels_enum_article("liuhen.Role", "ROLE_LEGAL"), "A§3, A§7, B§3");
    assert_string_equal(labels_enum("liuhen.Role", "ROLE_ADMIN"), "系统管理员");
    assert_string_equal(labels_enum("liuhen.Sanction", "SANCTION_ENFORCEMENT_SUSPENDED"),
                        "暂停执法（暂扣行政执法证）");
    assert_string_equal(
        labels_enum("liuhen.NotificationSubject", "NOTIFICATION_SUBJECT_RETALIATION"),
        "打击报复如实记录的办案人员");
    assert_string_equal(
        labels_enum_article("liuhen.InterferenceCategory", "INTERFERENCE_CATEGORY_PLEADING_SPYING"),
        "B§10(5)");
    /* No Chinese term in the comment: no label (the CLI shows the name). */
    assert_null(labels_enum("liuhen.ReportedTo", "REPORTED_TO_UNSPECIFIED"));
    assert_null(labels_enum("liuhen.Sanction", "SANCTION_OTHER"));
    assert_null(labels_enum_article("liuhen.Kind", "KIND_CASE_CLOSED"));
    assert_string_equal(labels_enum("liuhen.Kind", "KIND_CASE_CLOSED"), "结案");
    assert_string_equal(labels_field("liuhen.Interference", "place"), "地点");
    assert_string_equal(labels_field_article("liuhen.Interference", "place"), "B§3");
    assert_string_equal(labels_field("liuhen.Interference", "person"), "人物");
    assert_string_equal(labels_field("liuhen.Person", "relation"), "与本机关关系");
    assert_null(labels_field_article("liuhen.Person", "name"));
    assert_null(labels_field("liuhen.GetEntriesRequest", "start"));
    assert_null(labels_field("liuhen.Interference", "nonexistent"));
    assert_null(labels_enum("liuhen.Nope", "MANNER_PHONE"));
    assert_null(labels_enum(NULL, "MANNER_PHONE"));
    assert_null(labels_field("liuhen.Interference", NULL));
    assert_null(labels_enum_value(NULL, 1));
    assert_null(labels_enum_value(&liuhen__manner__descriptor, 99));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels),
    };
    return cmocka_run_group_tests_name("labels", tests, NULL, NULL);
}
