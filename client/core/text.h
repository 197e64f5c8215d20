/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * text.h — text from outside, in one place: UTF-8 (validation, decoding,
 * cutting at a character boundary), the one set of characters that must
 * not reach a reader unseen (controls, and the hidden characters that
 * reorder or break what is shown: "Trojan Source", CVE-2021-42574), the
 * white space and invisible characters no identifier holds, how each
 * character is shown when it cannot be shown as it is, and strict base64.
 * Every parser of outside text (signed notes, entries, key files, requests)
 * and every printer of it (messages, reports, the CLI) uses these, so that
 * they all agree on what is text.
 */
#ifndef LIUHEN_TEXT_H
#define LIUHEN_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * Whether buf[0..len) is well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF). NUL bytes are valid UTF-8 here; use
 * text_has_control() to refuse them.
 */
bool text_utf8_valid(const uint8_t *buf, size_t len);

/** What text_utf8_next() returns for a byte that starts no well-formed sequence. */
#define TEXT_NOT_UTF8 UINT32_MAX

/**
 * Decode the code point at s[*i] and step past it, strictly (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF, no sequence cut
 * by the end).
 * @return the code point; TEXT_NOT_UTF8 for a byte that starts no
 *         well-formed sequence (*i then steps over that one byte).
 */
uint32_t text_utf8_next(const uint8_t *s, size_t len, size_t *i);

/** C0 controls, DEL and C1 controls (U+0000..U+001F, U+007F..U+009F). */
bool text_is_control(uint32_t cp);

/**
 * Characters that change how the text around them is shown without being
 * seen: the bidirectional marks, embeddings, overrides and isolates of
 * Unicode UAX #9 (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069)
 * and the line and paragraph separators U+2028 and U+2029. A record must
 * read the same everywhere (B§3 如实记录).
 */
bool text_is_hidden(uint32_t cp);

/** Unicode White_Space (what Go's unicode.IsSpace tests): U+0009..U+000D,
 *  U+0020, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F,
 *  U+205F, U+3000. */
bool text_is_space(uint32_t cp);

/**
 * Characters that show nothing and are not White_Space: the Mongolian vowel
 * separator, zero-width spaces and joiners, the word joiner and invisible
 * operators, the byte order mark, the Hangul fillers. No identifier holds
 * one.
 */
bool text_is_invisible(uint32_t cp);

/** text_show_next() flags. */
enum {
    TEXT_SHOW_NEWLINES = 1 << 0, /**< LF stays as it is */
    TEXT_SHOW_QUOTED = 1 << 1,   /**< ' and \ are escaped too (text shown between quotes) */
    TEXT_SHOW_C_NAMES = 1 << 2,  /**< \n, \t, \r for LF, TAB, CR */
};

/** Room for one piece of text_show_next(), with its NUL. */
#define TEXT_SHOWN_MAX 16

/**
 * The next character of s[*i..len) as it may be shown to a person without
 * anything reading differently from what it is: the character itself; or,
 * escaped, a byte that starts no UTF-8 sequence (\xNN), a control
 * character (\xNN, or \uNNNN for C1), a hidden one (\uNNNN), and what
 * flags ask for.
 * @param[out] piece  TEXT_SHOWN_MAX bytes, NUL-terminated.
 * @return the length of piece; *i steps past the character.
 */
size_t text_show_next(const uint8_t *s, size_t len, size_t *i, unsigned flags,
                      char piece[TEXT_SHOWN_MAX]);

/**
 * Whether buf[0..len) holds a control character other than those allowed:
 * C0 controls (U+0000..U+001F) and DEL (U+007F) are control characters;
 * `allow_newline` lets LF (0x0A) through. C1 controls are not checked (they
 * are multi-byte in UTF-8 and handled by the caller if needed).
 */
bool text_has_control(const uint8_t *buf, size_t len, bool allow_newline);

/**
 * The columns a character takes on a terminal: 2 for East Asian Wide and
 * Fullwidth (Unicode UAX #11, the ranges Chinese records meet: Hangul
 * Jamo, CJK radicals to Yi, Hangul syllables, compatibility ideographs,
 * vertical and small forms, fullwidth forms, the supplementary ideographic
 * planes), 0 for a combining mark, a zero-width space or joiner and the
 * byte order mark, 1 for the rest.
 */
unsigned text_cp_columns(uint32_t cp);

/**
 * The columns the NUL-terminated UTF-8 text s takes on a terminal, the sum
 * of text_cp_columns(), to line up tables, summaries and help texts ("干预
 * -1" takes six). A byte that is not UTF-8 takes one column.
 */
size_t text_columns(const char *s);

/**
 * Copy the NUL-terminated src into dst, cut at a UTF-8 character boundary
 * when it does not fit, so that a cut text stays valid UTF-8.
 * @param[out] dst  cap bytes (cap > 0), always NUL-terminated.
 * @return the length written.
 */
size_t text_copy_cut(char *dst, size_t cap, const char *src);

/**
 * Decode standard base64 (RFC 4648 §4, with padding, canonical) exactly:
 * the decoded length must be between min_len and max_len.
 * @param[out] out      room for max_len bytes.
 * @param[out] out_len  the decoded length.
 * @return 0, LH_EBASE64 for bad characters, padding or non-canonical bits,
 *         LH_ELENGTH when the decoded length is out of bounds.
 */
int text_b64_decode(uint8_t *out, size_t max_len, size_t *out_len, const char *b64, size_t b64_len,
                    size_t min_len);

/** Room text_b64_encode needs for n bytes, including the terminating NUL. */
#define TEXT_B64_LEN(n) ((((n) + 2) / 3) * 4 + 1)

/**
 * Encode standard base64 with padding into out (NUL-terminated).
 * @param[out] out  at least TEXT_B64_LEN(len) bytes.
 * @return the length written, without the NUL.
 */
size_t text_b64_encode(char *out, const uint8_t *buf, size_t len);

/** A 32-byte hash as a checkpoint shows it: padded base64 (tlog-checkpoint). */
typedef struct text_b64_hash {
    char s[TEXT_B64_LEN(32)];
} text_b64_hash;

/**
 * hash in base64, returned by value so that one message can show several
 * (`text_b64_of_hash(a).s`, valid until the end of the full expression).
 */
text_b64_hash text_b64_of_hash(const uint8_t hash[32]);

/**
 * A canonical decimal, as C2SP formats write sizes and indexes: s[0..len)
 * only ASCII digits, no leading zero ("0" alone for zero).
 * @return 0; LH_EPARSE (empty, another character, a leading zero);
 *         LH_ERANGE (above 2^64 - 1).
 */
int text_decimal(const char *s, size_t len, uint64_t *out);

/**
 * Whether `name` designates the enum value `want`: with or without
 * `prefix` ("KIND_", "ROLE_"), ASCII case folded and '-' read as '_',
 * without the locale: "investigation-step", "KIND_INVESTIGATION_STEP".
 * @param[in] prefix  upper case, with its '_'.
 * @param[in] want    the value's name without the prefix, upper case.
 */
bool text_enum_name_is(const char *name, const char *prefix, const char *want);

#endif
