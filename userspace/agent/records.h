/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The agent's records on the NDJSON stream (--records-out): each flow end as
 * it happens, each live flow every export.active_timeout seconds and at exit
 * (interim), and each L7 record. The objects are /flows' and /l7's, a flow's
 * with "interim" added.
 */
#ifndef NETOBS_AGENT_RECORDS_H
#define NETOBS_AGENT_RECORDS_H

#include "agent/agent.h"
#include "l7/l7.h"
#include "wire/flow_record.h"

/*
 * 0 (also without --records-out), or -errno. The first interim records are
 * due a timeout after @now_ns.
 */
int records_start(struct agent_state *st, __u64 now_ns);
/* Called under st->exp.lock, as the flow ends are. */
void records_flow_end(struct agent_state *st, const struct flow_stats *s, int close_type);
void records_l7(struct agent_state *st, const struct l7_record *r);
/* Every live flow as an interim record, when its time has come (@now_ns) or @force. */
int records_interim(struct agent_state *st, __u64 now_ns, int force);
/* The live flows once more, then what is queued, within a few seconds. */
void records_stop(struct agent_state *st);

#endif /* NETOBS_AGENT_RECORDS_H */
