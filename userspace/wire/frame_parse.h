/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The wire engine's header parser, for userspace code that reads frames. */
#ifndef NETOBS_WIRE_PARSE_USER_H
#define NETOBS_WIRE_PARSE_USER_H

#include "wire/parse.h"

/*
 * Parse an Ethernet frame with the same code the XDP and TC programs run:
 * 1 and *p filled (addresses, ports, TCP fields, payload offset and length)
 * for a TCP or UDP packet, 0 for anything else.
 */
int wire_user_parse(const void *frame, __u32 len, struct pkt_info *p);

#endif /* NETOBS_WIRE_PARSE_USER_H */
