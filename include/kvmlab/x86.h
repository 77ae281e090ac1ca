/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 architectural definitions shared by the VMM and the C guests:
 * control-register and EFER bits, page-table entry flags and segment
 * descriptor types. Values follow the Intel SDM, Volume 3A.
 */
#ifndef KVMLAB_X86_H
#define KVMLAB_X86_H

#include "kernel.h"

/* CR0 (SDM 3A 2.5) */
#define X86_CR0_PE		BIT_ULL(0)	/* protection enable */
#define X86_CR0_MP		BIT_ULL(1)	/* monitor coprocessor */
#define X86_CR0_EM		BIT_ULL(2)	/* x87 emulation */
#define X86_CR0_TS		BIT_ULL(3)	/* task switched */
#define X86_CR0_ET		BIT_ULL(4)	/* extension type */
#define X86_CR0_NE		BIT_ULL(5)	/* numeric error */
#define X86_CR0_WP		BIT_ULL(16)	/* write protect */
#define X86_CR0_AM		BIT_ULL(18)	/* alignment mask */
#define X86_CR0_NW		BIT_ULL(29)	/* not write-through */
#define X86_CR0_CD		BIT_ULL(30)	/* cache disable */
#define X86_CR0_PG		BIT_ULL(31)	/* paging */

/* CR4 (SDM 3A 2.5) */
#define X86_CR4_VME		BIT_ULL(0)
#define X86_CR4_PVI		BIT_ULL(1)
#define X86_CR4_TSD		BIT_ULL(2)
#define X86_CR4_DE		BIT_ULL(3)
#define X86_CR4_PSE		BIT_ULL(4)	/* 4 MiB pages, 32-bit paging */
#define X86_CR4_PAE		BIT_ULL(5)	/* required by long mode */
#define X86_CR4_MCE		BIT_ULL(6)
#define X86_CR4_PGE		BIT_ULL(7)
#define X86_CR4_PCE		BIT_ULL(8)
#define X86_CR4_OSFXSR		BIT_ULL(9)	/* FXSAVE/FXRSTOR, SSE */
#define X86_CR4_OSXMMEXCPT	BIT_ULL(10)	/* SIMD FP exceptions */

/* IA32_EFER (SDM 3A 2.2.1) */
#define X86_EFER_SCE		BIT_ULL(0)	/* syscall/sysret */
#define X86_EFER_LME		BIT_ULL(8)	/* long mode enable */
#define X86_EFER_LMA		BIT_ULL(10)	/* long mode active */
#define X86_EFER_NXE		BIT_ULL(11)	/* no-execute pages */

/* RFLAGS: bit 1 is reserved and always reads as one. */
#define X86_RFLAGS_FIXED	BIT_ULL(1)
#define X86_RFLAGS_IF		BIT_ULL(9)

/* Page-table entry flags, common to 32-bit and 4-level paging. */
#define X86_PTE_PRESENT		BIT_ULL(0)
#define X86_PTE_RW		BIT_ULL(1)
#define X86_PTE_USER		BIT_ULL(2)
#define X86_PTE_PWT		BIT_ULL(3)
#define X86_PTE_PCD		BIT_ULL(4)
#define X86_PTE_ACCESSED	BIT_ULL(5)
#define X86_PTE_DIRTY		BIT_ULL(6)
#define X86_PTE_PS		BIT_ULL(7)	/* large page in a PDE */
#define X86_PTE_GLOBAL		BIT_ULL(8)
#define X86_PTE_NX		BIT_ULL(63)

/* Paging geometry. */
#define X86_PAGE_SIZE		0x1000ULL
#define X86_PT_ENTRIES		512		/* 4-level: 8-byte entries */
#define X86_PT32_ENTRIES	1024		/* 32-bit: 4-byte entries */
#define X86_PAGE_2M		0x200000ULL
#define X86_PAGE_4M		0x400000ULL
#define X86_PAGE_1G		0x40000000ULL

/* Segment descriptor types (S = 1), with the accessed bit set. */
#define X86_SEG_TYPE_DATA_RW	0x3	/* read/write, accessed */
#define X86_SEG_TYPE_CODE_XR	0xb	/* execute/read, accessed */

/* A flat segment's limit: 4 GiB with 4 KiB granularity. */
#define X86_SEG_FLAT_LIMIT	0xffffffffU
/* A real-mode segment's limit: 64 KiB, byte granularity. */
#define X86_SEG_REAL_LIMIT	0xffffU
/* Real mode: linear = selector * 16 + offset. */
#define X86_REAL_SEG_SHIFT	4

#endif /* KVMLAB_X86_H */
