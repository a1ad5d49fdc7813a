# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Two network namespaces joined by a veth pair, for the demos and benchmarks
# (sourced, not run).

# netns_pair NS_A NS_B DEV_A DEV_B [ADDR_A/PREFIX ADDR_B/PREFIX]: both ends up,
# with addresses when given, and loopback up in NS_A, where the agent listens.
netns_pair() {
	ip netns add "$1"
	ip netns add "$2"
	ip link add "$3" netns "$1" type veth peer "$4" netns "$2"
	if [ $# -ge 6 ]; then
		ip -n "$1" addr add "$5" dev "$3"
		ip -n "$2" addr add "$6" dev "$4"
	fi
	ip -n "$1" link set "$3" up
	ip -n "$2" link set "$4" up
	ip -n "$1" link set lo up
}

# netns_pair_del NS_A NS_B: the namespaces and the veth pair go; quiet when absent.
netns_pair_del() {
	ip netns del "$1" 2>/dev/null || true
	ip netns del "$2" 2>/dev/null || true
}
