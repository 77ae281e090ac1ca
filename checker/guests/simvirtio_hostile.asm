; SPDX-License-Identifier: GPL-2.0
; A hostile SIMVIRTIO driver, in long mode. It provokes three device
; errors, each followed by DRIVER_RESET, and prints the ERROR code the
; device reports after each: a queue placed past the end of RAM (4), a
; TX head far outside the ring (6), and a write to MAGIC (2).
%include "layout.inc"
%include "simvirtio.mac"

	bits	64
	org	GUEST_IMAGE_ADDR

	mov	rbx, rdi		; the device window, from the VMM
	mov	dx, DEBUGCON_PORT

	; 1. A queue at the last 8 bytes of RAM: not all of it is RAM.
	mov	byte [rbx + QUEUE_SEL], 0
	lea	rax, [rbx - 8]
	mov	[rbx + QUEUE_ADDR], rax
	mov	byte [rbx + Q0_TX_CTL], 1
	call	report

	; 2. A proper queue, then a head no ring has.
	mov	qword [rbx + QUEUE_ADDR], TXQ
	mov	byte [rbx + Q0_TX_CTL], 1
	mov	dword [rbx + Q0_HEAD], 0xfffffff0
	call	report

	; 3. MAGIC is read-only.
	mov	dword [rbx], 0
	call	report
	hlt

; Print ERROR as a digit on a line, then reset the device.
report:
	mov	eax, [rbx + ERROR]
	add	al, '0'
	out	dx, al
	mov	al, 10
	out	dx, al
	mov	byte [rbx + DRIVER_STATUS], DRIVER_RESET
	ret
