/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_ioctl(fd, KVM_CREATE_VM, 0) is ioctl(2) that names its command
 * once: it returns what ioctl() returns, and when that is negative it
 * has already said "vmm: KVM_CREATE_VM: <why>" (the name comes from
 * #cmd, as in the kernel's KVM selftests), with errno kept for the
 * caller. The caller only returns its failure.
 *
 * Not for a call whose failure is expected (KVM_RUN's EINTR,
 * KVM_GET_SUPPORTED_CPUID's E2BIG): those call ioctl() and decide.
 */
#ifndef VMM_KVM_IOCTL_H
#define VMM_KVM_IOCTL_H

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "core/log.h"

#define kvm_ioctl(fd, cmd, arg) \
	__kvm_ioctl(fd, cmd, (unsigned long)(arg), #cmd)

static inline int __kvm_ioctl(int fd, unsigned long cmd, unsigned long arg,
			      const char *name)
{
	int ret = ioctl(fd, cmd, arg);
	int err = errno;

	if (ret >= 0)
		return ret;
	/* ENOTTY: the file is not what KVMLAB_KVM_DEVICE should name. */
	pr_err("%s: %s%s", name, strerror(err),
	       err == ENOTTY ? " (is this /dev/kvm?)" : "");
	errno = err;
	return ret;
}

#endif /* VMM_KVM_IOCTL_H */
