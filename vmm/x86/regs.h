/* SPDX-License-Identifier: GPL-2.0 */
/* General registers by name, and the register dump. */
#ifndef VMM_REGS_H
#define VMM_REGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/kvm.h>

/* The registers of struct kvm_regs that can be named. */
enum reg_id {
	REG_RAX, REG_RBX, REG_RCX, REG_RDX,
	REG_RSI, REG_RDI, REG_RSP, REG_RBP,
	REG_R8, REG_R9, REG_R10, REG_R11,
	REG_R12, REG_R13, REG_R14, REG_R15,
	REG_RIP, REG_RFLAGS,
	NR_REGS,
};

/* "--reg rax=4": which register, and its value. */
struct reg_assign {
	int reg;		/* an enum reg_id */
	uint64_t value;
};

int regs_lookup(const char *name);
void regs_assign(struct kvm_regs *regs, const struct reg_assign *assign);
uint64_t regs_value(const struct kvm_regs *regs, int reg);
/*
 * Whether the vCPU holds the reset state (CS base 0xffff0000, IP
 * 0xfff0) that kvm-amd puts in before it reports a triple fault. No
 * guest the VMM started can be there: a real-mode CS base is selector
 * * 16, below 1 MiB, and the VMM's other modes use flat segments.
 */
bool regs_are_reset(const struct kvm_regs *regs,
		    const struct kvm_sregs *sregs);
const char *regs_name(int reg);
void regs_dump(FILE *out, const struct kvm_regs *regs,
	       const struct kvm_sregs *sregs);

#endif /* VMM_REGS_H */
