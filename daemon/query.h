/*
 * query.h — the request side and the read-only calls of liuhend's wire
 * protocol (DESIGN.md "Wire protocol"): decoding a Request strictly, packing
 * Response frames, and answering GetCheckpoint, GetInclusionProof,
 * GetConsistencyProof, GetEntries, GetAuthorHead, GetCase, GetKeys and
 * Status from the store. Appends go through the sequencer (server.c).
 *
 * Every read call runs in ONE store read transaction, so that what it
 * returns (a proof, the checkpoint it verifies against, the entries) is one
 * consistent snapshot of the log; the response is packed before the
 * transaction ends because it points into LMDB's map. LMDB readers never
 * wait for the writer (DESIGN.md "Daemon behaviour"), so the event loop may
 * call these functions directly.
 *
 * Export and Backup are the slow calls (query_call_is_slow()): they write a
 * tiles directory or a copy of the whole store, which may take minutes, so
 * the server answers them with query_answer_slow() on a worker thread
 * instead. They write files as the daemon's user, wherever the request
 * says (an absolute path), but never over anything: an export goes into a
 * new or an empty directory, a backup into a new file.
 *
 * Tree sizes in proofs (the rule clients rely on):
 *  - GetInclusionProof answers at any tree size N with leaf_index < N <= the
 *    log's size; tree_size 0 means the latest checkpoint's size.
 *    GetConsistencyProof answers for 0 < first <= second <= the log's size;
 *    second 0 means the latest checkpoint's size.
 *  - The response's checkpoint is the signed checkpoint OF THAT SIZE
 *    (N, or second). The log signs one per committed batch and stores
 *    every one, so every size a client can hold a checkpoint for (from a
 *    receipt, a publication, Status or a witness) has one. For a size
 *    between two batches the log never signed a root: the proof is still
 *    returned (status OK) with no checkpoint, and the response's message
 *    says so; such a proof is only useful against a root the client
 *    computed itself.
 *
 * Limits: no response is larger than the frame limit. GetEntries returns at
 * most QUERY_MAX_ENTRIES entries and stops before the frame limit; GetCase
 * answers TOO_LARGE (saying how many entries the case has) when the whole
 * case with its proofs does not fit, since a partial case could not be
 * checked for completeness.
 *
 * Thread safety: the functions keep no state of their own; each call uses
 * its own read transaction. A thread must not call them while it holds
 * another read transaction of the same store (store.h: a pending map growth
 * would deadlock).
 */
#ifndef LIUHEN_QUERY_H
#define LIUHEN_QUERY_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "keyring.h"
#include "liuhen.pb-c.h"
#include "store.h"

/** Most entries one GetEntries response carries. */
#define QUERY_MAX_ENTRIES 1000

/**
 * A growing byte buffer of outgoing frames. Zero-initialise it; free its
 * data with query_buf_free().
 */
typedef struct query_buf {
    uint8_t *data; /**< malloc'd, owned by the buffer */
    size_t len;    /**< bytes of complete frames */
    size_t cap;    /**< room in data */
} query_buf;

/** Free a buffer's memory and zero it. Accepts a zeroed buffer. */
void query_buf_free(query_buf *buf);

/**
 * Figures for a Status response that only the running daemon knows: the
 * sequencer, the publisher and the server fill them in.
 */
typedef struct query_status {
    int64_t last_checkpoint_at;
    int64_t last_publish_at; /**< 0: not publishing, or nothing published yet */
    uint32_t connections;
    double appends_per_second;
    uint32_t queue_depth;
    int64_t started_at; /**< unix ms */
} query_status;

/** Fills in the running daemon's figures; called before the read transaction begins. */
typedef void (*query_status_fn)(void *ctx, query_status *out);

/** What the read calls read from, shared by every call. */
typedef struct query_env {
    store *store;              /**< the log */
    keyring *keys;             /**< GetKeys; NULL answers GetKeys UNAVAILABLE */
    const char *origin;        /**< the log's origin (Status) */
    const char *log_vkey;      /**< the log's note verifier key (Status) */
    uint32_t max_frame;        /**< largest frame body sent or received */
    query_status_fn status_fn; /**< may be NULL: the figures are then 0 */
    void *status_ctx;
} query_env;

/** A decoded request (query_parse_request()). */
typedef struct query_request {
    uint64_t id;                 /**< the request's id (0 when it could not be read) */
    Liuhen__Request *msg;        /**< the request; free with query_request_clear() */
    const uint8_t *signed_entry; /**< APPEND: the SignedEntry bytes exactly as received,
                                      pointing into msg */
    size_t signed_len;
} query_request;

/**
 * Decode one frame body as a liuhen.Request, strictly: a well-formed
 * protobuf in its canonical encoding (wire_is_canonical(): so a call given
 * twice or a NUL inside a string is refused rather than merged or cut),
 * exactly one call set, no unknown field anywhere in the request (naming
 * its number), and for Append a non-empty signed_entry, whose bytes are
 * returned as received (DESIGN.md: the daemon never re-serialises what an
 * author sent).
 * @param[in]  body  the frame body, len bytes.
 * @param[out] out   on success the request; on failure out->id is the
 *                   request's id if the protobuf could be read (else 0) and
 *                   out->msg is NULL.
 * @param[out] err   a sentence for the client naming the problem.
 * @return 0; LH_EPARSE (not a liuhen.Request protobuf, not canonical, or no
 *         call set), LH_EUNKNOWNFIELD, LH_EFIELD (an empty signed entry),
 *         LH_ENOMEM. Every error is answered INVALID_ARGUMENT except
 *         LH_ENOMEM (INTERNAL).
 */
int query_parse_request(const uint8_t *body, size_t len, query_request *out, lh_err *err);

/** Free a decoded request. Accepts a zeroed or already cleared one. */
void query_request_clear(query_request *req);

/**
 * The name of a request's call as in liuhen.proto ("append",
 * "get_inclusion_proof"); "none" when no call is set. A static string.
 */
const char *query_call_name(Liuhen__Request__CallCase call);

/**
 * Append one frame (4-byte big-endian length, then the packed Response) to
 * out. A response whose body would exceed max_frame is replaced by a
 * TOO_LARGE response with the same id naming both sizes, so that no client
 * ever receives a frame larger than the limit.
 * @return 0, LH_ENOMEM (out is unchanged).
 */
int query_put_response(query_buf *out, const Liuhen__Response *resp, uint32_t max_frame);

/**
 * Append a response frame with no result: status and a message naming the
 * problem (printf format).
 * @return 0, LH_ENOMEM (out is unchanged).
 */
int query_put_error(query_buf *out, uint64_t id, Liuhen__Status status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/**
 * Whether a call is one of the slow ones (Export, Backup), answered by
 * query_answer_slow() rather than query_answer().
 */
bool query_call_is_slow(Liuhen__Request__CallCase which);

/**
 * Answer a read call (every call but Append, Export and Backup) and append
 * its response frame to out. Refusals (INVALID_ARGUMENT naming the field, NOT_FOUND naming
 * the object, TOO_LARGE) are answers too: they are logged (info, debug for
 * NOT_FOUND) and appended like any other response.
 * @param[in]  env     what to read.
 * @param[in]  req     a request from query_parse_request(), not an Append.
 * @param[out] out     receives one frame.
 * @param[out] status  optional: the status answered.
 * @return 0; LH_ENOMEM when not even an error response could be appended
 *         (out is unchanged: the caller closes the connection); LH_EINVAL
 *         for an Append, a slow call or a request with no call (a caller's
 *         bug).
 */
int query_answer(const query_env *env, const Liuhen__Request *req, query_buf *out,
                 Liuhen__Status *status);

/**
 * Carry out a slow call and append its response frame to out. It blocks
 * for as long as the work takes: call it from a worker thread, never from
 * the event loop, and with no read transaction of the store open on the
 * calling thread.
 *
 * Export (ExportRequest.directory): the directory must be an absolute path
 * that does not exist (its parent must; it is created with mode 0755) or an
 * empty directory, not a symbolic link; trailing slashes are ignored. The
 * C2SP tiles directory of the latest checkpoint is written into it with
 * publish_write() (tiles and entry bundles, then the checkpoint, last).
 * The answer holds that checkpoint, its tree size and the number of files
 * written. A failed export leaves the directory without a checkpoint.
 *
 * Backup (BackupRequest.path): the path must be absolute and must not
 * exist; the file is created with O_EXCL and O_NOFOLLOW, mode 0600, filled
 * with store_backup_fd() (a compacted LMDB copy: put it back as data.mdb
 * beside the log's key files to restore it), then the file and its
 * directory are fsync'd. The answer holds the tree size and the latest
 * checkpoint read just before the copy began (the copy holds at least
 * that tree) and the size of the copy in bytes. A failed backup removes
 * the partial file.
 *
 * Refusals name the field, the path and the cause: INVALID_ARGUMENT for a
 * path that is empty, relative, not UTF-8, holds a control character, is
 * too long, exists (a backup), is a non-empty directory or not a
 * directory (an export), lies under a missing directory or a file, is a
 * symbolic link, is on a read-only file system, or that the daemon's user
 * may not write ("the daemon's user cannot write it (EACCES)");
 * UNAVAILABLE when the target file system is full (ENOSPC, EDQUOT) or
 * fails (EIO); NOT_FOUND when the log has no checkpoint yet; INTERNAL for
 * a store error, which is also logged as an error. Successes are logged
 * (info) with the path, the size and the time taken.
 * @param[in]  env     the store to read (and max_frame); the other members
 *                     are not used.
 * @param[in]  req     a request from query_parse_request() whose call is
 *                     Export or Backup.
 * @param[out] out     receives one frame.
 * @param[out] status  optional: the status answered.
 * @return 0; LH_ENOMEM when not even an error response could be appended;
 *         LH_EINVAL for a request that is not a slow call (a caller's bug).
 */
int query_answer_slow(const query_env *env, const Liuhen__Request *req, query_buf *out,
                      Liuhen__Status *status);

#endif
