// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <seccomp.h>
#include <sys/capability.h>

#include "agent/privilege.h"
#include "util/log.h"

static int cap_wanted(const struct privilege_opts *p, cap_value_t c)
{
	switch (c) {
	case CAP_NET_ADMIN: /* detach (netlink), and the watch's queries */
	case CAP_BPF:	    /* map reads and deletes where the kernel gates them */
		return 1;
	case CAP_SYS_ADMIN: /* libxdp's detach from its dispatcher looks programs up by id */
		return p->dispatcher;
	case CAP_DAC_READ_SEARCH: /* another user's view of /proc and OCI bundles */
		return p->socket_view && p->user;
	default:
		return 0;
	}
}

static int set_caps(const struct privilege_opts *p, int extra_setid)
{
	cap_t caps = cap_init();
	cap_value_t keep[8];
	int n = 0, err = 0;
	cap_value_t c;

	if (!caps)
		return -errno;
	for (c = 0; c <= CAP_LAST_CAP && n < 6; c++)
		if (cap_wanted(p, c))
			keep[n++] = c;
	if (extra_setid) {
		keep[n++] = CAP_SETUID;
		keep[n++] = CAP_SETGID;
	}
	if (cap_set_flag(caps, CAP_PERMITTED, n, keep, CAP_SET) ||
	    cap_set_flag(caps, CAP_EFFECTIVE, n, keep, CAP_SET) || cap_set_proc(caps))
		err = -errno;
	cap_free(caps);
	return err;
}

/* Out of the bounding set too, so no exec could get them back (NoNewPrivs aside). */
static void drop_bounding(const struct privilege_opts *p)
{
	cap_value_t c;

	if (!CAP_IS_SUPPORTED(CAP_SETPCAP))
		return;
	for (c = 0; c <= CAP_LAST_CAP; c++)
		if (!cap_wanted(p, c) && CAP_IS_SUPPORTED(c) && cap_drop_bound(c) &&
		    errno != EINVAL)
			return; /* without CAP_SETPCAP the set stays; effective caps still go */
}

static int switch_user(const struct privilege_opts *p)
{
	struct passwd *pw = getpwnam(p->user);

	if (!pw) {
		pr_err("--user %s: no such user\n", p->user);
		return -ENOENT;
	}
	if (prctl(PR_SET_KEEPCAPS, 1) || setgroups(1, &pw->pw_gid) || setgid(pw->pw_gid) ||
	    setuid(pw->pw_uid)) {
		int e = -errno;

		pr_err("--user %s: cannot switch to it: %s\n", p->user, strerror(-e));
		return e;
	}
	prctl(PR_SET_KEEPCAPS, 0);
	return 0;
}

int privilege_drop(const struct privilege_opts *p)
{
	int err;

	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	drop_bounding(p);
	err = set_caps(p, !!p->user);
	if (!err && p->user)
		err = switch_user(p);
	if (!err && p->user)
		err = set_caps(p, 0); /* setuid cleared the effective set; CAP_SETUID goes now */
	if (err) {
		pr_err("cannot drop privileges: %s\n", strerror(-err));
		return err;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		err = -errno;
		pr_err("cannot set NoNewPrivs: %s\n", strerror(-err));
		return err;
	}
	return 0;
}

/*
 * What a running agent calls: its loop (BPF map and ring-buffer reads, epoll,
 * clocks), the HTTP server (sockets, epoll, threads), the socket view (/proc
 * and OCI bundle reads), logging, the watch (netlink queries) and detaching
 * at the end (netlink). Anything else fails with EPERM rather than killing
 * the process, which would leave the programs attached.
 */
static const char *const allowed[] = {
	"read",
	"write",
	"readv",
	"writev",
	"pread64",
	"pwrite64",
	"lseek",
	"close",
	"openat",
	"open",
	"newfstatat",
	"fstat",
	"stat",
	"lstat",
	"statx",
	"statfs",
	"fstatfs",
	"getdents64",
	"readlink",
	"readlinkat",
	"access",
	"faccessat",
	"faccessat2",
	"fcntl",
	"dup",
	"dup2",
	"dup3",
	"ioctl",
	"mmap",
	"munmap",
	"mremap",
	"mprotect",
	"madvise",
	"brk",
	"futex",
	"futex_waitv",
	"set_robust_list",
	"get_robust_list",
	"rseq",
	"clone",
	"clone3",
	"exit",
	"exit_group",
	"gettid",
	"getpid",
	"getppid",
	"getuid",
	"geteuid",
	"getgid",
	"getegid",
	"tgkill",
	"tkill",
	"rt_sigaction",
	"rt_sigprocmask",
	"rt_sigreturn",
	"sigaltstack",
	"restart_syscall",
	"nanosleep",
	"clock_nanosleep",
	"clock_gettime",
	"clock_getres",
	"gettimeofday",
	"time",
	"sched_yield",
	"sched_getaffinity",
	"getrandom",
	"epoll_create",
	"epoll_create1",
	"epoll_ctl",
	"epoll_wait",
	"epoll_pwait",
	"epoll_pwait2",
	"poll",
	"ppoll",
	"select",
	"pselect6",
	"eventfd2",
	"pipe",
	"pipe2",
	"socket",
	"socketpair",
	"bind",
	"listen",
	"accept",
	"accept4",
	"connect",
	"getsockname",
	"getpeername",
	"setsockopt",
	"getsockopt",
	"sendto",
	"recvfrom",
	"sendmsg",
	"recvmsg",
	"sendmmsg",
	"recvmmsg",
	"shutdown",
	"bpf",
	"prctl",
	"uname",
	"sysinfo",
	"getrlimit",
	"prlimit64",
	"unlink",
	"unlinkat",
	"rename", /* --records-out file: rotation */
	"renameat",
	"renameat2",
	"flock",
	"ftruncate",
	"umount2",
	"membarrier",
	"sendfile",
};

int privilege_seccomp(const struct privilege_opts *p)
{
	scmp_filter_ctx ctx;
	size_t i;
	int err = 0;

	if (p->no_seccomp)
		return 0;
	ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!ctx) {
		pr_err("seccomp: cannot start a filter\n");
		return -ENOMEM;
	}
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && !err; i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i]);

		if (nr != __NR_SCMP_ERROR)
			err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
	/* Every thread, the HTTP server's included: they were started before. */
	if (!err)
		err = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (!err)
		err = seccomp_load(ctx);
	seccomp_release(ctx);
	if (err)
		pr_err("seccomp: cannot install the filter: %s (--no-seccomp runs without)\n",
		       strerror(-err));
	return err;
}
