/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The per-second gauges' window: the TCP label sets' byte and packet totals
 * as each sweep saw them, the last RATE_WINDOW_POINTS of them. A rate is the
 * change from the oldest point in the window to the newest over the time
 * between them, so it belongs to the agent's clock and not to whoever
 * scrapes: two scrapers read the same value.
 */
#ifndef NETOBS_RATE_WINDOW_H
#define NETOBS_RATE_WINDOW_H

#include "export/metrics.h"

/* Sweeps run once a second: 11 points span the last 10 s. */
#define RATE_WINDOW_POINTS 11

struct rate_total {
	struct series_key key;
	__u64 bytes[2], packets[2]; /* [DIR_C2S], [DIR_S2C] */
};

struct rate_point {
	double t_s;
	__u32 n;
	struct rate_total *v; /* sorted by key */
};

struct rate_window {
	__u32 cap;  /* totals per point */
	__u32 len;  /* points held, at most RATE_WINDOW_POINTS */
	__u32 head; /* the newest point's slot */
	struct rate_point p[RATE_WINDOW_POINTS];
};

int rate_window_init(struct rate_window *w, __u32 cap);
void rate_window_free(struct rate_window *w);
/* Add the TCP label sets of @view as seen at @t_s; the oldest point goes when full. */
void rate_window_push(struct rate_window *w, double t_s, const struct metrics_table *view);

enum rate_kind { RATE_BYTES, RATE_PACKETS };

/*
 * Per-second change of one label set's @kind in direction @dir over the
 * window: 0 with *out set, or -EAGAIN with fewer than two points, or -ENOENT
 * when the newest point has no such label set (it is younger than the last
 * sweep). A label set missing from the oldest point had nothing then.
 */
int rate_window_rate(const struct rate_window *w, const struct series_key *k, enum rate_kind kind,
		     int dir, double *out);
/* Seconds between the window's oldest and newest points; 0 with fewer than two. */
double rate_window_span(const struct rate_window *w);

#endif /* NETOBS_RATE_WINDOW_H */
