/* SPDX-License-Identifier: GPL-2.0 */
/* A virtual CPU: its file descriptor and the kvm_run page it shares. */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include <stddef.h>

#include <linux/kvm.h>

#include "core/vm.h"

struct vcpu {
	int fd;
	struct kvm_run *run;
	size_t run_size;	/* of the mapping, from KVM */
};

int vcpu_init(struct vcpu *vcpu, struct vm *vm);
void vcpu_destroy(struct vcpu *vcpu);

/*
 * KVM finishes an IN or an MMIO read only at the next KVM_RUN: before
 * reading the registers of a vCPU stopped at such an exit, re-enter it
 * with immediate_exit set, which completes the access and returns.
 */
void vcpu_complete_io(struct vcpu *vcpu);

int vcpu_get_regs(struct vcpu *vcpu, struct kvm_regs *regs);
int vcpu_set_regs(struct vcpu *vcpu, const struct kvm_regs *regs);
int vcpu_get_sregs(struct vcpu *vcpu, struct kvm_sregs *sregs);
int vcpu_set_sregs(struct vcpu *vcpu, const struct kvm_sregs *sregs);

#endif /* VMM_VCPU_H */
