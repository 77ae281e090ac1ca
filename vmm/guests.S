/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flat guest images, embedded so that vmm/vmm reads no file for its
 * built-in guests. Each image lies between NAME and NAME_end.
 */
#define GUEST_IMAGE(name, file)		\
	.globl name, name##_end;	\
	.balign 16;			\
name:					\
	.incbin file;			\
name##_end:

	.section .rodata.guests, "a"
GUEST_IMAGE(guest16, "guest_16_bits/guest16.bin")
GUEST_IMAGE(lab1, "guest_16_bits/lab1.bin")
GUEST_IMAGE(guest32, "guest_32_bits/guest32.bin")
GUEST_IMAGE(guest64, "guest_64_bits/guest64.bin")

	.section .note.GNU-stack, "", @progbits
