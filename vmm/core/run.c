// SPDX-License-Identifier: GPL-2.0
/*
 * The exit loop. KVM_RUN enters the guest and returns at the next exit
 * that KVM hands to user space; exit_dispatch() decides what it means.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include <kvmlab/kernel.h>

#include "core/log.h"
#include "core/run.h"
#include "core/timeout.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* One KVM_RUN, timed: the guest runs until the next exit. */
static int run_until_exit(struct vcpu *vcpu, struct exit_stats *stats)
{
	uint64_t start = now_ns();
	int ret;

	/* BEGIN SOLUTION 1: run the vCPU until its next exit */
	ret = ioctl(vcpu->fd, KVM_RUN, 0);
	/* STUB: ret = todo_stub("KVM_RUN"); */
	/* END SOLUTION */
	/* BEGIN SOLUTION 5: the time inside KVM_RUN, and the call counted */
	stats->ns_in_kvm += now_ns() - start;
	stats->runs++;
	/* STUB: (void)start; */
	/* END SOLUTION */
	return ret;
}

static enum run_result run_loop(struct vcpu *vcpu, struct run_state *state)
{
	const struct run_hook *hook = state->hook;
	enum run_hook_verdict look;
	enum exit_verdict verdict;

	for (;;) {
		if (timeout_expired())
			return RUN_TIMED_OUT;
		if (run_until_exit(vcpu, &state->stats) < 0) {
			/* A signal: the timeout, or one to ignore. */
			if (errno == EINTR || errno == EAGAIN) {
				state->stats.interrupted++;
				look = hook && hook->interrupted ?
				       hook->interrupted(hook->data, vcpu) :
				       RUN_HOOK_PASS;
				if (look == RUN_HOOK_STOP)
					return RUN_ERROR;
				if (look == RUN_HOOK_HALT)
					return RUN_HALTED;
				continue;
			}
			pr_err("KVM_RUN: %s", strerror(errno));
			return RUN_ERROR;
		}
		stats_record_exit(&state->stats, vcpu->run);
		look = hook && hook->exit ? hook->exit(hook->data, vcpu) :
					    RUN_HOOK_PASS;
		if (look == RUN_HOOK_RESUME)
			continue;
		if (look == RUN_HOOK_STOP)
			return RUN_ERROR;
		verdict = exit_dispatch(&state->exit, vcpu->run);
		if (hook && hook->handled &&
		    hook->handled(hook->data, vcpu, verdict) == RUN_HOOK_STOP)
			return RUN_ERROR;
		switch (verdict) {
		case VERDICT_RESUME:
			break;
		case VERDICT_HALT:
			return RUN_HALTED;
		case VERDICT_STOP:
			return RUN_STOPPED;
		}
	}
}

enum run_result run_vcpu(struct vcpu *vcpu, struct vm *vm,
			 struct run_state *state, const struct run_hook *hook)
{
	uint64_t start = now_ns();
	enum run_result result;

	memset(state, 0, sizeof(*state));
	state->hook = hook;
	state->exit.pio = &vm->pio;
	state->exit.mmio = &vm->mmio;
	state->exit.run_size = vcpu->run_size;
	result = run_loop(vcpu, state);
	/* BEGIN SOLUTION 5: the time of the whole run */
	state->stats.ns_total = now_ns() - start;
	/* STUB: (void)start; */
	/* END SOLUTION */
	state->stats.unclaimed_io = vm->pio.unclaimed;
	state->stats.unclaimed_mmio = vm->mmio.unclaimed;
	return result;
}
