/*
 * publish.h — the static C2SP tlog-tiles directory that inspectors mirror
 * (DESIGN.md "Publication"): `checkpoint`, `tile/<L>/<N>[.p/<W>]`,
 * `tile/entries/<N>[.p/<W>]` (entry bundles hold the Leaf bytes).
 *
 * Tiles and bundles are written first and the checkpoint last, each by
 * write-to-temporary, fsync and rename, so a reader of the directory never
 * sees a checkpoint whose tiles are missing. Full tiles never change, so a
 * publication writes only what the previous one did not complete.
 *
 * The publisher owns a thread: it publishes every interval, on request,
 * and once more when stopped, and after each publication runs the hook
 * (`/bin/sh -c 'HOOK "$1"' liuhen-publish DIR/checkpoint`).
 */
#ifndef LIUHEN_PUBLISH_H
#define LIUHEN_PUBLISH_H

#include <stdint.h>

#include "errors.h"
#include "note.h"
#include "store.h"

/**
 * Refuse to run on a store that is behind, or forked from, what was
 * already published: the published checkpoint (if any) must verify with the
 * log key, its size must not exceed the store's, and the store's tree hash
 * at that size must equal its root. A restored old backup must never sign a
 * shorter tree.
 * @return 0 (also when nothing was published yet); LH_EFORK with err
 *         saying which (size or root) differs; LH_EBADSIG, LH_EPARSE for an
 *         unreadable published checkpoint; -errno.
 */
int publish_check_start(const char *dir, store *st, const note_verifier *log_key, lh_err *err);

/**
 * Write the tiles directory of the tree of `size` leaves, whose signed
 * checkpoint is `note`, reading a consistent snapshot of the store. Writes
 * the tiles and bundles a tree of `prev_size` did not have complete (0: all
 * that are missing from the directory), then the checkpoint.
 * Also used for a one-off export into an empty directory.
 * @return 0, LH_ESTORE, -errno (e.g. -ENOSPC), with err naming the file.
 */
int publish_write(const char *dir, store *st, uint64_t size, const uint8_t *note, size_t note_len,
                  uint64_t prev_size, lh_err *err);

typedef struct publisher publisher;

/** Returns a reference to the latest signed checkpoint for the publisher. */
typedef int (*publish_latest_fn)(void *ctx, uint64_t *size, uint8_t **note, size_t *len);

typedef struct publish_config {
    const char *dir;            /* the publish directory (created 0755 if missing) */
    const char *hook;           /* shell command, or NULL */
    unsigned interval_seconds;  /* 0: only on request and at stop */
    store *store;
    publish_latest_fn latest;   /* gives a malloc'd copy of the latest checkpoint */
    void *latest_ctx;
} publish_config;

/** Start the publisher thread. @return 0, LH_ENOMEM, -errno. */
int publish_start(publisher **out, const publish_config *cfg, lh_err *err);

/** Ask for a publication as soon as possible. Thread-safe. */
void publish_request(publisher *pub);

/** Unix ms of the last successful publication (0: none yet). Thread-safe. */
int64_t publish_last_at(publisher *pub);

/** Publish once more, stop and join the thread, free. Accepts NULL. */
void publish_stop(publisher *pub);

#endif
