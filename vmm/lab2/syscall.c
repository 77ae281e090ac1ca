// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall dispatch. The guest program's syscalls arrive here with
 * their number in RAX and their arguments in RDI, RSI, RDX, R10, R8
 * and R9. Each is answered as Linux would answer it: by the host (on
 * the host's file descriptors, inside the sandbox), by the VMM (memory,
 * identity), or with -ENOSYS, counted for the end-of-run warning. The
 * families live one per file (fd.c, fs.c, mm.c, signal.c, time.c);
 * this file has the table, reading and writing, and who the program
 * is. Every guest pointer and length goes through lab2_user_buf().
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <asm/prctl.h>
#include <kvmlab/kernel.h>

#include "core/log.h"
#include "lab2/sys.h"
#include "lab2/syscall.h"
#include "lab2/task.h"
#include "lab2/uaccess.h"

/* The syscall instruction's length: RIP goes back by it to restart. */
#define SYSCALL_INSN_LEN	2
/* A read or write moves at most what Linux moves in one call. */
#define RW_MAX		0x7ffff000ULL
#define GETRANDOM_MAX	0x2000000ULL
#define TASK_COMM_LEN	16
/* The end-of-run warning names this many distinct syscalls at most. */
#define UNANSWERED_SHOWN	16
#define UNANSWERED_LIST_MAX	1024
/* A log line's arguments: two paths at most, and numbers. */
#define TRACE_ARGS_MAX		(2 * PATH_MAX + 256)

long lab2_user_string(struct process *p, uint64_t addr, char *buf,
		      size_t size)
{
	uint64_t room = addr < p->mem->size ? p->mem->size - addr : 0;
	uint64_t len = room < size ? room : size;
	const char *s = lab2_user_buf(p, addr, len);
	const char *end;

	if (!s)
		return -EFAULT;
	end = memchr(s, '\0', len);
	if (!end)
		return room < size ? -EFAULT : -ENAMETOOLONG;
	memcpy(buf, s, end - s + 1);
	return 0;
}

/* ---- reading and writing ---- */

/* A write to a pipe nobody reads raises SIGPIPE, as on Linux. */
static long write_result(struct process *p, long ret)
{
	ret = host_result(ret);
	return ret == -EPIPE ? signal_raise(p, SIGPIPE, ret) : ret;
}

/* The fd and buffer of read, write and their p-variants, checked. */
static long rw_args(struct process *p, const uint64_t *a, int *fd,
		    void **buf, uint64_t *len)
{
	*fd = fd_host(p, a[0]);
	*len = a[2] < RW_MAX ? a[2] : RW_MAX;
	*buf = lab2_user_buf(p, a[1], *len);
	if (*fd < 0)
		return *fd;
	return *buf ? 0 : -EFAULT;
}

static SYS_DECL(read)
{
	uint64_t len;
	void *buf;
	int fd;

	return rw_args(p, a, &fd, &buf, &len) ?: host_result(read(fd, buf, len));
}

static SYS_DECL(write)
{
	uint64_t len;
	void *buf;
	int fd;

	return rw_args(p, a, &fd, &buf, &len) ?:
	       write_result(p, write(fd, buf, len));
}

static SYS_DECL(pread64)
{
	uint64_t len;
	void *buf;
	int fd;

	return rw_args(p, a, &fd, &buf, &len) ?:
	       host_result(pread(fd, buf, len, (off_t)a[3]));
}

static SYS_DECL(pwrite64)
{
	uint64_t len;
	void *buf;
	int fd;

	return rw_args(p, a, &fd, &buf, &len) ?:
	       write_result(p, pwrite(fd, buf, len, (off_t)a[3]));
}

/* readv and writev: each iovec checked, then handed to the host. */
static long do_rwv(struct process *p, const uint64_t *a, bool is_write)
{
	int fd = fd_host(p, a[0]);
	const uint8_t *giov;
	struct iovec iov[IOV_MAX];
	uint64_t i;

	if (fd < 0)
		return fd;
	if (a[2] > IOV_MAX)
		return -EINVAL;
	giov = lab2_user_buf(p, a[1], a[2] * sizeof(struct iovec));
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
		iov[i].iov_base = lab2_user_buf(p, base, len);
		iov[i].iov_len = len;
		if (!iov[i].iov_base && len)
			return -EFAULT;
	}
	if (is_write)
		return write_result(p, writev(fd, iov, a[2]));
	return host_result(readv(fd, iov, a[2]));
}

static SYS_DECL(readv)
{
	return do_rwv(p, a, false);
}

static SYS_DECL(writev)
{
	return do_rwv(p, a, true);
}

static SYS_DECL(lseek)
{
	int fd = fd_host(p, a[0]);

	return fd < 0 ? fd : host_result(lseek(fd, (off_t)a[1], (int)a[2]));
}

/* sendfile: the host copies from file to file; the offset is checked. */
static SYS_DECL(sendfile)
{
	int out = fd_host(p, a[0]), in = fd_host(p, a[1]);
	uint64_t len = a[3] < RW_MAX ? a[3] : RW_MAX;
	off_t off;
	long ret;

	if (out < 0 || in < 0)
		return -EBADF;
	if (!a[2])
		return write_result(p, sendfile(out, in, NULL, len));
	if (lab2_copy_from_user(p, &off, a[2], sizeof(off)))
		return -EFAULT;
	ret = write_result(p, sendfile(out, in, &off, len));
	if (ret >= 0 && lab2_copy_to_user(p, a[2], &off, sizeof(off)))
		return -EFAULT;
	return ret;
}

static SYS_DECL(fadvise64)
{
	return fd_host(p, a[0]) < 0 ? -EBADF : 0;	/* advice, taken */
}

/* ---- memory ---- */

/*
 * What Linux without the feature answers: rseq (glibc registers one at
 * start-up, and does without it).
 */
static SYS_DECL(enosys)
{
	return -ENOSYS;
}

/* Identity-mapped RAM has no per-page rights. */
static SYS_DECL(ignored)
{
	return 0;
}

static SYS_DECL(arch_prctl)
{
	uint64_t *slot = NULL;

	switch (a[0]) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (!lab2_canonical(a[1]))
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
	return lab2_copy_to_user(p, a[1], slot, sizeof(*slot));
}

/* ---- who the program is ---- */

static SYS_DECL(getuid)
{
	return getuid();
}

static SYS_DECL(geteuid)
{
	return geteuid();
}

static SYS_DECL(getgid)
{
	return getgid();
}

static SYS_DECL(getegid)
{
	return getegid();
}

static SYS_DECL(getgroups)
{
	gid_t groups[NGROUPS_MAX];
	int n = getgroups(ARRAY_SIZE(groups), groups);

	if (n < 0)
		return -errno;
	if (!a[0])
		return n;
	if ((int)a[0] < n)
		return -EINVAL;
	return lab2_copy_to_user(p, a[1], groups, n * sizeof(gid_t)) ?: n;
}

/* One vCPU: the program runs on CPU 0, node 0, alone. */
static SYS_DECL(getcpu)
{
	uint32_t zero = 0;

	if (a[0] && lab2_copy_to_user(p, a[0], &zero, sizeof(zero)))
		return -EFAULT;
	if (a[1] && lab2_copy_to_user(p, a[1], &zero, sizeof(zero)))
		return -EFAULT;
	return 0;
}

/*
 * The host's CPUs, as a program would see them natively (nproc): each
 * process runs on one vCPU, but processes run side by side on them.
 */
static SYS_DECL(sched_getaffinity)
{
	cpu_set_t set;
	size_t len = sizeof(set);

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return -errno;
	if (a[1] < sizeof(uint64_t) || (a[1] % sizeof(uint64_t)))
		return -EINVAL;
	if (a[1] < len)
		len = a[1];
	if (lab2_copy_to_user(p, a[2], &set, len))
		return -EFAULT;
	return len;
}

/*
 * The process's nice value, kept by the VMM: lowering the priority is
 * anyone's right, raising it is root's (EACCES otherwise), as on Linux.
 */
#define NICE_MIN		(-20)
#define NICE_MAX		19
#define PRIO_BIAS		20	/* the raw syscall answers 20 - nice */

static bool prio_target_ok(struct process *p, uint64_t which, uint64_t who)
{
	return which == PRIO_PROCESS && (!(int32_t)who ||
					 (int32_t)who == p->pid);
}

static SYS_DECL(getpriority)
{
	if (a[0] > PRIO_USER)
		return -EINVAL;
	if (!prio_target_ok(p, a[0], a[1]))
		return -ESRCH;
	return PRIO_BIAS - p->nice;
}

static SYS_DECL(setpriority)
{
	int nice = (int32_t)a[2];

	if (a[0] > PRIO_USER)
		return -EINVAL;
	if (!prio_target_ok(p, a[0], a[1]))
		return -ESRCH;
	nice = nice < NICE_MIN ? NICE_MIN : nice > NICE_MAX ? NICE_MAX : nice;
	if (nice < p->nice && geteuid())
		return -EACCES;
	p->nice = nice;
	return 0;
}

/* getrusage: the VMM's own times stand for the process's. */
static SYS_DECL(getrusage)
{
	struct rusage ru;

	if ((int32_t)a[0] != RUSAGE_SELF && (int32_t)a[0] != RUSAGE_CHILDREN &&
	    (int32_t)a[0] != RUSAGE_THREAD)
		return -EINVAL;
	if (getrusage((int32_t)a[0] == RUSAGE_CHILDREN ? RUSAGE_CHILDREN :
		      RUSAGE_SELF, &ru) < 0)
		return -errno;
	return lab2_copy_to_user(p, a[1], &ru, sizeof(ru));
}

/* The thread's name (PR_SET_NAME, PR_GET_NAME); nothing else is kept. */
static SYS_DECL(prctl)
{
	static const char name[TASK_COMM_LEN] = "kvmlab";

	switch (a[0]) {
	case PR_SET_NAME:
		return 0;
	case PR_GET_NAME:
		return lab2_copy_to_user(p, a[1], name, sizeof(name));
	default:
		return -EINVAL;
	}
}

/* The host's: the program runs on its kernel, as it would natively. */
static SYS_DECL(uname)
{
	struct utsname u;

	if (uname(&u) < 0)
		return -errno;
	return lab2_copy_to_user(p, a[0], &u, sizeof(u));
}

static SYS_DECL(getrandom)
{
	uint64_t len = a[1] < GETRANDOM_MAX ? a[1] : GETRANDOM_MAX;
	void *buf = lab2_user_buf(p, a[0], len);

	if (!buf)
		return -EFAULT;
	return host_result(getrandom(buf, len, a[2] & GRND_NONBLOCK));
}

static SYS_DECL(prlimit64)
{
	struct rlimit lim;

	if ((int32_t)a[0] && (int32_t)a[0] != p->pid)
		return -ESRCH;
	if (!a[3])
		return 0;
	if (a[1] == RLIMIT_STACK) {
		lim.rlim_cur = PROC_STACK_SIZE;
		lim.rlim_max = PROC_STACK_SIZE;
	} else if (getrlimit((int)a[1], &lim) < 0) {
		return -errno;
	}
	return lab2_copy_to_user(p, a[3], &lim, sizeof(lim));
}

/* What the machine has: its uptime and load, and the guest's RAM. */
static SYS_DECL(sysinfo)
{
	struct sysinfo info, host;

	memset(&info, 0, sizeof(info));
	if (sysinfo(&host) == 0) {
		info.uptime = host.uptime;
		memcpy(info.loads, host.loads, sizeof(info.loads));
	}
	info.totalram = p->mem->size;
	info.freeram = p->mem->size - p->brk;
	info.procs = 1;
	info.mem_unit = 1;
	return lab2_copy_to_user(p, a[0], &info, sizeof(info));
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

#define SYS(nr, name, args, fn)					\
	[SYS_##nr] = { name, args, sys_##fn }

static const struct syscall_desc syscalls[] = {
	SYS(read, "READ", "dxd", read),
	SYS(write, "WRITE", "dxd", write),
	SYS(open, "OPEN", "sdd", open),
	SYS(close, "CLOSE", "d", close),
	SYS(stat, "STAT", "sx", stat),
	SYS(fstat, "FSTAT", "dx", fstat),
	SYS(lstat, "LSTAT", "sx", lstat),
	SYS(poll, "POLL", "xdd", poll),
	SYS(lseek, "LSEEK", "ddd", lseek),
	SYS(mmap, "MMAP", "xxdxdd", mmap),
	SYS(mprotect, "MPROTECT", "xxd", mprotect),
	SYS(munmap, "MUNMAP", "xx", munmap),
	SYS(brk, "BRK", "x", brk),
	SYS(rt_sigaction, "RT_SIGACTION", "dxxd", rt_sigaction),
	SYS(rt_sigprocmask, "RT_SIGPROCMASK", "dxxd", rt_sigprocmask),
	SYS(rt_sigreturn, "RT_SIGRETURN", "", rt_sigreturn),
	SYS(ioctl, "IOCTL", "dxx", ioctl),
	SYS(pread64, "PREAD64", "dxdd", pread64),
	SYS(pwrite64, "PWRITE64", "dxdd", pwrite64),
	SYS(readv, "READV", "dxd", readv),
	SYS(writev, "WRITEV", "dxd", writev),
	SYS(access, "ACCESS", "sd", access),
	SYS(pipe, "PIPE", "x", pipe),
	SYS(select, "SELECT", "dxxxx", select),
	SYS(sched_yield, "SCHED_YIELD", "", ignored),
	SYS(mremap, "MREMAP", "xxxdx", mremap),
	SYS(msync, "MSYNC", "xxd", msync),
	SYS(madvise, "MADVISE", "xxd", madvise),
	SYS(dup, "DUP", "d", dup),
	SYS(sendfile, "SENDFILE", "ddxd", sendfile),
	SYS(socket, "SOCKET", "ddd", socket),
	SYS(socketpair, "SOCKETPAIR", "dddx", socketpair),
	SYS(sendto, "SENDTO", "dxddxd", sendto),
	SYS(recvfrom, "RECVFROM", "dxddxx", recvfrom),
	SYS(shutdown, "SHUTDOWN", "dd", shutdown),
	SYS(getsockname, "GETSOCKNAME", "dxx", getsockname),
	SYS(getpeername, "GETPEERNAME", "dxx", getpeername),
	SYS(dup2, "DUP2", "dd", dup2),
	SYS(pause, "PAUSE", "", pause),
	SYS(getitimer, "GETITIMER", "dx", getitimer),
	SYS(alarm, "ALARM", "d", alarm),
	SYS(setitimer, "SETITIMER", "dxx", setitimer),
	SYS(nanosleep, "NANOSLEEP", "xx", nanosleep),
	SYS(getpid, "GETPID", "", getpid),
	SYS(clone, "CLONE", "xxxxx", clone),
	SYS(fork, "FORK", "", fork),
	SYS(vfork, "VFORK", "", vfork),
	SYS(execve, "EXECVE", "sxx", execve),
	SYS(exit, "EXIT", "d", exit),
	SYS(wait4, "WAIT4", "dxdx", wait4),
	SYS(waitid, "WAITID", "ddxdx", waitid),
	SYS(kill, "KILL", "dd", kill),
	SYS(uname, "UNAME", "x", uname),
	SYS(fcntl, "FCNTL", "ddx", fcntl),
	SYS(flock, "FLOCK", "dd", flock),
	SYS(fsync, "FSYNC", "d", fsync),
	SYS(fdatasync, "FDATASYNC", "d", fsync),
	SYS(truncate, "TRUNCATE", "sd", truncate),
	SYS(ftruncate, "FTRUNCATE", "dd", ftruncate),
	SYS(getcwd, "GETCWD", "xd", getcwd),
	SYS(chdir, "CHDIR", "s", chdir),
	SYS(fchdir, "FCHDIR", "d", fchdir),
	SYS(rename, "RENAME", "ss", rename),
	SYS(mkdir, "MKDIR", "sd", mkdir),
	SYS(rmdir, "RMDIR", "s", rmdir),
	SYS(creat, "CREAT", "sd", creat),
	SYS(link, "LINK", "ss", link),
	SYS(unlink, "UNLINK", "s", unlink),
	SYS(symlink, "SYMLINK", "ss", symlink),
	SYS(readlink, "READLINK", "sxd", readlink),
	SYS(chmod, "CHMOD", "sd", chmod),
	SYS(fchmod, "FCHMOD", "dd", fchmod),
	SYS(chown, "CHOWN", "sdd", chown),
	SYS(fchown, "FCHOWN", "ddd", fchown),
	SYS(lchown, "LCHOWN", "sdd", lchown),
	SYS(umask, "UMASK", "d", umask),
	SYS(gettimeofday, "GETTIMEOFDAY", "xx", gettimeofday),
	SYS(times, "TIMES", "x", times),
	SYS(getuid, "GETUID", "", getuid),
	SYS(getgid, "GETGID", "", getgid),
	SYS(geteuid, "GETEUID", "", geteuid),
	SYS(getegid, "GETEGID", "", getegid),
	SYS(setpgid, "SETPGID", "dd", setpgid),
	SYS(getppid, "GETPPID", "", getppid),
	SYS(getpriority, "GETPRIORITY", "dd", getpriority),
	SYS(setpriority, "SETPRIORITY", "ddd", setpriority),
	SYS(getrusage, "GETRUSAGE", "dx", getrusage),
	SYS(sysinfo, "SYSINFO", "x", sysinfo),
	SYS(getpgrp, "GETPGRP", "", getpgrp),
	SYS(getgroups, "GETGROUPS", "dx", getgroups),
	SYS(setsid, "SETSID", "", setsid),
	SYS(getpgid, "GETPGID", "d", getpgid),
	SYS(getsid, "GETSID", "d", getsid),
	SYS(rt_sigpending, "RT_SIGPENDING", "xd", rt_sigpending),
	SYS(rt_sigsuspend, "RT_SIGSUSPEND", "xd", rt_sigsuspend),
	SYS(sigaltstack, "SIGALTSTACK", "xx", sigaltstack),
	SYS(statfs, "STATFS", "sx", statfs),
	SYS(fstatfs, "FSTATFS", "dx", fstatfs),
	SYS(prctl, "PRCTL", "dx", prctl),
	SYS(arch_prctl, "ARCH_PRCTL", "dx", arch_prctl),
	SYS(sync, "SYNC", "", ignored),
	SYS(gettid, "GETTID", "", getpid),
	SYS(tkill, "TKILL", "dd", tkill),
	SYS(time, "TIME", "x", time),
	SYS(sched_getaffinity, "SCHED_GETAFFINITY", "ddx", sched_getaffinity),
	SYS(getdents64, "GETDENTS64", "dxd", getdents64),
	SYS(getdents, "GETDENTS", "dxd", getdents),
	SYS(set_tid_address, "SET_TID_ADDRESS", "x", getpid),
	SYS(fadvise64, "FADVISE64", "dddd", fadvise64),
	SYS(clock_gettime, "CLOCK_GETTIME", "dx", clock_gettime),
	SYS(clock_getres, "CLOCK_GETRES", "dx", clock_getres),
	SYS(clock_nanosleep, "CLOCK_NANOSLEEP", "ddxx", clock_nanosleep),
	SYS(exit_group, "EXIT_GROUP", "d", exit),
	SYS(tgkill, "TGKILL", "ddd", tgkill),
	SYS(openat, "OPENAT", "dsdd", openat),
	SYS(mkdirat, "MKDIRAT", "dsd", mkdirat),
	SYS(mknodat, "MKNODAT", "dsdd", mknodat),
	SYS(fchownat, "FCHOWNAT", "dsddd", fchownat),
	SYS(newfstatat, "NEWFSTATAT", "dsxd", newfstatat),
	SYS(unlinkat, "UNLINKAT", "dsd", unlinkat),
	SYS(renameat, "RENAMEAT", "dsds", renameat),
	SYS(linkat, "LINKAT", "dsdsd", linkat),
	SYS(symlinkat, "SYMLINKAT", "sds", symlinkat),
	SYS(readlinkat, "READLINKAT", "dsxd", readlinkat),
	SYS(fchmodat, "FCHMODAT", "dsd", fchmodat),
	SYS(faccessat, "FACCESSAT", "dsd", faccessat),
	SYS(pselect6, "PSELECT6", "dxxxxx", pselect6),
	SYS(ppoll, "PPOLL", "xdxxd", ppoll),
	SYS(set_robust_list, "SET_ROBUST_LIST", "xd", ignored),
	SYS(utimensat, "UTIMENSAT", "dsxd", utimensat),
	SYS(dup3, "DUP3", "ddd", dup3),
	SYS(pipe2, "PIPE2", "xd", pipe2),
	SYS(prlimit64, "PRLIMIT64", "ddxx", prlimit64),
	SYS(renameat2, "RENAMEAT2", "dsdsd", renameat2),
	SYS(getrandom, "GETRANDOM", "xdd", getrandom),
	SYS(statx, "STATX", "dsddx", statx),
	SYS(rseq, "RSEQ", "xddx", enosys),
	SYS(faccessat2, "FACCESSAT2", "dsdd", faccessat2),
	SYS(getcpu, "GETCPU", "xxx", getcpu),
};

/*
 * The arguments of the lab's log line, formatted before the call: an
 * execve replaces the memory its strings were in.
 */
static void trace_args(struct process *p, const struct syscall_desc *d,
		       const uint64_t *a, char *buf, size_t size)
{
	char str[PATH_MAX];
	size_t len = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; d && d->args[i] && len < size; i++) {
		if (d->args[i] == 'x')
			len += snprintf(buf + len, size - len, " %llx",
					(unsigned long long)a[i]);
		else if (d->args[i] == 's' &&
			 !lab2_user_string(p, a[i], str, sizeof(str)))
			len += snprintf(buf + len, size - len, " %s", str);
		else if (d->args[i] == 's')
			len += snprintf(buf + len, size - len,
					" (bad string at %llx)",
					(unsigned long long)a[i]);
		else
			len += snprintf(buf + len, size - len, " %lld",
					(long long)a[i]);
	}
}

/* The lab's log line: "OPEN ./ay_caramba 32834 511 - return 3". */
static void trace(struct process *p, const struct syscall_desc *d,
		  uint64_t nr, const char *args, long ret)
{
	/* As strace -f marks them: the first process's lines are the lab's. */
	if (p->forked)
		fprintf(p->trace, "[pid %d] ", p->pid);
	if (d)
		fprintf(p->trace, "%s%s", d->name, args);
	else if (syscall_name(nr))
		fprintf(p->trace, "%s (not answered)", syscall_name(nr));
	else
		fprintf(p->trace, "SYSCALL_%llu (not answered)",
			(unsigned long long)nr);
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
	char shown[TRACE_ARGS_MAX];
	long ret;

	if (p->trace)
		trace_args(p, d, args, shown, sizeof(shown));
	if (d) {
		ret = d->fn(p, args);
	} else {
		if (nr < PROC_NR_SYSCALLS)
			p->unanswered[nr]++;
		else
			p->unanswered_other++;
		ret = -ENOSYS;
	}
	if (p->trace)
		trace(p, d, nr, shown, ret);
	return ret;
}

/* Append to the warning's list, as far as it has room. */
static void __printf(3, 4) list_add(char *list, size_t *len,
				    const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= UNANSWERED_LIST_MAX)
		return;
	va_start(ap, fmt);
	n = vsnprintf(list + *len, UNANSWERED_LIST_MAX - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += n;
}

void syscall_report_unanswered(const struct process *p)
{
	char list[UNANSWERED_LIST_MAX] = "";
	uint64_t total = p->unanswered_other;
	unsigned int nr, shown = 0;
	size_t len = 0;

	for (nr = 0; nr < PROC_NR_SYSCALLS; nr++) {
		const char *name = syscall_name(nr);

		if (!p->unanswered[nr])
			continue;
		total += p->unanswered[nr];
		if (shown++ == UNANSWERED_SHOWN)
			list_add(list, &len, ", ...");
		if (shown > UNANSWERED_SHOWN)
			continue;
		if (name)
			list_add(list, &len, "%s%s x%u", shown > 1 ? ", " : "",
				 name, p->unanswered[nr]);
		else
			list_add(list, &len, "%ssyscall %u x%u",
				 shown > 1 ? ", " : "", nr, p->unanswered[nr]);
	}
	if (p->unanswered_other)
		list_add(list, &len, "%ssyscalls past %u x%llu",
			 shown ? ", " : "", PROC_NR_SYSCALLS - 1,
			 (unsigned long long)p->unanswered_other);
	if (total)
		pr_warn("the program made %llu syscalls this VMM does not implement, answered -ENOSYS: %s",
			(unsigned long long)total, list);
}

/*
 * Calls that a handler interrupts for good (EINTR), SA_RESTART or not:
 * they wait for a signal or for a time (Linux's ERESTARTNOHAND).
 */
static bool restarts_under_handler(uint64_t nr)
{
	switch (nr) {
	case SYS_pause:
	case SYS_rt_sigsuspend:
	case SYS_nanosleep:
	case SYS_clock_nanosleep:
	case SYS_select:
	case SYS_pselect6:
	case SYS_poll:
	case SYS_ppoll:
		return false;
	default:
		return true;
	}
}

/*
 * A call a signal interrupted (-EINTR) runs again, as Linux's
 * ERESTARTSYS: when no handler will run, and when the handlers that
 * will all asked for SA_RESTART and the call is one that restarts.
 */
static bool restart(const struct process *p, uint64_t nr, long ret)
{
	if (ret != -EINTR)
		return false;
	if (!signal_handler_pending(p))
		return true;
	return restarts_under_handler(nr) && !signal_interrupts(p);
}

int syscall_handle(struct process *p)
{
	struct kvm_regs regs;
	uint64_t args[SYSCALL_NR_ARGS], nr;
	long ret;

	if (process_get_regs(p, &regs))
		return -1;
	nr = regs.rax;
	args[0] = regs.rdi;
	args[1] = regs.rsi;
	args[2] = regs.rdx;
	args[3] = regs.r10;
	args[4] = regs.r8;
	args[5] = regs.r9;
	p->regs = &regs;
	p->regs_replaced = false;
	ret = syscall_dispatch(p, nr, args);
	p->regs = NULL;
	time_check_alarm(p);
	regs.rax = ret;
	if (!p->regs_replaced) {
		/* What syscall saved: RIP in RCX, RFLAGS in R11. */
		regs.rip = regs.rcx;
		regs.rflags = process_user_rflags(regs.r11);
		if (restart(p, nr, ret)) {
			regs.rax = nr;
			regs.rip -= SYSCALL_INSN_LEN;
		}
	}
	signal_deliver(p, &regs);
	if (p->exited) {
		task_end_first(p);
		return BUS_STOP;	/* the run is over */
	}
	return process_set_regs(p, &regs) ? -1 : 0;
}
