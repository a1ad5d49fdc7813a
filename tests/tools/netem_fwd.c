// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * netem_fwd: a two-port forwarder with delay and loss, for test namespaces on
 * kernels without netem. Every frame received on one interface is sent out of
 * the other after DELAY_US; with LOSS_EVERY > 0, every LOSS_EVERY-th TCP
 * segment carrying payload in each direction is dropped instead (counted per
 * direction, so the drops are the same on every run).
 *
 * usage: netem_fwd IF_A IF_B DELAY_US LOSS_EVERY
 * Runs until SIGINT/SIGTERM, then prints what it forwarded and dropped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define QLEN 8192
#define FRAME_MAX 2048

struct pending {
	unsigned long long due_ns;
	int len;
	unsigned char data[FRAME_MAX];
};

struct port {
	int fd;
	int ifindex;
	struct pending *q; /* frames waiting to leave through this port */
	unsigned int head, tail;
	unsigned long long data_segs, forwarded, dropped;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int open_port(const char *name, struct port *p)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };

	p->ifindex = if_nametoindex(name);
	if (!p->ifindex) {
		fprintf(stderr, "netem_fwd: %s: %s\n", name, strerror(errno));
		return -1;
	}
	p->fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (p->fd < 0) {
		perror("netem_fwd: socket");
		return -1;
	}
	sll.sll_ifindex = p->ifindex;
	if (bind(p->fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("netem_fwd: bind");
		return -1;
	}
	p->q = calloc(QLEN, sizeof(*p->q));
	return p->q ? 0 : -1;
}

/* TCP with payload, IPv4 or IPv6 without extension headers. */
static int is_tcp_data(const unsigned char *f, int len)
{
	int proto = (f[12] << 8) | f[13], ihl, tot, doff;

	if (proto == ETH_P_IP && len >= 14 + 20) {
		ihl = (f[14] & 0xf) * 4;
		tot = (f[16] << 8) | f[17];
		if (f[14 + 9] != IPPROTO_TCP || len < 14 + ihl + 20)
			return 0;
		doff = (f[14 + ihl + 12] >> 4) * 4;
		return tot - ihl - doff > 0;
	}
	if (proto == ETH_P_IPV6 && len >= 14 + 40 + 20) {
		if (f[14 + 6] != IPPROTO_TCP)
			return 0;
		doff = (f[14 + 40 + 12] >> 4) * 4;
		return ((f[18] << 8) | f[19]) - doff > 0;
	}
	return 0;
}

/* Read one frame from @in and queue it on @out (or drop it). */
static void receive(struct port *in, struct port *out, unsigned long long delay_ns, int loss_every)
{
	static struct pending overflow; /* where a frame goes when the queue is full */
	int full = out->tail - out->head >= QLEN;
	struct pending *slot = full ? &overflow : &out->q[out->tail % QLEN];
	struct sockaddr_ll from;
	socklen_t flen = sizeof(from);
	int len;

	len =
	    recvfrom(in->fd, slot->data, FRAME_MAX, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
	if (len <= 0 || from.sll_pkttype == PACKET_OUTGOING)
		return; /* our own transmissions show up here too */
	if (is_tcp_data(slot->data, len) && loss_every > 0 && ++in->data_segs % loss_every == 0) {
		in->dropped++;
		return;
	}
	if (full) {
		in->dropped++; /* queue full: a drop like any full link */
		return;
	}
	slot->len = len;
	slot->due_ns = now_ns() + delay_ns;
	out->tail++;
}

static void transmit(struct port *out, struct port *in)
{
	unsigned long long now = now_ns();

	while (out->head != out->tail && out->q[out->head % QLEN].due_ns <= now) {
		struct pending *pkt = &out->q[out->head % QLEN];

		if (send(out->fd, pkt->data, pkt->len, 0) == pkt->len)
			in->forwarded++;
		out->head++;
	}
}

static int next_timeout_ms(struct port *a, struct port *b)
{
	unsigned long long now = now_ns(), due = ~0ULL;

	if (a->head != a->tail)
		due = a->q[a->head % QLEN].due_ns;
	if (b->head != b->tail && b->q[b->head % QLEN].due_ns < due)
		due = b->q[b->head % QLEN].due_ns;
	if (due == ~0ULL)
		return 100;
	return due <= now ? 0 : (int)((due - now) / 1000000) + 1;
}

int main(int argc, char **argv)
{
	struct port a = { 0 }, b = { 0 };
	unsigned long long delay_ns;
	int loss_every;

	if (argc != 5) {
		fprintf(stderr, "usage: netem_fwd IF_A IF_B DELAY_US LOSS_EVERY\n");
		return 2;
	}
	delay_ns = strtoull(argv[3], NULL, 10) * 1000;
	loss_every = atoi(argv[4]);
	if (open_port(argv[1], &a) || open_port(argv[2], &b))
		return 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("netem_fwd: ready\n");
	fflush(stdout);
	while (!stop) {
		struct pollfd pfd[2] = { { a.fd, POLLIN, 0 }, { b.fd, POLLIN, 0 } };
		int i, n = poll(pfd, 2, next_timeout_ms(&a, &b));

		for (i = 0; n > 0 && i < 64; i++) {
			if (pfd[0].revents & POLLIN)
				receive(&a, &b, delay_ns, loss_every);
			if (pfd[1].revents & POLLIN)
				receive(&b, &a, delay_ns, loss_every);
		}
		/* A sleeping precise timer would be better; a 1 ms tick is what poll gives. */
		transmit(&b, &a);
		transmit(&a, &b);
	}
	printf(
	    "netem_fwd: %s->%s forwarded %llu dropped %llu; %s->%s forwarded %llu dropped %llu\n",
	    argv[1], argv[2], a.forwarded, a.dropped, argv[2], argv[1], b.forwarded, b.dropped);
	return 0;
}
