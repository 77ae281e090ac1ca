/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lab 2's processes. Each guest process is its own VM, with its own
 * RAM and vCPU, run by its own host thread: fork copies the parent's
 * RAM into a new VM, execve replaces the program inside the same VM,
 * and a table of processes (pids, parents, groups, exit statuses)
 * lets them wait for and signal each other. They share nothing but
 * what Linux processes share: open files (host descriptors) and pipes.
 */
#ifndef VMM_LAB2_TASK_H
#define VMM_LAB2_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/kvm.h>

#include "lab2/process.h"

/*
 * At most TASK_LIVE_MAX processes run at once (each is a VM): fork
 * says EAGAIN past it. The table has room for their zombies too.
 */
#define TASK_LIVE_MAX		64
#define TASK_MAX		256

/* The first process (pid 1), run by the VMM's main thread. */
int task_add_first(struct process *p);

/* @p has ended: a zombie for its parent, which gets SIGCHLD. */
void task_exit(struct process *p);

/*
 * The first process has ended: wait (within --timeout) for the others
 * that still run, as a shell's caller waits for the end of its output.
 */
void task_end_first(struct process *p);

/* kill(2) from @p: @pid as kill takes it, @sig 0 to only check. */
long task_kill(struct process *p, int64_t pid, int sig, int code);

/*
 * This thread's vCPU, from now on: a kick (another process's signal,
 * an alarm) sets its immediate_exit, so that even a program that
 * makes no syscall leaves KVM_RUN to take the signal.
 */
void task_kick_reaches(struct kvm_run *run);

/* Block until a signal @p can take arrives: pause, sigsuspend. */
void task_wait_signal(struct process *p);

#endif /* VMM_LAB2_TASK_H */
