// SPDX-License-Identifier: GPL-2.0
/*
 * Lab 2's vDSO: what a Linux kernel maps into every process for the
 * clocks, reached through AT_SYSINFO_EHDR. The C libraries look their
 * functions up by name and version (LINUX_2.6). These make the syscall
 * itself: the VMM answers it, as it would the library's fallback. Some
 * libraries (dietlibc) have no fallback and need the image.
 */
#define SYS_GETTIMEOFDAY	96
#define SYS_TIME		201
#define SYS_CLOCK_GETTIME	228
#define SYS_CLOCK_GETRES	229
#define SYS_GETCPU		309

#include "vdso.h"

static long vdso_syscall3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a), "S"(b), "d"(c)
			     : "rcx", "r11", "memory");
	return ret;
}

long __vdso_clock_gettime(long clock, void *ts)
{
	return vdso_syscall3(SYS_CLOCK_GETTIME, clock, (long)ts, 0);
}

long __vdso_gettimeofday(void *tv, void *tz)
{
	return vdso_syscall3(SYS_GETTIMEOFDAY, (long)tv, (long)tz, 0);
}

long __vdso_time(long *t)
{
	return vdso_syscall3(SYS_TIME, (long)t, 0, 0);
}

long __vdso_getcpu(unsigned int *cpu, unsigned int *node, void *cache)
{
	return vdso_syscall3(SYS_GETCPU, (long)cpu, (long)node, (long)cache);
}

long __vdso_clock_getres(long clock, void *ts)
{
	return vdso_syscall3(SYS_CLOCK_GETRES, clock, (long)ts, 0);
}
