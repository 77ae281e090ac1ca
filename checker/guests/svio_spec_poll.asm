; SPDX-License-Identifier: GPL-2.0
; docs/simvirtio.md's answers that only the polling transport shows,
; end to end: the exit transport's words are no registers, bytes
; pushed before the enable are never seen, a wait ends on
; DEVICE_FAILED, and a wild RX tail is found when RX fills. Each case
; but the last ends with DRIVER_RESET. checker/test_simvirtio_kvm.c
; lists what each line printed means.
%include "layout.inc"
%include "simvirtio.mac"

WILD	equ	1000

; Push byte %1 on TX, head in r12d and in RAM.
%macro poll_push 1
	mov	byte [TXQ + RING + r12], %1
	inc	r12d
	and	r12d, RING_LEN - 1
	mov	[TXQ + HEAD], r12d
%endmacro

	bits	64
	org	GUEST_IMAGE_ADDR

	mov	rbx, rdi

	; Under polling, 0x28-0x37 refuse reads too.
	mov	eax, [rbx + Q1_HEAD]
	cmp	eax, -1
	print_flag e				; y: all ones
	report_and_reset			; 1

	; A 'R' pushed before the enable: the enable resets head, so the
	; 'C' that follows comes before any 'R'.
	mov	byte [TXQ + RING], 'R'
	mov	dword [TXQ + HEAD], 1
	mov	qword [rbx + DEVTABLE_ADDR], TABLE
	enable_queue 0, TXQ
	mov	eax, [TXQ + HEAD]
	print_eax				; 0
	mov	byte [rbx + DRIVER_STATUS], DRIVER_ACK
	xor	r12d, r12d
	poll_push 'C'
	call	wait_taken
	report_and_reset			; 3

	; A failed device takes nothing: the wait ends on DEVICE_FAILED.
	mov	qword [rbx + DEVTABLE_ADDR], TABLE
	enable_queue 0, TXQ
	mov	dword [rbx + MAGIC], 0
	xor	r12d, r12d
	poll_push 'R'
	call	wait_taken
	cmp	byte [rbx + DEVICE_STATUS], DEVICE_FAILED
	print_flag e				; y: the wait ended,
	mov	eax, [TXQ + TAIL]
	print_eax				; 0: nothing taken
	report_and_reset			; 2

	; The handshake, then a wild RX tail in RAM.
	mov	word [TABLE], 0
	mov	qword [rbx + DEVTABLE_ADDR], TABLE
	enable_queue 0, TXQ
	enable_queue 1, RXQ
	xor	r12d, r12d
	poll_push 'R'
	call	wait_taken
	mov	byte [rbx + DRIVER_STATUS], DRIVER_ACK
	poll_push 'C'
	call	wait_taken
	mov	byte [rbx + DRIVER_STATUS], DRIVER_OK
	mov	dword [RXQ + TAIL], WILD
	mov	ecx, 10				; 60 bytes of answers
.fill:	poll_push 'a'
	poll_push 10
	loop	.fill
	call	wait_taken
	print_reg ERROR, dword			; 0: RX is not full yet
	poll_push 'a'
	poll_push 10
	call	wait_taken
	print_reg ERROR, dword			; 6: full, so tail was read
	hlt

; Wait until the device took all of TX, or failed.
wait_taken:
	cmp	[TXQ + TAIL], r12d
	je	.done
	cmp	byte [rbx + DEVICE_STATUS], DEVICE_FAILED
	jne	wait_taken
.done:	ret
