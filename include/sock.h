/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The socket view's records crossing the kernel/user boundary: payload
 * snippets of reads and writes, socket state changes and the kernel's own
 * TCP events. Defined once, here, for kprobes/sock_probes.bpf.c and the agent.
 */
#ifndef NETOBS_SOCK_H
#define NETOBS_SOCK_H

#include "netobs_addr.h"

#define L7_SNIPPET_MAX 4096 /* bytes of a read/write a snippet can carry */
#define L7_SNIPPET_DEFAULT 512

enum sock_event_type {
	EV_SOCK_DATA = 16, /* after the wire's EV_* */
	EV_SOCK_STATE,
	EV_SOCK_TCP, /* retransmit, reset sent/received, sockops RTT */
};

enum sock_data_dir {
	SOCK_SEND = 0, /* write, writev, sendto, sendmsg */
	SOCK_RECV = 1, /* read, readv, recvfrom, recvmsg */
};

/* Which side of its connection a socket is, from how it came to be. */
enum sock_role {
	SOCK_ROLE_UNKNOWN = 0,
	SOCK_ROLE_CLIENT, /* connect() */
	SOCK_ROLE_SERVER, /* accept()ed */
};

struct sock_tuple {
	struct netobs_addr laddr, raddr;
	__u16 lport, rport; /* host byte order */
	__u8 family;	    /* 4 or 6 */
	__u8 proto;	    /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 role;	    /* enum sock_role */
	__u8 pad;
};

struct sock_data_event {
	__u32 type; /* EV_SOCK_DATA */
	__u32 pid;  /* thread group id */
	__u64 ts_ns;
	__u64 sock_id; /* socket cookie: one per socket, never reused */
	__u64 cgroup_id;
	char comm[16];
	struct sock_tuple t;
	__u8 dir;  /* enum sock_data_dir */
	__u8 hook; /* enum sock_hook that saw it */
	__u16 pad;
	__u32 len; /* bytes the call moved */
	__u32 cap; /* bytes of them that follow this header */
};

struct sock_state_event {
	__u32 type; /* EV_SOCK_STATE */
	__u32 pid;
	__u64 ts_ns;
	__u64 sock_id;
	struct sock_tuple t;
	__u32 oldstate, newstate; /* TCP_* */
};

enum sock_tcp_kind {
	SOCK_TCP_RETRANSMIT = 1,
	SOCK_TCP_SEND_RESET,
	SOCK_TCP_RECV_RESET,
	SOCK_TCP_RTT, /* sockops: the kernel's smoothed RTT */
};

struct sock_tcp_event {
	__u32 type; /* EV_SOCK_TCP */
	__u32 kind; /* enum sock_tcp_kind */
	__u64 ts_ns;
	__u64 sock_id;
	struct sock_tuple t;
	__u32 srtt_us; /* SOCK_TCP_RTT */
	__u32 pad;
};

/* How each probe attached: reported by the agent and checked by the tests. */
enum sock_hook {
	HOOK_TRACEPOINT = 1,
	HOOK_KPROBE,
	HOOK_SOCKOPS,
};

/* Self counters of the socket probes (PERCPU_ARRAY, summed in userspace). */
enum sock_counter {
	SCNT_CALLS = 0,	   /* read/write calls seen on sockets */
	SCNT_SNIPPETS,	   /* sent through the ring buffer */
	SCNT_FILTERED,	   /* payload that matched no protocol signature */
	SCNT_RINGBUF_FULL, /* snippet lost */
	SCNT_READ_FAULT,   /* user memory not readable */
	SCNT_STATE_EVENTS,
	SCNT_TCP_EVENTS,
	SCNT_SAMPLED,	  /* connections (connect, accept, or a socket's first call) traced */
	SCNT_SAMPLED_OUT, /* connections left untraced by socket.sample_rate */
	SCNT_MAX,
};

#endif /* NETOBS_SOCK_H */
