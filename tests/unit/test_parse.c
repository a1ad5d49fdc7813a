// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The wire parser, compiled as plain C exactly as the BPF programs include it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <linux/types.h>

#include "frames.h"

struct test_ctx {
	void *data;
	void *data_end;
};

static int test_load_bytes(struct test_ctx *c, __u32 off, void *buf, __u32 len)
{
	if ((char *)c->data + off + len > (char *)c->data_end)
		return -14;
	memcpy(buf, (char *)c->data + off, len);
	return 0;
}

#define WIRE_CTX struct test_ctx
#define wire_load_bytes(ctx, off, buf, len) test_load_bytes(ctx, off, buf, len)
#include "wire/parse_l4.h"

static uint8_t buf[4096];

/*
 * Parse @len bytes of buf, a frame @wire_len long on the wire (0: unknown);
 * returns the verdict, the counter in *counter.
 */
static int parse_wire(int len, int wire_len, struct pkt_info *p, int *counter)
{
	struct test_ctx c = { buf, buf + len };
	struct parse_result r;
	__u32 l4_len = 0;
	int err;

	memset(p, 0, sizeof(*p));
	r = parse_l3(buf, buf + len, wire_len, p, &l4_len);
	*counter = r.counter;
	if (r.verdict != PARSE_FLOW)
		return r.verdict;
	err = parse_l4(&c, buf, buf + len, p, l4_len);
	if (err) {
		*counter = -err;
		return PARSE_ERROR;
	}
	return PARSE_FLOW;
}

static int parse(int len, struct pkt_info *p, int *counter)
{
	return parse_wire(len, 0, p, counter);
}

static const uint8_t ts_opts[] = { 1, 1, 8, 10, 0, 0, 0, 100, 0, 0, 0, 200 };
static const uint8_t syn_opts[] = { 2, 4, 0x05, 0xb4, 4, 2, 1, 3, 3, 7, 0, 0 };

static void test_ipv4_tcp_timestamps(void **state)
{
	struct frame_spec s = { .proto = 6,
				.src = "10.0.0.1",
				.dst = "10.0.0.2",
				.sport = 1234,
				.dport = 80,
				.flags = 0x18,
				.seq = 7,
				.ack = 9,
				.opts = ts_opts,
				.optlen = sizeof(ts_opts),
				.payload = 100 };
	struct pkt_info p;
	int cnt, len = build_frame(buf, &s);

	assert_int_equal(parse(len, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.family, 4);
	assert_int_equal(p.l3_len, 20 + 32 + 100);
	assert_int_equal(p.payload_len, 100);
	assert_int_equal(p.hdr_len, 52);
	assert_int_equal(p.sport, 1234);
	assert_int_equal(p.dport, 80);
	assert_int_equal(p.seq, 7);
	assert_int_equal(p.ack, 9);
	assert_int_equal(p.tcp_flags, 0x18);
	assert_int_equal(p.has_ts, 1);
	assert_int_equal(p.tsval, 100);
	assert_int_equal(p.tsecr, 200);
	assert_int_equal(p.payload_off, 14 + 20 + 32);
}

static void test_syn_options(void **state)
{
	struct frame_spec s = { .proto = 6,
				.src = "10.0.0.1",
				.dst = "10.0.0.2",
				.sport = 1,
				.dport = 2,
				.flags = 0x02,
				.opts = syn_opts,
				.optlen = sizeof(syn_opts) };
	struct pkt_info p;
	int cnt, len = build_frame(buf, &s);

	assert_int_equal(parse(len, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.mss, 1460);
	assert_int_equal(p.sack_ok, 1);
	assert_int_equal(p.has_wscale, 1);
	assert_int_equal(p.wscale, 7);
	assert_int_equal(p.has_ts, 0);
}

static void test_qinq_ipv4_options(void **state)
{
	struct frame_spec s = { .vlans = 2,
				.proto = 17,
				.src = "10.0.0.1",
				.dst = "10.0.0.2",
				.sport = 53000,
				.dport = 53,
				.payload = 40,
				.ip_opt_words = 2 };
	struct pkt_info p;
	int cnt, len = build_frame(buf, &s);

	assert_int_equal(parse(len, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.vlan_depth, 2);
	assert_int_equal(p.l3_len, 28 + 8 + 40);
	assert_int_equal(p.payload_len, 40);
	assert_int_equal(p.payload_off, 14 + 8 + 28 + 8);
}

static void test_ipv6_ext_headers(void **state)
{
	struct frame_spec s = { .v6 = 1,
				.vlans = 1,
				.proto = 6,
				.src = "2001:db8::1",
				.dst = "2001:db8::2",
				.sport = 5,
				.dport = 443,
				.flags = 0x10,
				.payload = 10,
				.v6_ext = 3 };
	struct pkt_info p;
	int cnt, len = build_frame(buf, &s);

	assert_int_equal(parse(len, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.family, 6);
	assert_int_equal(p.l3_len, 40 + 24 + 20 + 10);
	assert_int_equal(p.payload_len, 10);
	assert_int_equal(p.hdr_len, 40 + 24 + 20);
}

static void test_too_many_ipv6_ext_headers(void **state)
{
	struct frame_spec s = { .v6 = 1,
				.proto = 6,
				.src = "2001:db8::1",
				.dst = "2001:db8::2",
				.sport = 5,
				.dport = 443,
				.flags = 0x10,
				.v6_ext = IPV6_EXT_MAX };
	struct pkt_info p;
	int cnt, len = build_frame(buf, &s);

	assert_int_equal(parse(len, &p, &cnt), PARSE_ERROR);
	assert_int_equal(cnt, CNT_ERR_IP6_EXT_DEPTH);
	s.v6_ext = IPV6_EXT_MAX - 1;
	len = build_frame(buf, &s);
	assert_int_equal(parse(len, &p, &cnt), PARSE_FLOW);
}

static void test_truncation_at_every_byte(void **state)
{
	struct frame_spec s = { .vlans = 1,
				.proto = 6,
				.src = "10.0.0.1",
				.dst = "10.0.0.2",
				.sport = 1,
				.dport = 2,
				.flags = 0x10,
				.opts = ts_opts,
				.optlen = sizeof(ts_opts) };
	struct pkt_info p;
	int cnt, len = build_frame(buf, &s), cut;

	int opts_at = len - (int)sizeof(ts_opts);

	/* Every cut up to the end of the fixed TCP header is an error with a reason. */
	for (cut = 0; cut < opts_at; cut++) {
		assert_int_equal(parse(cut, &p, &cnt), PARSE_ERROR);
		assert_true(cnt >= CNT_ERR_FIRST && cnt < CNT_MAX);
	}
	/* Options cut off (a capture's snapshot length): the segment still counts. */
	for (; cut < len; cut++) {
		assert_int_equal(parse(cut, &p, &cnt), PARSE_FLOW);
		assert_int_equal(p.opt_cut, 1);
		assert_int_equal(p.has_ts, 0);
		assert_int_equal(p.tcp_flags, 0x10);
	}
	assert_int_equal(parse(len, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.opt_cut, 0);
	assert_int_equal(p.has_ts, 1);
}

static void test_bad_headers(void **state)
{
	struct frame_spec s = { .proto = 6,
				.src = "10.0.0.1",
				.dst = "10.0.0.2",
				.sport = 1,
				.dport = 2,
				.flags = 0x10 };
	struct pkt_info p;
	int cnt, len = build_frame(buf, &s);

	buf[14] = 0x44; /* IHL 4 */
	assert_int_equal(parse(len, &p, &cnt), PARSE_ERROR);
	assert_int_equal(cnt, CNT_ERR_IP4_HDR);
	len = build_frame(buf, &s);
	put16(buf + 16, 10); /* total length below the header */
	assert_int_equal(parse(len, &p, &cnt), PARSE_ERROR);
	assert_int_equal(cnt, CNT_ERR_IP4_LEN);
	len = build_frame(buf, &s);
	buf[14 + 20 + 12] = 0x40; /* data offset 4 */
	assert_int_equal(parse(len, &p, &cnt), PARSE_ERROR);
	assert_int_equal(cnt, CNT_ERR_TCP_HDR);
}

static void test_bad_tcp_options(void **state)
{
	static const uint8_t zero_len[] = { 1, 1, 5, 0 }, past_end[] = { 8, 12, 0, 0 };
	static const uint8_t mss_then_bad[] = { 2, 4, 0x05, 0xb4, 3, 0, 0, 0 };
	struct frame_spec s = { .proto = 6,
				.src = "10.0.0.1",
				.dst = "10.0.0.2",
				.sport = 1,
				.dport = 2,
				.flags = 0x10,
				.opts = zero_len,
				.optlen = 4 };
	struct pkt_info p;
	int cnt, len = build_frame(buf, &s);

	/* Linux keeps such segments: they count, the bad option is noted. */
	assert_int_equal(parse(len, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.opt_bad, 1);
	s.opts = past_end;
	len = build_frame(buf, &s);
	assert_int_equal(parse(len, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.opt_bad, 1);
	assert_int_equal(p.has_ts, 0);
	/* What came before the bad option is read. */
	s.opts = mss_then_bad;
	s.optlen = sizeof(mss_then_bad);
	len = build_frame(buf, &s);
	assert_int_equal(parse(len, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.opt_bad, 1);
	assert_int_equal(p.mss, 1460);
}

/* IP lengths the engine can trust: from the frame when 0, never past it. */
static void test_lengths_bounded_by_frame(void **state)
{
	struct frame_spec s = { .proto = 6,
				.src = "10.0.0.1",
				.dst = "10.0.0.2",
				.sport = 1,
				.dport = 2,
				.flags = 0x10,
				.payload = 19 };
	struct pkt_info p;
	int cnt, len = build_frame(buf, &s);

	/* A 73-byte frame claiming 29440 bytes: bounded by the frame. */
	assert_int_equal(len, 73);
	put16(buf + 16, 29440);
	assert_int_equal(parse_wire(len, len, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.l3_len, 59);
	assert_int_equal(p.payload_len, 19);
	assert_int_equal(p.adj, CNT_LEN_OVER_FRAME);
	/* Total length 0 on a TSO/GSO or BIG TCP frame of 64000 bytes, snapped at 73. */
	put16(buf + 16, 0);
	assert_int_equal(parse_wire(len, 64000, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.l3_len, 64000 - 14);
	assert_int_equal(p.payload_len, 64000 - 14 - 40);
	assert_int_equal(p.adj, CNT_LEN_FROM_FRAME);
	/* A snapped capture's frame keeps its IP length when the frame was that long. */
	put16(buf + 16, 1500);
	assert_int_equal(parse_wire(len, 1514, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.l3_len, 1500);
	assert_int_equal(p.adj, 0);
	/* An IPv6 jumbogram: payload length 0, the real one from the frame. */
	s.v6 = 1;
	s.src = "2001:db8::1";
	s.dst = "2001:db8::2";
	len = build_frame(buf, &s);
	put16(buf + 18, 0);
	assert_int_equal(parse_wire(len, 70014, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.l3_len, 70000);
	assert_int_equal(p.payload_len, 70000 - 40 - 20);
	assert_int_equal(p.adj, CNT_LEN_FROM_FRAME);
	put16(buf + 18, 60000);
	assert_int_equal(parse_wire(len, len, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.l3_len, len - 14);
	assert_int_equal(p.adj, CNT_LEN_OVER_FRAME);
}

/* Wrap buf's IP packet (from offset 14, @l3 bytes) in an MPLS stack of @labels. */
static int wrap_mpls(int l3, int labels, uint16_t ethertype)
{
	uint8_t ip[256];
	int i;

	memcpy(ip, buf + 14, l3);
	put16(buf + 12, ethertype);
	for (i = 0; i < labels; i++) {
		put32(buf + 14 + 4 * i, (1000 + i) << 12 | 64);
		if (i == labels - 1)
			buf[14 + 4 * i + 2] |= 1; /* bottom of stack */
	}
	memcpy(buf + 14 + 4 * labels, ip, l3);
	return 14 + 4 * labels + l3;
}

static void test_mpls(void **state)
{
	struct frame_spec s = { .proto = 6,
				.src = "10.0.0.1",
				.dst = "10.0.0.2",
				.sport = 1,
				.dport = 2,
				.flags = 0x10 };
	struct pkt_info p;
	int cnt, len = build_frame(buf, &s), l3 = len - 14, n;

	n = wrap_mpls(l3, 1, 0x8847);
	assert_int_equal(parse(n, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.family, 4);
	assert_int_equal(p.l3_len, 40);
	len = build_frame(buf, &s);
	n = wrap_mpls(l3, 3, 0x8848); /* multicast */
	assert_int_equal(parse(n, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.dport, 2);
	assert_int_equal(parse(14 + 6, &p, &cnt), PARSE_ERROR);
	assert_int_equal(cnt, CNT_ERR_MPLS_TRUNC);
	len = build_frame(buf, &s);
	n = wrap_mpls(l3, MPLS_MAX_DEPTH + 1, 0x8847);
	assert_int_equal(parse(n, &p, &cnt), PARSE_ERROR);
	assert_int_equal(cnt, CNT_ERR_MPLS_DEPTH);
	s.v6 = 1;
	s.src = "2001:db8::1";
	s.dst = "2001:db8::2";
	len = build_frame(buf, &s);
	n = wrap_mpls(len - 14, 2, 0x8847);
	assert_int_equal(parse(n, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.family, 6);
	/* After the bottom label, a pseudowire control word (first nibble 0): not IP. */
	buf[14 + 8] = 0x00;
	assert_int_equal(parse(n, &p, &cnt), PARSE_SKIP);
	assert_int_equal(cnt, CNT_NON_IP);
}

static void test_fragments_and_non_ip(void **state)
{
	struct frame_spec s = { .proto = 17,
				.src = "10.0.0.1",
				.dst = "10.0.0.2",
				.sport = 1,
				.dport = 2,
				.payload = 8 };
	struct pkt_info p;
	int cnt, len = build_frame(buf, &s);

	put16(buf + 14 + 6, 0x2000); /* MF, offset 0: the first fragment has the header */
	assert_int_equal(parse(len, &p, &cnt), PARSE_FLOW);
	put16(buf + 14 + 6, 0x0010); /* offset 128 bytes: a later fragment */
	assert_int_equal(parse(len, &p, &cnt), PARSE_SKIP);
	assert_int_equal(cnt, CNT_FRAGMENTS);
	put16(buf + 12, 0x0806); /* ARP */
	assert_int_equal(parse(len, &p, &cnt), PARSE_SKIP);
	assert_int_equal(cnt, CNT_NON_IP);
}

static void test_pppoe(void **state)
{
	struct frame_spec s = { .proto = 17,
				.src = "10.0.0.1",
				.dst = "10.0.0.2",
				.sport = 9,
				.dport = 53,
				.payload = 20 };
	uint8_t ip[256];
	struct pkt_info p;
	int cnt, len = build_frame(buf, &s), l3 = len - 14;

	memcpy(ip, buf + 14, l3);
	put16(buf + 12, 0x8864);
	memset(buf + 14, 0, 8);
	buf[14] = 0x11; /* version 1, type 1 */
	put16(buf + 14 + 4, l3 + 2);
	put16(buf + 14 + 6, 0x0021);
	memcpy(buf + 22, ip, l3);
	assert_int_equal(parse(len + 8, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.l3_len, 20 + 8 + 20);
	assert_int_equal(p.adj, 0);
	assert_int_equal(parse(14 + 5, &p, &cnt), PARSE_ERROR);
	assert_int_equal(cnt, CNT_ERR_PPPOE_TRUNC);
	/* An IP length past the PPPoE payload is bounded by it. */
	put16(buf + 14 + 8 + 2, 1400);
	assert_int_equal(parse(len + 8, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.l3_len, l3);
	assert_int_equal(p.payload_len, 20);
	assert_int_equal(p.adj, CNT_LEN_OVER_PPPOE);
	/* Protocol-field compression: a one-byte PPP protocol. */
	put16(buf + 12, 0x8864);
	put16(buf + 14 + 4, l3 + 1);
	buf[14 + 6] = 0x21;
	memcpy(buf + 21, ip, l3);
	assert_int_equal(parse(len + 7, &p, &cnt), PARSE_FLOW);
	assert_int_equal(p.l3_len, l3);
	assert_int_equal(p.dport, 53);
	assert_int_equal(p.adj, 0);
}

static void test_canonical_key(void **state)
{
	struct frame_spec s = { .proto = 6,
				.src = "10.0.0.9",
				.dst = "10.0.0.2",
				.sport = 40000,
				.dport = 80,
				.flags = 0x10 };
	struct flow_key k1, k2;
	struct pkt_info p;
	int cnt, from_lo;

	parse(build_frame(buf, &s), &p, &cnt);
	from_lo = pkt_flow_key(&p, &k1);
	assert_int_equal(from_lo, 0);
	assert_int_equal(k1.lo_port, 80);
	s.src = "10.0.0.2";
	s.dst = "10.0.0.9";
	s.sport = 80;
	s.dport = 40000;
	parse(build_frame(buf, &s), &p, &cnt);
	from_lo = pkt_flow_key(&p, &k2);
	assert_int_equal(from_lo, 1);
	assert_memory_equal(&k1, &k2, sizeof(k1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_tcp_timestamps),
		cmocka_unit_test(test_syn_options),
		cmocka_unit_test(test_qinq_ipv4_options),
		cmocka_unit_test(test_ipv6_ext_headers),
		cmocka_unit_test(test_too_many_ipv6_ext_headers),
		cmocka_unit_test(test_truncation_at_every_byte),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_bad_tcp_options),
		cmocka_unit_test(test_lengths_bounded_by_frame),
		cmocka_unit_test(test_mpls),
		cmocka_unit_test(test_fragments_and_non_ip),
		cmocka_unit_test(test_pppoe),
		cmocka_unit_test(test_canonical_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
