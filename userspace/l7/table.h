/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * L7 connections by key: the canonical 5-tuple on the wire, and the socket
 * too in the socket view (both ends of a loopback connection share a
 * 5-tuple but are two sockets).
 */
#ifndef NETOBS_L7_TABLE_H
#define NETOBS_L7_TABLE_H

#include "l7/l7.h"

struct l7_key {
	struct flow_key flow;
	__u64 sock; /* 0 on the wire */
};

struct l7_entry {
	struct l7_entry *next;
	struct l7_key key;
	__u32 next_seq[2]; /* wire: the next in-order TCP sequence number per direction */
	__u8 seq_known[2];
	/* socket view: a server socket's first unanswered read, for its response time */
	__u64 srt_start;
	int srt_open;
	struct l7_conn conn;
};

struct l7_table {
	struct l7_entry **buckets;
	__u32 mask;
	__u32 count;
	__u32 max; /* entries kept at most; a new one beyond is counted and not tracked */
	__u64 full;
};

int l7_table_init(struct l7_table *t, __u32 max);
void l7_table_free(struct l7_table *t);
struct l7_entry *l7_table_find(struct l7_table *t, const struct l7_key *k);
/* A new zeroed entry for k (the caller initialises its conn), or NULL when full. */
struct l7_entry *l7_table_add(struct l7_table *t, const struct l7_key *k);
void l7_table_del(struct l7_table *t, const struct l7_key *k);

/* Call fn for every entry; fn returning 1 deletes it. */
void l7_table_walk(struct l7_table *t, int (*fn)(struct l7_entry *e, void *ctx), void *ctx);

#endif /* NETOBS_L7_TABLE_H */
