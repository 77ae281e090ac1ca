#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# style.sh SRCTREE OBJTREE [FILE...]: checkpatch.pl and cppcheck over
# the named C sources and headers of SRCTREE, or over all of them
# (sparse runs from the Makefile, C=2). Exits non-zero on any finding.
#
# checkpatch.pl comes from Debian's linux-source-6.1 tarball, unpacked
# under OBJTREE. What it checks that cannot apply to this tree:
#   PREFER_DEFINED_ATTRIBUTE_MACRO  in include/kvmlab/kernel.h only, which
#                                   defines __printf, __packed... as the
#                                   kernel's compiler_attributes.h does
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
ignore=EMBEDDED_FUNCTION_NAME,NEW_TYPEDEFS,ENOSYS
attributes=include/kvmlab/kernel.h

if [ ! -f "$checkpatch" ]; then
	"$src/tools/deps.sh" linux-source-6.1 || exit 1
	mkdir -p "$cpdir"
	tar -xJf "$tarball" -C "$cpdir" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' || exit 1
fi

cd "$src" || exit 1
shift 2
if [ $# -gt 0 ]; then
	files=$*
else
	files=$(find vmm include guest_16_bits guest_32_bits guest_64_bits \
		     fuzz simvirtio checker tools -name '*.[ch]' 2>/dev/null |
		sort)
fi
jobs=$(nproc)
status=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "  CHECKPATCH"
# One file per run, on every CPU; from outside the tree, as checkpatch
# may leave cache files in its working directory.
# shellcheck disable=SC2086
printf '%s\n' $files | (cd "$cpdir" && xargs -P "$jobs" -I {} sh -c '
	name=$(printf "%s" "$4" | tr / _)
	ignore=$2
	[ "${4#./}" = "$6" ] && ignore=$ignore,PREFER_DEFINED_ATTRIBUTE_MACRO
	perl "$1" --no-tree --terse --show-types --ignore "$ignore" \
		-f "$3/$4" >"$5/$name.out" 2>&1 || touch "$5/$name.failed"
	' _ "$checkpatch" "$ignore" "$src" {} "$out" "$attributes")
cat "$out"/*.out 2>/dev/null | sed "s|$src/||"
ls "$out"/*.failed >/dev/null 2>&1 && status=1

echo "  CPPCHECK"
# shellcheck disable=SC2086
cppcheck --enable=warning,style,performance,portability --std=c11 \
	--error-exitcode=1 --inline-suppr --quiet -Iinclude -Ivmm \
	-D__x86_64__ -j "$jobs" $files || status=1

exit $status
