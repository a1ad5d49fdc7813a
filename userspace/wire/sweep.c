// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wire/sweep.h"
#include "wire/flow.h"

struct sweep_ctx {
	__u64 now;
	const struct wire_timeouts *t;
	int all;
	wire_brief_fn live;
	void *live_ctx;
	struct flow_record *ended;
	size_t n, cap;
	struct sweep_stats seen;
};

static int sweep_keep(void *ctx, const struct flow_brief *b)
{
	struct sweep_ctx *c = ctx;

	c->seen.flows++;
	c->seen.tcp_flows += b->proto == IPPROTO_TCP;
	return c->live ? c->live(c->live_ctx, b) : 0;
}

static int sweep_end(struct sweep_ctx *c, const struct flow_stats *f, int expired)
{
	struct flow_record *r;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;

		r = realloc(c->ended, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		c->ended = r;
		c->cap = cap;
	}
	r = &c->ended[c->n++];
	r->s = *f;
	flow_finish(&r->s, r->s.last_seen_ns);
	r->close_type = flow_close_type(&r->s, expired ? END_TIMEOUT : END_FORCED);
	return 0;
}

/* Called by a backend's scan for a flow it found expired. */
static int sweep_expired(void *ctx, const struct flow_stats *f)
{
	return sweep_end(ctx, f, 1);
}

static int sweep_one(void *ctx, const struct flow_stats *f)
{
	struct sweep_ctx *c = ctx;
	int expired = flow_expired(f, c->now, c->t);
	struct flow_brief b;

	if (expired || c->all)
		return sweep_end(c, f, expired);
	flow_brief_of(f, &b);
	return sweep_keep(c, &b);
}

int wire_sweep(struct wire_backend *b, __u64 now, const struct wire_timeouts *t, int all,
	       flow_record_fn fn, void *ctx, struct sweep_stats *stats)
{
	return wire_sweep_live(b, now, t, all, fn, ctx, NULL, stats);
}

int wire_sweep_live(struct wire_backend *b, __u64 now, const struct wire_timeouts *t, int all,
		    flow_record_fn fn, void *ctx, wire_brief_fn live, struct sweep_stats *stats)
{
	struct sweep_ctx c = { .now = now, .t = t, .all = all, .live = live, .live_ctx = ctx };
	size_t i;
	int err;

	if (b->ops->scan && !all)
		err = b->ops->scan(b, now, t, sweep_expired, sweep_keep, &c);
	else
		err = b->ops->for_each_flow(b, sweep_one, &c);
	/* Delete after the walk: a hash walk must not see its own deletions. */
	for (i = 0; !err && i < c.n; i++) {
		err = b->ops->delete_flow(b, &c.ended[i].s.key);
		if (err == -ENOENT)
			err = 0;
		if (!err)
			err = fn(ctx, &c.ended[i]);
	}
	free(c.ended);
	if (stats)
		*stats = c.seen;
	return err ? err : (int)c.n;
}

void flow_record_from_event(struct flow_record *r, const struct flow_event *ev)
{
	r->s = ev->s;
	r->close_type = ev->detail;
}
