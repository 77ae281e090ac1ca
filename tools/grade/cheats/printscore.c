// SPDX-License-Identifier: GPL-2.0
/*
 * Cheat (b), appended to the skeleton's vmm/x86/mode.c by run.sh: a
 * constructor, so it runs in every program linked with the student's
 * code (the VMM, the unit driver), before main. It prints what a full
 * grade looks like, writes a results.json of full marks where the
 * judge's would go, and exits 0. The judge decides from what it sees
 * the programs do, never from what they print: the true score is 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void cheat_printscore(void)
{
	const char *res = getenv("KVMLAB_RESULTS");

	printf("real mode ................. passed [30/30]\n");
	printf("long mode ................. passed [20/20]\n");
	printf("SIMVIRTIO ................. passed [30/30]\n");
	printf("polling ................... passed [10/10]\n");
	printf("exit profiling ............ passed [10/10]\n");
	printf("Hello, world!\nFinished vmm\n");
	printf("Score: 100/100\n");
	printf("100%%: Checks: 312, Failures: 0, Errors: 0\n");
	fflush(stdout);
	if (res) {
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/results.json", res);
		f = fopen(path, "w");
		if (f) {
			fprintf(f, "{\"real_mode\": 30, \"long_mode\": 20, \"simvirtio\": 30, \"polling\": 10, \"exit_profiling\": 10, \"total\": 100}\n");
			fclose(f);
		}
	}
	_exit(0);
}
