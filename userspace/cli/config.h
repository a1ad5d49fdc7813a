/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* config.yaml for the agent, read with libyaml; every key is checked. */
#ifndef NETOBS_CONFIG_H
#define NETOBS_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "agent/attach.h"
#include "util/log.h"
#include "netobs.h"

struct netobs_config {
	char listen[128];	       /* http.listen */
	char metrics_path[128];	       /* http.metrics_path */
	char web_config[128];	       /* http.web_config: "" for none */
	__u32 max_connections;	       /* http.max_connections */
	__u32 max_per_ip;	       /* http.max_connections_per_ip */
	__u32 idle_timeout_s;	       /* http.idle_timeout (seconds) */
	int endpoint_flows;	       /* http.endpoints.flows: enum endpoint_policy */
	int endpoint_l7;	       /* http.endpoints.l7 */
	__u32 ringbuf_bytes;	       /* ebpf.perf_buffer_size */
	__u32 max_flows;	       /* ebpf.max_flows */
	__u32 sampling_pct;	       /* ebpf.sampling_rate, 1-100 */
	enum attach_mode mode;	       /* ebpf.xdp_mode */
	int vantage;		       /* ebpf.vantage: enum vantage */
	enum log_level log_level;      /* log.level */
	int log_json;		       /* log.format */
	struct wire_timeouts timeouts; /* flows.timeouts.* (seconds) */
	__u32 max_label_sets;	       /* labels.max_label_sets */
	int socket_view;	       /* socket.enabled */
	int probe_mode;		       /* socket.probes: enum probe_mode */
	char bundle_roots[128];	       /* socket.oci_bundle_roots */
	__u32 sock_ringbuf_bytes;      /* socket.ringbuf_bytes */
	__u32 sock_sample_pct;	       /* socket.sample_rate */
	__u32 snippet_bytes;	       /* l7.snippet_bytes */
	int show_sql_literals;	       /* l7.show_sql_literals */
	int keep_query;		       /* l7.redact_query: false */
	char records[128];	       /* export.records: "" for none */
	__u32 records_queue;	       /* export.records_queue (lines) */
	__u32 records_rotate_mb;       /* export.records_rotate_mb */
	__u32 active_timeout_s;	       /* export.active_timeout (seconds; 0: at exit only) */
};

void config_defaults(struct netobs_config *c);
/*
 * Read @path over @c. On error returns -EINVAL (or -errno for I/O) and puts
 * one line in @err naming the file, line, key and what is allowed.
 */
int config_load(const char *path, struct netobs_config *c, char *err, size_t errlen);

/* The settings in config.yaml form, every key with its value (--check-config). */
void config_print(FILE *out, const struct netobs_config *c);

#endif /* NETOBS_CONFIG_H */
