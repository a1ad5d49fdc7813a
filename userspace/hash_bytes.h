/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The hash of the agent's userspace tables: FNV-1a over a key's bytes. */
#ifndef NETOBS_HASH_BYTES_H
#define NETOBS_HASH_BYTES_H

#include <stddef.h>
#include <linux/types.h>

static inline __u32 hash_bytes(const void *key, size_t n)
{
	const __u8 *p = key;
	__u32 h = 2166136261U;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619U;
	return h;
}

#endif /* NETOBS_HASH_BYTES_H */
