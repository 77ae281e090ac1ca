; SPDX-License-Identifier: GPL-2.0
; A foreign guest in 32-bit paged mode at 0x1000 (see low_long.asm):
; CR3 and the GDT must be past its end, its segments reload from that
; GDT, and the message at its own end is intact.
%include "layout.inc"

CODE_SEL	equ	0x08
LOAD_ADDR	equ	0x1000

	bits	32
	org	LOAD_ADDR

	mov	eax, cr3
	cmp	eax, image_end
	jb	fail
	sgdt	[gdtr]
	cmp	dword [gdtr + 2], image_end
	jb	fail
	mov	ax, ds
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	jmp	CODE_SEL:reloaded	; a far jump reloads CS
reloaded:
	mov	esi, message
	jmp	print
fail:	mov	esi, wrong
print:	mov	dx, DEBUGCON_PORT
.next:	lodsb
	test	al, al
	jz	.done
	out	dx, al
	jmp	.next
.done:	hlt

gdtr:	dw	0
	dd	0
wrong:	db	"CR3 or the GDT inside the image", 10, 0
	times	GUEST_PT_END + 0x800 - LOAD_ADDR - ($ - $$) db 0x90
message: db	"paged mode at 0x1000", 10, 0
image_end:
