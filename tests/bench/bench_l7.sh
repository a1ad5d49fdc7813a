#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# L7 benchmarks: the parser alone; the request/response loop's rate with and
# without the socket probes, as the median ratio of many short rounds that
# alternate the two (this shared host drifts by tens of percent within
# seconds, so only neighbouring rounds are compared); the whole socket-view
# pipeline's event rate; and the probes' own run time per traced call, from the
# kernel's BPF statistics in rounds of their own (timing every run costs a
# little, so never in the rounds above).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=build
TG=bin/netobs-trafficgen
PORT=19091
SECS=${RR_SECONDS:-1}
ROUNDS=${RR_ROUNDS:-9}
CLIENTS=${RR_CLIENTS:-2}

"$BUILD"/tests/bench_l7 parse 2000000

$TG bench-server --listen 127.0.0.1:$PORT >/dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT
sleep 0.3

# Round trips per second of CLIENTS parallel clients, summed; $1: extra client flags.
rr() {
	local i out=()
	for i in $(seq "$CLIENTS"); do
		$TG bench-client --connect 127.0.0.1:$PORT --seconds "$SECS" --size 128 $1 \
			>"$BUILD/rr.$i" &
		out+=($!)
	done
	wait "${out[@]}"
	cat "$BUILD"/rr.* | awk '{ s += $8 } END { printf "%.0f", s }'
	rm -f "$BUILD"/rr.*
}

# The socket probes and a consumer counting what they send; returns once attached.
start_consumer() {
	coproc CONSUMER { exec "$BUILD"/tests/bench_l7 consume 600 $1; }
	consumer=$CONSUMER_PID # bash unsets it when the coprocess ends
	read -r _ <&"${CONSUMER[0]}" # "ready": the probes are attached
}

# Stop the consumer; its counts line goes to $counts.
stop_consumer() {
	kill -INT "$consumer"
	read -r counts <&"${CONSUMER[0]}"
	wait "$consumer" || true
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# rounds FLAGS [CONSUMER_ARGS]: ROUNDS pairs of rounds; sets ratios, best (the
# most events per second seen with the probes: the pipeline's figure) and events.
rounds() {
	local r a b
	ratios=()
	best=0
	events=""
	for r in $(seq "$ROUNDS"); do
		a=$(rr "$1")
		start_consumer "${2:-}"
		b=$(rr "$1")
		stop_consumer
		ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')")
		set -- "$1" "${2:-}" $counts # snippets N records N drops N
		if [ "$4" -gt "$best" ]; then
			best=$4
			events="$4 snippets, $6 records, $8 ring-buffer drops in ${SECS} s"
		fi
	done
}

report() { # name what
	local m
	m=$(median "${ratios[@]}")
	awk -v m="$m" -v n="$1" -v w="$2" -v all="$(printf '%s\n' "${ratios[@]}" | sort -g | tr '\n' ' ')" \
		'BEGIN { printf "BENCH %s %.1f %% (%s; median of %d paired rounds, with/without ratios: %s)\n",
			n, (1 - m) * 100, w, split(all, x, " "), all }'
}

rounds ""
report rr_overhead_pct "${CLIENTS} clients, 128-byte HTTP bodies: every call an L7 message"
awk -v s="${events%% *}" -v t="$SECS" -v e="$events" \
	'BEGIN { printf "BENCH l7_events_per_s %.0f snippets/s through probes, ring buffers and parsers (best round: %s)\n", s / t, e }'
rounds "--raw"
report rr_overhead_plain_pct "the same loop with heads of no known protocol"
# socket.sample_rate is drawn per connection: the loop reconnects every 1000 round
# trips (about a hundred connections a round), all traced, then a tenth of them.
rounds "--count 1000" "sample=100"
report rr_overhead_pct_sample_100 "every call an L7 message, a new connection every 1000 round trips, all traced"
rounds "--count 1000" "sample=10"
report rr_overhead_pct_sample_10 "the same with socket.sample_rate 10"

# The probes' own cost per traced call (enter + exit), L7 and plain traffic.
for kind in "" "--raw"; do
	start_consumer stats
	rr "$kind" >/dev/null
	stop_consumer
	set -- $counts
	echo "BENCH sock_probe_ns_per_call${kind:+_plain} ${8} ns per traced read/write (enter + exit, kernel BPF statistics; ${10} calls)"
done

# Where the time goes with the probes on: an unmeasured round under a
# system-wide profile (perf disturbs what it watches, so never in the rounds above).
if command -v perf >/dev/null && perf stat -e cpu-clock true >/dev/null 2>&1; then
	start_consumer ""
	(sleep 0.2 && perf record -q -a -e cpu-clock -o "$BUILD/l7.perf" sleep $SECS >/dev/null 2>&1) &
	prof=$!
	SECS=$((SECS + 1)) rr "" >/dev/null
	wait "$prof" || true
	stop_consumer
	perf report -i "$BUILD/l7.perf" --sort symbol --stdio 2>/dev/null |
		awk '$1 ~ /%$/ { sym = $3; pct = $1; gsub("%", "", pct)
			if (sym ~ /^(__bpf_ringbuf_reserve|copy_from_user_nofault|l7_table_find|frame|on_event|read_tsc)$/ || sym ~ /emit_data$/) {
				sub(/^bpf_prog_[0-9a-f]+_/, "bpf:", sym)
				printf "PROFILE %s %.1f %% of all samples, request/response loop with the probes\n", sym, pct } }'
	rm -f "$BUILD/l7.perf"
fi
