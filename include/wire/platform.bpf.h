/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The BPF platform of the wire engine: maps, clock and knobs shared by the
 * XDP and TC programs. Each program object declares the same maps; the
 * loader makes them one set with bpf_map__reuse_fd().
 */
#ifndef NETOBS_WIRE_PLATFORM_BPF_H
#define NETOBS_WIRE_PLATFORM_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "netobs.h"
#include "wire/flow_lock.h"
#include "wire/scratch.h"

/* Set before load. In live mode the verifier drops the replay branch. */
const volatile __u8 replay_clock = 0;
const volatile struct wire_timeouts wire_cfg_timeouts = WIRE_DEFAULT_TIMEOUTS;
const volatile __u32 wire_cfg_sampling_pct = 100;
const volatile __u32 wire_cfg_lat_slots = WIRE_DEFAULT_LAT_SLOTS; /* lat_hists' size */

/* Replay only: the capture timestamp and original length of the frame being run. */
volatile __u64 replay_now_ns;
volatile __u32 replay_frame_len;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WIRE_DEFAULT_MAX_FLOWS); /* resized by the loader */
	__type(key, struct flow_key);
	__type(value, struct flow_entry);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} flow_ids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wire_scratch);
} scratch SEC(".maps");

/* First fragments' ports, for the later fragments of their datagrams. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, FRAG_TABLE_SIZE);
	__type(key, struct frag_key);
	__type(value, struct frag_ports);
} frags SEC(".maps");

/*
 * Latency histograms per label set, updated when a sample completes: a set's
 * slot in lat_hists, handed out from lat_slots_used when the set's first flow
 * completes its first sample, and kept in each flow (lat_slot).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WIRE_DEFAULT_LAT_SLOTS); /* resized by the loader, as lat_hists */
	__type(key, struct lat_key);
	__type(value, __u32);
} lat_sets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, WIRE_DEFAULT_LAT_SLOTS);
	__type(key, __u32);
	__type(value, struct lat_hist);
} lat_hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} lat_slots_used SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20); /* resized by the loader */
} events SEC(".maps");

static __always_inline __u64 wire_now(void)
{
	if (replay_clock)
		return replay_now_ns;
	return bpf_ktime_get_ns();
}

static __always_inline void wire_count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);

	if (v)
		*v += 1;
}

/*
 * Each field read through a volatile pointer, so every read is a load from
 * the map the loader (or, for .bss, userspace) set. A plain pointer would let
 * clang fold a .rodata initialiser (the defaults) into the bytecode and ignore
 * the setting.
 */
static __always_inline void timeouts_load(struct wire_timeouts *t,
					  const volatile struct wire_timeouts *from)
{
	t->established_ns = from->established_ns;
	t->closing_rst_ns = from->closing_rst_ns;
	t->opening_ns = from->opening_ns;
	t->closed_fin_ns = from->closed_fin_ns;
	t->udp_ns = from->udp_ns;
}

static __always_inline void wire_timeouts(struct wire_timeouts *t)
{
	timeouts_load(t, &wire_cfg_timeouts);
}

static __always_inline __u32 wire_sampling_pct(void)
{
	return wire_cfg_sampling_pct;
}

static __always_inline __u64 *wire_flow_id_ptr(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&flow_ids, &zero);
}

#define wire_flow_lookup(key) ((struct flow_entry *)bpf_map_lookup_elem(&flows, key))
#define wire_flow_insert(key, entry) bpf_map_update_elem(&flows, key, entry, BPF_NOEXIST)
#define wire_lock(e) flow_lock(e, WIRE_LOCK_SPINS)
#define wire_unlock(e) flow_unlock(e)
#define wire_emit(ptr, size) bpf_ringbuf_output(&events, ptr, size, 0)
#define wire_frag_lookup(key) ((struct frag_ports *)bpf_map_lookup_elem(&frags, key))
#define wire_frag_learn(key, ports) bpf_map_update_elem(&frags, key, ports, BPF_ANY)
#define wire_lat_set_lookup(key) ((__u32 *)bpf_map_lookup_elem(&lat_sets, key))
#define wire_lat_set_insert(key, slot) bpf_map_update_elem(&lat_sets, key, slot, BPF_NOEXIST)
#define wire_lat_slots_max() wire_cfg_lat_slots

static __always_inline __u32 *wire_lat_slots_used(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&lat_slots_used, &zero);
}

static __always_inline struct lat_hist *wire_lat_hist(__u32 index)
{
	return bpf_map_lookup_elem(&lat_hists, &index);
}

static __always_inline struct wire_scratch *wire_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

#endif /* NETOBS_WIRE_PLATFORM_BPF_H */
