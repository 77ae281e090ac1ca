/* SPDX-License-Identifier: GPL-2.0 */
/* The four CPU modes a vCPU can be started in. */
#ifndef VMM_MODE_H
#define VMM_MODE_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/kvm.h>

#include "core/guest_mem.h"

enum cpu_mode {
	MODE_REAL,		/* 16-bit, segment * 16 + offset */
	MODE_PROTECTED,		/* 32-bit, flat 4 GiB segments */
	MODE_PAGED,		/* 32-bit, 4 MiB identity pages */
	MODE_LONG,		/* 64-bit, 2 MiB identity pages */
	MODE_COUNT,
};

const char *mode_name(enum cpu_mode mode);
int mode_parse(const char *name, enum cpu_mode *mode);
/* Width of the guest's natural word: the size of the result at 0x400. */
unsigned int mode_word_size(enum cpu_mode mode);
/* The first address the mode cannot reach at its entry. */
uint64_t mode_entry_limit(enum cpu_mode mode);
/*
 * Where the VMM writes what a mode needs in guest RAM: the GDT and, in
 * paged and long mode, the page tables CR3 points at. Built-in guests
 * find them at layout.h's addresses; a --load image that covers those
 * gets them moved to free RAM (mode_layout_place()).
 */
struct mode_layout {
	uint64_t gdt;		/* GDT_ENTRIES descriptors */
	uint64_t pt;		/* the top table (CR3); 0: no paging */
	uint64_t pt_end;	/* the page tables end before this */
	uint64_t start, end;	/* all of it, [start, end); empty in real mode */
};

/* layout.h's addresses: GDT at 0x500, page tables at [0x1000, 0x7000). */
void mode_layout_default(enum cpu_mode mode, struct mode_layout *l);
/*
 * The default layout if it leaves [@image, @image + @size) alone; else
 * the same structures, packed, in the first free pages past the image,
 * or else the last ones below it. -1 if RAM has no room for them.
 */
int mode_layout_place(enum cpu_mode mode, uint64_t mem_size, uint64_t image,
		      uint64_t size, struct mode_layout *l);
/*
 * The guest memory the VMM writes for the mode by default (GDT, page
 * tables), as [*start, *end); empty in real mode.
 */
void mode_reserved(enum cpu_mode mode, uint64_t *start, uint64_t *end);
/* The mode a vCPU is in now, from its control registers. */
const char *mode_of_sregs(const struct kvm_sregs *sregs);

/*
 * Fill @sregs and @regs so that the vCPU starts at @entry in @mode,
 * with the stack at the top of RAM; build page tables in @mem if the
 * mode pages. @sregs must hold the vCPU's current values.
 */
int mode_setup(enum cpu_mode mode, struct guest_mem *mem, uint64_t entry,
	       struct kvm_sregs *sregs, struct kvm_regs *regs);
/* The same, with the GDT and page tables where @layout says. */
int mode_setup_at(enum cpu_mode mode, struct guest_mem *mem, uint64_t entry,
		  const struct mode_layout *layout, struct kvm_sregs *sregs,
		  struct kvm_regs *regs);

#endif /* VMM_MODE_H */
