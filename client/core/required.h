/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * required.h — what the regulations ask of one record by itself, kind by
 * kind, as data (docs/regulation.md "What each kind of record carries" and
 * the per-record rules of "Rules the verifier checks"):
 *
 *   INTERFERENCE  R1  time, place, person (name, B§2 relation), manner,
 *                     content (B§3); R2 to whom it was reported, not the
 *                     bureau head alone, and when (B§3)
 *   GUIDANCE      R9  its form: written, or oral and recorded (B§7)
 *   COMPLAINT     R3  received, 受理 and jurisdiction (A§10(1))
 *   TRANSFER      R3  which complaint, to whom, when (A§10(1))
 *   REPLY         R4  which complaint, when (A§10(1))
 *   INVESTIGATION_ASSIGNED  R5  a named team (A§10(2))
 *   DECISION      R6  the leadership's collective discussion: when, two or
 *                     more named participants, before the decision
 *                     (A§10(3)); R7 a wrongful case names who is
 *                     responsible (A§10(3), A§11)
 *   REVIEW_ORDER  R8  which decision, when (A§10(3))
 *   NOTIFICATION  R14 a notice of interference names its approval (B§10)
 *   CORRECTION    R11 which record it corrects (B§3)
 *
 * A record that misses one is still a valid entry (liuhen.proto: "regulation
 * completeness is not a reason to refuse a record"): the verifier reports
 * it as a finding of the rule named. `liuhen append` checks a record
 * against this table before signing, `liuhen help KIND` marks the fields
 * it requires, and lh_record_check() offers the same check to programs; the
 * verifier's per-record rules can read the same table, so that what is
 * asked at the moment of recording and what is found later agree.
 *
 * Paths are dotted paths of .proto field names inside the kind's body
 * ("person.name"); a path through a list reaches every item
 * ("collective_discussion.participants.name").
 *
 * Pure: constant tables read through the protobuf-c descriptors; no
 * allocation, no I/O, thread-safe. Strings returned are static UTF-8.
 */
#ifndef LIUHEN_REQUIRED_H
#define LIUHEN_REQUIRED_H

#include <stdbool.h>
#include <stddef.h>

#include "liuhen.pb-c.h"

/** One thing the regulations ask of a record of a kind. */
typedef struct required_item {
    Liuhen__Kind kind;
    /** The field, a dotted path inside the body: "place", "person.name". */
    const char *path;
    /** How many stated values the path must reach (0 is read as 1): two
     *  named participants of a collective discussion. */
    unsigned min;
    /** What is missing, in the regulation's words; NULL: the field's label
     *  (labels_field()). */
    const char *label;
    /** The rule of docs/regulation.md that reports it in a logged record
     *  (1 for R1), and the article it cites. */
    int rule;
    const char *article;
    /** What the article asks, as the sentence quotes it: "B§3：时间、地点、
     *  人物、方式、内容". Requirements with the same ask are listed together. */
    const char *ask;
    /** NULL, or the path of a bool or enum field of the body: the
     *  requirement holds only when that field is when_is. */
    const char *when;
    int when_is;
    /** NULL, or the path of a time of the body that this one (a time) may
     *  not come after, when both are stated. */
    const char *not_after;
    /** An enum value that does not meet the requirement (0: none), and what
     *  is then said to be missing. */
    int not_value;
    const char *not_label;
} required_item;

/**
 * The requirements of a kind, in the order the regulations list them.
 * @param[out] n  how many; 0 for a kind that has none (and for undefined kinds).
 * @return the first of *n items, or NULL when there are none.
 */
const required_item *required_of_kind(Liuhen__Kind kind, size_t *n);

/** "R1".."R17" for a rule number; "" for another number. */
const char *required_rule_id(int rule);

/** The member of Entry's body oneof that a kind carries, by its descriptor; NULL when none. */
const ProtobufCFieldDescriptor *required_body_field(Liuhen__Kind kind);

/** A requirement that a record does not meet. */
typedef struct required_miss {
    const required_item *item;
    /** What is missing, in the regulation's words: the item's label, its
     *  not_label, or the label of the whole submessage that is absent
     *  ("人物" when the record names no person at all). */
    const char *label;
    /** Bytes of item->path that name what is missing: "person" (6) when
     *  the whole person is absent, all of it otherwise. */
    size_t path_len;
} required_miss;

/**
 * The requirements of its kind that a record does not meet. A submessage
 * that is absent altogether is one miss, under its own label (no person:
 * "人物", not "人物姓名" and "人物与本机关的关系").
 * @param[in]  e    the record; not modified. A record of a kind whose body
 *                  is not set misses every requirement that holds.
 * @param[out] out  room for cap misses, in the order of the table; the
 *                  first cap are written. May be NULL when cap is 0.
 * @return how many requirements it misses (possibly more than cap);
 *         LH_EINVAL for a NULL e, or a NULL out with cap > 0.
 */
int required_check(const Liuhen__Entry *e, required_miss *out, size_t cap);

/**
 * The sentence that says what a record misses, in Chinese, the kind's label
 * first and each group of misses followed by what its article asks:
 * "干预插手记录缺少：地点、人物（B§3：时间、地点、人物、方式、内容）；报告时间（B§3：…）".
 * @param[out] buf   cap bytes (cap > 0), NUL-terminated; a sentence that
 *                   does not fit is cut at a character boundary and ends
 *                   with "…". "" when n is 0.
 * @param[in]  miss  n misses of required_check() for a record of kind.
 * @return the length written.
 */
size_t required_sentence(char *buf, size_t cap, Liuhen__Kind kind, const required_miss *miss,
                         size_t n);

/** Room for every miss of one record: no kind has more requirements. */
#define REQUIRED_MAX_PER_KIND 16

#endif
