#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# style.sh SRCTREE OBJTREE: checkpatch.pl and cppcheck over every C
# source and header of the tree (sparse runs from the Makefile, C=2).
# Exits non-zero on any finding.
#
# checkpatch.pl comes from Debian's linux-source-6.1 tarball, unpacked
# under OBJTREE. What it checks that cannot apply to this tree:
#   PREFER_DEFINED_ATTRIBUTE_MACRO  __section, __noreturn: kernel macros
#   VOLATILE                        sig_atomic_t flags, guest memory
#   EMBEDDED_FUNCTION_NAME          "outb" in asm() is an instruction
#   NEW_TYPEDEFS                    q_elem_t, queue_control_t, simqueue_t
#                                   and device_table_t are the SO2
#                                   assignment's own API
#   ENOSYS                          the VMM answers syscalls: "no such
#                                   syscall" is what ENOSYS means there
set -u

src=$1
obj=$2
tarball=/usr/src/linux-source-6.1.tar.xz
cpdir=$obj/.tools/checkpatch
checkpatch=$cpdir/scripts/checkpatch.pl
ignore=PREFER_DEFINED_ATTRIBUTE_MACRO,VOLATILE,EMBEDDED_FUNCTION_NAME,NEW_TYPEDEFS,ENOSYS

if [ ! -f "$checkpatch" ]; then
	"$src/tools/deps.sh" linux-source-6.1 || exit 1
	mkdir -p "$cpdir"
	tar -xJf "$tarball" -C "$cpdir" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' || exit 1
fi

cd "$src" || exit 1
files=$(find vmm include guest_16_bits guest_32_bits guest_64_bits fuzz \
	     simvirtio checker tools -name '*.[ch]' 2>/dev/null | sort)
status=0

echo "  CHECKPATCH"
# From outside the tree: checkpatch may leave cache files in its cwd.
for f in $files; do
	if ! out=$(cd "$cpdir" && perl "$checkpatch" --no-tree --terse \
		   --show-types --ignore "$ignore" -f "$src/$f"); then
		status=1
	fi
	[ -z "$out" ] || printf '%s\n' "$out" | sed "s|$src/||"
done

echo "  CPPCHECK"
# shellcheck disable=SC2086
cppcheck --enable=warning,style,performance,portability --std=c11 \
	--error-exitcode=1 --inline-suppr --quiet -Iinclude -Ivmm \
	-D__x86_64__ $files || status=1

exit $status
