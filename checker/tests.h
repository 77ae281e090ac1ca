/* SPDX-License-Identifier: GPL-2.0 */
/* The checker's test suites and the assertions they share. */
#ifndef CHECKER_TESTS_H
#define CHECKER_TESTS_H

#include <check.h>
#include <string.h>

#include "runner.h"

/* The VMM's own --timeout in tests; the runner kills it later still. */
#define VMM_TIMEOUT_ARG		"--timeout", "10"

/* Each test file puts its tests in the rubric's test cases. */
void unit_tests(void);
void scenario_tests(void);
void input_tests(void);
void simvirtio_unit_tests(void);
void simvirtio_kvm_tests(void);
void lab2_tests(void);
void kvm_ioctls_tests(void);
void hostile_tests(void);
void host_tests(void);

/* Each says what was expected and what the VMM did. */
#define assert_status(r, want)						\
	ck_assert_msg((r)->status == (want),				\
		      "expected exit status %d; got %s", (want), (r)->summary)

#define assert_stdout(r, want)						\
	ck_assert_msg(!strcmp((r)->out, (want)),			\
		      "expected stdout \"%s\"; got %s", (want), (r)->summary)

#define assert_stderr_has(r, needle)					\
	ck_assert_msg(strstr((r)->err, (needle)),			\
		      "expected \"%s\" on stderr; got %s", (needle),	\
		      (r)->summary)

#endif /* CHECKER_TESTS_H */
