/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * registers.h — the 登记表 an inspector files, one row per matter, from
 * the verified matters of the log (matters.h):
 *
 *   - interference (《干预记录制度》第三条): 序号, 日期 (occurred, Beijing
 *     time), 案件, 干预人/身份 (name and B§2 relation), 方式, 内容摘要, 类别
 *     (B§10), 记录人, 报告对象/时间, 处理 (the SUPERVISION_CHECKs,
 *     RECOMMENDATIONs and REPORTs that name it), 通报 (NOTIFICATIONs);
 *   - complaints (《错案追究制度》第十条第（一）项): received, channel,
 *     source (A§5), complainant, case, 受理, transfers and replies with
 *     their dates, outcome;
 *   - decisions (第十条第（三）项, 第十一条, 第十二条): decided, case,
 *     wrongful or not, fault (the A§6 conducts of the case's complaint),
 *     responsible persons, sanctions, served (SERVICE), review order.
 *
 * Each row ends with the matter's entry index and, when a CORRECTION by
 * its author changed it, the correcting entries and fields: the row shows
 * the corrected values. Rows are those whose date is within --from/--to.
 */
#ifndef LIUHEN_VERIFY_REGISTERS_H
#define LIUHEN_VERIFY_REGISTERS_H

#include <stdbool.h>
#include <stdio.h>

#include "matters.h"
#include "table.h"

typedef enum registers_kind {
    REGISTERS_INTERFERENCE,
    REGISTERS_COMPLAINTS,
    REGISTERS_DECISIONS,
} registers_kind;

/**
 * The kind --register names: "interference", "complaints", "decisions".
 * @return 0, or LH_EINVAL for another name.
 */
int registers_kind_parse(const char *name, registers_kind *out);

/**
 * Print a register: the title line and aligned columns, or CSV (with a
 * UTF-8 byte order mark, for Excel and WPS).
 * @return 0, LH_ENOMEM.
 */
int registers_print(FILE *f, registers_kind kind, const matters *m, const matters_scope *s,
                    bool csv);

/** How a complaint ended, as its register and the statistics say it. */
typedef enum registers_outcome {
    OUTCOME_NONE,         /* nothing answered it */
    OUTCOME_ACKNOWLEDGED, /* only told it was accepted */
    OUTCOME_RESULT,       /* told the result (A§10(1)) */
    OUTCOME_NOT_ACCEPTED, /* told it is not accepted */
    OUTCOME_TRANSFERRED,  /* transferred to the competent authority */
} registers_outcome;

registers_outcome registers_complaint_outcome(const matter *c);
/** The outcome's words, in the language of the messages. */
const char *registers_outcome_text(registers_outcome o);

/** A B§2 relation's label, or "" (the language of the messages). */
const char *registers_relation(int relation);

#endif
