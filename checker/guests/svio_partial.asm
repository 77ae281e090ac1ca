; SPDX-License-Identifier: GPL-2.0
; A SIMVIRTIO driver that starts the handshake ('R') and halts: the
; device waits, the run ends cleanly, nothing is said.
%include "layout.inc"
%include "simvirtio.mac"

	bits	64
	org	GUEST_IMAGE_ADDR

	mov	rbx, rdi
	enable_queue 0, TXQ
	mov	byte [TXQ + RING], 'R'
	mov	dword [rbx + Q0_HEAD], 1
	hlt
