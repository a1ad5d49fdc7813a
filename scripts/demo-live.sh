#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The live agent, end to end, on a veth pair it creates (run as root):
# attach to one end, send the bundled capture into the other, scrape /flows
# and /metrics with curl, and compare with the offline replay of the capture.
# Leaves nothing behind. Exit status 0 when live and offline agree.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/netns-pair.sh
NS=netobsdemo$$
PORT=19490
CAP=${1:-tests/captures/demo.pcap}
agent=""
# Long timeouts: the capture spans a minute of its own time, replayed in a blink.
LONG=(--timeout established=86400 --timeout opening=86400 --timeout closed_fin=86400
	--timeout closing_rst=86400 --timeout udp=86400)

cleanup() {
	[ -n "$agent" ] && kill "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	netns_pair_del ${NS}a ${NS}b
}
trap cleanup EXIT

echo "# a veth pair: demo0 (namespace ${NS}a) <-> demo1 (namespace ${NS}b)"
netns_pair ${NS}a ${NS}b demo0 demo1

echo "# netobs-xdp attach demo0"
ip netns exec ${NS}a bin/netobs-xdp attach demo0 --mode generic \
	--listen 127.0.0.1:$PORT "${LONG[@]}" &
agent=$!
for _ in $(seq 100); do
	ip netns exec ${NS}a curl -sf -o /dev/null http://127.0.0.1:$PORT/healthz && break
	sleep 0.1
done

echo "# netobs-xdp replay --iface demo1 --topspeed $CAP"
ip netns exec ${NS}b bin/netobs-xdp replay --iface demo1 --topspeed "$CAP"
sleep 0.5

echo "# curl /metrics (excerpt)"
ip netns exec ${NS}a curl -s http://127.0.0.1:$PORT/metrics |
	grep -E '^network_tcp_(connections_opened_total|bytes_received_total|syn_rtt_microseconds_count)' |
	head -8

live=$(ip netns exec ${NS}a curl -s "http://127.0.0.1:$PORT/flows?limit=10000")
offline=$(bin/netobs-xdp -q replay --format json --no-l7 "${LONG[@]}" "$CAP")
# Timing fields differ (the capture's clock against injection at top speed).
counts() {
	/usr/bin/python3 -c '
import json, sys
keys = ["proto", "client", "server", "packets_c2s", "packets_s2c", "bytes_c2s", "bytes_s2c",
        "syn_count", "synack_count", "retrans_c2s", "retrans_s2c", "zero_win_c2s",
        "zero_win_s2c", "rst_c2s", "rst_s2c", "fin_c2s", "fin_s2c", "close_type"]
for r in sorted(tuple(str(json.loads(l)[k]) for k in keys) for l in sys.stdin if l.strip()):
    print(" ".join(r))'
}
echo "# flows: live /flows against offline replay (counts)"
if diff <(echo "$live" | counts) <(echo "$offline" | counts); then
	echo "equal: $(echo "$live" | grep -c record) flows"
else
	echo "DIFFERENT" >&2
	exit 1
fi
