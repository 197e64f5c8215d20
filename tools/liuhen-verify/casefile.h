/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * casefile.h — the printable case file of one case (liuhen-verify
 * --case-file CASE --pdf FILE --html FILE), for 归档: a cover page, one
 * page per record of the case with every field under its Chinese label
 * (labels.h), its 记录人 and the seal (entry id, leaf hash, inclusion proof
 * in the verified checkpoint), and a verification statement.
 *
 * Everything printed comes from the run that verified it: the records are
 * those the ledger handed over (ledger_options.on_entry) after checking
 * their signatures, keys and chains, each record's inclusion proof is
 * computed from the checked tiles and verified against the checkpoint
 * again here, and a log with any failure is still printed, but with
 * "核验未通过 / VERIFICATION FAILED" on every page and the failures in the
 * statement, so that a clean-looking printout never hides one.
 *
 * The document is built once (casefile_doc, below) and drawn by two
 * renderings: casefile_html.h (one self-contained page, print stylesheet)
 * and casefile_pdf.h (cairo and pango, A4).
 *
 * Thread safety: the verifier's main thread only.
 */
#ifndef LIUHEN_VERIFY_CASEFILE_H
#define LIUHEN_VERIFY_CASEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "checkpoint.h"
#include "errors.h"
#include "ledger.h"
#include "note.h"
#include "report.h"
#include "tiles.h"

/* ---- the document -------------------------------------------------------------- */

/** How a block of the document looks. */
typedef enum casefile_style {
    CASEFILE_TITLE,   /**< the page's title */
    CASEFILE_HEADING, /**< a section's heading */
    CASEFILE_FIELD,   /**< label and value */
    CASEFILE_TEXT,    /**< a paragraph */
    CASEFILE_MONO,    /**< label and a hash or key, fixed-width */
    CASEFILE_ALERT,   /**< a failure or a finding: label and sentence */
} casefile_style;

/** One block. Strings live in the document's arena. */
typedef struct casefile_block {
    casefile_style style;
    unsigned depth;    /**< nesting of a field inside a message */
    bool seal;         /**< part of a record's seal (drawn boxed) */
    const char *label; /**< NULL for TITLE, HEADING and TEXT */
    const char *text;
} casefile_block;

/** A page of the document: blocks [first, first + n); it may print on
 *  several sheets when it is long. */
typedef struct casefile_page {
    size_t first, n;
    const char *anchor; /**< the HTML id of the page ("cover", "r17", "statement") */
} casefile_page;

/** The case file, ready to render. */
typedef struct casefile_doc {
    const char *lang;   /**< "zh-CN" or "en" */
    const char *title;  /**< the document's title */
    const char *banner; /**< on every page when verification failed; else NULL */
    const char *footer; /**< the case id and the log, on every sheet */
    casefile_block *blocks;
    size_t nblocks, capblocks;
    casefile_page *pages;
    size_t npages, cappages;
    arena text;
} casefile_doc;

/* ---- collecting and writing ------------------------------------------------------ */

typedef struct casefile casefile;

/**
 * A case file of the case case_id, empty.
 * @param[out] out  freed with casefile_free(); NULL on error.
 * @return 0; LH_ENOMEM.
 */
int casefile_new(const char *case_id, casefile **out);

/** Free it. Accepts NULL. */
void casefile_free(casefile *cf);

/**
 * A ledger_entry_fn (ctx: the casefile): keep a copy of each record of the
 * case that verified; count those that did not.
 * @return 0; LH_ENOMEM.
 */
int casefile_observe(void *ctx, const ledger_entry *e);

/** The records of the case the ledger verified. */
size_t casefile_records(const casefile *cf);

/** Whether the log holds any entry of the case, verified or not. */
bool casefile_seen(const casefile *cf);

/** What the run checked, for the cover and the statement. Borrowed. */
typedef struct casefile_facts {
    const note_verifier *log_key;
    const checkpoint *cp;       /**< the verified checkpoint */
    int64_t latest_integrated;  /**< the latest integrated_at in the log */
    size_t cosignatures;        /**< valid cosignatures of the witnesses given */
    size_t witnesses;           /**< witness keys given */
    size_t trusted, trusted_ok; /**< --trusted given, found consistent */
    size_t receipts, receipts_ok;
    bool rules;           /**< --rules: the findings of each record */
    int64_t as_of_ms;     /**< the rules' time */
    const report *rep;    /**< the finished run's failures and findings */
    tiles *tiles;         /**< the checked tiles, for the inclusion proofs */
    const char *pdf_path; /**< or NULL */
    const char *html_path;
} casefile_facts;

/**
 * Build the document and write it to pdf_path and html_path (each written
 * to a temporary file, synced and renamed: fileio_replace()).
 * @return 0; LH_ENOMEM; -errno or LH_EINTERNAL (the PDF library) with err
 *         naming the file.
 */
int casefile_write(casefile *cf, const casefile_facts *f, lh_err *err);

#endif
