#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# roundtrip.sh SRCTREE: the skeleton of every level, filled back, is a
# whole kit a student can use.
#
# For each level k, generate the skeleton (make skels TODO=k), then
# fill every TODO back from the solution: each file with markers gets
# the solution's code without them (skel.awk at level 6). Check that
# the skeleton differed from that only where it says TODO (a hint, its
# stub lines), and that no TODO is left. The filled trees of all levels
# must be the same but for the README's level; the first one is then
# proven once, as a student would run it, with the skeleton's own
# Makefile: it builds, "make style" passes, and "make check" scores
# 100/100; and "make style" fails on a line that breaks the style.
# Last, no extra that needs only task 1 fails in the TODO=2 skeleton.
set -euo pipefail

src=$(cd "$1" && pwd)
work=$(mktemp -d /tmp/kvmlab-roundtrip.XXXXXX)
trap 'rm -rf "$work"' EXIT

fail() {
	echo "roundtrip: $*" >&2
	exit 1
}

# Every line of the skeleton but its TODOs (the hint comment, and the
# stub lines right after it) must be in the filled file, in order: the
# skeleton is the solution less its TODO blocks, nothing else changed.
check_kept() {
	local skel=$1 filled=$2 f=$3 stubs=$4

	awk -v f="$f" '
		FILENAME == ARGV[1] { stub[$0] = 1; next }
		FILENAME == ARGV[2] {
			line = $0
			sub(/^[ \t]*/, "", line)
			if ($0 ~ /TODO [1-5]:/) {
				# A block comment opened on the line before.
				if (n && kept[n] ~ /^[ \t]*\/\*[ \t]*$/)
					n--
				incomment = $0 !~ /\*\//
				instubs = 1
				next
			}
			if (incomment) {
				incomment = $0 !~ /\*\//
				next
			}
			if (instubs && (line in stub))
				next
			instubs = 0
			kept[++n] = $0
			next
		}
		i < n && $0 == kept[i + 1] { i++ }
		END {
			if (i < n)
				printf("%s: the skeleton has a line the solution does not: %s\n",
				       f, kept[i + 1])
		}' "$stubs" "$skel" "$filled"
}

for k in 1 2 3 4 5; do
	out=$work/gen$k
	make -C "$src" -s skels TODO=$k O="$out" >"$work/gen$k.log" 2>&1 ||
		fail "make skels TODO=$k failed: $(tail -n 3 "$work/gen$k.log")"
	skel=$out/skels
	filled=$work/filled$k
	cp -a "$skel" "$filled"
	# The skeleton's files, with the markers read from the kit's.
	for f in $(cd "$skel" && find . -name '*.[chS]' -printf '%P\n' |
			sort); do
		grep -qE 'BEGIN SOLUTION [1-5]:' "$src/$f" || continue
		awk -v todo=6 -f "$src/tools/skel/skel.awk" "$src/$f" \
			>"$filled/$f"
		sed -n 's|^[ \t]*/\* STUB:[ \t]\(.*\) \*/[ \t]*$|\1|p' "$src/$f" |
			sed 's/^[ \t]*//' >"$work/stubs"
		check_kept "$skel/$f" "$filled/$f" "$f" "$work/stubs" >"$work/diff" 2>&1
		if [ -s "$work/diff" ]; then
			cat "$work/diff" >&2
			fail "TODO=$k: the skeleton changed $f outside its TODOs"
		fi
	done
	left=$(grep -rlE 'TODO [1-5]:' "$filled" || true)
	[ -z "$left" ] || fail "TODO=$k: TODOs left after filling back: $left"
	if [ "$k" -gt 1 ]; then
		diff -r -x README.md "$work/filled1" "$filled" >&2 ||
			fail "TODO=$k: filled back, it differs from TODO=1 filled back"
	fi
	echo "roundtrip: TODO=$k filled back from the solution: the same tree as every level"
done

# No extra may depend on a later task: with task 1 written (TODO=2),
# the extras that need only task 1 pass, or are not run on this host.
skel=$work/gen2/skels
make -C "$skel" -s -j2 checker >"$work/build2.log" 2>&1 ||
	fail "the TODO=2 skeleton does not build"
make -C "$skel" -s check >"$work/check2.log" 2>&1 || true
task1_extras='protected mode|paged mode|Lab 1|COM1 input|debugging tools'
if grep -E "^($task1_extras) \.+ " "$work/check2.log" |
	grep -v -E '\.+ (passed|not run)'; then
	fail "TODO=2: an extra that needs only task 1 does not pass (above): it depends on a later task"
fi
[ "$(grep -cE "^($task1_extras) \.+ " "$work/check2.log")" = 5 ] ||
	fail "TODO=2: the extras $task1_extras are not all graded: $(tail -n 3 "$work/check2.log")"
echo "roundtrip: TODO=2: the extras that need only task 1 pass or are not run: $(grep -E '^paged mode' "$work/check2.log")"

dst=$work/filled1
make -C "$dst" -s -j2 checker >"$work/build.log" 2>&1 ||
	fail "the filled skeleton does not build: $(grep -m3 -E 'error|warning' "$work/build.log")"
make -C "$dst" -s style >"$work/style.log" 2>&1 ||
	fail "make style fails in the filled skeleton: $(tail -n 5 "$work/style.log")"
make -C "$dst" -s check >"$work/check.log" 2>&1 || true
grep -q '^Score: 100/100$' "$work/check.log" ||
	fail "the filled skeleton does not score 100/100: $(grep -E 'FAILED|^Score' "$work/check.log")"
echo "roundtrip: filled back, the skeleton builds, passes make style and scores 100/100"

# A style error a student could make: the skeleton's make style sees it.
victim=vmm/core/run.c
cp "$dst/$victim" "$work/victim"
printf 'int roundtrip_probe(int a){return a;}\n' >>"$dst/$victim"
if make -C "$dst" -s style >"$work/style-bad.log" 2>&1; then
	fail "make style in the skeleton passes on a style error in $victim"
fi
cp "$work/victim" "$dst/$victim"
echo "roundtrip: make style in the skeleton fails on a style error in $victim"
