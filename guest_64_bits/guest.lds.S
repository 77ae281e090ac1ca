/* SPDX-License-Identifier: GPL-2.0 */
/* Flat binary for the 64-bit guest, entry function first. */
#include <kvmlab/layout.h>

OUTPUT_FORMAT(binary)
OUTPUT_ARCH(i386:x86-64)
ENTRY(_start)

SECTIONS
{
	. = LOAD_ADDR;
	.start : { *(.start) }
	.text : { *(.text .text.*) }
	.rodata : { *(.rodata .rodata.*) }
	.data : { *(.data .data.*) }
	.bss : { *(.bss .bss.*) *(COMMON) }
	/DISCARD/ : { *(.note*) *(.comment) *(.eh_frame*) }
}
