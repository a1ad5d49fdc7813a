/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Bounded byte-scanning helpers shared by the L7 framers. */
#ifndef NETOBS_L7_BYTES_H
#define NETOBS_L7_BYTES_H

#include <stddef.h>
#include <string.h>
#include <linux/types.h>

/* Offset of the first "\r\n" at or after 0, or -1. */
static inline long l7_find_crlf(const __u8 *p, size_t n)
{
	const __u8 *q = n ? memchr(p, '\r', n) : NULL;

	while (q && (size_t)(q - p) + 1 < n) {
		if (q[1] == '\n')
			return q - p;
		q = memchr(q + 1, '\r', n - (size_t)(q + 1 - p));
	}
	return -1;
}

/*
 * The line at p[0..n): its length without the line end, which is "\r\n" or a
 * bare "\n" (RFC 9112 lets recipients take either); *next gets the offset
 * after it. -1 when no line end is in the bytes.
 */
static inline long l7_line(const __u8 *p, size_t n, size_t *next)
{
	const __u8 *q = n ? memchr(p, '\n', n) : NULL;

	if (!q)
		return -1;
	*next = (size_t)(q - p) + 1;
	return q > p && q[-1] == '\r' ? q - p - 1 : q - p;
}

/* Offset of the byte c in p[0..n), or -1. */
static inline long l7_find(const __u8 *p, size_t n, __u8 c)
{
	const __u8 *q = n ? memchr(p, c, n) : NULL;

	return q ? q - p : -1;
}

/* Decimal digits at p[0..n) into *v; the digits used, 0 if none or overflow. */
static inline size_t l7_parse_u64(const __u8 *p, size_t n, __u64 *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		if (*v > (~0ULL - 9) / 10)
			return 0;
		*v = *v * 10 + (p[i] - '0');
	}
	return i;
}

static inline __u32 l7_le16(const __u8 *p)
{
	return p[0] | (__u32)p[1] << 8;
}

static inline __u32 l7_le24(const __u8 *p)
{
	return p[0] | (__u32)p[1] << 8 | (__u32)p[2] << 16;
}

static inline __u32 l7_be16(const __u8 *p)
{
	return (__u32)p[0] << 8 | p[1];
}

static inline __u32 l7_be32(const __u8 *p)
{
	return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 | p[3];
}

#endif /* NETOBS_L7_BYTES_H */
