/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* `netobs-xdp attach`: the live agent. */
#ifndef NETOBS_AGENT_H
#define NETOBS_AGENT_H

#include <pthread.h>

#include "attach.h"
#include "wire_backend.h"

#define AGENT_DEFAULT_LISTEN "127.0.0.1:9435"
#define AGENT_MAX_IFACES 64

struct agent_opts {
	char *const *ifaces;
	int n_ifaces;
	enum attach_mode mode;
	const char *listen;
	struct wire_options wire;
};

/* What the exporter reads; the lock guards the counters updated by the main loop. */
struct agent_state {
	struct wire_backend *engine;
	const struct agent_opts *opts;
	pthread_mutex_t lock;
	unsigned long long closed_by_type[CLOSE_MAX]; /* TCP flows ended, by close type */
	unsigned long long udp_flows_ended;
	unsigned long long ended_by_sweep;
	unsigned long long flows_live; /* as of the last sweep */
	unsigned long long tcp_flows_live;
};

/* Runs until SIGINT/SIGTERM; 0 on a clean stop, non-zero if it could not start. */
int agent_run(const struct agent_opts *o);

#endif /* NETOBS_AGENT_H */
