// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "wire/flow_record.h"
#include "util/endpoint.h"
#include "util/json_text.h"
#include "util/names.h"

static int client_is_lo(const struct flow_stats *s)
{
	return !!(s->flags & FF_CLIENT_IS_LO);
}

void flow_record_client(const struct flow_stats *s, char *buf, size_t len)
{
	const struct flow_key *k = &s->key;

	if (client_is_lo(s))
		endpoint_str(&k->lo_addr, k->lo_port, k->family, buf, len);
	else
		endpoint_str(&k->hi_addr, k->hi_port, k->family, buf, len);
}

void flow_record_server(const struct flow_stats *s, char *buf, size_t len)
{
	const struct flow_key *k = &s->key;

	if (client_is_lo(s))
		endpoint_str(&k->hi_addr, k->hi_port, k->family, buf, len);
	else
		endpoint_str(&k->lo_addr, k->lo_port, k->family, buf, len);
}

/* Microseconds with nanosecond resolution; null when there is no sample. */
static void put_us(FILE *out, const char *name, int have, __u64 ns)
{
	if (have)
		fprintf(out, ",\"%s\":%llu.%03llu", name, ns / 1000, ns % 1000);
	else
		fprintf(out, ",\"%s\":null", name);
}

static void put_u64(FILE *out, const char *name, __u64 v)
{
	fprintf(out, ",\"%s\":%llu", name, v);
}

static void put_lat(FILE *out, const char *prefix, const struct lat_agg *a, int with_min)
{
	char name[64];

	snprintf(name, sizeof(name), "%s_avg_us", prefix);
	put_us(out, name, a->count > 0, a->count ? a->sum_ns / a->count : 0);
	snprintf(name, sizeof(name), "%s_max_us", prefix);
	put_us(out, name, a->count > 0, a->max_ns);
	if (with_min) {
		snprintf(name, sizeof(name), "%s_min_us", prefix);
		put_us(out, name, a->count > 0, a->min_ns);
	}
	snprintf(name, sizeof(name), "%s_count", prefix);
	put_u64(out, name, a->count);
}

/* Process and kernel TCP fields, null where only the wire saw the flow. */
static void put_socket(FILE *out, const struct flow_socket *fs)
{
	const struct proc_ctx *p = fs && fs->has_proc ? &fs->proc : NULL;
	int tcp = fs && fs->has_tcp;
	json_t *o = json_object();
	char *s;

	json_object_set_new(o, "pid", p ? json_integer(p->pid) : json_null());
	json_object_set_new(o, "comm", p ? json_text_or_null(p->comm) : json_null());
	json_object_set_new(o, "container_id",
			    p ? json_text_or_null(p->container_id) : json_null());
	json_object_set_new(o, "pod", p ? json_text_or_null(p->pod_name) : json_null());
	json_object_set_new(o, "socket_srtt_us",
			    tcp && fs->srtt_us ? json_integer(fs->srtt_us) : json_null());
	json_object_set_new(o, "socket_retransmits",
			    tcp ? json_integer(fs->retransmits) : json_null());
	json_object_set_new(o, "socket_resets_sent",
			    tcp ? json_integer(fs->resets_sent) : json_null());
	json_object_set_new(o, "socket_resets_received",
			    tcp ? json_integer(fs->resets_received) : json_null());
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s) /* the members, without the object's braces */
		fprintf(out, ",%.*s", (int)strlen(s) - 2, s + 1);
	free(s);
}

void flow_record_json(FILE *out, const struct flow_record *r, const struct flow_socket *sock)
{
	const struct flow_stats *s = &r->s;
	const struct flow_side *c = &s->side[DIR_C2S], *v = &s->side[DIR_S2C];
	int rs = !!(s->flags & FF_RTT_SERVER), rc = !!(s->flags & FF_RTT_CLIENT);
	char client[64], server[64];

	flow_record_client(s, client, sizeof(client));
	flow_record_server(s, server, sizeof(server));
	fprintf(out, "{\"record\":\"flow\",\"proto\":\"%s\",\"client\":\"%s\",\"server\":\"%s\"",
		s->key.proto == 6 ? "tcp" : "udp", client, server);
	fprintf(out, ",\"handshake_seen\":%s", (s->flags & FF_HANDSHAKE_SEEN) ? "true" : "false");
	put_u64(out, "packets_c2s", c->packets);
	put_u64(out, "packets_s2c", v->packets);
	put_u64(out, "bytes_c2s", c->bytes);
	put_u64(out, "bytes_s2c", v->bytes);
	put_u64(out, "payload_bytes_c2s", c->payload_bytes);
	put_u64(out, "payload_bytes_s2c", v->payload_bytes);
	put_u64(out, "syn_count", s->syn_count);
	put_u64(out, "synack_count", s->synack_count);
	put_us(out, "rtt_server_us", rs, s->rtt_server_ns);
	put_us(out, "rtt_client_us", rc, s->rtt_client_ns);
	put_us(out, "syn_rtt_us", rs && rc, s->rtt_server_ns + s->rtt_client_ns);
	/* ack_rtt_client: server data acknowledged by the client. */
	put_lat(out, "ack_rtt_client", &v->ack_rtt, 1);
	put_lat(out, "ack_rtt_server", &c->ack_rtt, 1);
	put_lat(out, "srt", &s->srt, 0);
	put_lat(out, "art", &s->art, 0);
	put_u64(out, "retrans_c2s", c->retrans);
	put_u64(out, "retrans_s2c", v->retrans);
	put_u64(out, "retrans_bytes_c2s", c->retrans_bytes);
	put_u64(out, "retrans_bytes_s2c", v->retrans_bytes);
	put_u64(out, "lost_c2s", c->lost);
	put_u64(out, "lost_s2c", v->lost);
	put_u64(out, "lost_bytes_c2s", c->lost_bytes);
	put_u64(out, "lost_bytes_s2c", v->lost_bytes);
	put_u64(out, "ooo_c2s", c->ooo);
	put_u64(out, "ooo_s2c", v->ooo);
	put_u64(out, "zero_win_c2s", c->zero_win);
	put_u64(out, "zero_win_s2c", v->zero_win);
	put_us(out, "zero_win_duration_us", 1, s->zero_win_duration_ns);
	put_u64(out, "rst_c2s", c->rst);
	put_u64(out, "rst_s2c", v->rst);
	put_u64(out, "fin_c2s", c->fin);
	put_u64(out, "fin_s2c", v->fin);
	fprintf(out, ",\"close_type\":\"%s\"", close_type_name(r->close_type));
	put_u64(out, "first_seen_ns", s->first_seen_ns);
	put_u64(out, "last_seen_ns", s->last_seen_ns);
	put_socket(out, sock);
	fputs("}\n", out);
}

void flow_record_table_header(FILE *out)
{
	fprintf(out, "%-5s %-27s %-27s %13s %17s %11s %9s %9s %s\n", "PROTO", "CLIENT", "SERVER",
		"PKTS c>s/s>c", "BYTES c>s/s>c", "SYN_RTT_us", "RETRANS", "LOST", "CLOSE");
}

void flow_record_table_row(FILE *out, const struct flow_record *r)
{
	const struct flow_stats *s = &r->s;
	char client[64], server[64], pkts[32], bytes[48], rtt[24], retr[24], lost[24];

	flow_record_client(s, client, sizeof(client));
	flow_record_server(s, server, sizeof(server));
	snprintf(pkts, sizeof(pkts), "%llu/%llu", s->side[0].packets, s->side[1].packets);
	snprintf(bytes, sizeof(bytes), "%llu/%llu", s->side[0].bytes, s->side[1].bytes);
	if ((s->flags & (FF_RTT_SERVER | FF_RTT_CLIENT)) == (FF_RTT_SERVER | FF_RTT_CLIENT))
		snprintf(rtt, sizeof(rtt), "%.3f", (s->rtt_server_ns + s->rtt_client_ns) / 1e3);
	else
		snprintf(rtt, sizeof(rtt), "-");
	snprintf(retr, sizeof(retr), "%u/%u", s->side[0].retrans, s->side[1].retrans);
	snprintf(lost, sizeof(lost), "%u/%u", s->side[0].lost, s->side[1].lost);
	fprintf(out, "%-5s %-27s %-27s %13s %17s %11s %9s %9s %s\n",
		s->key.proto == 6 ? "tcp" : "udp", client, server, pkts, bytes, rtt, retr, lost,
		close_type_name(r->close_type));
}

int flow_record_cmp(const void *a, const void *b)
{
	const struct flow_record *x = a, *y = b;

	if (x->s.first_seen_ns != y->s.first_seen_ns)
		return x->s.first_seen_ns < y->s.first_seen_ns ? -1 : 1;
	if (x->s.flow_id != y->s.flow_id)
		return x->s.flow_id < y->s.flow_id ? -1 : 1;
	return 0;
}
