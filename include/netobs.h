/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Types that cross the kernel/user boundary. Defined once, here, and used by
 * the BPF programs, the userspace engine build and the agent alike.
 */
#ifndef NETOBS_H
#define NETOBS_H

#include <linux/types.h>
#include <linux/bpf.h>

#include "netobs_addr.h"

/*
 * Canonical 5-tuple: the lower (address, port) pair first, so both directions
 * of a connection share one entry.
 */
struct flow_key {
	struct netobs_addr lo_addr;
	struct netobs_addr hi_addr;
	__u16 lo_port; /* host byte order */
	__u16 hi_port;
	__u8 proto;  /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 family; /* 4 or 6 */
	__u8 pad[2];
};

enum flow_dir {
	DIR_C2S = 0,
	DIR_S2C = 1,
};

enum flow_state {
	FS_NONE = 0, /* no handshake seen (mid-stream, or UDP) */
	FS_SYN_SENT, /* SYN seen, no SYN-ACK */
	FS_SYN_RCVD, /* SYN-ACK seen, not acknowledged */
	FS_ESTABLISHED,
	FS_CLOSING, /* one FIN */
	FS_CLOSED,  /* FIN both ways */
	FS_RESET,   /* RST seen */
};

enum close_type {
	CLOSE_NONE = 0,
	CLOSE_NORMAL,
	CLOSE_CLIENT_RST,
	CLOSE_SERVER_RST,
	CLOSE_TIMEOUT,
	CLOSE_CLIENT_HALF_CLOSE,
	CLOSE_SERVER_HALF_CLOSE,
	CLOSE_SYN_NO_ANSWER,
	CLOSE_SYNACK_NO_ACK,
	CLOSE_SERVER_RESET,
	CLOSE_ESTABLISH_RST,
	CLOSE_PORT_REUSE,
	CLOSE_QUEUE_OVERFLOW,
	CLOSE_FORCED,
	CLOSE_MAX,
};

/* Why a flow ended; the close type follows from this and the flow's state. */
enum flow_end_reason {
	END_TIMEOUT = 0, /* idle past the timeout of its state */
	END_FORCED,	 /* still open when reported (end of capture, shutdown) */
	END_PORT_REUSE,	 /* a new connection took the 5-tuple */
};

/* Anomalies, reported once per flow each. */
enum flow_anomaly {
	ANOM_SYN_REPEAT = 1 << 0,
	ANOM_SYNACK_REPEAT = 1 << 1,
	ANOM_QUEUE_OVERFLOW = 1 << 2,
	ANOM_ZERO_WINDOW = 1 << 3,
	ANOM_RST = 1 << 4,
	ANOM_PORT_REUSE = 1 << 5,
};

/* Per-CPU counters; the ERR_ range is "malformed, passed untouched". */
enum netobs_counter {
	CNT_PACKETS = 0,  /* every packet a program ran on */
	CNT_FLOW_PACKETS, /* packets accounted to a flow */
	CNT_NON_IP,
	CNT_OTHER_L4,  /* IP, but neither TCP nor UDP */
	CNT_FRAGMENTS, /* later IP fragments whose first fragment was not seen: not accounted */
	CNT_FLOWS_CREATED,
	CNT_FLOWS_EVICTED,   /* ended in the datapath (expired or port reuse) */
	CNT_FLOW_TABLE_FULL, /* packet passed, flow not tracked */
	CNT_SAMPLED_OUT,     /* packet of a flow that sampling leaves out */
	CNT_FLOW_BUSY,	     /* packet passed, flow not updated: its lock stayed taken */
	CNT_DUMP_BUSY,	     /* a flow left out of one read of the table: its lock stayed taken */
	CNT_RINGBUF_FULL,    /* event lost: ring buffer full */
	CNT_GAP_FORGOTTEN,   /* a sequence gap given up: every SEQ_HOLES slot of its side open */
	CNT_LAT_FOLDED,	     /* latency sample put in its interface's "other" label set: map full */
	CNT_LAT_LOST,	     /* latency sample in no histogram: not even "other" had room */
	/* Accounted after a fix-up of what the headers claim (CNT_ADJ_FIRST..CNT_ADJ_LAST). */
	CNT_ADJ_FIRST,
	CNT_LEN_FROM_FRAME = CNT_ADJ_FIRST, /* IP length 0 (TSO/GSO, BIG TCP, jumbogram) */
	CNT_LEN_OVER_FRAME,		    /* IP length past the frame: bounded by the frame */
	CNT_LEN_OVER_PPPOE,		    /* IP length past the PPPoE payload: bounded by it */
	CNT_TCP_OPT_CUT, /* TCP options cut by the capture's snapshot length: taken as absent */
	CNT_ADJ_LAST = CNT_TCP_OPT_CUT,
	CNT_ERR_FIRST,
	CNT_ERR_ETH_TRUNC = CNT_ERR_FIRST,
	CNT_ERR_VLAN_TRUNC,
	CNT_ERR_VLAN_DEPTH, /* more than two VLAN tags */
	CNT_ERR_PPPOE_TRUNC,
	CNT_ERR_MPLS_TRUNC,
	CNT_ERR_MPLS_DEPTH, /* more MPLS labels than we walk */
	CNT_ERR_IP4_TRUNC,
	CNT_ERR_IP4_HDR, /* bad version or IHL */
	CNT_ERR_IP4_LEN, /* total length shorter than the header */
	CNT_ERR_IP6_TRUNC,
	CNT_ERR_IP6_EXT_TRUNC,
	CNT_ERR_IP6_EXT_DEPTH, /* more extension headers than we walk */
	CNT_ERR_TCP_TRUNC,
	CNT_ERR_TCP_HDR, /* data offset below 5 or beyond the IP payload */
	CNT_ERR_TCP_OPT, /* option length zero, one, or past the header: the segment still counts */
	CNT_ERR_UDP_TRUNC,
	CNT_ERR_UDP_LEN, /* UDP length below 8 or beyond the IP payload */
	CNT_MAX,
};

/*
 * Latency histogram buckets, upper bounds in microseconds (Prometheus "le");
 * the last bucket is +Inf. Fixed, so the exporter adds flows up exactly.
 */
#define LAT_BUCKETS 16
#define LAT_BUCKET_BOUNDS_US                                                                       \
	{                                                                                          \
		10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,  \
		    1000000                                                                        \
	}

/*
 * A flow's samples of one kind, in nanoseconds. Their histogram buckets are
 * not kept per flow: the label set's (struct lat_hist) take each sample as
 * it completes.
 */
struct lat_agg {
	__u64 sum_ns;
	__u64 min_ns;
	__u64 max_ns;
	__u32 count;
	__u32 pad;
};

/* The latency histograms kept per label set. */
enum lat_kind {
	LAT_RTT = 0, /* data RTT, either side */
	LAT_SRT,
	LAT_ART,
	LAT_KINDS,
};

/*
 * A label set of the latency histograms: the flow's interface, server port
 * and the host's role (TCP only). Server port 0 is "other": where samples go
 * when the map holds no more label sets.
 */
struct lat_key {
	__u32 ifindex;
	__u16 server_port;
	__u8 role; /* enum host_role */
	__u8 pad;
};

/*
 * A flow's lat_slot: the index + 1 of its label set's histograms in the
 * lat_hists array; with LAT_SLOT_FOLDED when they are its "other" set's.
 */
#define LAT_SLOT_FOLDED (1U << 31)

/* Per CPU in the datapath; summed by the reader. */
struct lat_hist {
	__u64 buckets[LAT_KINDS][LAT_BUCKETS]; /* samples per bucket, not cumulative */
	__u64 sum_ns[LAT_KINDS];
	__u64 count[LAT_KINDS];
};

/* Which hook saw a flow's first packet, for the host's side of it. */
enum wire_hook {
	HOOK_NONE = 0, /* replay: no host side */
	HOOK_XDP = 1,  /* ingress: the host received it */
	HOOK_TC = 2,   /* egress: the host sent it */
};

/* The host's part in a flow, from its first packet's hook and direction. */
enum host_role {
	ROLE_NONE = 0,
	ROLE_CLIENT = 1,
	ROLE_SERVER = 2,
};

/* A range of sequence space not seen yet: [start, end); empty when equal. */
/*
 * Gaps tracked at once per side. Four cover the captures here and what a
 * loss burst opens before its retransmissions come (they fill the oldest
 * first); each slot is 8 bytes of every flow entry. Past them the oldest is
 * forgotten and counted (CNT_GAP_FORGOTTEN).
 */
#define SEQ_HOLES 4

struct seq_hole {
	__u32 start;
	__u32 end;
};

/* What one side (client or server) sent, and the state to interpret it. */
struct flow_side {
	__u64 packets;
	__u64 bytes; /* L3: IP header + payload */
	__u64 payload_bytes;
	__u64 retrans_bytes;
	__u32 retrans;
	__u32 zero_win;
	__u32 rst;
	__u32 fin;
	__u32 lost; /* gaps opened: sequence space lost before this vantage point */
	__u32 ooo;  /* segments wholly inside an open gap */
	__u64 lost_bytes;
	__u32 isn;
	__u32 snd_nxt;	 /* highest sequence end sent */
	__u32 probe_end; /* data RTT probe: end of the segment being timed */
	__u32 pad;
	__u64 probe_ns;
	__u64 zero_win_since_ns;
	/* Data RTT of this side's segments, measured by the peer's ACKs. */
	struct lat_agg ack_rtt;
	/* Gaps below snd_nxt: a segment inside one is new here, not a retransmission. */
	struct seq_hole holes[SEQ_HOLES];
	__u32 hole_next;  /* when all slots are open: the one to forget (round robin) */
	__u32 holes_used; /* bit i: holes[i] is an open gap */
};

/* Flow flags. */
#define FF_SEQ_C2S (1U << 0) /* sequence tracking started, per side */
#define FF_SEQ_S2C (1U << 1)
#define FF_PROBE_C2S (1U << 2) /* data RTT probe running, per side */
#define FF_PROBE_S2C (1U << 3)
#define FF_ZW_C2S (1U << 4) /* advertised window is zero, per side */
#define FF_ZW_S2C (1U << 5)
#define FF_FIN_C2S (1U << 6)
#define FF_FIN_S2C (1U << 7)
#define FF_SYN_SEEN (1U << 8)
#define FF_SYNACK_SEEN (1U << 9)
#define FF_HS_ACKED (1U << 10) /* the client acknowledged the SYN-ACK */
#define FF_RTT_SERVER (1U << 11)
#define FF_RTT_CLIENT (1U << 12)
#define FF_SRT_PENDING (1U << 13)
#define FF_ART_PENDING (1U << 14)
#define FF_RST_SEEN (1U << 15)
#define FF_QUEUE_OVERFLOW (1U << 16)
#define FF_HANDSHAKE_SEEN (1U << 17) /* roles come from a SYN or SYN-ACK */
#define FF_CLIENT_IS_LO (1U << 18)
#define FF_FIN_BOTH_FIRST (1U << 19) /* FIN both ways before any RST */
#define FF_SEQ_SYN_C2S (1U << 20)    /* the side's first sequence number seen is its SYN's */
#define FF_SEQ_SYN_S2C (1U << 21)

#define FF_SEQ(d) (FF_SEQ_C2S << (d))
#define FF_PROBE(d) (FF_PROBE_C2S << (d))
#define FF_ZW(d) (FF_ZW_C2S << (d))
#define FF_FIN(d) (FF_FIN_C2S << (d))
#define FF_SEQ_SYN(d) (FF_SEQ_SYN_C2S << (d))

struct flow_stats {
	struct flow_key key;
	__u64 flow_id; /* creation order, for a stable first-seen order */
	__u64 first_seen_ns;
	__u64 last_seen_ns;
	struct flow_side side[2]; /* [DIR_C2S], [DIR_S2C] */
	__u64 rtt_server_ns;
	__u64 rtt_client_ns;
	struct lat_agg srt;
	struct lat_agg art;
	__u64 srt_pending_ns;
	__u64 art_request_ns;
	__u64 zero_win_duration_ns;
	__u64 syn_ns;	 /* the latest SYN */
	__u64 synack_ns; /* the latest SYN-ACK before the handshake ACK */
	__u32 flags;
	__u32 srt_pending_end;
	__u32 syn_count;
	__u32 synack_count;
	__u8 state;	/* enum flow_state */
	__u8 rst_state; /* state when the first RST was seen */
	__u8 rst_dir;	/* who sent the first RST */
	__u8 anomalies; /* enum flow_anomaly bits already reported */
	__u8 wscale[2]; /* from the SYN / SYN-ACK, 0xff if absent */
	__u8 host_role; /* enum host_role */
	__u8 pad;
	__u32 ifindex;	/* where the first packet was seen; 0 in replay */
	__u32 lat_slot; /* its label set's histograms (LAT_SLOT_*), 0 until its first sample */
};

/* Copied in 8-byte words by the engine. */
_Static_assert(sizeof(struct flow_stats) % 8 == 0, "flow_stats: a whole number of words");

/*
 * Map value: @lock guards every field of @s. A word taken with an atomic
 * compare-and-swap (wire/flow_lock.h), not a bpf_spin_lock: that helper pair
 * saves and restores interrupts around the section, which cost more than the
 * whole state machine; userspace reads flows under the same word through an
 * iterator program (iter/flow_dump.bpf.c).
 */
struct flow_entry {
	__u32 lock;
	__u32 pad;
	struct flow_stats s;
};

/*
 * A flow as the sweep reads it: what the rate window needs of a flow that
 * stays (the label set and the traffic), so the once-a-second walk does not
 * copy whole entries; a flow it finds expired comes as a BRIEF_ENDED head
 * followed by its struct flow_stats. Every record is a multiple of 8 bytes, so
 * each one starts aligned in the reader's buffer and is read where it lies.
 */
enum flow_brief_kind {
	BRIEF_LIVE = 1,
	BRIEF_ENDED = 2,
};

struct flow_brief {
	__u32 kind;
	__u32 ifindex;
	__u16 server_port;
	__u8 host_role;
	__u8 proto;
	__u32 pad;
	__u64 packets[2]; /* [DIR_C2S], [DIR_S2C] */
	__u64 bytes[2];
};

struct flow_brief_ended {
	__u32 kind; /* BRIEF_ENDED */
	__u32 pad;
	/* struct flow_stats follows */
};

_Static_assert(sizeof(struct flow_brief) % 8 == 0 && sizeof(struct flow_brief_ended) % 8 == 0,
	       "the sweep's records keep 8-byte alignment");

enum flow_event_type {
	EV_FLOW_END = 1,
	EV_ANOMALY = 2,
};

/* Ring-buffer records; both start with the same header so a reader can switch on type. */
struct flow_event {
	__u32 type;   /* EV_FLOW_END */
	__u32 detail; /* enum close_type */
	__u64 ts_ns;
	struct flow_stats s;
};

struct anomaly_event {
	__u32 type;   /* EV_ANOMALY */
	__u32 detail; /* enum flow_anomaly bits raised by one packet */
	__u64 ts_ns;
	struct flow_key key;
};

/*
 * A fragmented datagram, by its first fragment's addresses, protocol and
 * fragment id: later fragments carry no transport header, and find their
 * flow's ports here.
 */
struct frag_key {
	struct netobs_addr src;
	struct netobs_addr dst;
	__u32 id; /* IPv4's 16 bits, or IPv6's 32 */
	__u8 proto;
	__u8 family;
	__u8 pad[2];
};

struct frag_ports {
	__u16 sport;
	__u16 dport;
};

#define FRAG_TABLE_SIZE 4096 /* datagrams in reassembly at once, per engine */

/* Timeouts, in nanoseconds; defaults follow METRICS.md. */
struct wire_timeouts {
	__u64 established_ns;
	__u64 closing_rst_ns;
	__u64 opening_ns;
	__u64 closed_fin_ns;
	__u64 udp_ns;
};

#define NS_PER_SEC 1000000000ULL
#define WIRE_DEFAULT_TIMEOUTS                                                                      \
	{                                                                                          \
		.established_ns = 300 * NS_PER_SEC, .closing_rst_ns = 35 * NS_PER_SEC,             \
		.opening_ns = 5 * NS_PER_SEC, .closed_fin_ns = 2 * NS_PER_SEC,                     \
		.udp_ns = 5 * NS_PER_SEC,                                                          \
	}

#define WIRE_DEFAULT_MAX_FLOWS 98304 /* about 62 MB of kernel memory: see the README */

/*
 * Room for the label sets of an exporter that folds past @cap of them: the
 * capped ones, an "other" set per interface and role, and slack for sets the
 * exporter folded but the datapath's latency histograms still keep apart.
 * The exporter's series table and the datapath's latency label sets both
 * have this many.
 */
#define LABEL_SETS_ROOM(cap) ((cap)*2 + 64)
/* The exporter's cap by default (labels.max_label_sets). */
#define DEFAULT_MAX_LABEL_SETS 256
#define WIRE_DEFAULT_LAT_SLOTS LABEL_SETS_ROOM(DEFAULT_MAX_LABEL_SETS)

#endif /* NETOBS_H */
