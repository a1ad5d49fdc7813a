/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* HTTP endpoints of the agent (libmicrohttpd): /metrics, /flows, /l7, /healthz, /. */
#ifndef NETOBS_EXPORTER_H
#define NETOBS_EXPORTER_H

#include <pthread.h>

#include "export/l7_sink.h"
#include "export/metrics.h"
#include "socket/sock_view.h"
#include "wire/backend.h"

/*
 * What the exporter serves. Its owner (the agent) fills it in and keeps it
 * current; the exporter knows nothing else of it. @lock guards the fields
 * after it, the socket view, and the engine's ring buffer, whose poll()
 * delivers flow ends through the owner's callback into @ended.
 */
struct export_state {
	struct wire_backend *engine;
	struct sock_view *sv; /* NULL when the socket view is off */
	const char *metrics_path;
	__u32 sampling_pct;
	__u32 max_flows;
	pthread_mutex_t lock;
	struct metrics_table ended; /* flows that ended since the agent started */
	unsigned long long ended_by_sweep;
	unsigned long long flows_live; /* as of the last sweep */
	struct l7_sink l7;
	/* The exporter's own: the previous scrape, for the per-second rates. */
	struct metrics_table last_scrape;
	double last_scrape_s; /* 0: no scrape yet */
};

/* 0, or -ENOMEM. Label sets per metric before folding into "other": @max_label_sets. */
int export_state_init(struct export_state *st, __u32 max_label_sets);
void export_state_free(struct export_state *st);
/* Deliver pending flow ends from the engine's ring buffer; takes the lock. */
int export_state_drain(struct export_state *st);

struct exporter;

/* 0 if @listen is a usable HOST:PORT; else says why on stderr. */
int exporter_check_listen(const char *listen);
/* NULL on failure, with the reason logged (bad address, port in use). */
struct exporter *exporter_start(const char *listen, struct export_state *st);
void exporter_stop(struct exporter *e);

/* The bodies, separate from HTTP so tests can call them. Caller frees *out. */
int exporter_metrics_text(struct export_state *st, int openmetrics, char **out, size_t *len);
/* The latest L7 records as NDJSON, oldest first; malloc'd into *out. */
int exporter_l7_ndjson(struct export_state *st, unsigned int limit, char **out, size_t *len);
int exporter_flows_ndjson(struct export_state *st, unsigned int limit, char **out, size_t *len);

#endif /* NETOBS_EXPORTER_H */
