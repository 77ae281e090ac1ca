; SPDX-License-Identifier: GPL-2.0
; An exit storm: reads of a port nobody claims, as fast as the vCPU can
; go, until the timeout. Each is reported once and counted.
%include "layout.inc"

	bits	32
	org	GUEST_IMAGE_ADDR

	mov	dx, 0x1234
.again:	in	eax, dx
	jmp	.again
