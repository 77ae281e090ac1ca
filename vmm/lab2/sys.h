/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The syscall handlers, one family per file, gathered in one table by
 * syscall.c. Each takes the process and the six argument registers,
 * and returns the result or a negative errno, as Linux does.
 */
#ifndef VMM_LAB2_SYS_H
#define VMM_LAB2_SYS_H

#include <stdbool.h>
#include <stdint.h>

#include "lab2/process.h"

#define SYS_DECL(name)	long sys_##name(struct process *p, const uint64_t *a)

/* A host call's result as the guest sees it: the value, or -errno. */
static inline long host_result(long ret)
{
	return ret < 0 ? -errno : ret;
}

/* fd.c: the descriptor table, pipes, and waiting on descriptors. */
int fd_host(struct process *p, uint64_t fd);
long fd_install(struct process *p, int host, bool cloexec);
SYS_DECL(close);
SYS_DECL(dup);
SYS_DECL(dup2);
SYS_DECL(dup3);
SYS_DECL(fcntl);
SYS_DECL(pipe);
SYS_DECL(pipe2);
SYS_DECL(poll);
SYS_DECL(ppoll);
SYS_DECL(select);
SYS_DECL(pselect6);
SYS_DECL(ioctl);

/* fs.c: paths, always resolved inside the sandbox. */
SYS_DECL(open);
SYS_DECL(openat);
SYS_DECL(creat);
SYS_DECL(stat);
SYS_DECL(lstat);
SYS_DECL(fstat);
SYS_DECL(newfstatat);
SYS_DECL(statx);
SYS_DECL(readlink);
SYS_DECL(readlinkat);
SYS_DECL(access);
SYS_DECL(faccessat);
SYS_DECL(faccessat2);
SYS_DECL(getdents64);
SYS_DECL(getcwd);
SYS_DECL(chdir);
SYS_DECL(fchdir);
SYS_DECL(mkdir);
SYS_DECL(mkdirat);
SYS_DECL(mknodat);
SYS_DECL(rmdir);
SYS_DECL(unlink);
SYS_DECL(unlinkat);
SYS_DECL(rename);
SYS_DECL(renameat);
SYS_DECL(renameat2);
SYS_DECL(link);
SYS_DECL(linkat);
SYS_DECL(symlink);
SYS_DECL(symlinkat);
SYS_DECL(chmod);
SYS_DECL(fchmod);
SYS_DECL(fchmodat);
SYS_DECL(chown);
SYS_DECL(lchown);
SYS_DECL(fchown);
SYS_DECL(fchownat);
SYS_DECL(truncate);
SYS_DECL(ftruncate);
SYS_DECL(utimensat);
SYS_DECL(umask);
SYS_DECL(fsync);
SYS_DECL(statfs);
SYS_DECL(fstatfs);

/* time.c: clocks and sleeping, no vDSO needed. */
SYS_DECL(time);
SYS_DECL(gettimeofday);
SYS_DECL(clock_gettime);
SYS_DECL(clock_getres);
SYS_DECL(nanosleep);
SYS_DECL(clock_nanosleep);

/* signal.c: dispositions, the mask, and signals to itself. */
SYS_DECL(rt_sigaction);
SYS_DECL(rt_sigprocmask);
SYS_DECL(sigaltstack);
SYS_DECL(kill);
SYS_DECL(tkill);
SYS_DECL(tgkill);
SYS_DECL(exit);
/* A signal the VMM raises for the program (SIGPIPE): 0 if ignored. */
long signal_raise(struct process *p, int sig, long ret);

#endif /* VMM_LAB2_SYS_H */
