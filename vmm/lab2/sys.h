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
/*
 * Two host fds as the lowest free guest fds, their numbers written to
 * the guest's int[2] at @addr (pipe2, socketpair): 0, or -errno with
 * both closed.
 */
long fd_install_pair(struct process *p, const int host[2], bool cloexec,
		     uint64_t addr);
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
SYS_DECL(getdents);
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
SYS_DECL(flock);
SYS_DECL(statfs);
SYS_DECL(fstatfs);

/* time.c: clocks and sleeping, no vDSO needed. */
SYS_DECL(time);
SYS_DECL(gettimeofday);
SYS_DECL(clock_gettime);
SYS_DECL(clock_getres);
SYS_DECL(nanosleep);
SYS_DECL(clock_nanosleep);
SYS_DECL(alarm);
SYS_DECL(times);
SYS_DECL(getitimer);
SYS_DECL(setitimer);
/* Raise SIGALRM if the process's alarm is due (then re-arm it). */
void time_check_alarm(struct process *p);
/* The process's alarm timer goes (exit; fork's child has none). */
void time_destroy(struct process *p);

/* fs.c, for execve: a guest path (a host string) opened in the sandbox. */
int fs_open(struct process *p, uint64_t dirfd, const char *path, int oflags);

/* mm.c: the memory map. */
SYS_DECL(mmap);
SYS_DECL(munmap);
SYS_DECL(mremap);
SYS_DECL(mprotect);
SYS_DECL(madvise);
SYS_DECL(msync);
SYS_DECL(brk);

/* signal.c: dispositions, the mask, delivery and frames. */
SYS_DECL(rt_sigaction);
SYS_DECL(rt_sigprocmask);
SYS_DECL(rt_sigpending);
SYS_DECL(rt_sigreturn);
SYS_DECL(sigaltstack);
SYS_DECL(kill);
SYS_DECL(tkill);
SYS_DECL(tgkill);
SYS_DECL(exit);
/* The process ends: with exit code @code, or killed by @sig if not 0. */
void process_end(struct process *p, int code, int sig);
/* A signal the VMM raises for the program (SIGPIPE); returns @ret. */
long signal_raise(struct process *p, int sig, long ret);
/* Mark @info's signal pending in @p (any thread may call it). */
void signal_send(struct process *p, const struct lab2_siginfo *info);
/* A fault's signal: it cannot be blocked or ignored away. */
void signal_force(struct process *p, const struct lab2_siginfo *info);
/* Act on the pending signals the mask lets through, with @regs. */
void signal_deliver(struct process *p, struct kvm_regs *regs);
bool signal_deliverable(const struct process *p);
bool signal_handler_pending(const struct process *p);
/* Would a pending signal do something: run a handler, or end it? */
bool signal_acts(const struct process *p);
/* Would a pending signal run a handler that does not restart calls? */
bool signal_interrupts(const struct process *p);
/* Would @sig run a handler now (not blocked, not default or ignored)? */
bool signal_catches(const struct process *p, int sig);

/* task.c: processes. */
SYS_DECL(fork);
SYS_DECL(vfork);
SYS_DECL(clone);
SYS_DECL(wait4);
SYS_DECL(waitid);
SYS_DECL(pause);
SYS_DECL(rt_sigsuspend);
SYS_DECL(getpid);
SYS_DECL(getppid);
SYS_DECL(getpgid);
SYS_DECL(getpgrp);
SYS_DECL(getsid);
SYS_DECL(setpgid);
SYS_DECL(setsid);
/* execve succeeded: a vfork parent may go on. */
void task_exec_done(struct process *p);

/* net.c: no network. */
SYS_DECL(socket);
SYS_DECL(socketpair);
SYS_DECL(sendto);
SYS_DECL(recvfrom);
SYS_DECL(shutdown);
SYS_DECL(getsockname);
SYS_DECL(getpeername);

/* exec.c */
SYS_DECL(execve);

/* fault.c: the stub's fault port: a CPU exception in ring 3. */
int fault_handle(struct process *p);

#endif /* VMM_LAB2_SYS_H */
