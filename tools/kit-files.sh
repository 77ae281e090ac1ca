#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kit-files.sh SRCTREE: the kit's source files, NUL-separated, relative
# to SRCTREE: git's list when SRCTREE is the top of a git checkout; else
# (a tarball, a zip, a copy inside some other checkout) every file but
# what the build and the kit's own targets make, as .gitignore says.
# The skeleton, the Gradescope zip and the grader's tests all take the
# kit's files from here.
set -euo pipefail

src=$(cd "$1" && pwd -P)

top=$(git -C "$src" rev-parse --show-toplevel 2>/dev/null || true)
if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$src" ]; then
	exec git -C "$src" ls-files -z
fi
cd "$src"
exec find . -type f \
	! -path './.git/*' ! -path './skels/*' \
	! -path './.tools/*' ! -path './checker/logs/*' \
	! -path './checker/results/*' ! -path './checker/results-svm/*' \
	! -path './build*' ! -path './grades/*' \
	! -name '*.o' ! -name '*.a' ! -name '*.bin' \
	! -name '*.lds' ! -name '*.inc' ! -name '.*.cmd' \
	! -name '.*.d' ! -name 'gradescope.zip' \
	! -path './vmm/vmm' ! -path './checker/checker' \
	! -path './checker/unit' -printf '%P\0'
