// SPDX-License-Identifier: GPL-2.0
/*
 * Cheat (d), appended to the solution's vmm/result.c by run.sh: a
 * constructor that kills its parent, then every process it may signal
 * (kill(-1, SIGKILL)), hoping to take the judge or the batch down.
 * In the sandbox its parent is the sandbox's own timeout, and -1 means
 * the processes of its PID namespace: it kills its own run, nothing
 * else. The judge sees each of the student's programs killed, so the
 * score is what the judge saw of them.
 */
#include <signal.h>
#include <unistd.h>

__attribute__((constructor)) static void cheat_kill(void)
{
	kill(getppid(), SIGKILL);
	kill(-1, SIGKILL);
}
