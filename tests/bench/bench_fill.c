// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Fill a running agent's flow table with N established TCP flows, so the
 * agent's scrape time and memory can be measured at that size, and their
 * label sets' latency histograms. The maps are found from the XDP program on
 * IFACE (its maps named "flows", "lat_sets", "lat_hists" and "lat_slots_used").
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

static int map_of(int ifindex, const char *name)
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

		if (mfd >= 0 && !bpf_obj_get_info_by_fd(mfd, &mi, &ml) && !strcmp(mi.name, name))
			return mfd;
	}
	return -ENOENT;
}

/*
 * The flows' samples in their label sets' histograms (the first CPU's), laid
 * out as the datapath hands them out: the interface's "other" set in slot 1,
 * then one set per server port.
 */
static int fill_hists(int ifindex, int n)
{
	int sets = map_of(ifindex, "lat_sets"), hists = map_of(ifindex, "lat_hists");
	int used = map_of(ifindex, "lat_slots_used"), ncpus = libbpf_num_possible_cpus();
	__u32 zero = 0, slot = 1, i;
	struct lat_hist *v;
	int err = 0;

	if (sets == -ENOENT) {
		printf("bench_fill: the agent keeps no latency histograms per label set\n");
		return 0; /* an agent from before they left the flow entry: nothing to fill */
	}
	if (sets < 0 || hists < 0 || used < 0)
		return sets < 0 ? sets : hists < 0 ? hists : used;
	if (ncpus < 0)
		return ncpus;
	v = calloc(ncpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i <= 200 && (int)i <= n && !err; i++, slot++) {
		struct lat_key k = { .ifindex = ifindex,
				     .server_port = i ? 1000 + i - 1 : 0,
				     .role = ROLE_SERVER };
		__u64 flows = i ? n / 200 + ((int)i - 1 < n % 200) : 0;
		__u32 index = slot - 1;

		v[0].buckets[LAT_RTT][4] = v[0].buckets[LAT_RTT][5] = 2 * flows;
		v[0].sum_ns[LAT_RTT] = 1200000 * flows;
		v[0].count[LAT_RTT] = 4 * flows;
		if (bpf_map_update_elem(hists, &index, v, BPF_ANY) ||
		    bpf_map_update_elem(sets, &k, &slot, BPF_NOEXIST))
			err = -errno;
	}
	if (!err && bpf_map_update_elem(used, &zero, &(__u32){ slot - 1 }, BPF_ANY))
		err = -errno;
	free(v);
	return err;
}

int main(int argc, char **argv)
{
	struct flow_entry e;
	struct timespec ts;
	int fd, i, n, ifindex, err;

	if (argc != 3) {
		fprintf(stderr, "usage: bench_fill IFACE N\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	n = atoi(argv[2]);
	fd = ifindex ? map_of(ifindex, "flows") : -ENODEV;
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
		}
		if (bpf_map_update_elem(fd, &s->key, &e, BPF_NOEXIST)) {
			fprintf(stderr, "bench_fill: insert %d: %s\n", i, strerror(errno));
			return 1;
		}
	}
	err = fill_hists(ifindex, n);
	if (err) {
		fprintf(stderr, "bench_fill: latency histograms: %s\n", strerror(-err));
		return 1;
	}
	printf("bench_fill: %d flows in the table on %s\n", n, argv[1]);
	return 0;
}
