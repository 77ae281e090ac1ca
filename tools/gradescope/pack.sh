#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pack.sh SRCTREE ZIP [TODO]: write the Gradescope autograder zip for
# skeleton level TODO (1 to 5, default 1), for "make gradescope".
#
# Gradescope unpacks the zip into /autograder/source, runs setup.sh
# there once as root when it builds the image, then run_autograder for
# each submission. The zip holds those two scripts at its root, the
# kit itself (kvmlab.tar.gz: every source file, solution included, as
# "make grade" builds the pristine skeleton and tests from it) and
# kvmlab.conf (the level and the kit's version). Nothing is built
# here: setup.sh builds on the image, with its compiler.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: pack.sh SRCTREE ZIP [TODO]" >&2
	exit 2
fi
src=$(cd "$1" && pwd)
zip=$(realpath -m "$2")
todo=${3:-1}
here=$src/tools/gradescope

case $todo in
[1-5]) ;;
*) echo "gradescope: TODO=$todo: use a level from 1 (all removed) to 5" >&2
   exit 2 ;;
esac

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

(cd "$src" && "$src/tools/kit-files.sh" "$src" | tar -czf "$stage/kvmlab.tar.gz" --null -T - \
	--owner=0 --group=0 --numeric-owner)
install -m 0755 "$here/setup.sh" "$stage/setup.sh"
install -m 0755 "$here/run_autograder" "$stage/run_autograder"
version=$(git -C "$src" describe --always --dirty 2>/dev/null || echo unknown)
printf 'TODO=%s\nVERSION=%s\n' "$todo" "$version" >"$stage/kvmlab.conf"

mkdir -p "$(dirname "$zip")"
rm -f "$zip.tmp"
(cd "$stage" && zip -q -X "$zip.tmp" setup.sh run_autograder \
	kvmlab.tar.gz kvmlab.conf)
mv "$zip.tmp" "$zip"
echo "  ZIP     $zip (TODO=$todo, kit $version)"
