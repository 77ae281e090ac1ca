/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hints for a failed VMM run, each given only when evidence supports
 * it: the vCPU state the VMM really set (strace), checked against what
 * the run's mode requires, and the exit handler fed a fake exit.
 */
#ifndef CHECKER_DIAGNOSE_H
#define CHECKER_DIAGNOSE_H

#include <stddef.h>

struct vmm_run;

/* A hint for @r, run with @argv, in @hint; "" when there is none. */
void diagnose(const struct vmm_run *r, const char *const *argv, char *hint,
	      size_t len);

#endif /* CHECKER_DIAGNOSE_H */
