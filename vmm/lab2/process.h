/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lab 2: a static Linux program in ring 3 of the guest. The boot stub
 * (guest_64_bits/lab2_stub.asm) takes the vCPU to long mode and says
 * so on LAB2_READY_PORT; the VMM then drops it to ring 3 at the
 * program's entry. Each syscall reaches the stub's handler, which
 * writes to LAB2_SYSCALL_PORT; the VMM answers and returns to ring 3.
 */
#ifndef VMM_PROCESS_H
#define VMM_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <time.h>

#include <linux/kvm.h>

#include <kvmlab/kernel.h>
#include <kvmlab/x86.h>

#include "core/bus.h"
#include "core/guest_mem.h"
#include "core/run.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "lab2/elf_loader.h"

#define PROC_MAX_FDS		64
#define PROC_PAGE_SIZE		X86_PAGE_SIZE
#define PROC_NR_SIGNALS		64	/* 1 to 64: Linux's _NSIG */
#define SIG_BIT(sig)		BIT_ULL((sig) - 1)
/*
 * A host signal that only interrupts a blocked host call: another
 * process's signal, or an alarm, wakes the thread with it.
 */
#define LAB2_KICK_SIGNAL	SIGUSR2
#define PROC_XSAVE_WORDS	ARRAY_SIZE(((struct kvm_xsave *)NULL)->region)
/* Syscall numbers counted one by one when unanswered; past it, "other". */
#define PROC_NR_SYSCALLS	512
/* The status of a program ended by a signal, as a shell reports it. */
#define PROC_STATUS_SIGNALED	128
#define PROC_STATUS_MASK	0xff
#define PROC_STACK_SIZE		0x800000ULL	/* 8 MiB, Linux's default */
/*
 * Below the stack, one 2 MiB page the VMM never maps: a runaway
 * recursion faults there (SIGSEGV), as at Linux's stack limit.
 */
#define PROC_STACK_GUARD	0x200000ULL
/*
 * The program's segments go above the first 2 MiB page: the stub, its
 * tables and its stack, which ring 3 cannot touch (lab2_stub.asm).
 */
#define PROC_USER_BASE		0x200000ULL
/* The stub maps RAM in 2 MiB pages: a Lab 2 RAM size is a multiple. */
#define PROC_MEM_ALIGN		0x200000ULL
/* The stub maps the first GiB: all the RAM a program may have. */
#define PROC_MEM_MAX		0x40000000ULL
/*
 * 256 MiB by default. The host backs RAM lazily, so what the program
 * never touches (a PROT_NONE reservation, say) costs nothing; but
 * every process maps its own, inside one VMM, and a grader's address
 * space limit (make grade's sandbox: 4 GiB) counts them all.
 */
#define PROC_MEM_DEFAULT	0x10000000ULL
/* Room for the vDSO image (guest_64_bits/vdso.c), below the stack. */
#define PROC_VDSO_SIZE		0x2000ULL
/* Set, it makes the VMM use the register ioctls (for make bench). */
#define PROC_NO_SYNC_REGS_ENV	"KVMLAB_NO_SYNC_REGS"

/* A guest file descriptor: the host's behind it, and its FD_CLOEXEC. */
struct lab2_fd {
	int host;			/* -1: not open */
	bool cloexec;
};

/*
 * A pending signal's siginfo, as the VMM keeps it: who sent it, or
 * which fault raised it.
 */
struct lab2_siginfo {
	int signo;
	int code;		/* si_code: SI_USER, SI_KERNEL, SEGV_MAPERR... */
	bool fault;		/* addr, err and trapno are meaningful */
	uint64_t addr;
	uint64_t err, trapno;
	int pid;		/* the sender, or the child (SIGCHLD) */
	uint32_t uid;
	int status;		/* SIGCHLD: the child's exit code or signal */
};

/*
 * A mapping: [start, end), page-aligned. A shared, writable file
 * mapping keeps its file (a host fd, else -1) and offset, so that what
 * the program wrote reaches the file at msync, munmap, exec and exit.
 */
struct lab2_vma {
	uint64_t start, end;
	int fd;
	uint64_t off;
};

#define PROC_MAX_VMAS		256

/* rt_sigaction's struct, as the x86-64 kernel lays it out. */
struct lab2_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

struct lab2_task;

struct process {
	struct guest_mem *mem;
	struct vm *vm;
	struct vcpu *vcpu;
	struct lab2_task *task;		/* its slot in the process table */
	int pid;
	bool forked;			/* not the first process: log its pid */
	const char *exe;		/* what /proc/self/exe reads */
	int exe_fd;			/* its file, for execve of it, or -1 */
	char exe_name[PATH_MAX];	/* exe, once execve has named it */
	int root_fd;			/* the sandbox */
	int cwd_fd;			/* the working directory, in it */
	struct lab2_fd fds[PROC_MAX_FDS];
	struct elf_image img;
	uint64_t brk_start, brk;	/* the heap grows up from brk_start */
	uint64_t stack_low;		/* the stack's lowest address */
	uint64_t vdso;			/* the vDSO, below the stack */
	const uint8_t *vdso_image;	/* what is copied there, or NULL */
	size_t vdso_size;
	uint64_t mmap_top;		/* mmaps go below it: the vDSO */
	struct lab2_vma vmas[PROC_MAX_VMAS];	/* sorted, disjoint */
	unsigned int nr_vmas;
	unsigned int umask;
	int nice;			/* getpriority, setpriority */
	uint64_t fs_base, gs_base;	/* arch_prctl */
	int argc;			/* the program's arguments */
	char *const *argv;
	struct kvm_sregs user_sregs;	/* ring 3, as entered */
	/* During a syscall: its registers, which some calls replace. */
	struct kvm_regs *regs;
	bool regs_replaced;		/* return with *regs as they are */
	bool entered;
	bool sync_regs;			/* registers through kvm_run */
	struct run_hook hook;		/* process_hook()'s */
	FILE *trace;			/* --strace, or NULL */
	struct lab2_sigaction sigactions[PROC_NR_SIGNALS];
	uint64_t sigmask;		/* blocked signals, bit n - 1 */
	uint64_t sigpending;		/* atomic: other processes raise */
	uint64_t saved_sigmask;		/* rt_sigsuspend's, to put back */
	bool restore_sigmask;
	struct lab2_siginfo siginfo[PROC_NR_SIGNALS];
	struct {
		uint64_t sp, size;	/* size 0: no alternate stack */
	} altstack;
	/*
	 * The FPU state a signal frame carries: KVM_GET_XSAVE's 4 KiB (not
	 * struct kvm_xsave, whose flexible tail must end a struct).
	 */
	uint32_t xsave[PROC_XSAVE_WORDS];
	/* alarm, setitimer(ITIMER_REAL): CLOCK_MONOTONIC ns, 0 if none. */
	uint64_t alarm_at, alarm_interval;
	timer_t alarm_timer;		/* kicks its thread at alarm_at */
	bool alarm_timer_made;
	bool exited;
	int exit_code;			/* exit_group's, or 0 */
	int term_sig;			/* the signal that ended it, or 0 */
	int status;			/* as the VMM exits: code or 128 + sig */
	/* Syscalls answered -ENOSYS, by number, for the final warning. */
	uint32_t unanswered[PROC_NR_SYSCALLS];
	uint64_t unanswered_other;	/* numbers past the table */
};

void process_init(struct process *p, struct guest_mem *mem, int root_fd,
		  const char *exe, FILE *trace);
void process_destroy(struct process *p);

/*
 * What a process's end closes first, before its parent hears of it:
 * its descriptors (a pipe's reader then sees EOF) and its mappings.
 */
void process_release_files(struct process *p);

/* Write shared file mappings back and drop them all (exec, exit). */
void mm_release_all(struct process *p);

/* The child's copy of @p's mappings, files included: 0 or -1. */
int mm_clone(struct process *c, const struct process *p);

/* After the ELF is loaded: brk, the mmap area, and the initial stack. */
int process_setup(struct process *p, const struct elf_image *img,
		  int argc, char *const *argv);

/*
 * The stub's ports on @vm's bus; and whether the registers can travel
 * in kvm_run (KVM_CAP_SYNC_REGS), unless KVMLAB_NO_SYNC_REGS is set.
 */
int process_register(struct process *p, struct vm *vm);

/* The registers of the syscall (or exception) that just exited. */
int process_get_regs(struct process *p, struct kvm_regs *regs);
int process_get_sregs(struct process *p, struct kvm_sregs *sregs);

/* Ring 3 with @regs, for a vCPU whose sregs are p->user_sregs. */
int process_enter(struct process *p, const struct kvm_regs *regs);

/*
 * The run loop's hook for @p: a signal that interrupts KVM_RUN is
 * delivered to a program busy in ring 3.
 */
const struct run_hook *process_hook(struct process *p);

/* The registers for the next entry to ring 3 (through kvm_run, or not). */
int process_set_regs(struct process *p, const struct kvm_regs *regs);

/* The RFLAGS ring 3 may hold: @flags's user bits, IF and the fixed bit. */
uint64_t process_user_rflags(uint64_t flags);

/* A new program in @p (execve): the stack, then ring 3 at its entry. */
int process_exec(struct process *p, const struct elf_image *img,
		 int argc, char *const *argv, int envc, char *const *envp);

#endif /* VMM_PROCESS_H */
