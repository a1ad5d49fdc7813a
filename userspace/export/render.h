/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* What the agent serves over HTTP: its state, and the bodies made from it. */
#ifndef NETOBS_RENDER_H
#define NETOBS_RENDER_H

#include <pthread.h>

#include "export/l7_sink.h"
#include "export/metrics.h"
#include "export/rate_window.h"
#include "export/record_stream.h"
#include "socket/sock_view.h"
#include "wire/backend.h"

/*
 * What the exporter serves. Its owner (the agent) fills it in and keeps it
 * current; the exporter knows nothing else of it. @lock guards the fields
 * after it, the socket view, and the engine's ring buffer, whose poll()
 * delivers flow ends through the owner's callback into @ended.
 */
/* An interface the agent watches, and whether it still does (checked every few seconds). */
#define EXPORT_IFACES_MAX 64

struct export_iface {
	char name[16];
	int attached;  /* 1 while our programs are on it */
	char why[160]; /* when not: the reason */
};

struct export_state {
	struct wire_backend *engine;
	struct sock_view *sv; /* NULL when the socket view is off */
	const char *metrics_path;
	__u32 sampling_pct;
	__u32 sock_sample_pct; /* socket.sample_rate */
	__u32 max_flows;
	pthread_mutex_t lock;
	struct metrics_table ended; /* flows that ended since the agent started */
	unsigned long long ended_by_sweep;
	unsigned long long flows_live; /* as of the last sweep */
	struct l7_sink l7;
	struct export_iface ifaces[EXPORT_IFACES_MAX];
	int n_ifaces;
	/* The per-second gauges' window: a point per sweep, pushed by the owner. */
	struct rate_window rates;
	struct record_stream *records; /* --records-out, or NULL */
	const char *records_sink;      /* its kind, for the sink label */
};

/* 0, or -ENOMEM. Label sets per metric before folding into "other": @max_label_sets. */
int export_state_init(struct export_state *st, __u32 max_label_sets);
void export_state_free(struct export_state *st);
/* Deliver pending flow ends from the engine's ring buffer; takes the lock. */
int export_state_drain(struct export_state *st);

/* The bodies, separate from HTTP so tests can call them. Caller frees *out. */
int exporter_metrics_text(struct export_state *st, int openmetrics, char **out, size_t *len);
/* The latest L7 records as NDJSON, oldest first; malloc'd into *out. */
int exporter_l7_ndjson(struct export_state *st, unsigned int limit, char **out, size_t *len);
int exporter_flows_ndjson(struct export_state *st, unsigned int limit, char **out, size_t *len);
/*
 * /healthz: "ok", or one line per interface the agent no longer sees
 * traffic on, with the reason. 1 when healthy, 0 when not, or -errno.
 */
int exporter_health_text(struct export_state *st, char **out, size_t *len);

#endif /* NETOBS_RENDER_H */
