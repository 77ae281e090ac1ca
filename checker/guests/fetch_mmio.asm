; SPDX-License-Identifier: GPL-2.0
; Code that KVM cannot run: a jump to an address with no memory behind
; it. Fetching an instruction from MMIO is an emulation failure.
%include "layout.inc"

HOLE	equ	0x200000

	bits	32
	org	GUEST_IMAGE_ADDR

	jmp	0x08:HOLE
