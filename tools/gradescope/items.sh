#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# items.sh RUBRIC_C: print the scored items of the rubric, one per line,
# as "id<TAB>title<TAB>points", in the rubric's order. checker/rubric.c
# is the one place the items and their points are written; the
# Gradescope zip (a results.json when nothing could be graded) and
# test.sh (the GitHub Classroom workflow's steps) read them from here,
# so that neither can drift from the grader.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -r "$1" ]; then
	echo "usage: items.sh checker/rubric.c (the rubric's source, readable)" >&2
	exit 2
fi

# An item is '{ .id = "ID", .title = "TITLE", .points = N', on one line.
awk '
	/^[ \t]*\{ \.id = "[a-z0-9_]+", \.title = "[^"]*", \.points = [0-9]+/ {
		split($0, q, "\"")
		n = $0
		sub(/.*\.points = /, "", n)
		sub(/[^0-9].*/, "", n)
		printf("%s\t%s\t%d\n", q[2], q[4], n)
		found++
	}
	END { if (!found) exit 1 }
' "$1" || {
	echo "items.sh: no scored item found in $1: its items[] table changed form; update items.sh" >&2
	exit 1
}
