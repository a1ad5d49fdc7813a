// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* netobs-xdp: command-line entry point. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/utsname.h>

#include <bpf/libbpf.h>

#include "agent/agent.h"
#include "agent/attach.h"
#include "agent/iface_lock.h"
#include "cli/config.h"
#include "export/exporter.h"
#include "export/listen.h"
#include "wire/inject.h"
#include "util/log.h"
#include "wire/replay.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: netobs-xdp [-v|-q] COMMAND ...\n"
		"\n"
		"commands (netobs-xdp COMMAND --help for each one's options):\n"
		"  attach IFACE...    watch interfaces (XDP ingress, TC egress) and serve metrics\n"
		"                     until SIGINT/SIGTERM, then detach\n"
		"  detach IFACE...    remove netobs-xdp's programs left on interfaces\n"
		"  status             list interfaces with netobs-xdp programs\n"
		"  replay CAPTURE     run a capture through the wire engine, or into an interface\n"
		"  version            the version, the commit and the libraries it was built with\n"
		"\n"
		"  -v  debug output (includes libbpf's)   -q  errors only   --version\n");
}

static void usage_attach(FILE *out)
{
	fprintf(
	    out,
	    "usage: netobs-xdp attach IFACE... [options]\n"
	    "  --config FILE          config.yaml; the flags below override it\n"
	    "  --check-config         read and check the config and flags, print the settings\n"
	    "                         in effect, and exit (nothing is loaded or attached)\n"
	    "  --mode native|generic|auto  XDP mode (default auto: native, else generic)\n"
	    "  --vantage endpoint|mirror   endpoint (default): the host's own traffic, XDP\n"
	    "                         ingress and TC egress; mirror: a SPAN/TAP port, both\n"
	    "                         directions on ingress, each flow counted under\n"
	    "                         role=\"client\" and role=\"server\" as its two endpoints\n"
	    "                         would count it\n"
	    "  --listen HOST:PORT     HTTP address for /metrics, /flows, /l7, /healthz (default\n"
	    "                         %s; also :PORT and [V6ADDR]:PORT)\n"
	    "  --web-config FILE      TLS and basic auth, in node_exporter's web-config format\n"
	    "                         (also http.web_config)\n"
	    "  --max-label-sets N     label sets (interface, server port, role) before new\n"
	    "                         server ports fold into \"other\" (default %d)\n"
	    "  --sampling-rate PCT    track PCT %% of flows (by 5-tuple hash; default 100)\n"
	    "  --max-flows N          flow table size (default %u)\n"
	    "  --timeout STATE=SEC    established, closing_rst, opening, closed_fin, udp\n"
	    "  --pin                  keep programs, maps and counters pinned in %s\n"
	    "                         when stopping; the next --pin agent takes over\n"
	    "  --no-socket-view       wire view only: no socket probes, L7 records or process\n"
	    "                         context\n"
	    "  --probes auto|tracepoint|kprobe  socket probe hooks (default auto: each probe's\n"
	    "                         tracepoint, else its kprobe)\n"
	    "  --snippet-bytes N      payload bytes of each call the L7 parsers read (16-%d,\n"
	    "                         default %d)\n"
	    "  --sql-literals         keep SQL literals (default: masked as ?)\n"
	    "  --keep-query           keep URL query values and userinfo (default: ?)\n"
	    "  --records-out TARGET   every flow end, interim flow record and L7 record as\n"
	    "                         NDJSON to unix:PATH, tcp://HOST:PORT or file:PATH\n"
	    "                         (also export.records)\n"
	    "  --user NAME            run as NAME once attached and bound\n"
	    "  --no-seccomp           no system-call allowlist once started\n",
	    AGENT_DEFAULT_LISTEN, DEFAULT_MAX_LABEL_SETS, WIRE_DEFAULT_MAX_FLOWS, AGENT_PIN_DIR,
	    L7_SNIPPET_MAX, L7_SNIPPET_DEFAULT);
}

static void usage_replay(FILE *out)
{
	fprintf(
	    out,
	    "usage: netobs-xdp replay [options] CAPTURE      (CAPTURE: a file, or - for stdin)\n"
	    "       netobs-xdp replay --iface IFACE [--speed X | --topspeed] CAPTURE\n"
	    "  --format table|json    a table (default) or NDJSON flow and L7 records\n"
	    "  --engine auto|bpf|user BPF programs via BPF_PROG_TEST_RUN (auto falls back to\n"
	    "                         the userspace build of the same engine)\n"
	    "  --no-l7                flows only: no L7 (HTTP, MySQL, PostgreSQL, Redis, DNS)\n"
	    "                         records\n"
	    "  --max-flows N          flow table size (default %u)\n"
	    "  --timeout STATE=SEC    established, closing_rst, opening, closed_fin, udp\n"
	    "  --sampling-rate PCT    track PCT %% of flows\n"
	    "  --snippet-bytes N      payload bytes of each segment the L7 parsers read\n"
	    "                         (16-%d, default %d)\n"
	    "  --sql-literals         keep SQL literals (default: masked as ?)\n"
	    "  --keep-query           keep URL query values and userinfo (default: ?)\n"
	    "  --iface IFACE          send the capture's frames out of IFACE instead, at its\n"
	    "                         own pace, --speed X times it, or --topspeed\n",
	    WIRE_DEFAULT_MAX_FLOWS, L7_SNIPPET_MAX, L7_SNIPPET_DEFAULT);
}

static void usage_detach(FILE *out)
{
	fprintf(out,
		"usage: netobs-xdp detach [--force] IFACE...\n"
		"  remove netobs-xdp's programs from the interfaces (and the pinned state,\n"
		"  once none are left); an interface a running agent owns only with --force\n");
}

static void usage_status(FILE *out)
{
	fprintf(out, "usage: netobs-xdp status\n"
		     "  list the interfaces netobs-xdp programs are attached to\n");
}

/* Version, commit and what it was built with; the kernel it runs on. */
static int cmd_version(void)
{
	struct utsname u;

	uname(&u);
	printf("netobs-xdp %s (commit %s)\nlibbpf %s, libxdp %s (built with), kernel %s\n",
	       NETOBS_VERSION, NETOBS_COMMIT, libbpf_version_string(), LIBXDP_VERSION, u.release);
	return 0;
}

/* One choice out of a list; the error names the flag and the allowed values. */
static int parse_choice(const char *flag, const char *val, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(val, names[i]))
			return i;
	fprintf(stderr, "netobs-xdp: %s: '%s' is not one of:", flag, val);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s %s", i ? "," : "", names[i]);
	fputc('\n', stderr);
	return -EINVAL;
}

static int parse_u64(const char *flag, const char *val, unsigned long long min,
		     unsigned long long max, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(val, &end, 10);
	if (errno || end == val || *end || *out < min || *out > max || val[0] == '-') {
		fprintf(stderr, "netobs-xdp: %s: '%s' is not a whole number from %llu to %llu\n",
			flag, val, min, max);
		return -EINVAL;
	}
	return 0;
}

/* Returns the index of the state set (in struct wire_timeouts order), or -EINVAL. */
static int parse_timeout(const char *val, struct wire_timeouts *t)
{
	static const char *const names[] = { "established", "closing_rst", "opening", "closed_fin",
					     "udp" };
	__u64 *slots[] = { &t->established_ns, &t->closing_rst_ns, &t->opening_ns,
			   &t->closed_fin_ns, &t->udp_ns };
	const char *eq = strchr(val, '=');
	unsigned long long sec;
	char state[32];
	int i;

	if (!eq || eq - val >= (long)sizeof(state)) {
		fprintf(stderr, "netobs-xdp: --timeout: '%s' is not STATE=SECONDS\n", val);
		return -EINVAL;
	}
	memcpy(state, val, eq - val);
	state[eq - val] = 0;
	i = parse_choice("--timeout", state, names, 5);
	if (i < 0 || parse_u64("--timeout", eq + 1, 1, 86400 * 7, &sec))
		return -EINVAL;
	*slots[i] = sec * NS_PER_SEC;
	return i; /* which state */
}

/* Engine flags both replay and attach take; given ones override what was set before. */
/* clang-format off */
#define ENGINE_OPTIONS							\
	{ "max-flows", required_argument, NULL, 'm' },			\
	{ "sampling-rate", required_argument, NULL, 'S' },		\
	{ "timeout", required_argument, NULL, 't' }
/* clang-format on */

/* L7 flags both replay and attach take. */
/* clang-format off */
#define L7_OPTIONS							\
	{ "sql-literals", no_argument, NULL, 'L' },			\
	{ "keep-query", no_argument, NULL, 'K' },			\
	{ "snippet-bytes", required_argument, NULL, 'B' }
/* clang-format on */

/* 1 if @c was an L7 flag (applied to @o), 0 if not, -1 if its value is bad. */
static int parse_l7_flag(int c, const char *arg, struct l7_options *o)
{
	unsigned long long v;

	switch (c) {
	case 'L':
		o->show_sql_literals = 1;
		return 1;
	case 'K':
		o->keep_query = 1;
		return 1;
	case 'B':
		if (parse_u64("--snippet-bytes", arg, 16, L7_SNIPPET_MAX, &v))
			return -1;
		o->snippet_bytes = v;
		return 1;
	default:
		return 0;
	}
}

struct engine_flags {
	int flows_set, sampling_set;
	unsigned int t_set; /* bit i: timeout state i was given */
	unsigned long long max_flows, sampling;
	struct wire_timeouts t;
};

/* 1 if @c was an engine flag (parsed into @f), 0 if not, -1 if its value is bad. */
static int parse_engine_flag(int c, const char *arg, struct engine_flags *f)
{
	int i;

	switch (c) {
	case 'm':
		if (parse_u64("--max-flows", arg, 1, 1 << 24, &f->max_flows))
			return -1;
		f->flows_set = 1;
		return 1;
	case 'S':
		if (parse_u64("--sampling-rate", arg, 1, 100, &f->sampling))
			return -1;
		f->sampling_set = 1;
		return 1;
	case 't':
		if ((i = parse_timeout(arg, &f->t)) < 0)
			return -1;
		f->t_set |= 1U << i;
		return 1;
	default:
		return 0;
	}
}

/* The flags replay and attach share (ENGINE_OPTIONS, L7_OPTIONS): 1 taken, 0 not, -1 bad. */
static int parse_shared_flag(int c, const char *arg, struct engine_flags *ef, struct l7_options *l7)
{
	int i = parse_engine_flag(c, arg, ef);

	return i ? i : parse_l7_flag(c, arg, l7);
}

static void apply_engine_flags(const struct engine_flags *f, __u32 *max_flows, __u32 *sampling,
			       struct wire_timeouts *t)
{
	unsigned int i;

	if (f->flows_set)
		*max_flows = f->max_flows;
	if (f->sampling_set)
		*sampling = f->sampling;
	for (i = 0; i < sizeof(*t) / sizeof(__u64); i++)
		if (f->t_set & (1U << i))
			((__u64 *)t)[i] = ((const __u64 *)&f->t)[i];
}

static int cmd_replay(int argc, char **argv)
{
	int rc;
	static const char *const formats[] = { "table", "json" };
	static const char *const engines[] = { "auto", "bpf", "user" };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "engine", required_argument, NULL, 'e' },
		{ "no-l7", no_argument, NULL, 'N' },
		ENGINE_OPTIONS,
		L7_OPTIONS,
		{ "iface", required_argument, NULL, 'i' },
		{ "speed", required_argument, NULL, 's' },
		{ "topspeed", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct replay_opts o = { .out = stdout };
	struct inject_opts inj = { .speed = 1.0 };
	struct engine_flags ef = { 0 };
	int pacing = 0;
	char *end;
	int c, i;

	wire_options_default(&o.wire);
	l7_options_default(&o.l7);
	o.wire.replay_clock = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		i = parse_shared_flag(c, optarg, &ef, &o.l7);
		if (i < 0)
			return 2;
		if (i)
			continue;
		switch (c) {
		case 'N':
			o.no_l7 = 1;
			break;
		case 'f':
			if ((i = parse_choice("--format", optarg, formats, 2)) < 0)
				return 2;
			o.format = i;
			break;
		case 'e':
			if ((i = parse_choice("--engine", optarg, engines, 3)) < 0)
				return 2;
			o.engine = i;
			break;
		case 'i':
			inj.iface = optarg;
			break;
		case 's':
			errno = 0;
			inj.speed = strtod(optarg, &end);
			if (errno || *end || end == optarg ||
			    !(inj.speed > 0 && inj.speed <= 1e6)) {
				fprintf(stderr,
					"netobs-xdp: --speed: '%s' is not a factor above 0 "
					"(1 = the capture's own timing)\n",
					optarg);
				return 2;
			}
			pacing++;
			break;
		case 'T':
			inj.speed = 0;
			pacing++;
			break;
		case 'h':
			usage_replay(stdout);
			return 0;
		default:
			usage_replay(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "netobs-xdp: replay: expected one CAPTURE file, got %d\n",
			argc - optind);
		return 2;
	}
	if (pacing > 1 || (pacing && !inj.iface)) {
		fprintf(stderr, "netobs-xdp: replay: --speed and --topspeed go with --iface, "
				"one of them at a time\n");
		return 2;
	}
	apply_engine_flags(&ef, &o.wire.max_flows, &o.wire.sampling_pct, &o.wire.timeouts);
	o.path = argv[optind];
	if (inj.iface) {
		inj.path = o.path;
		return inject_run(&inj) ? 1 : 0;
	}
	rc = replay_run(&o);
	if (rc == -EINTR)
		return 128 + replay_stop_signal(); /* as a shell reports a signal */
	return rc ? 1 : 0;
}

/* SIGHUP: what the running agent can take from its config file. */
struct reload_ctx {
	const char *path;
	struct netobs_config running;
};

static int reload_config(void *arg)
{
	struct reload_ctx *r = arg;
	struct netobs_config now;
	char err[512];
	int other;

	config_defaults(&now);
	if (config_load(r->path, &now, err, sizeof(err))) {
		pr_err("SIGHUP: %s\n", err);
		return -EINVAL;
	}
	log_set_level(now.log_level);
	log_set_json(now.log_json);
	/* The log settings are applied; everything else is in the loaded programs. */
	now.log_level = r->running.log_level;
	now.log_json = r->running.log_json;
	other = memcmp(&now, &r->running, sizeof(now)) != 0;
	pr_info("SIGHUP: %s reloaded: log.level and log.format applied%s\n", r->path,
		other ? "; the other settings that changed take a restart (the programs, maps "
			"and server run as they were set up)"
		      : "");
	return 0;
}

static int cmd_attach(int argc, char **argv)
{
	static const char *const modes[] = { "auto", "native", "generic" };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "pin", no_argument, NULL, 'P' },
		{ "mode", required_argument, NULL, 'M' },
		{ "vantage", required_argument, NULL, 'V' },
		{ "listen", required_argument, NULL, 'l' },
		{ "max-label-sets", required_argument, NULL, 'x' },
		{ "no-socket-view", no_argument, NULL, 'N' },
		{ "probes", required_argument, NULL, 'p' },
		{ "web-config", required_argument, NULL, 'W' },
		{ "user", required_argument, NULL, 'U' },
		{ "no-seccomp", no_argument, NULL, 'Z' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "records-out", required_argument, NULL, 'R' },
		ENGINE_OPTIONS,
		L7_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	/* Flags win over the file: remember them, apply them after it. */
	static const char *const probe_modes[] = { "auto", "tracepoint", "kprobe" };
	static const char *const vantages[] = { "endpoint", "mirror" };
	struct {
		int mode, label_sets, no_socket_view, probes, vantage;
		unsigned long long label_sets_v;
		const char *listen, *web_config, *records;
		struct l7_options l7; /* snippet_bytes 0 and show_sql_literals 0: not given */
	} flag = { .mode = -1, .probes = -1, .vantage = -1 };
	struct engine_flags ef = { 0 };
	static struct netobs_config cfg;
	static struct reload_ctx reload_ctx;
	static struct web_config web;
	const char *config_path = NULL;
	struct agent_opts o = { 0 };
	struct sockaddr_storage ss;
	socklen_t sl;
	char err[512];
	int c, i, check_only = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		i = parse_shared_flag(c, optarg, &ef, &flag.l7);
		if (i < 0)
			return 2;
		if (i)
			continue;
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'N':
			flag.no_socket_view = 1;
			break;
		case 'p':
			if ((flag.probes = parse_choice("--probes", optarg, probe_modes, 3)) < 0)
				return 2;
			break;
		case 'P':
			o.pin = 1;
			break;
		case 'M':
			if ((flag.mode = parse_choice("--mode", optarg, modes, 3)) < 0)
				return 2;
			break;
		case 'V':
			if ((flag.vantage = parse_choice("--vantage", optarg, vantages, 2)) < 0)
				return 2;
			break;
		case 'l':
			flag.listen = optarg;
			break;
		case 'W':
			flag.web_config = optarg;
			break;
		case 'U':
			o.user = optarg;
			break;
		case 'Z':
			o.no_seccomp = 1;
			break;
		case 'x':
			if (parse_u64("--max-label-sets", optarg, 1, 100000, &flag.label_sets_v))
				return 2;
			flag.label_sets = 1;
			break;
		case 'C':
			check_only = 1;
			break;
		case 'R':
			flag.records = optarg;
			break;
		case 'h':
			usage_attach(stdout);
			return 0;
		default:
			usage_attach(stderr);
			return 2;
		}
	}
	if (optind >= argc && !check_only) {
		fprintf(stderr, "netobs-xdp: attach: name at least one interface\n");
		return 2;
	}
	if (argc - optind > AGENT_MAX_IFACES) {
		fprintf(stderr, "netobs-xdp: attach: at most %d interfaces\n", AGENT_MAX_IFACES);
		return 2;
	}
	config_defaults(&cfg);
	if (config_path && config_load(config_path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "netobs-xdp: --config: %s\n", err);
		return 2;
	}
	if (flag.mode >= 0)
		cfg.mode = flag.mode;
	if (flag.vantage >= 0)
		cfg.vantage = flag.vantage;
	if (flag.listen)
		snprintf(cfg.listen, sizeof(cfg.listen), "%s", flag.listen);
	if (flag.label_sets)
		cfg.max_label_sets = flag.label_sets_v;
	if (flag.no_socket_view)
		cfg.socket_view = 0;
	if (flag.probes >= 0)
		cfg.probe_mode = flag.probes;
	if (flag.l7.snippet_bytes)
		cfg.snippet_bytes = flag.l7.snippet_bytes;
	if (flag.l7.show_sql_literals)
		cfg.show_sql_literals = 1;
	if (flag.l7.keep_query)
		cfg.keep_query = 1;
	if (flag.web_config)
		snprintf(cfg.web_config, sizeof(cfg.web_config), "%s", flag.web_config);
	if (flag.records) {
		struct record_target t;

		if (strlen(flag.records) >= sizeof(cfg.records) ||
		    record_target_parse(flag.records, &t)) {
			fprintf(stderr, "netobs-xdp: --records-out: '%s' is not %s\n", flag.records,
				RECORD_TARGET_ALLOWED);
			return 2;
		}
		snprintf(cfg.records, sizeof(cfg.records), "%s", flag.records);
	}
	apply_engine_flags(&ef, &cfg.max_flows, &cfg.sampling_pct, &cfg.timeouts);
	if (listen_parse(cfg.listen, &ss, &sl, err, sizeof(err))) {
		fprintf(stderr, "netobs-xdp: %s\n", err);
		return 2;
	}
	if (cfg.web_config[0] && web_config_load(cfg.web_config, &web, err, sizeof(err))) {
		fprintf(stderr, "netobs-xdp: --web-config: %s\n", err);
		return 2;
	}
	if (log_get_level() != LOG_DEBUG && log_get_level() != LOG_ERROR)
		log_set_level(cfg.log_level); /* -v and -q win over the file */
	log_set_json(cfg.log_json);
	if (check_only) {
		/* Every check a start makes before it touches the kernel has passed. */
		printf("# netobs-xdp attach --check-config: the settings in effect (%s%s)\n",
		       config_path ? "flags over " : "defaults and flags",
		       config_path ? config_path : "");
		config_print(stdout, &cfg);
		web_config_free(&web);
		return 0;
	}

	wire_options_default(&o.wire);
	o.mode = cfg.mode;
	o.vantage = cfg.vantage;
	o.listen = cfg.listen;
	http_opts_default(&o.http);
	o.http.metrics_path = cfg.metrics_path;
	o.http.max_connections = cfg.max_connections;
	o.http.max_per_ip = cfg.max_per_ip;
	o.http.idle_timeout_s = cfg.idle_timeout_s;
	o.http.flows = cfg.endpoint_flows;
	o.http.l7 = cfg.endpoint_l7;
	o.http.web = cfg.web_config[0] ? &web : NULL;
	if (config_path) {
		reload_ctx.path = config_path;
		reload_ctx.running = cfg;
		o.reload = reload_config;
		o.reload_ctx = &reload_ctx;
	}
	o.max_label_sets = cfg.max_label_sets;
	o.wire.max_flows = cfg.max_flows;
	o.wire.max_lat_sets = LABEL_SETS_ROOM(cfg.max_label_sets);
	o.wire.ringbuf_bytes = cfg.ringbuf_bytes;
	o.wire.sampling_pct = cfg.sampling_pct;
	o.wire.timeouts = cfg.timeouts;
	o.socket_view = cfg.socket_view;
	if (cfg.records[0]) {
		o.records_on = 1;
		record_stream_opts_default(&o.records);
		record_target_parse(cfg.records, &o.records.target); /* checked above */
		o.records.queue_lines = cfg.records_queue;
		o.records.rotate_bytes = (__u64)cfg.records_rotate_mb << 20;
		o.active_timeout_s = cfg.active_timeout_s;
	}
	sock_view_opts_default(&o.sock);
	o.sock.mode = cfg.probe_mode;
	o.sock.bundle_roots = cfg.bundle_roots;
	o.sock.ringbuf_bytes = cfg.sock_ringbuf_bytes;
	o.sock.sample_pct = cfg.sock_sample_pct;
	o.sock.l7.snippet_bytes = cfg.snippet_bytes;
	o.sock.l7.show_sql_literals = cfg.show_sql_literals;
	o.sock.l7.keep_query = cfg.keep_query;
	o.sock.self_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
							  : ((struct sockaddr_in *)&ss)->sin_port);
	o.ifaces = argv + optind;
	o.n_ifaces = argc - optind;
	c = agent_run(&o) ? 1 : 0;
	web_config_free(&web);
	return c;
}

static int cmd_detach(int argc, char **argv)
{
	int i, n, rc = 0, force = 0, first = 1, holder;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage_detach(stdout);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--force")) {
		force = 1;
		first = 2;
	}
	if (argc <= first) {
		fprintf(stderr, "netobs-xdp: detach: name at least one interface\n");
		return 2;
	}
	for (i = first; i < argc; i++) {
		holder = iface_lock_holder(argv[i]);
		if (holder && !force) {
			fprintf(stderr,
				"netobs-xdp: detach: %s: a running agent (pid %d) owns it: stop "
				"that agent (SIGTERM detaches), or detach --force %s\n",
				argv[i], holder, argv[i]);
			rc = 1;
			continue;
		}
		n = iface_detach_by_name(argv[i]);
		if (n < 0)
			rc = 1;
		else
			printf("%s: %s\n", argv[i],
			       n ? "netobs-xdp programs removed" : "no netobs-xdp programs");
	}
	/* Pinned maps and counters go once no interface runs our programs. */
	if (!rc && iface_status(NULL) == 0 && (n = agent_unpin()))
		fprintf(stderr, "netobs-xdp: detach: removing %s: %s\n", AGENT_PIN_DIR,
			strerror(-n));
	return rc;
}

static int cmd_status(void)
{
	int n = iface_status(stdout);

	if (n < 0) {
		fprintf(stderr, "netobs-xdp: status: %s\n", strerror(-n));
		return 1;
	}
	if (!n)
		printf("netobs-xdp is not attached to any interface\n");
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v")) {
			log_set_level(LOG_DEBUG);
		} else if (!strcmp(argv[i], "-q")) {
			log_set_level(LOG_ERROR);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			return cmd_version();
		} else {
			fprintf(stderr, "netobs-xdp: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	log_route_libbpf();
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[i], "replay"))
		return cmd_replay(argc - i, argv + i);
	if (!strcmp(argv[i], "attach"))
		return cmd_attach(argc - i, argv + i);
	if (!strcmp(argv[i], "detach"))
		return cmd_detach(argc - i, argv + i);
	if (!strcmp(argv[i], "status")) {
		if (argc - i > 1 &&
		    (!strcmp(argv[i + 1], "-h") || !strcmp(argv[i + 1], "--help"))) {
			usage_status(stdout);
			return 0;
		}
		return cmd_status();
	}
	if (!strcmp(argv[i], "version"))
		return cmd_version();
	fprintf(stderr,
		"netobs-xdp: unknown command '%s' (commands: attach, detach, status, replay, "
		"version)\n",
		argv[i]);
	return 2;
}
