// SPDX-License-Identifier: GPL-2.0
/*
 * Deaths by signal: the status the shell sees is 128 + the signal, and
 * what was written before the death is flushed by hand (stdio is not).
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STACK_FRAME	4096

/* Deep enough to pass any stack limit: its frame is used after the call. */
static int recurse(int depth)
{
	char frame[STACK_FRAME];

	frame[0] = (char)depth;
	/* The frame is used: the compiler may neither drop nor reuse it. */
	asm volatile("" : : "r"(frame) : "memory");
	return depth == INT_MAX ? 0 : recurse(depth + 1) + frame[0];
}

static void say(const char *s)
{
	ssize_t r = write(STDOUT_FILENO, s, strlen(s));

	(void)r;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "segv";
	int zero = 0;

	/* A zero the compiler cannot see, or it would fold 1 / zero. */
	asm volatile("" : "+r"(zero));
	say("before\n");
	if (!strcmp(what, "segv"))
		asm volatile("movl $1, 8" : : : "memory");
	else if (!strcmp(what, "abort"))
		abort();
	else if (!strcmp(what, "fpe"))
		return 1 / zero;
	else if (!strcmp(what, "ud2"))
		__asm__ volatile("ud2");
	else if (!strcmp(what, "stack"))
		return recurse(0);	/* overflow: SIGSEGV */
	else if (!strcmp(what, "kill"))
		kill(getpid(), SIGKILL);
	else if (!strcmp(what, "exit"))
		exit(atoi(argc > 2 ? argv[2] : "3"));
	say("not reached\n");
	return 0;
}
