/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * results.h — one run's results as one JSON document (the machine, the
 * ceilings, each workload's figures and their ratios to the ceilings, the
 * commit), written with --json, to --results FILE, and shown as a table.
 * The table is printed from the document, so both always say the same.
 */
#ifndef LIUHEN_BENCH_RESULTS_H
#define LIUHEN_BENCH_RESULTS_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "ceiling.h"
#include "machine.h"
#include "verifyrun.h"
#include "workload.h"

/** A point of the scale workload. */
typedef struct scale_point {
    uint64_t tree_size;      /**< the log's size when measured */
    workload_figures append; /**< the last chunk of appends before it */
    workload_figures prove;  /**< proofs at that size */
    double store_mib;        /**< the daemon's data.mdb; negative when unknown */
} scale_point;

/**
 * A new document.
 * @return the document (free with json_decref()), or NULL when out of memory.
 */
json_t *results_new(const machine *m, bool own_daemon, const char *socket);

/** Add the ceilings (the ratios of later workloads are taken to them). */
void results_ceilings(json_t *doc, const ceilings *c);

/**
 * Add a rate workload under workloads.NAME (or workloads.NAME.PART when
 * part is not NULL: mixed's "appends" and "proofs").
 * @param[in] what          "appends" or "proofs"
 * @param[in] latency_is    what the latency measures, one sentence
 * @param[in] daemon_cores  the daemon's CPU time over the run's time;
 *                          negative when unknown
 */
void results_rate(json_t *doc, const char *name, const char *part, const char *what,
                  const workload_figures *f, const char *latency_is, double daemon_cores);

/** Add the verify workload, and the appends that filled the log for it. */
void results_verify(json_t *doc, const verify_figures *v, const workload_figures *fill);

/** Add the scale workload's points. */
void results_scale(json_t *doc, const scale_point *p, size_t n);

/** Record that a workload failed, and why. */
void results_error(json_t *doc, const char *name, const char *message);

/** Print the document as a table. */
void results_table(json_t *doc, FILE *fp);

/**
 * Write the document to path, replaced atomically.
 * @return 0; -errno; LH_ENOMEM, with err.
 */
int results_write(json_t *doc, const char *path, lh_err *err);

/** Print the document as JSON to fp. @return 0; LH_ENOMEM; -EIO. */
int results_print_json(json_t *doc, FILE *fp);

#endif
