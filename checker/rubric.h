/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The grading rubric: SO2 Assignment 7's five tasks (100 points) and
 * an "extra" section graded alongside. Each item owns Check test cases
 * ("ITEM/kvm" on KVM, run by the judge; "ITEM/unit" without, run by
 * checker/unit, unit.h), and earns its points only if every one of its
 * tests, in both programs, passes.
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
	ITEM_NOT_GRADED,	/* failed where an item it needs failed */
};

#define ITEM_MAX_FAILED_REQS	8

struct rubric_item {
	const char *id;		/* real_mode, ...: ITEM=, JSON keys */
	const char *title;	/* as the report prints it */
	int points;		/* 0: an extra item */
	struct TCase *tcase[2];	/* by enum test_kind; NULL if none */
	char tcase_name[2][64];	/* Check keeps pointers to the names */
	const char *depends;	/* the item whose code this one runs on */
	const char *depends_why;	/* "its guest runs in long mode" */
	const char *not_run;	/* why the KVM tests were left out */
	const char *not_graded;	/* why a failure is not held against it */
	unsigned int passed, failed;
	unsigned int skipped;	/* KVM runs left out after a hang */
	enum item_state state;
	const char *failed_reqs[ITEM_MAX_FAILED_REQS];	/* requirement ids */
	unsigned int nfailed_reqs, unnamed_failures;
};

/* The test case of @item for tests of @kind, created on first use. */
TCase *rubric_tcase(const char *item, enum test_kind kind);

/* ITEM=scored: the five items of the score, without the extras. */
#define RUBRIC_SCORED	"scored"

struct rubric_item *rubric_find(const char *id);
struct rubric_item *rubric_items(unsigned int *n);

/*
 * The item whose test runs now, in the test's own (forked) process; NULL
 * outside a test.
 */
struct rubric_item *rubric_current(void);

/*
 * Markers a forked test leaves for the grader: that a VMM run of its
 * item hung (the item's later runs are skipped), or that the host
 * cannot run the item (it is reported as not run, with @why).
 */
void rubric_mark_hung(const struct rubric_item *item);
bool rubric_hung(const struct rubric_item *item);
/* Did an item that @item needs hang? */
bool rubric_prerequisite_hung(const struct rubric_item *item);
void rubric_mark_not_run(const struct rubric_item *item, const char *why);

/* The test case named @tcname ("real_mode/unit"), or NULL. */
TCase *rubric_tcase_find(const char *tcname);

/* "real_mode/kvm" belongs to real_mode; NULL if no item has it. */
struct rubric_item *rubric_item_of(const char *tcname);

/* Is @item among ITEM=@only (NULL: all)? */
bool rubric_selected(const struct rubric_item *item, const char *only);

/* Forget the markers of an earlier run; before the tests start. */
void rubric_clear_markers(void);

/* Leave out an item's KVM tests, saying why. */
void rubric_skip_kvm(const char *id, const char *why);

/* Build one suite per item (only @only, if not NULL). */
void rubric_add_suites(SRunner *sr, const char *only, bool have_kvm);

struct outcome;

/* Count one test's outcome for its item. */
void rubric_count(const struct outcome *o);

/*
 * Score the items from the outcomes counted. Returns how many items
 * failed, counting a scored item that could not run as failed.
 */
int rubric_score(const char *only, int *score, int *max);
void rubric_print(FILE *out, const char *only, int score, int max);
/* The score for a grading platform: FORMAT=autolab or vmchecker. */
void rubric_print_format(FILE *out, const char *format, const char *only,
			 int score, int max);
int rubric_write_json(const char *path, const char *only, int score,
		      int max);

#endif /* CHECKER_RUBRIC_H */
