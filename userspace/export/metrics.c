// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "export/metrics.h"
#include "export/prom_label.h"
#include "export/rate_window.h"
#include "util/names.h"
#include "wire/flow.h"

static __u32 key_hash(const struct series_key *k)
{
	__u32 h = k->ifindex * 2654435761U;

	h ^= (k->server_port + 0x9e3779b9U + (h << 6) + (h >> 2));
	h ^= (k->role + 0x9e3779b9U + (h << 6) + (h >> 2));
	h ^= (k->proto + 0x9e3779b9U + (h << 6) + (h >> 2));
	return h;
}

int metrics_init(struct metrics_table *t, __u32 max_series)
{
	__u32 total = LABEL_SETS_ROOM(max_series), slots = 64;

	memset(t, 0, sizeof(*t));
	while (slots < total * 2)
		slots <<= 1;
	t->cap = max_series;
	t->slots = slots;
	/* Room for the capped label sets plus the "other" ones they fold into. */
	t->s = calloc(total, sizeof(*t->s));
	t->index = malloc(slots * sizeof(*t->index));
	if (!t->s || !t->index) {
		metrics_free(t);
		return -ENOMEM;
	}
	memset(t->index, 0xff, slots * sizeof(*t->index));
	return 0;
}

void metrics_free(struct metrics_table *t)
{
	free(t->s);
	free(t->index);
	t->s = NULL;
	t->index = NULL;
}

int metrics_copy(struct metrics_table *dst, const struct metrics_table *src)
{
	if (dst->slots != src->slots || dst->cap != src->cap)
		return -EINVAL;
	memcpy(dst->s, src->s, src->n * sizeof(*src->s));
	memcpy(dst->index, src->index, src->slots * sizeof(*src->index));
	dst->n = src->n;
	dst->mirrors = src->mirrors;
	dst->folded_flows = src->folded_flows;
	return 0;
}

static struct series *find(struct metrics_table *t, const struct series_key *k, int create)
{
	__u32 i = key_hash(k) & (t->slots - 1);

	for (;; i = (i + 1) & (t->slots - 1)) {
		__s32 at = t->index[i];

		if (at < 0)
			break;
		if (!memcmp(&t->s[at].key, k, sizeof(*k)))
			return &t->s[at];
	}
	if (!create)
		return NULL;
	t->index[i] = t->n;
	t->s[t->n].key = *k;
	return &t->s[t->n++];
}

/* The same buckets as the datapath's lat_bucket(): le is inclusive, in ns. */
__u32 metrics_slots(const struct metrics_table *t)
{
	return LABEL_SETS_ROOM(t->cap);
}

int metrics_restore(struct metrics_table *t, const struct series *s)
{
	struct series_key k = s->key;
	struct series *d;

	if (!k.proto)
		k.proto = IPPROTO_TCP; /* saved before UDP label sets existed */
	d = find(t, &k, 0);
	if (!d) {
		if (t->n >= metrics_slots(t))
			return -ENOSPC;
		d = find(t, &k, 1);
	}
	*d = *s;
	d->key = k;
	return 0;
}

void metrics_hist_add(struct hist *h, __u64 ns)
{
	static const __u64 bounds_us[LAT_BUCKETS - 1] = LAT_BUCKET_BOUNDS_US;
	__u32 b = 0;

	while (b < LAT_BUCKETS - 1 && ns > bounds_us[b] * 1000)
		b++;
	h->buckets[b]++;
	h->sum_ns += ns;
	h->count++;
}

static void hist_merge(struct hist *h, const struct lat_hist *from, enum lat_kind kind)
{
	int b;

	for (b = 0; b < LAT_BUCKETS; b++)
		h->buckets[b] += from->buckets[kind][b];
	h->sum_ns += from->sum_ns[kind];
	h->count += from->count[kind];
}

static int is_mirror(const struct metrics_table *t, __u32 ifindex)
{
	__u32 i;

	for (i = 0; t->mirrors && i < t->mirrors->n; i++)
		if (t->mirrors->ifindex[i] == ifindex)
			return 1;
	return 0;
}

/*
 * A label set, made if new; past the cap, its "other" set (1 when it folded).
 * Folding is first come, first kept: a set that exists takes what is added to
 * it, so a set's histograms go where its flows went.
 */
static struct series *series_fold(struct metrics_table *t, struct series_key k, int *folded)
{
	struct series *s = find(t, &k, 0);

	*folded = 0;
	if (s)
		return s;
	if (t->n >= t->cap) {
		k.server_port = 0;
		*folded = 1;
	}
	return find(t, &k, 1);
}

/* A flow's label set; a flow folded into "other" is counted. */
static struct series *series_of(struct metrics_table *t, struct series_key k)
{
	int folded;
	struct series *s = series_fold(t, k, &folded);

	t->folded_flows += folded;
	return s;
}

/* The roles a flow counts under: the host's, or both on a mirror port. */
static int roles_of(const struct metrics_table *t, __u32 ifindex, __u8 host_role, __u8 roles[2])
{
	if (!is_mirror(t, ifindex)) {
		roles[0] = host_role;
		return 1;
	}
	roles[0] = ROLE_CLIENT;
	roles[1] = ROLE_SERVER;
	return 2;
}

static void add_flow_as(struct metrics_table *t, const struct flow_stats *f, int close_type,
			__u8 role);

int metrics_add_flow(struct metrics_table *t, const struct flow_stats *f, int close_type)
{
	__u8 roles[2];
	int i, n;

	if (f->key.proto != IPPROTO_TCP && f->key.proto != IPPROTO_UDP)
		return 0;
	n = roles_of(t, f->ifindex, f->host_role, roles);
	for (i = 0; i < n; i++)
		add_flow_as(t, f, close_type, roles[i]);
	return 0;
}

int metrics_add_brief(struct metrics_table *t, const struct flow_brief *b)
{
	__u8 roles[2];
	int i, d, n;

	if (b->proto != IPPROTO_TCP && b->proto != IPPROTO_UDP)
		return 0;
	n = roles_of(t, b->ifindex, b->host_role, roles);
	for (i = 0; i < n; i++) {
		struct series_key k = { .ifindex = b->ifindex,
					.server_port = b->server_port,
					.role = roles[i],
					.proto = b->proto };
		struct series *s = series_of(t, k);

		for (d = 0; d < 2; d++) {
			s->packets[d] += b->packets[d];
			s->bytes[d] += b->bytes[d];
		}
		s->flows++;
		s->live++;
	}
	return 0;
}

int metrics_add_lat(struct metrics_table *t, const struct lat_key *k, const struct lat_hist *h)
{
	__u8 roles[2];
	int i, n, folded;

	n = roles_of(t, k->ifindex, k->role, roles);
	for (i = 0; i < n; i++) {
		struct series_key sk = { .ifindex = k->ifindex,
					 .server_port = k->server_port,
					 .role = roles[i],
					 .proto = IPPROTO_TCP };
		struct series *s = series_fold(t, sk, &folded);

		hist_merge(&s->rtt, h, LAT_RTT);
		hist_merge(&s->srt, h, LAT_SRT);
		hist_merge(&s->art, h, LAT_ART);
	}
	return 0;
}

static void add_flow_as(struct metrics_table *t, const struct flow_stats *f, int close_type,
			__u8 role)
{
	struct series_key k = { .ifindex = f->ifindex,
				.server_port = flow_server_port(f),
				.role = role,
				.proto = f->key.proto };
	int rs = !!(f->flags & FF_RTT_SERVER), rc = !!(f->flags & FF_RTT_CLIENT), d;
	struct series *s = series_of(t, k);

	for (d = 0; d < 2; d++) {
		const struct flow_side *fs = &f->side[d];

		s->packets[d] += fs->packets;
		s->bytes[d] += fs->bytes;
		s->retrans[d] += fs->retrans;
		s->retrans_bytes[d] += fs->retrans_bytes;
		s->zero_win[d] += fs->zero_win;
		s->rst[d] += fs->rst;
		s->lost[d] += fs->lost;
		s->ooo[d] += fs->ooo;
	}
	s->flows++;
	if (f->key.proto == IPPROTO_UDP) {
		if (close_type < 0)
			s->live++;
		return;
	}
	s->zero_win_duration_ns += f->zero_win_duration_ns;
	s->syn_repeat += f->syn_count > 1 ? f->syn_count - 1 : 0;
	s->synack_repeat += f->synack_count > 1 ? f->synack_count - 1 : 0;
	if (rs)
		metrics_hist_add(&s->syn_rtt_server, f->rtt_server_ns);
	if (rc)
		metrics_hist_add(&s->syn_rtt_client, f->rtt_client_ns);
	if (rs && rc)
		metrics_hist_add(&s->syn_rtt, f->rtt_server_ns + f->rtt_client_ns);
	if (close_type >= 0 && close_type < CLOSE_MAX) {
		s->closed_by_type[close_type]++;
		return;
	}
	s->live++;
	for (d = 0; d < 2; d++) {
		const struct lat_agg *a = &f->side[d].ack_rtt;

		if (!a->count)
			continue;
		if (a->max_ns > s->rtt_max_ns)
			s->rtt_max_ns = a->max_ns;
		if (!s->rtt_min_ns || a->min_ns < s->rtt_min_ns)
			s->rtt_min_ns = a->min_ns;
	}
	if (f->srt.count && f->srt.max_ns > s->srt_max_ns)
		s->srt_max_ns = f->srt.max_ns;
}

/* The host's side of a flow direction: what it sent and what it received. */
static int sent_dir(__u8 role)
{
	return role == ROLE_SERVER ? DIR_S2C : DIR_C2S;
}

static void labels(char *buf, size_t len, const struct series_key *k)
{
	static const char *const roles[] = { "none", "client", "server" };
	char ifname[IF_NAMESIZE] = "none", esc[PROM_LABEL_MAX(IF_NAMESIZE)];
	char port[8] = "other";

	if (k->ifindex && !if_indextoname(k->ifindex, ifname))
		snprintf(ifname, sizeof(ifname), "if%u", k->ifindex);
	if (k->server_port)
		snprintf(port, sizeof(port), "%u", k->server_port);
	/* Interface names may hold quotes or backslashes: anyone with CAP_NET_ADMIN names them. */
	snprintf(buf, len, "interface=\"%s\",server_port=\"%s\",role=\"%s\"",
		 prom_label(esc, sizeof(esc), ifname), port, roles[k->role < 3 ? k->role : 0]);
}

/*
 * The label sets' strings for one metrics_write(), made once: a name lookup
 * per interface is a socket and an ioctl, and forty families list every set.
 */
#define LABELS_MAX 192
static char (*write_labels)[LABELS_MAX];

static void label_of(char *buf, size_t len, const struct metrics_table *t, __u32 i)
{
	if (write_labels)
		snprintf(buf, len, "%s", write_labels[i]);
	else
		labels(buf, len, &t->s[i].key);
}

void prom_head(FILE *f, const char *name, const char *type, const char *help, int openmetrics)
{
	size_t n = strlen(name);

	if (openmetrics && !strcmp(type, "counter") && n > 6 && !strcmp(name + n - 6, "_total"))
		n -= 6;
	fprintf(f, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)n, name, help, (int)n, name, type);
}

/* Set by metrics_write for the family writers below. */
static int om;

static void head(FILE *f, const char *name, const char *type, const char *help)
{
	prom_head(f, name, type, help, om);
}

typedef __u64 (*series_value)(const struct series *s, int arg);

/* Families are of one protocol's label sets: the one set by metrics_write() for them. */
static int fam_proto;

static void family(FILE *f, const struct metrics_table *t, const char *name, const char *type,
		   const char *help, series_value val, int arg)
{
	char l[LABELS_MAX];
	__u32 i;

	head(f, name, type, help);
	for (i = 0; i < t->n; i++) {
		if (t->s[i].key.proto != fam_proto)
			continue;
		label_of(l, sizeof(l), t, i);
		fprintf(f, "%s{%s} %llu\n", name, l, val(&t->s[i], arg));
	}
}

/* A value kept in ns, shown in microseconds. */
static void family_us(FILE *f, const struct metrics_table *t, const char *name, const char *type,
		      const char *help, series_value val, int arg)
{
	int gauge = !strcmp(type, "gauge");
	char l[LABELS_MAX];
	__u32 i;

	head(f, name, type, help);
	for (i = 0; i < t->n; i++) {
		__u64 ns = val(&t->s[i], arg);

		if (t->s[i].key.proto != fam_proto)
			continue;
		/*
		 * The gauges are over live flows' samples: none, no line (a 0 would
		 * read as a real latency). A sample is never 0 ns on the live clock.
		 */
		if (gauge && !ns)
			continue;
		label_of(l, sizeof(l), t, i);
		fprintf(f, "%s{%s} %llu.%03llu\n", name, l, ns / 1000, ns % 1000);
	}
}

void metrics_hist_write(FILE *f, const char *name, const char *labels, const struct hist *h)
{
	static const __u64 bounds_us[LAT_BUCKETS - 1] = LAT_BUCKET_BOUNDS_US;
	const char *sep = labels[0] ? "," : "";
	__u64 cum = 0;
	__u32 b;

	for (b = 0; b < LAT_BUCKETS; b++) {
		cum += h->buckets[b];
		if (b < LAT_BUCKETS - 1)
			fprintf(f, "%s_bucket{%s%sle=\"%llu\"} %llu\n", name, labels, sep,
				bounds_us[b], cum);
		else
			fprintf(f, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep, cum);
	}
	fprintf(f, "%s_sum{%s} %llu.%03llu\n", name, labels, h->sum_ns / 1000, h->sum_ns % 1000);
	fprintf(f, "%s_count{%s} %llu\n", name, labels, h->count);
}

static void histogram(FILE *f, const struct metrics_table *t, const char *name, const char *help,
		      size_t off)
{
	char l[LABELS_MAX];
	__u32 i;

	head(f, name, "histogram", help);
	for (i = 0; i < t->n; i++) {
		if (t->s[i].key.proto != fam_proto)
			continue;
		label_of(l, sizeof(l), t, i);
		metrics_hist_write(f, name, l, (const void *)((const char *)&t->s[i] + off));
	}
}

static __u64 v_sent(const struct series *s, int field)
{
	const __u64 *a = (const __u64 *)((const char *)s + field);

	return a[sent_dir(s->key.role)];
}

static __u64 v_received(const struct series *s, int field)
{
	const __u64 *a = (const __u64 *)((const char *)s + field);

	return a[!sent_dir(s->key.role)];
}

static __u64 v_both(const struct series *s, int field)
{
	const __u64 *a = (const __u64 *)((const char *)s + field);

	return a[0] + a[1];
}

static __u64 v_field(const struct series *s, int field)
{
	return *(const __u64 *)((const char *)s + field);
}

static __u64 v_closed(const struct series *s, int unused)
{
	__u64 n = 0;
	int i;

	for (i = 0; i < CLOSE_MAX; i++)
		n += s->closed_by_type[i];
	return n;
}

static __u64 v_close(const struct series *s, int type)
{
	return s->closed_by_type[type];
}

static __u64 v_half_close(const struct series *s, int unused)
{
	return s->closed_by_type[CLOSE_CLIENT_HALF_CLOSE] +
	       s->closed_by_type[CLOSE_SERVER_HALF_CLOSE];
}

/* DeepFlow's establish failures, by the side that failed the handshake. */
static __u64 v_client_establish_fail(const struct series *s, int unused)
{
	return s->closed_by_type[CLOSE_SYNACK_NO_ACK] + s->closed_by_type[CLOSE_ESTABLISH_RST];
}

static __u64 v_server_establish_fail(const struct series *s, int unused)
{
	return s->closed_by_type[CLOSE_SYN_NO_ANSWER] + s->closed_by_type[CLOSE_SERVER_RESET];
}

#define OFF(field) ((int)offsetof(struct series, field))

static void rate_family(FILE *f, const struct metrics_table *t, const struct rate_window *w,
			const char *name, const char *help, enum rate_kind kind)
{
	char l[LABELS_MAX];
	double v;
	__u32 i;
	int d;

	head(f, name, "gauge", help);
	for (i = 0; i < t->n && w; i++) {
		const struct series *s = &t->s[i];

		if (s->key.proto != fam_proto)
			continue;
		label_of(l, sizeof(l), t, i);
		for (d = 0; d < 2; d++) {
			int sent = d == sent_dir(s->key.role);

			if (rate_window_rate(w, &s->key, kind, d, &v))
				break;
			fprintf(f, "%s{%s,direction=\"%s\"} %.3f\n", name, l,
				sent ? "sent" : "received", v);
		}
	}
}

void metrics_write(FILE *f, const struct metrics_table *t, const struct rate_window *rates,
		   int openmetrics)
{
	char l[LABELS_MAX];
	__u32 i;
	int c;

	om = openmetrics;
	/* Without the memory, each family makes its own strings: slower, the same page. */
	write_labels = malloc((t->n ? t->n : 1) * sizeof(*write_labels));
	for (i = 0; write_labels && i < t->n; i++)
		labels(write_labels[i], LABELS_MAX, &t->s[i].key);
	fam_proto = IPPROTO_UDP;
	family(f, t, "network_udp_bytes_sent_total", "counter",
	       "UDP bytes (IP header and payload) the host sent.", v_sent, OFF(bytes));
	family(f, t, "network_udp_bytes_received_total", "counter",
	       "UDP bytes (IP header and payload) the host received.", v_received, OFF(bytes));
	family(f, t, "network_udp_packets_sent_total", "counter", "UDP datagrams the host sent.",
	       v_sent, OFF(packets));
	family(f, t, "network_udp_packets_received_total", "counter",
	       "UDP datagrams (and later fragments) the host received.", v_received, OFF(packets));
	family(f, t, "network_udp_flows_opened_total", "counter",
	       "UDP flows (5-tuples) seen since the agent started.", v_field, OFF(flows));
	family(f, t, "network_udp_flows_active", "gauge", "UDP flows in the table.", v_field,
	       OFF(live));

	fam_proto = IPPROTO_TCP;
	rate_family(f, t, rates, "network_tcp_bytes_per_second",
		    "TCP bytes per second over the agent's window (netobs_rate_window_seconds: "
		    "the last 10 s of its sweeps), the same for every scraper.",
		    RATE_BYTES);
	rate_family(f, t, rates, "network_tcp_packets_per_second",
		    "TCP segments per second over the agent's window (netobs_rate_window_seconds).",
		    RATE_PACKETS);

	family(f, t, "network_tcp_bytes_sent_total", "counter",
	       "TCP bytes (IP header and payload) the host sent.", v_sent, OFF(bytes));
	family(f, t, "network_tcp_bytes_received_total", "counter",
	       "TCP bytes (IP header and payload) the host received.", v_received, OFF(bytes));
	family(f, t, "network_tcp_packets_sent_total", "counter", "TCP segments the host sent.",
	       v_sent, OFF(packets));
	family(f, t, "network_tcp_packets_received_total", "counter",
	       "TCP segments the host received.", v_received, OFF(packets));
	family(f, t, "network_tcp_connections_opened_total", "counter",
	       "TCP flows seen since the agent started.", v_field, OFF(flows));
	family(f, t, "network_tcp_connections_closed_total", "counter",
	       "TCP flows ended since the agent started.", v_closed, 0);
	family(f, t, "network_tcp_connections_active", "gauge", "TCP flows in the table.", v_field,
	       OFF(live));
	histogram(f, t, "network_tcp_syn_rtt_microseconds",
		  "Handshake RTT (SYN to the ACK of the SYN-ACK), one sample per flow.",
		  offsetof(struct series, syn_rtt));
	histogram(f, t, "network_tcp_syn_rtt_client_microseconds",
		  "SYN-ACK to its ACK: the path to the client.",
		  offsetof(struct series, syn_rtt_client));
	histogram(f, t, "network_tcp_syn_rtt_server_microseconds",
		  "SYN to the SYN-ACK: the path to the server.",
		  offsetof(struct series, syn_rtt_server));
	histogram(f, t, "network_tcp_rtt_microseconds",
		  "Data RTT samples (a segment to the ACK covering it), both sides.",
		  offsetof(struct series, rtt));
	histogram(f, t, "network_tcp_srt_microseconds",
		  "System response time: client data to the server's pure ACK.",
		  offsetof(struct series, srt));
	histogram(f, t, "network_tcp_art_microseconds",
		  "Application response time: a request's last segment to the first response "
		  "segment.",
		  offsetof(struct series, art));
	family_us(f, t, "network_tcp_rtt_max_microseconds", "gauge",
		  "Largest data RTT of live flows.", v_field, OFF(rtt_max_ns));
	family_us(f, t, "network_tcp_rtt_min_microseconds", "gauge",
		  "Smallest data RTT of live flows.", v_field, OFF(rtt_min_ns));
	family_us(f, t, "network_tcp_srt_max_microseconds", "gauge", "Largest SRT of live flows.",
		  v_field, OFF(srt_max_ns));
	family(f, t, "network_tcp_retrans_packets_total", "counter",
	       "Segments whose sequence range was already seen, both directions.", v_both,
	       OFF(retrans));
	family(f, t, "network_tcp_retrans_bytes_total", "counter",
	       "Payload bytes of retransmitted segments, both directions.", v_both,
	       OFF(retrans_bytes));
	family(f, t, "network_tcp_lost_segments_total", "counter",
	       "Sequence gaps opened (data lost before this vantage point, or reordered), both "
	       "directions: Wireshark's lost_segment.",
	       v_both, OFF(lost));
	family(f, t, "network_tcp_out_of_order_total", "counter",
	       "Segments that filled a gap: new here, sent again upstream or reordered, both "
	       "directions.",
	       v_both, OFF(ooo));
	head(f, "network_tcp_retrans_ratio", "gauge",
	     "Retransmitted segments per segment since the agent started.");
	for (i = 0; i < t->n; i++) {
		__u64 p = t->s[i].packets[0] + t->s[i].packets[1];

		if (t->s[i].key.proto != IPPROTO_TCP)
			continue;
		label_of(l, sizeof(l), t, i);
		fprintf(f, "network_tcp_retrans_ratio{%s} %.6f\n", l,
			p ? (double)(t->s[i].retrans[0] + t->s[i].retrans[1]) / p : 0.0);
	}
	family(f, t, "network_tcp_zero_window_events_total", "counter",
	       "Segments advertising a zero window, both directions.", v_both, OFF(zero_win));
	family_us(f, t, "network_tcp_zero_window_duration_microseconds_total", "counter",
		  "Time advertised windows stayed at zero.", v_field, OFF(zero_win_duration_ns));
	family(f, t, "network_tcp_rst_total", "counter", "RST segments, both directions.", v_both,
	       OFF(rst));
	family(f, t, "network_tcp_client_syn_repeat_total", "counter",
	       "SYNs the client sent again.", v_field, OFF(syn_repeat));
	family(f, t, "network_tcp_server_synack_repeat_total", "counter",
	       "SYN-ACKs the server sent again.", v_field, OFF(synack_repeat));
	family(f, t, "network_tcp_client_establish_fail_total", "counter",
	       "Handshakes the client side failed: a SYN-ACK never acknowledged (synack_no_ack) "
	       "or reset during the handshake (establish_rst).",
	       v_client_establish_fail, 0);
	family(f, t, "network_tcp_server_establish_fail_total", "counter",
	       "Handshakes the server side failed: a SYN never answered (syn_no_answer) or "
	       "refused (server_reset).",
	       v_server_establish_fail, 0);
	family(f, t, "network_tcp_server_queue_overflow_total", "counter",
	       "Flows ended as queue_overflow (SYN-ACK repeated after the client's ACK).", v_close,
	       CLOSE_QUEUE_OVERFLOW);
	family(f, t, "network_tcp_timeout_total", "counter", "Flows ended as timeout.", v_close,
	       CLOSE_TIMEOUT);
	family(f, t, "network_tcp_port_reuse_total", "counter", "Flows ended as port_reuse.",
	       v_close, CLOSE_PORT_REUSE);
	family(f, t, "network_tcp_half_close_total", "counter",
	       "Flows ended half-closed (one FIN only).", v_half_close, 0);
	head(f, "network_tcp_close_total", "counter", "TCP flows ended, by close type.");
	for (i = 0; i < t->n; i++) {
		if (t->s[i].key.proto != IPPROTO_TCP)
			continue;
		label_of(l, sizeof(l), t, i);
		for (c = CLOSE_NORMAL; c < CLOSE_MAX; c++)
			if (c != CLOSE_FORCED)
				fprintf(f, "network_tcp_close_total{%s,close_type=\"%s\"} %llu\n",
					l, close_type_name(c), t->s[i].closed_by_type[c]);
	}
	free(write_labels);
	write_labels = NULL;
}
