/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* L7 records as METRICS.md defines them: one NDJSON object each. */
#ifndef NETOBS_L7_RECORD_H
#define NETOBS_L7_RECORD_H

#include <stdio.h>

#include "l7/l7.h"

/* The record as one JSON line (no newline), malloc'd; NULL on ENOMEM. */
char *l7_record_json(const struct l7_record *r);
int l7_record_print(FILE *out, const struct l7_record *r);
double l7_record_latency_us(const struct l7_record *r);

#endif /* NETOBS_L7_RECORD_H */
