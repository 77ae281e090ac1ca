; SPDX-License-Identifier: GPL-2.0
; A foreign guest in long mode at 0x1000, as the kvm-ioctls examples
; load theirs: the image covers where the VMM usually writes its GDT
; and page tables, so the VMM must put them elsewhere. The guest checks
; that CR3 and the GDT are past its end, reloads its segments from that
; GDT, and prints the message kept at its own end (the VMM's tables
; would have overwritten it).
%include "layout.inc"

CODE_SEL	equ	0x08
LOAD_ADDR	equ	0x1000

	bits	64
	org	LOAD_ADDR

	mov	rax, cr3
	cmp	rax, image_end
	jb	fail
	sgdt	[rel gdtr]
	cmp	qword [rel gdtr + 2], image_end
	jb	fail
	mov	ax, ss
	mov	ds, ax
	mov	ss, ax
	push	CODE_SEL
	lea	rax, [rel reloaded]
	push	rax
	retfq
reloaded:
	lea	rsi, [rel message]
	jmp	print
fail:	lea	rsi, [rel wrong]
print:	mov	dx, DEBUGCON_PORT
.next:	lodsb
	test	al, al
	jz	.done
	out	dx, al
	jmp	.next
.done:	hlt

gdtr:	dw	0
	dq	0
wrong:	db	"CR3 or the GDT inside the image", 10, 0
	; past all of [GUEST_GDT_ADDR, GUEST_PT_END)
	times	GUEST_PT_END + 0x800 - LOAD_ADDR - ($ - $$) db 0x90
message: db	"long mode at 0x1000", 10, 0
image_end:
