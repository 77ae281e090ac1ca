// SPDX-License-Identifier: GPL-2.0
/*
 * Host capability probes. Some nested KVM hosts (kvm-pvm) support
 * paging only in long mode: a vCPU given CR0.PG without EFER.LME shuts
 * down before its first instruction. A guest whose own first
 * instruction faults looks the same, so the question goes to a VM
 * whose whole guest is one hlt: if that shuts down too, the host is
 * the reason.
 */
#include <sys/ioctl.h>

#include <kvmlab/layout.h>

#include "x86/mode.h"
#include "x86/probe.h"
#include "core/vcpu.h"

#define X86_OPCODE_HLT	0xf4

static int probe_setup_paged(struct vm *vm, struct vcpu *vcpu)
{
	uint8_t *code = guest_ptr(&vm->mem, GUEST_IMAGE_ADDR, 1);
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (!code || vcpu_get_sregs(vcpu, &sregs) ||
	    mode_setup(MODE_PAGED, &vm->mem, GUEST_IMAGE_ADDR, &sregs, &regs))
		return -1;
	*code = X86_OPCODE_HLT;
	return vcpu_set_sregs(vcpu, &sregs) || vcpu_set_regs(vcpu, &regs);
}

int probe_paged_mode(void)
{
	const struct vm_config cfg = { .mem_size = VM_MEM_MIN };
	struct vcpu vcpu;
	struct vm vm;
	int supported = -1;

	if (vm_init(&vm, &cfg))
		return -1;
	if (vcpu_init(&vcpu, &vm))
		goto out_vm;
	if (probe_setup_paged(&vm, &vcpu) == 0 &&
	    ioctl(vcpu.fd, KVM_RUN, 0) == 0)
		supported = vcpu.run->exit_reason == KVM_EXIT_HLT;
	vcpu_destroy(&vcpu);
out_vm:
	vm_destroy(&vm);
	return supported;
}
