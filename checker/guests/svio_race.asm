; SPDX-License-Identifier: GPL-2.0
; Under polling, the TX head lives in guest RAM and the VMM's poll
; thread reads it while the guest runs. This guest flips it between a
; valid index and a wild one, as fast as it can: the device must take
; what is valid and fail cleanly (ERR_INDEX, 6) on the rest, never
; reading outside the ring. It prints ERROR once the device has set
; it (the head stays wild), so that the outcome does not depend on how
; fast the poll thread runs on this host.
%include "layout.inc"
%include "simvirtio.mac"

FLIPS	equ	200000
WILD	equ	0x80000000
WAIT_READS	equ	1000000

	bits	64
	org	GUEST_IMAGE_ADDR

	mov	rbx, rdi
	enable_queue 0, TXQ
	mov	byte [TXQ + RING], 'R'		; a harmless command
	mov	ecx, FLIPS
.flip:	mov	dword [TXQ], 1			; head, in RAM
	mov	dword [TXQ], WILD
	loop	.flip
	mov	ecx, WAIT_READS
.wait:	cmp	dword [rbx + ERROR], 0		; an MMIO exit each
	loopz	.wait
	print_reg ERROR, dword
	hlt
