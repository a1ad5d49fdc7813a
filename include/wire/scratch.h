/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
#ifndef NETOBS_WIRE_SCRATCH_H
#define NETOBS_WIRE_SCRATCH_H

#include "netobs.h"

/*
 * Per-packet results. They live in memory the BPF verifier does not track
 * (the scratch map value), not in registers: as tracked constants, every
 * combination of them would multiply the states it has to explore.
 */
struct flow_pkt_out {
	__u32 anom;
	__u32 retrans;
	__u32 keepalive;
	__u32 gap_fill;
	__u32 split_start; /* a gap a segment split in two: its right part */
	__u32 split_end;
	__u32 gap_forgotten; /* every gap slot was open: one was given up for a new gap */
};

/* Per-CPU working memory of the engine: flow records do not fit the BPF stack. */
struct wire_scratch {
	struct flow_entry entry; /* a new flow, before it is inserted */
	struct flow_event ev;
	struct flow_pkt_out out;
};

#endif /* NETOBS_WIRE_SCRATCH_H */
