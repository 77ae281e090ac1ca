// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile guests: each does something a guest must not be able to
 * hurt the VMM with, and each must end with the exact status and
 * message below, never a crash or a hang. That the VMM's own memory
 * stayed intact is proven by running this same suite in the sanitizer
 * build (make check SANITIZE=1: ASan and UBSan abort on any stray
 * access) and under valgrind (make memcheck), both in CI.
 */
#include <stdlib.h>

#include <kvmlab/kernel.h>

#include "rubric.h"
#include "tests.h"

#define STORM_SECONDS	"1.5"
/*
 * Enough exits that one report each could not pass unnoticed, and few
 * enough for a loaded host (about 5000 a second here): how fast exits
 * go is make bench's to measure, not a test's.
 */
#define STORM_MIN_EXITS	1000

/* A triple fault in each mode the VMM starts (paged: see paged_mode). */
START_TEST(test_triple_faults)
{
	static const char *const modes[] = { "protected", "long" };
	static const char *const guests[] = { "triple_fault", "tf_long" };
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--mode", modes[_i], "--load",
	    guest_path(guests[_i]));
	assert_status(&r, 1);
	assert_stderr_has(&r, "KVM_EXIT_SHUTDOWN (triple fault");
	assert_stderr_has(&r, modes[_i]);
}
END_TEST

/*
 * A triple fault in real mode, by host: kvm-pvm never returns from
 * KVM_RUN, and the timeout must end it; kvm-amd resets the vCPU, then
 * reports the shutdown; elsewhere the shutdown comes with the state.
 */
START_TEST(test_triple_fault_real)
{
	struct vmm_run r;

	VMM(&r, "--timeout", "1", "--mode", "real", "--load",
	    guest_path("tf_real"));
	switch (kvm_host()) {
	case HOST_KVM_PVM:
		assert_status(&r, VMM_TIMEOUT);
		assert_stderr_has(&r, "timeout");
		break;
	case HOST_KVM_AMD:
		assert_status(&r, 1);
		assert_stderr_has(&r, "the host reset the vCPU");
		assert_stderr_has(&r, "started in real mode");
		break;
	default:
		assert_status(&r, 1);
		assert_stderr_has(&r, "in real mode at cs:ip");
	}
}
END_TEST

START_TEST(test_cannot_emulate)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--mode", "protected", "--load",
	    guest_path("fetch_mmio"));
	assert_status(&r, 1);
	assert_stderr_has(&r, "KVM_EXIT_INTERNAL_ERROR (suberror 1: emulation failure");
	assert_stderr_has(&r, "in protected mode at rip 0x200000");
}
END_TEST

/* Thousands of exits a second, for seconds: stopped by the timeout. */
START_TEST(test_exit_storm)
{
	static const char *const guests[] = { "port_loop", "mmio_loop" };
	static const char *const said[] = {
		"unclaimed port read at 0x1234 (4 bytes)",
		"unclaimed MMIO write at 0x200000 (4 bytes)",
	};
	struct vmm_run r;

	VMM(&r, "--timeout", STORM_SECONDS, "--stats=json", "--mode",
	    "protected", "--load", guest_path(guests[_i]));
	assert_status(&r, VMM_TIMEOUT);
	assert_stderr_has(&r, said[_i]);
	ck_assert_msg(count_of(r.err, said[_i]) == 1,
		      "expected one report; got %s", r.summary);
	ck_assert_msg(json_count(r.err, "exits") > STORM_MIN_EXITS,
		      "expected a storm of exits; got %s", r.summary);
}
END_TEST

START_TEST(test_unclaimed_ports)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--mode", "protected", "--load",
	    guest_path("ports"));
	assert_status(&r, 0);
	assert_stdout(&r, "ports survived\n");
}
END_TEST

/* rep outsb from the last 8 bytes of RAM on into MMIO, all ones. */
START_TEST(test_string_io_past_ram)
{
	struct vmm_run r;
	unsigned int i;

	VMM(&r, VMM_TIMEOUT_ARG, "--mode", "protected", "--load",
	    guest_path("cross_ram"));
	assert_status(&r, 0);
	ck_assert_msg(r.out_len == 64, "expected 64 bytes; got %s",
		      r.summary);
	for (i = 0; i < 64; i++)
		ck_assert_uint_eq((unsigned char)r.out[i], i < 8 ? 0 : 0xff);
}
END_TEST

START_TEST(test_unclaimed_mmio_widths)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--mode", "long", "--load",
	    guest_path("mmio64"));
	assert_status(&r, 0);
	/* The guest checked each width read all ones, 8 bytes included. */
	assert_stdout(&r, "all ones\n");
	/* Each address is reported once: at its first access. */
	assert_stderr_has(&r, "unclaimed MMIO write at 0x300000 (1 bytes)");
	assert_stderr_has(&r, "unclaimed MMIO read at 0x300008 (4 bytes)");
	assert_stderr_has(&r, "unclaimed MMIO read at 0x300018 (1 bytes)");
}
END_TEST

/* Ready, a flood of empty notifications, a change after DRIVER_OK. */
START_TEST(test_simvirtio_flood)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--simvirtio", "--mode", "long", "--load",
	    guest_path("svio_flood"));
	assert_status(&r, 0);
	assert_stdout(&r, "4\n0\n7\n");
	assert_stderr_has(&r, "device error: ERR_CONFIG_LOCKED");
	ck_assert_msg(line_count(r.err) == 1, "expected one line; got %s",
		      r.summary);
}
END_TEST

START_TEST(test_simvirtio_unfinished)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--simvirtio", "--mode", "long", "--load",
	    guest_path("svio_partial"));
	assert_status(&r, 0);
	ck_assert_msg(r.out_len == 0 && r.err_len == 0,
		      "expected a silent run; got %s", r.summary);
}
END_TEST

/* Under polling, a head that changes while the poll thread reads it. */
START_TEST(test_simvirtio_race)
{
	struct vmm_run r;

	VMM(&r, VMM_LONG_TIMEOUT_ARG, "--poll", "--simvirtio", "--mode",
	    "long", "--load", guest_path("svio_race"));
	assert_status(&r, 0);
	assert_stdout(&r, "6\n");
	assert_stderr_has(&r, "device error: ERR_INDEX");
}
END_TEST

/* Lab 2's syscall layer against bad pointers, lengths and strings. */
START_TEST(test_syscall_abuse)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--mem", "64M", "--elf",
	    program_path("abuse.musl"));
	assert_status(&r, 0);
	assert_stdout(&r, "write-past-ram -14\nwrite-wraps -14\n"
			  "write-huge -14\nread-wraps -14\n"
			  "fstat-past-ram -14\nopen-unterminated -14\n"
			  "open-too-long -36\nopen-past-ram -14\n"
			  "brk-huge-unchanged 0\nmmap-huge -12\n"
			  "mmap-file -19\nwritev-too-many -22\n"
			  "writev-past-ram -14\nwritev-iov-wraps -14\n"
			  "readv-misaligned 0\n"
			  "arch-prctl-noncanonical -1\nreadlink-size-0 -22\n"
			  "open-directory-with-mode 0\n"
			  "close-unopened -9\nclose-past-table -9\n"
			  "unknown-storm-enosys 10000\n");
	assert_stderr_has(&r, "10000 syscalls this VMM does not implement, answered -ENOSYS: syscalls past 511 x10000");
}
END_TEST

void hostile_tests(void)
{
	TCase *tc = rubric_tcase("hostile", KVM);

	tcase_add_loop_test(tc, test_triple_faults, 0, 2);
	tcase_add_test(tc, test_triple_fault_real);
	tcase_add_test(tc, test_cannot_emulate);
	tcase_add_loop_test(tc, test_exit_storm, 0, 2);
	tcase_add_test(tc, test_unclaimed_ports);
	tcase_add_test(tc, test_string_io_past_ram);
	tcase_add_test(tc, test_unclaimed_mmio_widths);
	tcase_add_test(tc, test_simvirtio_flood);
	tcase_add_test(tc, test_simvirtio_unfinished);
	tcase_add_test(tc, test_simvirtio_race);
	tcase_add_test(tc, test_syscall_abuse);
}
