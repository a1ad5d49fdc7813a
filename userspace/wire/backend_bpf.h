/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
#ifndef NETOBS_WIRE_BPF_H
#define NETOBS_WIRE_BPF_H

#include "wire/backend.h"

struct wire_xdp;
struct wire_tc;
struct flow_dump;
struct bpf_link;
struct ring_buffer;

/* The XDP and TC programs loaded as one engine: they share every map. */
struct wire_bpf {
	struct wire_backend b;
	struct wire_xdp *xdp;
	struct wire_tc *tc;
	struct flow_dump *dump; /* reads the table under each flow's lock */
	struct bpf_link *dump_link;
	struct bpf_link *sweep_link; /* the sweep's walk: flows in brief, expired ones whole */
	struct ring_buffer *rb;
	int ncpus;
	struct wire_options opts;
};

int wire_bpf_xdp_prog_fd(const struct wire_bpf *w);
int wire_bpf_tc_prog_fd(const struct wire_bpf *w);
int wire_bpf_flows_fd(const struct wire_bpf *w);
/* Any of the engine's maps by name (benchmarks, tests); -errno when there is none. */
int wire_bpf_map_fd(const struct wire_bpf *w, const char *name);
/*
 * A fresh, unloaded copy of the XDP program's object, configured like the
 * engine's and sharing its maps, for libxdp to load itself (as a component
 * of its multiprog dispatcher where the kernel allows). *owner is freed with
 * wire_bpf_xdp_object_free() once the program is detached. NULL on error.
 */
struct bpf_object *wire_bpf_xdp_object_new(void *w, void **owner);
void wire_bpf_xdp_object_free(void *owner);

/* Read one flow, not under its lock (tests, with no packet running); -ENOENT when absent. */
int wire_bpf_lookup_flow(const struct wire_bpf *w, const struct flow_key *key,
			 struct flow_stats *out);

#endif /* NETOBS_WIRE_BPF_H */
