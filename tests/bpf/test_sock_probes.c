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
 *
 * The kernel's own TCP events reach the flow they belong to: a connection
 * that ends normally brings the kernel's smoothed RTT and no reset; one the
 * server aborts (SO_LINGER 0) a reset sent and a reset received; one whose
 * first data segment a TC program drops (in a network namespace of its own)
 * exactly one retransmission.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <sched.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "bpf_test.h"
#include "socket/sock_view.h"
#include "wire/frame_parse.h"

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

/* A listening TCP socket on 127.0.0.1:port, its address in *a; -1 on failure. */
static int listen_on(int port, struct sockaddr_in *a)
{
	int one = 1, ls = socket(AF_INET, SOCK_STREAM, 0);

	*a = (struct sockaddr_in){ .sin_family = AF_INET,
				   .sin_port = htons(port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (ls < 0)
		return -1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (void *)a, sizeof(*a)) || listen(ls, 1)) {
		close(ls);
		return -1;
	}
	return ls;
}

/* A server and a client, each its own process, one connection, two requests. */
static pid_t run_exchange(int port, pid_t *server)
{
	struct sockaddr_in a;
	int ls = listen_on(port, &a), fd;
	char buf[256];
	pid_t c;

	if (ls < 0)
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
	struct sockaddr_in a;
	int ls = listen_on(port, &a), fd, i;
	char buf[256], out[128];
	pid_t c;

	if (ls < 0)
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

/*
 * One connection to port: the client sends a line, the server answers and
 * closes, aborting it (RST) when abort is set. The client's port goes to *cport.
 */
static int run_close(int port, int abort, __u16 *cport)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int ls = listen_on(port, &a), fd, cfd;
	char buf[64];

	if (ls < 0)
		return -1;
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(cfd, (void *)&a, sizeof(a)))
		return -1;
	fd = accept4(ls, NULL, NULL, 0);
	close(ls);
	if (fd < 0 || write(cfd, "ping\n", 5) != 5 || read(fd, buf, sizeof(buf)) <= 0 ||
	    write(fd, "pong\n", 5) != 5 || read(cfd, buf, sizeof(buf)) <= 0)
		return -1;
	if (getsockname(cfd, (void *)&a, &alen))
		return -1;
	*cport = ntohs(a.sin_port);
	if (abort)
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
	/* The client's read sees the end: EOF, or ECONNRESET after the reset. */
	if (read(cfd, buf, sizeof(buf)) < 0 && !abort)
		return -1;
	close(cfd);
	return 0;
}

static void loopback_key(__u16 cport, __u16 sport, struct flow_key *k)
{
	struct pkt_info p = { .sport = cport, .dport = sport, .proto = 6, .family = 4 };

	p.src.w[2] = p.dst.w[2] = htonl(0xffff);
	p.src.w[3] = p.dst.w[3] = htonl(INADDR_LOOPBACK);
	memset(k, 0, sizeof(*k));
	pkt_flow_key(&p, k);
}

/* Loopback up in the calling process's (new) network namespace. */
static int lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), err;

	err = fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) ? -1 : 0;
	ifr.ifr_flags |= IFF_UP;
	if (!err)
		err = ioctl(fd, SIOCSIFFLAGS, &ifr);
	if (fd >= 0)
		close(fd);
	return err;
}

/*
 * In a child with its own network namespace, TC on lo drops the first data
 * segment to port once; the exchange then completes by retransmission. The
 * client's port comes back through a pipe; 0 on failure.
 */
static __u16 run_lossy(int port)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts);
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *rodata;
	__u16 cport = 0, p16 = port;
	int pfd[2], st;
	pid_t c;

	if (pipe(pfd))
		return 0;
	c = fork();
	if (c == 0) {
		close(pfd[0]);
		if (unshare(CLONE_NEWNET) || lo_up())
			_exit(1);
		obj = bpf_object__open_file("build/tests/drop_once.bpf.o", NULL);
		rodata = obj ? bpf_object__find_map_by_name(obj, ".rodata") : NULL;
		if (!rodata || bpf_map__set_initial_value(rodata, &p16, sizeof(p16)) ||
		    bpf_object__load(obj))
			_exit(2);
		prog = bpf_object__find_program_by_name(obj, "drop_once");
		hook.ifindex = if_nametoindex("lo");
		opts.prog_fd = bpf_program__fd(prog);
		if (bpf_tc_hook_create(&hook) || bpf_tc_attach(&hook, &opts))
			_exit(3);
		if (run_close(port, 0, &cport) || write(pfd[1], &cport, sizeof(cport)) < 0)
			_exit(4);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &cport, sizeof(cport)) != sizeof(cport))
		cport = 0;
	close(pfd[0]);
	waitpid(c, &st, 0);
	return WIFEXITED(st) && !WEXITSTATUS(st) ? cport : 0;
}

/* Kernel TCP events by flow: srtt at a normal close, resets at an abort, one retransmission. */
static void check_tcp_events(struct sock_view *sv)
{
	struct flow_socket fs;
	struct flow_key k;
	__u16 normal = 0, aborted = 0, lossy;
	int i;

	CHECK(!run_close(18083, 0, &normal), "normal close exchange failed");
	CHECK(!run_close(18084, 1, &aborted), "aborted exchange failed");
	lossy = run_lossy(18085);
	CHECK(lossy, "lossy exchange in its own namespace failed");
	for (i = 0; i < 20; i++) {
		sock_view_poll(sv);
		usleep(10000);
	}
	loopback_key(normal, 18083, &k);
	CHECK(sock_view_flow_socket(sv, &k, &fs), "normal close: flow %u -> 18083 unknown", normal);
	CHECK(fs.has_tcp && fs.srtt_us > 0 && fs.srtt_us < 1000000,
	      "normal close: kernel srtt %u us", fs.srtt_us);
	CHECK(!fs.resets_sent && !fs.resets_received && !fs.retransmits,
	      "normal close: resets %u/%u, retransmits %u", fs.resets_sent, fs.resets_received,
	      fs.retransmits);
	loopback_key(aborted, 18084, &k);
	CHECK(sock_view_flow_socket(sv, &k, &fs), "abort: flow %u -> 18084 unknown", aborted);
	CHECK(fs.has_tcp && fs.resets_sent == 1 && fs.resets_received == 1,
	      "abort: resets sent %u, received %u", fs.resets_sent, fs.resets_received);
	loopback_key(lossy, 18085, &k);
	CHECK(sock_view_flow_socket(sv, &k, &fs), "loss: flow %u -> 18085 unknown", lossy);
	CHECK(fs.has_tcp && fs.retransmits == 1 && !fs.resets_sent,
	      "loss: retransmits %u (one segment dropped), resets %u", fs.retransmits,
	      fs.resets_sent);
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
	{
		int before = failures;

		check_tcp_events(sv);
		printf("%s sock probes: the kernel's RTT at a close, the resets of an abort and "
		       "the retransmission of a dropped segment reach their flows\n",
		       failures > before ? "FAIL" : "PASS");
	}
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
