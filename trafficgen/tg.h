/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* netobs-trafficgen: traffic with known content, for netobs-xdp's self-tests. */
#ifndef NETOBS_TG_H
#define NETOBS_TG_H

#include <stddef.h>
#include <sys/types.h>

/* A listening or connected TCP socket for "HOST:PORT" (IPv4 or [IPv6]); -errno on error. */
int tg_listen(const char *hostport);
int tg_connect(const char *hostport);
/* All of buf, or -errno. */
int tg_write_all(int fd, const void *buf, size_t len);
/* Exactly len bytes, or -errno (-EPIPE at end of stream). */
int tg_read_full(int fd, void *buf, size_t len);
double tg_now(void);

int tg_mysql_server(const char *listen, long max_conns);
int tg_mysql_client(const char *connect, const char *query, long count);
int tg_http_client(const char *connect, const char *path, long count, int keepalive);
int tg_bench_server(const char *listen);
int tg_bench_client(const char *connect, double seconds, size_t size, int raw, long per_conn);

#endif /* NETOBS_TG_H */
