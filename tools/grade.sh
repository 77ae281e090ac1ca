#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# grade.sh CHECKER RESULTS: run the grader, keep what it printed in
# RESULTS/summary.txt, and fail unless it exited 0 and printed both its
# score line and Check's summary line: a grader that died halfway must
# not look like a pass. With FORMAT= set, failed tests exit 0 (below).
set -uo pipefail

checker=$1
results=$2

rm -rf "$results"
mkdir -p "$results"
"$checker" 2>&1 | tee "$results/summary.txt"
status=${PIPESTATUS[0]}

if ! grep -q '^Score: [0-9]*/[0-9]*' "$results/summary.txt"; then
	echo "kvmlab: the grader printed no score line (status $status)" >&2
	exit 1
fi
if ! grep -Eq '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' \
		"$results/summary.txt"; then
	echo "kvmlab: the grader printed no Check summary (status $status)" >&2
	exit 1
fi
# A platform's format (FORMAT=autolab|vmchecker) carries the grade in
# its last line: a failed item is a score there, not a failed command.
if [ -n "${KVMLAB_FORMAT:-}" ] && [ "$status" -eq 1 ]; then
	exit 0
fi
exit "$status"
