#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# merge.sh OUT SHARD_DIR...: make grade-merge. Each SHARD_DIR is the OUT
# of one "make grade SHARD=i/N" (a CI job's artifacts, say); OUT gets
# one grades.csv with every student's row, sorted by id, and each
# student's directory (feedback, results.json, junit.xml, logs) copied
# in, so that it looks like one batch. The columns are the union of the
# shards' columns, in the order first seen; a cell a shard lacks is 0.
# A student graded in two shards is an error: the shards overlap.
#
# Exit status: 0 merged, 1 overlapping or broken shards, 2 bad usage.
set -euo pipefail

[ $# -ge 2 ] || {
	echo 'usage: make grade-merge OUT=DIR SHARDS="DIR1 DIR2 ..."' >&2
	exit 2
}
out=$1
shift
mkdir -p "$out"
out=$(cd "$out" && pwd)

csvs=()
for d in "$@"; do
	[ -f "$d/grades.csv" ] || {
		echo "grade-merge: $d/grades.csv: no such file (is $d a make grade OUT?)" >&2
		exit 2
	}
	csvs+=("$(cd "$d" && pwd)/grades.csv")
done

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# One header for all; rows by id; a second row for an id is an overlap.
if ! awk -F ',' -v OFS=',' '
	FNR == 1 {
		for (i = 1; i <= NF; i++) {
			name[FILENAME, i] = $i
			if (!($i in col)) {
				col[$i] = ++ncols
				order[ncols] = $i
			}
		}
		nf[FILENAME] = NF
		next
	}
	$0 != "" {
		if ($1 in row) {
			printf("grade-merge: %s is in two shards (the second: %s)\n",
			       $1, FILENAME) > "/dev/stderr"
			bad = 1
		}
		row[$1] = 1
		for (i = 1; i <= nf[FILENAME]; i++)
			cell[$1, name[FILENAME, i]] = $i
		ids[++nids] = $1
	}
	END {
		if (bad)
			exit 1
		line = ""
		for (c = 1; c <= ncols; c++)
			line = line (c > 1 ? OFS : "") order[c]
		print line
		fflush()
		for (r = 1; r <= nids; r++) {
			line = ""
			for (c = 1; c <= ncols; c++) {
				v = cell[ids[r], order[c]]
				line = line (c > 1 ? OFS : "") (v == "" ? 0 : v)
			}
			print line | "LC_ALL=C sort"
		}
	}' "${csvs[@]}" >"$tmp"; then
	exit 1
fi

for d in "$@"; do
	src=$(cd "$d" && pwd)
	[ "$src" = "$out" ] && continue
	while IFS= read -r -d '' sub; do
		rm -rf "${out:?}/${sub##*/}"
		cp -a "$sub" "$out/"
	done < <(find "$src" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -print0)
done
mv "$tmp" "$out/grades.csv"
trap - EXIT
echo "  MERGE   $out/grades.csv ($(($(wc -l <"$out/grades.csv") - 1)) students from $# shards)"
