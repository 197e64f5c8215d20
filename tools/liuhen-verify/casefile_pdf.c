/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * casefile_pdf.c — the case file as a PDF (casefile_pdf.h).
 *
 * Each block is one pango layout, wrapped to the width of the text column
 * (a label in bold, then its value; hashes in the fixed-width face), and
 * drawn line by line so that a long value breaks between sheets, never
 * through a line. The banner of a log that failed verification heads every
 * sheet; the footer names the case and the log and numbers the sheet.
 *
 * cairo writes the PDF into memory (cairo_pdf_surface_create_for_stream()),
 * which is then written to its file as every file of the verifier is
 * (fileio_replace()). The layout runs twice: the first pass, into a
 * stream that keeps nothing, counts the sheets for "共 M 页".
 */
#include "casefile_pdf.h"

#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include "fileio.h"
#include "grow.h"
#include "i18n.h"

/* A4 in points, and the margins. */
#define PAGE_W   595.0
#define PAGE_H   842.0
#define MARGIN_X 56.0
#define MARGIN_T 56.0
#define MARGIN_B 64.0
#define TEXT_W   (PAGE_W - 2 * MARGIN_X)
/* The indentation of a nested field, and of the seal's text within its frame. */
#define INDENT    16.0
#define SEAL_PAD  8.0
#define GAP_BLOCK 3.0

/* The PDF as cairo writes it. */
typedef struct sink {
    unsigned char *data;
    size_t len, cap;
    bool keep; /* false: the counting pass */
    bool oom;
} sink;

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length)
{
    sink *s = closure;
    if (!s->keep)
        return CAIRO_STATUS_SUCCESS;
    if (grow_room(&s->data, &s->cap, s->len + length, 1, 65536, 0) != 0) {
        s->oom = true;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    memcpy(s->data + s->len, data, length);
    s->len += length;
    return CAIRO_STATUS_SUCCESS;
}

/* One pass of the layout. */
typedef struct pdf {
    const casefile_doc *d;
    cairo_t *cr;
    PangoContext *ctx; /* one for every layout: making one per layout is slow */
    double y;          /* where the next line goes */
    size_t sheet;      /* sheets begun, 1-based */
    size_t total;      /* sheets in all (the counting pass: 0) */
    bool counting;     /* lay out only: nothing is drawn */
} pdf;

static PangoLayout *make_layout(pdf *p, const char *family, double size, bool bold, double width)
{
    PangoLayout *lay = pango_layout_new(p->ctx);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, family);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(lay, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
    return lay;
}

/* Text at the top of the sheet, centred: the banner. */
static double draw_banner(pdf *p)
{
    PangoLayout *lay = make_layout(p, CASEFILE_PDF_FONT, 12, true, TEXT_W - 2 * SEAL_PAD);
    pango_layout_set_alignment(lay, PANGO_ALIGN_CENTER);
    pango_layout_set_text(lay, p->d->banner, -1);
    int w, h;
    pango_layout_get_size(lay, &w, &h);
    double hh = (double)h / PANGO_SCALE;
    cairo_set_source_rgb(p->cr, 0.7, 0, 0);
    cairo_set_line_width(p->cr, 1.5);
    if (!p->counting) {
        cairo_rectangle(p->cr, MARGIN_X, MARGIN_T - 30, TEXT_W, hh + 8);
        cairo_stroke(p->cr);
        cairo_move_to(p->cr, MARGIN_X + SEAL_PAD, MARGIN_T - 26);
        pango_cairo_show_layout(p->cr, lay);
    }
    g_object_unref(lay);
    return MARGIN_T - 30 + hh + 16;
}

/* The footer of the sheet: the case and the log, "第 N 页 / 共 M 页". */
static void draw_footer(pdf *p)
{
    char num[96];
    if (i18n_zh())
        snprintf(num, sizeof num, "第 %zu 页 / 共 %zu 页", p->sheet, p->total);
    else
        snprintf(num, sizeof num, "Page %zu of %zu", p->sheet, p->total);
    cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
    cairo_set_line_width(p->cr, 0.5);
    cairo_move_to(p->cr, MARGIN_X, PAGE_H - MARGIN_B + 16);
    cairo_line_to(p->cr, PAGE_W - MARGIN_X, PAGE_H - MARGIN_B + 16);
    cairo_stroke(p->cr);
    PangoLayout *lay = make_layout(p, CASEFILE_PDF_FONT, 8.5, false, TEXT_W * 0.7);
    pango_layout_set_ellipsize(lay, PANGO_ELLIPSIZE_MIDDLE);
    pango_layout_set_text(lay, p->d->footer, -1);
    cairo_move_to(p->cr, MARGIN_X, PAGE_H - MARGIN_B + 22);
    pango_cairo_show_layout(p->cr, lay);
    g_object_unref(lay);
    lay = make_layout(p, CASEFILE_PDF_FONT, 8.5, false, TEXT_W * 0.3);
    pango_layout_set_alignment(lay, PANGO_ALIGN_RIGHT);
    pango_layout_set_text(lay, num, -1);
    cairo_move_to(p->cr, MARGIN_X + TEXT_W * 0.7, PAGE_H - MARGIN_B + 22);
    pango_cairo_show_layout(p->cr, lay);
    g_object_unref(lay);
}

static void begin_sheet(pdf *p)
{
    p->sheet++;
    p->y = MARGIN_T;
    if (p->d->banner != NULL)
        p->y = draw_banner(p);
}

static void end_sheet(pdf *p)
{
    if (!p->counting)
        draw_footer(p);
    cairo_show_page(p->cr);
}

/* The layout of a block: its label in bold, then its text. */
static PangoLayout *block_layout(pdf *p, const casefile_block *b, double width)
{
    double size = 10.5;
    bool bold = false;
    const char *family = CASEFILE_PDF_FONT;
    switch (b->style) {
    case CASEFILE_TITLE:
        size = 17;
        bold = true;
        break;
    case CASEFILE_HEADING:
        size = 12.5;
        bold = true;
        break;
    case CASEFILE_MONO:
        family = CASEFILE_PDF_MONO;
        size = 9.5;
        break;
    default: break;
    }
    PangoLayout *lay = make_layout(p, family, size, bold, width);
    if (b->style == CASEFILE_TITLE)
        pango_layout_set_alignment(lay, PANGO_ALIGN_CENTER);
    if (b->label == NULL) {
        pango_layout_set_text(lay, b->text, -1);
        return lay;
    }
    /* "label：value", the label in bold in the proportional face. */
    const char *sep = i18n_zh() ? "：" : ": ";
    size_t ll = strlen(b->label), sl = strlen(sep), tl = strlen(b->text);
    char *s = malloc(ll + sl + tl + 1);
    if (s == NULL)
        return lay;
    memcpy(s, b->label, ll);
    memcpy(s + ll, sep, sl);
    memcpy(s + ll + sl, b->text, tl + 1);
    pango_layout_set_text(lay, s, -1);
    free(s);
    PangoAttrList *attrs = pango_attr_list_new();
    PangoAttribute *a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
    a->start_index = 0;
    a->end_index = (guint)(ll + sl);
    pango_attr_list_insert(attrs, a);
    if (b->style == CASEFILE_MONO) {
        a = pango_attr_family_new(CASEFILE_PDF_FONT);
        a->start_index = 0;
        a->end_index = (guint)(ll + sl);
        pango_attr_list_insert(attrs, a);
        a = pango_attr_size_new_absolute((int)(10.5 * PANGO_SCALE));
        a->start_index = 0;
        a->end_index = (guint)(ll + sl);
        pango_attr_list_insert(attrs, a);
    }
    pango_layout_set_attributes(lay, attrs);
    pango_attr_list_unref(attrs);
    return lay;
}

/* Draw a block line by line, starting a new sheet where a line would not fit. */
static void draw_block(pdf *p, const casefile_block *b)
{
    double x = MARGIN_X + INDENT * b->depth + (b->seal ? SEAL_PAD + 4 : 0);
    double width = PAGE_W - MARGIN_X - x - (b->seal ? SEAL_PAD : 0);
    if (b->style == CASEFILE_HEADING)
        p->y += 8;
    if (b->style == CASEFILE_TITLE)
        p->y += 4;
    PangoLayout *lay = block_layout(p, b, width);
    PangoLayoutIter *it = pango_layout_get_iter(lay);
    double offset = 0; /* the layout's y at the top of this sheet's part */
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        double top = (double)logical.y / PANGO_SCALE, h = (double)logical.height / PANGO_SCALE;
        double baseline = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
        if (p->y + (top - offset) + h > PAGE_H - MARGIN_B) {
            end_sheet(p);
            begin_sheet(p);
            offset = top;
        }
        double line_y = p->y + (top - offset);
        if (p->counting)
            continue;
        if (b->seal) {
            /* The seal's frame: a band in the margin of each of its lines. */
            cairo_set_source_rgb(p->cr, 0.55, 0, 0);
            cairo_rectangle(p->cr, MARGIN_X, line_y - 1, 2.5, h + GAP_BLOCK + 1);
            cairo_fill(p->cr);
        }
        if (b->style == CASEFILE_ALERT)
            cairo_set_source_rgb(p->cr, 0.7, 0, 0);
        else if (b->seal && b->style == CASEFILE_HEADING)
            cairo_set_source_rgb(p->cr, 0.55, 0, 0);
        else
            cairo_set_source_rgb(p->cr, 0.07, 0.07, 0.07);
        cairo_move_to(p->cr, x, p->y + (baseline - offset));
        pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
    } while (pango_layout_iter_next_line(it));
    int w, h;
    pango_layout_get_size(lay, &w, &h);
    p->y += (double)h / PANGO_SCALE - offset + GAP_BLOCK;
    if (b->style == CASEFILE_HEADING && !b->seal) {
        /* A rule under the heading. */
        if (!p->counting) {
            cairo_set_source_rgb(p->cr, 0.6, 0.6, 0.6);
            cairo_set_line_width(p->cr, 0.5);
            cairo_move_to(p->cr, MARGIN_X, p->y);
            cairo_line_to(p->cr, PAGE_W - MARGIN_X, p->y);
            cairo_stroke(p->cr);
        }
        p->y += 3;
    }
    if (b->style == CASEFILE_TITLE)
        p->y += 8;
    pango_layout_iter_free(it);
    g_object_unref(lay);
}

/* One pass: every page of the document on its own sheets. */
static int run_pass(const casefile_doc *d, sink *s, size_t total, size_t *sheets, lh_err *err,
                    const char *path)
{
    cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(sink_write, s, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, d->title);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "liuhen-verify");
    cairo_t *cr = cairo_create(surf);
    pdf p = {.d = d,
             .cr = cr,
             .ctx = pango_cairo_create_context(cr),
             .total = total,
             .counting = total == 0};
    for (size_t i = 0; i < d->npages; i++) {
        const casefile_page *pg = &d->pages[i];
        begin_sheet(&p);
        for (size_t k = pg->first; k < pg->first + pg->n; k++)
            draw_block(&p, &d->blocks[k]);
        end_sheet(&p);
    }
    g_object_unref(p.ctx);
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    cairo_status_t st = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    *sheets = p.sheet;
    if (s->oom)
        return lh_err_set(err, LH_ENOMEM, _("case file %s: out of memory"), path);
    if (st != CAIRO_STATUS_SUCCESS)
        return lh_err_set(err, LH_EINTERNAL, _("case file %s: the PDF cannot be made: %s"), path,
                          cairo_status_to_string(st));
    return 0;
}

int casefile_pdf_write(const casefile_doc *d, const char *path, lh_err *err)
{
    sink count = {.keep = false};
    size_t sheets = 0, drawn = 0;
    int rc = run_pass(d, &count, 0, &sheets, err, path);
    if (rc != 0)
        return rc;
    sink out = {.keep = true};
    rc = run_pass(d, &out, sheets, &drawn, err, path);
    if (rc == 0 && drawn != sheets)
        rc = lh_err_set(err, LH_EINTERNAL, _("case file %s: the PDF laid out %zu sheets, then %zu"),
                        path, sheets, drawn);
    if (rc == 0)
        rc = fileio_replace(path, 0644, out.data, out.len, "case file", err);
    free(out.data);
    /* The font map, cairo's caches and fontconfig's are the process's:
     * released here, once the one PDF of the run is written, so that they
     * are not held (nor reported by a leak checker) until exit. */
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    FcFini();
    return rc;
}
