/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* HTTP endpoints of the agent (libmicrohttpd): /metrics, /flows, /healthz, /. */
#ifndef NETOBS_EXPORTER_H
#define NETOBS_EXPORTER_H

#include "agent.h"

struct exporter;

/* 0 if @listen is a usable HOST:PORT; else says why on stderr. */
int exporter_check_listen(const char *listen);
/* NULL on failure, with the reason logged (bad address, port in use). */
struct exporter *exporter_start(const char *listen, struct agent_state *st);
void exporter_stop(struct exporter *e);

/* The bodies, separate from HTTP so tests can call them. Caller frees *out. */
int exporter_metrics_text(struct agent_state *st, int openmetrics, char **out, size_t *len);
/* The latest L7 records as NDJSON, oldest first; malloc'd into *out. */
int exporter_l7_ndjson(struct agent_state *st, unsigned int limit, char **out, size_t *len);
int exporter_flows_ndjson(struct agent_state *st, unsigned int limit, char **out, size_t *len);

#endif /* NETOBS_EXPORTER_H */
