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
#include <systemd/sd-daemon.h>

#include "agent/agent.h"
#include "agent/iface_lock.h"
#include "agent/privilege.h"
#include "agent/records.h"
#include "export/listen.h"
#include "util/log.h"
#include "wire/sweep.h"
#include "wire/backend_bpf.h"

#define AGENT_TICK_NS 100000000ULL /* ring-buffer poll */
#define AGENT_SWEEP_NS 1000000000ULL
#define AGENT_WATCH_NS 2000000000ULL /* are our programs still attached? */

static volatile sig_atomic_t stop_signal, reload_signal;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_signal = 1;
	else
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
	records_flow_end(st, s, close_type);
	st->exp.ended_by_sweep += by_sweep;
	st->ended_generation++;
}

#define STATE_MAP_PATH AGENT_PIN_DIR "/ended_series"

/*
 * bpffs at /sys/fs/bpf, mounted if missing (as bpftool and Cilium do): libxdp's
 * dispatcher and --pin keep their objects there. 0, or -errno (said).
 */
static int bpffs_ensure(void)
{
	struct statfs fs;

	if (!statfs("/sys/fs/bpf", &fs) && fs.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700")) {
		int e = -errno;

		pr_warn("no bpffs at /sys/fs/bpf and mounting one failed (%s): --pin and "
			"libxdp's multiprog dispatcher need one (mount -t bpf bpf /sys/fs/bpf)\n",
			strerror(-e));
		return e;
	}
	pr_info("mounted bpffs at /sys/fs/bpf\n");
	return 0;
}

static int pin_dir(void)
{
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
	struct agent_state *st = ctx;

	count_end(st, &r->s, r->close_type, 1);
	return metrics_add_flow(&st->point, &r->s, r->close_type);
}

static int on_still_live(void *ctx, const struct flow_brief *b)
{
	struct agent_state *st = ctx;

	return metrics_add_brief(&st->point, b);
}

/*
 * Ends expired flows, and takes the rate window's point in the same walk: the
 * flows ended before it, those it ends, and those that stay.
 */
static int sweep(struct agent_state *st)
{
	struct sweep_stats seen;
	__u64 now = mono_ns();
	int n;

	pthread_mutex_lock(&st->exp.lock);
	n = metrics_copy(&st->point, &st->exp.ended);
	if (!n)
		n = wire_sweep_live(st->exp.engine, now, &st->opts->wire.timeouts, 0, on_swept, st,
				    on_still_live, &seen);
	if (n >= 0) {
		st->exp.flows_live = seen.flows;
		rate_window_push(&st->exp.rates, now / 1e9, &st->point);
	}
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
	records_l7(st, r);
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

/*
 * Every signal that would end the agent by default detaches first: SIGINT,
 * SIGTERM, SIGQUIT, and SIGUSR1/SIGUSR2 (which it has no use for); SIGHUP
 * reloads the config; SIGPIPE (a scraper gone) is no reason to stop.
 */
static void install_signals(void)
{
	static const int stops[] = { SIGINT, SIGTERM, SIGQUIT, SIGUSR1, SIGUSR2, SIGHUP };
	struct sigaction sa = { .sa_handler = on_signal };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		sigaction(stops[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void reload(struct agent_state *st)
{
	reload_signal = 0;
	if (!st->opts->reload) {
		pr_info("SIGHUP: no --config to reload; nothing changes\n");
		return;
	}
	if (st->opts->reload(st->opts->reload_ctx))
		pr_warn("SIGHUP: the config was not reloaded; the agent runs on as it was\n");
}

/* Our programs still attached, interfaces still there: what /healthz says. */
static void watch(struct agent_state *st)
{
	char why[160];
	int i, ok;

	for (i = 0; i < st->n_att; i++) {
		struct export_iface *x = &st->exp.ifaces[i];

		ok = iface_check(&st->att[i], why, sizeof(why));
		pthread_mutex_lock(&st->exp.lock);
		if (!ok && x->attached) {
			snprintf(x->why, sizeof(x->why), "%s", why);
			pr_err("%s: %s: no traffic is counted there any more (netobs_attached 0, "
			       "/healthz 503)\n",
			       x->name, why);
		}
		x->attached = ok;
		pthread_mutex_unlock(&st->exp.lock);
	}
}

/* An interface each: its lock file, so `detach` leaves a live agent's programs alone. */
static int lock_iface(struct agent_state *st, int i, const char *ifname)
{
	int holder = 0, fd = iface_lock(ifname, &holder);

	st->lock_fd[i] = -1;
	if (fd == -EBUSY) {
		pr_err("%s: another agent (pid %d) runs on it: stop that one first\n", ifname,
		       holder);
		return fd;
	}
	if (fd < 0)
		pr_warn("%s: no lock file in %s (%s): `netobs-xdp detach` will not know this "
			"agent runs\n",
			ifname, AGENT_RUN_DIR, strerror(-fd));
	st->lock_fd[i] = fd;
	return 0;
}

int agent_run(const struct agent_opts *o)
{
	static struct agent_state st; /* large (the interfaces' attach state): not on the stack */
	struct wire_options wo = o->wire;
	struct timespec tick = { 0, AGENT_TICK_NS };
	struct exporter *ex = NULL;
	struct attach_progs progs;
	struct privilege_opts priv = { .user = o->user, .no_seccomp = o->no_seccomp };
	struct wire_bpf *w;
	__u64 next_sweep = 0, next_watch = 0;
	uint64_t watchdog_us = 0;
	int i, rc = 1, err, listen_fd = -1, watchdog = 0;
	char why[256];

	memset(&st, 0, sizeof(st));
	st.opts = o;
	st.state_fd = -1;
	install_signals();
	if (export_state_init(&st.exp, o->max_label_sets)) {
		pr_err("out of memory\n");
		return 1;
	}
	if (metrics_init(&st.point, o->max_label_sets)) {
		pr_err("out of memory\n");
		export_state_free(&st.exp);
		return 1;
	}
	st.exp.ended.mirrors = &st.mirrors;
	st.exp.metrics_path = o->http.metrics_path;
	st.exp.sampling_pct = o->wire.sampling_pct;
	st.exp.sock_sample_pct = o->sock.sample_pct;
	st.exp.max_flows = o->wire.max_flows;
	err = bpffs_ensure();
	if (o->pin) {
		if (err || pin_dir() || state_open(&st))
			goto cleanup;
		wo.pin_dir = AGENT_PIN_DIR;
	}
	st.exp.engine = wire_bpf_open(&wo, on_event, &st);
	if (!st.exp.engine) {
		pr_err("cannot load the BPF programs: %s%s\n", strerror(errno),
		       errno == EPERM ? " (run as root, or with CAP_BPF, CAP_NET_ADMIN, "
					"CAP_PERFMON and CAP_SYS_ADMIN)"
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
		struct export_iface *x = &st.exp.ifaces[i];

		if (lock_iface(&st, i, o->ifaces[i]))
			goto cleanup;
		if (iface_attach(&st.att[i], o->ifaces[i], &progs, o->mode, o->pin)) {
			iface_unlock(st.lock_fd[i], o->ifaces[i]);
			goto cleanup;
		}
		if (o->vantage == VANTAGE_MIRROR)
			st.mirrors.ifindex[st.mirrors.n++] = st.att[i].ifindex;
		snprintf(x->name, sizeof(x->name), "%s", o->ifaces[i]);
		x->attached = 1;
		st.n_att = st.exp.n_ifaces = i + 1;
		priv.dispatcher |= st.att[i].dispatcher;
	}
	if (records_start(&st, mono_ns()))
		goto cleanup;
	socket_view_start(&st);
	if (stop_signal) {
		rc = 0; /* asked to stop while starting: a clean stop */
		goto cleanup;
	}
	listen_fd = listen_bind(o->listen, why, sizeof(why));
	if (listen_fd < 0) {
		pr_err("%s\n", why);
		goto cleanup;
	}
	priv.socket_view = st.exp.sv != NULL;
	if (privilege_drop(&priv))
		goto cleanup;
	ex = exporter_start(&o->http, listen_fd, &st.exp);
	if (!ex)
		goto cleanup;
	listen_fd = -1; /* the server's now */
	if (privilege_seccomp(&priv))
		goto cleanup;
	pr_info("serving %s://%s%s, /flows, /l7 and /healthz\n",
		o->http.web && o->http.web->tls ? "https" : "http", o->listen,
		o->http.metrics_path);
	/* systemd (Type=notify): ready once attached and serving; nothing without it. */
	sd_notifyf(0, "READY=1\nSTATUS=watching %d interface%s, serving %s", st.n_att,
		   st.n_att == 1 ? "" : "s", o->listen);
	watchdog = sd_watchdog_enabled(0, &watchdog_us) > 0;

	while (!stop_signal) {
		if (reload_signal)
			reload(&st);
		err = export_state_drain(&st.exp);
		if (!err)
			err = socket_view_poll(&st);
		if (!err && mono_ns() >= next_sweep) {
			err = sweep(&st);
			next_sweep = mono_ns() + AGENT_SWEEP_NS;
		}
		if (!err)
			err = records_interim(&st, mono_ns(), 0);
		if (!err && mono_ns() >= next_watch) {
			watch(&st);
			next_watch = mono_ns() + AGENT_WATCH_NS;
			if (watchdog) /* the loop runs: the watch period is far below any sane
					 WatchdogSec */
				sd_notify(0, "WATCHDOG=1");
		}
		if (err) {
			pr_err("agent loop: %s\n", strerror(-err));
			goto cleanup;
		}
		if (st.exp.sv)
			err = sock_view_wait(st.exp.sv, AGENT_TICK_NS / 1000000);
		else
			nanosleep(&tick, NULL);
		if (err && err != -EINTR) {
			pr_err("agent loop: %s\n", strerror(-err));
			goto cleanup;
		}
	}
	rc = 0;

cleanup:
	sd_notify(0, "STOPPING=1");
	exporter_stop(ex);
	if (listen_fd >= 0)
		close(listen_fd);
	records_stop(&st);
	sock_view_close(st.exp.sv);
	if (st.state_fd >= 0 && st.exp.engine) {
		export_state_drain(&st.exp);
		pthread_mutex_lock(&st.exp.lock);
		if (state_save(&st))
			pr_warn("--pin: saving the counters of ended flows: %s\n", strerror(errno));
		pthread_mutex_unlock(&st.exp.lock);
	}
	for (i = st.n_att - 1; i >= 0; i--) {
		iface_detach(&st.att[i]);
		iface_unlock(st.lock_fd[i], st.att[i].name);
	}
	if (st.state_fd >= 0)
		close(st.state_fd);
	wire_backend_destroy(st.exp.engine);
	export_state_free(&st.exp);
	metrics_free(&st.point);
	if (stop_signal && o->pin)
		pr_info("%s: programs and counters kept pinned in %s (netobs-xdp detach to "
			"remove them)\n",
			strsignal(stop_signal), AGENT_PIN_DIR);
	else if (stop_signal)
		pr_info("%s: detached from %d interface%s\n", strsignal(stop_signal), st.n_att,
			st.n_att == 1 ? "" : "s");
	return rc;
}
