// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <xdp/libxdp.h>

#include "agent/attach.h"
#include "util/log.h"

#define XDP_PROG_NAME "netobs_xdp"

static int find_our_xdp(int ifindex, struct xdp_multiprog **mpp, struct xdp_program **pp);
static int our_tc(int ifindex, struct bpf_tc_hook *hook);

const char *attach_mode_name(enum attach_mode m)
{
	switch (m) {
	case ATTACH_NATIVE:
		return "native";
	case ATTACH_GENERIC:
		return "generic";
	default:
		return "auto";
	}
}

static const char *xdp_holder(int ifindex, char *buf, size_t len)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	struct xdp_program *p;

	snprintf(buf, len, "another XDP program");
	if (libxdp_get_error(mp))
		return buf;
	p = xdp_multiprog__main_prog(mp);
	if (p)
		snprintf(buf, len, "XDP program '%s'", xdp_program__name(p));
	xdp_multiprog__close(mp);
	return buf;
}

static __u32 xdp_flags(const struct iface_attach *a)
{
	return a->mode == ATTACH_NATIVE ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
}

/*
 * What runs on the interface's XDP hook now (our program, or libxdp's
 * dispatcher holding it): the watch compares with it, and a detach names it.
 */
static int remember_xdp_id(struct iface_attach *a)
{
	int err = bpf_xdp_query_id(a->ifindex, xdp_flags(a), &a->xdp_id);

	if (err)
		pr_warn("%s: cannot read back the XDP program attached: %s\n", a->name,
			strerror(-err));
	return 0;
}

static int remember_tc_id(struct iface_attach *a)
{
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = NETOBS_TC_HANDLE, .priority = NETOBS_TC_PRIO);
	int err = bpf_tc_query(&a->hook, &opts);

	if (!err)
		a->tc_id = opts.prog_id;
	return 0;
}

static int attach_xdp(struct iface_attach *a, const struct attach_progs *progs,
		      enum attach_mode want)
{
	enum attach_mode order[2] = { want, ATTACH_GENERIC };
	int i, n = want == ATTACH_AUTO ? 2 : 1, err = 0;
	struct xdp_multiprog *mp;
	struct bpf_object *obj;
	char holder[128];

	if (want == ATTACH_AUTO)
		order[0] = ATTACH_NATIVE;
	obj = progs->xdp_object_new(progs->engine, &a->xdp_owner);
	if (!obj) {
		err = -errno;
		pr_err("%s: cannot prepare the XDP program: %s\n", a->name, strerror(errno));
		return err;
	}
	a->xdp_owner_free = progs->xdp_object_free;
	a->xdp = xdp_program__from_bpf_obj(obj, "xdp");
	err = libxdp_get_error(a->xdp);
	if (err) {
		a->xdp = NULL;
		pr_err("%s: cannot use the XDP program: %s\n", a->name, strerror(-err));
		return err;
	}
	for (i = 0; i < n; i++) {
		err = xdp_program__attach(
		    a->xdp, a->ifindex, order[i] == ATTACH_NATIVE ? XDP_MODE_NATIVE : XDP_MODE_SKB,
		    0);
		if (!err) {
			a->mode = order[i];
			break;
		}
		if (err == -EBUSY || err == -EEXIST) {
			pr_err("%s: %s is already attached, and this kernel cannot run libxdp's "
			       "multiprog dispatcher (it needs freplace and a mounted bpffs): "
			       "netobs-xdp will not replace it. Detach it first "
			       "(xdp-loader unload %s --all) or attach netobs-xdp elsewhere\n",
			       a->name, xdp_holder(a->ifindex, holder, sizeof(holder)), a->name);
			return err;
		}
		if (want == ATTACH_AUTO && order[i] == ATTACH_NATIVE)
			pr_info("%s: native XDP not available (%s), trying generic\n", a->name,
				strerror(-err));
	}
	if (err) {
		if (want == ATTACH_NATIVE)
			pr_err("%s: native XDP attach failed: %s. The driver may lack native XDP, "
			       "or need settings (e.g. ethtool -K %s lro off, a smaller MTU); "
			       "try --mode generic\n",
			       a->name, strerror(-err), a->name);
		else
			pr_err("%s: XDP attach failed (%s mode): %s\n", a->name,
			       attach_mode_name(want), strerror(-err));
		return err;
	}
	a->xdp_attached = 1;
	mp = xdp_multiprog__get_from_ifindex(a->ifindex);
	if (!libxdp_get_error(mp)) {
		a->dispatcher = !xdp_multiprog__is_legacy(mp);
		xdp_multiprog__close(mp);
	}
	return remember_xdp_id(a);
}

static int attach_tc(struct iface_attach *a, int tc_fd)
{
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = NETOBS_TC_HANDLE, .priority = NETOBS_TC_PRIO,
		    .prog_fd = tc_fd);
	int err;

	a->hook.sz = sizeof(a->hook);
	a->hook.ifindex = a->ifindex;
	a->hook.attach_point = BPF_TC_EGRESS;
	err = bpf_tc_hook_create(&a->hook);
	if (err && err != -EEXIST) {
		pr_err("%s: cannot create the clsact qdisc: %s\n", a->name, strerror(-err));
		return err;
	}
	a->qdisc_created = !err;
	err = bpf_tc_attach(&a->hook, &opts);
	if (err) {
		pr_err("%s: cannot attach the TC egress program: %s%s\n", a->name, strerror(-err),
		       err == -EEXIST ? " (a netobs-xdp filter is already there: run "
					"netobs-xdp detach first)"
				      : "");
		return err;
	}
	a->tc_attached = 1;
	return remember_tc_id(a);
}

/*
 * Swap in @xdp_fd and @tc_fd for the programs a pinned agent left on the
 * interface: XDP_FLAGS_REPLACE and BPF_TC_F_REPLACE, so no packet goes unseen.
 */
static int replace_ours(struct iface_attach *a, struct xdp_multiprog *mp, struct xdp_program *old,
			int xdp_fd, int tc_fd)
{
	enum xdp_attach_mode m = xdp_multiprog__attach_mode(mp);
	LIBBPF_OPTS(bpf_xdp_attach_opts, xo, .old_prog_fd = xdp_program__fd(old));
	LIBBPF_OPTS(bpf_tc_opts, to, .handle = NETOBS_TC_HANDLE, .priority = NETOBS_TC_PRIO,
		    .prog_fd = tc_fd, .flags = BPF_TC_F_REPLACE);
	int err;

	err = bpf_xdp_attach(a->ifindex, xdp_fd,
			     XDP_FLAGS_REPLACE |
				 (m == XDP_MODE_NATIVE ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE),
			     &xo);
	xdp_multiprog__close(mp);
	if (err) {
		pr_err("%s: replacing the pinned agent's XDP program: %s\n", a->name,
		       strerror(-err));
		return err;
	}
	a->mode = m == XDP_MODE_NATIVE ? ATTACH_NATIVE : ATTACH_GENERIC;
	a->xdp_attached = 1;
	a->xdp_fd = xdp_fd;
	remember_xdp_id(a);
	if (tc_fd < 0) {
		pr_info("%s: took over from the pinned agent: XDP %s mode (mirror port)\n", a->name,
			attach_mode_name(a->mode));
		return 0;
	}
	a->hook.sz = sizeof(a->hook);
	a->hook.ifindex = a->ifindex;
	a->hook.attach_point = BPF_TC_EGRESS;
	err = bpf_tc_attach(&a->hook, &to);
	if (err) {
		pr_err("%s: replacing the pinned agent's TC program: %s\n", a->name,
		       strerror(-err));
		return err;
	}
	a->tc_attached = 1;
	remember_tc_id(a);
	pr_info("%s: took over from the pinned agent: XDP %s mode, TC egress\n", a->name,
		attach_mode_name(a->mode));
	return 0;
}

int iface_attach(struct iface_attach *a, const char *ifname, const struct attach_progs *progs,
		 enum attach_mode want, int pinned)
{
	struct xdp_multiprog *mp;
	struct xdp_program *old;
	struct bpf_tc_hook hook;
	int err;

	memset(a, 0, sizeof(*a));
	a->xdp_fd = -1;
	snprintf(a->name, sizeof(a->name), "%s", ifname);
	a->keep = pinned;
	a->no_tc = progs->tc_fd < 0;
	a->ifindex = if_nametoindex(ifname);
	if (!a->ifindex) {
		err = -errno;
		pr_err("%s: no such interface\n", ifname);
		return err;
	}
	if (find_our_xdp(a->ifindex, &mp, &old)) {
		int tc_ours = progs->tc_fd < 0 || our_tc(a->ifindex, &hook);

		if (pinned && tc_ours && !xdp_multiprog__is_legacy(mp)) {
			xdp_multiprog__close(mp);
			pr_err("%s: the pinned agent's program runs in libxdp's dispatcher; taking "
			       "it over in place is not supported yet: run `netobs-xdp detach %s` "
			       "first (its counts are lost)\n",
			       a->name, a->name);
			return -EOPNOTSUPP;
		}
		if (pinned && tc_ours)
			return replace_ours(a, mp, old, progs->xdp_fd, progs->tc_fd);
		xdp_multiprog__close(mp);
		pr_err("%s: netobs-xdp programs are already attached (left by an agent run with "
		       "--pin, or killed): start with --pin to take them over, or run "
		       "`netobs-xdp detach %s` first\n",
		       a->name, a->name);
		return -EEXIST;
	}
	err = attach_xdp(a, progs, want);
	if (!err && progs->tc_fd >= 0)
		err = attach_tc(a, progs->tc_fd);
	if (err) {
		iface_detach(a);
		return err;
	}
	if (progs->tc_fd < 0)
		pr_info("%s: attached: XDP %s mode%s; a mirror port: no TC egress\n", a->name,
			attach_mode_name(a->mode),
			a->dispatcher ? " via the multiprog dispatcher" : " (single program)");
	else
		pr_info("%s: attached: XDP %s mode%s, TC egress%s\n", a->name,
			attach_mode_name(a->mode),
			a->dispatcher ? " via the multiprog dispatcher" : " (single program)",
			a->qdisc_created ? " (clsact created)" : "");
	return 0;
}

/*
 * A program attached on its own is removed by netlink, naming the program we
 * hold (XDP_FLAGS_REPLACE: only if it is still ours): that needs only
 * CAP_NET_ADMIN, which the agent keeps after start. libxdp's detach looks the
 * program up by id first, which takes CAP_SYS_ADMIN; it is used only for the
 * multiprog dispatcher, which needs it anyway.
 */
static int detach_xdp(struct iface_attach *a)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, o);
	int fd = a->xdp ? xdp_program__fd(a->xdp) : a->xdp_fd;

	if (a->dispatcher && a->xdp)
		return xdp_program__detach(a->xdp, a->ifindex, XDP_MODE_UNSPEC, 0);
	if (fd < 0)
		return -EBADF;
	o.old_prog_fd = fd;
	return bpf_xdp_detach(a->ifindex, XDP_FLAGS_REPLACE | xdp_flags(a), &o);
}

int iface_check(const struct iface_attach *a, char *why, size_t len)
{
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = NETOBS_TC_HANDLE, .priority = NETOBS_TC_PRIO);
	struct bpf_tc_hook hook = a->hook;
	char name[IF_NAMESIZE];
	__u32 id = 0;

	if (!if_indextoname(a->ifindex, name) || strcmp(name, a->name)) {
		snprintf(why, len, "the interface is gone (deleted, or renamed)");
		return 0;
	}
	if (a->xdp_id && (bpf_xdp_query_id(a->ifindex, xdp_flags(a), &id) || id != a->xdp_id)) {
		snprintf(why, len,
			 id ? "another XDP program replaced ours (program id %u)"
			    : "our XDP program was detached (by `netobs-xdp detach --force`, "
			      "xdp-loader or ip link?)",
			 id);
		return 0;
	}
	if (a->tc_id && (bpf_tc_query(&hook, &opts) || opts.prog_id != a->tc_id)) {
		snprintf(why, len, "our TC egress filter was removed (or the clsact qdisc)");
		return 0;
	}
	return 1;
}

void iface_detach(struct iface_attach *a)
{
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = NETOBS_TC_HANDLE, .priority = NETOBS_TC_PRIO);
	int err;

	if (a->keep && a->xdp_attached && (a->tc_attached || a->no_tc)) {
		/* Pinned: the programs stay, for the next agent to take over. */
		a->xdp_attached = a->tc_attached = a->qdisc_created = 0;
	}

	if (a->tc_attached) {
		err = bpf_tc_detach(&a->hook, &opts);
		if (err)
			pr_warn("%s: TC detach: %s\n", a->name, strerror(-err));
		a->tc_attached = 0;
	}
	if (a->qdisc_created) {
		/* Destroying a clsact hook removes the whole qdisc: only ours. */
		a->hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		err = bpf_tc_hook_destroy(&a->hook);
		if (err)
			pr_warn("%s: removing clsact: %s\n", a->name, strerror(-err));
		a->qdisc_created = 0;
	}
	if (a->xdp_attached) {
		err = detach_xdp(a);
		if (err)
			pr_warn("%s: XDP detach: %s\n", a->name, strerror(-err));
		a->xdp_attached = 0;
	}
	if (a->xdp) {
		xdp_program__close(a->xdp);
		a->xdp = NULL;
	}
	if (a->xdp_owner) {
		a->xdp_owner_free(a->xdp_owner);
		a->xdp_owner = NULL;
	}
}

/* Our XDP program on @ifindex, if that is what is attached there. */
static int find_our_xdp(int ifindex, struct xdp_multiprog **mpp, struct xdp_program **pp)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	struct xdp_program *p = NULL;

	if (libxdp_get_error(mp))
		return 0;
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
	} else {
		for (p = xdp_multiprog__next_prog(NULL, mp); p; p = xdp_multiprog__next_prog(p, mp))
			if (!strcmp(xdp_program__name(p), XDP_PROG_NAME))
				break;
	}
	if (!p || strcmp(xdp_program__name(p), XDP_PROG_NAME)) {
		xdp_multiprog__close(mp);
		return 0;
	}
	*mpp = mp;
	*pp = p;
	return 1;
}

static int our_tc(int ifindex, struct bpf_tc_hook *hook)
{
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = NETOBS_TC_HANDLE, .priority = NETOBS_TC_PRIO);

	memset(hook, 0, sizeof(*hook));
	hook->sz = sizeof(*hook);
	hook->ifindex = ifindex;
	hook->attach_point = BPF_TC_EGRESS;
	return !bpf_tc_query(hook, &opts);
}

int iface_detach_by_name(const char *ifname)
{
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = NETOBS_TC_HANDLE, .priority = NETOBS_TC_PRIO);
	int ifindex = if_nametoindex(ifname), removed = 0, err;
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	struct bpf_tc_hook hook;

	if (!ifindex) {
		pr_err("%s: no such interface\n", ifname);
		return -ENODEV;
	}
	if (find_our_xdp(ifindex, &mp, &p)) {
		err = xdp_multiprog__is_legacy(mp)
			  ? xdp_program__detach(p, ifindex, xdp_multiprog__attach_mode(mp), 0)
			  : xdp_program__detach(p, ifindex, XDP_MODE_UNSPEC, 0);
		xdp_multiprog__close(mp);
		if (err) {
			pr_err("%s: XDP detach: %s\n", ifname, strerror(-err));
			return err;
		}
		removed++;
	}
	if (our_tc(ifindex, &hook)) {
		/* The clsact qdisc may hold other filters: leave it. */
		err = bpf_tc_detach(&hook, &opts);
		if (err) {
			pr_err("%s: TC detach: %s\n", ifname, strerror(-err));
			return err;
		}
		removed++;
	}
	return removed;
}

int iface_status(FILE *out)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	struct bpf_tc_hook hook;
	int n = 0, xdp, tc;

	if (!ifs)
		return -errno;
	for (i = ifs; i->if_index; i++) {
		const char *mode = "";

		xdp = find_our_xdp(i->if_index, &mp, &p);
		if (xdp) {
			mode = xdp_multiprog__attach_mode(mp) == XDP_MODE_NATIVE ? "native"
										 : "generic";
			xdp_multiprog__close(mp);
		}
		tc = our_tc(i->if_index, &hook);
		if (!xdp && !tc)
			continue;
		fprintf(out, "%s: xdp %s%s, tc egress %s\n", i->if_name,
			xdp ? "attached " : "absent", mode, tc ? "attached" : "absent");
		n++;
	}
	if_freenameindex(ifs);
	return n;
}
