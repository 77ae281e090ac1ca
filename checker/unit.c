// SPDX-License-Identifier: GPL-2.0
/*
 * checker/unit, the unit driver (unit.h): runs the unit tests, or lists
 * them, or answers a probe, and reports to the judge on one descriptor.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kvmlab/kernel.h>

#include "fake_exit.h"
#include "outcome.h"
#include "registry.h"
#include "rubric.h"
#include "unit.h"

#define WHY_MAX		512
#define EXIT_USAGE	2

static void register_tests(void)
{
	unit_tests();
	simvirtio_unit_tests();
	host_tests();
	exit_tests();
	mode_tests();
	debug_unit_tests();
	elf_tests();
	poll_bench_tests();
}

/*
 * Does the exit handler hand a port write's byte to the device? Asked
 * of the VMM's own exit_dispatch(), in a child: it may crash.
 */
int port_write_probe(char *why, size_t len)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		static struct fake_exit f;
		bool ok;

		fake_io_exit(&f, true, 1, 1, FAKE_RUN_SIZE / 2);
		f.page[FAKE_RUN_SIZE / 2] = 'A';
		ok = exit_dispatch(&f.ctx, &f.run) == VERDICT_RESUME &&
		     f.dev.ncalls == 1 && f.dev.calls[0].is_write &&
		     f.dev.calls[0].data[0] == 'A';
		_exit(ok ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		snprintf(why, len, "cannot fork: %s", strerror(errno));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	snprintf(why, len, "a fake port write of 'A' did not reach the device once");
	return 1;
}

static const struct {
	const char *name;
	int (*probe)(char *why, size_t len);
} probes[] = {
	{ "poll-bench", poll_bench_probe },
	{ "port-write", port_write_probe },
};

static int answer_probe(FILE *out, const char *name)
{
	char why[WHY_MAX] = "";
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(probes); i++)
		if (!strcmp(probes[i].name, name))
			break;
	if (i == ARRAY_SIZE(probes)) {
		fprintf(stderr, "unit: unknown probe '%s'\n", name);
		return EXIT_USAGE;
	}
	ret = probes[i].probe(why, sizeof(why));
	if (ret == 0)
		fprintf(out, "%s ok\n", UNIT_PROBE);
	else if (ret > 0)
		fprintf(out, "%s failed %s\n", UNIT_PROBE, why);
	return EXIT_SUCCESS;
}

/* Every unit test instance of the selected items, not run. */
static void list_tests(FILE *out, const char *only)
{
	struct rubric_item *items;
	unsigned int i, k, n, listed = 0;

	items = rubric_items(&n);
	for (i = 0; i < n; i++) {
		const TCase *tc = items[i].tcase[UNIT];
		struct test_instance t;

		if (!tc || !rubric_selected(&items[i], only))
			continue;
		for (k = 0; registry_nth(tc, k, &t); k++) {
			struct outcome o = { .kind = OUTCOME_LISTED,
					     .iter = t.iter, .msg = "" };

			snprintf(o.tcase, sizeof(o.tcase), "%s",
				 items[i].tcase_name[UNIT]);
			snprintf(o.test, sizeof(o.test), "%s", t.name);
			outcome_write(out, &o);
			listed++;
		}
	}
	fprintf(out, "%s %u\n", UNIT_END, listed);
}

static void run_tests(FILE *out, const char *only)
{
	struct outcomes list = { .n = 0 };
	SRunner *sr = srunner_create(NULL);
	unsigned int i;

	rubric_add_suites(sr, only, false);
	/* Forced: in no-fork mode an exit(0) in a test would pass it. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_SILENT);
	outcomes_from_runner(&list, sr);
	for (i = 0; i < list.n; i++)
		outcome_write(out, &list.v[i]);
	fprintf(out, "%s %u\n", UNIT_END, list.n);
	outcomes_free(&list);
	srunner_free(sr);
}

static int usage(void)
{
	fprintf(stderr, "usage: unit --results-fd N [--list | --probe NAME]\n");
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const char *only = getenv("KVMLAB_ITEM");
	const char *probe = NULL;
	bool list = false;
	int fd = -1, i, ret = EXIT_SUCCESS;
	FILE *out;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--results-fd") && i + 1 < argc)
			fd = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--list"))
			list = true;
		else if (!strcmp(argv[i], "--probe") && i + 1 < argc)
			probe = argv[++i];
		else
			return usage();
	}
	out = fd > STDERR_FILENO ? fdopen(fd, "w") : NULL;
	if (!out)
		return usage();
	if (only && !*only)
		only = NULL;
	register_tests();
	if (probe)
		ret = answer_probe(out, probe);
	else if (list)
		list_tests(out, only);
	else
		run_tests(out, only);
	return fclose(out) ? EXIT_FAILURE : ret;
}
