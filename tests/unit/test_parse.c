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

/* Parse @len bytes of buf; returns the verdict, the counter in *counter. */
static int parse(int len, struct pkt_info *p, int *counter)
{
	struct test_ctx c = { buf, buf + len };
	struct parse_result r;
	__u32 l4_len = 0;
	int err;

	memset(p, 0, sizeof(*p));
	r = parse_l3(buf, buf + len, 0, p, &l4_len);
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

	/* Every cut inside the headers is an error with a reason, never a flow. */
	for (cut = 0; cut < len; cut++) {
		assert_int_equal(parse(cut, &p, &cnt), PARSE_ERROR);
		assert_true(cnt >= CNT_ERR_FIRST && cnt < CNT_MAX);
	}
	assert_int_equal(parse(len, &p, &cnt), PARSE_FLOW);
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

	assert_int_equal(parse(len, &p, &cnt), PARSE_ERROR);
	assert_int_equal(cnt, CNT_ERR_TCP_OPT);
	s.opts = past_end;
	len = build_frame(buf, &s);
	assert_int_equal(parse(len, &p, &cnt), PARSE_ERROR);
	assert_int_equal(cnt, CNT_ERR_TCP_OPT);
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
	assert_int_equal(parse(14 + 5, &p, &cnt), PARSE_ERROR);
	assert_int_equal(cnt, CNT_ERR_PPPOE_TRUNC);
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
		cmocka_unit_test(test_fragments_and_non_ip),
		cmocka_unit_test(test_pppoe),
		cmocka_unit_test(test_canonical_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
