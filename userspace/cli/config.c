// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "cli/config.h"
#include "export/exporter.h"
#include "export/record_stream.h"
#include "util/yaml_load.h"
#include "socket/sock_view.h"

#define AGENT_DEFAULT_LISTEN_ "127.0.0.1:9435"

void config_defaults(struct netobs_config *c)
{
	struct wire_timeouts t = WIRE_DEFAULT_TIMEOUTS;

	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "%s", AGENT_DEFAULT_LISTEN_);
	snprintf(c->metrics_path, sizeof(c->metrics_path), "/metrics");
	c->max_connections = HTTP_DEFAULT_MAX_CONNECTIONS;
	c->max_per_ip = HTTP_DEFAULT_MAX_PER_IP;
	c->idle_timeout_s = HTTP_DEFAULT_IDLE_TIMEOUT;
	c->ringbuf_bytes = 1 << 22;
	c->max_flows = WIRE_DEFAULT_MAX_FLOWS;
	c->sampling_pct = 100;
	c->mode = ATTACH_AUTO;
	c->log_level = LOG_INFO;
	c->timeouts = t;
	c->max_label_sets = DEFAULT_MAX_LABEL_SETS;
	c->socket_view = 1;
	c->probe_mode = PROBE_AUTO;
	snprintf(c->bundle_roots, sizeof(c->bundle_roots), "%s", SOCK_DEFAULT_BUNDLE_ROOTS);
	c->snippet_bytes = L7_SNIPPET_DEFAULT;
	c->sock_ringbuf_bytes = SOCK_DEFAULT_RINGBUF;
	c->sock_sample_pct = 100;
	c->records_queue = RECORD_QUEUE_DEFAULT;
	c->records_rotate_mb = RECORD_ROTATE_DEFAULT >> 20;
	c->active_timeout_s = 60;
}

enum kind { K_MAP, K_STR, K_OPTSTR, K_PATH, K_U32, K_POW2, K_SECONDS, K_CHOICE };

struct key_spec {
	const char *path; /* dotted, from the top */
	enum kind kind;
	size_t off; /* into struct netobs_config */
	unsigned long long min, max;
	const char *const *choices; /* K_CHOICE: value i stored as int i */
	const char *allowed;	    /* said in errors */
};

static const char *const log_levels[] = { "error", "warn", "info", "debug", NULL };
static const char *const log_formats[] = { "text", "json", NULL };
static const char *const modes[] = { "auto", "native", "generic", NULL };
static const char *const vantages[] = { "endpoint", "mirror", NULL };
static const char *const booleans[] = { "false", "true", NULL };
/* Stored as 1 for "false": the field is keep_query, the key says redact. */
static const char *const redact[] = { "true", "false", NULL };
static const char *const endpoint_policies[] = { "true", "false", "local", NULL };
static const char *const probe_modes[] = { "auto", "tracepoint", "kprobe", NULL };

#define MAP(p)                                                                                     \
	{                                                                                          \
		.path = p, .kind = K_MAP                                                           \
	}
#define KEY(p, k, f, lo, hi, ch, al)                                                               \
	{                                                                                          \
		.path = p, .kind = k, .off = offsetof(struct netobs_config, f), .min = lo,         \
		.max = hi, .choices = ch, .allowed = al                                            \
	}
#define SECONDS(p, f) KEY(p, K_SECONDS, f, 1, 604800, NULL, NULL)

static const struct key_spec keys[] = {
	MAP("http"),
	KEY("http.listen", K_STR, listen, 0, 0, NULL, "HOST:PORT, e.g. 127.0.0.1:9435"),
	KEY("http.metrics_path", K_PATH, metrics_path, 0, 0, NULL,
	    "a path starting with /, e.g. /metrics"),
	KEY("http.web_config", K_OPTSTR, web_config, 0, 0, NULL,
	    "a web-config file (node_exporter's format: TLS, basic auth)"),
	KEY("http.max_connections", K_U32, max_connections, 1, 100000, NULL,
	    "a whole number from 1 to 100000"),
	KEY("http.max_connections_per_ip", K_U32, max_per_ip, 1, 100000, NULL,
	    "a whole number from 1 to 100000"),
	KEY("http.idle_timeout", K_U32, idle_timeout_s, 1, 3600, NULL,
	    "a whole number of seconds from 1 to 3600"),
	MAP("http.endpoints"),
	KEY("http.endpoints.flows", K_CHOICE, endpoint_flows, 0, 0, endpoint_policies,
	    "true, false, local (loopback clients only)"),
	KEY("http.endpoints.l7", K_CHOICE, endpoint_l7, 0, 0, endpoint_policies,
	    "true, false, local (loopback clients only)"),
	MAP("ebpf"),
	KEY("ebpf.perf_buffer_size", K_POW2, ringbuf_bytes, 4096, 1U << 30, NULL,
	    "a power of two from 4096 to 1073741824 (bytes)"),
	KEY("ebpf.max_flows", K_U32, max_flows, 1, 1 << 24, NULL,
	    "a whole number from 1 to 16777216"),
	KEY("ebpf.sampling_rate", K_U32, sampling_pct, 1, 100, NULL,
	    "a whole number from 1 to 100 (percent of flows)"),
	KEY("ebpf.xdp_mode", K_CHOICE, mode, 0, 0, modes, "auto, native, generic"),
	KEY("ebpf.vantage", K_CHOICE, vantage, 0, 0, vantages, "endpoint, mirror"),
	MAP("log"),
	KEY("log.level", K_CHOICE, log_level, 0, 0, log_levels, "error, warn, info, debug"),
	KEY("log.format", K_CHOICE, log_json, 0, 0, log_formats, "text, json"),
	MAP("flows"),
	MAP("flows.timeouts"),
	SECONDS("flows.timeouts.established", timeouts.established_ns),
	SECONDS("flows.timeouts.closing_rst", timeouts.closing_rst_ns),
	SECONDS("flows.timeouts.opening", timeouts.opening_ns),
	SECONDS("flows.timeouts.closed_fin", timeouts.closed_fin_ns),
	SECONDS("flows.timeouts.udp", timeouts.udp_ns),
	MAP("labels"),
	KEY("labels.max_label_sets", K_U32, max_label_sets, 1, 100000, NULL,
	    "a whole number from 1 to 100000"),
	MAP("socket"),
	KEY("socket.enabled", K_CHOICE, socket_view, 0, 0, booleans, "true, false"),
	KEY("socket.probes", K_CHOICE, probe_mode, 0, 0, probe_modes, "auto, tracepoint, kprobe"),
	KEY("socket.oci_bundle_roots", K_STR, bundle_roots, 0, 0, NULL,
	    "directories separated by colons"),
	KEY("socket.ringbuf_bytes", K_POW2, sock_ringbuf_bytes, 4096, 1U << 30, NULL,
	    "a power of two from 4096 to 1073741824 (bytes)"),
	KEY("socket.sample_rate", K_U32, sock_sample_pct, 1, 100, NULL,
	    "a whole number from 1 to 100 (percent of connections)"),
	MAP("l7"),
	KEY("l7.snippet_bytes", K_U32, snippet_bytes, 16, L7_SNIPPET_MAX, NULL,
	    "a whole number from 16 to 4096 (bytes)"),
	KEY("l7.show_sql_literals", K_CHOICE, show_sql_literals, 0, 0, booleans, "true, false"),
	KEY("l7.redact_query", K_CHOICE, keep_query, 0, 0, redact, "true, false"),
	MAP("export"),
	KEY("export.records", K_OPTSTR, records, 0, 0, NULL, RECORD_TARGET_ALLOWED),
	KEY("export.records_queue", K_U32, records_queue, 1, 1 << 24, NULL,
	    "a whole number of lines from 1 to 16777216"),
	KEY("export.records_rotate_mb", K_U32, records_rotate_mb, 1, 1 << 20, NULL,
	    "a whole number of MiB from 1 to 1048576"),
	KEY("export.active_timeout", K_U32, active_timeout_s, 0, 86400, NULL,
	    "a whole number of seconds from 0 (at exit only) to 86400"),
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

struct loader {
	const char *path;
	yaml_document_t doc;
	struct netobs_config *c;
	char *err;
	size_t errlen;
};

static const struct key_spec *find_key(const char *path)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].path, path))
			return &keys[i];
	return NULL;
}

/* The keys allowed under @parent ("" for the top), comma-separated. */
static void allowed_under(const char *parent, char *buf, size_t len)
{
	size_t i, plen = strlen(parent), used = 0;

	buf[0] = 0;
	for (i = 0; i < NKEYS; i++) {
		const char *p = keys[i].path, *rest;

		if (plen && (strncmp(p, parent, plen) || p[plen] != '.'))
			continue;
		rest = plen ? p + plen + 1 : p;
		if (strchr(rest, '.'))
			continue;
		used += snprintf(buf + used, used < len ? len - used : 0, "%s%s", used ? ", " : "",
				 rest);
	}
}

static int fail(struct loader *l, const yaml_node_t *n, const char *fmt, const char *key,
		const char *detail)
{
	snprintf(l->err, l->errlen, "%s:%zu: ", l->path, n ? n->start_mark.line + 1 : 0);
	snprintf(l->err + strlen(l->err), l->errlen - strlen(l->err), fmt, key, detail);
	return -EINVAL;
}

static int set_scalar(struct loader *l, const struct key_spec *k, const yaml_node_t *v)
{
	const char *s = (const char *)v->data.scalar.value;
	char *field = (char *)l->c + k->off, *end;
	unsigned long long n;
	int i;

	if (v->type != YAML_SCALAR_NODE)
		return fail(l, v, "%s: expected a value, not a list or mapping (allowed: %s)",
			    k->path, k->allowed ? k->allowed : "a number of seconds");
	switch (k->kind) {
	case K_STR:
	case K_OPTSTR:
	case K_PATH:
		if ((!*s && k->kind != K_OPTSTR) || strlen(s) >= 128 ||
		    (k->kind == K_PATH && s[0] != '/'))
			return fail(l, v, "%s: '%s' is not allowed", k->path, s);
		if (k->off == offsetof(struct netobs_config, records) && *s) {
			struct record_target t;

			if (record_target_parse(s, &t))
				return fail(l, v,
					    "%s: '%s' is not unix:PATH, tcp://HOST:PORT (a numeric "
					    "address) or file:PATH",
					    k->path, s);
		}
		snprintf(field, 128, "%s", s);
		return 0;
	case K_CHOICE:
		for (i = 0; k->choices[i]; i++)
			if (!strcmp(s, k->choices[i])) {
				*(int *)field = i;
				return 0;
			}
		snprintf(l->err, l->errlen, "%s:%zu: %s: '%s' is not one of: %s", l->path,
			 v->start_mark.line + 1, k->path, s, k->allowed);
		return -EINVAL;
	default:
		break;
	}
	errno = 0;
	n = strtoull(s, &end, 10);
	if (k->kind == K_SECONDS && *end == 's' && end[1] == 0)
		end++; /* "300s" as well as "300" */
	if (errno || end == s || *end || s[0] == '-' || n < k->min || n > k->max ||
	    (k->kind == K_POW2 && (n & (n - 1)))) {
		char what[96];

		if (k->kind == K_SECONDS)
			snprintf(what, sizeof(what), "seconds from %llu to %llu, e.g. 300 or 300s",
				 k->min, k->max);
		snprintf(l->err, l->errlen, "%s:%zu: %s: '%s' is not %s", l->path,
			 v->start_mark.line + 1, k->path, s,
			 k->kind == K_SECONDS ? what : k->allowed);
		return -EINVAL;
	}
	if (k->kind == K_SECONDS)
		*(__u64 *)field = n * NS_PER_SEC;
	else
		*(__u32 *)field = n;
	return 0;
}

static int walk(struct loader *l, yaml_node_t *map, const char *prefix)
{
	yaml_node_pair_t *p;

	if (map->type != YAML_MAPPING_NODE) {
		char allowed[256];

		allowed_under(prefix, allowed, sizeof(allowed));
		return fail(l, map, "%s: expected a mapping of: %s", *prefix ? prefix : "top level",
			    allowed);
	}
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&l->doc, p->value);
		const struct key_spec *spec;
		char path[128];
		int err;

		if (!k || k->type != YAML_SCALAR_NODE)
			return fail(l, k, "%s: %s", "keys must be names", "");
		snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "",
			 (const char *)k->data.scalar.value);
		spec = find_key(path);
		if (!spec) {
			char allowed[256];

			allowed_under(prefix, allowed, sizeof(allowed));
			return fail(l, k, "unknown key '%s' (allowed here: %s)", path, allowed);
		}
		err = spec->kind == K_MAP ? walk(l, v, path) : set_scalar(l, spec, v);
		if (err)
			return err;
	}
	return 0;
}

int config_load(const char *path, struct netobs_config *c, char *err, size_t errlen)
{
	struct loader l = { .path = path, .c = c, .err = err, .errlen = errlen };
	yaml_node_t *root;
	int rc;

	rc = yaml_load_file(path, &l.doc, err, errlen);
	if (rc)
		return rc;
	root = yaml_document_get_root_node(&l.doc);
	rc = root ? walk(&l, root, "") : 0; /* an empty file keeps the defaults */
	if (!rc && (!strcmp(c->metrics_path, "/flows") || !strcmp(c->metrics_path, "/l7") ||
		    !strcmp(c->metrics_path, "/healthz") || !strcmp(c->metrics_path, "/"))) {
		snprintf(err, errlen,
			 "%s: http.metrics_path: '%s' is another endpoint's path (/, /flows, /l7, "
			 "/healthz): choose another, e.g. /metrics",
			 path, c->metrics_path);
		rc = -EINVAL;
	}
	yaml_document_delete(&l.doc);
	return rc;
}

static void print_value(FILE *out, const struct key_spec *k, const struct netobs_config *c)
{
	const char *field = (const char *)c + k->off;

	switch (k->kind) {
	case K_STR:
	case K_OPTSTR:
	case K_PATH:
		fprintf(out, "\"%s\"", field);
		break;
	case K_CHOICE:
		fprintf(out, "%s", k->choices[*(const int *)field]);
		break;
	case K_SECONDS:
		fprintf(out, "%llu", (unsigned long long)(*(const __u64 *)field / NS_PER_SEC));
		break;
	default:
		fprintf(out, "%u", *(const __u32 *)field);
		break;
	}
}

void config_print(FILE *out, const struct netobs_config *c)
{
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		const char *p = keys[i].path, *leaf = strrchr(p, '.');
		int depth = 0;

		for (; *p; p++)
			depth += *p == '.';
		fprintf(out, "%*s%s:", depth * 2, "", leaf ? leaf + 1 : keys[i].path);
		if (keys[i].kind != K_MAP) {
			fputc(' ', out);
			print_value(out, &keys[i], c);
		}
		fputc('\n', out);
	}
}
