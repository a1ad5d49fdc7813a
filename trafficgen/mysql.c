// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A mock MySQL server that takes any login and answers every COM_QUERY with
 * OK, and a client that logs in and sends one query N times: the smallest
 * real conversation the MySQL parser must pair.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tg.h"

#define MYSQL_MAX_PACKET 65536

/* Header and payload in one write: a packet split in two waits on delayed ACKs. */
static int send_packet(int fd, unsigned char seq, const void *payload, size_t n)
{
	unsigned char buf[4 + MYSQL_MAX_PACKET];

	if (n > MYSQL_MAX_PACKET)
		return -EMSGSIZE;
	buf[0] = n & 0xff;
	buf[1] = (n >> 8) & 0xff;
	buf[2] = (n >> 16) & 0xff;
	buf[3] = seq;
	memcpy(buf + 4, payload, n);
	return tg_write_all(fd, buf, n + 4);
}

/* One packet; returns its payload length, -errno. */
static long recv_packet(int fd, unsigned char *seq, unsigned char *buf, size_t cap)
{
	unsigned char hdr[4];
	size_t n;
	int err = tg_read_full(fd, hdr, 4);

	if (err)
		return err;
	n = hdr[0] | hdr[1] << 8 | (size_t)hdr[2] << 16;
	if (n > cap)
		return -EMSGSIZE;
	*seq = hdr[3];
	err = tg_read_full(fd, buf, n);
	return err ? err : (long)n;
}

static const unsigned char ok_payload[] = { 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00 };

static int serve(int fd)
{
	static const char version[] = "5.7.0-netobs-mock";
	unsigned char g[128], buf[MYSQL_MAX_PACKET], seq;
	size_t n = 0;
	long len;

	g[n++] = 10;
	memcpy(g + n, version, sizeof(version));
	n += sizeof(version);
	memcpy(g + n,
	       "\x01\x00\x00\x00"
	       "abcdefgh\0",
	       13); /* connection id, salt part 1 */
	n += 13;
	memcpy(g + n, "\x00\x82\x21\x02\x00\x08\x00\x15", 8); /* caps, charset, status */
	n += 8;
	memset(g + n, 0, 10);
	n += 10;
	memcpy(g + n, "ijklmnopqrst\0mysql_native_password\0", 35);
	n += 35;
	if (send_packet(fd, 0, g, n))
		return 1;
	len = recv_packet(fd, &seq, buf, sizeof(buf)); /* login: any is taken */
	if (len < 0 || send_packet(fd, seq + 1, ok_payload, sizeof(ok_payload)))
		return 1;
	for (;;) {
		len = recv_packet(fd, &seq, buf, sizeof(buf));
		if (len <= 0 || buf[0] == 0x01) /* gone, or COM_QUIT */
			return 0;
		if (send_packet(fd, 1, ok_payload, sizeof(ok_payload)))
			return 1;
	}
}

int tg_mysql_server(const char *listen, long max_conns)
{
	int ls = tg_listen(listen), fd;
	long served = 0;

	if (ls < 0) {
		fprintf(stderr, "netobs-trafficgen: listen %s: %s\n", listen, strerror(-ls));
		return 1;
	}
	signal(SIGCHLD, SIG_IGN);
	printf("mysql mock listening on %s\n", listen);
	fflush(stdout);
	while (!max_conns || served < max_conns) {
		fd = accept(ls, NULL, NULL);
		if (fd < 0)
			continue;
		served++;
		if (fork() == 0) {
			close(ls);
			_exit(serve(fd));
		}
		close(fd);
	}
	while (wait(NULL) > 0)
		;
	close(ls);
	return 0;
}

int tg_mysql_client(const char *connect, const char *query, long count)
{
	static const unsigned char login[] = {
		0x00, 0x82, 0x08, 0x00, 0x00, 0x00, 0x00, 0x01, 0x21, 0,   0,	0,   0,	  0,   0,
		0,    0,    0,	  0,	0,    0,    0,	  0,	0,    0,   0,	0,   0,	  0,   'n',
		'e',  't',  'o',  'b',	's',  0,    0,	  'm',	'y',  's', 'q', 'l', '_', 'n', 'a',
		't',  'i',  'v',  'e',	'_',  'p',  'a',  's',	's',  'w', 'o', 'r', 'd', 0,
	};
	unsigned char buf[MYSQL_MAX_PACKET], seq;
	size_t qlen = strlen(query);
	long i, len, ok = 0;
	double t0;
	int fd = tg_connect(connect);

	if (fd < 0) {
		fprintf(stderr, "netobs-trafficgen: connect %s: %s\n", connect, strerror(-fd));
		return 1;
	}
	if (recv_packet(fd, &seq, buf, sizeof(buf)) < 0 ||
	    send_packet(fd, seq + 1, login, sizeof(login)) ||
	    recv_packet(fd, &seq, buf, sizeof(buf)) < 1 || buf[0] != 0) {
		fprintf(stderr, "netobs-trafficgen: mysql login failed\n");
		return 1;
	}
	buf[0] = 0x03;
	t0 = tg_now();
	for (i = 0; i < count; i++) {
		buf[0] = 0x03;
		memcpy(buf + 1, query, qlen);
		if (send_packet(fd, 0, buf, qlen + 1))
			break;
		len = recv_packet(fd, &seq, buf, sizeof(buf));
		if (len < 1)
			break;
		ok += buf[0] == 0x00;
	}
	buf[0] = 0x01;
	send_packet(fd, 0, buf, 1);
	close(fd);
	printf("mysql: %ld queries, %ld OK, %.3f s\n", i, ok, tg_now() - t0);
	return i == count ? 0 : 1;
}
