// SPDX-License-Identifier: GPL-2.0
/*
 * What differs between hosts: Intel VMX, AMD SVM and kvm-pvm report the
 * same failures with different codes and leave different state behind.
 * The decoding is tested here for every vendor on any host; what only
 * one host can show is run by make check-svm on kvm-amd (README, Hosts).
 */
#include <stdio.h>

#include <kvmlab/kernel.h>
#include <kvmlab/layout.h>

#include "core/entry_failure.h"
#include "core/exit.h"
#include "x86/mode.h"
#include "rubric.h"
#include "tests.h"
#include "unit.h"

struct entry_case {
	uint64_t reason;
	const char *words;
};

/* KVM's hardware_entry_failure_reason, as each vendor's KVM fills it. */
static const struct entry_case entry_cases[] = {
	/* vmx.c: the exit reason, bit 31 for a failed entry */
	{ 0x80000021, "VMX exit reason 0x80000021: invalid guest state: check the segments, CR0, CR4 and EFER" },
	{ 0x80000022, "VMX exit reason 0x80000022: MSR loading failed" },
	{ 0x80000029, "VMX exit reason 0x80000029: machine check during entry" },
	{ 0x8000ffff, "unknown failed-entry reason" },
	/* vmx.c: VMLAUNCH failed outright, VM-instruction error */
	{ 7, "VMX instruction error 7: invalid VM-entry control fields" },
	{ 8, "VMX instruction error 8: invalid host-state fields" },
	{ 99, "VMX instruction error 99: unknown VM-instruction error" },
	/* svm.c: the VMCB's exit code, VMEXIT_INVALID = -1 */
	{ UINT64_MAX, "SVM exit code 0xffffffffffffffff, VMEXIT_INVALID: invalid guest state in the VMCB: check the segments, CR0, CR4 and EFER" },
	{ UINT64_MAX - 1, "SVM exit code 0xfffffffffffffffe, VMEXIT_BUSY" },
	{ 1ULL << 40, "unknown SVM exit code" },
};

START_TEST(test_entry_failure_decoded)
{
	const struct entry_case *c = &entry_cases[_i];
	char why[256];

	entry_failure_describe(c->reason, why, sizeof(why));
	ck_assert_msg(strstr(why, c->words),
		      "reason 0x%llx: expected \"%s\"; got \"%s\"",
		      (unsigned long long)c->reason, c->words, why);
}
END_TEST

/* The whole line a user reads, for an SVM host. */
START_TEST(test_fail_entry_line_svm)
{
	struct kvm_run run = { .exit_reason = KVM_EXIT_FAIL_ENTRY };
	struct exit_ctx ctx = { .run_size = sizeof(run) };
	char why[256];

	run.fail_entry.hardware_entry_failure_reason = UINT64_MAX;
	ck_assert_int_eq(exit_dispatch(&ctx, &run), VERDICT_STOP);
	exit_describe(&ctx, &run, why, sizeof(why));
	ck_assert_str_eq(why, "KVM_EXIT_FAIL_ENTRY (SVM exit code 0xffffffffffffffff, VMEXIT_INVALID: invalid guest state in the VMCB: check the segments, CR0, CR4 and EFER)");
}
END_TEST

/* ---- foreign guests at any address ---- */

#define KIB		0x400ULL
#define MIB		0x100000ULL
#define GDT_SPAN	(GUEST_GDT_END - GUEST_GDT_ADDR)

/* Built-in guests at 0x8000 keep layout.h's addresses. */
START_TEST(test_layout_default_kept)
{
	struct mode_layout l;

	ck_assert_int_eq(mode_layout_place(MODE_LONG, MIB, GUEST_IMAGE_ADDR,
					   0x2000, &l), 0);
	ck_assert_uint_eq(l.gdt, GUEST_GDT_ADDR);
	ck_assert_uint_eq(l.pt, GUEST_PT_ADDR);
	ck_assert_uint_eq(l.pt_end, GUEST_PT_END);
	/* Real mode writes nothing, whatever the image covers. */
	ck_assert_int_eq(mode_layout_place(MODE_REAL, MIB, 0, MIB, &l), 0);
	ck_assert_uint_eq(l.end, 0);
}
END_TEST

/* An image over [0x500, 0x7000): the structures go past it. */
START_TEST(test_layout_moved_past_image)
{
	struct mode_layout l;

	/* Long mode, 1 MiB + the window: PML4, PDPT, one directory. */
	ck_assert_int_eq(mode_layout_place(MODE_LONG, MIB, 0x1000, 0x40, &l),
			 0);
	ck_assert_uint_eq(l.pt, 0x2000);
	ck_assert_uint_eq(l.pt_end, 0x5000);
	ck_assert_uint_eq(l.gdt, 0x5000);
	ck_assert_uint_eq(l.end, 0x5000 + GDT_SPAN);
	/* Paged mode: one page directory. */
	ck_assert_int_eq(mode_layout_place(MODE_PAGED, MIB, 0, 0x6801, &l),
			 0);
	ck_assert_uint_eq(l.pt, 0x7000);
	ck_assert_uint_eq(l.gdt, 0x8000);
	/* Protected mode: the GDT alone, over which an image at 0 sits. */
	ck_assert_int_eq(mode_layout_place(MODE_PROTECTED, MIB, 0, 0x600,
					   &l), 0);
	ck_assert_uint_eq(l.pt, 0);
	ck_assert_uint_eq(l.gdt, 0x1000);
}
END_TEST

/* No room past the image: below it; no room at all: refused. */
START_TEST(test_layout_below_or_refused)
{
	struct mode_layout l;

	ck_assert_int_eq(mode_layout_place(MODE_LONG, 64 * KIB, 0x1000,
					   0xf000, &l), -1);
	ck_assert_int_eq(mode_layout_place(MODE_PROTECTED, 64 * KIB, 0x400,
					   0xfc00, &l), 0);
	ck_assert_uint_eq(l.gdt, 0);
	ck_assert_int_eq(mode_layout_place(MODE_LONG, 64 * KIB, 0x600,
					   0xfa00, &l), -1);
	ck_assert_int_eq(mode_layout_place(MODE_PAGED, MIB, 0x600,
					   MIB - 0x600, &l), -1);
}
END_TEST

void host_tests(void)
{
	TCase *robust = rubric_tcase("robustness", UNIT);
	TCase *examples = rubric_tcase("kvm_ioctls", UNIT);

	tcase_add_test(examples, test_layout_default_kept);
	tcase_add_test(examples, test_layout_moved_past_image);
	tcase_add_test(examples, test_layout_below_or_refused);
	tcase_add_loop_test(robust, test_entry_failure_decoded, 0,
			    ARRAY_SIZE(entry_cases));
	tcase_add_test(robust, test_fail_entry_line_svm);
}
