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
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <kvmlab/layout.h>
#include <kvmlab/kernel.h>
#include <kvmlab/x86.h>

#include "x86/gdt.h"
#include "core/log.h"
#include "lab2/process.h"
#include "lab2/syscall.h"

/* The stub's GDT: user data and 64-bit user code, RPL 3. */
#define USER_DS			0x2b
#define USER_CS			0x33
#define USER_DPL		3
#define PAGE			X86_PAGE_SIZE
#define STACK_ALIGN		16
#define AT_RANDOM_BYTES		16
#define CLOCK_TICKS		100
/* RFLAGS a user program may hold: CF PF AF ZF SF TF DF OF AC ID. */
#define USER_RFLAGS		0x240dd5ULL
#define USER_RFLAGS_SET		(X86_RFLAGS_FIXED | X86_RFLAGS_IF)
#define PLATFORM		"x86_64"
#define PROC_MAX_ARGS		64

/* A fixed, small environment: the host's is none of the guest's business. */
static const char *const guest_env[] = {
	"HOME=/", "PATH=/bin:/usr/bin", "TERM=dumb", NULL,
};

static uint64_t align_down(uint64_t x, uint64_t a)
{
	return x & ~(a - 1);
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return align_down(x + a - 1, a);
}

void process_init(struct process *p, struct guest_mem *mem, int root_fd,
		  const char *exe, FILE *trace)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->mem = mem;
	p->root_fd = root_fd;
	p->exe = exe;
	p->trace = trace;
	for (i = 0; i < PROC_MAX_FDS; i++)
		p->fds[i] = -1;
	/* The VMM's own standard streams are the program's. */
	for (i = 0; i <= STDERR_FILENO; i++)
		p->fds[i] = i;
}

void process_destroy(struct process *p)
{
	unsigned int i;

	for (i = STDERR_FILENO + 1; i < PROC_MAX_FDS; i++)
		if (p->fds[i] >= 0)
			close(p->fds[i]);
	if (p->root_fd >= 0)
		close(p->root_fd);
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

#define NR_AUXV		16

/*
 * The initial stack, as Linux lays it out (System V x86-64 ABI 3.4.1):
 * from RSP up, argc, argv[] and NULL, envp[] and NULL, the auxiliary
 * vector ending in AT_NULL; the strings they point to above them.
 */
static int build_stack(struct process *p, int argc, char *const *argv,
		       uint64_t *rsp)
{
	struct stack_writer w = {
		.mem = p->mem, .sp = p->mem->size, .low = p->stack_low,
	};
	uint64_t argv_at[PROC_MAX_ARGS], env_at[ARRAY_SIZE(guest_env)];
	uint64_t platform, random, execfn;
	uint8_t seed[AT_RANDOM_BYTES];
	uint64_t auxv[NR_AUXV][2] = {
		{ AT_PHDR, p->img.phdr }, { AT_PHENT, p->img.phentsize },
		{ AT_PHNUM, p->img.phnum }, { AT_PAGESZ, PAGE },
		{ AT_BASE, 0 }, { AT_FLAGS, 0 }, { AT_ENTRY, p->img.entry },
		{ AT_UID, getuid() }, { AT_EUID, geteuid() },
		{ AT_GID, getgid() }, { AT_EGID, getegid() },
		{ AT_CLKTCK, CLOCK_TICKS }, { AT_SECURE, 0 },
	};
	unsigned int nauxv = 13, words, i;
	int envc;

	if (argc > (int)ARRAY_SIZE(argv_at))
		return -1;
	if (getrandom(seed, sizeof(seed), 0) != sizeof(seed))
		memset(seed, 0x5a, sizeof(seed));
	random = push_bytes(&w, seed, sizeof(seed));
	platform = push_string(&w, PLATFORM);
	execfn = push_string(&w, p->exe);
	for (envc = 0; guest_env[envc]; envc++)
		env_at[envc] = push_string(&w, guest_env[envc]);
	for (i = 0; i < (unsigned int)argc; i++)
		argv_at[i] = push_string(&w, argv[i]);
	auxv[nauxv][0] = AT_RANDOM;
	auxv[nauxv++][1] = random;
	auxv[nauxv][0] = AT_PLATFORM;
	auxv[nauxv++][1] = platform;
	auxv[nauxv][0] = AT_EXECFN;
	auxv[nauxv++][1] = execfn;

	/* argc, argv + NULL, envp + NULL, auxv + AT_NULL: RSP 16-aligned. */
	words = 1 + argc + 1 + envc + 1 + 2 * (nauxv + 1);
	w.sp = align_down(w.sp, STACK_ALIGN);
	if (words % 2)
		push_word(&w, 0);
	push_word(&w, 0);			/* AT_NULL */
	push_word(&w, AT_NULL);
	for (i = nauxv; i-- > 0;) {
		push_word(&w, auxv[i][1]);
		push_word(&w, auxv[i][0]);
	}
	push_word(&w, 0);
	for (i = envc; i-- > 0;)
		push_word(&w, env_at[i]);
	push_word(&w, 0);
	for (i = argc; i-- > 0;)
		push_word(&w, argv_at[i]);
	push_word(&w, argc);
	*rsp = w.sp;
	return w.err;
}

int process_setup(struct process *p, const struct elf_image *img,
		  int argc, char *const *argv)
{
	p->img = *img;
	p->brk_start = align_up(img->end, PAGE);
	p->brk = p->brk_start;
	p->stack_low = p->mem->size - PROC_STACK_SIZE;
	p->mmap_low = p->stack_low;
	if (p->brk_start > p->stack_low) {
		pr_err("the program leaves no room for its stack; use a larger --mem");
		return -1;
	}
	p->argc = argc;
	p->argv = argv;
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
	if (vcpu_set_sregs(p->vcpu, &p->user_sregs) ||
	    vcpu_set_regs(p->vcpu, &regs))
		return -1;
	p->entered = true;
	return 0;
}

/* The stub is in long mode: start the program. */
static int process_start(struct process *p)
{
	uint64_t rsp;

	if (p->entered) {
		pr_err("lab2: the boot stub said it was ready twice");
		return -1;
	}
	if (build_stack(p, p->argc, p->argv, &rsp)) {
		pr_err("lab2: the arguments do not fit on the stack");
		return -1;
	}
	return enter_user(p, p->img.entry, rsp);
}

static bool canonical(uint64_t addr)
{
	int64_t high = (int64_t)addr >> 47;

	return high == 0 || high == -1;
}

int process_return_to_user(struct process *p, struct kvm_regs *regs)
{
	/* What syscall saved: RIP in RCX, RFLAGS in R11. */
	if (!canonical(regs->rcx)) {
		pr_err("lab2: a syscall would return to 0x%llx, not a user address",
		       (unsigned long long)regs->rcx);
		return -1;
	}
	regs->rip = regs->rcx;
	regs->rflags = (regs->r11 & USER_RFLAGS) | USER_RFLAGS_SET;
	p->user_sregs.fs.base = p->fs_base;
	p->user_sregs.gs.base = p->gs_base;
	if (vcpu_set_sregs(p->vcpu, &p->user_sregs) ||
	    vcpu_set_regs(p->vcpu, regs))
		return -1;
	return 0;
}

/* The stub's two ports: "ready" and "syscall". Writes only. */
static int process_port(void *opaque, uint64_t offset, uint8_t *data,
			uint32_t len, bool is_write)
{
	struct process *p = opaque;

	if (!is_write) {
		memset(data, 0xff, len);
		return 0;
	}
	if (offset != LAB2_SYSCALL_PORT - LAB2_PORT_BASE)
		return process_start(p) ? -1 : 0;
	/* Before the program runs there is no ring 3 to return to. */
	if (!p->entered) {
		pr_err("lab2: a syscall before the program started");
		return -1;
	}
	return syscall_handle(p);
}

int process_register(struct process *p, struct bus *pio)
{
	return bus_register(pio, "lab2", LAB2_PORT_BASE, LAB2_NR_PORTS,
			    process_port, p);
}
