/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * cause.h — which failure follows from which. One altered entry or tile
 * makes several checks fail: its leaf does not hash to its tile, its
 * signature does not verify, the next entry of its author finds a gap in
 * the chain, the tile above and the root do not match. The inspector is
 * told of one alteration and its consequences, not of several alterations.
 *
 * Each failure names the entries it is about: its own index, and a span of
 * entries its check depends on (the entries of a tile that does not hash to
 * its parent, the whole tree for the root, the entries between a chain's
 * head and the entry that does not continue it). A failure whose entries
 * include an entry an earlier alteration is about is that alteration's
 * consequence; otherwise it is an alteration itself, and its own entry (and,
 * for the tiles' integrity failures, its span) is remembered as altered.
 * The attribution is by position only: a consequence is a failure that the
 * earlier alteration suffices to explain, which the inspector may check by
 * correcting the one entry.
 *
 * Memory is bounded: at most CAUSE_POINTS_MAX altered entries and
 * CAUSE_SPANS_MAX altered spans are remembered; failures beyond are shown
 * as alterations (never wrongly as consequences).
 */
#ifndef LIUHEN_VERIFY_CAUSE_H
#define LIUHEN_VERIFY_CAUSE_H

#include <stddef.h>
#include <stdint.h>

/** Altered entries remembered. */
#define CAUSE_POINTS_MAX (1u << 20)

/** Altered spans (tiles, the tree) remembered. */
#define CAUSE_SPANS_MAX 256

/** Altered entries and spans, each with the number of the failure that found it. */
typedef struct cause_table {
    uint64_t *idx; /* sorted */
    size_t *num;   /* num[i]: the failure that found idx[i] altered */
    size_t n, cap;
    struct {
        uint64_t first, last;
        size_t num;
    } span[CAUSE_SPANS_MAX];
    size_t nspans;
} cause_table;

/** Make t empty. */
void cause_init(cause_table *t);

/** Free what t holds; t is empty again. */
void cause_free(cause_table *t);

/**
 * The failure that found an entry from first to last (inclusive) altered:
 * the one of the lowest altered entry in the range, else of the first
 * altered span that meets it.
 * @return its number (1-based, in the order failures were reported), or 0.
 */
size_t cause_find(const cause_table *t, uint64_t first, uint64_t last);

/**
 * Remember entry `index` as altered, found by failure `num`. An entry
 * already remembered keeps its first failure.
 * @return 0, LH_ENOMEM (t unchanged); nothing is remembered past CAUSE_POINTS_MAX.
 */
int cause_add(cause_table *t, uint64_t index, size_t num);

/** Remember the entries first to last as altered, found by failure `num`. */
void cause_add_span(cause_table *t, uint64_t first, uint64_t last, size_t num);

#endif
