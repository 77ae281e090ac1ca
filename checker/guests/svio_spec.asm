; SPDX-License-Identifier: GPL-2.0
; docs/simvirtio.md's answers, end to end over the exit transport. A
; compliant driver first, one that takes the choices the kvmlab driver
; does not (RX enabled first, DRIVER_ACK twice, the optional DRIVER,
; three bytes in one notification, a queue enabled again), then a
; flood that meets the device's back-pressure; then one refused access
; per rule, each followed by DRIVER_RESET. checker/test_simvirtio_kvm.c
; lists what each line printed means.
%include "layout.inc"
%include "simvirtio.mac"

FLOOD	equ	20			; "a\n" messages, none read

	bits	64
	org	GUEST_IMAGE_ADDR

	mov	rbx, rdi
	xor	r12d, r12d		; TX head
	xor	r13d, r13d		; RX tail

	; The handshake, with the choices the spec allows.
	mov	word [TABLE], 0
	mov	qword [rbx + DEVTABLE_ADDR], TABLE
	enable_queue 1, RXQ
	enable_queue 0, TXQ
	tx_push	'R', TXQ
	print_reg DEVICE_STATUS, byte		; 0
	mov	byte [rbx + DRIVER_STATUS], DRIVER_ACK
	mov	byte [rbx + DRIVER_STATUS], DRIVER_ACK
	tx_push	'C', TXQ
	print_reg DEVICE_STATUS, byte		; 2
	mov	byte [rbx + DRIVER_STATUS], DRIVER
	print_reg DRIVER_STATUS, byte		; 2
	movzx	eax, word [TABLE]
	print_eax				; 1: one entry,
	cmp	[TABLE + 8], rbx
	print_flag e				; y: the window's GPA
	mov	byte [rbx + DRIVER_STATUS], DRIVER_OK
	print_reg DEVICE_STATUS, byte		; 4

	; Enabled again: the indices stay.
	mov	byte [rbx + Q0_TX_CTL], QUEUE_CTL_ENABLE
	print_reg Q0_TAIL, dword		; 2

	; 'R' and 'C' are data now: "RC\n", in one notification.
	mov	byte [TXQ + RING + 2], 'R'
	mov	byte [TXQ + RING + 3], 'C'
	mov	byte [TXQ + RING + 4], 10
	mov	r12d, 5
	mov	[rbx + Q0_HEAD], r12d
	mov	ecx, 1
	mov	r14d, 1
	call	read_answers			; ACK 3

	; Back-pressure: the device takes 14 messages, then waits.
	mov	ecx, FLOOD
.flood:	tx_push	'a', TXQ
	tx_push	10, TXQ
	loop	.flood
	mov	eax, [rbx + Q0_TAIL]
	sub	eax, 5
	shr	eax, 1
	print_eax				; 14
	mov	ecx, FLOOD
	xor	r14d, r14d
	call	read_answers
	mov	eax, [rbx + Q0_TAIL]
	sub	eax, 5
	print_eax				; 40: all taken, none lost

	; One rule at a time, from power-on.
	mov	byte [rbx + DRIVER_STATUS], DRIVER_RESET
	print_reg RESERVED, dword		; 0: reads 0,
	print_reg ERROR, dword			; 0: and is no error
	mov	eax, [rbx + WINDOW_SIZE]
	cmp	eax, -1
	print_flag e				; y: past the window, nobody,
	print_reg ERROR, dword			; 0: so no device error
	mov	eax, [rbx + CONFIG_SIZE]
	report_and_reset			; 1: in the window, no register
	mov	byte [rbx + DRIVER_STATUS], 0x01
	report_and_reset			; 1: no such driver status
	mov	dword [rbx + RESERVED], 0
	report_and_reset			; 2: the reserved word is R
	mov	qword [rbx + DEVTABLE_ADDR], TABLE
	enable_queue 0, TXQ
	mov	qword [rbx + DEVTABLE_ADDR], TABLE
	report_and_reset			; 7: locked, same value or not
	enable_queue 1, RXQ
	mov	dword [rbx + Q1_TAIL], RING_LEN
	report_and_reset			; 6: checked at the write
	mov	dword [rbx + Q0_HEAD], 1
	report_and_reset			; 3: TX is not enabled
	enable_queue 0, TXQ
	xor	r12d, r12d
	tx_push	'R', TXQ
	tx_push	'C', TXQ
	report_and_reset			; 3: no DRIVER_ACK since the reset

	; A second handshake, the table as the first one left it.
	mov	qword [rbx + DEVTABLE_ADDR], TABLE
	enable_queue 0, TXQ
	xor	r12d, r12d
	tx_push	'R', TXQ
	mov	byte [rbx + DRIVER_STATUS], DRIVER_ACK
	tx_push	'C', TXQ
	movzx	eax, word [TABLE]
	print_eax				; 1: no duplicate
	print_reg DEVICE_STATUS, byte		; 2

	; A wait ends on DEVICE_FAILED: a failed device moves no index.
	mov	dword [rbx + MAGIC], 0
	tx_push	'x', TXQ
.wait:	cmp	[rbx + Q0_TAIL], r12d
	je	.taken
	cmp	byte [rbx + DEVICE_STATUS], DEVICE_FAILED
	jne	.wait
	mov	al, 'F'
	out	DEBUGCON_PORT, al		; F: failed, the wait is over
.taken:	mov	al, 10
	out	DEBUGCON_PORT, al
	print_reg ERROR, dword			; 2
	hlt

; Read ecx answers from RX, each up to its newline, and echo them on
; the console if r14d is not 0.
read_answers:
.poll:	mov	eax, [rbx + Q1_HEAD]
.next:	cmp	r13d, eax
	je	.poll
	mov	dl, [RXQ + RING + r13]
	inc	r13d
	and	r13d, RING_LEN - 1
	mov	[rbx + Q1_TAIL], r13d
	test	r14d, r14d
	jz	.quiet
	xchg	eax, edx
	out	DEBUGCON_PORT, al
	xchg	eax, edx
.quiet:	cmp	dl, 10
	jne	.next
	loop	.next
	ret
