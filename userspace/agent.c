// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "exporter.h"
#include "log.h"
#include "sweep.h"
#include "wire_bpf.h"

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

/* Called with st->lock held (events are drained, and sweeps run, under it). */
static void count_end(struct agent_state *st, const struct flow_stats *s, int close_type,
		      int by_sweep)
{
	metrics_add_flow(&st->ended, s, close_type);
	st->ended_by_sweep += by_sweep;
}

static int on_event(void *ctx, const void *data, size_t len)
{
	const struct flow_event *ev = data;

	if (len >= sizeof(*ev) && ev->type == EV_FLOW_END)
		count_end(ctx, &ev->s, ev->detail, 0);
	return 0;
}

int agent_drain_events(struct agent_state *st)
{
	int err;

	pthread_mutex_lock(&st->lock);
	err = st->engine->ops->poll(st->engine);
	pthread_mutex_unlock(&st->lock);
	return err;
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

	pthread_mutex_lock(&st->lock);
	n = wire_sweep(st->engine, mono_ns(), &st->opts->wire.timeouts, 0, on_swept, st, &seen);
	if (n >= 0)
		st->flows_live = seen.flows;
	pthread_mutex_unlock(&st->lock);
	return n < 0 ? n : 0;
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
	struct agent_state st = { .opts = o };
	struct timespec tick = { 0, AGENT_TICK_NS };
	struct exporter *ex = NULL;
	struct wire_bpf *w;
	__u64 next_sweep = 0;
	int i, n = 0, rc = 1, err;

	pthread_mutex_init(&st.lock, NULL);
	install_signals();
	if (metrics_init(&st.ended, o->max_label_sets) ||
	    metrics_init(&st.last_scrape, o->max_label_sets)) {
		pr_err("out of memory\n");
		goto cleanup;
	}
	st.engine = wire_bpf_open(&o->wire, on_event, &st);
	if (!st.engine) {
		pr_err("cannot load the BPF programs: %s%s\n", strerror(errno),
		       errno == EPERM ? " (run as root, or with CAP_BPF, CAP_NET_ADMIN and "
					"CAP_PERFMON)"
				      : "");
		goto cleanup;
	}
	w = (struct wire_bpf *)st.engine;
	for (i = 0; i < o->n_ifaces && !stop_signal; i++) {
		if (iface_attach(&att[n], o->ifaces[i], wire_bpf_xdp_prog_fd(w),
				 wire_bpf_tc_prog_fd(w), o->mode))
			goto cleanup;
		n++;
	}
	if (stop_signal) {
		rc = 0; /* asked to stop while starting: a clean stop */
		goto cleanup;
	}
	ex = exporter_start(o->listen, &st);
	if (!ex)
		goto cleanup;
	pr_info("serving http://%s%s, /flows and /healthz\n", o->listen, o->metrics_path);

	while (!stop_signal) {
		err = agent_drain_events(&st);
		if (!err && mono_ns() >= next_sweep) {
			err = sweep(&st);
			next_sweep = mono_ns() + AGENT_SWEEP_NS;
		}
		if (err) {
			pr_err("agent loop: %s\n", strerror(-err));
			goto cleanup;
		}
		nanosleep(&tick, NULL);
	}
	rc = 0;

cleanup:
	exporter_stop(ex);
	for (i = n - 1; i >= 0; i--)
		iface_detach(&att[i]);
	wire_backend_destroy(st.engine);
	metrics_free(&st.ended);
	metrics_free(&st.last_scrape);
	pthread_mutex_destroy(&st.lock);
	if (stop_signal)
		pr_info("%s: detached from %d interface%s\n", strsignal(stop_signal), n,
			n == 1 ? "" : "s");
	return rc;
}
