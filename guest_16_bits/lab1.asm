; SPDX-License-Identifier: GPL-2.0
;
; ScratchVM Lab 1: the 12-byte program. The VMM loads it at
; LAB1_LOAD_ADDR with AX = 4 and BX = 2; it prints their sum as a digit
; and a newline on COM1, then halts. Afterwards DX = 0x3f8, AX = 10 and
; IP = LAB1_LOAD_ADDR + 12.

%include "layout.inc"

	bits	16
	section	.start

	global	_start
_start:
	mov	dx, COM1_PORT
	add	al, bl
	add	al, '0'
	out	dx, al
	mov	al, 10
	out	dx, al
	hlt
