// SPDX-License-Identifier: GPL-2.0
/*
 * The page-table walk (SDM 3A 4.3 to 4.5). Three formats: 32-bit
 * paging (two levels of 4-byte entries, 4 MiB pages with CR4.PSE),
 * PAE (a 4-entry PDPT, then 8-byte entries) and 4-level paging in long
 * mode (PML4, PDPT, PD, PT; 1 GiB and 2 MiB pages). At each level the
 * entry must be in RAM, present, and have no reserved bit set; the
 * first that is not is where the walk stops, and what it names.
 */
#include <string.h>

#include <kvmlab/kernel.h>
#include <kvmlab/x86.h>

#include "debug/pagewalk.h"

/* Entry bits 51:12 (4-level, PAE) or 31:12 (32-bit): the next table. */
#define PTE_ADDR_MASK		0x000ffffffffff000ULL
#define PTE32_ADDR_MASK		0xfffff000ULL
/* CR3 in PAE mode: the PDPT is 32-byte aligned. */
#define CR3_PAE_MASK		0xffffffe0ULL
/* The bits of a linear address that must copy bit 47 in long mode. */
#define CANONICAL_SHIFT		47

/* Reserved bits of a large page's entry: its address must be aligned. */
#define PDPTE_1G_RESERVED	0x3fffe000ULL	/* bits 29:13 */
#define PDE_2M_RESERVED		0x001fe000ULL	/* bits 20:13 */
#define PDE_4M_RESERVED		BIT_ULL(21)	/* above PSE-36's bits */
/* A 4 MiB page (PSE-36): bits 31:22 of the address, and 39:32 at 20:13. */
#define PDE_4M_ADDR_MASK	0xffc00000ULL
#define PDE_4M_HIGH_SHIFT	13
#define PDE_4M_HIGH_MASK	0xffULL
#define PDE_4M_HIGH_TO		32

struct level {
	const char *table;
	unsigned int shift;	/* of the index in the linear address */
	unsigned int bits;	/* of the index */
	bool large_ok;		/* may PS map a page here? */
	uint64_t large_reserved;
};

static const struct level levels_4[] = {
	{ "PML4", 39, 9, false, 0 },
	{ "PDPT", 30, 9, true, PDPTE_1G_RESERVED },
	{ "PD", 21, 9, true, PDE_2M_RESERVED },
	{ "PT", 12, 9, false, 0 },
};

static const struct level levels_pae[] = {
	{ "PDPT", 30, 2, false, 0 },
	{ "PD", 21, 9, true, PDE_2M_RESERVED },
	{ "PT", 12, 9, false, 0 },
};

static const struct level levels_32[] = {
	{ "PD", 22, 10, true, PDE_4M_RESERVED },
	{ "PT", 12, 10, false, 0 },
};

bool walk_paging_on(const struct kvm_sregs *sregs)
{
	return (sregs->cr0 & X86_CR0_PG) && (sregs->cr0 & X86_CR0_PE);
}

static bool canonical(uint64_t linear)
{
	int64_t high = (int64_t)linear >> CANONICAL_SHIFT;

	return high == 0 || high == -1;
}

/* One entry, read once through the checked accessor. */
static int read_entry(const struct guest_mem *mem, uint64_t addr,
		      unsigned int size, uint64_t *entry)
{
	const void *p = guest_ptr(mem, addr, size);
	uint32_t e32;

	if (!p)
		return -1;
	if (size == sizeof(e32)) {
		memcpy(&e32, p, sizeof(e32));
		*entry = e32;
	} else {
		memcpy(entry, p, sizeof(*entry));
	}
	return 0;
}

static int fail(struct walk *w, const char *why)
{
	w->ok = false;
	w->error = why;
	return 0;
}

static int walk_levels(const struct guest_mem *mem, const struct level *lv,
		       unsigned int nlevels, unsigned int entry_size,
		       uint64_t table, uint64_t addr_mask, bool large_pages,
		       bool nx_reserved, uint64_t linear, struct walk *w)
{
	unsigned int i;

	for (i = 0; i < nlevels; i++) {
		struct walk_step *s = &w->steps[w->nsteps++];
		uint64_t size = 1ULL << lv[i].shift;

		s->table = lv[i].table;
		s->index = (linear >> lv[i].shift) & ((1U << lv[i].bits) - 1);
		s->entry_addr = table + (uint64_t)s->index * entry_size;
		s->entry = 0;
		if (read_entry(mem, s->entry_addr, entry_size, &s->entry))
			return fail(w, "the table is outside RAM");
		if (!(s->entry & X86_PTE_PRESENT))
			return fail(w, "not present (P = 0)");
		if (nx_reserved && (s->entry & X86_PTE_NX))
			return fail(w, "reserved bit set: NX, but EFER.NXE is 0");
		if (s->entry & X86_PTE_PS) {
			if (!lv[i].large_ok)
				return fail(w, "reserved bit set: PS is reserved at this level");
			if (!large_pages)
				return fail(w, "PS set, but large pages are off (CR4.PSE is 0)");
			if (s->entry & lv[i].large_reserved)
				return fail(w, "reserved bits set: the large page's address is not aligned to its size");
			w->page_size = size;
			if (entry_size == sizeof(uint32_t))
				/* PSE-36: bits 20:13 hold address bits 39:32. */
				w->phys = (s->entry & PDE_4M_ADDR_MASK) |
					  ((s->entry >> PDE_4M_HIGH_SHIFT &
					    PDE_4M_HIGH_MASK) << PDE_4M_HIGH_TO);
			else
				w->phys = s->entry & PTE_ADDR_MASK & ~(size - 1);
			w->phys += linear & (size - 1);
			w->ok = true;
			return 0;
		}
		table = s->entry & addr_mask;
	}
	w->page_size = X86_PAGE_SIZE;
	w->phys = table + (linear & (X86_PAGE_SIZE - 1));
	w->ok = true;
	return 0;
}

int walk_linear(const struct guest_mem *mem, const struct kvm_sregs *sregs,
		uint64_t linear, struct walk *w)
{
	const bool nx_reserved = !(sregs->efer & X86_EFER_NXE);

	memset(w, 0, sizeof(*w));
	if (!walk_paging_on(sregs))
		return -1;
	if (sregs->efer & X86_EFER_LMA) {
		if (!canonical(linear))
			return fail(w, "not canonical: bits 63:47 differ");
		return walk_levels(mem, levels_4, ARRAY_SIZE(levels_4),
				   sizeof(uint64_t), sregs->cr3 & PTE_ADDR_MASK,
				   PTE_ADDR_MASK, true, nx_reserved, linear, w);
	}
	if (sregs->cr4 & X86_CR4_PAE)
		return walk_levels(mem, levels_pae, ARRAY_SIZE(levels_pae),
				   sizeof(uint64_t), sregs->cr3 & CR3_PAE_MASK,
				   PTE_ADDR_MASK, true, nx_reserved,
				   (uint32_t)linear, w);
	return walk_levels(mem, levels_32, ARRAY_SIZE(levels_32),
			   sizeof(uint32_t), sregs->cr3 & PTE32_ADDR_MASK,
			   PTE32_ADDR_MASK, sregs->cr4 & X86_CR4_PSE, false,
			   (uint32_t)linear, w);
}

int walk_translate(const struct guest_mem *mem,
		   const struct kvm_sregs *sregs, uint64_t linear,
		   uint64_t *phys)
{
	struct walk w;

	if (walk_linear(mem, sregs, linear, &w) < 0) {
		*phys = linear;
		return 0;
	}
	if (!w.ok)
		return -1;
	*phys = w.phys;
	return 0;
}
