/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Attaching the wire engine to interfaces: XDP via libxdp, TC on clsact egress. */
#ifndef NETOBS_ATTACH_H
#define NETOBS_ATTACH_H

#include <net/if.h>

#include <bpf/libbpf.h>

enum attach_mode {
	ATTACH_AUTO = 0, /* native, else generic */
	ATTACH_NATIVE,
	ATTACH_GENERIC,
};

/* Where the interface sees traffic from. */
enum vantage {
	VANTAGE_ENDPOINT = 0, /* the host's own: received at XDP, sent at TC egress */
	VANTAGE_MIRROR,	      /* a SPAN/TAP port: both directions arrive at XDP, nothing is sent */
};

/* Our TC filter's place on clsact egress, so detach finds exactly ours. */
#define NETOBS_TC_HANDLE 0x6e6f /* "no" */
#define NETOBS_TC_PRIO 0x6e6f

struct xdp_program;

/* What the engine hands to attach: its programs, and copies for libxdp to load. */
struct attach_progs {
	int xdp_fd; /* the engine's loaded XDP program (atomic takeover of a pinned one) */
	int tc_fd;  /* -1: no TC program (a mirror port sends nothing) */
	/* An unloaded XDP object sharing the engine's maps; *owner goes to free(). */
	struct bpf_object *(*xdp_object_new)(void *engine, void **owner);
	void (*xdp_object_free)(void *owner);
	void *engine;
};

struct iface_attach {
	char name[IF_NAMESIZE];
	int ifindex;
	enum attach_mode mode; /* what we got: ATTACH_NATIVE or ATTACH_GENERIC */
	struct xdp_program *xdp;
	void *xdp_owner; /* of the object libxdp loaded, from xdp_object_new() */
	void (*xdp_owner_free)(void *owner);
	int xdp_attached;
	int dispatcher; /* attached through libxdp's multiprog dispatcher */
	struct bpf_tc_hook hook;
	int qdisc_created; /* clsact was ours to create, so it is ours to remove */
	int tc_attached;
	__u32 xdp_id, tc_id; /* what runs on the hooks since attach, for the watch */
	int xdp_fd;	     /* our program's fd when no libxdp object holds it (takeover) */
	int no_tc;	     /* a mirror port: XDP only */
	int keep;	     /* pinned: leave the programs attached when the agent stops */
};

const char *attach_mode_name(enum attach_mode m);

/*
 * Attach the XDP (ingress) and TC (egress) programs to @ifname: XDP through
 * libxdp, which loads its own copy of the program so that it can run it in
 * its multiprog dispatcher next to other XDP programs. On failure nothing
 * stays attached, and the reason was logged in words that say what to do.
 * With @pinned, netobs-xdp programs an earlier (pinned) agent left there are
 * replaced in place, atomically, and this agent leaves its own when it stops;
 * without, such leftovers are an error that says how to clear them.
 */
int iface_attach(struct iface_attach *a, const char *ifname, const struct attach_progs *progs,
		 enum attach_mode want, int pinned);
/*
 * Is what iface_attach() attached still there: the interface (by index and
 * name), our XDP program (or its dispatcher) and our TC filter? 1 if so;
 * else 0 and the reason in @why.
 */
int iface_check(const struct iface_attach *a, char *why, size_t len);
/* Undo iface_attach(); safe on a partly attached or zeroed struct. */
void iface_detach(struct iface_attach *a);

/*
 * Remove netobs-xdp's programs from @ifname, whoever attached them (a crashed
 * or pinned agent): our XDP program by name, our TC filter by handle/prio.
 * Returns how many were removed, or -errno.
 */
int iface_detach_by_name(const char *ifname);
/* Print (to @out, if not NULL) where netobs-xdp programs are attached; returns how many interfaces.
 */
int iface_status(FILE *out);

#endif /* NETOBS_ATTACH_H */
