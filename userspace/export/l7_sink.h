/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Where the agent's L7 records go: the most recent ones for /l7, and the
 * network_l7_* and socket response-time metrics, with bounded labels.
 * Not locked: the agent calls it under its state lock.
 */
#ifndef NETOBS_L7_SINK_H
#define NETOBS_L7_SINK_H

#include <stdio.h>

#include "l7/l7.h"
#include "export/metrics.h"

#define L7_SINK_RECENT 10000 /* records kept for /l7 */

struct l7_series {
	__u8 protocol, status_class, side, pad;
	char process[16]; /* "other" once the cap is reached */
	char pod[128];	  /* as long as proc_ctx.pod_name: kept whole, compared whole */
	__u64 requests;
	__u64 errors;
};

struct srt_series {
	__u8 protocol, pad[3];
	char process[16];
	char pod[128]; /* as long as proc_ctx.pod_name: kept whole, compared whole */
	struct hist h;
};

/* An open-addressed index over a series array: slots hold index + 1, 0 is empty. */
struct series_index {
	__u32 *slots;
	__u32 mask;
};

struct l7_sink {
	struct l7_record *recent;
	__u32 head, n;
	__u64 records;
	struct l7_series *req;
	__u32 n_req;
	struct series_index req_index;
	struct srt_series *srt;
	__u32 n_srt;
	struct series_index srt_index;
	__u32 cap; /* label sets per family before process and pod fold into "other" */
	__u64 folded;
	struct hist duration[L7_PROTO_MAX];
	__u64 errors[L7_PROTO_MAX][L7_SIDES]; /* by enum l7_side */
};

int l7_sink_init(struct l7_sink *s, __u32 max_label_sets);
void l7_sink_free(struct l7_sink *s);
void l7_sink_add(struct l7_sink *s, const struct l7_record *r);
void l7_sink_srt(struct l7_sink *s, const struct proc_ctx *p, int protocol, __u64 ns);
/* The last @limit records, oldest first, as NDJSON. */
int l7_sink_ndjson(const struct l7_sink *s, unsigned int limit, FILE *out);
void l7_sink_write_metrics(FILE *f, const struct l7_sink *s, int openmetrics);

#endif /* NETOBS_L7_SINK_H */
