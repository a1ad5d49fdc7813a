/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Flow records as METRICS.md defines them: NDJSON and a readable table. */
#ifndef NETOBS_FLOW_RECORD_H
#define NETOBS_FLOW_RECORD_H

#include <stdio.h>

#include "netobs.h"
#include "util/process.h"

struct flow_record {
	struct flow_stats s;
	int close_type;
};

void flow_record_client(const struct flow_stats *s, char *buf, size_t len);
void flow_record_server(const struct flow_stats *s, char *buf, size_t len);

/* What the socket view knows of a flow: this host's sockets of it. */
struct flow_socket {
	int has_proc;
	struct proc_ctx proc; /* the client's process, else the server's */
	int has_tcp;	      /* a socket of the flow is known to be this host's */
	__u32 srtt_us;	      /* the kernel's smoothed RTT as the socket closed; 0: not yet */
	/* Summed over the flow's sockets here (both ends when both are local). */
	__u32 retransmits, resets_sent, resets_received;
};

/* @sock: the socket view's part, or NULL: its fields are null. */
void flow_record_json(FILE *out, const struct flow_record *r, const struct flow_socket *sock);
void flow_record_table_header(FILE *out);
void flow_record_table_row(FILE *out, const struct flow_record *r);

/* Sort order of reports: first seen, then creation order. */
int flow_record_cmp(const void *a, const void *b);

#endif /* NETOBS_FLOW_RECORD_H */
