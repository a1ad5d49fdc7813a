/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The HTTP server's address: parsed, then bound before privileges are dropped. */
#ifndef NETOBS_LISTEN_H
#define NETOBS_LISTEN_H

#include <stddef.h>
#include <sys/socket.h>

/*
 * "HOST:PORT" (numeric IPv4), "[V6ADDR]:PORT" or ":PORT" (every address),
 * port 1-65535. 0, or -EINVAL with the reason in @err.
 */
int listen_parse(const char *spec, struct sockaddr_storage *ss, socklen_t *len, char *err,
		 size_t errlen);
/* A listening TCP socket on @spec, or -errno with the reason (e.g. the port in use) in @err. */
int listen_bind(const char *spec, char *err, size_t errlen);
/* The address @fd is bound to, as "HOST:PORT" / "[V6]:PORT". */
void listen_name(int fd, char *buf, size_t len);

#endif /* NETOBS_LISTEN_H */
