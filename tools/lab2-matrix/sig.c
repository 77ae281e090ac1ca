// SPDX-License-Identifier: GPL-2.0
/*
 * Signals: a handler run by kill(getpid()), SA_SIGINFO,
 * a blocked signal left pending then delivered, alarm() and pause(),
 * SIGPIPE ignored, a fault caught and left with siglongjmp.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"


/* Plain: the handlers run inside kill() and pause(), both calls. */
static sig_atomic_t got_usr1, got_usr2, got_alrm, info_ok;
static sigjmp_buf fault_env;

static void on_usr1(int sig)
{
	got_usr1++;
}

static void on_alrm(int sig)
{
	got_alrm++;
}

static void on_usr2(int sig, siginfo_t *si, void *uc)
{
	got_usr2++;
	info_ok = si->si_signo == SIGUSR2 && si->si_pid == getpid();
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	siglongjmp(fault_env, si->si_addr == (void *)16 ? 1 : 2);
}

int main(void)
{
	struct sigaction sa;
	sigset_t set, pending;
	int fds[2], r;

	signal(SIGUSR1, on_usr1);
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	printf("usr1 %d\n", (int)got_usr1);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr2;
	sa.sa_flags = SA_SIGINFO;
	CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
	kill(getpid(), SIGUSR2);
	printf("usr2 %d info %d\n", (int)got_usr2, (int)info_ok);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	kill(getpid(), SIGUSR1);
	CHECK(sigpending(&pending) == 0);
	printf("pending %d handled %d\n", sigismember(&pending, SIGUSR1),
	       (int)got_usr1);
	CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
	printf("after unblock %d\n", (int)got_usr1);

	signal(SIGALRM, on_alrm);
	alarm(1);
	pause();
	printf("alarm %d\n", (int)got_alrm);

	signal(SIGPIPE, SIG_IGN);
	CHECK(pipe(fds) == 0);
	close(fds[0]);
	r = write(fds[1], "x", 1);
	printf("write to closed pipe: %d %s\n", r, r < 0 ? strerror(errno) : "");

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
	r = sigsetjmp(fault_env, 1);
	if (!r)
		asm volatile("movl $1, 16" : : : "memory");
	printf("fault caught %d\n", r);
	return 0;
}
