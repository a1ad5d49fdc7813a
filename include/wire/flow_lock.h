/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The flow entry's lock for BPF programs: a test-and-test-and-set on a word of
 * the map value, with a bounded spin. The datapath holds it for one packet's
 * state machine (tens of ns). The bound is not sized for that but for a
 * holder that stops inside the section: its vCPU descheduled by the
 * hypervisor, or, under BPF_PROG_TEST_RUN (which runs preemptible), its
 * thread preempted, for a scheduler time slice of a few ms. 2^19 reads ride
 * that out, as bpf_spin_lock's unbounded spin would; past them the caller
 * counts and passes the packet. An uncontended lock never spins at all.
 *
 * Both atomics are BPF_FETCH operations, which every JIT makes fully ordered
 * (x86 lock prefix, arm64 acquire-release), so the section's loads and stores
 * stay inside it on weakly ordered CPUs too.
 */
#ifndef NETOBS_WIRE_FLOW_LOCK_H
#define NETOBS_WIRE_FLOW_LOCK_H

#include <bpf/bpf_helpers.h>

#include "netobs.h"

#ifndef EBUSY
#define EBUSY 16
#endif

#define WIRE_LOCK_SPINS (1U << 19)

struct flow_lock_wait {
	struct flow_entry *e;
	int held;
};

static long flow_lock_retry(__u64 i, void *ctx)
{
	struct flow_lock_wait *w = ctx;

	/* Read before the atomic: waiters spin on a shared cache line. */
	if (*(volatile __u32 *)&w->e->lock)
		return 0;
	if (__sync_val_compare_and_swap(&w->e->lock, 0, 1))
		return 0;
	w->held = 1;
	return 1;
}

/*
 * 0 with the lock held, or -EBUSY. The spin is a bpf_loop() (inlined by the
 * verifier): a plain loop of that bound would be one verifier state per turn.
 */
static __always_inline int flow_lock(struct flow_entry *e, __u32 spins)
{
	struct flow_lock_wait w = { .e = e };

	if (__sync_val_compare_and_swap(&e->lock, 0, 1) == 0)
		return 0;
	bpf_loop(spins, flow_lock_retry, &w, 0);
	return w.held ? 0 : -EBUSY;
}

static __always_inline void flow_unlock(struct flow_entry *e)
{
	__sync_lock_test_and_set(&e->lock, 0);
}

#endif /* NETOBS_WIRE_FLOW_LOCK_H */
