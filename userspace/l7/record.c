// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* L7 record serialisation; jansson escapes the request texts. */
#include <errno.h>
#include <stdlib.h>

#include <jansson.h>

#include "l7/record.h"
#include "util/endpoint.h"
#include "util/json_text.h"

double l7_record_latency_us(const struct l7_record *r)
{
	return r->resp_ns >= r->req_ns ? (r->resp_ns - r->req_ns) / 1e3 : 0.0;
}

char *l7_record_json(const struct l7_record *r)
{
	char client[64], server[64];
	json_t *o = json_object();
	char *out;

	if (!o)
		return NULL;
	endpoint_str(&r->client, r->client_port, r->family, client, sizeof(client));
	endpoint_str(&r->server, r->server_port, r->family, server, sizeof(server));
	json_object_set_new(o, "record", json_string("l7"));
	json_object_set_new(o, "protocol", json_string(l7_proto_name(r->protocol)));
	json_object_set_new(o, "client", json_string(client));
	json_object_set_new(o, "server", json_string(server));
	json_object_set_new(o, "command", json_text_or_null(r->command));
	json_object_set_new(o, "request", json_text_or_null(r->request));
	if (r->status_kind == L7_STATUS_CODE)
		json_object_set_new(o, "status", json_integer(r->status_code));
	else
		json_object_set_new(o, "status", json_text_or_null(r->status));
	if (!r->has_error_code)
		json_object_set_new(o, "error_code", json_null());
	else if (r->error_code[0])
		json_object_set_new(o, "error_code", json_text_or_null(r->error_code));
	else
		json_object_set_new(o, "error_code", json_integer(r->error_code_num));
	if (r->protocol == L7_DNS)
		json_object_set_new(o, "rcode", json_integer(r->rcode));
	json_object_set_new(o, "latency_us", json_real(l7_record_latency_us(r)));
	json_object_set_new(o, "request_ns", json_integer((json_int_t)r->req_ns));
	json_object_set_new(o, "side", json_string(l7_side_name(r->side)));
	json_object_set_new(o, "pid", r->has_proc ? json_integer(r->proc.pid) : json_null());
	json_object_set_new(o, "comm", r->has_proc ? json_text_or_null(r->proc.comm) : json_null());
	json_object_set_new(o, "cgroup_id",
			    r->has_proc ? json_integer((json_int_t)r->proc.cgroup_id)
					: json_null());
	json_object_set_new(o, "container_id",
			    r->has_proc ? json_text_or_null(r->proc.container_id) : json_null());
	json_object_set_new(o, "pod",
			    r->has_proc ? json_text_or_null(r->proc.pod_name) : json_null());
	json_object_set_new(o, "pod_namespace",
			    r->has_proc ? json_text_or_null(r->proc.pod_namespace) : json_null());
	json_object_set_new(o, "pod_uid",
			    r->has_proc ? json_text_or_null(r->proc.pod_uid) : json_null());
	out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	json_decref(o);
	return out;
}

int l7_record_print(FILE *out, const struct l7_record *r)
{
	char *s = l7_record_json(r);

	if (!s)
		return -ENOMEM;
	fputs(s, out);
	fputc('\n', out);
	free(s);
	return 0;
}
