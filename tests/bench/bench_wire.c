// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Datapath cost per packet by BPF_PROG_TEST_RUN's own timing, path by path,
 * each against the bare programs (bare_xdp.bpf.o, bare_tc.bpf.o) run on the
 * very same frames the same way, in one process: the figures compare as
 * differences on a noisy machine. Every path is fed frames that really take
 * it, one run each (repeat 1), not one frame repeated: a repeated data
 * segment would re-send the same bytes and time the retransmission path.
 *
 *   data, ack   a bulk transfer as its receiver sees it (data at XDP, the
 *               ACK of every second segment at TC) and as its sender does
 *               (data at TC, ACKs at XDP): in-order segments, each new
 *   retrans     the receiver's segments again, every one already seen
 *   syn         the SYN of a new flow, each on its own port
 *   untracked   an ICMP packet: parsed to L3, counted, passed
 *
 * Each figure is the median of ROUNDS rounds, on fresh flows each round.
 *
 * usage: bench_wire BARE_XDP_OBJ [PCAP_OUT N_PACKETS]
 * (bare_tc.bpf.o and helpers.bpf.o are found next to BARE_XDP_OBJ.) With
 * PCAP_OUT, writes a capture of N_PACKETS over many flows for replay_pps.
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

#define REPEAT 2000000 /* helpers: one frame, repeated */
#define NEW_FLOWS 20000
#define SEGMENTS 20000 /* data segments per transfer */
#define ROUNDS 3

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

/* Average ns per run over @repeat runs of the frame in pkt. */
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

/* A program per hook: the wire engine's pair, or the bare pair. */
struct progs {
	int xdp, tc;
};

static void handshake(const struct progs *p, uint16_t cport)
{
	run_ns(p->xdp, frame(1, cport, 0x02, 100, 0, 0), 1, 0);
	run_ns(p->tc, frame(0, cport, 0x12, 900, 101, 0), 1, 1);
	run_ns(p->xdp, frame(1, cport, 0x10, 101, 901, 0), 1, 0);
}

enum path {
	P_XDP_DATA,
	P_XDP_ACK,
	P_TC_DATA,
	P_TC_ACK,
	P_XDP_RETRANS,
	P_XDP_SYN,
	P_XDP_UNTRACKED,
	P_TC_UNTRACKED,
	P_MAX
};

static const char *const path_name[P_MAX] = {
	"xdp_data",    "xdp_ack", "tc_data",	   "tc_ack",
	"xdp_retrans", "xdp_syn", "xdp_untracked", "tc_untracked",
};

/* Sum of ns and number of runs per path, for one round of one program pair. */
struct tally {
	double ns[P_MAX];
	long runs[P_MAX];
};

static void run_path(const struct progs *p, struct tally *t, enum path path, int len)
{
	int tc = path == P_TC_DATA || path == P_TC_ACK || path == P_TC_UNTRACKED;

	t->ns[path] += run_ns(tc ? p->tc : p->xdp, len, 1, tc);
	t->runs[path]++;
}

/*
 * A transfer of SEGMENTS 100-byte segments on a new connection from port
 * @cport to port 80: the host is the server (data arrives at XDP, its ACKs
 * leave at TC) or, with @sender, the client sending (data leaves at TC, ACKs
 * arrive at XDP). Then, for the receiver, every segment again.
 */
static void transfer(const struct progs *p, struct tally *t, uint16_t cport, int sender)
{
	uint32_t seq = 101, i;

	handshake(p, cport);
	for (i = 0; i < SEGMENTS; i++) {
		if (sender)
			run_path(p, t, P_TC_DATA, frame(0, cport, 0x18, 901 + 100 * i, 101, 100));
		else
			run_path(p, t, P_XDP_DATA, frame(1, cport, 0x18, seq + 100 * i, 901, 100));
		if (i % 2 == 0)
			continue;
		if (sender)
			run_path(p, t, P_XDP_ACK,
				 frame(1, cport, 0x10, 101, 901 + 100 * (i + 1), 0));
		else
			run_path(p, t, P_TC_ACK,
				 frame(0, cport, 0x10, 901, seq + 100 * (i + 1), 0));
	}
	for (i = 0; !sender && i < SEGMENTS; i++)
		run_path(p, t, P_XDP_RETRANS, frame(1, cport, 0x18, seq + 100 * i, 901, 100));
}

/* An ICMP packet: a UDP frame with its IP protocol made 1. */
static int icmp_frame(void)
{
	struct frame_spec s = { .proto = 17, .src = "10.0.0.1", .dst = "10.0.0.2", .payload = 56 };
	int len = build_frame(pkt, &s);

	pkt[14 + 9] = 1;
	return len;
}

static void round_of(const struct progs *p, struct tally *t, int round)
{
	int i;

	transfer(p, t, 40000 + 2 * round, 0);
	transfer(p, t, 40001 + 2 * round, 1);
	for (i = 0; i < NEW_FLOWS; i++)
		run_path(p, t, P_XDP_SYN, frame(1, 1024 + NEW_FLOWS * round + i, 0x02, 7, 0, 0));
	for (i = 0; i < NEW_FLOWS; i++) {
		run_path(p, t, P_XDP_UNTRACKED, icmp_frame());
		run_path(p, t, P_TC_UNTRACKED, icmp_frame());
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
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

/* The object at @path, loaded, or exit. */
static struct bpf_object *load_object(const char *path)
{
	struct bpf_object *o = bpf_object__open_file(path, NULL);

	if (!o || bpf_object__load(o)) {
		fprintf(stderr, "bench: cannot load %s\n", path);
		exit(1);
	}
	return o;
}

/* An object next to @ref (same directory), or exit. */
static struct bpf_object *load_beside(const char *ref, const char *name)
{
	const char *slash = strrchr(ref, '/');
	char path[512];

	snprintf(path, sizeof(path), "%.*s%s", slash ? (int)(slash - ref + 1) : 0, ref, name);
	return load_object(path);
}

/* The helpers.bpf.o programs, each minus the bare program (one frame repeated). */
static void helpers(const char *bare_path, int bare_fd)
{
	static const char *const names[] = { "helper_lookup", "helper_lookup_lock",
					     "helper_lookup_ktime", "helper_lookup_cmpxchg" };
	struct bpf_object *o = load_beside(bare_path, "helpers.bpf.o");
	struct flow_key k = {};
	static struct flow_entry e;
	double ns[4], bare_ns;
	int i, len;

	bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(o, "helper_flows")), &k, &e,
			    BPF_ANY);
	/* Same size: a bpf_spin_lock where the engine's lock word is. */
	bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(o, "helper_spin_flows")), &k,
			    &e, BPF_ANY);
	len = frame(1, 40000, 0x18, 101, 901, 100);
	bare_ns = run_ns(bare_fd, len, REPEAT, 0);
	for (i = 0; i < 4; i++)
		ns[i] = run_ns(bpf_program__fd(bpf_object__find_program_by_name(o, names[i])), len,
			       REPEAT, 0);
	printf("BENCH helper_hash_lookup_ns %.1f ns\n", ns[0] - bare_ns);
	printf("BENCH helper_spin_lock_ns %.1f ns\n", ns[1] - ns[0]);
	printf("BENCH helper_ktime_ns %.1f ns\n", ns[2] - ns[0]);
	printf("BENCH helper_cmpxchg_lock_ns %.1f ns\n", ns[3] - ns[0]);
	bpf_object__close(o);
}

static int first_prog_fd(struct bpf_object *o)
{
	return bpf_program__fd(bpf_object__next_program(o, NULL));
}

int main(int argc, char **argv)
{
	struct bpf_object *bare_xdp, *bare_tc;
	double ours[P_MAX][ROUNDS], bare[P_MAX][ROUNDS], over[ROUNDS], abs_ns[ROUNDS];
	struct progs wire, base;
	struct wire_options o;
	struct wire_backend *b;
	struct wire_bpf *w;
	int r, i;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_wire BARE_XDP_OBJ [PCAP_OUT N]\n");
		return 2;
	}
	if (argc == 4) {
		write_capture(argv[2], atol(argv[3]));
		return 0;
	}
	log_route_libbpf();
	bare_xdp = load_object(argv[1]);
	bare_tc = load_beside(argv[1], "bare_tc.bpf.o");
	wire_options_default(&o);
	o.max_flows = ROUNDS * (NEW_FLOWS + 2) + 16;
	b = wire_bpf_open(&o, NULL, NULL);
	if (!b) {
		fprintf(stderr, "bench: cannot load the wire programs: %s\n", strerror(errno));
		return 1;
	}
	w = (struct wire_bpf *)b;
	wire.xdp = wire_bpf_xdp_prog_fd(w);
	wire.tc = wire_bpf_tc_prog_fd(w);
	base.xdp = first_prog_fd(bare_xdp);
	base.tc = first_prog_fd(bare_tc);

	/* Rounds alternate between the two pairs, so both see the same machine. */
	for (r = 0; r < ROUNDS; r++) {
		struct tally tw = {}, tb = {};

		round_of(&base, &tb, r);
		round_of(&wire, &tw, r);
		for (i = 0; i < P_MAX; i++) {
			ours[i][r] = tw.ns[i] / tw.runs[i];
			bare[i][r] = tb.ns[i] / tb.runs[i];
		}
	}
	helpers(argv[1], base.xdp);
	for (i = 0; i < P_MAX; i++) {
		for (r = 0; r < ROUNDS; r++) {
			over[r] = ours[i][r] - bare[i][r];
			abs_ns[r] = ours[i][r];
		}
		printf("BENCH %s_over_bare_ns %.1f ns\n", path_name[i], median(over, ROUNDS));
		if (i == P_XDP_SYN)
			printf("BENCH xdp_syn_ns %.1f ns\n", median(abs_ns, ROUNDS));
	}
	for (r = 0; r < ROUNDS; r++) {
		over[r] = bare[P_XDP_DATA][r];
		abs_ns[r] = bare[P_TC_DATA][r];
	}
	printf("BENCH xdp_bare_ns %.1f ns\n", median(over, ROUNDS));
	printf("BENCH tc_bare_ns %.1f ns\n", median(abs_ns, ROUNDS));
	printf("BENCH flow_entry_bytes %zu bytes\n", sizeof(struct flow_entry));
	printf("BENCH flow_table_kernel_mb_per_100k_flows %.1f MB\n",
	       memlock_bytes(wire_bpf_flows_fd(w)) * 100000.0 / o.max_flows / (1 << 20));
	printf("BENCH lat_hists_kernel_mb %.2f MB (%u label sets, %d CPUs)\n",
	       (memlock_bytes(wire_bpf_map_fd(w, "lat_hists")) +
		memlock_bytes(wire_bpf_map_fd(w, "lat_sets"))) /
		   (1 << 20),
	       o.max_lat_sets, libbpf_num_possible_cpus());
	wire_backend_destroy(b);
	bpf_object__close(bare_xdp);
	bpf_object__close(bare_tc);
	return 0;
}
