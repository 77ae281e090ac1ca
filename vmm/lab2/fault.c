// SPDX-License-Identifier: GPL-2.0
/*
 * A CPU exception in the program: the stub's vector entry pushed the
 * vector and an error code on its stack, under the frame the CPU
 * pushed (RIP, CS, RFLAGS, RSP, SS), and wrote to LAB2_FAULT_PORT.
 * The VMM turns it into the signal Linux would send (SIGSEGV for a
 * page fault or a general protection fault, SIGILL for ud2, SIGFPE for
 * a division by zero, ...), with the same siginfo: the program's
 * handler runs, or the program ends with 128 + the signal and one line
 * that says what it did and where.
 *
 * Two kinds of fault are not the program's. The first touch of RAM the
 * stub left unmapped: the VMM maps the 2 MiB page around it (a PD
 * entry of the identity map, not present until now, so no TLB holds
 * it) and the instruction runs again. And the legacy vsyscall page, which
 * old static programs (dietlibc's) call for time() and gettimeofday().
 * Nothing is mapped there; the fetch faults and the VMM answers as
 * Linux's vsyscall=emulate does: the call, then a return to the caller.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include <kvmlab/kernel.h>
#include <kvmlab/layout.h>

#include "core/log.h"
#include "lab2/sys.h"
#include "lab2/syscall.h"
#include "lab2/task.h"
#include "lab2/uaccess.h"

/* The frame the stub's vector entry leaves at RSP. */
struct fault_frame {
	uint64_t vector;
	uint64_t error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* x86 exception vectors (SDM vol. 3, 6.3.1). */
#define X86_DE		0	/* divide error */
#define X86_DB		1
#define X86_BP		3	/* int3 */
#define X86_OF		4
#define X86_BR		5
#define X86_UD		6	/* invalid opcode */
#define X86_NM		7
#define X86_NP		11
#define X86_SS		12
#define X86_GP		13
#define X86_PF		14
#define X86_MF		16
#define X86_AC		17
#define X86_XM		19

/* A selector's privilege level; ring 3 is the program's. */
#define SEL_RPL_MASK	3
#define USER_RPL	3

/* Page-fault error code bits. */
#define PF_PRESENT	BIT(0)
#define PF_WRITE	BIT(1)
#define PF_INSTR	BIT(4)

/* The vsyscall page and its three entries, 1 KiB apart. */
#define VSYSCALL_ADDR		0xffffffffff600000ULL
#define VSYSCALL_GETTIMEOFDAY	0x000
#define VSYSCALL_TIME		0x400
#define VSYSCALL_GETCPU		0x800

static const char *const vector_names[] = {
	[X86_DE] = "a divide error", [X86_DB] = "a debug trap",
	[X86_BP] = "a breakpoint (int3)", [X86_OF] = "an overflow (into)",
	[X86_BR] = "a bound range", [X86_UD] = "an invalid opcode",
	[X86_NM] = "an FPU not available", [X86_NP] = "a segment not present",
	[X86_SS] = "a stack-segment fault",
	[X86_GP] = "a general protection fault",
	[X86_PF] = "a page fault", [X86_MF] = "an x87 FPU error",
	[X86_AC] = "an alignment check", [X86_XM] = "a SIMD FP exception",
};

/* The signal and si_code Linux sends for each exception. */
static void fault_signal(const struct fault_frame *f, uint64_t cr2,
			 struct lab2_siginfo *info)
{
	memset(info, 0, sizeof(*info));
	info->fault = true;
	info->trapno = f->vector;
	info->err = f->error;
	info->addr = f->rip;
	switch (f->vector) {
	case X86_DE:
		info->signo = SIGFPE;
		info->code = FPE_INTDIV;
		break;
	case X86_MF:
	case X86_XM:
		info->signo = SIGFPE;
		break;
	case X86_DB:
	case X86_BP:
		info->signo = SIGTRAP;
		info->code = TRAP_BRKPT;
		break;
	case X86_UD:
		info->signo = SIGILL;
		info->code = ILL_ILLOPN;
		break;
	case X86_NP:
	case X86_SS:
	case X86_AC:
		info->signo = SIGBUS;
		info->code = BUS_ADRALN;
		break;
	case X86_PF:
		info->signo = SIGSEGV;
		info->code = (f->error & PF_PRESENT) ? SEGV_ACCERR : SEGV_MAPERR;
		info->addr = cr2;
		break;
	default:		/* #GP and the rest: Linux's SI_KERNEL SIGSEGV */
		info->signo = SIGSEGV;
		info->code = SI_KERNEL;
		info->addr = 0;
		break;
	}
}

/* Say what the program did, for the run that it ends. */
static void fault_report(const struct process *p, const struct fault_frame *f,
			 uint64_t cr2, int sig)
{
	const char *what = f->vector < ARRAY_SIZE(vector_names) &&
			   vector_names[f->vector] ?
			   vector_names[f->vector] : "an exception";

	if (f->vector == X86_PF)
		pr_err("%s: %s (SIGSEGV): a user %s at 0x%llx, %s, RIP 0x%llx, RSP 0x%llx",
		       p->exe, what,
		       f->error & PF_INSTR ? "instruction fetch" :
		       f->error & PF_WRITE ? "write" : "read",
		       (unsigned long long)cr2,
		       f->error & PF_PRESENT ? "not allowed" : "not mapped",
		       (unsigned long long)f->rip, (unsigned long long)f->rsp);
	else
		pr_err("%s: %s (SIG%s), vector %llu, error 0x%llx, RIP 0x%llx, RSP 0x%llx",
		       p->exe, what, sigabbrev_np(sig),
		       (unsigned long long)f->vector,
		       (unsigned long long)f->error,
		       (unsigned long long)f->rip, (unsigned long long)f->rsp);
}

#define PAGE_2M			0x200000ULL
#define PTE_PRESENT		BIT_ULL(0)
#define PTE_LARGE		BIT_ULL(7)
/* Present, writable, user, 2 MiB: the program's RAM. */
#define PDE_USER_2M		(PTE_PRESENT | BIT_ULL(1) | BIT_ULL(2) | PTE_LARGE)
#define PTE_ADDR_MASK		0x000ffffffffff000ULL
#define PT_INDEX(addr, shift)	(((addr) >> (shift)) & 0x1ff)
#define PML4_SHIFT		39
#define PDPT_SHIFT		30
#define PD_SHIFT		21

/* The page-table entry at @table's index for @addr, in RAM, or NULL. */
static uint64_t *table_entry(struct process *p, uint64_t table,
			     uint64_t addr, unsigned int shift)
{
	return lab2_user_buf(p, (table & PTE_ADDR_MASK) +
			     PT_INDEX(addr, shift) * sizeof(uint64_t),
			     sizeof(uint64_t));
}

/*
 * One step of the walk: @table's entry for @addr, read once into
 * @next. true if it leads to a table (present, not a large page).
 */
static bool walk_step(struct process *p, uint64_t table, uint64_t addr,
		      unsigned int shift, uint64_t *next)
{
	const uint64_t *entry = table_entry(p, table, addr, shift);

	*next = entry ? READ_ONCE(*entry) : 0;
	return (*next & PTE_PRESENT) && !(*next & PTE_LARGE);
}

/*
 * A fault on RAM nobody has mapped yet: map its 2 MiB page. The walk
 * goes through the stub's own tables from CR3, each entry checked.
 */
static bool map_on_demand(struct process *p, const struct fault_frame *f,
			  uint64_t cr2, uint64_t cr3)
{
	uint64_t pml4e, pdpte, *pde;

	if (f->vector != X86_PF || (f->error & PF_PRESENT) ||
	    cr2 < PROC_USER_BASE || cr2 >= p->mem->size)
		return false;
	/* The stack's guard page stays unmapped: an overflow faults. */
	if (cr2 >= p->stack_low - PROC_STACK_GUARD && cr2 < p->stack_low)
		return false;
	if (!walk_step(p, cr3, cr2, PML4_SHIFT, &pml4e) ||
	    !walk_step(p, pml4e, cr2, PDPT_SHIFT, &pdpte))
		return false;
	pde = table_entry(p, pdpte, cr2, PD_SHIFT);
	if (!pde || (READ_ONCE(*pde) & PTE_PRESENT))
		return false;
	WRITE_ONCE(*pde, ALIGN_DOWN(cr2, PAGE_2M) | PDE_USER_2M);
	return true;
}

/* Linux's vsyscall emulation: the call, then "ret" for the caller. */
static bool vsyscall(struct process *p, const struct fault_frame *f,
		     struct kvm_regs *regs)
{
	uint64_t nr, ret_addr, args[SYSCALL_NR_ARGS] = {
		regs->rdi, regs->rsi, regs->rdx,
	};

	if (f->vector != X86_PF || f->rip < VSYSCALL_ADDR ||
	    f->rip - VSYSCALL_ADDR > VSYSCALL_GETCPU)
		return false;
	switch (f->rip - VSYSCALL_ADDR) {
	case VSYSCALL_GETTIMEOFDAY:
		nr = SYS_gettimeofday;
		break;
	case VSYSCALL_TIME:
		nr = SYS_time;
		break;
	case VSYSCALL_GETCPU:
		nr = SYS_getcpu;
		break;
	default:
		return false;
	}
	if (lab2_copy_from_user(p, &ret_addr, regs->rsp, sizeof(ret_addr)))
		return false;
	regs->rax = syscall_dispatch(p, nr, args);
	regs->rip = ret_addr;
	regs->rsp += sizeof(ret_addr);
	return true;
}

int fault_handle(struct process *p)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct fault_frame f;
	struct lab2_siginfo info;

	if (process_get_regs(p, &regs) || process_get_sregs(p, &sregs))
		return -1;
	if (lab2_copy_from_user(p, &f, regs.rsp, sizeof(f))) {
		pr_err("lab2: an exception with the stub's stack at 0x%llx, outside RAM",
		       (unsigned long long)regs.rsp);
		return -1;
	}
	/* Only ring 3 may fault: in the stub, it is the VMM's bug. */
	if ((f.cs & SEL_RPL_MASK) != USER_RPL ||
	    (f.ss & SEL_RPL_MASK) != USER_RPL) {
		pr_err("lab2: the boot stub itself took exception %llu at RIP 0x%llx (CR2 0x%llx)",
		       (unsigned long long)f.vector, (unsigned long long)f.rip,
		       (unsigned long long)sregs.cr2);
		return -1;
	}
	regs.rip = f.rip;
	regs.rsp = f.rsp;
	regs.rflags = process_user_rflags(f.rflags);
	if (!map_on_demand(p, &f, sregs.cr2, sregs.cr3) &&
	    !vsyscall(p, &f, &regs)) {
		fault_signal(&f, sregs.cr2, &info);
		if (!signal_catches(p, info.signo))
			fault_report(p, &f, sregs.cr2, info.signo);
		signal_force(p, &info);
	}
	time_check_alarm(p);
	signal_deliver(p, &regs);
	if (p->exited) {
		task_end_first(p);
		return BUS_STOP;
	}
	return process_set_regs(p, &regs);
}
