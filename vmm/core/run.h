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

struct run_state {
	struct exit_ctx exit;	/* why the last exit stopped the guest */
	struct exit_stats stats;
};

enum run_result run_vcpu(struct vcpu *vcpu, struct vm *vm,
			 struct run_state *state);

#endif /* VMM_RUN_H */
