// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the Lab 2 ELF loader, on 8 MiB of guest RAM with
 * the programs' usual floor (PROC_USER_BASE, 1 MiB).
 *
 * Input format: the whole input is the ELF file, as --elf reads it.
 *
 * On success, the image must be what the rest of the VMM assumes: the
 * entry point in RAM above the floor, and the end of the segments
 * (where brk starts) in RAM. AT_PHDR is not checked: a PT_PHDR may say
 * anything, and only the program reads it, as on Linux.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab2/elf_loader.h"
#include "core/guest_mem.h"

#define RAM_SIZE	0x800000ULL	/* 8 MiB */
#define MIN_ADDR	0x100000ULL	/* PROC_USER_BASE */

static struct guest_mem mem;

/* What process_setup() and the stack builder take on trust. */
static void check_image(const struct elf_image *img)
{
	if (img->entry >= MIN_ADDR && img->entry < RAM_SIZE &&
	    img->end > MIN_ADDR && img->end <= RAM_SIZE &&
	    img->phnum && img->phnum <= ELF_MAX_PHDRS)
		return;
	fprintf(stderr, "elf: loaded, but entry 0x%llx, phdr 0x%llx, phnum %u, end 0x%llx\n",
		(unsigned long long)img->entry, (unsigned long long)img->phdr,
		img->phnum, (unsigned long long)img->end);
	abort();
}

/* libFuzzer calls it once per input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_image img;
	char err[ELF_ERR_MAX];

	if (!mem.host) {
		mem.host = calloc(1, RAM_SIZE);
		if (!mem.host)
			abort();
		mem.size = RAM_SIZE;
	}
	memset(err, 0, sizeof(err));
	if (elf_load(&mem, data, size, MIN_ADDR, &img, err)) {
		/* Refused: with one line saying why. */
		if (!err[0] || !memchr(err, '\0', sizeof(err)))
			abort();
		return 0;
	}
	check_image(&img);
	return 0;
}
