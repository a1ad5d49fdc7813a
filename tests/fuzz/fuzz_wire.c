// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target for the wire engine, built as the userspace engine: the
 * input is frames, each [2-byte big-endian length][frame bytes], run in order
 * 1 ms apart, then every flow is ended and written as a record. Besides the
 * sanitizers' checks: no record counts more packets than frames went in.
 * tests/fuzz/wire_corpus_diff.py replays what the fuzzer kept through the BPF
 * programs too, and requires the same records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/backend.h"
#include "wire/flow_record.h"
#include "wire/sweep.h"

struct fuzz_ctx {
	unsigned long long packets;
	FILE *out;
};

static int on_event(void *ctx, const void *data, size_t len)
{
	const struct flow_event *ev = data;
	struct fuzz_ctx *f = ctx;
	struct flow_record r;

	if (len < sizeof(*ev) || ev->type != EV_FLOW_END)
		return 0;
	flow_record_from_event(&r, ev);
	f->packets += r.s.side[0].packets + r.s.side[1].packets;
	flow_record_json(f->out, &r, NULL);
	return 0;
}

static int on_swept(void *ctx, const struct flow_record *r)
{
	struct fuzz_ctx *f = ctx;

	f->packets += r->s.side[0].packets + r->s.side[1].packets;
	flow_record_json(f->out, r, NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct fuzz_ctx f = { 0 };
	struct wire_options o;
	struct wire_backend *b;
	unsigned long long frames = 0, t = 1000000;
	char *buf = NULL;
	size_t blen = 0, off = 0;

	wire_options_default(&o);
	o.max_flows = 64;
	o.replay_clock = 1;
	f.out = open_memstream(&buf, &blen);
	b = wire_user_open(&o, on_event, &f);
	if (!b || !f.out)
		abort();
	while (off + 2 <= size) {
		size_t n = (size_t)data[off] << 8 | data[off + 1];

		off += 2;
		if (n > size - off)
			n = size - off;
		b->ops->run(b, data + off, n, n + (frames & 7) * 100, t);
		b->ops->poll(b);
		off += n;
		frames++;
		t += 1000000;
	}
	wire_sweep(b, t, &o.timeouts, 1, on_swept, &f, NULL);
	b->ops->poll(b);
	wire_backend_destroy(b);
	fclose(f.out);
	free(buf);
	if (f.packets > frames)
		abort(); /* a frame is one packet at most (GSO counts only at TC) */
	return 0;
}
