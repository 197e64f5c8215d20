/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * cosig.h — C2SP witness cosignatures, Ed25519 version
 * (c2sp.org/tlog-cosignature, note signature type 0x04, "cosignature/v1").
 *
 * A cosignature is a note signature line on a checkpoint whose signature
 * bytes are key id (4) || timestamp (8, big-endian) || Ed25519 (64), the
 * Ed25519 signature being over
 *     "cosignature/v1\ntime " decimal(timestamp) "\n" || checkpoint text.
 * note_open() calls cosig_verify_sig() for type 0x04 known keys.
 * No allocation, no I/O, no clock; every function returns 0 or a negative
 * LH_E* code.
 */
#ifndef LIUHEN_COSIG_H
#define LIUHEN_COSIG_H

#include <stddef.h>
#include <stdint.h>

#include "checkpoint.h"
#include "errors.h"
#include "note.h"

/** Signature bytes after the key id: timestamp (8) || Ed25519 signature (64). */
#define COSIG_SIG_LEN 72
/** tlog-cosignature "Format": the timestamp MUST NOT exceed 2^63 - 1. */
#define COSIG_TIMESTAMP_MAX ((uint64_t)INT64_MAX)
/** Longest message header: "cosignature/v1\n" "time " 19 digits "\n". */
#define COSIG_HEADER_MAX (15 + 5 + 19 + 1)
/** Longest signed message: the header and a checkpoint text. */
#define COSIG_MESSAGE_MAX (COSIG_HEADER_MAX + CHECKPOINT_TEXT_MAX)

/**
 * Build the signed message (tlog-cosignature "Ed25519 signed message"):
 * "cosignature/v1\ntime " decimal(timestamp, no leading zero) "\n" || text.
 * @param[out] out        cap bytes (COSIG_MESSAGE_MAX suffices for a checkpoint
 *                        text); written on success.
 * @param[out] out_len    the message length.
 * @param[in]  timestamp  POSIX seconds, at most COSIG_TIMESTAMP_MAX.
 * @param[in]  text       text_len bytes, the cosigned note text.
 * @return 0; LH_EINVAL for NULL arguments; LH_ERANGE for a timestamp above
 *         COSIG_TIMESTAMP_MAX; LH_ETOOBIG when cap is too small.
 */
int cosig_message(uint8_t *out, size_t cap, size_t *out_len, uint64_t timestamp,
                  const uint8_t *text, size_t text_len);

/**
 * Cosign a checkpoint: the witness signature line
 * "— " name " " base64(keyid || uint64be(timestamp) || Ed25519(message)) "\n".
 * The text must be a checkpoint (tlog-cosignature "Format": a cosignature is
 * applied to a checkpoint), and the signature is verified before returning.
 * Checking that the checkpoint is signed by the log and consistent with the
 * previous one is the caller's job (cosig_append() checks the signature).
 * @param[in]  witness    a type 0x04 signer.
 * @param[in]  text       the checkpoint note text (no signature lines).
 * @param[in]  timestamp  POSIX seconds, at most COSIG_TIMESTAMP_MAX.
 * @param[out] line       cap bytes (NOTE_SIGLINE_MAX suffices); not NUL-terminated.
 * @param[out] line_len   the line length, its final '\n' included.
 * @param[out] err        optional detail.
 * @return 0; LH_EINVAL; LH_EALGO (witness not type 0x04); LH_ERANGE
 *         (timestamp); the codes of checkpoint_parse_text(); LH_ETOOBIG (cap);
 *         LH_EINTERNAL (own signature failed to verify).
 */
int cosig_sign(const note_signer *witness, const uint8_t *text, size_t text_len, uint64_t timestamp,
               uint8_t *line, size_t cap, size_t *line_len, lh_err *err);

/**
 * Verify the signature bytes of a type 0x04 line (called by note_open()).
 * @param[in]  witness    a type 0x04 verifier whose name and key id the line
 *                        carried.
 * @param[in]  text       the note text (at most CHECKPOINT_TEXT_MAX bytes;
 *                        whether it is a checkpoint is checked by
 *                        checkpoint_open(), not here).
 * @param[in]  sig        sig_len bytes after the key id: timestamp || signature.
 * @param[out] timestamp  the verified timestamp; written only on success.
 * @return 0; LH_EINVAL for NULL arguments or a witness that is not type
 *         0x04; LH_EBADSIG when sig is not 72 bytes, its timestamp exceeds
 *         2^63 - 1, the text is too long, or Ed25519 verification fails.
 * @note Timestamps in the future are not rejected here (no clock): the
 *       caller MAY do so (tlog-cosignature "Format").
 */
int cosig_verify_sig(const note_verifier *witness, const uint8_t *text, size_t text_len,
                     const uint8_t *sig, size_t sig_len, uint64_t *timestamp);

/**
 * Add a witness cosignature to a signed checkpoint: open it with
 * checkpoint_open() and the log key (so a witness never cosigns what the log
 * did not sign), cosign its text, and write the note with the new line last.
 * An earlier line with the witness's name and key id is dropped, as Go's
 * note.Sign does for a re-signing key; other lines are kept as they are.
 * @param[in]  note      the signed checkpoint, note_len bytes.
 * @param[in]  log_key   the log's verifier key.
 * @param[in]  witness   a type 0x04 signer.
 * @param[in]  timestamp POSIX seconds, at most COSIG_TIMESTAMP_MAX.
 * @param[out] out       cap bytes, must not overlap note; written on success.
 * @param[out] out_len   the cosigned note's length.
 * @param[out] err       optional detail.
 * @return 0; the codes of checkpoint_open() and cosig_sign(); LH_EINVAL
 *         (witness has the log key's name and key id); LH_ETOOMANYSIGS (the
 *         result would have more than NOTE_MAX_SIGS lines); LH_ETOOBIG (cap,
 *         or the result would exceed NOTE_MAX_SIZE).
 */
int cosig_append(const uint8_t *note, size_t note_len, const note_verifier *log_key,
                 const note_signer *witness, uint64_t timestamp, uint8_t *out, size_t cap,
                 size_t *out_len, lh_err *err);

#endif
