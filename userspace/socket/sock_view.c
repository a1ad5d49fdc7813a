// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>

#include "util/hash_bytes.h"
#include "l7/table.h"
#include "util/log.h"
#include "sock_probes.skel.h"
#include "socket/sock_view.h"
#include "wire/frame_parse.h"

#define TRACEFS "/sys/kernel/tracing"
#define KPROBE_PMU "/sys/bus/event_source/devices/kprobe/type"
#define SOCK_CONNS_MAX 65536
#define PROC_CACHE 1024
#define FLOW_PROC_SLOTS 65536
#define SWEEP_NS 1000000000ULL

/* One probe: the tracepoint it prefers, its tracepoint programs and its kprobe programs. */
struct probe_pair {
	const char *name;
	const char *tp; /* category/name under TRACEFS/events */
	const char *tp_progs[2];
	const char *kp_progs[2];
};

#define SYSCALL_PAIR(n)                                                                            \
	{                                                                                          \
#n, "syscalls/sys_enter_" #n, { "tp_enter_" #n, "tp_exit_" #n },                   \
		{                                                                                  \
			"ks_enter_" #n, "ks_exit_" #n                                              \
		}                                                                                  \
	}

static const struct probe_pair pairs[] = {
	SYSCALL_PAIR(read),
	SYSCALL_PAIR(write),
	SYSCALL_PAIR(readv),
	SYSCALL_PAIR(writev),
	SYSCALL_PAIR(sendto),
	SYSCALL_PAIR(recvfrom),
	SYSCALL_PAIR(sendmsg),
	SYSCALL_PAIR(recvmsg),
	SYSCALL_PAIR(sendmmsg),
	SYSCALL_PAIR(recvmmsg),
	SYSCALL_PAIR(connect),
	SYSCALL_PAIR(accept4),
	{ "close", "syscalls/sys_enter_close", { "tp_enter_close" }, { "ks_enter_close" } },
	{ "inet_sock_set_state",
	  "sock/inet_sock_set_state",
	  { "tp_sock_state" },
	  { "kp_sock_state" } },
	{ "tcp_retransmit_skb",
	  "tcp/tcp_retransmit_skb",
	  { "tp_tcp_retransmit" },
	  { "kp_tcp_retransmit" } },
	{ "tcp_send_reset",
	  "tcp/tcp_send_reset",
	  { "tp_tcp_send_reset" },
	  { "kp_tcp_send_reset" } },
	{ "tcp_receive_reset",
	  "tcp/tcp_receive_reset",
	  { "tp_tcp_receive_reset" },
	  { "kp_tcp_receive_reset" } },
};

#define N_PAIRS (sizeof(pairs) / sizeof(pairs[0]))

struct proc_slot {
	int used;
	struct proc_ctx p;
};

/*
 * What the sockets of a flow told, in a direct-mapped cache by flow key (a
 * flow whose slot another takes loses it). Both ends of a flow may be sockets
 * of this host (namespaces, loopback).
 */
struct flow_proc {
	struct flow_key key;
	__u32 pid[2]; /* by enum l7_side - 1: client, server; 0 unknown */
	int used;
	int has_tcp;
	__u32 srtt_us, retransmits, resets_sent, resets_received;
};

struct sock_view {
	struct sock_probes *skel;
	struct ring_buffer *rb;
	int *ring_fds; /* one ring buffer per possible CPU */
	int n_rings;
	struct bpf_link *links[2 * N_PAIRS + 1];
	int n_links;
	int cg_fd;
	struct sock_view_opts opts;
	struct sock_view_sink sink;
	struct l7_table conns;
	struct l7_stats stats;
	struct proc_slot procs[PROC_CACHE];
	struct flow_proc *flows;
	__u64 next_sweep;
	char hooks[1024];
};

void sock_view_opts_default(struct sock_view_opts *o)
{
	memset(o, 0, sizeof(*o));
	l7_options_default(&o->l7);
	o->ringbuf_bytes = SOCK_DEFAULT_RINGBUF;
	o->proc_root = "/proc";
	o->bundle_roots = SOCK_DEFAULT_BUNDLE_ROOTS;
	o->sample_pct = 100;
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* libbpf attaches tracepoints through tracefs: mount it where the kernel did not. */
static int tracefs_ready(void)
{
	if (!access(TRACEFS "/events", F_OK))
		return 0;
	if (mount("nodev", TRACEFS, "tracefs", 0, NULL) && errno != EBUSY) {
		pr_warn("socket view: tracefs is not mounted and mounting it failed (%s): mount -t "
			"tracefs nodev " TRACEFS "\n",
			strerror(errno));
		return -errno;
	}
	return 0;
}

static int tracepoint_exists(const char *tp)
{
	char path[256];

	snprintf(path, sizeof(path), TRACEFS "/events/%s/id", tp);
	return !access(path, F_OK);
}

static void set_autoload(struct bpf_object *obj, const char *const names[2], int on)
{
	int i;

	for (i = 0; i < 2 && names[i]; i++) {
		struct bpf_program *p = bpf_object__find_program_by_name(obj, names[i]);

		if (p)
			bpf_program__set_autoload(p, on);
	}
}

/* Pick each probe's hook before load; the others never reach the verifier. */
static void choose_hooks(struct sock_view *sv)
{
	int kprobes = !access(KPROBE_PMU, F_OK), tracefs = !tracefs_ready();
	size_t i, off = 0;

	for (i = 0; i < N_PAIRS; i++) {
		const struct probe_pair *p = &pairs[i];
		int tp = sv->opts.mode != PROBE_KPROBE && tracefs && tracepoint_exists(p->tp);
		int kp = !tp && sv->opts.mode != PROBE_TRACEPOINT && kprobes;
		const char *how = tp ? "tracepoint" : kp ? "kprobe" : "off";

		set_autoload(sv->skel->obj, p->tp_progs, tp);
		set_autoload(sv->skel->obj, p->kp_progs, kp);
		off += snprintf(sv->hooks + off, sizeof(sv->hooks) - off, "%s%s=%s", i ? " " : "",
				p->name, how);
		if (!tp && !kp)
			pr_warn(
			    "socket view: %s: neither its tracepoint nor kprobes are available: "
			    "off\n",
			    p->name);
	}
	pr_info("socket view hooks: %s\n", sv->hooks);
}

static int cgroup2_root(char *buf, size_t len)
{
	char line[512], dev[128], dir[256], type[64];
	FILE *f = fopen("/proc/mounts", "re");
	int found = 0;

	if (!f)
		return -errno;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %255s %63s", dev, dir, type) == 3 &&
		    !strcmp(type, "cgroup2")) {
			snprintf(buf, len, "%s", dir);
			found = 1;
		}
	fclose(f);
	return found ? 0 : -ENOENT;
}

/*
 * No cgroup v2 in this mount namespace (ip netns exec remounts /sys): mount
 * the hierarchy on a directory of our own just long enough to open its root.
 * The descriptor, and the sockops link on it, outlive the mount.
 */
static int open_private_cgroup2(char *root, size_t len)
{
	char dir[] = "/tmp/netobs-xdp-cgroup2.XXXXXX";
	int fd, err = 0;

	if (!mkdtemp(dir))
		return -errno;
	if (mount("none", dir, "cgroup2", 0, NULL)) {
		err = -errno;
		rmdir(dir);
		return err;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		err = -errno;
	umount2(dir, MNT_DETACH);
	rmdir(dir);
	snprintf(root, len, "/ (of a private cgroup v2 mount)");
	return fd < 0 ? err : fd;
}

static int attach_all(struct sock_view *sv)
{
	struct bpf_program *p;
	char root[256];
	int err;

	bpf_object__for_each_program (p, sv->skel->obj) {
		if (!bpf_program__autoload(p) || bpf_program__type(p) == BPF_PROG_TYPE_SOCK_OPS)
			continue;
		sv->links[sv->n_links] = bpf_program__attach(p);
		if (!sv->links[sv->n_links]) {
			err = -errno;
			pr_err("socket view: attaching %s: %s\n", bpf_program__name(p),
			       strerror(-err));
			return err;
		}
		sv->n_links++;
	}
	if (sv->opts.cgroup_root) {
		snprintf(root, sizeof(root), "%s", sv->opts.cgroup_root);
		sv->cg_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} else if (!cgroup2_root(root, sizeof(root))) {
		sv->cg_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} else {
		sv->cg_fd = open_private_cgroup2(root, sizeof(root));
		if (sv->cg_fd < 0) {
			pr_warn(
			    "socket view: no cgroup v2 mount, and mounting one failed (%s): the "
			    "kernel's RTT (sockops) is off\n",
			    strerror(-sv->cg_fd));
			return 0;
		}
	}
	if (sv->cg_fd >= 0)
		sv->links[sv->n_links] =
		    bpf_program__attach_cgroup(sv->skel->progs.sockops_rtt, sv->cg_fd);
	if (sv->cg_fd < 0 || !sv->links[sv->n_links]) {
		pr_warn("socket view: sockops on %s: %s: the kernel's RTT is off\n", root,
			strerror(errno));
		return 0;
	}
	sv->n_links++;
	pr_info("socket view: sockops on the cgroup v2 root %s\n", root);
	return 0;
}

static const struct proc_ctx *proc_of(struct sock_view *sv, __u32 pid, const char *comm,
				      __u64 cgroup_id)
{
	struct proc_slot *s = &sv->procs[pid % PROC_CACHE];

	if (s->used && s->p.pid == pid && !strncmp(s->p.comm, comm, sizeof(s->p.comm)))
		return &s->p;
	memset(s, 0, sizeof(*s));
	s->used = 1;
	if (proc_ctx_from_pid(&s->p, pid, sv->opts.proc_root))
		/* Gone already: what the event itself says. */
		snprintf(s->p.comm, sizeof(s->p.comm), "%.*s", (int)sizeof(s->p.comm) - 1, comm);
	s->p.pid = pid;
	s->p.cgroup_id = cgroup_id;
	proc_ctx_read_pod(&s->p, sv->opts.bundle_roots);
	return &s->p;
}

static void tuple_key(const struct sock_tuple *t, struct flow_key *k)
{
	struct pkt_info p = { .src = t->laddr,
			      .dst = t->raddr,
			      .sport = t->lport,
			      .dport = t->rport,
			      .proto = t->proto,
			      .family = t->family };

	memset(k, 0, sizeof(*k));
	pkt_flow_key(&p, k);
}

static __u32 flow_slot(const struct flow_key *k)
{
	return hash_bytes(k, sizeof(*k)) % FLOW_PROC_SLOTS;
}

/* The flow's slot, taken over when another flow had it. */
static struct flow_proc *flow_entry(struct sock_view *sv, const struct flow_key *k)
{
	struct flow_proc *f = &sv->flows[flow_slot(k)];

	if (!f->used || memcmp(&f->key, k, sizeof(*k))) {
		memset(f, 0, sizeof(*f));
		f->key = *k;
		f->used = 1;
	}
	return f;
}

static void note_flow_proc(struct sock_view *sv, const struct flow_key *k, int side, __u32 pid)
{
	flow_entry(sv, k)->pid[side == L7_SIDE_SERVER] = pid;
}

/* Retransmissions, resets and the kernel's RTT: softirq context, so by the socket's tuple. */
static void on_tcp(struct sock_view *sv, const struct sock_tcp_event *e)
{
	struct flow_key k;
	struct flow_proc *f;

	if (e->t.proto != IPPROTO_TCP || !e->t.family)
		return;
	tuple_key(&e->t, &k);
	f = flow_entry(sv, &k);
	f->has_tcp = 1;
	switch (e->kind) {
	case SOCK_TCP_RETRANSMIT:
		f->retransmits++;
		break;
	case SOCK_TCP_SEND_RESET:
		f->resets_sent++;
		break;
	case SOCK_TCP_RECV_RESET:
		f->resets_received++;
		break;
	case SOCK_TCP_RTT:
		f->srtt_us = e->srtt_us;
		break;
	}
}

int sock_view_flow_socket(struct sock_view *sv, const struct flow_key *k, struct flow_socket *out)
{
	const struct flow_proc *f = &sv->flows[flow_slot(k)];
	const struct proc_slot *s;
	__u32 pid;

	if (!f->used || memcmp(&f->key, k, sizeof(*k)))
		return 0;
	memset(out, 0, offsetof(struct flow_socket, proc));
	/* The client's process names the flow; the server's where only it was seen. */
	pid = f->pid[0] ? f->pid[0] : f->pid[1];
	s = &sv->procs[pid % PROC_CACHE];
	if (pid && s->used && s->p.pid == pid) {
		out->has_proc = 1;
		out->proc = s->p;
	}
	/* A local socket of the flow with no TCP event yet has had none. */
	out->has_tcp = f->has_tcp || out->has_proc;
	out->srtt_us = f->srtt_us;
	out->retransmits = f->retransmits;
	out->resets_sent = f->resets_sent;
	out->resets_received = f->resets_received;
	return out->has_proc || f->has_tcp;
}

/* Which end is the server: how the socket came to be, else the lower port. */
static int is_server(const struct sock_tuple *t)
{
	if (t->role != SOCK_ROLE_UNKNOWN)
		return t->role == SOCK_ROLE_SERVER;
	return t->lport < t->rport;
}

static struct l7_entry *conn_of(struct sock_view *sv, const struct sock_data_event *e)
{
	const struct sock_tuple *t = &e->t;
	struct l7_key k = { .sock = e->sock_id };
	struct l7_entry *en;
	int server;

	tuple_key(t, &k.flow);
	en = l7_table_find(&sv->conns, &k);
	if (en)
		return en;
	en = l7_table_add(&sv->conns, &k);
	if (!en)
		return NULL;
	server = is_server(t);
	if (server)
		l7_conn_init(&en->conn, &sv->opts.l7, t->proto == IPPROTO_TCP, t->family, &t->raddr,
			     t->rport, &t->laddr, t->lport);
	else
		l7_conn_init(&en->conn, &sv->opts.l7, t->proto == IPPROTO_TCP, t->family, &t->laddr,
			     t->lport, &t->raddr, t->rport);
	en->conn.side = server ? L7_SIDE_SERVER : L7_SIDE_CLIENT;
	return en;
}

static void srt_sample(struct sock_view *sv, struct l7_entry *en, const struct sock_data_event *e)
{
	if (e->dir == SOCK_RECV) {
		if (!en->srt_open)
			en->srt_start = e->ts_ns;
		en->srt_open = 1;
	} else if (en->srt_open) {
		en->srt_open = 0;
		if (sv->sink.srt)
			sv->sink.srt(sv->sink.ctx, &en->conn.proc, en->conn.proto,
				     e->ts_ns - en->srt_start);
	}
}

static void on_data(struct sock_view *sv, const struct sock_data_event *e, size_t len)
{
	const __u8 *data = (const __u8 *)(e + 1);
	struct l7_entry *en;
	int server, dir;

	if (len < sizeof(*e) + e->cap)
		return;
	en = conn_of(sv, e);
	if (!en)
		return;
	/* A socket can change hands (fork, SCM_RIGHTS): the latest user names it. */
	if (!en->conn.has_proc || en->conn.proc.pid != e->pid) {
		en->conn.proc = *proc_of(sv, e->pid, e->comm, e->cgroup_id);
		en->conn.has_proc = 1;
	}
	note_flow_proc(sv, &en->key.flow, en->conn.side, e->pid);
	server = en->conn.server_port == e->t.lport &&
		 !memcmp(&en->conn.server, &e->t.laddr, sizeof(e->t.laddr));
	dir = (e->dir == SOCK_RECV) == server ? DIR_C2S : DIR_S2C;
	l7_conn_feed(&en->conn, dir, data, e->cap, e->len, e->ts_ns, sv->sink.l7, sv->sink.ctx,
		     &sv->stats);
	if (server && en->conn.proto != L7_NONE)
		srt_sample(sv, en, e);
}

static void on_close(struct sock_view *sv, const struct sock_state_event *e)
{
	struct l7_key k = { .sock = e->sock_id };
	struct l7_entry *en;

	tuple_key(&e->t, &k.flow);
	en = l7_table_find(&sv->conns, &k);
	if (!en)
		return;
	l7_conn_finish(&en->conn, sv->sink.l7, sv->sink.ctx, &sv->stats);
	l7_table_del(&sv->conns, &k);
}

static int on_event(void *ctx, void *data, size_t len)
{
	struct sock_view *sv = ctx;
	__u32 type = *(const __u32 *)data;

	if (type == EV_SOCK_DATA && len >= sizeof(struct sock_data_event))
		on_data(sv, data, len);
	else if (type == EV_SOCK_STATE && len >= sizeof(struct sock_state_event))
		on_close(sv, data);
	else if (type == EV_SOCK_TCP && len >= sizeof(struct sock_tcp_event))
		on_tcp(sv, data);
	return 0;
}

struct sweep_ctx {
	struct sock_view *sv;
	__u64 now;
};

/* Unconnected UDP sockets never close per peer: idle conversations end here. */
static int sweep_one(struct l7_entry *en, void *ctx)
{
	struct sweep_ctx *s = ctx;
	struct sock_view *sv = s->sv;

	l7_conn_expire(&en->conn, s->now, &sv->stats);
	if (s->now - en->conn.last_ns < sv->opts.l7.timeout_ns)
		return 0;
	l7_conn_finish(&en->conn, sv->sink.l7, sv->sink.ctx, &sv->stats);
	return 1;
}

int sock_view_wait(struct sock_view *sv, int timeout_ms)
{
	struct epoll_event ev;
	int n = epoll_wait(ring_buffer__epoll_fd(sv->rb), &ev, 1, timeout_ms);

	return n < 0 && errno != EINTR ? -errno : 0;
}

int sock_view_poll(struct sock_view *sv)
{
	struct sweep_ctx s = { sv, mono_ns() };
	int n = ring_buffer__consume(sv->rb);

	if (n < 0)
		return n;
	if (s.now >= sv->next_sweep) {
		l7_table_walk(&sv->conns, sweep_one, &s);
		sv->next_sweep = s.now + SWEEP_NS;
	}
	return 0;
}

void sock_view_counters(struct sock_view *sv, __u64 out[SCNT_MAX])
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(sv->skel->maps.sock_counters);
	__u64 vals[ncpu > 0 ? ncpu : 1];
	__u32 i;
	int c;

	memset(out, 0, sizeof(__u64) * SCNT_MAX);
	for (i = 0; i < SCNT_MAX; i++)
		if (!bpf_map_lookup_elem(fd, &i, vals))
			for (c = 0; c < ncpu; c++)
				out[i] += vals[c];
}

int sock_view_probe_cost(struct sock_view *sv, __u64 *run_ns, __u64 *calls)
{
	struct bpf_program *p;

	*run_ns = *calls = 0;
	bpf_object__for_each_program (p, sv->skel->obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		const char *name = bpf_program__name(p);

		if (bpf_program__fd(p) < 0)
			continue;
		if (bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len))
			return -errno;
		*run_ns += info.run_time_ns;
		if (!strncmp(name, "tp_exit_", 8) || !strncmp(name, "ks_exit_", 8))
			*calls += info.run_cnt;
	}
	return 0;
}

const struct l7_stats *sock_view_l7_stats(struct sock_view *sv)
{
	return &sv->stats;
}

__u64 sock_view_untracked(struct sock_view *sv)
{
	return sv->conns.full;
}

const char *sock_view_hooks(struct sock_view *sv)
{
	return sv->hooks;
}

void sock_view_close(struct sock_view *sv)
{
	int i;

	if (!sv)
		return;
	ring_buffer__free(sv->rb);
	for (i = sv->n_links - 1; i >= 0; i--)
		bpf_link__destroy(sv->links[i]);
	for (i = 0; i < sv->n_rings; i++)
		close(sv->ring_fds[i]);
	free(sv->ring_fds);
	if (sv->cg_fd >= 0)
		close(sv->cg_fd);
	sock_probes__destroy(sv->skel);
	l7_table_free(&sv->conns);
	free(sv->flows);
	free(sv);
}

/*
 * The probes read kernel objects through bpf_rdonly_cast (Linux 6.2): without
 * it the load would fail on an unresolved extern, so say what is missing.
 */
static int kernel_has_rdonly_cast(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int found;

	if (!btf)
		return -errno;
	found = btf__find_by_name_kind(btf, "bpf_rdonly_cast", BTF_KIND_FUNC) > 0;
	btf__free(btf);
	return found ? 0 : -EOPNOTSUPP;
}

/*
 * One ring per possible CPU, together ringbuf_bytes: each a power of two of at
 * least SOCK_MIN_CPU_RING. The reader is woken early once a quarter of a ring
 * is waiting, else drains them all on its tick.
 */
static int create_rings(struct sock_view *sv)
{
	int ncpu = libbpf_num_possible_cpus(), fd, err;
	__u32 per = SOCK_MIN_CPU_RING;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	while ((__u64)per * 2 * ncpu <= sv->opts.ringbuf_bytes)
		per *= 2;
	sv->ring_fds = calloc(ncpu, sizeof(*sv->ring_fds));
	if (!sv->ring_fds)
		return -ENOMEM;
	for (sv->n_rings = 0; sv->n_rings < ncpu; sv->n_rings++) {
		fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0, per, NULL);
		if (fd < 0) {
			err = -errno;
			pr_err("socket view: creating CPU %d's ring buffer: %s\n", sv->n_rings,
			       strerror(-err));
			return err;
		}
		sv->ring_fds[sv->n_rings] = fd;
	}
	sv->skel->rodata->wakeup_bytes = per / 4;
	bpf_map__set_max_entries(sv->skel->maps.sock_rings, ncpu);
	pr_info("socket view: %d ring buffers of %u KB\n", ncpu, per >> 10);
	/* The first ring is the outer map's template: only its type must match. */
	return bpf_map__set_inner_map_fd(sv->skel->maps.sock_rings, sv->ring_fds[0]);
}

/* After load: each CPU's slot points to its ring, and one reader drains them all. */
static int fill_rings(struct sock_view *sv)
{
	int outer = bpf_map__fd(sv->skel->maps.sock_rings);
	__u32 i;

	for (i = 0; i < (__u32)sv->n_rings; i++) {
		if (bpf_map_update_elem(outer, &i, &sv->ring_fds[i], BPF_ANY))
			return -errno;
		if (!sv->rb)
			sv->rb = ring_buffer__new(sv->ring_fds[i], on_event, sv, NULL);
		else if (ring_buffer__add(sv->rb, sv->ring_fds[i], on_event, sv))
			return -errno;
		if (!sv->rb)
			return -errno;
	}
	return 0;
}

/*
 * getpid() is the agent's pid in its own PID namespace (a container's); the
 * probes then compare in that namespace. PROC_PID_INIT_INO: the host's.
 */
static void set_self_pidns(struct sock_probes *skel)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st) || st.st_ino == 0xEFFFFFFCU)
		return;
	skel->rodata->self_in_pidns = 1;
	skel->rodata->self_pidns_dev = st.st_dev;
	skel->rodata->self_pidns_ino = st.st_ino;
}

struct sock_view *sock_view_open(const struct sock_view_opts *o, const struct sock_view_sink *s)
{
	struct sock_view *sv = calloc(1, sizeof(*sv));
	int err = -ENOMEM;

	if (!sv)
		goto fail;
	sv->cg_fd = -1;
	sv->opts = *o;
	sv->sink = *s;
	sv->flows = calloc(FLOW_PROC_SLOTS, sizeof(*sv->flows));
	if (!sv->flows || l7_table_init(&sv->conns, SOCK_CONNS_MAX))
		goto fail;
	err = kernel_has_rdonly_cast();
	if (err) {
		pr_err("socket view: the kernel's BTF has no bpf_rdonly_cast kfunc (Linux 6.2 and "
		       "later), which the probes read sockets with: %s\n",
		       strerror(-err));
		goto fail;
	}
	sv->skel = sock_probes__open();
	if (!sv->skel) {
		err = -errno;
		pr_err("socket view: opening the probes: %s\n", strerror(-err));
		goto fail;
	}
	sv->skel->rodata->snippet_len = o->l7.snippet_bytes;
	sv->skel->rodata->self_tgid = getpid();
	set_self_pidns(sv->skel);
	sv->skel->rodata->self_port = o->self_port;
	sv->skel->rodata->sample_pct = o->sample_pct;
	err = create_rings(sv);
	if (err)
		goto fail;
	choose_hooks(sv);
	err = sock_probes__load(sv->skel);
	if (err) {
		pr_err("socket view: loading the probes: %s\n", strerror(-err));
		goto fail;
	}
	err = fill_rings(sv);
	if (err)
		goto fail;
	err = attach_all(sv);
	if (err)
		goto fail;
	return sv;
fail:
	sock_view_close(sv);
	errno = -err;
	return NULL;
}

int sock_view_load_kprobes_only(void)
{
	struct sock_probes *skel = sock_probes__open();
	struct bpf_program *p;
	int err;

	if (!skel)
		return -errno;
	bpf_object__for_each_program (p, skel->obj) {
		const char *sec = bpf_program__section_name(p);

		bpf_program__set_autoload(p, !strncmp(sec, "kprobe/", 7) ||
						 !strncmp(sec, "ksyscall/", 9) ||
						 !strncmp(sec, "kretsyscall/", 12));
	}
	err = sock_probes__load(skel);
	sock_probes__destroy(skel);
	return err;
}
