/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The per-packet driver of the wire engine: parse, find or create the flow,
 * run the state machine under the flow's lock, report ends and anomalies.
 *
 * The includer provides the platform before including this file:
 *   WIRE_CTX                        the hook's context type
 *   wire_ctx_data(ctx), wire_ctx_data_end(ctx)
 *   wire_load_bytes(ctx, off, buf, len)  0 or -errno
 *   wire_now()                      clock in ns
 *   wire_count(idx)                 bump per-CPU counter idx
 *   wire_timeouts(t)                fill *t with the configured timeouts
 *   wire_sampling_pct()             percent of flows tracked (100: all)
 *   wire_scratch()                  struct wire_scratch * (per CPU), or NULL
 *   wire_flow_id_ptr()              __u64 * shared creation counter, or NULL
 *   wire_flow_lookup(key)           struct flow_entry *
 *   wire_flow_insert(key, entry)    0, -EEXIST, or another -errno (table full)
 *   wire_lock(entry)                0 with the entry locked, or -EBUSY
 *   wire_unlock(entry)
 *   wire_emit(ptr, size)            0 or -errno
 *   wire_frag_lookup(key)           struct frag_ports * of a datagram in fragments, or NULL
 *   wire_frag_learn(key, ports)     remember a first fragment's ports
 *   wire_lat_set_lookup(key)        __u32 * slot of a latency label set, or NULL
 *   wire_lat_set_insert(key, slot)  0, -EEXIST, or another -errno
 *   wire_lat_slots_used()           __u32 * shared count of slots handed out, or NULL
 *   wire_lat_slots_max()            how many slots there are
 *   wire_lat_hist(index)            struct lat_hist * at @index (this CPU's), or NULL
 * xdp/ and tc/ get it from wire/platform.bpf.h, the userspace engine from
 * userspace/wire/backend_user.c.
 */
#ifndef NETOBS_WIRE_ENGINE_H
#define NETOBS_WIRE_ENGINE_H

#include "wire/flow.h"
#include "wire/parse_l4.h"
#include "wire/scratch.h"

#ifndef ENOENT
#define ENOENT 2
#endif
#ifndef EEXIST
#define EEXIST 17
#endif

static __always_inline void wire_emit_anomaly(const struct flow_key *key, __u32 anom, __u64 now)
{
	struct anomaly_event a = {
		.type = EV_ANOMALY,
		.detail = anom,
		.ts_ns = now,
		.key = *key,
	};

	if (wire_emit(&a, sizeof(a)))
		wire_count(CNT_RINGBUF_FULL);
}

/* @k's slot, handed out if new; 0 when every slot is taken. */
static __always_inline __u32 lat_set_make(const struct lat_key *k)
{
	__u32 *found = wire_lat_set_lookup(k), *used = wire_lat_slots_used(), slot;

	if (found)
		return *found;
	if (!used || *used >= wire_lat_slots_max())
		return 0;
	slot = __sync_fetch_and_add(used, 1) + 1;
	if (slot > wire_lat_slots_max())
		return 0;
	if (!wire_lat_set_insert(k, &slot))
		return slot;
	found = wire_lat_set_lookup(k); /* another CPU made it first: this slot stays unused */
	return found ? *found : 0;
}

/*
 * The slot of a flow's label set, found at its first sample. The interface
 * and role's "other" set (port 0) is made first, so that a set that finds
 * every slot taken still has histograms to go to: its flow's slot then says
 * LAT_SLOT_FOLDED, and each of its samples is counted.
 */
static __always_inline __u32 lat_slot_of(const struct lat_key *k)
{
	struct lat_key other = *k;
	__u32 slot, fold;

	other.server_port = 0;
	fold = lat_set_make(&other);
	if (!k->server_port)
		return fold;
	slot = lat_set_make(k);
	if (slot || !fold)
		return slot;
	return fold | LAT_SLOT_FOLDED;
}

/* Keep a flow's slot, unless the flow on that key is another one by now. */
static __always_inline void lat_slot_keep(const struct lat_samples *l, __u32 slot)
{
	struct flow_entry *e = wire_flow_lookup(&l->flow_key);

	if (!e || wire_lock(e))
		return;
	if (e->s.flow_id == l->flow_id)
		e->s.lat_slot = slot;
	wire_unlock(e);
}

/* The samples of @out into the histograms of @slot (LAT_SLOT_*); 0, or -ENOENT without them. */
static __always_inline int lat_hist_add(const struct flow_pkt_out *out, __u32 slot)
{
	struct lat_hist *h;
	__u32 i;

	if (!slot)
		return -ENOENT;
	h = wire_lat_hist((slot & ~LAT_SLOT_FOLDED) - 1);
	if (!h)
		return -ENOENT;
	if (slot & LAT_SLOT_FOLDED)
		wire_count(CNT_LAT_FOLDED);
#pragma unroll
	for (i = 0; i < LAT_KINDS; i++) {
		__u64 ns = out->lat.ns[i];

		if (!(out->lat_mask & (1U << i)))
			continue;
		h->buckets[i][lat_bucket(ns) & (LAT_BUCKETS - 1)]++;
		h->sum_ns[i] += ns;
		h->count[i]++;
	}
	return 0;
}

/*
 * The samples of a flow's first sampling packet: its label set's slot found
 * (or handed out) and kept in the flow, then the samples added. A global
 * function on the BPF side, called at the top of the call chain, where its
 * stack frame fits; every later sample of the flow is added where it is
 * taken (wire_flow_packet()).
 */
WIRE_GLOBAL int wire_lat_first(struct wire_scratch *sc)
{
	__u32 slot;

	if (!sc)
		return 0;
	slot = lat_slot_of(&sc->out.lat.key);
	if (slot)
		lat_slot_keep(&sc->out.lat, slot);
	if (lat_hist_add(&sc->out, slot))
		wire_count(CNT_LAT_LOST);
	return 0;
}

static __always_inline __u64 wire_take_flow_id(__u64 *idp)
{
	return idp ? __sync_fetch_and_add(idp, 1) + 1 : 0;
}

/*
 * Find or create the flow of a parsed packet and account it. A global
 * function on the BPF side: the verifier checks it once, on its own, instead
 * of once for every path through the parser. 1 when the packet completed its
 * flow's first latency samples, which the caller's caller adds
 * (wire_lat_first()).
 */
WIRE_GLOBAL int wire_flow_packet(const struct pkt_info *p, __u32 segs)
{
	struct wire_timeouts t;
	struct wire_scratch *sc;
	struct flow_entry *e;
	struct flow_key key;
	__u64 now;
	int from_lo, dir, ended = 0, err;

	if (!p)
		return 0;
	from_lo = pkt_flow_key(p, &key);
	now = wire_now();
	wire_timeouts(&t);
	sc = wire_scratch();
	if (!sc)
		return 0;
	wire_out_reset(&sc->out);

	e = wire_flow_lookup(&key);
	if (!e) {
		if (wire_sampling_pct() < 100 && flow_sample_bucket(&key) >= wire_sampling_pct()) {
			wire_count(CNT_SAMPLED_OUT);
			return 0;
		}
		/*
		 * Insert the flow empty, then account this packet through the one
		 * locked path below, as any other: one copy of the state machine in
		 * the program, and a CPU that loses the insert race (-EEXIST) simply
		 * joins it.
		 */
		flow_init(&sc->entry.s, &key, p, from_lo, now,
			  wire_take_flow_id(wire_flow_id_ptr()));
		err = wire_flow_insert(&key, &sc->entry);
		if (err && err != -EEXIST) {
			wire_count(CNT_FLOW_TABLE_FULL);
			return 0;
		}
		if (!err)
			wire_count(CNT_FLOWS_CREATED);
		e = wire_flow_lookup(&key);
		if (!e)
			return 0;
	}

	if (wire_lock(e)) {
		wire_count(CNT_FLOW_BUSY);
		return 0;
	}
	dir = flow_pkt_dir(&e->s, from_lo);
	/* A flow with no packet yet was just inserted: nothing to end. */
	if ((e->s.side[DIR_C2S].packets || e->s.side[DIR_S2C].packets) &&
	    (flow_expired(&e->s, now, &t) ||
	     (p->proto == IPPROTO_TCP && flow_is_new_syn(&e->s, p, dir)))) {
		int reason = flow_expired(&e->s, now, &t) ? END_TIMEOUT : END_PORT_REUSE;

		flow_finish(&e->s, e->s.last_seen_ns);
		sc->ev.type = EV_FLOW_END;
		sc->ev.detail = flow_close_type(&e->s, reason);
		sc->ev.ts_ns = now;
		wire_copy_words(&sc->ev.s, &e->s, sizeof(e->s));
		flow_init(&e->s, &key, p, from_lo, now, wire_take_flow_id(wire_flow_id_ptr()));
		dir = flow_pkt_dir(&e->s, from_lo);
		ended = 1;
	}
	flow_account(&e->s, p, dir, segs, now, &sc->out);
	if (sc->out.lat_mask) {
		sc->out.lat.slot = e->s.lat_slot;
		if (!sc->out.lat.slot) {
			lat_key_of(&e->s, &sc->out.lat.key);
			sc->out.lat.flow_id = e->s.flow_id;
			sc->out.lat.flow_key = key;
		}
	}
	wire_unlock(e);

	wire_count(CNT_FLOW_PACKETS);
	if (ended) {
		wire_count(CNT_FLOWS_EVICTED);
		wire_count(CNT_FLOWS_CREATED);
		if (sc->ev.detail == CLOSE_PORT_REUSE)
			sc->out.anom |= ANOM_PORT_REUSE;
		if (wire_emit(&sc->ev, sizeof(sc->ev)))
			wire_count(CNT_RINGBUF_FULL);
	}
	if (sc->out.lat_mask && sc->out.lat.slot) {
		lat_hist_add(&sc->out, sc->out.lat.slot);
		sc->out.lat_mask = 0;
	}
	if (sc->out.gap_forgotten)
		wire_count(CNT_GAP_FORGOTTEN);
	if (sc->out.anom)
		wire_emit_anomaly(&key, sc->out.anom, now);
	return !!sc->out.lat_mask;
}

static __always_inline void frag_key_of(const struct pkt_info *p, struct frag_key *k)
{
	k->src = p->src;
	k->dst = p->dst;
	k->id = p->frag_id;
	k->proto = p->proto;
	k->family = p->family;
	k->pad[0] = 0;
	k->pad[1] = 0;
}

/*
 * A fragment after the first: accounted to the flow its first fragment
 * named (packets, bytes, payload; it has no transport header to analyse),
 * or counted as untracked when that first fragment was not seen here.
 */
WIRE_GLOBAL int wire_frag_packet(struct pkt_info *p, __u32 frag_len)
{
	struct frag_ports *ports;
	struct frag_key k;

	if (!p)
		return 0;
	if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP) {
		wire_count(CNT_OTHER_L4);
		return 0;
	}
	frag_key_of(p, &k);
	ports = wire_frag_lookup(&k);
	if (!ports) {
		wire_count(CNT_FRAGMENTS);
		return 0;
	}
	p->sport = ports->sport;
	p->dport = ports->dport;
	p->payload_len = frag_len;
	if (p->adj)
		wire_count(p->adj);
	return wire_flow_packet(p, 1);
}

/*
 * Transport layer and flow update, for a packet whose L3 headers parsed.
 * Global for the same reason as wire_flow_packet(): every path through the
 * L2/L3 parser (VLAN depth, IPv6 extension headers) reaches it with its own
 * verifier state, and here they all become one.
 */
WIRE_GLOBAL int wire_l4_packet(WIRE_CTX *ctx, struct pkt_info *p, __u32 l4_len, __u32 segs)
{
	int err;

	if (!p)
		return 0;
	err = parse_l4(ctx, wire_ctx_data(ctx), wire_ctx_data_end(ctx), p, l4_len);
	if (err) {
		wire_count(-err);
		return 0;
	}
	if (p->adj)
		wire_count(p->adj);
	if (p->opt_cut)
		wire_count(CNT_TCP_OPT_CUT);
	if (p->opt_bad)
		wire_count(CNT_ERR_TCP_OPT);
	if (p->first_frag) {
		struct frag_ports ports = { .sport = p->sport, .dport = p->dport };
		struct frag_key k;

		frag_key_of(p, &k);
		wire_frag_learn(&k, &ports);
	}
	return wire_flow_packet(p, segs);
}

/*
 * Process one frame. @wire_len is the frame length as the hook knows it (0 if
 * just the buffer), @segs the GSO segment count (1 for a plain packet), @hook
 * and @ifindex where it was seen.
 * Never changes the packet; the caller always passes it on.
 */
static __always_inline void wire_handle(WIRE_CTX *ctx, __u32 wire_len, __u32 segs, __u32 ifindex,
					__u32 hook)
{
	struct pkt_info p = { .ifindex = ifindex, .hook = hook };
	struct parse_result r;
	__u32 l4_len = 0;
	int sampled = 0;

	wire_count(CNT_PACKETS);
	r = parse_l3(wire_ctx_data(ctx), wire_ctx_data_end(ctx), wire_len, &p, &l4_len);
	if (r.verdict == PARSE_SKIP && p.later_frag)
		sampled = wire_frag_packet(&p, l4_len);
	else if (r.verdict == PARSE_FLOW)
		sampled = wire_l4_packet(ctx, &p, l4_len, segs);
	else
		wire_count(r.counter);
	if (sampled > 0)
		wire_lat_first(wire_scratch());
}

#endif /* NETOBS_WIRE_ENGINE_H */
