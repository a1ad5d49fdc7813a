/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The address type every view shares. Kept apart from netobs.h so BPF
 * programs built on vmlinux.h (which has its own kernel types) can use it.
 */
#ifndef NETOBS_ADDR_H
#define NETOBS_ADDR_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Address in network byte order; IPv4 is stored IPv4-mapped (::ffff:a.b.c.d). */
struct netobs_addr {
	__u32 w[4];
};

#endif /* NETOBS_ADDR_H */
