/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Freestanding helpers for the C guests (32- and 64-bit): port I/O, the
 * debug console, and the halt that reports a result to the VMM.
 */
#ifndef KVMLAB_GUEST_IO_H
#define KVMLAB_GUEST_IO_H

#include <stdint.h>

#include "kernel.h"
#include "layout.h"

static inline void outb(uint16_t port, uint8_t value)
{
	asm volatile("outb %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t value;

	asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port) : "memory");
	return value;
}

/* One OUT (one VM exit) per byte: the simplest console there is. */
static inline void debugcon_puts(const char *s)
{
	while (*s)
		outb(DEBUGCON_PORT, (uint8_t)*s++);
}

/*
 * A pointer to a fixed guest physical address. The empty asm hides the
 * constant from gcc, which would otherwise take a store below 4 KiB
 * for a null-pointer dereference (-Warray-bounds).
 */
static inline void *phys_ptr(unsigned long addr)
{
	asm("" : "+r"(addr));
	return (void *)addr;
}

/*
 * Store the result where the VMM checks it, then halt with it in the
 * accumulator. The loop keeps a spurious wake-up from running off.
 */
static inline void __noreturn halt_with_result(void)
{
	unsigned long *result = phys_ptr(GUEST_RESULT_ADDR);

	WRITE_ONCE(*result, GUEST_RESULT_VALUE);
	for (;;)
		asm volatile("hlt" : : "a"(GUEST_RESULT_VALUE) : "memory");
}

#endif /* KVMLAB_GUEST_IO_H */
