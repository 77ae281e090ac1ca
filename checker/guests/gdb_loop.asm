; SPDX-License-Identifier: GPL-2.0
; For the gdb stub's breakpoint test: a loop whose second instruction,
; at 0x8004, runs three times (rcx 0, 1, 2 there), then the result.
%include "layout.inc"

	bits	64
	org	GUEST_IMAGE_ADDR

	xor	ecx, ecx		; 0x8000
	nop				; 0x8002
	nop				; 0x8003
again:	inc	ecx			; 0x8004
	cmp	ecx, 3
	jne	again
	mov	eax, 42
	mov	[GUEST_RESULT_ADDR], rax
	hlt
