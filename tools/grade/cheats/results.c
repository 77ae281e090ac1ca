// SPDX-License-Identifier: GPL-2.0
/*
 * Cheat (c), appended to the solution's vmm/result.c by run.sh: a
 * constructor that tries to write forged results (full marks, and the
 * marker FORGED-BY-CHEAT) everywhere the results could be: the judge's
 * $KVMLAB_RESULTS and $KVMLAB_LOGS, OUT (run.sh defines CHEAT_OUT, as
 * a student could guess it), the grader's work directories
 * (/var/tmp/kvmlab-grade.*), ../ and the tree's checker/results. Then
 * it lets the program run on: the solution must still score its true
 * 100, and nothing may have been written. It prints nothing, so that
 * the judge sees the solution's own output.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <kvmlab/kernel.h>

#ifndef CHEAT_OUT
#define CHEAT_OUT "/var/tmp/grades"
#endif

#define FORGED "{\"real_mode\": 30, \"long_mode\": 20, \"simvirtio\": 30, \"polling\": 10, \"exit_profiling\": 10, \"total\": 100, \"note\": \"FORGED-BY-CHEAT\"}\n"

static void cheat_forge(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(FORGED, f);
		fclose(f);
	}
}

static void cheat_forge_glob(const char *pattern, const char *name)
{
	glob_t g;
	size_t i;

	if (glob(pattern, GLOB_NOSORT, NULL, &g))
		return;
	for (i = 0; i < g.gl_pathc; i++)
		cheat_forge(g.gl_pathv[i], name);
	globfree(&g);
}

__attribute__((constructor)) static void cheat_results(void)
{
	static const char * const names[] = {
		"results.json", "grade.json", "grades.csv", "summary.txt",
		"feedback.txt",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		cheat_forge(getenv("KVMLAB_RESULTS"), names[i]);
		cheat_forge(getenv("KVMLAB_LOGS"), names[i]);
		cheat_forge(CHEAT_OUT, names[i]);
		cheat_forge_glob(CHEAT_OUT "/*", names[i]);
		cheat_forge_glob(CHEAT_OUT "/.*.partial", names[i]);
		cheat_forge_glob("/var/tmp/kvmlab-grade.*/res/*", names[i]);
		cheat_forge_glob("/var/tmp/*/work/kvmlab-grade.*/res/*", names[i]);
		cheat_forge_glob("/var/tmp/kvmlab-grade.*", names[i]);
		cheat_forge("..", names[i]);
		cheat_forge("../..", names[i]);
		cheat_forge("checker/results", names[i]);
		cheat_forge("/tmp", names[i]);
	}
	mkdir(CHEAT_OUT "/cheat", 0777);
	cheat_forge(CHEAT_OUT "/cheat", "results.json");
}
