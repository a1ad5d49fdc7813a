// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export/listen.h"

#define LISTEN_BACKLOG 1024

static int bad(const char *spec, const char *why, char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "--listen: '%s' %s (HOST:PORT with a numeric address, [V6ADDR]:PORT or :PORT for "
		 "every address; port 1-65535)",
		 spec, why);
	return -EINVAL;
}

int listen_parse(const char *spec, struct sockaddr_storage *ss, socklen_t *len, char *err,
		 size_t errlen)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	char host[64];
	const char *port;
	unsigned long p;
	char *end;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (!close || close[1] != ':')
			return bad(spec, "has no ]:PORT after the IPv6 address", err, errlen);
		hl = close - spec - 1;
		if (hl >= sizeof(host))
			return bad(spec, "has too long an address", err, errlen);
		memcpy(host, spec + 1, hl);
		host[hl] = 0;
		port = close + 2;
		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
			return bad(spec, "has no numeric IPv6 address", err, errlen);
		s6->sin6_family = AF_INET6;
		*len = sizeof(*s6);
	} else {
		port = strrchr(spec, ':');
		if (!port)
			return bad(spec, "has no :PORT", err, errlen);
		hl = port - spec;
		port++;
		if (hl >= sizeof(host))
			return bad(spec, "has too long an address", err, errlen);
		memcpy(host, spec, hl);
		host[hl] = 0;
		s4->sin_family = AF_INET;
		*len = sizeof(*s4);
		if (!hl) {
			s4->sin_addr.s_addr = htonl(INADDR_ANY);
		} else if (inet_pton(AF_INET, host, &s4->sin_addr) != 1) {
			return bad(spec, "has no numeric IPv4 address (IPv6 goes in brackets)", err,
				   errlen);
		}
	}
	errno = 0;
	p = strtoul(port, &end, 10);
	if (!*port || *end || errno || port[0] == '-' || port[0] == '+' || p < 1 || p > 65535)
		return bad(spec, "has no port from 1 to 65535", err, errlen);
	if (ss->ss_family == AF_INET6)
		s6->sin6_port = htons(p);
	else
		s4->sin_port = htons(p);
	return 0;
}

int listen_bind(const char *spec, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1, e;

	e = listen_parse(spec, &ss, &len, err, errlen);
	if (e)
		return e;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		e = -errno;
		snprintf(err, errlen, "--listen %s: cannot open a socket: %s", spec, strerror(-e));
		return e;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, LISTEN_BACKLOG)) {
		e = -errno;
		if (e == -EADDRINUSE)
			snprintf(err, errlen,
				 "--listen %s: port %u is in use (another agent, or another "
				 "program): choose another with --listen or http.listen",
				 spec,
				 ntohs(ss.ss_family == AF_INET6
					   ? ((struct sockaddr_in6 *)&ss)->sin6_port
					   : ((struct sockaddr_in *)&ss)->sin_port));
		else if (e == -EADDRNOTAVAIL)
			snprintf(err, errlen, "--listen %s: the address is not one of this host's",
				 spec);
		else
			snprintf(err, errlen, "--listen %s: %s", spec, strerror(-e));
		close(fd);
		return e;
	}
	return fd;
}

void listen_name(int fd, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";

	if (getsockname(fd, (struct sockaddr *)&ss, &sl)) {
		snprintf(buf, len, "?");
		return;
	}
	if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(((struct sockaddr_in *)&ss)->sin_port));
	}
}
