// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The bodies the HTTP server serves, from the export state the agent keeps. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "export/prom_label.h"
#include "export/render.h"
#include "wire/flow_record.h"
#include "util/names.h"
#include "wire/flow.h"

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int om; /* OpenMetrics for this scrape; scrapes are serialised by scrape_lock */
static pthread_mutex_t scrape_lock = PTHREAD_MUTEX_INITIALIZER;

int export_state_init(struct export_state *st, __u32 max_label_sets)
{
	memset(st, 0, sizeof(*st));
	pthread_mutex_init(&st->lock, NULL);
	if (metrics_init(&st->ended, max_label_sets) ||
	    rate_window_init(&st->rates, metrics_slots(&st->ended)) ||
	    l7_sink_init(&st->l7, max_label_sets)) {
		export_state_free(st);
		return -ENOMEM;
	}
	return 0;
}

void export_state_free(struct export_state *st)
{
	metrics_free(&st->ended);
	rate_window_free(&st->rates);
	l7_sink_free(&st->l7);
	pthread_mutex_destroy(&st->lock);
}

int export_state_drain(struct export_state *st)
{
	int err;

	pthread_mutex_lock(&st->lock);
	err = st->engine->ops->poll(st->engine);
	pthread_mutex_unlock(&st->lock);
	return err;
}

static void metric_head(FILE *f, const char *name, const char *type, const char *help)
{
	prom_head(f, name, type, help, om);
}

static int add_live(void *ctx, const struct flow_stats *s)
{
	return metrics_add_flow(ctx, s, -1);
}

static int add_hists(void *ctx, const struct lat_key *k, const struct lat_hist *h)
{
	return metrics_add_lat(ctx, k, h);
}

/*
 * Ended flows (drained from the ring buffer first, so a flow the datapath
 * just restarted is not missing from both) plus the flows in the table, and
 * the latency histograms the datapath keeps per label set.
 */
static int metrics_view(struct export_state *st, struct metrics_table *view)
{
	int err = export_state_drain(st);

	if (err)
		return err;
	err = metrics_init(view, st->ended.cap);
	if (err)
		return err;
	pthread_mutex_lock(&st->lock);
	err = metrics_copy(view, &st->ended);
	pthread_mutex_unlock(&st->lock);
	if (!err)
		err = st->engine->ops->for_each_flow(st->engine, add_live, view);
	if (!err && st->engine->ops->for_each_hist)
		err = st->engine->ops->for_each_hist(st->engine, add_hists, view);
	if (err)
		metrics_free(view);
	return err;
}

/* The socket view's figures: L7 metrics, response times, and its own counters. */
static void socket_metrics(FILE *f, struct export_state *st)
{
	static const char *const names[SCNT_MAX] = {
		[SCNT_CALLS] = "socket_calls",
		[SCNT_SNIPPETS] = "snippets",
		[SCNT_FILTERED] = "no_signature",
		[SCNT_RINGBUF_FULL] = "ringbuf_full",
		[SCNT_READ_FAULT] = "read_fault",
		[SCNT_STATE_EVENTS] = "socket_closed",
		[SCNT_TCP_EVENTS] = "tcp_events",
		[SCNT_SAMPLED] = "connection_sampled",
		[SCNT_SAMPLED_OUT] = "connection_sampled_out",
	};
	__u64 c[SCNT_MAX];
	const struct l7_stats *ls;
	int i;

	pthread_mutex_lock(&st->lock);
	l7_sink_write_metrics(f, &st->l7, om);
	metric_head(f, "netobs_socket_view_enabled", "gauge",
		    "1 when the socket probes are loaded and attached.");
	fprintf(f, "netobs_socket_view_enabled %d\n", !!st->sv);
	if (st->sv) {
		metric_head(f, "netobs_socket_sample_rate_percent", "gauge",
			    "Percent of connections the socket view traces (socket.sample_rate), "
			    "each drawn once; see netobs_socket_probe_events_total's "
			    "connection_sampled and connection_sampled_out.");
		fprintf(f, "netobs_socket_sample_rate_percent %u\n", st->sock_sample_pct);
		sock_view_counters(st->sv, c);
		ls = sock_view_l7_stats(st->sv);
		metric_head(f, "netobs_socket_probe_events_total", "counter",
			    "What the socket probes did, by kind (ringbuf_full: snippets lost).");
		for (i = 0; i < SCNT_MAX; i++)
			fprintf(f, "netobs_socket_probe_events_total{kind=\"%s\"} %llu\n", names[i],
				c[i]);
		metric_head(f, "netobs_l7_unpaired_total", "counter",
			    "L7 messages that made no record: responses with no request seen, "
			    "requests never answered (or skipped by the server).");
		fprintf(f, "netobs_l7_unpaired_total{kind=\"response\"} %llu\n",
			ls->unmatched_responses);
		fprintf(f, "netobs_l7_unpaired_total{kind=\"request\"} %llu\n",
			ls->dropped_requests);
		metric_head(f, "netobs_l7_untracked_snippets_total", "counter",
			    "Snippets not parsed: their socket came when the table of L7 "
			    "connections was full.");
		fprintf(f, "netobs_l7_untracked_snippets_total %llu\n",
			sock_view_untracked(st->sv));
	}
	pthread_mutex_unlock(&st->lock);
}

/* The NDJSON record stream's figures (--records-out), when there is one. */
static void records_metrics(FILE *f, struct export_state *st)
{
	struct record_stream_stats rs;
	const char *k = st->records_sink;

	if (!st->records)
		return;
	record_stream_stats(st->records, &rs);
	metric_head(f, "netobs_export_records_total", "counter",
		    "Records (flow ends, interim flow records, L7 records) the sink took.");
	fprintf(f, "netobs_export_records_total{sink=\"%s\"} %llu\n", k, rs.written);
	metric_head(f, "netobs_export_dropped_total", "counter",
		    "Records dropped because the queue was full (the sink slow or away), or "
		    "still queued at exit.");
	fprintf(f, "netobs_export_dropped_total{sink=\"%s\"} %llu\n", k, rs.dropped);
	metric_head(f, "netobs_export_connects_total", "counter",
		    "Connections to the sink made (for a file: opens, rotations included).");
	fprintf(f, "netobs_export_connects_total{sink=\"%s\"} %llu\n", k, rs.connects);
	metric_head(f, "netobs_export_connected", "gauge",
		    "1 while the sink is connected (or the file open).");
	fprintf(f, "netobs_export_connected{sink=\"%s\"} %d\n", k, rs.connected);
}

int exporter_metrics_text(struct export_state *st, int openmetrics, char **out, size_t *len)
{
	char kernel[PROM_LABEL_MAX(sizeof(((struct utsname *)0)->release))];
	struct utsname uts;

	struct wire_backend *b = st->engine;
	struct metrics_table viewbuf, *view = &viewbuf;
	__u64 cnt[CNT_MAX];
	double t0 = mono_s();
	FILE *f;
	int i, err;

	uname(&uts);
	pthread_mutex_lock(&scrape_lock);
	om = openmetrics;
	err = b->ops->counters(b, cnt);
	if (!err)
		err = metrics_view(st, view);
	if (err)
		goto unlock;
	f = open_memstream(out, len);
	if (!f) {
		metrics_free(view);
		err = -errno;
		goto unlock;
	}

	metric_head(f, "netobs_build_info", "gauge",
		    "1, with the agent's version and commit, the libbpf and libxdp it was built "
		    "with, and the kernel it runs on.");
	fprintf(f,
		"netobs_build_info{version=\"%s\",commit=\"%s\",libbpf=\"%s\",libxdp=\"%s\","
		"kernel=\"%s\"} 1\n",
		NETOBS_VERSION, NETOBS_COMMIT, libbpf_version_string(), LIBXDP_VERSION,
		prom_label(kernel, sizeof(kernel), uts.release));
	metric_head(f, "netobs_program_runs_total", "counter",
		    "Packets the XDP and TC programs ran on.");
	fprintf(f, "netobs_program_runs_total %llu\n", cnt[CNT_PACKETS]);
	metric_head(f, "netobs_packets_tracked_total", "counter",
		    "Packets accounted to a TCP or UDP flow.");
	fprintf(f, "netobs_packets_tracked_total %llu\n", cnt[CNT_FLOW_PACKETS]);
	metric_head(f, "netobs_packets_untracked_total", "counter",
		    "Packets passed without a flow, by reason.");
	for (i = CNT_NON_IP; i <= CNT_FRAGMENTS; i++)
		fprintf(f, "netobs_packets_untracked_total{reason=\"%s\"} %llu\n", counter_name(i),
			cnt[i]);
	for (i = CNT_FLOW_TABLE_FULL; i <= CNT_FLOW_BUSY; i++)
		fprintf(f, "netobs_packets_untracked_total{reason=\"%s\"} %llu\n", counter_name(i),
			cnt[i]);
	metric_head(f, "netobs_sampling_rate_percent", "gauge",
		    "Percent of flows tracked (ebpf.sampling_rate); the others pass untracked.");
	fprintf(f, "netobs_sampling_rate_percent %u\n", st->sampling_pct);
	metric_head(f, "netobs_packets_adjusted_total", "counter",
		    "Packets accounted after a fix-up of what their headers claim, by reason "
		    "(an IP length of 0 taken from the frame, or one past the frame or the PPPoE "
		    "payload bounded by it; TCP options cut off by a snapshot length).");
	for (i = CNT_ADJ_FIRST; i <= CNT_ADJ_LAST; i++)
		fprintf(f, "netobs_packets_adjusted_total{reason=\"%s\"} %llu\n", counter_name(i),
			cnt[i]);
	metric_head(f, "netobs_attached", "gauge",
		    "1 while the agent's programs are attached to the interface and it exists, "
		    "0 once it finds them gone (see /healthz for why).");
	pthread_mutex_lock(&st->lock);
	for (i = 0; i < st->n_ifaces; i++) {
		char esc[PROM_LABEL_MAX(sizeof(st->ifaces[i].name))];

		fprintf(f, "netobs_attached{interface=\"%s\"} %d\n",
			prom_label(esc, sizeof(esc), st->ifaces[i].name), st->ifaces[i].attached);
	}
	pthread_mutex_unlock(&st->lock);
	metric_head(f, "netobs_parse_errors_total", "counter",
		    "Malformed packets, passed untouched, by reason (a segment with a bad TCP "
		    "option, tcp_bad_option, still counts in its flow).");
	for (i = CNT_ERR_FIRST; i < CNT_MAX; i++)
		fprintf(f, "netobs_parse_errors_total{reason=\"%s\"} %llu\n", counter_name(i),
			cnt[i]);
	metric_head(f, "netobs_flows_created_total", "counter", "Flows created in the table.");
	fprintf(f, "netobs_flows_created_total %llu\n", cnt[CNT_FLOWS_CREATED]);
	metric_head(f, "netobs_flows_evicted_total", "counter",
		    "Flows ended and removed, by where: the datapath (expired or reused "
		    "5-tuple) or the agent's sweep.");
	fprintf(f, "netobs_flows_evicted_total{by=\"datapath\"} %llu\n", cnt[CNT_FLOWS_EVICTED]);
	pthread_mutex_lock(&st->lock);
	fprintf(f, "netobs_flows_evicted_total{by=\"sweep\"} %llu\n", st->ended_by_sweep);
	metric_head(f, "netobs_flow_table_entries", "gauge",
		    "Flows in the table at the last sweep.");
	fprintf(f, "netobs_flow_table_entries %llu\n", st->flows_live);
	metric_head(f, "netobs_flow_table_capacity", "gauge", "Size of the flow table.");
	fprintf(f, "netobs_flow_table_capacity %u\n", st->max_flows);
	metric_head(f, "netobs_flow_reads_busy_total", "counter",
		    "Flows left out of one read of the table (a scrape, /flows, the sweep) "
		    "because the datapath held their lock throughout.");
	fprintf(f, "netobs_flow_reads_busy_total %llu\n", cnt[CNT_DUMP_BUSY]);
	metric_head(f, "netobs_ringbuf_drops_total", "counter",
		    "Flow-end and anomaly events lost because the ring buffer was full.");
	fprintf(f, "netobs_ringbuf_drops_total %llu\n", cnt[CNT_RINGBUF_FULL]);
	metric_head(f, "netobs_seq_gaps_forgotten_total", "counter",
		    "Gaps in a TCP side's sequence space given up because every one of its "
		    "gap slots was open; a late fill of one counts as a retransmission.");
	fprintf(f, "netobs_seq_gaps_forgotten_total %llu\n", cnt[CNT_GAP_FORGOTTEN]);
	metric_head(f, "netobs_latency_samples_misplaced_total", "counter",
		    "Data RTT, SRT and ART samples not in their own label set's histograms: "
		    "folded into the interface's server_port=\"other\" set because the "
		    "datapath's latency label sets (2 x labels.max_label_sets + 64) were all "
		    "taken, or lost when even that set had none.");
	fprintf(f, "netobs_latency_samples_misplaced_total{reason=\"folded\"} %llu\n",
		cnt[CNT_LAT_FOLDED]);
	fprintf(f, "netobs_latency_samples_misplaced_total{reason=\"lost\"} %llu\n",
		cnt[CNT_LAT_LOST]);

	pthread_mutex_unlock(&st->lock);
	metric_head(f, "netobs_label_sets", "gauge",
		    "Label sets of the network_tcp_* metrics, and their cap (beyond it, new "
		    "server ports fold into server_port=\"other\").");
	fprintf(f, "netobs_label_sets{kind=\"used\"} %u\n", view->n);
	fprintf(f, "netobs_label_sets{kind=\"cap\"} %u\n", view->cap);
	metric_head(f, "netobs_label_folded_flows", "gauge",
		    "Flows counted under server_port=\"other\" because of the cap.");
	fprintf(f, "netobs_label_folded_flows %llu\n", view->folded_flows);
	pthread_mutex_lock(&st->lock);
	metric_head(f, "netobs_rate_window_seconds", "gauge",
		    "Time the *_per_second gauges are measured over: from the oldest to the "
		    "newest of the last sweeps kept (0 until the second sweep).");
	fprintf(f, "netobs_rate_window_seconds %.3f\n", rate_window_span(&st->rates));
	metrics_write(f, view, &st->rates, openmetrics);
	pthread_mutex_unlock(&st->lock);
	socket_metrics(f, st);
	records_metrics(f, st);
	metric_head(f, "netobs_scrape_duration_seconds", "gauge",
		    "Time this scrape took to gather the figures above.");
	fprintf(f, "netobs_scrape_duration_seconds %.6f\n", mono_s() - t0);
	if (openmetrics)
		fputs("# EOF\n", f);
	metrics_free(view);
	err = fclose(f) ? -errno : 0;
unlock:
	pthread_mutex_unlock(&scrape_lock);
	return err;
}

static __u64 flow_bytes(const struct flow_record *r)
{
	return r->s.side[0].bytes + r->s.side[1].bytes;
}

/* Order of /flows: more bytes first, then first seen. */
static int by_bytes_desc(const void *a, const void *b)
{
	__u64 x = flow_bytes(a), y = flow_bytes(b);

	if (x != y)
		return x > y ? -1 : 1;
	return flow_record_cmp(a, b);
}

/*
 * The @limit largest flows, in a min-heap on that order: memory follows the
 * limit, not the table (100k flows would be 100 MB of records).
 */
struct top_flows {
	struct flow_record *r;
	size_t n, limit;
};

static void heap_down(struct top_flows *t, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < t->n && by_bytes_desc(&t->r[l], &t->r[m]) > 0)
			m = l;
		if (l + 1 < t->n && by_bytes_desc(&t->r[l + 1], &t->r[m]) > 0)
			m = l + 1;
		if (m == i)
			return;
		struct flow_record tmp = t->r[i];

		t->r[i] = t->r[m];
		t->r[m] = tmp;
		i = m;
	}
}

static void heap_up(struct top_flows *t, size_t i)
{
	while (i && by_bytes_desc(&t->r[i], &t->r[(i - 1) / 2]) > 0) {
		struct flow_record tmp = t->r[i];

		t->r[i] = t->r[(i - 1) / 2];
		t->r[(i - 1) / 2] = tmp;
		i = (i - 1) / 2;
	}
}

static int collect_flow(void *ctx, const struct flow_stats *s)
{
	struct top_flows *t = ctx;
	struct flow_record r;

	r.s = *s;
	flow_finish(&r.s, r.s.last_seen_ns);
	r.close_type = flow_close_type(&r.s, END_FORCED);
	if (t->n < t->limit) {
		t->r[t->n++] = r;
		heap_up(t, t->n - 1);
	} else if (by_bytes_desc(&r, &t->r[0]) < 0) {
		t->r[0] = r; /* larger than the smallest kept */
		heap_down(t, 0);
	}
	return 0;
}

int exporter_flows_ndjson(struct export_state *st, unsigned int limit, char **out, size_t *len)
{
	struct top_flows t = { .limit = limit };
	FILE *f;
	size_t i;
	int err;

	t.r = malloc(limit * sizeof(*t.r));
	if (!t.r)
		return -ENOMEM;
	err = st->engine->ops->for_each_flow(st->engine, collect_flow, &t);
	if (err) {
		free(t.r);
		return err;
	}
	qsort(t.r, t.n, sizeof(*t.r), by_bytes_desc);
	f = open_memstream(out, len);
	if (!f) {
		free(t.r);
		return -errno;
	}
	pthread_mutex_lock(&st->lock); /* the socket view changes under it */
	for (i = 0; i < t.n; i++) {
		struct flow_socket fs;
		int known = st->sv && sock_view_flow_socket(st->sv, &t.r[i].s.key, &fs);

		flow_record_json(f, &t.r[i], known ? &fs : NULL);
	}
	pthread_mutex_unlock(&st->lock);
	free(t.r);
	return fclose(f) ? -errno : 0;
}

int exporter_l7_ndjson(struct export_state *st, unsigned int limit, char **out, size_t *len)
{
	FILE *f = open_memstream(out, len);
	int err;

	if (!f)
		return -errno;
	pthread_mutex_lock(&st->lock);
	err = l7_sink_ndjson(&st->l7, limit, f);
	pthread_mutex_unlock(&st->lock);
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

int exporter_health_text(struct export_state *st, char **out, size_t *len)
{
	FILE *f = open_memstream(out, len);
	int i, bad = 0;

	if (!f)
		return -errno;
	pthread_mutex_lock(&st->lock);
	for (i = 0; i < st->n_ifaces; i++) {
		if (st->ifaces[i].attached)
			continue;
		fprintf(f, "%s: %s\n", st->ifaces[i].name, st->ifaces[i].why);
		bad++;
	}
	pthread_mutex_unlock(&st->lock);
	if (!bad)
		fputs("ok\n", f);
	if (fclose(f))
		return -errno;
	return !bad;
}
