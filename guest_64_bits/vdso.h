/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What Lab 2's vDSO exports (vdso.ld gives them the version
 * LINUX_2.6), with the kernel's names and arguments.
 */
#ifndef KVMLAB_VDSO_H
#define KVMLAB_VDSO_H

long __vdso_clock_gettime(long clock, void *ts);
long __vdso_gettimeofday(void *tv, void *tz);
long __vdso_time(long *t);
long __vdso_getcpu(unsigned int *cpu, unsigned int *node, void *cache);
long __vdso_clock_getres(long clock, void *ts);

#endif /* KVMLAB_VDSO_H */
