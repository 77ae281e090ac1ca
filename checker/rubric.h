/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The grading rubric: SO2 Assignment 7's five tasks (100 points) and
 * an "extra" section graded alongside. Each item owns Check test cases
 * ("ITEM/kvm" on KVM, "ITEM/unit" without), and earns its points only
 * if every one of its tests passes.
 */
#ifndef CHECKER_RUBRIC_H
#define CHECKER_RUBRIC_H

#include <check.h>
#include <stdbool.h>
#include <stdio.h>

enum test_kind {
	UNIT,		/* no /dev/kvm needed */
	KVM,		/* runs vmm/vmm on KVM */
};

enum item_state {
	ITEM_PASSED,
	ITEM_FAILED,
	ITEM_NOT_RUN,	/* KVM unavailable, or the host cannot */
};

struct rubric_item {
	const char *id;		/* real_mode, ...: ITEM=, JSON keys */
	const char *title;	/* as the report prints it */
	int points;		/* 0: an extra item */
	struct TCase *tcase[2];	/* by enum test_kind; NULL if none */
	char tcase_name[2][64];	/* Check keeps pointers to the names */
	const char *not_run;	/* why the KVM tests were left out */
	unsigned int passed, failed;
	enum item_state state;
};

/* The test case of @item for tests of @kind, created on first use. */
TCase *rubric_tcase(const char *item, enum test_kind kind);

struct rubric_item *rubric_find(const char *id);
struct rubric_item *rubric_items(unsigned int *n);

/* Leave out an item's KVM tests, saying why. */
void rubric_skip_kvm(const char *id, const char *why);

/* Build one suite per item (only @only, if not NULL). */
void rubric_add_suites(SRunner *sr, const char *only, bool have_kvm);

/*
 * Count each item's results. Returns how many items failed, counting a
 * scored item that could not run as failed.
 */
int rubric_score(SRunner *sr, const char *only, int *score, int *max);
void rubric_print(FILE *out, const char *only, int score, int max);
int rubric_write_json(const char *path, const char *only, int score,
		      int max);

#endif /* CHECKER_RUBRIC_H */
