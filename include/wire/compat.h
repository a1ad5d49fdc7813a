/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The wire engine compiles twice: as BPF (clang -target bpf) and as plain C
 * for the userspace engine and its unit tests. This header is the only place
 * that knows the difference for byte order and inlining.
 */
#ifndef NETOBS_WIRE_COMPAT_H
#define NETOBS_WIRE_COMPAT_H

#include <linux/types.h>

#if defined(__bpf__)
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#define wire_ntohs(x) bpf_ntohs(x)
#define wire_ntohl(x) bpf_ntohl(x)
#define wire_htonl(x) bpf_htonl(x)
#define wire_memset __builtin_memset
#define wire_memcpy __builtin_memcpy
#define wire_loop(n, cb, ctx) bpf_loop(n, cb, ctx, 0)
/* Global: verified once, independently of its callers. */
#define WIRE_GLOBAL __attribute__((noinline))
#else
#define WIRE_GLOBAL static
#include <endian.h>
#include <string.h>
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#define wire_ntohs(x) be16toh(x)
#define wire_ntohl(x) be32toh(x)
#define wire_htonl(x) htobe32(x)
#define wire_memset memset
#define wire_memcpy memcpy

/* bpf_loop() semantics: stop when the callback returns non-zero. */
static inline long wire_loop(__u32 n, long (*cb)(__u32, void *), void *ctx)
{
	__u32 i;

	for (i = 0; i < n; i++)
		if (cb(i, ctx))
			return i + 1;
	return n;
}
#endif

/*
 * Packet headers as the parser reads them. In BPF the plain structs: the
 * verifier and the JIT take loads at any packet offset, and byte-wise loads
 * would cost instructions on every packet. In C a header can sit at any
 * offset of a frame (after a compressed PPP field, say): types of alignment
 * 1 make the compiler load their fields safely (and keep UBSan quiet).
 */
#if defined(__bpf__)
#define WIRE_HDR(type) type
#else
#define WIRE_HDR(type) type __attribute__((aligned(1)))
#endif

/*
 * Copy of a record too large for clang to inline as a BPF memcpy: 8-byte
 * words. Kept a loop: unrolled, its stores cost the verifier more on every
 * path that reaches them.
 */
static __always_inline void wire_copy_words(void *dst, const void *src, __u32 bytes)
{
	__u64 *d = dst;
	const __u64 *s = src;
	__u32 i;

	for (i = 0; i < bytes / 8; i++)
		d[i] = s[i];
}

/* TCP sequence arithmetic (RFC 1982). */
static __always_inline int seq_before(__u32 a, __u32 b)
{
	return (__s32)(a - b) < 0;
}

static __always_inline int seq_after(__u32 a, __u32 b)
{
	return (__s32)(b - a) < 0;
}

#endif /* NETOBS_WIRE_COMPAT_H */
