; SPDX-License-Identifier: GPL-2.0
; Segment reloads in long mode: a data-segment load and a far return
; that reloads CS from the GDT the VMM wrote (a 64-bit code segment).
%include "layout.inc"

CODE_SEL	equ	0x08

	bits	64
	org	GUEST_IMAGE_ADDR

	mov	ax, ss
	mov	ds, ax
	mov	ss, ax
	push	CODE_SEL
	lea	rax, [rel reloaded]
	push	rax
	retfq
reloaded:
	mov	dx, DEBUGCON_PORT
	mov	al, 'o'
	out	dx, al
	mov	al, 'k'
	out	dx, al
	mov	al, 10
	out	dx, al
	hlt
