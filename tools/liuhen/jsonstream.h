/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * jsonstream.h — JSON objects one after another from a stream: JSON Lines
 * (one object per line), or objects written back to back, or a single
 * object over many lines. `liuhen append --json FILE|-` reads its records
 * this way, so that an import of a million records never holds more than
 * one record's text at a time.
 *
 * Each object is read with its own bound on its size; an error names the
 * line of the input it is on, counted from 1 over the whole stream.
 */
#ifndef LIUHEN_JSONSTREAM_H
#define LIUHEN_JSONSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "errors.h"

typedef struct jsonstream {
    FILE *f;            /* borrowed */
    const char *name;   /* for messages: "standard input", a file name */
    size_t max;         /* the largest object, in bytes */
    size_t taken;       /* bytes of the object being read */
    unsigned long line; /* the line the next byte is on */
    int read_errno;     /* a read error of the object being read */
} jsonstream;

/** Read objects from f (borrowed; name is borrowed too), each at most max bytes. */
void jsonstream_init(jsonstream *s, FILE *f, const char *name, size_t max);

/**
 * The next object of the stream.
 * @param[out] out   on 1, the object (the caller owns the reference).
 * @param[out] line  on 1, the line it starts on.
 * @return 1; 0 at the end of the input (only blanks left); LH_EJSON (not
 *         JSON, not an object, a duplicate key), LH_ETOOBIG (an object
 *         over the bound) or -errno (a read error), err naming the line.
 */
int jsonstream_next(jsonstream *s, json_t **out, unsigned long *line, lh_err *err);

#endif
