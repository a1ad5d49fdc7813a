/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Frame builders for unit tests: Ethernet (+VLAN tags) / IPv4 or IPv6 / TCP or UDP. */
#ifndef NETOBS_TEST_FRAMES_H
#define NETOBS_TEST_FRAMES_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

struct frame_spec {
	int v6;
	int vlans; /* 0, 1 or 2 tags */
	int proto; /* 6 or 17 */
	const char *src, *dst;
	uint16_t sport, dport;
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t win;
	const uint8_t *opts; /* TCP options, a multiple of 4 bytes */
	int optlen;
	int payload;
	int ip_opt_words; /* IPv4 options: this many NOP words */
	int v6_ext;	  /* IPv6: this many 8-byte destination-options headers */
};

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Returns the frame length written to @buf. */
static inline int build_frame(uint8_t *buf, const struct frame_spec *s)
{
	int l4hdr = s->proto == 6 ? 20 + s->optlen : 8;
	int l4len = l4hdr + s->payload, off = 12, i, ip_hlen, ip_start;
	uint8_t *l4;

	memset(buf, 0, 14 + 8 + 60 + 64 + l4len);
	for (i = 0; i < s->vlans; i++) {
		put16(buf + off, i == 0 && s->vlans == 2 ? 0x88a8 : 0x8100);
		put16(buf + off + 2, 100 + i);
		off += 4;
	}
	put16(buf + off, s->v6 ? 0x86dd : 0x0800);
	ip_start = off + 2;
	if (!s->v6) {
		uint8_t *ip = buf + ip_start;

		ip_hlen = 20 + 4 * s->ip_opt_words;
		ip[0] = 0x40 | (ip_hlen / 4);
		put16(ip + 2, ip_hlen + l4len);
		ip[8] = 64;
		ip[9] = s->proto;
		inet_pton(AF_INET, s->src, ip + 12);
		inet_pton(AF_INET, s->dst, ip + 16);
		for (i = 20; i < ip_hlen; i++)
			ip[i] = 1; /* NOP */
	} else {
		uint8_t *ip = buf + ip_start;
		int nh = s->proto;

		ip_hlen = 40 + 8 * s->v6_ext;
		ip[0] = 0x60;
		put16(ip + 4, ip_hlen - 40 + l4len);
		ip[7] = 64;
		inet_pton(AF_INET6, s->src, ip + 8);
		inet_pton(AF_INET6, s->dst, ip + 24);
		for (i = s->v6_ext - 1; i >= 0; i--) {
			ip[40 + 8 * i] = nh; /* next header; hdrlen 0 = 8 bytes */
			nh = 60;
		}
		ip[6] = nh;
	}
	l4 = buf + ip_start + ip_hlen;
	put16(l4, s->sport);
	put16(l4 + 2, s->dport);
	if (s->proto == 6) {
		put32(l4 + 4, s->seq);
		put32(l4 + 8, s->ack);
		l4[12] = (l4hdr / 4) << 4;
		l4[13] = s->flags;
		put16(l4 + 14, s->win ? s->win : 65535);
		if (s->optlen)
			memcpy(l4 + 20, s->opts, s->optlen);
	} else {
		put16(l4 + 4, l4len);
	}
	return ip_start + ip_hlen + l4len;
}

#endif /* NETOBS_TEST_FRAMES_H */
