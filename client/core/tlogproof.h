/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * tlogproof.h — C2SP transparency log proofs (c2sp.org/tlog-proof): an
 * offline-verifiable proof that one entry is in a log, as text.
 *
 *     c2sp.org/tlog-proof@v1
 *     extra <base64>           optional: opaque data of the application
 *     index <decimal>          the entry's index, no leading zeroes
 *     <base64 hash>            zero or more: the inclusion proof, one
 *     ...                      SHA-256 hash a line, the leaf's sibling first
 *     <empty line>
 *     <the signed checkpoint, verbatim: its text, an empty line, its
 *      signature lines, the log's and any witness cosignatures>
 *
 * This module writes and reads that text and nothing more: the extra data,
 * the proof and the checkpoint are verified by whoever reads them
 * (checkpoint_open(), merkle_verify_inclusion()), since the format carries
 * no authentication of its own (tlog-proof "Format": the extra data MUST
 * NOT be implicitly trusted).
 *
 * The checkpoint ends with its last signature line, so that a file may hold
 * several proofs: tlogproof_parse() says where the one it read ended.
 *
 * No allocation, no I/O, no globals; every function returns 0 or a negative
 * LH_E* code (errors.h) and may be called from several threads at once.
 * Base64 is RFC 4648 §4 with padding, canonical (text_b64_decode()): one
 * proof has one text.
 */
#ifndef LIUHEN_TLOGPROOF_H
#define LIUHEN_TLOGPROOF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "merkle.h"

/** The first line of every proof, without its newline (tlog-proof "Format"). */
#define TLOGPROOF_HEADER "c2sp.org/tlog-proof@v1"

/**
 * The first line of a liuhen evidence package (`liuhen evidence`, checked by
 * `liuhen-verify --evidence`): this line, an empty line, the record's
 * tlog-proof, an empty line, the tlog-proof of its author's KEY_ENROLL.
 */
#define TLOGPROOF_EVIDENCE_HEADER "liuhen-evidence/v1"

/**
 * The most inclusion proof hashes a proof may carry: an audit path has
 * ceil(log2 size) hashes (RFC 9162 §2.1.3.1), so 64 for any 64-bit tree
 * size. A longer proof can hold for no tree and is refused unread.
 */
#define TLOGPROOF_HASHES_MAX 64

/**
 * A proof, as written or as read.
 * @note extra and checkpoint are borrowed: from the caller for
 *       tlogproof_format(); for tlogproof_parse(), extra points into the
 *       caller's extra buffer and checkpoint into the input, and they live
 *       as long as those.
 */
typedef struct tlogproof {
    bool has_extra;       /**< whether the proof has an extra line */
    const uint8_t *extra; /**< the extra data (decoded); NULL when absent */
    size_t extra_len;     /**< may be 0 with has_extra: an empty extra line */
    uint64_t index;       /**< the entry's index in the log */
    size_t nhashes;       /**< at most TLOGPROOF_HASHES_MAX */
    uint8_t hashes[TLOGPROOF_HASHES_MAX][MERKLE_HASH_SIZE]; /**< leaf's sibling first */
    const uint8_t *checkpoint; /**< the signed checkpoint note, verbatim */
    size_t checkpoint_len;
} tlogproof;

/**
 * Write a proof (tlog-proof "Format").
 * @param[out] out      cap bytes; may be NULL when cap is 0 (to ask for the
 *                      length).
 * @param[out] out_len  the length written; on LH_ELENGTH, the length needed.
 * @param[in]  p        the proof. Its checkpoint must be one signed note
 *                      as tlogproof_parse() delimits it (non-empty text
 *                      lines, an empty line, one or more lines starting
 *                      with "— ", each ending in a newline), at most
 *                      NOTE_MAX_SIZE bytes; it is not verified here.
 * @param[out] err      optional detail naming what is wrong.
 * @return 0; LH_EINVAL (NULL arguments, extra NULL with a non-zero
 *         extra_len, more than TLOGPROOF_HASHES_MAX hashes); LH_EPARSE (a
 *         checkpoint that is not one signed note); LH_ETOOBIG (a checkpoint
 *         larger than NOTE_MAX_SIZE, or a proof whose length overflows);
 *         LH_ELENGTH (cap too small).
 * @note What is written is exactly what tlogproof_parse() reads back.
 */
int tlogproof_format(uint8_t *out, size_t cap, size_t *out_len, const tlogproof *p, lh_err *err);

/**
 * Read one proof strictly from the start of in: the header line exactly;
 * an optional "extra " line of canonical base64; "index " and an ASCII
 * decimal without sign, space or leading zero (except "0") that fits in 64
 * bits; up to TLOGPROOF_HASHES_MAX lines of canonical base64 of exactly 32
 * bytes; an empty line; then one signed note: non-empty text lines, an
 * empty line and one or more signature lines starting with "— " (U+2014,
 * space), every line ending in a newline (no carriage return is taken for
 * part of one). The note ends before the first line after its signature
 * lines that does not start with "— ", or at the end of in.
 * @param[in]  in         len bytes, need not be NUL-terminated.
 * @param[out] extra      room for extra_cap bytes, for the decoded extra
 *                        data; may be NULL when extra_cap is 0.
 * @param[out] out        written only on success.
 * @param[out] end        on success, the offset in `in` just after the
 *                        checkpoint's last signature line: len for a file
 *                        that holds one proof and nothing else, which the
 *                        caller checks.
 * @param[out] err        optional detail naming the line (counted from 1
 *                        at the header) and the cause.
 * @return 0; LH_EINVAL (NULL arguments); LH_EPARSE (a missing or
 *         malformed line, a missing empty line, a checkpoint without text
 *         or signature lines, a line without its newline); LH_EBASE64 (an
 *         extra or hash that is not canonical base64); LH_ELENGTH (a hash
 *         that is not 32 bytes); LH_ERANGE (an index above 2^64-1);
 *         LH_ETOOBIG (more than TLOGPROOF_HASHES_MAX hashes, extra data
 *         longer than extra_cap, a checkpoint larger than NOTE_MAX_SIZE).
 * @note The checkpoint's signatures, and its text beyond its shape, are
 *       not checked: open it with checkpoint_open(). The extra buffer may be
 *       written on error.
 */
int tlogproof_parse(const uint8_t *in, size_t len, uint8_t *extra, size_t extra_cap, tlogproof *out,
                    size_t *end, lh_err *err);

#endif
