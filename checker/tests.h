/* SPDX-License-Identifier: GPL-2.0 */
/* The checker's test suites and the assertions they share. */
#ifndef CHECKER_TESTS_H
#define CHECKER_TESTS_H

#include <check.h>
#include <string.h>

#include "runner.h"

/*
 * The VMM's own --timeout in tests; the runner kills it a little later
 * still. Guests that finish in milliseconds get a short one, so that a
 * hanging submission is graded quickly; payloads get a long one.
 */
#define VMM_TIMEOUT_ARG		"--timeout", "4"
#define VMM_LONG_TIMEOUT_ARG	"--timeout", "20"

/*
 * A test's verdict on one requirement (requirements.c): the failure
 * message starts with the requirement's id, so that the report can
 * say which requirement an item broke.
 */
#define require(id, cond, fmt, ...)					\
	ck_assert_msg(cond, "[" id "] " fmt, ##__VA_ARGS__)

/*
 * Each KVM test file puts its tests in the rubric's test cases (the
 * unit test files: unit.h).
 */
void scenario_tests(void);
void input_tests(void);
void simvirtio_kvm_tests(void);
void lab2_tests(void);
void kvm_ioctls_tests(void);
void hostile_tests(void);
void low_guest_tests(void);
void setup_tests(void);
void profiling_tests(void);
void polling_tests(void);
void debug_tests(void);

/* Each says what was expected and what the VMM did. */
#define assert_status(r, want)						\
	do {								\
		assert_ran(r);						\
		ck_assert_msg((r)->status == (want),			\
			      "expected exit status %d; got %s", (want),	\
			      (r)->summary);				\
	} while (0)

#define assert_stdout(r, want)						\
	ck_assert_msg(!strcmp((r)->out, (want)),			\
		      "expected stdout \"%s\"; got %s", (want), (r)->summary)

#define assert_stderr_has(r, needle)					\
	ck_assert_msg(strstr((r)->err, (needle)),			\
		      "expected \"%s\" on stderr; got %s", (needle),	\
		      (r)->summary)

#endif /* CHECKER_TESTS_H */
