/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest memory map and I/O ports: the contract between the VMM and
 * every built-in guest. Only plain "#define NAME value" lines go here,
 * so that the build can turn this file into a nasm include and the
 * linker scripts can include it through cpp.
 *
 *   0x000000  real-mode interrupt vector table (left zero)
 *   0x000400  result slot: the guest stores 42 here (2, 4 or 8 bytes)
 *   0x000500  GDT built by the VMM (protected, paged and long mode)
 *   0x001000  paging structures built by the VMM (paged and long mode),
 *             or the Lab 1 program (real mode, no paging)
 *   0x007000  end of the paging structures; the SIMVIRTIO driver's
 *             device table (0x7000) and queues (0x7100, 0x7200)
 *   0x008000  built-in guest image: load address and entry point
 *   ...       free RAM; the stack grows down from the top of RAM
 *   RAM end   device window (MMIO, no memslot) of GUEST_DEVICE_WINDOW
 */
#ifndef KVMLAB_LAYOUT_H
#define KVMLAB_LAYOUT_H

#define GUEST_RESULT_ADDR	0x400
#define GUEST_RESULT_VALUE	42

#define GUEST_GDT_ADDR		0x500
#define GUEST_GDT_END		0x600

#define GUEST_PT_ADDR		0x1000
#define GUEST_PT_END		0x7000

/* Where the kvmlab SIMVIRTIO driver puts what it shares with the device. */
#define GUEST_SIMVIRTIO_TABLE	0x7000
#define GUEST_SIMVIRTIO_TXQ	0x7100
#define GUEST_SIMVIRTIO_RXQ	0x7200

#define GUEST_IMAGE_ADDR	0x8000
#define LAB1_LOAD_ADDR		0x1000

/* MMIO window that the VMM maps past the end of RAM. */
#define GUEST_DEVICE_WINDOW	0x200000

/*
 * Lab 2: the boot stub's ports. Ports below 0x100 take an immediate
 * operand ("out 0xf0, al"), so the syscall handler clobbers no
 * register that holds an argument.
 */
#define LAB2_PORT_BASE		0xf0
#define LAB2_SYSCALL_PORT	0xf0
#define LAB2_READY_PORT		0xf1
#define LAB2_FAULT_PORT		0xf2
#define LAB2_NR_PORTS		3
/* Lab 2: the stub's ring-3 selectors, RPL 3 included (its GDT has them). */
#define USER_DS			0x2b
#define USER_CS			0x33

/* Port-mapped devices. */
#define DEBUGCON_PORT		0xe9
#define COM1_PORT		0x3f8

#endif /* KVMLAB_LAYOUT_H */
