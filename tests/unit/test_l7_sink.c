// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The L7 sink's label sets: each (protocol, status class, side, process, pod)
 * counts its own records, and past the cap new processes fold into "other"
 * while the sets already there keep counting. Counts are known by construction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "export/l7_sink.h"

#define CAP 8

static struct l7_record rec(int protocol, int status, const char *comm, const char *pod)
{
	struct l7_record r;

	memset(&r, 0, sizeof(r));
	r.protocol = protocol;
	r.status_kind = L7_STATUS_CODE;
	r.status_code = status;
	r.is_error = status >= 400;
	r.side = L7_SIDE_SERVER;
	r.req_ns = 1000;
	r.resp_ns = 3000;
	r.has_proc = 1;
	snprintf(r.proc.comm, sizeof(r.proc.comm), "%s", comm);
	snprintf(r.proc.pod_name, sizeof(r.proc.pod_name), "%s", pod);
	return r;
}

/* The value of the sample line that starts with `series` (not a HELP or TYPE line), or -1. */
static long long sample(const char *text, const char *series)
{
	char line[512];
	const char *p;

	snprintf(line, sizeof(line), "\n%s", series);
	p = strstr(text, line);
	return p ? atoll(p + strlen(line)) : -1;
}

static char *metrics(const struct l7_sink *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	l7_sink_write_metrics(f, s, 0);
	fclose(f);
	return buf;
}

static void test_sets_and_fold(void **state)
{
	struct l7_sink s;
	struct l7_record r;
	char comm[16], *m;
	int i, n;

	assert_int_equal(l7_sink_init(&s, CAP), 0);
	/* 3 processes in pod web-0, each with i + 1 answers of 200 and one 404 */
	for (i = 0; i < 3; i++) {
		snprintf(comm, sizeof(comm), "app%d", i);
		for (n = 0; n <= i; n++) {
			r = rec(L7_HTTP, 200, comm, "web-0");
			l7_sink_add(&s, &r);
		}
		r = rec(L7_HTTP, 404, comm, "web-0");
		l7_sink_add(&s, &r);
	}
	/* the same process names in another pod are sets of their own */
	for (n = 0; n < 2; n++) {
		r = rec(L7_HTTP, 200, "app0", "web-9");
		l7_sink_add(&s, &r);
	}
	r = rec(L7_HTTP, 404, "app1", "web-9");
	l7_sink_add(&s, &r);
	assert_int_equal(s.n_req, CAP);
	/* past the cap: new processes fold, a known one keeps its own set */
	for (i = 0; i < 5; i++) {
		snprintf(comm, sizeof(comm), "late%d", i);
		r = rec(L7_HTTP, 200, comm, "web-1");
		l7_sink_add(&s, &r);
	}
	r = rec(L7_HTTP, 200, "app2", "web-0");
	l7_sink_add(&s, &r);
	r = rec(L7_HTTP, 503, "late9", "web-1");
	l7_sink_add(&s, &r);
	assert_int_equal(s.folded, 6);
	assert_int_equal(s.n_req, CAP + 2); /* "other" for 2xx and for 5xx */

	m = metrics(&s);
	assert_int_equal(sample(m,
				"network_l7_requests_total{protocol=\"http\",status_class=\"2xx\","
				"side=\"server\",process=\"app0\",pod=\"web-0\"} "),
			 1);
	assert_int_equal(sample(m,
				"network_l7_requests_total{protocol=\"http\",status_class=\"2xx\","
				"side=\"server\",process=\"app0\",pod=\"web-9\"} "),
			 2);
	assert_int_equal(sample(m,
				"network_l7_requests_total{protocol=\"http\",status_class=\"2xx\","
				"side=\"server\",process=\"app2\",pod=\"web-0\"} "),
			 4);
	assert_int_equal(sample(m,
				"network_l7_requests_total{protocol=\"http\",status_class=\"4xx\","
				"side=\"server\",process=\"app1\",pod=\"web-9\"} "),
			 1);
	assert_int_equal(sample(m,
				"network_l7_requests_total{protocol=\"http\",status_class=\"2xx\","
				"side=\"server\",process=\"other\",pod=\"other\"} "),
			 5);
	assert_int_equal(sample(m,
				"network_l7_requests_total{protocol=\"http\",status_class=\"5xx\","
				"side=\"server\",process=\"other\",pod=\"other\"} "),
			 1);
	/* Errors by the side that saw them: all at the server's sockets here. */
	assert_int_equal(sample(m, "network_l7_errors_total{protocol=\"http\",side=\"server\"} "),
			 5);
	assert_int_equal(sample(m, "network_l7_errors_total{protocol=\"http\",side=\"client\"} "),
			 0);
	assert_int_equal(sample(m, "netobs_l7_label_folded_total "), 6);
	free(m);
	l7_sink_free(&s);
}

static void test_srt_fold(void **state)
{
	struct proc_ctx p;
	struct l7_sink s;
	char *m;
	int i;

	assert_int_equal(l7_sink_init(&s, CAP), 0);
	memset(&p, 0, sizeof(p));
	for (i = 0; i < CAP + 3; i++) {
		snprintf(p.comm, sizeof(p.comm), "srv%d", i);
		l7_sink_srt(&s, &p, L7_REDIS, 1000 * (__u64)(i + 1));
		l7_sink_srt(&s, &p, L7_REDIS, 1000 * (__u64)(i + 1));
	}
	snprintf(p.comm, sizeof(p.comm), "srv0");
	l7_sink_srt(&s, &p, L7_REDIS, 5000);
	assert_int_equal(s.n_srt, CAP + 1);
	m = metrics(&s);
	assert_int_equal(sample(m, "network_socket_srt_microseconds_count{protocol=\"redis\","
				   "process=\"srv0\",pod=\"\"} "),
			 3);
	assert_int_equal(sample(m, "network_socket_srt_microseconds_count{protocol=\"redis\","
				   "process=\"other\",pod=\"other\"} "),
			 6);
	free(m);
	l7_sink_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sets_and_fold),
		cmocka_unit_test(test_srt_fold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
