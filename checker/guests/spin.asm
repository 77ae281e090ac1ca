; SPDX-License-Identifier: GPL-2.0
; A guest that never exits: only a timeout stops it.
%include "layout.inc"
	bits	32
	org	GUEST_IMAGE_ADDR

	cli
	jmp	$
