// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Loader for the wire engine's BPF programs, and its replay backend. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "util/log.h"
#include "wire/backend_bpf.h"
#include "wire_xdp.skel.h"
#include "wire_tc.skel.h"
#include "flow_dump.skel.h"

int wire_bpf_xdp_prog_fd(const struct wire_bpf *w)
{
	return bpf_program__fd(w->xdp->progs.netobs_xdp);
}

int wire_bpf_tc_prog_fd(const struct wire_bpf *w)
{
	return bpf_program__fd(w->tc->progs.netobs_tc_egress);
}

int wire_bpf_flows_fd(const struct wire_bpf *w)
{
	return bpf_map__fd(w->xdp->maps.flows);
}

int wire_bpf_map_fd(const struct wire_bpf *w, const char *name)
{
	return bpf_object__find_map_fd_by_name(w->xdp->obj, name);
}

int wire_bpf_lookup_flow(const struct wire_bpf *w, const struct flow_key *key,
			 struct flow_stats *out)
{
	struct flow_entry e;

	if (bpf_map_lookup_elem(wire_bpf_flows_fd(w), key, &e))
		return -errno;
	*out = e.s;
	return 0;
}

static int rb_event(void *ctx, void *data, size_t len)
{
	struct wire_backend *b = ctx;

	return b->on_event ? b->on_event(b->event_ctx, data, len) : 0;
}

static int bpf_run(struct wire_backend *b, const void *frame, __u32 len, __u32 wire_len,
		   __u64 now_ns)
{
	struct wire_bpf *w = (struct wire_bpf *)b;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len, .repeat = 1);

	w->xdp->bss->replay_now_ns = now_ns;
	w->xdp->bss->replay_frame_len = wire_len;
	if (bpf_prog_test_run_opts(wire_bpf_xdp_prog_fd(w), &opts))
		return -errno;
	return 0;
}

static int bpf_poll(struct wire_backend *b)
{
	int n = ring_buffer__consume(((struct wire_bpf *)b)->rb);

	return n < 0 ? n : 0;
}

#define DUMP_BYTES (256 * sizeof(struct flow_stats))

/*
 * What an iterator link writes, read in large chunks: @take consumes whole
 * records from the front of what is at hand and returns how many bytes (a
 * read may end inside a record; the rest comes with the next), or -errno.
 */
typedef ssize_t (*iter_take_fn)(void *ctx, const char *buf, size_t have);

static int iter_read(struct bpf_link *link, iter_take_fn take, void *ctx)
{
	size_t have = 0;
	ssize_t n, used;
	int fd, err = 0;
	char *buf;

	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0)
		return -errno;
	buf = malloc(DUMP_BYTES);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (!err) {
		n = read(fd, buf + have, DUMP_BYTES - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		have += n;
		used = take(ctx, buf, have);
		if (used < 0) {
			err = used;
			break;
		}
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	if (!err && have)
		err = -EIO; /* the iterator never ends inside a record */
	free(buf);
	close(fd);
	return err;
}

struct each_ctx {
	wire_flow_fn fn;
	void *ctx;
};

static ssize_t take_flows(void *ctx, const char *buf, size_t have)
{
	struct each_ctx *c = ctx;
	size_t at = 0;
	int err;

	/* Records start at multiples of their size in a malloc'd buffer: aligned. */
	for (; have - at >= sizeof(struct flow_stats); at += sizeof(struct flow_stats)) {
		err = c->fn(c->ctx, (const struct flow_stats *)(buf + at));
		if (err)
			return err;
	}
	return at;
}

/* The whole table through the flow_dump iterator: each record written under its flow's lock. */
static int bpf_for_each(struct wire_backend *b, wire_flow_fn fn, void *ctx)
{
	struct each_ctx c = { .fn = fn, .ctx = ctx };

	return iter_read(((struct wire_bpf *)b)->dump_link, take_flows, &c);
}

struct scan_ctx {
	wire_flow_fn ended;
	wire_brief_fn live;
	void *ctx;
};

/* Records are multiples of 8 bytes from a malloc'd buffer's start: each is aligned. */
static ssize_t take_briefs(void *ctx, const char *buf, size_t have)
{
	const size_t ended_len = sizeof(struct flow_brief_ended) + sizeof(struct flow_stats);
	struct scan_ctx *c = ctx;
	size_t at = 0;
	__u32 kind;
	int err;

	while (have - at >= sizeof(kind)) {
		kind = *(const __u32 *)(buf + at);
		if (kind == BRIEF_LIVE) {
			if (have - at < sizeof(struct flow_brief))
				break;
			err = c->live(c->ctx, (const struct flow_brief *)(buf + at));
			at += sizeof(struct flow_brief);
		} else if (kind == BRIEF_ENDED) {
			if (have - at < ended_len)
				break;
			err = c->ended(
			    c->ctx, (const struct flow_stats *)(buf + at +
								sizeof(struct flow_brief_ended)));
			at += ended_len;
		} else {
			return -EIO;
		}
		if (err)
			return err;
	}
	return at;
}

/*
 * The sweep's walk through the flow_sweep iterator: flows that stay in brief,
 * those expired at @now whole.
 */
static int bpf_scan(struct wire_backend *b, __u64 now, const struct wire_timeouts *t,
		    wire_flow_fn ended, wire_brief_fn live, void *ctx)
{
	struct wire_bpf *w = (struct wire_bpf *)b;
	struct scan_ctx c = { .ended = ended, .live = live, .ctx = ctx };

	w->dump->bss->sweep_now_ns = now;
	memcpy((void *)&w->dump->bss->sweep_timeouts, t, sizeof(*t));
	return iter_read(w->sweep_link, take_briefs, &c);
}

static int bpf_delete_flow(struct wire_backend *b, const struct flow_key *key)
{
	if (bpf_map_delete_elem(wire_bpf_flows_fd((struct wire_bpf *)b), key))
		return -errno;
	return 0;
}

/* Each label set's histograms, its CPUs' values summed. */
static int bpf_for_each_hist(struct wire_backend *b, wire_hist_fn fn, void *ctx)
{
	struct wire_bpf *w = (struct wire_bpf *)b;
	int sets = bpf_map__fd(w->xdp->maps.lat_sets), hists = bpf_map__fd(w->xdp->maps.lat_hists);
	struct lat_hist *vals = calloc(w->ncpus, sizeof(*vals)), sum;
	struct lat_key k, *prev = NULL;
	__u32 slot, index;
	int c, err = 0;

	if (!vals)
		return -ENOMEM;
	while (!err && !bpf_map_get_next_key(sets, prev, &k)) {
		prev = &k;
		/* Sets are never deleted while the maps live: a lookup that fails is an error. */
		if (bpf_map_lookup_elem(sets, &k, &slot) || !slot) {
			err = slot ? -errno : -EINVAL;
			break;
		}
		index = slot - 1;
		if (bpf_map_lookup_elem(hists, &index, vals)) {
			err = -errno;
			break;
		}
		sum = vals[0];
		for (c = 1; c < w->ncpus; c++)
			lat_hist_merge(&sum, &vals[c]);
		err = fn(ctx, &k, &sum);
	}
	free(vals);
	return err;
}

static int bpf_counters(struct wire_backend *b, __u64 out[CNT_MAX])
{
	struct wire_bpf *w = (struct wire_bpf *)b;
	int fd = bpf_map__fd(w->xdp->maps.counters);
	__u64 *vals = calloc(w->ncpus, sizeof(__u64));
	__u32 i;
	int c, err = 0;

	if (!vals)
		return -ENOMEM;
	for (i = 0; i < CNT_MAX; i++) {
		out[i] = 0;
		if (bpf_map_lookup_elem(fd, &i, vals)) {
			err = -errno;
			break;
		}
		for (c = 0; c < w->ncpus; c++)
			out[i] += vals[c];
	}
	free(vals);
	return err;
}

static void bpf_destroy(struct wire_backend *b)
{
	struct wire_bpf *w = (struct wire_bpf *)b;

	ring_buffer__free(w->rb);
	bpf_link__destroy(w->sweep_link);
	bpf_link__destroy(w->dump_link);
	flow_dump__destroy(w->dump);
	wire_tc__destroy(w->tc);
	wire_xdp__destroy(w->xdp);
	free(w);
}

static const struct wire_backend_ops bpf_ops = {
	.name = "BPF programs via BPF_PROG_TEST_RUN",
	.run = bpf_run,
	.poll = bpf_poll,
	.for_each_flow = bpf_for_each,
	.scan = bpf_scan,
	.delete_flow = bpf_delete_flow,
	.for_each_hist = bpf_for_each_hist,
	.counters = bpf_counters,
	.destroy = bpf_destroy,
};

/* Knobs are read-only after load: the verifier prunes on them. */
#define SET_KNOBS(skel, o)                                                                         \
	do {                                                                                       \
		(skel)->rodata->replay_clock = !!(o)->replay_clock;                                \
		(skel)->rodata->wire_cfg_sampling_pct = (o)->sampling_pct;                         \
		(skel)->rodata->wire_cfg_lat_slots = (o)->max_lat_sets;                            \
		memcpy((void *)&(skel)->rodata->wire_cfg_timeouts, &(o)->timeouts,                 \
		       sizeof((o)->timeouts));                                                     \
	} while (0)

/* The maps every program object of the engine uses as one set. */
static const char *const shared_maps[] = { "flows",    "counters",  "flow_ids",
					   "scratch",  "events",    "frags",
					   "lat_sets", "lat_hists", "lat_slots_used" };

/* Make @to's shared maps the ones @from (already loaded) has. */
static int share_maps(struct bpf_object *from, struct bpf_object *to)
{
	size_t i;
	int err;

	for (i = 0; i < sizeof(shared_maps) / sizeof(shared_maps[0]); i++) {
		struct bpf_map *src = bpf_object__find_map_by_name(from, shared_maps[i]);
		struct bpf_map *dst = bpf_object__find_map_by_name(to, shared_maps[i]);

		if (!src || !dst)
			return -ENOENT;
		err = bpf_map__reuse_fd(dst, bpf_map__fd(src));
		if (err)
			return err;
	}
	return 0;
}

/*
 * With a pin directory, the maps both programs share outlive the agent: libbpf
 * reuses what is pinned there (it must match, e.g. the same max_flows) or
 * creates and pins it.
 */
static int pin_maps(struct wire_xdp *skel, const char *dir)
{
	struct bpf_map *maps[] = { skel->maps.flows,	     skel->maps.counters,
				   skel->maps.flow_ids,	     skel->maps.events,
				   skel->maps.lat_sets,	     skel->maps.lat_hists,
				   skel->maps.lat_slots_used };
	char path[256];
	size_t i;
	int err;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(maps[i]));
		err = bpf_map__set_pin_path(maps[i], path);
		if (err)
			return err;
	}
	return 0;
}

struct bpf_object *wire_bpf_xdp_object_new(void *engine, void **owner)
{
	struct wire_bpf *w = engine;
	struct wire_xdp *skel = wire_xdp__open();
	int err;

	if (!skel)
		return NULL;
	SET_KNOBS(skel, &w->opts);
	err = share_maps(w->xdp->obj, skel->obj);
	if (err) {
		wire_xdp__destroy(skel);
		errno = -err;
		return NULL;
	}
	*owner = skel;
	return skel->obj;
}

void wire_bpf_xdp_object_free(void *owner)
{
	wire_xdp__destroy(owner);
}

/* The flow table's readers: iterator programs on the flows map, their links kept. */
static int dump_open(struct wire_bpf *w)
{
	union bpf_iter_link_info info = { .map.map_fd = wire_bpf_flows_fd(w) };
	LIBBPF_OPTS(bpf_iter_attach_opts, iter, .link_info = &info, .link_info_len = sizeof(info));
	int err;

	w->dump = flow_dump__open();
	if (!w->dump)
		return -errno;
	SET_KNOBS(w->dump, &w->opts);
	err = share_maps(w->xdp->obj, w->dump->obj);
	if (!err)
		err = flow_dump__load(w->dump);
	if (err) {
		log_msg(LOG_ERROR,
			"cannot load the flow table's reader (a bpf_map_elem iterator, Linux 5.9 "
			"and later): %s\n",
			strerror(-err));
		return err;
	}
	w->dump_link = bpf_program__attach_iter(w->dump->progs.flow_dump, &iter);
	if (!w->dump_link)
		return -errno;
	w->sweep_link = bpf_program__attach_iter(w->dump->progs.flow_sweep, &iter);
	return w->sweep_link ? 0 : -errno;
}

struct wire_backend *wire_bpf_open(const struct wire_options *o, wire_event_fn fn, void *ctx)
{
	struct wire_bpf *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return NULL;
	w->b.ops = &bpf_ops;
	w->b.on_event = fn;
	w->b.event_ctx = ctx;
	w->opts = *o;
	w->ncpus = libbpf_num_possible_cpus();
	if (w->ncpus < 0) {
		err = w->ncpus;
		goto cleanup;
	}

	w->xdp = wire_xdp__open();
	if (!w->xdp) {
		err = -errno;
		goto cleanup;
	}
	SET_KNOBS(w->xdp, o);
	bpf_map__set_max_entries(w->xdp->maps.flows, o->max_flows);
	bpf_map__set_max_entries(w->xdp->maps.events, o->ringbuf_bytes);
	bpf_map__set_max_entries(w->xdp->maps.lat_sets, o->max_lat_sets);
	bpf_map__set_max_entries(w->xdp->maps.lat_hists, o->max_lat_sets);
	if (o->pin_dir) {
		err = pin_maps(w->xdp, o->pin_dir);
		if (err)
			goto cleanup;
	}
	err = wire_xdp__load(w->xdp);
	if (err) {
		if (o->pin_dir)
			log_msg(LOG_ERROR,
				"the maps pinned in %s do not fit this configuration (another "
				"--max-flows or ring buffer size?): run `netobs-xdp detach` on the "
				"interfaces to start afresh\n",
				o->pin_dir);
		goto cleanup;
	}

	w->tc = wire_tc__open();
	if (!w->tc) {
		err = -errno;
		goto cleanup;
	}
	SET_KNOBS(w->tc, o);
	err = share_maps(w->xdp->obj, w->tc->obj);
	if (err)
		goto cleanup;
	err = wire_tc__load(w->tc);
	if (err)
		goto cleanup;

	err = dump_open(w);
	if (err)
		goto cleanup;

	w->rb = ring_buffer__new(bpf_map__fd(w->xdp->maps.events), rb_event, &w->b, NULL);
	if (!w->rb) {
		err = -errno;
		goto cleanup;
	}
	return &w->b;

cleanup:
	bpf_destroy(&w->b);
	errno = -err;
	return NULL;
}
