/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * jsonstream.c — successive JSON objects of a stream (jsonstream.h), read
 * with jansson byte by byte: with JSON_DISABLE_EOF_CHECK it stops right
 * after an object's closing brace, so nothing of the next one is lost.
 */
#include "jsonstream.h"

#include <errno.h>
#include <string.h>

#include "quote.h"

void jsonstream_init(jsonstream *s, FILE *f, const char *name, size_t max)
{
    memset(s, 0, sizeof *s);
    s->f = f;
    s->name = name;
    s->max = max;
    s->line = 1;
}

/* jansson's json_load_callback_t: one byte at a time, within the bound. */
static size_t take_byte(void *buffer, size_t buflen, void *data)
{
    jsonstream *s = data;
    if (buflen == 0)
        return 0;
    if (s->taken >= s->max)
        return (size_t)-1;
    int ch = getc(s->f);
    if (ch == EOF) {
        if (ferror(s->f)) {
            s->read_errno = errno != 0 ? errno : EIO;
            return (size_t)-1;
        }
        return 0;
    }
    s->taken++;
    if (ch == '\n')
        s->line++;
    *(unsigned char *)buffer = (unsigned char)ch;
    return 1;
}

int jsonstream_next(jsonstream *s, json_t **out, unsigned long *line, lh_err *err)
{
    *out = NULL;
    int ch;
    errno = 0;
    /* Blanks between objects (JSON's four) are skipped. */
    while ((ch = getc(s->f)) == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
        if (ch == '\n')
            s->line++;
    if (ch == EOF) {
        if (ferror(s->f)) {
            int e = errno != 0 ? errno : EIO;
            return lh_err_set(err, -e, "%s: line %lu: cannot read: %s", s->name, s->line,
                              strerror(e));
        }
        return 0;
    }
    ungetc(ch, s->f);
    unsigned long start = s->line;
    s->taken = 0;
    s->read_errno = 0;
    json_error_t je;
    json_t *j =
        json_load_callback(take_byte, s, JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &je);
    if (j == NULL) {
        if (s->read_errno != 0)
            return lh_err_set(err, -s->read_errno, "%s: line %lu: cannot read: %s", s->name,
                              s->line, strerror(s->read_errno));
        if (s->taken >= s->max)
            return lh_err_set(err, LH_ETOOBIG, "%s: line %lu: the record is longer than %zu bytes",
                              s->name, start, s->max);
        char why[QUOTE_MESSAGE_MAX];
        quote_text(why, sizeof why, je.text);
        unsigned long at = start + (unsigned long)(je.line > 0 ? je.line - 1 : 0);
        if (at == start)
            return lh_err_set(err, LH_EJSON, "%s: line %lu column %d: %s", s->name, at, je.column,
                              why);
        return lh_err_set(err, LH_EJSON, "%s: line %lu column %d, in the record from line %lu: %s",
                          s->name, at, je.column, start, why);
    }
    if (!json_is_object(j)) {
        json_decref(j);
        return lh_err_set(err, LH_EJSON, "%s: line %lu: a record is a JSON object, not an array",
                          s->name, start);
    }
    *out = j;
    *line = start;
    return 1;
}
