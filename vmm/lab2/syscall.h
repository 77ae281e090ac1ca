/* SPDX-License-Identifier: GPL-2.0 */
/* Lab 2's syscalls, answered by the VMM on the host's behalf. */
#ifndef VMM_SYSCALL_H
#define VMM_SYSCALL_H

#include <stdint.h>

#include "lab2/process.h"

#define SYSCALL_NR_ARGS		6

/*
 * One syscall of @p: the number and arguments as the registers held
 * them. Returns the result, or a negative errno, as Linux does; sets
 * p->exited for exit and exit_group.
 */
long syscall_dispatch(struct process *p, uint64_t nr,
		      const uint64_t args[SYSCALL_NR_ARGS]);

/* The stub's syscall port: read the registers, answer, return. */
int syscall_handle(struct process *p);

/* The x86-64 name of syscall @nr ("prctl"), or NULL. */
const char *syscall_name(uint64_t nr);

/* At the end of the run: each unanswered syscall once, with its count. */
void syscall_report_unanswered(const struct process *p);

#endif /* VMM_SYSCALL_H */
