/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fieldpath.h — the dotted path of a field ("decision.responsible[0].person.name"),
 * grown and taken back one step at a time while a walk goes down messages
 * and lists, so that an error names the field where it happened. pbjson
 * names by it the field of JSON it reads; record and record_set the field
 * of a body that a person set. The names are the .proto field names.
 *
 * A path longer than FIELDPATH_CAP - 1 bytes is cut (an error message is
 * bounded by LH_ERR_MSG_MAX anyway); a cut path is still NUL-terminated.
 *
 * Thread safety: a fieldpath is a plain value owned by its walk.
 */
#ifndef LIUHEN_FIELDPATH_H
#define LIUHEN_FIELDPATH_H

#include <stddef.h>

/** Room for a dotted path, its NUL included. */
#define FIELDPATH_CAP 256

/** A dotted path being walked. A zero-initialised one is the empty path. */
typedef struct fieldpath {
    char s[FIELDPATH_CAP]; /**< the path, NUL-terminated */
    size_t len;            /**< strlen(s) */
} fieldpath;

/**
 * Start a path at its root, the name of the outermost value ("interference").
 * @param[out] p     the path.
 * @param[in]  root  NUL-terminated; "" gives the empty path.
 */
void fieldpath_init(fieldpath *p, const char *root);

/**
 * Go down into a field: append ".name" (or "name" to the empty path).
 * @return the length before, for fieldpath_pop().
 */
size_t fieldpath_push_name(fieldpath *p, const char *name);

/**
 * Go down into an item of a list: append "[index]".
 * @return the length before, for fieldpath_pop().
 */
size_t fieldpath_push_index(fieldpath *p, size_t index);

/**
 * Come back up to where a push started.
 * @param[in] saved  what that fieldpath_push_name() or
 *                   fieldpath_push_index() returned.
 */
void fieldpath_pop(fieldpath *p, size_t saved);

#endif
