// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * What the kernel's own helpers cost on this machine, each beside the bare
 * program: a hash lookup with the flow key's size, the same plus a
 * bpf_spin_lock (what the wire engine took before), the same with the
 * engine's compare-and-swap lock instead, and the same plus the clock read. The wire
 * engine's per-packet cost cannot go below their sum.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "netobs.h"
#include "wire/flow_lock.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct flow_key);
	__type(value, struct flow_entry);
} helper_flows SEC(".maps");

/* The same value with a bpf_spin_lock in the lock word's place. */
struct spin_entry {
	struct bpf_spin_lock lock;
	__u32 pad;
	struct flow_stats s;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct flow_key);
	__type(value, struct spin_entry);
} helper_spin_flows SEC(".maps");

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
	struct flow_key k = {};
	struct spin_entry *e = bpf_map_lookup_elem(&helper_spin_flows, &k);

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

	if (!e || flow_lock(e, WIRE_LOCK_SPINS))
		return XDP_PASS;
	e->s.side[0].packets++;
	flow_unlock(e);
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
