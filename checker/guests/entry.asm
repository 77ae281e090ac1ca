; SPDX-License-Identifier: GPL-2.0
; --entry: the image starts with a trap; the real code is at +0x10.
%include "layout.inc"

	bits	16
	org	GUEST_IMAGE_ADDR

	ud2
	times	0x10 - ($ - $$) db 0x90
	mov	dx, DEBUGCON_PORT
	mov	al, 'E'
	out	dx, al
	mov	al, 10
	out	dx, al
	hlt
