/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * package.h — evidence packages (`liuhen evidence`): one file that proves one
 * record of the log to a third party, checked offline against the log's key
 * and a witness policy (`liuhen-verify --evidence FILE`).
 *
 * A package is text (tools/liuhen/cmd_evidence.c writes it and documents it):
 *
 *     liuhen-evidence/v1
 *     <empty line>
 *     <a C2SP tlog-proof of the record: extra = base64 of its Leaf bytes,
 *      index, inclusion proof, the checkpoint with its cosignatures>
 *     <empty line>
 *     <a C2SP tlog-proof of the KEY_ENROLL that enrolled the record's
 *      author, against the same checkpoint>
 *
 * package_verify() makes every check it can and lists each failure; in
 * this order:
 *   1. format: the header, two tlog-proofs (tlogproof_parse()) separated by
 *      an empty line and nothing after them, each with extra data (a leaf
 *      of at most ENTRY_LEAF_MAX bytes). A package that fails here is not
 *      read further.
 *   2. checkpoint: the record's checkpoint opens with the log key
 *      (checkpoint_open()); cosignature: with the witness keys given, every
 *      cosignature by them verifies and at least min_cosignatures do.
 *   3. same-checkpoint: the enrolment's proof carries the very same
 *      checkpoint (byte for byte).
 *   4. the record: its extra decodes as a Leaf and a SignedEntry (leaf,
 *      entry_leaf_unpack(), entry_signed_unpack()) whose Entry is valid in
 *      the log's origin (entry, validate_entry()) and signed by its
 *      author_key (signature, entry_verify()); it is a case record, not key
 *      management (record); its inclusion proof holds against the
 *      checkpoint (inclusion, merkle_verify_inclusion() of
 *      merkle_leaf_hash(leaf)).
 *   5. the enrolment: the same for the second proof, and its signer is the
 *      log key when it is entry 0, and not the log key otherwise
 *      (enrolment).
 *   6. the link: the enrolment is a KEY_ENROLL of exactly the record's
 *      author_key, at an index below the record's (enrolment), whose roles
 *      allow the record's kind (role, kind_allowed(); for a CORRECTION the
 *      role alone: the corrected entry's author is not in the package).
 *
 * What a package cannot show, said in every output (package_limits()):
 * that the enrolment's signer was an admin at the time (but for entry 0,
 * signed by the log key), that the key was not revoked or re-enrolled
 * between its enrolment and the record, that no record of the author or of
 * the case is missing, and, for a CORRECTION, whose entry it corrects. The
 * whole log shows them: `liuhen-verify DIR`.
 *
 * Pure: no I/O but the printing functions, which write to the FILE given.
 * One thread at a time per result.
 */
#ifndef LIUHEN_VERIFY_PACKAGE_H
#define LIUHEN_VERIFY_PACKAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "checkpoint.h"
#include "entry.h"
#include "errors.h"
#include "note.h"
#include "tlogproof.h"

/** The first line of a package, without its newline. */
#define PACKAGE_HEADER TLOGPROOF_EVIDENCE_HEADER

/**
 * The largest package read: the header and two tlog-proofs, each with a
 * leaf of ENTRY_LEAF_MAX bytes in base64, TLOGPROOF_HASHES_MAX hashes and
 * a checkpoint of NOTE_MAX_SIZE bytes.
 */
#define PACKAGE_FILE_MAX                                                                           \
    (sizeof PACKAGE_HEADER + 1 +                                                                   \
     2 * (sizeof TLOGPROOF_HEADER + 6 + ((ENTRY_LEAF_MAX + 2) / 3) * 4 + 1 + 27 +                  \
          TLOGPROOF_HASHES_MAX * 45 + 1 + NOTE_MAX_SIZE + 1))

/** Failures kept in full (a package has few checks; more are counted). */
#define PACKAGE_FAILURES_MAX 32

/** Room for one sentence of a failure, in bytes. */
#define PACKAGE_TEXT_MAX 768

/** Room for the texts copied from a KEY_ENROLL (holder, position, unit). */
#define PACKAGE_NAME_MAX ENTRY_SHORT_TEXT_MAX

/** What the package is checked against: the inspector's keys and policy. */
typedef struct package_policy {
    const note_verifier *log_key;   /**< the log's key (type 0x01); its name is the origin */
    const note_verifier *witnesses; /**< nwitnesses witness keys; NULL when 0 */
    size_t nwitnesses;              /**< at most CHECKPOINT_WITNESS_MAX */
    size_t min_cosignatures;        /**< valid cosignatures required, at most nwitnesses */
} package_policy;

/** One failure: the check that failed and a sentence in each language. */
typedef struct package_failure {
    const char *check; /**< static: "format", "checkpoint", "cosignature", "same-checkpoint",
                            "leaf", "entry", "signature", "record", "inclusion", "enrolment",
                            "role" */
    char zh[PACKAGE_TEXT_MAX];
    char en[PACKAGE_TEXT_MAX];
} package_failure;

/** What one of the package's two entries says, once read. */
typedef struct package_entry {
    bool read;             /**< its leaf, signed entry and entry decoded and validated */
    uint64_t index;        /**< as its proof states it */
    int64_t integrated_at; /**< the log's clock, from the leaf, unix ms */
    int64_t recorded_at;   /**< the author's clock, unix ms */
    Liuhen__Kind kind;     /**< the entry's kind */
    char case_id[ENTRY_CASE_ID_MAX + 1];
    uint8_t author_key[ENTRY_KEY_BYTES];
    uint8_t entry_id[ENTRY_ID_BYTES];
    uint8_t leaf_hash[ENTRY_HASH_BYTES];
} package_entry;

/** A witness whose cosignature on the checkpoint verified. */
typedef struct package_cosigner {
    char name[NOTE_NAME_MAX + 1];
    uint64_t timestamp; /**< POSIX seconds (type 0x04); 0 for a witness signing plain notes */
} package_cosigner;

/** The outcome of package_verify(). */
typedef struct package_result {
    bool valid;       /**< no failure: everything below was verified */
    size_t nfailures; /**< failures found; the first PACKAGE_FAILURES_MAX are kept */
    package_failure failure[PACKAGE_FAILURES_MAX];

    bool checkpoint_ok; /**< the checkpoint opened with the log key: the next four are set */
    char origin[CHECKPOINT_ORIGIN_MAX + 1];
    uint64_t tree_size;
    uint8_t root[CHECKPOINT_HASH_LEN];
    size_t signature_lines; /**< lines of the checkpoint, the log's included */
    size_t ncosigners;      /**< distinct given witnesses whose cosignature verified */
    package_cosigner cosigner[NOTE_MAX_SIGS];
    size_t min_cosignatures; /**< the policy's, for the output */

    package_entry record;    /**< the record proved */
    package_entry enrolment; /**< the KEY_ENROLL of its author */
    /* From the enrolment, when read. */
    char holder[PACKAGE_NAME_MAX + 1];
    char position[PACKAGE_NAME_MAX + 1];
    char unit[PACKAGE_NAME_MAX + 1];
    uint32_t roles;           /**< ROLE_BIT()s the KEY_ENROLL gives */
    bool enrolled_by_log_key; /**< the enrolment is signed by the log key (entry 0) */
    bool correction;          /**< the record is a CORRECTION */
} package_result;

/**
 * Check an evidence package, as the header above lists.
 * @param[in]  file  len bytes, the whole file.
 * @param[in]  pol   the log key and the witness policy.
 * @param[out] out   the outcome; out->valid when every check passed.
 * @param[out] err   optional detail when the check could not be made.
 * @return 0 when the checks were made (a package that fails them is a result,
 *         not an error); LH_EINVAL (NULL arguments, a policy asking for more
 *         cosignatures than witnesses); LH_ENOMEM.
 * @note libsodium must be initialised.
 */
int package_verify(const uint8_t *file, size_t len, const package_policy *pol, package_result *out,
                   lh_err *err);

/** The number of limits package_limit() gives for a result. */
size_t package_limits(const package_result *r);

/**
 * Limit i of what a valid package proves, in Chinese and in English.
 * @param[in] i  below package_limits(r).
 * @param[out] zh, en  PACKAGE_TEXT_MAX bytes each.
 */
void package_limit(const package_result *r, size_t i, char zh[PACKAGE_TEXT_MAX],
                   char en[PACKAGE_TEXT_MAX]);

/**
 * Print a result for people, in the language of the messages (i18n.h): the verdict, then
 * for a valid package what it proves (the record, its author, kind and
 * case, when it was integrated, the checkpoint and its cosigners) and its
 * limits, for an invalid one each failure.
 * @param[in] name   the package's file name, for the first line.
 * @param[in] quiet  only the verdict (and the failures).
 */
void package_print_text(FILE *f, const char *name, const package_result *r, bool quiet);

/**
 * Print a result as one JSON document:
 * {"package", "verdict" ("valid" | "invalid"), "failures": [{"check", "zh",
 * "en"}], and for a valid package "record", "author", "enrolment",
 * "checkpoint", "cosignatures", "limits": [{"zh", "en"}]}.
 * @return 0; LH_ENOMEM; -EIO when f cannot be written.
 */
int package_print_json(FILE *f, const char *name, const package_result *r);

#endif
