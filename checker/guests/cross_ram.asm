; SPDX-License-Identifier: GPL-2.0
; String I/O across the end of RAM (1 MiB): rep outsb reads the last
; 8 bytes of RAM and 56 bytes of MMIO (all ones); rep insb writes past
; RAM, where the writes are dropped.
%include "layout.inc"

RAM_END	equ	0x100000

	bits	32
	org	GUEST_IMAGE_ADDR

	cld
	mov	esi, RAM_END - 8
	mov	ecx, 64
	mov	dx, DEBUGCON_PORT
	rep	outsb
	mov	edi, RAM_END - 8
	mov	ecx, 64
	mov	dx, COM1_PORT
	rep	insb
	hlt
