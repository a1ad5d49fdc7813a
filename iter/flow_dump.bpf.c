// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The flow table as userspace reads it: an iterator over the flows map that
 * writes each flow's record while holding the flow's lock, so no read sees a
 * packet half accounted. The datapath's lock is a word of the value, not a
 * bpf_spin_lock, so the syscall's BPF_F_LOCK cannot take it; this can.
 */
#include "wire/platform.bpf.h"

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
#define DUMP_LOCK_SPINS (16 * WIRE_LOCK_SPINS)

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

char LICENSE[] SEC("license") = "Dual BSD/GPL";
