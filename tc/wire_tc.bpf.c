// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Egress: the wire engine on TC clsact. Observes only; every packet goes on. */
#include <linux/pkt_cls.h>

#include "wire/platform.bpf.h"

#define WIRE_CTX struct __sk_buff
#define wire_ctx_data(ctx) ((void *)(long)(ctx)->data)
#define wire_ctx_data_end(ctx) ((void *)(long)(ctx)->data_end)
#define wire_load_bytes(ctx, off, buf, len) bpf_skb_load_bytes(ctx, off, buf, len)

#include "wire/engine.h"

/* Enough linear bytes for Ethernet, two VLAN tags, IPv6 with extension headers and TCP. */
#define TC_PULL_LEN 256

/*
 * Are the headers of a plain Ethernet + IPv4/IPv6 + TCP/UDP packet all in the
 * linear data? A TSO packet from the stack has its headers there and its
 * payload in pages: pulling 256 bytes would copy payload into its head, on
 * every super-packet. Anything this peek does not know (VLAN tags, IPv6
 * extension headers, tunnels) is pulled as before.
 */
static __always_inline int tc_headers_linear(struct __sk_buff *skb)
{
	__u8 *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end, *th;
	__u32 l4, proto;
	__u16 type;

	if (data + 14 + 40 > end) /* Ethernet, and IPv6's fixed header or IPv4's largest */
		return 0;
	type = (__u16)data[12] << 8 | data[13];
	if (type == ETH_P_IP) {
		l4 = 14 + (data[14] & 0xf) * 4; /* IHL */
		proto = data[14 + 9];
	} else if (type == ETH_P_IPV6) {
		l4 = 14 + 40;
		proto = data[14 + 6]; /* next header */
	} else {
		return 0;
	}
	th = data + l4;
	if (proto == IPPROTO_UDP)
		return th + 8 <= end;
	if (proto != IPPROTO_TCP || th + 13 > end)
		return 0;
	return th + (th[12] >> 4) * 4 <= end; /* data offset */
}

SEC("tc")
int netobs_tc_egress(struct __sk_buff *skb)
{
	__u32 segs = skb->gso_segs ? skb->gso_segs : 1;
	__u32 want = skb->len < TC_PULL_LEN ? skb->len : TC_PULL_LEN;

	if ((__u32)(skb->data_end - skb->data) < want && !tc_headers_linear(skb))
		bpf_skb_pull_data(skb, want);
	wire_handle(skb, skb->len, segs, skb->ifindex, HOOK_TC);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
