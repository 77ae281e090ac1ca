; SPDX-License-Identifier: GPL-2.0
; COM1 input: poll the line status register, read each byte from the
; receive buffer and echo it upper-cased, until a newline.
%include "layout.inc"

UART_LSR	equ	5
UART_LSR_DR	equ	1

	bits	16
	org	GUEST_IMAGE_ADDR

next:
	mov	dx, COM1_PORT + UART_LSR
poll:	in	al, dx
	test	al, UART_LSR_DR
	jz	poll
	mov	dx, COM1_PORT
	in	al, dx
	cmp	al, 'a'
	jb	echo
	cmp	al, 'z'
	ja	echo
	sub	al, 'a' - 'A'
echo:	out	dx, al
	cmp	al, 10
	jne	next
	hlt
