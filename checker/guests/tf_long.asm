; SPDX-License-Identifier: GPL-2.0
; A triple fault in long mode: an empty IDT, then an invalid opcode.
%include "layout.inc"

	bits	64
	org	GUEST_IMAGE_ADDR

	lidt	[rel empty_idt]
	ud2
	hlt

empty_idt:
	dw	0
	dq	0
