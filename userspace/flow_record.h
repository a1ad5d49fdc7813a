/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Flow records as METRICS.md defines them: NDJSON and a readable table. */
#ifndef NETOBS_FLOW_RECORD_H
#define NETOBS_FLOW_RECORD_H

#include <stdio.h>

#include "netobs.h"
#include "proc_ctx.h"

struct flow_record {
	struct flow_stats s;
	int close_type;
};

/* "ADDR:PORT", IPv6 as "[ADDR]:PORT". */
void flow_endpoint_str(const struct netobs_addr *a, __u16 port, int family, char *buf, size_t len);
void flow_record_client(const struct flow_stats *s, char *buf, size_t len);
void flow_record_server(const struct flow_stats *s, char *buf, size_t len);

/* @proc: the process behind the flow (socket view), or NULL: its fields are null. */
void flow_record_json(FILE *out, const struct flow_record *r, const struct proc_ctx *proc);
void flow_record_table_header(FILE *out);
void flow_record_table_row(FILE *out, const struct flow_record *r);

/* Sort order of reports: first seen, then creation order. */
int flow_record_cmp(const void *a, const void *b);

#endif /* NETOBS_FLOW_RECORD_H */
