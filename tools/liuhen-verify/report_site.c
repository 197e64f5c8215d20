/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * report_site.c — a finished report as a directory of HTML pages
 * (report_site.h). The pieces of each page are report_html.c's; this file
 * decides what goes on which page, writes the search files and the pages.
 */
#include "report_site.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "i18n.h"
#include "report_html.h"

/* The directory being written, and where each case and row is. */
typedef struct site {
    const report *r;
    const report_view *v;
    const char *path;
    int dirfd, searchfd;
    uint32_t *case_page; /* by position in v->cases, 1-based */
    uint32_t *row_page;  /* by position in v->row_index */
    uint32_t npages, nlists, nfailpages;
    size_t kept_failures;
    lh_err *err;
} site;

bool report_site_wanted(const char *path)
{
    size_t n = strlen(path);
    if (n > 0 && path[n - 1] == '/')
        return true;
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- writing files ------------------------------------------------------------------------- */

/* A page or search file, built in memory by `fill`, written whole. */
static int put_file(site *s, int dirfd, const char *name, void (*fill)(site *, FILE *, uint32_t),
                    uint32_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        return lh_err_set(s->err, LH_ENOMEM, _("html report %s: out of memory"), s->path);
    fill(s, f, n);
    bool ok = !ferror(f);
    if (fclose(f) != 0 || !ok) {
        free(buf);
        return lh_err_set(s->err, LH_ENOMEM, _("html report %s: out of memory"), s->path);
    }
    int rc = fileio_replace_at(dirfd, name, 0, 0644, buf, len, "html report", s->err);
    free(buf);
    return rc;
}

/* Whether a name is one of the pages or search files this module writes. */
static bool ours(const char *name, bool search)
{
    size_t n = strlen(name);
    if (search)
        return n > 5 && (name[0] == 'c' || name[0] == 'e') && name[1] == '-' &&
               strcmp(name + n - 3, ".js") == 0;
    return n > 5 && strcmp(name + n - 5, ".html") == 0 &&
           (strncmp(name, "cases-", 6) == 0 || strncmp(name, "list-", 5) == 0 ||
            strncmp(name, "failures-", 9) == 0);
}

/* Remove the pages of an earlier report, so that no stale page is found
 * by a search or a link. */
static int remove_old(site *s, int dirfd, bool search)
{
    int fd = dup(dirfd);
    if (fd < 0)
        return lh_err_set(s->err, -errno, "%s: %s", s->path, strerror(errno));
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        int e = errno;
        close(fd);
        return lh_err_set(s->err, -e, "%s: %s", s->path, strerror(e));
    }
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) != NULL) {
        if (ours(de->d_name, search) && unlinkat(dirfd, de->d_name, 0) != 0 && errno != ENOENT) {
            rc = lh_err_set(s->err, -errno, "%s/%s%s: %s", s->path, search ? "search/" : "",
                            de->d_name, strerror(errno));
            break;
        }
    }
    closedir(d);
    return rc;
}

/* Open (making it) a directory; dirfd -1: path itself. */
static int open_dir(site *s, int dirfd, const char *rel, int *out)
{
    const char *shown = dirfd < 0 ? rel : "search";
    int at = dirfd < 0 ? AT_FDCWD : dirfd;
    if (mkdirat(at, rel, 0755) != 0 && errno != EEXIST)
        return lh_err_set(s->err, -errno, _("html report %s: cannot make the directory: %s"),
                          dirfd < 0 ? s->path : shown, strerror(errno));
    *out = openat(at, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (*out < 0)
        return lh_err_set(s->err, -errno, _("html report %s: cannot open the directory: %s"),
                          dirfd < 0 ? s->path : shown, strerror(errno));
    return 0;
}

/* ---- where everything goes ------------------------------------------------------------------- */

static int cmp_index(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Whole cases on each page, about rows_per_page rows (and items) a page. */
static int plan(site *s)
{
    const report *r = s->r;
    const report_view *v = s->v;
    size_t per = r->opts.html_page_rows != 0 ? r->opts.html_page_rows : REPORT_SITE_PAGE_ROWS;
    s->case_page = malloc((v->ncases != 0 ? v->ncases : 1) * sizeof *s->case_page);
    s->row_page = malloc((r->nrows != 0 ? r->nrows : 1) * sizeof *s->row_page);
    if (s->case_page == NULL || s->row_page == NULL)
        return lh_err_set(s->err, LH_ENOMEM, _("html report %s: out of memory"), s->path);
    uint32_t page = 0;
    size_t on_page = 0;
    for (size_t i = 0; i < v->ncases; i++) {
        const report_case *c = &v->cases[i];
        size_t weight = c->rows + c->failures + c->findings + 1;
        if (page == 0 || (on_page > 0 && on_page + weight > per)) {
            page++;
            on_page = 0;
        }
        s->case_page[i] = page;
        on_page += weight;
    }
    s->npages = page;
    for (size_t i = 0; i < r->nrows; i++) {
        const report_row *w = &r->rows[i];
        uint64_t *at = bsearch(&w->index, v->row_index, r->nrows, sizeof *v->row_index, cmp_index);
        if (at != NULL)
            s->row_page[at - v->row_index] = s->case_page[v->rank[w->case_id]];
    }
    s->nlists = (uint32_t)((v->ncases + REPORT_SITE_LIST_CASES - 1) / REPORT_SITE_LIST_CASES);
    for (size_t i = 0; i < r->nitems; i++)
        s->kept_failures += r->items[i].cls == REPORT_FAILURE;
    s->nfailpages =
        s->kept_failures > REPORT_SITE_INDEX_FAILURES
            ? (uint32_t)((s->kept_failures + REPORT_SITE_FAILURES - 1) / REPORT_SITE_FAILURES)
            : 0;
    return 0;
}

/* ---- the search box and the search files ------------------------------------------------------
 */

/* A string as a JavaScript string literal of ASCII only: quotes,
 * backslashes, '<', '>', '&' and everything outside printable ASCII as
 * \uXXXX (surrogate pairs beyond the BMP), so that no text from the log
 * can end the literal or the script, whatever encoding the file is read in.
 * The strings were cleaned when recorded: valid UTF-8. */
static void js_string(FILE *f, const char *str)
{
    const uint8_t *p = (const uint8_t *)str;
    fputc('"', f);
    while (*p != 0) {
        uint32_t cp;
        int n;
        if (*p < 0x80) {
            cp = *p;
            n = 1;
        } else if ((*p & 0xE0) == 0xC0) {
            cp = *p & 0x1Fu;
            n = 2;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = *p & 0x0Fu;
            n = 3;
        } else {
            cp = *p & 0x07u;
            n = 4;
        }
        int k = 1;
        for (; k < n && (p[k] & 0xC0) == 0x80; k++)
            cp = (cp << 6) | (p[k] & 0x3Fu);
        p += k;
        if (k < n)
            cp = 0xFFFD; /* cannot happen: cleaned */
        if (cp >= 0x20 && cp < 0x7F && cp != '"' && cp != '\\' && cp != '<' && cp != '>' &&
            cp != '&') {
            fputc((int)cp, f);
        } else if (cp < 0x10000) {
            fprintf(f, "\\u%04" PRIx32, cp);
        } else {
            cp -= 0x10000;
            fprintf(f, "\\u%04" PRIx32 "\\u%04" PRIx32, 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
        }
    }
    fputc('"', f);
}

/* FNV-1a, 32 bits, of a case id's bytes: which search file holds it. The
 * script in the pages computes the same over the UTF-8 of the query. */
static unsigned case_shard(const char *name)
{
    uint32_t h = 0x811c9dc5u;
    for (const uint8_t *p = (const uint8_t *)name; *p != 0; p++) {
        h ^= *p;
        h *= 0x01000193u;
    }
    return h & 0xFF;
}

/* search/c-XX.js: lh_c({"case id": [page, position], ...}); */
static void fill_case_shard(site *s, FILE *f, uint32_t shard)
{
    fputs("lh_c({", f);
    bool first = true;
    for (size_t i = 0; i < s->v->ncases; i++) {
        const char *name = report_view_case_name(s->r, s->v->cases[i].id);
        if (name[0] == '\0' || case_shard(name) != shard)
            continue;
        fputs(first ? "\n" : ",\n", f);
        js_string(f, name);
        fprintf(f, ":[%" PRIu32 ",%zu]", s->case_page[i], i);
        first = false;
    }
    fputs("\n});\n", f);
}

/* search/e-N.js: lh_e(first, [page of each entry from first, 0: none]); */
static void fill_entry_shard(site *s, FILE *f, uint32_t shard)
{
    uint64_t first = (uint64_t)shard * REPORT_SITE_SHARD_ENTRIES;
    const report *r = s->r;
    uint64_t *at = r->nrows != 0 ? s->v->row_index : NULL;
    size_t i, n = r->nrows;
    /* The first row at or after `first`. */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (at[mid] < first)
            lo = mid + 1;
        else
            hi = mid;
    }
    i = lo;
    fprintf(f, "lh_e(%" PRIu64 ",[", first);
    uint64_t next = first;
    for (; i < n && at[i] < first + REPORT_SITE_SHARD_ENTRIES; i++) {
        for (; next < at[i]; next++)
            fputs(next == first ? "0" : ",0", f);
        fprintf(f, next == first ? "%" PRIu32 : ",%" PRIu32, s->row_page[i]);
        next = at[i] + 1;
        if ((next - first) % 64 == 0)
            fputc('\n', f);
    }
    fputs("]);\n", f);
}

/* The search box: the only script of the report (report_site.h). */
static void search_box(FILE *f)
{
    fputs("<form id=\"lhq\" class=\"search\" action=\"#\"><input name=\"q\" size=\"28\" "
          "placeholder=\"",
          f);
    report_html_text(f, _("case id or entry index"));
    fputs("\"> <button>", f);
    report_html_text(f, _("Search"));
    fputs("</button> <span id=\"lhqm\" class=\"warn\"></span></form>\n<script>\n"
          "(function(){var F=document.getElementById('lhq'),M=document.getElementById('lhqm'),"
          "NF=",
          f);
    js_string(f, _("Not found in this report."));
    fprintf(f, ",E=%d;\n", REPORT_SITE_SHARD_ENTRIES);
    fputs("function pg(p){var s=String(p);while(s.length<5)s='0'+s;return 'cases-'+s+'.html';}\n"
          "function load(u){var s=document.createElement('script');s.src=u;"
          "s.onerror=function(){M.textContent=NF;};document.body.appendChild(s);}\n"
          "function fnv(q){var b=unescape(encodeURIComponent(q)),h=0x811c9dc5;"
          "for(var i=0;i<b.length;i++){h^=b.charCodeAt(i);h=Math.imul(h,0x01000193)>>>0;}"
          "return ('0'+(h&255).toString(16)).slice(-2);}\n"
          "function byCase(q){window.lh_c=function(m){var x=Object.prototype.hasOwnProperty."
          "call(m,q)?m[q]:null;if(x)location.href=pg(x[0])+'#case-'+x[1];"
          "else M.textContent=NF;};load('search/c-'+fnv(q)+'.js');}\n"
          "F.onsubmit=function(){var q=F.q.value.replace(/^\\s+|\\s+$/g,'');M.textContent='';"
          "if(q==='')return false;if(/^[0-9]{1,15}$/.test(q)){var n=parseInt(q,10);"
          "window.lh_e=function(b,a){var p=a[n-b];if(p>0)location.href=pg(p)+'#e-'+n;"
          "else byCase(q);};load('search/e-'+Math.floor(n/E)+'.js');}else byCase(q);"
          "return false;};})();\n</script>\n",
          f);
}

/* ---- the pages ------------------------------------------------------------------------------ */

#define LIST_PAGE     "list-%05" PRIu32 ".html"
#define FAILURES_PAGE "failures-%05" PRIu32 ".html"

/* The pages of a kind. */
typedef enum { PAGE_CASES, PAGE_LIST, PAGE_FAILURES } page_kind;

/* The file name of page n of a kind. */
static void put_page_name(FILE *f, page_kind kind, uint32_t n)
{
    switch (kind) {
    case PAGE_CASES: fprintf(f, REPORT_HTML_CASE_PAGE, n); break;
    case PAGE_LIST: fprintf(f, LIST_PAGE, n); break;
    case PAGE_FAILURES: fprintf(f, FAILURES_PAGE, n); break;
    }
}

/* The links of a page to the index and to the pages beside it. */
static void nav(FILE *f, page_kind kind, uint32_t n, uint32_t count)
{
    fputs("<nav class=\"note\"><a href=\"index.html\">", f);
    report_html_text(f, _("index"));
    fputs("</a>", f);
    if (n > 1) {
        fputs(" · <a href=\"", f);
        put_page_name(f, kind, n - 1);
        fputs("\">", f);
        report_html_text(f, _("previous"));
        fputs("</a>", f);
    }
    if (n < count) {
        fputs(" · <a href=\"", f);
        put_page_name(f, kind, n + 1);
        fputs("\">", f);
        report_html_text(f, _("next"));
        fputs("</a>", f);
    }
    fputs("</nav>\n", f);
}

/* The head of page `page` of the `count` pages of a kind: its title, the
 * links to the index and to the pages beside it, the search box. */
static void paged_begin(site *s, FILE *f, page_kind kind, uint32_t page, uint32_t count)
{
    char part[256], pa[32], pb[32];
    snprintf(part, sizeof part,
             kind == PAGE_CASES  ? _("cases, page %s of %s")
             : kind == PAGE_LIST ? _("case index, page %s of %s")
                                 : _("failures, page %s of %s"),
             report_view_fmt_count(page, pa), report_view_fmt_count(count, pb));
    report_html_begin(s->r, f, part);
    nav(f, kind, page, count);
    search_box(f);
}

/* The foot of a page that paged_begin() began. */
static void paged_end(FILE *f, page_kind kind, uint32_t page, uint32_t count)
{
    nav(f, kind, page, count);
    report_html_end(f);
}

static void fill_case_page(site *s, FILE *f, uint32_t page)
{
    paged_begin(s, f, PAGE_CASES, page, s->npages);
    report_html_links lk = {.case_page = s->case_page, .row_page = s->row_page, .page = page};
    fputs("<section>\n", f);
    for (size_t i = 0; i < s->v->ncases; i++)
        if (s->case_page[i] == page)
            report_html_case(s->r, s->v, f, i, &lk);
    fputs("</section>\n", f);
    paged_end(f, PAGE_CASES, page, s->npages);
}

static void fill_list_page(site *s, FILE *f, uint32_t page)
{
    char a[32], b[32], c[32];
    paged_begin(s, f, PAGE_LIST, page, s->nlists);
    fprintf(f,
            "<section><div class=\"scroll\"><table>\n<tr><th>%s</th><th>%s</th><th>%s</th>"
            "<th>%s</th></tr>\n",
            _("case"), _("failures"), _("findings"), _("entries"));
    size_t from = (size_t)(page - 1) * REPORT_SITE_LIST_CASES;
    for (size_t i = from; i < s->v->ncases && i < from + REPORT_SITE_LIST_CASES; i++) {
        const report_case *ci = &s->v->cases[i];
        const char *name = report_view_case_name(s->r, ci->id);
        fprintf(f, "<tr%s><td><a href=\"" REPORT_HTML_CASE_PAGE "#case-%zu\">",
                ci->failures != 0   ? " class=\"fail\""
                : ci->findings != 0 ? " class=\"find\""
                                    : "",
                s->case_page[i], i);
        report_html_text(f, name[0] != '\0' ? name : _("not in a case"));
        fprintf(f,
                "</a></td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
                "<td class=\"n\">%s</td></tr>\n",
                report_view_fmt_count(ci->failures, a), report_view_fmt_count(ci->findings, b),
                report_view_fmt_count(ci->rows, c));
    }
    fputs("</table></div></section>\n", f);
    paged_end(f, PAGE_LIST, page, s->nlists);
}

static void fill_failures_page(site *s, FILE *f, uint32_t page)
{
    paged_begin(s, f, PAGE_FAILURES, page, s->nfailpages);
    report_html_links lk = {.case_page = s->case_page, .row_page = s->row_page, .page = UINT32_MAX};
    report_html_failures(s->r, s->v, f, &lk, (size_t)(page - 1) * REPORT_SITE_FAILURES,
                         REPORT_SITE_FAILURES);
    paged_end(f, PAGE_FAILURES, page, s->nfailpages);
}

/* Links to the pages of a kind: "1 2 3 …", each titled. */
static void page_links(FILE *f, page_kind kind, uint32_t count)
{
    fputs("<p class=\"pages\">", f);
    for (uint32_t n = 1; n <= count; n++) {
        fputs(n > 1 ? " <a href=\"" : "<a href=\"", f);
        put_page_name(f, kind, n);
        fprintf(f, "\">%" PRIu32 "</a>", n);
    }
    fputs("</p>\n", f);
}

static void fill_index(site *s, FILE *f, uint32_t unused)
{
    (void)unused;
    const report *r = s->r;
    const report_view *v = s->v;
    char a[32], b[32];
    report_html_begin(r, f, NULL);
    search_box(f);
    fprintf(f, "<p class=\"note\">%s</p>\n",
            _("The search box finds a case by its id or an entry by its index, exactly. It is "
              "the report's only script: it reads the report's own search/ files, with no "
              "server and nothing from elsewhere."));
    report_html_summary(r, f);
    report_html_links lk = {.case_page = s->case_page, .row_page = s->row_page, .page = UINT32_MAX};
    size_t listed = report_html_failures(r, v, f, &lk, 0, REPORT_SITE_INDEX_FAILURES);
    if (r->failures > listed) {
        fputs("<section><p>", f);
        fprintf(f, _("%s failures, %s of them listed above."),
                report_view_fmt_count(r->failures, a), report_view_fmt_count(listed, b));
        if (s->nfailpages != 0) {
            fputs(" ", f);
            fputs(_("The failures kept, page by page:"), f);
            fputs("</p>\n", f);
            page_links(f, PAGE_FAILURES, s->nfailpages);
        } else {
            fputs("</p>\n", f);
        }
        report_html_not_listed(f, r->failures, s->kept_failures);
        fputs("</section>\n", f);
    }
    size_t problem = 0;
    for (size_t i = 0; i < v->ncases; i++)
        problem += v->cases[i].failures + v->cases[i].findings != 0;
    fputs("<section id=\"cases\"><h2>", f);
    fprintf(f, _("Cases and timelines (%s)"), report_view_fmt_count(v->ncases, a));
    fputs("</h2>\n<p>", f);
    fprintf(f, _("%s cases with failures or findings (%s findings) come first in the case index."),
            report_view_fmt_count(problem, a), report_view_fmt_count(r->findings, b));
    fputs("</p>\n", f);
    if (r->rows_dropped != 0) {
        fputs("<p class=\"warn\">", f);
        fprintf(f, _("Timelines were cut: only the first %s entries are shown, %s are not."),
                report_view_fmt_count(r->nrows, a), report_view_fmt_count(r->rows_dropped, b));
        fputs("</p>\n", f);
    }
    if (s->nlists != 0) {
        fprintf(f, "<h3>%s</h3>\n<ul class=\"toc\">\n", _("Case index"));
        for (uint32_t n = 1; n <= s->nlists; n++) {
            size_t first = (size_t)(n - 1) * REPORT_SITE_LIST_CASES;
            size_t last = first + REPORT_SITE_LIST_CASES - 1;
            if (last >= v->ncases)
                last = v->ncases - 1;
            const char *x = report_view_case_name(r, v->cases[first].id);
            const char *y = report_view_case_name(r, v->cases[last].id);
            fprintf(f, "<li><a href=\"" LIST_PAGE "\">", n);
            report_html_text(f, x[0] != '\0' ? x : _("not in a case"));
            fputs(" – ", f);
            report_html_text(f, y[0] != '\0' ? y : _("not in a case"));
            fputs("</a></li>\n", f);
        }
        fputs("</ul>\n", f);
    }
    fputs("</section>\n", f);
    report_html_end(f);
}

/* ---- the directory ----------------------------------------------------------------------------
 */

static int write_all(site *s)
{
    int rc = open_dir(s, -1, s->path, &s->dirfd);
    if (rc == 0)
        rc = open_dir(s, s->dirfd, "search", &s->searchfd);
    if (rc == 0)
        rc = remove_old(s, s->dirfd, false);
    if (rc == 0)
        rc = remove_old(s, s->searchfd, true);
    if (rc == 0)
        rc = plan(s);
    char name[64];
    for (uint32_t p = 1; rc == 0 && p <= s->npages; p++) {
        snprintf(name, sizeof name, REPORT_HTML_CASE_PAGE, p);
        rc = put_file(s, s->dirfd, name, fill_case_page, p);
    }
    for (uint32_t p = 1; rc == 0 && p <= s->nlists; p++) {
        snprintf(name, sizeof name, LIST_PAGE, p);
        rc = put_file(s, s->dirfd, name, fill_list_page, p);
    }
    for (uint32_t p = 1; rc == 0 && p <= s->nfailpages; p++) {
        snprintf(name, sizeof name, FAILURES_PAGE, p);
        rc = put_file(s, s->dirfd, name, fill_failures_page, p);
    }
    for (uint32_t c = 0; rc == 0 && c < 256; c++) {
        snprintf(name, sizeof name, "c-%02" PRIx32 ".js", c);
        rc = put_file(s, s->searchfd, name, fill_case_shard, c);
    }
    /* One file for each run of entries that has a timeline row. */
    const report *r = s->r;
    uint64_t last_shard = UINT64_MAX;
    for (size_t i = 0; rc == 0 && i < r->nrows; i++) {
        uint64_t shard = s->v->row_index[i] / REPORT_SITE_SHARD_ENTRIES;
        if (shard == last_shard)
            continue;
        last_shard = shard;
        if (shard > UINT32_MAX)
            break;
        snprintf(name, sizeof name, "e-%" PRIu64 ".js", shard);
        rc = put_file(s, s->searchfd, name, fill_entry_shard, (uint32_t)shard);
    }
    /* The index last: a reader who finds it finds every page it links. */
    if (rc == 0)
        rc = put_file(s, s->dirfd, "index.html", fill_index, 0);
    if (rc == 0)
        rc = fileio_sync_dir_at(s->searchfd, "", "html report", s->err);
    if (rc == 0)
        rc = fileio_sync_dir_at(s->dirfd, "", "html report", s->err);
    if (rc != 0 && s->err != NULL && s->err->msg[0] == '\0')
        lh_err_set(s->err, rc, _("html report %s: %s"), s->path, lh_strerror(rc));
    return rc;
}

int report_site_write(const report *r, const report_view *v, lh_err *err)
{
    site s = {.r = r, .v = v, .path = r->opts.html_path, .dirfd = -1, .searchfd = -1, .err = err};
    int rc = write_all(&s);
    if (s.searchfd >= 0)
        close(s.searchfd);
    if (s.dirfd >= 0)
        close(s.dirfd);
    free(s.case_page);
    free(s.row_page);
    return rc;
}
