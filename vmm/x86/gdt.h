/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Segment descriptors. KVM takes a vCPU's segment registers as given
 * (the hidden part included), but the guest reloads them from the GDT:
 * a far jump, an iret, "mov ds, ax". So the VMM writes a GDT that
 * holds exactly the segments it loads.
 */
#ifndef VMM_GDT_H
#define VMM_GDT_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/kvm.h>

#include "core/guest_mem.h"

/* Selectors: GDT index << 3, table indicator 0, RPL 0. */
#define GDT_SEL_CODE		0x08
#define GDT_SEL_DATA		0x10
#define GDT_ENTRIES		3	/* null, code, data */

/*
 * A flat 4 GiB segment: code or data (@type), at privilege @dpl; a
 * 64-bit code segment if @code64 (L = 1, D = 0).
 */
void gdt_flat_segment(struct kvm_segment *seg, uint16_t selector,
		      uint8_t type, uint8_t dpl, bool code64);

/* The 8-byte descriptor that loads as @seg (SDM 3A 3.4.5). */
uint64_t gdt_entry(const struct kvm_segment *seg);

/* Write null, code and data descriptors at @gdt; point sregs at it. */
int gdt_install(struct guest_mem *mem, uint64_t gdt,
		struct kvm_sregs *sregs);

#endif /* VMM_GDT_H */
