/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * casefile_html.c — the case file as one HTML page (casefile_html.h).
 *
 * Every string of the document is escaped wherever it goes into the page.
 * Each page of the case file is a <section> that the print stylesheet puts
 * on a sheet of its own (break-after: page); the seal is a framed block;
 * the banner of a log that failed verification heads every section.
 */
#include "casefile_html.h"

#include <stdio.h>
#include <stdlib.h>

#include "fileio.h"
#include "i18n.h"
#include "report_html.h"

static const char STYLE[] =
    "<style>\n"
    "@page { size: A4; margin: 18mm 16mm 20mm 16mm; }\n"
    "body { font-family: \"WenQuanYi Micro Hei\", \"Noto Sans CJK SC\", \"Source Han Sans SC\","
    " \"PingFang SC\", \"Microsoft YaHei\", sans-serif; font-size: 11pt; line-height: 1.5;"
    " color: #111; background: #eee; margin: 0; }\n"
    "section.page { background: #fff; max-width: 178mm; margin: 12px auto; padding: 14mm 16mm;"
    " box-shadow: 0 1px 4px rgba(0,0,0,.25); }\n"
    "h1 { font-size: 17pt; text-align: center; margin: 0 0 10pt; }\n"
    "h2 { font-size: 12.5pt; margin: 12pt 0 4pt; border-bottom: 1px solid #999; }\n"
    "dl { display: grid; grid-template-columns: 13em 1fr; gap: 2pt 10pt; margin: 0; }\n"
    "dt { font-weight: bold; color: #333; }\n"
    "dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }\n"
    "dd.mono { font-family: \"WenQuanYi Micro Hei Mono\", \"DejaVu Sans Mono\", monospace;"
    " font-size: 9.5pt; }\n"
    ".d1 { padding-left: 1.5em; } .d2 { padding-left: 3em; } .d3 { padding-left: 4.5em; }\n"
    ".seal { border: 2px solid #8b0000; border-radius: 4px; padding: 4pt 8pt; margin-top: 10pt; }\n"
    ".seal h2 { color: #8b0000; border: 0; margin-top: 0; }\n"
    ".alert dt, .alert dd, p.alert { color: #b00000; }\n"
    ".banner { border: 2px solid #b00000; color: #b00000; font-weight: bold; text-align: center;"
    " padding: 4pt; margin-bottom: 8pt; }\n"
    "footer { margin-top: 12pt; font-size: 9pt; color: #555; border-top: 1px solid #ccc; }\n"
    "@media print { body { background: #fff; } section.page { box-shadow: none; margin: 0;"
    " padding: 0; max-width: none; break-after: page; page-break-after: always; }\n"
    " section.page:last-of-type { break-after: auto; page-break-after: auto; }\n"
    " .seal, dl { break-inside: avoid; } }\n"
    "</style>\n";

/* "<tag class="...">", the class left out when there is none. */
static void html_open(FILE *f, const char *tag, const char *cls, const char *depth)
{
    if (cls[0] == '\0' && depth[0] == '\0')
        fprintf(f, "<%s>", tag);
    else
        fprintf(f, "<%s class=\"%s%s\">", tag, cls, cls[0] != '\0' ? depth : depth + 1);
}

/* A run of label/value blocks as one <dl>; the blocks of the seal in their frame. */
static void put_blocks(FILE *f, const casefile_doc *d, const casefile_page *pg)
{
    bool in_dl = false, in_seal = false;
    for (size_t i = pg->first; i < pg->first + pg->n; i++) {
        const casefile_block *b = &d->blocks[i];
        bool dl =
            b->style == CASEFILE_FIELD || b->style == CASEFILE_MONO || b->style == CASEFILE_ALERT;
        if (in_dl && (!dl || b->seal != in_seal)) {
            fputs("</dl>\n", f);
            in_dl = false;
        }
        if (b->seal != in_seal) {
            fputs(b->seal ? "<div class=\"seal\">\n" : "</div>\n", f);
            in_seal = b->seal;
        }
        if (dl && !in_dl) {
            fputs("<dl>\n", f);
            in_dl = true;
        }
        const char *depth = b->depth == 0   ? ""
                            : b->depth == 1 ? " d1"
                            : b->depth == 2 ? " d2"
                                            : " d3";
        switch (b->style) {
        case CASEFILE_TITLE:
        case CASEFILE_HEADING:
        case CASEFILE_TEXT: {
            const char *tag = b->style == CASEFILE_TITLE     ? "h1"
                              : b->style == CASEFILE_HEADING ? "h2"
                                                             : "p";
            fprintf(f, "<%s>", tag);
            report_html_text(f, b->text);
            fprintf(f, "</%s>\n", tag);
            break;
        }
        case CASEFILE_FIELD:
        case CASEFILE_MONO:
        case CASEFILE_ALERT: {
            const char *cls = b->style == CASEFILE_ALERT ? "alert" : "";
            html_open(f, "dt", cls, depth);
            report_html_text(f, b->label != NULL ? b->label : "");
            fputs("</dt>", f);
            html_open(f, "dd", b->style == CASEFILE_MONO ? "mono" : cls, depth);
            report_html_text(f, b->text);
            fputs("</dd>\n", f);
            break;
        }
        }
    }
    if (in_dl)
        fputs("</dl>\n", f);
    if (in_seal)
        fputs("</div>\n", f);
}

static void put_page(FILE *f, const casefile_doc *d)
{
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", d->lang);
    fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
    report_html_text(f, d->title);
    fputs("</title>\n", f);
    fputs(STYLE, f);
    fputs("</head>\n<body>\n", f);
    for (size_t p = 0; p < d->npages; p++) {
        const casefile_page *pg = &d->pages[p];
        fputs("<section class=\"page\" id=\"", f);
        report_html_text(f, pg->anchor);
        fputs("\">\n", f);
        if (d->banner != NULL) {
            fputs("<div class=\"banner\">", f);
            report_html_text(f, d->banner);
            fputs("</div>\n", f);
        }
        put_blocks(f, d, pg);
        fputs("<footer>", f);
        report_html_text(f, d->footer);
        fprintf(f, " · %zu / %zu</footer>\n</section>\n", p + 1, d->npages);
    }
    fputs("</body>\n</html>\n", f);
}

int casefile_html_write(const casefile_doc *d, const char *path, lh_err *err)
{
    char *page = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&page, &len);
    if (f == NULL)
        return lh_err_set(err, LH_ENOMEM, _("case file %s: out of memory"), path);
    put_page(f, d);
    bool ok = !ferror(f);
    if (fclose(f) != 0 || !ok) {
        free(page);
        return lh_err_set(err, LH_ENOMEM, _("case file %s: out of memory"), path);
    }
    int rc = fileio_replace(path, 0644, page, len, "case file", err);
    free(page);
    return rc;
}
