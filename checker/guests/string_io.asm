; SPDX-License-Identifier: GPL-2.0
; String I/O: rep outsb, outsw and outsd to the debug console. KVM may
; deliver each as one exit with io.count > 1, of count x size bytes.
; The console is one port wide: of each word or dword, the low byte is
; its, and the others go to the ports above it, where nothing listens.
%include "layout.inc"

	bits	16
	org	GUEST_IMAGE_ADDR

	cld
	mov	dx, DEBUGCON_PORT
	mov	si, bytes
	mov	cx, bytes_len
	rep	outsb
	mov	si, words
	mov	cx, words_len / 2
	rep	outsw
	mov	si, dwords
	mov	cx, dwords_len / 4
	rep	outsd
	hlt

bytes:	db	"bytes;"
bytes_len	equ	$ - bytes
words:	dw	'w', 'o', 'r', 'd', 's', ';'
words_len	equ	$ - words
dwords:	dd	'd', 'w', 'o', 'r', 'd', 's', 10
dwords_len	equ	$ - dwords
