// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <stdio.h>

#include "util/endpoint.h"

void endpoint_str(const struct netobs_addr *a, __u16 port, int family, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (family == 4) {
		inet_ntop(AF_INET, &a->w[3], ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, port);
	} else {
		inet_ntop(AF_INET6, a, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, port);
	}
}
