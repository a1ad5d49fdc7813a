// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Flow records summed into Prometheus series: values, buckets, roles, folding. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <net/if.h>

#include "export/metrics.h"
#include "export/rate_window.h"
#include "wire/flow.h"

static struct flow_stats flow(__u16 server_port, __u8 role, __u64 c2s_bytes, __u64 s2c_bytes)
{
	struct flow_stats f;

	memset(&f, 0, sizeof(f));
	f.key.proto = 6;
	f.key.family = 4;
	f.key.lo_port = server_port;
	f.key.hi_port = 40000; /* client is hi: FF_CLIENT_IS_LO clear */
	f.ifindex = if_nametoindex("lo");
	f.host_role = role;
	f.side[DIR_C2S].bytes = c2s_bytes;
	f.side[DIR_S2C].bytes = s2c_bytes;
	f.side[DIR_C2S].packets = 3;
	f.side[DIR_S2C].packets = 2;
	return f;
}

static char *render(const struct metrics_table *t)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	metrics_write(f, t, NULL, 0);
	fclose(f);
	return out;
}

#define HAS(text, line) assert_non_null(strstr(text, line "\n"))

static void test_sent_received_by_role(void **state)
{
	struct metrics_table t;
	struct flow_stats a = flow(80, ROLE_CLIENT, 100, 1000), b = flow(80, ROLE_CLIENT, 50, 500);
	struct flow_stats s = flow(22, ROLE_SERVER, 70, 700);
	char *out;

	assert_int_equal(metrics_init(&t, 16), 0);
	a.side[DIR_S2C].lost = 3;
	a.side[DIR_S2C].ooo = 2;
	b.side[DIR_C2S].lost = 1;
	metrics_add_flow(&t, &a, -1);
	metrics_add_flow(&t, &b, CLOSE_NORMAL);
	metrics_add_flow(&t, &s, -1);
	out = render(&t);
	HAS(out, "network_tcp_lost_segments_total{interface=\"lo\",server_port=\"80\","
		 "role=\"client\"} 4");
	HAS(out, "network_tcp_out_of_order_total{interface=\"lo\",server_port=\"80\","
		 "role=\"client\"} 2");
	HAS(out, "network_tcp_lost_segments_total{interface=\"lo\",server_port=\"22\","
		 "role=\"server\"} 0");
	HAS(out, "network_tcp_bytes_sent_total{interface=\"lo\",server_port=\"80\","
		 "role=\"client\"} 150");
	HAS(out, "network_tcp_bytes_received_total{interface=\"lo\",server_port=\"80\","
		 "role=\"client\"} 1500");
	/* The host serves port 22: what it sent is the server-to-client side. */
	HAS(out, "network_tcp_bytes_sent_total{interface=\"lo\",server_port=\"22\","
		 "role=\"server\"} 700");
	HAS(out, "network_tcp_packets_received_total{interface=\"lo\",server_port=\"22\","
		 "role=\"server\"} 3");
	HAS(out, "network_tcp_connections_opened_total{interface=\"lo\",server_port=\"80\","
		 "role=\"client\"} 2");
	HAS(out, "network_tcp_connections_active{interface=\"lo\",server_port=\"80\","
		 "role=\"client\"} 1");
	HAS(out, "network_tcp_connections_closed_total{interface=\"lo\",server_port=\"80\","
		 "role=\"client\"} 1");
	HAS(out, "network_tcp_close_total{interface=\"lo\",server_port=\"80\",role=\"client\","
		 "close_type=\"normal\"} 1");
	/* No live flow has an RTT sample: the gauges have no line, rather than a 0. */
	assert_null(strstr(out, "network_tcp_rtt_max_microseconds{"));
	assert_null(strstr(out, "network_tcp_srt_max_microseconds{"));
	assert_non_null(strstr(out, "# TYPE network_tcp_rtt_max_microseconds gauge\n"));
	free(out);
	metrics_free(&t);
}

/* DeepFlow's establish failures, from the close types of ended flows. */
static void test_establish_failures(void **state)
{
	static const int types[] = { CLOSE_SYN_NO_ANSWER, CLOSE_SYN_NO_ANSWER, CLOSE_SERVER_RESET,
				     CLOSE_SYNACK_NO_ACK, CLOSE_ESTABLISH_RST, CLOSE_NORMAL };
	struct metrics_table t;
	struct flow_stats f = flow(5432, ROLE_CLIENT, 60, 0);
	char *out;
	size_t i;

	assert_int_equal(metrics_init(&t, 16), 0);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		metrics_add_flow(&t, &f, types[i]);
	/* A live flow with an RTT sample: the gauge has its value. */
	f.side[DIR_C2S].ack_rtt.count = 1;
	f.side[DIR_C2S].ack_rtt.min_ns = f.side[DIR_C2S].ack_rtt.max_ns = 1500;
	metrics_add_flow(&t, &f, -1);
	out = render(&t);
	HAS(out, "network_tcp_server_establish_fail_total{interface=\"lo\",server_port=\"5432\","
		 "role=\"client\"} 3");
	HAS(out, "network_tcp_client_establish_fail_total{interface=\"lo\",server_port=\"5432\","
		 "role=\"client\"} 2");
	HAS(out, "network_tcp_rtt_max_microseconds{interface=\"lo\",server_port=\"5432\","
		 "role=\"client\"} 1.500");
	free(out);
	metrics_free(&t);
}

/* UDP flows: their own families, the same labels, never in the TCP ones. */
static void test_udp_families(void **state)
{
	struct metrics_table t;
	struct flow_stats a = flow(53, ROLE_CLIENT, 60, 300), b = flow(53, ROLE_CLIENT, 40, 0);
	struct flow_stats c = flow(53, ROLE_SERVER, 70, 700), tcp = flow(53, ROLE_CLIENT, 1, 1);
	char *out;

	a.key.proto = b.key.proto = c.key.proto = 17;
	b.side[DIR_S2C].packets = 0;
	assert_int_equal(metrics_init(&t, 16), 0);
	metrics_add_flow(&t, &a, -1);
	metrics_add_flow(&t, &b, CLOSE_TIMEOUT);
	metrics_add_flow(&t, &c, -1);
	metrics_add_flow(&t, &tcp, -1);
	out = render(&t);
	HAS(out, "network_udp_bytes_sent_total{interface=\"lo\",server_port=\"53\","
		 "role=\"client\"} 100");
	HAS(out, "network_udp_bytes_received_total{interface=\"lo\",server_port=\"53\","
		 "role=\"client\"} 300");
	HAS(out, "network_udp_packets_sent_total{interface=\"lo\",server_port=\"53\","
		 "role=\"client\"} 6");
	HAS(out, "network_udp_packets_received_total{interface=\"lo\",server_port=\"53\","
		 "role=\"client\"} 2");
	/* The host answers on port 53: it sent the server-to-client side. */
	HAS(out, "network_udp_bytes_sent_total{interface=\"lo\",server_port=\"53\","
		 "role=\"server\"} 700");
	HAS(out, "network_udp_flows_opened_total{interface=\"lo\",server_port=\"53\","
		 "role=\"client\"} 2");
	HAS(out, "network_udp_flows_active{interface=\"lo\",server_port=\"53\","
		 "role=\"client\"} 1");
	/* The TCP flow on the same port and role is a label set of its own. */
	HAS(out, "network_tcp_bytes_sent_total{interface=\"lo\",server_port=\"53\","
		 "role=\"client\"} 1");
	HAS(out, "network_tcp_connections_opened_total{interface=\"lo\",server_port=\"53\","
		 "role=\"client\"} 1");
	assert_null(strstr(out, "network_tcp_connections_opened_total{interface=\"lo\","
				"server_port=\"53\",role=\"server\"}"));
	free(out);
	metrics_free(&t);
}

/* A data RTT sample as the engine takes it: into the flow, and its label set's histogram. */
static void rtt_sample(struct lat_agg *a, struct lat_hist *h, __u64 ns)
{
	struct flow_pkt_out out = { 0 };

	lat_add(a, ns, &out, LAT_RTT);
	assert_int_equal(out.lat_mask, 1U << LAT_RTT);
	h->buckets[LAT_RTT][lat_bucket(out.lat.ns[LAT_RTT])]++;
	h->sum_ns[LAT_RTT] += out.lat.ns[LAT_RTT];
	h->count[LAT_RTT]++;
}

static void test_histogram_buckets_inclusive(void **state)
{
	struct metrics_table t;
	struct flow_stats f = flow(80, ROLE_CLIENT, 1, 1);
	struct lat_hist h = { 0 };
	struct lat_key k;
	char *out;

	/* 1000 us exactly belongs to le="1000"; one ns more does not. */
	assert_int_equal(lat_bucket(1000000), 6);
	assert_int_equal(lat_bucket(1000001), 7);
	assert_int_equal(lat_bucket(0), 0);
	assert_int_equal(lat_bucket(5000000000ULL), LAT_BUCKETS - 1);
	rtt_sample(&f.side[DIR_S2C].ack_rtt, &h, 1000000);
	rtt_sample(&f.side[DIR_C2S].ack_rtt, &h, 1000001);
	f.flags = FF_RTT_SERVER | FF_RTT_CLIENT;
	f.rtt_server_ns = 400000;
	f.rtt_client_ns = 600000;
	assert_int_equal(metrics_init(&t, 16), 0);
	metrics_add_flow(&t, &f, -1);
	lat_key_of(&f, &k);
	metrics_add_lat(&t, &k, &h);
	out = render(&t);
	HAS(out, "network_tcp_rtt_microseconds_bucket{interface=\"lo\",server_port=\"80\","
		 "role=\"client\",le=\"500\"} 0");
	HAS(out, "network_tcp_rtt_microseconds_bucket{interface=\"lo\",server_port=\"80\","
		 "role=\"client\",le=\"1000\"} 1");
	HAS(out, "network_tcp_rtt_microseconds_bucket{interface=\"lo\",server_port=\"80\","
		 "role=\"client\",le=\"2500\"} 2");
	HAS(out, "network_tcp_rtt_microseconds_bucket{interface=\"lo\",server_port=\"80\","
		 "role=\"client\",le=\"+Inf\"} 2");
	HAS(out, "network_tcp_rtt_microseconds_sum{interface=\"lo\",server_port=\"80\","
		 "role=\"client\"} 2000.001");
	HAS(out, "network_tcp_syn_rtt_microseconds_bucket{interface=\"lo\",server_port=\"80\","
		 "role=\"client\",le=\"1000\"} 1");
	HAS(out, "network_tcp_syn_rtt_microseconds_bucket{interface=\"lo\",server_port=\"80\","
		 "role=\"client\",le=\"500\"} 0");
	HAS(out, "network_tcp_syn_rtt_server_microseconds_bucket{interface=\"lo\","
		 "server_port=\"80\",role=\"client\",le=\"500\"} 1");
	HAS(out, "network_tcp_rtt_max_microseconds{interface=\"lo\",server_port=\"80\","
		 "role=\"client\"} 1000.001");
	free(out);
	metrics_free(&t);
}

static void test_cap_folds_into_other(void **state)
{
	struct metrics_table t;
	struct flow_stats a = flow(80, ROLE_CLIENT, 10, 0), b = flow(81, ROLE_CLIENT, 20, 0);
	struct flow_stats c = flow(82, ROLE_CLIENT, 30, 0), a2 = flow(80, ROLE_CLIENT, 5, 0);
	char *out;

	assert_int_equal(metrics_init(&t, 1), 0);
	metrics_add_flow(&t, &a, -1);
	metrics_add_flow(&t, &b, -1);
	metrics_add_flow(&t, &c, -1);
	metrics_add_flow(&t, &a2, -1); /* port 80 has its label set already */
	out = render(&t);
	HAS(out, "network_tcp_bytes_sent_total{interface=\"lo\",server_port=\"80\","
		 "role=\"client\"} 15");
	HAS(out, "network_tcp_bytes_sent_total{interface=\"lo\",server_port=\"other\","
		 "role=\"client\"} 50");
	assert_null(strstr(out, "server_port=\"81\""));
	assert_int_equal(t.folded_flows, 2);
	free(out);
	metrics_free(&t);
}

static char *render_rates(const struct metrics_table *t, const struct rate_window *w, int om)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	metrics_write(f, t, w, om);
	fclose(f);
	return out;
}

static void test_openmetrics_and_rates(void **state)
{
	struct metrics_table prev, now;
	struct flow_stats a = flow(80, ROLE_CLIENT, 100, 40), b = flow(80, ROLE_CLIENT, 300, 40);
	struct rate_window w;
	char *out;

	assert_int_equal(metrics_init(&prev, 16), 0);
	assert_int_equal(metrics_init(&now, 16), 0);
	assert_int_equal(rate_window_init(&w, metrics_slots(&now)), 0);
	metrics_add_flow(&prev, &a, -1);
	metrics_add_flow(&now, &b, -1);
	rate_window_push(&w, 5.0, &prev);
	/* One point is no rate yet: the family is there, with no samples. */
	out = render_rates(&now, &w, 0);
	HAS(out, "# TYPE network_tcp_bytes_per_second gauge");
	assert_null(strstr(out, "network_tcp_bytes_per_second{"));
	free(out);
	rate_window_push(&w, 7.0, &now);
	assert_true(rate_window_span(&w) == 2.0);
	out = render_rates(&now, &w, 1);
	/* 300 - 100 bytes sent in 2 s; nothing more received. */
	HAS(out, "network_tcp_bytes_per_second{interface=\"lo\",server_port=\"80\","
		 "role=\"client\",direction=\"sent\"} 100.000");
	HAS(out, "network_tcp_bytes_per_second{interface=\"lo\",server_port=\"80\","
		 "role=\"client\",direction=\"received\"} 0.000");
	/* 3 segments each way in both points. */
	HAS(out, "network_tcp_packets_per_second{interface=\"lo\",server_port=\"80\","
		 "role=\"client\",direction=\"sent\"} 0.000");
	/* OpenMetrics: a counter family is named without _total, its samples with it. */
	HAS(out, "# TYPE network_tcp_bytes_sent counter");
	HAS(out, "network_tcp_bytes_sent_total{interface=\"lo\",server_port=\"80\","
		 "role=\"client\"} 300");
	assert_null(strstr(out, "# TYPE network_tcp_bytes_sent_total"));
	HAS(out, "# TYPE network_tcp_connections_active gauge");
	free(out);
	/* Rendering is reading: a second scraper gets the same rates. */
	out = render_rates(&now, &w, 1);
	HAS(out, "network_tcp_bytes_per_second{interface=\"lo\",server_port=\"80\","
		 "role=\"client\",direction=\"sent\"} 100.000");
	free(out);
	rate_window_free(&w);
	metrics_free(&prev);
	metrics_free(&now);
}

/*
 * The window keeps the last RATE_WINDOW_POINTS sweeps: a burst before them
 * leaves it; a label set the oldest point lacks had nothing then; one the
 * newest lacks (younger than the last sweep) gets no sample.
 */
static void test_rate_window_slides(void **state)
{
	struct rate_window w;
	struct metrics_table t, view;
	struct flow_stats f = flow(80, ROLE_CLIENT, 0, 0), g = flow(443, ROLE_CLIENT, 0, 0);
	struct flow_stats late = flow(8080, ROLE_CLIENT, 5, 0);
	struct series_key k80 = {
		.ifindex = f.ifindex, .server_port = 80, .role = ROLE_CLIENT, .proto = 6
	};
	struct series_key k443 = k80, k8080 = k80;
	double r;
	char *out;
	int i;

	k443.server_port = 443;
	k8080.server_port = 8080;
	assert_int_equal(rate_window_init(&w, 64), 0);
	assert_int_equal(rate_window_rate(&w, &k80, RATE_BYTES, DIR_C2S, &r), -EAGAIN);
	/* t = 0: nothing; t = 1: 1000 bytes at once; then 10 bytes a second up to t = 12. */
	for (i = 0; i <= 12; i++) {
		assert_int_equal(metrics_init(&t, 16), 0);
		f.side[DIR_C2S].bytes = i ? 1000 + 10 * (i - 1) : 0;
		metrics_add_flow(&t, &f, -1);
		if (i >= 5) { /* port 443 from t = 5: 7 bytes a second */
			g.side[DIR_C2S].bytes = 7 * (i - 4);
			metrics_add_flow(&t, &g, -1);
		}
		rate_window_push(&w, i, &t);
		metrics_free(&t);
	}
	/* The points at t = 2 .. 12 are kept: (1110 - 1010) / 10 s. */
	assert_true(rate_window_span(&w) == 10.0);
	assert_int_equal(rate_window_rate(&w, &k80, RATE_BYTES, DIR_C2S, &r), 0);
	assert_true(r == 10.0);
	/* 443 is absent at t = 2: 56 bytes in the 10 s. */
	assert_int_equal(rate_window_rate(&w, &k443, RATE_BYTES, DIR_C2S, &r), 0);
	assert_true(r == 5.6);
	assert_int_equal(rate_window_rate(&w, &k8080, RATE_BYTES, DIR_C2S, &r), -ENOENT);
	/* A scrape's view with a label set the sweeps have not seen yet. */
	assert_int_equal(metrics_init(&view, 16), 0);
	metrics_add_flow(&view, &f, -1);
	metrics_add_flow(&view, &late, -1);
	out = render_rates(&view, &w, 0);
	HAS(out, "network_tcp_bytes_per_second{interface=\"lo\",server_port=\"80\","
		 "role=\"client\",direction=\"sent\"} 10.000");
	assert_null(strstr(out, "network_tcp_bytes_per_second{interface=\"lo\","
				"server_port=\"8080\""));
	HAS(out, "network_tcp_bytes_sent_total{interface=\"lo\",server_port=\"8080\","
		 "role=\"client\"} 5");
	free(out);
	metrics_free(&view);
	rate_window_free(&w);
}

/*
 * A flow in brief (the sweep's view of one that stays) counts its traffic and
 * its being open and live, under the same label set as the whole flow would,
 * and under both roles on a mirror port.
 */
static void test_brief_like_flow(void **state)
{
	struct metrics_table whole, brief;
	struct metrics_mirrors m = { .n = 1 };
	struct flow_stats f = flow(80, ROLE_CLIENT, 100, 40);
	struct series_key k = { .ifindex = f.ifindex, .server_port = 80, .proto = 6 };
	struct flow_brief b;
	const struct series *w, *s;
	int role;

	m.ifindex[0] = f.ifindex;
	flow_brief_of(&f, &b);
	assert_int_equal(b.server_port, 80);
	assert_int_equal(metrics_init(&whole, 16), 0);
	assert_int_equal(metrics_init(&brief, 16), 0);
	whole.mirrors = brief.mirrors = &m;
	metrics_add_flow(&whole, &f, -1);
	metrics_add_brief(&brief, &b);
	assert_int_equal(brief.n, 2);
	for (role = ROLE_CLIENT; role <= ROLE_SERVER; role++) {
		__u32 i, at = 0;

		k.role = role;
		for (i = 0; i < brief.n; i++)
			if (!memcmp(&brief.s[i].key, &k, sizeof(k)))
				at = i;
		s = &brief.s[at];
		w = &whole.s[at];
		assert_memory_equal(&s->key, &k, sizeof(k));
		assert_memory_equal(&w->key, &k, sizeof(k));
		assert_memory_equal(s->bytes, w->bytes, sizeof(s->bytes));
		assert_memory_equal(s->packets, w->packets, sizeof(s->packets));
		assert_int_equal(s->bytes[DIR_C2S], 100);
		assert_int_equal(s->flows, 1);
		assert_int_equal(s->live, 1);
	}
	metrics_free(&whole);
	metrics_free(&brief);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sent_received_by_role),
		cmocka_unit_test(test_udp_families),
		cmocka_unit_test(test_establish_failures),
		cmocka_unit_test(test_histogram_buckets_inclusive),
		cmocka_unit_test(test_cap_folds_into_other),
		cmocka_unit_test(test_openmetrics_and_rates),
		cmocka_unit_test(test_rate_window_slides),
		cmocka_unit_test(test_brief_like_flow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
