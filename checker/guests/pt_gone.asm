; SPDX-License-Identifier: GPL-2.0
; Long mode, then the page tables pulled from under the guest: PML4[0]
; cleared and CR3 reloaded, so that the next instruction fetch faults.
; With an empty IDT that is a triple fault, and the crash report's walk
; of RIP must stop at the PML4 entry, not present.
%include "layout.inc"

	bits	64
	org	GUEST_IMAGE_ADDR

	lidt	[rel empty_idt]
	mov	qword [GUEST_PT_ADDR], 0
	mov	rax, cr3
	mov	cr3, rax
	hlt

empty_idt:
	dw	0
	dq	0
