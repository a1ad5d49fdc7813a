/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The hash of the agent's userspace tables. Keys are tuples of a few dozen
 * bytes hashed once per snippet, so they are taken eight bytes at a time with
 * a multiply-xorshift mix rather than byte by byte.
 */
#ifndef NETOBS_HASH_BYTES_H
#define NETOBS_HASH_BYTES_H

#include <stddef.h>
#include <string.h>
#include <linux/types.h>

#define HASH_MUL 0x9e3779b97f4a7c15ULL

static inline __u32 hash_bytes(const void *key, size_t n)
{
	const __u8 *p = key;
	__u64 h = n * HASH_MUL, w;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * HASH_MUL;
		h ^= h >> 29;
	}
	if (n) {
		w = 0;
		memcpy(&w, p, n);
		h = (h ^ w) * HASH_MUL;
	}
	h ^= h >> 32;
	return (__u32)h;
}

#endif /* NETOBS_HASH_BYTES_H */
