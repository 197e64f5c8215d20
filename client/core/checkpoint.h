/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * checkpoint.h — C2SP transparency log checkpoints (c2sp.org/tlog-checkpoint):
 * the note text "origin\nsize\nbase64(root)\n[extension lines]", signed by the
 * log as a signed note, optionally cosigned by witnesses (cosig.h).
 *
 * liuhen requires what tlog-checkpoint "Signatures" only recommends: the log
 * key's name equals the origin line, and the log signs with Ed25519 (0x01).
 * No allocation, no I/O; every function returns 0 or a negative LH_E* code.
 */
#ifndef LIUHEN_CHECKPOINT_H
#define LIUHEN_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "note.h"

/** Longest origin line, in bytes. It equals the log key's name, so NOTE_NAME_MAX. */
#define CHECKPOINT_ORIGIN_MAX NOTE_NAME_MAX
/** Most extension lines kept (tlog-checkpoint "Note text": their use is NOT RECOMMENDED). */
#define CHECKPOINT_EXT_MAX 8
/** Longest extension line, in bytes. */
#define CHECKPOINT_EXT_LINE_MAX 256
/** Length of a root hash (RFC 6962, SHA-256). */
#define CHECKPOINT_HASH_LEN 32
/** Most witness keys checkpoint_open() takes. */
#define CHECKPOINT_WITNESS_MAX 64

/** Longest checkpoint note text: origin, a 20-digit size, a 44-character root, extension lines. */
#define CHECKPOINT_TEXT_MAX                                                                        \
    (CHECKPOINT_ORIGIN_MAX + 1 + 20 + 1 + 44 + 1 +                                                 \
     CHECKPOINT_EXT_MAX * (CHECKPOINT_EXT_LINE_MAX + 1))

/** Room for the note checkpoint_sign() writes: the text, a blank line, one signature line. */
#define CHECKPOINT_SIGNED_MAX (CHECKPOINT_TEXT_MAX + 1 + NOTE_SIGLINE_MAX)

/** A checkpoint, decoded. Strings are NUL-terminated and hold no control character. */
typedef struct checkpoint {
    char origin[CHECKPOINT_ORIGIN_MAX + 1];                    /**< non-empty */
    uint64_t size;                                             /**< number of leaves */
    uint8_t root[CHECKPOINT_HASH_LEN];                         /**< RFC 6962 root hash at size */
    size_t next;                                               /**< number of extension lines */
    char ext[CHECKPOINT_EXT_MAX][CHECKPOINT_EXT_LINE_MAX + 1]; /**< each non-empty */
} checkpoint;

/** A witness whose cosignature verified. */
typedef struct checkpoint_cosigner {
    size_t witness;     /**< index into the witnesses[] given to checkpoint_open() */
    uint64_t timestamp; /**< its cosignature timestamp (type 0x04 keys), else 0 */
} checkpoint_cosigner;

/** The result of checkpoint_open(). */
typedef struct checkpoint_opened {
    checkpoint cp;     /**< the parsed body */
    size_t ncosigners; /**< distinct witnesses whose signature verified (for --min-cosignatures) */
    checkpoint_cosigner cosigner[NOTE_MAX_SIGS];
    /**
     * Every signature line. note.sigs[].key and note.signer[].key are 0 for
     * the log key and 1 + i for witnesses[i]. Its pointers point into the note
     * buffer given to checkpoint_open() and live as long as it.
     */
    note_opened note;
} checkpoint_opened;

/**
 * Format a checkpoint's note text (tlog-checkpoint "Note text"):
 * origin LF size LF base64(root) LF, then each extension line and LF.
 * @param[out] out      cap bytes (CHECKPOINT_TEXT_MAX suffices); not NUL-terminated.
 * @param[out] out_len  the text length.
 * @param[in]  cp       the checkpoint.
 * @param[out] err      optional detail naming the field.
 * @return 0; LH_EINVAL for NULL arguments; LH_EFIELD for an empty, too long,
 *         non-UTF-8 or control-character origin or extension line, or more
 *         than CHECKPOINT_EXT_MAX extension lines; LH_ETOOBIG when cap is too small.
 */
int checkpoint_format(uint8_t *out, size_t cap, size_t *out_len, const checkpoint *cp, lh_err *err);

/**
 * Parse a checkpoint note text strictly (tlog-checkpoint "Note text"): at
 * least three non-empty lines, each ending in LF; the origin non-empty; the
 * size ASCII decimal without sign, space or leading zero (except "0") that
 * fits in 64 bits; the root canonical padded base64 of exactly 32 bytes;
 * extension lines non-empty.
 * @param[in]  text  len bytes (a note text, without signatures).
 * @param[out] out   written only on success.
 * @param[out] err   optional detail naming the line.
 * @return 0; LH_EINVAL for NULL arguments; LH_ETOOBIG (text longer than
 *         CHECKPOINT_TEXT_MAX, origin or extension line too long, too many
 *         extension lines); LH_EUTF8; LH_ECTRL; LH_EPARSE (missing line, empty
 *         line, malformed size, no final newline); LH_ERANGE (size above
 *         2^64-1); LH_EBASE64 (root not canonical padded base64); LH_ELENGTH
 *         (root not 32 bytes).
 */
int checkpoint_parse_text(const uint8_t *text, size_t len, checkpoint *out, lh_err *err);

/**
 * Sign a checkpoint with the log key: the signed note of
 * checkpoint_format(cp), with the single signature line of log.
 * @param[in]  cp       the checkpoint.
 * @param[in]  log      a type 0x01 signer whose name equals cp->origin.
 * @param[out] out      cap bytes (CHECKPOINT_SIGNED_MAX suffices).
 * @param[out] out_len  the signed note's length.
 * @param[out] err      optional detail.
 * @return 0; the codes of checkpoint_format() and note_sign(); LH_EALGO when
 *         log is not type 0x01; LH_EORIGIN when its name is not the origin.
 */
int checkpoint_sign(const checkpoint *cp, const note_signer *log, uint8_t *out, size_t cap,
                    size_t *out_len, lh_err *err);

/**
 * Open a signed checkpoint: note_open() with the log key and the witnesses
 * as known keys, then require a verified log signature, parse the text with
 * checkpoint_parse_text() and require origin == log key name. Witness
 * signatures that fail reject the whole checkpoint (signed-note "Signatures"
 * SHOULD); witness lines that are absent or unknown are simply not counted.
 * @param[in]  note       len bytes, the signed checkpoint as fetched.
 * @param[in]  log_key    the log's type 0x01 verifier key.
 * @param[in]  witnesses  nwitnesses witness keys (type 0x04, or 0x01 for
 *                        witnesses that sign plain notes); NULL when 0.
 * @param[out] out        written only on success.
 * @param[out] err        optional detail.
 * @return 0; the codes of note_open() and checkpoint_parse_text(); LH_EINVAL
 *         (NULL arguments, more than CHECKPOINT_WITNESS_MAX witnesses, a
 *         witness with the log key's name and key id); LH_EALGO (log key not
 *         type 0x01); LH_ENOKEY (no log signature, even if witnesses signed);
 *         LH_EORIGIN (origin differs from the log key name).
 * @note out->note points into note: valid only as long as that buffer.
 */
int checkpoint_open(const uint8_t *note, size_t len, const note_verifier *log_key,
                    const note_verifier *witnesses, size_t nwitnesses, checkpoint_opened *out,
                    lh_err *err);

#endif
