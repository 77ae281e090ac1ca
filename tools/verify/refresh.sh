#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# refresh.sh SRCTREE [PATCH...]: when the tree has moved under verify's
# patches, rewrite each one that no longer applies against the tree as
# it is now. A patch that still applies when its outermost context
# lines are ignored (they moved, its own lines did not) is rewritten,
# header kept; one that does
# not is listed, to be written again by hand. Review the result with
# git diff: a refreshed patch must still tell its story.
set -euo pipefail

src=$(cd "$1" && pwd)
shift
work=$(mktemp -d /tmp/kvmlab-refresh.XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ $# -eq 0 ]; then
	set -- "$src"/tools/verify/mistakes/*/*.patch \
		"$src"/tools/verify/alternatives/*/*.patch
fi

# shellcheck disable=SC2016
(cd "$src" && git ls-files -z | xargs -0 sh -c \
	'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' - |
	xargs -0 cp --parents -t "$work")
(cd "$work" && git init -q && git add -A &&
	git -c user.name=refresh -c user.email=refresh@localhost \
		commit -qm tree)

status=0
for patch in "$@"; do
	name=${patch#"$src"/tools/verify/}
	if (cd "$work" && git apply --check "$patch" 2>/dev/null); then
		continue
	fi
	if (cd "$work" && patch -p1 -s -f --fuzz=1 --no-backup-if-mismatch \
			<"$patch" >/dev/null 2>&1) &&
	   ! (cd "$work" && git status --porcelain | grep -q '\.rej$'); then
		{ sed '/^diff --git /,$d' "$patch"
		  (cd "$work" && git diff); } >"$patch.new"
		mv "$patch.new" "$patch"
		echo "refresh: $name: rewritten against the tree"
	else
		echo "refresh: $name: does not apply; write it again" >&2
		status=1
	fi
	(cd "$work" && git checkout -q -- . && git clean -qfd)
done
exit $status
