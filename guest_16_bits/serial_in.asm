; SPDX-License-Identifier: GPL-2.0
;
; COM1 input (the kvm-ioctls "simple_in" example): poll the line status
; register, read each byte from the receive buffer, and echo it
; upper-cased, until a newline. Each IN is an exit whose data the VMM
; fills in, from standard input.
%include "layout.inc"

UART_LSR	equ	5
UART_LSR_DR	equ	1

	bits	16
	section	.start

	global	_start
_start:
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
