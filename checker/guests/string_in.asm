; SPDX-License-Identifier: GPL-2.0
; String input: rep insb from COM1's receive buffer into RAM, then the
; buffer back out with rep outsb. KVM may deliver each as one exit with
; io.count > 1, the bytes in the kvm_run page, in either direction.
%include "layout.inc"

COUNT	equ	5

	bits	16
	org	GUEST_IMAGE_ADDR

	cld
	mov	dx, COM1_PORT
	mov	di, buffer
	mov	cx, COUNT
	rep	insb
	mov	dx, DEBUGCON_PORT
	mov	si, buffer
	mov	cx, COUNT
	rep	outsb
	hlt

buffer:	times	COUNT db 0
