/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A loader for static x86-64 ELF executables and static PIEs (Lab 2).
 * It trusts nothing in the file: every field is checked before it is
 * used.
 */
#ifndef VMM_ELF_LOADER_H
#define VMM_ELF_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "core/guest_mem.h"

#define ELF_MAX_PHDRS	64
#define ELF_ERR_MAX	160
/* How much of a refused program's PT_INTERP its message quotes. */
#define ELF_INTERP_SHOWN	64
/*
 * Where a static PIE goes: above Lab 2's floor (PROC_USER_BASE), well
 * inside its RAM, and 4 MiB-aligned, a multiple of any segment's
 * alignment (ld's max-page-size is 4 KiB or 2 MiB on x86-64).
 * checker/test_elf.c asserts it against process.h.
 */
#define ELF_PIE_BASE		0x400000ULL

struct elf_image {
	uint64_t entry;
	uint64_t phdr;		/* where the program headers are, in RAM */
	uint16_t phnum;
	uint16_t phentsize;
	uint64_t end;		/* end of the highest segment: brk starts */
};

/*
 * Check @file (@size bytes) and copy its PT_LOAD segments into @mem,
 * each at or above @min_addr: an ET_EXEC's at their addresses, a static
 * PIE's (ET_DYN) at ELF_PIE_BASE plus theirs, and @img's addresses with
 * them. 0 on success; otherwise -1 and why, in @err.
 */
int elf_load(struct guest_mem *mem, const uint8_t *file, size_t size,
	     uint64_t min_addr, struct elf_image *img, char *err);

#endif /* VMM_ELF_LOADER_H */
