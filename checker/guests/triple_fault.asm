; SPDX-License-Identifier: GPL-2.0
; A triple fault: an empty IDT, then an invalid opcode. #UD finds no
; gate, nor does the #GP and #DF that follow: the CPU shuts down.
%include "layout.inc"
	bits	32
	org	GUEST_IMAGE_ADDR

	lidt	[empty_idt]
	ud2
	hlt

empty_idt:
	dw	0			; limit: no gates at all
	dd	0			; base
