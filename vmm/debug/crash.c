// SPDX-License-Identifier: GPL-2.0
/*
 * The crash report, in the spirit of kvmtool's: everything that
 * explains why the CPU gave up, on one screen. The named bits say what
 * a mode needs and what is missing (long mode with PG but no PAE, a
 * code segment without L); the code bytes show what RIP points at; the
 * page walk names the table, the entry and the reason where the
 * translation of RIP or RSP fails.
 */
#include <inttypes.h>

#include <kvmlab/kernel.h>
#include <kvmlab/x86.h>

#include "debug/crash.h"
#include "debug/pagewalk.h"
#include "x86/mode.h"
#include "x86/regs.h"

/* How many bytes of code at RIP to show: longer than one instruction. */
#define CRASH_CODE_BYTES	16
/* Real mode: IP is 16 bits. */
#define REAL_IP_MASK		0xffffULL

struct bit_name {
	uint64_t bit;
	const char *name;
};

static const struct bit_name cr0_bits[] = {
	{ X86_CR0_PE, "PE" }, { X86_CR0_MP, "MP" }, { X86_CR0_EM, "EM" },
	{ X86_CR0_TS, "TS" }, { X86_CR0_ET, "ET" }, { X86_CR0_NE, "NE" },
	{ X86_CR0_WP, "WP" }, { X86_CR0_AM, "AM" }, { X86_CR0_NW, "NW" },
	{ X86_CR0_CD, "CD" }, { X86_CR0_PG, "PG" },
};

static const struct bit_name cr4_bits[] = {
	{ X86_CR4_VME, "VME" }, { X86_CR4_PVI, "PVI" },
	{ X86_CR4_TSD, "TSD" }, { X86_CR4_DE, "DE" },
	{ X86_CR4_PSE, "PSE" }, { X86_CR4_PAE, "PAE" },
	{ X86_CR4_MCE, "MCE" }, { X86_CR4_PGE, "PGE" },
	{ X86_CR4_PCE, "PCE" }, { X86_CR4_OSFXSR, "OSFXSR" },
	{ X86_CR4_OSXMMEXCPT, "OSXMMEXCPT" },
};

static const struct bit_name efer_bits[] = {
	{ X86_EFER_SCE, "SCE" }, { X86_EFER_LME, "LME" },
	{ X86_EFER_LMA, "LMA" }, { X86_EFER_NXE, "NXE" },
};

/* RFLAGS (SDM 1 3.4.3): the status and control flags. */
static const struct bit_name rflags_bits[] = {
	{ BIT(0), "CF" }, { BIT(2), "PF" }, { BIT(4), "AF" },
	{ BIT(6), "ZF" }, { BIT(7), "SF" }, { BIT(8), "TF" },
	{ X86_RFLAGS_IF, "IF" }, { BIT(10), "DF" }, { BIT(11), "OF" },
};

static const struct bit_name pte_bits[] = {
	{ X86_PTE_PRESENT, "P" }, { X86_PTE_RW, "RW" },
	{ X86_PTE_USER, "US" }, { X86_PTE_PS, "PS" }, { X86_PTE_NX, "NX" },
};

static void print_bits(FILE *out, uint64_t value, const struct bit_name *b,
		       size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (value & b[i].bit)
			fprintf(out, " %s", b[i].name);
}

#define PRINT_BITS(out, value, table) \
	print_bits(out, value, table, ARRAY_SIZE(table))

static void print_reg_bits(FILE *out, const char *name, uint64_t value,
			   const struct bit_name *b, size_t n)
{
	fprintf(out, "  %-7s 0x%016" PRIx64 " [", name, value);
	print_bits(out, value, b, n);
	fprintf(out, " ]\n");
}

static void print_segment(FILE *out, const char *name,
			  const struct kvm_segment *s)
{
	fprintf(out,
		"  %-7s 0x%04x base 0x%016llx limit 0x%08x type 0x%x dpl %u%s%s db %u l %u g %u%s\n",
		name, s->selector, (unsigned long long)s->base, s->limit,
		s->type, s->dpl, s->present ? " present" : " not-present",
		s->s ? "" : " system", s->db, s->l, s->g,
		s->unusable ? " unusable" : "");
}

/* Four to a line, rax to r15 in struct kvm_regs' order. */
static void print_gprs(FILE *out, const struct kvm_regs *regs)
{
	int i;

	for (i = REG_RAX; i <= REG_R15; i++)
		fprintf(out, "  %-3s 0x%016" PRIx64 "%s", regs_name(i),
			regs_value(regs, i), i % 4 == 3 ? "\n" : "");
}

uint64_t crash_rip_linear(const struct kvm_regs *regs,
			  const struct kvm_sregs *sregs)
{
	if (!(sregs->cr0 & X86_CR0_PE))
		return sregs->cs.base + (regs->rip & REAL_IP_MASK);
	if ((sregs->efer & X86_EFER_LMA) && sregs->cs.l)
		return regs->rip;
	return (uint32_t)(sregs->cs.base + regs->rip);
}

static uint64_t rsp_linear(const struct kvm_regs *regs,
			   const struct kvm_sregs *sregs)
{
	if (!(sregs->cr0 & X86_CR0_PE))
		return sregs->ss.base + (regs->rsp & REAL_IP_MASK);
	if (sregs->efer & X86_EFER_LMA)
		return regs->rsp;
	return (uint32_t)(sregs->ss.base + regs->rsp);
}

static const char *page_size_name(uint64_t size)
{
	switch (size) {
	case X86_PAGE_SIZE:
		return "4 KiB";
	case X86_PAGE_2M:
		return "2 MiB";
	case X86_PAGE_4M:
		return "4 MiB";
	default:
		return "1 GiB";
	}
}

static void print_walk(FILE *out, const char *what, uint64_t linear,
		       const struct guest_mem *mem,
		       const struct kvm_sregs *sregs)
{
	struct walk w;
	unsigned int i;

	if (walk_linear(mem, sregs, linear, &w) < 0)
		return;
	fprintf(out, "  page walk of %s 0x%" PRIx64 ":\n", what, linear);
	for (i = 0; i < w.nsteps; i++) {
		const struct walk_step *s = &w.steps[i];

		fprintf(out, "    %s[%u] at 0x%" PRIx64 " = 0x%" PRIx64 " [",
			s->table, s->index, s->entry_addr, s->entry);
		PRINT_BITS(out, s->entry, pte_bits);
		fprintf(out, " ]\n");
	}
	if (w.ok)
		fprintf(out, "    -> physical 0x%" PRIx64 " (a %s page)\n", w.phys,
			page_size_name(w.page_size));
	else if (w.nsteps)
		fprintf(out, "    fails at the %s entry: %s\n",
			w.steps[w.nsteps - 1].table, w.error);
	else
		fprintf(out, "    fails: %s\n", w.error);
}

/* The bytes at RIP, up to the end of its page or of RAM. */
static void print_code(FILE *out, const struct guest_mem *mem,
		       const struct kvm_regs *regs,
		       const struct kvm_sregs *sregs)
{
	uint64_t linear = crash_rip_linear(regs, sregs), phys;
	unsigned int i, n = CRASH_CODE_BYTES;
	const uint8_t *code;

	if (walk_translate(mem, sregs, linear, &phys)) {
		fprintf(out, "  code at rip: linear 0x%" PRIx64 " does not translate (see the walk)\n",
			linear);
		return;
	}
	if (walk_paging_on(sregs) &&
	    X86_PAGE_SIZE - (phys & (X86_PAGE_SIZE - 1)) < n)
		n = X86_PAGE_SIZE - (phys & (X86_PAGE_SIZE - 1));
	while (n && !(code = guest_ptr(mem, phys, n)))
		n--;
	if (!n) {
		fprintf(out, "  code at rip: physical 0x%" PRIx64 " is outside RAM (0x%" PRIx64 " bytes)\n",
			phys, mem->size);
		return;
	}
	fprintf(out, "  code at rip (physical 0x%" PRIx64 "):", phys);
	for (i = 0; i < n; i++)
		fprintf(out, " %02x", code[i]);
	fprintf(out, "\n");
}

void crash_report(FILE *out, const struct guest_mem *mem,
		  const struct kvm_regs *regs, const struct kvm_sregs *sregs)
{
	fprintf(out, "vmm: crash report: the vCPU as it stopped (--no-crash-report leaves it out)\n");
	fprintf(out, "  mode    %s, CPL %u\n", mode_of_sregs(sregs),
		sregs->cs.selector & 3);
	fprintf(out, "  rip     0x%016llx\n", (unsigned long long)regs->rip);
	print_reg_bits(out, "rflags", regs->rflags, rflags_bits,
		       ARRAY_SIZE(rflags_bits));
	print_gprs(out, regs);
	print_segment(out, "cs", &sregs->cs);
	print_segment(out, "ss", &sregs->ss);
	print_segment(out, "ds", &sregs->ds);
	print_segment(out, "es", &sregs->es);
	print_segment(out, "fs", &sregs->fs);
	print_segment(out, "gs", &sregs->gs);
	print_segment(out, "tr", &sregs->tr);
	fprintf(out, "  gdt     base 0x%llx limit 0x%x  idt base 0x%llx limit 0x%x\n",
		(unsigned long long)sregs->gdt.base, sregs->gdt.limit,
		(unsigned long long)sregs->idt.base, sregs->idt.limit);
	print_reg_bits(out, "cr0", sregs->cr0, cr0_bits, ARRAY_SIZE(cr0_bits));
	fprintf(out, "  cr2     0x%016llx  cr3 0x%016llx\n",
		(unsigned long long)sregs->cr2, (unsigned long long)sregs->cr3);
	print_reg_bits(out, "cr4", sregs->cr4, cr4_bits, ARRAY_SIZE(cr4_bits));
	print_reg_bits(out, "efer", sregs->efer, efer_bits,
		       ARRAY_SIZE(efer_bits));
	print_code(out, mem, regs, sregs);
	print_walk(out, "rip", crash_rip_linear(regs, sregs), mem, sregs);
	print_walk(out, "rsp", rsp_linear(regs, sregs), mem, sregs);
}
