/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * suggest.h — "did you mean": the known name closest to what was typed,
 * for a mistyped command, kind, field or enum value. Names are compared by
 * edit distance over Unicode code points (optimal string alignment: a
 * transposition of two neighbours costs one, as "stauts" for "status"),
 * with ASCII case folded and '-' read as '_', so that English names and
 * their Chinese labels are offered alike ("指导意见" finds 指导性意见).
 *
 * A suggestion is made only when it is close enough to be the likely
 * intent: at most one edit in a name of up to four characters, two up to
 * eight, a third of the length beyond; or when what was typed begins one
 * known name and no other ("app" for "append"). Two candidates equally
 * close leave the first offered.
 *
 * Usage:
 *     suggest s;
 *     suggest_init(&s, typed);
 *     for (each known name) suggest_offer(&s, name, shown_as);
 *     if (s.best != NULL) ... "did you mean '%s'?", s.best ...
 *
 * Thread safety: a suggest is a plain value owned by its caller.
 */
#ifndef LIUHEN_SUGGEST_H
#define LIUHEN_SUGGEST_H

#include <stddef.h>

/** The longest name compared, in code points; longer names are never suggested. */
#define SUGGEST_NAME_MAX 64

typedef struct suggest {
    const char *typed; /**< what was typed; borrowed */
    size_t typed_len;  /**< its length in code points, 0 when too long */
    /** The best candidate so far, as offered (NULL: none close enough), and
     *  the tag given with it (what the caller means by it). */
    const char *best;
    const void *best_tag;
    unsigned best_distance;
    /** Candidates that typed is a prefix of: the first, and how many. */
    const char *prefix_of;
    const void *prefix_tag;
    unsigned prefixes;
} suggest;

/** Start looking for what typed (NUL-terminated UTF-8, borrowed) may mean. */
void suggest_init(suggest *s, const char *typed);

/**
 * Offer a known name.
 * @param[in] name  NUL-terminated UTF-8; borrowed until the result is read.
 * @param[in] tag   returned with it (a kind, a descriptor); may be NULL.
 */
void suggest_offer(suggest *s, const char *name, const void *tag);

/**
 * The suggestion: the closest name close enough, else the one name typed
 * is a prefix of (three characters at least).
 * @param[out] tag  the tag it was offered with; may be NULL.
 * @return the name, or NULL when nothing is close enough.
 */
const char *suggest_best(const suggest *s, const void **tag);

/**
 * The edit distance of two UTF-8 names, in code points, ASCII case folded
 * and '-' read as '_' (SUGGEST_NAME_MAX + 1 when one is longer than that).
 */
unsigned suggest_distance(const char *a, const char *b);

#endif
