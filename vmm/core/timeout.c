// SPDX-License-Identifier: GPL-2.0
/*
 * A POSIX timer aimed at the vCPU thread. Its signal handler sets
 * kvm_run.immediate_exit, so that even a signal that lands just before
 * KVM_RUN is entered makes KVM_RUN return at once with EINTR.
 *
 * The VMM may be elsewhere than KVM_RUN: blocked writing guest output
 * to a pipe nobody reads, or reading a terminal for a Lab 2 program.
 * So the timer ticks again a second later, and if the VMM has not
 * stopped by then, the handler ends the process: no hang outlives the
 * timeout by more than that.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kvmlab/kernel.h>

#include "core/log.h"
#include "core/timeout.h"

#define TIMEOUT_SIGNAL	SIGALRM
/* glibc before 2.41 names the thread-id field of struct sigevent so. */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id	_sigev_un._tid
#endif
#define GRACE_SECONDS	1

/*
 * Shared with the signal handler, which runs on this same thread. C11
 * lets a handler touch lock-free atomic objects (7.14.1.1), and on
 * x86-64 a bool and a pointer are: READ_ONCE and WRITE_ONCE are relaxed
 * atomic accesses, each one load or store the compiler keeps, so no
 * volatile sig_atomic_t is needed. Relaxed is enough: with one thread,
 * there is nothing to order.
 */
static bool expired;
static struct kvm_run *armed_run;
static timer_t timer;
static bool timer_armed;

static void timeout_handler(int sig)
{
	static const char hard[] =
		"vmm: timeout: the VMM did not stop in time; exiting\n";
	struct kvm_run *run;

	if (READ_ONCE(expired)) {
		/* Only async-signal-safe calls here. */
		if (write(STDERR_FILENO, hard, sizeof(hard) - 1) < 0)
			_exit(VMM_TIMEOUT);
		_exit(VMM_TIMEOUT);
	}
	WRITE_ONCE(expired, true);
	run = READ_ONCE(armed_run);
	if (run)
		WRITE_ONCE(run->immediate_exit, 1);
}

int timeout_arm(struct kvm_run *run, double seconds)
{
	struct sigaction sa = { .sa_handler = timeout_handler };
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = TIMEOUT_SIGNAL,
	};
	struct itimerspec its = {};

	/*
	 * KVM_RUN returns EINTR whatever SA_RESTART says; with it, a write
	 * of guest output that the signal interrupts is resumed, not lost.
	 */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(TIMEOUT_SIGNAL, &sa, NULL) < 0)
		goto fail;
	WRITE_ONCE(armed_run, run);
	sev.sigev_notify_thread_id = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer) < 0)
		goto fail;
	its.it_value.tv_sec = (time_t)seconds;
	its.it_value.tv_nsec = (long)((seconds - its.it_value.tv_sec) *
				      NSEC_PER_SEC);
	its.it_interval.tv_sec = GRACE_SECONDS;
	if (timer_settime(timer, 0, &its, NULL) < 0) {
		timer_delete(timer);
		goto fail;
	}
	timer_armed = true;
	return 0;
fail:
	pr_err("cannot arm the timeout: %s", strerror(errno));
	WRITE_ONCE(armed_run, NULL);
	return -1;
}

bool timeout_expired(void)
{
	return READ_ONCE(expired);
}

void timeout_disarm(void)
{
	if (timer_armed)
		timer_delete(timer);
	timer_armed = false;
	WRITE_ONCE(armed_run, NULL);
}
