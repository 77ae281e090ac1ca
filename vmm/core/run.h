/* SPDX-License-Identifier: GPL-2.0 */
/* The exit loop: KVM_RUN until the guest halts or cannot go on. */
#ifndef VMM_RUN_H
#define VMM_RUN_H

#include <stdint.h>

#include "core/exit.h"
#include "core/stats.h"
#include "core/vcpu.h"
#include "core/vm.h"

enum run_result {
	RUN_HALTED,		/* KVM_EXIT_HLT */
	RUN_STOPPED,		/* an exit the guest cannot go on from */
	RUN_TIMED_OUT,		/* --timeout expired */
	RUN_ERROR,		/* KVM_RUN itself failed */
};



/*
 * A look at each exit, for the debugging tools (vmm/debug: --trace,
 * --gdb). exit() runs after the exit is counted, before it is handled:
 * RUN_HOOK_PASS lets the loop go on as usual, RUN_HOOK_RESUME says the
 * exit was the hook's (a debug exit) and runs the vCPU again, and
 * RUN_HOOK_STOP ends the run (RUN_ERROR). handled() runs after the
 * exit handler, with its verdict, and may end the run the same way.
 * interrupted() runs when a signal made KVM_RUN return EINTR: Lab 2
 * delivers a signal to a program busy in ring 3 there, and says
 * RUN_HOOK_HALT if that ended it (RUN_HALTED). Any may be NULL.
 */
enum run_hook_verdict {
	RUN_HOOK_PASS,
	RUN_HOOK_RESUME,
	RUN_HOOK_STOP,
	RUN_HOOK_HALT,		/* interrupted() only: the guest is done */
};

struct run_hook {
	enum run_hook_verdict (*exit)(void *data, struct vcpu *vcpu);
	enum run_hook_verdict (*handled)(void *data, struct vcpu *vcpu,
					 enum exit_verdict verdict);
	enum run_hook_verdict (*interrupted)(void *data, struct vcpu *vcpu);
	void *data;
};

struct run_state {
	struct exit_ctx exit;	/* why the last exit stopped the guest */
	struct exit_stats stats;
	const struct run_hook *hook;	/* NULL: no debugging tool looks */
};

/* @hook may be NULL: no debugging tool looks. */
enum run_result run_vcpu(struct vcpu *vcpu, struct vm *vm,
			 struct run_state *state,
			 const struct run_hook *hook);

#endif /* VMM_RUN_H */
