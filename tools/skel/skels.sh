#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# skels.sh SRCTREE DEST [TODO]: write the student tree for level TODO
# (1 to 5, default 1) to DEST. The solutions of levels >= TODO become
# TODO comments and stubs (skel.awk); the rest of the tree is copied as
# it is, with the students' README. Then check that no solution line
# reached the skeleton.
set -euo pipefail

src=$(cd "$1" && pwd)
dest=$2
todo=${3:-1}
here=$src/tools/skel

case $todo in
[1-5]) ;;
*) echo "skels: TODO=$todo: use a level from 1 (all removed) to 5" >&2
   exit 2 ;;
esac

# The kit's own proofs, CI and Gradescope zip stay with the kit.
exclude='^(\.ci/|tools/skel/|tools/gradescope/|tools/verify(\.sh$|/))'

rm -rf "$dest"
mkdir -p "$dest"
(cd "$src" && "$src/tools/kit-files.sh" "$src" | grep -zEv "$exclude" |
	xargs -0 cp --parents -t "$dest")

removed=$(mktemp)
trap 'rm -f "$removed" "$removed".*' EXIT
files=$(cd "$dest" && grep -rlE 'BEGIN SOLUTION [1-5]:' \
	--include='*.[ch]' --include='*.S' . | sort)
for f in $files; do
	awk -v todo="$todo" -v removed="$removed.one" \
		-v stubs="$removed.stub" -f "$here/skel.awk" "$src/$f" \
		>"$dest/$f"
	# Keep the removed lines that mean something alone, by file; the
	# stub lines, which may say the same, are allowed for.
	if [ -s "$removed.one" ]; then
		sed -n 's/^[ \t]*//; /^.\{16,\}$/p' "$removed.one" |
			sed "s|^|$f\tgone\t|" >>"$removed"
	fi
	if [ -s "$removed.stub" ]; then
		sed 's/^[ \t]*//' "$removed.stub" |
			sed "s|^|$f\tstub\t|" >>"$removed"
	fi
	rm -f "$removed.one" "$removed.stub"
done

# The manifest of the student's files, for make grade: LEVEL, a tab and
# PATH, where LEVEL is the highest task with a solution block in PATH.
# At TODO=k the files of LEVEL k or more are the student's; the same
# file serves every level (the skeletons differ only in TODO blocks).
mkdir -p "$dest/.kvmlab"
{
	echo "# make grade: LEVEL<TAB>PATH; at TODO=k the student's files are those of LEVEL >= k"
	for f in $files; do
		level=$(grep -oE 'BEGIN SOLUTION [1-5]:' "$src/$f" |
			grep -oE '[1-5]' | sort -n | tail -n 1)
		printf '%s\t%s\n' "$level" "${f#./}"
	done
} >"$dest/.kvmlab/student-files"

# The kit's README becomes docs/kvmlab.md, less what the skeleton does
# not ship: the <!-- kit --> ... <!-- /kit --> sections, and the lines
# of the tree listing (with their continuations) that name kit files.
awk '
	/^<!-- kit -->$/ { skip = 1; next }
	/^<!-- \/kit -->$/ { skip = 0; getline; if ($0 != "") print; next }
	skip { next }
	/^(tools\/verify(\.sh|\/)|tools\/skel\/|tools\/gradescope\/|\.ci\/)/ { cont = 1; next }
	cont && /^  +[^ ]/ { next }
	{ cont = 0; print }
' "$dest/README.md" >"$dest/docs/kvmlab.md"
rm "$dest/README.md"
if grep -nE 'make (skels|verify)|tools/(verify|skel/)|\.ci/' \
	"$dest/docs/kvmlab.md" >&2; then
	echo "skels: docs/kvmlab.md names the kit-only parts above: mark them <!-- kit -->" >&2
	exit 1
fi
sed "s/@TODO@/$todo/g" "$here/README.students.md" >"$dest/README.md"

# No solution line may reach the skeleton. A removed line L leaks if
# the skeleton has it more often than the solution has it outside the
# removed blocks, stubs aside:
#	count(skeleton) > count(solution) - count(removed) + count(stubs)
leaks=0
for f in $files; do
	grep -q "^$f	" "$removed" || continue
	leaks=$((leaks + $(awk -F '\t' -v f="$f" '
		FILENAME == ARGV[1] {
			# The line is all after the second tab: it may hold tabs.
			line = $0
			sub(/^[^\t]*\t[^\t]*\t/, "", line)
			if ($1 == f && $2 == "gone")
				gone[line]++
			else if ($1 == f)
				stub[line]++
			next
		}
		{ line = $0; sub(/^[ \t]*/, "", line) }
		FILENAME == ARGV[2] { have[line]++; next }
		{ kept[line]++ }
		END {
			n = 0
			for (l in gone)
				if (kept[l] > have[l] - gone[l] + stub[l]) {
					printf("skels: solution line leaked into %s: %s\n",
					       f, l) > "/dev/stderr"
					n++
				}
			print n
		}' "$removed" "$src/$f" "$dest/$f")))
done
[ $leaks -eq 0 ] || exit 1
n=$(grep -c '	gone	' "$removed" || true)
echo "  SKEL    $dest (TODO=$todo: $(echo "$files" | wc -w) files, $n solution lines checked absent)"
