/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page-table walk, as the CPU does it, from guest memory: a linear
 * address to a physical one, or the level where it fails and why. It
 * reads the guest's tables only through guest_ptr(), and is pure: the
 * crash report and the gdb stub use it, the tests feed it fake RAM.
 */
#ifndef VMM_DEBUG_PAGEWALK_H
#define VMM_DEBUG_PAGEWALK_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/kvm.h>

#include "core/guest_mem.h"

#define WALK_MAX_LEVELS	4

/* One table entry on the way: which table, which entry, what it says. */
struct walk_step {
	const char *table;	/* "PML4", "PDPT", "PD", "PT" */
	unsigned int index;
	uint64_t entry_addr;	/* guest-physical */
	uint64_t entry;
};

struct walk {
	struct walk_step steps[WALK_MAX_LEVELS];
	unsigned int nsteps;
	bool ok;
	uint64_t phys;		/* if ok */
	uint64_t page_size;	/* if ok: 4 KiB, 2 MiB, 4 MiB or 1 GiB */
	const char *error;	/* if not ok: why the last step failed */
};

/* Does the vCPU translate linear addresses through page tables? */
bool walk_paging_on(const struct kvm_sregs *sregs);

/*
 * Walk @sregs' page tables (32-bit, PAE or 4-level, as CR0, CR4 and
 * EFER say) for @linear. 0 and @w filled, whatever the walk finds; -1
 * if paging is off (the linear address is the physical one).
 */
int walk_linear(const struct guest_mem *mem, const struct kvm_sregs *sregs,
		uint64_t linear, struct walk *w);

/*
 * The guest-physical address of @linear, whatever the mode: through
 * the tables when paging is on. 0, or -1 if it does not translate.
 */
int walk_translate(const struct guest_mem *mem,
		   const struct kvm_sregs *sregs, uint64_t linear,
		   uint64_t *phys);

#endif /* VMM_DEBUG_PAGEWALK_H */
