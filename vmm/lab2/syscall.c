// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall forwarding. The guest program's syscalls arrive here with
 * their number in RAX and their arguments in RDI, RSI, RDX, R10, R8
 * and R9. Each is answered as Linux would answer it: by the host (on
 * the host's file descriptors, inside the sandbox), by the VMM (memory,
 * identity), or with -ENOSYS. Every guest pointer and length goes
 * through user_buf() before the VMM touches it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <asm/prctl.h>
#include <kvmlab/kernel.h>
#include <kvmlab/x86.h>

#include "core/log.h"
#include "lab2/sandbox.h"
#include "lab2/syscall.h"

#define PAGE		X86_PAGE_SIZE
#define PROC_SELF_EXE	"/proc/self/exe"
#define PROC_PID	1
/* A read or write moves at most what Linux moves in one call. */
#define RW_MAX		0x7ffff000ULL
#define GETRANDOM_MAX	0x2000000ULL

void *user_buf(struct process *p, uint64_t addr, uint64_t len)
{
	return guest_ptr(p->mem, addr, len);
}

/* A NUL-terminated string wholly in RAM and shorter than @size. */
static long user_string(struct process *p, uint64_t addr, char *buf,
			size_t size)
{
	uint64_t room = addr < p->mem->size ? p->mem->size - addr : 0;
	const char *s = user_buf(p, addr, room < size ? room : size);
	const char *end;

	if (!s)
		return -EFAULT;
	end = memchr(s, '\0', room < size ? room : size);
	if (!end)
		return room < size ? -EFAULT : -ENAMETOOLONG;
	memcpy(buf, s, end - s + 1);
	return 0;
}

/* The host fd behind guest fd @fd. */
static int host_fd(struct process *p, uint64_t fd)
{
	return fd < PROC_MAX_FDS && p->fds[fd] >= 0 ? p->fds[fd] : -EBADF;
}

/* The directory a *at() call starts from: the root, or a guest fd. */
static int host_dirfd(struct process *p, uint64_t dirfd)
{
	return (int)dirfd == AT_FDCWD ? p->root_fd : host_fd(p, dirfd);
}

static long new_fd(struct process *p, int host)
{
	unsigned int fd;

	if (host < 0)
		return host;
	for (fd = 0; fd < PROC_MAX_FDS; fd++) {
		if (p->fds[fd] < 0) {
			p->fds[fd] = host;
			return fd;
		}
	}
	close(host);
	return -EMFILE;
}

/* A host call's result as the guest sees it: the value, or -errno. */
static long host_result(long ret)
{
	return ret < 0 ? -errno : ret;
}

/* ---- files ---- */

static long sys_read(struct process *p, const uint64_t *a)
{
	int fd = host_fd(p, a[0]);
	uint64_t len = a[2] < RW_MAX ? a[2] : RW_MAX;
	void *buf = user_buf(p, a[1], len);

	if (fd < 0)
		return fd;
	if (!buf)
		return -EFAULT;
	return host_result(read(fd, buf, len));
}

static long sys_write(struct process *p, const uint64_t *a)
{
	int fd = host_fd(p, a[0]);
	uint64_t len = a[2] < RW_MAX ? a[2] : RW_MAX;
	const void *buf = user_buf(p, a[1], len);

	if (fd < 0)
		return fd;
	if (!buf)
		return -EFAULT;
	return host_result(write(fd, buf, len));
}

/* readv and writev: each iovec checked, then handed to the host. */
static long sys_rwv(struct process *p, const uint64_t *a, bool is_write)
{
	int fd = host_fd(p, a[0]);
	const uint8_t *giov;
	struct iovec iov[IOV_MAX];
	uint64_t i;

	if (fd < 0)
		return fd;
	if (a[2] > IOV_MAX)
		return -EINVAL;
	giov = user_buf(p, a[1], a[2] * sizeof(struct iovec));
	if (!giov)
		return -EFAULT;
	for (i = 0; i < a[2]; i++) {
		/*
		 * Copied out once: the array may sit at any address (no
		 * alignment to rely on), and the guest could change it.
		 */
		struct iovec g;
		uint64_t base, len;

		memcpy(&g, giov + i * sizeof(g), sizeof(g));
		base = (uintptr_t)g.iov_base;
		len = g.iov_len;
		iov[i].iov_base = user_buf(p, base, len);
		iov[i].iov_len = len;
		if (!iov[i].iov_base && len)
			return -EFAULT;
	}
	return host_result(is_write ? writev(fd, iov, a[2]) : readv(fd, iov, a[2]));
}

static long sys_readv(struct process *p, const uint64_t *a)
{
	return sys_rwv(p, a, false);
}

static long sys_writev(struct process *p, const uint64_t *a)
{
	return sys_rwv(p, a, true);
}

static long do_openat(struct process *p, uint64_t dirfd, uint64_t path,
		      uint64_t flags, uint64_t mode)
{
	int dir = host_dirfd(p, dirfd);
	char name[PATH_MAX];
	long err = user_string(p, path, name, sizeof(name));

	if (err)
		return err;
	if (dir < 0)
		return dir;
	return new_fd(p, sandbox_openat(dir, name, flags, mode));
}

static long sys_open(struct process *p, const uint64_t *a)
{
	return do_openat(p, (uint64_t)AT_FDCWD, a[0], a[1], a[2]);
}

static long sys_openat(struct process *p, const uint64_t *a)
{
	return do_openat(p, a[0], a[1], a[2], a[3]);
}

static long sys_close(struct process *p, const uint64_t *a)
{
	int fd = host_fd(p, a[0]);

	if (fd < 0)
		return fd;
	p->fds[a[0]] = -1;
	/* The standard streams are the VMM's own: let them be. */
	return fd <= STDERR_FILENO ? 0 : host_result(close(fd));
}

static long sys_lseek(struct process *p, const uint64_t *a)
{
	int fd = host_fd(p, a[0]);

	return fd < 0 ? fd : host_result(lseek(fd, (off_t)a[1], (int)a[2]));
}

static long put_stat(struct process *p, uint64_t addr, const struct stat *st)
{
	void *buf = user_buf(p, addr, sizeof(*st));

	if (!buf)
		return -EFAULT;
	memcpy(buf, st, sizeof(*st));	/* the same layout: x86-64 both */
	return 0;
}

static long sys_fstat(struct process *p, const uint64_t *a)
{
	int fd = host_fd(p, a[0]);
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	return put_stat(p, a[1], &st);
}

static long do_fstatat(struct process *p, uint64_t dirfd, uint64_t path,
		       uint64_t addr, uint64_t flags)
{
	int dir = host_dirfd(p, dirfd);
	char name[PATH_MAX];
	struct stat st;
	long err = user_string(p, path, name, sizeof(name));

	if (err)
		return err;
	if (dir < 0)
		return dir;
	if (!name[0] && (flags & AT_EMPTY_PATH))
		err = fstat(dir, &st) < 0 ? -errno : 0;
	else
		err = sandbox_statat(dir, name, flags, &st);
	return err ? err : put_stat(p, addr, &st);
}

static long sys_stat(struct process *p, const uint64_t *a)
{
	return do_fstatat(p, (uint64_t)AT_FDCWD, a[0], a[1], 0);
}

static long sys_lstat(struct process *p, const uint64_t *a)
{
	return do_fstatat(p, (uint64_t)AT_FDCWD, a[0], a[1],
			  AT_SYMLINK_NOFOLLOW);
}

static long sys_newfstatat(struct process *p, const uint64_t *a)
{
	return do_fstatat(p, a[0], a[1], a[2], a[3]);
}

/* No terminal here: every ioctl gets what a pipe or file would give. */
static long sys_ioctl(struct process *p, const uint64_t *a)
{
	int fd = host_fd(p, a[0]);

	return fd < 0 ? fd : -ENOTTY;
}

static long do_readlinkat(struct process *p, uint64_t dirfd, uint64_t path,
			  uint64_t buf, uint64_t size)
{
	int dir = host_dirfd(p, dirfd);
	char name[PATH_MAX], target[PATH_MAX];
	long err = user_string(p, path, name, sizeof(name));
	ssize_t len;
	char *dst;

	if (err)
		return err;
	if (!strcmp(name, PROC_SELF_EXE)) {
		/* Absolute, as Linux's is: the program, at the sandbox's root. */
		const char *base = strrchr(p->exe, '/');

		len = snprintf(target, sizeof(target), "/%s",
			       base ? base + 1 : p->exe);
	} else {
		int fd;

		if (dir < 0)
			return dir;
		fd = sandbox_openat(dir, name, O_PATH | O_NOFOLLOW, 0);
		if (fd < 0)
			return fd;
		len = readlinkat(fd, "", target, sizeof(target));
		close(fd);
		if (len < 0)
			return -errno;
	}
	if ((int64_t)size <= 0)
		return -EINVAL;
	if ((uint64_t)len > size)
		len = size;
	dst = user_buf(p, buf, len);
	if (!dst)
		return -EFAULT;
	memcpy(dst, target, len);
	return len;
}

static long sys_readlink(struct process *p, const uint64_t *a)
{
	return do_readlinkat(p, (uint64_t)AT_FDCWD, a[0], a[1], a[2]);
}

static long sys_readlinkat(struct process *p, const uint64_t *a)
{
	return do_readlinkat(p, a[0], a[1], a[2], a[3]);
}

/* ---- memory ---- */

/* brk grows the heap up to where anonymous mmaps have reached. */
static long sys_brk(struct process *p, const uint64_t *a)
{
	uint64_t want = a[0];

	if (want < p->brk_start || want > p->mmap_low)
		return p->brk;
	if (want > p->brk) {
		void *fresh = user_buf(p, p->brk, want - p->brk);

		if (!fresh)
			return p->brk;
		memset(fresh, 0, want - p->brk);
	}
	p->brk = want;
	return p->brk;
}

/* Anonymous memory only, taken from below the stack, zeroed. */
static long sys_mmap(struct process *p, const uint64_t *a)
{
	uint64_t len = a[1], flags = a[3];
	void *mem;

	if (!(flags & MAP_ANONYMOUS))
		return -ENODEV;
	if (flags & MAP_FIXED)
		return -EINVAL;
	if (!len || len > p->mmap_low - p->brk)
		return -ENOMEM;
	len = (len + PAGE - 1) & ~(PAGE - 1);
	if (len > p->mmap_low - p->brk)
		return -ENOMEM;
	mem = user_buf(p, p->mmap_low - len, len);
	if (!mem)
		return -ENOMEM;
	p->mmap_low -= len;
	memset(mem, 0, len);
	return p->mmap_low;
}

/*
 * What Linux without the feature answers: rseq (glibc registers one at
 * start-up, and does without it).
 */
static long sys_enosys(struct process *p, const uint64_t *a)
{
	return -ENOSYS;
}

/* Identity-mapped RAM has no per-page rights and is never given back. */
static long sys_ignored(struct process *p, const uint64_t *a)
{
	return 0;
}

static bool canonical(uint64_t addr)
{
	int64_t high = (int64_t)addr >> 47;

	return high == 0 || high == -1;
}

static long sys_arch_prctl(struct process *p, const uint64_t *a)
{
	uint64_t *slot = NULL;
	void *dst;

	switch (a[0]) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (!canonical(a[1]))
			return -EPERM;
		*(a[0] == ARCH_SET_FS ? &p->fs_base : &p->gs_base) = a[1];
		return 0;
	case ARCH_GET_FS:
		slot = &p->fs_base;
		break;
	case ARCH_GET_GS:
		slot = &p->gs_base;
		break;
	default:
		return -EINVAL;
	}
	dst = user_buf(p, a[1], sizeof(*slot));
	if (!dst)
		return -EFAULT;
	memcpy(dst, slot, sizeof(*slot));
	return 0;
}

/* ---- identity, time, randomness ---- */

static long sys_pid(struct process *p, const uint64_t *a)
{
	return PROC_PID;
}

static long sys_getuid(struct process *p, const uint64_t *a)
{
	return getuid();
}

static long sys_geteuid(struct process *p, const uint64_t *a)
{
	return geteuid();
}

static long sys_getgid(struct process *p, const uint64_t *a)
{
	return getgid();
}

static long sys_getegid(struct process *p, const uint64_t *a)
{
	return getegid();
}

static long sys_uname(struct process *p, const uint64_t *a)
{
	struct utsname *u = user_buf(p, a[0], sizeof(*u));

	if (!u)
		return -EFAULT;
	memset(u, 0, sizeof(*u));
	strcpy(u->sysname, "Linux");
	strcpy(u->nodename, "kvmlab");
	strcpy(u->release, "6.1.0-kvmlab");
	strcpy(u->version, "#1");
	strcpy(u->machine, "x86_64");
	return 0;
}

static long sys_getrandom(struct process *p, const uint64_t *a)
{
	uint64_t len = a[1] < GETRANDOM_MAX ? a[1] : GETRANDOM_MAX;
	void *buf = user_buf(p, a[0], len);

	if (!buf)
		return -EFAULT;
	return host_result(getrandom(buf, len, a[2] & GRND_NONBLOCK));
}

static long sys_clock_gettime(struct process *p, const uint64_t *a)
{
	struct timespec ts;
	void *dst = user_buf(p, a[1], sizeof(ts));

	if (!dst)
		return -EFAULT;
	if (clock_gettime((clockid_t)a[0], &ts) < 0)
		return -errno;
	memcpy(dst, &ts, sizeof(ts));
	return 0;
}

static long sys_prlimit64(struct process *p, const uint64_t *a)
{
	struct rlimit lim;
	void *dst;

	if (a[0] && a[0] != PROC_PID)
		return -ESRCH;
	if (!a[3])
		return 0;
	if (a[1] == RLIMIT_STACK) {
		lim.rlim_cur = PROC_STACK_SIZE;
		lim.rlim_max = PROC_STACK_SIZE;
	} else if (getrlimit((int)a[1], &lim) < 0) {
		return -errno;
	}
	dst = user_buf(p, a[3], sizeof(lim));
	if (!dst)
		return -EFAULT;
	memcpy(dst, &lim, sizeof(lim));
	return 0;
}

/* ---- the end ---- */

#define EXIT_STATUS_MASK	0xff
#define EXIT_SIGNALED		128	/* as a shell reports a signal */
#define SIGNAL_MAX		64

static long sys_exit(struct process *p, const uint64_t *a)
{
	p->exited = true;
	p->exit_status = a[0] & EXIT_STATUS_MASK;
	return 0;
}

/* A signal to itself (abort, raise) ends the program, as by default. */
static long do_kill(struct process *p, uint64_t pid, uint64_t sig)
{
	if (pid != PROC_PID && pid != 0)
		return -ESRCH;
	if (sig >= SIGNAL_MAX)
		return -EINVAL;
	if (!sig)
		return 0;
	p->exited = true;
	p->exit_status = EXIT_SIGNALED + (int)sig;
	return 0;
}

static long sys_kill(struct process *p, const uint64_t *a)
{
	return do_kill(p, a[0], a[1]);
}

static long sys_tgkill(struct process *p, const uint64_t *a)
{
	return do_kill(p, a[1], a[2]);
}

/*
 * The table: for --strace, each argument's kind: 'd' decimal, 'x' hex,
 * 's' a string in guest memory. The names are the lab's log's.
 */
struct syscall_desc {
	const char *name;
	const char *args;
	long (*fn)(struct process *p, const uint64_t *a);
};

#define SYS(name, args, fn)	{ name, args, fn }

static const struct syscall_desc syscalls[] = {
	[SYS_read] = SYS("READ", "dxd", sys_read),
	[SYS_write] = SYS("WRITE", "dxd", sys_write),
	[SYS_open] = SYS("OPEN", "sdd", sys_open),
	[SYS_close] = SYS("CLOSE", "d", sys_close),
	[SYS_stat] = SYS("STAT", "sx", sys_stat),
	[SYS_fstat] = SYS("FSTAT", "dx", sys_fstat),
	[SYS_lstat] = SYS("LSTAT", "sx", sys_lstat),
	[SYS_lseek] = SYS("LSEEK", "ddd", sys_lseek),
	[SYS_mmap] = SYS("MMAP", "xxdxdd", sys_mmap),
	[SYS_mprotect] = SYS("MPROTECT", "xxd", sys_ignored),
	[SYS_munmap] = SYS("MUNMAP", "xx", sys_ignored),
	[SYS_brk] = SYS("BRK", "x", sys_brk),
	[SYS_rt_sigaction] = SYS("RT_SIGACTION", "dxxd", sys_ignored),
	[SYS_rt_sigprocmask] = SYS("RT_SIGPROCMASK", "dxxd", sys_ignored),
	[SYS_ioctl] = SYS("IOCTL", "dxx", sys_ioctl),
	[SYS_readv] = SYS("READV", "dxd", sys_readv),
	[SYS_writev] = SYS("WRITEV", "dxd", sys_writev),
	[SYS_getpid] = SYS("GETPID", "", sys_pid),
	[SYS_exit] = SYS("EXIT", "d", sys_exit),
	[SYS_kill] = SYS("KILL", "dd", sys_kill),
	[SYS_uname] = SYS("UNAME", "x", sys_uname),
	[SYS_readlink] = SYS("READLINK", "sxd", sys_readlink),
	[SYS_getuid] = SYS("GETUID", "", sys_getuid),
	[SYS_getgid] = SYS("GETGID", "", sys_getgid),
	[SYS_geteuid] = SYS("GETEUID", "", sys_geteuid),
	[SYS_getegid] = SYS("GETEGID", "", sys_getegid),
	[SYS_arch_prctl] = SYS("ARCH_PRCTL", "dx", sys_arch_prctl),
	[SYS_gettid] = SYS("GETTID", "", sys_pid),
	[SYS_set_tid_address] = SYS("SET_TID_ADDRESS", "x", sys_pid),
	[SYS_clock_gettime] = SYS("CLOCK_GETTIME", "dx", sys_clock_gettime),
	[SYS_exit_group] = SYS("EXIT_GROUP", "d", sys_exit),
	[SYS_tgkill] = SYS("TGKILL", "ddd", sys_tgkill),
	[SYS_openat] = SYS("OPENAT", "dsdd", sys_openat),
	[SYS_newfstatat] = SYS("NEWFSTATAT", "dsxd", sys_newfstatat),
	[SYS_readlinkat] = SYS("READLINKAT", "dsxd", sys_readlinkat),
	[SYS_set_robust_list] = SYS("SET_ROBUST_LIST", "xd", sys_ignored),
	[SYS_prlimit64] = SYS("PRLIMIT64", "ddxx", sys_prlimit64),
	[SYS_getrandom] = SYS("GETRANDOM", "xdd", sys_getrandom),
	[SYS_rseq] = SYS("RSEQ", "xddx", sys_enosys),
};

/* The lab's log line: "OPEN ./ay_caramba 32834 511 - return 3". */
static void trace(struct process *p, const struct syscall_desc *d,
		  uint64_t nr, const uint64_t *a, long ret)
{
	char str[PATH_MAX];
	unsigned int i;

	if (d)
		fprintf(p->trace, "%s", d->name);
	else
		fprintf(p->trace, "SYSCALL_%llu", (unsigned long long)nr);
	for (i = 0; d && d->args[i]; i++) {
		if (d->args[i] == 'x')
			fprintf(p->trace, " %llx", (unsigned long long)a[i]);
		else if (d->args[i] == 's' &&
			 !user_string(p, a[i], str, sizeof(str)))
			fprintf(p->trace, " %s", str);
		else if (d->args[i] == 's')
			fprintf(p->trace, " (bad string at %llx)",
				(unsigned long long)a[i]);
		else
			fprintf(p->trace, " %lld", (long long)a[i]);
	}
	if (p->exited)
		fprintf(p->trace, "\n");
	else
		fprintf(p->trace, " - return %ld\n", ret);
}

long syscall_dispatch(struct process *p, uint64_t nr,
		      const uint64_t args[SYSCALL_NR_ARGS])
{
	const struct syscall_desc *d = nr < ARRAY_SIZE(syscalls) &&
				       syscalls[nr].fn ? &syscalls[nr] : NULL;
	long ret;

	if (d) {
		ret = d->fn(p, args);
	} else {
		if (!p->nr_unknown++)
			p->first_unknown = nr;
		ret = -ENOSYS;
	}
	if (p->trace)
		trace(p, d, nr, args, ret);
	return ret;
}

int syscall_handle(struct process *p)
{
	struct kvm_regs regs;
	uint64_t args[SYSCALL_NR_ARGS];

	if (vcpu_get_regs(p->vcpu, &regs))
		return -1;
	args[0] = regs.rdi;
	args[1] = regs.rsi;
	args[2] = regs.rdx;
	args[3] = regs.r10;
	args[4] = regs.r8;
	args[5] = regs.r9;
	regs.rax = syscall_dispatch(p, regs.rax, args);
	if (p->exited)
		return BUS_STOP;	/* the run is over */
	return process_return_to_user(p, &regs) ? -1 : 0;
}
