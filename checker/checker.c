// SPDX-License-Identifier: GPL-2.0
/*
 * The grader. It runs every test in fork mode (a test that crashes or
 * calls exit() fails alone), scores the rubric, and prints one line
 * per item, the score and Check's summary. It writes TAP, XML and JSON
 * results under the build directory. Without KVM the items that need
 * it are reported as not run, and the result is a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "requirements.h"
#include "rubric.h"
#include "tests.h"

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

static void register_tests(void)
{
	unit_tests();
	scenario_tests();
	input_tests();
	simvirtio_unit_tests();
	simvirtio_kvm_tests();
	lab2_tests();
	kvm_ioctls_tests();
	hostile_tests();
	host_tests();
	setup_tests();
	profiling_tests();
	exit_tests();
	mode_tests();
	debug_tests();
	/* Last: its runs may hang for another item's sake. */
	polling_tests();
}

static const char *results_path(const char *file)
{
	static char paths[3][PATH_MAX_LEN];
	static unsigned int n;
	char *path = paths[n++ % 3];	/* Check keeps some: no reuse */
	const char *obj = getenv("KVMLAB_OBJTREE");

	snprintf(path, PATH_MAX_LEN, "%s/checker/results",
		 obj && *obj ? obj : ".");
	mkdir(path, 0755);
	snprintf(path + strlen(path), PATH_MAX_LEN - strlen(path), "/%s",
		 file);
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

int main(void)
{
	static char no_kvm[REASON_MAX], no_paging[REASON_MAX];
	const char *only = selected_item();
	bool have_kvm = kvm_usable(no_kvm, sizeof(no_kvm));
	struct rubric_item *items;
	int score, max, failed;
	unsigned int n;
	SRunner *sr;

	register_tests();
	if (getenv("KVMLAB_REQUIREMENTS") && *getenv("KVMLAB_REQUIREMENTS")) {
		requirements_print(stdout);
		return EXIT_SUCCESS;
	}
	items = rubric_items(&n);
	if (!have_kvm) {
		unsigned int i;

		fprintf(stderr, "checker: KVM tests not run: %s\n", no_kvm);
		for (i = 0; i < n; i++)
			if (items[i].tcase[KVM])
				rubric_skip_kvm(items[i].id, "no KVM");
	} else if (!only || strstr(only, "paged_mode")) {
		probe_paged_mode(no_paging, sizeof(no_paging));
	}

	sr = srunner_create(NULL);
	rubric_add_suites(sr, only, have_kvm);
	/* Forced: in no-fork mode an exit(0) in a test would pass it. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_set_tap(sr, results_path("results.tap"));
	srunner_set_xml(sr, results_path("results.xml"));
	srunner_run_all(sr, CK_SILENT);

	failed = rubric_score(sr, only, &score, &max);
	rubric_print(stdout, only, score, max);
	fflush(stdout);
	srunner_print(sr, CK_NORMAL);
	if (rubric_write_json(results_path("results.json"), only, score,
			      max))
		fprintf(stderr, "checker: cannot write %s\n",
			results_path("results.json"));
	failed += srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 && have_kvm ? EXIT_SUCCESS : EXIT_FAILURE;
}
