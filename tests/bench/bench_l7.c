// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * L7 pipeline figures for make bench.
 *   bench_l7 consume SECONDS [stats] [sample=PCT]
 *                              load the socket probes, count what arrives until
 *                              SIGINT or SECONDS: snippets, records, ring-buffer
 *                              drops; with "stats", also the probes' own run time
 *                              per traced call, from the kernel's BPF statistics;
 *                              with sample=PCT, socket.sample_rate PCT
 *   bench_l7 parse N           the userspace half alone: N HTTP request and
 *                              response snippets through the parser and pairing
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "util/log.h"
#include "socket/sock_view.h"

static unsigned long long records;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void on_l7(void *ctx, const struct l7_record *r)
{
	records++;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int consume(double seconds, int stats, unsigned int sample_pct)
{
	struct sock_view_sink sink = { .l7 = on_l7 };
	struct timespec tick = { 0, 1000000 };
	struct sock_view_opts o;
	struct sock_view *sv;
	__u64 c[SCNT_MAX], run_ns, calls;
	int stats_fd = -1;
	double end;

	sock_view_opts_default(&o);
	/* Room for this machine's stalls: a few hundred ms of snippets at full rate. */
	o.ringbuf_bytes = 64U << 20;
	o.sample_pct = sample_pct;
	log_set_level(LOG_ERROR);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* The kernel times every program run while this descriptor is open. */
	if (stats && (stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME)) < 0) {
		perror("bench_l7: BPF run-time statistics");
		return 1;
	}
	sv = sock_view_open(&o, &sink);
	if (!sv)
		return 1;
	printf("ready\n");
	fflush(stdout);
	end = now() + seconds;
	while (!stop && now() < end) {
		sock_view_poll(sv);
		nanosleep(&tick, NULL);
	}
	sock_view_poll(sv);
	sock_view_counters(sv, c);
	printf("snippets %llu records %llu drops %llu", c[SCNT_SNIPPETS], records,
	       c[SCNT_RINGBUF_FULL]);
	if (stats && !sock_view_probe_cost(sv, &run_ns, &calls))
		printf(" ns_per_call %.0f calls %llu", calls ? (double)run_ns / calls : 0.0, calls);
	printf("\n");
	sock_view_close(sv);
	if (stats_fd >= 0)
		close(stats_fd);
	return 0;
}

static int parse(long n)
{
	static const char req[] = "GET /bench HTTP/1.1\r\nHost: bench\r\nContent-Length: 0\r\n\r\n";
	static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 128\r\n\r\n";
	struct netobs_addr a = { { 0, 0, 0, 1 } }, b = { { 0, 0, 0, 2 } };
	struct l7_stats st = { 0 };
	struct l7_options o;
	struct l7_conn *c = malloc(sizeof(*c));
	double t0;
	long i;

	if (!c)
		return 1;
	l7_options_default(&o);
	l7_conn_init(c, &o, 1, 4, &a, 40000, &b, 80);
	t0 = now();
	for (i = 0; i < n; i++) {
		l7_conn_feed(c, DIR_C2S, (const __u8 *)req, sizeof(req) - 1, sizeof(req) - 1, i * 2,
			     on_l7, NULL, &st);
		/* the response's body is beyond the snippet, as a socket probe sends it */
		l7_conn_feed(c, DIR_S2C, (const __u8 *)rsp, sizeof(rsp) - 1, sizeof(rsp) - 1 + 128,
			     i * 2 + 1, on_l7, NULL, &st);
	}
	printf("BENCH l7_parse_events_per_s %.0f snippets/s (%llu records from %ld pairs)\n",
	       2 * n / (now() - t0), records, n);
	free(c);
	return records == (unsigned long long)n ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "consume")) {
		unsigned int pct = 100;
		int i, stats = 0;

		for (i = 3; i < argc; i++) {
			if (!strcmp(argv[i], "stats"))
				stats = 1;
			else if (sscanf(argv[i], "sample=%u", &pct) != 1 || pct < 1 || pct > 100)
				break;
		}
		if (i == argc)
			return consume(atof(argv[2]), stats, pct);
	}
	if (argc == 3 && !strcmp(argv[1], "parse"))
		return parse(atol(argv[2]));
	fprintf(stderr, "usage: bench_l7 consume SECONDS [stats] [sample=1-100] | parse N\n");
	return 2;
}
