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
#include <stdio.h>

#include <linux/kvm.h>

#include <kvmlab/x86.h>

#include "core/bus.h"
#include "core/guest_mem.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "lab2/elf_loader.h"

#define PROC_MAX_FDS		64
#define PROC_PAGE_SIZE		X86_PAGE_SIZE
#define PROC_NR_SIGNALS		64	/* 1 to 64: Linux's _NSIG */
/* Syscall numbers counted one by one when unanswered; past it, "other". */
#define PROC_NR_SYSCALLS	512
/* The status of a program ended by a signal, as a shell reports it. */
#define PROC_STATUS_SIGNALED	128
#define PROC_STATUS_MASK	0xff
#define PROC_STACK_SIZE		0x100000ULL	/* 1 MiB */
/* The program's segments go above the stub, its tables and the IVT. */
#define PROC_USER_BASE		0x100000ULL
/* The stub maps the first GiB: all the RAM a program may have. */
#define PROC_MEM_MAX		0x40000000ULL
#define PROC_MEM_DEFAULT	0x4000000ULL	/* 64 MiB */
/* Set, it makes the VMM use the register ioctls (for make bench). */
#define PROC_NO_SYNC_REGS_ENV	"KVMLAB_NO_SYNC_REGS"

/* A guest file descriptor: the host's behind it, and its FD_CLOEXEC. */
struct lab2_fd {
	int host;			/* -1: not open */
	bool cloexec;
};

/* rt_sigaction's struct, as the x86-64 kernel lays it out. */
struct lab2_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

struct process {
	struct guest_mem *mem;
	struct vcpu *vcpu;
	const char *exe;		/* what /proc/self/exe reads */
	int root_fd;			/* the sandbox */
	int cwd_fd;			/* the working directory, in it */
	struct lab2_fd fds[PROC_MAX_FDS];
	struct elf_image img;
	uint64_t brk_start, brk;	/* the heap grows up from brk_start */
	uint64_t mmap_low;		/* anonymous mmaps grow down to here */
	uint64_t stack_low;		/* the stack's lowest address */
	uint64_t fs_base, gs_base;	/* arch_prctl */
	int argc;			/* the program's arguments */
	char *const *argv;
	struct kvm_sregs user_sregs;	/* ring 3, as entered */
	bool entered;
	bool sync_regs;			/* registers through kvm_run */
	FILE *trace;			/* --strace, or NULL */
	struct lab2_sigaction sigactions[PROC_NR_SIGNALS];
	uint64_t sigmask;		/* blocked signals, bit n - 1 */
	uint64_t sigpending;		/* raised while blocked */
	bool exited;
	int status;			/* the program's, once exited */
	/* Syscalls answered -ENOSYS, by number, for the final warning. */
	uint32_t unanswered[PROC_NR_SYSCALLS];
	uint64_t unanswered_other;	/* numbers past the table */
};

void process_init(struct process *p, struct guest_mem *mem, int root_fd,
		  const char *exe, FILE *trace);
void process_destroy(struct process *p);

/* After the ELF is loaded: brk, the mmap area, and the initial stack. */
int process_setup(struct process *p, const struct elf_image *img,
		  int argc, char *const *argv);

/*
 * The stub's ports on @vm's bus; and whether the registers can travel
 * in kvm_run (KVM_CAP_SYNC_REGS), unless KVMLAB_NO_SYNC_REGS is set.
 */
int process_register(struct process *p, struct vm *vm);

/* The registers of the syscall that just exited. */
int process_get_regs(struct process *p, struct kvm_regs *regs);

/* Back to ring 3 after a syscall, with @regs (rax holds the result). */
int process_return_to_user(struct process *p, struct kvm_regs *regs);

#endif /* VMM_PROCESS_H */
