// SPDX-License-Identifier: GPL-2.0
/*
 * The grader, the judge: it links no code of the VMM's. It runs the
 * KVM tests in fork mode (a test that crashes or calls exit() fails
 * alone), each running vmm/vmm, and has checker/unit run the tests that
 * call the VMM's code, in a process of its own (unit_driver.c). It
 * scores the rubric from both, and prints one line per item, the score
 * and Check's summary. It writes JSON, TAP and JUnit results (RESULTS,
 * by default checker/results/). Without KVM the items that need it are
 * reported as not run, and the result is a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kvmlab/kernel.h>

#include "core/log.h"
#include "outcome.h"
#include "report.h"
#include "requirements.h"
#include "rubric.h"
#include "runner.h"
#include "seed.h"
#include "tests.h"
#include "unit_driver.h"

#define KVM_DEVICE		"/dev/kvm"
#define REASON_MAX		256
#define PATH_MAX_LEN		4096

/* Can this user open KVM? If not, say why and how to fix it. */
static bool kvm_usable(char *why, size_t len)
{
	const char *dev = getenv("KVMLAB_KVM_DEVICE");
	int fd;

	if (!dev || !*dev)
		dev = KVM_DEVICE;
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return true;
	}
	snprintf(why, len, "%s: %s; %s", dev, strerror(errno),
		 errno == ENOENT ? "load KVM: modprobe kvm_intel or kvm_amd" :
		 "join the kvm group: sudo usermod -aG kvm $USER");
	return false;
}

/*
 * Some hosts cannot run 32-bit paging at all (nested KVM); the VMM says
 * so with status 77. Ask once, briefly (a hanging VMM must cost little
 * here), and grade paged mode only where it can run.
 */
static void probe_paged_mode(char *why, size_t len)
{
	struct vmm_run *r = malloc(sizeof(*r));

	if (!r)
		return;
	run_vmm(r, "probe_paged_mode", NULL,
		(const char *const[]){ "--timeout", "1.5", "paged", NULL });
	if (r->status == VMM_UNSUPPORTED) {
		/* The VMM's one line, without "vmm: " and the newline. */
		const char *line = strncmp(r->err, "vmm: ", 5) ? r->err :
								  r->err + 5;

		snprintf(why, len, "%.*s", (int)strcspn(line, "\n"), line);
		rubric_skip_kvm("paged_mode", why);
	}
	free(r);
}

/* The KVM tests; the unit tests are checker/unit's (unit.h). */
static void register_tests(void)
{
	scenario_tests();
	input_tests();
	simvirtio_kvm_tests();
	lab2_tests();
	kvm_ioctls_tests();
	hostile_tests();
	low_guest_tests();
	setup_tests();
	profiling_tests();
	debug_tests();
	/* Last: its runs may hang for another item's sake. */
	polling_tests();
}

static const char *results_path(const char *file)
{
	static char paths[4][PATH_MAX_LEN];
	static unsigned int n;
	char *path = paths[n++ % ARRAY_SIZE(paths)];

	snprintf(path, PATH_MAX_LEN, "%s/%s", results_dir(), file);
	return path;
}

/* Is each comma-separated name of ITEM an item, or "scored"? */
static const char *unknown_item(const char *only)
{
	static char name[64];
	const char *p = only;

	while (*p) {
		size_t len = strcspn(p, ",");

		snprintf(name, sizeof(name), "%.*s", (int)len, p);
		if (!rubric_find(name) && strcmp(name, RUBRIC_SCORED))
			return name;
		p += len + (p[len] == ',');
	}
	return NULL;
}

/* ITEM=name[,name...] runs those items; an unknown one lists them all. */
static const char *selected_item(void)
{
	const char *only = getenv("KVMLAB_ITEM");
	const char *bad;
	struct rubric_item *items;
	unsigned int i, n;

	if (!only || !*only)
		return NULL;
	bad = unknown_item(only);
	if (!bad)
		return only;
	items = rubric_items(&n);
	fprintf(stderr, "checker: unknown item '%s'; use %s or one of:", bad,
		RUBRIC_SCORED);
	for (i = 0; i < n; i++)
		fprintf(stderr, " %s", items[i].id);
	fprintf(stderr, "\n");
	exit(2);
}

static void save(int ret, const char *file)
{
	if (ret)
		fprintf(stderr, "checker: cannot write %s\n", results_path(file));
}

/* FORMAT=: empty, autolab or vmchecker (rubric_print_format). */
static void check_format(void)
{
	const char *f = getenv("KVMLAB_FORMAT");

	if (f && *f && strcmp(f, "autolab") && strcmp(f, "vmchecker")) {
		fprintf(stderr, "checker: unknown FORMAT '%s'; use autolab or vmchecker\n",
			f);
		exit(2);
	}
}

int main(void)
{
	static char no_kvm[REASON_MAX], no_paging[REASON_MAX];
	const char *only = selected_item();
	bool have_kvm = kvm_usable(no_kvm, sizeof(no_kvm));
	struct outcomes list = { .n = 0 };
	uint64_t seed;
	struct rubric_item *items;
	int score, max, failed;
	unsigned int i, n;
	SRunner *sr;

	check_format();
	/* The sandbox's user must read and write what the tests make. */
	if (sandbox_path())
		umask(0);
	register_tests();
	if (getenv("KVMLAB_REQUIREMENTS") && *getenv("KVMLAB_REQUIREMENTS")) {
		requirements_print(stdout);
		return EXIT_SUCCESS;
	}
	items = rubric_items(&n);
	if (!have_kvm) {
		fprintf(stderr, "checker: KVM tests not run: %s\n", no_kvm);
		for (i = 0; i < n; i++)
			if (items[i].tcase[KVM])
				rubric_skip_kvm(items[i].id, "no KVM");
	} else if (!only || strstr(only, "paged_mode")) {
		probe_paged_mode(no_paging, sizeof(no_paging));
	}

	rubric_clear_markers();
	seed = seed_draw();
	unit_driver_run(only, &list);
	sr = srunner_create(NULL);
	rubric_add_suites(sr, only, have_kvm);
	/* Forced: in no-fork mode an exit(0) in a test would pass it. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_SILENT);
	outcomes_from_runner(&list, sr);
	srunner_free(sr);

	for (i = 0; i < list.n; i++)
		rubric_count(&list.v[i]);
	failed = rubric_score(only, &score, &max);
	rubric_print(stdout, only, score, max);
	report_print(stdout, &list);
	printf("Unit test inputs: KVMLAB_SEED=%llu (set it to run the same again)\n",
	       (unsigned long long)seed);
	rubric_print_format(stdout, getenv("KVMLAB_FORMAT"), only, score,
			    max);
	fflush(stdout);
	save(rubric_write_json(results_path("results.json"), only, score,
			       max), "results.json");
	save(report_write_tap(results_path("results.tap"), &list),
	     "results.tap");
	save(report_write_junit(results_path("junit.xml"), &list),
	     "junit.xml");
	failed += report_failed(&list);
	outcomes_free(&list);
	return failed == 0 && have_kvm ? EXIT_SUCCESS : EXIT_FAILURE;
}
