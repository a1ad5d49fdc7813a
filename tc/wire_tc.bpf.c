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

SEC("tc")
int netobs_tc_egress(struct __sk_buff *skb)
{
	__u32 segs = skb->gso_segs ? skb->gso_segs : 1;
	__u32 want = skb->len < TC_PULL_LEN ? skb->len : TC_PULL_LEN;

	/* Headers of locally built packets are linear; pull only when they are not. */
	if ((__u32)(skb->data_end - skb->data) < want)
		bpf_skb_pull_data(skb, want);
	wire_handle(skb, skb->len, segs, skb->ifindex, HOOK_TC);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
