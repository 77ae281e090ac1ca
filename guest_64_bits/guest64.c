// SPDX-License-Identifier: GPL-2.0
/*
 * The 64-bit guest: long mode, identity-mapped by the VMM. It greets on
 * the debug console, one outb per character, and halts with 42.
 */
#include <kvmlab/guest_io.h>

void __attribute__((section(".start"), noreturn)) _start(void)
{
	debugcon_puts("Hello, world!\n");
	halt_with_result();
}
