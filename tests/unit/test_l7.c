// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * L7 framers and pairing, driven segment by segment. Every expected record
 * follows from the bytes each test writes: pipelining, keep-alive bodies,
 * heads split across segments, snippets shorter than the call, errors,
 * and bytes that must produce nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "l7/l7.h"
#include "l7/record.h"

#define MAX_RECS 32

static struct l7_record recs[MAX_RECS];
static int nrecs;
static struct l7_stats stats;
static struct l7_options opts;
static struct l7_conn conn;

static void collect(void *ctx, const struct l7_record *r)
{
	assert_true(nrecs < MAX_RECS);
	recs[nrecs++] = *r;
}

static void start(int is_tcp, __u16 sport)
{
	struct netobs_addr a = { { 0, 0, 0x0000ffff, 0x0100000a } };
	struct netobs_addr b = { { 0, 0, 0x0000ffff, 0x0200000a } };

	nrecs = 0;
	memset(&stats, 0, sizeof(stats));
	l7_options_default(&opts);
	l7_conn_init(&conn, &opts, is_tcp, 4, &a, 40000, &b, sport);
}

/* A whole segment: everything it carries is known. */
static void seg(int dir, const char *p, size_t n, __u64 ts_us)
{
	l7_conn_feed(&conn, dir, (const __u8 *)p, n, n, ts_us * 1000, collect, NULL, &stats);
}

#define SEG(dir, lit, ts) seg(dir, lit, sizeof(lit) - 1, ts)

static void test_http_keepalive_and_pipelining(void **state)
{
	start(1, 80);
	SEG(DIR_C2S, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n", 100);
	SEG(DIR_S2C, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 350);
	/* Two pipelined requests in one segment, the second with a body. */
	SEG(DIR_C2S, "GET /b HTTP/1.1\r\n\r\nPOST /c HTTP/1.1\r\nContent-Length: 4\r\n\r\nGET ",
	    1000);
	/* Responses: the first body holds bytes that look like a status line. */
	SEG(DIR_S2C,
	    "HTTP/1.1 404 Not Found\r\nContent-Length: 17\r\n\r\nHTTP/1.1 200 OK\r\n"
	    "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n",
	    1500);
	assert_int_equal(nrecs, 3);
	assert_string_equal(recs[0].command, "GET");
	assert_string_equal(recs[0].request, "/a");
	assert_int_equal(recs[0].status_code, 200);
	assert_int_equal(recs[0].resp_ns - recs[0].req_ns, 250000);
	assert_string_equal(recs[1].request, "/b");
	assert_int_equal(recs[1].status_code, 404);
	assert_int_equal(recs[1].is_error, 1);
	assert_string_equal(recs[2].command, "POST");
	assert_string_equal(recs[2].request, "/c");
	assert_int_equal(recs[2].status_code, 503);
	assert_string_equal(l7_status_class(&recs[2]), "5xx");
	assert_int_equal(stats.unmatched_responses, 0);
}

static void test_http_head_split_across_segments(void **state)
{
	start(1, 8080);
	SEG(DIR_C2S, "GE", 10);
	SEG(DIR_C2S, "T /split/path HTTP/1.1\r\nUser-Ag", 11);
	SEG(DIR_C2S, "ent: t\r\n\r\n", 12);
	SEG(DIR_S2C, "HTTP/1.1 2", 20);
	SEG(DIR_S2C, "00 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", 21);
	SEG(DIR_S2C, "0\r\n\r\n", 22);
	/* A HEAD response has no body even with a Content-Length. */
	SEG(DIR_C2S, "HEAD /h HTTP/1.1\r\n\r\n", 30);
	SEG(DIR_S2C, "HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\n", 31);
	SEG(DIR_C2S, "GET /after HTTP/1.1\r\n\r\n", 40);
	SEG(DIR_S2C, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n\r\n", 41);
	assert_int_equal(nrecs, 3);
	assert_string_equal(recs[0].request, "/split/path");
	assert_int_equal(recs[0].req_ns, 12000); /* the request is whole at its last segment */
	assert_int_equal(recs[0].resp_ns, 21000);
	assert_string_equal(recs[1].command, "HEAD");
	assert_string_equal(recs[2].request, "/after");
	assert_int_equal(recs[2].status_code, 201);
}

static void test_http_snippet_shorter_than_body(void **state)
{
	char big[3000];
	const char *hdr = "HTTP/1.1 200 OK\r\nContent-Length: 2959\r\n\r\n";

	start(1, 80);
	memset(big, 'G', sizeof(big));
	memcpy(big, hdr, strlen(hdr));
	assert_int_equal(strlen(hdr) + 2959, sizeof(big));
	SEG(DIR_C2S, "GET /x HTTP/1.1\r\n\r\n", 1);
	/* Only 64 bytes of the 3000 are seen; the body's length is skipped anyway. */
	l7_conn_feed(&conn, DIR_S2C, (const __u8 *)big, 64, 1000, 2000, collect, NULL, &stats);
	l7_conn_feed(&conn, DIR_S2C, (const __u8 *)big + 1000, 64, 2000, 3000, collect, NULL,
		     &stats);
	SEG(DIR_C2S, "GET /y HTTP/1.1\r\n\r\n", 4);
	SEG(DIR_S2C, "HTTP/1.1 204 No Content\r\n\r\n", 5);
	assert_int_equal(nrecs, 2);
	assert_string_equal(recs[1].request, "/y");
	assert_int_equal(recs[1].status_code, 204);
	assert_int_equal(stats.resyncs, 0);
}

static void test_response_without_request_is_no_record(void **state)
{
	start(1, 80);
	SEG(DIR_C2S, "GET /q HTTP/1.1\r\n\r\n", 1);
	SEG(DIR_S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 2);
	SEG(DIR_S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 3);
	assert_int_equal(nrecs, 1);
	assert_int_equal(stats.unmatched_responses, 1);
}

/* MySQL packet: 3-byte length, sequence id, payload. */
static size_t mysql_pkt(char *out, __u8 seq, const char *payload, size_t n)
{
	out[0] = (char)(n & 0xff);
	out[1] = (char)((n >> 8) & 0xff);
	out[2] = (char)(n >> 16);
	out[3] = (char)seq;
	memcpy(out + 4, payload, n);
	return n + 4;
}

static void test_mysql_login_is_not_a_query(void **state)
{
	char b[512];
	size_t n;
	static const char greeting[] = "\x0a"
				       "10.11.6-MariaDB\0"
				       "\x01\x00\x00\x00"
				       "abcdefgh\0\xff\xf7\x08\x02\x00\xff\x81\x15";
	static const char login[] = "\x85\xa6\xff\x01\0\0\0\x01\x21";
	static const char ok[] = "\x00\x00\x00\x02\x00\x00\x00";
	static const char query[] = "\x03select * from k where id = 42 and name = 'bob'";
	static const char err[] = "\xff\x7a\x04#42S02Table 'db.k' doesn't exist";
	static const char init_db[] = "\x02shop";
	static const char quit[] = "\x01";

	start(1, 3306);
	n = mysql_pkt(b, 0, greeting, sizeof(greeting) - 1);
	seg(DIR_S2C, b, n, 1);
	n = mysql_pkt(b, 1, login, sizeof(login) - 1);
	seg(DIR_C2S, b, n, 2);
	n = mysql_pkt(b, 2, ok, sizeof(ok) - 1);
	seg(DIR_S2C, b, n, 3);
	n = mysql_pkt(b, 0, query, sizeof(query) - 1);
	seg(DIR_C2S, b, n, 10);
	n = mysql_pkt(b, 1, err, sizeof(err) - 1);
	seg(DIR_S2C, b, n, 15);
	n = mysql_pkt(b, 0, init_db, sizeof(init_db) - 1);
	seg(DIR_C2S, b, n, 20);
	n = mysql_pkt(b, 1, ok, sizeof(ok) - 1);
	seg(DIR_S2C, b, n, 21);
	n = mysql_pkt(b, 0, quit, 1);
	seg(DIR_C2S, b, n, 30);
	l7_conn_finish(&conn, collect, NULL, &stats);

	assert_int_equal(nrecs, 2);
	assert_string_equal(recs[0].command, "query");
	assert_string_equal(recs[0].request, "select * from k where id = ? and name = ?");
	assert_string_equal(recs[0].status, "ERR");
	assert_int_equal(recs[0].has_error_code, 1);
	assert_int_equal(recs[0].error_code_num, 1146);
	assert_int_equal(recs[0].resp_ns - recs[0].req_ns, 5000);
	assert_string_equal(recs[1].command, "init_db");
	assert_string_equal(recs[1].request, "shop");
	assert_string_equal(recs[1].status, "OK");
	assert_string_equal(l7_proto_name(recs[1].protocol), "mysql");
}

static void test_mysql_result_set_rows_are_one_response(void **state)
{
	char b[512];
	size_t n = 0;
	static const char query[] = "\x03SELECT 1";

	start(1, 3306);
	opts.show_sql_literals = 1;
	n = mysql_pkt(b, 0, query, sizeof(query) - 1);
	/* The connection is picked up mid-stream, from a whole COM_QUERY. */
	seg(DIR_C2S, b, n, 1);
	n = mysql_pkt(b, 1, "\x01", 1);
	n += mysql_pkt(b + n, 2,
		       "\x03"
		       "def",
		       4);
	n += mysql_pkt(b + n, 3, "\xfe\0\0\x02\0", 5);
	n += mysql_pkt(b + n, 4,
		       "\x01"
		       "1",
		       2);
	n += mysql_pkt(b + n, 5, "\xfe\0\0\x02\0", 5);
	seg(DIR_S2C, b, n, 3);
	assert_int_equal(nrecs, 1);
	assert_string_equal(recs[0].request, "SELECT 1");
	assert_string_equal(recs[0].status, "OK");
	assert_int_equal(stats.unmatched_responses, 0);
}

/* PostgreSQL typed message: type byte, 4-byte length, body. */
static size_t pg_msg(char *out, char type, const char *body, size_t n)
{
	__u32 len = (__u32)n + 4;

	out[0] = type;
	out[1] = (char)(len >> 24);
	out[2] = (char)(len >> 16);
	out[3] = (char)(len >> 8);
	out[4] = (char)len;
	memcpy(out + 5, body, n);
	return n + 5;
}

#define PG(out, t, lit) pg_msg(out, t, lit, sizeof(lit) - 1)

static void test_pgsql_simple_extended_and_error_skip(void **state)
{
	char b[1024];
	size_t n;
	static const char startup[] = "\0\0\0\x12\0\x03\0\0user\0bob\0\0";

	start(1, 5432);
	seg(DIR_C2S, startup, sizeof(startup) - 1, 1);
	n = PG(b, 'R', "\0\0\0\0");
	n += PG(b + n, 'S', "a\0b\0");
	n += PG(b + n, 'Z', "I");
	seg(DIR_S2C, b, n, 2);
	/* Simple query, two statements: one record, ended by ReadyForQuery. */
	n = PG(b, 'Q', "select 1; select \"Col\" from t where x = 'a'\0");
	seg(DIR_C2S, b, n, 10);
	n = PG(b, 'T', "..");
	n += PG(b + n, 'C', "SELECT 1\0");
	seg(DIR_S2C, b, n, 12);
	n = PG(b, 'C', "SELECT 1\0");
	n += PG(b + n, 'Z', "I");
	seg(DIR_S2C, b, n, 13);
	/* Extended: two Executes before one Sync; the first fails, the second is skipped. */
	n = PG(b, 'P', "\0insert into t values ($1)\0\0\0");
	n += PG(b + n, 'B', "\0\0\0\0\0\0");
	n += PG(b + n, 'E', "\0\0\0\0\0");
	n += PG(b + n, 'P', "\0select 2\0\0\0");
	n += PG(b + n, 'B', "\0\0\0\0\0\0");
	n += PG(b + n, 'E', "\0\0\0\0\0");
	n += PG(b + n, 'S', "");
	seg(DIR_C2S, b, n, 20);
	n = PG(b, '1', "");
	n += PG(b + n, '2', "");
	n += PG(b + n, 'E', "SERROR\0C42P01\0Mrelation \"t\" does not exist\0\0");
	n += PG(b + n, 'Z', "I");
	seg(DIR_S2C, b, n, 26);
	/* The next batch pairs with its own answer. */
	n = PG(b, 'P', "\0select 3\0\0\0");
	n += PG(b + n, 'B', "\0\0\0\0\0\0");
	n += PG(b + n, 'E', "\0\0\0\0\0");
	n += PG(b + n, 'S', "");
	seg(DIR_C2S, b, n, 30);
	n = PG(b, '1', "");
	n += PG(b + n, '2', "");
	n += PG(b + n, 'D', "\0\x01\0\0\0\x01\x33");
	n += PG(b + n, 'C', "SELECT 1\0");
	n += PG(b + n, 'Z', "I");
	seg(DIR_S2C, b, n, 33);

	assert_int_equal(nrecs, 3);
	assert_string_equal(recs[0].request, "select ?; select \"Col\" from t where x = ?");
	assert_int_equal(recs[0].resp_ns - recs[0].req_ns, 2000);
	assert_string_equal(recs[0].status, "OK");
	assert_string_equal(recs[1].request, "insert into t values ($1)");
	assert_string_equal(recs[1].status, "ERR");
	assert_string_equal(recs[1].error_code, "42P01");
	assert_string_equal(recs[2].request, "select ?");
	assert_string_equal(recs[2].status, "OK");
	assert_int_equal(recs[2].resp_ns - recs[2].req_ns, 3000);
	assert_int_equal(stats.dropped_requests, 1); /* the skipped Execute */
}

static void test_redis_pipeline_and_errors(void **state)
{
	start(1, 6379);
	SEG(DIR_C2S, "*3\r\n$3\r\nset\r\n$2\r\nk1\r\n$2\r\nv1\r\n*2\r\n$3\r\nGET\r\n$2\r\nk1\r\n",
	    5);
	SEG(DIR_S2C, "+OK\r\n$2\r\nv1\r\n", 9);
	SEG(DIR_C2S, "*2\r\n$4\r\nINCR\r\n$2\r\nk1\r\n", 20);
	SEG(DIR_S2C, "-ERR value is not an integer or out of range\r\n", 24);
	SEG(DIR_C2S, "*3\r\n$5\r\nLPUSH\r\n$1\r\nl\r\n$1\r\nx\r\n", 30);
	SEG(DIR_S2C, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 31);
	SEG(DIR_C2S, "*1\r\n$4\r\nKEYS\r\n", 40);
	SEG(DIR_S2C, "*2\r\n$1\r\na\r\n", 41); /* array split: its second element follows */
	SEG(DIR_S2C, "$1\r\nb\r\n", 42);
	assert_int_equal(nrecs, 5);
	assert_string_equal(recs[0].command, "SET");
	assert_string_equal(recs[0].request, "k1");
	assert_string_equal(recs[1].command, "GET");
	assert_int_equal(recs[1].resp_ns, 9000);
	assert_string_equal(recs[2].status, "ERR");
	assert_string_equal(recs[2].error_code, "ERR");
	assert_string_equal(recs[3].error_code, "WRONGTYPE");
	assert_string_equal(recs[4].command, "KEYS");
	assert_int_equal(recs[4].resp_ns, 42000);
	assert_int_equal(stats.unmatched_responses, 0);
}

static size_t dns_msg(char *b, __u16 id, int qr, int rcode, const char *name, __u16 type)
{
	size_t n = 12, l;
	const char *p = name;

	memset(b, 0, 12);
	b[0] = (char)(id >> 8);
	b[1] = (char)id;
	b[2] = (char)(qr ? 0x81 : 0x01);
	b[3] = (char)(qr ? 0x80 | rcode : 0);
	b[5] = 1;
	while (*p) {
		l = strcspn(p, ".");
		b[n++] = (char)l;
		memcpy(b + n, p, l);
		n += l;
		p += l + (p[l] == '.');
	}
	b[n++] = 0;
	b[n++] = (char)(type >> 8);
	b[n++] = (char)type;
	b[n++] = 0;
	b[n++] = 1;
	return n;
}

static void test_dns_matched_by_id(void **state)
{
	char b[256];
	size_t n;

	start(0, 53);
	n = dns_msg(b, 0x1111, 0, 0, "exists.example.test", 1);
	seg(DIR_C2S, b, n, 100);
	n = dns_msg(b, 0x2222, 0, 0, "missing.example.test", 28);
	seg(DIR_C2S, b, n, 110);
	n = dns_msg(b, 0x2222, 1, 3, "missing.example.test", 28);
	seg(DIR_S2C, b, n, 150);
	n = dns_msg(b, 0x1111, 1, 0, "exists.example.test", 1);
	seg(DIR_S2C, b, n, 400);
	n = dns_msg(b, 0x3333, 1, 0, "never.asked", 1);
	seg(DIR_S2C, b, n, 500);
	assert_int_equal(nrecs, 2);
	assert_string_equal(recs[0].command, "AAAA");
	assert_string_equal(recs[0].request, "missing.example.test");
	assert_string_equal(recs[0].status, "NXDOMAIN");
	assert_int_equal(recs[0].rcode, 3);
	assert_int_equal(recs[0].resp_ns - recs[0].req_ns, 40000);
	assert_string_equal(recs[1].command, "A");
	assert_string_equal(recs[1].status, "NOERROR");
	assert_int_equal(recs[1].resp_ns - recs[1].req_ns, 300000);
	assert_int_equal(stats.unmatched_responses, 1);
}

static void test_garbage_makes_no_record(void **state)
{
	__u8 b[1500];
	unsigned int i, s = 12345;
	int r;

	for (r = 0; r < 200; r++) {
		start(r & 1, (__u16)(r % 5 == 0 ? 53 : 80 + r));
		for (i = 0; i < sizeof(b); i++) {
			s = s * 1103515245 + 12345;
			b[i] = (__u8)(s >> 16);
		}
		/* Random bytes never start a conversation in any of the protocols. */
		l7_conn_feed(&conn, DIR_C2S, b, sizeof(b), sizeof(b), 1, collect, NULL, &stats);
		l7_conn_feed(&conn, DIR_S2C, b + 7, 700, 700, 2, collect, NULL, &stats);
		assert_int_equal(nrecs, 0);
		assert_int_equal(conn.proto, L7_NONE);
	}
}

static void test_sql_masking(void **state)
{
	char out[128];

	l7_mask_sql(out, sizeof(out), "select a1, 'it''s', \"q\" from t2 where x=-3.5e2 and y=0x1f",
		    1);
	assert_string_equal(out, "select a1, ?, ? from t2 where x=-? and y=?");
	l7_mask_sql(out, sizeof(out), "select \"Col\" from t where n = 'a\\'b' and $1", 0);
	assert_string_equal(out, "select \"Col\" from t where n = ? and $1");
	l7_mask_sql(out, 8, "select 'unterminated", 1);
	assert_string_equal(out, "select ");
}

static void test_record_json(void **state)
{
	char *s;

	start(1, 3306);
	memset(recs, 0, sizeof(recs[0]));
	recs[0].protocol = L7_MYSQL;
	recs[0].family = 4;
	recs[0].client = conn.client;
	recs[0].client_port = 40000;
	recs[0].server = conn.server;
	recs[0].server_port = 3306;
	strcpy(recs[0].command, "query");
	strcpy(recs[0].request, "select \"x\"\\");
	recs[0].status_kind = L7_STATUS_TEXT;
	strcpy(recs[0].status, "ERR");
	recs[0].has_error_code = 1;
	recs[0].error_code_num = 1146;
	recs[0].req_ns = 1000;
	recs[0].resp_ns = 351000;
	s = l7_record_json(&recs[0]);
	assert_non_null(s);
	assert_string_equal(
	    s,
	    "{\"record\":\"l7\",\"protocol\":\"mysql\",\"client\":\"10.0.0.1:40000\","
	    "\"server\":\"10.0.0.2:3306\",\"command\":\"query\",\"request\":"
	    "\"select \\\"x\\\"\\\\\",\"status\":\"ERR\",\"error_code\":1146,"
	    "\"latency_us\":350.0,\"request_ns\":1000,\"side\":\"wire\",\"pid\":null,\"comm\":null,"
	    "\"cgroup_id\":null,\"container_id\":null,\"pod\":null,"
	    "\"pod_namespace\":null,\"pod_uid\":null}");
	free(s);
	/* Bytes that are not UTF-8 are escaped, never dropped with the field. */
	strcpy(recs[0].request, "/caf\xe9?q=\xff\xfe ok \xc3\xa9");
	strcpy(recs[0].command, "GET");
	recs[0].protocol = L7_HTTP;
	s = l7_record_json(&recs[0]);
	assert_non_null(s);
	assert_non_null(strstr(s, "\"request\":\"/caf\\\\xe9?q=\\\\xff\\\\xfe ok \xc3\xa9\""));
	free(s);
}

/* RFC 9112 lets recipients take a bare LF as a line end. */
static void test_http_bare_lf_heads(void **state)
{
	start(1, 80);
	SEG(DIR_C2S, "GET /lf HTTP/1.1\nHost: x\n\n", 100);
	SEG(DIR_S2C, "HTTP/1.1 200 OK\nContent-Length: 2\n\nokHTTP/1.1 ", 300);
	SEG(DIR_C2S, "POST /mixed HTTP/1.0\r\nContent-Length: 3\n\r\nabc", 400);
	SEG(DIR_S2C, "HTTP/1.0 201 Created\r\n\n", 600);
	assert_int_equal(nrecs, 2);
	assert_string_equal(recs[0].request, "/lf");
	assert_int_equal(recs[0].status_code, 200);
	assert_int_equal(recs[0].resp_ns - recs[0].req_ns, 200000);
	assert_string_equal(recs[1].command, "POST");
	assert_string_equal(recs[1].request, "/mixed");
	assert_int_equal(recs[1].status_code, 201);
	assert_int_equal(stats.unmatched_responses, 0);
}

/* A leading 1-byte segment (a keepalive's byte, a stray one) hides nothing after it. */
static void test_stray_byte_before_request(void **state)
{
	start(1, 80);
	SEG(DIR_C2S, "x", 10);
	SEG(DIR_C2S, "GET /after HTTP/1.1\r\n\r\n", 100);
	SEG(DIR_S2C, "HTTP/1.1 204 No Content\r\n\r\n", 150);
	/* Detected, a stray byte that starts like a method ("G") waits, then gives way. */
	SEG(DIR_C2S, "G", 200);
	SEG(DIR_C2S, "GET /next HTTP/1.1\r\n\r\n", 300);
	SEG(DIR_S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 380);
	assert_int_equal(nrecs, 2);
	assert_string_equal(recs[0].request, "/after");
	assert_int_equal(recs[0].status_code, 204);
	assert_string_equal(recs[1].request, "/next");
	assert_int_equal(recs[1].resp_ns - recs[1].req_ns, 80000);
}

/*
 * A reply or a request longer than what one segment (or the head buffer)
 * holds is one message: its later segments, whatever they look like, are
 * followed to its end.
 */
static void test_redis_values_across_segments(void **state)
{
	static char big[6000];
	size_t n, off;
	int i;

	start(1, 6379);
	SEG(DIR_C2S, "*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n", 100);
	/* A 5000-byte bulk string whose later segments start like RESP replies. */
	n = (size_t)snprintf(big, sizeof(big), "$5000\r\n");
	for (i = 0; i < 5000; i++)
		big[n + i] = "+OK\r\n:1\r\n"[i % 10];
	memcpy(big + n + 5000, "\r\n", 2);
	n += 5002;
	/* Segments that start on the pattern: each looks like a "+OK" reply. */
	seg(DIR_S2C, big, 7 + 1440, 200);
	for (off = 7 + 1440; off < n; off += 1440)
		seg(DIR_S2C, big + off, n - off < 1440 ? n - off : 1440, 201);
	/* A SET whose value spans segments and holds what looks like requests. */
	SEG(DIR_C2S, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000\r\n", 300);
	for (i = 0; i < 3000; i++)
		big[i] = "*1\r\n$4\r\nPING\r\n"[i % 14];
	seg(DIR_C2S, big, 1400, 301); /* each starts like a PING request */
	seg(DIR_C2S, big + 1400, 1400, 302);
	seg(DIR_C2S, big + 2800, 200, 303);
	SEG(DIR_C2S, "\r\n", 304);
	SEG(DIR_S2C, "+OK\r\n", 400);
	/* An array reply of 300 bulk strings over several segments. */
	SEG(DIR_C2S, "*2\r\n$4\r\nKEYS\r\n$1\r\n*\r\n", 500);
	n = (size_t)snprintf(big, sizeof(big), "*300\r\n");
	for (i = 0; i < 300; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "$5\r\nk%04d\r\n", i);
	for (off = 0; off < n; off += 1000)
		seg(DIR_S2C, big + off, n - off < 1000 ? n - off : 1000, 600);
	SEG(DIR_C2S, "*1\r\n$4\r\nPING\r\n", 700);
	SEG(DIR_S2C, "+PONG\r\n", 750);
	assert_int_equal(nrecs, 4);
	assert_string_equal(recs[0].command, "GET");
	assert_string_equal(recs[0].status, "OK");
	assert_string_equal(recs[1].command, "SET");
	assert_string_equal(recs[1].request, "k");
	assert_int_equal(recs[1].resp_ns, 400000);
	assert_string_equal(recs[2].command, "KEYS");
	assert_string_equal(recs[3].command, "PING");
	assert_int_equal(recs[3].resp_ns - recs[3].req_ns, 50000);
	assert_int_equal(stats.unmatched_responses, 0);
	assert_int_equal(stats.dropped_requests, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_keepalive_and_pipelining),
		cmocka_unit_test(test_http_head_split_across_segments),
		cmocka_unit_test(test_http_snippet_shorter_than_body),
		cmocka_unit_test(test_response_without_request_is_no_record),
		cmocka_unit_test(test_mysql_login_is_not_a_query),
		cmocka_unit_test(test_mysql_result_set_rows_are_one_response),
		cmocka_unit_test(test_pgsql_simple_extended_and_error_skip),
		cmocka_unit_test(test_redis_pipeline_and_errors),
		cmocka_unit_test(test_dns_matched_by_id),
		cmocka_unit_test(test_garbage_makes_no_record),
		cmocka_unit_test(test_sql_masking),
		cmocka_unit_test(test_record_json),
		cmocka_unit_test(test_http_bare_lf_heads),
		cmocka_unit_test(test_stray_byte_before_request),
		cmocka_unit_test(test_redis_values_across_segments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
