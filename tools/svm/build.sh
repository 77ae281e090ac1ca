#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# build.sh SRCTREE OBJTREE: what make check-svm boots in QEMU, under
# OBJTREE/.tools/svm/. The kernel and KVM's modules come from Debian's
# linux-image package (apt-get download, dpkg -x) and are kept between
# runs; the initramfs is made anew each time from busybox-static, the
# VMM, the checker, its guests and programs, strace, and the shared
# libraries they link, so that the guest needs no disk and no share.
set -eu

srctree=$1
objtree=$2
cache=$objtree/.tools/svm
root=$cache/root

# KVM for AMD and what it needs, in the order insmod wants them.
modules="virt/lib/irqbypass.ko drivers/crypto/ccp/ccp.ko
	 arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-amd.ko"

kernel_package() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' |
		head -n 1
}

# The kernel: once, then from the cache.
fetch_kernel() {
	[ -e "$cache/vmlinuz" ] && return 0
	pkg=$(kernel_package)
	if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
		apt-get update -qq >/dev/null 2>&1 || true
		pkg=$(kernel_package)
	fi
	if [ -z "$pkg" ]; then
		echo "kvmlab: check-svm: no linux-image-amd64 in the package lists; run: sudo apt-get update" >&2
		exit 1
	fi
	echo "  APT     $pkg (download only)"
	tmp=$(mktemp -d "$cache/kernel.XXXXXX")
	(cd "$tmp" && apt-get download -qq "$pkg" 2>/dev/null) || {
		echo "kvmlab: check-svm: 'apt-get download $pkg' failed" >&2
		rm -rf "$tmp"
		exit 1
	}
	dpkg -x "$tmp"/*.deb "$tmp/x"
	mkdir -p "$cache/modules"
	for m in $modules; do
		cp "$tmp"/x/lib/modules/*/kernel/"$m" "$cache/modules/"
	done
	cp "$tmp"/x/boot/vmlinuz-* "$cache/vmlinuz.new"
	mv "$cache/vmlinuz.new" "$cache/vmlinuz"
	rm -rf "$tmp"
}

# A program and the shared libraries it links, at the same paths.
add_program() {
	mkdir -p "$root$(dirname "$2")"
	cp "$1" "$root$2"
	ldd "$1" 2>/dev/null | sed -n 's/.*[[:space:]]\(\/[^ ]*\) (0x.*/\1/p' |
	while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

make_initramfs() {
	echo "  GEN     $cache/initramfs.cpio"
	rm -rf "$root"
	mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" \
		 "$root/tmp" "$root/lib/modules" \
		 "$root/kvmlab/vmm" "$root/kvmlab/checker/guests" \
		 "$root/kvmlab/checker/programs"
	cp /bin/busybox "$root/bin/busybox"
	for applet in $(/bin/busybox --list); do
		[ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
	done
	# Lab 2 refuses /bin/true as dynamic: it must be the real one.
	rm -f "$root/bin/true"
	add_program /bin/true /bin/true
	add_program "$(command -v strace)" /bin/strace
	cp "$cache"/modules/*.ko "$root/lib/modules/"
	cp "$srctree/tools/svm/init" "$root/init"
	chmod 755 "$root/init"
	add_program "$objtree/vmm/vmm" /kvmlab/vmm/vmm
	add_program "$objtree/checker/checker" /kvmlab/checker/checker
	add_program "$objtree/checker/unit" /kvmlab/checker/unit
	cp "$objtree"/checker/guests/*.bin "$root/kvmlab/checker/guests/"
	find "$objtree/checker/programs" -maxdepth 1 -type f \
		\( -name '*.musl' -o -name '*.glibc' \) \
		-exec cp {} "$root/kvmlab/checker/programs/" \;
	(cd "$root" && find . | /bin/busybox cpio -o -H newc 2>/dev/null) \
		> "$cache/initramfs.cpio.new"
	mv "$cache/initramfs.cpio.new" "$cache/initramfs.cpio"
	rm -rf "$root"
}

mkdir -p "$cache"
fetch_kernel
make_initramfs
