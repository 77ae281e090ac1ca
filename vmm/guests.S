/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flat guest images, embedded so that vmm/vmm reads no file for its
 * built-in guests. Each image lies between NAME and NAME_end. The
 * build passes each image's absolute path (Kbuild): a relative one
 * would be looked up in the source tree first, stale with O=.
 */
#define GUEST_IMAGE(name, file)		\
	.globl name, name##_end;	\
	.balign 16;			\
name:					\
	.incbin file;			\
name##_end:

	.section .rodata.guests, "a"
GUEST_IMAGE(guest16, GUEST16_BIN)
GUEST_IMAGE(lab1, LAB1_BIN)
GUEST_IMAGE(guest32, GUEST32_BIN)
GUEST_IMAGE(guest64, GUEST64_BIN)
GUEST_IMAGE(serial_in, SERIAL_IN_BIN)
GUEST_IMAGE(mmio, MMIO_BIN)
GUEST_IMAGE(lab2_stub, LAB2_STUB_BIN)
GUEST_IMAGE(lab2_app, LAB2_APP_ELF)
GUEST_IMAGE(lab2_vdso, LAB2_VDSO_SO)

	.section .note.GNU-stack, "", @progbits
