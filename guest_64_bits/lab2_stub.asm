; SPDX-License-Identifier: GPL-2.0
;
; Lab 2's boot stub. The VMM enters it in real mode; it takes the vCPU
; itself through protected mode into long mode, with 4-level identity
; paging, and sets up the syscall entry (EFER.SCE, STAR, LSTAR, SFMASK)
; and the exception entries (an IDT, and a TSS whose RSP0 is the stub's
; own stack). Then it says so on LAB2_READY_PORT and the VMM drops to
; ring 3 at the program's entry.
;
; The stub maps only itself: in the first 2 MiB, the pages from 0x1000
; to STUB_END (its tables, code and stack; page 0 stays unmapped, so a
; NULL pointer faults as on Linux). The program's RAM, above, is mapped
; by the VMM in 2 MiB pages as the program first touches it (the page
; fault comes to the VMM, which fills the PD entry and resumes), so that
; the stub spends no time mapping what a program never uses: on some
; hosts, kvm-pvm among them, CPL-0 code is emulated at about 1 us an
; instruction. The tables start zero, as the VMM hands RAM over. (The
; stub's pages stay user-accessible: on kvm-pvm, code at CPL 0 cannot
; run from supervisor pages.)
;
; Each syscall lands in syscall_entry, which writes to LAB2_SYSCALL_PORT
; with an immediate port number, so no register is touched. (kvm-pvm
; enters it still at CPL 3: the TSS's I/O bitmap lets ring 3 reach the
; stub's ports, and only those.) The VMM
; answers from the registers and returns to ring 3 itself (at RCX, with
; RFLAGS from R11): sysret and iretq do not work on every host. An
; exception lands in its vector's entry, which pushes the vector (and a
; zero where the CPU pushes no error code) and writes to LAB2_FAULT_PORT:
; the VMM reads the frame at RSP and CR2, and turns it into a signal.
%include "layout.inc"

PML4		equ	0x1000
PDPT		equ	0x2000
PD		equ	0x3000
PT		equ	0x4000		; the first 2 MiB, in 4 KiB pages
PTE_USER	equ	0x7		; present, writable, user
PAGE_4K		equ	0x1000
STUB_END	equ	0x10000		; lab2_stub.lds checks it fits
CR0_PE		equ	1 << 0
CR0_MP		equ	1 << 1
CR0_EM		equ	1 << 2
CR0_PG		equ	1 << 31
CR4_PAE		equ	1 << 5
CR4_OSFXSR	equ	1 << 9
CR4_OSXMMEXCPT	equ	1 << 10
MSR_EFER	equ	0xc0000080
MSR_STAR	equ	0xc0000081
MSR_LSTAR	equ	0xc0000082
MSR_SFMASK	equ	0xc0000084
EFER_SCE	equ	1 << 0
EFER_LME	equ	1 << 8
SFMASK_FLAGS	equ	0x47700		; TF IF DF IOPL NT AC cleared

NR_VECTORS	equ	32		; the CPU's exceptions
VECTOR_BYTES	equ	16		; each entry's code, padded
GATE_INTR	equ	0x8e		; present, DPL 0, 64-bit interrupt gate
GATE_INTR_USER	equ	0xee		; the same, reachable from ring 3
GATE_BYTES	equ	16
VEC_BP		equ	3		; int3: Linux lets ring 3 raise it
VEC_OF		equ	4		; into: likewise
TSS_BYTES	equ	104
TSS_RSP0	equ	4
TSS_IOPB	equ	102		; where the I/O bitmap starts
IOPB_BYTES	equ	256 / 8		; ports 0-255; a bit set denies
LAB2_PORT_BITS	equ	((1 << LAB2_NR_PORTS) - 1) << (LAB2_PORT_BASE % 8)
TSS_TYPE	equ	0x89		; present, 64-bit TSS, available
KSTACK_BYTES	equ	4096

; Selectors of the GDT below. STAR: syscall loads CS = KCODE64 and
; SS = KCODE64 + 8; sysret would load CS = UBASE + 16, SS = UBASE + 8.
CODE32		equ	0x08
KCODE64		equ	0x10
KDATA		equ	0x18
TSS_SEL		equ	0x38
RPL_MASK	equ	3
UBASE		equ	(USER_DS & ~RPL_MASK) - 8
%if (USER_CS & ~RPL_MASK) != UBASE + 16
%error "sysret's layout: USER_CS must follow USER_DS (layout.h)"
%endif
STAR_HIGH	equ	(UBASE << 16) | KCODE64

	bits	16
	section	.start

	global	_start
_start:
	cli
	lgdt	[gdt_desc]
	mov	eax, cr0
	or	eax, CR0_PE
	mov	cr0, eax
	jmp	CODE32:protected

	bits	32
protected:
	mov	ax, KDATA
	mov	ds, ax
	mov	es, ax
	mov	ss, ax

	; Identity page tables: PML4 -> PDPT -> PD, whose first entry
	; is a PT that maps the stub's pages only.
	mov	dword [PML4], PDPT | 7
	mov	dword [PDPT], PD | 7
	mov	dword [PD], PT | 7
	mov	edi, PT + 8
	mov	eax, PAGE_4K | PTE_USER
	mov	ecx, STUB_END / PAGE_4K - 1
.pte:	mov	[edi], eax
	add	eax, PAGE_4K
	add	edi, 8
	loop	.pte

	mov	eax, cr4
	or	eax, CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT
	mov	cr4, eax
	mov	eax, PML4
	mov	cr3, eax
	mov	ecx, MSR_EFER
	rdmsr
	or	eax, EFER_LME | EFER_SCE
	wrmsr
	mov	eax, cr0
	or	eax, CR0_PG | CR0_MP
	and	eax, ~CR0_EM
	mov	cr0, eax
	jmp	KCODE64:long_mode

	bits	64
long_mode:
	mov	ax, KDATA
	mov	ds, ax
	mov	es, ax
	mov	ss, ax

	mov	ecx, MSR_STAR
	xor	eax, eax
	mov	edx, STAR_HIGH
	wrmsr
	mov	ecx, MSR_LSTAR
	lea	rax, [rel syscall_entry]
	mov	rdx, rax
	shr	rdx, 32
	wrmsr
	mov	ecx, MSR_SFMASK
	mov	eax, SFMASK_FLAGS
	xor	edx, edx
	wrmsr

	; The TSS: its descriptor's base, filled in here because the
	; linker cannot split an address into a descriptor's fields.
	lea	rax, [rel tss]
	lea	rdi, [rel gdt_tss]
	mov	[rdi + 2], ax
	shr	rax, 16
	mov	[rdi + 4], al
	mov	[rdi + 7], ah
	shr	rax, 16
	mov	[rdi + 8], eax
	lea	rax, [rel kstack_top]
	mov	[rel tss + TSS_RSP0], rax
	mov	word [rel tss + TSS_IOPB], TSS_BYTES
	mov	byte [rel iopb + LAB2_PORT_BASE / 8], ~LAB2_PORT_BITS & 0xff
	mov	ax, TSS_SEL
	ltr	ax

	; The IDT: gate n points at vectors + n * VECTOR_BYTES.
	lea	rdi, [rel idt]
	lea	rax, [rel vectors]
	mov	ecx, NR_VECTORS
.gate:	mov	rdx, rax
	mov	[rdi], dx
	mov	word [rdi + 2], KCODE64
	mov	byte [rdi + 5], GATE_INTR
	shr	rdx, 16
	mov	[rdi + 6], dx
	shr	rdx, 16
	mov	[rdi + 8], edx
	add	rax, VECTOR_BYTES
	add	rdi, GATE_BYTES
	loop	.gate
	mov	byte [rel idt + VEC_BP * GATE_BYTES + 5], GATE_INTR_USER
	mov	byte [rel idt + VEC_OF * GATE_BYTES + 5], GATE_INTR_USER
	lidt	[rel idt_desc]

	out	LAB2_READY_PORT, al	; the VMM starts the program
.stop:	hlt
	jmp	.stop

syscall_entry:
	out	LAB2_SYSCALL_PORT, al	; the VMM answers and returns
	hlt
	jmp	syscall_entry

; One entry per exception vector, each VECTOR_BYTES long. The frame the
; VMM reads at RSP: vector, error code, RIP, CS, RFLAGS, RSP, SS.
%macro vector 1
	align	VECTOR_BYTES
%if %1 == 8 || (%1 >= 10 && %1 <= 14) || %1 == 17 || %1 == 21 || %1 == 29 || %1 == 30
	push	%1			; the CPU pushed an error code
%else
	push	0
	push	%1
%endif
	out	LAB2_FAULT_PORT, al	; the VMM answers; never resumed here
	hlt
%endmacro
	align	VECTOR_BYTES
vectors:
%assign v 0
%rep NR_VECTORS
	vector	v
%assign v v + 1
%endrep

	section	.data
	align	8
gdt:	dq	0
	dq	0x00cf9a000000ffff	; 0x08 32-bit code
	dq	0x00af9a000000ffff	; 0x10 64-bit kernel code
	dq	0x00cf92000000ffff	; 0x18 kernel data
	times	UBASE - ($ - gdt) db 0	; fails to assemble if it moved
	dq	0x00cffa000000ffff	; UBASE: 32-bit user code (unused)
	dq	0x00cff2000000ffff	; USER_DS: user data
	dq	0x00affa000000ffff	; USER_CS: 64-bit user code
	times	TSS_SEL - ($ - gdt) db 0
gdt_tss:
	dw	TSS_BYTES + IOPB_BYTES	; limit: the bitmap and its end byte
	dw	0
	db	0, TSS_TYPE, 0, 0
	dd	0, 0
gdt_end:
gdt_desc:
	dw	gdt_end - gdt - 1
	dd	gdt
	align	8
idt_desc:
	dw	NR_VECTORS * GATE_BYTES - 1
	dq	idt

	align	16
tss:	times	TSS_BYTES db 0
iopb:	times	IOPB_BYTES db 0xff	; every port denied, but the stub's
	db	0xff			; the bitmap's end, as the CPU wants

	section	.bss
	alignb	16
idt:	resb	NR_VECTORS * GATE_BYTES
	alignb	16
kstack:	resb	KSTACK_BYTES
kstack_top:
