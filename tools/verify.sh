#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# verify.sh SRCTREE: the grader's own proof, and the skeletons'.
#
# 1. For each rubric item, grade a copy of the tree with one deliberate
#    mistake in that item, and check that the score drops by exactly
#    that item's points and no other item loses any. Each mistake is
#    one a student could make; a mistake that no longer applies to the
#    source (it moved) is an error, not a pass.
# 2. For each level k, generate the student skeleton (make skels
#    TODO=k, which also checks that no solution line reached it), build
#    it with the default flags and no warning, grade it, and check it
#    scores exactly the points of the tasks below k.
set -euo pipefail

src=$(cd "$1" && pwd)
work=$(mktemp -d /tmp/kvmlab-verify.XXXXXX)
trap 'rm -rf "$work"' EXIT

# item points file perl-substitution description
mistakes=(
	"real_mode|30|vmm/x86/mode.c|s/(case MODE_REAL:\n\t\treturn) 2;/\$1 4;/|the real-mode result check reads 4 bytes at 0x400, not 2"
	"long_mode|20|vmm/x86/paging.c|s/addr < map_size;/addr < X86_PAGE_1G;/|the long-mode page tables map only the first GiB of RAM"
	"simvirtio|30|vmm/devices/simvirtio.c|s/\t\tfail\(dev, SIMVIRTIO_ERR_READ_ONLY, \"%s\", regs\[reg\].name\);\n//|a write to a read-only SIMVIRTIO register is dropped without a device error"
	"polling|10|vmm/devices/simvirtio.c|s/\(regs\[reg\].exit_transport &&/(false \&\&/|under polling the exit transport's control registers stay accessible"
	"exit_profiling|10|vmm/core/stats.c|s/\tst->exits\+\+;\n//|the profile does not count exits"
)
items=(real_mode long_mode simvirtio polling exit_profiling)
declare -A full=([real_mode]=30 [long_mode]=20 [simvirtio]=30 [polling]=10
		 [exit_profiling]=10)

# The tracked files as they are now, without build products.
copy_tree() {
	mkdir -p "$2"
	(cd "$1" && git ls-files -z | xargs -0 cp --parents -t "$2")
}

value() {
	sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p" "$1"
}

failures=0
for m in "${mistakes[@]}"; do
	IFS='|' read -r item points file subst what <<<"$m"
	dst=$work/$item
	copy_tree "$src" "$dst"
	cp "$dst/$file" "$dst/$file.orig"
	perl -0pi -e "$subst" "$dst/$file"
	if cmp -s "$dst/$file" "$dst/$file.orig"; then
		echo "verify: the $item mistake no longer applies to $file" >&2
		exit 1
	fi
	rm "$dst/$file.orig"
	echo "verify: $item: $what"
	make -C "$dst" -s -j2 checker >"$work/$item.build" 2>&1 || {
		echo "verify: the $item copy does not build:" >&2
		tail -n 5 "$work/$item.build" >&2
		exit 1
	}
	make -C "$dst" -s check >"$work/$item.log" 2>&1 || true
	json=$dst/checker/results/results.json
	if [ ! -f "$json" ]; then
		echo "verify: no results for the $item copy" >&2
		tail -n 5 "$work/$item.log" >&2
		exit 1
	fi
	want=$((100 - points))
	got=$(value "$json" total)
	ok=yes
	[ "$got" = "$want" ] || ok=no
	for other in "${items[@]}"; do
		expect=${full[$other]}
		[ "$other" = "$item" ] && expect=0
		[ "$(value "$json" "$other")" = "$expect" ] || ok=no
	done
	if [ $ok = yes ]; then
		echo "  score $got/100: $item lost its $points points, no other item lost any"
	else
		echo "  WRONG: score $got/100, expected $want/100; results: $(cat "$json")"
		grep -E 'FAILED|^[0-9]+%' "$work/$item.log" | sed 's/^/    /'
		failures=$((failures + 1))
	fi
done

if [ $failures -ne 0 ]; then
	echo "verify: $failures of ${#mistakes[@]} mistakes were not graded as they should be" >&2
	exit 1
fi
echo "verify: each of ${#mistakes[@]} deliberate mistakes cost exactly its item's points"

# The points of the tasks below level k: what skeleton k must score.
below=(0 0 30 50 80 90)
for k in 1 2 3 4 5; do
	out=$work/skel$k
	make -C "$src" -s skels TODO=$k O="$out" >"$work/skel$k.gen" 2>&1 || {
		echo "verify: make skels TODO=$k failed:" >&2
		tail -n 5 "$work/skel$k.gen" >&2
		exit 1
	}
	dst=$out/skels
	if ! make -C "$dst" -j2 checker >"$work/skel$k.build" 2>&1; then
		echo "verify: the TODO=$k skeleton does not build:" >&2
		grep -m5 -E 'error|warning' "$work/skel$k.build" >&2
		exit 1
	fi
	if grep -q 'warning:' "$work/skel$k.build"; then
		echo "verify: the TODO=$k skeleton builds with warnings:" >&2
		grep -m5 'warning:' "$work/skel$k.build" >&2
		exit 1
	fi
	start=$SECONDS
	make -C "$dst" -s check >"$work/skel$k.log" 2>&1 || true
	got=$(value "$dst/checker/results/results.json" total 2>/dev/null)
	if [ "$got" != "${below[$k]}" ]; then
		echo "verify: the TODO=$k skeleton scored ${got:-nothing}/100, expected ${below[$k]}/100" >&2
		grep -E '^[a-zA-Z].* \.{3}' "$work/skel$k.log" >&2 || true
		exit 1
	fi
	echo "verify: skeleton TODO=$k builds without a warning, scores $got/100 in $((SECONDS - start)) s, leaks no solution line"
done
