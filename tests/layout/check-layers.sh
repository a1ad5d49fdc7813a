#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# userspace/ is layered: cli over agent over export over socket over wire over
# l7 over util (include/ under all). A file may include its own folder and the
# folders below it, never one above. Also: no userspace/wire/ header may share
# a name with include/wire/, since both are included as "wire/NAME.h".
set -u
cd "$(dirname "$0")/../.."
layers=(util l7 wire socket export agent cli)
rank() {
	local i
	for i in "${!layers[@]}"; do
		[ "${layers[$i]}" = "$1" ] && echo "$i" && return
	done
	echo -1
}
bad=0
for d in userspace/*/; do
	d=$(basename "$d")
	if [ "$(rank "$d")" -lt 0 ]; then
		echo "FAIL layout: userspace/$d is not a known layer (${layers[*]}): add it to tests/layout/check-layers.sh in its place"
		bad=1
	fi
done
for f in userspace/*.[ch]; do
	[ -e "$f" ] || continue
	echo "FAIL layout: $f sits at the top of userspace/: put it in a topic folder"
	bad=1
done
while IFS=: read -r file line inc; do
	from=$(echo "$file" | cut -d/ -f2)
	to=$(echo "$inc" | sed -n 's/.*#include "\([a-z0-9_]*\)\/.*/\1/p')
	[ -n "$to" ] || continue
	[ -d "userspace/$to" ] || continue # include/wire/ etc.
	[ -e "userspace/$(echo "$inc" | sed 's/.*#include "\([^"]*\)".*/\1/')" ] || continue
	if [ "$(rank "$to")" -gt "$(rank "$from")" ]; then
		echo "FAIL layout: $file:$line includes $to/ from $from/, which is below it"
		bad=1
	fi
done < <(grep -rn '#include "' userspace)
for h in include/wire/*.h; do
	if [ -e "userspace/wire/$(basename "$h")" ]; then
		echo "FAIL layout: userspace/wire/$(basename "$h") and $h are both \"wire/$(basename "$h")\""
		bad=1
	fi
done
[ "$bad" -eq 0 ] && echo "PASS layout: includes in userspace/ point only down (${layers[*]})"
exit "$bad"
