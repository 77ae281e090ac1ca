#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# verify.sh SRCTREE: the grader's own proof, and the skeletons'.
#
# 1. The reference tree must score 100/100.
# 2. Each mistake, tools/verify/mistakes/ITEM/NAME.patch, is a small
#    diff a student could write. Applied to a copy of the tree, it must
#    cost ITEM all of its points, and any other item none, unless the
#    grader reports that item "not graded" (it depends on the broken
#    one: the README's Grading section lists the dependencies).
# 3. Each alternative, tools/verify/alternatives/ITEM/NAME.patch, is a
#    correct solution that differs from ours; it must score 100/100.
# 4. For each level k, the student skeleton (make skels TODO=k, which
#    also checks that no solution line reached it) must build without
#    a warning and score exactly the points of the tasks below k.
#
# A patch that no longer applies is a failure that names it. The cases
# named in tools/verify/pending wait for the grader (the line says
# which gap): they must still apply, they are reported "pending", and
# they do not fail verify; VERIFY_PENDING=1 grades them too and says
# which now pass. VERIFY_ONLY=PATTERN runs the cases whose name
# (mistake/ITEM/NAME, alternative/ITEM/NAME, skeleton/TODO=k) matches
# the extended regex. VERIFY_KEEP=DIR keeps each case's grade there.
#
# Speed: the tree is built once; each case grades a copy of the built
# tree, so only the files its patch changes are compiled again. Only
# the scored items are graded where the checker can (ITEM=scored), and
# two cases run at a time (VERIFY_JOBS).
set -euo pipefail

items=(real_mode long_mode simvirtio polling exit_profiling)
declare -A full=([real_mode]=30 [long_mode]=20 [simvirtio]=30 [polling]=10
		 [exit_profiling]=10)
declare -A title=([real_mode]="real mode" [long_mode]="long mode"
		  [simvirtio]="SIMVIRTIO" [polling]="polling"
		  [exit_profiling]="exit profiling")
# What skeleton TODO=k must score: the points of the tasks below k.
below=(0 0 30 50 80 90)
# A grade that takes longer than this is a hang of the grader itself.
CASE_TIMEOUT=${VERIFY_CASE_TIMEOUT:-300}

# "name ........ text", in one column.
say() {
	local dots=.............................................................
	local pad=$((52 - ${#1}))

	[ $pad -lt 3 ] && pad=3
	printf '%s %s %s (%d s)\n' "$1" "${dots:0:pad}" "$2" "$SECONDS"
}

value() {
	sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p" "$1"
}

# The summary line of an item, as the grader printed it.
item_line() {
	grep -m1 "^${title[$2]} \.\.*" "$1" || true
}

# Grade the tree $1 into its checker/results; the log goes to $2.
# scored: the five scored items in one run (ITEM=scored); items: one
# run per scored item (ITEM=id), their results merged; full: make check.
grade() {
	local res=$1/checker/results i points total=0 json='' only=()

	case $VERIFY_MODE in
	scored|full)
		[ "$VERIFY_MODE" = scored ] && only=(ITEM=scored)
		timeout "$CASE_TIMEOUT" make -C "$1" -s check "${only[@]}" \
			>"$2" 2>&1 || true
		;;
	items)
		: >"$2"
		for i in "${items[@]}"; do
			timeout "$CASE_TIMEOUT" make -C "$1" -s check ITEM="$i" \
				>>"$2" 2>&1 || true
			points=$(value "$res/results.json" "$i" 2>/dev/null)
			[ -n "$points" ] || return 0	# no results: said later
			json+="\"$i\": $points, "
			total=$((total + points))
		done
		echo "{$json\"total\": $total, \"max\": 100}" >"$res/results.json"
		;;
	esac
}

# Copy the built base tree to $1, with the paths its saved commands and
# dependency lists hold moved along, so that make rebuilds only what
# changes there.
copy_built() {
	cp -a "$VERIFY_BASE" "$1"
	find "$1" -type f \( -name '.*.cmd' -o -name '.*.d' \) -print0 |
		xargs -0 -r sed -i "s|$VERIFY_BASE|$1|g"
}

# One case: kind (mistake, alternative, skeleton), item or level, name.
# Prints the case's one line; exits 0 (passed), 1 (failed) or 3
# (pending: a known grader gap).
run_case() {
	local kind=$1 item=$2 name=$3 patch=$4 pending=$5
	local id=$kind/$item/$name dst=$VERIFY_WORK/cases/$kind-$item-$name
	local log=$dst.log json got line other points lost extra ok

	local label="$kind $item/$name"

	# (make cannot work in a directory whose name holds an "=")
	[ "$kind" = skeleton ] && id=skeleton/TODO=$item label="skeleton TODO=$item" \
		dst=$VERIFY_WORK/cases/skeleton-$item log=$VERIFY_WORK/cases/skeleton-$item.log
	if [ "$kind" != skeleton ] &&
	   ! (cd "$VERIFY_BASE" && git apply --check "$patch" 2>/dev/null); then
		say "$label" "FAILED: ${patch#"$VERIFY_SRC"/} no longer applies to the tree"
		return 1
	fi
	if [ -n "$pending" ] && [ -z "${VERIFY_PENDING:-}" ]; then
		say "$label" "pending (grader gap: $pending)"
		return 3
	fi

	if [ "$kind" = skeleton ]; then
		make -C "$VERIFY_SRC" -s skels TODO="$item" O="$dst.gen" \
			>"$log.gen" 2>&1 || {
			say "$label" "FAILED: make skels TODO=$item: $(tail -n1 "$log.gen")"
			return 1
		}
		mv "$dst.gen/skels" "$dst"
		rm -rf "$dst.gen"
		if ! make -C "$dst" -s -j1 checker >"$log.build" 2>&1; then
			say "$label" "FAILED: does not build: $(grep -m1 -E 'error|warning' "$log.build")"
			return 1
		fi
		if grep -q 'warning:' "$log.build"; then
			say "$label" "FAILED: builds with a warning: $(grep -m1 'warning:' "$log.build")"
			return 1
		fi
	else
		copy_built "$dst"
		(cd "$dst" && git apply "$patch")
		if ! make -C "$dst" -s -j1 checker >"$log.build" 2>&1; then
			say "$label" "FAILED: the patched tree does not build: $(grep -m1 -E 'error|warning' "$log.build")"
			return 1
		fi
	fi

	grade "$dst" "$log"
	json=$dst/checker/results/results.json
	if [ ! -f "$json" ]; then
		say "$label" "FAILED: the grader wrote no results: $(tail -n1 "$log")"
		return 1
	fi
	got=$(value "$json" total)
	if [ -n "${VERIFY_KEEP:-}" ]; then
		mkdir -p "$VERIFY_KEEP/${id%/*}"
		cp "$log" "$VERIFY_KEEP/$id.log"
		cp "$json" "$VERIFY_KEEP/$id.json"
	fi

	case $kind in
	skeleton)
		if [ "$got" = "${below[$item]}" ]; then
			say "$label" "builds without a warning, scores $got/100, leaks no solution line"
			return 0
		fi
		say "$label" "FAILED: scores ${got:-nothing}/100, expected ${below[$item]}/100"
		return 1
		;;
	alternative)
		ok=no
		[ "$got" = 100 ] && ok=yes
		line="${got:-nothing}/100"
		if [ $ok = no ]; then
			for other in "${items[@]}"; do
				points=$(value "$json" "$other")
				[ "$points" = "${full[$other]}" ] ||
					line+="; ${title[$other]} ${points:-?}/${full[$other]}"
			done
		fi
		;;
	mistake)
		ok=yes
		points=$(value "$json" "$item")
		if [ "$points" = 0 ] && ! item_line "$log" "$item" | grep -q 'not graded'; then
			line="costs ${title[$item]} ${full[$item]}/${full[$item]}"
		else
			ok=no
			line="${title[$item]} kept ${points:-?}/${full[$item]}"
			item_line "$log" "$item" | grep -q 'not graded' &&
				line="${title[$item]} reported not graded, not failed"
		fi
		lost="" extra="" below_item=yes
		for other in "${items[@]}"; do
			if [ "$other" = "$item" ]; then
				below_item=no
				continue
			fi
			points=$(value "$json" "$other")
			[ "$points" = "${full[$other]}" ] && continue
			# Dependencies point down the rubric: an item may
			# need the ones above it, never the ones below.
			if item_line "$log" "$other" | grep -q 'not graded' &&
			   [ $below_item = no ]; then
				extra+="${extra:+, }${title[$other]}"
			else
				ok=no
				lost+="${lost:+, }${title[$other]} ${points:-?}/${full[$other]}"
			fi
		done
		if [ -n "$lost" ]; then
			line+="; also costs $lost (no dependency reported)"
		elif [ -n "$extra" ]; then
			line+="; not graded: $extra"
		elif [ $ok = yes ]; then
			line+=", nothing else"
		fi
		;;
	esac

	if [ -n "$pending" ]; then
		if [ $ok = yes ]; then
			say "$label" "pending, now passes ($line): enable it"
		else
			say "$label" "pending (grader gap: $pending): $line"
		fi
		return 3
	fi
	if [ $ok = yes ]; then
		say "$label" "$line"
		return 0
	fi
	say "$label" "FAILED: $line"
	# What the grader said: the items it failed, the first failures.
	{ grep -E '^[a-zA-Z].* \.{3,} (FAILED|not)|^    broken: ' "$log" |
		grep -v extra
	  grep -E ':[FE]:' "$log" | head -n 4; } | cut -c1-240 | sed 's/^/    /'
	return 1
}

# The lanes call back into this script for each case.
if [ "${1:-}" = --case ]; then
	shift
	status=0
	run_case "$@" || status=$?
	echo "$status" >"$VERIFY_WORK/status/$(echo "$1-$2-$3" | tr / _)"
	case_dir=$VERIFY_WORK/cases/$1-$2-$3
	[ "$1" = skeleton ] && case_dir=$VERIFY_WORK/cases/skeleton-$2
	rm -rf "$case_dir" "$case_dir".*
	exit 0
fi

# The whole run is one function, read before it starts: editing this
# file while it runs cannot change what it does.
main() {
	start=$SECONDS
	src=$(cd "$1" && pwd)
	work=$(mktemp -d /tmp/kvmlab-verify.XXXXXX)
	chmod 755 "$work"	# the grader runs the VMM as another user too
	trap 'rm -rf "$work"' EXIT
	mkdir -p "$work/cases" "$work/status"
	export VERIFY_SRC=$src VERIFY_WORK=$work VERIFY_BASE=$work/base

	# The tree, built once.
	mkdir -p "$VERIFY_BASE"
	# The source files as they are now (tracked or new, not ignored).
	# shellcheck disable=SC2016
	(cd "$src" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' - |
		xargs -0 cp --parents -t "$VERIFY_BASE")
	if ! make -C "$VERIFY_BASE" -s -j2 checker >"$work/base.build" 2>&1; then
		echo "verify: the tree does not build:" >&2
		tail -n 5 "$work/base.build" >&2
		exit 1
	fi

	# Only the scored items: in one run where the checker knows how
	# (ITEM=scored), else one run each.
	export VERIFY_MODE=${VERIFY_MODE:-scored}
	grade "$VERIFY_BASE" "$work/base.log"
	if grep -q "unknown item 'scored'" "$work/base.log"; then
		VERIFY_MODE=items
		grade "$VERIFY_BASE" "$work/base.log"
	fi
	got=$(value "$VERIFY_BASE/checker/results/results.json" total 2>/dev/null)
	if [ "$got" != 100 ]; then
		echo "verify: the reference tree scores ${got:-nothing}/100, not 100/100:" >&2
		grep -E '^[a-zA-Z].* \.{3,} ' "$work/base.log" >&2 || true
		exit 1
	fi
	echo "verify: the reference tree scores 100/100 (graded: $VERIFY_MODE)"

	# The cases, one line each: kind item name patch pending-reason.
	pending_reason() {
		sed -n "s|^$1/$2/$3[[:space:]][[:space:]]*||p" \
			"$src/tools/verify/pending" 2>/dev/null | head -n1
	}
	list_cases() {
		local kind dir patch rel item name

		for kind in mistake alternative; do
			dir=$src/tools/verify/${kind}s
			for patch in "$dir"/*/*.patch; do
				[ -e "$patch" ] || continue
				rel=${patch#"$dir"/}
				item=${rel%%/*}
				name=${rel#*/}
				name=${name%.patch}
				if [ -z "${full[$item]:-}" ]; then
					echo "verify: $patch: $item is no rubric item" >&2
					exit 1
				fi
				printf '%s\t%s\t%s\t%s\t%s\n' "$kind" "$item" "$name" \
					"$patch" "$(pending_reason "$kind" "$item" "$name")"
			done
		done
		for k in 1 2 3 4 5; do
			printf 'skeleton\t%s\tTODO=%s\t-\t\n' "$k" "$k"
		done
	}
	list_cases >"$work/cases.tsv"
	if [ -n "${VERIFY_ONLY:-}" ]; then
		awk -F'\t' -v re="$VERIFY_ONLY" '{
			id = $1 == "skeleton" ? "skeleton/TODO=" $2 : $1 "/" $2 "/" $3
			if (id ~ re) print }' "$work/cases.tsv" >"$work/only.tsv"
		mv "$work/only.tsv" "$work/cases.tsv"
	fi

	# shellcheck disable=SC2016
	tr '\n' '\0' <"$work/cases.tsv" |
		xargs -0 -P "${VERIFY_JOBS:-2}" -I{} sh -c \
		'set -f; IFS="	"; set -- $1; exec "$0" --case "$1" "$2" "$3" "$4" "$5"' \
		"$0" {}

	# A case that failed in parallel runs once more, alone: one that
	# passes then was disturbed by the load, and is named as flaky.
	retry=$(mktemp)
	while IFS='	' read -r kind item name patch why; do
		id=$kind-$item-$name
		[ "$(cat "$work/status/$(echo "$id" | tr / _)" 2>/dev/null)" = 1 ] ||
			continue
		printf '%s\t%s\t%s\t%s\t%s\n' "$kind" "$item" "$name" "$patch" \
			"$why" >>"$retry"
	done <"$work/cases.tsv"
	while IFS='	' read -r kind item name patch why; do
		echo "verify: $kind $item/$name failed; running it again, alone"
		"$0" --case "$kind" "$item" "$name" "$patch" "$why"
		if [ "$(cat "$work/status/$(echo "$kind-$item-$name" | tr / _)")" = 0 ]; then
			echo "verify: FLAKY: $kind $item/$name passed alone, failed under load"
		fi
	done <"$retry"
	rm -f "$retry"

	passed=0 failed=0 pending=0
	for f in "$work"/status/*; do
		case $(cat "$f") in
		0) passed=$((passed + 1)) ;;
		3) pending=$((pending + 1)) ;;
		*) failed=$((failed + 1)) ;;
		esac
	done
	enabled() {
		awk -F'\t' -v k="$1" '$1 == k && $5 == ""' "$work/cases.tsv" | wc -l
	}
	for f in "$work"/status/*; do
		[ "$(cat "$f")" = 1 ] && echo "verify: failed: ${f##*/}"
	done
	echo "verify: $(enabled mistake) mistakes, $(enabled alternative) alternatives and $(enabled skeleton) skeletons enabled; $passed passed, $failed failed, $pending pending; $((SECONDS - start)) s"
	[ "$failed" = 0 ]
}

main "$@"
exit
