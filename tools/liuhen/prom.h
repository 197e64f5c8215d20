/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * prom.h — `liuhen status --prometheus`: liuhend's status in Prometheus's
 * text exposition format (version 0.0.4), for node_exporter's textfile
 * collector: every family with its HELP and TYPE, names prefixed liuhen_,
 * times in seconds, histograms with cumulative buckets, label values
 * escaped (\\, \", \n).
 */
#ifndef LIUHEN_PROM_H
#define LIUHEN_PROM_H

#include <stdint.h>
#include <stdio.h>

#include "liuhen.h"

/**
 * Write s to f.
 * @param[in] now_ms  the time now (unix ms), for the ages.
 * @return 0; -1 when f failed (errno says why).
 */
int prom_write(FILE *f, const lh_server_status *s, int64_t now_ms);

#endif
