/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Least privilege once the agent has started: the programs are loaded and
 * attached and the port is bound, so what it keeps is only what detaching
 * and reading its maps need (libcap), it can gain nothing new (NoNewPrivs),
 * may run as another user, and calls only the system calls it uses
 * (a seccomp allowlist, libseccomp).
 */
#ifndef NETOBS_PRIVILEGE_H
#define NETOBS_PRIVILEGE_H

struct privilege_opts {
	const char *user; /* switch to this user (and its group); NULL: stay */
	int no_seccomp;
	int dispatcher;	 /* an interface runs us through libxdp's dispatcher */
	int socket_view; /* the socket view reads other processes' /proc and OCI bundles */
};

/*
 * Capabilities down to the kept set (CAP_NET_ADMIN, CAP_BPF; CAP_SYS_ADMIN
 * with the dispatcher, whose detach needs it; CAP_DAC_READ_SEARCH for the
 * socket view under --user), the rest dropped from the bounding set too,
 * NoNewPrivs, then --user. Call single-threaded: capabilities are per thread.
 * 0, or -errno (said).
 */
int privilege_drop(const struct privilege_opts *p);
/* The seccomp allowlist, on every thread of the process. 0, or -errno (said). */
int privilege_seccomp(const struct privilege_opts *p);

#endif /* NETOBS_PRIVILEGE_H */
