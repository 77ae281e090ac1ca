// SPDX-License-Identifier: GPL-2.0
/*
 * Lab 2's ELF loader against images made here, valid and broken: static
 * executables and static PIEs. Unit tests: they run in checker/unit,
 * with the VMM's code.
 */
#include <elf.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kvmlab/kernel.h>

#include "lab2/elf_loader.h"
#include "lab2/process.h"
#include "rubric.h"
#include "tests.h"
#include "unit.h"

#define MIB		0x100000ULL

#define IMG_VADDR	0x400000ULL
/* Where a PIE goes: where the ET_EXEC image is, so one check fits both. */
#define PIE_BASE	ELF_PIE_BASE
#define INTERP		"/lib64/ld-linux-x86-64.so.2"
#define IMG_SIZE	0x100
#define IMG_BSS		0x1000

struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	uint8_t code[IMG_SIZE - sizeof(Elf64_Ehdr) - 2 * sizeof(Elf64_Phdr)];
};

_Static_assert(sizeof(struct image) == IMG_SIZE, "image size");
_Static_assert(PIE_BASE == IMG_VADDR, "a PIE where the executable goes");
/* The VMM's PIEs go in a Lab 2 program's RAM, at a page. */
_Static_assert(PROC_USER_BASE <= ELF_PIE_BASE, "PIE base below the floor");
_Static_assert(ELF_PIE_BASE < PROC_MEM_MAX, "PIE base past what is mapped");
_Static_assert(IS_ALIGNED(ELF_PIE_BASE, PROC_PAGE_SIZE), "PIE base align");

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

/* The same image as a static PIE: linked at 0, with its PT_DYNAMIC. */
static void make_pie(struct image *img)
{
	make_image(img);
	img->eh.e_type = ET_DYN;
	img->eh.e_entry = IMG_CODE;
	img->ph[0].p_vaddr = 0;
	img->ph[1].p_type = PT_DYNAMIC;
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

/* A static PIE, its PT_PHDR or not: all of it at PIE_BASE. */
START_TEST(test_elf_pie)
{
	struct guest_mem mem = { .host = calloc(1, 8 * MIB), .size = 8 * MIB };
	struct elf_image out;
	struct image img;
	char why[ELF_ERR_MAX] = "";

	make_pie(&img);
	if (_i) {
		img.ph[1].p_type = PT_PHDR;
		img.ph[1].p_vaddr = offsetof(struct image, ph);
	}
	ck_assert_msg(load(&img, sizeof(img), &mem, &out, why) == 0, "%s", why);
	ck_assert_uint_eq(out.entry, PIE_BASE + IMG_CODE);
	ck_assert_uint_eq(out.phdr, PIE_BASE + offsetof(struct image, ph));
	ck_assert_uint_eq(out.end, PIE_BASE + IMG_SIZE + IMG_BSS);
	ck_assert_uint_eq(mem.host[PIE_BASE + IMG_CODE], 0xf4);
	ck_assert_uint_eq(mem.host[0], 0);
	free(mem.host);
}
END_TEST

/*
 * A program that needs ld.so, PIE or not: refused with the interpreter
 * it names (cut short, unprintable bytes as '?') and the fix.
 */
struct interp_case {
	const char *interp, *shown;
};

static const struct interp_case interps[] = {
	{ INTERP, INTERP },
	{ "/lib/ld\x1b[2J", "/lib/ld?[2J" },
	/* 70 bytes: the message quotes ELF_INTERP_SHOWN of them. */
	{ "/123456789/123456789/123456789/123456789/123456789/123456789/123456789",
	  "/123456789/123456789/123456789/123456789/123456789/123456789/123" },
};

/* Each interpreter in an ET_EXEC (even @_i) and in a PIE (odd). */
START_TEST(test_elf_interp)
{
	struct guest_mem mem = { .host = calloc(1, 8 * MIB), .size = 8 * MIB };
	struct elf_image out;
	struct image img;
	char why[ELF_ERR_MAX] = "", want[ELF_ERR_MAX];
	unsigned int i = _i / 2;

	if (_i % 2)
		make_pie(&img);
	else
		make_image(&img);
	img.ph[1].p_type = PT_INTERP;
	img.ph[1].p_offset = IMG_CODE + 1;
	img.ph[1].p_filesz = strlen(interps[i].interp) + 1;
	memcpy(img.code + 1, interps[i].interp, img.ph[1].p_filesz);
	ck_assert_int_eq(load(&img, sizeof(img), &mem, &out, why), -1);
	snprintf(want, sizeof(want),
		 "dynamically linked (PT_INTERP %s): build it with -static or -static-pie",
		 interps[i].shown);
	ck_assert_str_eq(why, want);
	free(mem.host);
}
END_TEST

/* Two PT_LOADs sharing a byte: refused, ET_EXEC and PIE alike. */
START_TEST(test_elf_overlap)
{
	struct guest_mem mem = { .host = calloc(1, 8 * MIB), .size = 8 * MIB };
	struct elf_image out;
	struct image img;
	char why[ELF_ERR_MAX] = "";

	if (_i)
		make_pie(&img);
	else
		make_image(&img);
	img.ph[1] = img.ph[0];
	img.ph[1].p_flags = PF_R | PF_W;
	img.ph[1].p_vaddr += IMG_SIZE + IMG_BSS - 1;
	ck_assert_int_eq(load(&img, sizeof(img), &mem, &out, why), -1);
	ck_assert_msg(strstr(why, "overlap"), "expected \"overlap\"; got \"%s\"",
		      why);
	img.ph[1].p_vaddr++;	/* end to end: fine */
	ck_assert_msg(load(&img, sizeof(img), &mem, &out, why) == 0, "%s", why);
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
	EH(e_type, ET_REL, "not an executable"),
	EH(e_type, ET_CORE, "not an executable"),
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
	PH(1, p_type, PT_INTERP, "dynamically linked (PT_INTERP ): build it"),
	PH(1, p_type, PT_DYNAMIC, "dynamically linked (PT_DYNAMIC)"),
	CUT(sizeof(Elf64_Ehdr) - 1, "not an ELF file"),
	CUT(sizeof(Elf64_Ehdr) + 8, "program headers past the end"),
};

/* The same for a static PIE: every check made after the base is added. */
static const struct broken_elf broken_pie[] = {
	EH(e_phoff, UINT64_MAX - 8, "program headers past the end"),
	PH(0, p_memsz, 1, "larger in the file than in memory"),
	PH(0, p_offset, UINT64_MAX, "a segment past the end of the file"),
	/* base + p_vaddr in RAM, but not base + p_vaddr + p_memsz. */
	PH(0, p_vaddr, 8 * MIB - PIE_BASE - 0x100, "is not in RAM above"),
	PH(0, p_memsz, 8 * MIB - PIE_BASE + 1, "is not in RAM above"),
	PH(0, p_memsz, UINT64_MAX, "is not in RAM above"),
	/* base + p_vaddr wraps around: to 0, and to just below the base. */
	PH(0, p_vaddr, -PIE_BASE, "wraps around above the load base"),
	PH(0, p_vaddr, UINT64_MAX - 0x80, "wraps around above the load base"),
	PH(0, p_align, 2 * PIE_BASE, "which the load base 0x400000 is not"),
	PH(0, p_align, PIE_BASE + PIE_BASE / 2, "which the load base"),
	PH(0, p_vaddr, 0x1000, "a PIE linked at 0x1000, not 0"),
	/* An entry as if linked at the base: outside the image as linked. */
	EH(e_entry, PIE_BASE + IMG_CODE, "is in no executable segment"),
	EH(e_entry, UINT64_MAX, "is in no executable segment"),
	PH(0, p_flags, PF_R, "is in no executable segment"),
	PH(0, p_type, PT_NOTE, "no loadable segment"),
	PH(1, p_type, PT_INTERP, "dynamically linked (PT_INTERP ): build it"),
};

static void check_broken(const struct broken_elf *b, bool pie)
{
	struct guest_mem mem = { .host = calloc(1, 8 * MIB), .size = 8 * MIB };
	struct elf_image out;
	struct image img;
	char why[ELF_ERR_MAX] = "";

	if (pie)
		make_pie(&img);
	else
		make_image(&img);
	memcpy((uint8_t *)&img + b->off, &b->value, b->len);
	ck_assert_int_eq(load(&img, b->size ? b->size : sizeof(img), &mem,
			      &out, why), -1);
	ck_assert_msg(strstr(why, b->why), "expected \"%s\"; got \"%s\"",
		      b->why, why);
	/* Refused before anything was written to RAM. */
	ck_assert_uint_eq(mem.host[IMG_VADDR + IMG_CODE], 0);
	free(mem.host);
}

START_TEST(test_elf_broken)
{
	check_broken(&broken[_i], false);
}
END_TEST

START_TEST(test_elf_broken_pie)
{
	check_broken(&broken_pie[_i], true);
}
END_TEST

void elf_tests(void)
{
	TCase *unit = rubric_tcase("lab2", UNIT);

	tcase_add_test(unit, test_elf_valid);
	tcase_add_loop_test(unit, test_elf_broken, 0, ARRAY_SIZE(broken));
	tcase_add_loop_test(unit, test_elf_pie, 0, 2);
	tcase_add_loop_test(unit, test_elf_interp, 0, 2 * ARRAY_SIZE(interps));
	tcase_add_loop_test(unit, test_elf_overlap, 0, 2);
	tcase_add_loop_test(unit, test_elf_broken_pie, 0,
			    ARRAY_SIZE(broken_pie));
}
