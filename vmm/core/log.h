/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Diagnostics and exit statuses. The guest's own output goes to
 * standard output; everything the VMM says goes to standard error as
 * one line that starts with "vmm: ".
 */
#ifndef VMM_LOG_H
#define VMM_LOG_H

#include <stdio.h>

#define pr_err(fmt, ...)  fprintf(stderr, "vmm: " fmt "\n", ##__VA_ARGS__)
#define pr_warn(fmt, ...) fprintf(stderr, "vmm: warning: " fmt "\n", \
				  ##__VA_ARGS__)

/*
 * What a stub in a student skeleton calls (tools/skel): it says which
 * step is still to write and in which file (from __FILE__, so the name
 * cannot go stale when a file moves), and ends the VMM there with
 * VMM_SETUP_ERROR. It never returns, so that a stub prints one line:
 * no caller goes on to blame what the missing step left undone. It is
 * declared to return an int so that a stub stands where the call it
 * replaces returned one (not __noreturn: code after a stub is the
 * student's to write, and checkers would call it unreachable).
 */
#define todo_stub(step) __todo_stub(step, __FILE__)
int __todo_stub(const char *step, const char *file);

/* Exit statuses of vmm/vmm, documented in --help and the README. */
enum vmm_status {
	VMM_OK = 0,		/* the guest halted and passed its checks */
	VMM_GUEST_FAILED = 1,	/* wrong result, shutdown, unhandled exit */
	VMM_SETUP_ERROR = 2,	/* bad usage or input, KVM set-up failed */
	VMM_UNSUPPORTED = 77,	/* this host's KVM cannot run the mode */
	VMM_TIMEOUT = 124,	/* --timeout expired (as timeout(1)) */
};

#endif /* VMM_LOG_H */
