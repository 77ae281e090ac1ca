// SPDX-License-Identifier: GPL-2.0
/*
 * The guest program as the VMM sees it: its memory areas, its file
 * descriptors, its initial stack, and the trips between ring 3 and the
 * VMM. The guest's own sysret and iretq cannot return to ring 3 on
 * every host (nested KVM refuses them), so the VMM does the return: it
 * sets RIP, RFLAGS and the user segments itself.
 */
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <unistd.h>

#include <kvmlab/layout.h>
#include <kvmlab/kernel.h>
#include <kvmlab/x86.h>

#include "x86/gdt.h"
#include "core/log.h"
#include "lab2/process.h"
#include "lab2/syscall.h"
#include "core/timeout.h"
#include "lab2/sys.h"
#include "lab2/task.h"
#include "lab2/uaccess.h"

#define USER_DPL		3
#define STACK_ALIGN		16
#define AT_RANDOM_BYTES		16
#define CLOCK_TICKS		100
/* The RFLAGS bits a user program may set (syscall saved them in R11). */
#define RFLAGS_CF		BIT_ULL(0)
#define RFLAGS_PF		BIT_ULL(2)
#define RFLAGS_AF		BIT_ULL(4)
#define RFLAGS_ZF		BIT_ULL(6)
#define RFLAGS_SF		BIT_ULL(7)
#define RFLAGS_TF		BIT_ULL(8)
#define RFLAGS_DF		BIT_ULL(10)
#define RFLAGS_OF		BIT_ULL(11)
#define RFLAGS_AC		BIT_ULL(18)
#define RFLAGS_ID		BIT_ULL(21)
#define USER_RFLAGS		(RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | \
				 RFLAGS_SF | RFLAGS_TF | RFLAGS_DF | RFLAGS_OF | \
				 RFLAGS_AC | RFLAGS_ID)
#define USER_RFLAGS_SET		(X86_RFLAGS_FIXED | X86_RFLAGS_IF)
#define PLATFORM		"x86_64"
/* What a syscall reads and writes: the registers and the segments. */
#define SYNC_REGS_NEEDED	(KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS)
#define PROC_MAX_ARGS		(64 * 1024)
#define PROC_MAX_ENV		(64 * 1024)

/* The VMM's environment (unistd.h's environ) is the program's. */

void process_init(struct process *p, struct guest_mem *mem, int root_fd,
		  const char *exe, FILE *trace)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->mem = mem;
	p->root_fd = root_fd;
	p->cwd_fd = root_fd;
	p->exe = exe;
	p->exe_fd = -1;
	p->trace = trace;
	for (i = 0; i < PROC_MAX_FDS; i++)
		p->fds[i].host = -1;
	/* The VMM's own standard streams are the program's. */
	for (i = 0; i <= STDERR_FILENO; i++)
		p->fds[i].host = i;
	/*
	 * A write to a closed pipe is the program's SIGPIPE (signal.c),
	 * not the VMM's death: the host call returns EPIPE instead.
	 */
	signal(SIGPIPE, SIG_IGN);
}

void process_release_files(struct process *p)
{
	unsigned int i;

	mm_release_all(p);
	for (i = 0; i < PROC_MAX_FDS; i++) {
		if (p->fds[i].host > STDERR_FILENO)
			close(p->fds[i].host);
		p->fds[i].host = -1;
	}
}

void process_destroy(struct process *p)
{
	process_release_files(p);
	time_destroy(p);
	if (p->cwd_fd >= 0 && p->cwd_fd != p->root_fd)
		close(p->cwd_fd);
	if (p->root_fd >= 0)
		close(p->root_fd);
	if (p->exe_fd >= 0)
		close(p->exe_fd);
}

/* Writes the stack from the top down, each write checked. */
struct stack_writer {
	struct guest_mem *mem;
	uint64_t sp;
	uint64_t low;
	int err;
};

static uint64_t push_bytes(struct stack_writer *w, const void *src,
			   size_t len)
{
	void *dst;

	if (w->err || w->sp - w->low < len) {
		w->err = -1;
		return 0;
	}
	w->sp -= len;
	dst = guest_ptr(w->mem, w->sp, len);
	if (!dst) {
		w->err = -1;
		return 0;
	}
	memcpy(dst, src, len);
	return w->sp;
}

static uint64_t push_string(struct stack_writer *w, const char *s)
{
	return push_bytes(w, s, strlen(s) + 1);
}

static void push_word(struct stack_writer *w, uint64_t v)
{
	push_bytes(w, &v, sizeof(v));
}

/* The auxiliary vector, filled by appending: no count to keep in step. */
#define NR_AUXV		20

struct auxv {
	uint64_t entries[NR_AUXV][2];
	unsigned int n;
	int err;
};

static void auxv_add(struct auxv *v, uint64_t type, uint64_t value)
{
	if (v->n == NR_AUXV) {
		v->err = -1;
		return;
	}
	v->entries[v->n][0] = type;
	v->entries[v->n][1] = value;
	v->n++;
}

/* What the program learns of itself and its host (getauxval(3)). */
static void auxv_fill(struct process *p, struct auxv *v, uint64_t random,
		      uint64_t platform, uint64_t execfn)
{
	auxv_add(v, AT_PHDR, p->img.phdr);
	auxv_add(v, AT_PHENT, p->img.phentsize);
	auxv_add(v, AT_PHNUM, p->img.phnum);
	auxv_add(v, AT_PAGESZ, PROC_PAGE_SIZE);
	auxv_add(v, AT_BASE, 0);
	auxv_add(v, AT_FLAGS, 0);
	auxv_add(v, AT_ENTRY, p->img.entry);
	auxv_add(v, AT_UID, getuid());
	auxv_add(v, AT_EUID, geteuid());
	auxv_add(v, AT_GID, getgid());
	auxv_add(v, AT_EGID, getegid());
	auxv_add(v, AT_CLKTCK, CLOCK_TICKS);
	auxv_add(v, AT_SECURE, 0);
	auxv_add(v, AT_RANDOM, random);
	auxv_add(v, AT_PLATFORM, platform);
	auxv_add(v, AT_EXECFN, execfn);
	if (p->vdso_size)
		auxv_add(v, AT_SYSINFO_EHDR, p->vdso);
}

/* The strings the vectors point to, at the top of the stack. */
struct stack_strings {
	uint64_t *argv;
	uint64_t *envp;
	int argc, envc;
	uint64_t random, platform, execfn;
};

static void push_strings(struct process *p, struct stack_writer *w,
			 struct stack_strings *s, int argc, char *const *argv,
			 int envc, char *const *envp)
{
	uint8_t seed[AT_RANDOM_BYTES];
	int i;

	if (getrandom(seed, sizeof(seed), 0) != sizeof(seed))
		memset(seed, 0x5a, sizeof(seed));
	s->random = push_bytes(w, seed, sizeof(seed));
	s->platform = push_string(w, PLATFORM);
	s->execfn = push_string(w, p->exe);
	for (i = 0; i < envc; i++)
		s->envp[i] = push_string(w, envp[i]);
	s->envc = envc;
	for (i = 0; i < argc; i++)
		s->argv[i] = push_string(w, argv[i]);
	s->argc = argc;
}

/* A NULL-ended vector of @n words, pushed so that it reads upwards. */
static void push_vector(struct stack_writer *w, const uint64_t *words, int n)
{
	push_word(w, 0);
	while (n-- > 0)
		push_word(w, words[n]);
}

/*
 * The initial stack, as Linux lays it out (System V x86-64 ABI 3.4.1):
 * from RSP up, argc, argv[] and NULL, envp[] and NULL, the auxiliary
 * vector ending in AT_NULL; the strings they point to above them.
 */
static int build_stack(struct process *p, int argc, char *const *argv,
		       int envc, char *const *envp, uint64_t *rsp)
{
	struct stack_writer w = {
		.mem = p->mem, .sp = p->mem->size, .low = p->stack_low,
	};
	struct stack_strings s = {};
	struct auxv v = {};
	unsigned int words;
	int ret;

	if (argc > PROC_MAX_ARGS || envc > PROC_MAX_ENV)
		return -1;
	s.argv = calloc(argc + 1, sizeof(*s.argv));
	s.envp = calloc(envc + 1, sizeof(*s.envp));
	if (!s.argv || !s.envp) {
		free(s.argv);
		free(s.envp);
		return -1;
	}
	push_strings(p, &w, &s, argc, argv, envc, envp);
	auxv_fill(p, &v, s.random, s.platform, s.execfn);
	auxv_add(&v, AT_NULL, 0);

	/* argc, argv + NULL, envp + NULL, auxv: RSP 16-aligned. */
	words = 1 + argc + 1 + s.envc + 1 + 2 * v.n;
	w.sp = ALIGN_DOWN(w.sp, STACK_ALIGN);
	if (words % 2)
		push_word(&w, 0);
	push_bytes(&w, v.entries, v.n * sizeof(v.entries[0]));
	push_vector(&w, s.envp, s.envc);
	push_vector(&w, s.argv, argc);
	push_word(&w, argc);
	*rsp = w.sp;
	ret = w.err || v.err ? -1 : 0;
	free(s.argv);
	free(s.envp);
	return ret;
}

/* The memory map of a new program: heap above it, stack at the top. */
static int process_layout(struct process *p, const struct elf_image *img)
{
	p->img = *img;
	p->brk_start = ALIGN(img->end, PROC_PAGE_SIZE);
	p->brk = p->brk_start;
	p->stack_low = p->mem->size - PROC_STACK_SIZE;
	p->vdso = p->stack_low - PROC_STACK_GUARD - PROC_VDSO_SIZE;
	p->mmap_top = p->vdso;
	p->nr_vmas = 0;
	if (p->brk_start > p->vdso) {
		pr_err("the program leaves no room for its stack; use a larger --mem");
		return -1;
	}
	if (!p->vdso_size)
		return 0;
	if (p->vdso_size > PROC_VDSO_SIZE) {
		pr_err("lab2: the vDSO image (%zu bytes) is larger than its room",
		       p->vdso_size);
		return -1;
	}
	/* The vDSO's file is its memory image (guest_64_bits/vdso.ld). */
	return lab2_copy_to_user(p, p->vdso, p->vdso_image, p->vdso_size) ?
	       -1 : 0;
}

int process_setup(struct process *p, const struct elf_image *img,
		  int argc, char *const *argv)
{
	p->argc = argc;
	p->argv = argv;
	return process_layout(p, img);
}

int process_exec(struct process *p, const struct elf_image *img,
		 int argc, char *const *argv, int envc, char *const *envp)
{
	struct kvm_regs *regs = p->regs;
	uint64_t rsp;

	if (process_layout(p, img) ||
	    build_stack(p, argc, argv, envc, envp, &rsp))
		return -1;
	/* Linux starts a program with its registers zero. */
	memset(regs, 0, sizeof(*regs));
	regs->rip = img->entry;
	regs->rsp = rsp;
	regs->rflags = USER_RFLAGS_SET;
	p->regs_replaced = true;
	return 0;
}

uint64_t process_user_rflags(uint64_t flags)
{
	return (flags & USER_RFLAGS) | USER_RFLAGS_SET;
}

int process_enter(struct process *p, const struct kvm_regs *regs)
{
	if (vcpu_set_sregs(p->vcpu, &p->user_sregs) ||
	    vcpu_set_regs(p->vcpu, regs))
		return -1;
	/* From now on KVM hands over the registers at every exit. */
	if (p->sync_regs)
		p->vcpu->run->kvm_valid_regs = SYNC_REGS_NEEDED;
	p->entered = true;
	/* A kick to this thread now stops its KVM_RUN too. */
	task_kick_reaches(p->vcpu->run);
	return 0;
}

static int enter_user(struct process *p, uint64_t rip, uint64_t rsp)
{
	struct kvm_regs regs = {
		.rip = rip, .rsp = rsp, .rflags = USER_RFLAGS_SET,
	};

	if (vcpu_get_sregs(p->vcpu, &p->user_sregs))
		return -1;
	/* 64-bit code and data at DPL 3, as the stub's GDT has them. */
	gdt_flat_segment(&p->user_sregs.cs, USER_CS, X86_SEG_TYPE_CODE_XR,
			 USER_DPL, true);
	gdt_flat_segment(&p->user_sregs.ss, USER_DS, X86_SEG_TYPE_DATA_RW,
			 USER_DPL, false);
	p->user_sregs.ds = p->user_sregs.ss;
	p->user_sregs.es = p->user_sregs.ss;
	p->user_sregs.fs = p->user_sregs.ss;
	p->user_sregs.gs = p->user_sregs.ss;
	p->user_sregs.fs.selector = 0;
	p->user_sregs.gs.selector = 0;
	return process_enter(p, &regs);
}

/* The stub is in long mode: start the program. */
static int process_start(struct process *p)
{
	uint64_t rsp;
	int envc = 0;

	if (p->entered) {
		pr_err("lab2: the boot stub said it was ready twice");
		return -1;
	}
	while (environ && environ[envc])
		envc++;
	if (build_stack(p, p->argc, p->argv, envc, environ, &rsp)) {
		pr_err("lab2: the arguments do not fit on the stack");
		return -1;
	}
	return enter_user(p, p->img.entry, rsp);
}

int process_get_regs(struct process *p, struct kvm_regs *regs)
{
	if (!p->sync_regs)
		return vcpu_get_regs(p->vcpu, regs);
	*regs = p->vcpu->run->s.regs.regs;
	return 0;
}

int process_get_sregs(struct process *p, struct kvm_sregs *sregs)
{
	if (!p->sync_regs)
		return vcpu_get_sregs(p->vcpu, sregs);
	*sregs = p->vcpu->run->s.regs.sregs;
	return 0;
}

/*
 * The registers for the next KVM_RUN: through kvm_run's sync area,
 * which KVM loads on entry (no ioctl), or KVM_SET_SREGS and
 * KVM_SET_REGS where the host lacks it.
 */
/* Are @now's segments (as KVM last stored them) ring 3's, @user? */
static bool user_segments_loaded(const struct kvm_sregs *now,
				 const struct kvm_sregs *user)
{
	return !memcmp(&now->cs, &user->cs, sizeof(now->cs)) &&
	       !memcmp(&now->ss, &user->ss, sizeof(now->ss)) &&
	       !memcmp(&now->ds, &user->ds, sizeof(now->ds)) &&
	       !memcmp(&now->es, &user->es, sizeof(now->es)) &&
	       !memcmp(&now->fs, &user->fs, sizeof(now->fs)) &&
	       !memcmp(&now->gs, &user->gs, sizeof(now->gs));
}

int process_set_regs(struct process *p, const struct kvm_regs *regs)
{
	struct kvm_run *run = p->vcpu->run;

	if (!lab2_canonical(regs->rip)) {
		pr_err("lab2: the program would return to 0x%llx, not a user address",
		       (unsigned long long)regs->rip);
		return -1;
	}
	p->user_sregs.fs.base = p->fs_base;
	p->user_sregs.gs.base = p->gs_base;
	if (!p->sync_regs)
		return vcpu_set_sregs(p->vcpu, &p->user_sregs) ||
		       vcpu_set_regs(p->vcpu, regs) ? -1 : 0;
	run->s.regs.regs = *regs;
	run->kvm_dirty_regs = KVM_SYNC_X86_REGS;
	/*
	 * The segments only if they are not ring 3's already: loading
	 * them (KVM's whole __set_sregs) is most of a syscall's cost on
	 * a host whose syscall leaves the vCPU at CPL 3 (kvm-pvm).
	 */
	if (!user_segments_loaded(&run->s.regs.sregs, &p->user_sregs)) {
		run->s.regs.sregs = p->user_sregs;
		run->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
	}
	return 0;
}

/*
 * KVM_RUN said EINTR: a signal to this thread, another process's kill
 * or an alarm (task.c's kick), or --timeout's. A program busy in ring 3
 * makes no syscall: its signals are delivered here, where it stands.
 * In the stub (a syscall or a fault on its way), the exit that follows
 * delivers them.
 */
static enum run_hook_verdict process_interrupted(void *data,
						 struct vcpu *vcpu)
{
	struct process *p = data;
	struct kvm_regs regs;

	WRITE_ONCE(vcpu->run->immediate_exit, 0);
	if (!p->entered || timeout_expired())
		return RUN_HOOK_PASS;
	time_check_alarm(p);
	if (!signal_acts(p) || process_get_regs(p, &regs) ||
	    regs.rip < PROC_USER_BASE)
		return RUN_HOOK_PASS;
	signal_deliver(p, &regs);
	if (p->exited) {
		task_end_first(p);
		return RUN_HOOK_HALT;
	}
	return process_set_regs(p, &regs) ? RUN_HOOK_STOP : RUN_HOOK_PASS;
}

const struct run_hook *process_hook(struct process *p)
{
	p->hook.interrupted = process_interrupted;
	p->hook.data = p;
	return &p->hook;
}

/* The stub's ports: "ready", "syscall" and "fault". Writes only. */
static int process_port(void *opaque, uint64_t offset, uint8_t *data,
			uint32_t len, bool is_write)
{
	struct process *p = opaque;

	if (!is_write) {
		memset(data, 0xff, len);
		return 0;
	}
	if (offset == LAB2_READY_PORT - LAB2_PORT_BASE)
		return process_start(p) ? -1 : 0;
	/* Before the program runs there is no ring 3 to return to. */
	if (!p->entered) {
		pr_err("lab2: a syscall or an exception before the program started");
		return -1;
	}
	if (offset == LAB2_FAULT_PORT - LAB2_PORT_BASE)
		return fault_handle(p);
	return syscall_handle(p);
}

/* Can the registers travel in kvm_run (KVM_CAP_SYNC_REGS)? */
static bool has_sync_regs(int vm_fd)
{
	int fields = ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS);

	return fields > 0 && (fields & SYNC_REGS_NEEDED) == SYNC_REGS_NEEDED;
}

int process_register(struct process *p, struct vm *vm)
{
	p->vm = vm;
	p->sync_regs = !getenv(PROC_NO_SYNC_REGS_ENV) && has_sync_regs(vm->fd);
	return bus_register(&vm->pio, "lab2", LAB2_PORT_BASE, LAB2_NR_PORTS,
			    process_port, p);
}
