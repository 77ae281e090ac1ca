#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh VMM [PAYLOAD]: SIMVIRTIO with the exit transport against the
# polling transport, on the same payload, in the same run. Prints the
# exits, the KVM_RUN calls and the wall time of each, and their ratio.
# Exit counts are exact; times depend on the host (nested KVM runs the
# guest's kernel-mode code slowly, so compare the two, not the absolute).
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
