; SPDX-License-Identifier: GPL-2.0
;
; Lab 2's boot stub. The VMM enters it in real mode; it takes the vCPU
; itself through protected mode into long mode, with 4-level identity
; paging of the first GiB in 2 MiB pages (user-accessible), and sets up
; the syscall entry: EFER.SCE, STAR, LSTAR, SFMASK. Then it says so on
; LAB2_READY_PORT and the VMM drops to ring 3 at the program's entry.
;
; Each syscall lands in syscall_entry, which writes to LAB2_SYSCALL_PORT
; with an immediate port number, so no register is touched. The VMM
; answers from the registers and returns to ring 3 itself (at RCX, with
; RFLAGS from R11): sysret and iretq do not work on every host.
%include "layout.inc"

PML4		equ	0x1000
PDPT		equ	0x2000
PD		equ	0x3000
PT_BYTES	equ	3 * 0x1000
PDE_LARGE	equ	0x87		; present, writable, user, 2 MiB
PAGE_2M		equ	0x200000
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

; Selectors of the GDT below. STAR: syscall loads CS = KCODE64 and
; SS = KCODE64 + 8; sysret would load CS = UBASE + 16, SS = UBASE + 8.
CODE32		equ	0x08
KCODE64		equ	0x10
KDATA		equ	0x18
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

	; Identity page tables: PML4 -> PDPT -> one PD of 512 large pages.
	mov	edi, PML4
	xor	eax, eax
	mov	ecx, PT_BYTES / 4
	rep	stosd
	mov	dword [PML4], PDPT | 7
	mov	dword [PDPT], PD | 7
	mov	edi, PD
	mov	eax, PDE_LARGE
	mov	ecx, 512
.pde:	mov	[edi], eax
	add	eax, PAGE_2M
	add	edi, 8
	loop	.pde

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

	out	LAB2_READY_PORT, al	; the VMM starts the program
.stop:	hlt
	jmp	.stop

syscall_entry:
	out	LAB2_SYSCALL_PORT, al	; the VMM answers and returns
	hlt
	jmp	syscall_entry

	section	.rodata
	align	8
gdt:	dq	0
	dq	0x00cf9a000000ffff	; 0x08 32-bit code
	dq	0x00af9a000000ffff	; 0x10 64-bit kernel code
	dq	0x00cf92000000ffff	; 0x18 kernel data
	times	UBASE - ($ - gdt) db 0	; fails to assemble if it moved
	dq	0x00cffa000000ffff	; UBASE: 32-bit user code (unused)
	dq	0x00cff2000000ffff	; USER_DS: user data
	dq	0x00affa000000ffff	; USER_CS: 64-bit user code
gdt_end:
gdt_desc:
	dw	gdt_end - gdt - 1
	dd	gdt
