// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target for the L7 framers and the pairing machine. The input is
 * a conversation: each chunk is [direction+flags byte][2-byte length][bytes],
 * fed as one segment, sometimes as a snippet shorter than its length. Built
 * once per protocol (-DFUZZ_PROTO=L7_HTTP, ...), which is forced so the
 * fuzzer does not spend its time on detection; FUZZ_PROTO=L7_NONE goes
 * through detection instead.
 *
 * Besides the sanitizers' checks: every record pairs a request with a later
 * or equal response time, and there are never more records than request
 * messages framed.
 */
#include <stdlib.h>
#include <string.h>

#include "l7/l7.h"

#ifndef FUZZ_PROTO
#define FUZZ_PROTO L7_NONE
#endif

struct fuzz_ctx {
	unsigned long records;
};

static void on_record(void *ctx, const struct l7_record *r)
{
	struct fuzz_ctx *f = ctx;

	if (r->resp_ns < r->req_ns || r->protocol <= L7_NONE || r->protocol >= L7_PROTO_MAX ||
	    strnlen(r->request, sizeof(r->request)) == sizeof(r->request) ||
	    strnlen(r->command, sizeof(r->command)) == sizeof(r->command))
		abort();
	f->records++;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct netobs_addr a = { { 0, 0, 0, 1 } }, b = { { 0, 0, 0, 2 } };
	static const __u16 ports[] = { 80, 3306, 5432, 6379, 53 };
	struct fuzz_ctx f = { 0 };
	struct l7_options o;
	struct l7_stats st = { 0 };
	struct l7_conn *c = malloc(sizeof(*c));
	unsigned long segments = 0;
	__u64 ts = 1000;
	size_t off = 1;

	if (!c || size < 1) {
		free(c);
		return 0;
	}
	l7_options_default(&o);
	o.show_sql_literals = data[0] & 1;
	l7_conn_init(c, &o, !(data[0] & 2) || FUZZ_PROTO != L7_DNS, 4, &a, 40000, &b,
		     FUZZ_PROTO != L7_NONE ? ports[FUZZ_PROTO - 1] : ports[(data[0] >> 2) % 5]);
	c->proto = FUZZ_PROTO;
	while (off + 3 <= size) {
		__u8 flags = data[off];
		size_t len = data[off + 1] | (size_t)data[off + 2] << 8, cap;

		off += 3;
		if (len > size - off)
			len = size - off;
		/* A snippet: only the first bytes are known, the length says more. */
		cap = (flags & 2) ? len / 2 : len;
		if (flags & 4)
			l7_conn_resync(c, flags & 1);
		l7_conn_feed(c, flags & 1, data + off, cap, len + ((flags & 8) ? 100 : 0), ts,
			     on_record, &f, &st);
		segments++;
		ts += (flags >> 4) * 1000;
		off += len;
	}
	l7_conn_finish(c, on_record, &f, &st);
	/* A record needs a request, and a request at least one byte of a segment. */
	if (f.records > st.records || f.records > segments * (L7_HEAD_MAX + L7_SNIPPET_MAX))
		abort();
	free(c);
	return 0;
}
