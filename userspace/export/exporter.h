/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* HTTP endpoints of the agent (libmicrohttpd): /metrics, /flows, /l7, /healthz, /. */
#ifndef NETOBS_EXPORTER_H
#define NETOBS_EXPORTER_H

#include "export/render.h"
#include "export/web_config.h"

/* Who may use /flows and /l7 (http.endpoints: true, false, local). */
enum endpoint_policy {
	ENDPOINT_ON = 0,
	ENDPOINT_OFF,
	ENDPOINT_LOCAL, /* clients on a loopback address only */
};

#define HTTP_DEFAULT_MAX_CONNECTIONS 1024
#define HTTP_DEFAULT_MAX_PER_IP 256
#define HTTP_DEFAULT_IDLE_TIMEOUT 10 /* seconds a connection may stay silent */
#define HTTP_DEFAULT_THREADS 2

struct http_opts {
	const char *metrics_path;
	unsigned int max_connections; /* http.max_connections */
	unsigned int max_per_ip;      /* http.max_connections_per_ip */
	unsigned int idle_timeout_s;  /* http.idle_timeout */
	unsigned int threads;	      /* connection threads (epoll each) */
	enum endpoint_policy flows, l7;
	struct web_config *web; /* TLS and basic auth; NULL: plain HTTP, no auth */
};

void http_opts_default(struct http_opts *o);

struct exporter;

/*
 * Serve on @listen_fd (a bound, listening socket: see export/listen.h).
 * NULL on failure, with the reason logged.
 */
struct exporter *exporter_start(const struct http_opts *o, int listen_fd, struct export_state *st);
void exporter_stop(struct exporter *e);

#endif /* NETOBS_EXPORTER_H */
