/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * "An agent runs on this interface": a lock file per interface under
 * /run/netobs-xdp, held (flock) for the agent's life and naming its pid, so
 * `netobs-xdp detach` can refuse to pull programs from under a live agent.
 */
#ifndef NETOBS_IFACE_LOCK_H
#define NETOBS_IFACE_LOCK_H

#define AGENT_RUN_DIR "/run/netobs-xdp"

/*
 * Take @ifname's lock: a file descriptor, -EBUSY (with *holder the live
 * agent's pid) when another agent holds it, or another -errno when the lock
 * cannot be kept at all (no writable /run).
 */
int iface_lock(const char *ifname, int *holder);
/* The pid of the live agent holding @ifname's lock, or 0. */
int iface_lock_holder(const char *ifname);
void iface_unlock(int fd, const char *ifname);

#endif /* NETOBS_IFACE_LOCK_H */
