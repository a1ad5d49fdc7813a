// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The kernel's own per-program run-time statistics over a command: turns
 * them on with bpf_enable_stats(BPF_STATS_RUN_TIME) (held while it runs),
 * reads run_time_ns and run_cnt of each program before and after the
 * command, and prints, per program: "ID NS_PER_RUN RUNS" over the command.
 *
 * usage: bench_runtime PROG_ID[,PROG_ID...] -- COMMAND [ARGS...]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>

#define MAX_PROGS 8

static int prog_stats(int fd, __u64 *ns, __u64 *cnt)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*ns = info.run_time_ns;
	*cnt = info.run_cnt;
	return 0;
}

int main(int argc, char **argv)
{
	__u64 ns0[MAX_PROGS], cnt0[MAX_PROGS], ns1 = 0, cnt1 = 0;
	int fds[MAX_PROGS], ids[MAX_PROGS], n = 0, stats, status, i;
	char *tok, *save = NULL;
	pid_t pid;

	if (argc < 4 || strcmp(argv[2], "--")) {
		fprintf(stderr, "usage: bench_runtime PROG_ID[,PROG_ID...] -- COMMAND [ARGS...]\n");
		return 2;
	}
	for (tok = strtok_r(argv[1], ",", &save); tok && n < MAX_PROGS;
	     tok = strtok_r(NULL, ",", &save)) {
		ids[n] = atoi(tok);
		fds[n] = bpf_prog_get_fd_by_id(ids[n]);
		if (fds[n] < 0) {
			fprintf(stderr, "bench_runtime: program %d: %s\n", ids[n], strerror(errno));
			return 1;
		}
		n++;
	}
	stats = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats < 0) {
		fprintf(stderr, "bench_runtime: bpf_enable_stats: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++)
		if (prog_stats(fds[i], &ns0[i], &cnt0[i]))
			return 1;
	pid = fork();
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 1;
	for (i = 0; i < n; i++) {
		if (prog_stats(fds[i], &ns1, &cnt1))
			return 1;
		printf("%d %.1f %llu\n", ids[i],
		       cnt1 > cnt0[i] ? (double)(ns1 - ns0[i]) / (cnt1 - cnt0[i]) : 0.0,
		       (unsigned long long)(cnt1 - cnt0[i]));
	}
	close(stats);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
