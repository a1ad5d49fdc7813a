#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Runs each fuzzer (the L7 parsers, the wire engine, the capture reader, the
# config files) for SECONDS (default 60; CI runs a short pass) from its seed
# corpus; a crash, leak or failed check leaves its input in build/fuzz/. Then the
# wire engine's corpus goes through the BPF programs too: the records must match.
set -u
cd "$(dirname "$0")/../.."
secs=${1:-60}
rc=0
# The short pass (make test) runs from a fixed seed, so CI walks the same
# inputs each time; longer runs (make fuzz) take a new seed each run.
seed=()
[ "$secs" -lt 60 ] && seed=(-seed=1)
for t in http mysql pgsql redis dns detect; do
	bin=build/fuzz/fuzz_l7_$t
	corpus=build/fuzz/corpus/$t
	mkdir -p "$corpus"
	[ -d tests/fuzz/corpus/$t ] && cp -n tests/fuzz/corpus/$t/* "$corpus"/ 2>/dev/null
	[ "$t" = detect ] && cp -n tests/fuzz/corpus/*/* "$corpus"/ 2>/dev/null
	if out=$("$bin" "${seed[@]}" -max_total_time="$secs" -max_len=8192 -artifact_prefix=build/fuzz/"$t"- \
		"$corpus" 2>&1); then
		runs=$(echo "$out" | grep -oE 'Done [0-9]+ runs' | tail -1)
		echo "PASS fuzz $t: ${runs:-ran} in ${secs}s, no crash"
	else
		echo "$out" | tail -30
		echo "FAIL fuzz $t (input saved under build/fuzz/)"
		rc=1
	fi
done

# The wire engine, the capture reader and the config files, from seeds made here.
mkdir -p build/fuzz/corpus/wire build/fuzz/corpus/pcap build/fuzz/corpus/config
for cap in tests/captures/demo.pcap build/captures/*.pcap; do
	[ -f "$cap" ] || continue
	n=$(basename "$cap" .pcap)
	[ -f build/fuzz/corpus/wire/"$n" ] || /usr/bin/python3 tests/fuzz/frames.py from-pcap \
		"$cap" build/fuzz/corpus/wire/"$n"
	[ "$(stat -c %s "$cap")" -le 65536 ] && cp -n "$cap" build/fuzz/corpus/pcap/
done
cp -n tests/captures/ndpi/*.pcap* build/fuzz/corpus/pcap/ 2>/dev/null
cp -n tests/fuzz/corpus/config/* build/fuzz/corpus/config/
cp -n tests/fuzz/corpus/pcap/* build/fuzz/corpus/pcap/ # inputs that once failed
for t in wire pcap config; do
	bin=build/fuzz/fuzz_$t
	# wiretap leaks on some malformed pcapng blocks: its leaks are suppressed,
	# which needs full stacks (libraries without frame pointers) to tell them.
	sup=()
	[ "$t" = pcap ] && sup=(env ASAN_OPTIONS=fast_unwind_on_malloc=0
		LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan-wiretap.supp)
	if out=$("${sup[@]}" "$bin" "${seed[@]}" -max_total_time="$secs" -max_len=65536 -artifact_prefix=build/fuzz/"$t"- \
		-rss_limit_mb=4096 build/fuzz/corpus/$t 2>&1); then
		runs=$(echo "$out" | grep -oE 'Done [0-9]+ runs' | tail -1)
		echo "PASS fuzz $t: ${runs:-ran} in ${secs}s, no crash"
	else
		echo "$out" | tail -30
		echo "FAIL fuzz $t (input saved under build/fuzz/)"
		rc=1
	fi
done
# What the wire fuzzer kept, through the BPF programs as well: the same records.
if [ "$(id -u)" = 0 ]; then
	# The short pass (under 60 s) compares the 100 newest inputs; longer runs all of them.
	most=$([ "$secs" -lt 60 ] && echo 100)
	if out=$(/usr/bin/python3 tests/fuzz/frames.py diff bin/netobs-xdp build/fuzz/corpus/wire \
		$most); then
		echo "PASS fuzz wire corpus: the BPF programs and the userspace build agree on" \
			"${most:-all $(ls build/fuzz/corpus/wire | wc -l)} inputs"
	else
		echo "$out" | tail -10
		echo "FAIL fuzz wire corpus: the BPF and userspace builds differ"
		rc=1
	fi
else
	echo "SKIP fuzz wire corpus through BPF: needs root"
fi
exit $rc
