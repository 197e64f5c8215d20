/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * i18n.h — the messages people read, in Chinese or in English as the
 * locale says, through GNU gettext (glibc's libintl; Debian's `gettext`
 * package for msgfmt and xgettext at build time).
 *
 * The English text in the code is the message id; po/zh_CN.po holds the
 * Chinese, in the regulations' own vocabulary (干预插手记录, 存证时间,
 * 第三方见证签名, 第N号记录...). `make` compiles every po/LANG.po into
 * BUILD/locale/LANG/LC_MESSAGES/liuhen.mo; `make install` puts them under
 * PREFIX/share/locale. LANG=zh_CN.UTF-8 gives Chinese; LANG=C, C.UTF-8 or an
 * English locale gives the English of the code.
 *
 * How a program uses it (liuhen-verify and liuhen-witness do; the CLI and
 * liuhend are to follow the same steps):
 *
 *   1. main() calls i18n_init() first, before anything is printed.
 *   2. Every string a person reads goes through _(): the help, usage and
 *      error messages, the labels and verdicts of a report, the lines an
 *      operator reads in a log:
 *
 *          fprintf(stderr, _("%s: cannot read the key: %s\n"), path, why);
 *
 *      A message is a whole sentence with its printf conversions, never
 *      pieced together from fragments, so that a translation can order
 *      its words as Chinese does; the conversions stay the same and in the
 *      same order (msgfmt --check refuses a translation that changes them).
 *      The long help goes one message a paragraph or an option.
 *      A string in a table initialised at compile time is marked with N_()
 *      and translated where it is printed: fputs(_(table[i].summary), f).
 *      A count in a sentence takes ngettext(one, many, n) when the English
 *      has a plural. A message that needs a word to the translator has a
 *      comment starting "TRANSLATORS:" just before it. Never _(""): it is
 *      the catalogue's header.
 *   3. What is not translated: protocol text (HTTP bodies, JSON keys and
 *      values, the checkpoint and note formats), names of options, commands,
 *      checks and enum values, and lines written for a program to read
 *      ("listening on ADDR:PORT"). Text that the code already holds in both
 *      languages as data (a finding's Chinese and English sentences, the
 *      title of a rule, a kind's Chinese label and its enum name) is not put
 *      in the catalogue again: i18n_pick(zh, en) chooses one.
 *   4. `make pot` regenerates po/liuhen.pot from the sources (xgettext,
 *      keywords _, N_ and ngettext); the new messages are then translated
 *      in po/zh_CN.po (msgmerge --update po/zh_CN.po po/liuhen.pot first).
 *      tests/test_i18n.sh fails while po/liuhen.pot is out of date or a
 *      message has no Chinese, or only a fuzzy one; a test that asserts a
 *      message's words sets the language with tu_set_language() (C tests)
 *      or LANG=... (shell tests, which run in C.UTF-8 otherwise).
 *
 * It lives in the format core, which prints nothing itself, because the
 * core is the one layer every program links: liuhend links the core
 * without the client library, the tools link both. It adds no library:
 * gettext is glibc's.
 *
 * Thread safety: i18n_init() from main(), before other threads start;
 * gettext(), i18n_zh() and i18n_pick() from any thread.
 */
#ifndef LIUHEN_I18N_H
#define LIUHEN_I18N_H

#include <libintl.h>
#include <stdbool.h>

/** The gettext text domain: BUILD/locale/LANG/LC_MESSAGES/liuhen.mo. */
#define I18N_DOMAIN "liuhen"

/** A message, translated. */
#define _(s) gettext(s)

/** A message marked for translation where it is defined, translated where it is printed. */
#define N_(s) (s)

/**
 * Set the locale from the environment and bind the text domain. The
 * catalogues are looked for in BUILD/locale when the program runs from
 * the build tree (its binary in BUILD/bin or BUILD/tests, beside a
 * ../locale directory), else in LH_LOCALEDIR (PREFIX/share/locale).
 *
 * A locale that is not installed (Debian ships only C, C.UTF-8 and POSIX
 * until locale-gen is run) would otherwise silence the translation:
 * setlocale(LC_ALL, "") fails for LANG=zh_CN.UTF-8, and glibc ignores
 * LANGUAGE in the "C" locale. The locale is then C.UTF-8 (UTF-8 output),
 * and, when LANGUAGE is not set, LANGUAGE is set to the language of
 * LC_ALL, LC_MESSAGES or LANG, the first set ("zh_CN" of
 * "zh_CN.UTF-8"), which glibc's gettext honours in any locale but "C":
 * Chinese without locale-gen. Programs this one starts inherit it.
 *
 * @note Calling it again re-reads the environment (tests switch languages
 *       with it); it never fails: at worst the messages are in English.
 */
void i18n_init(void);

/**
 * Whether the messages are in Chinese: the catalogue gettext found for
 * this domain is a Chinese one (its header says "Language: zh...").
 */
bool i18n_zh(void);

/**
 * Of two texts of the same thing, the one in the language of the messages:
 * zh when they are in Chinese, en otherwise; the other one when the chosen
 * one is empty. Returns one of its arguments.
 */
const char *i18n_pick(const char *zh, const char *en);

#endif
