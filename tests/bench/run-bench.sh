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
