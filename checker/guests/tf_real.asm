; SPDX-License-Identifier: GPL-2.0
; A triple fault in real mode: an empty IVT limit, then an exception.
; Ordinary KVM reports KVM_EXIT_SHUTDOWN; nested KVM (kvm-pvm) may never
; return from KVM_RUN at all, and only the timeout stops it.
%include "layout.inc"

	bits	16
	org	GUEST_IMAGE_ADDR

	lidt	[empty_ivt]
	ud2
	hlt

empty_ivt:
	dw	0
	dd	0
