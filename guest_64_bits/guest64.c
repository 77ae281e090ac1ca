// SPDX-License-Identifier: GPL-2.0
/*
 * The 64-bit guest: long mode, identity-mapped by the VMM. It greets on
 * the debug console, one outb per character. If the VMM attached a
 * SIMVIRTIO device (its window in RDI, the first argument), it then
 * talks to it. It halts with 42 if all went well.
 */
#include <kvmlab/guest_io.h>

#include "simvirtio_driver.h"

void _start(uint64_t device_window) __noreturn;

/*
 * Entered by a jump, not a call: the stack is not aligned as the ABI
 * says a function finds it, so let gcc realign it.
 */
void __section(".start") __force_align_arg_pointer
_start(uint64_t device_window)
{
	debugcon_puts("Hello, world!\n");
	if (device_window && simvirtio_run(device_window))
		for (;;)
			asm volatile("hlt" : : "a"(0));
	halt_with_result();
}
