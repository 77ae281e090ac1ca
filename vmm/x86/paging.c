// SPDX-License-Identifier: GPL-2.0
/*
 * Identity page tables: guest virtual address == guest physical
 * address, with the largest pages each paging mode offers so that a
 * handful of tables map all of RAM.
 */
#include <string.h>

#include <kvmlab/kernel.h>
#include <kvmlab/layout.h>
#include <kvmlab/x86.h>

#include "x86/paging.h"

/* Present and writable, and open to ring 3 (Lab 2's program). */
#define PT_TABLE_FLAGS	(X86_PTE_PRESENT | X86_PTE_RW | X86_PTE_USER)
#define PT_LEAF_FLAGS	(PT_TABLE_FLAGS | X86_PTE_PS)

uint64_t paging_map_size(uint64_t mem_size, uint64_t page_size)
{
	return ALIGN(mem_size + GUEST_DEVICE_WINDOW, page_size);
}

int paging_build_32(struct guest_mem *mem, uint64_t pd, uint64_t map_size)
{
	uint64_t npages = DIV_ROUND_UP(map_size, X86_PAGE_4M);
	uint32_t *dir = guest_ptr(mem, pd, X86_PAGE_SIZE);
	uint64_t i;

	if (!dir || npages > X86_PT32_ENTRIES)
		return -1;
	memset(dir, 0, X86_PAGE_SIZE);
	for (i = 0; i < npages; i++)
		dir[i] = (uint32_t)(i * X86_PAGE_4M | PT_LEAF_FLAGS);
	return 0;
}

uint64_t paging_4level_size(uint64_t map_size)
{
	return (2 + DIV_ROUND_UP(map_size, X86_PAGE_1G)) * X86_PAGE_SIZE;
}

int paging_build_4level(struct guest_mem *mem, uint64_t pml4,
			uint64_t limit, uint64_t map_size)
{
	/*
	 * BEGIN SOLUTION 2: identity-map [0, map_size) with 2 MiB pages;
	 * the tables go from @pml4 up (PML4, PDPT, page directories), all
	 * below @limit and inside RAM, or nothing is written. Pitfall: one
	 * page directory maps only 1 GiB; each GiB above needs its own.
	 */
	uint64_t npds = DIV_ROUND_UP(map_size, X86_PAGE_1G);
	uint64_t pdpt = pml4 + X86_PAGE_SIZE;
	uint64_t pds = pdpt + X86_PAGE_SIZE;
	uint64_t tables = paging_4level_size(map_size);
	uint64_t *l4, *l3, *l2;
	uint64_t i, addr;

	/* One PDPT maps 512 GiB: more than any RAM the VMM allows. */
	if (npds > X86_PT_ENTRIES || pml4 > limit || tables > limit - pml4)
		return -1;
	l4 = guest_ptr(mem, pml4, tables);
	if (!l4)
		return -1;
	memset(l4, 0, tables);
	l3 = l4 + X86_PT_ENTRIES;
	l2 = l3 + X86_PT_ENTRIES;

	l4[0] = pdpt | PT_TABLE_FLAGS;
	for (i = 0; i < npds; i++)
		l3[i] = (pds + i * X86_PAGE_SIZE) | PT_TABLE_FLAGS;
	/* The page directories are contiguous: index them as one array. */
	for (addr = 0, i = 0; addr < map_size; addr += X86_PAGE_2M, i++)
		l2[i] = addr | PT_LEAF_FLAGS;
	return 0;
	/* STUB: return -1; */
	/* END SOLUTION */
}
