/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The process behind a socket: pid, comm, cgroup, container and pod. A plain
 * record that flow and L7 records carry; socket/proc_ctx.c fills it in.
 */
#ifndef NETOBS_UTIL_PROCESS_H
#define NETOBS_UTIL_PROCESS_H

#include <linux/types.h>

struct proc_ctx {
	__u32 pid;
	char comm[16];
	__u64 cgroup_id;
	char cgroup_path[256];
	char container_id[72]; /* "" when the cgroup is not a container's */
	char pod_uid[40];      /* "" outside Kubernetes */
	char pod_name[128];    /* from the OCI bundle's annotations */
	char pod_namespace[64];
};

#endif /* NETOBS_UTIL_PROCESS_H */
