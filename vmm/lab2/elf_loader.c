// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a static ELF64 executable into guest RAM: the header, then
 * the program headers, then each PT_LOAD segment, checked before it is
 * used (every offset and size in the file is the file's to lie about).
 *
 * A static PIE (ET_DYN without PT_INTERP: gcc -static-pie) is linked
 * at 0 and goes at one fixed base instead; it applies its relocations
 * itself (glibc's _dl_relocate_static_pie, musl's _dlstart), so the
 * loader only adds the base to every address it reads.
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
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return refuse(err, "not an executable (type %u): link it with -static or -static-pie",
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

/*
 * The interpreter a dynamically linked program names, for the message:
 * at most ELF_INTERP_SHOWN bytes of it, any unprintable one as '?'.
 */
static void interp_name(const Elf64_Phdr *ph, const uint8_t *file,
			size_t size, char *name)
{
	uint64_t i, len = 0;

	if (in_file(ph->p_offset, ph->p_filesz, size))
		len = ph->p_filesz < ELF_INTERP_SHOWN ? ph->p_filesz :
		      ELF_INTERP_SHOWN;
	for (i = 0; i < len && file[ph->p_offset + i]; i++) {
		uint8_t c = file[ph->p_offset + i];

		/* Printable ASCII, whatever the locale. */
		name[i] = c >= ' ' && c <= '~' ? c : '?';
	}
	name[i] = '\0';
}

/* A program that needs ld.so cannot run here: there is no ld.so. */
static int check_static(const Elf64_Ehdr *eh, const Elf64_Phdr *ph,
			const uint8_t *file, size_t size, char *err)
{
	char name[ELF_INTERP_SHOWN + 1];
	unsigned int i;

	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP) {
			interp_name(&ph[i], file, size, name);
			return refuse(err, "dynamically linked (PT_INTERP %s): build it with -static or -static-pie",
				      name);
		}
		/* A static PIE has one, for its own relocations; -static has not. */
		if (ph[i].p_type == PT_DYNAMIC && eh->e_type == ET_EXEC)
			return refuse(err, "dynamically linked (PT_DYNAMIC): build it with -static or -static-pie");
	}
	return 0;
}

/*
 * A PT_LOAD segment: in the file, and at @base + p_vaddr, computed
 * without overflow, in RAM above @min_addr.
 */
static int check_segment(const Elf64_Phdr *ph, size_t size,
			 const struct guest_mem *mem, uint64_t min_addr,
			 uint64_t base, char *err)
{
	uint64_t addr = ph->p_vaddr + base;

	if (ph->p_filesz > ph->p_memsz)
		return refuse(err, "a segment larger in the file than in memory");
	if (!in_file(ph->p_offset, ph->p_filesz, size))
		return refuse(err, "a segment past the end of the file");
	if (ph->p_vaddr > UINT64_MAX - base)
		return refuse(err, "segment at 0x%llx wraps around above the load base 0x%llx",
			      (unsigned long long)ph->p_vaddr,
			      (unsigned long long)base);
	if (addr < min_addr || !guest_range_ok(mem, addr, ph->p_memsz))
		return refuse(err, "segment [0x%llx, +0x%llx) is not in RAM above 0x%llx; use a larger --mem",
			      (unsigned long long)addr,
			      (unsigned long long)ph->p_memsz,
			      (unsigned long long)min_addr);
	/* A PIE's aligned data (TLS, say) is aligned only if the base is. */
	if (base && ph->p_align > 1 && base % ph->p_align)
		return refuse(err, "a segment aligned to 0x%llx, which the load base 0x%llx is not: relink with a smaller -z max-page-size",
			      (unsigned long long)ph->p_align,
			      (unsigned long long)base);
	return 0;
}

/* Is @addr inside a PT_LOAD segment (addresses as linked)? */
static bool in_segment(const Elf64_Ehdr *eh, const Elf64_Phdr *ph,
		       uint64_t addr, uint32_t flags)
{
	unsigned int i;

	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD &&
		    (ph[i].p_flags & flags) == flags &&
		    addr - ph[i].p_vaddr < ph[i].p_memsz)
			return true;
	return false;
}

/*
 * Where the program headers are in memory, for AT_PHDR, as linked: a
 * PT_PHDR inside a loaded segment, or the segment that holds them in
 * the file. False if neither: the program gets no AT_PHDR to read.
 */
static bool find_phdr(const Elf64_Ehdr *eh, const Elf64_Phdr *ph,
		      uint64_t *phdr)
{
	unsigned int i;

	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_PHDR &&
		    in_segment(eh, ph, ph[i].p_vaddr, 0)) {
			*phdr = ph[i].p_vaddr;
			return true;
		}
	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && eh->e_phoff >= ph[i].p_offset &&
		    eh->e_phoff - ph[i].p_offset < ph[i].p_filesz) {
			*phdr = ph[i].p_vaddr + (eh->e_phoff - ph[i].p_offset);
			return true;
		}
	return false;
}

/* Do [a, a + alen) and [b, b + blen) share a byte? Both are in RAM. */
static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/*
 * The PT_LOAD segments, already each in RAM, against each other: no
 * byte loaded twice; and a PIE linked at 0, so that the base is where
 * its ELF header goes and every address in it is base + p_vaddr.
 */
static int check_layout(const Elf64_Ehdr *eh, const Elf64_Phdr *ph,
			uint64_t base, char *err)
{
	uint64_t lowest = UINT64_MAX;
	unsigned int i, j;

	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_vaddr < lowest)
			lowest = ph[i].p_vaddr;
		for (j = i + 1; j < eh->e_phnum; j++)
			if (ph[j].p_type == PT_LOAD &&
			    overlap(ph[i].p_vaddr, ph[i].p_memsz,
				    ph[j].p_vaddr, ph[j].p_memsz))
				return refuse(err, "segments [0x%llx, +0x%llx) and [0x%llx, +0x%llx) overlap",
					      (unsigned long long)(ph[i].p_vaddr + base),
					      (unsigned long long)ph[i].p_memsz,
					      (unsigned long long)(ph[j].p_vaddr + base),
					      (unsigned long long)ph[j].p_memsz);
	}
	if (eh->e_type == ET_DYN && lowest)
		return refuse(err, "a PIE linked at 0x%llx, not 0: link it with -static-pie",
			      (unsigned long long)lowest);
	return 0;
}

/* Check every program header before loading any segment. */
static int check_segments(const Elf64_Ehdr *eh, const Elf64_Phdr *ph,
			  const uint8_t *file, size_t size,
			  const struct guest_mem *mem, uint64_t min_addr,
			  uint64_t base, char *err)
{
	unsigned int i, loads = 0;

	if (check_static(eh, ph, file, size, err))
		return -1;
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (check_segment(&ph[i], size, mem, min_addr, base, err))
			return -1;
		loads++;
	}
	if (!loads)
		return refuse(err, "no loadable segment");
	if (check_layout(eh, ph, base, err))
		return -1;
	if (!in_segment(eh, ph, eh->e_entry, PF_X))
		return refuse(err, "entry point 0x%llx is in no executable segment",
			      (unsigned long long)eh->e_entry);
	return 0;
}

int elf_load(struct guest_mem *mem, const uint8_t *file, size_t size,
	     uint64_t min_addr, struct elf_image *img, char *err)
{
	Elf64_Ehdr eh = {};
	Elf64_Phdr ph[ELF_MAX_PHDRS];
	uint64_t base, phdr;
	unsigned int i;

	/* Copies, so that alignment and later changes cannot matter. */
	if (size >= sizeof(eh))
		memcpy(&eh, file, sizeof(eh));
	if (check_header(&eh, size, err))
		return -1;
	memcpy(ph, file + eh.e_phoff, eh.e_phnum * sizeof(ph[0]));
	base = eh.e_type == ET_DYN ? ELF_PIE_BASE : 0;
	if (check_segments(&eh, ph, file, size, mem, min_addr, base, err))
		return -1;

	memset(img, 0, sizeof(*img));
	for (i = 0; i < eh.e_phnum; i++) {
		uint64_t addr = ph[i].p_vaddr + base;
		uint8_t *dst;

		if (ph[i].p_type != PT_LOAD)
			continue;
		dst = guest_ptr(mem, addr, ph[i].p_memsz);
		memcpy(dst, file + ph[i].p_offset, ph[i].p_filesz);
		memset(dst + ph[i].p_filesz, 0,
		       ph[i].p_memsz - ph[i].p_filesz);
		if (addr + ph[i].p_memsz > img->end)
			img->end = addr + ph[i].p_memsz;
	}
	/* Both inside a segment that is in RAM: adding the base is safe. */
	img->entry = eh.e_entry + base;
	if (find_phdr(&eh, ph, &phdr))
		img->phdr = phdr + base;
	img->phnum = eh.e_phnum;
	img->phentsize = eh.e_phentsize;
	return 0;
}
