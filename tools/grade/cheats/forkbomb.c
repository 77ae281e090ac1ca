// SPDX-License-Identifier: GPL-2.0
/*
 * Cheat (e), appended to the skeleton's vmm/x86/mode.c by run.sh: a
 * fork bomb in a constructor, so in every program linked with the
 * student's code, before main: every process forks for ever, and
 * sleeps once fork() fails. RLIMIT_NPROC (per slot user) bounds the
 * processes, the judge's deadlines and the sandbox's wall-clock limit
 * end each run, and its PID namespace takes every process with it.
 * (It sleeps rather than spins: a spinning bomb's CPU time is bounded
 * only by those deadlines, and would load the host for the others.)
 */
#include <unistd.h>

__attribute__((constructor)) static void cheat_forkbomb(void)
{
	for (;;)
		if (fork() < 0)
			pause();
}
