; SPDX-License-Identifier: GPL-2.0
; A guest that prints forever: with nobody reading, the VMM blocks in
; its writes, outside KVM_RUN, where only the timeout's backstop helps.
%include "layout.inc"

	bits	32
	org	GUEST_IMAGE_ADDR

	mov	dx, DEBUGCON_PORT
.next:	mov	al, 'x'
	out	dx, al
	jmp	.next
