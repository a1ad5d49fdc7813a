#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The replay output the README shows must be what the bundled capture gives today.
set -u
cd "$(dirname "$0")/../.."
shown=$(sed -n '/<!-- demo-output:begin -->/,/<!-- demo-output:end -->/p' README.md |
	sed '1,2d;$d' | sed '$d')
actual=$(bin/netobs-xdp -q replay tests/captures/demo.pcap)
if [ -n "$shown" ] && [ "$shown" = "$actual" ]; then
	echo "PASS README demo output matches replay of tests/captures/demo.pcap"
	exit 0
fi
echo "FAIL README demo output differs from the replay:"
diff <(echo "$shown") <(echo "$actual")
exit 1
