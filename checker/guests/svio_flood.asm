; SPDX-License-Identifier: GPL-2.0
; A SIMVIRTIO driver that completes the handshake over VM exits, then
; floods the device with notifications that bring nothing new, then
; changes the configuration after DRIVER_OK. It prints the device's
; status after the handshake (4, ready), its ERROR after the flood (0),
; and ERROR after the change (7, ERR_CONFIG_LOCKED).
%include "layout.inc"
%include "simvirtio.mac"

NOTIFICATIONS	equ	20000

	bits	64
	org	GUEST_IMAGE_ADDR

	mov	rbx, rdi
	mov	qword [rbx + DEVTABLE_ADDR], TABLE
	enable_queue 0, TXQ
	enable_queue 1, RXQ
	mov	byte [TXQ + RING], 'R'
	mov	dword [rbx + Q0_HEAD], 1
	mov	byte [rbx + DRIVER_STATUS], 0	; DRIVER_ACK
	mov	byte [TXQ + RING + 1], 'C'
	mov	dword [rbx + Q0_HEAD], 2
	mov	byte [rbx + DRIVER_STATUS], 4	; DRIVER_OK
	print_reg DEVICE_STATUS, byte

	mov	ecx, NOTIFICATIONS
.flood:	mov	dword [rbx + Q0_HEAD], 2	; nothing new
	loop	.flood
	print_reg ERROR, dword

	mov	byte [rbx + QUEUE_SEL], 0
	mov	qword [rbx + QUEUE_ADDR], 0x100
	print_reg ERROR, dword
	hlt
