// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "tg.h"

static int resolve(const char *hostport, int passive, struct addrinfo **res)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST };
	char host[128];
	const char *colon = strrchr(hostport, ':');
	size_t n;

	if (!colon || colon == hostport)
		return -EINVAL;
	n = (size_t)(colon - hostport);
	if (hostport[0] == '[' && n >= 2 && hostport[n - 1] == ']') {
		hostport++;
		n -= 2;
	}
	if (n >= sizeof(host))
		return -EINVAL;
	memcpy(host, hostport, n);
	host[n] = 0;
	if (passive)
		hints.ai_flags |= AI_PASSIVE;
	return getaddrinfo(host, colon + 1, &hints, res) ? -EINVAL : 0;
}

int tg_listen(const char *hostport)
{
	struct addrinfo *ai;
	int fd, one = 1, err = resolve(hostport, 1, &ai);

	if (err)
		return err;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 128)) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		fd = err;
	}
	freeaddrinfo(ai);
	return fd;
}

int tg_connect(const char *hostport)
{
	struct addrinfo *ai;
	int fd, one = 1, err = resolve(hostport, 0, &ai);

	if (err)
		return err;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		fd = err;
	} else {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	freeaddrinfo(ai);
	return fd;
}

int tg_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int tg_read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

double tg_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
