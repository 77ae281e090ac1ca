; SPDX-License-Identifier: GPL-2.0
; Segment reloads in protected mode: each reads the GDT the VMM wrote,
; so each works only if that GDT matches the segments KVM was given.
%include "layout.inc"

CODE_SEL	equ	0x08

	bits	32
	org	GUEST_IMAGE_ADDR

	mov	ax, ds
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	jmp	CODE_SEL:reloaded	; a far jump reloads CS
reloaded:
	mov	dx, DEBUGCON_PORT
	mov	al, 'o'
	out	dx, al
	mov	al, 'k'
	out	dx, al
	mov	al, 10
	out	dx, al
	hlt
