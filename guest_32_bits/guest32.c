// SPDX-License-Identifier: GPL-2.0
/*
 * The 32-bit guest: the same image runs in flat protected mode and in
 * 32-bit paged mode (identity-mapped), so it reports which one it found.
 */
#include <kvmlab/guest_io.h>
#include <kvmlab/x86.h>

static unsigned long read_cr0(void)
{
	unsigned long cr0;

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	return cr0;
}

/* The entry point, placed first in the image by guest.lds.S. */
void _start(void) __noreturn;

/* Entered by a jump, not a call: realign the stack, as for guest64. */
void __section(".start") __force_align_arg_pointer
_start(void)
{
	if (read_cr0() & X86_CR0_PG)
		debugcon_puts("Hello from 32-bit paged mode!\n");
	else
		debugcon_puts("Hello from 32-bit protected mode!\n");
	halt_with_result();
}
