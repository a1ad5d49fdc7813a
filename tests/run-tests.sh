#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Runs every test suite; a suite exiting 77 was skipped (e.g. not root), never passed.
set -u
cd "$(dirname "$0")/.."
BUILD=build
PY=/usr/bin/python3 # Debian's python, which has scapy
# Third-party captures: the shared set beside the repository, else our copy of it.
SHARED=../shared/captures
[ -d "$SHARED" ] || SHARED=tests/captures
pass=0
fail=0
skip=0
failed=()

# Each suite prints its own results; count its checks from its closing lines.
run_suite() {
	local name=$1 out rc p f s t0=$SECONDS
	shift
	echo "=== $name"
	out=$("$@" 2>&1)
	rc=$?
	echo "$out"
	echo "(took $((SECONDS - t0)) s)"
	p=$(echo "$out" | grep -cE '^(PASS|\[       OK \])')
	f=$(echo "$out" | grep -cE '^(FAIL|\[  FAILED  \] test_)')
	s=$(echo "$out" | grep -cE '^SKIP')
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or failed without saying which check
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
	[ "$f" -gt 0 ] && failed+=("$name")
	return 0
}

# Style: kernel style per .clang-format, checked like a test.
sources=$(git ls-files '*.c' '*.h' 2>/dev/null)
if [ -z "$sources" ]; then
	echo "SKIP style: not a git checkout"
	skip=$((skip + 1))
elif clang-format --dry-run -Werror $sources >/dev/null 2>&1; then
	echo "PASS style: clang-format"
	pass=$((pass + 1))
else
	echo "FAIL style: clang-format (run make format)"
	fail=$((fail + 1))
	failed+=("style")
fi

run_suite "layout: userspace/ layers include only downwards" tests/layout/check-layers.sh
# Every cmocka suite in tests/unit, so a new one cannot be left out of the run.
for src in tests/unit/test_*.c; do
	t=$BUILD/tests/$(basename "$src" .c)
	run_suite "unit: $(basename "$t")" "$t"
done
mkdir -p "$BUILD/captures"
if ! $PY tests/gen/gen_captures.py "$BUILD/captures"; then
	echo "FAIL capture generator"
	fail=$((fail + 1))
	failed+=("capture generator")
fi
run_suite "fuzz: L7 parsers, wire engine, capture reader, configs; a short pass (make fuzz runs longer)" \
	tests/fuzz/run-fuzz.sh 5
# The same unit tests and replay tests built with ASan and UBSan (make san).
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for src in tests/unit/test_*.c; do
	t=$BUILD/san/tests/$(basename "$src" .c)
	run_suite "sanitizers (ASan, UBSan): $(basename "$t")" "$t"
done
run_suite "sanitizers (ASan, UBSan): replay, both engines" \
	$PY tests/integration/test_replay.py "$BUILD"/san/bin/netobs-xdp "$BUILD/captures" "$SHARED"
unset ASAN_OPTIONS UBSAN_OPTIONS
run_suite "bpf: concurrency and GSO" "$BUILD"/tests/test_concurrency
run_suite "bpf: verdicts, untouched packets, table full, ring buffer" "$BUILD"/tests/test_datapath
run_suite "bpf: socket probes (kprobe variants load, tracepoints see a loopback exchange)" \
	"$BUILD"/tests/test_sock_probes

run_suite "replay: crafted, both engines, tshark, errors" \
	$PY tests/integration/test_replay.py bin/netobs-xdp "$BUILD/captures" "$SHARED"
run_suite "replay: L7 records as tshark's dissectors find them" \
	$PY tests/integration/test_l7_replay.py bin/netobs-xdp "$SHARED"
run_suite "socket view: nginx, mariadb, postgresql, redis, dnsmasq, trafficgen in namespaces" \
	$PY tests/integration/test_l7_live.py bin/netobs-xdp bin/netobs-trafficgen "$BUILD/l7live"
run_suite "live: real traffic in namespaces, both vantage points, tshark" \
	$PY tests/integration/test_live_traffic.py bin/netobs-xdp "$BUILD"/tests/netem_fwd \
	"$BUILD/live"
run_suite "agent: attach, /flows = replay, promtool, clean detach, coexistence" \
	$PY tests/integration/test_attach.py bin/netobs-xdp "$BUILD"/tests/bare_xdp.bpf.o \
	"$BUILD/attach" "$BUILD"/captures/*.pcap "$SHARED"/*/*.pcap*
run_suite "hardening: slow and many clients, TLS and auth, privileges, signals, blindness" \
	$PY tests/integration/test_hardening.py bin/netobs-xdp "$BUILD"/tests/bench_fill \
	"$BUILD/hardening"
run_suite "records: the NDJSON stream (unix, tcp, file) against /flows and /l7" \
	$PY tests/integration/test_records.py bin/netobs-xdp "$BUILD/records"
run_suite "mirror port: equal flows, both endpoints' metrics" \
	$PY tests/integration/test_mirror.py bin/netobs-xdp tests/captures/demo.pcap \
	"$BUILD"/captures/udp_ipv4_options_and_midstream_tcp.pcap \
	"$BUILD"/captures/ip_fragments_attributed.pcap \
	"$BUILD"/captures/tcp_download_loss_at_client.pcap \
	"$BUILD"/captures/hs_simultaneous_open.pcap
run_suite "deployments: promtool, systemd-analyze, make install, kustomize and schemas, configs" \
	tests/deploy/test_deploy.sh bin/netobs-xdp
run_suite "dashboards: every panel's query answered by Prometheus from a live agent" \
	$PY tests/deploy/test_dashboards_live.py bin/netobs-xdp "$BUILD/captures" "$BUILD/dashboards"
run_suite "container: the Dockerfile built and run with podman on a test veth" \
	tests/deploy/test_container.sh
# demo NAME WHAT: scripts/NAME.sh passes, or its output is shown.
demo() {
	if scripts/"$1".sh >"$BUILD/$1.log" 2>&1; then
		echo "PASS scripts/$1.sh: $2"
	else
		cat "$BUILD/$1.log"
		echo "FAIL scripts/$1.sh"
	fi
}
run_suite "readme: the live walkthrough script" \
	demo demo-live "live /flows equals the offline replay"
run_suite "readme: the socket-view walkthrough script" \
	demo demo-l7 "curl against nginx appears as HTTP records at both sockets"
run_suite "readme: the shown replay output is current" tests/integration/test_readme.sh

echo
[ ${#failed[@]} -gt 0 ] && printf 'failed suite: %s\n' "${failed[@]}"
echo "TOTAL: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
