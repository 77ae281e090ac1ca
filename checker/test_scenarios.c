// SPDX-License-Identifier: GPL-2.0
/*
 * End to end on KVM: each built-in scenario and the test guests of
 * checker/guests, run through vmm/vmm as a user would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <kvmlab/kernel.h>

#include "core/log.h"
#include "rubric.h"
#include "tests.h"

/* The built-in scenarios that greet and then pass the result checks. */
static const struct {
	const char *argv[4];
	const char *out;
} greeters[] = {
	{ { "real" }, "Hello from real mode!\n" },
	{ { "protected" }, "Hello from 32-bit protected mode!\n" },
	{ { "long" }, "Hello, world!\n" },
	{ { "--mem", "3G", "long" }, "Hello, world!\n" },
};

/* The requirement each greeter proves, by mode. */
static const char *greeter_requirement(unsigned int i)
{
	switch (i) {
	case 0:
		return "real.guest16";
	case 1:
		return "protected.guest32";
	default:
		return "long.guest64";
	}
}

START_TEST(test_greeter)
{
	const char *const *argv = greeters[_i].argv;
	char want[128];
	struct vmm_run r;

	snprintf(want, sizeof(want), "%sFinished vmm\n", greeters[_i].out);
	VMM(&r, VMM_TIMEOUT_ARG, argv[0], argv[1], argv[2]);
	assert_ran(&r);
	ck_assert_msg(r.status == 0 && !strcmp(r.out, want),
		      "[%s] expected status 0 and stdout \"%s\"; got %s",
		      greeter_requirement(_i), want, r.summary);
}
END_TEST

/*
 * MMIO both ways from real mode (the grader's guest, nobody listening:
 * the bus names each access's direction, address and width), and the
 * data of a write and of a read (the kvm-ioctls device that remembers).
 */
START_TEST(test_real_mmio)
{
	static const char *const accesses[] = {
		"unclaimed MMIO write at 0x100000 (2 bytes)",
		"unclaimed MMIO write at 0x100008 (1 bytes)",
		"unclaimed MMIO read at 0x100010 (1 bytes)",
		"unclaimed MMIO read at 0x100020 (2 bytes)",
	};
	struct vmm_run r;
	unsigned int i;

	VMM(&r, VMM_TIMEOUT_ARG, "--mode", "real", "--load",
	    guest_path("real_mmio"));
	assert_ran(&r);
	for (i = 0; i < ARRAY_SIZE(accesses); i++)
		ck_assert_msg(strstr(r.err, accesses[i]),
			      "[%s] expected the exit handler to hand the bus \"%s\"; got %s",
			      strstr(accesses[i], "write") ? "real.mmio_write" :
			      "real.mmio_read", accesses[i], r.summary);
	require("real.mmio_read", r.status == 0 && !strcmp(r.out, "ok\n"),
		"expected the guest's MMIO reads to give all ones (it prints \"ok\"); got %s",
		r.summary);

	VMM(&r, VMM_TIMEOUT_ARG, "mmio");
	assert_ran(&r);
	require("real.mmio_write",
		strstr(r.err, "vmm: MMIO write at 0x100000, 4 bytes: 0x12345678\n"),
		"expected the device to get the guest's 4-byte write of 0x12345678 at 0x100000; got %s",
		r.summary);
	require("real.mmio_read", r.status == 0 &&
		strstr(r.out, "mmio: read back what was written\n"),
		"expected the guest to read back what it wrote (mmio.data filled from the device); got %s",
		r.summary);
}
END_TEST

/*
 * Where the host cannot run 32-bit paging, the VMM says so (status 77)
 * and the item is reported as not run, with the VMM's reason.
 */
START_TEST(test_paged_mode)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "paged");
	if (r.status == VMM_UNSUPPORTED &&
	    strstr(r.err, "does not support 32-bit paging")) {
		const char *line = strncmp(r.err, "vmm: ", 5) ? r.err :
								  r.err + 5;
		char why[256];

		snprintf(why, sizeof(why), "%.*s",
			 (int)strcspn(line, "\n"), line);
		rubric_mark_not_run(rubric_current(), why);
		return;
	}
	assert_status(&r, 0);
	assert_stdout(&r, "Hello from 32-bit paged mode!\nFinished vmm\n");
}
END_TEST

START_TEST(test_lab1)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "lab1");
	assert_status(&r, 0);
	assert_stdout(&r, "6\nKVM_EXIT_HLT\n");
	ck_assert_msg(r.err_len == 0, "expected nothing on stderr; got %s",
		      r.summary);
}
END_TEST

/* The register values of the kvm-ioctls example after the halt. */
START_TEST(test_lab1_dump_regs)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--dump-regs", "lab1");
	assert_status(&r, 0);
	assert_stdout(&r, "6\nKVM_EXIT_HLT\n");
	assert_stderr_has(&r, "rdx    0x00000000000003f8\n");
	assert_stderr_has(&r, "rax    0x000000000000000a\n");
	assert_stderr_has(&r, "rbx    0x0000000000000002\n");
	assert_stderr_has(&r, "rip    0x000000000000100c\n");
	assert_stderr_has(&r, "cs     selector 0x0000 base 0x0000000000000000");
}
END_TEST

START_TEST(test_lab1_reg_option)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--reg", "rax=3", "--reg", "rbx=0x4",
	    "lab1");
	assert_status(&r, 0);
	assert_stdout(&r, "7\nKVM_EXIT_HLT\n");
}
END_TEST

START_TEST(test_string_io)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--mode", "real", "--load",
	    guest_path("string_io"));
	assert_ran(&r);
	require("real.io_string", r.status == 0 &&
		!strcmp(r.out, "bytes;words;dwords\n"),
		"expected rep outsb/outsw/outsd to print \"bytes;words;dwords\"; got %s",
		r.summary);
	/* The high bytes went to 0xea..0xec: unclaimed, each said once. */
	assert_stderr_has(&r, "unclaimed port write at 0xea (1 bytes)");
	assert_stderr_has(&r, "unclaimed port write at 0xec (1 bytes)");
	ck_assert_msg(count_of(r.err, "at 0xea ") == 1,
		      "expected one report for 0xea; got %s", r.summary);
}
END_TEST

START_TEST(test_com1_input)
{
	const struct run_opts o = { .input = "hello, kvm\nignored\n" };
	struct vmm_run r;

	VMM_OPTS(&r, &o, VMM_TIMEOUT_ARG, "serial-in");
	assert_status(&r, 0);
	assert_stdout(&r, "HELLO, KVM\n");
}
END_TEST

START_TEST(test_string_in)
{
	const struct run_opts o = { .input = "kvmio" };
	struct vmm_run r;

	VMM_OPTS(&r, &o, VMM_TIMEOUT_ARG, "--mode", "real", "--load",
		 guest_path("string_in"));
	assert_status(&r, 0);
	assert_stdout(&r, "kvmio");
}
END_TEST

/* An image that ends exactly at the end of RAM fits. */
START_TEST(test_load_exact_fit)
{
	char path[TMP_PATH_MAX];
	const unsigned char hlt = 0xf4;
	struct vmm_run r;
	int fd = shared_tmp_file(path, "kvmlab-fit");

	ck_assert_msg(fd >= 0 && write(fd, &hlt, 1) == 1 &&
		      ftruncate(fd, 0x100000 - 0x8000) == 0,
		      "cannot make %s", path);
	close(fd);
	VMM(&r, VMM_TIMEOUT_ARG, "--mode", "real", "--load", path);
	unlink(path);
	assert_status(&r, 0);
	ck_assert_msg(r.out_len == 0 && r.err_len == 0,
		      "expected a silent run; got %s", r.summary);
}
END_TEST

START_TEST(test_com1_init_sequence)
{
	const struct run_opts o = { .input = "typed\n" };
	struct vmm_run r;

	VMM_OPTS(&r, &o, VMM_TIMEOUT_ARG, "--mode", "real", "--load",
		 guest_path("uart_init"));
	assert_status(&r, 0);
	assert_stdout(&r, "typed\n");
}
END_TEST

START_TEST(test_mmio_unclaimed)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--mode", "protected", "--load",
	    guest_path("mmio"));
	assert_status(&r, 0);
	assert_stdout(&r, "all ones\n");
	assert_stderr_has(&r, "unclaimed MMIO write at 0x200000 (1 bytes)");
	assert_stderr_has(&r, "unclaimed MMIO read at 0x200008 (1 bytes)");
	assert_stderr_has(&r, "unclaimed MMIO read at 0x200010 (2 bytes)");
	/* Three stores and a load at 0x200000: reported once. */
	ck_assert_msg(count_of(r.err, "at 0x200000 ") == 1,
		      "expected one report for 0x200000; got %s", r.summary);
}
END_TEST

START_TEST(test_load_entry)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--mode", "real", "--load",
	    guest_path("entry"), "--entry", "0x8010");
	assert_ran(&r);
	require("real.load_entry", r.status == 0 && !strcmp(r.out, "E\n"),
		"expected the image to run from --entry 0x8010 and print \"E\"; got %s",
		r.summary);
	ck_assert_msg(r.err_len == 0, "expected nothing on stderr; got %s",
		      r.summary);
}
END_TEST

/* A guest that reloads its segments reads the GDT the VMM wrote. */
START_TEST(test_segment_reload)
{
	static const char *const modes[] = { "protected", "long" };
	static const char *const guests[] = { "segments32", "segments64" };
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--mode", modes[_i], "--load",
	    guest_path(guests[_i]));
	assert_status(&r, 0);
	assert_stdout(&r, "ok\n");
}
END_TEST

START_TEST(test_triple_fault)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--mode", "protected", "--load",
	    guest_path("triple_fault"));
	assert_status(&r, 1);
	ck_assert_msg(strstr(r.err, "KVM_EXIT_SHUTDOWN") ||
		      strstr(r.err, "KVM_EXIT_INTERNAL_ERROR"),
		      "expected the exit named on stderr; got %s", r.summary);
	/* kvm-amd resets the vCPU first: what is known is the start. */
	if (kvm_host() == HOST_KVM_AMD) {
		assert_stderr_has(&r, "the host reset the vCPU");
		assert_stderr_has(&r, "started in protected mode at 0x8000");
		return;
	}
	assert_stderr_has(&r, "in protected mode at rip 0x8007\n");
}
END_TEST

/* --dump-regs after a failure: the state the failure left. */
START_TEST(test_dump_regs_after_fault)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--dump-regs", "--mode", "protected",
	    "--load", guest_path("triple_fault"));
	assert_status(&r, 1);
	/* kvm-amd resets the vCPU first: the dump must say so. */
	if (kvm_host() == HOST_KVM_AMD) {
		assert_stderr_has(&r, "the registers below are the reset state the host put the vCPU in, not the guest's\n");
		assert_stderr_has(&r, "rip    0x000000000000fff0\n");
		return;
	}
	assert_stderr_has(&r, "rip    0x0000000000008007\n");
	assert_stderr_has(&r, "cs     selector 0x0008 base 0x0000000000000000 limit 0xffffffff type 0xb dpl 0 db 1 l 0 g 1\n");
	assert_stderr_has(&r, "cr0    0x0000000000000031\n");
}
END_TEST

/*
 * Blocked outside KVM_RUN, writing output nobody reads: the timeout
 * still ends the VMM, a grace second later.
 */
START_TEST(test_timeout_blocked_output)
{
	const struct run_opts o = { .stdout_stalled = true };
	struct vmm_run r;

	VMM_OPTS(&r, &o, "--timeout", "0.5", "--mode", "protected", "--load",
		 guest_path("flood"));
	ck_assert_msg(!r.killed, "the VMM hung past its timeout: %s",
		      r.summary);
	assert_status(&r, VMM_TIMEOUT);
	assert_stderr_has(&r, "did not stop in time");
}
END_TEST

START_TEST(test_timeout)
{
	struct vmm_run r;

	VMM(&r, "--timeout", "0.5", "--mode", "protected", "--load",
	    guest_path("spin"));
	assert_status(&r, VMM_TIMEOUT);
	assert_stderr_has(&r, "timeout");
	ck_assert_msg(line_count(r.err) == 1, "expected one line; got %s",
		      r.summary);
}
END_TEST

/* greeters[] in order: real, protected, long, long with 3 GiB. */
#define GREET_REAL	0
#define GREET_PROTECTED	1
#define GREET_LONG	2

void scenario_tests(void)
{
	TCase *real = rubric_tcase("real_mode", KVM);
	TCase *lng = rubric_tcase("long_mode", KVM);
	TCase *prot = rubric_tcase("protected_mode", KVM);
	TCase *lab1 = rubric_tcase("lab1", KVM);
	TCase *com1 = rubric_tcase("com1_input", KVM);
	TCase *robust = rubric_tcase("robustness", KVM);

	tcase_add_loop_test(real, test_greeter, GREET_REAL, GREET_PROTECTED);
	tcase_add_test(real, test_string_io);
	tcase_add_test(real, test_real_mmio);
	tcase_add_test(real, test_load_entry);
	tcase_add_test(real, test_load_exact_fit);
	tcase_add_loop_test(lng, test_greeter, GREET_LONG,
			    ARRAY_SIZE(greeters));
	tcase_add_loop_test(lng, test_segment_reload, 1, 2);
	tcase_add_loop_test(prot, test_greeter, GREET_PROTECTED, GREET_LONG);
	tcase_add_loop_test(prot, test_segment_reload, 0, 1);
	tcase_add_test(rubric_tcase("paged_mode", KVM), test_paged_mode);
	tcase_add_test(lab1, test_lab1);
	tcase_add_test(lab1, test_lab1_dump_regs);
	tcase_add_test(lab1, test_lab1_reg_option);
	tcase_add_test(com1, test_com1_input);
	tcase_add_test(com1, test_com1_init_sequence);
	tcase_add_test(com1, test_string_in);
	tcase_add_test(robust, test_mmio_unclaimed);
	tcase_add_test(robust, test_triple_fault);
	tcase_add_test(robust, test_dump_regs_after_fault);
	tcase_add_test(robust, test_timeout);
	tcase_add_test(robust, test_timeout_blocked_output);
}
