// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/magic.h>

#include "agent/agent.h"
#include "util/log.h"
#include "wire/sweep.h"
#include "wire/backend_bpf.h"

#define AGENT_TICK_NS 100000000ULL /* ring-buffer poll */
#define AGENT_SWEEP_NS 1000000000ULL

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	/* The clock bpf_ktime_get_ns() reads. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Called with st->exp.lock held (events are drained, and sweeps run, under it). */
static void count_end(struct agent_state *st, const struct flow_stats *s, int close_type,
		      int by_sweep)
{
	metrics_add_flow(&st->exp.ended, s, close_type);
	st->exp.ended_by_sweep += by_sweep;
	st->ended_generation++;
}

#define STATE_MAP_PATH AGENT_PIN_DIR "/ended_series"

/* bpffs at /sys/fs/bpf (mounted if missing) and our directory in it. */
static int pin_prepare(void)
{
	struct statfs fs;

	if (statfs("/sys/fs/bpf", &fs) || fs.f_type != BPF_FS_MAGIC) {
		if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700")) {
			pr_err("--pin: no bpffs at /sys/fs/bpf and mounting one failed (%s): "
			       "mount -t bpf bpf /sys/fs/bpf\n",
			       strerror(errno));
			return -errno;
		}
		pr_info("--pin: mounted bpffs at /sys/fs/bpf\n");
	}
	if (mkdir(AGENT_PIN_DIR, 0700) && errno != EEXIST) {
		pr_err("--pin: %s: %s\n", AGENT_PIN_DIR, strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * Counters of ended flows live in the agent; with --pin they are kept in a
 * pinned array map (bpffs holds no plain files), one label set per entry.
 */
static int state_open(struct agent_state *st)
{
	__u32 slots = metrics_slots(&st->exp.ended), i;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	struct series s;
	int fd, restored = 0;

	fd = bpf_obj_get(STATE_MAP_PATH);
	if (fd >= 0 && (bpf_obj_get_info_by_fd(fd, &info, &len) ||
			info.value_size != sizeof(struct series) || info.max_entries != slots)) {
		pr_warn("--pin: saved counters were kept for another --max-label-sets or "
			"version: starting them afresh\n");
		close(fd);
		unlink(STATE_MAP_PATH);
		fd = -1;
	}
	if (fd < 0) {
		fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "netobs_state", sizeof(__u32),
				    sizeof(struct series), slots, NULL);
		if (fd < 0 || bpf_obj_pin(fd, STATE_MAP_PATH)) {
			pr_err("--pin: cannot keep the counters in %s: %s\n", STATE_MAP_PATH,
			       strerror(errno));
			if (fd >= 0)
				close(fd);
			return -errno;
		}
	}
	for (i = 0; i < slots; i++) {
		if (bpf_map_lookup_elem(fd, &i, &s) || !s.flows)
			continue;
		metrics_restore(&st->exp.ended, &s);
		restored++;
	}
	if (restored)
		pr_info("--pin: counters of ended flows restored (%d label sets)\n", restored);
	st->state_fd = fd;
	return 0;
}

/* Called with st->exp.lock held. */
static int state_save(struct agent_state *st)
{
	__u32 i;

	if (st->state_fd < 0 || st->saved_generation == st->ended_generation)
		return 0;
	for (i = 0; i < st->exp.ended.n; i++)
		if (bpf_map_update_elem(st->state_fd, &i, &st->exp.ended.s[i], BPF_ANY))
			return -errno;
	st->saved_generation = st->ended_generation;
	return 0;
}

int agent_unpin(void)
{
	struct dirent *d;
	char path[512];
	DIR *dir = opendir(AGENT_PIN_DIR);

	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", AGENT_PIN_DIR, d->d_name);
			unlink(path);
		}
	closedir(dir);
	return rmdir(AGENT_PIN_DIR) ? -errno : 0;
}

static int on_event(void *ctx, const void *data, size_t len)
{
	const struct flow_event *ev = data;

	if (len >= sizeof(*ev) && ev->type == EV_FLOW_END)
		count_end(ctx, &ev->s, ev->detail, 0);
	return 0;
}

static int on_swept(void *ctx, const struct flow_record *r)
{
	count_end(ctx, &r->s, r->close_type, 1);
	return 0;
}

static int sweep(struct agent_state *st)
{
	struct sweep_stats seen;
	int n;

	pthread_mutex_lock(&st->exp.lock);
	n = wire_sweep(st->exp.engine, mono_ns(), &st->opts->wire.timeouts, 0, on_swept, st, &seen);
	if (n >= 0)
		st->exp.flows_live = seen.flows;
	if (n >= 0)
		n = state_save(st);
	pthread_mutex_unlock(&st->exp.lock);
	return n < 0 ? n : 0;
}

/* Socket-view callbacks: run from sock_view_poll(), under st->exp.lock. */
static void on_l7(void *ctx, const struct l7_record *r)
{
	struct agent_state *st = ctx;

	l7_sink_add(&st->exp.l7, r);
}

static void on_srt(void *ctx, const struct proc_ctx *p, int protocol, __u64 ns)
{
	struct agent_state *st = ctx;

	l7_sink_srt(&st->exp.l7, p, protocol, ns);
}

/* The socket view is an addition: without it the wire view still runs, and says so. */
static void socket_view_start(struct agent_state *st)
{
	struct sock_view_sink sink = { .l7 = on_l7, .srt = on_srt, .ctx = st };

	if (!st->opts->socket_view)
		return;
	st->exp.sv = sock_view_open(&st->opts->sock, &sink);
	if (!st->exp.sv)
		pr_warn("socket view off (%s): no L7 records or process context, the wire view "
			"runs\n",
			strerror(errno));
}

static int socket_view_poll(struct agent_state *st)
{
	int err;

	if (!st->exp.sv)
		return 0;
	pthread_mutex_lock(&st->exp.lock);
	err = sock_view_poll(st->exp.sv);
	pthread_mutex_unlock(&st->exp.lock);
	return err;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int agent_run(const struct agent_opts *o)
{
	struct iface_attach att[AGENT_MAX_IFACES];
	struct agent_state st = { .opts = o, .state_fd = -1 };
	struct wire_options wo = o->wire;
	struct timespec tick = { 0, AGENT_TICK_NS };
	struct exporter *ex = NULL;
	struct attach_progs progs;
	struct wire_bpf *w;
	__u64 next_sweep = 0;
	int i, n = 0, rc = 1, err;

	install_signals();
	if (export_state_init(&st.exp, o->max_label_sets)) {
		pr_err("out of memory\n");
		return 1;
	}
	st.exp.ended.mirrors = &st.mirrors;
	st.exp.metrics_path = o->metrics_path;
	st.exp.sampling_pct = o->wire.sampling_pct;
	st.exp.max_flows = o->wire.max_flows;
	if (o->pin) {
		if (pin_prepare() || state_open(&st))
			goto cleanup;
		wo.pin_dir = AGENT_PIN_DIR;
	}
	st.exp.engine = wire_bpf_open(&wo, on_event, &st);
	if (!st.exp.engine) {
		pr_err("cannot load the BPF programs: %s%s\n", strerror(errno),
		       errno == EPERM ? " (run as root, or with CAP_BPF, CAP_NET_ADMIN and "
					"CAP_PERFMON)"
				      : "");
		goto cleanup;
	}
	w = (struct wire_bpf *)st.exp.engine;
	progs = (struct attach_progs){
		.xdp_fd = wire_bpf_xdp_prog_fd(w),
		.tc_fd = o->vantage == VANTAGE_MIRROR ? -1 : wire_bpf_tc_prog_fd(w),
		.xdp_object_new = wire_bpf_xdp_object_new,
		.xdp_object_free = wire_bpf_xdp_object_free,
		.engine = w,
	};
	for (i = 0; i < o->n_ifaces && !stop_signal; i++) {
		if (iface_attach(&att[n], o->ifaces[i], &progs, o->mode, o->pin))
			goto cleanup;
		if (o->vantage == VANTAGE_MIRROR)
			st.mirrors.ifindex[st.mirrors.n++] = att[n].ifindex;
		n++;
	}
	socket_view_start(&st);
	if (stop_signal) {
		rc = 0; /* asked to stop while starting: a clean stop */
		goto cleanup;
	}
	ex = exporter_start(o->listen, &st.exp);
	if (!ex)
		goto cleanup;
	pr_info("serving http://%s%s, /flows and /healthz\n", o->listen, o->metrics_path);

	while (!stop_signal) {
		err = export_state_drain(&st.exp);
		if (!err)
			err = socket_view_poll(&st);
		if (!err && mono_ns() >= next_sweep) {
			err = sweep(&st);
			next_sweep = mono_ns() + AGENT_SWEEP_NS;
		}
		if (err) {
			pr_err("agent loop: %s\n", strerror(-err));
			goto cleanup;
		}
		if (st.exp.sv)
			err = sock_view_wait(st.exp.sv, AGENT_TICK_NS / 1000000);
		else
			nanosleep(&tick, NULL);
		if (err) {
			pr_err("agent loop: %s\n", strerror(-err));
			goto cleanup;
		}
	}
	rc = 0;

cleanup:
	exporter_stop(ex);
	sock_view_close(st.exp.sv);
	if (st.state_fd >= 0 && st.exp.engine) {
		export_state_drain(&st.exp);
		pthread_mutex_lock(&st.exp.lock);
		if (state_save(&st))
			pr_warn("--pin: saving the counters of ended flows: %s\n", strerror(errno));
		pthread_mutex_unlock(&st.exp.lock);
	}
	for (i = n - 1; i >= 0; i--)
		iface_detach(&att[i]);
	if (st.state_fd >= 0)
		close(st.state_fd);
	wire_backend_destroy(st.exp.engine);
	export_state_free(&st.exp);
	if (stop_signal && o->pin)
		pr_info("%s: programs and counters kept pinned in %s (netobs-xdp detach to "
			"remove them)\n",
			strsignal(stop_signal), AGENT_PIN_DIR);
	else if (stop_signal)
		pr_info("%s: detached from %d interface%s\n", strsignal(stop_signal), n,
			n == 1 ? "" : "s");
	return rc;
}
