/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What one VM exit means. exit_dispatch() is a pure function of the
 * kvm_run page and the buses: the tests feed it fake exits, no KVM.
 */
#ifndef VMM_EXIT_H
#define VMM_EXIT_H

#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>

#include "core/bus.h"

enum exit_verdict {
	VERDICT_RESUME,		/* handled: run the vCPU again */
	VERDICT_HALT,		/* the guest halted: the run is over */
	VERDICT_STOP,		/* the guest cannot go on: ctx->error says why */
};

struct exit_ctx {
	struct bus *pio;
	struct bus *mmio;
	size_t run_size;	/* bytes of the kvm_run mapping */
	const char *error;	/* set with VERDICT_STOP */
};

enum exit_verdict exit_dispatch(struct exit_ctx *ctx, struct kvm_run *run);

const char *exit_reason_name(uint32_t reason);
/* One line about an exit that stopped the guest, for the user. */
void exit_describe(const struct exit_ctx *ctx, const struct kvm_run *run,
		   char *buf, size_t len);

#endif /* VMM_EXIT_H */
