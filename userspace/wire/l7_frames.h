/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * L7 records from frames on the wire: the wire engine's parser finds the
 * payload, TCP sequence numbers put segments in order (retransmitted bytes
 * are fed once, a gap resynchronises), and the L7 framers pair messages.
 */
#ifndef NETOBS_L7_WIRE_H
#define NETOBS_L7_WIRE_H

#include "l7/table.h"

struct l7_wire {
	struct l7_table tab;
	struct l7_options opts;
	struct l7_stats stats;
	l7_emit_fn emit;
	void *ctx;
};

int l7_wire_init(struct l7_wire *w, const struct l7_options *o, __u32 max_conns, l7_emit_fn emit,
		 void *ctx);
/* One Ethernet frame (cap bytes captured) at time ts. */
void l7_wire_frame(struct l7_wire *w, const void *frame, __u32 cap, __u64 ts);
/* End of input: finish responses in progress and free everything. */
void l7_wire_finish(struct l7_wire *w);

#endif /* NETOBS_L7_WIRE_H */
