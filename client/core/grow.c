/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * grow.c — room in a growing array, by doubling (grow.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "grow.h"

int grow_room(void *arrp, size_t *cap, size_t need, size_t elt, size_t first, size_t max)
{
    if (need <= *cap)
        return 0;
    size_t limit = SIZE_MAX / elt;
    if (max != 0 && max < limit)
        limit = max;
    if (need > limit)
        return LH_ENOMEM;
    size_t ncap = *cap != 0 ? *cap : first != 0 ? first : 1;
    if (ncap > limit)
        ncap = limit;
    while (ncap < need)
        ncap = ncap > limit / 2 ? limit : ncap * 2;
    /* The caller's pointer is a T *, not a void *: copy it rather than
     * read it through a void ** (strict aliasing). */
    void *arr;
    memcpy(&arr, arrp, sizeof arr);
    void *p = realloc(arr, ncap * elt);
    if (p == NULL)
        return LH_ENOMEM;
    memcpy(arrp, &p, sizeof p);
    *cap = ncap;
    return 0;
}
