/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * prom.c — prom.h.
 */
#include "prom.h"

#include <inttypes.h>

/* A label value, escaped as the exposition format asks. */
static void put_label(FILE *f, const char *v)
{
    for (; *v != '\0'; v++) {
        switch (*v) {
        case '\\': fputs("\\\\", f); break;
        case '"': fputs("\\\"", f); break;
        case '\n': fputs("\\n", f); break;
        default: fputc(*v, f); break;
        }
    }
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
    fprintf(f, "# HELP liuhen_%s %s\n# TYPE liuhen_%s %s\n", name, help, name, type);
}

static void gauge_u(FILE *f, const char *name, const char *help, uint64_t v)
{
    family(f, name, "gauge", help);
    fprintf(f, "liuhen_%s %" PRIu64 "\n", name, v);
}

static void gauge_d(FILE *f, const char *name, const char *help, double v)
{
    family(f, name, "gauge", help);
    fprintf(f, "liuhen_%s %.3f\n", name, v);
}

/* A histogram: buckets cumulative, then +Inf, _sum and _count. */
static void histogram(FILE *f, const char *name, const char *help, const lh_histogram *h)
{
    family(f, name, "histogram", help);
    uint64_t below = 0;
    for (size_t i = 0; i < h->nbounds; i++) {
        below += h->counts[i];
        fprintf(f, "liuhen_%s_bucket{le=\"%.17g\"} %" PRIu64 "\n", name, h->bounds[i], below);
    }
    fprintf(f, "liuhen_%s_bucket{le=\"+Inf\"} %" PRIu64 "\n", name, h->count);
    fprintf(f, "liuhen_%s_sum %.17g\n", name, h->sum);
    fprintf(f, "liuhen_%s_count %" PRIu64 "\n", name, h->count);
}

int prom_write(FILE *f, const lh_server_status *s, int64_t now_ms)
{
    family(f, "info", "gauge", "The log liuhend serves (always 1).");
    fputs("liuhen_info{origin=\"", f);
    put_label(f, s->origin);
    fputs("\",log_vkey=\"", f);
    put_label(f, s->log_vkey);
    fputs("\"} 1\n", f);
    gauge_u(f, "tree_size", "Entries in the log.", s->tree_size);
    gauge_u(f, "checkpoint_size", "Tree size of the latest checkpoint, verified by this client.",
            s->checkpoint.note != NULL ? s->checkpoint.size : 0);
    gauge_d(f, "last_checkpoint_timestamp_seconds", "When the latest checkpoint was signed.",
            (double)s->last_checkpoint_at / 1000.0);
    gauge_d(f, "last_publish_timestamp_seconds",
            "When the log was last published (0: never, or no --publish).",
            (double)s->last_publish_at / 1000.0);
    gauge_d(f, "start_time_seconds", "When liuhend started.", (double)s->started_at / 1000.0);
    gauge_u(f, "connections", "Connections open.", s->connections);
    gauge_u(f, "queue_depth", "Appends waiting for the sequencer.", s->queue_depth);
    gauge_d(f, "appends_per_second", "Appends per second, recently.", s->appends_per_second);
    gauge_u(f, "min_cosignatures", "Cosignatures a checkpoint needs to be published.",
            s->min_cosignatures);

    const lh_server_metrics *m = &s->metrics;
    if (m->present) {
        family(f, "appends_total", "counter", "Append requests answered, since liuhend started.");
        fprintf(f, "liuhen_appends_total %" PRIu64 "\n", m->appends);
        family(f, "append_answers_total", "counter",
               "Append requests answered, by status (OK, DUPLICATE, CONFLICT, refusals).");
        for (size_t i = 0; i < m->nanswers; i++)
            fprintf(f, "liuhen_append_answers_total{status=\"%s\"} %" PRIu64 "\n",
                    m->answers[i].status, m->answers[i].count);
        family(f, "refused_connections_total", "counter",
               "Connections refused by the limits (too many in all, or of one user).");
        fprintf(f, "liuhen_refused_connections_total %" PRIu64 "\n", m->refused_connections);
        histogram(f, "batch_entries", "Entries per committed batch.", &m->batch_entries);
        histogram(f, "commit_seconds", "One batch's commit to the store, fdatasync included.",
                  &m->commit_seconds);
        histogram(f, "append_seconds", "An Append from its request read to its answer queued.",
                  &m->append_seconds);
        gauge_u(f, "store_bytes", "Size of the store file (data.mdb).", m->store_bytes);
        gauge_u(f, "store_used_bytes", "Bytes of the store's pages in use.", m->store_used_bytes);
    }

    if (s->nwitnesses > 0) {
        family(f, "witness_cosigned_size", "gauge",
               "The largest tree size each witness cosigned (0: none yet).");
        for (size_t i = 0; i < s->nwitnesses; i++) {
            fputs("liuhen_witness_cosigned_size{witness=\"", f);
            put_label(f, s->witnesses[i].name);
            fprintf(f, "\"} %" PRIu64 "\n", s->witnesses[i].cosigned_size);
        }
        family(f, "witness_lag_entries", "gauge",
               "Entries of the log not yet cosigned by each witness.");
        for (size_t i = 0; i < s->nwitnesses; i++) {
            uint64_t c = s->witnesses[i].cosigned_size;
            fputs("liuhen_witness_lag_entries{witness=\"", f);
            put_label(f, s->witnesses[i].name);
            fprintf(f, "\"} %" PRIu64 "\n", s->tree_size > c ? s->tree_size - c : 0);
        }
        family(f, "witness_cosignature_age_seconds", "gauge",
               "Seconds since each witness's latest cosignature (-1: none yet).");
        for (size_t i = 0; i < s->nwitnesses; i++) {
            const lh_witness_status *w = &s->witnesses[i];
            fputs("liuhen_witness_cosignature_age_seconds{witness=\"", f);
            put_label(f, w->name);
            fprintf(f, "\"} %.3f\n",
                    w->cosigned_at > 0 ? (double)(now_ms - w->cosigned_at) / 1000.0 : -1.0);
        }
        family(f, "witness_up", "gauge", "1 when the last submission to each witness succeeded.");
        for (size_t i = 0; i < s->nwitnesses; i++) {
            const lh_witness_status *w = &s->witnesses[i];
            fputs("liuhen_witness_up{witness=\"", f);
            put_label(f, w->name);
            fprintf(f, "\"} %d\n", w->last_attempt_at > 0 && w->last_error[0] == '\0' ? 1 : 0);
        }
    }
    fflush(f);
    return ferror(f) ? -1 : 0;
}
