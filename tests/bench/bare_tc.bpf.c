// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The TC baseline for bench: a clsact program that only lets the packet go on. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int bare_tc_pass(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
