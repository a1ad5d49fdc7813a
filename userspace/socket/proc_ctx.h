/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Filling in the process behind a socket from /proc, its cgroup path and OCI bundles. */
#ifndef NETOBS_PROC_CTX_H
#define NETOBS_PROC_CTX_H

#include <stddef.h>
#include <linux/types.h>

#include "util/process.h"

/*
 * Container id and pod uid from a cgroup path. Knows the docker, containerd
 * (cri-containerd-ID.scope, /docker/ID) and CRI-O (crio-ID.scope) forms,
 * under systemd or cgroupfs drivers, and kubepods pod directories.
 */
void proc_ctx_from_cgroup_path(struct proc_ctx *p, const char *path);

/*
 * Pod name and namespace from the runtime's OCI bundle config.json
 * (annotations io.kubernetes.cri.sandbox-name/-namespace or
 * io.kubernetes.pod.name/namespace), looked up under each of the
 * colon-separated bundle roots as ROOT/ID/config.json (containerd) or
 * ROOT/ID/userdata/config.json (CRI-O). 0, or -errno.
 */
int proc_ctx_read_pod(struct proc_ctx *p, const char *bundle_roots);

/* Fill pid, comm and cgroup from /proc (PROC_ROOT/PID/...). 0, or -errno. */
int proc_ctx_from_pid(struct proc_ctx *p, __u32 pid, const char *proc_root);

#endif /* NETOBS_PROC_CTX_H */
