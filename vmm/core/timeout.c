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

#include "core/log.h"
#include "core/timeout.h"

#define TIMEOUT_SIGNAL	SIGALRM
/* glibc before 2.41 names the thread-id field of struct sigevent so. */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id	_sigev_un._tid
#endif
#define NSEC_PER_SEC	1000000000L
#define GRACE_SECONDS	1
#define EXIT_TIMEOUT	124	/* VMM_TIMEOUT, as timeout(1) */

static volatile sig_atomic_t expired;
static struct kvm_run *volatile armed_run;
static timer_t timer;
static bool timer_armed;

static void timeout_handler(int sig)
{
	static const char hard[] =
		"vmm: timeout: the VMM did not stop in time; exiting\n";

	if (expired) {
		/* Only async-signal-safe calls here. */
		if (write(STDERR_FILENO, hard, sizeof(hard) - 1) < 0)
			_exit(EXIT_TIMEOUT);
		_exit(EXIT_TIMEOUT);
	}
	expired = 1;
	if (armed_run)
		armed_run->immediate_exit = 1;
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
	armed_run = run;
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
	armed_run = NULL;
	return -1;
}

bool timeout_expired(void)
{
	return expired;
}

void timeout_disarm(void)
{
	if (timer_armed)
		timer_delete(timer);
	timer_armed = false;
	armed_run = NULL;
}
