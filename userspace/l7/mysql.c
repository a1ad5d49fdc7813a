// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * MySQL/MariaDB client/server protocol: 3-byte length, sequence id, payload.
 * A command is a client packet with sequence id 0; its response starts with
 * the server's packet 1 (OK, ERR, EOF, or a result set's column count). The
 * greeting (server packet 0) and the login exchange (later sequence ids)
 * frame as nothing to pair.
 */
#include "l7/l7.h"
#include "l7/bytes.h"

#define MYSQL_HDR 4
#define MYSQL_GREETING_MAX 1024

struct mysql_cmd {
	const char *name;
	int no_response;
	int sql; /* payload is statement text */
};

static const struct mysql_cmd *command(__u8 code)
{
	static const struct mysql_cmd cmds[] = {
		[0x01] = { "quit", 1, 0 },
		[0x02] = { "init_db", 0, 0 },
		[0x03] = { "query", 0, 1 },
		[0x04] = { "field_list", 0, 0 },
		[0x05] = { "create_db", 0, 0 },
		[0x06] = { "drop_db", 0, 0 },
		[0x07] = { "refresh", 0, 0 },
		[0x09] = { "statistics", 0, 0 },
		[0x0a] = { "process_info", 0, 0 },
		[0x0c] = { "process_kill", 0, 0 },
		[0x0d] = { "debug", 0, 0 },
		[0x0e] = { "ping", 0, 0 },
		[0x11] = { "change_user", 0, 0 },
		[0x16] = { "stmt_prepare", 0, 1 },
		[0x17] = { "stmt_execute", 0, 0 },
		[0x18] = { "stmt_send_long_data", 1, 0 },
		[0x19] = { "stmt_close", 1, 0 },
		[0x1a] = { "stmt_reset", 0, 0 },
		[0x1b] = { "set_option", 0, 0 },
		[0x1c] = { "stmt_fetch", 0, 0 },
		[0x1f] = { "reset_connection", 0, 0 },
	};

	if (code < sizeof(cmds) / sizeof(cmds[0]) && cmds[code].name)
		return &cmds[code];
	return NULL;
}

static int printable(const __u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t') || p[i] == 0x7f)
			return 0;
	return 1;
}

static int mysql_detect(int dir, const __u8 *p, size_t cap, __u16 server_port, int is_tcp)
{
	__u32 plen;

	if (!is_tcp || cap < MYSQL_HDR + 1)
		return 0;
	plen = l7_le24(p);
	if (dir == DIR_S2C) {
		/* Greeting: protocol 10 and a NUL-terminated printable version. */
		long nul = l7_find(p + 5, cap - 5, 0);

		return p[3] == 0 && p[4] == 10 && plen > 20 && plen < MYSQL_GREETING_MAX &&
		       nul > 0 && printable(p + 5, (size_t)nul);
	}
	/* Mid-connection: a whole COM_QUERY with readable text. */
	return p[3] == 0 && p[4] == 0x03 && plen + MYSQL_HDR == cap && plen > 1 &&
	       printable(p + 5, plen - 1);
}

static int mysql_parse(struct l7_conn *c, int dir, const __u8 *p, size_t cap, __u64 len,
		       const struct l7_pending *head, struct l7_msg *m)
{
	const struct mysql_cmd *cmd;
	__u32 plen;
	__u8 seq;

	if (cap < MYSQL_HDR + 1)
		return cap == len ? L7P_MORE : L7P_NONE;
	plen = l7_le24(p);
	seq = p[3];
	if (!plen)
		return L7P_NONE;
	m->len = MYSQL_HDR + (__u64)plen;
	if (cap == len && m->len > len && m->len <= L7_HEAD_MAX)
		return L7P_MORE;
	m->kind = L7M_IGNORE;
	if (dir == DIR_C2S) {
		if (seq != 0)
			return L7P_MSG; /* login, auth switch, long data */
		cmd = command(p[4]);
		if (!cmd)
			return L7P_NONE;
		m->kind = L7M_REQUEST;
		m->no_response = cmd->no_response;
		l7_copy_text(m->command, sizeof(m->command), (const __u8 *)cmd->name,
			     strlen(cmd->name));
		if (cmd->sql || p[4] == 0x02) {
			size_t n = cap - MYSQL_HDR - 1;
			char text[L7_REQUEST_MAX];

			if (n > plen - 1)
				n = plen - 1;
			l7_copy_text(text, sizeof(text), p + 5, n);
			if (cmd->sql && !c->opts->show_sql_literals)
				l7_mask_sql(m->request, sizeof(m->request), text, 1);
			else
				memcpy(m->request, text, sizeof(m->request));
		}
		return L7P_MSG;
	}
	if (seq != 1)
		return L7P_MSG; /* greeting, login replies, result-set rows */
	m->kind = L7M_RESPONSE;
	m->ends = 1;
	m->status_kind = L7_STATUS_TEXT;
	if (p[4] == 0xff) {
		m->is_error = 1;
		memcpy(m->status, "ERR", 4);
		if (cap >= MYSQL_HDR + 3 && plen >= 3) {
			m->has_error_code = 1;
			m->error_code_num = (int)l7_le16(p + 5);
		}
	} else {
		memcpy(m->status, "OK", 3);
	}
	return L7P_MSG;
}

const struct l7_proto_ops l7_mysql_ops = {
	.name = "mysql",
	.detect = mysql_detect,
	.parse = mysql_parse,
};
