/*
 * text.h — UTF-8 and control-character checks shared by every parser of
 * outside text (signed notes, entries, key files).
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

/**
 * Whether buf[0..len) holds a control character other than those allowed:
 * C0 controls (U+0000..U+001F) and DEL (U+007F) are control characters;
 * `allow_newline` lets LF (0x0A) through. C1 controls are not checked (they
 * are multi-byte in UTF-8 and handled by the caller if needed).
 */
bool text_has_control(const uint8_t *buf, size_t len, bool allow_newline);

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

#endif
