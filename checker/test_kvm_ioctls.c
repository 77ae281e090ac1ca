// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm-ioctls examples: the register dump of "simple", COM1 input
 * ("simple_in"), MMIO with dirty-page logging ("simple_mm"), and RAM
 * backed by a file ("simple_ss").
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kvmlab/layout.h>

#include "rubric.h"
#include "tests.h"

/* rax = 2, rbx = 2: prints 4; the seed's registers after the halt. */
START_TEST(test_simple_dump_regs)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--reg", "rax=2", "--reg", "rbx=2",
	    "--dump-regs", "lab1");
	assert_status(&r, 0);
	assert_stdout(&r, "4\nKVM_EXIT_HLT\n");
	assert_stderr_has(&r, "rdx    0x00000000000003f8\n");
	assert_stderr_has(&r, "rax    0x000000000000000a\n");
	assert_stderr_has(&r, "rbx    0x0000000000000002\n");
	assert_stderr_has(&r, "rip    0x000000000000100c\n");
	assert_stderr_has(&r, "rflags 0x0000000000000002\n");
}
END_TEST

START_TEST(test_simple_in)
{
	const struct run_opts o = { .input = "five 5\n" };
	struct vmm_run r;

	VMM_OPTS(&r, &o, VMM_TIMEOUT_ARG, "serial-in");
	assert_status(&r, 0);
	assert_stdout(&r, "FIVE 5\n");
}
END_TEST

START_TEST(test_simple_mm)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--dirty-log", "mmio");
	assert_status(&r, 0);
	assert_stdout(&r, "mmio: read back what was written\nFinished vmm\n");
	assert_stderr_has(&r, "vmm: MMIO write at 0x100000, 4 bytes: 0x12345678\n");
	assert_stderr_has(&r, "vmm: MMIO read at 0x100000, 4 bytes: 0x12345678\n");
	/*
	 * The result's page and the data page; the VMM's loads are not.
	 * kvm-amd (under QEMU, make check-svm) also logs the code page at
	 * 0x8000, whose MMIO instructions it emulated.
	 */
	if (kvm_host() == HOST_KVM_AMD)
		assert_stderr_has(&r, "vmm: dirty pages: 0x0-0xfff 0x8000-0x9fff\n");
	else
		assert_stderr_has(&r, "vmm: dirty pages: 0x0-0xfff 0x9000-0x9fff\n");
}
END_TEST

/* The window moves with RAM, and the guest follows RDI there. */
START_TEST(test_simple_mm_moved)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--mem", "2M", "mmio");
	assert_status(&r, 0);
	assert_stderr_has(&r, "vmm: MMIO write at 0x200000, 4 bytes: 0x12345678\n");
}
END_TEST

START_TEST(test_simple_ss)
{
	char path[TMP_PATH_MAX];
	unsigned char word[2] = { 0 };
	struct vmm_run r;
	struct stat st;
	int fd = shared_tmp_file(path, "kvmlab-ram");

	ck_assert_int_ge(fd, 0);
	close(fd);
	VMM(&r, VMM_TIMEOUT_ARG, "--mem-file", path, "real");
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(pread(fd, word, sizeof(word), GUEST_RESULT_ADDR), 2);
	close(fd);
	unlink(path);
	assert_status(&r, 0);
	ck_assert_int_eq(st.st_size, 0x100000);
	ck_assert_msg(word[0] == GUEST_RESULT_VALUE && word[1] == 0,
		      "expected 42 at 0x400 of the file; found %u %u",
		      word[0], word[1]);
}
END_TEST

START_TEST(test_mem_file_bad)
{
	struct vmm_run r;

	VMM(&r, "--mem-file", "/nonexistent/ram", "real");
	assert_status(&r, 2);
	assert_stderr_has(&r, "cannot open /nonexistent/ram for the guest RAM");
}
END_TEST

void kvm_ioctls_tests(void)
{
	TCase *tc = rubric_tcase("kvm_ioctls", KVM);

	tcase_add_test(tc, test_simple_dump_regs);
	tcase_add_test(tc, test_simple_in);
	tcase_add_test(tc, test_simple_mm);
	tcase_add_test(tc, test_simple_mm_moved);
	tcase_add_test(tc, test_simple_ss);
	tcase_add_test(tc, test_mem_file_bad);
}
