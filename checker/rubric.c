// SPDX-License-Identifier: GPL-2.0
/*
 * Scoring: a test case's name says its item ("long_mode/kvm"), so the
 * results Check gathers in its forked children map back to the rubric
 * without any state shared with them.
 */
#include <stdlib.h>
#include <string.h>

#include <kvmlab/kernel.h>

#include "rubric.h"

#define REPORT_WIDTH	26	/* title and dots */

static struct rubric_item items[] = {
	{ .id = "real_mode", .title = "real mode", .points = 30 },
	{ .id = "long_mode", .title = "long mode", .points = 20 },
	{ .id = "simvirtio", .title = "SIMVIRTIO", .points = 30 },
	{ .id = "polling", .title = "polling", .points = 10 },
	{ .id = "exit_profiling", .title = "exit profiling", .points = 10 },
	{ .id = "protected_mode", .title = "protected mode" },
	{ .id = "paged_mode", .title = "paged mode" },
	{ .id = "lab1", .title = "Lab 1" },
	{ .id = "com1_input", .title = "COM1 input" },
	{ .id = "lab2", .title = "Lab 2" },
	{ .id = "kvm_ioctls", .title = "kvm-ioctls examples" },
	{ .id = "hostile", .title = "hostile guests" },
	{ .id = "robustness", .title = "robustness" },
};

static const char *const kind_names[] = { [UNIT] = "unit", [KVM] = "kvm" };

struct rubric_item *rubric_items(unsigned int *n)
{
	*n = ARRAY_SIZE(items);
	return items;
}

struct rubric_item *rubric_find(const char *id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(items); i++)
		if (!strcmp(items[i].id, id))
			return &items[i];
	return NULL;
}

/* Seconds a test may run; the runner's own deadline is shorter. */
#define TEST_TIMEOUT	60

TCase *rubric_tcase(const char *id, enum test_kind kind)
{
	struct rubric_item *item = rubric_find(id);

	if (!item)
		abort();	/* a test names an item that does not exist */
	if (!item->tcase[kind]) {
		char *name = item->tcase_name[kind];

		snprintf(name, sizeof(item->tcase_name[kind]), "%s/%s", id,
			 kind_names[kind]);
		item->tcase[kind] = tcase_create(name);
		tcase_set_timeout(item->tcase[kind], TEST_TIMEOUT);
	}
	return item->tcase[kind];
}

void rubric_skip_kvm(const char *id, const char *why)
{
	rubric_find(id)->not_run = why;
}

void rubric_add_suites(SRunner *sr, const char *only, bool have_kvm)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(items); i++) {
		struct rubric_item *item = &items[i];
		Suite *s;

		if (only && strcmp(only, item->id))
			continue;
		s = suite_create(item->id);
		if (item->tcase[UNIT])
			suite_add_tcase(s, item->tcase[UNIT]);
		if (item->tcase[KVM] && have_kvm && !item->not_run)
			suite_add_tcase(s, item->tcase[KVM]);
		srunner_add_suite(sr, s);
	}
}

/* "real_mode/kvm" belongs to real_mode. */
static struct rubric_item *item_of(const char *tcname)
{
	size_t len = strcspn(tcname, "/");
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(items); i++)
		if (strlen(items[i].id) == len &&
		    !strncmp(items[i].id, tcname, len))
			return &items[i];
	return NULL;
}

static bool selected(const struct rubric_item *item, const char *only)
{
	return !only || !strcmp(only, item->id);
}

int rubric_score(SRunner *sr, const char *only, int *score, int *max)
{
	TestResult **results = srunner_results(sr);
	int n = srunner_ntests_run(sr), i, failed = 0;
	unsigned int j;

	for (i = 0; i < n; i++) {
		struct rubric_item *item = item_of(tr_tcname(results[i]));

		if (!item)
			continue;
		if (tr_rtype(results[i]) == CK_PASS)
			item->passed++;
		else
			item->failed++;
	}
	free(results);
	*score = 0;
	*max = 0;
	for (j = 0; j < ARRAY_SIZE(items); j++) {
		struct rubric_item *item = &items[j];

		if (!selected(item, only))
			continue;
		if (item->failed)
			item->state = ITEM_FAILED;
		else if (item->not_run || !item->passed)
			item->state = ITEM_NOT_RUN;
		else
			item->state = ITEM_PASSED;
		*max += item->points;
		if (item->state == ITEM_PASSED)
			*score += item->points;
		/* An extra the host cannot run is no failure of the VMM. */
		else if (item->state == ITEM_FAILED || item->points)
			failed++;
	}
	return failed;
}

static const char *state_name(const struct rubric_item *item)
{
	switch (item->state) {
	case ITEM_PASSED:
		return "passed";
	case ITEM_FAILED:
		return "FAILED";
	default:
		return "not run";
	}
}

/* "real mode ................ passed [30/30]", as the SO2 checkers. */
static void print_item(FILE *out, const struct rubric_item *item)
{
	int dots = REPORT_WIDTH - (int)strlen(item->title);

	fprintf(out, "%s %.*s %s", item->title, dots > 0 ? dots : 1,
		"..........................................", state_name(item));
	if (item->points)
		fprintf(out, " [%d/%d]", item->state == ITEM_PASSED ?
			item->points : 0, item->points);
	if (item->state == ITEM_NOT_RUN && item->not_run)
		fprintf(out, " (%s)", item->not_run);
	fprintf(out, "\n");
}

void rubric_print(FILE *out, const char *only, int score, int max)
{
	bool extra_header = false;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(items); i++) {
		if (!selected(&items[i], only))
			continue;
		if (!items[i].points && !extra_header) {
			fprintf(out, "extra (not in the score):\n");
			extra_header = true;
		}
		print_item(out, &items[i]);
	}
	if (only)
		fprintf(out, "Score: %d/%d (%s only)\n", score, max, only);
	else
		fprintf(out, "Score: %d/%d\n", score, max);
}

int rubric_write_json(const char *path, const char *only, int score,
		      int max)
{
	const char *sep = "";
	FILE *f = fopen(path, "w");
	unsigned int i;

	if (!f)
		return -1;
	fprintf(f, "{");
	for (i = 0; i < ARRAY_SIZE(items); i++)
		if (items[i].points && selected(&items[i], only))
			fprintf(f, "\"%s\": %d, ", items[i].id,
				items[i].state == ITEM_PASSED ?
				items[i].points : 0);
	fprintf(f, "\"total\": %d, \"max\": %d, \"extra\": {", score, max);
	for (i = 0; i < ARRAY_SIZE(items); i++) {
		if (items[i].points || !selected(&items[i], only))
			continue;
		fprintf(f, "%s\"%s\": \"%s\"", sep, items[i].id,
			state_name(&items[i]));
		sep = ", ";
	}
	fprintf(f, "}}\n");
	return fclose(f);
}
