// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU set-up: create it, give it the host's CPUID, and map the kvm_run
 * page through which KVM_RUN reports every exit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/kvm_ioctl.h"
#include "core/log.h"
#include "core/vcpu.h"

/* CPUID leaves to ask for first; doubled while KVM says E2BIG. */
#define CPUID_ENTRIES_START	64
#define CPUID_ENTRIES_MAX	4096

static int vcpu_create(struct vcpu *vcpu, struct vm *vm)
{
	/* BEGIN SOLUTION 1: add vCPU 0 to the VM */
	vcpu->fd = kvm_ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	/* STUB: vcpu->fd = todo_stub("KVM_CREATE_VCPU"); */
	/* END SOLUTION */
	return vcpu->fd < 0 ? -1 : 0;
}

static struct kvm_cpuid2 *get_supported_cpuid(int kvm_fd)
{
	struct kvm_cpuid2 *cpuid;
	int nent;

	for (nent = CPUID_ENTRIES_START; nent <= CPUID_ENTRIES_MAX;
	     nent *= 2) {
		cpuid = calloc(1, sizeof(*cpuid) +
				  nent * sizeof(cpuid->entries[0]));
		if (!cpuid)
			break;
		cpuid->nent = nent;
		if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
			return cpuid;
		free(cpuid);
		if (errno != E2BIG)
			break;
	}
	pr_err("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
	return NULL;
}

/*
 * Without a CPUID, KVM refuses guest writes to EFER.LME and EFER.SCE:
 * a guest could never enter long mode or use syscall by itself.
 */
static int vcpu_set_cpuid(struct vcpu *vcpu, int kvm_fd)
{
	struct kvm_cpuid2 *cpuid = get_supported_cpuid(kvm_fd);
	int ret;

	if (!cpuid)
		return -1;
	ret = kvm_ioctl(vcpu->fd, KVM_SET_CPUID2, cpuid);
	free(cpuid);
	return ret < 0 ? -1 : 0;
}

static int vcpu_map_run(struct vcpu *vcpu, int kvm_fd)
{
	/*
	 * BEGIN SOLUTION 1: struct kvm_run, mapped shared from the vCPU's
	 * fd. Pitfall: map the size KVM gives (KVM_GET_VCPU_MMAP_SIZE), not
	 * sizeof(struct kvm_run): port I/O data lies in the pages after it.
	 */
	int size = kvm_ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	void *run;

	if (size < 0)
		return -1;
	if (size < (int)sizeof(struct kvm_run)) {
		pr_err("KVM_GET_VCPU_MMAP_SIZE: %d bytes, too small", size);
		return -1;
	}
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd,
		   0);
	if (run == MAP_FAILED) {
		pr_err("cannot map kvm_run: %s", strerror(errno));
		return -1;
	}
	vcpu->run = run;
	vcpu->run_size = size;
	return 0;
	/* STUB: return todo_stub("map kvm_run"); */
	/* END SOLUTION */
}

int vcpu_init(struct vcpu *vcpu, struct vm *vm)
{
	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->fd = -1;
	if (vcpu_create(vcpu, vm) || vcpu_set_cpuid(vcpu, vm->kvm_fd) ||
	    vcpu_map_run(vcpu, vm->kvm_fd)) {
		vcpu_destroy(vcpu);
		return -1;
	}
	return 0;
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vcpu->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->run = NULL;
	vcpu->fd = -1;
}

void vcpu_complete_io(struct vcpu *vcpu)
{
	const uint32_t reason = vcpu->run->exit_reason;

	if (reason != KVM_EXIT_IO && reason != KVM_EXIT_MMIO)
		return;
	vcpu->run->immediate_exit = 1;
	ioctl(vcpu->fd, KVM_RUN, 0);	/* EINTR, once the access is done */
	vcpu->run->immediate_exit = 0;
}

int vcpu_get_regs(struct vcpu *vcpu, struct kvm_regs *regs)
{
	return kvm_ioctl(vcpu->fd, KVM_GET_REGS, regs) < 0 ? -1 : 0;
}

int vcpu_set_regs(struct vcpu *vcpu, const struct kvm_regs *regs)
{
	return kvm_ioctl(vcpu->fd, KVM_SET_REGS, regs) < 0 ? -1 : 0;
}

int vcpu_get_sregs(struct vcpu *vcpu, struct kvm_sregs *sregs)
{
	return kvm_ioctl(vcpu->fd, KVM_GET_SREGS, sregs) < 0 ? -1 : 0;
}

int vcpu_set_sregs(struct vcpu *vcpu, const struct kvm_sregs *sregs)
{
	return kvm_ioctl(vcpu->fd, KVM_SET_SREGS, sregs) < 0 ? -1 : 0;
}
