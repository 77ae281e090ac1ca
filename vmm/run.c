// SPDX-License-Identifier: GPL-2.0
/*
 * The exit loop. KVM_RUN enters the guest and returns at the next exit
 * that KVM hands to user space; exit_dispatch() decides what it means.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "log.h"
#include "run.h"
#include "timeout.h"

enum run_result run_vcpu(struct vcpu *vcpu, struct vm *vm,
			 struct run_state *state)
{
	memset(state, 0, sizeof(*state));
	state->exit.pio = &vm->pio;
	state->exit.mmio = &vm->mmio;
	state->exit.run_size = vcpu->run_size;

	for (;;) {
		if (timeout_expired())
			return RUN_TIMED_OUT;
		state->nr_runs++;
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			/* A signal: the timeout, or one to ignore. */
			if (errno == EINTR || errno == EAGAIN)
				continue;
			pr_err("KVM_RUN: %s", strerror(errno));
			return RUN_ERROR;
		}
		switch (exit_dispatch(&state->exit, vcpu->run)) {
		case EXIT_RESUME:
			break;
		case EXIT_HALT:
			return RUN_HALTED;
		case EXIT_STOP:
			return RUN_STOPPED;
		}
	}
}
