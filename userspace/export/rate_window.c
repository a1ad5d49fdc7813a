// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "export/rate_window.h"

int rate_window_init(struct rate_window *w, __u32 cap)
{
	int i;

	memset(w, 0, sizeof(*w));
	w->cap = cap;
	for (i = 0; i < RATE_WINDOW_POINTS; i++) {
		w->p[i].v = calloc(cap, sizeof(*w->p[i].v));
		if (!w->p[i].v) {
			rate_window_free(w);
			return -ENOMEM;
		}
	}
	return 0;
}

void rate_window_free(struct rate_window *w)
{
	int i;

	for (i = 0; i < RATE_WINDOW_POINTS; i++) {
		free(w->p[i].v);
		w->p[i].v = NULL;
	}
	w->len = 0;
}

static int key_cmp(const struct series_key *a, const struct series_key *b)
{
	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	if (a->server_port != b->server_port)
		return a->server_port < b->server_port ? -1 : 1;
	if (a->role != b->role)
		return a->role < b->role ? -1 : 1;
	return 0;
}

static int total_cmp(const void *a, const void *b)
{
	return key_cmp(&((const struct rate_total *)a)->key, &((const struct rate_total *)b)->key);
}

void rate_window_push(struct rate_window *w, double t_s, const struct metrics_table *view)
{
	struct rate_point *p;
	__u32 i;

	w->head = w->len ? (w->head + 1) % RATE_WINDOW_POINTS : 0;
	if (w->len < RATE_WINDOW_POINTS)
		w->len++;
	p = &w->p[w->head];
	p->t_s = t_s;
	p->n = 0;
	for (i = 0; i < view->n && p->n < w->cap; i++) {
		const struct series *s = &view->s[i];
		struct rate_total *v = &p->v[p->n];

		if (s->key.proto != IPPROTO_TCP)
			continue;
		v->key = s->key;
		memcpy(v->bytes, s->bytes, sizeof(v->bytes));
		memcpy(v->packets, s->packets, sizeof(v->packets));
		p->n++;
	}
	qsort(p->v, p->n, sizeof(*p->v), total_cmp);
}

static const struct rate_point *oldest(const struct rate_window *w)
{
	return &w->p[(w->head + RATE_WINDOW_POINTS - (w->len - 1)) % RATE_WINDOW_POINTS];
}

static const struct rate_total *point_find(const struct rate_point *p, const struct series_key *k)
{
	struct rate_total want = { .key = *k };

	want.key.proto = IPPROTO_TCP;
	return bsearch(&want, p->v, p->n, sizeof(*p->v), total_cmp);
}

double rate_window_span(const struct rate_window *w)
{
	return w->len < 2 ? 0 : w->p[w->head].t_s - oldest(w)->t_s;
}

int rate_window_rate(const struct rate_window *w, const struct series_key *k, enum rate_kind kind,
		     int dir, double *out)
{
	const struct rate_total *now, *was;
	double span = rate_window_span(w);
	__u64 a, b;

	if (span <= 0)
		return -EAGAIN;
	now = point_find(&w->p[w->head], k);
	if (!now)
		return -ENOENT;
	was = point_find(oldest(w), k);
	a = kind == RATE_BYTES ? now->bytes[dir & 1] : now->packets[dir & 1];
	b = !was ? 0 : kind == RATE_BYTES ? was->bytes[dir & 1] : was->packets[dir & 1];
	/* Totals only grow; a flow the datapath ended between a walk and its event can
	 * still make one point short by that flow for a moment: never a negative rate.
	 */
	*out = a > b ? (a - b) / span : 0.0;
	return 0;
}
