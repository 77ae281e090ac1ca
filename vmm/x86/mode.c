// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU mode set-up. A vCPU comes out of reset in real mode; the VMM
 * puts it straight into the mode the guest expects by writing the
 * special registers KVM keeps for it: segments (with the hidden parts
 * a mode switch would load), CR0, CR3, CR4 and EFER. KVM takes that
 * state as given, but a guest that reloads a segment reads the GDT, so
 * the VMM writes one that matches (gdt.c).
 */
#include <string.h>

#include <kvmlab/layout.h>
#include <kvmlab/kernel.h>
#include <kvmlab/x86.h>

#include "x86/gdt.h"
#include "core/log.h"
#include "x86/mode.h"
#include "x86/paging.h"
/* Real-mode segments are 64 KiB: the code segment of an entry. */
#define REAL_SEG_SPAN	0x10000ULL
#define REAL_MODE_LIMIT	0x100000ULL		/* 1 MiB */
#define FOUR_GIB	0x100000000ULL

static const char *const mode_names[MODE_COUNT] = {
	[MODE_REAL] = "real",
	[MODE_PROTECTED] = "protected",
	[MODE_PAGED] = "paged",
	[MODE_LONG] = "long",
};

const char *mode_name(enum cpu_mode mode)
{
	return mode < MODE_COUNT ? mode_names[mode] : "unknown";
}

int mode_parse(const char *name, enum cpu_mode *mode)
{
	int i;

	for (i = 0; i < MODE_COUNT; i++) {
		if (!strcmp(name, mode_names[i])) {
			*mode = i;
			return 0;
		}
	}
	return -1;
}

unsigned int mode_word_size(enum cpu_mode mode)
{
	switch (mode) {
	case MODE_REAL:
		return 2;
	case MODE_LONG:
		return 8;
	default:
		return 4;
	}
}

uint64_t mode_entry_limit(enum cpu_mode mode)
{
	switch (mode) {
	case MODE_REAL:
		return REAL_MODE_LIMIT;
	case MODE_LONG:
		return UINT64_MAX;
	default:
		return FOUR_GIB;
	}
}

void mode_layout_default(enum cpu_mode mode, struct mode_layout *l)
{
	memset(l, 0, sizeof(*l));
	if (mode == MODE_REAL)
		return;
	l->gdt = GUEST_GDT_ADDR;
	l->start = GUEST_GDT_ADDR;
	l->end = GUEST_GDT_END;
	if (mode == MODE_PROTECTED)
		return;
	l->pt = GUEST_PT_ADDR;
	l->pt_end = GUEST_PT_END;
	l->end = GUEST_PT_END;
}

/* Bytes of page tables the mode needs to map RAM and the window. */
static uint64_t page_tables_size(enum cpu_mode mode, uint64_t mem_size)
{
	switch (mode) {
	case MODE_PAGED:
		return X86_PAGE_SIZE;	/* one directory of 4 MiB pages */
	case MODE_LONG:
		return paging_4level_size(paging_map_size(mem_size,
							  X86_PAGE_2M));
	default:
		return 0;
	}
}

/* The structures packed from @base: page tables, then the GDT. */
static void layout_at(enum cpu_mode mode, uint64_t base, uint64_t tables,
		      struct mode_layout *l)
{
	l->start = base;
	l->pt = tables ? base : 0;
	l->pt_end = base + tables;
	l->gdt = base + tables;
	l->end = l->gdt + GUEST_GDT_END - GUEST_GDT_ADDR;
}

int mode_layout_place(enum cpu_mode mode, uint64_t mem_size, uint64_t image,
		      uint64_t size, struct mode_layout *l)
{
	uint64_t tables = page_tables_size(mode, mem_size);
	uint64_t need = tables + GUEST_GDT_END - GUEST_GDT_ADDR;
	/* 32-bit modes load CR3 and the GDT's base from 32 bits. */
	uint64_t top = mem_size < mode_entry_limit(mode) ?
		       mem_size : mode_entry_limit(mode);
	uint64_t past = ALIGN(image + size, X86_PAGE_SIZE);

	mode_layout_default(mode, l);
	if (mode == MODE_REAL || image >= l->end || image + size <= l->start)
		return 0;
	/* The image is in RAM (load_image() checked): no overflow here. */
	if (past <= top && need <= top - past) {
		layout_at(mode, past, tables, l);
		return 0;
	}
	if (need <= image) {
		layout_at(mode, ALIGN_DOWN(image - need, X86_PAGE_SIZE), tables,
			  l);
		return 0;
	}
	return -1;
}

void mode_reserved(enum cpu_mode mode, uint64_t *start, uint64_t *end)
{
	struct mode_layout l;

	mode_layout_default(mode, &l);
	*start = l.start;
	*end = l.end;
}

const char *mode_of_sregs(const struct kvm_sregs *sregs)
{
	if (!(sregs->cr0 & X86_CR0_PE))
		return "real";
	if (sregs->efer & X86_EFER_LMA)
		return sregs->cs.l ? "long" : "compatibility";
	if (sregs->cr0 & X86_CR0_PG)
		return "paged";
	return "protected";
}

/* Real mode: CS:IP reaches @entry; data segments start at 0. */
static int setup_real_mode(struct kvm_sregs *sregs, struct kvm_regs *regs,
			   uint64_t entry)
{
	/*
	 * BEGIN SOLUTION 1: CS:IP reaches @entry, the data segments start
	 * at 0, the stack at the top of the first 64 KiB. Pitfall: a
	 * real-mode address is selector * 16 + offset, but KVM takes CS's
	 * base as given, not from the selector: set both to agree.
	 */
	uint64_t cs_base = ALIGN_DOWN(entry, REAL_SEG_SPAN);
	struct kvm_segment *segs[] = {
		&sregs->ds, &sregs->es, &sregs->fs, &sregs->gs, &sregs->ss,
	};
	unsigned int i;

	sregs->cs.selector = cs_base >> X86_REAL_SEG_SHIFT;
	sregs->cs.base = cs_base;
	for (i = 0; i < ARRAY_SIZE(segs); i++) {
		segs[i]->selector = 0;
		segs[i]->base = 0;
	}
	regs->rip = entry - cs_base;
	/* SP 0 wraps: the first push lands at the top of the first 64 KiB. */
	regs->rsp = 0;
	return 0;
	/* STUB: return todo_stub("real mode"); */
	/* END SOLUTION */
}

/*
 * Protected mode: flat 4 GiB code and data segments and CR0.PE; CD and
 * NW, which reset leaves set, cleared so that caching is on.
 */
static void setup_protected_mode(struct kvm_sregs *sregs)
{
	gdt_flat_segment(&sregs->cs, GDT_SEL_CODE, X86_SEG_TYPE_CODE_XR, 0,
			 false);
	gdt_flat_segment(&sregs->ds, GDT_SEL_DATA, X86_SEG_TYPE_DATA_RW, 0,
			 false);
	sregs->es = sregs->ds;
	sregs->fs = sregs->ds;
	sregs->gs = sregs->ds;
	sregs->ss = sregs->ds;
	sregs->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE;
}

/* The CR0 bits an OS sets once paging is on (as kvm-hello-world). */
#define CR0_PAGED	(X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | \
			 X86_CR0_WP | X86_CR0_AM | X86_CR0_PG)

/* 32-bit paging: protected mode plus a page directory of 4 MiB pages. */
static int setup_paged_mode(struct kvm_sregs *sregs, struct guest_mem *mem,
			    const struct mode_layout *where)
{
	uint64_t map = paging_map_size(mem->size, X86_PAGE_4M);

	if (paging_build_32(mem, where->pt, map))
		return -1;
	setup_protected_mode(sregs);
	sregs->cr3 = where->pt;
	sregs->cr4 = X86_CR4_PSE;
	sregs->cr0 = CR0_PAGED;
	sregs->efer = 0;
	return 0;
}

/*
 * Long mode: PAE paging with 4 levels, EFER.LME and LMA (KVM checks
 * they agree with CR0.PG), and a 64-bit code segment (L = 1, D = 0).
 */
static int setup_long_mode(struct kvm_sregs *sregs, struct guest_mem *mem,
			   const struct mode_layout *where)
{
	/*
	 * BEGIN SOLUTION 2: the identity page tables (paging.c) in
	 * [where->pt, where->pt_end), pointed at by CR3; flat segments
	 * with a 64-bit code segment, paging on. Pitfalls: a 64-bit CS
	 * has L = 1 and D = 0; KVM refuses the entry unless EFER.LME and
	 * LMA agree with CR0.PG, and long mode needs CR4.PAE.
	 */
	uint64_t map = paging_map_size(mem->size, X86_PAGE_2M);

	if (paging_build_4level(mem, where->pt, where->pt_end, map))
		return -1;
	setup_protected_mode(sregs);
	gdt_flat_segment(&sregs->cs, GDT_SEL_CODE, X86_SEG_TYPE_CODE_XR, 0,
			 true);
	sregs->cr3 = where->pt;
	/* OSFXSR and OSXMMEXCPT: compiled code may use SSE. */
	sregs->cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	sregs->cr0 = CR0_PAGED;
	sregs->efer = X86_EFER_LME | X86_EFER_LMA;
	return 0;
	/* STUB: return todo_stub("long mode"); */
	/* END SOLUTION */
}

int mode_setup_at(enum cpu_mode mode, struct guest_mem *mem, uint64_t entry,
		  const struct mode_layout *layout, struct kvm_sregs *sregs,
		  struct kvm_regs *regs)
{
	int ret = 0;

	memset(regs, 0, sizeof(*regs));
	regs->rflags = X86_RFLAGS_FIXED;
	regs->rip = entry;
	regs->rsp = mem->size;

	switch (mode) {
	case MODE_REAL:
		return setup_real_mode(sregs, regs, entry);
	case MODE_PROTECTED:
		setup_protected_mode(sregs);
		break;
	case MODE_PAGED:
		ret = setup_paged_mode(sregs, mem, layout);
		break;
	case MODE_LONG:
		ret = setup_long_mode(sregs, mem, layout);
		break;
	default:
		return -1;
	}
	return ret ? ret : gdt_install(mem, layout->gdt, sregs);
}

int mode_setup(enum cpu_mode mode, struct guest_mem *mem, uint64_t entry,
	       struct kvm_sregs *sregs, struct kvm_regs *regs)
{
	struct mode_layout layout;

	mode_layout_default(mode, &layout);
	return mode_setup_at(mode, mem, entry, &layout, sregs, regs);
}
