/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The socket view: loads kprobes/sock_probes.bpf.c with the hook the running
 * kernel can attach for each probe (tracepoint, else kprobe), attaches its
 * sockops program to the cgroup v2 root, and turns the snippets into L7
 * records and server response times with process and container context.
 */
#ifndef NETOBS_SOCK_VIEW_H
#define NETOBS_SOCK_VIEW_H

#include "wire/flow_record.h"
#include "l7/l7.h"
#include "socket/proc_ctx.h"

enum probe_mode {
	PROBE_AUTO = 0,	  /* per probe: the tracepoint, else the kprobe */
	PROBE_TRACEPOINT, /* tracepoints only */
	PROBE_KPROBE,	  /* kprobes only */
};

struct sock_view_opts {
	struct l7_options l7;
	enum probe_mode mode;
	__u32 ringbuf_bytes;	  /* all CPUs' ring buffers together */
	const char *bundle_roots; /* OCI bundle directories for pod names (colon-separated) */
	const char *proc_root;	  /* "/proc" */
	const char *cgroup_root;  /* cgroup v2 mount for sockops; NULL: found in /proc/mounts */
	__u16 self_port;	  /* the agent's HTTP port: connections to it are not traced */
	__u32 sample_pct;	  /* socket.sample_rate: percent of connections traced (1-100) */
};

#define SOCK_DEFAULT_BUNDLE_ROOTS                                                                  \
	"/run/containerd/io.containerd.runtime.v2.task/k8s.io:"                                    \
	"/run/containers/storage/overlay-containers"

#define SOCK_DEFAULT_RINGBUF (8U << 20)
#define SOCK_MIN_CPU_RING (64U << 10)

void sock_view_opts_default(struct sock_view_opts *o);

struct sock_view_sink {
	void (*l7)(void *ctx, const struct l7_record *r);
	/* A server socket's request read to its response write. */
	void (*srt)(void *ctx, const struct proc_ctx *p, int protocol, __u64 ns);
	void *ctx;
};

struct sock_view;

/* NULL and errno on failure, with the reason logged. */
struct sock_view *sock_view_open(const struct sock_view_opts *o, const struct sock_view_sink *s);
/* Sleep until the probes have much to deliver, or timeout_ms; 0 or -errno. */
int sock_view_wait(struct sock_view *sv, int timeout_ms);
/* Deliver what the probes sent; 0 or -errno. */
int sock_view_poll(struct sock_view *sv);
void sock_view_counters(struct sock_view *sv, __u64 out[SCNT_MAX]);
/*
 * What the probes cost, while the kernel's BPF run-time statistics are on
 * (bpf_enable_stats): the run time of all of them, and how many system calls
 * they traced to the end (runs of the syscall exit probes).
 */
int sock_view_probe_cost(struct sock_view *sv, __u64 *run_ns, __u64 *calls);
const struct l7_stats *sock_view_l7_stats(struct sock_view *sv);
/* Snippets of sockets beyond the connections tracked at once: not parsed. */
__u64 sock_view_untracked(struct sock_view *sv);
/*
 * What this host's sockets of a flow told: the process behind it (its
 * client's, else its server's) and the kernel's TCP events. 1 when a socket
 * of the flow was seen, else 0.
 */
int sock_view_flow_socket(struct sock_view *sv, const struct flow_key *k, struct flow_socket *out);
/* "tracepoint" or "kprobe" for each probe, as attached; for logs and /. */
const char *sock_view_hooks(struct sock_view *sv);
void sock_view_close(struct sock_view *sv);

/* Load every kprobe variant (no attach): proves the verifier takes them. 0 or -errno. */
int sock_view_load_kprobes_only(void);

#endif /* NETOBS_SOCK_VIEW_H */
