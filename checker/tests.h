/* SPDX-License-Identifier: GPL-2.0 */
/* The checker's test suites and the assertions they share. */
#ifndef CHECKER_TESTS_H
#define CHECKER_TESTS_H

#include <check.h>
#include <string.h>

#include "runner.h"

/* Seconds a KVM test may take; the VMM gets its own --timeout too. */
#define KVM_TEST_TIMEOUT	30
#define VMM_TIMEOUT_ARG		"--timeout", "10"

Suite *unit_suite(void);
Suite *simvirtio_suite(void);
Suite *simvirtio_kvm_suite(void);
Suite *scenario_suite(void);
Suite *input_suite(void);

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
