// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The socket probes on this kernel: the kprobe variants pass the verifier;
 * the tracepoint variants attach, and a keep-alive HTTP exchange over
 * loopback by a child process comes back as exactly its two records, with
 * the child's pid and comm, and a server response time per request.
 *
 * Each CPU has its own ring buffer, so a second exchange moves both ends to
 * the other CPU between every read and write: the records must still pair
 * each request with its own response, whether the reader drains the rings
 * during the exchange or only after it (when every socket's records sit in
 * more than one ring unless the probes keep them in one).
 */
#include <arpa/inet.h>
#include <sched.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "bpf_test.h"
#include "sock_view.h"

#define MAX_RECS 256
#define HOPS 60 /* requests of the exchange that changes CPU */

static struct l7_record recs[MAX_RECS];
static int nrecs, nsrt;
static __u64 srt_ns[MAX_RECS];

static void on_l7(void *ctx, const struct l7_record *r)
{
	if (nrecs < MAX_RECS)
		recs[nrecs] = *r;
	nrecs++;
}

static void on_srt(void *ctx, const struct proc_ctx *p, int proto, __u64 ns)
{
	if (nsrt < MAX_RECS)
		srt_ns[nsrt] = ns;
	nsrt++;
}

static void xfer(int fd, const char *out, char *in, size_t in_len)
{
	ssize_t n;

	if (out && write(fd, out, strlen(out)) < 0)
		_exit(2);
	if (in) {
		n = read(fd, in, in_len - 1);
		if (n <= 0)
			_exit(3);
		in[n] = 0;
	}
}

/* A server and a client, each its own process, one connection, two requests. */
static pid_t run_exchange(int port, pid_t *server)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1, ls = socket(AF_INET, SOCK_STREAM, 0), fd;
	char buf[256];
	pid_t c;

	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (void *)&a, sizeof(a)) || listen(ls, 1))
		return -1;
	*server = fork();
	if (*server == 0) {
		prctl(PR_SET_NAME, "l7srv");
		fd = accept4(ls, NULL, NULL, 0);
		xfer(fd, NULL, buf, sizeof(buf));
		xfer(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", buf, sizeof(buf));
		xfer(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", NULL, 0);
		close(fd);
		_exit(0);
	}
	close(ls);
	c = fork();
	if (c == 0) {
		prctl(PR_SET_NAME, "l7cli");
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(fd, (void *)&a, sizeof(a)))
			_exit(4);
		xfer(fd, "GET /found HTTP/1.1\r\nHost: t\r\n\r\n", buf, sizeof(buf));
		xfer(fd, "GET /missing HTTP/1.1\r\nHost: t\r\n\r\n", buf, sizeof(buf));
		close(fd);
		_exit(0);
	}
	return c;
}

static void run_on(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		_exit(5);
}

/*
 * HOPS requests GET /hop/I answered with status 200 + I; each side moves to
 * the other CPU before every call, so its read and write land in different rings.
 */
static pid_t run_hops(int port, pid_t *server)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1, ls = socket(AF_INET, SOCK_STREAM, 0), fd, i;
	char buf[256], out[128];
	pid_t c;

	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (void *)&a, sizeof(a)) || listen(ls, 1))
		return -1;
	*server = fork();
	if (*server == 0) {
		fd = accept4(ls, NULL, NULL, 0);
		for (i = 0; i < HOPS; i++) {
			run_on(i % 2);
			xfer(fd, NULL, buf, sizeof(buf));
			run_on((i + 1) % 2);
			snprintf(out, sizeof(out), "HTTP/1.1 %d OK\r\nContent-Length: 0\r\n\r\n",
				 200 + i);
			xfer(fd, out, NULL, 0);
		}
		close(fd);
		_exit(0);
	}
	close(ls);
	c = fork();
	if (c == 0) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(fd, (void *)&a, sizeof(a)))
			_exit(4);
		for (i = 0; i < HOPS; i++) {
			run_on((i + 1) % 2);
			snprintf(out, sizeof(out), "GET /hop/%d HTTP/1.1\r\nHost: t\r\n\r\n", i);
			xfer(fd, out, NULL, 0);
			run_on(i % 2);
			xfer(fd, NULL, buf, sizeof(buf));
		}
		close(fd);
		_exit(0);
	}
	return c;
}

/* The hopping exchange, drained during it or only after: every record in its pair. */
static void check_hops(struct sock_view *sv, int port, int drain_during)
{
	pid_t cli, srv = -1;
	int i, st, bad = 0;

	nrecs = 0;
	cli = run_hops(port, &srv);
	CHECK(cli > 0, "hopping exchange did not start");
	while (drain_during && waitpid(cli, &st, WNOHANG) == 0) {
		sock_view_poll(sv);
		usleep(200);
	}
	if (!drain_during)
		waitpid(cli, &st, 0);
	CHECK(WIFEXITED(st) && !WEXITSTATUS(st), "hopping client exit %d", st);
	waitpid(srv, &st, 0);
	for (i = 0; i < 20; i++) {
		sock_view_poll(sv);
		usleep(10000);
	}
	CHECK(nrecs == 2 * HOPS, "hops (drained %s): %d records, expected %d",
	      drain_during ? "during" : "after", nrecs, 2 * HOPS);
	for (i = 0; i < nrecs && i < MAX_RECS; i++) {
		char want[32];

		snprintf(want, sizeof(want), "/hop/%d", recs[i].status_code - 200);
		bad += strcmp(recs[i].request, want) != 0;
	}
	CHECK(!bad, "hops (drained %s): %d records pair a request with another's response",
	      drain_during ? "during" : "after", bad);
}

int main(void)
{
	struct sock_view_sink sink = { .l7 = on_l7, .srt = on_srt };
	struct sock_view_opts o;
	struct sock_view *sv;
	pid_t cli, srv = -1;
	int i, st, err, n_server = 0;

	log_route_libbpf();
	if (getenv("NETOBS_DEBUG"))
		log_set_level(LOG_DEBUG);
	if (geteuid() != 0) {
		printf("SKIP sock probes: need root\n");
		return 77;
	}
	err = sock_view_load_kprobes_only();
	CHECK(!err, "kprobe variants: %s", strerror(-err));
	if (!err)
		printf("PASS kprobe variants of every socket probe pass the verifier\n");

	sock_view_opts_default(&o);
	o.mode = PROBE_TRACEPOINT;
	sv = sock_view_open(&o, &sink);
	if (!sv) {
		printf("FAIL sock probes: cannot open the socket view: %s\n", strerror(errno));
		return 1;
	}
	CHECK(strstr(sock_view_hooks(sv), "read=tracepoint") &&
		  strstr(sock_view_hooks(sv), "tcp_receive_reset=tracepoint"),
	      "hooks: %s", sock_view_hooks(sv));
	cli = run_exchange(18080, &srv);
	CHECK(cli > 0, "exchange did not start");
	waitpid(cli, &st, 0);
	CHECK(WIFEXITED(st) && !WEXITSTATUS(st), "client exit %d", st);
	waitpid(srv, &st, 0);
	for (i = 0; i < 20; i++) {
		sock_view_poll(sv);
		usleep(10000);
	}
	/* Each request is seen twice: at the client's socket and at the server's. */
	CHECK(nrecs == 4, "records: %d, expected 4", nrecs);
	for (i = 0; i < nrecs && i < MAX_RECS; i++) {
		int is_srv = recs[i].proc.pid == (__u32)srv;

		n_server += is_srv;
		CHECK(recs[i].has_proc && (is_srv || recs[i].proc.pid == (__u32)cli),
		      "record %d: pid %u", i, recs[i].proc.pid);
		CHECK(!strcmp(recs[i].proc.comm, is_srv ? "l7srv" : "l7cli"), "comm %s",
		      recs[i].proc.comm);
		CHECK(recs[i].server_port == 18080 && recs[i].client_port != 18080,
		      "ports %u -> %u", recs[i].client_port, recs[i].server_port);
		CHECK(
		    !strcmp(recs[i].request, recs[i].status_code == 200 ? "/found" : "/missing") &&
			(recs[i].status_code == 200 || recs[i].status_code == 404),
		    "record %d: %s %d", i, recs[i].request, recs[i].status_code);
		CHECK(recs[i].resp_ns > recs[i].req_ns, "latency");
	}
	CHECK(n_server == 2, "records at the server: %d", n_server);
	CHECK(nsrt == 2, "server response times: %d", nsrt);
	{
		__u64 c[SCNT_MAX];

		sock_view_counters(sv, c);
		CHECK(c[SCNT_SNIPPETS] >= 8 && c[SCNT_RINGBUF_FULL] == 0,
		      "snippets %llu drops %llu", c[SCNT_SNIPPETS], c[SCNT_RINGBUF_FULL]);
	}
	printf("%s sock probes: loopback HTTP exchange seen at both sockets (%d checks)\n",
	       failures ? "FAIL" : "PASS", checks);
	if (libbpf_num_possible_cpus() < 2 || sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		printf("SKIP sock probes: records of sockets that change CPU: one CPU only\n");
	} else {
		int before = failures;

		check_hops(sv, 18081, 0);
		check_hops(sv, 18082, 1);
		printf("%s sock probes: %d requests whose ends change CPU at every call, drained "
		       "after and during the exchange, pair exactly\n",
		       failures > before ? "FAIL" : "PASS", HOPS);
	}
	sock_view_close(sv);
	return failures ? 1 : 0;
}
