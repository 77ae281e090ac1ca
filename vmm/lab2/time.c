// SPDX-License-Identifier: GPL-2.0
/*
 * Clocks and sleeping. There is no vDSO in the guest, so the C
 * libraries fall back to the syscalls: clock_gettime, gettimeofday and
 * time all come here, and the host's clocks answer. A sleep is the
 * host's sleep; the VMM's timeout interrupts it (EINTR), as it
 * interrupts every blocking call.
 */
#include <errno.h>
#include <sys/time.h>
#include <time.h>

#include <kvmlab/kernel.h>

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
	err = -clock_nanosleep(clock, flags, &want, &left);
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
