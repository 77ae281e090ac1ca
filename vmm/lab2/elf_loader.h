/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A loader for static x86-64 ELF executables (Lab 2). It trusts
 * nothing in the file: every field is checked before it is used.
 */
#ifndef VMM_ELF_LOADER_H
#define VMM_ELF_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "core/guest_mem.h"

#define ELF_MAX_PHDRS	64
#define ELF_ERR_MAX	160

struct elf_image {
	uint64_t entry;
	uint64_t phdr;		/* where the program headers are, in RAM */
	uint16_t phnum;
	uint16_t phentsize;
	uint64_t end;		/* end of the highest segment: brk starts */
};

/*
 * Check @file (@size bytes) and copy its PT_LOAD segments into @mem,
 * each at or above @min_addr. 0 on success; otherwise -1 and why, in
 * @err.
 */
int elf_load(struct guest_mem *mem, const uint8_t *file, size_t size,
	     uint64_t min_addr, struct elf_image *img, char *err);

#endif /* VMM_ELF_LOADER_H */
