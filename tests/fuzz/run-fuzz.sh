#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Runs each L7 fuzzer for SECONDS (default 60; CI runs a short pass) from its
# seed corpus; a crash, leak or failed check leaves its input in build/fuzz/.
set -u
cd "$(dirname "$0")/../.."
secs=${1:-60}
rc=0
for t in http mysql pgsql redis dns detect; do
	bin=build/fuzz/fuzz_l7_$t
	corpus=build/fuzz/corpus/$t
	mkdir -p "$corpus"
	[ -d tests/fuzz/corpus/$t ] && cp -n tests/fuzz/corpus/$t/* "$corpus"/ 2>/dev/null
	[ "$t" = detect ] && cp -n tests/fuzz/corpus/*/* "$corpus"/ 2>/dev/null
	if out=$("$bin" -max_total_time="$secs" -max_len=8192 -artifact_prefix=build/fuzz/"$t"- \
		"$corpus" 2>&1); then
		runs=$(echo "$out" | grep -oE 'Done [0-9]+ runs' | tail -1)
		echo "PASS fuzz $t: ${runs:-ran} in ${secs}s, no crash"
	else
		echo "$out" | tail -30
		echo "FAIL fuzz $t (input saved under build/fuzz/)"
		rc=1
	fi
done
exit $rc
