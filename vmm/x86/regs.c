// SPDX-License-Identifier: GPL-2.0
/*
 * The general registers of struct kvm_regs, by name: for --reg and for
 * the dump after the halt.
 */
#include <stddef.h>
#include <string.h>

#include "x86/regs.h"

/* The name a user types is the field's name in struct kvm_regs. */
#define REG_ENTRY(id, field) \
	[REG_##id] = { #field, offsetof(struct kvm_regs, field) }

static const struct {
	const char *name;
	size_t offset;
} reg_table[NR_REGS] = {
	REG_ENTRY(RAX, rax),	REG_ENTRY(RBX, rbx),
	REG_ENTRY(RCX, rcx),	REG_ENTRY(RDX, rdx),
	REG_ENTRY(RSI, rsi),	REG_ENTRY(RDI, rdi),
	REG_ENTRY(RSP, rsp),	REG_ENTRY(RBP, rbp),
	REG_ENTRY(R8, r8),	REG_ENTRY(R9, r9),
	REG_ENTRY(R10, r10),	REG_ENTRY(R11, r11),
	REG_ENTRY(R12, r12),	REG_ENTRY(R13, r13),
	REG_ENTRY(R14, r14),	REG_ENTRY(R15, r15),
	REG_ENTRY(RIP, rip),	REG_ENTRY(RFLAGS, rflags),
};

/* Where a vCPU starts after RESET or INIT (SDM 3A 9.1.4). */
#define RESET_CS_BASE	0xffff0000ULL
#define RESET_IP	0xfff0ULL

bool regs_are_reset(const struct kvm_regs *regs,
		    const struct kvm_sregs *sregs)
{
	return sregs->cs.base == RESET_CS_BASE && regs->rip == RESET_IP;
}

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

const char *regs_name(int reg)
{
	return reg_table[reg].name;
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
