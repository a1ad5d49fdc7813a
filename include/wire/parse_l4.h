/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Transport headers: TCP with its options, UDP. Reads go through the hook's
 * context (wire_load_bytes) where a variable length would otherwise cost the
 * verifier one path per length; see wire/engine.h for the platform.
 */
#ifndef NETOBS_WIRE_PARSE_L4_H
#define NETOBS_WIRE_PARSE_L4_H

#include "wire/parse.h"

/* Kinds we read; everything else is skipped by its length byte. */
#define TCPOPT_EOL_ 0
#define TCPOPT_NOP_ 1
#define TCPOPT_MSS_ 2
#define TCPOPT_WSCALE_ 3
#define TCPOPT_SACK_OK_ 4
#define TCPOPT_TS_ 8

#define TCP_OPT_SPACE 40

typedef WIRE_HDR(struct tcphdr) wire_tcphdr;
typedef WIRE_HDR(struct udphdr) wire_udphdr;

struct tcp_opt_walk {
	__u8 buf[TCP_OPT_SPACE];
	__u32 off;
	__u32 len;
	int err;
	__u16 mss;
	__u8 has_wscale;
	__u8 wscale;
	__u8 sack_ok;
	__u8 has_ts;
	__u32 tsval;
	__u32 tsecr;
};

/*
 * One option per call. Run through bpf_loop() so the verifier checks this
 * body once instead of once per possible option layout.
 */
static long tcp_opt_step(__u32 i, void *ctx)
{
	struct tcp_opt_walk *w = ctx;
	__u32 off = w->off, olen;
	__u8 kind;

	if (off >= w->len || off >= TCP_OPT_SPACE)
		return 1;
	kind = w->buf[off];
	if (kind == TCPOPT_EOL_)
		return 1;
	if (kind == TCPOPT_NOP_) {
		w->off = off + 1;
		return 0;
	}
	if (off + 2 > w->len || off + 1 >= TCP_OPT_SPACE)
		goto bad;
	olen = w->buf[off + 1];
	if (olen < 2 || off + olen > w->len)
		goto bad;
	/* off + olen <= len <= TCP_OPT_SPACE already; the constant bounds
	 * restate it in a form the verifier can use for the reads.
	 */
	if (kind == TCPOPT_MSS_ && olen == 4 && off <= TCP_OPT_SPACE - 4) {
		w->mss = ((__u16)w->buf[off + 2] << 8) | w->buf[off + 3];
	} else if (kind == TCPOPT_WSCALE_ && olen == 3 && off <= TCP_OPT_SPACE - 3) {
		w->has_wscale = 1;
		w->wscale = w->buf[off + 2];
	} else if (kind == TCPOPT_SACK_OK_ && olen == 2) {
		w->sack_ok = 1;
	} else if (kind == TCPOPT_TS_ && olen == 10 && off <= TCP_OPT_SPACE - 10) {
		w->has_ts = 1;
		w->tsval = be32_bytes(&w->buf[off + 2]);
		w->tsecr = be32_bytes(&w->buf[off + 6]);
	}
	w->off = off + olen;
	return 0;
bad:
	w->err = -CNT_ERR_TCP_OPT;
	return 1;
}

/*
 * NOP, NOP, timestamps: what nearly every Linux segment after the SYN carries.
 * Taken into @p when the 12 option bytes at @o are that; 1 if they were.
 */
static __always_inline int tcp_opts_take_ts(const __u8 *o, struct pkt_info *p)
{
	if (o[0] != TCPOPT_NOP_ || o[1] != TCPOPT_NOP_ || o[2] != TCPOPT_TS_ || o[3] != 10)
		return 0;
	p->has_ts = 1;
	p->tsval = be32_bytes(&o[4]);
	p->tsecr = be32_bytes(&o[8]);
	return 1;
}

/*
 * @off: offset of the first option byte from the start of the frame. Options
 * never make a segment uncountable: cut off by a capture's snapshot length
 * they are taken as absent (p->opt_cut), and a malformed one ends the walk
 * with what came before it kept (p->opt_bad), as Linux does.
 */
static __always_inline int parse_tcp_options(WIRE_CTX *ctx, void *data, void *end, __u32 off,
					     __u32 len, struct pkt_info *p)
{
	const __u8 *in_place = data + off;
	struct tcp_opt_walk w;

	if (!len)
		return 0;
	if (len > TCP_OPT_SPACE)
		return -CNT_ERR_TCP_HDR;
	/*
	 * The common case read where it lies when the header is linear: no copy,
	 * and none of the walk's set-up or its callback per option.
	 */
	if (len == 12 && (void *)(in_place + 12) <= end && tcp_opts_take_ts(in_place, p))
		return 0;
	wire_memset(&w, 0, sizeof(w));
	w.len = len;
	if (wire_load_bytes(ctx, off, w.buf, len)) {
		p->opt_cut = 1;
		return 0;
	}
	if (len == 12 && tcp_opts_take_ts(w.buf, p))
		return 0;
	wire_loop(TCP_OPT_SPACE, tcp_opt_step, &w);
	p->opt_bad = !!w.err;
	p->mss = w.mss;
	p->has_wscale = w.has_wscale;
	p->wscale = w.wscale;
	p->sack_ok = w.sack_ok;
	p->has_ts = w.has_ts;
	p->tsval = w.tsval;
	p->tsecr = w.tsecr;
	return 0;
}

static __always_inline int parse_tcp(WIRE_CTX *ctx, void *data, void *end, __u32 off,
				     struct pkt_info *p, __u32 l4_len)
{
	wire_tcphdr *tcp = data + off;
	__u32 doff;

	if ((void *)(tcp + 1) > end)
		return -CNT_ERR_TCP_TRUNC;
	doff = tcp->doff * 4;
	if (doff < sizeof(*tcp) || doff > l4_len)
		return -CNT_ERR_TCP_HDR;

	p->sport = wire_ntohs(tcp->source);
	p->dport = wire_ntohs(tcp->dest);
	p->seq = wire_ntohl(tcp->seq);
	p->ack = wire_ntohl(tcp->ack_seq);
	p->window = wire_ntohs(tcp->window);
	p->tcp_flags = ((__u8 *)tcp)[13];
	p->payload_len = l4_len - doff;
	p->hdr_len += doff;
	p->payload_off = off + doff;
	return parse_tcp_options(ctx, data, end, off + sizeof(*tcp), doff - sizeof(*tcp), p);
}

static __always_inline int parse_udp(void *data, void *end, __u32 off, struct pkt_info *p,
				     __u32 l4_len)
{
	wire_udphdr *udp = data + off;
	__u32 ulen;

	if ((void *)(udp + 1) > end)
		return -CNT_ERR_UDP_TRUNC;
	ulen = wire_ntohs(udp->len);
	/* A zero length is legal for UDP GSO and jumbograms: trust IP then. */
	if (l4_len < sizeof(*udp) ||
	    (ulen && (ulen < sizeof(*udp) || (ulen > l4_len && !p->first_frag))))
		return -CNT_ERR_UDP_LEN;
	p->sport = wire_ntohs(udp->source);
	p->dport = wire_ntohs(udp->dest);
	p->payload_len = l4_len - sizeof(*udp);
	p->hdr_len += sizeof(*udp);
	p->payload_off = off + sizeof(*udp);
	return 0;
}

/* The transport header at p->payload_off; returns 0 or -counter. */
static __always_inline int parse_l4(WIRE_CTX *ctx, void *data, void *end, struct pkt_info *p,
				    __u32 l4_len)
{
	/* The verifier tracks packet ranges only for offsets below 64 KiB. */
	__u32 off = p->payload_off & 0x7fff;

	if (p->proto == IPPROTO_TCP)
		return parse_tcp(ctx, data, end, off, p, l4_len);
	return parse_udp(data, end, off, p, l4_len);
}

#endif /* NETOBS_WIRE_PARSE_L4_H */
