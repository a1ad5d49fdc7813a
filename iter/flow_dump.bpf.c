// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The flow table as userspace reads it: an iterator over the flows map that
 * writes each flow's record while holding the flow's lock, so no read sees a
 * packet half accounted. The datapath's lock is a word of the value, not a
 * bpf_spin_lock, so the syscall's BPF_F_LOCK cannot take it; this can.
 */
#include "wire/platform.bpf.h"
#include "wire/flow.h"

/* The iterator's context, as the running kernel's BTF lays it out (CO-RE). */
struct seq_file;
struct bpf_map;

struct bpf_iter_meta {
	struct seq_file *seq;
} __attribute__((preserve_access_index));

struct bpf_iter__bpf_map_elem {
	struct bpf_iter_meta *meta;
	struct bpf_map *map;
	void *key;
	void *value;
} __attribute__((preserve_access_index));

/* The reader may wait longer than a packet would: it is not on the datapath. */
#define DUMP_LOCK_SPINS (16 * WIRE_LOCK_SPINS) /* bpf_loop() takes at most 2^23 */

SEC("iter/bpf_map_elem")
int flow_dump(struct bpf_iter__bpf_map_elem *ctx)
{
	struct flow_entry *e = ctx->value;

	if (!e)
		return 0;
	if (flow_lock(e, DUMP_LOCK_SPINS)) {
		wire_count(CNT_DUMP_BUSY);
		return 0;
	}
	bpf_seq_write(ctx->meta->seq, &e->s, sizeof(e->s));
	flow_unlock(e);
	return 0;
}

/* Set by the sweep before each walk: its clock and the timeouts it ends flows by. */
volatile __u64 sweep_now_ns;
volatile struct wire_timeouts sweep_timeouts;

/*
 * The sweep's walk: a flow that stays is written in brief, read without its
 * lock (each counter is one aligned load; the rate window needs no more); one
 * that looks expired is checked again under the lock, and if it still is,
 * written whole for the sweep to end. A packet that holds the lock is proof
 * enough that the flow is not expired.
 */
SEC("iter/bpf_map_elem")
int flow_sweep(struct bpf_iter__bpf_map_elem *ctx)
{
	struct flow_entry *e = ctx->value;
	struct wire_timeouts t;
	struct flow_brief b;
	__u64 now = sweep_now_ns;

	if (!e)
		return 0;
	timeouts_load(&t, &sweep_timeouts);
	if (flow_expired(&e->s, now, &t) && !flow_lock(e, DUMP_LOCK_SPINS)) {
		if (flow_expired(&e->s, now, &t)) {
			struct flow_brief_ended head = { .kind = BRIEF_ENDED };

			bpf_seq_write(ctx->meta->seq, &head, sizeof(head));
			bpf_seq_write(ctx->meta->seq, &e->s, sizeof(e->s));
			flow_unlock(e);
			return 0;
		}
		flow_unlock(e);
	}
	flow_brief_of(&e->s, &b);
	bpf_seq_write(ctx->meta->seq, &b, sizeof(b));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
