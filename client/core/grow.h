/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * grow.h — one way to make room in a growing array: the capacity doubles
 * from a first size, never beyond a limit the caller chooses (HEADS_MAX
 * heads, the ids an idtable can hold) and never past what size_t can
 * count, so that a run of appends costs amortised constant time and no
 * multiplication of a capacity can wrap.
 */
#ifndef LIUHEN_GROW_H
#define LIUHEN_GROW_H

#include <stddef.h>

/**
 * Room for at least `need` elements of `elt` bytes in the array whose
 * pointer is at arrp and whose capacity is *cap. When need > *cap, the
 * capacity doubles (from `first` when it is 0) until it holds need,
 * clamped to the limit; the array is reallocated to the new capacity.
 * @param[in,out] arrp   the address of the caller's array pointer (a
 *                       `T **`, passed as void *: the pointer is copied in
 *                       and out with memcpy, so any object pointer type
 *                       works); NULL with *cap 0 for an empty array.
 * @param[in,out] cap    the capacity in elements; set on success.
 * @param[in]     need   the elements wanted (usually n + 1).
 * @param[in]     elt    the size of one element, above 0.
 * @param[in]     first  the capacity of the first allocation (1 if 0).
 * @param[in]     max    at most this many elements; 0 for no limit but
 *                       SIZE_MAX / elt (the limit applies either way).
 * @return 0 (nothing is done when need <= *cap), or LH_ENOMEM when need
 *         is beyond the limit or the allocation failed; *arrp and *cap
 *         are then unchanged.
 * @note The caller still owns the array and frees it with free().
 */
int grow_room(void *arrp, size_t *cap, size_t need, size_t elt, size_t first, size_t max);

#endif
