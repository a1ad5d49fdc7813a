// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * What the kernel's own helpers cost on this machine, each beside the bare
 * program: a hash lookup with the flow key's size, the same plus the spin
 * lock the wire engine takes, the same with a cmpxchg lock instead (what a
 * lighter scheme would cost), and the same plus the clock read. The wire
 * engine's per-packet cost cannot go below their sum.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "netobs.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct flow_key);
	__type(value, struct flow_entry);
} helper_flows SEC(".maps");

static __always_inline struct flow_entry *lookup(void)
{
	struct flow_key k = {};

	return bpf_map_lookup_elem(&helper_flows, &k);
}

SEC("xdp")
int helper_lookup(struct xdp_md *ctx)
{
	struct flow_entry *e = lookup();

	if (e)
		e->s.side[0].packets++;
	return XDP_PASS;
}

SEC("xdp")
int helper_lookup_lock(struct xdp_md *ctx)
{
	struct flow_entry *e = lookup();

	if (!e)
		return XDP_PASS;
	bpf_spin_lock(&e->lock);
	e->s.side[0].packets++;
	bpf_spin_unlock(&e->lock);
	return XDP_PASS;
}

SEC("xdp")
int helper_lookup_cmpxchg(struct xdp_md *ctx)
{
	struct flow_entry *e = lookup();
	int i;

	if (!e)
		return XDP_PASS;
	for (i = 0; i < 64; i++)
		if (__sync_val_compare_and_swap(&e->pad, 0, 1) == 0)
			break;
	e->s.side[0].packets++;
	__sync_lock_test_and_set(&e->pad, 0);
	return XDP_PASS;
}

SEC("xdp")
int helper_lookup_ktime(struct xdp_md *ctx)
{
	struct flow_entry *e = lookup();

	if (e)
		e->s.last_seen_ns = bpf_ktime_get_ns();
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
