#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# hangcheck.sh SRCTREE: a submission that hangs must grade quickly. Grade
# a copy of the tree whose exit loop never stops at a halt (every guest
# runs until its timeout), and check that the whole of make check takes
# at most HANG_BUDGET seconds (default 20) and scores 0.
set -euo pipefail

src=$(cd "$1" && pwd)
budget=${HANG_BUDGET:-20}
work=$(mktemp -d /tmp/kvmlab-hang.XXXXXX)
trap 'rm -rf "$work"' EXIT

(cd "$src" && git ls-files -z | xargs -0 cp --parents -t "$work")
file=vmm/core/exit.c
cp "$work/$file" "$work/$file.orig"
perl -0pi -e 's/(a halt ends the run \*\/\n\t\treturn) VERDICT_HALT;/$1 VERDICT_RESUME;/' \
	"$work/$file"
if cmp -s "$work/$file" "$work/$file.orig"; then
	echo "hangcheck: the halt no longer reads as expected in $file" >&2
	exit 1
fi
rm "$work/$file.orig"
make -C "$work" -s -j2 checker >"$work/build.log" 2>&1 || {
	echo "hangcheck: the hanging copy does not build:" >&2
	tail -n 5 "$work/build.log" >&2
	exit 1
}
start=$SECONDS
make -C "$work" -s check >"$work/check.log" 2>&1 || true
took=$((SECONDS - start))
score=$(sed -n 's/^Score: \([0-9]*\)\/.*/\1/p' "$work/check.log")
echo "hangcheck: a submission whose exit loop never halts graded in $took s, score ${score:-none}/100"
if [ "$took" -gt "$budget" ] || [ "${score:-x}" != 0 ]; then
	echo "hangcheck: expected at most $budget s and 0/100" >&2
	grep -E '\.\.\.' "$work/check.log" >&2 || true
	exit 1
fi
