// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a static ELF64 executable into guest RAM: the header, then
 * the program headers, then each PT_LOAD segment, checked before it is
 * used (every offset and size in the file is the file's to lie about).
 */
#include <elf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <kvmlab/kernel.h>

#include "lab2/elf_loader.h"

static int __printf(2, 3)
refuse(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, ELF_ERR_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

/* Is [off, off + len) inside a buffer of @size bytes? No overflow. */
static bool in_file(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

static int check_header(const Elf64_Ehdr *eh, size_t size, char *err)
{
	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return refuse(err, "not an ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return refuse(err, "not a 64-bit ELF file");
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_ident[EI_VERSION] != EV_CURRENT)
		return refuse(err, "not a little-endian ELF file of version 1");
	if (eh->e_machine != EM_X86_64)
		return refuse(err, "not an x86-64 program (machine %u)",
			      eh->e_machine);
	if (eh->e_type != ET_EXEC)
		return refuse(err, "not a static executable (type %u): link it with -static",
			      eh->e_type);
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
	    eh->e_phnum > ELF_MAX_PHDRS)
		return refuse(err, "bad program headers (%u of %u bytes)",
			      eh->e_phnum, eh->e_phentsize);
	if (!in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr),
		     size))
		return refuse(err, "program headers past the end of the file");
	return 0;
}

/* A PT_LOAD segment: in the file, in RAM, above @min_addr. */
static int check_segment(const Elf64_Phdr *ph, size_t size,
			 const struct guest_mem *mem, uint64_t min_addr,
			 char *err)
{
	if (ph->p_filesz > ph->p_memsz)
		return refuse(err, "a segment larger in the file than in memory");
	if (!in_file(ph->p_offset, ph->p_filesz, size))
		return refuse(err, "a segment past the end of the file");
	if (ph->p_vaddr < min_addr ||
	    !guest_range_ok(mem, ph->p_vaddr, ph->p_memsz))
		return refuse(err, "segment [0x%llx, +0x%llx) is not in RAM above 0x%llx; use a larger --mem",
			      (unsigned long long)ph->p_vaddr,
			      (unsigned long long)ph->p_memsz,
			      (unsigned long long)min_addr);
	return 0;
}

/* Where the program headers are in memory, for AT_PHDR. */
static uint64_t find_phdr(const Elf64_Ehdr *eh, const Elf64_Phdr *ph)
{
	unsigned int i;

	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_PHDR)
			return ph[i].p_vaddr;
	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && eh->e_phoff >= ph[i].p_offset &&
		    eh->e_phoff - ph[i].p_offset < ph[i].p_filesz)
			return ph[i].p_vaddr + (eh->e_phoff - ph[i].p_offset);
	return 0;
}

static bool entry_in_segment(const Elf64_Ehdr *eh, const Elf64_Phdr *ph)
{
	unsigned int i;

	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_X) &&
		    eh->e_entry - ph[i].p_vaddr < ph[i].p_memsz)
			return true;
	return false;
}

/* Check every program header before loading any segment. */
static int check_segments(const Elf64_Ehdr *eh, const Elf64_Phdr *ph,
			  size_t size, const struct guest_mem *mem,
			  uint64_t min_addr, char *err)
{
	unsigned int i, loads = 0;

	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP || ph[i].p_type == PT_DYNAMIC)
			return refuse(err, "a dynamically linked program: link it with -static");
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (check_segment(&ph[i], size, mem, min_addr, err))
			return -1;
		loads++;
	}
	if (!loads)
		return refuse(err, "no loadable segment");
	if (!entry_in_segment(eh, ph))
		return refuse(err, "entry point 0x%llx is in no executable segment",
			      (unsigned long long)eh->e_entry);
	return 0;
}

int elf_load(struct guest_mem *mem, const uint8_t *file, size_t size,
	     uint64_t min_addr, struct elf_image *img, char *err)
{
	Elf64_Ehdr eh = {};
	Elf64_Phdr ph[ELF_MAX_PHDRS];
	unsigned int i;

	/* Copies, so that alignment and later changes cannot matter. */
	if (size >= sizeof(eh))
		memcpy(&eh, file, sizeof(eh));
	if (check_header(&eh, size, err))
		return -1;
	memcpy(ph, file + eh.e_phoff, eh.e_phnum * sizeof(ph[0]));
	if (check_segments(&eh, ph, size, mem, min_addr, err))
		return -1;

	memset(img, 0, sizeof(*img));
	for (i = 0; i < eh.e_phnum; i++) {
		uint8_t *dst;

		if (ph[i].p_type != PT_LOAD)
			continue;
		dst = guest_ptr(mem, ph[i].p_vaddr, ph[i].p_memsz);
		memcpy(dst, file + ph[i].p_offset, ph[i].p_filesz);
		memset(dst + ph[i].p_filesz, 0,
		       ph[i].p_memsz - ph[i].p_filesz);
		if (ph[i].p_vaddr + ph[i].p_memsz > img->end)
			img->end = ph[i].p_vaddr + ph[i].p_memsz;
	}
	img->entry = eh.e_entry;
	img->phdr = find_phdr(&eh, ph);
	img->phnum = eh.e_phnum;
	img->phentsize = eh.e_phentsize;
	return 0;
}
