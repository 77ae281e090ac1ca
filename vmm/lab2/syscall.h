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

/* The guest memory [addr, addr + len), or NULL: the one check. */
void *user_buf(struct process *p, uint64_t addr, uint64_t len);

#endif /* VMM_SYSCALL_H */
