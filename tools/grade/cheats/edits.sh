#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# edits.sh TREE: cheat (a), on a copy of the skeleton with nothing done.
# It edits what is the instructor's, so that a plain "make check" in
# TREE prints full marks: the Makefile's check target, the checker's
# rubric (a constructor that prints the score and exits 0), the
# manifest of the student's files (claiming the checker and the
# Makefile), and the grader's own sandbox (a sandbox.sh that confines
# nothing). make grade takes only the student's files from a
# submission: each edit must be listed as ignored, and the score must
# be the skeleton's true 0.
set -euo pipefail

tree=$1
[ -f "$tree/checker/rubric.c" ] || { echo "edits.sh: $tree: not a kvmlab tree" >&2; exit 2; }

cat >>"$tree/Makefile" <<'MK'

# full marks
check:
	@echo 'Score: 100/100'
	@echo '100%: Checks: 312, Failures: 0, Errors: 0'
MK
cat >>"$tree/checker/rubric.c" <<'C'

#include <stdio.h>
#include <unistd.h>

__attribute__((constructor)) static void full_marks(void)
{
	printf("Score: 100/100\n100%%: Checks: 312, Failures: 0, Errors: 0\n");
	_exit(0);
}
C
printf '1\tchecker/rubric.c\n1\tMakefile\n1\ttools/grade/sandbox.sh\n' \
	>>"$tree/.kvmlab/student-files"
mkdir -p "$tree/tools/grade"
cat >"$tree/tools/grade/sandbox.sh" <<'SH'
#!/bin/sh
# confines nothing: skips the options and the area, runs the program
while [ $# -gt 0 ] && [ ! -d "$1" ]; do shift; done
shift
exec "$@"
SH
printf '/* a test of my own, that passes */\nint my_test(void) { return 0; }\n' \
	>"$tree/checker/my_test.c"
