// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The wire engine compiled as plain C: the same headers the XDP and TC
 * programs include, over a userspace flow table. Used by replay when BPF is
 * not available and by the unit tests, which drive the engine directly.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wire/backend.h"
#include "wire/frame_parse.h"
#include "wire/scratch.h"

struct wire_user_ctx {
	void *data;
	void *data_end;
};

/* Open addressing with linear probing; deletion shifts entries back. */
struct flow_table {
	struct flow_entry *slots;
	__u8 *used;
	__u32 mask;
	__u32 count;
	__u32 max;
};

/* Datagrams in fragments: a hash table that, when full, overwrites, as the BPF LRU evicts. */
#define FRAG_SLOTS (2 * FRAG_TABLE_SIZE)
#define FRAG_PROBES 16

struct frag_slot {
	__u8 used;
	struct frag_key key;
	struct frag_ports ports;
};

/*
 * Latency label sets and their histograms, as the BPF maps keep them: a few
 * sets found by a linear search, each with a slot in a bounded array.
 */
struct hist_table {
	struct lat_key *keys;
	__u32 *slots;
	__u32 n;
	struct lat_hist *hists;
	__u32 used, max;
};

struct wire_user {
	struct wire_backend b;
	struct flow_table tab;
	struct hist_table hist;
	struct frag_slot frags[FRAG_SLOTS];
	struct wire_timeouts timeouts;
	__u32 sampling_pct;
	struct wire_scratch scratch;
	__u64 counters[CNT_MAX];
	__u64 next_flow_id;
	__u64 now_ns;
	/* Events queue until poll(), as in the ring buffer. */
	void *evq;
	size_t evq_len, evq_cap;
};

/* The engine's platform for this build: one engine instance at a time. */
static struct wire_user *cur;

static __u64 key_hash(const struct flow_key *k)
{
	const __u8 *p = (const __u8 *)k;
	__u64 h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static long table_find(const struct flow_table *t, const struct flow_key *k)
{
	__u32 i = key_hash(k) & t->mask;

	while (t->used[i]) {
		if (!memcmp(&t->slots[i].s.key, k, sizeof(*k)))
			return i;
		i = (i + 1) & t->mask;
	}
	return -(long)i - 1;
}

static struct flow_entry *user_lookup(const struct flow_key *k)
{
	long i = table_find(&cur->tab, k);

	return i >= 0 ? &cur->tab.slots[i] : NULL;
}

/* Same contract as a BPF hash map update with BPF_NOEXIST. */
static int user_insert(const struct flow_key *k, const void *entry)
{
	struct flow_table *t = &cur->tab;
	long i = table_find(t, k);

	if (i >= 0)
		return -EEXIST;
	if (t->count >= t->max)
		return -E2BIG;
	i = -i - 1;
	memcpy(&t->slots[i], entry, sizeof(t->slots[i]));
	t->used[i] = 1;
	t->count++;
	return 0;
}

static int user_delete(struct flow_table *t, const struct flow_key *k)
{
	long found = table_find(t, k);
	__u32 i, j, home;

	if (found < 0)
		return -ENOENT;
	i = found;
	t->used[i] = 0;
	t->count--;
	/* Backward-shift: move later entries of the probe run into the hole. */
	for (j = (i + 1) & t->mask; t->used[j]; j = (j + 1) & t->mask) {
		home = key_hash(&t->slots[j].s.key) & t->mask;
		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->slots[i] = t->slots[j];
			t->used[i] = 1;
			t->used[j] = 0;
			i = j;
		}
	}
	return 0;
}

static __u32 frag_hash(const struct frag_key *k)
{
	const __u8 *p = (const __u8 *)k;
	__u32 h = 2166136261U;
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 16777619U;
	return h;
}

static struct frag_ports *user_frag_lookup(const struct frag_key *k)
{
	__u32 h = frag_hash(k), i;

	for (i = 0; i < FRAG_PROBES; i++) {
		struct frag_slot *s = &cur->frags[(h + i) % FRAG_SLOTS];

		if (s->used && !memcmp(&s->key, k, sizeof(*k)))
			return &s->ports;
	}
	return NULL;
}

static void user_frag_learn(const struct frag_key *k, const struct frag_ports *ports)
{
	__u32 h = frag_hash(k), i;
	struct frag_slot *s = &cur->frags[h % FRAG_SLOTS];

	for (i = 0; i < FRAG_PROBES; i++) {
		struct frag_slot *c = &cur->frags[(h + i) % FRAG_SLOTS];

		if (!c->used || !memcmp(&c->key, k, sizeof(*k))) {
			s = c;
			break;
		}
	}
	s->used = 1;
	s->key = *k;
	s->ports = *ports;
}

static __u32 *user_lat_set_lookup(const struct lat_key *k)
{
	struct hist_table *t = &cur->hist;
	__u32 i;

	for (i = 0; i < t->n; i++)
		if (!memcmp(&t->keys[i], k, sizeof(*k)))
			return &t->slots[i];
	return NULL;
}

/* Same contract as a BPF hash map update with BPF_NOEXIST. */
static int user_lat_set_insert(const struct lat_key *k, const __u32 *slot)
{
	struct hist_table *t = &cur->hist;

	if (user_lat_set_lookup(k))
		return -EEXIST;
	if (t->n >= t->max)
		return -E2BIG;
	t->keys[t->n] = *k;
	t->slots[t->n++] = *slot;
	return 0;
}

static struct lat_hist *user_lat_hist(__u32 index)
{
	return index < cur->hist.max ? &cur->hist.hists[index] : NULL;
}

/* Queued records keep 8-byte alignment, as the ring buffer's do: a length word, then the record. */
#define EVQ_ALIGN 8
#define EVQ_SLOT(len) (EVQ_ALIGN + (((len) + EVQ_ALIGN - 1) & ~(size_t)(EVQ_ALIGN - 1)))

static int user_emit(const void *data, size_t len)
{
	struct wire_user *w = cur;

	if (w->evq_len + EVQ_SLOT(len) > w->evq_cap) {
		size_t cap = w->evq_cap ? w->evq_cap * 2 : 65536;
		void *q;

		while (cap < w->evq_len + EVQ_SLOT(len))
			cap *= 2;
		q = realloc(w->evq, cap);
		if (!q)
			return -ENOMEM;
		w->evq = q;
		w->evq_cap = cap;
	}
	*(__u64 *)((char *)w->evq + w->evq_len) = len;
	memcpy((char *)w->evq + w->evq_len + EVQ_ALIGN, data, len);
	w->evq_len += EVQ_SLOT(len);
	return 0;
}

static int user_load_bytes(struct wire_user_ctx *ctx, __u32 off, void *buf, __u32 len)
{
	if ((char *)ctx->data + off + len > (char *)ctx->data_end)
		return -EFAULT;
	memcpy(buf, (char *)ctx->data + off, len);
	return 0;
}

#define WIRE_CTX struct wire_user_ctx
#define wire_ctx_data(ctx) ((ctx)->data)
#define wire_ctx_data_end(ctx) ((ctx)->data_end)
#define wire_load_bytes(ctx, off, buf, len) user_load_bytes(ctx, off, buf, len)
#define wire_now() (cur->now_ns)
#define wire_count(idx) (cur->counters[(idx)]++)
#define wire_timeouts(t) (*(t) = cur->timeouts)
#define wire_sampling_pct() (cur->sampling_pct)
#define wire_scratch() (&cur->scratch)
#define wire_flow_id_ptr() (&cur->next_flow_id)
#define wire_flow_lookup(key) user_lookup(key)
#define wire_flow_insert(key, entry) user_insert(key, entry)
#define wire_lock(e) ((void)(e), 0)
#define wire_unlock(e) ((void)(e))
#define wire_emit(ptr, size) user_emit(ptr, size)
#define wire_frag_lookup(key) user_frag_lookup(key)
#define wire_frag_learn(key, ports) user_frag_learn(key, ports)
#define wire_lat_set_lookup(key) user_lat_set_lookup(key)
#define wire_lat_set_insert(key, slot) user_lat_set_insert(key, slot)
#define wire_lat_slots_used() (&cur->hist.used)
#define wire_lat_slots_max() (cur->hist.max)
#define wire_lat_hist(index) user_lat_hist(index)

#include "wire/engine.h"

int wire_user_parse(const void *frame, __u32 len, struct pkt_info *p)
{
	struct wire_user_ctx ctx = { (void *)frame, (char *)frame + len };
	struct parse_result r;
	__u32 l4_len = 0;

	memset(p, 0, sizeof(*p));
	r = parse_l3(ctx.data, ctx.data_end, 0, p, &l4_len);
	if (r.verdict != PARSE_FLOW)
		return 0;
	return parse_l4(&ctx, ctx.data, ctx.data_end, p, l4_len) == 0;
}

static int user_run(struct wire_backend *b, const void *frame, __u32 len, __u32 wire_len,
		    __u64 now_ns)
{
	struct wire_user *w = (struct wire_user *)b;
	struct wire_user_ctx ctx = { (void *)frame, (char *)frame + len };

	cur = w;
	w->now_ns = now_ns;
	wire_handle(&ctx, wire_len, 1, 0, HOOK_NONE);
	return 0;
}

static int user_poll(struct wire_backend *b)
{
	struct wire_user *w = (struct wire_user *)b;
	size_t off = 0;
	int err = 0;

	while (off < w->evq_len && !err) {
		__u64 len = *(__u64 *)((char *)w->evq + off);

		err = b->on_event ? b->on_event(b->event_ctx, (char *)w->evq + off + EVQ_ALIGN, len)
				  : 0;
		off += EVQ_SLOT(len);
	}
	w->evq_len = 0;
	return err;
}

static int user_for_each(struct wire_backend *b, wire_flow_fn fn, void *ctx)
{
	struct wire_user *w = (struct wire_user *)b;
	__u32 i;
	int err;

	for (i = 0; i <= w->tab.mask; i++) {
		if (!w->tab.used[i])
			continue;
		err = fn(ctx, &w->tab.slots[i].s);
		if (err)
			return err;
	}
	return 0;
}

static int user_for_each_hist(struct wire_backend *b, wire_hist_fn fn, void *ctx)
{
	struct hist_table *t = &((struct wire_user *)b)->hist;
	__u32 i;
	int err;

	for (i = 0; i < t->n; i++) {
		err = fn(ctx, &t->keys[i], &t->hists[t->slots[i] - 1]);
		if (err)
			return err;
	}
	return 0;
}

static int user_delete_flow(struct wire_backend *b, const struct flow_key *key)
{
	return user_delete(&((struct wire_user *)b)->tab, key);
}

static int user_counters(struct wire_backend *b, __u64 out[CNT_MAX])
{
	memcpy(out, ((struct wire_user *)b)->counters, sizeof(__u64) * CNT_MAX);
	return 0;
}

static void user_destroy(struct wire_backend *b)
{
	struct wire_user *w = (struct wire_user *)b;

	if (cur == w)
		cur = NULL;
	free(w->tab.slots);
	free(w->tab.used);
	free(w->hist.keys);
	free(w->hist.slots);
	free(w->hist.hists);
	free(w->evq);
	free(w);
}

static const struct wire_backend_ops user_ops = {
	.name = "userspace build of the engine",
	.run = user_run,
	.poll = user_poll,
	.for_each_flow = user_for_each,
	.delete_flow = user_delete_flow,
	.for_each_hist = user_for_each_hist,
	.counters = user_counters,
	.destroy = user_destroy,
};

struct wire_backend *wire_user_open(const struct wire_options *o, wire_event_fn fn, void *ctx)
{
	struct wire_user *w = calloc(1, sizeof(*w));
	__u32 cap = 16;

	if (!w)
		return NULL;
	while (cap < o->max_flows * 2ULL && cap < (1U << 31))
		cap <<= 1;
	w->tab.slots = calloc(cap, sizeof(*w->tab.slots));
	w->tab.used = calloc(cap, 1);
	w->hist.max = o->max_lat_sets;
	w->hist.keys = calloc(w->hist.max + 1, sizeof(*w->hist.keys));
	w->hist.slots = calloc(w->hist.max + 1, sizeof(*w->hist.slots));
	w->hist.hists = calloc(w->hist.max + 1, sizeof(*w->hist.hists));
	if (!w->tab.slots || !w->tab.used || !w->hist.keys || !w->hist.slots || !w->hist.hists) {
		user_destroy(&w->b);
		errno = ENOMEM;
		return NULL;
	}
	w->tab.mask = cap - 1;
	w->tab.max = o->max_flows;
	w->timeouts = o->timeouts;
	w->sampling_pct = o->sampling_pct;
	w->b.ops = &user_ops;
	w->b.on_event = fn;
	w->b.event_ctx = ctx;
	cur = w;
	return &w->b;
}

void wire_options_default(struct wire_options *o)
{
	struct wire_timeouts t = WIRE_DEFAULT_TIMEOUTS;

	memset(o, 0, sizeof(*o));
	o->max_flows = WIRE_DEFAULT_MAX_FLOWS;
	o->max_lat_sets = WIRE_DEFAULT_LAT_SLOTS;
	o->ringbuf_bytes = 1 << 22;
	o->timeouts = t;
	o->sampling_pct = 100;
}
