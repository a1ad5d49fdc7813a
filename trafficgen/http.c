// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* An HTTP/1.1 client: N GETs, each on its own connection or all on one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tg.h"

#define HTTP_HEAD_MAX 16384

/* Read one response (head, then a Content-Length body); its status, or -1. */
static int read_response(int fd)
{
	char head[HTTP_HEAD_MAX + 1], *end, *cl, body[4096];
	size_t n = 0;
	long left;
	int status;

	while (n < HTTP_HEAD_MAX) {
		if (tg_read_full(fd, head + n, 1))
			return -1;
		n++;
		head[n] = 0;
		if (n >= 4 && !memcmp(head + n - 4, "\r\n\r\n", 4))
			break;
	}
	end = head + n;
	if (sscanf(head, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	cl = strcasestr(head, "\r\ncontent-length:");
	left = cl && cl < end ? strtol(cl + 17, NULL, 10) : 0;
	while (left > 0) {
		size_t chunk = left < (long)sizeof(body) ? (size_t)left : sizeof(body);

		if (tg_read_full(fd, body, chunk))
			return -1;
		left -= (long)chunk;
	}
	return status;
}

int tg_http_client(const char *connect, const char *path, long count, int keepalive)
{
	char req[1024];
	int fd = -1, status, codes[6] = { 0 };
	long i;

	snprintf(req, sizeof(req),
		 "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: netobs-trafficgen\r\n%s\r\n", path,
		 connect, keepalive ? "" : "Connection: close\r\n");
	for (i = 0; i < count; i++) {
		if (fd < 0 && (fd = tg_connect(connect)) < 0) {
			fprintf(stderr, "netobs-trafficgen: connect %s failed\n", connect);
			return 1;
		}
		if (tg_write_all(fd, req, strlen(req)) || (status = read_response(fd)) < 0) {
			fprintf(stderr, "netobs-trafficgen: request %ld failed\n", i);
			return 1;
		}
		codes[status / 100 < 6 ? status / 100 : 0]++;
		if (!keepalive) {
			close(fd);
			fd = -1;
		}
	}
	if (fd >= 0)
		close(fd);
	printf("http: %ld requests: 2xx %d, 3xx %d, 4xx %d, 5xx %d\n", count, codes[2], codes[3],
	       codes[4], codes[5]);
	return 0;
}
