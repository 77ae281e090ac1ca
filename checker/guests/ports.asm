; SPDX-License-Identifier: GPL-2.0
; Port I/O of every width and count to ports nobody claims, and string
; I/O across the top of the port space; then a line to say it survived.
%include "layout.inc"

	bits	32
	org	GUEST_IMAGE_ADDR

	cld
	mov	dx, 0x1234
	out	dx, al
	out	dx, ax
	out	dx, eax
	in	al, dx
	in	ax, dx
	in	eax, dx
	mov	dx, 0xffff		; the last port: a 4-byte IN wraps
	in	eax, dx
	out	dx, eax
	mov	dx, 0x5555
	mov	esi, GUEST_IMAGE_ADDR
	mov	ecx, 1000
	rep	outsw
	mov	dx, 0x6666
	mov	edi, buffer
	mov	ecx, 100
	rep	insd
	cmp	dword [buffer + 396], 0xffffffff
	jne	.quiet
	mov	esi, message
	mov	dx, DEBUGCON_PORT
.next:	lodsb
	test	al, al
	jz	.quiet
	out	dx, al
	jmp	.next
.quiet:	hlt

message:	db	"ports survived", 10, 0
	align	4
buffer:		times	400 db 0
