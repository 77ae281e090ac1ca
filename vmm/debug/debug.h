/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The debugging tools around a run: the crash report (on by default),
 * --trace and --gdb. The exit loop sees them through one struct
 * run_hook; the command line fills struct debug_config.
 */
#ifndef VMM_DEBUG_DEBUG_H
#define VMM_DEBUG_DEBUG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/run.h"
#include "debug/gdb.h"

struct debug_config {
	bool trace;		/* --trace */
	bool no_crash_report;	/* --no-crash-report */
	uint16_t gdb_port;	/* --gdb PORT, or 0 */
};

struct debug_session {
	const struct debug_config *cfg;
	struct vcpu *vcpu;
	const struct guest_mem *mem;
	FILE *out;		/* the trace and the report: stderr */
	struct gdb_stub gdb;
	bool gdb_on;
	struct run_hook hook;
};

/*
 * Before the run: with --gdb, listen and wait for gdb at the first
 * instruction. 0: run; -1: cannot listen (one line said why); 1: gdb
 * killed the guest before it ran.
 */
int debug_start(struct debug_session *d, const struct debug_config *cfg,
		struct vcpu *vcpu, const struct guest_mem *mem, FILE *out);

/* What the exit loop calls, or NULL if neither --trace nor --gdb. */
const struct run_hook *debug_hook(struct debug_session *d);

/* A fatal exit: the crash report (unless --no-crash-report). */
void debug_crash(struct debug_session *d, const struct kvm_regs *regs,
		 const struct kvm_sregs *sregs);

/* After the run: gdb hears how it ended; the socket closes. */
void debug_end(struct debug_session *d, bool halted, int status);

#endif /* VMM_DEBUG_DEBUG_H */
