// SPDX-License-Identifier: GPL-2.0
/*
 * Encoding segment descriptors: the layout is a historical puzzle
 * (base and limit split in three and two pieces), so it lives in one
 * function, tested against the well-known flat descriptors.
 */
#include <string.h>

#include <kvmlab/x86.h>

#include "x86/gdt.h"

#define DESC_LIMIT_LOW(l)	((uint64_t)(l) & 0xffff)
#define DESC_BASE_LOW(b)	(((uint64_t)(b) & 0xffffff) << 16)
#define DESC_TYPE(t)		((uint64_t)(t) << 40)
#define DESC_S(s)		((uint64_t)(s) << 44)
#define DESC_DPL(d)		((uint64_t)(d) << 45)
#define DESC_P(p)		((uint64_t)(p) << 47)
#define DESC_LIMIT_HIGH(l)	((((uint64_t)(l) >> 16) & 0xf) << 48)
#define DESC_AVL(a)		((uint64_t)(a) << 52)
#define DESC_L(l)		((uint64_t)(l) << 53)
#define DESC_DB(d)		((uint64_t)(d) << 54)
#define DESC_G(g)		((uint64_t)(g) << 55)
#define DESC_BASE_HIGH(b)	((((uint64_t)(b) >> 24) & 0xff) << 56)
/* With G = 1 the descriptor counts the limit in 4 KiB pages. */
#define PAGE_GRANULE_SHIFT	12

void gdt_flat_segment(struct kvm_segment *seg, uint16_t selector,
		      uint8_t type, uint8_t dpl, bool code64)
{
	memset(seg, 0, sizeof(*seg));
	seg->base = 0;
	seg->limit = X86_SEG_FLAT_LIMIT;
	seg->selector = selector;
	seg->type = type;
	seg->present = 1;
	seg->dpl = dpl;
	seg->s = 1;		/* code or data, not system */
	seg->l = code64;
	seg->db = !code64;	/* 32-bit operands and stack, unless 64-bit */
	seg->g = 1;		/* 4 GiB: the descriptor counts pages */
}

uint64_t gdt_entry(const struct kvm_segment *seg)
{
	uint32_t limit = seg->g ? seg->limit >> PAGE_GRANULE_SHIFT :
				  seg->limit;

	return DESC_LIMIT_LOW(limit) | DESC_BASE_LOW(seg->base) |
	       DESC_TYPE(seg->type) | DESC_S(seg->s) | DESC_DPL(seg->dpl) |
	       DESC_P(seg->present) | DESC_LIMIT_HIGH(limit) |
	       DESC_AVL(seg->avl) | DESC_L(seg->l) | DESC_DB(seg->db) |
	       DESC_G(seg->g) | DESC_BASE_HIGH(seg->base);
}

int gdt_install(struct guest_mem *mem, uint64_t gdt,
		struct kvm_sregs *sregs)
{
	uint64_t *entry = guest_ptr(mem, gdt, GDT_ENTRIES * sizeof(*entry));

	if (!entry)
		return -1;
	entry[0] = 0;
	entry[GDT_SEL_CODE >> 3] = gdt_entry(&sregs->cs);
	entry[GDT_SEL_DATA >> 3] = gdt_entry(&sregs->ds);
	sregs->gdt.base = gdt;
	sregs->gdt.limit = GDT_ENTRIES * sizeof(*entry) - 1;
	/* No IDT: an exception becomes a triple fault, reported as such. */
	sregs->idt.base = 0;
	sregs->idt.limit = 0;
	return 0;
}
