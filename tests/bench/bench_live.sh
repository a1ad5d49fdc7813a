#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Live datapath cost by the kernel's run-time statistics (bench_runtime):
# ns per program run over an in-order TCP bulk transfer and over a
# request/response load between two namespaces, with the bare programs and
# then with the agent on both ends (rounds alternate; medians). The
# receiver's XDP and the sender's TC see the data, the other two the ACKs.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/netns-pair.sh
BUILD=build
NS=nolive$$
ROUNDS=${LIVE_ROUNDS:-3}
BYTES=${LIVE_BYTES:-500000000}
RR_SECONDS=${LIVE_RR_SECONDS:-3}
agents=()
srv=""

cleanup() {
	for a in "${agents[@]}"; do kill "$a" 2>/dev/null && wait "$a" 2>/dev/null; done
	[ -n "$srv" ] && kill "$srv" 2>/dev/null
	netns_pair_del ${NS}a ${NS}b
}
trap cleanup EXIT

# Sender in ns a (la0), receiver in ns b (lb0).
netns_pair ${NS}a ${NS}b la0 lb0 10.88.0.1/24 10.88.0.2/24
ip -n ${NS}b link set lo up

# XDP and TC program ids on DEV in NS: "XDP_ID,TC_ID".
prog_ids() {
	ip netns exec "$1" bpftool -j net show dev "$2" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)[0]
x = d["xdp"][0]
print("%d,%d" % (x.get("id") or x["multi_attachments"][0]["id"], d["tc"][0]["id"]))'
}

attach_bare() {
	local ns dev
	for ns_dev in ${NS}a:la0 ${NS}b:lb0; do
		ns=${ns_dev%%:*}
		dev=${ns_dev#*:}
		ip -n "$ns" link set dev "$dev" xdpdrv obj $BUILD/tests/bare_xdp.bpf.o sec xdp
		ip netns exec "$ns" tc qdisc add dev "$dev" clsact
		ip netns exec "$ns" tc filter add dev "$dev" egress bpf da \
			obj $BUILD/tests/bare_tc.bpf.o sec tc
	done
}

detach_bare() {
	ip -n ${NS}a link set dev la0 xdpdrv off
	ip -n ${NS}b link set dev lb0 xdpdrv off
	ip netns exec ${NS}a tc qdisc del dev la0 clsact
	ip netns exec ${NS}b tc qdisc del dev lb0 clsact
}

attach_agents() {
	local port=19601 ns dev
	for ns_dev in ${NS}a:la0 ${NS}b:lb0; do
		ns=${ns_dev%%:*}
		dev=${ns_dev#*:}
		ip netns exec "$ns" bin/netobs-xdp -q attach "$dev" --mode native \
			--no-socket-view --listen 127.0.0.1:$port &
		agents+=($!)
		for _ in $(seq 100); do
			ip netns exec "$ns" curl -sf -o /dev/null http://127.0.0.1:$port/healthz &&
				break
			sleep 0.1
		done
		port=$((port + 1))
	done
}

detach_agents() {
	for a in "${agents[@]}"; do kill -TERM "$a" && wait "$a" || true; done
	agents=()
}

# One load under bench_runtime; prints "rx_xdp rx_tc tx_xdp tx_tc" ns per run.
measure() {
	local ids out
	ids="$(prog_ids ${NS}b lb0),$(prog_ids ${NS}a la0)"
	out=$($BUILD/tests/bench_runtime "$ids" -- "$@")
	# Only bench_runtime's lines: "ID NS_PER_RUN RUNS" (the load prints too).
	echo "$out" | awk 'NF == 3 && $1 ~ /^[0-9]+$/ { printf "%s ", $2 } END { print "" }'
}

bulk() {
	ip netns exec ${NS}b socat -u TCP-LISTEN:5001,reuseaddr /dev/null &
	srv=$!
	sleep 0.3
	measure ip netns exec ${NS}a sh -c \
		"head -c $BYTES /dev/zero | socat -u - TCP:10.88.0.2:5001"
	wait $srv || true
	srv=""
}

rr() {
	ip netns exec ${NS}b bin/netobs-trafficgen bench-server --listen 10.88.0.2:5002 \
		>/dev/null &
	srv=$!
	sleep 0.3
	measure ip netns exec ${NS}a bin/netobs-trafficgen bench-client \
		--connect 10.88.0.2:5002 --seconds "$RR_SECONDS" --size 100
	kill $srv
	wait $srv 2>/dev/null || true
	srv=""
}

declare -A runs
for _ in $(seq "$ROUNDS"); do
	attach_bare
	runs[bare_bulk]+="$(bulk);"
	runs[bare_rr]+="$(rr);"
	detach_bare
	attach_agents
	runs[wire_bulk]+="$(bulk);"
	runs[wire_rr]+="$(rr);"
	detach_agents
done

# report NAME LOAD COLUMN: the median over rounds of (wire - bare) in that column.
report() {
	/usr/bin/python3 - "$1" "${runs[wire_$2]}" "${runs[bare_$2]}" "$3" <<'PY'
import statistics, sys
name, wire, bare, col = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
w = [float(r.split()[col]) for r in wire.split(";") if r.strip()]
b = [float(r.split()[col]) for r in bare.split(";") if r.strip()]
print("BENCH %s %.1f ns (%.1f with the programs, %.1f bare)"
      % (name, statistics.median(x - y for x, y in zip(w, b)), statistics.median(w),
         statistics.median(b)))
PY
}
report live_xdp_data_over_bare_ns bulk 0
report live_tc_ack_over_bare_ns bulk 1
report live_xdp_ack_over_bare_ns bulk 2
report live_tc_data_over_bare_ns bulk 3
report live_xdp_rr_over_bare_ns rr 0
report live_tc_rr_over_bare_ns rr 1
