// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * One flow driven from both hooks on every CPU at once: XDP runs the client's
 * segments and TC the server's, each on every CPU, through BPF_PROG_TEST_RUN.
 * The flow's spin lock must make every total exact. Also checks that a GSO
 * super-packet at TC counts its segments.
 *
 * Needs root (BPF_PROG_TEST_RUN); exits 77 (skip) without it.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../unit/frames.h"
#include "bpf_test.h"
#include "wire/parse.h"

#define ROUNDS 50
#define REPEAT 2000

struct worker {
	int cpu;
	int prog_fd;
	const uint8_t *pkt;
	int len;
	int is_tc;
	int err;
};

static void *run_worker(void *arg)
{
	struct worker *w = arg;
	struct __sk_buff skb = { .gso_segs = 1 };
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set)) {
		w->err = -EINVAL;
		return NULL;
	}
	for (i = 0; i < ROUNDS; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = w->pkt, .data_size_in = w->len,
			    .repeat = REPEAT);
		if (w->is_tc) {
			o.ctx_in = &skb;
			o.ctx_size_in = sizeof(skb);
		}
		if (bpf_prog_test_run_opts(w->prog_fd, &o)) {
			w->err = -errno;
			return NULL;
		}
	}
	return NULL;
}

static int build(uint8_t *buf, int c2s, int payload)
{
	struct frame_spec s = { .proto = 6, .flags = 0x18, .payload = payload };

	s.src = c2s ? "10.0.0.1" : "10.0.0.2";
	s.dst = c2s ? "10.0.0.2" : "10.0.0.1";
	s.sport = c2s ? 40000 : 80;
	s.dport = c2s ? 80 : 40000;
	s.seq = c2s ? 1000 : 5000;
	s.ack = c2s ? 5000 : 1000;
	return build_frame(buf, &s);
}

static void key_of(const uint8_t *frame, struct flow_key *k)
{
	struct pkt_info p = { 0 };

	memcpy(&p.src.w[3], frame + 14 + 12, 4);
	memcpy(&p.dst.w[3], frame + 14 + 16, 4);
	p.src.w[2] = p.dst.w[2] = htonl(0xffff);
	p.sport = (frame[34] << 8) | frame[35];
	p.dport = (frame[36] << 8) | frame[37];
	p.proto = 6;
	p.family = 4;
	pkt_flow_key(&p, k);
}

static __u64 counter_sum(struct wire_bpf *w, int idx)
{
	__u64 c[CNT_MAX];

	return w->b.ops->counters(&w->b, c) ? 0 : c[idx];
}

static void test_both_hooks_all_cpus(struct wire_bpf *w, int ncpu)
{
	uint8_t c2s[256], s2c[256];
	int lc = build(c2s, 1, 100), ls = build(s2c, 0, 300), i, nw = 0;
	struct worker wk[64];
	pthread_t th[64];
	struct flow_stats f;
	struct flow_key k;
	__u64 n;

	for (i = 0; i < ncpu && nw + 2 <= 64; i++) {
		wk[nw++] = (struct worker){ i, wire_bpf_xdp_prog_fd(w), c2s, lc, 0, 0 };
		wk[nw++] = (struct worker){ i, wire_bpf_tc_prog_fd(w), s2c, ls, 1, 0 };
	}
	for (i = 0; i < nw; i++)
		pthread_create(&th[i], NULL, run_worker, &wk[i]);
	for (i = 0; i < nw; i++) {
		pthread_join(th[i], NULL);
		CHECK(!wk[i].err, "worker %d: %s", i, strerror(-wk[i].err));
	}
	key_of(c2s, &k);
	CHECK(!wire_bpf_lookup_flow(w, &k, &f), "flow not found");
	n = (__u64)ncpu * ROUNDS * REPEAT;
	CHECK(f.side[DIR_C2S].packets == n, "packets_c2s %llu, expected %llu",
	      f.side[DIR_C2S].packets, n);
	CHECK(f.side[DIR_S2C].packets == n, "packets_s2c %llu, expected %llu",
	      f.side[DIR_S2C].packets, n);
	CHECK(f.side[DIR_C2S].bytes == n * (lc - 14), "bytes_c2s %llu, expected %llu",
	      f.side[DIR_C2S].bytes, n * (lc - 14));
	CHECK(f.side[DIR_S2C].payload_bytes == n * 300, "payload_bytes_s2c %llu, expected %llu",
	      f.side[DIR_S2C].payload_bytes, n * 300);
	/* Every copy after the first re-sends the same sequence range. */
	CHECK(f.side[DIR_C2S].retrans == n - 1, "retrans_c2s %u, expected %llu",
	      f.side[DIR_C2S].retrans, n - 1);
	CHECK(f.side[DIR_S2C].retrans == n - 1, "retrans_s2c %u, expected %llu",
	      f.side[DIR_S2C].retrans, n - 1);
	printf("INFO flow_busy %llu (packets that found the lock held to the spin's end)\n",
	       counter_sum(w, CNT_FLOW_BUSY));
	printf("%s %s: %d workers on %d CPUs, %llu packets per direction\n",
	       failures ? "FAIL" : "PASS", __func__, nw, ncpu, n);
}

static void test_tc_gso_segments(struct wire_bpf *w)
{
	uint8_t pkt[256];
	struct flow_stats f;
	struct flow_key k;
	struct frame_spec s = { .proto = 6,
				.flags = 0x18,
				.src = "10.9.0.1",
				.dst = "10.9.0.2",
				.sport = 50000,
				.dport = 443,
				.seq = 1,
				.ack = 1,
				.payload = 200 };
	struct __sk_buff skb = { .gso_segs = 4, .gso_size = 50 };
	int len = build_frame(pkt, &s), before = failures;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len, .ctx_in = &skb,
		    .ctx_size_in = sizeof(skb), .repeat = 1);

	CHECK(!bpf_prog_test_run_opts(wire_bpf_tc_prog_fd(w), &o), "test run: %s", strerror(errno));
	key_of(pkt, &k);
	CHECK(!wire_bpf_lookup_flow(w, &k, &f), "flow not found");
	CHECK(f.side[DIR_C2S].packets == 4, "packets %llu, expected 4", f.side[DIR_C2S].packets);
	/* Four segments on the wire: 200 payload bytes plus four 40-byte headers. */
	CHECK(f.side[DIR_C2S].bytes == 200 + 4 * 40, "bytes %llu, expected 360",
	      f.side[DIR_C2S].bytes);
	CHECK(f.side[DIR_C2S].payload_bytes == 200, "payload %llu, expected 200",
	      f.side[DIR_C2S].payload_bytes);
	printf("%s %s\n", failures > before ? "FAIL" : "PASS", __func__);
}

int main(void)
{
	struct wire_bpf *w = open_engine_or_exit("test_concurrency");

	test_both_hooks_all_cpus(w, libbpf_num_possible_cpus());
	test_tc_gso_segments(w);
	wire_backend_destroy(&w->b);
	return failures ? 1 : 0;
}
