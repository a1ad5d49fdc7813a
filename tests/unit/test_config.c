// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* config.yaml: values land where they should; every mistake is named with its line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli/config.h"
#include "socket/sock_view.h"

static char path[64];
static char err[512];

static int load(const char *yaml, struct netobs_config *c)
{
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/netobs-config-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(yaml, f);
	fclose(f);
	config_defaults(c);
	err[0] = 0;
	fd = config_load(path, c, err, sizeof(err));
	unlink(path);
	return fd;
}

static void test_values(void **state)
{
	struct netobs_config c;

	assert_int_equal(load("http:\n  listen: \"0.0.0.0:9100\"\n  metrics_path: /m\n"
			      "ebpf:\n  max_flows: 5000\n  sampling_rate: 25\n"
			      "  perf_buffer_size: 65536\n  xdp_mode: generic\n"
			      "log:\n  level: debug\n  format: json\n"
			      "flows:\n  timeouts:\n    established: 60s\n    udp: 9\n"
			      "labels:\n  max_label_sets: 7\n",
			      &c),
			 0);
	assert_string_equal(c.listen, "0.0.0.0:9100");
	assert_string_equal(c.metrics_path, "/m");
	assert_int_equal(c.max_flows, 5000);
	assert_int_equal(c.sampling_pct, 25);
	assert_int_equal(c.ringbuf_bytes, 65536);
	assert_int_equal(c.mode, ATTACH_GENERIC);
	assert_int_equal(c.log_level, LOG_DEBUG);
	assert_int_equal(c.log_json, 1);
	assert_int_equal(c.timeouts.established_ns, 60 * NS_PER_SEC);
	assert_int_equal(c.timeouts.udp_ns, 9 * NS_PER_SEC);
	assert_int_equal(c.timeouts.opening_ns, 5 * NS_PER_SEC); /* untouched: default */
	assert_int_equal(c.max_label_sets, 7);
}

static void test_example_file_is_the_defaults(void **state)
{
	struct netobs_config c, d;

	config_defaults(&c);
	config_defaults(&d);
	assert_int_equal(config_load("deployments/config.yaml", &c, err, sizeof(err)), 0);
	assert_memory_equal(&c, &d, sizeof(c));
}

static void expect_error(const char *yaml, const char *const *words)
{
	struct netobs_config c;

	assert_int_equal(load(yaml, &c), -22);
	for (; *words; words++) {
		if (!strstr(err, *words))
			fail_msg("error '%s' lacks '%s'", err, *words);
	}
	assert_non_null(strstr(err, path));
}

static void test_unknown_key(void **state)
{
	const char *const w[] = { ":3:", "unknown key 'ebpf.max_flow'", "max_flows",
				  "sampling_rate", NULL };

	expect_error("ebpf:\n  sampling_rate: 5\n  max_flow: 10\n", w);
}

static void test_unknown_top_level(void **state)
{
	const char *const w[] = {
		":1:", "unknown key 'prometheus'", "http", "ebpf", "labels", NULL
	};

	expect_error("prometheus:\n  x: 1\n", w);
}

static void test_bad_values(void **state)
{
	const char *const rate[] = { ":2:", "ebpf.sampling_rate", "'0'", "1 to 100", NULL };
	const char *const pow2[] = { "ebpf.perf_buffer_size", "'5000'", "power of two", NULL };
	const char *const level[] = { ":2:", "log.level", "'loud'", "error, warn, info, debug",
				      NULL };
	const char *const secs[] = { "flows.timeouts.opening", "'-3'", "seconds", NULL };
	const char *const path_[] = { "http.metrics_path", "'metrics'", NULL };
	const char *const probes[] = { ":2:", "socket.probes", "'fentry'",
				       "auto, tracepoint, kprobe", NULL };
	const char *const snippet[] = { "l7.snippet_bytes", "'8192'", "16 to 4096", NULL };
	const char *const enabled[] = { "socket.enabled", "'yes'", "true, false", NULL };
	const char *const sample[] = { ":3:", "socket.sample_rate", "'101'", "1 to 100", NULL };

	expect_error("ebpf:\n  sampling_rate: 0\n", rate);
	expect_error("ebpf:\n  perf_buffer_size: 5000\n", pow2);
	expect_error("log:\n  level: loud\n", level);
	expect_error("flows:\n  timeouts:\n    opening: -3\n", secs);
	expect_error("http:\n  metrics_path: metrics\n", path_);
	expect_error("socket:\n  probes: fentry\n", probes);
	expect_error("l7:\n  snippet_bytes: 8192\n", snippet);
	expect_error("socket:\n  enabled: yes\n", enabled);
	expect_error("socket:\n  enabled: true\n  sample_rate: 101\n", sample);
}

static void test_socket_and_l7(void **state)
{
	struct netobs_config c;

	assert_int_equal(load("socket:\n  enabled: false\n  probes: kprobe\n"
			      "  oci_bundle_roots: /run/a:/run/b\n  sample_rate: 25\n"
			      "l7:\n  snippet_bytes: 64\n  show_sql_literals: true\n",
			      &c),
			 0);
	assert_int_equal(c.socket_view, 0);
	assert_int_equal(c.probe_mode, PROBE_KPROBE);
	assert_string_equal(c.bundle_roots, "/run/a:/run/b");
	assert_int_equal(c.sock_sample_pct, 25);
	assert_int_equal(c.snippet_bytes, 64);
	assert_int_equal(c.show_sql_literals, 1);
}

static void test_export(void **state)
{
	const char *const target[] = { ":2:", "export.records", "'udp://10.0.0.1:9'",
				       "unix:PATH, tcp://HOST:PORT", NULL };
	const char *const timeout[] = { "export.active_timeout", "'-1'", "0 (at exit only)", NULL };
	struct netobs_config c;

	assert_int_equal(load("export:\n  records: tcp://[fd00::1]:6000\n  records_queue: 9\n"
			      "  records_rotate_mb: 3\n  active_timeout: 0\n",
			      &c),
			 0);
	assert_string_equal(c.records, "tcp://[fd00::1]:6000");
	assert_int_equal(c.records_queue, 9);
	assert_int_equal(c.records_rotate_mb, 3);
	assert_int_equal(c.active_timeout_s, 0);
	expect_error("export:\n  records: udp://10.0.0.1:9\n", target);
	expect_error("export:\n  active_timeout: -1\n", timeout);
}

static void test_wrong_shape(void **state)
{
	const char *const w[] = { "ebpf", "expected a mapping", "max_flows", NULL };
	const char *const v[] = { "ebpf.max_flows", "expected a value", NULL };
	const char *const y[] = { "not valid YAML", NULL };

	expect_error("ebpf: 5\n", w);
	expect_error("ebpf:\n  max_flows: [1, 2]\n", v);
	expect_error("ebpf: [\n", y);
}

static void test_missing_file(void **state)
{
	struct netobs_config c;

	config_defaults(&c);
	assert_int_equal(config_load("/nonexistent/config.yaml", &c, err, sizeof(err)), -2);
	assert_non_null(strstr(err, "/nonexistent/config.yaml: No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_example_file_is_the_defaults),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_unknown_top_level),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_socket_and_l7),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_wrong_shape),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
