/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * table.c — aligned text and RFC 4180 CSV of a table of cells (table.h).
 */
#include "table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "grow.h"
#include "text.h"

struct table {
    size_t ncols;
    char **cells; /* rows + 1 (the header) times ncols, row-major */
    size_t rows, cap;
};

/* A cell as it may be shown: controls and hidden characters escaped. */
static char *shown(const char *s)
{
    if (s == NULL)
        s = "";
    size_t len = strlen(s), i = 0, n = 0;
    char *out = malloc(len * 6 + 1);
    if (out == NULL)
        return NULL;
    while (i < len) {
        /* A line break or a tab would break the row: a space. */
        if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') {
            out[n++] = ' ';
            i++;
            continue;
        }
        char piece[TEXT_SHOWN_MAX];
        size_t k = text_show_next((const uint8_t *)s, len, &i, 0, piece);
        memcpy(out + n, piece, k);
        n += k;
    }
    out[n] = '\0';
    return out;
}

table *table_new(size_t ncols, const char *const *headers)
{
    if (ncols == 0 || ncols > TABLE_MAX_COLS)
        return NULL;
    table *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->ncols = ncols;
    if (table_add(t, headers) != 0) {
        free(t->cells);
        free(t);
        return NULL;
    }
    t->rows = 0;
    return t;
}

void table_free(table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < (t->rows + 1) * t->ncols && t->cells != NULL; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}

int table_add(table *t, const char *const *cells)
{
    /* Row 0 is the header: table_new() adds it with rows still 0, then
     * the rows proper start at 1. */
    size_t at = t->cells == NULL ? 0 : t->rows + 1;
    /* t->cap counts rows of t->ncols cells. */
    if (grow_room(&t->cells, &t->cap, at + 1, t->ncols * sizeof *t->cells, 16, 0) != 0)
        return LH_ENOMEM;
    for (size_t c = 0; c < t->ncols; c++) {
        char *s = shown(cells[c]);
        if (s == NULL) {
            while (c-- > 0)
                free(t->cells[at * t->ncols + c]);
            return LH_ENOMEM;
        }
        t->cells[at * t->ncols + c] = s;
    }
    if (at > 0)
        t->rows++;
    return 0;
}

size_t table_rows(const table *t)
{
    return t->rows;
}

/* The byte offset in s after `max` columns' worth of whole characters
 * from `start` (at least one character, so that every chunk advances); a
 * break inside a word of Latin text goes back to the space before it,
 * which put_row() then skips. */
static size_t chunk_end(const char *s, size_t start, size_t max)
{
    size_t len = strlen(s), i = start, w = 0, space = 0;
    while (i < len) {
        size_t at = i;
        unsigned cw = text_cp_columns(text_utf8_next((const uint8_t *)s, len, &i));
        if (w + cw > max && at > start) {
            bool in_word = s[at] != ' ' && at > 0 && s[at - 1] != ' ' &&
                           (unsigned char)s[at] < 0x80 && (unsigned char)s[at - 1] < 0x80;
            return in_word && space > start ? space : at;
        }
        if (s[at] == ' ')
            space = at;
        w += cw;
    }
    return len;
}

/* One row: each cell wrapped at its column's width, over as many lines as
 * its longest cell needs. The padding is written only before something
 * that follows it, so that no line ends in spaces. */
static void put_row(FILE *f, char *const *cells, size_t ncols, const size_t *width)
{
    size_t pos[TABLE_MAX_COLS] = {0};
    bool more = true;
    while (more) {
        more = false;
        size_t pending = 0;
        for (size_t c = 0; c < ncols; c++) {
            const char *s = cells[c];
            size_t end = s[pos[c]] != '\0' ? chunk_end(s, pos[c], width[c]) : pos[c];
            size_t w = 0;
            for (size_t i = pos[c]; i < end;)
                w += text_cp_columns(text_utf8_next((const uint8_t *)s, end, &i));
            if (end > pos[c]) {
                for (; pending > 0; pending--)
                    fputc(' ', f);
                fwrite(s + pos[c], 1, end - pos[c], f);
            }
            pending += (width[c] > w ? width[c] - w : 0) + 2;
            pos[c] = end;
            if (s[end] == ' ' && s[end + 1] != '\0')
                pos[c]++; /* the space a line broke at */
            more |= s[pos[c]] != '\0';
        }
        fputs("\n", f);
    }
}

void table_print_text(const table *t, FILE *f)
{
    size_t width[TABLE_MAX_COLS] = {0};
    for (size_t r = 0; r <= t->rows; r++)
        for (size_t c = 0; c < t->ncols; c++) {
            size_t w = text_columns(t->cells[r * t->ncols + c]);
            if (w > TABLE_TEXT_WIDTH_MAX)
                w = TABLE_TEXT_WIDTH_MAX;
            if (w > width[c])
                width[c] = w;
        }
    for (size_t r = 0; r <= t->rows; r++) {
        put_row(f, &t->cells[r * t->ncols], t->ncols, width);
        if (r == 0) {
            size_t total = 0;
            for (size_t c = 0; c < t->ncols; c++)
                total += width[c] + (c > 0 ? 2 : 0);
            for (size_t k = 0; k < total; k++)
                fputc('-', f);
            fputs("\n", f);
        }
    }
}

static void csv_field(FILE *f, const char *s)
{
    bool formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t';
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        fputc('"', f);
    if (formula)
        fputc('\'', f);
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    if (quote)
        fputc('"', f);
}

void table_print_csv(const table *t, FILE *f, bool bom)
{
    if (bom)
        fputs("\xEF\xBB\xBF", f);
    for (size_t r = 0; r <= t->rows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            if (c > 0)
                fputc(',', f);
            csv_field(f, t->cells[r * t->ncols + c]);
        }
        fputs("\r\n", f);
    }
}
