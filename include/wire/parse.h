/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Packet parser shared by the XDP and TC programs and the userspace engine.
 *
 * A header cursor walks from the Ethernet header to the transport header
 * (parse_l3), then parse_l4 reads TCP or UDP at the offset it found;
 * every read is bounds-checked against the end of the buffer. Lengths that
 * the metrics use (L3 bytes, payload) come from the IP headers, never from
 * the buffer size, so a snapped capture or a non-linear skb counts the same
 * as the full packet; but never more than the frame really carried (its
 * length as the hook or the capture knows it) or a PPPoE session's payload
 * length: a header that claims more is bounded, and counted.
 */
#ifndef NETOBS_WIRE_PARSE_H
#define NETOBS_WIRE_PARSE_H

#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#include "netobs.h"
#include "wire/compat.h"

#define VLAN_MAX_DEPTH 2 /* 802.1ad outer + 802.1Q inner */
#define MPLS_MAX_DEPTH 8 /* label stack entries walked before giving up */
#define IPV6_EXT_MAX 8	 /* extension headers walked before giving up */

#define ETH_P_8021AD_ 0x88A8
#define ETH_P_QINQ1_ 0x9100 /* pre-standard QinQ outer tag */
#define ETH_P_MPLS_UC_ 0x8847
#define ETH_P_MPLS_MC_ 0x8848
#define PPPOE_HLEN 6 /* PPPoE session header, before the PPP protocol field */
#define PPP_IP_ 0x0021
#define PPP_IPV6_ 0x0057

#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_PSH 0x08
#define TCPF_ACK 0x10

/* A big-endian 32-bit field read byte by byte: headers need not be aligned. */
static __always_inline __u32 be32_bytes(const __u8 *b)
{
	return ((__u32)b[0] << 24) | ((__u32)b[1] << 16) | ((__u32)b[2] << 8) | b[3];
}

struct vlan_tag {
	__be16 tci;
	__be16 encap_proto;
};

typedef WIRE_HDR(struct ethhdr) wire_ethhdr;
typedef WIRE_HDR(struct vlan_tag) wire_vlan_tag;
typedef WIRE_HDR(struct iphdr) wire_iphdr;
typedef WIRE_HDR(struct ipv6hdr) wire_ipv6hdr;

struct pkt_info {
	struct netobs_addr src;
	struct netobs_addr dst;
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 family;
	__u8 tcp_flags;
	__u8 has_ts;
	__u8 has_wscale;
	__u8 wscale;
	__u8 sack_ok;
	__u8 vlan_depth;
	__u8 first_frag; /* first fragment of a datagram: its UDP length covers later fragments */
	__u8 adj;	 /* enum netobs_counter of a length fix-up (CNT_ADJ_*), or 0 */
	__u8 opt_cut;	 /* TCP options beyond the captured bytes: taken as absent */
	__u8 opt_bad;	 /* a malformed TCP option: those before it were read */
	__u8 later_frag; /* a fragment after the first: no transport header */
	__u32 frag_id;	 /* IP fragment id (IPv4: 16 bits) */
	__u16 mss;
	__u16 window;  /* raw, unscaled */
	__u32 l3_len;  /* bytes of one packet: IP header + payload */
	__u32 hdr_len; /* IP + transport headers, for GSO segment accounting */
	__u32 payload_len;
	__u32 seq;
	__u32 ack;
	__u32 tsval;
	__u32 tsecr;
	__u32 payload_off; /* from the start of the frame */
	__u32 ifindex;	   /* set by the hook */
	__u32 hook;	   /* enum wire_hook */
};

enum parse_verdict {
	PARSE_FLOW = 0,	 /* TCP or UDP packet with a flow key */
	PARSE_SKIP = 1,	 /* well-formed but not ours: non-IP, other L4, later fragment */
	PARSE_ERROR = 2, /* malformed: pass untouched and count the reason */
};

struct parse_result {
	int verdict; /* enum parse_verdict */
	int counter; /* enum netobs_counter, for SKIP and ERROR */
};

#define PARSE_RET(r, v, c)                                                                         \
	do {                                                                                       \
		(r).verdict = (v);                                                                 \
		(r).counter = (c);                                                                 \
		return (r);                                                                        \
	} while (0)

/*
 * PPPoE session header and PPP protocol field (two bytes, or one when the
 * peers agreed on protocol-field compression: an odd first byte). *bound is
 * the IP length the session's payload length leaves room for.
 */
static __always_inline int parse_pppoe(void **pos, void *end, __u16 *proto, __u32 *bound)
{
	__u8 *ppp = *pos;
	__u32 plen, pfield = 2;
	__u16 pp;

	if ((void *)(ppp + PPPOE_HLEN + 1) > end)
		return -CNT_ERR_PPPOE_TRUNC;
	if (ppp[PPPOE_HLEN] & 1) {
		pfield = 1;
		pp = ppp[PPPOE_HLEN];
	} else {
		if ((void *)(ppp + PPPOE_HLEN + 2) > end)
			return -CNT_ERR_PPPOE_TRUNC;
		pp = ((__u16)ppp[PPPOE_HLEN] << 8) | ppp[PPPOE_HLEN + 1];
	}
	plen = ((__u32)ppp[4] << 8) | ppp[5];
	if (plen < pfield)
		return -CNT_ERR_PPPOE_TRUNC;
	*bound = plen - pfield;
	*proto = pp == PPP_IP_ ? ETH_P_IP : pp == PPP_IPV6_ ? ETH_P_IPV6 : 0;
	*pos = ppp + PPPOE_HLEN + pfield;
	return 0;
}

/*
 * An MPLS label stack, down to its bottom entry; what follows is IPv4 or
 * IPv6 by its first nibble (anything else, e.g. a pseudowire control word,
 * is not IP here).
 */
static __always_inline int parse_mpls(void **pos, void *end, __u16 *proto)
{
	__u8 *e;
	int i;

#pragma unroll
	for (i = 0; i < MPLS_MAX_DEPTH; i++) {
		e = *pos;
		if ((void *)(e + 4) > end)
			return -CNT_ERR_MPLS_TRUNC;
		*pos = e + 4;
		if (e[2] & 1)
			break; /* bottom of stack */
	}
	if (i == MPLS_MAX_DEPTH)
		return -CNT_ERR_MPLS_DEPTH;
	e = *pos;
	if ((void *)(e + 1) > end)
		return -CNT_ERR_MPLS_TRUNC;
	*proto = (e[0] >> 4) == 4 ? ETH_P_IP : (e[0] >> 4) == 6 ? ETH_P_IPV6 : 0;
	return 0;
}

/*
 * Skip up to two VLAN tags, then a PPPoE session header or an MPLS label
 * stack; sets the EtherType of what follows (0 when that is not IP) and
 * *bound (0: none) to the IP length a PPPoE payload length leaves room for.
 * Returns 0 or -counter.
 */
static __always_inline int parse_eth(void **pos, void *end, __u16 *eth_proto, __u8 *depth,
				     __u32 *bound)
{
	wire_ethhdr *eth = *pos;
	wire_vlan_tag *vlan;
	__u16 proto;
	int i, err = 0;

	if ((void *)(eth + 1) > end)
		return -CNT_ERR_ETH_TRUNC;
	proto = wire_ntohs(eth->h_proto);
	*pos = eth + 1;
	*depth = 0;
	*bound = 0;

#pragma unroll
	for (i = 0; i < VLAN_MAX_DEPTH + 1; i++) {
		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD_ && proto != ETH_P_QINQ1_)
			break;
		if (i == VLAN_MAX_DEPTH)
			return -CNT_ERR_VLAN_DEPTH;
		vlan = *pos;
		if ((void *)(vlan + 1) > end)
			return -CNT_ERR_VLAN_TRUNC;
		proto = wire_ntohs(vlan->encap_proto);
		*pos = vlan + 1;
		*depth = i + 1;
	}
	if (proto == ETH_P_PPP_SES)
		err = parse_pppoe(pos, end, &proto, bound);
	else if (proto == ETH_P_MPLS_UC_ || proto == ETH_P_MPLS_MC_)
		err = parse_mpls(pos, end, &proto);
	*eth_proto = proto;
	return err;
}

/*
 * The IP length to account: the header's, unless it is 0 (a TSO/GSO or BIG
 * TCP super-packet, a jumbogram: the frame's then) or claims more than the
 * frame carried or a PPPoE payload has room for (bounded). @frame_l3: bytes
 * from the IP header to the frame's end as the hook or capture knows them,
 * 0 when unknown; @bound: the PPPoE room, 0 for none.
 */
static __always_inline __u32 ip_length(__u32 claimed, __u32 frame_l3, __u32 bound,
				       struct pkt_info *p)
{
	if (!claimed && frame_l3) {
		p->adj = CNT_LEN_FROM_FRAME;
		claimed = frame_l3;
	}
	if (bound && claimed > bound) {
		p->adj = CNT_LEN_OVER_PPPOE;
		claimed = bound;
	}
	if (frame_l3 && claimed > frame_l3) {
		p->adj = CNT_LEN_OVER_FRAME;
		claimed = frame_l3;
	}
	return claimed;
}

/*
 * Returns the transport protocol, 0 for a later fragment, or -counter.
 * @frame_l3, @bound: as for ip_length().
 */
static __always_inline int parse_ipv4(void **pos, void *end, struct pkt_info *p, __u32 frame_l3,
				      __u32 bound, __u32 *l4_len)
{
	wire_iphdr *ip = *pos;
	__u32 ihl, tot;

	if ((void *)(ip + 1) > end)
		return -CNT_ERR_IP4_TRUNC;
	if (ip->version != 4 || ip->ihl < 5)
		return -CNT_ERR_IP4_HDR;
	ihl = ip->ihl * 4;
	if (*pos + ihl > end)
		return -CNT_ERR_IP4_TRUNC;
	tot = wire_ntohs(ip->tot_len);
	if (tot && tot < ihl)
		return -CNT_ERR_IP4_LEN;
	tot = ip_length(tot, frame_l3, bound, p);
	if (tot < ihl)
		return -CNT_ERR_IP4_LEN;

	p->family = 4;
	p->src.w[0] = 0;
	p->src.w[1] = 0;
	p->src.w[2] = wire_htonl(0xffff);
	p->src.w[3] = ip->saddr;
	p->dst.w[0] = 0;
	p->dst.w[1] = 0;
	p->dst.w[2] = wire_htonl(0xffff);
	p->dst.w[3] = ip->daddr;
	p->l3_len = tot;
	p->hdr_len = ihl;
	*l4_len = tot - ihl;
	*pos += ihl;
	p->frag_id = wire_ntohs(ip->id);
	if (wire_ntohs(ip->frag_off) & 0x1fff) {
		p->later_frag = 1;
		p->proto = ip->protocol;
		return 0;
	}
	p->first_frag = !!(wire_ntohs(ip->frag_off) & 0x2000);
	return ip->protocol;
}

struct ipv6_ext {
	__u8 nexthdr;
	__u8 hdrlen;
	__be16 frag_off; /* meaningful for the fragment header only */
};

typedef WIRE_HDR(struct ipv6_ext) wire_ipv6_ext;

static __always_inline int parse_ipv6(void **pos, void *end, struct pkt_info *p, __u32 frame_l3,
				      __u32 bound, __u32 *l4_len)
{
	wire_ipv6hdr *ip6 = *pos;
	wire_ipv6_ext *ext;
	__u32 plen, ext_len, walked = 0;
	__u8 nh;
	int i;

	if ((void *)(ip6 + 1) > end)
		return -CNT_ERR_IP6_TRUNC;
	/* A jumbogram's payload length is 0 (its hop-by-hop option holds the real one). */
	plen = wire_ntohs(ip6->payload_len);
	plen = ip_length(plen ? plen + sizeof(*ip6) : 0, frame_l3, bound, p);
	plen = plen > sizeof(*ip6) ? plen - sizeof(*ip6) : 0;

	p->family = 6;
	wire_memcpy(&p->src, &ip6->saddr, sizeof(p->src));
	wire_memcpy(&p->dst, &ip6->daddr, sizeof(p->dst));
	p->l3_len = plen + sizeof(*ip6);
	nh = ip6->nexthdr;
	*pos = ip6 + 1;

	for (i = 0; i < IPV6_EXT_MAX; i++) {
		if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING && nh != IPPROTO_DSTOPTS &&
		    nh != IPPROTO_FRAGMENT)
			break;
		ext = *pos;
		if ((void *)(ext + 1) > end)
			return -CNT_ERR_IP6_EXT_TRUNC;
		if (nh == IPPROTO_FRAGMENT) {
			__u8 *id = (__u8 *)ext + 4;

			ext_len = 8;
			if (*pos + ext_len > end)
				return -CNT_ERR_IP6_EXT_TRUNC;
			p->frag_id = be32_bytes(id);
			if (wire_ntohs(ext->frag_off) & 0xfff8) {
				if (walked + ext_len > plen)
					return -CNT_ERR_IP6_EXT_TRUNC;
				p->hdr_len = sizeof(*ip6) + walked + ext_len;
				p->later_frag = 1;
				p->proto = ext->nexthdr;
				*l4_len = plen - walked - ext_len;
				return 0;
			}
			p->first_frag = wire_ntohs(ext->frag_off) & 1;
		} else {
			ext_len = (ext->hdrlen + 1) * 8;
		}
		if (*pos + ext_len > end)
			return -CNT_ERR_IP6_EXT_TRUNC;
		nh = ext->nexthdr;
		*pos += ext_len;
		walked += ext_len;
	}
	if (i == IPV6_EXT_MAX)
		return -CNT_ERR_IP6_EXT_DEPTH;
	if (walked > plen)
		return -CNT_ERR_IP6_EXT_TRUNC;
	p->hdr_len = sizeof(*ip6) + walked;
	*l4_len = plen - walked;
	return nh;
}

/*
 * Parse the link and network layers of one frame. On PARSE_FLOW, p->proto is
 * TCP or UDP, p->payload_off the offset of the transport header and *l4_len
 * its length with payload. @wire_len is the frame length as the hook or the
 * capture knows it (0 if only the buffer is known).
 */
static __always_inline struct parse_result parse_l3(void *data, void *end, __u32 wire_len,
						    struct pkt_info *p, __u32 *l4_len)
{
	struct parse_result r;
	void *pos = data;
	__u32 frame_l3 = 0, bound;
	__u16 eth_proto;
	int l4, err;

	err = parse_eth(&pos, end, &eth_proto, &p->vlan_depth, &bound);
	if (err)
		PARSE_RET(r, PARSE_ERROR, -err);
	if (wire_len > (__u32)(pos - data))
		frame_l3 = wire_len - (__u32)(pos - data);

	if (eth_proto == ETH_P_IP)
		l4 = parse_ipv4(&pos, end, p, frame_l3, bound, l4_len);
	else if (eth_proto == ETH_P_IPV6)
		l4 = parse_ipv6(&pos, end, p, frame_l3, bound, l4_len);
	else
		PARSE_RET(r, PARSE_SKIP, CNT_NON_IP);
	if (l4 < 0)
		PARSE_RET(r, PARSE_ERROR, -l4);
	if (l4 == 0)
		PARSE_RET(r, PARSE_SKIP, CNT_FRAGMENTS);
	if (l4 != IPPROTO_TCP && l4 != IPPROTO_UDP)
		PARSE_RET(r, PARSE_SKIP, CNT_OTHER_L4);
	p->proto = l4;
	p->payload_off = (__u32)(pos - data);
	PARSE_RET(r, PARSE_FLOW, 0);
}

/* Lexicographic compare of (address, port); < 0 when a sorts first. */
static __always_inline int endpoint_cmp(const struct netobs_addr *a, __u16 aport,
					const struct netobs_addr *b, __u16 bport)
{
	int i;

#pragma unroll
	for (i = 0; i < 4; i++) {
		__u32 x = wire_ntohl(a->w[i]), y = wire_ntohl(b->w[i]);

		if (x != y)
			return x < y ? -1 : 1;
	}
	if (aport != bport)
		return aport < bport ? -1 : 1;
	return 0;
}

/* Fill the canonical key; returns 1 when the sender is the lo endpoint. */
static __always_inline int pkt_flow_key(const struct pkt_info *p, struct flow_key *k)
{
	int from_lo = endpoint_cmp(&p->src, p->sport, &p->dst, p->dport) <= 0;

	if (from_lo) {
		k->lo_addr = p->src;
		k->hi_addr = p->dst;
		k->lo_port = p->sport;
		k->hi_port = p->dport;
	} else {
		k->lo_addr = p->dst;
		k->hi_addr = p->src;
		k->lo_port = p->dport;
		k->hi_port = p->sport;
	}
	k->proto = p->proto;
	k->family = p->family;
	k->pad[0] = 0;
	k->pad[1] = 0;
	return from_lo;
}

#endif /* NETOBS_WIRE_PARSE_H */
