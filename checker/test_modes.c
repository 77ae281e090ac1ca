// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU state each mode's set-up computes (mode_setup(), tasks 1 and
 * 2), checked for what the mode requires and never for one reference's
 * values: any CS:IP split that reaches the entry; the long-mode bits
 * that must be set; page tables walked as the CPU walks them, whatever
 * their page sizes and wherever they lie.
 */
#include <stdio.h>
#include <stdlib.h>

#include <kvmlab/kernel.h>
#include <kvmlab/layout.h>
#include <kvmlab/x86.h>

#include "core/guest_mem.h"
#include "rubric.h"
#include "scenario.h"
#include "seed.h"
#include "tests.h"
#include "unit.h"
#include "vcpu_state.h"
#include "x86/mode.h"

#define MIB		0x100000ULL
#define GIB		0x40000000ULL
#define PAGE		0x1000ULL
#define PAGE_SHIFT	12
#define PT_ENTRIES	512
#define PT_SHIFT	9
#define PTE_ADDR	0x000ffffffffff000ULL
#define RESET_CR0	(X86_CR0_CD | X86_CR0_NW | X86_CR0_ET)
#define RESET_CS_BASE	0xffff0000ULL
#define RESET_CS_SEL	0xf000
#define REAL_LIMIT	0xffff
#define RESULT_WIDTH	8

static struct guest_mem alloc_mem(uint64_t size)
{
	struct guest_mem mem = { .host = calloc(1, size), .size = size };

	ck_assert_ptr_nonnull(mem.host);
	return mem;
}

/* The special registers of a vCPU out of reset, as KVM_GET_SREGS has them. */
static void reset_sregs(struct kvm_sregs *s)
{
	const struct kvm_segment data = {
		.limit = REAL_LIMIT, .type = X86_SEG_TYPE_DATA_RW,
		.present = 1, .s = 1,
	};

	memset(s, 0, sizeof(*s));
	s->cs = data;
	s->cs.type = X86_SEG_TYPE_CODE_XR;
	s->cs.selector = RESET_CS_SEL;
	s->cs.base = RESET_CS_BASE;
	s->ds = data;
	s->es = data;
	s->fs = data;
	s->gs = data;
	s->ss = data;
	s->cr0 = RESET_CR0;
}

/* Entries anywhere in real mode's first MiB: any split must reach them. */
static const uint64_t real_entries[] = {
	GUEST_IMAGE_ADDR, 0x8010, 0x1000, 0x12345, 0xfff0, 0x10000, 0x9ffff,
};

/* And one the submission cannot know: conventional memory, this run's. */
#define SEEDED_REAL_LO	0x1000
#define SEEDED_REAL_HI	0xa0000
#define SALT_REAL	1
#define SALT_WALK	2

static uint64_t real_entry(int i)
{
	return i < (int)ARRAY_SIZE(real_entries) ? real_entries[i] :
	       seeded(SEEDED_REAL_LO, SEEDED_REAL_HI, SALT_REAL);
}

START_TEST(test_mode_real)
{
	struct guest_mem mem = alloc_mem(MIB);
	const uint64_t entry = real_entry(_i);
	struct kvm_sregs s;
	struct kvm_regs r;
	const char *id;
	char why[384];

	reset_sregs(&s);
	require("real.cs_ip", mode_setup(MODE_REAL, &mem, entry, &s, &r) == 0,
		"expected the real-mode set-up for entry 0x%llx to succeed",
		(unsigned long long)entry);
	id = real_mode_problem(&s, &r, entry, why, sizeof(why));
	ck_assert_msg(!id, "[%s] for entry 0x%llx: %s", id,
		      (unsigned long long)entry, why);
	free(mem.host);
}
END_TEST

START_TEST(test_mode_long)
{
	struct guest_mem mem = alloc_mem(MIB);
	struct kvm_sregs s;
	struct kvm_regs r;
	const char *id;
	char why[384];

	reset_sregs(&s);
	require("long.entry", mode_setup(MODE_LONG, &mem, GUEST_IMAGE_ADDR,
					 &s, &r) == 0,
		"expected the long-mode set-up to succeed");
	id = long_mode_problem(&s, &r, GUEST_IMAGE_ADDR, mem.size, why,
			       sizeof(why));
	ck_assert_msg(!id, "[%s] %s", id, why);
	id = sregs_refused(&s, why, sizeof(why)) ? "long.efer" : NULL;
	ck_assert_msg(!id, "[%s] KVM would refuse these registers: %s", id,
		      why);
	free(mem.host);
}
END_TEST

/* Does the table page at @t stay clear of what the guest needs? */
static void check_table_placed(const struct guest_mem *mem, uint64_t t)
{
	const struct scenario *sc = scenario_find("long");
	const uint64_t image_end = GUEST_IMAGE_ADDR +
				   (sc->image_end - sc->image);

	require("long.tables_placed", t + PAGE <= mem->size &&
		!(t < GUEST_RESULT_ADDR + RESULT_WIDTH &&
		  t + PAGE > GUEST_RESULT_ADDR) &&
		!(t < image_end && t + PAGE > GUEST_IMAGE_ADDR),
		"expected every page table in RAM, clear of the result at 0x%x and the image at [0x%x, 0x%llx); got a table at 0x%llx",
		GUEST_RESULT_ADDR, GUEST_IMAGE_ADDR,
		(unsigned long long)image_end, (unsigned long long)t);
}

/*
 * Translate @va as the CPU would in 4-level paging from @cr3; the page
 * that holds it is *@page bytes. Fails the test on what the CPU would
 * fault on: a missing table, an entry not present, not writable, NX.
 */
static uint64_t translate(const struct guest_mem *mem, uint64_t cr3,
			  uint64_t va, uint64_t *page)
{
	uint64_t table = cr3 & PTE_ADDR;
	int level;

	for (level = 4; level >= 1; level--) {
		const unsigned int shift = PAGE_SHIFT +
					   PT_SHIFT * (level - 1);
		const uint64_t idx = (va >> shift) & (PT_ENTRIES - 1);
		const uint64_t *e = guest_ptr(mem, table, PAGE);
		uint64_t entry;

		require("long.cr3", e,
			"expected each page table inside RAM; the level-%d table for 0x%llx is at 0x%llx",
			level, (unsigned long long)va,
			(unsigned long long)table);
		check_table_placed(mem, table);
		entry = e[idx];
		require("long.identity", entry & X86_PTE_PRESENT,
			"expected 0x%llx mapped; the level-%d entry %llu of the table at 0x%llx is not present (0x%llx)",
			(unsigned long long)va, level,
			(unsigned long long)idx, (unsigned long long)table,
			(unsigned long long)entry);
		require("long.rights", (entry & X86_PTE_RW) &&
			!(entry & X86_PTE_NX),
			"expected 0x%llx writable and executable; the level-%d entry is 0x%llx (RW is bit 1, NX bit 63)",
			(unsigned long long)va, level,
			(unsigned long long)entry);
		require("long.rights", level < 4 || !(entry & X86_PTE_PS),
			"expected no PS bit in a PML4 entry (reserved); got 0x%llx",
			(unsigned long long)entry);
		if (level == 1 || (entry & X86_PTE_PS)) {
			*page = 1ULL << shift;
			return (entry & PTE_ADDR & ~(*page - 1)) +
			       (va & (*page - 1));
		}
		table = entry & PTE_ADDR;
	}
	return 0;	/* not reached */
}

/*
 * RAM and the device window past it: each address maps to itself. The
 * sizes given, and one of this run's, a page multiple up to 4 GiB.
 */
static const uint64_t walk_sizes[] = { MIB, 3 * GIB };

static uint64_t walk_size(int i)
{
	return i < (int)ARRAY_SIZE(walk_sizes) ? walk_sizes[i] :
	       seeded(MIB, 4 * GIB, SALT_WALK) & ~(PAGE - 1);
}

START_TEST(test_paging_walk)
{
	struct guest_mem mem = alloc_mem(walk_size(_i));
	const uint64_t end = mem.size + GUEST_DEVICE_WINDOW;
	struct kvm_sregs s;
	struct kvm_regs r;
	uint64_t va, page = PAGE;

	reset_sregs(&s);
	require("long.identity", mode_setup(MODE_LONG, &mem, GUEST_IMAGE_ADDR,
					    &s, &r) == 0,
		"expected the long-mode set-up to succeed with %llu bytes of RAM",
		(unsigned long long)mem.size);
	require("long.cr3", !(s.cr3 & (PAGE - 1) & ~(X86_PTE_PWT | X86_PTE_PCD)),
		"expected CR3 page-aligned; got 0x%llx",
		(unsigned long long)s.cr3);
	for (va = 0; va < end; va = (va & ~(page - 1)) + page) {
		uint64_t pa = translate(&mem, s.cr3, va, &page);

		require("long.identity", pa == va,
			"expected 0x%llx mapped to itself; it maps to 0x%llx",
			(unsigned long long)va, (unsigned long long)pa);
	}
	free(mem.host);
}
END_TEST

void mode_tests(void)
{
	TCase *real = rubric_tcase("real_mode", UNIT);
	TCase *lng = rubric_tcase("long_mode", UNIT);

	tcase_add_loop_test(real, test_mode_real, 0,
			    ARRAY_SIZE(real_entries) + 1);
	tcase_add_test(lng, test_mode_long);
	tcase_add_loop_test(lng, test_paging_walk, 0, ARRAY_SIZE(walk_sizes) + 1);
}
