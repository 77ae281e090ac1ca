// SPDX-License-Identifier: GPL-2.0
/*
 * The general registers of struct kvm_regs, by name: for --reg and for
 * the dump after the halt.
 */
#include <stddef.h>
#include <string.h>

#include "x86/regs.h"

#define REG(name)	{ #name, offsetof(struct kvm_regs, name) }

static const struct {
	const char *name;
	size_t offset;
} reg_table[NR_REGS] = {
	[REG_RAX] = REG(rax),	[REG_RBX] = REG(rbx),
	[REG_RCX] = REG(rcx),	[REG_RDX] = REG(rdx),
	[REG_RSI] = REG(rsi),	[REG_RDI] = REG(rdi),
	[REG_RSP] = REG(rsp),	[REG_RBP] = REG(rbp),
	[REG_R8] = REG(r8),	[REG_R9] = REG(r9),
	[REG_R10] = REG(r10),	[REG_R11] = REG(r11),
	[REG_R12] = REG(r12),	[REG_R13] = REG(r13),
	[REG_R14] = REG(r14),	[REG_R15] = REG(r15),
	[REG_RIP] = REG(rip),	[REG_RFLAGS] = REG(rflags),
};

int regs_lookup(const char *name)
{
	int i;

	for (i = 0; i < NR_REGS; i++)
		if (!strcmp(reg_table[i].name, name))
			return i;
	return -1;
}

static uint64_t *reg_slot(struct kvm_regs *regs, int reg)
{
	return (uint64_t *)((char *)regs + reg_table[reg].offset);
}

void regs_assign(struct kvm_regs *regs, const struct reg_assign *assign)
{
	if (assign->reg >= 0 && assign->reg < NR_REGS)
		*reg_slot(regs, assign->reg) = assign->value;
}

uint64_t regs_value(const struct kvm_regs *regs, int reg)
{
	uint64_t value;

	memcpy(&value, (const char *)regs + reg_table[reg].offset,
	       sizeof(value));
	return value;
}

static void dump_segment(FILE *out, const char *name,
			 const struct kvm_segment *seg)
{
	fprintf(out,
		"%-6s selector 0x%04x base 0x%016llx limit 0x%08x type 0x%x dpl %u db %u l %u g %u\n",
		name, seg->selector, (unsigned long long)seg->base,
		seg->limit, seg->type, seg->dpl, seg->db, seg->l, seg->g);
}

void regs_dump(FILE *out, const struct kvm_regs *regs,
	       const struct kvm_sregs *sregs)
{
	int i;

	for (i = 0; i < NR_REGS; i++)
		fprintf(out, "%-6s 0x%016llx\n", reg_table[i].name,
			(unsigned long long)regs_value(regs, i));
	dump_segment(out, "cs", &sregs->cs);
	dump_segment(out, "ds", &sregs->ds);
	dump_segment(out, "es", &sregs->es);
	dump_segment(out, "fs", &sregs->fs);
	dump_segment(out, "gs", &sregs->gs);
	dump_segment(out, "ss", &sregs->ss);
	fprintf(out, "%-6s 0x%016llx\n", "cr0", (unsigned long long)sregs->cr0);
	fprintf(out, "%-6s 0x%016llx\n", "cr3", (unsigned long long)sregs->cr3);
	fprintf(out, "%-6s 0x%016llx\n", "cr4", (unsigned long long)sregs->cr4);
	fprintf(out, "%-6s 0x%016llx\n", "efer",
		(unsigned long long)sregs->efer);
}
