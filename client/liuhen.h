/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * liuhen.h — the client API of liuhen (留痕): talk to liuhend over its Unix
 * socket (docs/design.md "Wire protocol") and verify everything it answers.
 * It is the one header a program includes; link with libliuhen
 * (`pkg-config --cflags --libs liuhen`). Every name it declares begins with
 * lh_ or LH_, or is protobuf-c's code for liuhen.proto (Liuhen__*,
 * liuhen__*), with which records are built.
 *
 * Trust. The server is not trusted. Every checkpoint it sends is opened with
 * the log's verifier key given to lh_connect() (there is no way to skip
 * that), every proof is verified against a checkpoint so opened, every entry
 * signature is checked, and every checkpoint is checked for consistency with
 * the last checkpoint this client saw (docs/design.md "Merkle tree,
 * checkpoints, receipts"). That last checkpoint lives in the handle and, when a state file
 * is configured, on disk, so that a log which shows one history to one run of
 * a tool and another history to the next (a fork) is caught: such calls fail
 * with LH_EFORK and a message that says so. The first checkpoint a handle
 * ever sees is trusted on first use, unless the state file already holds one.
 *
 * Calls. Every call is synchronous: it sends its requests, waits for the
 * answers and verifies them before it returns. Each call has one deadline,
 * lh_options.timeout_ms from its start, covering every request it makes
 * (an append may make several); lh_export() and lh_backup(), which may
 * take minutes, have at least LH_SLOW_TIMEOUT_MS. Every function returns 0
 * or a negative code (LH_E*, errors.h, or -errno); those that take an
 * `lh_err *err` (which may be NULL) write a sentence there naming the object
 * and the cause. When the server refuses a request, the code is that of its
 * status (NOT_FOUND: LH_ENOTFOUND, PERMISSION_DENIED: LH_EPERM,
 * UNKNOWN_KEY: LH_EUNKNOWNKEY...) and err quotes the server's message, with
 * any control character replaced.
 *
 * Broken handles. When the byte stream can no longer be trusted to be in
 * step with the requests — a timeout (a late answer could be taken for the
 * next one), a response frame larger than the limit, bytes that do not parse
 * as a Response, a Response with another request's id, the server closing
 * the connection, or any socket error — the call fails (LH_ETIMEOUT,
 * LH_EPROTO, LH_ECLOSED or -errno) and the handle is broken: every later call
 * on it fails at once with LH_ECLOSED. Close it and connect again. Answers
 * that are well framed but wrong (a missing field, a proof that does not
 * verify) fail the call only.
 *
 * Thread safety. A handle is one connection and may be used by one thread at
 * a time; use one handle per thread (handles are independent). The result
 * structures own their memory, do not refer to the handle, and may be used
 * and freed from any thread after the call returns. lh_receipt_verify(),
 * lh_receipt_to_json() and lh_receipt_from_json() use no handle and may be
 * called from several threads at once. The library never installs signal
 * handlers; writes to the socket never raise SIGPIPE.
 *
 * Memory. Result structures are caller-allocated; a call zeroes its result
 * first, fills it only on success (lh_append() and lh_append_signed()
 * document their one exception),
 * and the caller releases it with the matching lh_*_free(), which accepts a
 * zeroed structure, may be called after a failed call, and zeroes the
 * structure again.
 *
 * libsodium is initialised by lh_connect(), lh_key_read() and
 * lh_receipt_verify(); nothing else is global.
 */
#ifndef LIUHEN_LIUHEN_H
#define LIUHEN_LIUHEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "liuhen.pb-c.h"

/** The size of leaf hashes and roots (SHA-256). */
#define LH_HASH_SIZE 32

/** The timeout of a call when lh_options.timeout_ms is 0: ten seconds. */
#define LH_DEFAULT_TIMEOUT_MS 10000

/** The longest timeout accepted: one day. */
#define LH_MAX_TIMEOUT_MS (24u * 3600u * 1000u)

/**
 * How many times lh_append() signs and sends an entry whose chain heads
 * moved. Each attempt waits for one batch of the log to commit; with eight
 * writers sharing four cases, liuhend's integration test needed up to 17.
 */
#define LH_APPEND_MAX_ATTEMPTS 32

/** Most requests lh_append_many() has in flight on its connection at once. */
#define LH_PIPELINE_WINDOW 64

/** Room for a note verifier key (a log.vkey line, "<origin>+<8 hex>+<base64>"),
 *  with its NUL. */
#define LH_VKEY_MAX 320

/** The longest case id, in bytes (printable UTF-8 without spaces). */
#define LH_CASE_ID_MAX 128

/** The largest signed checkpoint note, in bytes. */
#define LH_NOTE_MAX (1024u * 1024u)

/** The most hashes of an audit path (a tree of up to 2^64 leaves). */
#define LH_MAX_PROOF 65

/** The frame limit when lh_options.max_frame is 0: 1 MiB, as liuhend's. */
#define LH_DEFAULT_MAX_FRAME ((uint32_t)1 << 20)

/**
 * An author's key: the Ed25519 key pair of a secret key file (`liuhen
 * keygen` writes them), kept in locked memory that is wiped when freed.
 * Opaque: see lh_key_read() and lh_key_free().
 */
typedef struct lh_key lh_key;

/**
 * Read a secret key file. The file must be a regular file that group and
 * others cannot access (mode 0600); an encrypted one needs its passphrase.
 * @param[in]  path        the file.
 * @param[in]  passphrase  NUL-terminated; NULL for an unencrypted file.
 * @param[out] out         the key; NULL on error. Free with lh_key_free().
 * @return 0; -errno (-ENOENT...); LH_EPERMFILE (group or others may access
 *         it); LH_EKEYFILE (not a key file, or damaged); LH_EPASSPHRASE (no
 *         passphrase for an encrypted file, or a wrong one); LH_ETOOBIG;
 *         LH_ENOMEM; LH_EINTERNAL if libsodium cannot be initialised.
 */
int lh_key_read(const char *path, const char *passphrase, lh_key **out, lh_err *err);

/** Wipe and free a key. @param[in] key  may be NULL. */
void lh_key_free(lh_key *key);

/** The key's holder, as its file names it (UTF-8); valid until lh_key_free(). */
const char *lh_key_holder(const lh_key *key);

/** The key's 32-byte Ed25519 public key, as entries carry it in author_key. */
const uint8_t *lh_key_public(const lh_key *key);

/** A connection to liuhend. Opaque: see lh_connect() and lh_close(). */
typedef struct lh_conn lh_conn;

/** How to reach and trust a log. Zero-initialise, then fill. */
typedef struct lh_options {
    /** Path of liuhend's Unix socket. Required; shorter than 108 bytes. */
    const char *socket_path;
    /**
     * The log's note verifier key, "<origin>+<8 hex>+<base64>" (the log's
     * log.vkey file holds it). Required: every checkpoint is verified
     * against it, and its name is the log's origin, which lh_append()
     * writes into every entry.
     */
    const char *log_vkey;
    /** Deadline of each call, in ms from its start; 0: LH_DEFAULT_TIMEOUT_MS. */
    unsigned timeout_ms;
    /**
     * Optional: a file holding the last verified checkpoint (a signed note),
     * so that consistency is checked across handles and runs. Read by
     * lh_connect() if it exists (it must then verify with the log key, be a
     * regular file and not be writable by group or others); re-read before
     * each checkpoint is accepted, so that several handles may share
     * it; rewritten whenever a larger checkpoint is accepted, atomically
     * (a temporary file in the same directory, fsync, rename, fsync of the
     * directory) with mode 0600. Two processes that write it at the same
     * instant may leave the smaller of two checkpoints there; it is still
     * verified and consistent with what each saw, and the process holding
     * the larger one checks it again on its next call.
     */
    const char *state_file;
    /** Largest response frame accepted, in bytes; 0: LH_DEFAULT_MAX_FRAME. */
    uint32_t max_frame;
    /**
     * Witnesses (C2SP tlog-witness: the oversight body's liuhen-witness, for
     * one) whose cosignatures count: nwitness_vkeys note verifier keys,
     * "<name>+<8 hex>+<base64>", type 0x04 (cosignature) or 0x01. A
     * cosignature of one of them that does not verify refuses the whole
     * checkpoint; lines of other keys are ignored.
     */
    const char *const *witness_vkeys;
    size_t nwitness_vkeys;
    /**
     * The witness policy: the handle's view of the log (the last checkpoint
     * seen, kept in the state file) only ever moves to checkpoints that at
     * least this many of those witnesses cosigned, so that a log cannot
     * show this client a history the oversight body was not shown.
     * lh_get_checkpoint() returns the largest such checkpoint, and proofs
     * asked at tree size 0 are at its size. Answers against a larger
     * checkpoint that lacks the cosignatures (a fresh receipt, a case whose
     * last entries the witnesses have not seen yet) are verified with the
     * log's key and for consistency with the view, and their count of
     * cosignatures is given (lh_checkpoint.cosignatures). 0: no policy.
     */
    unsigned min_cosignatures;
} lh_options;

/**
 * Connect to liuhend.
 *
 * Parses the log key, reads and verifies the state file when one is
 * configured, and connects the socket (within the timeout). No request is
 * sent.
 * @param[in]  opts  the options; copied, need not outlive the call.
 * @param[out] out   the new handle; NULL on error.
 * @param[out] err   optional detail.
 * @return 0;
 *         LH_EINVAL (NULL or missing options, a timeout above
 *         LH_MAX_TIMEOUT_MS, a socket path too long);
 *         for a bad log_vkey: LH_EPARSE, LH_EBASE64, LH_ELENGTH, LH_EFIELD
 *         (a key id that does not match the key), LH_EALGO (not a log's
 *         Ed25519 key), LH_ETOOBIG;
 *         for the state file: -errno, LH_EPERMFILE (writable by group or
 *         others), LH_EINVAL (not a regular file), LH_EPARSE (empty),
 *         LH_ETOOBIG, or, when it does not verify with the log key,
 *         LH_EBADSIG, LH_ENOKEY (no signature of the log key), LH_EORIGIN,
 *         LH_EPARSE;
 *         -errno from socket() or connect() (-ENOENT, -ECONNREFUSED...);
 *         LH_ETIMEOUT when the server's listen queue stays full;
 *         LH_ENOMEM; LH_EINTERNAL if libsodium cannot be initialised.
 * @note The caller owns *out and closes it with lh_close().
 */
int lh_connect(const lh_options *opts, lh_conn **out, lh_err *err);

/**
 * Close the connection and free the handle.
 * @param[in] conn  may be NULL.
 * @note Results obtained from the handle stay valid.
 */
void lh_close(lh_conn *conn);

/**
 * The log's origin: the name of the log key.
 * @return a NUL-terminated string, valid until lh_close(conn).
 */
const char *lh_origin(const lh_conn *conn);

/** A checkpoint that verified with the log key (C2SP tlog-checkpoint). */
typedef struct lh_checkpoint {
    uint64_t size;              /**< tree size: number of leaves */
    uint8_t root[LH_HASH_SIZE]; /**< RFC 6962 root hash at size */
    uint8_t *note;              /**< the signed note exactly as received; owned */
    size_t note_len;
    unsigned cosignatures; /**< valid cosignatures of the witnesses of lh_options */
} lh_checkpoint;

/** Free a checkpoint's note and zero it. @param[in,out] cp  may be NULL. */
void lh_checkpoint_free(lh_checkpoint *cp);

/**
 * Fetch the log's latest checkpoint and verify it: the log key's signature,
 * the origin, and consistency with the last checkpoint this handle (or its
 * state file) has seen. It must not be smaller than that one: a log's latest
 * tree never shrinks. It then becomes the last checkpoint seen.
 * @param[out] out  the checkpoint; free with lh_checkpoint_free().
 * @return 0;
 *         LH_EBADSIG, LH_ENOKEY, LH_EORIGIN, LH_EPARSE...
 *         for a checkpoint that does not verify;
 *         LH_EFORK when it is smaller than, or inconsistent with, the
 *         checkpoint seen before, or when the log cannot prove consistency
 *         between two checkpoints it signed;
 *         the transport codes (LH_ETIMEOUT, LH_ECLOSED, LH_EPROTO, -errno);
 *         LH_EPROTO for an answer without a checkpoint;
 *         a server status (LH_EUNAVAILABLE...);
 *         -errno when the state file cannot be written;
 *         LH_EINVAL; LH_ENOMEM.
 */
int lh_get_checkpoint(lh_conn *conn, lh_checkpoint *out, lh_err *err);

/**
 * A copy of the last checkpoint this handle has accepted (or loaded from
 * its state file). No request is sent.
 * @param[out] out  free with lh_checkpoint_free().
 * @return 0; LH_ENOTFOUND when none has been seen yet; LH_EINVAL; LH_ENOMEM.
 */
int lh_seen_checkpoint(const lh_conn *conn, lh_checkpoint *out, lh_err *err);

/**
 * Proof, forever, that the log accepted an entry (docs/design.md "Merkle
 * tree, checkpoints, receipts").
 * Its JSON form is given by lh_receipt_to_json().
 */
typedef struct lh_receipt {
    uint64_t leaf_index;             /**< the entry's index in the log */
    uint8_t leaf_hash[LH_HASH_SIZE]; /**< SHA-256(0x00 || Leaf bytes) */
    int64_t integrated_at;           /**< log's clock, unix ms */
    uint64_t tree_size;              /**< size of the checkpoint below */
    uint8_t *checkpoint;             /**< signed checkpoint note; owned */
    size_t checkpoint_len;
    uint8_t (*audit_path)[LH_HASH_SIZE]; /**< inclusion proof against it; owned */
    size_t audit_path_len;
    /**
     * The SignedEntry bytes that were sent; owned. NULL for a receipt read
     * from JSON, which does not carry the entry.
     */
    uint8_t *signed_entry;
    size_t signed_entry_len;
} lh_receipt;

/** Free a receipt's buffers and zero it. @param[in,out] r  may be NULL. */
void lh_receipt_free(lh_receipt *r);

/**
 * Append an entry, signed by key, and verify its receipt.
 *
 * The caller fills kind, case_id (empty for KEY_ENROLL and KEY_REVOKE), the
 * body, refs, attachments and recorded_at (0: now). The library fills, in a
 * copy, origin (the log's), author_key (key's public key), author_seq,
 * author_prev and case_prev from the heads of the key's and the case's
 * chains (docs/design.md "Entries"): author_seq = the author's last seq + 1,
 * author_prev = the entry id of the author's last entry (absent for seq 1),
 * case_prev = the entry id of the case's last entry (absent for an empty
 * case). The heads are those this handle's own last append by the key, and
 * to the case, left; when it has made none, they are asked for
 * (GetAuthorHead). Any value the caller put in those five fields is
 * ignored. The entry is checked as the log will check it before it is
 * signed, so a malformed one is refused here with the field named.
 *
 * When the server answers CONFLICT (another entry of the author or of the
 * case was logged meanwhile), the entry is signed again with the new chain
 * links and the same content and recorded_at, and sent again at once, up to
 * LH_APPEND_MAX_ATTEMPTS times within the call's deadline. The new links are
 * the heads the CONFLICT answer carries (the log writer's own, the freshest
 * there are); when it carries none, or the very heads just used, they are
 * fetched again with GetAuthorHead.
 * DUPLICATE (an entry with the same entry id is already logged) is
 * success: the existing receipt is verified like a new one, against the
 * leaf the answer carries, whose entry must have the same entry id and a
 * valid signature; out->signed_entry then holds what the log holds.
 *
 * Before success the receipt is verified: its checkpoint opens with the log
 * key, is consistent with the last checkpoint seen (a DUPLICATE's checkpoint
 * may be older than that one; it must then be a prefix of it), the leaf
 * rebuilt from the signed bytes and the receipt's integrated_at hashes to
 * the receipt's leaf hash (so the receipt is about what was signed), and the
 * inclusion proof verifies against the checkpoint's root. The checkpoint then
 * becomes the last seen if it is larger.
 *
 * @param[in]  conn   the handle.
 * @param[in]  key    the author's key (lh_key_read()); only used to sign.
 * @param[in]  entry  the record; not modified, borrowed for the call.
 * @param[out] out    the verified receipt; free with lh_receipt_free().
 * @param[out] err    optional detail.
 * @return 0;
 *         LH_EINVAL (NULL argument); LH_ETOOBIG (the entry does not fit a
 *         leaf); for a malformed entry, naming the field: LH_EFIELD,
 *         LH_EKIND, LH_EUTF8, LH_ECTRL, LH_EUNKNOWNFIELD, LH_EPARSE;
 *         LH_ECONFLICT when the heads kept moving for
 *         LH_APPEND_MAX_ATTEMPTS attempts, or the server answered CONFLICT
 *         although the heads it reports did not move;
 *         a server status: LH_EBADSIG, LH_EUNKNOWNKEY, LH_EREVOKED, LH_EPERM
 *         (the key's roles may not append this kind), LH_EINVAL naming the
 *         field, LH_ETOOBIG, LH_EUNAVAILABLE, LH_EINTERNAL;
 *         receipt verification: LH_EPROTO (a missing or malformed field),
 *         a checkpoint that does not verify (LH_EBADSIG, LH_ENOKEY,
 *         LH_EORIGIN...), LH_EPROOF (the leaf hash is not that of the signed
 *         entry, or the inclusion proof fails), LH_EFORK;
 *         the transport codes (LH_ETIMEOUT, LH_ECLOSED, LH_EPROTO, -errno);
 *         -errno when the state file cannot be written: then the entry is
 *         logged and out is a complete verified receipt;
 *         LH_ECOMMITTED: the entry is logged and out is its receipt, whose
 *         checkpoint is signed by the log key and whose inclusion proof
 *         verifies, but that checkpoint's consistency with the last one
 *         seen could not be asked for (the connection failed after the
 *         answer, as when the daemon stops): send out->signed_entry again
 *         with lh_append_signed() on a new handle for the complete receipt
 *         (the log answers DUPLICATE with it);
 *         LH_ENOMEM; LH_EINTERNAL (signing failed its own check).
 * @note Whenever an Append request was sent and the call fails,
 *       out->signed_entry keeps the exact bytes of the last one sent (the
 *       other fields of out are zero, but for LH_ECOMMITTED and the state
 *       file's -errno above): after LH_ETIMEOUT, LH_ECLOSED, LH_EUNAVAILABLE
 *       or LH_EPROTO the entry may have been logged, and sending those bytes
 *       again with lh_append_signed() on a new handle is safe (the log
 *       answers DUPLICATE with the receipt), whereas calling lh_append()
 *       again would log a second entry. Free out in every case.
 */
int lh_append(lh_conn *conn, const lh_key *key, const Liuhen__Entry *entry, lh_receipt *out,
              lh_err *err);

/**
 * Append a SignedEntry as it is (signed elsewhere, or kept from a failed
 * lh_append()) and verify its receipt as lh_append() does. The bytes are
 * checked first: a SignedEntry, whose entry is valid for this log's origin
 * and whose signature verifies with its author_key.
 * @param[in]  signed_entry  len bytes, borrowed for the call.
 * @param[out] out           as lh_append(); out->signed_entry is a copy.
 * @return the codes of lh_append(), except that CONFLICT is returned as
 *         LH_ECONFLICT at once (the bytes cannot be re-signed here), and
 *         LH_EPARSE, LH_EFIELD... (as lh_append() for a malformed entry),
 *         LH_EBADSIG for bytes that are not a valid signed entry.
 */
int lh_append_signed(lh_conn *conn, const uint8_t *signed_entry, size_t len, lh_receipt *out,
                     lh_err *err);

/**
 * Append a run of entries, pipelined: the work of a tool that appends a
 * lot (an import of historical records, a case system logging its steps).
 *
 * The entries are signed by key in order, each chained to the one before
 * it: author_seq and author_prev continue the key's chain, and case_prev
 * each case's, from the heads this handle knows (asked for once, when it
 * knows none) and then from the entries of the run itself. They are sent
 * without waiting for the answers, up to LH_PIPELINE_WINDOW at a time, and
 * every receipt is verified as lh_append() verifies one (a checkpoint's
 * signature once per checkpoint, an inclusion proof per receipt). When
 * another writer moves a head the run uses (CONFLICT), the entries from
 * there on are signed again against the new heads and sent again, up to
 * LH_APPEND_MAX_ATTEMPTS times.
 *
 * @param[in]  entries  n records, as lh_append() takes one; borrowed.
 * @param[out] out      n receipts, zeroed first; free each with
 *                      lh_receipt_free(), whatever the result.
 * @param[out] done     how many of the entries, from the first, are logged
 *                      with a verified receipt in out. On failure, the
 *                      entries from *done on may or may not be logged:
 *                      out[i].signed_entry holds the bytes last sent for
 *                      entry i, which lh_append_signed() may send again
 *                      safely (the log answers DUPLICATE). Those whose
 *                      receipt came before the failure are logged, and
 *                      out[i].checkpoint is then set: their receipts are
 *                      kept, verified (at least as LH_ECOMMITTED says).
 * @return 0 (*done == n); the codes of lh_append().
 */
int lh_append_many(lh_conn *conn, const lh_key *key, const Liuhen__Entry *const *entries, size_t n,
                   lh_receipt *out, size_t *done, lh_err *err);

/**
 * Append SignedEntry bytes as they are, pipelined (lh_append_many()
 * without the signing): entries signed beforehand, for instance by a
 * benchmark before its clock starts, or kept from a failed run. A CONFLICT
 * ends the run (the bytes cannot be signed again here).
 * @param[in]  signed_entries, lens  n SignedEntry byte strings; borrowed.
 * @param[out] out, done             as lh_append_many().
 * @return 0 (*done == n); the codes of lh_append_signed().
 */
int lh_append_signed_many(lh_conn *conn, const uint8_t *const *signed_entries, const size_t *lens,
                          size_t n, lh_receipt *out, size_t *done, lh_err *err);

/**
 * @name Completeness: what the regulations ask of a record
 *
 * lh_append() refuses only what is malformed. A record the regulations
 * find incomplete — an interference without its place (B§3: 时间、地点、
 * 人物、方式、内容), a complaint without its 受理 time (A§10(1)), a decision
 * without its collective discussion (A§10(3)) — is still logged: not
 * recording is worse than recording incompletely, and the offline
 * verifier reports it as a finding (docs/regulation.md, R1-R17). These
 * two functions tell a program, before it signs, what those findings would
 * be for the record by itself, so that it can ask its user, or refuse, as
 * `liuhen append` does on a terminal and with --strict. What they check:
 * the five elements of an interference and to whom and when it was
 * reported (R1, R2: B§3); a guidance's form (R9: B§7); a complaint's
 * receipt, 受理 and jurisdiction (R3: A§10(1)); the complaint, addressee
 * and time of a transfer (R3) and of a reply (R4); an investigation team
 * (R5: A§10(2)); a decision's collective discussion, held before it with
 * two or more named leaders (R6: A§10(3)), and for a wrongful case who is
 * responsible (R7: A§11); a review order's decision and time (R8); the
 * approval of a notice of interference (R14: B§10); the record a
 * correction corrects (R11). Rules across records (deadlines, who
 * assigned a team) are the verifier's alone.
 *
 * Pure: no handle, no allocation, no I/O; any thread.
 */
/**@{*/

/** Room for lh_missing.path: the body's name and a dotted path. */
#define LH_MISSING_PATH_MAX 96

/** One thing the regulations ask of a record that it does not say. */
typedef struct lh_missing {
    /** The field, as errors name fields: "interference.place"; the whole
     *  submessage when it is absent ("interference.person"). */
    char path[LH_MISSING_PATH_MAX];
    /** What is missing, in the regulation's words: "地点", "人物",
     *  "两名以上参加讨论的领导". Static UTF-8. */
    const char *label;
    /** The rule of the offline verifier that reports it ("R1") and the
     *  article it cites ("B§3"). Static. */
    const char *rule;
    const char *article;
} lh_missing;

/**
 * Check a record against what the regulations ask of its kind.
 * @param[in]  entry  the record as it would be given to lh_append(); only
 *                    its kind and body are read. Kinds that ask nothing of
 *                    one record by itself (key management among them)
 *                    are complete.
 * @param[out] msg    cap bytes, or NULL when cap is 0: "" for a complete
 *                    record, else one sentence in Chinese naming what is
 *                    missing in the regulation's words, grouped by what
 *                    each article asks: "干预插手记录缺少：地点、人物（B§3：
 *                    时间、地点、人物、方式、内容）". A sentence longer than
 *                    cap is cut at a character boundary and ends with "…".
 * @return the number of things missing, 0 when the record is complete;
 *         LH_EINVAL when entry is NULL, or msg is NULL with cap > 0.
 */
int lh_record_check(const Liuhen__Entry *entry, char *msg, size_t cap);

/**
 * The things a record misses, one by one, for a program that shows them
 * its own way (beside each field of a form, say).
 * @param[in]  entry  as lh_record_check().
 * @param[out] out    room for cap items, or NULL when cap is 0; the first
 *                    cap are written, in the order the regulations list them.
 * @return the number of things missing (which may be more than cap);
 *         LH_EINVAL when entry is NULL, or out is NULL with cap > 0.
 */
int lh_record_missing(const Liuhen__Entry *entry, lh_missing *out, size_t cap);
/**@}*/

/**
 * Verify a receipt offline (for the CLI and liuhen-verify): the checkpoint
 * opens with the log's key and has size tree_size, the inclusion proof of
 * leaf_hash at leaf_index verifies against its root, and, when the receipt
 * carries signed_entry, the leaf rebuilt from it and integrated_at hashes to
 * leaf_hash. Consistency with other checkpoints is the caller's concern.
 * @param[in] r         the receipt.
 * @param[in] log_vkey  the log's note verifier key (lh_options.log_vkey).
 * @param[out] err      optional detail.
 * @return 0; LH_EINVAL (NULL argument, empty checkpoint); for a bad
 *         log_vkey, the codes of lh_connect(); a checkpoint that does not
 *         verify (LH_EBADSIG, LH_ENOKEY, LH_EORIGIN, LH_EPARSE...);
 *         LH_EPROOF (size mismatch, proof or leaf hash failure);
 *         LH_EINTERNAL if libsodium cannot be initialised.
 * @note Thread-safe; sends nothing.
 */
int lh_receipt_verify(const lh_receipt *r, const char *log_vkey, lh_err *err);

/**
 * Write a receipt as a JSON object with exactly these members, in this
 * order: "leaf_index" (integer), "leaf_hash" (standard base64), "integrated_at"
 * (integer, unix ms), "tree_size" (integer), "audit_path" (array of base64
 * strings, leaf to root), "checkpoint" (the signed note text, a string). The
 * signed entry is not written: the log holds it.
 * @param[out] out  NUL-terminated JSON text (indented, ending in a newline);
 *                  the caller frees it with free(). NULL on error.
 * @return 0; LH_EINVAL (NULL argument, no checkpoint, a checkpoint that is
 *         not UTF-8); LH_ERANGE (an index or size above INT64_MAX, which
 *         JSON integers here cannot hold); LH_ENOMEM.
 * @note Thread-safe.
 */
int lh_receipt_to_json(const lh_receipt *r, char **out, lh_err *err);

/**
 * Read a receipt written by lh_receipt_to_json(), strictly: an object with
 * exactly the six members (an unknown or missing one is refused), integers
 * within range (leaf_index < tree_size, integrated_at > 0), canonical base64
 * of exactly 32 bytes for every hash, at most LH_MAX_PROOF path hashes,
 * a checkpoint of at most LH_NOTE_MAX bytes. Nothing is verified: call
 * lh_receipt_verify().
 * @param[in]  json  len bytes, need not be NUL-terminated.
 * @param[out] out   the receipt, signed_entry NULL; free with lh_receipt_free().
 * @return 0; LH_EINVAL (NULL argument); LH_EJSON (not JSON, or not an
 *         object); LH_EUNKNOWNFIELD (a member not listed above);
 *         LH_EFIELD (a missing member or a wrong type or value, named);
 *         LH_EBASE64; LH_ELENGTH (a hash not 32 bytes); LH_ETOOBIG;
 *         LH_ENOMEM.
 * @note Thread-safe.
 */
int lh_receipt_from_json(const char *json, size_t len, lh_receipt *out, lh_err *err);

/** A verified inclusion proof. */
typedef struct lh_inclusion {
    uint64_t leaf_index;
    uint64_t tree_size;
    uint8_t leaf_hash[LH_HASH_SIZE];
    uint8_t (*audit_path)[LH_HASH_SIZE]; /**< leaf to root; owned */
    size_t audit_path_len;
    lh_checkpoint checkpoint; /**< the verified checkpoint of tree_size; owned */
} lh_inclusion;

/** Free an inclusion proof and zero it. @param[in,out] p  may be NULL. */
void lh_inclusion_free(lh_inclusion *p);

/**
 * Fetch and verify the inclusion proof of the leaf at `index` in the tree of
 * `tree_size` leaves (0: the latest checkpoint). The proof is verified
 * against a checkpoint of exactly that size: the one the server sends with
 * it (opened with the log key, checked for consistency with the last seen
 * checkpoint; when tree_size is 0 it is the latest and must not be smaller
 * than the last seen), or one this handle has already verified.
 * @param[out] out  the proof with its leaf hash and checkpoint; free with
 *                  lh_inclusion_free().
 * @return 0; LH_EPROOF (the proof fails); LH_EPROTO (a field missing or
 *         contradicting the request, or no signed checkpoint of the size);
 *         the checkpoint codes of lh_get_checkpoint() (LH_EBADSIG, LH_EFORK...);
 *         server statuses (LH_ENOTFOUND, LH_EINVAL...); transport codes;
 *         LH_EINVAL; LH_ENOMEM.
 */
int lh_inclusion_proof(lh_conn *conn, uint64_t index, uint64_t tree_size, lh_inclusion *out,
                       lh_err *err);

/**
 * As lh_inclusion_proof(), for the leaf with this leaf hash: the proof must
 * be for exactly that hash; out->leaf_index says where it is.
 */
int lh_inclusion_proof_by_hash(lh_conn *conn, const uint8_t leaf_hash[LH_HASH_SIZE],
                               uint64_t tree_size, lh_inclusion *out, lh_err *err);

/** A verified consistency proof between two signed tree sizes. */
typedef struct lh_consistency {
    uint64_t first;                    /**< the older size */
    uint64_t second;                   /**< the newer size */
    uint8_t first_root[LH_HASH_SIZE];  /**< from a verified checkpoint (or the empty root) */
    uint8_t second_root[LH_HASH_SIZE]; /**< from a verified checkpoint */
    uint8_t (*proof)[LH_HASH_SIZE];    /**< owned */
    size_t proof_len;
} lh_consistency;

/** Free a consistency proof and zero it. @param[in,out] p  may be NULL. */
void lh_consistency_free(lh_consistency *p);

/**
 * Fetch and verify the consistency proof between tree sizes first and
 * second (0: the latest checkpoint). Both roots come from checkpoints that
 * verified with the log key: for second, the checkpoint the server sends (or
 * one this handle verified before); for first (unless it is 0), one this
 * handle verified before or, failing that, the stored checkpoint of that
 * size, fetched with a GetInclusionProof request at that size. Each new
 * checkpoint is checked against the last one seen, as lh_get_checkpoint()
 * does.
 * @param[out] out  free with lh_consistency_free().
 * @return 0; LH_EINVAL (first > second); LH_EPROOF (the proof fails);
 *         LH_EPROTO (no signed checkpoint of a size can be had, or a field
 *         contradicts the request); the checkpoint codes of
 *         lh_get_checkpoint(); server statuses; transport codes; LH_ENOMEM.
 */
int lh_consistency_proof(lh_conn *conn, uint64_t first, uint64_t second, lh_consistency *out,
                         lh_err *err);

/** An entry as logged, parsed and with its signature verified. */
typedef struct lh_logged_entry {
    uint64_t index;                  /**< its index in the log */
    uint8_t leaf_hash[LH_HASH_SIZE]; /**< computed here from leaf */
    uint8_t entry_id[LH_HASH_SIZE];  /**< SHA-256 of entry_bytes: how entries name it */
    int64_t integrated_at;           /**< from the leaf */
    uint8_t *leaf;                   /**< the Leaf bytes as received; owned */
    size_t leaf_len;
    const uint8_t *signed_entry; /**< the SignedEntry, inside leaf */
    size_t signed_entry_len;
    const uint8_t *entry_bytes; /**< the Entry bytes as signed, inside leaf */
    size_t entry_len;
    const uint8_t *signature; /**< 64 bytes, inside leaf */
    Liuhen__Entry *entry;     /**< the parsed entry; owned */
    /** lh_get_entry(), lh_find_entry(), lh_get_case(): its verified
     *  inclusion proof, and the size of the checkpoint it leads to. */
    uint8_t (*audit_path)[LH_HASH_SIZE]; /**< owned */
    size_t audit_path_len;
    uint64_t tree_size;
} lh_logged_entry;

/** A range of logged entries. */
typedef struct lh_entries {
    lh_logged_entry *items; /**< owned */
    size_t count;
} lh_entries;

/** Free entries and zero the structure. @param[in,out] e  may be NULL. */
void lh_entries_free(lh_entries *e);

/**
 * Fetch up to `count` entries from index `start` and check each: the index
 * is the next expected one, the leaf and the signed entry decode strictly,
 * the entry is valid for this log's origin and its signature verifies with
 * its author_key.
 * @param[in]  count  at least 1; the server may return fewer (a page, or
 *                    the end of the log), never more.
 * @param[out] out    free with lh_entries_free().
 * @return 0; LH_EINVAL (count 0); LH_EPARSE, LH_EFIELD... (as lh_append()
 *         for a malformed entry) and LH_EBADSIG, for an entry that fails,
 *         with err naming its index; LH_EPROTO (more
 *         entries than asked, or out of order); server statuses; transport
 *         codes; LH_ENOMEM.
 * @note This proves who wrote each entry, not that the log holds it: for
 *       that, use lh_inclusion_proof_by_hash() on its leaf hash, or
 *       lh_get_case().
 */
int lh_get_entries(lh_conn *conn, uint64_t start, uint32_t count, lh_entries *out, lh_err *err);

/**
 * The entry at index, verified: its inclusion proof against the latest
 * checkpoint (as lh_inclusion_proof()), the entry itself (as
 * lh_get_entries()), and that it is the proof's leaf.
 * @param[out] out  the entry, with its audit_path and tree_size; free with
 *                  lh_logged_entry_free().
 * @return 0; LH_ENOTFOUND (index beyond the log); LH_EPROOF; the codes of
 *         lh_inclusion_proof() and lh_get_entries().
 */
int lh_get_entry(lh_conn *conn, uint64_t index, lh_logged_entry *out, lh_err *err);

/**
 * Find the entry with this entry id (how entries name each other:
 * author_prev, case_prev, refs, a CORRECTION's `corrects`...), and verify
 * it: its inclusion proof against the latest checkpoint (as
 * lh_inclusion_proof()), the entry itself (as lh_get_entries()), and that
 * it is the proof's leaf and has that entry id.
 * @param[out] out  the entry, with its audit_path and tree_size; free with
 *                  lh_logged_entry_free().
 * @return 0; LH_ENOTFOUND (no entry of the log has that id); LH_EPROOF;
 *         the codes of lh_inclusion_proof() and lh_get_entries().
 */
int lh_find_entry(lh_conn *conn, const uint8_t entry_id[LH_HASH_SIZE], lh_logged_entry *out,
                  lh_err *err);

/** Free what an lh_logged_entry owns and zero it. @param[in,out] e  may be NULL. */
void lh_logged_entry_free(lh_logged_entry *e);

/** A case's history, verified. */
typedef struct lh_case {
    lh_logged_entry *items; /**< in case order, each with its audit_path; owned */
    size_t count;
    lh_checkpoint checkpoint; /**< the verified checkpoint every proof is against; owned */
} lh_case;

/** Free a case and zero the structure. @param[in,out] c  may be NULL. */
void lh_case_free(lh_case *c);

/**
 * Fetch every entry of a case and verify the whole: the checkpoint (as
 * lh_get_checkpoint(): signature, consistency, not older than the last
 * seen), each entry (as lh_get_entries()), each inclusion proof against the
 * checkpoint, and the case chain: every entry belongs to the case, the
 * first has no case_prev, each next one's case_prev is the previous one's
 * entry id, and indexes increase. So no entry between the first and the
 * last returned can be missing.
 * @param[in]  case_id  NUL-terminated, non-empty, at most LH_CASE_ID_MAX bytes.
 * @param[out] out      free with lh_case_free().
 * @return 0; LH_EINVAL; LH_EPROOF for a broken chain, a foreign entry or a
 *         proof that fails, with err naming the entries ("case X: entry 57's
 *         case_prev does not link to entry 41"); the entry codes of
 *         lh_get_entries(); the checkpoint codes of lh_get_checkpoint();
 *         LH_EPROTO; server statuses (LH_ENOTFOUND for an unknown case);
 *         transport codes; LH_ENOMEM.
 * @note The chain cannot show entries logged after the last one returned
 *       (a log that hides a case's newest entries): the checkpoint being
 *       the latest narrows that, and an inspector's full audit
 *       (liuhen-verify) closes it.
 */
int lh_get_case(lh_conn *conn, const char *case_id, lh_case *out, lh_err *err);

/** The chain heads an author's next entry must name. Nothing to free. */
typedef struct lh_heads {
    uint64_t author_seq;               /**< the author's last seq (0: no entry yet) */
    bool has_author_head;              /**< author_seq > 0 */
    uint8_t author_head[LH_HASH_SIZE]; /**< entry id of the author's last entry */
    uint64_t case_length;              /**< entries in the case (0: empty or not asked) */
    bool has_case_head;                /**< case_length > 0 */
    uint8_t case_head[LH_HASH_SIZE];   /**< entry id of the case's last entry */
} lh_heads;

/**
 * The server's view of an author's chain head and, optionally, a case's.
 * @param[in] author_key  32-byte Ed25519 public key.
 * @param[in] case_id     NULL or "" for none.
 * @param[out] out        checked for shape only (a head is present exactly
 *                        when its count is non-zero): the server's claim,
 *                        which an append's signature then commits to.
 * @return 0; LH_EINVAL; LH_EPROTO; server statuses; transport codes.
 */
int lh_author_head(lh_conn *conn, const uint8_t author_key[LH_HASH_SIZE], const char *case_id,
                   lh_heads *out, lh_err *err);

/**
 * The enrolled keys, as the server summarises the ledger's KEY_ENROLL and
 * KEY_REVOKE entries.
 */
typedef struct lh_keys {
    Liuhen__KeyInfo **keys; /**< count pointers; borrowed from priv */
    size_t count;
    void *priv; /**< the unpacked response owning keys; private */
} lh_keys;

/** Free the key list and zero the structure. @param[in,out] k  may be NULL. */
void lh_keys_free(lh_keys *k);

/**
 * Fetch the enrolled keys. Checked for shape: every public key is 32 bytes,
 * every text is UTF-8 without control characters (so a tool may print it).
 * @param[out] out  free with lh_keys_free().
 * @return 0; LH_EPROTO; server statuses; transport codes; LH_EINVAL.
 * @note A summary, not proof: the entries at enrolled_index and
 *       revoked_index (lh_get_entries()) are the signed record.
 */
int lh_get_keys(lh_conn *conn, lh_keys *out, lh_err *err);

/** What the server says about itself; the checkpoint is verified. */
/** One of the daemon's witnesses, as it reports it (not verified here). */
typedef struct lh_witness_status {
    char *name;              /**< the witness key's name; owned */
    char *url;               /**< its submission prefix; owned */
    uint64_t cosigned_size;  /**< the largest tree size it cosigned, 0: none */
    int64_t cosigned_at;     /**< unix ms: the time in that cosignature */
    int64_t last_attempt_at; /**< unix ms, 0: none yet */
    char *last_error;        /**< "" when its last submission succeeded; owned */
} lh_witness_status;

/** Most bounds of a histogram of lh_server_metrics. */
#define LH_HIST_MAX 32

/** A histogram the daemon keeps: counts[i] observations were at most
 *  bounds[i] (and above bounds[i - 1]), counts[nbounds] above every bound. */
typedef struct lh_histogram {
    size_t nbounds;
    double bounds[LH_HIST_MAX]; /**< increasing, finite */
    uint64_t counts[LH_HIST_MAX + 1];
    uint64_t count; /**< the sum of counts */
    double sum;     /**< of the observations */
} lh_histogram;

/** How many Append answers had one status. */
typedef struct lh_status_count {
    const char *status; /**< "OK", "CONFLICT"...: static */
    uint64_t count;
} lh_status_count;

/** What liuhend counted since it started (liuhen status --prometheus). */
typedef struct lh_server_metrics {
    bool present; /**< false: a daemon that sends none */
    uint64_t appends;
    lh_status_count answers[32]; /**< by status, those answered at least once */
    size_t nanswers;
    lh_histogram batch_entries;  /**< entries per committed batch */
    lh_histogram commit_seconds; /**< one batch's commit, fdatasync included */
    lh_histogram append_seconds; /**< an Append from read to answer */
    uint64_t store_bytes, store_used_bytes;
    uint64_t refused_connections;
} lh_server_metrics;

typedef struct lh_server_status {
    char *origin;               /**< equals lh_origin(); owned */
    uint64_t tree_size;         /**< the server's claim */
    lh_checkpoint checkpoint;   /**< verified as by lh_get_checkpoint(); size 0 and
                                     note NULL when the server sent none */
    int64_t last_checkpoint_at; /**< unix ms */
    int64_t last_publish_at;    /**< unix ms, 0: never */
    uint32_t connections;
    double appends_per_second;
    uint32_t queue_depth;
    int64_t started_at;           /**< unix ms */
    char *log_vkey;               /**< the server's log verifier key; owned, may be "" */
    lh_witness_status *witnesses; /**< what the daemon knows of its witnesses; owned */
    size_t nwitnesses;
    unsigned min_cosignatures; /**< liuhend --min-cosignatures */
    lh_server_metrics metrics; /**< not verified: the daemon's own account */
} lh_server_status;

/** Free a status and zero it. @param[in,out] s  may be NULL. */
void lh_server_status_free(lh_server_status *s);

/**
 * Fetch the server's status. Its origin must be this log's; its checkpoint,
 * when present, is verified and accepted as lh_get_checkpoint() does.
 * @param[out] out  free with lh_server_status_free().
 * @return 0; LH_EORIGIN (another log); LH_EPROTO (text that is not UTF-8
 *         or holds control characters); the checkpoint codes of
 *         lh_get_checkpoint(); server statuses; transport codes; LH_ENOMEM.
 */
int lh_status(lh_conn *conn, lh_server_status *out, lh_err *err);

/**
 * The deadline of lh_export() and lh_backup(), which may take minutes on a
 * large log: ten minutes, or lh_options.timeout_ms when that is longer.
 */
#define LH_SLOW_TIMEOUT_MS (10u * 60u * 1000u)

/** What lh_export() wrote. */
typedef struct lh_export_result {
    uint64_t tree_size;       /**< the size of the tree the directory holds */
    lh_checkpoint checkpoint; /**< the checkpoint written into it, verified; owned */
    uint64_t files;           /**< files written: tiles, entry bundles and the checkpoint */
    bool checked_locally;     /**< DIR/checkpoint was read by this process and is the same */
} lh_export_result;

/** Free an export's result and zero it. @param[in,out] r  may be NULL. */
void lh_export_result_free(lh_export_result *r);

/**
 * Have the daemon write a complete C2SP tlog-tiles directory of the log's
 * latest checkpoint (`checkpoint`, `tile/<L>/<N>[.p/<W>]`,
 * `tile/entries/<N>[.p/<W>]`), for inspectors, who verify it offline
 * (liuhen-verify) without trusting the daemon's machine.
 *
 * The daemon writes it, as the daemon's user and in the daemon's view of
 * the file system, and only for a socket admin (root, the daemon's user or
 * a member of liuhend --admin-group) and beneath the directory its
 * operator configured (liuhend --export-dir): `directory` is a name
 * relative to that directory ("2026-q1") or an absolute path beneath it;
 * it must not exist (its parent must) or be an empty directory, and no
 * component may be a symbolic link, "..", "." or empty. Files are no more
 * readable than the export directory itself. Tiles and bundles are written
 * first and the checkpoint last, so a directory that has no checkpoint is
 * an incomplete export.
 *
 * The answer is verified: the checkpoint opens with the log key, has the
 * answered tree size, is consistent with the last checkpoint seen and not
 * older than it (as lh_get_checkpoint(); it becomes the last seen); the
 * number of files is the number of resources of that tree size plus the
 * checkpoint. Then, when this process can read `directory`/checkpoint
 * (the client runs on the daemon's machine and may read there), that file
 * must be byte for byte the answered checkpoint, and checked_locally is
 * set; when it cannot be opened here, checked_locally is false and the
 * call still succeeds. The tiles themselves are not read: liuhen-verify
 * checks the whole directory against the checkpoint.
 *
 * The deadline is LH_SLOW_TIMEOUT_MS, or the handle's timeout if longer.
 * The daemon carries out one export or backup at a time; one sent while
 * another runs waits for it within that deadline.
 * @param[in]  directory  relative to --export-dir or absolute beneath it,
 *                        shorter than PATH_MAX.
 * @param[out] out        free with lh_export_result_free().
 * @return 0; LH_EPERM (the caller is not a socket admin, or the daemon
 *         has no --export-dir); LH_EINVAL (NULL argument, a too long path,
 *         and
 *         every refusal of the daemon about the path: it exists and is not
 *         an empty directory, its parent is missing or is a file, the
 *         daemon's user cannot write it..., with err quoting the daemon's
 *         sentence, which names the path and the cause);
 *         LH_EUNAVAILABLE (the target file system is full or failing, or
 *         the daemon is stopping); LH_EINTERNAL;
 *         LH_EPROOF when the directory's checkpoint, read here, is not the
 *         answered one (changed since, or this process sees another
 *         directory at that path);
 *         LH_EPROTO (a missing result, a tree size or file count that
 *         contradicts the checkpoint); the checkpoint codes of
 *         lh_get_checkpoint() (LH_EBADSIG, LH_EFORK...); transport codes
 *         (LH_ETIMEOUT after the deadline above); LH_ENOMEM.
 */
int lh_export(lh_conn *conn, const char *directory, lh_export_result *out, lh_err *err);

/** What lh_backup() wrote. */
typedef struct lh_backup_result {
    uint64_t tree_size;       /**< the copy holds at least this tree */
    lh_checkpoint checkpoint; /**< the latest checkpoint when the copy began, verified; owned */
    uint64_t bytes;           /**< the size of the copy */
} lh_backup_result;

/** Free a backup's result and zero it. @param[in,out] r  may be NULL. */
void lh_backup_result_free(lh_backup_result *r);

/**
 * Have the daemon write a hot, compacted copy of its LMDB store while it
 * keeps serving (docs/design.md "The daemon").
 *
 * The daemon writes it, as the daemon's user and in the daemon's view of
 * the file system, and only for a socket admin (as lh_export()) and
 * beneath the directory its operator configured (liuhend --backup-dir):
 * `path` is a name relative to that directory or an absolute path beneath
 * it, which must not exist, reached through no symbolic link; its
 * directory must exist. The copy (mode 0600, since it holds the whole
 * ledger) is written under a hidden temporary name in --backup-dir,
 * fsync'd and renamed to `path`, never over a file, and the directory is
 * fsync'd before the answer; a failed copy is removed. To restore it, stop the
 * daemon and put the copy in place of DATA/data.mdb (beside the log's
 * log.key and log.vkey). Note that liuhend refuses to start on a store
 * that is behind the checkpoint already published (publish.h): a restored
 * backup older than the publication is a fork, and is caught as one.
 *
 * The answer is verified: its checkpoint, the latest when the copy began,
 * opens with the log key, has the answered tree size and is consistent
 * with the last checkpoint seen (it becomes the last seen). The copy
 * holds at least that tree.
 *
 * The deadline is LH_SLOW_TIMEOUT_MS, or the handle's timeout if longer;
 * as for lh_export(), the daemon runs one export or backup at a time.
 * @param[in]  path  relative to --backup-dir or absolute beneath it,
 *                   shorter than PATH_MAX.
 * @param[out] out   free with lh_backup_result_free().
 * @return 0; LH_EPERM (the caller is not a socket admin, or the daemon
 *         has no --backup-dir); LH_EINVAL (NULL argument, a too long path, and
 *         every refusal of the daemon about the path: it exists, its
 *         directory is missing, the daemon's user cannot write it...,
 *         with err quoting the daemon's sentence); LH_EUNAVAILABLE (no
 *         space left, an I/O error, the daemon is stopping);
 *         LH_EINTERNAL; LH_EPROTO (a missing result, an empty copy); the
 *         checkpoint codes of lh_get_checkpoint(); transport codes;
 *         LH_ENOMEM.
 */
int lh_backup(lh_conn *conn, const char *path, lh_backup_result *out, lh_err *err);

#endif
