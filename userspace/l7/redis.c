// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Redis RESP2/RESP3: a request is an array of bulk strings (or an inline
 * command line); every reply value answers the oldest request, pushes (>)
 * answer none. Values are framed exactly so pipelined replies stay paired.
 */
#include <ctype.h>

#include "l7/l7.h"
#include "l7/bytes.h"

#define RESP_DEPTH_MAX 8

/* Length of the RESP value at p[0..n), 0 when incomplete, -1 when malformed. */
static long long resp_value(const __u8 *p, size_t n, int depth)
{
	long eol;
	__u64 v;
	size_t used, i;
	long long sub;
	int neg;

	if (!n)
		return 0;
	if (depth > RESP_DEPTH_MAX)
		return -1;
	eol = l7_find_crlf(p, n);
	if (eol < 0)
		return n > 4096 ? -1 : 0;
	switch (p[0]) {
	case '+':
	case '-':
	case ':':
	case '_':
	case ',':
	case '#':
	case '(':
		return eol + 2;
	case '$':
	case '!':
	case '=': /* bulk: length, data, CRLF; -1 is null */
		if (eol == 3 && p[1] == '-' && p[2] == '1')
			return eol + 2;
		if (l7_parse_u64(p + 1, (size_t)eol - 1, &v) != (size_t)eol - 1 || eol < 2)
			return -1;
		if ((__u64)eol + 2 + v + 2 > n)
			return v > (1ULL << 32) ? -1 : 0;
		return eol + 2 + (long long)v + 2;
	case '*':
	case '%':
	case '~':
	case '>':
	case '|':
		neg = eol == 3 && p[1] == '-' && p[2] == '1';
		if (neg)
			return eol + 2;
		if (l7_parse_u64(p + 1, (size_t)eol - 1, &v) != (size_t)eol - 1 || eol < 2 ||
		    v > 1000000)
			return -1;
		if (p[0] == '%' || p[0] == '|')
			v *= 2;
		used = (size_t)eol + 2;
		for (i = 0; i < v; i++) {
			sub = resp_value(p + used, n - used, depth + 1);
			if (sub <= 0)
				return sub;
			used += (size_t)sub;
		}
		return (long long)used;
	}
	return -1;
}

/* One value read at the current level: close every aggregate it completes. */
static void cont_value_done(struct l7_cont *s)
{
	while (s->depth) {
		if (--s->left[s->depth - 1])
			return;
		s->depth--;
	}
}

/* A whole header line (type byte, text, without CRLF) of the value being read. */
static int cont_header(struct l7_cont *s, const __u8 *h, size_t n)
{
	__u64 v;

	if (!n)
		return -1;
	switch (h[0]) {
	case '$':
	case '!':
	case '=':
		if (n == 3 && h[1] == '-' && h[2] == '1')
			break;
		if (n < 2 || l7_parse_u64(h + 1, n - 1, &v) != n - 1)
			return -1;
		s->bulk = v + 2;
		return 0;
	case '*':
	case '%':
	case '~':
	case '>':
	case '|':
		if (n == 3 && h[1] == '-' && h[2] == '1')
			break;
		if (n < 2 || l7_parse_u64(h + 1, n - 1, &v) != n - 1 || v > 1000000)
			return -1;
		if (h[0] == '%' || h[0] == '|')
			v *= 2;
		if (!v)
			break;
		if (s->depth >= L7_CONT_DEPTH)
			return -1;
		s->left[s->depth++] = (__u32)v;
		return 0;
	case '+':
	case '-':
	case ':':
	case '_':
	case ',':
	case '#':
	case '(':
		break;
	default:
		return -1;
	}
	cont_value_done(s);
	return 0;
}

/*
 * Follow RESP values through p[0..n): bulk bytes skipped, header lines
 * gathered across segments. Returns the bytes used: less than n when the
 * value ended (s->active then 0), or -1 when the bytes are no RESP.
 */
static long long cont_walk(struct l7_cont *s, const __u8 *p, size_t n)
{
	size_t i = 0, take;

	while (i < n && s->depth) {
		if (s->bulk) {
			take = s->bulk < n - i ? s->bulk : n - i;
			i += take;
			s->bulk -= take;
			if (!s->bulk)
				cont_value_done(s);
			continue;
		}
		if (p[i] != '\n') {
			if (s->line_len >= L7_CONT_LINE)
				return -1;
			s->line[s->line_len++] = p[i++];
			continue;
		}
		i++;
		if (!s->line_len || s->line[s->line_len - 1] != '\r' ||
		    cont_header(s, s->line, s->line_len - 1))
			return -1;
		s->line_len = 0;
	}
	s->active = s->depth > 0;
	return (long long)i;
}

/*
 * A value longer than the bytes at hand: framed from its start now, and
 * followed through the rest of the stream (l7_conn_feed() gives up where
 * it cannot see the bytes) so that none of them looks like a message. 1 when
 * it is followed, else 0.
 */
static int cont_start(struct l7_conn *c, int dir, const __u8 *p, size_t cap)
{
	struct l7_cont *s = &c->cont[dir];

	memset(s, 0, sizeof(*s));
	s->depth = 1;
	s->left[0] = 1;
	if (cont_walk(s, p, cap) != (long long)cap || !s->active) {
		s->active = 0;
		return 0;
	}
	return 1;
}

static __u64 redis_resume(struct l7_conn *c, int dir, const __u8 *p, size_t cap, __u64 len)
{
	struct l7_cont *s = &c->cont[dir];
	long long used = cont_walk(s, p, cap);

	if (used < 0) {
		s->active = 0; /* not RESP: given up */
		return len;
	}
	if (!s->active)
		return (__u64)used;
	/* Bytes beyond the snippet are followed only inside a bulk value. */
	if (len > cap) {
		if (s->bulk >= len - cap) {
			s->bulk -= len - cap;
			if (!s->bulk)
				cont_value_done(s);
			s->active = s->depth > 0;
		} else {
			s->active = 0;
		}
	}
	return len;
}

/*
 * The i-th bulk string of the request array at p, or NULL; *blen gets the
 * bytes of it at hand, *whole whether that is all of it.
 */
static const __u8 *bulk(const __u8 *p, size_t n, unsigned int idx, size_t *blen, int *whole)
{
	long eol = l7_find_crlf(p, n);
	size_t off;
	unsigned int i;
	__u64 v;

	if (eol < 0)
		return NULL;
	off = (size_t)eol + 2;
	for (i = 0;; i++) {
		if (off >= n || p[off] != '$')
			return NULL;
		eol = l7_find_crlf(p + off, n - off);
		if (eol < 2 || l7_parse_u64(p + off + 1, (size_t)eol - 1, &v) != (size_t)eol - 1)
			return NULL;
		off += (size_t)eol + 2;
		if (i == idx) {
			*blen = n - off < v ? n - off : v;
			*whole = *blen == v;
			return p + off;
		}
		off += v + 2;
	}
}

/* A request array's command name and first argument (if it has one) are whole at p. */
static int names_whole(const __u8 *p, size_t n)
{
	size_t blen;
	int whole;
	__u64 count;
	long eol = l7_find_crlf(p, n);

	if (eol < 2 || l7_parse_u64(p + 1, (size_t)eol - 1, &count) != (size_t)eol - 1 ||
	    !bulk(p, n, 0, &blen, &whole) || !whole)
		return 0;
	return count < 2 || (bulk(p, n, 1, &blen, &whole) && whole);
}

static int redis_detect(int dir, const __u8 *p, size_t cap, __u16 server_port, int is_tcp)
{
	long eol;
	__u64 v;

	if (!is_tcp || dir != DIR_C2S || cap < 8 || p[0] != '*')
		return 0;
	eol = l7_find_crlf(p, cap);
	return eol >= 2 && l7_parse_u64(p + 1, (size_t)eol - 1, &v) == (size_t)eol - 1 && v &&
	       (size_t)eol + 2 < cap && p[eol + 2] == '$';
}

static void upper(char *s)
{
	for (; *s; s++)
		*s = (char)toupper((unsigned char)*s);
}

static int request(struct l7_conn *c, const __u8 *p, size_t cap, __u64 len, struct l7_msg *m)
{
	long long vlen;
	const __u8 *b;
	size_t blen;
	long eol, sp;
	int whole;

	m->kind = L7M_REQUEST;
	if (p[0] != '*') { /* inline command: words on one line */
		eol = l7_find_crlf(p, cap);
		if (eol < 0)
			return cap == len && len < L7_HEAD_MAX ? L7P_MORE : L7P_NONE;
		sp = l7_find(p, (size_t)eol, ' ');
		l7_copy_text(m->command, sizeof(m->command), p, sp < 0 ? (size_t)eol : (size_t)sp);
		if (sp >= 0)
			l7_copy_text(m->request, sizeof(m->request), p + sp + 1,
				     (size_t)(eol - sp - 1));
		upper(m->command);
		m->len = (__u64)eol + 2;
		return m->command[0] ? L7P_MSG : L7P_NONE;
	}
	vlen = resp_value(p, cap, 0);
	if (vlen < 0)
		return L7P_NONE;
	if (!vlen && cap == len && len < L7_HEAD_MAX && !names_whole(p, cap))
		return L7P_MORE; /* the command and its first argument are not whole yet */
	b = bulk(p, cap, 0, &blen, &whole);
	if (!b)
		return L7P_NONE;
	/* 0 when the value goes on: the rest of the segment, or followed across segments. */
	m->len = (__u64)vlen;
	if (!vlen && cont_start(c, DIR_C2S, p, cap))
		m->len = len;
	l7_copy_text(m->command, sizeof(m->command), b, blen);
	upper(m->command);
	b = bulk(p, cap, 1, &blen, &whole);
	if (b)
		l7_copy_text(m->request, sizeof(m->request), b, blen);
	return L7P_MSG;
}

static int reply(struct l7_conn *c, const __u8 *p, size_t cap, __u64 len, struct l7_msg *m)
{
	long long vlen = resp_value(p, cap, 0);
	long sp;

	if (vlen < 0)
		return L7P_NONE;
	if (!vlen && cap == len && len < L7_HEAD_MAX)
		return L7P_MORE;
	m->len = (__u64)vlen;
	if (!vlen && cont_start(c, DIR_S2C, p, cap))
		m->len = len;
	m->kind = p[0] == '>' ? L7M_IGNORE : L7M_RESPONSE;
	m->ends = 1;
	m->status_kind = L7_STATUS_TEXT;
	if (p[0] == '-' || p[0] == '!') {
		m->is_error = 1;
		memcpy(m->status, "ERR", 4);
		sp = l7_find(p + 1, cap - 1, ' ');
		if (sp < 0)
			sp = l7_find_crlf(p + 1, cap - 1);
		if (sp > 0) {
			m->has_error_code = 1;
			l7_copy_text(m->error_code, sizeof(m->error_code), p + 1, (size_t)sp);
		}
	} else {
		memcpy(m->status, "OK", 3);
	}
	return L7P_MSG;
}

static int redis_parse(struct l7_conn *c, int dir, const __u8 *p, size_t cap, __u64 len,
		       const struct l7_pending *head, struct l7_msg *m)
{
	return dir == DIR_C2S ? request(c, p, cap, len, m) : reply(c, p, cap, len, m);
}

const struct l7_proto_ops l7_redis_ops = {
	.name = "redis",
	.detect = redis_detect,
	.parse = redis_parse,
	.resume = redis_resume,
};
