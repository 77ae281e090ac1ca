// SPDX-License-Identifier: GPL-2.0
/*
 * The exit handler: one switch on the exit reason. Port I/O goes to the
 * port bus, MMIO to the MMIO bus, HLT ends the run, and everything else
 * stops the guest with a reason the user can act on.
 */
#include <stdbool.h>
#include <stdio.h>

#include <kvmlab/kernel.h>

#include "core/entry_failure.h"
#include "core/exit.h"

/* The exit reasons a user can meet here, each name written once. */
#define EXIT_NAME(reason) \
	[reason] = #reason

static const char *const exit_names[] = {
	EXIT_NAME(KVM_EXIT_UNKNOWN),
	EXIT_NAME(KVM_EXIT_EXCEPTION),
	EXIT_NAME(KVM_EXIT_IO),
	EXIT_NAME(KVM_EXIT_HYPERCALL),
	EXIT_NAME(KVM_EXIT_DEBUG),
	EXIT_NAME(KVM_EXIT_HLT),
	EXIT_NAME(KVM_EXIT_MMIO),
	EXIT_NAME(KVM_EXIT_IRQ_WINDOW_OPEN),
	EXIT_NAME(KVM_EXIT_SHUTDOWN),
	EXIT_NAME(KVM_EXIT_FAIL_ENTRY),
	EXIT_NAME(KVM_EXIT_INTR),
	EXIT_NAME(KVM_EXIT_SET_TPR),
	EXIT_NAME(KVM_EXIT_TPR_ACCESS),
	EXIT_NAME(KVM_EXIT_NMI),
	EXIT_NAME(KVM_EXIT_INTERNAL_ERROR),
	EXIT_NAME(KVM_EXIT_SYSTEM_EVENT),
	EXIT_NAME(KVM_EXIT_X86_RDMSR),
	EXIT_NAME(KVM_EXIT_X86_WRMSR),
};
#undef EXIT_NAME

/*
 * BEGIN SOLUTION 1: helpers for the TODOs of handle_io() and
 * handle_mmio() below, if you want them (or do their work there): port
 * I/O elements are 1, 2 or 4 bytes; and what a bus result means for
 * the run, the same on both exit paths: negative is a device error
 * (VERDICT_STOP, with ctx->error naming it), BUS_STOP means the device
 * ended the run (Lab 2's exit: VERDICT_HALT), BUS_OK goes on.
 */
static bool io_size_ok(uint8_t size)
{
	return size == 1 || size == 2 || size == 4;
}

static enum exit_verdict bus_verdict(struct exit_ctx *ctx, int ret,
				     const char *error)
{
	if (ret < 0) {
		ctx->error = error;
		return VERDICT_STOP;
	}
	return ret == BUS_STOP ? VERDICT_HALT : VERDICT_RESUME;
}

/* END SOLUTION */
/*
 * Port I/O: "count" elements of "size" bytes (count > 1 for rep
 * ins/outs), each handed to the port bus in order, until a device ends
 * the run or fails (enum bus_result, core/bus.h).
 */
static enum exit_verdict handle_io(struct exit_ctx *ctx, struct kvm_run *run)
{
	/*
	 * BEGIN SOLUTION 1: port I/O, to the port bus. Pitfalls: the bytes
	 * are in the kvm_run mapping at data_offset, not in run->io; read
	 * each field once, and refuse a size other than 1, 2 or 4, or data
	 * not all inside ctx->run_size, before touching a byte.
	 */
	const bool is_write = run->io.direction == KVM_EXIT_IO_OUT;
	const uint8_t size = run->io.size;
	const uint16_t port = run->io.port;
	const uint32_t count = run->io.count;
	const uint64_t offset = run->io.data_offset;
	uint8_t *data = (uint8_t *)run;
	uint32_t i;

	if (!io_size_ok(size) || count == 0 || offset > ctx->run_size ||
	    (uint64_t)size * count > ctx->run_size - offset) {
		ctx->error = "malformed port I/O exit";
		return VERDICT_STOP;
	}
	for (i = 0; i < count; i++) {
		int ret = bus_access(ctx->pio, port, data + offset + i * size,
				     size, is_write);

		if (ret != BUS_OK)
			return bus_verdict(ctx, ret, "port device error");
	}
	return VERDICT_RESUME;
	/* STUB: ctx->error = "not implemented yet: port I/O (exit.c)"; */
	/* STUB: return VERDICT_STOP; */
	/* END SOLUTION */
}

static enum exit_verdict handle_mmio(struct exit_ctx *ctx,
				     struct kvm_run *run)
{
	/*
	 * BEGIN SOLUTION 1: the access goes to the MMIO bus whole, and the
	 * device's result decides the run as on the port path. Pitfall:
	 * read len once, and refuse 0 or more than sizeof(run->mmio.data).
	 */
	const uint32_t len = run->mmio.len;
	int ret;

	if (len == 0 || len > sizeof(run->mmio.data)) {
		ctx->error = "malformed MMIO exit";
		return VERDICT_STOP;
	}
	ret = bus_access(ctx->mmio, run->mmio.phys_addr, run->mmio.data, len,
			 run->mmio.is_write);
	return bus_verdict(ctx, ret, "MMIO device error");
	/* STUB: ctx->error = "not implemented yet: MMIO (exit.c)"; */
	/* STUB: return VERDICT_STOP; */
	/* END SOLUTION */
}

enum exit_verdict exit_dispatch(struct exit_ctx *ctx, struct kvm_run *run)
{
	ctx->error = NULL;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		return handle_io(ctx, run);
	case KVM_EXIT_MMIO:
		return handle_mmio(ctx, run);
	case KVM_EXIT_HLT:
		/* BEGIN SOLUTION 1: a halt ends the run */
		return VERDICT_HALT;
		/* STUB: ctx->error = "not implemented yet: HLT (exit.c)"; */
		/* STUB: return VERDICT_STOP; */
		/* END SOLUTION */
	case KVM_EXIT_SHUTDOWN:
		ctx->error = "triple fault: an exception the guest could not handle";
		return VERDICT_STOP;
	case KVM_EXIT_FAIL_ENTRY:
		ctx->error = "the vCPU state is invalid for VM entry";
		return VERDICT_STOP;
	case KVM_EXIT_INTERNAL_ERROR:
		ctx->error = "KVM could not go on with the guest";
		return VERDICT_STOP;
	default:
		ctx->error = "an exit this VMM does not handle";
		return VERDICT_STOP;
	}
}

const char *exit_reason_name(uint32_t reason)
{
	if (reason < ARRAY_SIZE(exit_names) && exit_names[reason])
		return exit_names[reason];
	return "KVM_EXIT_?";
}

static const char *internal_error_name(uint32_t suberror)
{
	switch (suberror) {
	case KVM_INTERNAL_ERROR_EMULATION:
		return "emulation failure: an instruction KVM cannot emulate";
	case KVM_INTERNAL_ERROR_SIMUL_EX:
		return "an exception while delivering an exception";
	case KVM_INTERNAL_ERROR_DELIVERY_EV:
		return "an event could not be delivered";
	case KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON:
		return "unexpected exit reason from the hardware";
	default:
		return "unknown internal error";
	}
}

void exit_describe(const struct exit_ctx *ctx, const struct kvm_run *run,
		   char *buf, size_t len)
{
	const char *name = exit_reason_name(run->exit_reason);
	char reason[160];

	switch (run->exit_reason) {
	case KVM_EXIT_FAIL_ENTRY:
		entry_failure_describe(run->fail_entry
				       .hardware_entry_failure_reason,
				       reason, sizeof(reason));
		snprintf(buf, len, "%s (%s)", name, reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(buf, len, "%s (suberror %u: %s)", name,
			 run->internal.suberror,
			 internal_error_name(run->internal.suberror));
		break;
	default:
		snprintf(buf, len, "%s (%s)", name,
			 ctx->error ? ctx->error : "no error");
	}
}
