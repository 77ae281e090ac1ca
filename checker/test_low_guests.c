// SPDX-License-Identifier: GPL-2.0
/*
 * A guest loaded low, at 0x1000: the VMM moves its GDT and page tables
 * past the image (host_unit.c tests where, without KVM).
 */
#include <stdio.h>

#include "rubric.h"
#include "tests.h"

/* A guest at 0x1000 in @mode: runs, and --dump-regs says where. */
static void run_low_guest(const char *mode, const char *guest,
			  const char *out, const char *layout)
{
	char arg[4200];
	struct vmm_run r;

	snprintf(arg, sizeof(arg), "%s@0x1000", guest_path(guest));
	VMM(&r, VMM_TIMEOUT_ARG, "--dump-regs", "--mode", mode, "--load", arg);
	assert_status(&r, 0);
	assert_stdout(&r, out);
	assert_stderr_has(&r, layout);
}

/* The image ends at 0x7815: the tables start at the next page. */
START_TEST(test_long_guest_at_0x1000)
{
	run_low_guest("long", "low_long", "long mode at 0x1000\n",
		      "layout GDT at 0xb000, page tables at [0x8000, 0xb000)\n");
}
END_TEST

START_TEST(test_paged_guest_at_0x1000)
{
	run_low_guest("paged", "low_paged", "paged mode at 0x1000\n",
		      "layout GDT at 0x9000, page tables at [0x8000, 0x9000)\n");
}
END_TEST


void low_guest_tests(void)
{
	tcase_add_test(rubric_tcase("kvm_ioctls", KVM),
		       test_long_guest_at_0x1000);
	/* Paged mode runs where paged_mode does (not on kvm-pvm). */
	tcase_add_test(rubric_tcase("paged_mode", KVM),
		       test_paged_guest_at_0x1000);
}
