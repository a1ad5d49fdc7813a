// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Container ids and pods from cgroup paths, pod names from OCI bundle fixtures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "socket/proc_ctx.h"

#define CID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define CRIO "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define ROOTS "tests/fixtures/oci/none:tests/fixtures/oci/containerd:tests/fixtures/oci/crio"

static void check(const char *path, const char *cid, const char *pod_uid)
{
	struct proc_ctx p;

	memset(&p, 0, sizeof(p));
	proc_ctx_from_cgroup_path(&p, path);
	assert_string_equal(p.container_id, cid);
	assert_string_equal(p.pod_uid, pod_uid);
}

static void test_cgroup_path_forms(void **state)
{
	/* docker, systemd driver and cgroupfs driver */
	check("/system.slice/docker-" CID ".scope", CID, "");
	check("/docker/" CID, CID, "");
	/* containerd under Kubernetes, systemd driver: the pod uid has underscores */
	check("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-"
	      "pod5f0c3d2e_8a41_4b7e_9c11_2d3e4f5a6b7c.slice/cri-containerd-" CID ".scope",
	      CID, "5f0c3d2e-8a41-4b7e-9c11-2d3e4f5a6b7c");
	/* cgroupfs driver */
	check("/kubepods/besteffort/pod5f0c3d2e-8a41-4b7e-9c11-2d3e4f5a6b7c/" CID, CID,
	      "5f0c3d2e-8a41-4b7e-9c11-2d3e4f5a6b7c");
	/* CRI-O */
	check("/kubepods.slice/kubepods-pod5f0c3d2e_8a41_4b7e_9c11_2d3e4f5a6b7c.slice/crio-" CRIO
	      ".scope",
	      CRIO, "5f0c3d2e-8a41-4b7e-9c11-2d3e4f5a6b7c");
	/* not containers */
	check("/user.slice/user-0.slice/session-1.scope", "", "");
	check("/", "", "");
	check("/system.slice/docker-0123.scope", "", ""); /* too short for an id */
}

static void test_pod_from_bundles(void **state)
{
	struct proc_ctx p;

	memset(&p, 0, sizeof(p));
	proc_ctx_from_cgroup_path(&p, "/system.slice/cri-containerd-" CID ".scope");
	assert_int_equal(proc_ctx_read_pod(&p, ROOTS), 0);
	assert_string_equal(p.pod_name, "web-7d4b9c8f6-x2x9q");
	assert_string_equal(p.pod_namespace, "shop");
	assert_string_equal(p.pod_uid, "5f0c3d2e-8a41-4b7e-9c11-2d3e4f5a6b7c");

	memset(&p, 0, sizeof(p));
	proc_ctx_from_cgroup_path(&p, "/kubepods.slice/crio-" CRIO ".scope");
	assert_int_equal(proc_ctx_read_pod(&p, ROOTS), 0);
	assert_string_equal(p.pod_name, "db-0");
	assert_string_equal(p.pod_namespace, "data");
	assert_string_equal(p.pod_uid, "aa11bb22-cc33-dd44-ee55-ff6677889900");

	/* No bundle for the id, or no container: nothing is made up. */
	memset(&p, 0, sizeof(p));
	proc_ctx_from_cgroup_path(&p, "/docker/" CRIO "0");
	assert_int_not_equal(proc_ctx_read_pod(&p, ROOTS), 0);
	assert_string_equal(p.pod_name, "");
}

static void test_from_pid(void **state)
{
	struct proc_ctx p;
	char comm[32];
	FILE *f = fopen("/proc/self/comm", "r");

	assert_non_null(f);
	assert_non_null(fgets(comm, sizeof(comm), f));
	fclose(f);
	comm[strcspn(comm, "\n")] = 0;
	memset(&p, 0, sizeof(p));
	assert_int_equal(proc_ctx_from_pid(&p, getpid(), "/proc"), 0);
	assert_int_equal(p.pid, getpid());
	assert_string_equal(p.comm, comm);
	assert_true(p.cgroup_path[0] == '/');
	assert_int_not_equal(proc_ctx_from_pid(&p, 0x7ffffff0, "/proc"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup_path_forms),
		cmocka_unit_test(test_pod_from_bundles),
		cmocka_unit_test(test_from_pid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
