; SPDX-License-Identifier: GPL-2.0
; MMIO of every width, 1 to 8 bytes, to an address nobody claims, in
; long mode: stores dropped, loads all ones.
%include "layout.inc"

HOLE	equ	0x300000		; mapped, past RAM and the window

	bits	64
	org	GUEST_IMAGE_ADDR

	mov	byte [HOLE], 1
	mov	word [HOLE], 2
	mov	dword [HOLE], 3
	mov	qword [HOLE], 4
	mov	rax, [HOLE]
	cmp	rax, -1
	jne	.quiet
	mov	eax, [HOLE + 8]
	cmp	eax, 0xffffffff
	jne	.quiet
	mov	ax, [HOLE + 16]
	cmp	ax, 0xffff
	jne	.quiet
	mov	al, [HOLE + 24]
	cmp	al, 0xff
	jne	.quiet
	lea	rsi, [rel message]
	mov	dx, DEBUGCON_PORT
.next:	lodsb
	test	al, al
	jz	.quiet
	out	dx, al
	jmp	.next
.quiet:	hlt

message:	db	"all ones", 10, 0
