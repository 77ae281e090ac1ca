#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh PACKAGE...: make sure the Debian packages the build needs are
# installed. As root, install the missing ones with apt-get; otherwise
# stop with the one command that installs them.
set -u

# Is Debian package $1 usable? Probe what the build uses from it.
have() {
	case $1 in
	check)		pkg-config --exists check 2>/dev/null ;;
	musl-tools)	command -v musl-gcc >/dev/null 2>&1 ;;
	qemu-system-x86) command -v qemu-system-x86_64 >/dev/null 2>&1 ;;
	bubblewrap)	command -v bwrap >/dev/null 2>&1 ;;
	libarchive-dev)	pkg-config --exists libarchive 2>/dev/null ;;
	# busybox (not -static) would need libraries the initramfs lacks.
	busybox-static)	dpkg-query -W -f '${Status}' busybox-static 2>/dev/null |
			grep -q 'ok installed' ;;
	python3-yaml)	/usr/bin/python3 -c 'import yaml' 2>/dev/null ;;
	dietlibc-dev)	command -v diet >/dev/null 2>&1 ;;
	mksh)		command -v mksh-static >/dev/null 2>&1 ;;
	linux-source-*)	test -e "/usr/src/$1.tar.xz" ;;
	libclang-rt-*-dev)
		# clang-N's runtimes: probe libFuzzer's archive.
		v=${1#libclang-rt-}
		set -- /usr/lib/llvm-"${v%-dev}"/lib/clang/*/lib/linux
		test -e "$1/libclang_rt.fuzzer-x86_64.a" ;;
	*)		command -v "$1" >/dev/null 2>&1 ;;
	esac
}

missing=
for pkg in "$@"; do
	have "$pkg" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "kvmlab: missing packages:$missing;" \
	     "run: sudo apt-get install -y$missing" >&2
	exit 1
fi

echo "  APT    $missing"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet: update once on failure.
# shellcheck disable=SC2086
if ! apt-get install -y -qq $missing >/dev/null 2>&1; then
	apt-get update -qq >/dev/null 2>&1
	if ! apt-get install -y -qq $missing >/dev/null; then
		echo "kvmlab: 'apt-get install -y$missing' failed;" \
		     "install them by hand and run make again" >&2
		exit 1
	fi
fi
