// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Fixtures on the loaded programs (BPF_PROG_TEST_RUN): every frame, well
 * formed or not, leaves with XDP_PASS / TC_ACT_OK and byte for byte as it
 * came; each malformed one bumps its own counter; a full flow table passes
 * and counts; a port reuse sends the old flow's record through the ring
 * buffer; knobs set before load reach the bytecode. Needs root; exits 77
 * without it.
 */
#include <errno.h>
#include <glob.h>
#include <linux/pkt_cls.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../unit/frames.h"
#include "bpf_test.h"
#include "wire/parse.h"
#include "wire/flow.h"
#include "wire/pcap_source.h"
#include "wire/sweep.h"

static int n_end, last_close;

static int on_event(void *ctx, const void *data, size_t len)
{
	const struct flow_event *ev = data;

	if (ev->type == EV_FLOW_END) {
		n_end++;
		last_close = ev->detail;
	}
	return 0;
}

/*
 * Run @pkt through XDP and, with @tc, through TC; each must pass it unchanged.
 * The skb test harness refuses frames whose IP header is incomplete (an
 * egress skb never is), so those run through XDP only.
 */
static void run_hooks(struct wire_bpf *w, const uint8_t *pkt, int len, const char *what, int tc)
{
	uint8_t out[4096];
	int i;

	for (i = 0; i < 1 + !!tc; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len,
			    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);
		int fd = i ? wire_bpf_tc_prog_fd(w) : wire_bpf_xdp_prog_fd(w);
		unsigned int pass = i ? TC_ACT_OK : XDP_PASS;

		CHECK(!bpf_prog_test_run_opts(fd, &o), "%s: test run: %s", what, strerror(errno));
		CHECK(o.retval == pass, "%s [%s]: verdict %u", what, i ? "tc" : "xdp", o.retval);
		CHECK(o.data_size_out == (unsigned int)len && !memcmp(out, pkt, len),
		      "%s [%s]: packet changed", what, i ? "tc" : "xdp");
	}
}

static __u64 counter(struct wire_bpf *w, int idx)
{
	__u64 c[CNT_MAX];

	w->b.ops->counters(&w->b, c);
	return c[idx];
}

static void test_malformed_pass_untouched(struct wire_bpf *w)
{
	static const uint8_t bad_opt[] = { 2, 9, 0, 0 };
	struct frame_spec s = { .proto = 6,
				.src = "10.1.1.1",
				.dst = "10.1.1.2",
				.sport = 1,
				.dport = 2,
				.flags = 0x10,
				.payload = 10 };
	struct {
		const char *what;
		int cut; /* bytes to keep, 0 = all */
		int counter;
		int hooks; /* 1: XDP only, 2: XDP and TC */
	} cases[] = {
		{ "ethernet header only", 14, CNT_ERR_IP4_TRUNC, 1 },
		{ "short ipv4", 14 + 10, CNT_ERR_IP4_TRUNC, 1 },
		{ "short tcp", 14 + 20 + 8, CNT_ERR_TCP_TRUNC, 2 },
	};
	uint8_t pkt[512];
	__u64 before;
	int len, i;

	for (i = 0; i < 3; i++) {
		len = build_frame(pkt, &s);
		before = counter(w, cases[i].counter);
		run_hooks(w, pkt, cases[i].cut, cases[i].what, cases[i].hooks == 2);
		CHECK(counter(w, cases[i].counter) == before + cases[i].hooks,
		      "%s: counter +%llu, expected +%d", cases[i].what,
		      counter(w, cases[i].counter) - before, cases[i].hooks);
	}
	s.opts = bad_opt;
	s.optlen = 4;
	len = build_frame(pkt, &s);
	before = counter(w, CNT_ERR_TCP_OPT);
	run_hooks(w, pkt, len, "bad tcp option", 1);
	CHECK(counter(w, CNT_ERR_TCP_OPT) == before + 2, "tcp option counter");
	s.opts = NULL;
	s.optlen = 0;
	len = build_frame(pkt, &s);
	pkt[14] = 0x43;
	before = counter(w, CNT_ERR_IP4_HDR);
	run_hooks(w, pkt, len, "ipv4 ihl 3", 1);
	CHECK(counter(w, CNT_ERR_IP4_HDR) == before + 2, "ipv4 header counter");
	printf("%s %s\n", failures ? "FAIL" : "PASS", __func__);
}

static void test_table_full_passes(void)
{
	struct wire_options o;
	struct wire_backend *b;
	struct frame_spec s = {
		.proto = 17, .src = "10.2.2.1", .dst = "10.2.2.2", .dport = 53, .payload = 8
	};
	uint8_t pkt[256];
	int i, before = failures;

	wire_options_default(&o);
	o.max_flows = 4;
	b = wire_bpf_open(&o, NULL, NULL);
	CHECK(b != NULL, "load: %s", strerror(errno));
	if (!b)
		return;
	for (i = 0; i < 10; i++) {
		s.sport = 2000 + i;
		run_hooks((struct wire_bpf *)b, pkt, build_frame(pkt, &s), "udp", 1);
	}
	CHECK(counter((struct wire_bpf *)b, CNT_FLOWS_CREATED) == 4, "created %llu",
	      counter((struct wire_bpf *)b, CNT_FLOWS_CREATED));
	/* 6 new flows that did not fit, each seen by XDP and TC. */
	CHECK(counter((struct wire_bpf *)b, CNT_FLOW_TABLE_FULL) == 12, "full %llu",
	      counter((struct wire_bpf *)b, CNT_FLOW_TABLE_FULL));
	wire_backend_destroy(b);
	printf("%s %s\n", failures > before ? "FAIL" : "PASS", __func__);
}

static void test_port_reuse_event(void)
{
	struct wire_options o;
	struct wire_backend *b;
	struct frame_spec s = { .proto = 6,
				.src = "10.3.3.1",
				.dst = "10.3.3.2",
				.sport = 40000,
				.dport = 80,
				.flags = 0x02,
				.seq = 100 };
	uint8_t pkt[256];
	int len, before = failures;

	wire_options_default(&o);
	b = wire_bpf_open(&o, on_event, NULL);
	CHECK(b != NULL, "load: %s", strerror(errno));
	if (!b)
		return;
	len = build_frame(pkt, &s);
	wire_backend_run(b, pkt, len, 0);
	s.flags = 0x12;
	s.src = "10.3.3.2";
	s.dst = "10.3.3.1";
	s.sport = 80;
	s.dport = 40000;
	s.seq = 900;
	s.ack = 101;
	wire_backend_run(b, pkt, build_frame(pkt, &s), 0);
	/* The handshake completes: only then is a SYN with a new ISN a new connection. */
	s = (struct frame_spec){ .proto = 6,
				 .src = "10.3.3.1",
				 .dst = "10.3.3.2",
				 .sport = 40000,
				 .dport = 80,
				 .flags = 0x10,
				 .seq = 101,
				 .ack = 901 };
	wire_backend_run(b, pkt, build_frame(pkt, &s), 0);
	s.flags = 0x02;
	s.seq = 777777;
	s.ack = 0;
	wire_backend_run(b, pkt, build_frame(pkt, &s), 0);
	b->ops->poll(b);
	CHECK(n_end == 1, "flow-end events %d, expected 1", n_end);
	CHECK(last_close == CLOSE_PORT_REUSE, "close type %d", last_close);
	wire_backend_destroy(b);
	printf("%s %s\n", failures > before ? "FAIL" : "PASS", __func__);
}

struct swept {
	struct flow_record ended[4];
	struct flow_brief live[4];
	int n_ended, n_live;
};

static int on_ended(void *ctx, const struct flow_record *r)
{
	struct swept *s = ctx;

	if (s->n_ended < 4)
		s->ended[s->n_ended] = *r;
	s->n_ended++;
	return 0;
}

static int on_live(void *ctx, const struct flow_brief *b)
{
	struct swept *s = ctx;

	if (s->n_live < 4)
		s->live[s->n_live] = *b;
	s->n_live++;
	return 0;
}

/*
 * Three UDP flows last seen at 1, 2 and 9 s (the first with a second, longer
 * datagram back), swept at 8 s with the 5 s UDP timeout: through the sweep's
 * iterator (flow_sweep) and, on a second engine, through the whole-record walk.
 */
static void sweep_three(int use_scan, struct swept *out, int *frame_bytes)
{
	struct frame_spec s = {
		.proto = 17, .src = "10.4.4.1", .dst = "10.4.4.2", .dport = 53, .payload = 8
	};
	struct wire_backend_ops ops;
	struct wire_options o;
	struct wire_backend *b;
	uint8_t pkt[256];
	int i, len;

	wire_options_default(&o);
	o.replay_clock = 1;
	b = wire_bpf_open(&o, NULL, NULL);
	CHECK(b != NULL, "load: %s", strerror(errno));
	if (!b)
		return;
	ops = *b->ops;
	if (!use_scan)
		ops.scan = NULL;
	b->ops = &ops;
	for (i = 0; i < 3; i++) {
		s.sport = 3000 + i;
		len = build_frame(pkt, &s);
		*frame_bytes = len;
		wire_backend_run(b, pkt, len, (i ? (i == 2 ? 9 : 2) : 1) * NS_PER_SEC);
	}
	s = (struct frame_spec){ .proto = 17,
				 .src = "10.4.4.2",
				 .dst = "10.4.4.1",
				 .sport = 53,
				 .dport = 3000,
				 .payload = 40 };
	wire_backend_run(b, pkt, build_frame(pkt, &s), 1 * NS_PER_SEC);
	memset(out, 0, sizeof(*out));
	CHECK(wire_sweep_live(b, 8 * NS_PER_SEC, &o.timeouts, 0, on_ended, out, on_live, NULL) == 2,
	      "%s: sweep ended %d flows, expected 2", use_scan ? "scan" : "walk", out->n_ended);
	wire_backend_destroy(b);
}

static void test_sweep_scan_equals_walk(void)
{
	struct swept scan, walk;
	int before = failures, bytes = 0, i;
	__u64 ip = 0;

	sweep_three(1, &scan, &bytes);
	sweep_three(0, &walk, &bytes);
	ip = bytes - 14; /* the datagram's IP length: Ethernet header off */
	CHECK(scan.n_ended == 2 && scan.n_live == 1, "scan: %d ended, %d live", scan.n_ended,
	      scan.n_live);
	CHECK(walk.n_ended == 2 && walk.n_live == 1, "walk: %d ended, %d live", walk.n_ended,
	      walk.n_live);
	/* The flow that stays, in brief: port 3002's one datagram, client to server. */
	CHECK(scan.live[0].kind == BRIEF_LIVE && scan.live[0].server_port == 53 &&
		  scan.live[0].proto == 17 && scan.live[0].packets[DIR_C2S] == 1 &&
		  scan.live[0].packets[DIR_S2C] == 0 && scan.live[0].bytes[DIR_C2S] == ip,
	      "brief: port %u, packets %llu/%llu, bytes %llu (want %llu)", scan.live[0].server_port,
	      scan.live[0].packets[0], scan.live[0].packets[1], scan.live[0].bytes[0], ip);
	CHECK(!memcmp(&scan.live[0], &walk.live[0], sizeof(scan.live[0])),
	      "the brief differs between scan and walk");
	for (i = 0; i < 2 && scan.n_ended == 2 && walk.n_ended == 2; i++) {
		const struct flow_record *a = &scan.ended[i], *w = &walk.ended[0];

		if (memcmp(&w->s.key, &a->s.key, sizeof(a->s.key)))
			w = &walk.ended[1];
		CHECK(a->close_type == CLOSE_TIMEOUT, "ended flow %llu: close type %d",
		      a->s.flow_id, a->close_type);
		CHECK(!memcmp(&a->s, &w->s, sizeof(a->s)),
		      "ended flow %llu: the scan's record differs from the walk's", a->s.flow_id);
	}
	CHECK(scan.n_ended == 2 && (scan.ended[0].s.side[DIR_S2C].packets +
				    scan.ended[1].s.side[DIR_S2C].packets) == 1,
	      "the answered flow ended with its answer");
	printf("%s %s\n", failures > before ? "FAIL" : "PASS", __func__);
}

/*
 * Latency histograms per label set against the flows they came from: what a
 * capture leaves in each set's histograms (data RTT, SRT, ART) must count and
 * sum exactly the samples of that set's flows, ended or still in the table,
 * and the BPF programs and the userspace build must agree bucket for bucket.
 */
#define HSETS 64

struct hset {
	struct lat_key k;
	struct lat_hist h;			/* from the engine's histograms */
	__u64 count[LAT_KINDS], sum[LAT_KINDS]; /* from its flows' aggregates */
};

struct hsets {
	struct hset s[HSETS];
	int n, overflow;
};

/* By port and role: a test run's frames come in on lo, the userspace build's on no interface. */
static struct hset *hset_of(struct hsets *t, const struct lat_key *key)
{
	struct lat_key k = *key;
	int i;

	k.ifindex = 0;
	for (i = 0; i < t->n; i++)
		if (!memcmp(&t->s[i].k, &k, sizeof(k)))
			return &t->s[i];
	if (t->n == HSETS) {
		t->overflow = 1;
		return NULL;
	}
	memset(&t->s[t->n], 0, sizeof(t->s[0]));
	t->s[t->n].k = k;
	return &t->s[t->n++];
}

static int hset_add_flow(void *ctx, const struct flow_stats *f)
{
	const struct lat_agg *a[LAT_KINDS][2] = { { &f->side[0].ack_rtt, &f->side[1].ack_rtt },
						  { &f->srt, NULL },
						  { &f->art, NULL } };
	struct lat_key k;
	struct hset *s;
	int i, j;

	if (f->key.proto != IPPROTO_TCP)
		return 0;
	lat_key_of(f, &k);
	s = hset_of(ctx, &k);
	for (i = 0; s && i < LAT_KINDS; i++)
		for (j = 0; j < 2 && a[i][j]; j++) {
			s->count[i] += a[i][j]->count;
			s->sum[i] += a[i][j]->sum_ns;
			/* Found at its first sample, then kept: later ones do not look it up. */
			CHECK(!a[i][j]->count || (f->lat_slot && !(f->lat_slot & LAT_SLOT_FOLDED)),
			      "flow %llu has samples but lat_slot %#x", f->flow_id, f->lat_slot);
		}
	return 0;
}

static int hset_on_event(void *ctx, const void *data, size_t len)
{
	const struct flow_event *ev = data;

	if (len >= sizeof(*ev) && ev->type == EV_FLOW_END)
		hset_add_flow(ctx, &ev->s);
	return 0;
}

static int hset_add_hist(void *ctx, const struct lat_key *k, const struct lat_hist *h)
{
	struct hset *s = hset_of(ctx, k);

	if (s)
		s->h = *h;
	return 0;
}

/* Every frame of @path through a fresh engine; 0 when it could not be read. */
static int replay_into(struct wire_backend *(*open)(const struct wire_options *, wire_event_fn,
						    void *),
		       const char *path, struct hsets *out)
{
	struct pcap_source *src;
	struct pcap_frame fr;
	struct wire_options o;
	struct wire_backend *b;
	char err[256];
	int frames = 0;

	memset(out, 0, sizeof(*out));
	src = pcap_source_open(path, PCAP_SOURCE_MAX_FRAME, err, sizeof(err));
	CHECK(src != NULL, "%s", err);
	if (!src)
		return 0;
	wire_options_default(&o);
	o.replay_clock = 1;
	b = open(&o, hset_on_event, out);
	CHECK(b != NULL, "%s: engine: %s", path, strerror(errno));
	while (b && pcap_source_next(src, &fr, err, sizeof(err)) == 1) {
		b->ops->run(b, fr.data, fr.len, fr.wire_len, fr.ts_ns);
		b->ops->poll(b);
		frames++;
	}
	if (b) {
		b->ops->for_each_flow(b, hset_add_flow, out);
		b->ops->for_each_hist(b, hset_add_hist, out);
		wire_backend_destroy(b);
	}
	pcap_source_close(src);
	return frames;
}

static void test_lat_hists_match_flows(void)
{
	static struct hsets bpf, user;
	int before = failures, files = 0, samples = 0, i, k, b;
	glob_t g;

	CHECK(!glob("tests/captures/ndpi/*.pcap*", 0, NULL, &g),
	      "no captures in tests/captures/ndpi");
	for (size_t f = 0; f < g.gl_pathc; f++) {
		const char *path = g.gl_pathv[f];

		if (!replay_into(wire_bpf_open, path, &bpf) ||
		    !replay_into(wire_user_open, path, &user))
			continue;
		files++;
		CHECK(!bpf.overflow && !user.overflow, "%s: more than %d label sets", path, HSETS);
		CHECK(bpf.n == user.n, "%s: %d label sets from BPF, %d from userspace", path, bpf.n,
		      user.n);
		for (i = 0; i < bpf.n && bpf.n == user.n; i++) {
			const struct hset *s = &bpf.s[i], *u = hset_of(&user, &s->k);

			CHECK(u && !memcmp(&s->h, &u->h, sizeof(s->h)),
			      "%s: port %u: the BPF and userspace histograms differ", path,
			      s->k.server_port);
			for (k = 0; k < LAT_KINDS; k++) {
				__u64 in_buckets = 0;

				for (b = 0; b < LAT_BUCKETS; b++)
					in_buckets += s->h.buckets[k][b];
				samples += s->h.count[k];
				CHECK(s->h.count[k] == s->count[k] && s->h.sum_ns[k] == s->sum[k] &&
					  in_buckets == s->count[k],
				      "%s: port %u kind %d: histogram %llu samples (%llu in "
				      "buckets), "
				      "sum %llu ns; flows %llu samples, sum %llu ns",
				      path, s->k.server_port, k, s->h.count[k], in_buckets,
				      s->h.sum_ns[k], s->count[k], s->sum[k]);
			}
		}
	}
	globfree(&g);
	CHECK(files >= 5 && samples >= 100, "%d captures, %d samples: too few to show anything",
	      files, samples);
	printf("%s %s: %d captures, %d samples\n", failures > before ? "FAIL" : "PASS", __func__,
	       files, samples);
}

/*
 * The verifier's work per program, against its 1M-instruction limit. Fails
 * above 80 %: a change that barely verifies here breaks on the next kernel.
 */
static void test_verifier_budget(struct wire_bpf *w)
{
	int fds[2] = { wire_bpf_xdp_prog_fd(w), wire_bpf_tc_prog_fd(w) }, i, before = failures;

	for (i = 0; i < 2; i++) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		CHECK(!bpf_obj_get_info_by_fd(fds[i], &info, &len), "prog info: %s",
		      strerror(errno));
		printf("INFO %s: %u instructions verified\n", info.name, info.verified_insns);
		CHECK(info.verified_insns > 0 && info.verified_insns < 800000,
		      "%s: %u verified instructions, budget 800000", info.name,
		      info.verified_insns);
	}
	printf("%s %s\n", failures > before ? "FAIL" : "PASS", __func__);
}

/*
 * Knobs set before load must reach the bytecode: the loaded programs' .rodata
 * holds the configured timeouts and sampling rate, and no default timeout is
 * left in the instructions as an immediate (what clang does when a knob is
 * read through a plain pointer: it folds the initialiser in and the setting is
 * ignored). The replay tests check the behaviour through both engines.
 */
static void test_knobs_not_folded(void)
{
	static const __u64 defaults[] = { 300 * NS_PER_SEC, 35 * NS_PER_SEC, 5 * NS_PER_SEC,
					  2 * NS_PER_SEC };
	struct wire_timeouts t = { .established_ns = 11 * NS_PER_SEC,
				   .closing_rst_ns = 13 * NS_PER_SEC,
				   .opening_ns = 17 * NS_PER_SEC,
				   .closed_fin_ns = 19 * NS_PER_SEC,
				   .udp_ns = 23 * NS_PER_SEC };
	__u32 sampling = 37;
	struct wire_options o;
	struct wire_backend *b;
	struct wire_bpf *w;
	int before = failures, i;

	wire_options_default(&o);
	o.timeouts = t;
	o.sampling_pct = sampling;
	b = wire_bpf_open(&o, NULL, NULL);
	CHECK(b, "load with custom knobs: %s", strerror(errno));
	if (!b)
		return;
	w = (struct wire_bpf *)b;
	for (i = 0; i < 2; i++) {
		int fd = i ? wire_bpf_tc_prog_fd(w) : wire_bpf_xdp_prog_fd(w);
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info), map_ids[16], n, m, k, rodata_ok = 0;
		struct bpf_insn *insns;

		CHECK(!bpf_obj_get_info_by_fd(fd, &info, &len), "prog info: %s", strerror(errno));
		n = info.xlated_prog_len / sizeof(*insns);
		m = info.nr_map_ids < 16 ? info.nr_map_ids : 16;
		insns = calloc(n, sizeof(*insns));
		memset(&info, 0, sizeof(info));
		info.xlated_prog_len = n * sizeof(*insns);
		info.xlated_prog_insns = (__u64)(unsigned long)insns;
		info.nr_map_ids = m;
		info.map_ids = (__u64)(unsigned long)map_ids;
		len = sizeof(info);
		CHECK(insns && !bpf_obj_get_info_by_fd(fd, &info, &len), "xlated insns: %s",
		      strerror(errno));
		for (k = 0; insns && k + 1 < n; k++) {
			__u64 imm;
			size_t d;

			if (insns[k].code != (BPF_LD | BPF_DW | BPF_IMM) || insns[k].src_reg)
				continue;
			imm = (__u32)insns[k].imm | (__u64)(__u32)insns[k + 1].imm << 32;
			for (d = 0; d < sizeof(defaults) / sizeof(defaults[0]); d++)
				CHECK(imm != defaults[d],
				      "%s: insn %u loads %llu, a default timeout: the knob was "
				      "folded",
				      info.name, k, (unsigned long long)imm);
			k++;
		}
		for (k = 0; k < m; k++) {
			int mfd = bpf_map_get_fd_by_id(map_ids[k]);
			struct bpf_map_info mi = {};
			__u32 ml = sizeof(mi), zero = 0;
			char *val;

			if (mfd < 0 || bpf_obj_get_info_by_fd(mfd, &mi, &ml) ||
			    !strstr(mi.name, ".rodata")) {
				if (mfd >= 0)
					close(mfd);
				continue;
			}
			val = calloc(1, mi.value_size);
			if (val && !bpf_map_lookup_elem(mfd, &zero, val))
				rodata_ok = memmem(val, mi.value_size, &t, sizeof(t)) &&
					    memmem(val, mi.value_size, &sampling, sizeof(sampling));
			free(val);
			close(mfd);
		}
		CHECK(rodata_ok, "%s: .rodata does not hold the configured timeouts and sampling",
		      info.name);
		free(insns);
	}
	wire_backend_destroy(b);
	printf("%s %s\n", failures > before ? "FAIL" : "PASS", __func__);
}

/*
 * Live, the frame's own length bounds what its IP header claims: 1000 frames
 * of 54 bytes claiming 65000 add 40 bytes each, on XDP and on TC, and each is
 * counted as bounded.
 */
static void test_lengths_bounded_live(struct wire_bpf *w)
{
	struct frame_spec s = { .proto = 6,
				.src = "10.9.9.1",
				.dst = "10.9.9.2",
				.sport = 40000,
				.dport = 80,
				.flags = 0x10,
				.seq = 1 };
	uint8_t pkt[128];
	struct flow_stats fs;
	struct flow_key key;
	struct pkt_info p = { 0 };
	int len = build_frame(pkt, &s), hook, before = failures;
	__u64 was = counter(w, CNT_LEN_OVER_FRAME);

	put16(pkt + 16, 65000);
	for (hook = 0; hook < 2; hook++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len,
			    .repeat = 500);
		int fd = hook ? wire_bpf_tc_prog_fd(w) : wire_bpf_xdp_prog_fd(w);

		CHECK(!bpf_prog_test_run_opts(fd, &o), "test run: %s", strerror(errno));
	}
	inet_pton(AF_INET, s.src, &p.src.w[3]);
	inet_pton(AF_INET, s.dst, &p.dst.w[3]);
	p.src.w[2] = p.dst.w[2] = htonl(0xffff);
	p.sport = s.sport;
	p.dport = s.dport;
	p.proto = 6;
	p.family = 4;
	pkt_flow_key(&p, &key);
	CHECK(!wire_bpf_lookup_flow(w, &key, &fs), "no flow for the frames");
	CHECK(fs.side[DIR_C2S].packets == 1000, "packets %llu", fs.side[DIR_C2S].packets);
	CHECK(fs.side[DIR_C2S].bytes == 40000, "bytes %llu, expected 40000",
	      fs.side[DIR_C2S].bytes);
	CHECK(counter(w, CNT_LEN_OVER_FRAME) - was == 1000, "bounded %llu",
	      counter(w, CNT_LEN_OVER_FRAME) - was);
	printf("%s %s\n", failures > before ? "FAIL" : "PASS", __func__);
}

int main(void)
{
	struct wire_bpf *w = open_engine_or_exit("test_datapath");

	test_malformed_pass_untouched(w);
	test_verifier_budget(w);
	test_lengths_bounded_live(w);
	wire_backend_destroy(&w->b);
	test_table_full_passes();
	test_port_reuse_event();
	test_knobs_not_folded();
	test_sweep_scan_equals_walk();
	test_lat_hists_match_flows();
	printf("%d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
