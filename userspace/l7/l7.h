/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * L7 request/response pairing, fed with byte segments of one connection.
 *
 * A segment is what one side sent at once: a TCP payload seen on the wire, or
 * the first bytes of one read/write on a socket. Only the first `cap` bytes
 * of a segment may be known (a snippet); `len` is how many the stream really
 * carried, so message lengths can still be skipped across segments.
 *
 * Each protocol contributes a framer (l7_proto_ops) that says whether the
 * bytes at hand start a request, a response, something to ignore, or are no
 * message start at all. The shared machinery here keeps per-direction
 * partial heads and skip counts, a FIFO of pending requests (pipelining), and
 * emits one record per answered request. A response with no request pending
 * produces nothing: no record is ever invented.
 */
#ifndef NETOBS_L7_H
#define NETOBS_L7_H

#include <stddef.h>
#include <string.h>
#include <linux/types.h>

#include "netobs.h"
#include "util/process.h"
#include "sock.h"

enum l7_proto {
	L7_NONE = 0,
	L7_HTTP,
	L7_MYSQL,
	L7_PGSQL,
	L7_REDIS,
	L7_DNS,
	L7_PROTO_MAX,
};

#define L7_COMMAND_MAX 32
#define L7_REQUEST_MAX 512 /* request text kept per record, NUL included */
#define L7_HEAD_MAX 2048   /* bytes of an incomplete message head kept across segments */
#define L7_PENDING_MAX 16  /* requests in flight per connection */
#define L7_DETECT_TRIES 8  /* segments looked at before a connection is given up */

enum l7_side {
	L7_SIDE_WIRE = 0, /* on the wire (replay) */
	L7_SIDE_CLIENT,	  /* at the client's socket */
	L7_SIDE_SERVER,	  /* at the server's socket */
	L7_SIDES,
};

enum l7_status_kind {
	L7_STATUS_NONE = 0,
	L7_STATUS_CODE, /* HTTP: a number */
	L7_STATUS_TEXT, /* OK, ERR, NOERROR, NXDOMAIN, ... */
};

/* Scalars first: a record is cleared up to command, and its text is copied by length. */
struct l7_record {
	int protocol; /* enum l7_proto */
	int family;   /* 4 or 6 */
	struct netobs_addr client, server;
	__u16 client_port, server_port;
	int status_kind;
	int status_code;
	char status[16];
	int has_error_code;
	int error_code_num;  /* MySQL */
	char error_code[16]; /* PostgreSQL SQLSTATE, Redis error prefix */
	int rcode;	     /* DNS; -1 otherwise */
	int is_error;
	__u64 req_ns, resp_ns;
	int side; /* enum l7_side: where the exchange was seen */
	int has_proc;
	char command[L7_COMMAND_MAX];
	char request[L7_REQUEST_MAX]; /* "" when unknown */
	struct proc_ctx proc;	      /* when has_proc */
};

/* One message found by a framer. */
enum l7_msg_kind {
	L7M_REQUEST = 1,
	L7M_RESPONSE,
	L7M_IGNORE, /* framed but neither: greeting, login, notices */
};

struct l7_msg {
	int kind;
	__u64 len; /* stream bytes the message covers; 0: the rest of the segment */
	/* requests */
	int no_response; /* e.g. MySQL COM_QUIT: nothing will answer it */
	int flags;	 /* protocol-specific, kept with the pending request */
	__u32 id;	 /* DNS transaction id: responses match by id, not by order */
	/* responses */
	int ends;      /* completes the oldest pending request */
	int batch_end; /* PostgreSQL ReadyForQuery: what is still pending was not answered */
	int status_kind;
	int status_code;
	char status[16];
	int has_error_code;
	int error_code_num;
	char error_code[16];
	int rcode;
	int is_error;
	/* Request text last: a message is cleared and copied up to here (L7_MSG_HEAD). */
	char command[L7_COMMAND_MAX];
	char request[L7_REQUEST_MAX];
};

#define L7_MSG_HEAD offsetof(struct l7_msg, command)

/* l7_msg.flags common to all protocols; protocols use the low byte. */
#define L7F_BATCH_CLOSE 0x100 /* PostgreSQL Sync or Query: later answers belong to a new batch */

struct l7_pending {
	__u64 ts;
	__u32 id;
	int flags;
	__u32 batch;
	char command[L7_COMMAND_MAX];
	char request[L7_REQUEST_MAX];
};

struct l7_conn;

enum l7_parse_result {
	L7P_NONE = 0, /* not a message start: continuation bytes, dropped */
	L7P_MSG,      /* *m filled */
	L7P_MORE,     /* a message starts here but its head is incomplete */
};

/*
 * A message whose end the framer follows across segments, byte by byte
 * (Redis values: their length is not in a header), per direction.
 */
#define L7_CONT_DEPTH 8
#define L7_CONT_LINE 32

struct l7_cont {
	int active;
	__u32 depth;		       /* aggregates open: left[0..depth) */
	__u32 left[L7_CONT_DEPTH + 1]; /* values still to read at each level */
	__u64 bulk;		       /* bytes of a bulk value and its CRLF still to skip */
	__u32 line_len;		       /* bytes of a header line read so far */
	__u8 line[L7_CONT_LINE];
};

struct l7_proto_ops {
	const char *name;
	/* Does this segment start a conversation in this protocol? */
	int (*detect)(int dir, const __u8 *p, size_t cap, __u16 server_port, int is_tcp);
	/*
	 * Frame one message at p: cap bytes known out of len left in the
	 * segment. @head is the oldest pending request or NULL.
	 */
	int (*parse)(struct l7_conn *c, int dir, const __u8 *p, size_t cap, __u64 len,
		     const struct l7_pending *head, struct l7_msg *m);
	/*
	 * With c->cont[dir] active: follow the message in progress through this
	 * segment, cap bytes of it known and len - cap beyond the snippet; the
	 * bytes of it here (len when it goes on, or when it cannot be followed
	 * through unknown bytes: then it is given up).
	 */
	__u64 (*resume)(struct l7_conn *c, int dir, const __u8 *p, size_t cap, __u64 len);
};

extern const struct l7_proto_ops l7_http_ops, l7_mysql_ops, l7_pgsql_ops, l7_redis_ops, l7_dns_ops;

struct l7_options {
	int show_sql_literals; /* default: literals masked with ? */
	int keep_query;	       /* default: URL query values and userinfo redacted to ? */
	__u32 snippet_bytes;   /* bytes of each segment looked at */
	__u64 timeout_ns;      /* a request unanswered this long is dropped */
};

void l7_options_default(struct l7_options *o);

typedef void (*l7_emit_fn)(void *ctx, const struct l7_record *r);

struct l7_dir_state {
	__u64 skip; /* bytes of the current message still to come */
	__u32 head_len;
	__u8 head[L7_HEAD_MAX];
};

struct l7_stats {
	__u64 records;
	__u64 unmatched_responses;
	__u64 dropped_requests; /* FIFO full, timed out, or skipped by the server */
	__u64 resyncs;		/* bytes that could not be framed */
};

struct l7_conn {
	int proto; /* enum l7_proto; L7_NONE while detecting */
	int gave_up;
	int tries;
	int is_tcp;
	int family;
	struct netobs_addr client, server;
	__u16 client_port, server_port;
	struct l7_dir_state dir[2];
	struct l7_cont cont[2];
	struct l7_pending q[L7_PENDING_MAX];
	unsigned int qhead, qlen;
	__u32 batch_c2s, batch_s2c; /* PostgreSQL: Syncs sent, ReadyForQuery received */
	int resp_open;		    /* a response to q[qhead] has started */
	struct l7_msg resp;	    /* what is known of it */
	__u64 resp_ts;
	__u64 last_ns;
	char stmt[L7_REQUEST_MAX]; /* PostgreSQL: the last Parse's statement, for its Executes */
	const struct l7_options *opts;
	int side;
	int has_proc;
	struct proc_ctx proc;
};

void l7_conn_init(struct l7_conn *c, const struct l7_options *o, int is_tcp, int family,
		  const struct netobs_addr *client, __u16 cport, const struct netobs_addr *server,
		  __u16 sport);

/* Feed one segment sent in direction dir (DIR_C2S or DIR_S2C). */
void l7_conn_feed(struct l7_conn *c, int dir, const __u8 *p, size_t cap, __u64 len, __u64 ts,
		  l7_emit_fn emit, void *ctx, struct l7_stats *st);

/* The stream jumped (lost or reordered bytes): drop partial state of dir. */
void l7_conn_resync(struct l7_conn *c, int dir);

/* End of the connection or of the capture: finish a response in progress. */
void l7_conn_finish(struct l7_conn *c, l7_emit_fn emit, void *ctx, struct l7_stats *st);

/* Drop requests pending longer than the timeout. */
void l7_conn_expire(struct l7_conn *c, __u64 now, struct l7_stats *st);

const char *l7_proto_name(int proto);
const char *l7_status_class(const struct l7_record *r);
const char *l7_side_name(int side);

/* Copy at most n bytes of text, as a NUL-terminated string that fits dst. */
void l7_copy_text(char *dst, size_t dst_len, const __u8 *src, size_t n);

/* A NUL-terminated string into dst[size], copying only its length. */
static inline void l7_copy_str(char *dst, const char *src, size_t size)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * SQL with literals replaced by ?, NUL-terminated in dst. "..." is a string
 * literal in MySQL and an identifier in PostgreSQL.
 */
void l7_mask_sql(char *dst, size_t dst_len, const char *src, int dquote_is_literal);

#endif /* NETOBS_L7_H */
