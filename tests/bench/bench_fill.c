// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Fill a running agent's flow table with N established TCP flows, so the
 * agent's scrape time and memory can be measured at that size. The map is
 * found from the XDP program on IFACE (its map named "flows").
 *
 * usage: bench_fill IFACE N
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "netobs.h"

static int flows_map_of(int ifindex)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), ids[16], prog_id = 0, i;
	int fd;

	if (bpf_xdp_query_id(ifindex, 0, &prog_id) || !prog_id)
		return -ENOENT;
	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return -errno;
	info.nr_map_ids = 16;
	info.map_ids = (unsigned long)ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	for (i = 0; i < info.nr_map_ids; i++) {
		struct bpf_map_info mi = {};
		__u32 ml = sizeof(mi);
		int mfd = bpf_map_get_fd_by_id(ids[i]);

		if (mfd >= 0 && !bpf_obj_get_info_by_fd(mfd, &mi, &ml) && !strcmp(mi.name, "flows"))
			return mfd;
	}
	return -ENOENT;
}

int main(int argc, char **argv)
{
	struct flow_entry e;
	struct timespec ts;
	int fd, i, n, ifindex;

	if (argc != 3) {
		fprintf(stderr, "usage: bench_fill IFACE N\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	n = atoi(argv[2]);
	fd = ifindex ? flows_map_of(ifindex) : -ENODEV;
	if (fd < 0) {
		fprintf(stderr, "bench_fill: no netobs flow table on %s: %s\n", argv[1],
			strerror(-fd));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	for (i = 0; i < n; i++) {
		struct flow_stats *s = &e.s;
		int d;

		memset(&e, 0, sizeof(e));
		s->key.family = 4;
		s->key.proto = IPPROTO_TCP;
		s->key.lo_addr.w[2] = s->key.hi_addr.w[2] = htonl(0xffff);
		s->key.lo_addr.w[3] = htonl(0x0a000001);
		s->key.hi_addr.w[3] = htonl(0x0a010000 + i / 50000);
		s->key.lo_port = 1000 + i % 200; /* 200 server ports: label sets to fold */
		s->key.hi_port = 10000 + i % 50000;
		s->flow_id = i + 1;
		s->first_seen_ns = s->last_seen_ns = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
		s->state = FS_ESTABLISHED;
		s->host_role = ROLE_SERVER;
		s->ifindex = ifindex;
		s->flags = FF_HANDSHAKE_SEEN | FF_RTT_SERVER | FF_RTT_CLIENT;
		s->rtt_server_ns = 100000 + i;
		s->rtt_client_ns = 200000 + i;
		for (d = 0; d < 2; d++) {
			s->side[d].packets = 10 + d;
			s->side[d].bytes = 1000 + d;
			s->side[d].ack_rtt.count = 2;
			s->side[d].ack_rtt.sum_ns = 600000;
			s->side[d].ack_rtt.min_ns = 200000;
			s->side[d].ack_rtt.max_ns = 400000;
			s->side[d].ack_rtt.buckets[4] = 1;
			s->side[d].ack_rtt.buckets[5] = 1;
		}
		if (bpf_map_update_elem(fd, &s->key, &e, BPF_NOEXIST)) {
			fprintf(stderr, "bench_fill: insert %d: %s\n", i, strerror(errno));
			return 1;
		}
	}
	printf("bench_fill: %d flows in the table on %s\n", n, argv[1]);
	return 0;
}
