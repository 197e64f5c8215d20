/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * casefile_html.h — the case file (casefile.h) as one self-contained HTML
 * page: no script, no outside resource, a print stylesheet (@page A4, each
 * page of the case file on a sheet of its own), readable on screen too.
 */
#ifndef LIUHEN_VERIFY_CASEFILE_HTML_H
#define LIUHEN_VERIFY_CASEFILE_HTML_H

#include "casefile.h"
#include "errors.h"

/**
 * Write the page to path (fileio_replace(): a temporary file, synced,
 * renamed).
 * @return 0; LH_ENOMEM; -errno with err naming the file.
 */
int casefile_html_write(const casefile_doc *d, const char *path, lh_err *err);

#endif
