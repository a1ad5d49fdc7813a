#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# L7 benchmarks: the parser alone, the whole socket-view pipeline under a
# request/response load on loopback, and that load's rate with and without the
# probes, alternated in one run (medians of 3), as ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=build
TG=bin/netobs-trafficgen
PORT=19091
SECS=${RR_SECONDS:-3}
CLIENTS=${RR_CLIENTS:-2}

"$BUILD"/tests/bench_l7 parse 2000000

$TG bench-server --listen 127.0.0.1:$PORT >/dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT
sleep 0.3

# Round trips per second of CLIENTS parallel clients, summed.
rr() {
	local i out=()
	for i in $(seq "$CLIENTS"); do
		$TG bench-client --connect 127.0.0.1:$PORT --seconds "$SECS" --size 128 >"$BUILD/rr.$i" &
		out+=($!)
	done
	wait "${out[@]}"
	cat "$BUILD"/rr.* | awk '{ s += $8 } END { printf "%.0f", s }'
	rm -f "$BUILD"/rr.*
}

# The socket probes and a consumer counting what they send; returns once attached.
start_consumer() {
	coproc CONSUMER { "$BUILD"/tests/bench_l7 consume $((SECS + 2)); }
	consumer=$CONSUMER_PID # bash unsets it when the coprocess ends
	read -r _ <&"${CONSUMER[0]}" # "ready": the probes are attached
}

without=()
with=()
events=()
for round in 1 2 3; do
	without+=("$(rr)")
	start_consumer
	with+=("$(rr)")
	read -r _ snippets _ records _ drops <&"${CONSUMER[0]}"
	wait "$consumer" || true
	events+=("$snippets $records $drops")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
w0=$(median "${without[@]}")
w1=$(median "${with[@]}")
echo "BENCH rr_without_probes ${w0} round trips/s (${CLIENTS} clients, 128-byte HTTP bodies; runs: ${without[*]})"
echo "BENCH rr_with_probes ${w1} round trips/s (runs: ${with[*]})"
awk -v a="$w0" -v b="$w1" 'BEGIN { printf "BENCH rr_overhead_pct %.1f %%\n", (1 - b / a) * 100 }'
for e in "${events[@]}"; do
	set -- $e
	echo "L7 round: $1 snippets, $2 records, $3 ring-buffer drops in ${SECS} s of load"
done
set -- ${events[1]}
awk -v s="$1" -v d="$3" -v t="$SECS" \
	'BEGIN { printf "BENCH l7_events_per_s %.0f snippets/s through probes, ring buffer and parsers (drops: %d)\n", s / t, d }'

# Where the time goes with the probes on: a fourth, unmeasured round under a
# system-wide profile (perf disturbs what it watches, so never in the rounds above).
if command -v perf >/dev/null && perf stat -e cpu-clock true >/dev/null 2>&1; then
	start_consumer
	(sleep 0.5 && perf record -q -a -e cpu-clock -o "$BUILD/l7.perf" sleep 2 >/dev/null 2>&1) &
	prof=$!
	rr >/dev/null
	wait "$prof" || true
	cat <&"${CONSUMER[0]}" >/dev/null
	wait "$consumer" || true
	perf report -i "$BUILD/l7.perf" --sort symbol --stdio 2>/dev/null |
		awk '$1 ~ /%$/ { sym = $3; pct = $1; gsub("%", "", pct)
			if (sym ~ /^(__bpf_ringbuf_reserve|_raw_spin_unlock_irqrestore|copy_from_kernel_nofault|l7_table_find|frame|on_event|read_tsc)$/ || sym ~ /emit_data$/) {
				sub(/^bpf_prog_[0-9a-f]+_/, "bpf:", sym)
				printf "PROFILE %s %.1f %% of all samples, request/response loop with the probes\n", sym, pct } }'
	rm -f "$BUILD/l7.perf"
fi
