// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Datapath cost per packet, from BPF_PROG_TEST_RUN's own timing (ns per run,
 * averaged over a large repeat count; a repeated data segment re-sends the same
 * bytes, so from the second run on it takes the retransmission path),
 * measured in the kernel around the program), all in one process and run so
 * the figures compare as ratios on a noisy machine. Prints BENCH lines.
 *
 * usage: bench_wire BARE_XDP_OBJ [PCAP_OUT N_PACKETS]
 * With PCAP_OUT, also writes a capture of N_PACKETS over many flows for the
 * replay_pps figure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../unit/frames.h"
#include "util/log.h"
#include "wire/backend_bpf.h"

#define REPEAT 2000000
#define NEW_FLOWS 20000

static uint8_t pkt[2048];

static int frame(int c2s, uint16_t cport, uint8_t flags, uint32_t seq, uint32_t ack, int payload)
{
	struct frame_spec s = {
		.proto = 6, .flags = flags, .seq = seq, .ack = ack, .payload = payload, .optlen = 12
	};
	static const uint8_t ts[] = { 1, 1, 8, 10, 0, 0, 1, 0, 0, 0, 2, 0 };

	s.opts = ts;
	s.src = c2s ? "10.0.0.1" : "10.0.0.2";
	s.dst = c2s ? "10.0.0.2" : "10.0.0.1";
	s.sport = c2s ? cport : 80;
	s.dport = c2s ? 80 : cport;
	return build_frame(pkt, &s);
}

/* Average ns per run over @repeat runs of one packet. */
static double run_ns(int fd, int len, int repeat, int is_tc)
{
	struct __sk_buff skb = { .gso_segs = 1 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len, .repeat = repeat);

	if (is_tc) {
		o.ctx_in = &skb;
		o.ctx_size_in = sizeof(skb);
	}
	if (bpf_prog_test_run_opts(fd, &o)) {
		fprintf(stderr, "bench: test run failed: %s\n", strerror(errno));
		exit(1);
	}
	return o.duration;
}

static void handshake(int fd, uint16_t cport)
{
	run_ns(fd, frame(1, cport, 0x02, 100, 0, 0), 1, 0);
	run_ns(fd, frame(0, cport, 0x12, 900, 101, 0), 1, 0);
	run_ns(fd, frame(1, cport, 0x10, 101, 901, 0), 1, 0);
}

static void write_capture(const char *path, long n)
{
	uint32_t ghdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	FILE *f = fopen(path, "wb");
	long i;

	if (!f) {
		perror(path);
		exit(1);
	}
	fwrite(ghdr, sizeof(ghdr), 1, f);
	/* 1000 concurrent connections, each: handshake, then data both ways. */
	for (i = 0; i < n; i++) {
		uint16_t cport = 20000 + i % 1000;
		long round = i / 1000;
		int len;
		uint32_t rec[4];

		if (round == 0)
			len = frame(1, cport, 0x02, 100, 0, 0);
		else if (round == 1)
			len = frame(0, cport, 0x12, 900, 101, 0);
		else if (round % 2)
			len = frame(1, cport, 0x18, 101 + 100 * (round / 2), 901, 100);
		else
			len = frame(0, cport, 0x10, 901, 101 + 100 * (round / 2), 0);
		rec[0] = 1700000000 + i / 100000;
		rec[1] = i % 100000 * 10;
		rec[2] = rec[3] = len;
		fwrite(rec, sizeof(rec), 1, f);
		fwrite(pkt, len, 1, f);
	}
	fclose(f);
}

/* Kernel memory a map holds, as the kernel reports it in the map fd's fdinfo. */
static double memlock_bytes(int fd)
{
	char path[64], line[128];
	double v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lf", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* The helpers.bpf.o programs next to bare_xdp.bpf.o, each minus the bare program. */
static void helpers(const char *bare_path, double bare_ns)
{
	static const char *const names[] = { "helper_lookup", "helper_lookup_lock",
					     "helper_lookup_ktime", "helper_lookup_cmpxchg" };
	char path[512];
	struct bpf_object *o;
	struct flow_key k = {};
	static struct flow_entry e;
	const char *slash = strrchr(bare_path, '/');
	double ns[4];
	int i, len;

	snprintf(path, sizeof(path), "%.*shelpers.bpf.o", slash ? (int)(slash - bare_path + 1) : 0,
		 bare_path);
	o = bpf_object__open_file(path, NULL);
	if (!o || bpf_object__load(o)) {
		fprintf(stderr, "bench: cannot load %s\n", path);
		exit(1);
	}
	bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(o, "helper_flows")), &k, &e,
			    BPF_ANY);
	len = frame(1, 40000, 0x18, 101, 901, 100);
	for (i = 0; i < 4; i++)
		ns[i] = run_ns(bpf_program__fd(bpf_object__find_program_by_name(o, names[i])), len,
			       REPEAT, 0);
	printf("BENCH helper_hash_lookup_ns %.1f ns\n", ns[0] - bare_ns);
	printf("BENCH helper_spin_lock_ns %.1f ns\n", ns[1] - ns[0]);
	printf("BENCH helper_ktime_ns %.1f ns\n", ns[2] - ns[0]);
	printf("BENCH helper_cmpxchg_lock_ns %.1f ns\n", ns[3] - ns[0]);
	bpf_object__close(o);
}

int main(int argc, char **argv)
{
	struct bpf_object *bare;
	struct wire_options o;
	struct wire_backend *b;
	struct wire_bpf *w;
	double bare_ns, est_ns, ack_ns, tc_ns, syn_sum = 0;
	int i, len;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_wire BARE_XDP_OBJ [PCAP_OUT N]\n");
		return 2;
	}
	if (argc == 4) {
		write_capture(argv[2], atol(argv[3]));
		return 0;
	}
	log_route_libbpf();
	bare = bpf_object__open_file(argv[1], NULL);
	if (!bare || bpf_object__load(bare)) {
		fprintf(stderr, "bench: cannot load %s\n", argv[1]);
		return 1;
	}
	wire_options_default(&o);
	o.max_flows = NEW_FLOWS + 16;
	b = wire_bpf_open(&o, NULL, NULL);
	if (!b) {
		fprintf(stderr, "bench: cannot load the wire programs: %s\n", strerror(errno));
		return 1;
	}
	w = (struct wire_bpf *)b;

	handshake(wire_bpf_xdp_prog_fd(w), 40000);
	len = frame(1, 40000, 0x18, 101, 901, 100);
	bare_ns = run_ns(bpf_program__fd(bpf_object__next_program(bare, NULL)), len, REPEAT, 0);
	est_ns = run_ns(wire_bpf_xdp_prog_fd(w), len, REPEAT, 0);
	/* A pure ACK repeats without re-sending sequence space: the in-order path. */
	len = frame(1, 40000, 0x10, 201, 901, 0);
	ack_ns = run_ns(wire_bpf_xdp_prog_fd(w), len, REPEAT, 0);
	len = frame(0, 40000, 0x18, 901, 201, 100);
	tc_ns = run_ns(wire_bpf_tc_prog_fd(w), len, REPEAT, 1);
	/* A new flow per run: one SYN each on its own port. */
	for (i = 0; i < NEW_FLOWS; i++)
		syn_sum += run_ns(wire_bpf_xdp_prog_fd(w), frame(1, 1024 + i, 0x02, 7, 0, 0), 1, 0);

	helpers(argv[1], bare_ns);
	printf("BENCH xdp_pass_ns %.1f ns\n", bare_ns);
	printf("BENCH xdp_established_ns %.1f ns\n", est_ns);
	printf("BENCH xdp_established_over_pass_ns %.1f ns\n", est_ns - bare_ns);
	printf("BENCH xdp_established_ack_ns %.1f ns\n", ack_ns);
	printf("BENCH tc_established_ns %.1f ns\n", tc_ns);
	printf("BENCH xdp_syn_ns %.1f ns\n", syn_sum / NEW_FLOWS);
	printf("BENCH flow_entry_bytes %zu bytes\n", sizeof(struct flow_entry));
	printf("BENCH flow_table_kernel_mb_per_100k_flows %.1f MB\n",
	       memlock_bytes(wire_bpf_flows_fd(w)) * 100000.0 / o.max_flows / (1 << 20));
	wire_backend_destroy(b);
	bpf_object__close(bare);
	return 0;
}
