/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Ending flows from userspace: expired ones, or all of them at the end. */
#ifndef NETOBS_SWEEP_H
#define NETOBS_SWEEP_H

#include "wire/flow_record.h"
#include "wire/backend.h"

typedef int (*flow_record_fn)(void *ctx, const struct flow_record *r);

/* What one sweep saw, before ending anything. */
struct sweep_stats {
	unsigned long long flows;
	unsigned long long tcp_flows;
};

/*
 * End every flow idle past its timeout at @now, or with @all every flow (those
 * not expired as `forced` unless their state says how they closed). Each ended
 * flow is passed to @fn and removed from the table. @stats (may be NULL) gets the
 * flows that remain. Returns flows ended or -errno.
 */
int wire_sweep(struct wire_backend *b, __u64 now, const struct wire_timeouts *t, int all,
	       flow_record_fn fn, void *ctx, struct sweep_stats *stats);

/*
 * The same, also passing each flow that stays to @live (same @ctx) in brief,
 * during the walk.
 */
int wire_sweep_live(struct wire_backend *b, __u64 now, const struct wire_timeouts *t, int all,
		    flow_record_fn fn, void *ctx, wire_brief_fn live, struct sweep_stats *stats);

/* Turn a ring-buffer flow-end event into a record. */
void flow_record_from_event(struct flow_record *r, const struct flow_event *ev);

#endif /* NETOBS_SWEEP_H */
