// SPDX-License-Identifier: GPL-2.0
/*
 * Signals, as far as one process with no other to signal it needs
 * them: its dispositions and mask are kept (and reported back, as
 * rt_sigaction and rt_sigprocmask must), and a signal it sends itself
 * or that the VMM raises for it (SIGPIPE) takes its default action:
 * ignored, or the end of the program with status 128 + the signal, as
 * a shell reports a death by signal.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include <kvmlab/kernel.h>

#include "lab2/sys.h"
#include "lab2/uaccess.h"

#define PROC_PID		1
#define KERNEL_SIGSET_SIZE	sizeof(uint64_t)
#define SIG_BIT(sig)		BIT_ULL((sig) - 1)
/* What no program may block or catch. */
#define SIG_UNBLOCKABLE		(SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))
/* Signals whose default action is to do nothing. */
#define SIG_DEFAULT_IGNORED	(SIG_BIT(SIGCHLD) | SIG_BIT(SIGCONT) | \
				 SIG_BIT(SIGURG) | SIG_BIT(SIGWINCH))

static bool valid_signal(uint64_t sig)
{
	return sig >= 1 && sig <= PROC_NR_SIGNALS;
}

/* The program is over: exit_group's status, or 128 + a signal. */
static void process_end(struct process *p, int status)
{
	p->exited = true;
	p->status = status & PROC_STATUS_MASK;
}

SYS_DECL(exit)
{
	process_end(p, (int)a[0]);
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
	}
	return 0;
}

/* Signals raised while blocked act once the mask lets them through. */
static void deliver_pending(struct process *p)
{
	uint64_t ready = p->sigpending & ~p->sigmask;
	int sig;

	p->sigpending &= p->sigmask;
	for (sig = 1; ready && !p->exited; sig++, ready >>= 1)
		if (ready & 1)
			signal_raise(p, sig, 0);
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
			p->sigmask |= set;
			break;
		case SIG_UNBLOCK:
			p->sigmask &= ~set;
			break;
		case SIG_SETMASK:
			p->sigmask = set;
			break;
		default:
			return -EINVAL;
		}
		p->sigmask &= ~SIG_UNBLOCKABLE;
	}
	if (a[2] && lab2_copy_to_user(p, a[2], &old, sizeof(old))) {
		p->sigmask = old;
		return -EFAULT;
	}
	deliver_pending(p);
	return 0;
}

/* No alternate stack is ever needed: no fault reaches a handler. */
SYS_DECL(sigaltstack)
{
	const stack_t off = { .ss_flags = SS_DISABLE };

	if (a[1] && lab2_copy_to_user(p, a[1], &off, sizeof(off)))
		return -EFAULT;
	return 0;
}

long signal_raise(struct process *p, int sig, long ret)
{
	uint64_t handler = p->sigactions[sig - 1].handler;

	if (handler == (uintptr_t)SIG_IGN)
		return ret;
	if (p->sigmask & SIG_BIT(sig)) {
		p->sigpending |= SIG_BIT(sig);	/* until unblocked */
		return ret;
	}
	if (handler == (uintptr_t)SIG_DFL && (SIG_BIT(sig) & SIG_DEFAULT_IGNORED))
		return ret;
	/* The default action, and for now a handler's too: the end. */
	process_end(p, PROC_STATUS_SIGNALED + sig);
	return ret;
}

static long do_kill(struct process *p, uint64_t pid, uint64_t sig)
{
	if (pid != PROC_PID && pid != 0)
		return -ESRCH;
	if (sig && !valid_signal(sig))
		return -EINVAL;
	return sig ? signal_raise(p, (int)sig, 0) : 0;
}

SYS_DECL(kill)
{
	return do_kill(p, a[0], a[1]);
}

SYS_DECL(tkill)
{
	return do_kill(p, a[0], a[1]);
}

SYS_DECL(tgkill)
{
	if (a[0] != PROC_PID)
		return -ESRCH;
	return do_kill(p, a[1], a[2]);
}
