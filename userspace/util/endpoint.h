/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Endpoints as flow and L7 records print them. */
#ifndef NETOBS_UTIL_ENDPOINT_H
#define NETOBS_UTIL_ENDPOINT_H

#include <stddef.h>
#include <linux/types.h>

#include "netobs_addr.h"

/* "ADDR:PORT", IPv6 as "[ADDR]:PORT"; @family is 4 or 6. */
void endpoint_str(const struct netobs_addr *a, __u16 port, int family, char *buf, size_t len);

#endif /* NETOBS_UTIL_ENDPOINT_H */
