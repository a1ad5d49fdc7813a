/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One interface over the two builds of the wire engine: the BPF programs
 * (run through BPF_PROG_TEST_RUN, or live on an interface) and the same
 * source compiled as plain C. Replay and the tests do not care which.
 */
#ifndef NETOBS_WIRE_BACKEND_H
#define NETOBS_WIRE_BACKEND_H

#include <stddef.h>
#include <linux/types.h>

#include "netobs.h"

struct wire_options {
	__u32 max_flows;
	__u32 max_lat_sets; /* latency label sets: LABEL_SETS_ROOM(the exporter's cap) */
	__u32 ringbuf_bytes;
	struct wire_timeouts timeouts;
	__u32 sampling_pct; /* percent of flows tracked, 1-100 */
	int replay_clock;
	const char *pin_dir;
	/* keep the shared maps pinned here (bpffs); NULL: don't */ /* time comes from
								       wire_backend_run()'s
								       now_ns */
};

void wire_options_default(struct wire_options *o);

/* Called for each ring-buffer record (struct flow_event or anomaly_event). */
typedef int (*wire_event_fn)(void *ctx, const void *data, size_t len);
typedef int (*wire_flow_fn)(void *ctx, const struct flow_stats *f);
typedef int (*wire_brief_fn)(void *ctx, const struct flow_brief *b);
/* A label set's latency histograms, summed over CPUs. */
typedef int (*wire_hist_fn)(void *ctx, const struct lat_key *k, const struct lat_hist *h);

static inline void lat_hist_merge(struct lat_hist *to, const struct lat_hist *from)
{
	int k, i;

	for (k = 0; k < LAT_KINDS; k++) {
		for (i = 0; i < LAT_BUCKETS; i++)
			to->buckets[k][i] += from->buckets[k][i];
		to->sum_ns[k] += from->sum_ns[k];
		to->count[k] += from->count[k];
	}
}

struct wire_backend;

struct wire_backend_ops {
	const char *name;
	/*
	 * Run one Ethernet frame (@len bytes of it at hand) through the ingress
	 * program; @wire_len is its original length, which bounds what its
	 * headers may claim.
	 */
	int (*run)(struct wire_backend *b, const void *frame, __u32 len, __u32 wire_len,
		   __u64 now_ns);
	/* Deliver pending events to the event callback. */
	int (*poll)(struct wire_backend *b);
	int (*for_each_flow)(struct wire_backend *b, wire_flow_fn fn, void *ctx);
	/*
	 * Optional: the whole table as the sweep needs it, each flow expired at
	 * @now (by @t) to @ended, each other one to @live in brief. Without it the
	 * sweep makes the same calls from for_each_flow.
	 */
	int (*scan)(struct wire_backend *b, __u64 now, const struct wire_timeouts *t,
		    wire_flow_fn ended, wire_brief_fn live, void *ctx);
	int (*delete_flow)(struct wire_backend *b, const struct flow_key *key);
	int (*for_each_hist)(struct wire_backend *b, wire_hist_fn fn, void *ctx);
	int (*counters)(struct wire_backend *b, __u64 out[CNT_MAX]);
	void (*destroy)(struct wire_backend *b);
};

struct wire_backend {
	const struct wire_backend_ops *ops;
	wire_event_fn on_event;
	void *event_ctx;
};

/* Both return NULL and set errno on failure. */
struct wire_backend *wire_user_open(const struct wire_options *o, wire_event_fn fn, void *ctx);
struct wire_backend *wire_bpf_open(const struct wire_options *o, wire_event_fn fn, void *ctx);

/* A frame whose every byte is at hand. */
static inline int wire_backend_run(struct wire_backend *b, const void *frame, __u32 len,
				   __u64 now_ns)
{
	return b->ops->run(b, frame, len, len, now_ns);
}

static inline void wire_backend_destroy(struct wire_backend *b)
{
	if (b)
		b->ops->destroy(b);
}

#endif /* NETOBS_WIRE_BACKEND_H */
