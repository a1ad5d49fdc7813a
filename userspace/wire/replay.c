// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `netobs-xdp replay CAPTURE`: every frame of a capture through the XDP
 * program with BPF_PROG_TEST_RUN, the clock set from each frame's capture
 * timestamp, then one record per flow in first-seen order.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "l7/record.h"
#include "wire/l7_frames.h"
#include "util/endpoint.h"
#include "util/log.h"
#include "util/names.h"
#include "wire/pcap_source.h"
#include "wire/replay.h"
#include "wire/sweep.h"

/* Expired flows are ended every this much capture time, as the agent does live. */
#define REPLAY_SWEEP_NS (1000000000ULL)

/* L7 connections tracked at once in a replay. */
#define REPLAY_L7_CONNS 65536

/* Progress on a terminal: this often, at most. */
#define PROGRESS_NS 250000000ULL

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

int replay_stop_signal(void)
{
	return stop_signal;
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * Frames, flows and rate of a long replay, on one line of a terminal; nothing
 * when stderr is no terminal or the log is quieter than info (-q).
 */
struct progress {
	int on;
	__u64 start, next, shown;
};

static void progress_start(struct progress *pg)
{
	pg->on = isatty(STDERR_FILENO) && log_get_level() >= LOG_INFO;
	pg->start = mono_ns();
	pg->next = pg->start + PROGRESS_NS;
	pg->shown = 0;
}

static void progress_show(struct progress *pg, const char *path, __u64 frames,
			  struct wire_backend *b)
{
	__u64 now, cnt[CNT_MAX];

	if (!pg->on || (frames & 1023))
		return;
	now = mono_ns();
	if (now < pg->next || b->ops->counters(b, cnt))
		return;
	pg->next = now + PROGRESS_NS;
	pg->shown = 1;
	fprintf(stderr, "\rnetobs-xdp: replay: %s: %llu frames, %llu flows, %.0f frames/s\033[K",
		path, frames, cnt[CNT_FLOWS_CREATED], frames / ((now - pg->start) / 1e9));
}

static void progress_end(struct progress *pg)
{
	if (pg->shown)
		fputs("\r\033[K", stderr);
}

struct replay_state {
	struct flow_record *recs;
	size_t n, cap;
	struct l7_record *l7;
	size_t l7_n, l7_cap;
	int l7_err;
	__u64 anomalies[8];
};

static void add_l7(void *ctx, const struct l7_record *r)
{
	struct replay_state *st = ctx;

	if (st->l7_n == st->l7_cap) {
		size_t cap = st->l7_cap ? st->l7_cap * 2 : 256;
		struct l7_record *p = realloc(st->l7, cap * sizeof(*p));

		if (!p) {
			st->l7_err = -ENOMEM;
			return;
		}
		st->l7 = p;
		st->l7_cap = cap;
	}
	st->l7[st->l7_n++] = *r;
}

static int l7_cmp(const void *a, const void *b)
{
	const struct l7_record *x = a, *y = b;

	if (x->req_ns != y->req_ns)
		return x->req_ns < y->req_ns ? -1 : 1;
	return x->resp_ns < y->resp_ns ? -1 : x->resp_ns > y->resp_ns;
}

static void print_l7_table(FILE *out, const struct l7_record *r, size_t n)
{
	char client[64], server[64], status[24];
	size_t i;

	fprintf(out, "\n%-10s %-27s %-27s %-8s %-9s %12s %s\n", "L7", "CLIENT", "SERVER", "COMMAND",
		"STATUS", "LATENCY_us", "REQUEST");
	for (i = 0; i < n; i++, r++) {
		endpoint_str(&r->client, r->client_port, r->family, client, sizeof(client));
		endpoint_str(&r->server, r->server_port, r->family, server, sizeof(server));
		if (r->status_kind == L7_STATUS_CODE)
			snprintf(status, sizeof(status), "%d", r->status_code);
		else
			snprintf(status, sizeof(status), "%s", r->status);
		fprintf(out, "%-10s %-27s %-27s %-8s %-9s %12.1f %.60s\n",
			l7_proto_name(r->protocol), client, server, r->command, status,
			l7_record_latency_us(r), r->request);
	}
}

static int add_record(void *ctx, const struct flow_record *r)
{
	struct replay_state *st = ctx;

	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 1024;
		struct flow_record *p = realloc(st->recs, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		st->recs = p;
		st->cap = cap;
	}
	st->recs[st->n++] = *r;
	return 0;
}

static int on_event(void *ctx, const void *data, size_t len)
{
	struct replay_state *st = ctx;
	const struct anomaly_event *a = data;
	struct flow_record r;
	unsigned int i;

	if (len >= sizeof(struct flow_event) && a->type == EV_FLOW_END) {
		flow_record_from_event(&r, data);
		return add_record(st, &r);
	}
	if (len >= sizeof(*a) && a->type == EV_ANOMALY)
		for (i = 0; i < 8; i++)
			if (a->detail & (1U << i))
				st->anomalies[i]++;
	return 0;
}

static struct wire_backend *open_engine(const struct replay_opts *o, struct replay_state *st)
{
	struct wire_backend *b = NULL;

	if (o->engine != ENGINE_USER) {
		b = wire_bpf_open(&o->wire, on_event, st);
		if (b || o->engine == ENGINE_BPF) {
			if (!b)
				pr_err("cannot load the BPF programs: %s\n", strerror(errno));
			return b;
		}
		pr_warn("cannot load the BPF programs (%s): replaying through the userspace build "
			"of the same engine\n",
			strerror(errno));
	}
	b = wire_user_open(&o->wire, on_event, st);
	if (!b)
		pr_err("cannot start the userspace engine: %s\n", strerror(errno));
	return b;
}

/* Malformed packets skipped; tcp_bad_option is a parse error whose segment still counts. */
static int skips_packet(int counter)
{
	return counter >= CNT_ERR_FIRST && counter < CNT_MAX && counter != CNT_ERR_TCP_OPT;
}

static void report_skips(const struct replay_opts *o, const __u64 cnt[CNT_MAX], __u64 short_frames)
{
	__u64 bad = short_frames, adjusted = 0;
	int i;

	for (i = CNT_ERR_FIRST; i < CNT_MAX; i++)
		bad += skips_packet(i) ? cnt[i] : 0;
	if (bad) {
		fprintf(stderr, "netobs-xdp: replay: %s: skipped %llu malformed packet%s:", o->path,
			bad, bad == 1 ? "" : "s");
		if (short_frames)
			fprintf(stderr, " shorter_than_link_header=%llu", short_frames);
		for (i = CNT_ERR_FIRST; i < CNT_MAX; i++)
			if (cnt[i] && skips_packet(i))
				fprintf(stderr, " %s=%llu", counter_name(i), cnt[i]);
		fputc('\n', stderr);
	}
	for (i = CNT_ADJ_FIRST; i <= CNT_ADJ_LAST; i++)
		adjusted += cnt[i];
	adjusted += cnt[CNT_ERR_TCP_OPT];
	if (!adjusted)
		return;
	fprintf(stderr, "netobs-xdp: replay: %s: counted %llu packet%s after a fix-up:", o->path,
		adjusted, adjusted == 1 ? "" : "s");
	for (i = CNT_ADJ_FIRST; i <= CNT_ADJ_LAST; i++)
		if (cnt[i])
			fprintf(stderr, " %s=%llu", counter_name(i), cnt[i]);
	if (cnt[CNT_ERR_TCP_OPT])
		fprintf(stderr, " %s=%llu", counter_name(CNT_ERR_TCP_OPT), cnt[CNT_ERR_TCP_OPT]);
	fputc('\n', stderr);
}

int replay_run(const struct replay_opts *o)
{
	struct replay_state st = { 0 };
	struct wire_backend *b = NULL;
	struct l7_wire l7;
	struct pcap_source *src;
	struct pcap_frame f;
	__u64 cnt[CNT_MAX] = { 0 }, frames = 0, last_ts = 0, next_sweep = 0;
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	struct progress pg = { 0 };
	char err[512];
	size_t i;
	int rc;

	src = pcap_source_open(o->path, PCAP_SOURCE_MAX_FRAME, err, sizeof(err));
	if (!src) {
		pr_err("replay: %s\n", err);
		return -EINVAL;
	}
	rc = l7_wire_init(&l7, &o->l7, REPLAY_L7_CONNS, add_l7, &st);
	if (rc) {
		pcap_source_close(src);
		return rc;
	}
	b = open_engine(o, &st);
	if (!b) {
		rc = -errno;
		goto cleanup;
	}
	pr_debug("replay: %s (%s) through the %s\n", o->path, pcap_source_linktype(src),
		 b->ops->name);

	/* Interrupted, replay still reports what it read so far. */
	stop_signal = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	progress_start(&pg);
	while (!stop_signal && (rc = pcap_source_next(src, &f, err, sizeof(err))) == 1) {
		frames++;
		progress_show(&pg, o->path, frames, b);
		last_ts = f.ts_ns;
		if (!next_sweep)
			next_sweep = f.ts_ns + REPLAY_SWEEP_NS;
		rc = b->ops->run(b, f.data, f.len, f.wire_len, f.ts_ns);
		if (!o->no_l7)
			l7_wire_frame(&l7, f.data, f.len, f.ts_ns);
		if (!rc)
			rc = b->ops->poll(b);
		if (!rc && f.ts_ns >= next_sweep) {
			rc = wire_sweep(b, f.ts_ns, &o->wire.timeouts, 0, add_record, &st, NULL);
			next_sweep = f.ts_ns + REPLAY_SWEEP_NS;
		}
		if (rc < 0) {
			pr_err("replay: %s: frame %llu: %s\n", o->path, frames, strerror(-rc));
			goto cleanup;
		}
	}
	progress_end(&pg);
	if (rc < 0) {
		pr_err("replay: %s: %s\n", o->path, err);
		rc = -EIO;
		goto cleanup;
	}
	if (stop_signal)
		pr_warn("replay: %s: %s after %llu frames: the records so far follow\n", o->path,
			strsignal(stop_signal), frames);
	if (pcap_source_truncated(src))
		pr_warn("replay: %s: the capture ends inside a record (cut short, as when tcpdump "
			"is killed): the %llu whole frames before it were replayed\n",
			o->path, frames);
	if (pcap_source_other_link_frames(src))
		pr_warn("replay: %s: %llu frames of interfaces with a link type we do not read "
			"were skipped\n",
			o->path, pcap_source_other_link_frames(src));
	rc = b->ops->poll(b);
	if (!rc)
		rc = wire_sweep(b, last_ts, &o->wire.timeouts, 1, add_record, &st, NULL);
	if (!rc)
		rc = b->ops->poll(b);
	if (rc < 0) {
		pr_err("replay: %s: %s\n", o->path, strerror(-rc));
		goto cleanup;
	}
	rc = b->ops->counters(b, cnt);
	if (rc < 0)
		goto cleanup;

	l7_wire_finish(&l7);
	if (st.l7_err) {
		rc = st.l7_err;
		goto cleanup;
	}
	if (st.n) /* qsort(NULL, 0) is undefined */
		qsort(st.recs, st.n, sizeof(*st.recs), flow_record_cmp);
	if (st.l7_n)
		qsort(st.l7, st.l7_n, sizeof(*st.l7), l7_cmp);
	if (o->format == REPLAY_TABLE)
		flow_record_table_header(o->out);
	for (i = 0; i < st.n; i++) {
		if (o->format == REPLAY_JSON)
			flow_record_json(o->out, &st.recs[i], NULL);
		else
			flow_record_table_row(o->out, &st.recs[i]);
	}
	if (o->format == REPLAY_JSON)
		for (i = 0; i < st.l7_n; i++)
			l7_record_print(o->out, &st.l7[i]);
	else if (st.l7_n)
		print_l7_table(o->out, st.l7, st.l7_n);
	fflush(o->out);
	pr_info("replay: %s: %llu frames (%s), %zu flows, %zu L7 records, engine: %s\n", o->path,
		frames, pcap_source_linktype(src), st.n, st.l7_n, b->ops->name);
	if (l7.tab.full)
		pr_warn("replay: %s: L7: %llu packets of connections beyond the %u tracked at once "
			"were not parsed\n",
			o->path, l7.tab.full, REPLAY_L7_CONNS);
	if (l7.stats.unmatched_responses || l7.stats.dropped_requests)
		pr_info("replay: %s: L7: %llu responses without a request seen, %llu requests "
			"without a response\n",
			o->path, l7.stats.unmatched_responses, l7.stats.dropped_requests);
	report_skips(o, cnt, pcap_source_short_frames(src));
	if (cnt[CNT_NON_IP] || cnt[CNT_OTHER_L4] || cnt[CNT_FRAGMENTS])
		pr_info("replay: %s: not TCP/UDP flows, passed and counted: %s=%llu %s=%llu "
			"%s=%llu\n",
			o->path, counter_name(CNT_NON_IP), cnt[CNT_NON_IP],
			counter_name(CNT_OTHER_L4), cnt[CNT_OTHER_L4], counter_name(CNT_FRAGMENTS),
			cnt[CNT_FRAGMENTS]);
	if (cnt[CNT_FLOW_TABLE_FULL])
		pr_warn("replay: %s: flow table full: %llu"
			" packets not tracked (raise --max-flows)\n",
			o->path, cnt[CNT_FLOW_TABLE_FULL]);
	if (cnt[CNT_RINGBUF_FULL])
		pr_warn("replay: %s: ring buffer full: %llu events lost\n", o->path,
			cnt[CNT_RINGBUF_FULL]);
	if (cnt[CNT_GAP_FORGOTTEN])
		pr_warn("replay: %s: %llu sequence gaps given up (more than %d open at once on a "
			"side): a late fill of one counts as a retransmission\n",
			o->path, cnt[CNT_GAP_FORGOTTEN], SEQ_HOLES);
	rc = stop_signal ? -EINTR : 0;

cleanup:
	if (pg.start) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	l7_wire_finish(&l7);
	wire_backend_destroy(b);
	pcap_source_close(src);
	free(st.recs);
	free(st.l7);
	return rc;
}
