# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The agent under a benchmark (sourced, not run): started in namespace ${NS}a
# serving 127.0.0.1:$PORT, its pid in $agent, and the figures the agent
# benchmarks read off it. Needs scripts/lib/netns-pair.sh sourced, NS and PORT.

agent=""

# agent_start BIN IFACE [ARGS...]: attach (native XDP) and wait for /healthz, or exit 1.
agent_start() {
	local bin=$1 dev=$2
	shift 2
	ip netns exec ${NS}a "$bin" -q attach "$dev" --mode native --listen 127.0.0.1:$PORT "$@" &
	agent=$!
	for _ in $(seq 100); do
		ip netns exec ${NS}a curl -sf -o /dev/null http://127.0.0.1:$PORT/healthz && return
		sleep 0.1
	done
	echo "bench: the agent did not start" >&2
	exit 1
}

agent_stop() {
	kill -TERM "$agent"
	wait "$agent" || true
	agent=""
}

# For `trap agent_cleanup EXIT`: the agent, if it still runs, and the namespaces.
agent_cleanup() {
	[ -n "$agent" ] && kill "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	netns_pair_del ${NS}a ${NS}b
}

# The agent's CPU (user and system) per second over 10 s, in ms: with no traffic
# and no scrapes, its once-a-second sweep is all it does.
agent_idle_cpu_ms_per_s() {
	local c0 c1
	sleep 1
	c0=$(awk '{ print $14 + $15 }' /proc/$agent/stat)
	sleep 10
	c1=$(awk '{ print $14 + $15 }' /proc/$agent/stat)
	awk -v a="$c0" -v b="$c1" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.1f\n", (b - a) * 1000 / hz / 10 }'
}

# The fastest of five /metrics scrapes, in seconds.
agent_best_scrape_s() {
	local best="" t
	for _ in 1 2 3 4 5; do
		t=$(ip netns exec ${NS}a curl -s -o /dev/null -w '%{time_total}' \
			http://127.0.0.1:$PORT/metrics)
		best=$(awk -v t="$t" -v b="$best" 'BEGIN { print (b == "" || t < b) ? t : b }')
	done
	echo "$best"
}

# The agent's peak RSS so far, in kB.
agent_hwm_kb() {
	awk '/VmHWM/ { print $2 }' /proc/$agent/status
}
