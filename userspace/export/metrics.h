/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Flow-derived Prometheus metrics: flow records summed per label set
 * (interface, server port, the host's role), with a cap on how many label
 * sets exist; the rest fold into server_port="other".
 */
#ifndef NETOBS_METRICS_H
#define NETOBS_METRICS_H

#include <stdio.h>

#include "netobs.h"

struct series_key {
	__u32 ifindex;
	__u16 server_port; /* 0: "other" (folded) */
	__u8 role;	   /* enum host_role */
	__u8 proto;	   /* IPPROTO_TCP or IPPROTO_UDP */
};

struct hist {
	__u64 buckets[LAT_BUCKETS]; /* per bucket, not cumulative */
	__u64 sum_ns;
	__u64 count;
};

/*
 * Figures of one label set, TCP or UDP (a UDP set uses the traffic and flow
 * counts only); arrays are [DIR_C2S], [DIR_S2C].
 */
struct series {
	struct series_key key;
	__u64 packets[2], bytes[2], retrans[2], retrans_bytes[2], zero_win[2], rst[2];
	__u64 lost[2], ooo[2];
	__u64 zero_win_duration_ns;
	__u64 flows; /* opened: every flow counted once */
	__u64 live;  /* flows in the table (live view only) */
	__u64 closed_by_type[CLOSE_MAX];
	__u64 syn_repeat, synack_repeat;
	struct hist syn_rtt, syn_rtt_client, syn_rtt_server, rtt, srt, art;
	__u64 rtt_max_ns, rtt_min_ns, srt_max_ns; /* over live flows */
};

/*
 * Mirror ports (SPAN/TAP): a flow seen there is counted under both roles, as
 * its two endpoints would count it: role="client" (sent = client to server)
 * and role="server" (sent = server to client).
 */
#define METRICS_MIRRORS_MAX 64

struct metrics_mirrors {
	__u32 n;
	__u32 ifindex[METRICS_MIRRORS_MAX];
};

struct metrics_table {
	const struct metrics_mirrors *mirrors; /* NULL: none */
	struct series *s;
	__u32 n, cap;	    /* cap: label sets before folding; +1 "other" per (iface, role) */
	__u32 slots;	    /* hash slots, a power of two */
	__s32 *index;	    /* slot -> series, -1 empty */
	__u64 folded_flows; /* flows summed into an "other" label set */
};

int metrics_init(struct metrics_table *t, __u32 max_series);
void metrics_free(struct metrics_table *t);
/* Deep copy; @dst must be initialised with the same cap. */
int metrics_copy(struct metrics_table *dst, const struct metrics_table *src);

/* Put a saved label set back (a restarted --pin agent). */
int metrics_restore(struct metrics_table *t, const struct series *s);
/* Label-set slots a table can hold: its cap plus the "other" sets. */
__u32 metrics_slots(const struct metrics_table *t);

/*
 * Add one flow. @close_type is the close type of an ended flow, or -1 for a
 * flow still in the table (which then counts as live and feeds the gauges).
 */
int metrics_add_flow(struct metrics_table *t, const struct flow_stats *f, int close_type);
/*
 * Add a flow still in the table as the sweep saw it in brief: its traffic, and
 * that it is open and live; the rest of its series is not touched.
 */
int metrics_add_brief(struct metrics_table *t, const struct flow_brief *b);

/*
 * Add a label set's latency histograms (data RTT, SRT, ART), which the
 * datapath keeps per label set rather than per flow: the flows' own
 * aggregates give the gauges only.
 */
int metrics_add_lat(struct metrics_table *t, const struct lat_key *k, const struct lat_hist *h);

/*
 * HELP and TYPE of a family. In OpenMetrics a counter family is named
 * without its samples' _total suffix.
 */
/* One latency sample (ns) into a histogram of LAT_BUCKET_BOUNDS_US buckets. */
void metrics_hist_add(struct hist *h, __u64 ns);
/* The _bucket, _sum and _count lines of one series (labels without braces). */
void metrics_hist_write(FILE *f, const char *name, const char *labels, const struct hist *h);

void prom_head(FILE *f, const char *name, const char *type, const char *help, int openmetrics);

struct rate_window;

/*
 * The network_tcp_* and network_udp_* families, HELP and TYPE for each: Prometheus text 0.0.4,
 * or OpenMetrics 1.0 with @openmetrics. With @rates (the agent's window of
 * sweeps) also the per-second rates over it.
 */
void metrics_write(FILE *out, const struct metrics_table *t, const struct rate_window *rates,
		   int openmetrics);

#endif /* NETOBS_METRICS_H */
