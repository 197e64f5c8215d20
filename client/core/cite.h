/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * cite.h — our short references to the two regulations, cited the way an
 * official cites them, and in English.
 *
 * Everywhere in liuhen (proto/liuhen.proto, docs/regulation.md, the
 * verifier's rules) an article is named by a short reference: "A§10(1)" is
 * article 10, item (1), of regulation A (行政执法案件错案责任倒查问责制度,
 * wrongful-case accountability); "B§3" is article 3 of regulation B
 * (行政执法机关内部人员干预、插手案件办理的记录、通报和责任追究制度,
 * internal interference records). The grammar:
 *
 *   list  = ref *( sep ref )        sep = *" " ( "," / "，" / "、" ) *" "
 *   ref   = ( "A" / "B" ) "§" article [ "bis" ] *( "(" item ")" )
 *
 * with article and item decimal numbers without a leading zero, each
 * article one the regulation has, each item one its article has, items in
 * increasing order: "A§10(2)(3)", "A§8, A§9, A§11", "B§10(7)".
 *
 * The source text (docs/regulation-original-zh.txt) has two slips that
 * references must get past, and that citations print as they are and
 * explain:
 *
 * - B numbers two articles 第十条: the first (the kinds of interference,
 *   after 第九条) and a second, on retaliation against a handler who
 *   recorded, printed after 第十一条. "B§10" is the first; "B§10bis" is
 *   the second, which has no items. Both are cited "第十条", followed by
 *   which one is meant: "第十条（第九条之后的第十条）",
 *   "第十条（第十一条之后的第十条）".
 * - The first 第十条 of B prints item （五） twice: its seventh item, the
 *   catch-all "其他影响执法人员依法公正处理案件的干预、插手案件办理的
 *   行为", is numbered （五） again. Our references count items as they
 *   come: "B§10(7)" is that second （五）, cited
 *   "第十条第（五）项（第二个第（五）项，即兜底项）"; "B§10(5)" is the first,
 *   cited "第十条第（五）项（第一个第（五）项）".
 *
 * Items are cited as printed too: A's articles 4, 5 and 11 number their
 * items "1.", "2." ("第十一条第1项"), the others "（一）" ("第十条第（一）项").
 *
 * Every function is pure (no allocation, no I/O, no global state) and
 * thread-safe. Anything that is not such a reference list (a rule citing
 * 行政处罚法, an article a regulation does not have, text from outside) is
 * given back unchanged: these functions never fail on their input.
 */
#ifndef LIUHEN_CITE_H
#define LIUHEN_CITE_H

#include <stddef.h>

#include "errors.h"

/**
 * Room for the citation of a reference list of a few articles in any form,
 * with its NUL (the longest the schema and the verifier's rules use are
 * well under half of it). A longer one is cut (LH_ETOOBIG).
 */
#define CITE_MAX 1024

/** The forms of a citation. */
typedef enum cite_form {
    /** "《行政执法案件错案责任倒查问责制度》第十条第（一）项" */
    CITE_ZH,
    /** "错案追究制度第十条第（一）项": the short names, for tables */
    CITE_ZH_SHORT,
    /** "Art. 10(1) of the Wrongful-Case Accountability Rules" */
    CITE_EN,
} cite_form;

/**
 * Cite a reference list in one form. Consecutive references to the same
 * regulation name it once: "A§8, A§9, A§11" is
 * "《行政执法案件错案责任倒查问责制度》第八条、第九条、第十一条" and
 * "Arts. 8, 9 and 11 of the Wrongful-Case Accountability Rules".
 * @param[out] out   size bytes, always NUL-terminated when size > 0; a text
 *                   that does not fit is cut at a UTF-8 character boundary.
 * @param[in]  ref   the reference list, NUL-terminated; borrowed.
 * @return 0 when ref was cited whole; LH_EPARSE when ref is not a reference
 *         list (out then holds ref itself, unchanged, cut like a citation if
 *         it does not fit); LH_ETOOBIG when the citation was cut to fit;
 *         LH_EINVAL when out is NULL or size is 0 (nothing written) or ref
 *         is NULL (out is "").
 */
int cite_format(char *out, size_t size, const char *ref, cite_form form);

/** cite_format(out, size, ref, CITE_ZH): "A§10(1)" →
 *  "《行政执法案件错案责任倒查问责制度》第十条第（一）项". */
int cite_zh(char *out, size_t size, const char *ref);

/** cite_format(out, size, ref, CITE_ZH_SHORT): "B§3" → "干预记录制度第三条". */
int cite_zh_short(char *out, size_t size, const char *ref);

/** cite_format(out, size, ref, CITE_EN): "A§10(1)" →
 *  "Art. 10(1) of the Wrongful-Case Accountability Rules". */
int cite_en(char *out, size_t size, const char *ref);

/**
 * The name of regulation 'A' or 'B' in one form: its title between book
 * title marks (CITE_ZH), its short name (CITE_ZH_SHORT) or its English
 * short name (CITE_EN), for a legend such as "错案追究制度：《…》".
 * @return a static string; NULL for another letter or form.
 */
const char *cite_regulation_name(char regulation, cite_form form);

#endif
