// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A request/response pair for overhead measurements: the client sends an
 * HTTP/1.1 request with a body of SIZE bytes and waits for a response with a
 * body of the same size, as fast as it can, on one keep-alive connection.
 * Heads have a fixed length so neither side scans for their end. With --raw,
 * the heads start with bytes of no protocol the socket view knows, for the
 * cost of watching ordinary traffic; the server answers in the client's kind.
 * With --count N the client opens a new connection every N round trips, so
 * that per-connection choices (socket.sample_rate) are drawn many times.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tg.h"

#define BENCH_MAX 65536
#define REQ_HEAD "GET /bench HTTP/1.1\r\nContent-Length: %05zu\r\n\r\n"
#define RSP_HEAD "HTTP/1.1 200 OK\r\nContent-Length: %05zu\r\n\r\n"
#define REQ_HEAD_LEN 46
#define RSP_HEAD_LEN 42
/* The same heads with their first four bytes replaced. */
#define RAW_REQ "RAW!"
#define RAW_RSP "RAW!"
#define CL_AT_END 9 /* the 5 digits end 4 bytes before the head does */

static int serve(int fd)
{
	char head[REQ_HEAD_LEN + 1], body[RSP_HEAD_LEN + BENCH_MAX + 1];
	size_t n;

	for (;;) {
		if (tg_read_full(fd, head, REQ_HEAD_LEN))
			return 0;
		head[REQ_HEAD_LEN] = 0;
		n = strtoul(head + REQ_HEAD_LEN - CL_AT_END, NULL, 10);
		if (n > BENCH_MAX || tg_read_full(fd, body + RSP_HEAD_LEN, n))
			return 1;
		snprintf(body, RSP_HEAD_LEN + 1, RSP_HEAD, n);
		if (!memcmp(head, RAW_REQ, 4))
			memcpy(body, RAW_RSP, 4);
		if (tg_write_all(fd, body, RSP_HEAD_LEN + n))
			return 1;
	}
}

int tg_bench_server(const char *listen)
{
	int ls = tg_listen(listen), fd;

	if (ls < 0) {
		fprintf(stderr, "netobs-trafficgen: listen %s failed\n", listen);
		return 1;
	}
	signal(SIGCHLD, SIG_IGN);
	printf("bench server listening on %s\n", listen);
	fflush(stdout);
	for (;;) {
		fd = accept(ls, NULL, NULL);
		if (fd < 0)
			continue;
		if (fork() == 0) {
			close(ls);
			_exit(serve(fd));
		}
		close(fd);
	}
}

int tg_bench_client(const char *connect, double seconds, size_t size, int raw, long per_conn)
{
	static char req[REQ_HEAD_LEN + BENCH_MAX + 1], rsp[RSP_HEAD_LEN + BENCH_MAX];
	double t0, t;
	long n = 0, conns = 1;
	int fd;

	if (size > BENCH_MAX) {
		fprintf(stderr, "netobs-trafficgen: --size: at most %d bytes\n", BENCH_MAX);
		return 1;
	}
	fd = tg_connect(connect);
	if (fd < 0) {
		fprintf(stderr, "netobs-trafficgen: connect %s failed\n", connect);
		return 1;
	}
	memset(req, 'x', sizeof(req));
	snprintf(req, REQ_HEAD_LEN + 1, REQ_HEAD, size);
	req[REQ_HEAD_LEN] = 'x';
	if (raw)
		memcpy(req, RAW_REQ, 4);
	t0 = tg_now();
	do {
		if (tg_write_all(fd, req, REQ_HEAD_LEN + size) ||
		    tg_read_full(fd, rsp, RSP_HEAD_LEN + size)) {
			fprintf(stderr, "netobs-trafficgen: exchange %ld failed\n", n);
			return 1;
		}
		n++;
		t = tg_now() - t0;
		if (per_conn && n % per_conn == 0 && t < seconds) {
			close(fd);
			fd = tg_connect(connect);
			if (fd < 0) {
				fprintf(stderr, "netobs-trafficgen: connect %s failed\n", connect);
				return 1;
			}
			conns++;
		}
	} while (t < seconds);
	close(fd);
	printf("bench: %ld round trips in %.3f s: %.0f per second (%ld connections)\n", n, t, n / t,
	       conns);
	return 0;
}
