// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Ingress: the wire engine on XDP. Observes only; every packet passes. */
#include "wire/platform.bpf.h"

#define WIRE_CTX struct xdp_md
#define wire_ctx_data(ctx) ((void *)(long)(ctx)->data)
#define wire_ctx_data_end(ctx) ((void *)(long)(ctx)->data_end)
#define wire_load_bytes(ctx, off, buf, len) bpf_xdp_load_bytes(ctx, off, buf, len)

#include "wire/engine.h"

SEC("xdp")
int netobs_xdp(struct xdp_md *ctx)
{
	/* The frame's length, which bounds what its headers may claim: live, the
	 * linear buffer (this program does not take multi-buffer frames); in
	 * replay, the captured frame's original length.
	 */
	__u32 len = replay_clock ? replay_frame_len : (__u32)(ctx->data_end - ctx->data);

	wire_handle(ctx, len, 1, ctx->ingress_ifindex, replay_clock ? HOOK_NONE : HOOK_XDP);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
