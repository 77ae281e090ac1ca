// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input: each case gets exactly one line on stderr that names the
 * problem, status 2, and never a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kvmlab/kernel.h>

#include "rubric.h"
#include "tests.h"

#define SETUP_ERROR	2

/* One line, the expected words in it, and status 2. */
static void assert_usage_error(const struct vmm_run *r, const char *words)
{
	assert_status(r, SETUP_ERROR);
	assert_stderr_has(r, words);
	ck_assert_msg(line_count(r->err) == 1,
		      "expected exactly one line on stderr; got %s",
		      r->summary);
	ck_assert_msg(r->out_len == 0, "expected nothing on stdout; got %s",
		      r->summary);
}

/* A temporary file of @size bytes; the caller unlinks it. */
static const char *temp_file(char *path, const char *name, size_t size)
{
	int fd = shared_tmp_file(path, name);

	ck_assert_msg(fd >= 0, "cannot create %s", path);
	ck_assert_msg(ftruncate(fd, size) == 0, "cannot size %s", path);
	close(fd);
	return path;
}

START_TEST(test_unknown_scenario)
{
	struct vmm_run r;

	VMM(&r, "bogus");
	assert_usage_error(&r, "unknown scenario 'bogus'");
}
END_TEST

START_TEST(test_unknown_option)
{
	struct vmm_run r;

	VMM(&r, "--bogus", "real");
	assert_usage_error(&r, "unknown option '--bogus'");
}
END_TEST

START_TEST(test_missing_argument)
{
	struct vmm_run r;

	VMM(&r, "real", "--mem");
	assert_usage_error(&r, "missing argument for '--mem'");
	VMM(&r, "real", "-m");
	assert_usage_error(&r, "missing argument for '-m'");
	VMM(&r, "-xV", "real");
	assert_usage_error(&r, "unknown option '-x'");
}
END_TEST

START_TEST(test_no_guest)
{
	struct vmm_run r;

	VMM(&r, "--dump-regs");
	assert_usage_error(&r, "no guest");
}
END_TEST

START_TEST(test_load_needs_mode)
{
	struct vmm_run r;

	VMM(&r, "--load", guest_path("spin"));
	assert_usage_error(&r, "--load needs --mode");
}
END_TEST

START_TEST(test_missing_file)
{
	struct vmm_run r;

	VMM(&r, "--mode", "real", "--load", "/nonexistent/guest.bin");
	assert_usage_error(&r, "cannot open /nonexistent/guest.bin");
}
END_TEST

START_TEST(test_empty_file)
{
	char path[TMP_PATH_MAX];
	struct vmm_run r;

	VMM(&r, "--mode", "real", "--load", temp_file(path, "kvmlab-empty", 0));
	unlink(path);
	assert_usage_error(&r, "is empty");
}
END_TEST

START_TEST(test_file_too_big)
{
	char path[TMP_PATH_MAX];
	struct vmm_run r;

	VMM(&r, "--mode", "real", "--load", temp_file(path, "kvmlab-big", 0x100000));
	unlink(path);
	assert_usage_error(&r, "does not fit in RAM");
}
END_TEST

START_TEST(test_file_past_ram_end)
{
	char path[TMP_PATH_MAX];
	char arg[TMP_PATH_MAX + 16];
	struct vmm_run r;

	temp_file(path, "kvmlab-tail", 16);
	snprintf(arg, sizeof(arg), "%s@0xffff8", path);
	VMM(&r, "--mode", "real", "--load", arg);
	unlink(path);
	assert_usage_error(&r, "does not fit in RAM (1048576 bytes) at 0xffff8");
}
END_TEST

/* Over the page tables, with no room left for them elsewhere. */
START_TEST(test_load_over_page_tables)
{
	char path[TMP_PATH_MAX];
	struct vmm_run r;
	char arg[TMP_PATH_MAX + 16];

	temp_file(path, "kvmlab-low", 0xf000);
	snprintf(arg, sizeof(arg), "%s@0x1000", path);
	VMM(&r, "--mem", "64K", "--mode", "long", "--load", arg);
	unlink(path);
	assert_usage_error(&r, "overlaps the GDT and page tables");
	assert_stderr_has(&r, "no room for them elsewhere");
}
END_TEST

START_TEST(test_entry_outside_ram)
{
	struct vmm_run r;

	VMM(&r, "--entry", "0x200000", "long");
	assert_usage_error(&r, "entry 0x200000 is outside RAM");
}
END_TEST

START_TEST(test_entry_beyond_real_mode)
{
	struct vmm_run r;

	VMM(&r, "--mem", "2M", "--entry", "0x100000", "real");
	assert_usage_error(&r, "beyond what real mode reaches");
}
END_TEST

START_TEST(test_bad_size)
{
	static const char *const sizes[] = { "12Q", "-1M", "", "4097",
					     "4G", "32K", "1e6" };
	struct vmm_run r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		VMM(&r, "--mem", sizes[i], "real");
		assert_usage_error(&r, "--mem");
	}
}
END_TEST

START_TEST(test_bad_register)
{
	struct vmm_run r;

	VMM(&r, "--reg", "rzz=1", "lab1");
	assert_usage_error(&r, "unknown register 'rzz'");
	VMM(&r, "--reg", "rax=forty-two", "lab1");
	assert_usage_error(&r, "bad value 'forty-two' for rax");
	VMM(&r, "--reg", "rax", "lab1");
	assert_usage_error(&r, "use NAME=VALUE");
}
END_TEST

START_TEST(test_bad_timeout)
{
	struct vmm_run r;

	VMM(&r, "--timeout", "0", "real");
	assert_usage_error(&r, "bad timeout '0'");
	VMM(&r, "--timeout", "soon", "real");
	assert_usage_error(&r, "bad timeout 'soon'");
}
END_TEST

START_TEST(test_bad_mode)
{
	struct vmm_run r;

	VMM(&r, "--mode", "virtual-8086", "--load", guest_path("spin"));
	assert_usage_error(&r, "unknown mode 'virtual-8086'");
}
END_TEST

START_TEST(test_kvm_missing)
{
	static const char *const env[] = {
		"KVMLAB_KVM_DEVICE=/nonexistent/kvm", NULL
	};
	const struct run_opts o = { .env = env };
	struct vmm_run r;

	VMM_OPTS(&r, &o, "long");
	assert_usage_error(&r, "cannot open /nonexistent/kvm");
	assert_stderr_has(&r, "modprobe");
}
END_TEST

/*
 * A device node nobody may open (mode 000); root opens anything, so as
 * root the VMM runs as nobody.
 */
START_TEST(test_kvm_not_permitted)
{
	char path[TMP_PATH_MAX];
	char var[TMP_PATH_MAX + 32];
	const char *env[2] = { var, NULL };
	const struct run_opts o = { .env = env, .drop_root = true };
	struct vmm_run r;

	temp_file(path, "kvmlab-kvm", 0);
	ck_assert_int_eq(chmod(path, 0), 0);
	snprintf(var, sizeof(var), "KVMLAB_KVM_DEVICE=%s", path);
	VMM_OPTS(&r, &o, "long");
	unlink(path);
	assert_usage_error(&r, "Permission denied");
	assert_stderr_has(&r, "kvm group");
}
END_TEST

START_TEST(test_help_and_version)
{
	struct vmm_run r;

	VMM(&r, "--help");
	assert_status(&r, 0);
	ck_assert_msg(strstr(r.out, "usage: vmm") && strstr(r.out, "lab1"),
		      "expected usage with the scenarios; got %s", r.summary);
	VMM(&r, "--version");
	assert_status(&r, 0);
	ck_assert_msg(!strncmp(r.out, "vmm (kvmlab) ", 13),
		      "expected the version; got %s", r.summary);
}
END_TEST

void input_tests(void)
{
	TCase *tc = rubric_tcase("robustness", KVM);

	tcase_add_test(tc, test_unknown_scenario);
	tcase_add_test(tc, test_unknown_option);
	tcase_add_test(tc, test_missing_argument);
	tcase_add_test(tc, test_no_guest);
	tcase_add_test(tc, test_load_needs_mode);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_empty_file);
	tcase_add_test(tc, test_file_too_big);
	tcase_add_test(tc, test_file_past_ram_end);
	tcase_add_test(tc, test_load_over_page_tables);
	tcase_add_test(tc, test_entry_outside_ram);
	tcase_add_test(tc, test_entry_beyond_real_mode);
	tcase_add_test(tc, test_bad_size);
	tcase_add_test(tc, test_bad_register);
	tcase_add_test(tc, test_bad_timeout);
	tcase_add_test(tc, test_bad_mode);
	tcase_add_test(tc, test_kvm_missing);
	tcase_add_test(tc, test_kvm_not_permitted);
	tcase_add_test(tc, test_help_and_version);
}
