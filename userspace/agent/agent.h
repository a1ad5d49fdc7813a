/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* `netobs-xdp attach`: the live agent. */
#ifndef NETOBS_AGENT_H
#define NETOBS_AGENT_H

#include "agent/attach.h"
#include "export/exporter.h"
#include "export/record_stream.h"
#include "socket/sock_view.h"
#include "wire/backend.h"

#define AGENT_DEFAULT_LISTEN "127.0.0.1:9435"
#define AGENT_MAX_IFACES 64
#define AGENT_PIN_DIR "/sys/fs/bpf/netobs-xdp"

/*
 * SIGHUP: the command line re-reads its config file and applies what can
 * change in a running agent; 0, or -errno (the agent keeps running either way).
 */
typedef int (*agent_reload_fn)(void *ctx);

struct agent_opts {
	char *const *ifaces;
	int n_ifaces;
	enum attach_mode mode;
	enum vantage vantage; /* of every interface given */
	const char *listen;
	struct http_opts http;
	agent_reload_fn reload; /* NULL: nothing to reload (no --config) */
	void *reload_ctx;
	const char *user; /* --user: run as this user once started; NULL: stay */
	int no_seccomp;
	__u32 max_label_sets; /* label sets per metric before folding into "other" */
	int pin;	      /* keep programs, maps and counters across restarts (AGENT_PIN_DIR) */
	struct wire_options wire;
	int socket_view; /* load the socket probes (L7 records, process context) */
	struct sock_view_opts sock;
	int records_on;			   /* --records-out / export.records given */
	struct record_stream_opts records; /* where records go, and how */
	__u32 active_timeout_s; /* a live flow's interim record every this; 0: at exit only */
};

/* The exporter's state (export/exporter.h), and what the agent keeps beside it. */
struct agent_state {
	struct export_state exp;
	struct iface_attach att[AGENT_MAX_IFACES];
	int lock_fd[AGENT_MAX_IFACES];
	int n_att;
	struct metrics_mirrors mirrors; /* the mirror ports among the interfaces */
	const struct agent_opts *opts;
	unsigned long long ended_generation; /* bumped when exp.ended changes */
	unsigned long long saved_generation;
	int state_fd; /* pinned array of ended label sets, with --pin; -1 otherwise */
	/* What the last sweep saw (ended flows and the table), for the rate window. */
	struct metrics_table point;
	__u64 next_interim; /* when the live flows' next interim records are due */
};

/* Remove the pinned state (after `detach`, when nothing of ours is attached). */
int agent_unpin(void);

/*
 * Runs until SIGINT, SIGTERM or SIGQUIT (SIGHUP reloads); 0 on a clean stop,
 * non-zero if it could not start.
 */
int agent_run(const struct agent_opts *o);

#endif /* NETOBS_AGENT_H */
