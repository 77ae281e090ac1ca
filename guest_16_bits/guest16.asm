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
	; One "rep outsb" may reach the VMM as a single exit with
	; io.count > 1: it is the string I/O case of the exit loop.
	cld
	mov	si, message
	mov	cx, message_len
	mov	dx, DEBUGCON_PORT
	rep	outsb

	mov	word [GUEST_RESULT_ADDR], GUEST_RESULT_VALUE
	mov	ax, GUEST_RESULT_VALUE
.halt:
	hlt
	jmp	.halt

	section	.rodata
message:
	db	"Hello from real mode!", 10
message_len	equ	$ - message
