// SPDX-License-Identifier: GPL-2.0
/*
 * Processes: the table, fork, wait and kill (see task.h).
 *
 * fork makes the child's VM while the parent waits in its syscall, so
 * that the copy of its RAM is a snapshot: only the pages the host has
 * actually given the parent are copied (mincore), the rest stay
 * untouched, zero, and free in the child too. The child's vCPU gets
 * the parent's ring-3 state (segments, the syscall MSRs, the FPU) and
 * its registers as they return from the syscall, with RAX 0; it is
 * created and run by the child's own thread.
 *
 * vfork and clone(CLONE_VM | CLONE_VFORK), as posix_spawn makes it,
 * are a fork whose parent waits until the child has called execve or
 * ended. Threads (clone with CLONE_VM alone) are refused: -ENOSYS.
 *
 * A signal to another process is marked pending there, and its thread
 * is woken: from a wait here by the condition variable, from a host
 * call it is blocked in (read of a pipe, nanosleep) by a host signal
 * that interrupts it with EINTR. A process running ring-3 code takes
 * it at its next syscall.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/sched.h>

#include <kvmlab/kernel.h>

#include "core/log.h"
#include "core/run.h"
#include "core/timeout.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "lab2/sys.h"
#include "lab2/syscall.h"
#include "lab2/task.h"
#include "lab2/uaccess.h"

/*
 * The first process is not init: as a command run from a shell, it has
 * a parent (INIT_PID, which is not in the table: nobody can signal or
 * wait for it) and a pid of its own. Orphans go to the first process.
 */
#define INIT_PID		1
#define FIRST_PID		2
/* How long a wait naps before it looks at --timeout again. */
#define TASK_WAIT_NAP_NS	(100 * NSEC_PER_MSEC)
/* A host signal that only interrupts a blocked host call. */
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_SFMASK		0xc0000084
#define NR_SYSCALL_MSRS		3
/* What clone may ask for, besides the exit signal (CSIGNAL). */
#define CLONE_KNOWN		(CLONE_VM | CLONE_VFORK | CLONE_SETTLS | \
				 CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | \
				 CLONE_CHILD_CLEARTID)
/* Linux's wait status: the exit code in bits 8-15, or the signal. */
#define WAIT_EXITED(code)	(((code) & 0xff) << 8)

enum task_state {
	TASK_FREE,
	TASK_RUNNING,
	TASK_ZOMBIE,
};

struct lab2_task {
	enum task_state state;
	int pid, ppid, pgid, sid;
	int wait_status;		/* once a zombie */
	int exit_signal;		/* for the parent: SIGCHLD, or 0 */
	struct process *proc;		/* while it runs */
	pthread_t thread;
	bool vfork_pending;		/* its parent waits for exec or exit */
	uint64_t clear_tid;		/* CLONE_CHILD_CLEARTID */
};

/* A forked process: what its thread owns. */
struct child {
	struct process proc;
	struct vm vm;
	struct vcpu vcpu;
	struct kvm_regs regs;		/* as it returns from fork */
	struct kvm_sregs sregs;
	struct kvm_msrs *msrs;		/* the syscall MSRs, to copy */
};

static struct lab2_task tasks[TASK_MAX];
/* Made by task_add_first(), before any second thread exists. */
static pthread_mutex_t tasks_lock;
static pthread_cond_t tasks_changed;
static int next_pid = FIRST_PID;

/* This thread's kvm_run, which a kick stops (task_kick_reaches()). */
static __thread struct kvm_run *kick_run;

/*
 * Async-signal-safe: one relaxed load and one store, as the timeout's
 * handler does. KVM_RUN checks immediate_exit on entry, so a kick that
 * lands just before it still stops it.
 */
static void kick_handler(int sig)
{
	struct kvm_run *run = READ_ONCE(kick_run);

	if (run)
		WRITE_ONCE(run->immediate_exit, 1);
}

void task_kick_reaches(struct kvm_run *run)
{
	WRITE_ONCE(kick_run, run);
}

/*
 * Once: the host signal that kicks a thread out of a blocked call
 * (no SA_RESTART, so the call returns EINTR), and room for the
 * descriptors of many processes.
 */
static void task_setup_host(void)
{
	struct sigaction sa = { .sa_handler = kick_handler };
	pthread_condattr_t attr;
	struct rlimit lim;

	pthread_mutex_init(&tasks_lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&tasks_changed, &attr);
	pthread_condattr_destroy(&attr);
	sigemptyset(&sa.sa_mask);
	sigaction(LAB2_KICK_SIGNAL, &sa, NULL);
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
		lim.rlim_cur = lim.rlim_max;
		setrlimit(RLIMIT_NOFILE, &lim);
	}
}

/* A free slot with a fresh pid, under the lock; NULL if full. */
static struct lab2_task *task_alloc(void)
{
	unsigned int i;

	for (i = 0; i < TASK_MAX; i++) {
		struct lab2_task *t = &tasks[i];

		if (t->state != TASK_FREE)
			continue;
		memset(t, 0, sizeof(*t));
		t->state = TASK_RUNNING;
		t->pid = next_pid++;
		return t;
	}
	return NULL;
}

static struct lab2_task *task_find(int pid)
{
	unsigned int i;

	for (i = 0; i < TASK_MAX; i++)
		if (tasks[i].state != TASK_FREE && tasks[i].pid == pid)
			return &tasks[i];
	return NULL;
}

/* How many processes run (zombies aside), under the lock. */
static unsigned int task_running(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < TASK_MAX; i++)
		n += tasks[i].state == TASK_RUNNING;
	return n;
}

int task_add_first(struct process *p)
{
	struct lab2_task *t;

	task_setup_host();
	pthread_mutex_lock(&tasks_lock);
	t = task_alloc();
	if (t) {
		t->ppid = INIT_PID;
		t->pgid = t->pid;
		t->sid = t->pid;
		t->proc = p;
		t->thread = pthread_self();
		p->task = t;
		p->pid = t->pid;
	}
	pthread_mutex_unlock(&tasks_lock);
	return t ? 0 : -1;
}

/*
 * Wait, under the lock, for the table to change: a child's end, a
 * signal. For a while only: --timeout's signal cannot wake a condition
 * variable, so the waiter looks at it between naps.
 */
static void task_wait(struct process *p)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += TASK_WAIT_NAP_NS;
	if (until.tv_nsec >= NSEC_PER_SEC) {
		until.tv_sec++;
		until.tv_nsec -= NSEC_PER_SEC;
	}
	pthread_cond_timedwait(&tasks_changed, &tasks_lock, &until);
}

/* Wake @t's thread wherever it waits. Under the lock. */
static void task_kick(struct lab2_task *t)
{
	pthread_cond_broadcast(&tasks_changed);
	if (t->proc && !pthread_equal(t->thread, pthread_self()))
		pthread_kill(t->thread, LAB2_KICK_SIGNAL);
}

/* Under the lock: @t's parent learns of its end. */
static void notify_parent(struct lab2_task *t)
{
	struct lab2_task *parent = task_find(t->ppid);
	struct lab2_siginfo info = {
		.signo = SIGCHLD, .pid = t->pid, .uid = getuid(),
	};
	const struct lab2_sigaction *act;

	if (!parent || !parent->proc) {
		t->state = TASK_FREE;	/* nobody will wait for it */
		return;
	}
	act = &parent->proc->sigactions[SIGCHLD - 1];
	if (WIFSIGNALED(t->wait_status)) {
		info.code = CLD_KILLED;
		info.status = WTERMSIG(t->wait_status);
	} else {
		info.code = CLD_EXITED;
		info.status = WEXITSTATUS(t->wait_status);
	}
	if (t->exit_signal)
		signal_send(parent->proc, &info);
	/* SIGCHLD ignored or SA_NOCLDWAIT: Linux reaps the child itself. */
	if (act->handler == (uintptr_t)SIG_IGN ||
	    (act->flags & SA_NOCLDWAIT))
		t->state = TASK_FREE;
	task_kick(parent);
}

void task_exit(struct process *p)
{
	struct lab2_task *t = p->task;
	uint32_t zero = 0;
	unsigned int i;

	if (!t)
		return;
	process_release_files(p);
	if (t->clear_tid)
		lab2_copy_to_user(p, t->clear_tid, &zero, sizeof(zero));
	pthread_mutex_lock(&tasks_lock);
	t->wait_status = p->term_sig ? p->term_sig : WAIT_EXITED(p->exit_code);
	t->state = TASK_ZOMBIE;
	t->proc = NULL;
	t->vfork_pending = false;
	/* Orphans go to the first process, which stands for init. */
	for (i = 0; i < TASK_MAX; i++)
		if (tasks[i].state != TASK_FREE && tasks[i].ppid == t->pid)
			tasks[i].ppid = FIRST_PID;
	notify_parent(t);
	p->task = NULL;
	pthread_mutex_unlock(&tasks_lock);
}

void task_end_first(struct process *p)
{
	if (!p->task || p->task->ppid != INIT_PID)
		return;
	/* Its files close first: a child reading its pipe sees the end. */
	process_release_files(p);
	pthread_mutex_lock(&tasks_lock);
	/* It is still counted itself until task_exit(). */
	while (task_running() > 1 && !timeout_expired())
		task_wait(p);
	pthread_mutex_unlock(&tasks_lock);
}

/* ---- fork ---- */

/* Copy the pages the host has given @src: the rest are zero in both. */
static int copy_ram(uint8_t *dst, uint8_t *src, uint64_t size)
{
	uint64_t pages = size / PROC_PAGE_SIZE;
	unsigned char *resident = malloc(pages);

	if (!resident)
		return -1;
	if (mincore(src, size, resident) < 0) {
		memcpy(dst, src, size);
	} else {
		uint64_t i;

		for (i = 0; i < pages; i++)
			if (resident[i] & 1)
				memcpy(dst + i * PROC_PAGE_SIZE,
				       src + i * PROC_PAGE_SIZE,
				       PROC_PAGE_SIZE);
	}
	free(resident);
	return 0;
}

static void block_kicks(bool block)
{
	sigset_t kick;

	sigemptyset(&kick);
	sigaddset(&kick, LAB2_KICK_SIGNAL);
	pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, &kick, NULL);
}

/* What the child inherits: descriptors (copied), dispositions, mask. */
static int clone_process(struct process *c, const struct process *p)
{
	unsigned int i;

	memcpy(c, p, sizeof(*c));
	/* Before anything can fail: the mappings' files are the child's own. */
	mm_clone(c, p);
	/* Pending alarms are not inherited (POSIX fork). */
	c->alarm_at = 0;
	c->alarm_interval = 0;
	c->alarm_timer_made = false;
	c->task = NULL;
	c->forked = true;
	c->regs = NULL;
	c->trace = p->trace;
	c->sigpending = 0;
	memset(c->unanswered, 0, sizeof(c->unanswered));
	c->unanswered_other = 0;
	/* Nothing of the parent's is the child's to close until copied. */
	for (i = 0; i < PROC_MAX_FDS; i++)
		c->fds[i].host = -1;
	c->exe_fd = -1;
	c->cwd_fd = -1;
	c->root_fd = fcntl(p->root_fd, F_DUPFD_CLOEXEC, 0);
	c->cwd_fd = p->cwd_fd == p->root_fd ? c->root_fd :
		    fcntl(p->cwd_fd, F_DUPFD_CLOEXEC, 0);
	if (p->exe_fd >= 0)
		c->exe_fd = fcntl(p->exe_fd, F_DUPFD_CLOEXEC, 0);
	if (p->exe == p->exe_name)
		c->exe = c->exe_name;	/* its own copy of the name */
	if (c->root_fd < 0 || c->cwd_fd < 0)
		return -1;
	for (i = 0; i < PROC_MAX_FDS; i++) {
		if (p->fds[i].host < 0)
			continue;
		c->fds[i].host = fcntl(p->fds[i].host, F_DUPFD_CLOEXEC,
				       STDERR_FILENO + 1);
		if (c->fds[i].host < 0)
			return -1;
	}
	return 0;
}

/* The parent's ring-3 state, for the child's vCPU. */
static int capture_cpu(struct child *c, struct process *p)
{
	static const uint32_t msrs[NR_SYSCALL_MSRS] = {
		MSR_STAR, MSR_LSTAR, MSR_SFMASK,
	};
	unsigned int i;

	c->sregs = p->user_sregs;
	c->msrs = calloc(1, sizeof(*c->msrs) +
			 NR_SYSCALL_MSRS * sizeof(c->msrs->entries[0]));
	if (!c->msrs)
		return -1;
	c->msrs->nmsrs = NR_SYSCALL_MSRS;
	for (i = 0; i < NR_SYSCALL_MSRS; i++)
		c->msrs->entries[i].index = msrs[i];
	if (ioctl(p->vcpu->fd, KVM_GET_MSRS, c->msrs) != NR_SYSCALL_MSRS ||
	    ioctl(p->vcpu->fd, KVM_GET_XSAVE, c->proc.xsave) < 0) {
		pr_err("lab2: fork: cannot read the parent's vCPU state: %s",
		       strerror(errno));
		return -1;
	}
	return 0;
}

static void child_free(struct child *c)
{
	free(c->msrs);
	process_destroy(&c->proc);
	if (c->vm.fd > 0)
		vm_destroy(&c->vm);
	free(c);
}

/* The child's thread: its vCPU, made here, runs until the child ends. */
static void *child_main(void *arg)
{
	struct child *c = arg;
	struct process *p = &c->proc;
	struct run_state state;
	enum run_result result;

	if (vcpu_init(&c->vcpu, &c->vm) ||
	    ioctl(c->vcpu.fd, KVM_SET_MSRS, c->msrs) != NR_SYSCALL_MSRS ||
	    ioctl(c->vcpu.fd, KVM_SET_XSAVE, p->xsave) < 0) {
		pr_err("lab2: process %d: cannot set up its vCPU", p->pid);
		process_end(p, 0, SIGKILL);
		goto out;
	}
	p->vcpu = &c->vcpu;
	/* Created with kicks blocked (as for KVM_CREATE_VM); now it may wait. */
	block_kicks(false);
	if (process_enter(p, &c->regs)) {
		process_end(p, 0, SIGKILL);
		goto out_vcpu;
	}
	result = run_vcpu(&c->vcpu, &c->vm, &state, process_hook(p));
	if (!p->exited) {
		if (result != RUN_TIMED_OUT)
			pr_err("lab2: process %d stopped: %s",
			       p->pid, exit_reason_name(c->vcpu.run->exit_reason));
		process_end(p, 0, SIGKILL);
	}
	syscall_report_unanswered(p);
out_vcpu:
	vcpu_destroy(&c->vcpu);
out:
	task_exit(p);
	child_free(c);
	return NULL;
}

/* The child as it leaves fork: the parent's registers, RAX 0. */
static void child_regs(struct child *c, const struct kvm_regs *parent,
		       uint64_t newsp)
{
	c->regs = *parent;
	c->regs.rax = 0;
	c->regs.rip = parent->rcx;
	c->regs.rflags = process_user_rflags(parent->r11);
	if (newsp)
		c->regs.rsp = newsp;
}

/*
 * KVM_CREATE_VM fails with EINTR if a signal comes meanwhile: a kick
 * waits, blocked, until the child is made.
 */
static int child_vm_init(struct vm *vm, const struct vm_config *cfg)
{
	int ret;

	block_kicks(true);
	ret = vm_init(vm, cfg);
	block_kicks(false);
	return ret;
}

static struct child *child_create(struct process *p, uint64_t newsp)
{
	struct vm_config cfg = { .mem_size = p->mem->size };
	struct child *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (child_vm_init(&c->vm, &cfg)) {
		free(c);
		return NULL;
	}
	if (clone_process(&c->proc, p) || capture_cpu(c, p) ||
	    copy_ram(c->vm.mem.host, p->mem->host, p->mem->size)) {
		child_free(c);
		return NULL;
	}
	c->proc.mem = &c->vm.mem;
	c->proc.vm = &c->vm;
	c->proc.vcpu = NULL;
	if (process_register(&c->proc, &c->vm)) {
		child_free(c);
		return NULL;
	}
	child_regs(c, p->regs, newsp);
	return c;
}

static long do_fork(struct process *p, uint64_t flags, uint64_t newsp,
		    uint64_t ptid, uint64_t ctid, uint64_t tls)
{
	struct lab2_task *t, *self = p->task;
	uint32_t pid32;
	struct child *c;
	long pid;
	int ret;

	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK)) {
		static bool warned;

		if (!warned)
			pr_warn("lab2: threads (clone with CLONE_VM) are not supported: -ENOSYS");
		warned = true;
		return -ENOSYS;
	}
	if (flags & ~(CLONE_KNOWN | CSIGNAL))
		return -EINVAL;
	c = child_create(p, newsp);
	if (!c)
		return -ENOMEM;
	if (flags & CLONE_SETTLS) {
		if (!lab2_canonical(tls)) {
			child_free(c);
			return -EPERM;
		}
		c->proc.fs_base = tls;
	}
	c->sregs.fs.base = c->proc.fs_base;
	c->proc.user_sregs = c->sregs;

	pthread_mutex_lock(&tasks_lock);
	t = task_running() < TASK_LIVE_MAX ? task_alloc() : NULL;
	if (!t) {
		pthread_mutex_unlock(&tasks_lock);
		child_free(c);
		return -EAGAIN;
	}
	t->ppid = self->pid;
	t->pgid = self->pgid;
	t->sid = self->sid;
	t->exit_signal = flags & CSIGNAL;
	t->proc = &c->proc;
	t->vfork_pending = flags & CLONE_VFORK;
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_tid = ctid;
	c->proc.task = t;
	c->proc.pid = t->pid;
	pid = t->pid;
	pid32 = pid;
	if (flags & CLONE_CHILD_SETTID)
		lab2_copy_to_user(&c->proc, ctid, &pid32, sizeof(pid32));
	if (flags & CLONE_PARENT_SETTID)
		lab2_copy_to_user(p, ptid, &pid32, sizeof(pid32));
	/* The thread starts with kicks blocked: see child_main. */
	block_kicks(true);
	ret = pthread_create(&t->thread, NULL, child_main, c);
	block_kicks(false);
	if (ret) {
		t->state = TASK_FREE;
		pthread_mutex_unlock(&tasks_lock);
		child_free(c);
		return -EAGAIN;
	}
	pthread_detach(t->thread);
	/* vfork: the parent sleeps until the child has exec'd or ended. */
	while ((flags & CLONE_VFORK) && t->pid == pid && t->vfork_pending &&
	       !timeout_expired())
		task_wait(p);
	pthread_mutex_unlock(&tasks_lock);
	return pid;
}

SYS_DECL(fork)
{
	return do_fork(p, SIGCHLD, 0, 0, 0, 0);
}

SYS_DECL(vfork)
{
	return do_fork(p, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
}

/* x86-64's argument order: flags, stack, parent_tid, child_tid, tls. */
SYS_DECL(clone)
{
	return do_fork(p, a[0], a[1], a[2], a[3], a[4]);
}

/* execve has succeeded: a vfork parent may go on. */
void task_exec_done(struct process *p)
{
	pthread_mutex_lock(&tasks_lock);
	if (p->task && p->task->vfork_pending) {
		p->task->vfork_pending = false;
		pthread_cond_broadcast(&tasks_changed);
	}
	pthread_mutex_unlock(&tasks_lock);
}

/* ---- wait ---- */

/* Does child @t match wait4's @pid, for the caller @self? */
static bool wait_matches(const struct lab2_task *t,
			 const struct lab2_task *self, int64_t pid)
{
	if (t->state == TASK_FREE || t->ppid != self->pid)
		return false;
	if (pid > 0)
		return t->pid == pid;
	if (pid == 0)
		return t->pgid == self->pgid;
	if (pid < -1)
		return t->pgid == -pid;
	return true;
}

/*
 * Wait for a child that matches @pid (as wait4 takes it): its pid,
 * with its Linux wait status in @status; 0 with WNOHANG if none has
 * ended yet; -ECHILD if there is none; -EINTR if a signal comes.
 * With @reap false (waitid's WNOWAIT) the zombie stays.
 */
static long wait_child(struct process *p, int64_t pid, bool nohang,
		       bool reap, int *status)
{
	struct lab2_task *self = p->task;
	bool any;
	long ret;

	pthread_mutex_lock(&tasks_lock);
	for (;;) {
		unsigned int i;

		any = false;
		ret = 0;
		for (i = 0; i < TASK_MAX; i++) {
			struct lab2_task *t = &tasks[i];

			if (!wait_matches(t, self, pid))
				continue;
			any = true;
			if (t->state == TASK_ZOMBIE) {
				*status = t->wait_status;
				ret = t->pid;
				if (reap)
					t->state = TASK_FREE;
				break;
			}
		}
		if (ret || !any || nohang)
			break;
		time_check_alarm(p);
		if (signal_deliverable(p) || timeout_expired()) {
			ret = -EINTR;
			break;
		}
		task_wait(p);
	}
	pthread_mutex_unlock(&tasks_lock);
	/* No child at all: ECHILD, WNOHANG or not; 0 is "none ended yet". */
	return any ? ret : -ECHILD;
}

/* No usage is kept per process: what wait4 and waitid report is zero. */
static long put_rusage(struct process *p, uint64_t addr)
{
	struct rusage ru = {};

	return addr ? lab2_copy_to_user(p, addr, &ru, sizeof(ru)) : 0;
}

SYS_DECL(wait4)
{
	int status = 0;
	long ret;

	if (a[2] & ~(uint64_t)(WNOHANG | WUNTRACED | WCONTINUED | __WALL |
			       __WCLONE))
		return -EINVAL;
	ret = wait_child(p, (int32_t)a[0], a[2] & WNOHANG, true, &status);
	if (ret > 0 && a[1] &&
	    lab2_copy_to_user(p, a[1], &status, sizeof(status)))
		return -EFAULT;
	if (ret > 0 && put_rusage(p, a[3]))
		return -EFAULT;
	return ret;
}

/* waitid: the same, the child's end told in a siginfo_t. */
SYS_DECL(waitid)
{
	uint64_t options = a[3];
	siginfo_t info;
	int64_t pid;
	int status = 0;
	long ret;

	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)) ||
	    (options & ~(uint64_t)(WNOHANG | WEXITED | WSTOPPED |
				   WCONTINUED | WNOWAIT | __WALL | __WCLONE)))
		return -EINVAL;
	switch (a[0]) {
	case P_ALL:
		pid = -1;
		break;
	case P_PID:
		pid = (int32_t)a[1];
		if (pid <= 0)
			return -EINVAL;
		break;
	case P_PGID:
		pid = (int32_t)a[1] ? -(int64_t)(int32_t)a[1] : 0;
		break;
	default:
		return -EINVAL;
	}
	/* Stops and continues never happen here: only ends are waited for. */
	if (!(options & WEXITED))
		return (options & WNOHANG) ? 0 : -ECHILD;
	ret = wait_child(p, pid, options & WNOHANG, !(options & WNOWAIT),
			 &status);
	if (ret < 0)
		return ret;
	memset(&info, 0, sizeof(info));
	if (ret > 0) {
		info.si_signo = SIGCHLD;
		info.si_pid = ret;
		info.si_uid = getuid();
		info.si_code = WIFSIGNALED(status) ? CLD_KILLED : CLD_EXITED;
		info.si_status = WIFSIGNALED(status) ? WTERMSIG(status) :
				 WEXITSTATUS(status);
	}
	if (a[2] && lab2_copy_to_user(p, a[2], &info, sizeof(info)))
		return -EFAULT;
	return put_rusage(p, a[4]) ? -EFAULT : 0;
}

void task_wait_signal(struct process *p)
{
	pthread_mutex_lock(&tasks_lock);
	for (;;) {
		time_check_alarm(p);
		if (signal_deliverable(p) || timeout_expired())
			break;
		task_wait(p);
	}
	pthread_mutex_unlock(&tasks_lock);
}

SYS_DECL(pause)
{
	task_wait_signal(p);
	return -EINTR;
}

/*
 * rt_sigsuspend: the mask @a[0] until a signal comes; the handler's
 * frame saves the mask from before, which its sigreturn puts back.
 */
SYS_DECL(rt_sigsuspend)
{
	uint64_t mask;

	if (a[1] != sizeof(mask))
		return -EINVAL;
	if (lab2_copy_from_user(p, &mask, a[0], sizeof(mask)))
		return -EFAULT;
	p->saved_sigmask = p->sigmask;
	p->restore_sigmask = true;
	p->sigmask = mask & ~(SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP));
	task_wait_signal(p);
	return -EINTR;
}

/* ---- kill ---- */

/* May @sig go to @t (under the lock)? Then send it: 0, or -ESRCH. */
static long send_to(struct process *from, struct lab2_task *t, int sig,
		   int code)
{
	struct lab2_siginfo info = {
		.signo = sig, .code = code, .pid = from->pid,
		.uid = getuid(),
	};

	if (t->state != TASK_RUNNING || !t->proc)
		return t->state == TASK_ZOMBIE ? 0 : -ESRCH;
	if (!sig)
		return 0;
	signal_send(t->proc, &info);
	task_kick(t);
	return 0;
}

long task_kill(struct process *p, int64_t pid, int sig, int code)
{
	struct lab2_task *self = p->task;
	bool found = false;
	unsigned int i;
	long ret = -ESRCH;

	pthread_mutex_lock(&tasks_lock);
	for (i = 0; i < TASK_MAX; i++) {
		struct lab2_task *t = &tasks[i];
		bool match;

		if (t->state == TASK_FREE)
			continue;
		if (pid > 0)
			match = t->pid == pid;
		else if (pid == 0)
			match = t->pgid == self->pgid;
		else if (pid == -1)
			match = true;	/* all of them: none is init */
		else
			match = t->pgid == -pid;
		if (!match)
			continue;
		found = true;
		ret = send_to(p, t, sig, code);
	}
	pthread_mutex_unlock(&tasks_lock);
	return found ? ret : -ESRCH;
}

/* ---- who is who ---- */

SYS_DECL(getpid)
{
	return p->pid;
}

SYS_DECL(getppid)
{
	return p->task ? p->task->ppid : 0;
}

static long get_ids(struct process *p, uint64_t pid, bool session)
{
	struct lab2_task *t;
	long ret = -ESRCH;

	pthread_mutex_lock(&tasks_lock);
	t = pid ? task_find((int)pid) : p->task;
	if (t)
		ret = session ? t->sid : t->pgid;
	pthread_mutex_unlock(&tasks_lock);
	return ret;
}

SYS_DECL(getpgid)
{
	return get_ids(p, a[0], false);
}

SYS_DECL(getpgrp)
{
	return get_ids(p, 0, false);
}

SYS_DECL(getsid)
{
	return get_ids(p, a[0], true);
}

SYS_DECL(setpgid)
{
	struct lab2_task *t;
	long ret = -ESRCH;

	if ((int32_t)a[1] < 0)
		return -EINVAL;
	pthread_mutex_lock(&tasks_lock);
	t = a[0] ? task_find((int)a[0]) : p->task;
	if (t && (t == p->task || t->ppid == p->pid)) {
		t->pgid = a[1] ? (int)a[1] : t->pid;
		ret = 0;
	}
	pthread_mutex_unlock(&tasks_lock);
	return ret;
}

SYS_DECL(setsid)
{
	struct lab2_task *t = p->task;
	long ret;

	pthread_mutex_lock(&tasks_lock);
	if (t->pgid == t->pid) {
		ret = -EPERM;	/* already a group leader */
	} else {
		t->sid = t->pid;
		t->pgid = t->pid;
		ret = t->pid;
	}
	pthread_mutex_unlock(&tasks_lock);
	return ret;
}
