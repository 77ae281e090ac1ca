/* SPDX-License-Identifier: GPL-2.0 */
/* Identity page tables, built by the VMM in guest RAM. */
#ifndef VMM_PAGING_H
#define VMM_PAGING_H

#include <stdint.h>

#include "core/guest_mem.h"

/* How much the identity map covers: RAM plus the device window. */
uint64_t paging_map_size(uint64_t mem_size, uint64_t page_size);

/* 32-bit paging: one page directory of 4 MiB (PSE) pages at @pd. */
int paging_build_32(struct guest_mem *mem, uint64_t pd, uint64_t map_size);

/* Bytes of 4-level tables (PML4, PDPT, page directories) for @map_size. */
uint64_t paging_4level_size(uint64_t map_size);

/*
 * 4-level paging with 2 MiB pages: PML4 at @pml4, the PDPT in the next
 * page, then one page directory per GiB. Must end by @limit.
 */
int paging_build_4level(struct guest_mem *mem, uint64_t pml4,
			uint64_t limit, uint64_t map_size);

#endif /* VMM_PAGING_H */
