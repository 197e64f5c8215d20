/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * casefile_pdf.h — the case file (casefile.h) as a PDF of A4 sheets
 * (595 × 842 pt), drawn with cairo and laid out with pango, which finds
 * the CJK font through fontconfig (CASEFILE_PDF_FONT). Each page of the
 * case file starts a new sheet; a long one continues on the next. Every
 * sheet is numbered "第 N 页 / 共 M 页" (the document is laid out twice:
 * once to count the sheets, once to draw them).
 */
#ifndef LIUHEN_VERIFY_CASEFILE_PDF_H
#define LIUHEN_VERIFY_CASEFILE_PDF_H

#include "casefile.h"
#include "errors.h"

/** The font family, found by fontconfig: Debian's fonts-wqy-microhei. */
#define CASEFILE_PDF_FONT "WenQuanYi Micro Hei"
/** The fixed-width family for hashes and keys (same package). */
#define CASEFILE_PDF_MONO "WenQuanYi Micro Hei Mono"

/**
 * Write the PDF to path (fileio_replace(): a temporary file, synced,
 * renamed).
 * @return 0; LH_ENOMEM; LH_EINTERNAL when cairo fails (err says why);
 *         -errno with err naming the file.
 */
int casefile_pdf_write(const casefile_doc *d, const char *path, lh_err *err);

#endif
