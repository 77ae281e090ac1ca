#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# layers.sh SRCTREE: the VMM's folders depend only downwards. A file in
# vmm/ROOM may include headers of the rooms below ROOM and of its own;
# the command line at the top of vmm/ may include anything. The order,
# lowest first:
#   core     KVM itself: VM, vCPU, exit loop, buses, profile, timeout
#   x86      the CPU's side: modes, page tables, GDT, registers, probes
#   devices  what the guest talks to over the buses
#   lab2     a static Linux program in ring 3 (uses x86's GDT)
#   debug    the crash report, --trace, the gdb stub (uses core, x86)
# Prints one line per include that points up, and exits 1 if any does.
set -u
cd "$1/vmm" || exit 2

allowed() {
	case $1 in
	core)		echo "core" ;;
	x86)		echo "core x86" ;;
	devices)	echo "core devices" ;;
	lab2)		echo "core x86 devices lab2" ;;
	debug)		echo "core x86 debug" ;;
	esac
}

echo "  LAYERS  vmm"
status=0
for room in core x86 devices lab2 debug; do
	ok=$(allowed "$room")
	for f in "$room"/*.[ch]; do
		# Every local include names its room: "core/vm.h".
		for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
			dep=${inc%%/*}
			[ "$dep" = "$inc" ] && dep=top
			case " $ok " in
			*" $dep "*) ;;
			*)
				echo "vmm/$f: includes \"$inc\": $room/ may use only $ok"
				status=1
				;;
			esac
		done
	done
done
exit $status
