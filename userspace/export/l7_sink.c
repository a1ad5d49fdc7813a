// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash_bytes.h"
#include "l7/record.h"
#include "export/l7_sink.h"
#include "export/prom_label.h"

static const char *const status_classes[] = { "1xx", "2xx",   "3xx", "4xx",
					      "5xx", "other", "ok",  "error" };

#define N_CLASSES (sizeof(status_classes) / sizeof(status_classes[0]))

/* At most half full: a lookup ends at the first empty slot. */
static int index_init(struct series_index *x, __u32 entries)
{
	__u32 n = 16;

	while (n < 2 * entries)
		n *= 2;
	x->slots = calloc(n, sizeof(*x->slots));
	x->mask = n - 1;
	return x->slots ? 0 : -ENOMEM;
}

static __u32 labels_hash(__u32 fixed, const char *process, const char *pod)
{
	return (hash_bytes(process, strlen(process)) * 31 + hash_bytes(pod, strlen(pod))) ^ fixed;
}

int l7_sink_init(struct l7_sink *s, __u32 max_label_sets)
{
	/* room past the cap for the folded "other" sets: one per protocol, class and side */
	__u32 n_req = max_label_sets + L7_PROTO_MAX * N_CLASSES * 3;
	__u32 n_srt = max_label_sets + L7_PROTO_MAX;

	memset(s, 0, sizeof(*s));
	s->cap = max_label_sets;
	s->recent = calloc(L7_SINK_RECENT, sizeof(*s->recent));
	s->req = calloc(n_req, sizeof(*s->req));
	s->srt = calloc(n_srt, sizeof(*s->srt));
	if (!s->recent || !s->req || !s->srt || index_init(&s->req_index, n_req) ||
	    index_init(&s->srt_index, n_srt)) {
		l7_sink_free(s);
		return -ENOMEM;
	}
	return 0;
}

void l7_sink_free(struct l7_sink *s)
{
	free(s->recent);
	free(s->req);
	free(s->srt);
	free(s->req_index.slots);
	free(s->srt_index.slots);
	memset(s, 0, sizeof(*s));
}

static __u8 class_index(const struct l7_record *r)
{
	const char *c = l7_status_class(r);
	__u8 i;

	for (i = 0; i < N_CLASSES; i++)
		if (!strcmp(c, status_classes[i]))
			return i;
	return 5;
}

static const char *pod_of(const struct l7_record *r)
{
	return r->has_proc ? r->proc.pod_name : "";
}

/* The request series with these labels, or NULL; *slot is where it would go. */
static struct l7_series *req_find(struct l7_sink *s, __u8 protocol, __u8 cls, __u8 side,
				  const char *proc, const char *pod, __u32 **slot)
{
	__u32 i = labels_hash(protocol << 16 | cls << 8 | side, proc, pod);

	for (;; i++) {
		__u32 *at = &s->req_index.slots[i & s->req_index.mask];
		struct l7_series *x = *at ? &s->req[*at - 1] : NULL;

		if (!x) {
			*slot = at;
			return NULL;
		}
		if (x->protocol == protocol && x->status_class == cls && x->side == side &&
		    !strcmp(x->process, proc) && !strcmp(x->pod, pod))
			return x;
	}
}

/* Find the set (process, pod) or add it; past the cap, the set folds into "other". */
static struct l7_series *req_series(struct l7_sink *s, const struct l7_record *r)
{
	const char *proc = r->has_proc ? r->proc.comm : "";
	const char *pod = pod_of(r);
	__u8 cls = class_index(r);
	struct l7_series *x;
	__u32 *slot;

	x = req_find(s, r->protocol, cls, r->side, proc, pod, &slot);
	if (x)
		return x;
	if (s->n_req >= s->cap) {
		s->folded++;
		proc = pod = "other";
		x = req_find(s, r->protocol, cls, r->side, proc, pod, &slot);
		if (x)
			return x;
	}
	x = &s->req[s->n_req];
	*x = (struct l7_series){ .protocol = r->protocol, .status_class = cls, .side = r->side };
	snprintf(x->process, sizeof(x->process), "%s", proc);
	snprintf(x->pod, sizeof(x->pod), "%s", pod);
	*slot = ++s->n_req;
	return x;
}

void l7_sink_add(struct l7_sink *s, const struct l7_record *r)
{
	struct l7_series *x = req_series(s, r);

	x->requests++;
	x->errors += r->is_error;
	s->errors[r->protocol][r->side < L7_SIDES ? r->side : L7_SIDE_WIRE] += r->is_error;
	metrics_hist_add(&s->duration[r->protocol], r->resp_ns - r->req_ns);
	s->recent[s->head] = *r;
	s->head = (s->head + 1) % L7_SINK_RECENT;
	if (s->n < L7_SINK_RECENT)
		s->n++;
	s->records++;
}

/* The response-time series with these labels, or NULL; *slot is where it would go. */
static struct srt_series *srt_find(struct l7_sink *s, int protocol, const char *proc,
				   const char *pod, __u32 **slot)
{
	__u32 i = labels_hash((__u32)protocol, proc, pod);

	for (;; i++) {
		__u32 *at = &s->srt_index.slots[i & s->srt_index.mask];
		struct srt_series *x = *at ? &s->srt[*at - 1] : NULL;

		if (!x) {
			*slot = at;
			return NULL;
		}
		if (x->protocol == protocol && !strcmp(x->process, proc) && !strcmp(x->pod, pod))
			return x;
	}
}

void l7_sink_srt(struct l7_sink *s, const struct proc_ctx *p, int protocol, __u64 ns)
{
	const char *proc = p->comm, *pod = p->pod_name;
	struct srt_series *x;
	__u32 *slot;

	x = srt_find(s, protocol, proc, pod, &slot);
	if (!x && s->n_srt >= s->cap) {
		proc = pod = "other";
		x = srt_find(s, protocol, proc, pod, &slot);
	}
	if (!x) {
		x = &s->srt[s->n_srt];
		x->protocol = protocol;
		snprintf(x->process, sizeof(x->process), "%s", proc);
		snprintf(x->pod, sizeof(x->pod), "%s", pod);
		*slot = ++s->n_srt;
	}
	metrics_hist_add(&x->h, ns);
}

int l7_sink_ndjson(const struct l7_sink *s, unsigned int limit, FILE *out)
{
	__u32 n = limit < s->n ? limit : s->n, i;
	__u32 start = (s->head + L7_SINK_RECENT - n) % L7_SINK_RECENT;
	int err;

	for (i = 0; i < n; i++) {
		err = l7_record_print(out, &s->recent[(start + i) % L7_SINK_RECENT]);
		if (err)
			return err;
	}
	return 0;
}

void l7_sink_write_metrics(FILE *f, const struct l7_sink *s, int om)
{
	char l[1024], proc[PROM_LABEL_MAX(16)], pod[PROM_LABEL_MAX(128)];
	__u32 i;
	int p, side;

	prom_head(f, "network_l7_requests_total", "counter",
		  "L7 requests answered, by protocol, status class, the side that saw them "
		  "(client or server socket), process and pod.",
		  om);
	for (i = 0; i < s->n_req; i++)
		fprintf(f,
			"network_l7_requests_total{protocol=\"%s\",status_class=\"%s\",side=\"%s\","
			"process=\"%s\",pod=\"%s\"} %llu\n",
			l7_proto_name(s->req[i].protocol), status_classes[s->req[i].status_class],
			l7_side_name(s->req[i].side),
			prom_label(proc, sizeof(proc), s->req[i].process),
			prom_label(pod, sizeof(pod), s->req[i].pod), s->req[i].requests);
	prom_head(f, "network_l7_errors_total", "counter",
		  "L7 requests answered with an error: HTTP 4xx/5xx, MySQL/PostgreSQL/Redis "
		  "error replies, DNS rcode other than NOERROR; by the side that saw them, so "
		  "a host that runs both ends counts an error once per side.",
		  om);
	for (p = L7_NONE + 1; p < L7_PROTO_MAX; p++)
		for (side = 0; side < L7_SIDES; side++)
			fprintf(f, "network_l7_errors_total{protocol=\"%s\",side=\"%s\"} %llu\n",
				l7_proto_name(p), l7_side_name(side), s->errors[p][side]);
	prom_head(f, "network_l7_request_duration_microseconds", "histogram",
		  "Request to response, in microseconds.", om);
	for (p = L7_NONE + 1; p < L7_PROTO_MAX; p++) {
		snprintf(l, sizeof(l), "protocol=\"%s\"", l7_proto_name(p));
		metrics_hist_write(f, "network_l7_request_duration_microseconds", l,
				   &s->duration[p]);
	}
	prom_head(f, "network_socket_srt_microseconds", "histogram",
		  "Server response time at the server's socket: a request read to the response "
		  "write, in microseconds.",
		  om);
	for (i = 0; i < s->n_srt; i++) {
		snprintf(l, sizeof(l), "protocol=\"%s\",process=\"%s\",pod=\"%s\"",
			 l7_proto_name(s->srt[i].protocol),
			 prom_label(proc, sizeof(proc), s->srt[i].process),
			 prom_label(pod, sizeof(pod), s->srt[i].pod));
		metrics_hist_write(f, "network_socket_srt_microseconds", l, &s->srt[i].h);
	}
	prom_head(f, "netobs_l7_label_folded_total", "counter",
		  "L7 requests counted under process=\"other\" because of the label cap.", om);
	fprintf(f, "netobs_l7_label_folded_total %llu\n", s->folded);
}
