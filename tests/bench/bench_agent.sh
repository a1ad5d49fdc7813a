#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Agent benchmarks: a UDP flood over a veth pair without and with the agent
# (whole, and with --no-socket-view)
# (rounds alternate, so both see the same machine), then the agent's scrape
# time and memory with 100k flows in its table.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/netns-pair.sh
. tests/bench/lib/agent.sh
BUILD=build
NS=nobench$$
PORT=19499
SECONDS_PER_ROUND=${FLOOD_SECONDS:-3}
ROUNDS=${FLOOD_ROUNDS:-5}
N_FLOWS=${BENCH_FLOWS:-100000}
trap agent_cleanup EXIT

netns_pair ${NS}a ${NS}b ba0 bb0 10.89.0.1/24 10.89.0.2/24

# Receiver in ns a (XDP on ba0 sees every datagram), sender in ns b.
flood() {
	ip netns exec ${NS}a $BUILD/tests/flood recv 9999 "$SECONDS_PER_ROUND" >/tmp/flood.$$ &
	local rx=$!
	sleep 0.3
	ip netns exec ${NS}b $BUILD/tests/flood send 10.89.0.1 9999 "$SECONDS_PER_ROUND"
	wait $rx
	cat /tmp/flood.$$
	rm -f /tmp/flood.$$
}

without=()
bare=()
with=()
wire=()
for _ in $(seq "$ROUNDS"); do
	without+=("$(flood)")
	# A bare XDP_PASS program: native XDP alone moves veth to its NAPI path.
	ip netns exec ${NS}a xdp-loader load -m native ba0 $BUILD/tests/bare_xdp.bpf.o
	bare+=("$(flood)")
	ip netns exec ${NS}a xdp-loader unload ba0 --all
	agent_start bin/netobs-xdp ba0
	with+=("$(flood)")
	agent_stop
	# The wire view alone: the socket probes also run on every sendmmsg of the flood.
	agent_start bin/netobs-xdp ba0 --no-socket-view
	wire+=("$(flood)")
	agent_stop
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
wo=$(median "${without[@]}")
wb=$(median "${bare[@]}")
wi=$(median "${with[@]}")
ww=$(median "${wire[@]}")
echo "BENCH veth_pps_without $wo packets/s"
echo "BENCH veth_pps_bare_xdp $wb packets/s"
echo "BENCH veth_pps_with $wi packets/s"
echo "BENCH veth_pps_with_wire_only $ww packets/s"
awk -v a="$wo" -v b="$wi" 'BEGIN { printf "BENCH veth_pps_loss_pct %.1f %%\n", (a - b) * 100 / a }'
awk -v a="$wb" -v b="$wi" 'BEGIN { printf "BENCH veth_pps_loss_vs_bare_xdp_pct %.1f %%\n", (a - b) * 100 / a }'
awk -v a="$wb" -v b="$ww" 'BEGIN { printf "BENCH veth_pps_wire_only_loss_vs_bare_xdp_pct %.1f %%\n", (a - b) * 100 / a }'

agent_start bin/netobs-xdp ba0 --max-flows $((N_FLOWS + 10000))
ip netns exec ${NS}a $BUILD/tests/bench_fill ba0 "$N_FLOWS" >/dev/null
# Idle but for its once-a-second sweep (which walks the whole table): CPU per second.
echo "BENCH sweep_cpu_ms_per_s_$((N_FLOWS / 1000))k_flows $(agent_idle_cpu_ms_per_s) ms"
best=$(agent_best_scrape_s)
ft=$(ip netns exec ${NS}a curl -s -o /dev/null -w '%{time_total}' \
	"http://127.0.0.1:$PORT/flows?limit=100")
awk -v t="$best" -v n="$N_FLOWS" 'BEGIN { printf "BENCH scrape_ms_%dk_flows %.1f ms\n", n / 1000, t * 1000 }'
awk -v t="$ft" -v n="$N_FLOWS" 'BEGIN { printf "BENCH flows_endpoint_ms_%dk_flows %.1f ms\n", n / 1000, t * 1000 }'
hwm=$(agent_hwm_kb)
awk -v k="$hwm" -v n="$N_FLOWS" 'BEGIN { printf "BENCH agent_rss_mb_%dk_flows %.1f MB\n", n / 1000, k / 1024 }'
agent_stop

# 100 concurrent scrapers for 10 s against a full default-size table.
STORM_FLOWS=98304
agent_start bin/netobs-xdp ba0 --max-flows $((STORM_FLOWS + 1000))
ip netns exec ${NS}a $BUILD/tests/bench_fill ba0 "$STORM_FLOWS" >/dev/null
storm=$(ip netns exec ${NS}a /usr/bin/python3 tests/bench/scrape_storm.py 127.0.0.1 "$PORT" 100 10)
agent_stop
echo "$storm" | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)
print("BENCH scrape_p99_ms_100_scrapers_%dk_flows %.1f ms (p50 %.1f ms, %d requests, %d not answered)"
      % (int(sys.argv[1]) // 1000, s["p99"] * 1000, s["p50"] * 1000, s["n"], s["bad"]))
' "$STORM_FLOWS"
