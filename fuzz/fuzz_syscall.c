// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: Lab 2's syscall translation (syscall_dispatch()),
 * as a hostile ring-3 program would drive it, without a vCPU. The
 * program has 4 MiB of RAM, a heap from 2 MiB, and a sandbox: a
 * directory made once per process in $TMPDIR (or /tmp), with a file,
 * a subdirectory and symbolic links (one of them pointing out). Its
 * fds 0, 1 and 2 are /dev/null. Whatever an open or a stat reaches
 * must be in the sandbox, and no input may leave a host fd open.
 *
 * So that the host comes to no harm, open and openat lose O_CREAT,
 * O_TMPFILE and O_TRUNC, and open read-only: nothing can change the
 * sandbox, and nothing can block (every file is /dev/null, or a
 * regular file or directory).
 *
 * Input format (all numbers little-endian):
 *   byte 0      bit 0: log each syscall (--strace) to /dev/null
 *   bytes 1-4   N, then N bytes copied to guest RAM at 0 (the image)
 *   then records, each an opcode byte:
 *   even        a syscall: nr(2), taken modulo 512, then its six
 *               arguments, 8 bytes each
 *   odd         a poke: gpa(4), modulo the RAM size, n(1) bytes(n):
 *               the program changes its memory between syscalls
 * A missing operand reads as zero; the run stops at the end of input,
 * or when the program exits.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <kvmlab/kernel.h>

#include "lab2/elf_loader.h"
#include "core/guest_mem.h"
#include "lab2/process.h"
#include "lab2/sandbox.h"
#include "lab2/syscall.h"
#include "lab2/uaccess.h"

#define RAM_SIZE	0x400000ULL	/* 4 MiB: 1 MiB of it stack */
#define IMAGE_END	0x200000ULL	/* brk starts there */
#define RAM_GUARD	0x100000ULL	/* unmapped, on each side */
#define NR_MASK		0x1ff
/* Host fds checked for leaks: well past the program's PROC_MAX_FDS. */
#define FD_SCAN		256
/* A symbolic link out of the sandbox, were it not one. */
#define ESCAPE		"../../../../../../../../../../etc/passwd"
/* What an open may not ask for here: no new file, no truncation. */
#define OPEN_DENIED	(O_ACCMODE | O_CREAT | O_TRUNC | \
			 (O_TMPFILE & ~O_DIRECTORY))

struct input {
	const uint8_t *data;
	size_t size;
};

/* The sandbox's files, the directories last; what they are, once. */
static const char *const sandbox_files[] = {
	"hello", "dir/file", "link", "escape", "absolute", "loop", "dir",
	".",
};

static char sandbox[PATH_MAX];
static struct stat inside[ARRAY_SIZE(sandbox_files)], null_stat;
static FILE *devnull;
static uint8_t *ram;

static uint64_t take(struct input *in, unsigned int bytes)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < bytes && in->size; i++, in->data++, in->size--)
		v |= (uint64_t)*in->data << (8 * i);
	return v;
}

static int sandbox_fd(void)
{
	return open(sandbox, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static void sandbox_remove(void)
{
	int dir = sandbox_fd();
	unsigned int i;

	if (dir < 0)
		return;
	for (i = 0; i < ARRAY_SIZE(sandbox_files); i++)
		unlinkat(dir, sandbox_files[i], 0);
	unlinkat(dir, "dir", AT_REMOVEDIR);
	close(dir);
	rmdir(sandbox);
}

static void write_file(int dir, const char *name, const char *text)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			0644);

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		abort();
	close(fd);
}

/* Once per process: the sandbox, and /dev/null for --strace. */
static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	unsigned int i;
	int dir;

	devnull = fopen("/dev/null", "w");
	snprintf(sandbox, sizeof(sandbox), "%s/kvmlab-fuzz-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!devnull || !mkdtemp(sandbox))
		abort();
	atexit(sandbox_remove);
	dir = sandbox_fd();
	if (dir < 0 || mkdirat(dir, "dir", 0755) < 0 ||
	    symlinkat("hello", dir, "link") < 0 ||
	    symlinkat(ESCAPE, dir, "escape") < 0 ||
	    symlinkat("/dir/file", dir, "absolute") < 0 ||
	    symlinkat("loop", dir, "loop") < 0)
		abort();
	write_file(dir, "hello", "Hello, world!\n");
	write_file(dir, "dir/file", "42\n");
	for (i = 0; i < ARRAY_SIZE(inside); i++)
		if (fstatat(dir, sandbox_files[i], &inside[i],
			    AT_SYMLINK_NOFOLLOW) < 0)
			abort();
	close(dir);
	if (stat("/dev/null", &null_stat) < 0)
		abort();
}

/*
 * Guest RAM between two inaccessible guard areas: ASan does not watch
 * mapped memory, but a run past either end faults.
 */
static uint8_t *map_ram(void)
{
	uint8_t *area = mmap(NULL, RAM_SIZE + 2 * RAM_GUARD, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
			     0);

	if (area == MAP_FAILED ||
	    mprotect(area + RAM_GUARD, RAM_SIZE, PROT_READ | PROT_WRITE) < 0)
		abort();
	return area + RAM_GUARD;
}

/* Which of the first FD_SCAN fds are open, as bits. */
static void open_fds(uint64_t bits[FD_SCAN / 64])
{
	int fd;

	memset(bits, 0, FD_SCAN / 8);
	for (fd = 0; fd < FD_SCAN; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			bits[fd / 64] |= 1ULL << (fd % 64);
}

/* Every fd the input opened is closed again. */
static void check_fds(const uint64_t before[FD_SCAN / 64])
{
	uint64_t after[FD_SCAN / 64];
	int fd;

	open_fds(after);
	for (fd = 0; fd < FD_SCAN; fd++)
		if ((after[fd / 64] & ~before[fd / 64]) & (1ULL << (fd % 64))) {
			fprintf(stderr, "syscall: fd %d leaked\n", fd);
			abort();
		}
}

static void poke(struct guest_mem *mem, struct input *in)
{
	uint64_t gpa = take(in, 4) % RAM_SIZE;
	size_t n = take(in, 1);

	if (n > in->size)
		n = in->size;
	if (n > RAM_SIZE - gpa)
		n = RAM_SIZE - gpa;
	memcpy(mem->host + gpa, in->data, n);
	in->data += n;
	in->size -= n;
}

/* Is @st one of the sandbox's files, or /dev/null? */
static bool allowed(const struct stat *st)
{
	unsigned int i;

	if (st->st_dev == null_stat.st_dev && st->st_ino == null_stat.st_ino)
		return true;
	for (i = 0; i < ARRAY_SIZE(inside); i++)
		if (st->st_dev == inside[i].st_dev &&
		    st->st_ino == inside[i].st_ino)
			return true;
	return false;
}

/* Where a stat-family syscall writes its struct stat, or NULL. */
static const void *stat_buf(struct process *p, uint64_t nr,
			    const uint64_t *args)
{
	switch (nr) {
	case SYS_stat:
	case SYS_lstat:
		return lab2_user_buf(p, args[1], sizeof(struct stat));
	case SYS_newfstatat:
		return lab2_user_buf(p, args[2], sizeof(struct stat));
	default:
		return NULL;
	}
}

/* What a successful open or stat reached must be in the sandbox. */
static void check_escape(struct process *p, uint64_t nr,
			 const uint64_t *args, long ret)
{
	const void *buf = stat_buf(p, nr, args);
	struct stat st;

	if (ret < 0)
		return;
	if (nr == SYS_open || nr == SYS_openat) {
		if (fstat(p->fds[ret].host, &st) < 0)
			abort();
	} else if (buf) {
		memcpy(&st, buf, sizeof(st));
	} else {
		return;
	}
	if (!allowed(&st)) {
		fprintf(stderr, "syscall: %llu reached inode %llu, outside the sandbox\n",
			(unsigned long long)nr, (unsigned long long)st.st_ino);
		abort();
	}
}

/*
 * The syscalls that would change the sandbox or the host (names made,
 * removed, renamed; modes, owners, times, sizes; the umask), could
 * block (waits, sleeps, pipes), or need a vCPU and the process table
 * (fork, execve, signals to processes, sigreturn): not run here. The
 * checker's tests drive them against native runs instead.
 */
static bool not_fuzzed(uint64_t nr)
{
	switch (nr) {
	case SYS_mkdir: case SYS_mkdirat: case SYS_mknodat: case SYS_rmdir:
	case SYS_unlink: case SYS_unlinkat: case SYS_rename:
	case SYS_renameat: case SYS_renameat2: case SYS_link:
	case SYS_linkat: case SYS_symlink: case SYS_symlinkat:
	case SYS_chmod: case SYS_fchmod: case SYS_fchmodat: case SYS_chown:
	case SYS_fchown: case SYS_lchown: case SYS_fchownat:
	case SYS_truncate: case SYS_ftruncate: case SYS_utimensat:
	case SYS_umask: case SYS_creat: case SYS_sendfile:
	case SYS_poll: case SYS_ppoll: case SYS_select: case SYS_pselect6:
	case SYS_pipe: case SYS_pipe2: case SYS_nanosleep:
	case SYS_clock_nanosleep: case SYS_fcntl:
	case SYS_clone: case SYS_fork: case SYS_vfork: case SYS_execve:
	case SYS_wait4: case SYS_pause: case SYS_rt_sigsuspend:
	case SYS_rt_sigreturn: case SYS_kill: case SYS_tkill:
	case SYS_tgkill: case SYS_setsid: case SYS_setpgid:
		return true;
	default:
		return false;
	}
}

static void do_syscall(struct process *p, struct input *in)
{
	uint64_t nr = take(in, 2) & NR_MASK;
	uint64_t args[SYSCALL_NR_ARGS];
	unsigned int i;

	for (i = 0; i < SYSCALL_NR_ARGS; i++)
		args[i] = take(in, 8);
	if (not_fuzzed(nr))
		return;
	if (nr == SYS_open)
		args[1] &= ~(uint64_t)OPEN_DENIED;
	else if (nr == SYS_openat)
		args[2] &= ~(uint64_t)OPEN_DENIED;
	check_escape(p, nr, args, syscall_dispatch(p, nr, args));
}

/* libFuzzer calls it once per input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct elf_image img = {
		.entry = PROC_USER_BASE, .phdr = PROC_USER_BASE + 0x40,
		.phnum = 1, .phentsize = 56, .end = IMAGE_END,
	};
	struct input in = { data, size };
	uint64_t fds[FD_SCAN / 64];
	struct guest_mem mem;
	struct process p;
	unsigned int i;
	FILE *trace;
	size_t n;

	if (!devnull) {
		setup();
		ram = map_ram();
	}
	open_fds(fds);
	mem.size = RAM_SIZE;
	mem.host = ram;
	trace = take(&in, 1) & 1 ? devnull : NULL;
	n = take(&in, 4);
	if (n > in.size)
		n = in.size;
	if (n > RAM_SIZE)
		n = RAM_SIZE;
	memcpy(mem.host, in.data, n);
	in.data += n;
	in.size -= n;

	process_init(&p, &mem, sandbox_open_root(sandbox), "prog", trace);
	if (p.root_fd < 0)
		abort();
	for (i = 0; i <= STDERR_FILENO; i++) {
		p.fds[i].host = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (p.fds[i].host < 0)
			abort();
	}
	if (process_setup(&p, &img, 0, NULL))
		abort();

	while (in.size && !p.exited) {
		if (take(&in, 1) & 1)
			poke(&mem, &in);
		else
			do_syscall(&p, &in);
	}

	/* process_destroy() leaves 0, 1 and 2 alone: they are ours. */
	for (i = 0; i <= STDERR_FILENO; i++)
		if (p.fds[i].host >= 0)
			close(p.fds[i].host);
	process_destroy(&p);
	/* Zero again, lazily: only the pages the input touched cost. */
	if (madvise(ram, RAM_SIZE, MADV_DONTNEED) < 0)
		abort();
	check_fds(fds);
	return 0;
}
