// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Framing and request/response pairing shared by every L7 protocol: the
 * protocols only say what the bytes at hand are (l7_proto_ops.parse).
 */
#include <string.h>

#include "l7/l7.h"

static const struct l7_proto_ops *const l7_ops[L7_PROTO_MAX] = {
	[L7_HTTP] = &l7_http_ops,   [L7_MYSQL] = &l7_mysql_ops, [L7_PGSQL] = &l7_pgsql_ops,
	[L7_REDIS] = &l7_redis_ops, [L7_DNS] = &l7_dns_ops,
};

void l7_options_default(struct l7_options *o)
{
	memset(o, 0, sizeof(*o));
	o->snippet_bytes = L7_SNIPPET_DEFAULT;
	o->timeout_ns = 60ULL * 1000000000ULL;
}

const char *l7_proto_name(int proto)
{
	if (proto > L7_NONE && proto < L7_PROTO_MAX)
		return l7_ops[proto]->name;
	return "unknown";
}

const char *l7_side_name(int side)
{
	return side == L7_SIDE_CLIENT ? "client" : side == L7_SIDE_SERVER ? "server" : "wire";
}

const char *l7_status_class(const struct l7_record *r)
{
	static const char *const http[] = { "other", "1xx", "2xx", "3xx", "4xx", "5xx" };

	if (r->status_kind == L7_STATUS_CODE) {
		int c = r->status_code / 100;

		return c >= 1 && c <= 5 ? http[c] : http[0];
	}
	return r->is_error ? "error" : "ok";
}

void l7_copy_text(char *dst, size_t dst_len, const __u8 *src, size_t n)
{
	size_t i;

	if (!dst_len)
		return;
	if (n > dst_len - 1)
		n = dst_len - 1;
	/* Records are text: control bytes would only garble a log line. */
	for (i = 0; i < n && src[i]; i++)
		dst[i] = (src[i] < 0x20 || src[i] == 0x7f) ? ' ' : (char)src[i];
	dst[i] = '\0';
}

void l7_conn_init(struct l7_conn *c, const struct l7_options *o, int is_tcp, int family,
		  const struct netobs_addr *client, __u16 cport, const struct netobs_addr *server,
		  __u16 sport)
{
	memset(c, 0, sizeof(*c));
	c->opts = o;
	c->is_tcp = is_tcp;
	c->family = family;
	c->client = *client;
	c->server = *server;
	c->client_port = cport;
	c->server_port = sport;
}

void l7_conn_resync(struct l7_conn *c, int dir)
{
	c->dir[dir].skip = 0;
	c->dir[dir].head_len = 0;
	c->cont[dir].active = 0;
}

static struct l7_pending *q_at(struct l7_conn *c, unsigned int i)
{
	return &c->q[(c->qhead + i) % L7_PENDING_MAX];
}

static void q_pop(struct l7_conn *c)
{
	c->qhead = (c->qhead + 1) % L7_PENDING_MAX;
	c->qlen--;
	c->resp_open = 0;
}

/* Remove entry i keeping order: DNS answers out of order. */
static void q_take(struct l7_conn *c, unsigned int i)
{
	if (i == 0) {
		q_pop(c);
		return;
	}
	for (; i + 1 < c->qlen; i++)
		*q_at(c, i) = *q_at(c, i + 1);
	c->qlen--;
}

static void emit_record(struct l7_conn *c, const struct l7_pending *req, const struct l7_msg *rsp,
			__u64 resp_ts, l7_emit_fn emit, void *ctx, struct l7_stats *st)
{
	struct l7_record r;

	memset(&r, 0, offsetof(struct l7_record, command));
	r.protocol = c->proto;
	r.family = c->family;
	r.client = c->client;
	r.server = c->server;
	r.client_port = c->client_port;
	r.server_port = c->server_port;
	l7_copy_str(r.command, req->command, sizeof(r.command));
	l7_copy_str(r.request, req->request, sizeof(r.request));
	r.status_kind = rsp->status_kind;
	r.status_code = rsp->status_code;
	l7_copy_str(r.status, rsp->status, sizeof(r.status));
	r.has_error_code = rsp->has_error_code;
	r.error_code_num = rsp->error_code_num;
	l7_copy_str(r.error_code, rsp->error_code, sizeof(r.error_code));
	r.rcode = c->proto == L7_DNS ? rsp->rcode : -1;
	r.is_error = rsp->is_error;
	r.req_ns = req->ts;
	r.resp_ns = resp_ts;
	r.side = c->side;
	r.has_proc = c->has_proc;
	if (c->has_proc)
		r.proc = c->proc;
	st->records++;
	emit(ctx, &r);
}

/* The response in progress is complete: one record, and its request leaves the queue. */
static void finish_response(struct l7_conn *c, l7_emit_fn emit, void *ctx, struct l7_stats *st)
{
	if (!c->resp_open || !c->qlen)
		return;
	emit_record(c, q_at(c, 0), &c->resp, c->resp_ts, emit, ctx, st);
	q_pop(c);
}

/* Merge what a later message of the same response tells (an error after a start). */
static void note_response(struct l7_conn *c, const struct l7_msg *m)
{
	if (m->is_error && !c->resp.is_error) {
		c->resp.is_error = 1;
		c->resp.status_kind = m->status_kind;
		c->resp.status_code = m->status_code;
		memcpy(c->resp.status, m->status, sizeof(c->resp.status));
		c->resp.has_error_code = m->has_error_code;
		c->resp.error_code_num = m->error_code_num;
		memcpy(c->resp.error_code, m->error_code, sizeof(c->resp.error_code));
	}
}

/*
 * A query repeated with the same id is a retry: its answer is timed from the
 * retry, as Wireshark's dns.time is.
 */
static void drop_dns_retry(struct l7_conn *c, __u32 id, struct l7_stats *st)
{
	unsigned int i;

	for (i = 0; i < c->qlen; i++) {
		if (q_at(c, i)->id != id)
			continue;
		st->dropped_requests++;
		q_take(c, i);
		return;
	}
}

static void on_request(struct l7_conn *c, const struct l7_msg *m, __u64 ts, l7_emit_fn emit,
		       void *ctx, struct l7_stats *st)
{
	struct l7_pending *p;

	/* A new request ends a response whose end the snippets did not show. */
	if (c->resp_open && c->proto != L7_DNS)
		finish_response(c, emit, ctx, st);
	if (m->no_response)
		return;
	if (c->proto == L7_DNS)
		drop_dns_retry(c, m->id, st);
	if (c->qlen == L7_PENDING_MAX) {
		st->dropped_requests++;
		q_pop(c);
	}
	p = q_at(c, c->qlen++);
	p->ts = ts;
	p->id = m->id;
	p->flags = m->flags;
	p->batch = c->batch_c2s;
	l7_copy_str(p->command, m->command, sizeof(p->command));
	l7_copy_str(p->request, m->request, sizeof(p->request));
}

static void on_dns_response(struct l7_conn *c, const struct l7_msg *m, __u64 ts, l7_emit_fn emit,
			    void *ctx, struct l7_stats *st)
{
	unsigned int i;

	for (i = 0; i < c->qlen; i++) {
		if (q_at(c, i)->id != m->id)
			continue;
		emit_record(c, q_at(c, i), m, ts, emit, ctx, st);
		q_take(c, i);
		return;
	}
	st->unmatched_responses++;
}

/*
 * PostgreSQL's ReadyForQuery answers the oldest open batch (a Query, or the
 * messages up to a Sync): it ends that batch's response, and what the batch
 * still has pending the server skipped after an error.
 */
static void on_batch_end(struct l7_conn *c, const struct l7_msg *m, __u64 ts, l7_emit_fn emit,
			 void *ctx, struct l7_stats *st)
{
	__u32 done = c->batch_s2c++;

	/* A Query's answer always has a message before ReadyForQuery that opened it. */
	if (c->qlen && q_at(c, 0)->batch == done)
		finish_response(c, emit, ctx, st);
	while (c->qlen && q_at(c, 0)->batch == done) {
		st->dropped_requests++;
		q_pop(c);
	}
}

static void on_response(struct l7_conn *c, const struct l7_msg *m, __u64 ts, l7_emit_fn emit,
			void *ctx, struct l7_stats *st)
{
	if (c->proto == L7_DNS) {
		on_dns_response(c, m, ts, emit, ctx, st);
		return;
	}
	if (m->batch_end) {
		on_batch_end(c, m, ts, emit, ctx, st);
		return;
	}
	if (!c->resp_open) {
		if (!c->qlen) {
			st->unmatched_responses++;
			return;
		}
		c->resp_open = 1;
		memcpy(&c->resp, m,
		       L7_MSG_HEAD); /* the response's fields; its text is the request's */
		c->resp_ts = ts;
	} else {
		note_response(c, m);
	}
	if (m->ends)
		finish_response(c, emit, ctx, st);
}

static void on_msg(struct l7_conn *c, const struct l7_msg *m, __u64 ts, l7_emit_fn emit, void *ctx,
		   struct l7_stats *st)
{
	if (m->kind == L7M_REQUEST)
		on_request(c, m, ts, emit, ctx, st);
	else if (m->kind == L7M_RESPONSE)
		on_response(c, m, ts, emit, ctx, st);
	/* PostgreSQL's Sync (and a simple Query) closes a batch of requests. */
	if (m->kind != L7M_RESPONSE && (m->flags & L7F_BATCH_CLOSE))
		c->batch_c2s++;
}

static int detect(struct l7_conn *c, int dir, const __u8 *p, size_t cap)
{
	int i;

	for (i = L7_NONE + 1; i < L7_PROTO_MAX; i++) {
		if (l7_ops[i]->detect(dir, p, cap, c->server_port, c->is_tcp)) {
			c->proto = i;
			return 1;
		}
	}
	if (++c->tries >= L7_DETECT_TRIES)
		c->gave_up = 1;
	return 0;
}

/* Shorter than this, a first segment cannot tell its protocol: wait for more. */
#define L7_DETECT_MIN 16

/*
 * Has the conversation's protocol been found (now, with this segment)? A
 * short first segment waits in the head buffer for the next one.
 */
static int detect_start(struct l7_conn *c, int dir, const __u8 *p, size_t cap, __u64 len)
{
	struct l7_dir_state *d = &c->dir[dir];
	__u8 tmp[4 * L7_DETECT_MIN];
	size_t n;

	if (d->head_len) {
		n = d->head_len + cap < sizeof(tmp) ? d->head_len + cap : sizeof(tmp);
		memcpy(tmp, d->head, d->head_len);
		memcpy(tmp + d->head_len, p, n - d->head_len);
		if (detect(c, dir, tmp, n))
			return 1;
		/* What waited was no start (a keepalive byte, a stray one): this may be. */
		d->head_len = 0;
	}
	if (cap && detect(c, dir, p, cap))
		return 1;
	if (cap == len && d->head_len + len < L7_DETECT_MIN) {
		memcpy(d->head + d->head_len, p, len);
		d->head_len += len;
	} else {
		d->head_len = 0;
	}
	return 0;
}

#define FRAME_MORE (-1) /* the head at the start is incomplete */
#define FRAME_NONE (-2) /* no message starts at the start */

/*
 * Frame messages out of buf (cap known of len). Returns the bytes consumed,
 * which may exceed len (the rest is skipped in later segments), FRAME_MORE
 * or FRAME_NONE.
 */
static __s64 frame(struct l7_conn *c, int dir, const __u8 *buf, size_t cap, __u64 len, __u64 ts,
		   l7_emit_fn emit, void *ctx, struct l7_stats *st)
{
	const struct l7_proto_ops *ops = l7_ops[c->proto];
	struct l7_msg m;
	__u64 off = 0;

	while (off < len) {
		size_t avail = off < cap ? cap - off : 0;
		int r;

		if (!avail) /* the snippet ends: the rest is unseen payload */
			return len;
		memset(&m, 0, L7_MSG_HEAD);
		m.command[0] = m.request[0] = '\0';
		r = ops->parse(c, dir, buf + off, avail, len - off, c->qlen ? q_at(c, 0) : NULL,
			       &m);
		if (r == L7P_MORE)
			return off ? (__s64)off : FRAME_MORE;
		if (r == L7P_NONE)
			return off ? (__s64)len : FRAME_NONE;
		on_msg(c, &m, ts, emit, ctx, st);
		if (!m.len || m.len >= len - off)
			return m.len ? off + m.len : len;
		off += m.len;
	}
	return off;
}

void l7_conn_feed(struct l7_conn *c, int dir, const __u8 *p, size_t cap, __u64 len, __u64 ts,
		  l7_emit_fn emit, void *ctx, struct l7_stats *st)
{
	struct l7_dir_state *d = &c->dir[dir];
	__u64 n;
	__s64 used;

	if (c->gave_up || !len)
		return;
	if (cap > len)
		cap = len;
	if (c->opts && c->opts->snippet_bytes && cap > c->opts->snippet_bytes)
		cap = c->opts->snippet_bytes;
	c->last_ns = ts;
	if (d->skip) {
		n = d->skip < len ? d->skip : len;
		d->skip -= n;
		len -= n;
		cap = n < cap ? cap - n : 0;
		p += n;
		if (!len)
			return;
	}
	if (c->proto == L7_NONE && !detect_start(c, dir, p, cap, len))
		return;
	if (c->cont[dir].active) {
		/* A message the framer follows across segments: its rest first. */
		n = l7_ops[c->proto]->resume(c, dir, p, cap, len);
		if (n >= len)
			return;
		len -= n;
		cap = n < cap ? cap - n : 0;
		p += n;
	}

	used = FRAME_NONE;
	if (d->head_len) {
		/* An incomplete head waits: frame it together with this segment. */
		__u32 old = d->head_len;
		size_t add = cap < L7_HEAD_MAX - old ? cap : L7_HEAD_MAX - old;

		memcpy(d->head + old, p, add);
		used = frame(c, dir, d->head, old + add, old + len, ts, emit, ctx, st);
		d->head_len = 0;
		if (used == FRAME_MORE) {
			if (add == len && cap == len) { /* still whole: keep waiting */
				d->head_len = old + add;
				return;
			}
			st->resyncs++;
			return;
		}
		if (used >= 0 && c->cont[dir].active && add < len) {
			/* A message that goes on past the head buffer: follow it through
			 * the rest of this segment, then frame what comes after it.
			 */
			n = l7_ops[c->proto]->resume(c, dir, p + add, cap > add ? cap - add : 0,
						     len - add);
			if (add + n < len)
				l7_conn_feed(c, dir, p + add + n, cap > add + n ? cap - add - n : 0,
					     len - add - n, ts, emit, ctx, st);
			return;
		}
		if (used >= 0) {
			if ((__u64)used <= old) /* an unframed head is dropped */
				used = old;
			used -= old;
		}
		/* FRAME_NONE: what waited was no message start; this segment may be one. */
	}
	if (used == FRAME_NONE) {
		used = frame(c, dir, p, cap, len, ts, emit, ctx, st);
		if (c->cont[dir].active && cap < len) /* on into bytes the snippet lacks */
			l7_ops[c->proto]->resume(c, dir, p + cap, 0, len - cap);
		if (used == FRAME_NONE) {
			st->resyncs++;
			return;
		}
		if (used == FRAME_MORE) {
			if (cap == len && len <= L7_HEAD_MAX) {
				memcpy(d->head, p, len);
				d->head_len = len;
			} else {
				st->resyncs++;
			}
			return;
		}
	}
	if ((__u64)used > len)
		d->skip = used - len;
	else if ((__u64)used < len)
		/* A head incomplete after complete messages: keep it for the next segment. */
		if (cap == len && len - used <= L7_HEAD_MAX) {
			memcpy(d->head, p + used, len - used);
			d->head_len = len - used;
		}
}

void l7_conn_finish(struct l7_conn *c, l7_emit_fn emit, void *ctx, struct l7_stats *st)
{
	finish_response(c, emit, ctx, st);
}

void l7_conn_expire(struct l7_conn *c, __u64 now, struct l7_stats *st)
{
	while (c->qlen && !c->resp_open && now - q_at(c, 0)->ts > c->opts->timeout_ns) {
		st->dropped_requests++;
		q_pop(c);
	}
}
