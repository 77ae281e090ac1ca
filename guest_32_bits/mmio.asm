; SPDX-License-Identifier: GPL-2.0
;
; MMIO (the kvm-ioctls "simple_mm" example), in protected mode: a store
; to and a load from the device window past RAM, whose address the VMM
; gives in EDI. Each is an MMIO exit: the VMM logs it, and its page of
; registers gives back what was stored. One write to a page of RAM,
; for --dirty-log to find; then the result, 42.
%include "layout.inc"

PATTERN		equ	0x12345678
DATA_PAGE	equ	0x9000

	bits	32
	section	.start

	global	_start
_start:
	mov	dword [edi], PATTERN
	mov	eax, [edi]
	mov	esi, ok
	cmp	eax, PATTERN
	je	.report
	mov	esi, wrong
.report:
	mov	dx, DEBUGCON_PORT
.next:	lodsb
	test	al, al
	jz	.done
	out	dx, al
	jmp	.next
.done:	mov	byte [DATA_PAGE], 1
	mov	dword [GUEST_RESULT_ADDR], GUEST_RESULT_VALUE
	mov	eax, GUEST_RESULT_VALUE
	hlt

	section	.rodata
ok:	db	"mmio: read back what was written", 10, 0
wrong:	db	"mmio: read back something else", 10, 0
