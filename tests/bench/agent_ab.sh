#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# A/B of two builds of the agent at N flows: the once-a-second sweep's CPU,
# the scrape time and the peak RSS, rounds alternating between the two so both
# see the same machine. Each build is a checkout where `make bin/netobs-xdp
# build/tests/bench_fill` has run (bench_fill writes that build's flow entry).
#
# usage: tests/bench/agent_ab.sh DIR_A DIR_B [ROUNDS]
#   e.g. git worktree add /tmp/before HEAD~1 && make -C /tmp/before bin/netobs-xdp \
#        build/tests/bench_fill && tests/bench/agent_ab.sh /tmp/before .
# Prints AB lines: figure, then A's and B's medians and B/A.
set -euo pipefail
if [ $# -lt 2 ]; then
	sed -n '3,11p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
fi
A=$(cd "$1" && pwd)
B=$(cd "$2" && pwd)
ROUNDS=${3:-3}
cd "$(dirname "$0")/../.."
. scripts/lib/netns-pair.sh
NS=noab$$
PORT=19498
N_FLOWS=${BENCH_FLOWS:-100000}
. tests/bench/lib/agent.sh

for d in "$A" "$B"; do
	for f in bin/netobs-xdp build/tests/bench_fill; do
		[ -x "$d/$f" ] || { echo "agent_ab: $d/$f is missing: build it first" >&2; exit 2; }
	done
done

trap agent_cleanup EXIT
netns_pair ${NS}a ${NS}b aa0 ab0 10.88.0.1/24 10.88.0.2/24

# One round of build $1: prints "sweep_ms scrape_ms rss_mb".
round() {
	local dir=$1 cpu scrape
	agent_start "$dir/bin/netobs-xdp" aa0 --no-socket-view --max-flows $((N_FLOWS + 10000))
	ip netns exec ${NS}a "$dir/build/tests/bench_fill" aa0 "$N_FLOWS" >/dev/null
	cpu=$(agent_idle_cpu_ms_per_s)
	scrape=$(agent_best_scrape_s)
	awk -v c="$cpu" -v t="$scrape" -v k="$(agent_hwm_kb)" \
		'BEGIN { printf "%s %.1f %.1f\n", c, t * 1000, k / 1024 }'
	agent_stop
}

ra=()
rb=()
for i in $(seq "$ROUNDS"); do
	ra+=("$(round "$A")")
	rb+=("$(round "$B")")
	echo "round $i: A ${ra[-1]}  B ${rb[-1]}  (sweep ms/s, scrape ms, RSS MB)"
done

# Median of column $1 of the rounds given after it.
median() {
	local col=$1
	shift
	printf '%s\n' "$@" | awk -v c="$col" '{ print $c }' | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

names=(sweep_cpu_ms_per_s scrape_ms agent_rss_mb)
for c in 1 2 3; do
	ma=$(median $c "${ra[@]}")
	mb=$(median $c "${rb[@]}")
	awk -v n="${names[$((c - 1))]}" -v k="$((N_FLOWS / 1000))" -v a="$ma" -v b="$mb" \
		'BEGIN { printf "AB %s_%dk_flows A %s B %s B/A %.2f\n", n, k, a, b, (a > 0 ? b / a : 0) }'
done
