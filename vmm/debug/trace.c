// SPDX-License-Identifier: GPL-2.0
/*
 * The exit trace. It only reads: the kvm_run page, after the exit was
 * handled, and RIP. The exit counts of --stats are the same with and
 * without it, as it runs no KVM_RUN of its own.
 */
#include <inttypes.h>

#include <kvmlab/kernel.h>

#include "core/exit.h"
#include "debug/trace.h"

/* Bytes of I/O data shown; a longer string I/O ends with "...". */
#define TRACE_DATA_MAX	16

static void print_data(FILE *out, const uint8_t *data, uint64_t len)
{
	uint64_t i;

	fprintf(out, " data");
	for (i = 0; i < len && i < TRACE_DATA_MAX; i++)
		fprintf(out, " %02x", data[i]);
	if (len > TRACE_DATA_MAX)
		fprintf(out, " ...");
}

static void trace_io(FILE *out, const struct kvm_run *run, size_t run_size)
{
	const uint8_t size = run->io.size;
	const uint32_t count = run->io.count;
	const uint64_t offset = run->io.data_offset;
	const uint64_t len = (uint64_t)size * count;

	fprintf(out, " %s port 0x%x width %u count %u",
		run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
		run->io.port, size, count);
	/* The same bounds as the exit handler's: never past the mapping. */
	if (offset > run_size || len > run_size - offset)
		fprintf(out, " data outside kvm_run");
	else
		print_data(out, (const uint8_t *)run + offset, len);
}

static void trace_mmio(FILE *out, const struct kvm_run *run)
{
	const uint32_t len = run->mmio.len;

	fprintf(out, " %s addr 0x%llx width %u",
		run->mmio.is_write ? "write" : "read",
		(unsigned long long)run->mmio.phys_addr, len);
	if (len <= sizeof(run->mmio.data))
		print_data(out, run->mmio.data, len);
}

void trace_exit(FILE *out, const struct kvm_run *run, size_t run_size,
		uint64_t rip)
{
	fprintf(out, "vmm: trace: %s", exit_reason_name(run->exit_reason));
	if (run->exit_reason == KVM_EXIT_IO)
		trace_io(out, run, run_size);
	else if (run->exit_reason == KVM_EXIT_MMIO)
		trace_mmio(out, run);
	fprintf(out, " rip 0x%" PRIx64 "\n", rip);
}
