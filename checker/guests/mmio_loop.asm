; SPDX-License-Identifier: GPL-2.0
; An exit storm over MMIO: writes and reads past RAM, until the timeout.
%include "layout.inc"

HOLE	equ	0x200000

	bits	32
	org	GUEST_IMAGE_ADDR

.again:	mov	[HOLE], eax
	mov	eax, [HOLE + 4]
	jmp	.again
