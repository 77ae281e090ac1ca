// SPDX-License-Identifier: GPL-2.0
/*
 * Clocks and sleeping. There is no vDSO in the guest, so the C
 * libraries fall back to the syscalls: clock_gettime, gettimeofday and
 * time all come here, and the host's clocks answer. A sleep is the
 * host's sleep; the VMM's timeout interrupts it (EINTR), as it
 * interrupts every blocking call, and so does a signal that will act.
 *
 * alarm and setitimer(ITIMER_REAL): the deadline is the process's,
 * checked whenever it comes to the VMM; a host timer aimed at its
 * thread kicks it out of a blocked host call when the time comes.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include <kvmlab/kernel.h>

#include "core/timeout.h"
#include "lab2/sys.h"
#include "lab2/uaccess.h"

SYS_DECL(time)
{
	time_t now = time(NULL);

	if (a[0] && lab2_copy_to_user(p, a[0], &now, sizeof(now)))
		return -EFAULT;
	return now;
}

SYS_DECL(gettimeofday)
{
	struct timeval tv;
	struct timezone tz = {};	/* UTC, as the guest's TZ has it */

	if (gettimeofday(&tv, NULL) < 0)
		return -errno;
	if (a[0] && lab2_copy_to_user(p, a[0], &tv, sizeof(tv)))
		return -EFAULT;
	if (a[1] && lab2_copy_to_user(p, a[1], &tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}

SYS_DECL(clock_gettime)
{
	struct timespec ts;

	if (clock_gettime((clockid_t)a[0], &ts) < 0)
		return -errno;
	return lab2_copy_to_user(p, a[1], &ts, sizeof(ts));
}

SYS_DECL(clock_getres)
{
	struct timespec ts;

	if (clock_getres((clockid_t)a[0], &ts) < 0)
		return -errno;
	return a[1] ? lab2_copy_to_user(p, a[1], &ts, sizeof(ts)) : 0;
}

/* times: the VMM's CPU time (all its processes'), and the ticks. */
SYS_DECL(times)
{
	struct tms t;
	clock_t now = times(&t);

	if (now == (clock_t)-1)
		return -errno;
	if (a[0] && lab2_copy_to_user(p, a[0], &t, sizeof(t)))
		return -EFAULT;
	return now;
}

/* Sleep as the host; interrupted, say how much was left. */
static long do_sleep(struct process *p, clockid_t clock, int flags,
		     uint64_t req, uint64_t rem)
{
	struct timespec want, left = {};
	long err = lab2_copy_from_user(p, &want, req, sizeof(want));

	if (err)
		return err;
	if (want.tv_sec < 0 || want.tv_nsec < 0 || want.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	/* Woken for nothing that acts (an ignored SIGCHLD): sleep on. */
	for (;;) {
		err = -clock_nanosleep(clock, flags, &want, &left);
		time_check_alarm(p);
		if (err != -EINTR || signal_acts(p) || timeout_expired())
			break;
		if (!(flags & TIMER_ABSTIME))
			want = left;
	}
	if (err == -EINTR && rem && !(flags & TIMER_ABSTIME) &&
	    lab2_copy_to_user(p, rem, &left, sizeof(left)))
		return -EFAULT;
	return err;
}

SYS_DECL(nanosleep)
{
	return do_sleep(p, CLOCK_MONOTONIC, 0, a[0], a[1]);
}

SYS_DECL(clock_nanosleep)
{
	if (a[1] & ~(uint64_t)TIMER_ABSTIME)
		return -EINVAL;
	return do_sleep(p, (clockid_t)a[0], (int)a[1], a[2], a[3]);
}

/* ---- alarm and setitimer(ITIMER_REAL) ---- */

/* glibc before 2.41 names the thread-id field of struct sigevent so. */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id	_sigev_un._tid
#endif

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static uint64_t timeval_ns(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * NSEC_PER_SEC +
	       (uint64_t)tv->tv_usec * NSEC_PER_USEC;
}

static void ns_timeval(uint64_t ns, struct timeval *tv)
{
	tv->tv_sec = ns / NSEC_PER_SEC;
	tv->tv_usec = ns % NSEC_PER_SEC / NSEC_PER_USEC;
}

/* The host timer that kicks this thread at the deadline (or disarms). */
static void arm_host_timer(struct process *p)
{
	struct itimerspec its = {};
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = LAB2_KICK_SIGNAL,
	};

	if (!p->alarm_timer_made) {
		sev.sigev_notify_thread_id = gettid();
		if (timer_create(CLOCK_MONOTONIC, &sev, &p->alarm_timer) < 0)
			return;	/* then only syscalls and waits see it */
		p->alarm_timer_made = true;
	}
	its.it_value.tv_sec = p->alarm_at / NSEC_PER_SEC;
	its.it_value.tv_nsec = p->alarm_at % NSEC_PER_SEC;
	timer_settime(p->alarm_timer, TIMER_ABSTIME, &its, NULL);
}

void time_check_alarm(struct process *p)
{
	uint64_t now;

	if (!p->alarm_at)
		return;
	now = now_ns();
	if (now < p->alarm_at)
		return;
	signal_raise(p, SIGALRM, 0);
	if (p->alarm_interval) {
		/* Ticks missed while away count once, as Linux's do. */
		while (p->alarm_at <= now)
			p->alarm_at += p->alarm_interval;
	} else {
		p->alarm_at = 0;
	}
	arm_host_timer(p);
}

void time_destroy(struct process *p)
{
	if (p->alarm_timer_made)
		timer_delete(p->alarm_timer);
	p->alarm_timer_made = false;
	p->alarm_at = 0;
}

/* The timer as it stands: time left and interval. */
static void itimer_get(struct process *p, struct itimerval *it)
{
	uint64_t now = now_ns();

	memset(it, 0, sizeof(*it));
	if (p->alarm_at > now)
		ns_timeval(p->alarm_at - now, &it->it_value);
	ns_timeval(p->alarm_interval, &it->it_interval);
}

static void itimer_set(struct process *p, const struct itimerval *it)
{
	uint64_t value = timeval_ns(&it->it_value);

	p->alarm_interval = value ? timeval_ns(&it->it_interval) : 0;
	p->alarm_at = value ? now_ns() + value : 0;
	arm_host_timer(p);
}

static bool itimer_valid(const struct itimerval *it)
{
	return it->it_value.tv_sec >= 0 && it->it_interval.tv_sec >= 0 &&
	       it->it_value.tv_usec >= 0 &&
	       it->it_value.tv_usec < (long)USEC_PER_SEC &&
	       it->it_interval.tv_usec >= 0 &&
	       it->it_interval.tv_usec < (long)USEC_PER_SEC;
}

SYS_DECL(getitimer)
{
	struct itimerval it;

	if (a[0] != ITIMER_REAL)
		return -EINVAL;	/* the CPU-time timers are not kept */
	itimer_get(p, &it);
	return lab2_copy_to_user(p, a[1], &it, sizeof(it));
}

SYS_DECL(setitimer)
{
	struct itimerval it, old;

	if (a[0] != ITIMER_REAL)
		return -EINVAL;
	itimer_get(p, &old);
	if (a[1]) {
		if (lab2_copy_from_user(p, &it, a[1], sizeof(it)))
			return -EFAULT;
		if (!itimer_valid(&it))
			return -EINVAL;
		itimer_set(p, &it);
	}
	if (a[2] && lab2_copy_to_user(p, a[2], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* alarm: seconds left of the last one, rounded as Linux rounds them. */
SYS_DECL(alarm)
{
	struct itimerval it = { .it_value.tv_sec = (unsigned int)a[0] }, old;
	long left;

	itimer_get(p, &old);
	itimer_set(p, &it);
	left = old.it_value.tv_sec;
	if ((!left && old.it_value.tv_usec) ||
	    old.it_value.tv_usec >= (long)(USEC_PER_SEC / 2))
		left++;
	return left;
}
