/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flat binary for a real-mode guest. LOAD_ADDR is given by the build
 * (see Kbuild): every absolute address in the image is relative to it.
 */
#include <kvmlab/layout.h>

OUTPUT_FORMAT(binary)
OUTPUT_ARCH(i386)
ENTRY(_start)

SECTIONS
{
	. = LOAD_ADDR;
	.start : { *(.start) }
	.text : { *(.text) }
	.rodata : { *(.rodata) }
	.data : { *(.data) }
	/DISCARD/ : { *(.note*) *(.comment) }
}
