/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The crash report: what a guest that died looked like, for a person.
 * After a fatal exit (triple fault, failed entry, internal error, an
 * exit the VMM cannot handle) the VMM prints it on stderr, before the
 * one line that names the exit, unless --no-crash-report.
 */
#ifndef VMM_DEBUG_CRASH_H
#define VMM_DEBUG_CRASH_H

#include <stdio.h>

#include <linux/kvm.h>

#include "core/guest_mem.h"

/*
 * The registers and segments, CR0, CR4, EFER and RFLAGS decoded into
 * their named bits, the CPU mode, the code bytes at RIP, and, with
 * paging on, the page-table walk of RIP and of RSP. Guest memory is
 * read through guest_ptr() only.
 */
void crash_report(FILE *out, const struct guest_mem *mem,
		  const struct kvm_regs *regs, const struct kvm_sregs *sregs);

/* The linear address of RIP (CS base + RIP, IP alone in real mode). */
uint64_t crash_rip_linear(const struct kvm_regs *regs,
			  const struct kvm_sregs *sregs);

#endif /* VMM_DEBUG_CRASH_H */
