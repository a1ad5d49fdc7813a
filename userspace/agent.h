/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* `netobs-xdp attach`: the live agent. */
#ifndef NETOBS_AGENT_H
#define NETOBS_AGENT_H

#include <pthread.h>

#include "attach.h"
#include "l7_sink.h"
#include "metrics.h"
#include "sock_view.h"
#include "wire_backend.h"

#define AGENT_DEFAULT_LISTEN "127.0.0.1:9435"
#define AGENT_MAX_IFACES 64
#define AGENT_DEFAULT_MAX_LABEL_SETS 256
#define AGENT_PIN_DIR "/sys/fs/bpf/netobs-xdp"

struct agent_opts {
	char *const *ifaces;
	int n_ifaces;
	enum attach_mode mode;
	const char *listen;
	const char *metrics_path;
	__u32 max_label_sets; /* label sets per metric before folding into "other" */
	int pin;	      /* keep programs, maps and counters across restarts (AGENT_PIN_DIR) */
	struct wire_options wire;
	int socket_view; /* load the socket probes (L7 records, process context) */
	struct sock_view_opts sock;
};

/*
 * What the exporter reads. The lock guards the fields below it and the ring
 * buffer (drained by the main loop and by each scrape).
 */
struct agent_state {
	struct wire_backend *engine;
	const struct agent_opts *opts;
	pthread_mutex_t lock;
	struct metrics_table ended;	  /* flows that ended since the agent started */
	struct metrics_table last_scrape; /* for the per-second rates */
	double last_scrape_s;		  /* 0: no scrape yet */
	unsigned long long ended_by_sweep;
	unsigned long long ended_generation; /* bumped when ended changes */
	unsigned long long saved_generation;
	int state_fd; /* pinned array of ended label sets, with --pin; -1 otherwise */
	unsigned long long flows_live; /* as of the last sweep */
	struct sock_view *sv;	       /* NULL when the socket view is off */
	struct l7_sink l7;
};

/* Deliver pending flow ends into @st->ended; takes the lock. */
int agent_drain_events(struct agent_state *st);

/* Remove the pinned state (after `detach`, when nothing of ours is attached). */
int agent_unpin(void);

/* Runs until SIGINT/SIGTERM; 0 on a clean stop, non-zero if it could not start. */
int agent_run(const struct agent_opts *o);

#endif /* NETOBS_AGENT_H */
