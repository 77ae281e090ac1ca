; SPDX-License-Identifier: GPL-2.0
; MMIO from real mode, both ways: stores of two widths and loads of two
; widths to the window past 1 MiB of RAM (0xffff:0x10 is 0x100000),
; where nobody listens. Each exit must reach the bus with its address,
; width and direction; the loads read all ones. Prints "ok" if they do.
%include "layout.inc"

WINDOW_SEG	equ	0xffff		; 0xffff0 + 0x10 = 0x100000

	bits	16
	org	GUEST_IMAGE_ADDR

	mov	ax, WINDOW_SEG
	mov	es, ax
	mov	word [es:0x10], 0x1234		; write 2 bytes at 0x100000
	mov	byte [es:0x18], 0x56		; write 1 byte at 0x100008
	mov	al, [es:0x20]			; read 1 byte at 0x100010
	cmp	al, 0xff
	jne	wrong
	mov	ax, [es:0x30]			; read 2 bytes at 0x100020
	cmp	ax, 0xffff
	jne	wrong
	mov	si, ok
	jmp	print
wrong:	mov	si, bad
print:	mov	dx, DEBUGCON_PORT
.next:	lodsb
	test	al, al
	jz	.done
	out	dx, al
	jmp	.next
.done:	hlt

ok:	db	"ok", 10, 0
bad:	db	"wrong value", 10, 0
