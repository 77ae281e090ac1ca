#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fuzz.sh OBJDIR [SECONDS]: run each libFuzzer harness that "make fuzz"
# built in OBJDIR for SECONDS (default 60), FUZZ_JOBS (default 2) at a
# time. Each starts from a fresh copy of its seeds (fuzz/corpus/NAME in
# the source tree) in OBJDIR/out/NAME/corpus, and keeps its log and
# what it finds there: the seeds themselves are never written.
#
# Prints one line per harness: runs, seconds, coverage. Exits non-zero
# if any harness crashed, leaked, hung (-timeout) or ran out of memory
# (-rss_limit_mb), naming the input that did it.
set -u

if [ $# -lt 1 ]; then
	echo "usage: fuzz.sh OBJDIR [SECONDS]" >&2
	exit 2
fi
obj=$1
secs=${2:-60}
jobs=${FUZZ_JOBS:-2}
src=${srctree:-$(cd "$(dirname "$0")/.." && pwd)}
harnesses="fuzz_simvirtio fuzz_elf fuzz_syscall fuzz_args fuzz_gdb"
pids=

# libFuzzer takes -max_total_time=0 as "for ever".
case $secs in
''|*[!0-9]*|0*)
	echo "fuzz.sh: SECONDS must be a number from 1, not '$secs'" >&2
	exit 2 ;;
esac

# shellcheck disable=SC2086
trap 'kill $pids 2>/dev/null; exit 130' INT TERM

run() {
	out=$obj/out/$1

	rm -rf "$out"
	mkdir -p "$out/corpus" "$out/tmp"
	if [ -d "$src/fuzz/corpus/$1" ]; then
		cp -R "$src/fuzz/corpus/$1/." "$out/corpus/"
	fi
	# TMPDIR: what a harness makes (fuzz_syscall's sandbox) stays here.
	TMPDIR=$out/tmp "$obj/$1" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/" "$out/corpus" >"$out/log" 2>&1
	echo $? >"$out/status"
}

# One line: "  FUZZ    NAME: N runs in M s, cov: C", or what it found.
report() {
	out=$obj/out/$1
	rc=$(cat "$out/status" 2>/dev/null || echo '?')
	done_line=$(sed -En \
		's/^Done ([0-9]+) runs in ([0-9]+) sec.*/\1 runs in \2 s/p' \
		"$out/log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$out/log" | tail -n 1)
	found=$(find "$out" -maxdepth 1 -type f \( -name 'crash-*' \
		-o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) |
		sort)

	if [ -z "$found" ] && [ "$rc" = 0 ] && [ -n "$done_line" ]; then
		echo "  FUZZ    $1: $done_line, ${cov:-cov: ?}"
		return 0
	fi
	echo "  FUZZ    $1: FAILED (status $rc), ${cov:-cov: ?};" \
	     "log: $out/log"
	for f in $found; do
		echo "          found: $f"
	done
	grep -m 3 -E '^(SUMMARY|==[0-9]+==ERROR)|runtime error' "$out/log" |
		sed 's/^/          /'
	return 1
}

for h in $harnesses; do
	if [ ! -x "$obj/$h" ]; then
		echo "fuzz.sh: $obj/$h is not built: run make fuzz" >&2
		exit 2
	fi
done

n=0
for h in $harnesses; do
	run "$h" &
	pids="$pids $!"
	n=$((n + 1))
	if [ "$n" -ge "$jobs" ]; then
		wait
		pids=
		n=0
	fi
done
wait

status=0
for h in $harnesses; do
	report "$h" || status=1
done
exit "$status"
