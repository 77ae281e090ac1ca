; SPDX-License-Identifier: GPL-2.0
; The usual 16550 initialisation (as the OSDev wiki and Linux's 8250
; driver do it): divisor latch, line settings, FIFO, then a loopback
; self-test. Neither the divisor nor the test byte may reach stdout,
; nor may the test eat a byte of stdin. Then echo one line of input.
%include "layout.inc"

IER	equ	1
FCR	equ	2
LCR	equ	3
MCR	equ	4
LSR	equ	5
MSR	equ	6
DLAB	equ	0x80
MCR_LOOP	equ	0x10

	bits	16
	org	GUEST_IMAGE_ADDR

	mov	dx, COM1_PORT + IER
	mov	al, 0
	out	dx, al
	mov	dx, COM1_PORT + LCR
	mov	al, DLAB
	out	dx, al
	mov	dx, COM1_PORT		; divisor 3: 38400 baud
	mov	al, 3
	out	dx, al
	mov	dx, COM1_PORT + IER
	mov	al, 0
	out	dx, al
	mov	dx, COM1_PORT + LCR	; 8N1, DLAB off
	mov	al, 3
	out	dx, al
	mov	dx, COM1_PORT + FCR
	mov	al, 0xc7
	out	dx, al
	mov	dx, COM1_PORT + MCR	; loopback, RTS, OUT1, OUT2
	mov	al, MCR_LOOP | 0x0e
	out	dx, al
	mov	dx, COM1_PORT
	mov	al, 0xae
	out	dx, al
	in	al, dx
	cmp	al, 0xae
	jne	faulty
	mov	dx, COM1_PORT + MSR	; RTS comes back as CTS
	in	al, dx
	test	al, 0x10
	jz	faulty
	mov	dx, COM1_PORT + MCR	; normal operation
	mov	al, 0x0f
	out	dx, al

next:	mov	dx, COM1_PORT + LSR
poll:	in	al, dx
	test	al, 1
	jz	poll
	mov	dx, COM1_PORT
	in	al, dx
	out	dx, al
	cmp	al, 10
	jne	next
	hlt

faulty:	mov	dx, DEBUGCON_PORT
	mov	al, '!'
	out	dx, al
	hlt
