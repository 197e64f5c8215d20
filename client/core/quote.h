/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * quote.h — text from outside (a server's message, a case id, a value, a
 * path or a JSON key from the user) made safe to quote in an error message
 * that a terminal will show: hostile input must not forge lines or reorder
 * a message. And the sentence itself, cut to fit an lh_err.
 */
#ifndef LIUHEN_QUOTE_H
#define LIUHEN_QUOTE_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"

/** Room for a server's message quoted in an error. */
#define QUOTE_MESSAGE_MAX 144

/**
 * Copy `in` into out as it reads, with what cannot be shown replaced by
 * '?': each control or hidden character (text_is_control(),
 * text_is_hidden()) and each byte that is not UTF-8. The copy is cut at a
 * character boundary. For messages and names shown as they are.
 * @param[out] out  cap bytes, always NUL-terminated when cap > 0.
 * @param[in]  in   NUL-terminated; NULL gives "".
 */
void quote_text(char *out, size_t cap, const char *in);

/**
 * Copy at most max bytes of s[0..len) into dst, each character as
 * text_show_next() shows it: controls as \xNN (C1 as \uNNNN), hidden
 * characters ("Trojan Source", CVE-2021-42574) as \uNNNN, bytes that are
 * not UTF-8 as \xNN and, for text shown between quotes, the quote ' and
 * the backslash as \xNN too. A cut never splits a character and ends in
 * "...". For values and paths that the reader must see exactly.
 * @param[out] dst  cap bytes, NUL-terminated; 4 * max + 8 bytes hold any
 *                  input of up to max bytes whole.
 * @return dst.
 */
const char *quote_escape(char *dst, size_t cap, const char *s, size_t len, size_t max, bool quoted);

/**
 * Set err to the sentence msg (code as its code), cut at a UTF-8 character
 * boundary with a visible "..." when it is longer than lh_err holds
 * (paths and values may be Chinese).
 * @param[out] err  may be NULL.
 * @return code.
 */
int quote_err_set(lh_err *err, int code, const char *msg);

#endif
