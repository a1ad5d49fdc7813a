// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* A chained hash of L7 connections; entries are allocated when first needed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash_bytes.h"
#include "l7/table.h"

#define L7_TABLE_BUCKETS 16384

static __u32 key_hash(const struct l7_key *k)
{
	return hash_bytes(k, sizeof(*k));
}

int l7_table_init(struct l7_table *t, __u32 max)
{
	memset(t, 0, sizeof(*t));
	t->buckets = calloc(L7_TABLE_BUCKETS, sizeof(*t->buckets));
	if (!t->buckets)
		return -ENOMEM;
	t->mask = L7_TABLE_BUCKETS - 1;
	t->max = max;
	return 0;
}

void l7_table_free(struct l7_table *t)
{
	__u32 i;

	if (!t->buckets)
		return;
	for (i = 0; i <= t->mask; i++) {
		struct l7_entry *e = t->buckets[i], *n;

		for (; e; e = n) {
			n = e->next;
			free(e);
		}
	}
	free(t->buckets);
	t->buckets = NULL;
}

struct l7_entry *l7_table_find(struct l7_table *t, const struct l7_key *k)
{
	struct l7_entry *e = t->buckets[key_hash(k) & t->mask];

	for (; e; e = e->next)
		if (!memcmp(&e->key, k, sizeof(*k)))
			return e;
	return NULL;
}

struct l7_entry *l7_table_add(struct l7_table *t, const struct l7_key *k)
{
	__u32 b = key_hash(k) & t->mask;
	struct l7_entry *e;

	if (t->count >= t->max) {
		t->full++;
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->key = *k;
	e->next = t->buckets[b];
	t->buckets[b] = e;
	t->count++;
	return e;
}

void l7_table_del(struct l7_table *t, const struct l7_key *k)
{
	struct l7_entry **pp = &t->buckets[key_hash(k) & t->mask], *e;

	for (; (e = *pp); pp = &e->next) {
		if (memcmp(&e->key, k, sizeof(*k)))
			continue;
		*pp = e->next;
		free(e);
		t->count--;
		return;
	}
}

void l7_table_walk(struct l7_table *t, int (*fn)(struct l7_entry *e, void *ctx), void *ctx)
{
	__u32 i;

	if (!t->buckets)
		return;
	for (i = 0; i <= t->mask; i++) {
		struct l7_entry **pp = &t->buckets[i], *e;

		while ((e = *pp)) {
			if (fn(e, ctx)) {
				*pp = e->next;
				free(e);
				t->count--;
			} else {
				pp = &e->next;
			}
		}
	}
}
