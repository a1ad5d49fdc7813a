// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <string.h>

#include "wire/l7_frames.h"
#include "wire/frame_parse.h"

int l7_wire_init(struct l7_wire *w, const struct l7_options *o, __u32 max_conns, l7_emit_fn emit,
		 void *ctx)
{
	memset(w, 0, sizeof(*w));
	w->opts = *o;
	w->emit = emit;
	w->ctx = ctx;
	return l7_table_init(&w->tab, max_conns);
}

/*
 * The client as METRICS.md defines it: the sender of a SYN, the receiver of
 * a SYN-ACK, else the higher (ephemeral) port.
 */
static int sender_is_client(const struct pkt_info *p)
{
	if ((p->tcp_flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN)
		return 1;
	if ((p->tcp_flags & (TCPF_SYN | TCPF_ACK)) == (TCPF_SYN | TCPF_ACK))
		return 0;
	return p->sport >= p->dport;
}

static struct l7_entry *conn_for(struct l7_wire *w, const struct pkt_info *p, int *dir)
{
	struct l7_key k;
	struct l7_entry *e;
	int client;

	memset(&k, 0, sizeof(k));
	pkt_flow_key(p, &k.flow);
	e = l7_table_find(&w->tab, &k);
	if (!e) {
		e = l7_table_add(&w->tab, &k);
		if (!e)
			return NULL;
		client = sender_is_client(p);
		if (client)
			l7_conn_init(&e->conn, &w->opts, p->proto == IPPROTO_TCP, p->family,
				     &p->src, p->sport, &p->dst, p->dport);
		else
			l7_conn_init(&e->conn, &w->opts, p->proto == IPPROTO_TCP, p->family,
				     &p->dst, p->dport, &p->src, p->sport);
	}
	*dir =
	    (e->conn.client_port == p->sport && !memcmp(&e->conn.client, &p->src, sizeof(p->src)))
		? DIR_C2S
		: DIR_S2C;
	return e;
}

/*
 * The in-order part of a TCP segment: bytes already fed are skipped, a gap
 * drops the partial message state. Returns the offset of new bytes, or -1.
 */
static long in_order(struct l7_entry *e, int dir, const struct pkt_info *p)
{
	__u32 seq = p->seq + !!(p->tcp_flags & TCPF_SYN), end = seq + p->payload_len;
	long off = 0;

	if (p->tcp_flags & TCPF_SYN) {
		e->next_seq[dir] = seq;
		e->seq_known[dir] = 1;
	}
	if (!p->payload_len)
		return -1;
	if (!e->seq_known[dir]) {
		e->seq_known[dir] = 1;
	} else if (seq_before(seq, e->next_seq[dir])) {
		if (!seq_after(end, e->next_seq[dir]))
			return -1; /* a retransmission of bytes already fed */
		off = (long)(e->next_seq[dir] - seq);
	} else if (seq_after(seq, e->next_seq[dir])) {
		l7_conn_resync(&e->conn, dir);
	}
	e->next_seq[dir] = end;
	return off;
}

void l7_wire_frame(struct l7_wire *w, const void *frame, __u32 cap, __u64 ts)
{
	struct pkt_info p;
	struct l7_entry *e;
	const __u8 *pl;
	size_t have;
	long off = 0;
	int dir;

	if (!wire_user_parse(frame, cap, &p))
		return;
	e = conn_for(w, &p, &dir);
	if (!e || e->conn.gave_up)
		return;
	if (p.proto == IPPROTO_TCP) {
		off = in_order(e, dir, &p);
		if (off < 0)
			return;
	} else if (!p.payload_len) {
		return;
	}
	pl = (const __u8 *)frame + p.payload_off + off;
	have = p.payload_off + off < cap ? cap - p.payload_off - off : 0;
	l7_conn_feed(&e->conn, dir, pl, have, p.payload_len - (__u32)off, ts, w->emit, w->ctx,
		     &w->stats);
}

static int finish_one(struct l7_entry *e, void *ctx)
{
	struct l7_wire *w = ctx;

	l7_conn_finish(&e->conn, w->emit, w->ctx, &w->stats);
	return 1;
}

void l7_wire_finish(struct l7_wire *w)
{
	l7_table_walk(&w->tab, finish_one, w);
	l7_table_free(&w->tab);
}
