; SPDX-License-Identifier: GPL-2.0
; Unclaimed MMIO: stores of each width to an address past RAM are
; dropped, and loads read all ones. Prints "all ones" if they did.
%include "layout.inc"

HOLE	equ	0x200000		; past 1 MiB of RAM: no memslot

	bits	32
	org	GUEST_IMAGE_ADDR

	mov	byte [HOLE], 0x11
	mov	word [HOLE], 0x2222
	mov	dword [HOLE], 0x33333333
	mov	al, [HOLE + 8]
	cmp	al, 0xff
	jne	wrong
	mov	ax, [HOLE + 16]
	cmp	ax, 0xffff
	jne	wrong
	mov	eax, [HOLE]
	cmp	eax, 0xffffffff
	jne	wrong
	mov	esi, ok
	jmp	print
wrong:	mov	esi, bad
print:	mov	dx, DEBUGCON_PORT
.next:	lodsb
	test	al, al
	jz	.done
	out	dx, al
	jmp	.next
.done:	hlt

ok:	db	"all ones", 10, 0
bad:	db	"wrong value", 10, 0
