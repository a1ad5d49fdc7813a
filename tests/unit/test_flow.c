// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The flow state machine and table, through the userspace build of the engine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>
#include <linux/types.h>
#include <stdio.h>
#include <unistd.h>

#include "frames.h"
#include "wire/flow_record.h"
#include "wire/pcap_source.h"
#include "wire/sweep.h"
#include "wire/flow.h"
#include "wire/backend.h"

/* libpcap's DLT_ values, spelled out to keep pcap.h out of this unit. */
#define DLT_NULL 0
#define DLT_RAW 12
#define DLT_LINUX_SLL 113
#define DLT_LINUX_SLL2 276

#define US 1000ULL
#define CLI "10.0.0.1"
#define SRV "10.0.0.2"

static uint8_t buf[2048];
static int n_end_events;
static struct flow_event last_end;

static int on_event(void *ctx, const void *data, size_t len)
{
	const struct flow_event *ev = data;

	if (ev->type == EV_FLOW_END) {
		n_end_events++;
		last_end = *ev;
	}
	return 0;
}

static struct wire_backend *open_engine(__u32 max_flows)
{
	struct wire_options o;
	struct wire_backend *b;

	wire_options_default(&o);
	o.max_flows = max_flows;
	o.replay_clock = 1;
	n_end_events = 0;
	b = wire_user_open(&o, on_event, NULL);
	assert_non_null(b);
	return b;
}

/* Send one TCP segment; @c2s picks the direction of the 10.0.0.1:40000 <-> :@port pair. */
static void seg_on(struct wire_backend *b, uint16_t port, __u64 t_us, int c2s, uint8_t flags,
		   uint32_t seq, uint32_t ack, int payload, uint16_t win)
{
	struct frame_spec s = { .proto = 6,
				.flags = flags,
				.seq = seq,
				.ack = ack,
				.payload = payload,
				.win = win ? win : 65535 };

	s.src = c2s ? CLI : SRV;
	s.dst = c2s ? SRV : CLI;
	s.sport = c2s ? 40000 : port;
	s.dport = c2s ? port : 40000;
	assert_int_equal(wire_backend_run(b, buf, build_frame(buf, &s), t_us * US), 0);
	assert_int_equal(b->ops->poll(b), 0);
}

static void seg(struct wire_backend *b, __u64 t_us, int c2s, uint8_t flags, uint32_t seq,
		uint32_t ack, int payload, uint16_t win)
{
	seg_on(b, 80, t_us, c2s, flags, seq, ack, payload, win);
}

static int grab(void *ctx, const struct flow_stats *f)
{
	*(struct flow_stats *)ctx = *f;
	return 0;
}

static struct flow_stats only_flow(struct wire_backend *b)
{
	struct flow_stats f = { 0 };

	b->ops->for_each_flow(b, grab, &f);
	return f;
}

struct hists_seen {
	int n;
	struct lat_key k;
	struct lat_hist h;
};

/* The named label set; its "other" set (port 0), made beside it, stays empty. */
static int grab_hist(void *ctx, const struct lat_key *k, const struct lat_hist *h)
{
	static const struct lat_hist empty;
	struct hists_seen *s = ctx;

	if (!k->server_port) {
		assert_memory_equal(h, &empty, sizeof(empty));
		return 0;
	}
	s->n++;
	s->k = *k;
	s->h = *h;
	return 0;
}

/*
 * The exchange of test_handshake_and_data_rtt in its label set's histograms:
 * data RTTs 250 and 600 us (buckets le=250 and le=1000), SRT 250 us, ART 2000
 * us (le=2500); bucket i's bound is LAT_BUCKET_BOUNDS_US[i].
 */
static void check_exchange_hists(struct wire_backend *b)
{
	struct hists_seen s = { 0 };
	__u64 want[LAT_KINDS][LAT_BUCKETS] = { 0 };

	want[LAT_RTT][4] = 1;
	want[LAT_RTT][6] = 1;
	want[LAT_SRT][4] = 1;
	want[LAT_ART][7] = 1;
	assert_int_equal(b->ops->for_each_hist(b, grab_hist, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.k.ifindex, 0);
	assert_int_equal(s.k.server_port, 80);
	assert_int_equal(s.k.role, ROLE_NONE);
	assert_memory_equal(s.h.buckets, want, sizeof(want));
	assert_int_equal(s.h.count[LAT_RTT], 2);
	assert_int_equal(s.h.sum_ns[LAT_RTT], 850 * US);
	assert_int_equal(s.h.count[LAT_SRT], 1);
	assert_int_equal(s.h.sum_ns[LAT_SRT], 250 * US);
	assert_int_equal(s.h.count[LAT_ART], 1);
	assert_int_equal(s.h.sum_ns[LAT_ART], 2000 * US);
}

/*
 * Label sets past the histograms' room: a port's first sample makes its
 * interface's "other" set (port 0) first, so a port that then finds no room
 * goes there, counted.
 */
static void hist_room(__u32 max_sets, __u64 want_folded, __u64 want_lost)
{
	struct wire_options o;
	struct wire_backend *b;
	__u64 c[CNT_MAX];
	int port;

	wire_options_default(&o);
	o.replay_clock = 1;
	o.max_lat_sets = max_sets;
	b = wire_user_open(&o, NULL, NULL);
	assert_non_null(b);
	for (port = 80; port <= 82; port++) {
		seg_on(b, port, 1000, 1, 0x18, 1, 1, 10, 100);
		seg_on(b, port, 1100, 0, 0x10, 1, 11, 0, 100); /* RTT and SRT */
	}
	b->ops->counters(b, c);
	assert_int_equal(c[CNT_LAT_FOLDED], want_folded);
	assert_int_equal(c[CNT_LAT_LOST], want_lost);
	wire_backend_destroy(b);
}

static void test_hist_label_sets_bounded(void **state)
{
	hist_room(1, 3, 0); /* "other" takes the only set */
	hist_room(2, 2, 0); /* "other" and port 80 */
	hist_room(3, 1, 0);
	hist_room(4, 0, 0);
}

#define SYN 0x02
#define ACK 0x10
#define PSH 0x08
#define FIN 0x01
#define RST 0x04

static void test_handshake_and_data_rtt(void **state)
{
	struct wire_backend *b = open_engine(16);
	struct flow_stats f;

	seg(b, 0, 1, SYN, 100, 0, 0, 0);
	seg(b, 700, 0, SYN | ACK, 900, 101, 0, 0);
	seg(b, 1000, 1, ACK, 101, 901, 0, 0);
	seg(b, 2000, 1, PSH | ACK, 101, 901, 50, 0);	/* probe c2s, SRT, ART */
	seg(b, 2250, 0, ACK, 901, 151, 0, 0);		/* SRT 250, ack_rtt_server 250 */
	seg(b, 4000, 0, PSH | ACK, 901, 151, 1000, 0);	/* ART 2000, probe s2c */
	seg(b, 4100, 0, PSH | ACK, 1901, 151, 1000, 0); /* probe stays on the first */
	seg(b, 4600, 1, ACK, 151, 1901, 0, 0);		/* ack_rtt_client 600 */
	f = only_flow(b);
	assert_int_equal(f.rtt_server_ns, 700 * US);
	assert_int_equal(f.rtt_client_ns, 300 * US);
	assert_int_equal(f.srt.count, 1);
	assert_int_equal(f.srt.sum_ns, 250 * US);
	assert_int_equal(f.art.count, 1);
	assert_int_equal(f.art.sum_ns, 2000 * US);
	assert_int_equal(f.side[DIR_C2S].ack_rtt.count, 1);
	assert_int_equal(f.side[DIR_C2S].ack_rtt.sum_ns, 250 * US);
	assert_int_equal(f.side[DIR_S2C].ack_rtt.count, 1);
	assert_int_equal(f.side[DIR_S2C].ack_rtt.sum_ns, 600 * US);
	assert_int_equal(f.side[DIR_C2S].packets, 4);
	assert_int_equal(f.side[DIR_S2C].payload_bytes, 2000);
	assert_int_equal(f.state, FS_ESTABLISHED);
	check_exchange_hists(b);
	wire_backend_destroy(b);
}

static void test_karn_retransmission(void **state)
{
	struct wire_backend *b = open_engine(16);
	struct flow_stats f;

	seg(b, 0, 1, SYN, 100, 0, 0, 0);
	seg(b, 100, 0, SYN | ACK, 900, 101, 0, 0);
	seg(b, 200, 1, ACK, 101, 901, 0, 0);
	seg(b, 1000, 1, ACK, 101, 901, 100, 0); /* timed */
	seg(b, 5000, 1, ACK, 101, 901, 100, 0); /* retransmitted: no sample */
	seg(b, 5100, 0, ACK, 901, 201, 0, 0);
	seg(b, 6000, 1, ACK, 200, 901, 1, 0); /* keepalive: not a retransmission */
	f = only_flow(b);
	assert_int_equal(f.side[DIR_C2S].retrans, 1);
	assert_int_equal(f.side[DIR_C2S].retrans_bytes, 100);
	assert_int_equal(f.side[DIR_C2S].ack_rtt.count, 0);
	wire_backend_destroy(b);
}

/*
 * A gap that stays open while many others open and close: its late fill is
 * new data, not a retransmission, however many gaps came after it.
 */
static void test_old_gap_survives_many_new_ones(void **state)
{
	struct wire_backend *b = open_engine(16);
	uint32_t seq = 101, held;
	struct flow_stats f;
	int i;

	seg(b, 0, 1, SYN, 100, 0, 0, 0);
	seg(b, 100, 0, SYN | ACK, 900, 101, 0, 0);
	seg(b, 200, 1, ACK, 101, 901, 0, 0);
	held = seq;
	seq += 100; /* the held gap: [101, 201) never arrives for now */
	for (i = 0; i < 20; i++) {
		seg(b, 1000 + i * 10, 1, ACK, seq + 100, 901, 100, 0); /* skips [seq, seq+100) */
		seg(b, 1005 + i * 10, 1, ACK, seq, 901, 100, 0);       /* then fills it */
		seq += 200;
	}
	seg(b, 5000, 1, ACK, held, 901, 100, 0); /* the held gap, at last */
	f = only_flow(b);
	assert_int_equal(f.side[DIR_C2S].retrans, 0);
	seg(b, 5100, 1, ACK, held, 901, 100, 0); /* now it is a retransmission */
	f = only_flow(b);
	assert_int_equal(f.side[DIR_C2S].retrans, 1);
	wire_backend_destroy(b);
}

/*
 * One gap more than a side has slots: the oldest is given up and counted, and
 * its late fill then counts as a retransmission; the gaps still held fill as
 * new data.
 */
static void test_gap_slots_overflow_counted(void **state)
{
	struct wire_backend *b = open_engine(16);
	uint32_t seq = 101, first = 101, second = 301;
	__u64 c[CNT_MAX];
	struct flow_stats f;
	int i;

	seg(b, 0, 1, SYN, 100, 0, 0, 0);
	seg(b, 100, 0, SYN | ACK, 900, 101, 0, 0);
	seg(b, 200, 1, ACK, 101, 901, 0, 0);
	for (i = 0; i < SEQ_HOLES + 1; i++) {
		seg(b, 1000 + i * 10, 1, ACK, seq + 100, 901, 100, 0); /* skips [seq, seq+100) */
		seq += 200;
	}
	assert_int_equal(b->ops->counters(b, c), 0);
	assert_int_equal(c[CNT_GAP_FORGOTTEN], 1);
	f = only_flow(b);
	assert_int_equal(f.side[DIR_C2S].lost, SEQ_HOLES + 1);
	seg(b, 5000, 1, ACK, second, 901, 100, 0); /* a gap still held: new here */
	f = only_flow(b);
	assert_int_equal(f.side[DIR_C2S].retrans, 0);
	assert_int_equal(f.side[DIR_C2S].ooo, 1);
	seg(b, 5100, 1, ACK, first, 901, 100, 0); /* the one given up */
	f = only_flow(b);
	assert_int_equal(f.side[DIR_C2S].retrans, 1);
	wire_backend_destroy(b);
}

/*
 * The last data segment is lost before us, and a pure ACK after it carries
 * the sequence number past it: that is a gap too, and the retransmission
 * that fills it is new here.
 */
static void test_gap_revealed_by_pure_ack(void **state)
{
	struct wire_backend *b = open_engine(16);
	struct flow_stats f;

	seg(b, 0, 0, SYN, 100, 0, 0, 0);
	seg(b, 100, 1, SYN | ACK, 900, 101, 0, 0);
	seg(b, 200, 0, ACK, 101, 901, 0, 0);
	seg(b, 1000, 1, PSH | ACK, 901, 101, 500, 0); /* [901, 1401) */
	/* [1401, 1709) lost before us; then an ACK with seq 1709 */
	seg(b, 1200, 1, ACK, 1709, 101, 0, 0);
	seg(b, 1500, 1, PSH | ACK, 1401, 101, 308, 0); /* the lost segment, first seen */
	f = only_flow(b);
	assert_int_equal(f.side[DIR_S2C].retrans, 0);
	wire_backend_destroy(b);
}

static void test_zero_window_duration_to_flow_end(void **state)
{
	struct wire_backend *b = open_engine(16);
	struct flow_stats f;

	seg(b, 0, 1, SYN, 100, 0, 0, 0);
	seg(b, 100, 0, SYN | ACK, 900, 101, 0, 0);
	seg(b, 200, 1, ACK, 101, 901, 0, 1);
	seg(b, 1000, 0, ACK, 901, 101, 0, 0); /* not zero: window 65535 */
	seg(b, 2000, 1, ACK | 0, 101, 901, 0, 0);
	f = only_flow(b);
	assert_int_equal(f.side[DIR_C2S].zero_win, 0);
	/* The client's window closes at 3000 and stays closed to its last packet. */
	{
		struct frame_spec s = { .proto = 6,
					.src = CLI,
					.dst = SRV,
					.sport = 40000,
					.dport = 80,
					.flags = ACK,
					.seq = 101,
					.ack = 901 };
		int len = build_frame(buf, &s);

		put16(buf + 14 + 20 + 14, 0);
		wire_backend_run(b, buf, len, 3000 * US);
		wire_backend_run(b, buf, len, 9000 * US);
	}
	f = only_flow(b);
	assert_int_equal(f.side[DIR_C2S].zero_win, 2);
	flow_finish(&f, f.last_seen_ns);
	assert_int_equal(f.zero_win_duration_ns, 6000 * US);
	wire_backend_destroy(b);
}

static void test_close_types(void **state)
{
	struct flow_stats f;

	memset(&f, 0, sizeof(f));
	f.key.proto = 6;
	f.state = FS_SYN_SENT;
	assert_int_equal(flow_close_type(&f, END_TIMEOUT), CLOSE_SYN_NO_ANSWER);
	assert_int_equal(flow_close_type(&f, END_FORCED), CLOSE_FORCED);
	f.state = FS_SYN_RCVD;
	assert_int_equal(flow_close_type(&f, END_TIMEOUT), CLOSE_SYNACK_NO_ACK);
	f.state = FS_ESTABLISHED;
	assert_int_equal(flow_close_type(&f, END_TIMEOUT), CLOSE_TIMEOUT);
	assert_int_equal(flow_close_type(&f, END_PORT_REUSE), CLOSE_PORT_REUSE);
	f.flags = FF_FIN_S2C;
	assert_int_equal(flow_close_type(&f, END_TIMEOUT), CLOSE_SERVER_HALF_CLOSE);
	f.flags = FF_FIN_C2S | FF_FIN_S2C | FF_FIN_BOTH_FIRST | FF_RST_SEEN;
	assert_int_equal(flow_close_type(&f, END_FORCED), CLOSE_NORMAL);
	f.flags = FF_RST_SEEN;
	f.rst_state = FS_SYN_SENT;
	f.rst_dir = DIR_S2C;
	assert_int_equal(flow_close_type(&f, END_FORCED), CLOSE_SERVER_RESET);
	f.rst_dir = DIR_C2S;
	assert_int_equal(flow_close_type(&f, END_FORCED), CLOSE_ESTABLISH_RST);
	f.rst_state = FS_ESTABLISHED;
	assert_int_equal(flow_close_type(&f, END_FORCED), CLOSE_CLIENT_RST);
	f.flags = FF_QUEUE_OVERFLOW;
	assert_int_equal(flow_close_type(&f, END_TIMEOUT), CLOSE_QUEUE_OVERFLOW);
	f.key.proto = 17;
	f.flags = 0;
	assert_int_equal(flow_close_type(&f, END_TIMEOUT), CLOSE_TIMEOUT);
}

static void test_expiry_in_datapath(void **state)
{
	struct wire_backend *b = open_engine(16);

	seg(b, 0, 1, SYN, 100, 0, 0, 0);
	/* 6 s later (opening timeout 5 s) the same tuple starts over. */
	seg(b, 6000000, 1, SYN, 100, 0, 0, 0);
	assert_int_equal(n_end_events, 1);
	assert_int_equal(last_end.detail, CLOSE_SYN_NO_ANSWER);
	assert_int_equal(last_end.s.syn_count, 1);
	assert_int_equal(only_flow(b).syn_count, 1);
	wire_backend_destroy(b);
}

static int count_rec(void *ctx, const struct flow_record *r)
{
	(*(int *)ctx)++;
	return 0;
}

static void test_table_full_and_sweep(void **state)
{
	struct wire_backend *b = open_engine(2);
	struct wire_timeouts t = WIRE_DEFAULT_TIMEOUTS;
	struct frame_spec s = { .proto = 17, .src = CLI, .dst = SRV, .dport = 53, .payload = 4 };
	__u64 cnt[CNT_MAX];
	int i, ended = 0;

	for (i = 0; i < 5; i++) {
		s.sport = 1000 + i;
		wire_backend_run(b, buf, build_frame(buf, &s), (i + 1) * US);
	}
	b->ops->counters(b, cnt);
	assert_int_equal(cnt[CNT_FLOWS_CREATED], 2);
	assert_int_equal(cnt[CNT_FLOW_TABLE_FULL], 3);
	assert_int_equal(cnt[CNT_PACKETS], 5);
	/* Nothing expired at 1 s; both at 10 s (UDP timeout 5 s). */
	assert_int_equal(wire_sweep(b, 1000000 * US, &t, 0, count_rec, &ended, NULL), 0);
	assert_int_equal(wire_sweep(b, 10000000 * US, &t, 0, count_rec, &ended, NULL), 2);
	assert_int_equal(ended, 2);
	s.sport = 2000;
	wire_backend_run(b, buf, build_frame(buf, &s), 10000001 * US);
	b->ops->counters(b, cnt);
	assert_int_equal(cnt[CNT_FLOWS_CREATED], 3);
	wire_backend_destroy(b);
}

/* Many flows in and out of the userspace table: no entry is lost by deletion. */
static void test_table_delete_keeps_probe_runs(void **state)
{
	struct wire_backend *b = open_engine(512);
	struct wire_timeouts t = WIRE_DEFAULT_TIMEOUTS;
	struct frame_spec s = { .proto = 17, .src = CLI, .dst = SRV, .dport = 53, .payload = 4 };
	__u64 cnt[CNT_MAX];
	int i, ended = 0;

	for (i = 0; i < 500; i++) {
		s.sport = 1000 + i;
		wire_backend_run(b, buf, build_frame(buf, &s), (i % 2 ? 1 : 20000000) * US);
	}
	/* Half are old (t=1us), half new (t=20s): sweep at 21 s ends the old half. */
	assert_int_equal(wire_sweep(b, 21000000 * US, &t, 0, count_rec, &ended, NULL), 250);
	for (i = 0; i < 500; i++) {
		s.sport = 1000 + i;
		wire_backend_run(b, buf, build_frame(buf, &s), 21000001 * US);
	}
	b->ops->counters(b, cnt);
	/* The 250 survivors were found again, the 250 swept ones re-created. */
	assert_int_equal(cnt[CNT_FLOWS_CREATED], 750);
	assert_int_equal(wire_sweep(b, 0, &t, 1, count_rec, &ended, NULL), 500);
	wire_backend_destroy(b);
}

/*
 * A classic pcap file written byte by byte (libpcap's pcap/bpf.h clashes with
 * linux/bpf.h in one unit), so the reader is checked against the format itself.
 */
/*
 * Flow sampling at 30 %: decided per flow, so a flow's reply is tracked or
 * left out with it; the share is near the rate; 100 % tracks everything.
 */
static void test_sampling_by_flow(void **state)
{
	struct frame_spec q = { .proto = 17, .src = CLI, .dst = SRV, .dport = 53, .payload = 4 };
	struct frame_spec r = { .proto = 17, .src = SRV, .dst = CLI, .sport = 53, .payload = 4 };
	struct wire_options o;
	struct wire_backend *b;
	__u64 cnt[CNT_MAX];
	int i, pct;

	for (pct = 30; pct <= 100; pct += 70) {
		wire_options_default(&o);
		o.max_flows = 8192;
		o.sampling_pct = pct;
		b = wire_user_open(&o, NULL, NULL);
		assert_non_null(b);
		for (i = 0; i < 4000; i++) {
			q.sport = r.dport = 10000 + i;
			wire_backend_run(b, buf, build_frame(buf, &q), (i + 1) * US);
			wire_backend_run(b, buf, build_frame(buf, &r), (i + 1) * US + 1);
		}
		b->ops->counters(b, cnt);
		/* Both packets of a flow share its fate: nothing half-tracked. */
		assert_int_equal(cnt[CNT_FLOW_PACKETS], 2 * cnt[CNT_FLOWS_CREATED]);
		assert_int_equal(cnt[CNT_SAMPLED_OUT], 2 * (4000 - cnt[CNT_FLOWS_CREATED]));
		if (pct == 100) {
			assert_int_equal(cnt[CNT_FLOWS_CREATED], 4000);
		} else {
			/* 30 % of 4000 is 1200; a fair hash stays well within +-150 (5 sigma). */
			assert_in_range(cnt[CNT_FLOWS_CREATED], 1050, 1350);
		}
		wire_backend_destroy(b);
	}
}

static void write_pcap(const char *path, int dlt, const uint8_t *pkt, int len)
{
	uint32_t ghdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, dlt };
	uint32_t rec[4] = { 1, 5, len, len }; /* ts 1 s + 5 us */
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fwrite(ghdr, sizeof(ghdr), 1, f);
	fwrite(rec, sizeof(rec), 1, f);
	fwrite(pkt, len, 1, f);
	fclose(f);
}

static void test_link_types(void **state)
{
	struct frame_spec s = {
		.proto = 17, .src = CLI, .dst = SRV, .sport = 9, .dport = 53, .payload = 4
	};
	int len = build_frame(buf, &s), l3 = len - 14, hlen[] = { 16, 20, 0, 4 };
	int dlts[] = { DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_NULL }, i;
	char path[] = "/tmp/netobs-linktype-XXXXXX", err[256];
	uint8_t pkt[256];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	for (i = 0; i < 4; i++) {
		struct pcap_source *src;
		struct pcap_frame f;

		memset(pkt, 0, sizeof(pkt));
		if (dlts[i] == DLT_LINUX_SLL)
			put16(pkt + 14, 0x0800);
		else if (dlts[i] == DLT_LINUX_SLL2)
			put16(pkt, 0x0800);
		else if (dlts[i] == DLT_NULL)
			pkt[0] = 2;
		memcpy(pkt + hlen[i], buf + 14, l3);
		write_pcap(path, dlts[i], pkt, hlen[i] + l3);
		src = pcap_source_open(path, PCAP_SOURCE_MAX_FRAME, err, sizeof(err));
		assert_non_null(src);
		assert_int_equal(pcap_source_next(src, &f, err, sizeof(err)), 1);
		assert_int_equal(f.len, len);
		assert_int_equal(f.data[12], 0x08);
		assert_int_equal(f.data[13], 0x00);
		assert_memory_equal(f.data + 14, buf + 14, l3);
		assert_int_equal(f.ts_ns, 1000005000ULL); /* microsecond pcap: 5 us */
		assert_int_equal(pcap_source_next(src, &f, err, sizeof(err)), 0);
		pcap_source_close(src);
	}
	unlink(path);
}

static void test_record_nulls(void **state)
{
	struct flow_record r;
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	memset(&r, 0, sizeof(r));
	r.s.key.proto = 6;
	r.s.key.family = 4;
	r.s.flags = FF_RTT_SERVER;
	r.s.rtt_server_ns = 1234567;
	r.close_type = CLOSE_FORCED;
	flow_record_json(f, &r, NULL);
	fclose(f);
	assert_non_null(strstr(out, "\"rtt_server_us\":1234.567,"));
	assert_non_null(strstr(out, "\"rtt_client_us\":null,"));
	assert_non_null(strstr(out, "\"syn_rtt_us\":null,"));
	assert_non_null(strstr(out, "\"srt_avg_us\":null,"));
	assert_non_null(strstr(out, "\"srt_count\":0,"));
	assert_non_null(strstr(out, "\"close_type\":\"forced\""));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_and_data_rtt),
		cmocka_unit_test(test_hist_label_sets_bounded),
		cmocka_unit_test(test_karn_retransmission),
		cmocka_unit_test(test_old_gap_survives_many_new_ones),
		cmocka_unit_test(test_gap_revealed_by_pure_ack),
		cmocka_unit_test(test_gap_slots_overflow_counted),
		cmocka_unit_test(test_zero_window_duration_to_flow_end),
		cmocka_unit_test(test_close_types),
		cmocka_unit_test(test_expiry_in_datapath),
		cmocka_unit_test(test_table_full_and_sweep),
		cmocka_unit_test(test_table_delete_keeps_probe_runs),
		cmocka_unit_test(test_sampling_by_flow),
		cmocka_unit_test(test_link_types),
		cmocka_unit_test(test_record_nulls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
