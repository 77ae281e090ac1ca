// SPDX-License-Identifier: GPL-2.0
/*
 * Lab 2's ELF loader against images made here, valid and broken. Unit
 * tests: they run in checker/unit, with the VMM's code.
 */
#include <elf.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kvmlab/kernel.h>

#include "lab2/elf_loader.h"
#include "rubric.h"
#include "tests.h"
#include "unit.h"

#define MIB		0x100000ULL

#define IMG_VADDR	0x400000ULL
#define IMG_SIZE	0x100
#define IMG_BSS		0x1000

struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	uint8_t code[IMG_SIZE - sizeof(Elf64_Ehdr) - 2 * sizeof(Elf64_Phdr)];
};

_Static_assert(sizeof(struct image) == IMG_SIZE, "image size");

#define IMG_CODE	offsetof(struct image, code)

/* A minimal valid static executable: one PT_LOAD, then a PT_NOTE. */
static void make_image(struct image *img)
{
	memset(img, 0, sizeof(*img));
	memcpy(img->eh.e_ident, ELFMAG, SELFMAG);
	img->eh.e_ident[EI_CLASS] = ELFCLASS64;
	img->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	img->eh.e_ident[EI_VERSION] = EV_CURRENT;
	img->eh.e_type = ET_EXEC;
	img->eh.e_machine = EM_X86_64;
	img->eh.e_version = EV_CURRENT;
	img->eh.e_entry = IMG_VADDR + IMG_CODE;
	img->eh.e_phoff = offsetof(struct image, ph);
	img->eh.e_ehsize = sizeof(Elf64_Ehdr);
	img->eh.e_phentsize = sizeof(Elf64_Phdr);
	img->eh.e_phnum = 2;
	img->ph[0].p_type = PT_LOAD;
	img->ph[0].p_flags = PF_R | PF_X;
	img->ph[0].p_vaddr = IMG_VADDR;
	img->ph[0].p_filesz = IMG_SIZE;
	img->ph[0].p_memsz = IMG_SIZE + IMG_BSS;
	img->ph[1].p_type = PT_NOTE;
	img->code[0] = 0xf4;
}

static int load(struct image *img, size_t size, struct guest_mem *mem,
		struct elf_image *out, char *why)
{
	return elf_load(mem, (const uint8_t *)img, size, MIB, out, why);
}

START_TEST(test_elf_valid)
{
	struct guest_mem mem = { .host = calloc(1, 8 * MIB), .size = 8 * MIB };
	struct elf_image out;
	struct image img;
	char why[ELF_ERR_MAX] = "";

	make_image(&img);
	memset(mem.host + IMG_VADDR + IMG_SIZE, 0xaa, IMG_BSS);
	ck_assert_msg(load(&img, sizeof(img), &mem, &out, why) == 0, "%s", why);
	ck_assert_uint_eq(out.entry, IMG_VADDR + IMG_CODE);
	ck_assert_uint_eq(out.phdr, IMG_VADDR + offsetof(struct image, ph));
	ck_assert_uint_eq(out.phnum, 2);
	ck_assert_uint_eq(out.end, IMG_VADDR + IMG_SIZE + IMG_BSS);
	ck_assert_uint_eq(mem.host[IMG_VADDR + IMG_CODE], 0xf4);
	ck_assert_uint_eq(mem.host[IMG_VADDR + IMG_SIZE], 0);	/* bss */
	free(mem.host);
}
END_TEST

/*
 * One way to break the image each: a value written over one field (at
 * @off, @len bytes), or the file cut to @size bytes; and what the
 * loader must say.
 */
#define EH(f, v, why)							\
	{ offsetof(struct image, eh.f), sizeof(((Elf64_Ehdr *)0)->f), v, 0, why }
#define PH(n, f, v, why)						\
	{ offsetof(struct image, ph[n].f), sizeof(((Elf64_Phdr *)0)->f), v, 0, \
	  why }
#define IDENT(i, v, why)						\
	{ offsetof(struct image, eh.e_ident[i]), 1, v, 0, why }
#define CUT(size, why)	{ 0, 0, 0, size, why }

struct broken_elf {
	size_t off, len;
	uint64_t value;
	size_t size;
	const char *why;
};

static const struct broken_elf broken[] = {
	IDENT(1, 'X', "not an ELF file"),
	IDENT(EI_CLASS, ELFCLASS32, "not a 64-bit ELF file"),
	IDENT(EI_DATA, ELFDATA2MSB, "not a little-endian"),
	EH(e_machine, EM_386, "not an x86-64 program"),
	EH(e_type, ET_DYN, "not a static executable"),
	EH(e_phentsize, 1, "bad program headers"),
	EH(e_phnum, 0, "bad program headers"),
	EH(e_phnum, 0xffff, "bad program headers"),
	EH(e_phoff, IMG_SIZE - 8, "program headers past the end"),
	EH(e_phoff, UINT64_MAX - 8, "program headers past the end"),
	PH(0, p_memsz, 1, "larger in the file than in memory"),
	PH(0, p_offset, IMG_SIZE, "a segment past the end of the file"),
	PH(0, p_offset, UINT64_MAX, "a segment past the end of the file"),
	PH(0, p_vaddr, 0x8000, "is not in RAM above"),
	PH(0, p_vaddr, 8 * MIB - 0x100, "is not in RAM above"),
	PH(0, p_vaddr, UINT64_MAX - 0x80, "is not in RAM above"),
	PH(0, p_memsz, UINT64_MAX, "is not in RAM above"),
	EH(e_entry, 0x200000, "is in no executable segment"),
	PH(0, p_flags, PF_R, "is in no executable segment"),
	PH(0, p_type, PT_NOTE, "no loadable segment"),
	PH(1, p_type, PT_INTERP, "dynamically linked"),
	PH(1, p_type, PT_DYNAMIC, "dynamically linked"),
	CUT(sizeof(Elf64_Ehdr) - 1, "not an ELF file"),
	CUT(sizeof(Elf64_Ehdr) + 8, "program headers past the end"),
};

START_TEST(test_elf_broken)
{
	struct guest_mem mem = { .host = calloc(1, 8 * MIB), .size = 8 * MIB };
	struct elf_image out;
	struct image img;
	char why[ELF_ERR_MAX] = "";

	make_image(&img);
	memcpy((uint8_t *)&img + broken[_i].off, &broken[_i].value,
	       broken[_i].len);
	ck_assert_int_eq(load(&img, broken[_i].size ? broken[_i].size :
			      sizeof(img), &mem, &out, why), -1);
	ck_assert_msg(strstr(why, broken[_i].why), "expected \"%s\"; got \"%s\"",
		      broken[_i].why, why);
	/* Refused before anything was written to RAM. */
	ck_assert_uint_eq(mem.host[IMG_VADDR + IMG_CODE], 0);
	free(mem.host);
}
END_TEST

void elf_tests(void)
{
	TCase *unit = rubric_tcase("lab2", UNIT);

	tcase_add_test(unit, test_elf_valid);
	tcase_add_loop_test(unit, test_elf_broken, 0, ARRAY_SIZE(broken));
}
