#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# grade.sh SRCTREE OBJTREE [COPIES]: make bench-grade, what make grade
# costs on this host (issue 12 aims at 30 solutions in under 4 minutes
# on 2 cores, and at most 20 s more than a correct submission for a
# broken one). Two batches, each graded once by tools/grade/grade.sh
# with JOBS=2:
#   1. COPIES (default 30) copies of the solution: the wall time of
#      each (its build and its judging, from the times of its logs) and
#      of the batch, with the judge's own build apart;
#   2. broken submissions beside a correct one: one that hangs (its
#      exit loop never stops at a halt, as tools/hangcheck.sh), one
#      that crashes (SIGSEGV in every program linked with it, before
#      main), one that does not build, one that fork-bombs
#      (tools/grade/cheats/forkbomb.c); each
#      one's cost over the correct one, and the correct one's score.
# A benchmark: it prints, it asserts no time. It fails only if a batch
# could not be graded at all. As make grade, it needs root: as another
# user it says so and does nothing.
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: grade.sh SRCTREE OBJTREE [COPIES]" >&2; exit 2; }
src=$(cd "$1" && pwd)
obj=$2
copies=${3:-30}
jobs=2
case $copies in
'' | *[!0-9]* | 0) echo "bench-grade: COPIES=$copies: a number, 1 or more" >&2; exit 2 ;;
esac
if [ "$(id -u)" -ne 0 ]; then
	echo "make grade: skipped (as make grade, it runs as root: sudo make bench-grade)"
	exit 0
fi

tmp=$(mktemp -d /var/tmp/kvmlab-bench-grade.XXXXXX)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

solution() {
	mkdir -p "$1"
	(cd "$src" && "$src/tools/kit-files.sh" "$src" |
		xargs -0 cp --parents -t "$1")
}
solution "$tmp/sol"

# batch NAME: grade $tmp/NAME into $tmp/NAME.out; its log in NAME.log,
# its wall time in seconds on stdout.
batch() {
	local name=$1 t=$SECONDS

	mkdir -p "$tmp/$name.work"
	if ! SUBMISSIONS=$tmp/$name OUT=$tmp/$name.out JOBS=$jobs TODO=1 \
	     KVMLAB_GRADE_WORKDIR=$tmp/$name.work \
	     "$src/tools/grade/grade.sh" "$src" "$obj" >"$tmp/$name.log" 2>&1; then
		echo "bench-grade: batch $name could not be graded:" >&2
		tail -n 20 "$tmp/$name.log" >&2
		exit 1
	fi
	echo $((SECONDS - t))
}

# field OUT ID COLUMN: a cell of OUT's grades.csv.
field() {
	awk -F , -v id="$2" -v col="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$1 == id { print $c[col] }' "$1/grades.csv"
}

# Seconds a log was written over: from its birth to its last write (the
# build's, the judge's run). "?" where the filesystem keeps no birth.
span() {
	local b m

	read -r b m < <(stat -c '%W %Y' "$1" 2>/dev/null || echo "0 0")
	if [ "${b:-0}" -gt 0 ] && [ "${m:-0}" -ge "$b" ]; then
		echo $((m - b))
	else
		echo "?"
	fi
}

echo "make grade: $copies copies of the solution, JOBS=$jobs, graded whole"
mkdir -p "$tmp/class"
for ((i = 1; i <= copies; i++)); do
	cp -a "$tmp/sol" "$tmp/class/$(printf 'student%02d' "$i")"
done
load0=$(cut -d ' ' -f 1 /proc/loadavg)
total=$(batch class)
load1=$(cut -d ' ' -f 1 /proc/loadavg)
judge_build=$(sed -n 's/.*JUDGE   built in \([0-9]*\) s.*/\1/p' "$tmp/class.log")
sum=0 builds=0 judged=0 nb=0 nj=0 wrong=0
for ((i = 1; i <= copies; i++)); do
	id=$(printf 'student%02d' "$i")
	s=$(field "$tmp/class.out" "$id" seconds)
	b=$(span "$tmp/class.out/$id/logs/build.log")
	j=$(span "$tmp/class.out/$id/logs/judge.txt")
	[ "$(field "$tmp/class.out" "$id" total)" = 100 ] || wrong=$((wrong + 1))
	printf '  %-10s %4s s  (build %s s, judge %s s)  %s/100\n' "$id" "$s" \
		"$b" "$j" "$(field "$tmp/class.out" "$id" total)"
	sum=$((sum + s))
	[ "$b" = "?" ] || { builds=$((builds + b)); nb=$((nb + 1)); }
	[ "$j" = "?" ] || { judged=$((judged + j)); nj=$((nj + 1)); }
done
echo "  batch: $total s in all, the judge's build ${judge_build:-?} s of it; $((sum / copies)) s per submission, 2 at a time"
if [ $nb -gt 0 ] && [ $nj -gt 0 ]; then
	b=$((builds / nb))
	j=$((judged / nj))
	what=judge
	[ $b -le $j ] || what=build
	echo "  per submission: build $b s, judge $j s on average: the $what dominates"
fi
echo "  load average: $load0 before, $load1 after (other sessions share the host)"
if [ "$total" -le 240 ]; then
	echo "  aim: under 240 s for the batch: met"
else
	echo "  aim: under 240 s for the batch: missed by $((total - 240)) s"
fi
[ $wrong -eq 0 ] || echo "  NOTE: $wrong copies of the solution did not score 100 (see above)"

echo "make grade: broken submissions beside a correct one, JOBS=$jobs, graded whole"
mkdir -p "$tmp/broken"
cp -a "$tmp/sol" "$tmp/broken/correct"
cp -a "$tmp/sol" "$tmp/broken/hang"
perl -0pi -e 's/(a halt ends the run \*\/\n\t\treturn) VERDICT_HALT;/$1 VERDICT_RESUME;/' \
	"$tmp/broken/hang/vmm/core/exit.c"
if cmp -s "$tmp/broken/hang/vmm/core/exit.c" "$tmp/sol/vmm/core/exit.c"; then
	echo "bench-grade: the halt no longer reads as expected in vmm/core/exit.c" >&2
	exit 1
fi
cp -a "$tmp/sol" "$tmp/broken/crash"
# (A store through a null pointer would not do: gcc drops it.)
cat >>"$tmp/broken/crash/vmm/result.c" <<'EOF'

#include <signal.h>

__attribute__((constructor)) static void bench_crash(void)
{
	raise(SIGSEGV);
}
EOF
cp -a "$tmp/sol" "$tmp/broken/nobuild"
echo 'this is not C' >>"$tmp/broken/nobuild/vmm/core/vm.c"
cp -a "$tmp/sol" "$tmp/broken/forkbomb"
cat "$src/tools/grade/cheats/forkbomb.c" >>"$tmp/broken/forkbomb/vmm/result.c"
total=$(batch broken)
good=$(field "$tmp/broken.out" correct seconds)
printf '  %-10s %4s s  %s/100 (%s)\n' correct "$good" \
	"$(field "$tmp/broken.out" correct total)" \
	"$(field "$tmp/broken.out" correct status)"
for id in hang crash nobuild forkbomb; do
	s=$(field "$tmp/broken.out" "$id" seconds)
	aim=within
	[ $((s - good)) -le 20 ] || aim=over
	printf '  %-10s %4s s  %+4d s against the correct one (%s the aim)  %s/100 (%s)\n' \
		"$id" "$s" $((s - good)) "$aim" \
		"$(field "$tmp/broken.out" "$id" total)" \
		"$(field "$tmp/broken.out" "$id" status)"
done
echo "  batch: $total s in all (aim: each broken one at most 20 s more than the correct one)"
