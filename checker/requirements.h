/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The requirement table: every requirement the assignment and the kit's
 * documents place on each graded task, in one sentence, with the tests
 * that prove it. A test that finds a requirement broken names it first
 * in its message ("[real.tss_addr] ..."), so that the report can say
 * which requirements an item failed, and `make check REQUIREMENTS=1`
 * prints the whole table.
 */
#ifndef CHECKER_REQUIREMENTS_H
#define CHECKER_REQUIREMENTS_H

#include <stdio.h>

struct requirement {
	const char *id;		/* "real.tss_addr": item prefix, then name */
	const char *item;	/* the rubric item it belongs to */
	const char *text;	/* the requirement, in one sentence */
	const char *tests;	/* the tests that fail when it alone breaks */
};

const struct requirement *requirements(unsigned int *n);
const struct requirement *requirement_find(const char *id);

/* The table, one block per item: what REQUIREMENTS=1 prints. */
void requirements_print(FILE *out);

/*
 * The requirement a failure message names ("[id] ..."), or NULL; the
 * id is copied to @buf.
 */
const struct requirement *requirement_of_message(const char *msg);

#endif /* CHECKER_REQUIREMENTS_H */
