#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# memcheck.sh VMM OBJTREE: every scenario under valgrind's memcheck.
# Any invalid access, use of uninitialised memory, or leak (definite or
# indirect) fails it. Failing guests are run too: the VMM's error paths
# must be as clean as its happy ones.
set -uo pipefail

vmm=$1
obj=$2
guests=$obj/checker/guests
programs=$obj/checker/programs
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

runs=(
	"real" "protected" "long" "lab1" "--dump-regs lab1" "serial-in"
	"--dirty-log mmio" "simvirtio" "--poll simvirtio"
	"--payload 4096 simvirtio" "--stats=json --poll --payload 4096 simvirtio"
	"--root $root lab2" "--root $root --strace --elf $programs/echo_args.musl -- 3"
	"--root $root --elf $programs/echo_args.glibc -- 4"
	"--mode protected --load $guests/triple_fault.bin"
	"--timeout 0.5 --mode protected --load $guests/spin.bin"
	"--simvirtio --mode long --load $guests/simvirtio_hostile.bin"
	"--mode protected --load $guests/mmio.bin"
	"--mem-file $root/ram.img real"
	"--mode real --load /nonexistent"
	"bogus"
	"--mode protected --load $guests/fetch_mmio.bin"
	"--mode protected --load $guests/ports.bin"
	"--mode protected --load $guests/cross_ram.bin"
	"--mode long --load $guests/mmio64.bin"
	"--simvirtio --mode long --load $guests/svio_flood.bin"
	"--poll --simvirtio --mode long --load $guests/svio_race.bin"
	"--root $root --elf $programs/abuse.musl"
	"--root $root --elf $programs/escape.musl -- ../x /etc/passwd"
	"--root $root --elf $programs/families.musl -- processes"
	"--root $root --elf $programs/families.glibc -- handlers"
	"--root $root --elf $programs/families.musl -- memory"
)

failed=0
for args in "${runs[@]}"; do
	# shellcheck disable=SC2086
	out=$(echo "input" | valgrind -q --error-exitcode=99 \
		--leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect \
		"$vmm" --timeout 20 $args 2>&1 >/dev/null)
	status=$?
	if [ $status -eq 99 ] || grep -q '^==[0-9]*==' <<<"$out"; then
		echo "memcheck: vmm $args:" >&2
		grep '^==[0-9]*==' <<<"$out" | head -n 20 >&2
		failed=$((failed + 1))
	else
		echo "  MEMCHECK vmm $args (status $status)"
	fi
done
[ $failed -eq 0 ] || { echo "memcheck: $failed runs had errors" >&2; exit 1; }
echo "memcheck: ${#runs[@]} runs, no invalid access, no leak"
