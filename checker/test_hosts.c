// SPDX-License-Identifier: GPL-2.0
/*
 * What differs between hosts: Intel VMX, AMD SVM and kvm-pvm report the
 * same failures with different codes and leave different state behind.
 * The decoding is tested here for every vendor on any host; what only
 * one host can show is run by make check-svm on kvm-amd (README, Hosts).
 */
#include <kvmlab/kernel.h>

#include "core/entry_failure.h"
#include "core/exit.h"
#include "rubric.h"
#include "tests.h"

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

void host_tests(void)
{
	TCase *robust = rubric_tcase("robustness", UNIT);

	tcase_add_loop_test(robust, test_entry_failure_decoded, 0,
			    ARRAY_SIZE(entry_cases));
	tcase_add_test(robust, test_fail_entry_line_svm);
}
