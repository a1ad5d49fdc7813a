// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The NDJSON record stream: targets, delivery, a full queue, file rotation. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "export/record_stream.h"

static void test_targets(void **state)
{
	static const char *const bad[] = { "",
					   "unix:",
					   "file:",
					   "udp://127.0.0.1:9",
					   "tcp://localhost:9",
					   "tcp://127.0.0.1",
					   "tcp://127.0.0.1:0",
					   "tcp://127.0.0.1:70000",
					   "tcp://[::1]9",
					   "tcp://:9",
					   "127.0.0.1:9" };
	struct record_target t;
	size_t i;

	assert_int_equal(record_target_parse("unix:/run/x.sock", &t), 0);
	assert_int_equal(t.kind, SINK_UNIX);
	assert_string_equal(t.path, "/run/x.sock");
	assert_int_equal(record_target_parse("file:/var/log/r.ndjson", &t), 0);
	assert_int_equal(t.kind, SINK_FILE);
	assert_int_equal(record_target_parse("tcp://10.1.2.3:6000", &t), 0);
	assert_int_equal(t.kind, SINK_TCP);
	assert_string_equal(t.host, "10.1.2.3");
	assert_string_equal(t.port, "6000");
	assert_int_equal(record_target_parse("tcp://[fd00::1]:6000", &t), 0);
	assert_string_equal(t.host, "fd00::1");
	assert_string_equal(t.port, "6000");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct record_target before = t;

		assert_int_equal(record_target_parse(bad[i], &t), -EINVAL);
		assert_memory_equal(&t, &before, sizeof(t)); /* untouched */
	}
}

static struct record_stream *open_at(const char *spec, __u32 queue, __u64 rotate)
{
	struct record_stream_opts o;

	record_stream_opts_default(&o);
	assert_int_equal(record_target_parse(spec, &o.target), 0);
	o.queue_lines = queue;
	if (rotate)
		o.rotate_bytes = rotate;
	o.backoff_max_ms = 200;
	return record_stream_open(&o);
}

static void test_unix_delivery(void **state)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	char path[64], spec[80], got[64] = "";
	struct record_stream *s;
	size_t have = 0;
	int l, c;

	snprintf(path, sizeof(path), "/tmp/netobs-rs-%d.sock", getpid());
	snprintf(spec, sizeof(spec), "unix:%s", path);
	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
	unlink(path);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(l, (struct sockaddr *)&un, sizeof(un)), 0);
	assert_int_equal(listen(l, 1), 0);
	s = open_at(spec, 16, 0);
	assert_non_null(s);
	record_stream_push(s, "{\"a\":1}", 7);
	record_stream_push(s, "{\"b\":2}", 7);
	record_stream_push(s, "{}", 2);
	c = accept(l, NULL, NULL);
	assert_true(c >= 0);
	while (have < 19) {
		ssize_t n = read(c, got + have, sizeof(got) - 1 - have);

		assert_true(n > 0);
		have += n;
	}
	assert_string_equal(got, "{\"a\":1}\n{\"b\":2}\n{}\n");
	record_stream_close(s, 1000);
	close(c);
	close(l);
	unlink(path);
}

static void test_full_queue_drops_and_counts(void **state)
{
	struct record_stream_stats st;
	struct record_stream *s = open_at("unix:/nonexistent/netobs.sock", 4, 0);
	int i;

	assert_non_null(s);
	for (i = 0; i < 10; i++)
		record_stream_push(s, "{}", 2);
	record_stream_stats(s, &st);
	assert_int_equal(st.dropped, 6);
	assert_int_equal(st.written, 0);
	assert_int_equal(st.connected, 0);
	record_stream_close(s, 0); /* the 4 still queued count as dropped too */
}

static int count_lines(const char *path, size_t *bytes)
{
	FILE *f = fopen(path, "r");
	int n = 0, ch;

	*bytes = 0;
	if (!f)
		return -1;
	while ((ch = fgetc(f)) != EOF) {
		n += ch == '\n';
		(*bytes)++;
	}
	fclose(f);
	return n;
}

static void test_file_rotates_by_size(void **state)
{
	char path[64], old[72], spec[80], line[31];
	struct record_stream *s;
	size_t bytes, old_bytes;
	int i;

	snprintf(path, sizeof(path), "/tmp/netobs-rs-%d.ndjson", getpid());
	snprintf(old, sizeof(old), "%s.1", path);
	snprintf(spec, sizeof(spec), "file:%s", path);
	unlink(path);
	unlink(old);
	memset(line, 'x', 30);
	s = open_at(spec, 16, 100);
	assert_non_null(s);
	/* 31 bytes a line with its newline: 3 fit in 100, the 4th starts a new file. */
	for (i = 0; i < 5; i++)
		record_stream_push(s, line, 30);
	record_stream_close(s, 2000);
	assert_int_equal(count_lines(old, &old_bytes), 3);
	assert_int_equal(old_bytes, 93);
	assert_int_equal(count_lines(path, &bytes), 2);
	assert_int_equal(bytes, 62);
	unlink(path);
	unlink(old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_unix_delivery),
		cmocka_unit_test(test_full_queue_drops_and_counts),
		cmocka_unit_test(test_file_rotates_by_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
