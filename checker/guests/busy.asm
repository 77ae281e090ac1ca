; SPDX-License-Identifier: GPL-2.0
; A guest that computes for a while without an exit, then halts: its
; time is spent inside KVM_RUN (about 0.1 s on nested KVM, far less on
; bare metal).
%include "layout.inc"

ROUNDS	equ	100000

	bits	16
	org	GUEST_IMAGE_ADDR

	mov	ecx, ROUNDS
.spin:	dec	ecx
	jnz	.spin
	hlt
