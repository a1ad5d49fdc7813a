// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * DNS over UDP (one message a datagram) and TCP (2-byte length prefix):
 * the question's name and type, the answer's rcode, paired by id.
 */
#include <stdio.h>

#include "l7/l7.h"
#include "l7/bytes.h"

#define DNS_HDR 12
#define DNS_PORT 53
#define DNS_MDNS_PORT 5353
#define DNS_LABELS_MAX 64

static const char *type_name(__u32 t, char *buf, size_t n)
{
	static const struct {
		__u16 t;
		const char *name;
	} types[] = {
		{ 1, "A" },	  { 2, "NS" },	  { 5, "CNAME" },  { 6, "SOA" },    { 12, "PTR" },
		{ 13, "HINFO" },  { 15, "MX" },	  { 16, "TXT" },   { 28, "AAAA" },  { 33, "SRV" },
		{ 35, "NAPTR" },  { 41, "OPT" },  { 43, "DS" },	   { 46, "RRSIG" }, { 47, "NSEC" },
		{ 48, "DNSKEY" }, { 64, "SVCB" }, { 65, "HTTPS" }, { 252, "AXFR" }, { 255, "ANY" },
		{ 257, "CAA" },
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].t == t)
			return types[i].name;
	snprintf(buf, n, "TYPE%u", t);
	return buf;
}

static const char *rcode_name(int rcode, char *buf, size_t n)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					     "NOTIMP",	"REFUSED", "YXDOMAIN", "YXRRSET",
					     "NXRRSET", "NOTAUTH", "NOTZONE" };

	if (rcode >= 0 && rcode < (int)(sizeof(names) / sizeof(names[0])))
		return names[rcode];
	snprintf(buf, n, "RCODE%d", rcode);
	return buf;
}

/* The question's name (dotted) and type; 0, or -1 when malformed or cut. */
static int question(const __u8 *p, size_t n, char *name, size_t name_len, __u32 *type)
{
	size_t off = DNS_HDR, out = 0;
	int labels = 0;

	while (off < n && p[off]) {
		__u8 l = p[off];

		/* A question's name is never compressed, and labels are at most 63 bytes. */
		if (l > 63 || ++labels > DNS_LABELS_MAX || off + 1 + l > n)
			return -1;
		if (out && out + 1 < name_len)
			name[out++] = '.';
		if (out + l < name_len) {
			l7_copy_text(name + out, name_len - out, p + off + 1, l);
			out += l;
		}
		off += 1 + (size_t)l;
	}
	if (off + 5 > n)
		return -1;
	name[out < name_len ? out : name_len - 1] = '\0';
	*type = l7_be16(p + off + 1);
	return 0;
}

static int plausible(const __u8 *p, size_t n)
{
	/* One question, a standard query opcode. */
	return n >= DNS_HDR + 5 && l7_be16(p + 4) == 1 && ((p[2] >> 3) & 0xf) == 0;
}

static int dns_detect(int dir, const __u8 *p, size_t cap, __u16 server_port, int is_tcp)
{
	if (server_port != DNS_PORT && server_port != DNS_MDNS_PORT)
		return 0;
	if (is_tcp) {
		if (cap < 2)
			return 0;
		p += 2;
		cap -= 2;
	}
	return plausible(p, cap);
}

static int dns_parse(struct l7_conn *c, int dir, const __u8 *p, size_t cap, __u64 len,
		     const struct l7_pending *head, struct l7_msg *m)
{
	char tbuf[16];
	__u32 type;
	size_t n = cap;
	int qr;

	if (c->is_tcp) {
		if (cap < 2)
			return cap == len ? L7P_MORE : L7P_NONE;
		m->len = 2 + (__u64)l7_be16(p);
		if (cap == len && m->len > len && m->len <= L7_HEAD_MAX)
			return L7P_MORE;
		p += 2;
		n = cap - 2 < m->len - 2 ? cap - 2 : m->len - 2;
	}
	if (!plausible(p, n))
		return L7P_NONE;
	qr = p[2] >> 7;
	m->id = l7_be16(p);
	if (qr != (dir == DIR_S2C)) {
		m->kind = L7M_IGNORE;
		return L7P_MSG;
	}
	if (!qr) {
		if (question(p, n, m->request, sizeof(m->request), &type))
			return L7P_NONE;
		m->kind = L7M_REQUEST;
		snprintf(m->command, sizeof(m->command), "%s", type_name(type, tbuf, sizeof(tbuf)));
		return L7P_MSG;
	}
	m->kind = L7M_RESPONSE;
	m->ends = 1;
	m->rcode = p[3] & 0xf;
	m->is_error = m->rcode != 0;
	m->status_kind = L7_STATUS_TEXT;
	snprintf(m->status, sizeof(m->status), "%s", rcode_name(m->rcode, tbuf, sizeof(tbuf)));
	return L7P_MSG;
}

const struct l7_proto_ops l7_dns_ops = {
	.name = "dns",
	.detect = dns_detect,
	.parse = dns_parse,
};
