// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The socket view: payload snippets of reads and writes on TCP/UDP sockets,
 * socket roles (connect/accept), state changes, retransmissions and resets,
 * and the kernel's own RTT through sockops.
 *
 * Every probe has a tracepoint entry and a kprobe entry; the agent keeps the
 * one the running kernel can attach (bpf_program__set_autoload) and both
 * feed the same handlers below. A call's arguments are kept at entry and
 * read at exit, when the data is in the buffer. Only sockets whose payload
 * matched a protocol signature send snippets, so ordinary traffic costs a
 * map lookup.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

#include "sock.h"

#define AF_INET 2
#define AF_INET6 10
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define EINPROGRESS 115
#define TCP_CLOSE 7
/*
 * Unmatched payloads before a socket is left alone: a MySQL client that reads
 * each packet's header apart from its payload shows a handful before its query.
 */
#define SOCK_MISSES_MAX 16
#define SIG_BYTES 8

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * Records go in without waking the reader: the agent drains the ring buffers on
 * its own tick, and a wakeup per snippet would cost an irq_work on the hot
 * path. Only once wakeup_bytes are waiting in a ring is the reader woken early.
 */

/* Knobs set before load. */
const volatile __u32 snippet_len = L7_SNIPPET_DEFAULT;
const volatile __u32 self_tgid; /* the agent: its own reads and writes are not traced */
/* The agent in a PID namespace of its own (a container): its tgid as seen there. */
const volatile __u8 self_in_pidns;
const volatile __u64 self_pidns_dev, self_pidns_ino;
/* The agent's HTTP port: its scrapers' requests are not the host's traffic. */
const volatile __u16 self_port;
const volatile __u64 wakeup_bytes = 1 << 18;
/* socket.sample_rate: percent of connections traced, each drawn once when it first shows. */
const volatile __u32 sample_pct = 100;

/*
 * One ring buffer per CPU, created and sized by the agent: a single ring's
 * lock and positions would move between CPUs on every record. A socket's
 * records must still reach the reader in order, so a socket keeps the ring of
 * its last record until the reader has consumed that record (see sock_ring).
 */
struct sock_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1); /* the number of possible CPUs, set before load */
	__type(key, __u32);
	__array(values, struct sock_ring);
} sock_rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SCNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} sock_counters SEC(".maps");

enum call_kind {
	CALL_PLAIN = 0, /* a buffer and its length */
	CALL_IOV,	/* an iovec array: the first element is read */
	CALL_MSG,	/* a msghdr: its first iovec and its address */
	CALL_MMSG,	/* an mmsghdr array: the first message, its length read at exit */
	CALL_CONNECT,
	CALL_ACCEPT,
};

struct call_args {
	__u64 sk; /* the socket of a read or write, found at entry */
	__u64 buf;
	__u64 buflen;
	__u64 addr; /* sockaddr of sendto/recvfrom/sendmsg/recvmsg, or 0 */
	__u64 mlen; /* sendmmsg/recvmmsg: where the first message's length is written */
	__u32 fd;
	__u8 dir;
	__u8 kind;
	__u8 hook;
	__u8 active; /* set at entry, cleared at exit */
};

/* A call in flight, per thread: task storage needs no hashing and no cleanup. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct call_args);
} calls SEC(".maps");

struct sock_info {
	__u8 role;	  /* enum sock_role */
	__u8 interesting; /* a payload matched a protocol signature */
	__u8 misses;
	__u8 skip; /* not drawn by socket.sample_rate: no call on it is traced */
	/* The last process to use the socket and its name, read again only when it changes. */
	__u32 pid;
	char comm[16];
	/* The ring of the socket's last record, and that ring's producer position after it. */
	__u32 ring;
	__u32 pad2;
	__u64 ring_pos;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64); /* struct sock address */
	__type(value, struct sock_info);
} socks SEC(".maps");

/*
 * A snippet is built here and copied to the ring buffer at its own size: a
 * reservation must be of constant size, and one of snippet_len for every call
 * would spread a few hundred used bytes over cache lines the reader then misses.
 */
struct snippet {
	struct sock_data_event e;
	__u8 data[L7_SNIPPET_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct snippet);
} snippet_buf SEC(".maps");

static __always_inline __u64 submit_flags(void *ring)
{
	return bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP
									  : BPF_RB_NO_WAKEUP;
}

static __always_inline void *cpu_ring(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&sock_rings, &cpu);
}

/*
 * The ring for a socket's next record: this CPU's, unless the socket's previous
 * record sits unread in another CPU's ring (its thread moved), where the reader
 * could otherwise see the two out of order.
 */
static __always_inline void *sock_ring(struct sock_info *si)
{
	__u32 cpu = bpf_get_smp_processor_id();
	void *ring;

	if (si->ring != cpu) {
		ring = bpf_map_lookup_elem(&sock_rings, &si->ring);
		if (ring && bpf_ringbuf_query(ring, BPF_RB_CONS_POS) < si->ring_pos)
			return ring;
		si->ring = cpu;
	}
	return bpf_map_lookup_elem(&sock_rings, &cpu);
}

/* After a record went into ring: where the reader must be before the socket may move on. */
static __always_inline void sock_ring_used(struct sock_info *si, void *ring)
{
	si->ring_pos = bpf_ringbuf_query(ring, BPF_RB_PROD_POS);
}

static __always_inline void count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&sock_counters, &idx);

	if (v)
		(*v)++;
}

static __always_inline struct call_args *enter_call(__u64 sk, __u32 fd, __u64 buf, __u64 buflen,
						    __u64 addr, __u8 dir, __u8 kind, __u8 hook)
{
	struct call_args *a;

	a = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!a)
		return NULL;
	a->sk = sk;
	a->buf = buf;
	a->buflen = buflen;
	a->addr = addr;
	a->mlen = 0;
	a->fd = fd;
	a->dir = dir;
	a->kind = kind;
	a->hook = hook;
	a->active = 1;
	return a;
}

/*
 * Kernel objects are read with plain loads through their BTF types, which the
 * JIT turns into guarded moves, not a helper call each: bpf_rdonly_cast gives
 * a pointer that came as a number (a tracepoint field, a file's private_data)
 * its type back.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

static __always_inline struct sock *sock_btf(const void *sk)
{
	return bpf_rdonly_cast(sk, bpf_core_type_id_kernel(struct sock));
}

/* The socket behind a descriptor of the current task, or NULL. */
static __always_inline struct sock *fd_sock(__u32 fd)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct fdtable *fdt = t->files->fdt;
	struct file *f = NULL;
	struct socket *so;

	/* The descriptor array is a pointer to pointers: no type to load through. */
	if (fd >= fdt->max_fds ||
	    bpf_probe_read_kernel(&f, sizeof(f), (void *)((__u64)fdt->fd + fd * sizeof(f))) || !f)
		return NULL;
	f = bpf_rdonly_cast(f, bpf_core_type_id_kernel(struct file));
	if ((f->f_inode->i_mode & S_IFMT) != S_IFSOCK)
		return NULL;
	so = bpf_rdonly_cast(f->private_data, bpf_core_type_id_kernel(struct socket));
	return so->sk;
}

static __always_inline void addr_v4(struct netobs_addr *a, __u32 be)
{
	a->w[0] = 0;
	a->w[1] = 0;
	a->w[2] = bpf_htonl(0xffff);
	a->w[3] = be;
}

/* 5-tuple of a TCP or UDP socket (a BTF pointer); -1 for anything else. */
static __always_inline int sock_tuple(const struct sock *sk, struct sock_tuple *t)
{
	const struct sock_common *c = &sk->__sk_common;
	__u16 family = c->skc_family;
	__u16 proto = sk->sk_protocol;
	int i;

	if ((family != AF_INET && family != AF_INET6) ||
	    (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
		return -1;
	t->proto = proto;
	t->family = family == AF_INET ? 4 : 6;
	t->lport = c->skc_num;
	/* Unhashed already (a reset sent as the socket aborts): the port it sends from. */
	if (!t->lport)
		t->lport = bpf_ntohs(((struct inet_sock *)bpf_rdonly_cast(
					  sk, bpf_core_type_id_kernel(struct inet_sock)))
					 ->inet_sport);
	t->rport = bpf_ntohs(c->skc_dport);
	if (family == AF_INET) {
		addr_v4(&t->laddr, c->skc_rcv_saddr);
		addr_v4(&t->raddr, c->skc_daddr);
	} else {
		for (i = 0; i < 4; i++) {
			t->laddr.w[i] = c->skc_v6_rcv_saddr.in6_u.u6_addr32[i];
			t->raddr.w[i] = c->skc_v6_daddr.in6_u.u6_addr32[i];
		}
	}
	return 0;
}

/*
 * The TCP or UDP socket behind fd, when a read or write on it is worth
 * following to its exit: not the agent's own, and not a socket whose payload
 * already failed the signatures. Everything else costs only this.
 */
/* The agent's own calls are not traced: its tgid, in its own PID namespace if it has one. */
static __always_inline int is_self(void)
{
	struct bpf_pidns_info ns;

	if (!self_in_pidns)
		return (__u32)(bpf_get_current_pid_tgid() >> 32) == self_tgid;
	return !bpf_get_ns_current_pid_tgid(self_pidns_dev, self_pidns_ino, &ns, sizeof(ns)) &&
	       ns.tgid == self_tgid;
}

static __always_inline __u64 traced_sock(__u32 fd)
{
	struct sock_info *si;
	struct sock *sk;
	__u64 skey;
	__u16 family, proto;

	if (is_self())
		return 0;
	sk = fd_sock(fd);
	if (!sk)
		return 0;
	family = sk->__sk_common.skc_family;
	proto = sk->sk_protocol;
	if ((family != AF_INET && family != AF_INET6) ||
	    (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
		return 0;
	if (self_port && bpf_ntohs(sk->__sk_common.skc_dport) == self_port)
		return 0; /* a scraper's connection to the agent */
	skey = (__u64)sk;
	si = bpf_map_lookup_elem(&socks, &skey);
	if (si && (si->skip || (!si->interesting && si->misses >= SOCK_MISSES_MAX)))
		return 0;
	return skey;
}

/* A read or write: its arguments are kept for the exit, when the data is in the buffer. */
static __always_inline int enter_data(__u32 fd, __u64 buf, __u64 buflen, __u64 addr, __u8 dir,
				      __u8 hook)
{
	__u64 sk = traced_sock(fd);

	if (sk)
		enter_call(sk, fd, buf, buflen, addr, dir, CALL_PLAIN, hook);
	return 0;
}

/* connect and accept4: the socket's role is set at exit, when the call succeeded. */
static __always_inline int enter_role(__u32 fd, __u8 kind, __u8 hook)
{
	if (!is_self())
		enter_call(0, fd, 0, 0, 0, 0, kind, hook);
	return 0;
}

/* An unconnected UDP socket's peer comes from the call's sockaddr. */
static __always_inline void peer_from_user(struct sock_tuple *t, __u64 uaddr)
{
	struct sockaddr_in6 sa = {};

	if (!uaddr || bpf_probe_read_user(&sa, sizeof(sa), (void *)uaddr))
		return;
	if (sa.sin6_family == AF_INET) {
		struct sockaddr_in *s4 = (void *)&sa;

		addr_v4(&t->raddr, s4->sin_addr.s_addr);
		t->rport = bpf_ntohs(s4->sin_port);
	} else if (sa.sin6_family == AF_INET6) {
		__builtin_memcpy(&t->raddr, &sa.sin6_addr, sizeof(t->raddr));
		t->rport = bpf_ntohs(sa.sin6_port);
	}
}

static __always_inline int word_is(const __u8 *d, const char *w)
{
	return d[0] == w[0] && d[1] == w[1] && d[2] == w[2] && d[3] == w[3];
}

/*
 * Cheap first-bytes signatures of the protocols the agent parses: an HTTP
 * method or status line, a Redis array, a MySQL greeting or COM_QUERY, a
 * PostgreSQL startup or simple Query; DNS by its port.
 */
static __always_inline int signature(const __u8 *d, const struct sock_tuple *t)
{
	if (t->proto == IPPROTO_UDP)
		return t->lport == 53 || t->rport == 53;
	if (word_is(d, "GET ") || word_is(d, "POST") || word_is(d, "PUT ") || word_is(d, "HEAD") ||
	    word_is(d, "DELE") || word_is(d, "OPTI") || word_is(d, "PATC") || word_is(d, "HTTP"))
		return 1;
	if (d[0] == '*' && d[1] >= '1' && d[1] <= '9')
		return 1;
	if (d[3] == 0 && (d[4] == 10 || d[4] == 3))
		return 1;
	if (d[4] == 0 && d[5] == 3 && d[6] == 0 && d[7] == 0)
		return 1;
	return d[0] == 'Q' && d[1] == 0;
}

/* A new connection is traced, or not, for its whole life: 1 when not (counted either way). */
static __always_inline __u8 draw_skip(void)
{
	__u8 skip = sample_pct < 100 && bpf_get_prandom_u32() % 100 >= sample_pct;

	count(skip ? SCNT_SAMPLED_OUT : SCNT_SAMPLED);
	return skip;
}

static __noinline int emit_data(struct sock *sk, const struct call_args *a, __u64 len)
{
	struct sock_info *si, fresh = {};
	struct sock_data_event *e;
	struct sock_tuple t = {};
	struct task_struct *task;
	struct snippet *s;
	__u64 skey = (__u64)sk;
	__u32 zero = 0;
	void *ring;
	__u8 head[SIG_BYTES] = {};
	__u32 n;
	int i;

	if (sock_tuple(sk, &t))
		return 0;
	count(SCNT_CALLS);
	if (!t.rport)
		peer_from_user(&t, a->addr);
	si = bpf_map_lookup_elem(&socks, &skey);
	if (!si) {
		/* A socket first seen here (UDP, or older than the agent): drawn now. */
		fresh.skip = draw_skip();
		bpf_map_update_elem(&socks, &skey, &fresh, BPF_NOEXIST);
		si = bpf_map_lookup_elem(&socks, &skey);
		if (!si)
			return 0;
	}
	if (si->skip)
		return 0;
	if (!si->interesting) {
		if (si->misses >= SOCK_MISSES_MAX)
			return 0;
		if (bpf_probe_read_user(head, sizeof(head), (void *)a->buf))
			return 0;
		/* Bytes past what the call moved are stale buffer contents, not payload. */
		for (i = 0; i < SIG_BYTES; i++)
			if (i >= len)
				head[i] = 0;
		if (!signature(head, &t)) {
			si->misses++;
			count(SCNT_FILTERED);
			return 0;
		}
		si->interesting = 1;
	}
	s = bpf_map_lookup_elem(&snippet_buf, &zero);
	if (!s)
		return 0;
	e = &s->e;
	n = len < a->buflen ? len : a->buflen;
	if (n > snippet_len)
		n = snippet_len;
	barrier_var(n);
	if (n > L7_SNIPPET_MAX || bpf_probe_read_user(s->data, n, (void *)a->buf)) {
		count(SCNT_READ_FAULT);
		return 0;
	}
	e->type = EV_SOCK_DATA;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ts_ns = bpf_ktime_get_ns();
	e->sock_id = skey;
	e->cgroup_id = bpf_get_current_cgroup_id();
	if (si->pid != e->pid) {
		/* The process's name, not the thread's (dig answers from "isc-net-0000"). */
		task = (struct task_struct *)bpf_get_current_task();
		BPF_CORE_READ_STR_INTO(&si->comm, task, group_leader, comm);
		si->pid = e->pid;
	}
	__builtin_memcpy(e->comm, si->comm, sizeof(e->comm));
	e->t = t;
	e->t.role = si->role;
	e->dir = a->dir;
	e->hook = a->hook;
	e->pad = 0;
	e->len = len > 0xffffffffULL ? 0xffffffffU : (__u32)len;
	e->cap = n;
	ring = sock_ring(si);
	if (!ring || bpf_ringbuf_output(ring, s, sizeof(*e) + n, submit_flags(ring))) {
		count(SCNT_RINGBUF_FULL);
		return 0;
	}
	sock_ring_used(si, ring);
	count(SCNT_SNIPPETS);
	return 0;
}

static __always_inline void set_role(__u32 fd, __u8 role)
{
	struct sock *sk = fd_sock(fd);
	struct sock_info si = { .role = role };
	__u64 skey = (__u64)sk;

	if (!sk)
		return;
	si.skip = draw_skip();
	bpf_map_update_elem(&socks, &skey, &si, BPF_ANY);
}

static __always_inline int exit_call(long ret)
{
	struct call_args *a = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0, 0);
	struct sock *sk;

	if (!a || !a->active)
		return 0;
	a->active = 0;
	if (a->kind == CALL_CONNECT) {
		if (ret == 0 || ret == -EINPROGRESS)
			set_role(a->fd, SOCK_ROLE_CLIENT);
	} else if (a->kind == CALL_ACCEPT) {
		if (ret >= 0)
			set_role((__u32)ret, SOCK_ROLE_SERVER);
	} else if (a->kind == CALL_MMSG && ret > 0) {
		/* ret counts messages: the first one's byte count is in its mmsghdr */
		__u32 n = 0;

		sk = sock_btf((void *)a->sk);
		if (!bpf_probe_read_user(&n, sizeof(n), (void *)a->mlen) && n)
			emit_data(sk, a, n);
	} else if (ret > 0) {
		emit_data(sock_btf((void *)a->sk), a, (__u64)ret);
	}
	return 0;
}

/* readv/writev: the first iovec; the snippet is its first bytes. */
static __always_inline int enter_iov(__u32 fd, __u64 uiov, __u8 dir, __u8 hook)
{
	struct iovec iov = {};
	__u64 sk = traced_sock(fd);

	if (!sk || bpf_probe_read_user(&iov, sizeof(iov), (void *)uiov))
		return 0;
	enter_call(sk, fd, (__u64)iov.iov_base, iov.iov_len, 0, dir, CALL_IOV, hook);
	return 0;
}

static __always_inline int enter_msg(__u32 fd, __u64 umsg, __u8 dir, __u8 hook)
{
	struct user_msghdr m = {};
	struct iovec iov = {};
	__u64 sk = traced_sock(fd);

	if (!sk || bpf_probe_read_user(&m, sizeof(m), (void *)umsg) || !m.msg_iov ||
	    bpf_probe_read_user(&iov, sizeof(iov), m.msg_iov))
		return 0;
	enter_call(sk, fd, (__u64)iov.iov_base, iov.iov_len, (__u64)m.msg_name, dir, CALL_MSG,
		   hook);
	return 0;
}

/* sendmmsg/recvmmsg (libuv's UDP, resolvers): the first message of the vector. */
static __always_inline int enter_mmsg(__u32 fd, __u64 uvec, __u8 dir, __u8 hook)
{
	struct mmsghdr *v = (struct mmsghdr *)uvec;
	struct user_msghdr m = {};
	struct iovec iov = {};
	struct call_args *a;
	__u64 sk = traced_sock(fd);

	if (!sk || bpf_probe_read_user(&m, sizeof(m), &v->msg_hdr) || !m.msg_iov ||
	    bpf_probe_read_user(&iov, sizeof(iov), m.msg_iov))
		return 0;
	a = enter_call(sk, fd, (__u64)iov.iov_base, iov.iov_len, (__u64)m.msg_name, dir, CALL_MMSG,
		       hook);
	if (a)
		a->mlen = (__u64)&v->msg_len;
	return 0;
}

/* A socket that ends: userspace finishes its conversation, after the socket's last record. */
static __always_inline int sock_closed(struct sock *sk)
{
	struct sock_state_event *e;
	struct sock_info *si;
	__u64 skey = (__u64)sk;
	void *ring;

	si = bpf_map_lookup_elem(&socks, &skey);
	if (!si)
		return 0;
	if (si->skip) { /* userspace never heard of it */
		bpf_map_delete_elem(&socks, &skey);
		return 0;
	}
	ring = sock_ring(si);
	bpf_map_delete_elem(&socks, &skey);
	e = ring ? bpf_ringbuf_reserve(ring, sizeof(*e), 0) : NULL;
	if (!e) {
		count(SCNT_RINGBUF_FULL);
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->type = EV_SOCK_STATE;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ts_ns = bpf_ktime_get_ns();
	e->sock_id = skey;
	e->newstate = TCP_CLOSE;
	sock_tuple(sk, &e->t);
	bpf_ringbuf_submit(e, submit_flags(ring));
	count(SCNT_STATE_EVENTS);
	return 0;
}

static __always_inline int enter_close(__u32 fd)
{
	struct sock *sk;

	if (is_self())
		return 0;
	sk = fd_sock(fd);
	return sk ? sock_closed(sk) : 0;
}

static __always_inline int tcp_event(const struct sock *sk, __u32 kind, __u32 srtt_us)
{
	void *ring = cpu_ring();
	struct sock_tcp_event *e;

	e = ring ? bpf_ringbuf_reserve(ring, sizeof(*e), 0) : NULL;
	if (!e) {
		count(SCNT_RINGBUF_FULL);
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->type = EV_SOCK_TCP;
	e->kind = kind;
	e->ts_ns = bpf_ktime_get_ns();
	e->sock_id = (__u64)sk;
	e->srtt_us = srtt_us;
	if (sk)
		sock_tuple(sk, &e->t);
	bpf_ringbuf_submit(e, submit_flags(ring));
	count(SCNT_TCP_EVENTS);
	return 0;
}

/* ---- syscall tracepoints ---- */

#define TP_ARG(i) ((__u64)ctx->args[i])

#define TP_SYSCALL(name, body)                                                                     \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                                \
	int tp_enter_##name(struct trace_event_raw_sys_enter *ctx)                                 \
	{                                                                                          \
		const __u8 hook = HOOK_TRACEPOINT;                                                 \
		body;                                                                              \
		return 0;                                                                          \
	}                                                                                          \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                                 \
	int tp_exit_##name(struct trace_event_raw_sys_exit *ctx)                                   \
	{                                                                                          \
		return exit_call(ctx->ret);                                                        \
	}

TP_SYSCALL(read, return enter_data(TP_ARG(0), TP_ARG(1), TP_ARG(2), 0, SOCK_RECV, hook))
TP_SYSCALL(write, return enter_data(TP_ARG(0), TP_ARG(1), TP_ARG(2), 0, SOCK_SEND, hook))
TP_SYSCALL(readv, return enter_iov(TP_ARG(0), TP_ARG(1), SOCK_RECV, hook))
TP_SYSCALL(writev, return enter_iov(TP_ARG(0), TP_ARG(1), SOCK_SEND, hook))
TP_SYSCALL(sendto, return enter_data(TP_ARG(0), TP_ARG(1), TP_ARG(2), TP_ARG(4), SOCK_SEND, hook))
TP_SYSCALL(recvfrom, return enter_data(TP_ARG(0), TP_ARG(1), TP_ARG(2), TP_ARG(4), SOCK_RECV, hook))
TP_SYSCALL(sendmsg, return enter_msg(TP_ARG(0), TP_ARG(1), SOCK_SEND, hook))
TP_SYSCALL(recvmsg, return enter_msg(TP_ARG(0), TP_ARG(1), SOCK_RECV, hook))
TP_SYSCALL(sendmmsg, return enter_mmsg(TP_ARG(0), TP_ARG(1), SOCK_SEND, hook))
TP_SYSCALL(recvmmsg, return enter_mmsg(TP_ARG(0), TP_ARG(1), SOCK_RECV, hook))
TP_SYSCALL(connect, return enter_role(TP_ARG(0), CALL_CONNECT, hook))
TP_SYSCALL(accept4, return enter_role(TP_ARG(0), CALL_ACCEPT, hook))

SEC("tracepoint/syscalls/sys_enter_close")
int tp_enter_close(struct trace_event_raw_sys_enter *ctx)
{
	return enter_close(TP_ARG(0));
}

/* ---- the same calls through kprobes on the syscall entry points ---- */

#define KS_SYSCALL(name, args, body)                                                               \
	SEC("ksyscall/" #name)                                                                     \
	int BPF_KSYSCALL(ks_enter_##name, args)                                                    \
	{                                                                                          \
		const __u8 hook = HOOK_KPROBE;                                                     \
		body;                                                                              \
		return 0;                                                                          \
	}                                                                                          \
	SEC("kretsyscall/" #name)                                                                  \
	int BPF_KRETPROBE(ks_exit_##name, long ret)                                                \
	{                                                                                          \
		return exit_call(ret);                                                             \
	}

#define A3 int fd, __u64 buf, __u64 len
#define A5 int fd, __u64 buf, __u64 len, int flags, __u64 addr
#define AV int fd, __u64 uptr

KS_SYSCALL(read, A3, return enter_data(fd, buf, len, 0, SOCK_RECV, hook))
KS_SYSCALL(write, A3, return enter_data(fd, buf, len, 0, SOCK_SEND, hook))
KS_SYSCALL(readv, AV, return enter_iov(fd, uptr, SOCK_RECV, hook))
KS_SYSCALL(writev, AV, return enter_iov(fd, uptr, SOCK_SEND, hook))
KS_SYSCALL(sendto, A5, return enter_data(fd, buf, len, addr, SOCK_SEND, hook))
KS_SYSCALL(recvfrom, A5, return enter_data(fd, buf, len, addr, SOCK_RECV, hook))
KS_SYSCALL(sendmsg, AV, return enter_msg(fd, uptr, SOCK_SEND, hook))
KS_SYSCALL(recvmsg, AV, return enter_msg(fd, uptr, SOCK_RECV, hook))
KS_SYSCALL(sendmmsg, AV, return enter_mmsg(fd, uptr, SOCK_SEND, hook))
KS_SYSCALL(recvmmsg, AV, return enter_mmsg(fd, uptr, SOCK_RECV, hook))
KS_SYSCALL(connect, AV, return enter_role(fd, CALL_CONNECT, hook))
KS_SYSCALL(accept4, AV, return enter_role(fd, CALL_ACCEPT, hook))

SEC("ksyscall/close")
int BPF_KSYSCALL(ks_enter_close, int fd)
{
	return enter_close(fd);
}

/* ---- socket state and TCP events: tracepoints, and kprobes on the functions ---- */

SEC("tracepoint/sock/inet_sock_set_state")
int tp_sock_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	if (ctx->protocol != IPPROTO_TCP || ctx->newstate != TCP_CLOSE)
		return 0;
	return sock_closed(sock_btf(ctx->skaddr));
}

SEC("kprobe/tcp_set_state")
int BPF_KPROBE(kp_sock_state, struct sock *sk, int state)
{
	return state == TCP_CLOSE ? sock_closed(sock_btf(sk)) : 0;
}

SEC("tracepoint/tcp/tcp_retransmit_skb")
int tp_tcp_retransmit(struct trace_event_raw_tcp_retransmit_skb *ctx)
{
	return tcp_event(sock_btf(ctx->skaddr), SOCK_TCP_RETRANSMIT, 0);
}

SEC("kprobe/tcp_retransmit_skb")
int BPF_KPROBE(kp_tcp_retransmit, struct sock *sk)
{
	return tcp_event(sock_btf(sk), SOCK_TCP_RETRANSMIT, 0);
}

SEC("tracepoint/tcp/tcp_send_reset")
int tp_tcp_send_reset(struct trace_event_raw_tcp_send_reset *ctx)
{
	return tcp_event(sock_btf(ctx->skaddr), SOCK_TCP_SEND_RESET, 0);
}

SEC("kprobe/tcp_send_active_reset")
int BPF_KPROBE(kp_tcp_send_reset, struct sock *sk)
{
	return tcp_event(sock_btf(sk), SOCK_TCP_SEND_RESET, 0);
}

SEC("tracepoint/tcp/tcp_receive_reset")
int tp_tcp_receive_reset(struct trace_event_raw_tcp_event_sk *ctx)
{
	return tcp_event(sock_btf(ctx->skaddr), SOCK_TCP_RECV_RESET, 0);
}

SEC("kprobe/tcp_reset")
int BPF_KPROBE(kp_tcp_receive_reset, struct sock *sk)
{
	return tcp_event(sock_btf(sk), SOCK_TCP_RECV_RESET, 0);
}

/* ---- sockops on the cgroup v2 root: the kernel's RTT, reported when a socket closes ---- */

static __always_inline void sockops_tuple(const struct bpf_sock_ops *o, struct sock_tuple *t)
{
	t->proto = IPPROTO_TCP;
	t->lport = o->local_port;
	t->rport = bpf_ntohl(o->remote_port); /* the kernel shifts it into network order */
	if (o->family == AF_INET) {
		t->family = 4;
		addr_v4(&t->laddr, o->local_ip4);
		addr_v4(&t->raddr, o->remote_ip4);
	} else {
		t->family = 6;
		t->laddr.w[0] = o->local_ip6[0];
		t->laddr.w[1] = o->local_ip6[1];
		t->laddr.w[2] = o->local_ip6[2];
		t->laddr.w[3] = o->local_ip6[3];
		t->raddr.w[0] = o->remote_ip6[0];
		t->raddr.w[1] = o->remote_ip6[1];
		t->raddr.w[2] = o->remote_ip6[2];
		t->raddr.w[3] = o->remote_ip6[3];
	}
}

SEC("sockops")
int sockops_rtt(struct bpf_sock_ops *o)
{
	struct sock_tcp_event *e;
	void *ring;

	if (o->family != AF_INET && o->family != AF_INET6)
		return 1;
	switch (o->op) {
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
		/*
		 * State changes only: the smoothed RTT is read from the socket when it
		 * closes, so no callback runs per ACK.
		 */
		bpf_sock_ops_cb_flags_set(o, BPF_SOCK_OPS_STATE_CB_FLAG);
		return 1;
	case BPF_SOCK_OPS_STATE_CB:
		/* srtt_us is 0 until the first sample; the kernel keeps it scaled by 8. */
		if (o->args[1] != TCP_CLOSE || !o->srtt_us)
			return 1;
		ring = cpu_ring();
		e = ring ? bpf_ringbuf_reserve(ring, sizeof(*e), 0) : NULL;
		if (!e) {
			count(SCNT_RINGBUF_FULL);
			return 1;
		}
		__builtin_memset(e, 0, sizeof(*e));
		e->type = EV_SOCK_TCP;
		e->kind = SOCK_TCP_RTT;
		e->ts_ns = bpf_ktime_get_ns();
		e->srtt_us = o->srtt_us >> 3;
		sockops_tuple(o, &e->t);
		bpf_ringbuf_submit(e, submit_flags(ring));
		count(SCNT_TCP_EVENTS);
		return 1;
	}
	return 1;
}
