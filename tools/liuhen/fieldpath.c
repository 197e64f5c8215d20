/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fieldpath.c — the dotted path of a field, for error messages
 * (fieldpath.h).
 */
#include "fieldpath.h"

#include <stdio.h>

/* Count n more bytes that snprintf() wrote, or would have written had the
 * path had room: on truncation it wrote up to the end and a NUL. */
static void fieldpath_add(fieldpath *p, int n)
{
    if (n > 0)
        p->len = (size_t)n < sizeof p->s - p->len ? p->len + (size_t)n : sizeof p->s - 1;
}

void fieldpath_init(fieldpath *p, const char *root)
{
    p->len = 0;
    p->s[0] = '\0';
    fieldpath_push_name(p, root);
}

size_t fieldpath_push_name(fieldpath *p, const char *name)
{
    size_t saved = p->len;
    fieldpath_add(
        p, snprintf(p->s + p->len, sizeof p->s - p->len, "%s%s", p->len > 0 ? "." : "", name));
    return saved;
}

size_t fieldpath_push_index(fieldpath *p, size_t index)
{
    size_t saved = p->len;
    fieldpath_add(p, snprintf(p->s + p->len, sizeof p->s - p->len, "[%zu]", index));
    return saved;
}

void fieldpath_pop(fieldpath *p, size_t saved)
{
    p->len = saved;
    p->s[saved] = '\0';
}
