// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/records.h"
#include "l7/record.h"
#include "util/log.h"
#include "wire/flow.h"

/* How long the agent waits at exit for the sink to take what is queued. */
#define RECORDS_EXIT_WAIT_MS 3000
#define NS_PER_S 1000000000ULL

int records_start(struct agent_state *st, __u64 now_ns)
{
	const struct agent_opts *o = st->opts;

	if (!o->records_on)
		return 0;
	st->next_interim = now_ns + o->active_timeout_s * NS_PER_S; /* the first period */
	st->exp.records = record_stream_open(&o->records);
	if (!st->exp.records) {
		pr_err("--records-out: cannot start its writer: %s\n", strerror(errno));
		return -errno;
	}
	st->exp.records_sink = record_sink_name(o->records.target.kind);
	return 0;
}

/* One flow's line: /flows' object (with its socket view part), and "interim" added. */
static void push_flow(struct agent_state *st, const struct flow_record *r, int interim)
{
	struct flow_socket fs;
	int known = st->exp.sv && sock_view_flow_socket(st->exp.sv, &r->s.key, &fs);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	flow_record_json(f, r, known ? &fs : NULL);
	if (fclose(f)) {
		free(buf);
		return;
	}
	while (len && buf[len - 1] == '\n')
		len--;
	if (len && buf[len - 1] == '}') { /* the object reopened for one more member */
		char tail[24];
		size_t n =
		    snprintf(tail, sizeof(tail), ",\"interim\":%s}", interim ? "true" : "false");
		char *line = malloc(len - 1 + n);

		if (line) {
			memcpy(line, buf, len - 1);
			memcpy(line + len - 1, tail, n);
			record_stream_push(st->exp.records, line, len - 1 + n);
			free(line);
		}
	}
	free(buf);
}

void records_flow_end(struct agent_state *st, const struct flow_stats *s, int close_type)
{
	struct flow_record r = { .s = *s, .close_type = close_type };

	if (st->exp.records)
		push_flow(st, &r, 0);
}

void records_l7(struct agent_state *st, const struct l7_record *r)
{
	char *line;

	if (!st->exp.records)
		return;
	line = l7_record_json(r);
	if (line) {
		record_stream_push(st->exp.records, line, strlen(line));
		free(line);
	}
}

static int push_live(void *ctx, const struct flow_stats *s)
{
	struct agent_state *st = ctx;
	struct flow_record r = { .s = *s, .close_type = flow_close_type(s, END_FORCED) };

	push_flow(st, &r, 1);
	return 0;
}

int records_interim(struct agent_state *st, __u64 now_ns, int force)
{
	const struct agent_opts *o = st->opts;
	int err;

	if (!st->exp.records || (!force && (!o->active_timeout_s || now_ns < st->next_interim)))
		return 0;
	st->next_interim = now_ns + o->active_timeout_s * NS_PER_S;
	/* The socket view changes under exp.lock; the walk itself takes no lock of ours. */
	pthread_mutex_lock(&st->exp.lock);
	err = st->exp.engine->ops->for_each_flow(st->exp.engine, push_live, st);
	pthread_mutex_unlock(&st->exp.lock);
	return err;
}

void records_stop(struct agent_state *st)
{
	if (!st->exp.records)
		return;
	if (st->exp.engine) {
		int err;

		export_state_drain(&st->exp);
		err = records_interim(st, 0, 1);
		if (err)
			pr_warn("--records-out: the live flows' last records: %s\n",
				strerror(-err));
	}
	record_stream_close(st->exp.records, RECORDS_EXIT_WAIT_MS);
	st->exp.records = NULL;
}
