/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * table.h — a table of text cells printed for people or for a spreadsheet:
 * aligned columns on a terminal or a printer (a CJK character takes two
 * columns, as a terminal and a fixed-width font draw it), or RFC 4180 CSV
 * for Excel and WPS (registers.h, stats.h, openitems.h).
 *
 * Cells are copied. Text from the log is shown as it is except what could
 * change how the rest reads: control, C1 and hidden characters are shown
 * escaped (text_show_next()), in both forms; in CSV a cell that begins
 * with = + - @ or a tab gets a leading apostrophe, so that a spreadsheet
 * never runs it as a formula (OWASP "CSV injection").
 *
 * Thread safety: none; one table per thread.
 */
#ifndef LIUHEN_VERIFY_TABLE_H
#define LIUHEN_VERIFY_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/** The most columns a table has. */
#define TABLE_MAX_COLS 16
/** The widest a text column is drawn, in terminal columns; longer cells
 *  wrap onto the next lines of their row. */
#define TABLE_TEXT_WIDTH_MAX 40

typedef struct table table;

/**
 * A new table with ncols columns headed by `headers` (copied).
 * @return NULL when out of memory or ncols is 0 or above TABLE_MAX_COLS.
 */
table *table_new(size_t ncols, const char *const *headers);

/** Free a table. Accepts NULL. */
void table_free(table *t);

/**
 * Add a row of ncols cells (copied; a NULL cell is empty).
 * @return 0, LH_ENOMEM.
 */
int table_add(table *t, const char *const *cells);

/** The rows added. */
size_t table_rows(const table *t);

/**
 * Print the header and the rows as aligned columns, two spaces apart;
 * a cell wider than TABLE_TEXT_WIDTH_MAX wraps onto the next lines of its
 * row, nothing cut (a register is printed and filed whole).
 */
void table_print_text(const table *t, FILE *f);

/**
 * Print RFC 4180 CSV: CRLF line ends, a field quoted when it holds a comma,
 * a quote, CR or LF (quotes doubled); with `bom`, the UTF-8 byte order mark
 * first (Excel on Chinese Windows reads a CSV without it as GBK).
 */
void table_print_csv(const table *t, FILE *f, bool bom);

#endif
