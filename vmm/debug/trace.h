/* SPDX-License-Identifier: GPL-2.0 */
/* --trace: one line per VM exit, after the VMM handled it. */
#ifndef VMM_DEBUG_TRACE_H
#define VMM_DEBUG_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/kvm.h>

/*
 * "vmm: trace: KVM_EXIT_IO out port 0xe9 width 1 count 1 data 48 rip
 * 0x8005": the reason; for port I/O the direction, port, element width,
 * count and data; for MMIO the direction, address, width and data; and
 * RIP. The data of an IN or an MMIO read is what the device answered.
 * @run_size bounds the data read from the kvm_run mapping, as the exit
 * handler does. Pure: the tests feed it fake exits.
 */
void trace_exit(FILE *out, const struct kvm_run *run, size_t run_size,
		uint64_t rip);

#endif /* VMM_DEBUG_TRACE_H */
