/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * publish.h — the static C2SP tlog-tiles directory that inspectors mirror
 * (docs/design.md "Merkle tree, checkpoints, receipts"): `checkpoint`, `tile/<L>/<N>[.p/<W>]`,
 * `tile/entries/<N>[.p/<W>]` (entry bundles hold the Leaf bytes).
 *
 * Tiles and bundles are written first and the checkpoint last, each by
 * write-to-temporary, fsync and rename, so a reader of the directory never
 * sees a checkpoint whose tiles are missing, nor a torn file under a final
 * name. Files are made 0644 and directories 0755 whatever the umask, since
 * the directory is meant to be served to others. Full tiles never change, so
 * a publication writes only what the previous one did not complete.
 *
 * Partial tiles (C2SP tlog-tiles "Partial Tiles"): those of the published
 * size are always present. Once the full tile exists and the checkpoint
 * that needs it is in place, the partial versions of that tile are deleted,
 * as C2SP permits ("MAY delete any partial tile once the corresponding full
 * tile is available"; clients "MAY fetch the full tile ... as a fallback").
 * Partial versions of a tile that is not yet full are kept, since a client
 * holding an older checkpoint has no other way to read them.
 *
 * The publisher owns a thread: it publishes every interval, on request,
 * and once more when stopped, and after each publication runs the hook
 * (`/bin/sh -c 'HOOK "$1"' liuhen-publish DIR/checkpoint`).
 */
#ifndef LIUHEN_PUBLISH_H
#define LIUHEN_PUBLISH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "errors.h"
#include "note.h"
#include "store.h"

/** How long a publish hook may run before it is killed, unless configured. */
#define PUBLISH_HOOK_TIMEOUT_DEFAULT 60

/**
 * Refuse to run on a store that is behind, or forked from, what was
 * already published: the published checkpoint (if any) must verify with the
 * log key, its size must not exceed the store's, and the store's tree hash
 * at that size must equal its root. A restored old backup must never sign a
 * shorter tree. Call it before the daemon signs anything.
 * @param[in]  dir      the publish directory; it need not exist.
 * @param[in]  st       the store (one read transaction is used).
 * @param[in]  log_key  the log's type 0x01 verifier key.
 * @param[out] err      optional detail naming DIR/checkpoint and the cause.
 * @return 0 (also when the directory or its checkpoint does not exist yet);
 *         LH_EFORK when the published checkpoint is larger than the store's
 *         tree or its root differs from the store's tree hash at its size;
 *         LH_ETOOBIG for a checkpoint file larger than NOTE_MAX_SIZE; the
 *         codes of checkpoint_open() for a checkpoint that does not verify
 *         with log_key (LH_ENOKEY: signed by another key; LH_EBADSIG;
 *         LH_EPARSE...); LH_ESTORE; -errno (e.g. -EACCES, -EISDIR).
 */
int publish_check_start(const char *dir, store *st, const note_verifier *log_key, lh_err *err);

/**
 * Write the tiles directory of the tree of `size` leaves, whose signed
 * checkpoint is `note`, then the checkpoint, then delete the partial tiles
 * made obsolete (see above).
 *
 * The store is append-only, so the leaves and stored hashes of a tree of
 * `size` leaves never change: each tile is copied from its own short read
 * transaction into memory and written after that transaction ends, so that
 * slow disk I/O never holds up store_grow().
 *
 * Which tiles are written: the partial tiles of `size`, always; a full tile
 * that was already full at `prev_size` is taken to exist and not touched; a
 * full tile already full at the size of the checkpoint found in the
 * directory (whose root is first checked against the store) is kept if the
 * file exists with the right length; every other full tile is (re)written,
 * since it may be the leftover of a publication interrupted before its
 * checkpoint, from a store since restored.
 *
 * @param[in] dir        the publish directory; created 0755 if missing (its
 *                       parent must exist). Also used for a one-off export
 *                       into an empty directory.
 * @param[in] st         the store; its tree must have at least `size` leaves.
 * @param[in] size       the tree size to publish, at most MERKLE_MAX_SIZE.
 * @param[in] note       note_len bytes: the signed checkpoint of that size,
 *                       written to DIR/checkpoint exactly as given. Its text
 *                       must parse, name `size` and hold the store's root.
 * @param[in] prev_size  the size this caller last published successfully
 *                       into dir from this store, or 0 when unknown.
 * @param[out] err       optional detail naming the file and the cause.
 * @return 0; LH_EINVAL (prev_size > size, or a note whose size is not
 *         `size`); the codes of checkpoint_parse_text() for a note that is
 *         not a checkpoint; LH_ERANGE (the store has fewer than `size`
 *         leaves); LH_EFORK (the note's root is not the store's tree hash,
 *         or DIR/checkpoint is larger than `size` or inconsistent with the
 *         store: the directory is never made to go back); LH_ETOOBIG (a
 *         leaf longer than TILE_ENTRY_MAX); LH_ENOMEM; LH_ESTORE;
 *         LH_ENOTFOUND (a leaf or hash missing from the store); -errno
 *         (e.g. -ENOSPC). On failure the checkpoint in the directory is the
 *         previous one, and every file under a final name is whole.
 */
int publish_write(const char *dir, store *st, uint64_t size, const uint8_t *note, size_t note_len,
                  uint64_t prev_size, lh_err *err);

/** The access modes of what publish_write_at() creates. */
typedef struct publish_modes {
    mode_t file_mode; /**< tiles, bundles and the checkpoint */
    mode_t dir_mode;  /**< the directories under the root */
} publish_modes;

/**
 * publish_write() into the directory open on root, which must exist:
 * every file and directory under it is created, opened and replaced
 * through descriptors opened from root one component at a time, never
 * through a symbolic link (beneath.h), so that a directory swapped for a
 * link while it runs makes it fail (-ELOOP) rather than write elsewhere.
 * Files and directories get the given modes, whatever the umask.
 * publish_write() is this with 0644 and 0755, after creating dir.
 * @param[in] root   a directory descriptor; borrowed.
 * @param[in] dir    how the directory is named in messages.
 * @param[in] modes  the modes of what is created.
 * @return as publish_write().
 */
int publish_write_at(int root, const char *dir, const publish_modes *modes, store *st,
                     uint64_t size, const uint8_t *note, size_t note_len, uint64_t prev_size,
                     lh_err *err);

typedef struct publisher publisher;

/**
 * Give the latest signed checkpoint, called from the publisher's thread
 * (so it must be thread-safe).
 * @param[in]  ctx   publish_config.latest_ctx.
 * @param[out] size  its tree size.
 * @param[out] note  a malloc'd copy of the signed note, freed by the
 *                   publisher; set only when 0 is returned.
 * @param[out] len   its length.
 * @return 0; LH_ENOTFOUND when no checkpoint was signed yet (nothing is
 *         published, quietly); any other code is logged and the
 *         publication retried at the next tick.
 */
typedef int (*publish_latest_fn)(void *ctx, uint64_t *size, uint8_t **note, size_t *len);

typedef struct publish_config {
    const char *dir;               /* the publish directory (created 0755 if missing); copied */
    const char *hook;              /* shell command, or NULL; copied */
    unsigned interval_seconds;     /* 0: only on request and at stop */
    unsigned hook_timeout_seconds; /* 0: PUBLISH_HOOK_TIMEOUT_DEFAULT */
    store *store;                  /* borrowed: must outlive publish_stop() */
    publish_latest_fn latest;      /* gives a malloc'd copy of the latest checkpoint */
    void *latest_ctx;
} publish_config;

/**
 * Start the publisher thread. It first waits: the first publication happens
 * after interval_seconds, or on publish_request(), or at publish_stop().
 * Each publication is skipped when the latest checkpoint's size equals the
 * last one published by this publisher. A failed publication (e.g. a full
 * disk) is logged and tried again at the next tick; it never stops the
 * daemon. After each publication the hook, if any, runs with stdin from
 * /dev/null, in a process group of its own that is killed (SIGKILL) when
 * it runs longer than the hook timeout; a non-zero exit, a signal or a
 * timeout is logged.
 * @param[out] out  the publisher, ended with publish_stop().
 * @param[in]  cfg  the configuration; its strings are copied.
 * @param[out] err  optional detail.
 * @return 0; LH_EINVAL (no dir, store or latest); LH_ENOMEM; -errno (the
 *         directory cannot be created or is not a directory; the thread
 *         cannot be started).
 */
int publish_start(publisher **out, const publish_config *cfg, lh_err *err);

/** Ask for a publication as soon as possible. Thread-safe; accepts NULL. */
void publish_request(publisher *pub);

/**
 * Unix ms of the last successful publication (0: none yet, or pub is
 * NULL, i.e. not publishing). Thread-safe.
 */
int64_t publish_last_at(publisher *pub);

/**
 * With final: publish the latest checkpoint once more (unless already
 * published) and run the hook; then, in any case, stop and join the
 * thread, and free. May block for as long as the publication and the hook
 * timeout. Call it while the store and whatever `latest` reads are still
 * open. Without final (a start-up that failed), nothing is written.
 * Accepts NULL.
 * @return 0; what the final publication failed with (logged already).
 */
int publish_stop(publisher *pub, bool final);

#endif
