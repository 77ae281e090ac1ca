// SPDX-License-Identifier: GPL-2.0
/*
 * Scoring: a test case's name says its item ("long_mode/kvm"), so the
 * results Check gathers in its forked children map back to the rubric
 * without any state shared with them.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kvmlab/kernel.h>

#include "outcome.h"
#include "requirements.h"
#include "rubric.h"
#include "runner.h"

#define REPORT_WIDTH	26	/* title and dots */

/*
 * The dependencies: every run goes through task 1's VM set-up and exit
 * loop; SIMVIRTIO's guest runs in long mode; polling moves SIMVIRTIO's
 * queues with its driver. An item that fails while an item it needs
 * failed too is "not graded", with the reason, rather than blamed.
 */
#define NEEDS_REAL	"real_mode", "it runs on task 1's VM, vCPU and exit loop, which failed"
#define NEEDS_LONG	"long_mode", "its guest runs in long mode, which failed"
#define NEEDS_SVIO	"simvirtio", "it moves SIMVIRTIO's queues with task 3's device and driver, which failed"

#define DEP(dep)	__DEP(dep)
#define __DEP(id, why)	.depends = id, .depends_why = why

static struct rubric_item items[] = {
	{ .id = "real_mode", .title = "real mode", .points = 30 },
	{ .id = "long_mode", .title = "long mode", .points = 20,
	  DEP(NEEDS_REAL) },
	{ .id = "simvirtio", .title = "SIMVIRTIO", .points = 30,
	  DEP(NEEDS_LONG) },
	{ .id = "polling", .title = "polling", .points = 10, DEP(NEEDS_SVIO) },
	{ .id = "exit_profiling", .title = "exit profiling", .points = 10,
	  DEP(NEEDS_REAL) },
	{ .id = "protected_mode", .title = "protected mode", DEP(NEEDS_REAL) },
	{ .id = "paged_mode", .title = "paged mode", DEP(NEEDS_REAL) },
	{ .id = "lab1", .title = "Lab 1", DEP(NEEDS_REAL) },
	{ .id = "com1_input", .title = "COM1 input", DEP(NEEDS_REAL) },
	{ .id = "lab2", .title = "Lab 2", DEP(NEEDS_REAL) },
	{ .id = "kvm_ioctls", .title = "kvm-ioctls examples", DEP(NEEDS_REAL) },
	{ .id = "hostile", .title = "hostile guests", DEP(NEEDS_REAL) },
	{ .id = "robustness", .title = "robustness", DEP(NEEDS_REAL) },
	{ .id = "debug", .title = "debugging tools", DEP(NEEDS_REAL) },
	{ .id = "debug_long", .title = "debugging, long mode",
	  DEP(NEEDS_LONG) },
};

/*
 * Which item a forked test belongs to: each item's test cases get a
 * checked fixture (run in the test's process) that says so.
 */
static struct rubric_item *current;

#define ENTER(n)							\
	static void enter_##n(void)					\
	{								\
		current = &items[n];					\
	}
ENTER(0) ENTER(1) ENTER(2) ENTER(3) ENTER(4) ENTER(5) ENTER(6) ENTER(7)
ENTER(8) ENTER(9) ENTER(10) ENTER(11) ENTER(12) ENTER(13) ENTER(14)

static void (*const enter[])(void) = {
	enter_0, enter_1, enter_2, enter_3, enter_4, enter_5, enter_6,
	enter_7, enter_8, enter_9, enter_10, enter_11, enter_12, enter_13,
	enter_14,
};

static_assert(ARRAY_SIZE(enter) == ARRAY_SIZE(items),
	      "one fixture per rubric item");

/* Where @item is in items[], without a pointer division. */
static unsigned int index_of(const struct rubric_item *item)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(items) && &items[i] != item; i++)
		;
	return i;
}

struct rubric_item *rubric_current(void)
{
	return current;
}

/* RESULTS/.KIND-ID, where a test's process leaves a mark. */
static const char *marker(const char *kind, const struct rubric_item *item)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/.%s-%s", results_dir(), kind,
		 item->id);
	return path;
}

void rubric_mark_hung(const struct rubric_item *item)
{
	FILE *f = item ? fopen(marker("hung", item), "w") : NULL;

	if (f)
		fclose(f);
}

/*
 * An extra item also gives up when an item it needs hung: it does not
 * count, and grading a hanging submission must stay short.
 */
bool rubric_hung(const struct rubric_item *item)
{
	while (item) {
		if (access(marker("hung", item), F_OK) == 0)
			return true;
		if (item->points || !item->depends)
			return false;
		item = rubric_find(item->depends);
	}
	return false;
}

bool rubric_prerequisite_hung(const struct rubric_item *item)
{
	while (item && item->depends) {
		item = rubric_find(item->depends);
		if (item && access(marker("hung", item), F_OK) == 0)
			return true;
	}
	return false;
}

void rubric_mark_not_run(const struct rubric_item *item, const char *why)
{
	FILE *f = item ? fopen(marker("notrun", item), "w") : NULL;

	if (f) {
		fputs(why, f);
		fclose(f);
	}
}

static void read_markers(struct rubric_item *item)
{
	static char why[ARRAY_SIZE(items)][256];
	size_t i = index_of(item);
	FILE *f = fopen(marker("notrun", item), "r");

	if (f) {
		size_t n = fread(why[i], 1, sizeof(why[i]) - 1, f);

		why[i][n] = '\0';
		fclose(f);
		item->not_run = why[i];
		unlink(marker("notrun", item));
	}
	if (access(marker("hung", item), F_OK) == 0)
		unlink(marker("hung", item));
}

void rubric_clear_markers(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(items); i++) {
		unlink(marker("notrun", &items[i]));
		unlink(marker("hung", &items[i]));
	}
}

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

/*
 * Seconds a test may run. A KVM test's runs have their own, shorter
 * deadlines. A unit test runs pure code in milliseconds: one that spins
 * (a ring that never empties) is a hang, and must not cost a minute.
 */
#define TEST_TIMEOUT		60
#define UNIT_TEST_TIMEOUT	5

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
		tcase_set_timeout(item->tcase[kind], kind == UNIT ?
				  UNIT_TEST_TIMEOUT : TEST_TIMEOUT);
		tcase_add_checked_fixture(item->tcase[kind],
					  enter[index_of(item)], NULL);
	}
	return item->tcase[kind];
}

TCase *rubric_tcase_find(const char *tcname)
{
	unsigned int i, k;

	for (i = 0; i < ARRAY_SIZE(items); i++)
		for (k = 0; k < ARRAY_SIZE(items[i].tcase); k++)
			if (items[i].tcase[k] &&
			    !strcmp(items[i].tcase_name[k], tcname))
				return items[i].tcase[k];
	return NULL;
}

void rubric_skip_kvm(const char *id, const char *why)
{
	rubric_find(id)->not_run = why;
}

/*
 * ITEM=id grades one item, ITEM=scored the five scored ones, and a
 * comma-separated list any of those (make check-svm: scored,paged_mode).
 */
bool rubric_selected(const struct rubric_item *item, const char *only)
{
	const char *p = only;

	if (!item)
		return false;
	if (!only)
		return true;
	while (*p) {
		size_t len = strcspn(p, ",");

		if (len == strlen(RUBRIC_SCORED) &&
		    !strncmp(p, RUBRIC_SCORED, len) && item->points)
			return true;
		if (len == strlen(item->id) && !strncmp(p, item->id, len))
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

void rubric_add_suites(SRunner *sr, const char *only, bool have_kvm)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(items); i++) {
		struct rubric_item *item = &items[i];
		Suite *s;

		if (!rubric_selected(item, only))
			continue;
		s = suite_create(item->id);
		if (item->tcase[UNIT])
			suite_add_tcase(s, item->tcase[UNIT]);
		if (item->tcase[KVM] && have_kvm && !item->not_run)
			suite_add_tcase(s, item->tcase[KVM]);
		srunner_add_suite(sr, s);
	}
}

struct rubric_item *rubric_item_of(const char *tcname)
{
	size_t len = strcspn(tcname, "/");
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(items); i++)
		if (strlen(items[i].id) == len &&
		    !strncmp(items[i].id, tcname, len))
			return &items[i];
	return NULL;
}


/* Keep the requirement a failure names, once per item. */
static void note_failure(struct rubric_item *item, const char *msg)
{
	const struct requirement *req = requirement_of_message(msg);
	unsigned int i;

	if (!req) {
		item->unnamed_failures++;
		return;
	}
	for (i = 0; i < item->nfailed_reqs; i++)
		if (!strcmp(item->failed_reqs[i], req->id))
			return;
	if (item->nfailed_reqs < ITEM_MAX_FAILED_REQS)
		item->failed_reqs[item->nfailed_reqs++] = req->id;
}

/*
 * The reason @item is not graded: an item it needs, directly or through
 * another, failed or was not graded itself; NULL if none did. The
 * reason is the one of the dependency on the nearest such item.
 */
static const char *prerequisite_failed(const struct rubric_item *item)
{
	const struct rubric_item *dep;

	for (; item && item->depends; item = dep) {
		dep = rubric_find(item->depends);
		if (dep && (dep->state == ITEM_FAILED ||
			    dep->state == ITEM_NOT_GRADED))
			return item->depends_why;
	}
	return NULL;
}

void rubric_count(const struct outcome *o)
{
	struct rubric_item *item = rubric_item_of(o->tcase);

	if (!item)
		return;
	if (o->kind == OUTCOME_PASS) {
		item->passed++;
	} else {
		item->failed++;
		note_failure(item, o->msg);
	}
}

int rubric_score(const char *only, int *score, int *max)
{
	int failed = 0;
	unsigned int j;

	*score = 0;
	*max = 0;
	/* In order: an item's prerequisites come before it. */
	for (j = 0; j < ARRAY_SIZE(items); j++) {
		struct rubric_item *item = &items[j];

		if (!rubric_selected(item, only))
			continue;
		read_markers(item);
		item->not_graded = item->failed ? prerequisite_failed(item) :
						  NULL;
		if (item->not_graded)
			item->state = ITEM_NOT_GRADED;
		else if (item->failed)
			item->state = ITEM_FAILED;
		else if (item->not_run || !item->passed)
			item->state = ITEM_NOT_RUN;
		else
			item->state = ITEM_PASSED;
		*max += item->points;
		if (item->state == ITEM_PASSED)
			*score += item->points;
		/* An extra the host cannot run is no failure of the VMM. */
		else if (item->state != ITEM_NOT_RUN || item->points)
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
	case ITEM_NOT_GRADED:
		return "not graded";
	default:
		return "not run";
	}
}

/* Under a failed item: the requirements its failing tests named. */
static void print_failed_requirements(FILE *out,
				      const struct rubric_item *item)
{
	unsigned int i;

	for (i = 0; i < item->nfailed_reqs; i++) {
		const struct requirement *req =
			requirement_find(item->failed_reqs[i]);

		fprintf(out, "    broken: %s: %s\n", req->id, req->text);
	}
	if (item->unnamed_failures)
		fprintf(out, "    and %u failing test%s naming no requirement (see below)\n",
			item->unnamed_failures,
			item->unnamed_failures == 1 ? "" : "s");
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
	if (item->state == ITEM_NOT_GRADED)
		fprintf(out, ": %s", item->not_graded);
	fprintf(out, "\n");
	if (item->state == ITEM_FAILED)
		print_failed_requirements(out, item);
}

void rubric_print(FILE *out, const char *only, int score, int max)
{
	bool extra_header = false;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(items); i++) {
		if (!rubric_selected(&items[i], only))
			continue;
		if (!items[i].points && !extra_header) {
			fprintf(out, "extra (not in the score):\n");
			extra_header = true;
		}
		print_item(out, &items[i]);
	}
	if (only && !strcmp(only, RUBRIC_SCORED))
		fprintf(out, "Score: %d/%d (scored items only)\n", score, max);
	else if (only)
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
		if (items[i].points && rubric_selected(&items[i], only))
			fprintf(f, "\"%s\": %d, ", items[i].id,
				items[i].state == ITEM_PASSED ?
				items[i].points : 0);
	fprintf(f, "\"total\": %d, \"max\": %d, \"extra\": {", score, max);
	for (i = 0; i < ARRAY_SIZE(items); i++) {
		if (items[i].points || !rubric_selected(&items[i], only))
			continue;
		fprintf(f, "%s\"%s\": \"%s\"", sep, items[i].id,
			state_name(&items[i]));
		sep = ", ";
	}
	fprintf(f, "}}\n");
	return fclose(f);
}

/*
 * FORMAT=autolab: Autolab reads the last line, {"scores": {...}};
 * FORMAT=vmchecker: vmchecker-next takes "Total: N" (SO2's checker).
 */
void rubric_print_format(FILE *out, const char *format, const char *only,
			 int score, int max)
{
	const char *sep = "";
	unsigned int i;

	if (!format || !*format)
		return;
	if (!strcmp(format, "vmchecker")) {
		fprintf(out, "Total: %d/%d\n", score, max);
		return;
	}
	fprintf(out, "{\"scores\": {");
	for (i = 0; i < ARRAY_SIZE(items); i++) {
		if (!items[i].points || !rubric_selected(&items[i], only))
			continue;
		fprintf(out, "%s\"%s\": %d", sep, items[i].id,
			items[i].state == ITEM_PASSED ? items[i].points : 0);
		sep = ", ";
	}
	fprintf(out, "}}\n");
}
