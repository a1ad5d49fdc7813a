// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The baseline for bench: an XDP program that only passes the packet. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int bare_xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
