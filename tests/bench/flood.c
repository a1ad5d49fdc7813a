// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * UDP flood for the veth benchmark: `flood send IP PORT SECONDS` sends
 * 64-byte datagrams as fast as sendmmsg allows; `flood recv PORT SECONDS`
 * counts what arrives and prints packets per second.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	char buf[BATCH][64];
	int s = socket(AF_INET, SOCK_DGRAM, 0), i, n, rcvbuf = 1 << 24;
	double end, start;
	unsigned long long count = 0;

	if (argc < 4 || s < 0)
		return 2;
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	if (!strcmp(argv[1], "send") && argc == 5) {
		inet_pton(AF_INET, argv[2], &a.sin_addr);
		a.sin_port = htons(atoi(argv[3]));
		if (connect(s, (struct sockaddr *)&a, sizeof(a)))
			return 1;
		end = now() + atof(argv[4]);
		while (now() < end)
			sendmmsg(s, msgs, BATCH, 0);
		return 0;
	}
	a.sin_port = htons(atoi(argv[2]));
	setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)))
		return 1;
	struct timeval tv = { 0, 200000 };

	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	start = 0;
	end = now() + atof(argv[3]) + 5;
	while (now() < end) {
		n = recvmmsg(s, msgs, BATCH, 0, NULL);
		if (n > 0) {
			if (!start)
				start = now();
			count += n;
		} else if (start && now() - start > atof(argv[3])) {
			break; /* the sender stopped */
		}
	}
	printf("%.0f\n", start ? count / (now() - start) : 0.0);
	return 0;
}
