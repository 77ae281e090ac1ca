#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh VMM [PAYLOAD]: SIMVIRTIO with the exit transport against the
# polling transport, on the same payload, in the same run. Prints the
# exits, the KVM_RUN calls and the wall time of each, and their ratio.
# Exit counts are exact; times depend on the host (nested KVM runs the
# guest's kernel-mode code slowly, so compare the two, not the absolute).
# Then Lab 2: a syscall against a port exit, and a program's start-up.
set -eu

vmm=$1
payload=${2:-1048576}
timeout=600
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The value of a counter in the one-line JSON of --stats=json.
count() {
	sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" "$1"
}

run() {
	name=$1
	shift
	start=$(date +%s.%N)
	if ! "$vmm" --timeout "$timeout" --stats=json --payload "$payload" \
		"$@" simvirtio >"$tmp/$name.out" 2>"$tmp/$name.err"; then
		echo "bench: $name run failed:" >&2
		tail -n 3 "$tmp/$name.out" "$tmp/$name.err" >&2
		exit 1
	fi
	end=$(date +%s.%N)
	grep -q "payload acknowledged: ACK $payload\$" "$tmp/$name.out" || {
		echo "bench: $name run lost payload bytes" >&2
		exit 1
	}
	printf '  %-8s %10s exits %10s KVM_RUN %8.2f s  %s\n' "$name" \
		"$(count "$tmp/$name.err" exits)" \
		"$(count "$tmp/$name.err" kvm_runs)" \
		"$(awk "BEGIN { print $end - $start }")" \
		"$(grep -c 'Finished vmm' "$tmp/$name.out") checked run"
}

echo "SIMVIRTIO, $payload bytes of payload:"
run exits --no-poll
run polling --poll
e=$(count "$tmp/exits.err" exits)
p=$(count "$tmp/polling.err" exits)
echo "  polling makes $((e / p)) times fewer exits ($e against $p)"

# Lab 2: one syscall round trip (ring 3 -> the stub's port -> the VMM's
# answer -> ring 3) against one bare port exit, measured here and now;
# and the start-up of a static program against the same program run
# natively. Needs the checker's programs (make checker) and busybox.
objtree=$(cd "$(dirname "$vmm")/.." && pwd)
loop=$objtree/checker/programs/syscall_loop.musl
storm=$objtree/checker/guests/port_loop.bin
syscalls=20000
starts=50

now() {
	date +%s.%N
}

# Seconds for one run of the command, the best of three.
best_of_3() {
	best=
	for _ in 1 2 3; do
		t0=$(now)
		"$@" >/dev/null 2>&1 || true
		t=$(awk "BEGIN { print $(now) - $t0 }")
		best=$(awk "BEGIN { b = \"$best\"; print (b == \"\" || $t < b) ? $t : b }")
	done
	echo "$best"
}

if [ ! -x "$loop" ] || [ ! -e "$storm" ] || [ ! -x /bin/busybox ]; then
	echo "Lab 2: skipped (run make checker first, and install busybox-static)"
	exit 0
fi

# Port exits: a guest that only reads an unclaimed port, for a second.
"$vmm" --timeout 1 --stats=json --mode protected --load "$storm" \
	>/dev/null 2>"$tmp/storm.err" || true
exits=$(count "$tmp/storm.err" exits)
exit_us=$(awk "BEGIN { printf \"%.1f\", 1e6 / $exits }")

# Microseconds for one round trip of the loop program, start-up out.
round_trip() {
	t0=$(best_of_3 "$vmm" --elf "$loop" -- 0 "$@")
	tn=$(best_of_3 "$vmm" --elf "$loop" -- $syscalls "$@")
	awk "BEGIN { printf \"%.1f\", ($tn - $t0) * 1e6 / $syscalls }"
}

ratio() {
	awk "BEGIN { printf \"%.1f\", $1 / $2 }"
}

# The same exit from ring 3, the program writing the stub's port itself:
# on kvm-pvm, ring-3 code runs natively and each exit from it costs a
# trip through the host that the emulated CPL-0 loop above does not.
ring3_us=$(round_trip port)
echo "Lab 2, $syscalls syscalls (getppid); one port exit from CPL 0 (a loop for 1 s, $exits exits): $exit_us us; from ring 3: $ring3_us us"
for mode in sync ioctl; do
	if [ $mode = ioctl ]; then
		export KVMLAB_NO_SYNC_REGS=1
	fi
	us=$(round_trip)
	unset KVMLAB_NO_SYNC_REGS
	printf '  %-6s one syscall %6s us: %s times a ring-3 port exit, %s times a CPL-0 one\n' \
		"$mode" "$us" "$(ratio "$us" "$ring3_us")" "$(ratio "$us" "$exit_us")"
done

t0=$(now)
for _ in $(seq $starts); do
	/bin/busybox true
done
native=$(awk "BEGIN { printf \"%.2f\", ($(now) - $t0) * 1000 / $starts }")
t0=$(now)
for _ in $(seq $starts); do
	"$vmm" --elf /bin/busybox -- true
done
boxed=$(awk "BEGIN { printf \"%.2f\", ($(now) - $t0) * 1000 / $starts }")
echo "  busybox true: $boxed ms in the VMM, $native ms natively ($starts runs each)"
