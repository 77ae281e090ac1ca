; SPDX-License-Identifier: GPL-2.0
;
; The real-mode guest: prints a line on the debug console, then leaves
; 42 in AX and in the word at GUEST_RESULT_ADDR and halts. The VMM
; enters it at GUEST_IMAGE_ADDR with every segment base at 0.

%include "layout.inc"

	bits	16
	section	.start

	global	_start
_start:
	; One OUT per byte: one exit each, on every host. (A "rep outsb"
	; reaches the VMM as one exit on some hosts and as many on
	; others, and the exit counts of this guest are documented.)
	cld
	mov	si, message
	mov	cx, message_len
	mov	dx, DEBUGCON_PORT
.next:	lodsb
	out	dx, al
	loop	.next

	mov	word [GUEST_RESULT_ADDR], GUEST_RESULT_VALUE
	mov	ax, GUEST_RESULT_VALUE
.halt:
	hlt
	jmp	.halt

	section	.rodata
message:
	db	"Hello from real mode!", 10
message_len	equ	$ - message
