// SPDX-License-Identifier: GPL-2.0
/*
 * Signals, as Linux delivers them to a process. Each has a disposition
 * (rt_sigaction) and may be blocked (rt_sigprocmask); one raised while
 * blocked waits, pending, until the mask lets it through. A signal
 * then takes its default action (ignored, or the end of the process
 * with 128 + the signal), or runs the program's handler: the VMM
 * pushes the frame Linux pushes (struct rt_sigframe: the return
 * address, a ucontext holding the interrupted registers and mask, a
 * siginfo, and the FPU state) on the stack or the alternate stack, and
 * points the registers at the handler. The handler returns into the
 * program's restorer, which makes rt_sigreturn: the VMM takes the
 * registers back from the frame, checked as any guest data.
 *
 * Signals come from the process itself (raise, abort), from the VMM
 * (SIGPIPE, and faults: fault.c), and from other processes (kill,
 * SIGCHLD: task.c). Those are delivered when the target next leaves
 * ring 3 for the VMM: a syscall, a fault, or a wait it is blocked in.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>

#include <kvmlab/kernel.h>
#include <kvmlab/layout.h>

#include "core/log.h"
#include "lab2/sys.h"
#include "lab2/task.h"
#include "lab2/uaccess.h"

#define KERNEL_SIGSET_SIZE	sizeof(uint64_t)
/* What no program may block or catch. */
#define SIG_UNBLOCKABLE		(SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))
/* Signals whose default action is to do nothing. */
#define SIG_DEFAULT_IGNORED	(SIG_BIT(SIGCHLD) | SIG_BIT(SIGCONT) | \
				 SIG_BIT(SIGURG) | SIG_BIT(SIGWINCH))
/*
 * Stop signals: with no job control here, nobody could continue the
 * process, so they are ignored rather than left to hang it.
 */
#define SIG_DEFAULT_STOP	(SIG_BIT(SIGSTOP) | SIG_BIT(SIGTSTP) | \
				 SIG_BIT(SIGTTIN) | SIG_BIT(SIGTTOU))
/* The x86-64 ABI's red zone, which a signal frame must not overwrite. */
#define RED_ZONE		128
#define FPSTATE_ALIGN		64
#define FRAME_ALIGN		16
/* uc_flags: the frame holds the XSAVE state, and SS is saved. */
#define UC_FP_XSTATE		0x1
#define UC_SIGCONTEXT_SS	0x2
#define UC_STRICT_RESTORE_SS	0x4
#define RFLAGS_TF		BIT_ULL(8)
#define RFLAGS_DF		BIT_ULL(10)

/* The kernel's struct sigcontext (asm/sigcontext.h), x86-64. */
struct lab2_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved[8];
};

struct lab2_stack {
	uint64_t sp;
	int32_t flags;		/* then 4 bytes of padding, as in stack_t */
	uint64_t size;
};

/* The kernel's struct ucontext (asm-generic/ucontext.h). */
struct lab2_ucontext {
	uint64_t flags;
	uint64_t link;
	struct lab2_stack stack;
	struct lab2_sigcontext mcontext;
	uint64_t sigmask;
};

/* siginfo_t is 128 bytes: signo, errno, code, a pad, then the union. */
#define SIGINFO_FIELDS_BYTES	112

/* siginfo_t, the fields a signal from here fills. */
struct lab2_siginfo_abi {
	int32_t signo, err, code, pad;
	union {
		struct {
			int32_t pid;
			uint32_t uid;
			int32_t status;	/* SIGCHLD */
		} proc;
		uint64_t addr;		/* faults */
		uint8_t bytes[SIGINFO_FIELDS_BYTES];
	};
};

/* struct rt_sigframe: what RSP points to when the handler starts. */
struct lab2_sigframe {
	uint64_t pretcode;
	struct lab2_ucontext uc;
	struct lab2_siginfo_abi info;
};

_Static_assert(sizeof(struct lab2_sigcontext) == 256, "sigcontext");
_Static_assert(offsetof(struct lab2_ucontext, mcontext) == 40, "ucontext");
_Static_assert(sizeof(struct lab2_ucontext) == 304, "ucontext");
_Static_assert(sizeof(struct lab2_siginfo_abi) == 128, "siginfo");

static bool valid_signal(uint64_t sig)
{
	return sig >= 1 && sig <= PROC_NR_SIGNALS;
}

/* The process is over: exit_group's status, or death by @sig. */
void process_end(struct process *p, int code, int sig)
{
	if (p->exited)
		return;
	p->exited = true;
	/* Its vCPU runs no more: a kick must not touch its kvm_run. */
	task_kick_reaches(NULL);
	p->term_sig = sig;
	p->exit_code = code & PROC_STATUS_MASK;
	p->status = sig ? PROC_STATUS_SIGNALED + sig : p->exit_code;
}

SYS_DECL(exit)
{
	process_end(p, (int)a[0], 0);
	return 0;
}

SYS_DECL(rt_sigaction)
{
	struct lab2_sigaction act, *slot;
	uint64_t sig = a[0];

	if (a[3] != KERNEL_SIGSET_SIZE || !valid_signal(sig))
		return -EINVAL;
	slot = &p->sigactions[sig - 1];
	if (a[1] && lab2_copy_from_user(p, &act, a[1], sizeof(act)))
		return -EFAULT;
	if (a[1] && (SIG_BIT(sig) & SIG_UNBLOCKABLE))
		return -EINVAL;
	if (a[2] && lab2_copy_to_user(p, a[2], slot, sizeof(*slot)))
		return -EFAULT;
	if (a[1]) {
		act.mask &= ~SIG_UNBLOCKABLE;
		*slot = act;
		/* Setting SIG_IGN drops what is pending (POSIX). */
		if (act.handler == (uintptr_t)SIG_IGN)
			__atomic_and_fetch(&p->sigpending, ~SIG_BIT(sig),
					   __ATOMIC_SEQ_CST);
	}
	return 0;
}

static void set_mask(struct process *p, uint64_t mask)
{
	p->sigmask = mask & ~SIG_UNBLOCKABLE;
}

SYS_DECL(rt_sigprocmask)
{
	uint64_t set, old = p->sigmask;

	if (a[3] != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (a[1]) {
		if (lab2_copy_from_user(p, &set, a[1], sizeof(set)))
			return -EFAULT;
		switch (a[0]) {
		case SIG_BLOCK:
			set_mask(p, p->sigmask | set);
			break;
		case SIG_UNBLOCK:
			set_mask(p, p->sigmask & ~set);
			break;
		case SIG_SETMASK:
			set_mask(p, set);
			break;
		default:
			return -EINVAL;
		}
	}
	if (a[2] && lab2_copy_to_user(p, a[2], &old, sizeof(old))) {
		p->sigmask = old;
		return -EFAULT;
	}
	return 0;
}

SYS_DECL(rt_sigpending)
{
	uint64_t pending = READ_ONCE(p->sigpending) & p->sigmask;

	if (a[1] != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	return lab2_copy_to_user(p, a[0], &pending, sizeof(pending));
}

/* Is RSP on the alternate signal stack? */
static bool on_altstack(const struct process *p, uint64_t sp)
{
	return p->altstack.size && sp > p->altstack.sp &&
	       sp - p->altstack.sp <= p->altstack.size;
}

static void altstack_report(const struct process *p, uint64_t sp,
			    struct lab2_stack *ss)
{
	memset(ss, 0, sizeof(*ss));
	ss->sp = p->altstack.sp;
	ss->size = p->altstack.size;
	if (!p->altstack.size)
		ss->flags = SS_DISABLE;
	else if (on_altstack(p, sp))
		ss->flags = SS_ONSTACK;
}

SYS_DECL(sigaltstack)
{
	struct lab2_stack ss, old;

	altstack_report(p, p->regs ? p->regs->rsp : 0, &old);
	if (a[0]) {
		if (lab2_copy_from_user(p, &ss, a[0], sizeof(ss)))
			return -EFAULT;
		if (old.flags == SS_ONSTACK)
			return -EPERM;
		if (ss.flags & ~SS_DISABLE)
			return -EINVAL;
		if (!(ss.flags & SS_DISABLE) && ss.size < (uint64_t)MINSIGSTKSZ)
			return -ENOMEM;
		p->altstack.sp = (ss.flags & SS_DISABLE) ? 0 : ss.sp;
		p->altstack.size = (ss.flags & SS_DISABLE) ? 0 : ss.size;
	}
	if (a[1] && lab2_copy_to_user(p, a[1], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

void signal_send(struct process *p, const struct lab2_siginfo *info)
{
	const struct lab2_sigaction *act = &p->sigactions[info->signo - 1];

	/* An ignored signal is dropped at once, blocked or not. */
	if (act->handler == (uintptr_t)SIG_IGN)
		return;
	p->siginfo[info->signo - 1] = *info;
	__atomic_or_fetch(&p->sigpending, SIG_BIT(info->signo),
			  __ATOMIC_SEQ_CST);
}

long signal_raise(struct process *p, int sig, long ret)
{
	struct lab2_siginfo info = {
		.signo = sig, .code = SI_KERNEL, .pid = p->pid,
	};

	signal_send(p, &info);
	return ret;
}

/* Is a signal waiting that the mask lets through? */
bool signal_deliverable(const struct process *p)
{
	return READ_ONCE(p->sigpending) & ~p->sigmask;
}

/* Would a pending signal run a handler? */
bool signal_handler_pending(const struct process *p)
{
	uint64_t ready = READ_ONCE(p->sigpending) & ~p->sigmask;
	int sig;

	for (sig = 1; sig <= PROC_NR_SIGNALS; sig++)
		if ((ready & SIG_BIT(sig)) && signal_catches(p, sig))
			return true;
	return false;
}

/* What a signal with no handler does: nothing, or the end. */
static bool default_ignores(int sig)
{
	return SIG_BIT(sig) & (SIG_DEFAULT_IGNORED | SIG_DEFAULT_STOP);
}

bool signal_acts(const struct process *p)
{
	uint64_t ready = READ_ONCE(p->sigpending) & ~p->sigmask;
	int sig;

	for (sig = 1; sig <= PROC_NR_SIGNALS; sig++) {
		uint64_t handler = p->sigactions[sig - 1].handler;

		if (!(ready & SIG_BIT(sig)) || handler == (uintptr_t)SIG_IGN)
			continue;
		if (handler != (uintptr_t)SIG_DFL || !default_ignores(sig))
			return true;
	}
	return false;
}

/* Would a pending signal run a handler without SA_RESTART? */
bool signal_interrupts(const struct process *p)
{
	uint64_t ready = READ_ONCE(p->sigpending) & ~p->sigmask;
	int sig;

	for (sig = 1; sig <= PROC_NR_SIGNALS; sig++) {
		const struct lab2_sigaction *act = &p->sigactions[sig - 1];

		if (!(ready & SIG_BIT(sig)))
			continue;
		if (act->handler == (uintptr_t)SIG_DFL ||
		    act->handler == (uintptr_t)SIG_IGN)
			continue;
		if (!(act->flags & SA_RESTART))
			return true;
	}
	return false;
}

/* The registers as the handler will find them in its ucontext. */
static void save_regs(struct lab2_sigcontext *sc, const struct kvm_regs *r)
{
	sc->r8 = r->r8;
	sc->r9 = r->r9;
	sc->r10 = r->r10;
	sc->r11 = r->r11;
	sc->r12 = r->r12;
	sc->r13 = r->r13;
	sc->r14 = r->r14;
	sc->r15 = r->r15;
	sc->rdi = r->rdi;
	sc->rsi = r->rsi;
	sc->rbp = r->rbp;
	sc->rbx = r->rbx;
	sc->rdx = r->rdx;
	sc->rax = r->rax;
	sc->rcx = r->rcx;
	sc->rsp = r->rsp;
	sc->rip = r->rip;
	sc->eflags = r->rflags;
	sc->cs = USER_CS;
	sc->ss = USER_DS;
}

static void restore_regs(struct kvm_regs *r, const struct lab2_sigcontext *sc)
{
	r->r8 = sc->r8;
	r->r9 = sc->r9;
	r->r10 = sc->r10;
	r->r11 = sc->r11;
	r->r12 = sc->r12;
	r->r13 = sc->r13;
	r->r14 = sc->r14;
	r->r15 = sc->r15;
	r->rdi = sc->rdi;
	r->rsi = sc->rsi;
	r->rbp = sc->rbp;
	r->rbx = sc->rbx;
	r->rdx = sc->rdx;
	r->rax = sc->rax;
	r->rcx = sc->rcx;
	r->rsp = sc->rsp;
	r->rip = sc->rip;
	r->rflags = process_user_rflags(sc->eflags);
}

static void fill_siginfo(struct lab2_siginfo_abi *abi,
			 const struct lab2_siginfo *info)
{
	memset(abi, 0, sizeof(*abi));
	abi->signo = info->signo;
	abi->code = info->code;
	if (info->fault) {
		abi->addr = info->addr;
		return;
	}
	abi->proc.pid = info->pid;
	abi->proc.uid = info->uid;
	abi->proc.status = info->status;
}

/*
 * Push the frame and point @regs at the handler: 0, or -1 if the
 * frame does not fit in RAM (then, as on Linux, a SIGSEGV ends it).
 */
static int push_frame(struct process *p, int sig,
		      const struct lab2_sigaction *act, struct kvm_regs *regs)
{
	uint32_t *xsave = p->xsave;
	struct lab2_sigframe frame;
	uint64_t sp = regs->rsp - RED_ZONE, fpstate, addr;
	const struct lab2_siginfo *info = &p->siginfo[sig - 1];

	if ((act->flags & SA_ONSTACK) && p->altstack.size &&
	    !on_altstack(p, regs->rsp))
		sp = p->altstack.sp + p->altstack.size;
	if (ioctl(p->vcpu->fd, KVM_GET_XSAVE, xsave) < 0)
		return -1;
	fpstate = ALIGN_DOWN(sp - sizeof(p->xsave), FPSTATE_ALIGN);
	/* After the handler's "call": RSP + 8 is 16-aligned, as for a call. */
	addr = ALIGN_DOWN(fpstate - sizeof(frame), FRAME_ALIGN) - sizeof(uint64_t);

	memset(&frame, 0, sizeof(frame));
	frame.pretcode = act->restorer;
	frame.uc.flags = UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	altstack_report(p, regs->rsp, &frame.uc.stack);
	save_regs(&frame.uc.mcontext, regs);
	frame.uc.mcontext.err = info->err;
	frame.uc.mcontext.trapno = info->trapno;
	frame.uc.mcontext.cr2 = info->fault ? info->addr : 0;
	frame.uc.mcontext.oldmask = p->sigmask;
	frame.uc.mcontext.fpstate = fpstate;
	/* After rt_sigsuspend, the mask to return to is the one before. */
	frame.uc.sigmask = p->restore_sigmask ? p->saved_sigmask : p->sigmask;
	fill_siginfo(&frame.info, info);
	if (!lab2_canonical(addr) || addr > fpstate ||
	    lab2_copy_to_user(p, fpstate, xsave, sizeof(p->xsave)) ||
	    lab2_copy_to_user(p, addr, &frame, sizeof(frame)))
		return -1;

	regs->rsp = addr;
	regs->rip = act->handler;
	regs->rdi = sig;
	regs->rsi = addr + offsetof(struct lab2_sigframe, info);
	regs->rdx = addr + offsetof(struct lab2_sigframe, uc);
	regs->rax = 0;
	regs->rflags &= ~(RFLAGS_DF | RFLAGS_TF);
	return 0;
}

/*
 * Act on one signal: its handler's frame (true), or its default
 * action (false).
 */
static bool deliver_one(struct process *p, int sig, struct kvm_regs *regs)
{
	struct lab2_sigaction *act = &p->sigactions[sig - 1];

	if (act->handler == (uintptr_t)SIG_IGN)
		return false;
	if (act->handler == (uintptr_t)SIG_DFL) {
		if (!default_ignores(sig))
			process_end(p, 0, sig);
		return false;
	}
	if (push_frame(p, sig, act, regs)) {
		pr_warn("lab2: the frame of signal %d does not fit below RSP 0x%llx; the program ends with SIGSEGV",
			sig, (unsigned long long)regs->rsp);
		process_end(p, 0, SIGSEGV);
		return false;
	}
	p->sigmask |= act->mask;
	if (!(act->flags & SA_NODEFER))
		p->sigmask |= SIG_BIT(sig);
	p->sigmask &= ~SIG_UNBLOCKABLE;
	if (act->flags & SA_RESETHAND)
		memset(act, 0, sizeof(*act));
	return true;
}

void signal_deliver(struct process *p, struct kvm_regs *regs)
{
	bool handled = false;
	int sig;

	/*
	 * Lowest first, as Linux picks among the standard signals. Each
	 * handler's frame goes on top of the last: the last pushed runs
	 * first, and returns into the one below.
	 */
	for (sig = 1; sig <= PROC_NR_SIGNALS && !p->exited; sig++) {
		uint64_t bit = SIG_BIT(sig);

		if (!(READ_ONCE(p->sigpending) & bit & ~p->sigmask))
			continue;
		__atomic_and_fetch(&p->sigpending, ~bit, __ATOMIC_SEQ_CST);
		handled |= deliver_one(p, sig, regs);
	}
	if (p->restore_sigmask) {
		if (!handled)
			p->sigmask = p->saved_sigmask;
		p->restore_sigmask = false;
	}
}

void signal_force(struct process *p, const struct lab2_siginfo *info)
{
	struct lab2_sigaction *act = &p->sigactions[info->signo - 1];
	uint64_t bit = SIG_BIT(info->signo);

	/*
	 * A fault cannot be ignored or blocked away: as Linux's
	 * force_sig, it unblocks the signal and, if it was ignored, or
	 * it is already being handled, it kills.
	 */
	if (act->handler == (uintptr_t)SIG_IGN || (p->sigmask & bit))
		memset(act, 0, sizeof(*act));
	p->sigmask &= ~bit;
	p->siginfo[info->signo - 1] = *info;
	__atomic_or_fetch(&p->sigpending, bit, __ATOMIC_SEQ_CST);
}

/* rt_sigreturn: the registers and the mask the frame saved. */
SYS_DECL(rt_sigreturn)
{
	struct kvm_regs *regs = p->regs;
	struct lab2_ucontext uc;
	uint64_t frame = regs->rsp - sizeof(uint64_t);

	if (lab2_copy_from_user(p, &uc, frame +
				offsetof(struct lab2_sigframe, uc), sizeof(uc)) ||
	    !lab2_canonical(uc.mcontext.rip))
		goto bad;
	if (uc.mcontext.fpstate) {
		if (lab2_copy_from_user(p, p->xsave, uc.mcontext.fpstate,
					sizeof(p->xsave)) ||
		    ioctl(p->vcpu->fd, KVM_SET_XSAVE, p->xsave) < 0)
			goto bad;
	}
	restore_regs(regs, &uc.mcontext);
	set_mask(p, uc.sigmask);
	p->regs_replaced = true;
	return (long)regs->rax;
bad:
	/* As Linux: a frame it cannot take back is a SIGSEGV. */
	pr_warn("lab2: rt_sigreturn with a bad frame at 0x%llx",
		(unsigned long long)frame);
	process_end(p, 0, SIGSEGV);
	return 0;
}

/* @code: SI_USER for kill, SI_TKILL for tkill and tgkill (raise). */
static long do_kill(struct process *p, int64_t pid, uint64_t sig, int code)
{
	if (sig && !valid_signal(sig))
		return -EINVAL;
	return task_kill(p, pid, (int)sig, code);
}

SYS_DECL(kill)
{
	return do_kill(p, (int32_t)a[0], a[1], SI_USER);
}

SYS_DECL(tkill)
{
	if ((int32_t)a[0] <= 0)
		return -EINVAL;
	return do_kill(p, (int32_t)a[0], a[1], SI_TKILL);
}

SYS_DECL(tgkill)
{
	if ((int32_t)a[0] <= 0 || (int32_t)a[1] <= 0)
		return -EINVAL;
	if ((int32_t)a[0] != (int32_t)a[1])
		return -ESRCH;	/* one thread per process: tid == pid */
	return do_kill(p, (int32_t)a[1], a[2], SI_TKILL);
}

bool signal_catches(const struct process *p, int sig)
{
	uint64_t handler = p->sigactions[sig - 1].handler;

	return handler != (uintptr_t)SIG_DFL && handler != (uintptr_t)SIG_IGN &&
	       !(p->sigmask & SIG_BIT(sig));
}
