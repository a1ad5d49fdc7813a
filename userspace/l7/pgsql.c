// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * PostgreSQL frontend/backend protocol v3: a type byte and a 4-byte length.
 *
 * A simple Query is one request, answered up to ReadyForQuery. In the
 * extended protocol each Execute is one request, carrying the statement of
 * the last Parse, and is answered up to its CommandComplete (or an error);
 * ReadyForQuery closes the batch up to the client's Sync, dropping the
 * Executes the server skipped after an error. Startup, SSL/GSS requests and
 * the login exchange are framed as nothing to pair.
 */
#include "l7/l7.h"
#include "l7/bytes.h"

#define PG_F_SIMPLE 1
#define PG_STARTUP_V3 196608U
#define PG_SSL_REQUEST 80877103U
#define PG_GSSENC_REQUEST 80877104U
#define PG_CANCEL_REQUEST 80877102U
#define PG_MSG_MAX (1U << 30)

static int untyped_code(__u32 code)
{
	return code == PG_STARTUP_V3 || code == PG_SSL_REQUEST || code == PG_GSSENC_REQUEST ||
	       code == PG_CANCEL_REQUEST;
}

static int pgsql_detect(int dir, const __u8 *p, size_t cap, __u16 server_port, int is_tcp)
{
	__u32 len;

	if (!is_tcp || dir != DIR_C2S || cap < 8)
		return 0;
	/* Startup-phase message: length, then a known protocol or request code. */
	len = l7_be32(p);
	if (len >= 8 && len < 10000 && untyped_code(l7_be32(p + 4)))
		return 1;
	/* Mid-connection: a whole simple Query ending in its NUL. */
	len = l7_be32(p + 1);
	return p[0] == 'Q' && len + 1 == cap && len > 5 && p[cap - 1] == 0;
}

/* The NUL-terminated text at p (within cap), masked unless asked not to. */
static void sql_text(const struct l7_conn *c, char *dst, size_t dst_len, const __u8 *p, size_t cap)
{
	char text[L7_REQUEST_MAX];

	l7_copy_text(text, sizeof(text), p, cap);
	if (c->opts->show_sql_literals)
		memcpy(dst, text, dst_len < sizeof(text) ? dst_len : sizeof(text));
	else
		l7_mask_sql(dst, dst_len, text, 0);
	dst[dst_len - 1] = '\0';
}

static void request(struct l7_msg *m, int flags)
{
	m->kind = L7M_REQUEST;
	m->flags = flags;
	memcpy(m->command, "query", 6);
}

static int frontend(struct l7_conn *c, const __u8 *p, size_t cap, struct l7_msg *m)
{
	long nul;

	m->kind = L7M_IGNORE;
	switch (p[0]) {
	case 'Q':
		request(m, PG_F_SIMPLE | L7F_BATCH_CLOSE);
		sql_text(c, m->request, sizeof(m->request), p + 5, cap - 5);
		return L7P_MSG;
	case 'P': /* Parse: statement name, then the statement */
		nul = l7_find(p + 5, cap - 5, 0);
		if (nul >= 0)
			sql_text(c, c->stmt, sizeof(c->stmt), p + 5 + nul + 1, cap - 5 - nul - 1);
		else
			c->stmt[0] = '\0';
		return L7P_MSG;
	case 'E':
		request(m, 0);
		memcpy(m->request, c->stmt, sizeof(m->request));
		return L7P_MSG;
	case 'S':
		m->flags = L7F_BATCH_CLOSE;
		return L7P_MSG;
	case 'B':
	case 'D':
	case 'C':
	case 'H':
	case 'X':
	case 'p':
	case 'd':
	case 'c':
	case 'f':
		return L7P_MSG;
	}
	return L7P_NONE;
}

/* SQLSTATE from an ErrorResponse's fields: type byte, NUL-terminated value. */
static void error_fields(const __u8 *p, size_t n, struct l7_msg *m)
{
	size_t i = 0;

	while (i < n && p[i]) {
		long nul = l7_find(p + i + 1, n - i - 1, 0);

		if (nul < 0)
			return;
		if (p[i] == 'C') {
			m->has_error_code = 1;
			l7_copy_text(m->error_code, sizeof(m->error_code), p + i + 1, (size_t)nul);
			return;
		}
		i += (size_t)nul + 2;
	}
}

static int backend(const __u8 *p, size_t cap, const struct l7_pending *head, struct l7_msg *m)
{
	int extended = head && !(head->flags & PG_F_SIMPLE);

	m->kind = L7M_RESPONSE;
	m->status_kind = L7_STATUS_TEXT;
	memcpy(m->status, "OK", 3);
	switch (p[0]) {
	case 'Z':
		m->batch_end = 1;
		return L7P_MSG;
	case 'E':
		m->is_error = 1;
		memcpy(m->status, "ERR", 4);
		error_fields(p + 5, cap - 5, m);
		m->ends = extended;
		return L7P_MSG;
	case 'C':
	case 'I':
	case 's':
		m->ends = extended;
		return L7P_MSG;
	case '1':
	case '2':
	case '3':
	case 'T':
	case 'D':
	case 'n':
	case 't':
	case 'G':
	case 'H':
	case 'W':
	case 'd':
	case 'c':
	case 'V':
		return L7P_MSG;
	case 'R':
	case 'S':
	case 'K':
	case 'N':
	case 'A':
	case 'v':
		m->kind = L7M_IGNORE; /* login, parameters, notices */
		return L7P_MSG;
	}
	return L7P_NONE;
}

static int pgsql_parse(struct l7_conn *c, int dir, const __u8 *p, size_t cap, __u64 len,
		       const struct l7_pending *head, struct l7_msg *m)
{
	__u32 mlen;

	if (dir == DIR_S2C && len == 1 && (p[0] == 'S' || p[0] == 'N')) {
		m->kind = L7M_IGNORE; /* the answer to an SSL or GSS request */
		m->len = 1;
		return L7P_MSG;
	}
	if (cap < 5)
		return cap == len ? L7P_MORE : L7P_NONE;
	if (dir == DIR_C2S && p[0] == 0 && cap >= 8 && untyped_code(l7_be32(p + 4))) {
		m->kind = L7M_IGNORE;
		m->len = l7_be32(p);
		/* The startup's own batch ends with the login's ReadyForQuery. */
		m->flags = l7_be32(p + 4) == PG_STARTUP_V3 ? L7F_BATCH_CLOSE : 0;
		return m->len >= 8 ? L7P_MSG : L7P_NONE;
	}
	mlen = l7_be32(p + 1);
	if (mlen < 4 || mlen > PG_MSG_MAX)
		return L7P_NONE;
	m->len = 1 + (__u64)mlen;
	if (cap == len && m->len > len && m->len <= L7_HEAD_MAX)
		return L7P_MORE;
	/* Fields are read only from the bytes at hand; texts stop at the snippet's end. */
	if (cap > m->len)
		cap = m->len;
	return dir == DIR_C2S ? frontend(c, p, cap, m) : backend(p, cap, head, m);
}

const struct l7_proto_ops l7_pgsql_ops = {
	.name = "postgresql",
	.detect = pgsql_detect,
	.parse = pgsql_parse,
};
