/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every test a program registers, in order. Check keeps no name or
 * iteration in a TestResult; the registry knows them, and since Check
 * runs a test case's tests in the order they were added, the n-th
 * result of a test case is its n-th registered instance.
 */
#ifndef CHECKER_REGISTRY_H
#define CHECKER_REGISTRY_H

#include <check.h>
#include <stdbool.h>

struct test_instance {
	const TCase *tcase;
	const char *name;	/* the test function's name */
	int iter;		/* its loop iteration; 0 for a plain test */
};

/*
 * The @n-th instance of @tc, in the order Check runs them, into @t.
 * Returns false past the last one.
 */
bool registry_nth(const TCase *tc, unsigned int n, struct test_instance *t);

/* The link's names for Check's function and its wrapper (-Wl,--wrap). */
void __real__tcase_add_test(TCase *tc, const TTest *ttest, int signal,
			    int allowed_exit_value, int start, int end);
void __wrap__tcase_add_test(TCase *tc, const TTest *ttest, int signal,
			    int allowed_exit_value, int start, int end);

#endif /* CHECKER_REGISTRY_H */
