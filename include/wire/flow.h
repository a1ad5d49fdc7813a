/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-flow TCP/UDP state machine: METRICS.md in code.
 *
 * Everything here is a pure function of (flow, packet, now): no helper calls
 * and no map access, so the BPF side can run it under the flow's lock
 * and the userspace engine can run it as plain C.
 */
#ifndef NETOBS_WIRE_FLOW_H
#define NETOBS_WIRE_FLOW_H

#include "wire/parse.h"
#include "wire/scratch.h"

/* Direction of a packet in the flow's roles. */
static __always_inline int flow_pkt_dir(const struct flow_stats *f, int from_lo)
{
	int client_is_lo = !!(f->flags & FF_CLIENT_IS_LO);

	return from_lo == client_is_lo ? DIR_C2S : DIR_S2C;
}

/*
 * Index of the histogram bucket for @ns: the number of bounds below it.
 * Branch-free on purpose: the sign bit of (bound - ns) counts them, so the
 * verifier sees one unknown index instead of one path per bucket.
 */
static __always_inline __u32 lat_bucket(__u64 ns)
{
	static const __u64 bounds_us[LAT_BUCKETS - 1] = LAT_BUCKET_BOUNDS_US;
	__u64 idx = 0;
	__u32 i;

	if (ns > (1ULL << 62))
		ns = 1ULL << 62; /* keeps the sign of bound - ns meaningful */
#pragma unroll
	for (i = 0; i < LAT_BUCKETS - 1; i++)
		idx += (bounds_us[i] * 1000 - ns) >> 63;
	return idx;
}

/*
 * A completed sample: into the flow's aggregate, and noted in @out for the
 * label set's histogram, which the engine updates after the flow's lock.
 */
static __always_inline void lat_add(struct lat_agg *a, __u64 ns, struct flow_pkt_out *out,
				    enum lat_kind kind)
{
	out->lat_mask |= 1U << kind;
	out->lat.ns[kind] = ns;
	if (!a->count || ns < a->min_ns)
		a->min_ns = ns;
	if (ns > a->max_ns)
		a->max_ns = ns;
	a->sum_ns += ns;
	a->count++;
}

/*
 * Roles: the sender of a SYN is the client, the sender of a SYN-ACK the
 * server; otherwise the higher port is the client (ephemeral ports), and on
 * equal ports the first sender.
 */
static __always_inline void flow_init(struct flow_stats *f, const struct flow_key *k,
				      const struct pkt_info *p, int from_lo, __u64 now, __u64 id)
{
	int client_is_lo;

	wire_memset(f, 0, sizeof(*f));
	f->key = *k;
	f->flow_id = id;
	f->first_seen_ns = now;
	f->last_seen_ns = now;
	f->wscale[0] = 0xff;
	f->wscale[1] = 0xff;

	if (p->proto == IPPROTO_TCP && (p->tcp_flags & TCPF_SYN)) {
		client_is_lo = (p->tcp_flags & TCPF_ACK) ? !from_lo : from_lo;
		f->flags |= FF_HANDSHAKE_SEEN;
	} else if (k->lo_port != k->hi_port) {
		client_is_lo = 0; /* the hi endpoint has the higher port by construction */
		if (k->lo_port > k->hi_port)
			client_is_lo = 1;
	} else {
		client_is_lo = from_lo;
	}
	if (client_is_lo)
		f->flags |= FF_CLIENT_IS_LO;
	f->ifindex = p->ifindex;
	/* A client packet leaving (TC) or a server packet arriving (XDP): a client host. */
	if (p->hook != HOOK_NONE)
		f->host_role =
		    ((from_lo == client_is_lo) == (p->hook == HOOK_TC)) ? ROLE_CLIENT : ROLE_SERVER;
}

/*
 * Flow sampling: a flow is tracked when its bucket (0-99) is below the rate.
 * A hash of the canonical key, so both directions and both hooks agree.
 */
static __always_inline __u32 flow_sample_bucket(const struct flow_key *k)
{
	__u32 h = 2166136261U, i;

#pragma unroll
	for (i = 0; i < 4; i++)
		h = (h ^ k->lo_addr.w[i] ^ k->hi_addr.w[i]) * 16777619U;
	h = (h ^ ((__u32)k->lo_port << 16 | k->hi_port)) * 16777619U;
	h = (h ^ k->proto) * 16777619U;
	h ^= h >> 15;
	return h % 100;
}

static __always_inline __u16 flow_server_port(const struct flow_stats *f)
{
	return (f->flags & FF_CLIENT_IS_LO) ? f->key.hi_port : f->key.lo_port;
}

static __always_inline void lat_key_of(const struct flow_stats *f, struct lat_key *k)
{
	k->ifindex = f->ifindex;
	k->server_port = flow_server_port(f);
	k->role = f->host_role;
	k->pad = 0;
}

/*
 * Field by field, not a copy: the BPF reader runs this without the flow's
 * lock, where each aligned 64-bit load is whole but the set is not one instant.
 */
static __always_inline void flow_brief_of(const struct flow_stats *f, struct flow_brief *b)
{
	b->kind = BRIEF_LIVE;
	b->ifindex = f->ifindex;
	b->server_port = flow_server_port(f);
	b->host_role = f->host_role;
	b->proto = f->key.proto;
	b->pad = 0;
	b->packets[0] = f->side[0].packets;
	b->packets[1] = f->side[1].packets;
	b->bytes[0] = f->side[0].bytes;
	b->bytes[1] = f->side[1].bytes;
}

static __always_inline __u64 flow_timeout_ns(const struct flow_stats *f,
					     const struct wire_timeouts *t)
{
	if (f->key.proto != IPPROTO_TCP)
		return t->udp_ns;
	switch (f->state) {
	case FS_SYN_SENT:
	case FS_SYN_RCVD:
		return t->opening_ns;
	case FS_CLOSED:
		return t->closed_fin_ns;
	case FS_RESET:
		return t->closing_rst_ns;
	default:
		return t->established_ns;
	}
}

static __always_inline int flow_expired(const struct flow_stats *f, __u64 now,
					const struct wire_timeouts *t)
{
	return now > f->last_seen_ns && now - f->last_seen_ns > flow_timeout_ns(f, t);
}

/* DeepFlow's close classification; see METRICS.md "Close types". */
static __always_inline int flow_close_type(const struct flow_stats *f, int reason)
{
	if ((f->flags & FF_RST_SEEN) && !(f->flags & FF_FIN_BOTH_FIRST)) {
		if (f->rst_state == FS_SYN_SENT && f->rst_dir == DIR_S2C)
			return CLOSE_SERVER_RESET;
		if (f->rst_state == FS_SYN_SENT || f->rst_state == FS_SYN_RCVD)
			return CLOSE_ESTABLISH_RST;
		return f->rst_dir == DIR_C2S ? CLOSE_CLIENT_RST : CLOSE_SERVER_RST;
	}
	if ((f->flags & (FF_FIN_C2S | FF_FIN_S2C)) == (FF_FIN_C2S | FF_FIN_S2C))
		return CLOSE_NORMAL;
	if (f->flags & FF_QUEUE_OVERFLOW)
		return CLOSE_QUEUE_OVERFLOW;
	if (reason == END_PORT_REUSE)
		return CLOSE_PORT_REUSE;
	if (reason == END_FORCED)
		return CLOSE_FORCED;
	if (f->key.proto != IPPROTO_TCP)
		return CLOSE_TIMEOUT;
	if (f->state == FS_SYN_SENT)
		return CLOSE_SYN_NO_ANSWER;
	if (f->state == FS_SYN_RCVD)
		return CLOSE_SYNACK_NO_ACK;
	if (f->flags & FF_FIN_C2S)
		return CLOSE_CLIENT_HALF_CLOSE;
	if (f->flags & FF_FIN_S2C)
		return CLOSE_SERVER_HALF_CLOSE;
	return CLOSE_TIMEOUT;
}

/* Close the zero-window interval of a side that is still at zero. */
static __always_inline void flow_finish(struct flow_stats *f, __u64 end)
{
	int d;

	for (d = 0; d < 2; d++) {
		if ((f->flags & FF_ZW(d)) && end > f->side[d].zero_win_since_ns)
			f->zero_win_duration_ns += end - f->side[d].zero_win_since_ns;
		f->flags &= ~FF_ZW(d);
	}
}

/*
 * A SYN that starts a new connection on a 5-tuple still in the table (port
 * reuse): from the flow's client, with another ISN than the flow's own SYN,
 * once the flow is past its handshake (established, closing, closed or
 * reset). Every other SYN joins the flow: a repeat, a SYN captured after its
 * SYN-ACK, a SYN from the server's side (simultaneous open, split handshake),
 * or the first SYN of a flow first seen mid-stream.
 */
static __always_inline int flow_is_new_syn(const struct flow_stats *f, const struct pkt_info *p,
					   int dir)
{
	if ((p->tcp_flags & (TCPF_SYN | TCPF_ACK | TCPF_RST)) != TCPF_SYN)
		return 0;
	if (!(f->flags & FF_SYN_SEEN) || dir != DIR_C2S || f->state < FS_ESTABLISHED)
		return 0;
	return p->seq != f->side[DIR_C2S].isn;
}

static __always_inline void flow_handshake(struct flow_stats *f, const struct pkt_info *p, int dir,
					   __u64 now, struct flow_pkt_out *out)
{
	__u8 fl = p->tcp_flags;

	if ((fl & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN && dir == DIR_C2S) {
		f->syn_count++;
		f->flags |= FF_SYN_SEEN;
		f->syn_ns = now;
		if (p->has_wscale)
			f->wscale[DIR_C2S] = p->wscale;
		if (f->state == FS_NONE)
			f->state = FS_SYN_SENT;
		if (f->syn_count > 1)
			out->anom |= ANOM_SYN_REPEAT;
	} else if ((fl & (TCPF_SYN | TCPF_ACK)) == (TCPF_SYN | TCPF_ACK) && dir == DIR_S2C) {
		f->synack_count++;
		if (p->has_wscale)
			f->wscale[DIR_S2C] = p->wscale;
		/*
		 * Until the handshake ACK, each SYN-ACK may be the one it answers:
		 * time the latest, from the latest SYN before it. Not by TSecr: a
		 * Linux server answers a repeated SYN with a SYN-ACK that still
		 * echoes the first SYN's TSval.
		 */
		if (!(f->flags & FF_HS_ACKED)) {
			f->synack_ns = now;
			if (f->flags & FF_SYN_SEEN) {
				f->rtt_server_ns = now - f->syn_ns;
				f->flags |= FF_RTT_SERVER;
			}
		} else {
			/* The client already acknowledged a SYN-ACK: the server
			 * dropped that ACK, which Linux does when the accept queue
			 * is full.
			 */
			f->flags |= FF_QUEUE_OVERFLOW;
			out->anom |= ANOM_QUEUE_OVERFLOW;
		}
		f->flags |= FF_SYNACK_SEEN;
		if (f->state < FS_SYN_RCVD)
			f->state = FS_SYN_RCVD;
		if (f->synack_count > 1)
			out->anom |= ANOM_SYNACK_REPEAT;
	} else if ((fl & (TCPF_SYN | TCPF_ACK | TCPF_RST)) == TCPF_ACK && dir == DIR_C2S &&
		   (f->flags & FF_SYNACK_SEEN) && !(f->flags & FF_HS_ACKED) &&
		   p->ack == f->side[DIR_S2C].isn + 1) {
		f->rtt_client_ns = now - f->synack_ns;
		f->flags |= FF_RTT_CLIENT | FF_HS_ACKED;
		if (f->state == FS_SYN_RCVD)
			f->state = FS_ESTABLISHED;
	} else if (p->payload_len && !(fl & TCPF_SYN) &&
		   (f->state == FS_SYN_SENT || f->state == FS_SYN_RCVD)) {
		/* Data flows only on an open connection: the ACK that opened it
		 * was not seen here (asymmetric path, or lost before us).
		 */
		f->state = FS_ESTABLISHED;
	}
}

/*
 * Record the gap [start, end) in a free slot; when all SEQ_HOLES are open,
 * over the one round robin points at, which is then forgotten (and said in
 * @out: a late fill of it will count as a retransmission). The lowest
 * free slot is the count of bits below the bitmap's lowest free bit, done
 * without loop, branch or table (BPF has no count-trailing-zeros), which
 * keeps the code small where it is inlined.
 */
static __always_inline void hole_add(struct flow_side *s, __u32 start, __u32 end,
				     struct flow_pkt_out *out)
{
	__u32 free = ~s->holes_used & ((1U << SEQ_HOLES) - 1);
	__u32 pick, x;

	if (free) {
		x = (free & -free) - 1; /* the bits below the lowest free one */
		x = x - ((x >> 1) & 0x55555555U);
		x = (x & 0x33333333U) + ((x >> 2) & 0x33333333U);
		x = (x + (x >> 4)) & 0x0F0F0F0FU;
		pick = (x * 0x01010101U) >> 24;
	} else {
		pick = s->hole_next & (SEQ_HOLES - 1);
		s->hole_next++;
		out->gap_forgotten = 1;
	}
	pick &= SEQ_HOLES - 1;
	s->holes[pick].start = start;
	s->holes[pick].end = end;
	s->holes_used |= 1U << pick;
}

/*
 * Remove [a, b) from the recorded gaps; out->gap_fill is set if the segment
 * lay wholly inside one gap: none of it was seen before at this vantage
 * point. Results go to memory, not registers (see struct flow_pkt_out).
 */
static __always_inline void hole_fill(struct flow_side *s, __u32 a, __u32 b,
				      struct flow_pkt_out *out)
{
	int i;

	if (!s->holes_used)
		return; /* no gap open: the common retransmission, without the walk */
#pragma unroll
	for (i = 0; i < SEQ_HOLES; i++) {
		struct seq_hole *h = &s->holes[i];
		__u32 end = h->end;

		if (h->start == end || !seq_before(a, end) || !seq_after(b, h->start))
			continue; /* empty, or no overlap */
		if (!seq_before(a, h->start) && !seq_after(b, end))
			out->gap_fill = 1;
		if (seq_after(a, h->start) && seq_before(b, end)) {
			h->end = a; /* the segment sits in the middle: two gaps remain */
			out->split_start = b;
			out->split_end = end;
		} else if (seq_after(a, h->start)) {
			h->end = a;
		} else if (seq_before(b, end)) {
			h->start = b;
		} else {
			h->end = h->start;
			s->holes_used &= ~(1U << i);
		}
	}
	/* Outside the loop: hole_add walks the slots too. */
	if (out->split_start != out->split_end)
		hole_add(s, out->split_start, out->split_end, out);
}

/*
 * Sequence space of one segment: retransmission detection and the data RTT
 * probe of the sending side. Sets out->retrans for a retransmission.
 */
static __always_inline void flow_seq(struct flow_stats *f, struct flow_side *s,
				     const struct pkt_info *p, int dir, __u32 segs, __u64 now,
				     struct flow_pkt_out *out)
{
	__u8 fl = p->tcp_flags;
	__u32 seq_len = p->payload_len + !!(fl & TCPF_SYN) + !!(fl & TCPF_FIN);
	__u32 end = p->seq + seq_len;

	if (fl & TCPF_RST)
		return;
	if (!(f->flags & FF_SEQ(dir))) {
		f->flags |= FF_SEQ(dir);
		s->isn = p->seq;
		s->snd_nxt = end;
	} else {
		/* A keepalive re-sends the byte before snd_nxt on purpose. */
		int keepalive = !(fl & (TCPF_SYN | TCPF_FIN)) && p->payload_len <= 1 &&
				p->seq == s->snd_nxt - 1;

		out->keepalive = keepalive;
		if (seq_after(p->seq, s->snd_nxt)) {
			/* Sequence space skipped here (lost before us, or reordered):
			 * shown by data, and as well by a pure ACK sent after it.
			 */
			hole_add(s, s->snd_nxt, p->seq, out);
			s->lost++;
			s->lost_bytes += p->seq - s->snd_nxt;
		} else if (seq_len && seq_before(p->seq, s->snd_nxt) && !keepalive) {
			/*
			 * Wholly before the first byte seen of a direction whose SYN
			 * was not: reordered ahead of where this flow was first seen
			 * (e.g. its SYN captured after its first data). Never seen.
			 */
			if (!(f->flags & FF_SEQ_SYN(dir)) && !seq_after(end, s->isn)) {
				out->gap_fill = 1;
				s->isn = p->seq;
			} else {
				hole_fill(s, p->seq, end, out);
			}
			if (!out->gap_fill) {
				out->retrans = 1;
				s->retrans += segs;
				s->retrans_bytes += p->payload_len;
			} else {
				s->ooo += segs;
			}
		}
		if (seq_after(end, s->snd_nxt))
			s->snd_nxt = end;
	}
	if (fl & TCPF_SYN) {
		s->isn = p->seq;
		f->flags |= FF_SEQ_SYN(dir);
	}

	/* A keepalive's byte is not data: it starts no RTT probe. */
	if (!p->payload_len || out->keepalive)
		return;
	if (out->retrans) {
		/* Karn: a retransmitted segment gives no sample. */
		if ((f->flags & FF_PROBE(dir)) && seq_before(p->seq, s->probe_end))
			f->flags &= ~FF_PROBE(dir);
	} else if (!(f->flags & FF_PROBE(dir))) {
		f->flags |= FF_PROBE(dir);
		s->probe_end = end;
		s->probe_ns = now;
	}
}

/* The ACK field of a segment from @dir: samples the peer's data RTT probe. */
static __always_inline void flow_ack(struct flow_stats *f, const struct pkt_info *p, int dir,
				     __u64 now, struct flow_pkt_out *out)
{
	int peer = !dir;
	struct flow_side *ps = &f->side[peer & 1];

	if (!(p->tcp_flags & TCPF_ACK) || (p->tcp_flags & TCPF_RST))
		return;
	if ((f->flags & FF_PROBE(peer)) && !seq_before(p->ack, ps->probe_end)) {
		lat_add(&ps->ack_rtt, now - ps->probe_ns, out, LAT_RTT);
		f->flags &= ~FF_PROBE(peer);
	}
}

/*
 * SRT: client data to the server's pure ACK of it. ART: the last client
 * data segment of a request to the first server data segment after it.
 */
static __always_inline void flow_response_times(struct flow_stats *f, const struct pkt_info *p,
						int dir, struct flow_pkt_out *out, __u64 now)
{
	__u8 fl = p->tcp_flags;

	if (out->keepalive)
		return;
	if (dir == DIR_C2S) {
		if (!p->payload_len)
			return;
		if (out->retrans) {
			f->flags &= ~FF_SRT_PENDING;
		} else {
			f->flags |= FF_SRT_PENDING;
			f->srt_pending_ns = now;
			f->srt_pending_end = p->seq + p->payload_len;
		}
		f->flags |= FF_ART_PENDING;
		f->art_request_ns = now;
		return;
	}
	if ((f->flags & FF_SRT_PENDING) && (fl & TCPF_ACK) &&
	    !seq_before(p->ack, f->srt_pending_end)) {
		if (!p->payload_len && !(fl & (TCPF_SYN | TCPF_FIN | TCPF_RST)))
			lat_add(&f->srt, now - f->srt_pending_ns, out, LAT_SRT);
		f->flags &= ~FF_SRT_PENDING;
	}
	if ((f->flags & FF_ART_PENDING) && p->payload_len && !out->retrans) {
		lat_add(&f->art, now - f->art_request_ns, out, LAT_ART);
		f->flags &= ~FF_ART_PENDING;
	}
}

static __always_inline void flow_window(struct flow_stats *f, struct flow_side *s,
					const struct pkt_info *p, int dir, __u64 now,
					struct flow_pkt_out *out)
{
	if (p->tcp_flags & (TCPF_RST | TCPF_SYN))
		return;
	if (p->window == 0) {
		s->zero_win++;
		if (!(f->flags & FF_ZW(dir))) {
			f->flags |= FF_ZW(dir);
			s->zero_win_since_ns = now;
		}
		out->anom |= ANOM_ZERO_WINDOW;
		return;
	}
	if (f->flags & FF_ZW(dir)) {
		f->zero_win_duration_ns += now - s->zero_win_since_ns;
		f->flags &= ~FF_ZW(dir);
	}
}

static __always_inline void flow_close_flags(struct flow_stats *f, struct flow_side *s,
					     const struct pkt_info *p, int dir,
					     struct flow_pkt_out *out)
{
	__u8 fl = p->tcp_flags;

	if (fl & TCPF_RST) {
		s->rst++;
		if (!(f->flags & FF_RST_SEEN)) {
			f->flags |= FF_RST_SEEN;
			f->rst_state = f->state;
			f->rst_dir = dir;
		}
		f->state = FS_RESET;
		out->anom |= ANOM_RST;
		return;
	}
	if (fl & TCPF_FIN) {
		s->fin++;
		f->flags |= FF_FIN(dir);
		if ((f->flags & (FF_FIN_C2S | FF_FIN_S2C)) == (FF_FIN_C2S | FF_FIN_S2C)) {
			if (!(f->flags & FF_RST_SEEN))
				f->flags |= FF_FIN_BOTH_FIRST;
			if (f->state != FS_RESET)
				f->state = FS_CLOSED;
		} else if (f->state != FS_RESET) {
			f->state = FS_CLOSING;
		}
	}
}

/*
 * Account one packet (or one GSO super-packet of @segs segments) to @f.
 * On return out->anom holds the anomalies this packet raised for the first
 * time in this flow.
 */
static __always_inline void flow_account(struct flow_stats *f, const struct pkt_info *p, int dir,
					 __u32 segs, __u64 now, struct flow_pkt_out *out)
{
	struct flow_side *s = &f->side[dir & 1];

	f->last_seen_ns = now;
	s->packets += segs;
	s->bytes += p->l3_len + (__u64)(segs - 1) * p->hdr_len;
	s->payload_bytes += p->payload_len;

	if (p->proto == IPPROTO_TCP && !p->later_frag) {
		/* Mid-stream flows count as established once both sides talked. */
		if (f->state == FS_NONE && (f->flags & FF_SEQ(!dir)))
			f->state = FS_ESTABLISHED;
		flow_handshake(f, p, dir, now, out);
		flow_seq(f, s, p, dir, segs, now, out);
		flow_ack(f, p, dir, now, out);
		flow_response_times(f, p, dir, out, now);
		flow_window(f, s, p, dir, now, out);
		flow_close_flags(f, s, p, dir, out);
	}
	out->anom &= ~(__u32)f->anomalies;
	f->anomalies |= out->anom;
}

#endif /* NETOBS_WIRE_FLOW_H */
