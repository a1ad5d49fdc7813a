/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
#ifndef NETOBS_WIRE_SCRATCH_H
#define NETOBS_WIRE_SCRATCH_H

#include "netobs.h"

/*
 * The samples a packet completed, and where they go: the flow's slot in the
 * histograms, or (slot 0: its first sample) what finding it needs.
 */
struct lat_samples {
	__u64 ns[LAT_KINDS];
	__u32 slot;
	struct lat_key key;
	__u64 flow_id;
	struct flow_key flow_key;
};

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
	__u32 lat_mask;	     /* bit (1 << enum lat_kind): a sample of that kind completed */
	/* Read only under lat_mask, so not cleared per packet (wire_out_reset()). */
	struct lat_samples lat;
};

#define wire_out_reset(out) wire_memset(out, 0, __builtin_offsetof(struct flow_pkt_out, lat))

/* Per-CPU working memory of the engine: flow records do not fit the BPF stack. */
struct wire_scratch {
	struct flow_entry entry; /* a new flow, before it is inserted */
	struct flow_event ev;
	struct flow_pkt_out out;
};

#endif /* NETOBS_WIRE_SCRATCH_H */
