// SPDX-License-Identifier: GPL-2.0
/*
 * The registry behind registry.h: the link wraps Check's
 * _tcase_add_test() (-Wl,--wrap), which tcase_add_test() and
 * tcase_add_loop_test() expand to, so that no test file changes.
 */
#include <stdlib.h>

#include "registry.h"

#define REGISTRY_MAX	1024	/* tests, not instances */

struct registered {
	const TCase *tcase;
	const TTest *test;
	int start, end;		/* iterations [start, end) */
};

static struct registered tests[REGISTRY_MAX];
static unsigned int ntests;

void __wrap__tcase_add_test(TCase *tc, const TTest *ttest, int signal,
			    int allowed_exit_value, int start, int end)
{
	if (ntests == REGISTRY_MAX)
		abort();	/* raise REGISTRY_MAX */
	tests[ntests++] = (struct registered){ tc, ttest, start, end };
	__real__tcase_add_test(tc, ttest, signal, allowed_exit_value, start,
			       end);
}

bool registry_nth(const TCase *tc, unsigned int n, struct test_instance *t)
{
	unsigned int i, count;

	for (i = 0; i < ntests; i++) {
		if (tests[i].tcase != tc)
			continue;
		count = tests[i].end > tests[i].start ?
			tests[i].end - tests[i].start : 0;
		if (n < count) {
			*t = (struct test_instance){
				.tcase = tc,
				.name = tests[i].test->name,
				.iter = tests[i].start + (int)n,
			};
			return true;
		}
		n -= count;
	}
	return false;
}
