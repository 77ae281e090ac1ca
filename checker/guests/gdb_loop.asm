; SPDX-License-Identifier: GPL-2.0
; For the gdb stub's breakpoint tests: a loop that prints "123" on the
; debug console. The cmp at 0x800c, right after the OUT (whose step
; trap KVM loses here, as the OUT exits to the VMM), runs three times,
; with rcx 1, 2 and 3; then the result, and a hlt at 0x801e that loops,
; as the built-in guests' does.
%include "layout.inc"

	bits	64
	org	GUEST_IMAGE_ADDR

	xor	ecx, ecx		; 0x8000
	nop				; 0x8002
	nop				; 0x8003
again:	inc	ecx			; 0x8004
	mov	al, '0'			; 0x8006
	add	al, cl			; 0x8008
	out	DEBUGCON_PORT, al	; 0x800a
	cmp	ecx, 3			; 0x800c
	jne	again			; 0x800f
	mov	eax, 42			; 0x8011
	mov	[GUEST_RESULT_ADDR], rax	; 0x8016
halt:	hlt				; 0x801e
	jmp	halt
