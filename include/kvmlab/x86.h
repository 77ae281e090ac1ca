/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 architectural definitions shared by the VMM and the C guests:
 * control-register and EFER bits, page-table entry flags and segment
 * descriptor types. Values follow the Intel SDM, Volume 3A.
 */
#ifndef KVMLAB_X86_H
#define KVMLAB_X86_H

#define X86_BIT(n)		(1ULL << (n))

/* CR0 (SDM 3A 2.5) */
#define X86_CR0_PE		X86_BIT(0)	/* protection enable */
#define X86_CR0_MP		X86_BIT(1)	/* monitor coprocessor */
#define X86_CR0_EM		X86_BIT(2)	/* x87 emulation */
#define X86_CR0_TS		X86_BIT(3)	/* task switched */
#define X86_CR0_ET		X86_BIT(4)	/* extension type */
#define X86_CR0_NE		X86_BIT(5)	/* numeric error */
#define X86_CR0_WP		X86_BIT(16)	/* write protect */
#define X86_CR0_AM		X86_BIT(18)	/* alignment mask */
#define X86_CR0_NW		X86_BIT(29)	/* not write-through */
#define X86_CR0_CD		X86_BIT(30)	/* cache disable */
#define X86_CR0_PG		X86_BIT(31)	/* paging */

/* CR4 (SDM 3A 2.5) */
#define X86_CR4_VME		X86_BIT(0)
#define X86_CR4_PVI		X86_BIT(1)
#define X86_CR4_TSD		X86_BIT(2)
#define X86_CR4_DE		X86_BIT(3)
#define X86_CR4_PSE		X86_BIT(4)	/* 4 MiB pages, 32-bit paging */
#define X86_CR4_PAE		X86_BIT(5)	/* required by long mode */
#define X86_CR4_MCE		X86_BIT(6)
#define X86_CR4_PGE		X86_BIT(7)
#define X86_CR4_PCE		X86_BIT(8)
#define X86_CR4_OSFXSR		X86_BIT(9)	/* FXSAVE/FXRSTOR, SSE */
#define X86_CR4_OSXMMEXCPT	X86_BIT(10)	/* SIMD FP exceptions */

/* IA32_EFER (SDM 3A 2.2.1) */
#define X86_EFER_SCE		X86_BIT(0)	/* syscall/sysret */
#define X86_EFER_LME		X86_BIT(8)	/* long mode enable */
#define X86_EFER_LMA		X86_BIT(10)	/* long mode active */
#define X86_EFER_NXE		X86_BIT(11)	/* no-execute pages */

/* RFLAGS: bit 1 is reserved and always reads as one. */
#define X86_RFLAGS_FIXED	X86_BIT(1)
#define X86_RFLAGS_IF		X86_BIT(9)

/* Page-table entry flags, common to 32-bit and 4-level paging. */
#define X86_PTE_PRESENT		X86_BIT(0)
#define X86_PTE_RW		X86_BIT(1)
#define X86_PTE_USER		X86_BIT(2)
#define X86_PTE_PWT		X86_BIT(3)
#define X86_PTE_PCD		X86_BIT(4)
#define X86_PTE_ACCESSED	X86_BIT(5)
#define X86_PTE_DIRTY		X86_BIT(6)
#define X86_PTE_PS		X86_BIT(7)	/* large page in a PDE */
#define X86_PTE_GLOBAL		X86_BIT(8)
#define X86_PTE_NX		X86_BIT(63)

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
