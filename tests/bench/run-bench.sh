#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# make bench: datapath ns per packet (BPF_PROG_TEST_RUN) and replay throughput.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=build
N=${REPLAY_PACKETS:-500000}

"$BUILD"/tests/bench_wire "$BUILD"/tests/bare_xdp.bpf.o
cap="$BUILD/bench-replay.pcap"
"$BUILD"/tests/bench_wire "$BUILD"/tests/bare_xdp.bpf.o "$cap" "$N"
for engine in bpf user; do
	start=$(date +%s%N)
	bin/netobs-xdp -q replay --engine "$engine" --format json "$cap" >/dev/null
	end=$(date +%s%N)
	name=replay_pps
	[ "$engine" = user ] && name=replay_user_pps
	awk -v n="$N" -v ns=$((end - start)) -v name="$name" \
		'BEGIN { printf "BENCH %s %.0f packets/s\n", name, n / (ns / 1e9) }'
done
rm -f "$cap"

# Where the datapath time goes: kernel symbols' share of the samples taken
# inside the wire programs during the BPF_PROG_TEST_RUN loops (needs perf).
if command -v perf >/dev/null && perf stat -e cpu-clock true >/dev/null 2>&1; then
	data=$(mktemp)
	perf record -q -e cpu-clock -g -o "$data" "$BUILD"/tests/bench_wire \
		"$BUILD"/tests/bare_xdp.bpf.o >/dev/null 2>&1
	perf report -i "$data" --children --sort symbol --stdio 2>/dev/null |
		awk '$3 == "[k]" && $4 ~ /wire_flow_packet|__bpf_spin_unlock_irqrestore|__bpf_spin_lock_irqsave|read_tsc|htab_map_hash|tcp_opt_step|bpf_xdp_load_bytes|bpf_skb_load_bytes/ {
			gsub("%", "", $1); sub(/^bpf_prog_[0-9a-f]+_/, "bpf:", $4); printf "PROFILE %s %.1f %% of samples (with callees)\n", $4, $1 }' |
		sort -u
	rm -f "$data"
fi
tests/bench/bench_live.sh
tests/bench/bench_agent.sh
tests/bench/bench_l7.sh
