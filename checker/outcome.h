/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A test's outcome, whichever process ran it: the judge (checker/checker)
 * runs the KVM tests, the unit driver (checker/unit) the tests that call
 * the VMM's code. The driver sends its outcomes to the judge as lines
 * (outcome_write, outcome_parse); the judge scores, prints and saves
 * them all alike.
 */
#ifndef CHECKER_OUTCOME_H
#define CHECKER_OUTCOME_H

#include <check.h>
#include <stdio.h>

enum outcome_kind {
	OUTCOME_PASS = 'P',
	OUTCOME_FAILURE = 'F',
	OUTCOME_ERROR = 'E',	/* crashed, timed out, or never reported */
	OUTCOME_LISTED = 'L',	/* checker/unit --list: a test, not run */
};

#define OUTCOME_NAME_MAX	96

struct outcome {
	enum outcome_kind kind;
	char tcase[OUTCOME_NAME_MAX];	/* "real_mode/unit" */
	char test[OUTCOME_NAME_MAX];	/* the test function */
	int iter;			/* loop iteration, 0 if none */
	char where[OUTCOME_NAME_MAX * 2];	/* "test_exit.c:42" */
	char *msg;			/* owned; "" for a pass */
};

struct outcomes {
	struct outcome *v;
	unsigned int n, cap;
};

/* Append a copy of @o (its message too). */
void outcomes_add(struct outcomes *list, const struct outcome *o);
void outcomes_free(struct outcomes *list);

/* The outcome of the test instance @tcase/@test/@iter, or NULL. */
struct outcome *outcomes_find(const struct outcomes *list, const char *tcase,
			      const char *test, int iter);

/* Everything Check ran in @sr, named through the registry. */
void outcomes_from_runner(struct outcomes *list, SRunner *sr);

/*
 * One line per outcome: its kind, tcase, test, iteration, place and
 * message, tab-separated, with tabs, newlines and backslashes escaped.
 */
void outcome_write(FILE *out, const struct outcome *o);

/*
 * Parse a line outcome_write() wrote (its newline removed), into @o
 * with a message @o owns. Returns 0, or -1 if @line is not one.
 */
int outcome_parse(const char *line, struct outcome *o);

#endif /* CHECKER_OUTCOME_H */
