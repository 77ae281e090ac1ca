#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# setup.sh: Gradescope runs this once, as root, when it builds the
# autograder's image (the zip is unpacked in /autograder/source). It
# installs the Debian or Ubuntu packages the grader needs, unpacks the
# kit shipped in the zip into /autograder/source/kvmlab and builds the
# judge there, so that each submission only builds the student's code.
# Packages already installed are not asked for again: with all of them
# present, apt is not run at all.
#
# AUTOGRADER_ROOT (default /autograder) moves the whole tree elsewhere,
# for a test (tools/gradescope/test.sh). Exit status: 0 done, 1 failed.
set -euo pipefail

root=${AUTOGRADER_ROOT:-/autograder}
source=$root/source
kit=$source/kvmlab

if [ ! -r "$source/kvmlab.tar.gz" ]; then
	echo "setup.sh: no $source/kvmlab.tar.gz: unpack the zip from 'make gradescope' into $source" >&2
	exit 1
fi

# What the kit's own tools/deps.sh cannot install for itself: make to
# run it, the compiler, and jq for run_autograder's results.json.
base="make gcc libc6-dev jq"
missing=
for pkg in $base; do
	dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $pkg"
done
if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
else
	echo "setup.sh: $base present, apt not run"
fi

rm -rf "$kit"
mkdir -p "$kit"
tar -xzf "$source/kvmlab.tar.gz" -C "$kit" --no-same-owner

# The grader's packages, through the kit's own list (tools/deps.sh),
# then the judge: the instructor's VMM (run_autograder's KVM probe)
# and checker. "make grade" builds what else it needs, once.
make -C "$kit" deps-check
if make -C "$kit" -n deps-grade >/dev/null 2>&1; then
	make -C "$kit" deps-grade
fi
make -C "$kit" -j"$(nproc)" checker
echo "setup.sh: kvmlab ready in $kit"
