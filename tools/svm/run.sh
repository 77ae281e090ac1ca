#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh: boot what build.sh made in QEMU (TCG, -cpu max: nested SVM)
# and print what the checker printed in there, on kvm-amd. The guest's
# results and logs land in $KVMLAB_RESULTS and $KVMLAB_RESULTS/logs;
# the exit status is the checker's. Environment: KVMLAB_OBJTREE,
# KVMLAB_RESULTS, KVMLAB_ITEM (one item), KVMLAB_SVM_TIMEOUT (seconds,
# default 540: the whole run stays well under 10 minutes).
set -u

cache=$KVMLAB_OBJTREE/.tools/svm
results=$KVMLAB_RESULTS
deadline=${KVMLAB_SVM_TIMEOUT:-540}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# All of it under TCG, both vCPUs on one host thread: with one thread
# each (MTTCG) the guest kernel at times locked up for good.
timeout --foreground -k 5 "$deadline" \
	qemu-system-x86_64 -accel tcg,thread=single -cpu max -smp 2 -m 2048 \
	-display none -monitor none -no-reboot \
	-serial "file:$tmp/ttyS0" -serial "file:$tmp/ttyS1" \
	-kernel "$cache/vmlinuz" -initrd "$cache/initramfs.cpio" \
	-append "console=ttyS0 quiet loglevel=3 panic=-1 kvmlab.item=${KVMLAB_ITEM:-} kvmlab.budget=$((deadline - 60))" \
	</dev/null >"$tmp/qemu.err" 2>&1
qemu=$?

# The checker's report on stdout; the guest kernel's own lines apart.
tr -d '\r' <"$tmp/ttyS0" >"$tmp/console"
grep -Ev '^kvmlab-svm: status |^\[ *[0-9]+\.[0-9]+\]' "$tmp/console"
grep -E '^\[ *[0-9]+\.[0-9]+\]' "$tmp/console" >&2
mkdir -p "$results"
if [ -s "$tmp/ttyS1" ]; then
	tr -d '\r' <"$tmp/ttyS1" | base64 -d | tar -C "$results" -x
	[ -d "$results/results" ] && mv "$results"/results/* "$results/" &&
		rmdir "$results/results"
fi
status=$(sed -n 's/^kvmlab-svm: status \([0-9]*\)$/\1/p' "$tmp/console")
if [ -z "$status" ]; then
	echo "kvmlab: check-svm: the guest did not finish (QEMU status $qemu$([ "$qemu" -eq 124 ] && echo ", killed after $deadline s"))" >&2
	cat "$tmp/qemu.err" >&2
	exit 1
fi
exit "$status"
