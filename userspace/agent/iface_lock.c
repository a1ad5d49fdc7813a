// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/iface_lock.h"

static void lock_path(const char *ifname, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.lock", AGENT_RUN_DIR, ifname);
}

static int read_pid(int fd)
{
	char buf[16] = "";
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	return n > 0 ? atoi(buf) : 0;
}

int iface_lock(const char *ifname, int *holder)
{
	char path[128], pid[16];
	int fd, n;

	*holder = 0;
	if (mkdir(AGENT_RUN_DIR, 0755) && errno != EEXIST)
		return -errno;
	lock_path(ifname, path, sizeof(path));
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int e = errno == EWOULDBLOCK ? -EBUSY : -errno;

		*holder = read_pid(fd);
		close(fd);
		return e;
	}
	n = snprintf(pid, sizeof(pid), "%d\n", getpid());
	if (ftruncate(fd, 0) || pwrite(fd, pid, n, 0) != n) {
		n = -errno;
		close(fd);
		return n;
	}
	return fd;
}

int iface_lock_holder(const char *ifname)
{
	char path[128];
	int fd, pid = 0;

	lock_path(ifname, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK)
		pid = read_pid(fd);
	close(fd);
	return pid;
}

void iface_unlock(int fd, const char *ifname)
{
	char path[128];

	if (fd < 0)
		return;
	lock_path(ifname, path, sizeof(path));
	unlink(path);
	close(fd);
}
