// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * HTTP/1.x framing: request line, status line, and the body length from
 * Content-Length so keep-alive and pipelined messages stay framed. A body
 * whose length the head does not give (chunked, or until close) runs to the
 * end of the segment; the next message is found by its start line.
 */
#include <strings.h>

#include "l7/l7.h"
#include "l7/bytes.h"

#define HTTP_F_HEAD 1 /* a HEAD request: its response has no body */

static const char *const methods[] = { "GET",	  "POST",  "PUT",     "HEAD",  "DELETE",
				       "OPTIONS", "PATCH", "CONNECT", "TRACE", NULL };

/* Length of "METHOD " at p, 0 if none; -1 if p is a proper prefix of one. */
static int method_len(const __u8 *p, size_t cap)
{
	int i;

	for (i = 0; methods[i]; i++) {
		size_t n = strlen(methods[i]);

		if (cap > n && !memcmp(p, methods[i], n) && p[n] == ' ')
			return (int)n + 1;
		if (cap <= n && !memcmp(p, methods[i], cap))
			return -1;
	}
	return 0;
}

static int is_status_line(const __u8 *p, size_t cap)
{
	return cap >= 12 && !memcmp(p, "HTTP/1.", 7) && p[8] == ' ' && p[9] >= '1' && p[9] <= '5' &&
	       p[10] >= '0' && p[10] <= '9' && p[11] >= '0' && p[11] <= '9';
}

static int http_detect(int dir, const __u8 *p, size_t cap, __u16 server_port, int is_tcp)
{
	if (!is_tcp)
		return 0;
	if (dir == DIR_C2S)
		return method_len(p, cap) > 0;
	return is_status_line(p, cap);
}

/* The value of a header line p[0..eol) named `name` (with its colon), or NULL. */
static const __u8 *header_value(const __u8 *p, size_t eol, const char *name, size_t nl,
				size_t *vlen)
{
	const __u8 *v = p + nl;

	if (eol <= nl || strncasecmp((const char *)p, name, nl))
		return NULL;
	while (v < p + eol && (*v == ' ' || *v == '\t'))
		v++;
	*vlen = (size_t)(p + eol - v);
	return v;
}

/*
 * Bytes of body after a head of hlen bytes, or -1 when the head does not
 * say (chunked, or a response delimited by the connection's close). One pass
 * over the lines: a line is compared only when its first letter could match.
 */
static long long body_len(const __u8 *h, size_t hlen, int is_request)
{
	static const char te[] = "transfer-encoding:", cl[] = "content-length:";
	long long body = is_request ? 0 : -1;
	int seen_cl = 0;
	const __u8 *v;
	__u64 n;
	size_t vl, next;
	long eol;

	for (; (eol = l7_line(h, hlen, &next)) > 0; h += next, hlen -= next) {
		__u8 first = h[0] | 0x20;

		if (first == 't' && (v = header_value(h, (size_t)eol, te, sizeof(te) - 1, &vl))) {
			if (vl >= 7 && !strncasecmp((const char *)v + vl - 7, "chunked", 7))
				return -1;
		} else if (first == 'c' && !seen_cl &&
			   (v = header_value(h, (size_t)eol, cl, sizeof(cl) - 1, &vl))) {
			/* The first Content-Length counts, as long as no chunked coding follows. */
			seen_cl = 1;
			if (vl && l7_parse_u64(v, vl, &n) == vl)
				body = (long long)n;
		}
	}
	return body;
}

/*
 * Frame the head: *hlen gets its length including the blank line, or 0 when
 * the snippet ends before it. L7P_MORE when a whole segment ends first.
 */
static int head_end(const __u8 *p, size_t cap, __u64 len, size_t *hlen)
{
	const __u8 *q = p, *end = p + cap;

	*hlen = 0;
	/* The first empty line ("\r\n\r\n", or with bare "\n" line ends), found from its '\n'. */
	while (q < end && (q = memchr(q, '\n', (size_t)(end - q)))) {
		if ((q - p >= 1 && q[-1] == '\n') ||
		    (q - p >= 2 && q[-1] == '\r' && q[-2] == '\n')) {
			*hlen = (size_t)(q - p) + 1;
			return L7P_MSG;
		}
		q++;
	}
	if (cap == len && len < L7_HEAD_MAX)
		return L7P_MORE;
	return L7P_MSG;
}

static void set_len(struct l7_msg *m, size_t hlen, long long body)
{
	/* Unknown head end or body: the message runs to the end of the segment. */
	m->len = hlen && body >= 0 ? hlen + (__u64)body : 0;
}

/*
 * A request target with its secrets taken out: each query value and the
 * userinfo of an absolute URL become "?", names stay ("/login?user=?&token=?",
 * "http://?@host/"), as Hubble redacts them.
 */
static void redact_url(char *s)
{
	char out[L7_REQUEST_MAX], *q, *scheme = strstr(s, "://");
	size_t o = 0, i;

	if (scheme) {
		char *host = scheme + 3, *at = strchr(host, '@'), *slash = strchr(host, '/');

		/* scheme://user:pass@host... -> scheme://?@host... */
		if (at && (!slash || at < slash)) {
			memmove(host + 1, at, strlen(at) + 1);
			host[0] = '?';
		}
	}
	q = strchr(s, '?');
	if (!q)
		return;
	q++;
	memcpy(out, s, (size_t)(q - s));
	o = (size_t)(q - s);
	for (i = 0; q[i] && o < sizeof(out) - 2;) {
		out[o++] = q[i];
		if (q[i++] != '=')
			continue;
		out[o++] = '?';
		while (q[i] && q[i] != '&' && q[i] != ';' && q[i] != '#')
			i++;
	}
	out[o] = 0;
	memcpy(s, out, o + 1);
}

static int parse_request(const __u8 *p, size_t cap, __u64 len, struct l7_msg *m)
{
	int ml = method_len(p, cap);
	long eol, sp;
	size_t hlen, ulen, next;

	if (ml < 0)
		return cap == len ? L7P_MORE : L7P_NONE;
	if (!ml)
		return L7P_NONE;
	eol = l7_line(p, cap, &next);
	if (eol < 0 && cap == len && len < L7_HEAD_MAX)
		return L7P_MORE;
	ulen = eol < 0 ? cap : (size_t)eol;
	if (ulen < (size_t)ml)
		return L7P_NONE;
	ulen -= (size_t)ml;
	sp = l7_find(p + ml, ulen, ' ');
	if (eol >= 0) {
		/* A whole request line must end in the version: HTTP/2's preface does not. */
		if (sp < 0 || (size_t)eol - ml - sp - 1 != 8 ||
		    memcmp(p + ml + sp + 1, "HTTP/1.", 7))
			return L7P_NONE;
		ulen = (size_t)sp;
	} else if (sp >= 0) {
		ulen = (size_t)sp;
	}
	m->kind = L7M_REQUEST;
	l7_copy_text(m->command, sizeof(m->command), p, (size_t)ml - 1);
	l7_copy_text(m->request, sizeof(m->request), p + ml, ulen);
	if (ml == 5 && !memcmp(p, "HEAD", 4))
		m->flags = HTTP_F_HEAD;
	if (head_end(p, cap, len, &hlen) == L7P_MORE)
		return L7P_MORE;
	set_len(m, hlen, hlen ? body_len(p, hlen, 1) : -1);
	return L7P_MSG;
}

static int parse_response(const __u8 *p, size_t cap, __u64 len, const struct l7_pending *head,
			  struct l7_msg *m)
{
	size_t hlen;
	int code;

	if (!is_status_line(p, cap))
		return cap < 12 && cap == len && !memcmp(p, "HTTP/1.", cap < 7 ? cap : 7)
			   ? L7P_MORE
			   : L7P_NONE;
	if (head_end(p, cap, len, &hlen) == L7P_MORE)
		return L7P_MORE;
	code = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	/* Interim answers (100 Continue) are not the response. */
	m->kind = code / 100 == 1 && code != 101 ? L7M_IGNORE : L7M_RESPONSE;
	m->ends = 1;
	m->status_kind = L7_STATUS_CODE;
	m->status_code = code;
	m->is_error = code >= 400;
	if ((head && (head->flags & HTTP_F_HEAD)) || code / 100 == 1 || code == 204 || code == 304)
		set_len(m, hlen, 0);
	else
		set_len(m, hlen, hlen ? body_len(p, hlen, 0) : -1);
	return L7P_MSG;
}

static int http_parse(struct l7_conn *c, int dir, const __u8 *p, size_t cap, __u64 len,
		      const struct l7_pending *head, struct l7_msg *m)
{
	int r;

	if (dir != DIR_C2S)
		return parse_response(p, cap, len, head, m);
	r = parse_request(p, cap, len, m);
	if (r == L7P_MSG && !(c->opts && c->opts->keep_query))
		redact_url(m->request);
	return r;
}

const struct l7_proto_ops l7_http_ops = {
	.name = "http",
	.detect = http_detect,
	.parse = http_parse,
};
