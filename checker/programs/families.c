// SPDX-License-Identifier: GPL-2.0
/*
 * One static program per syscall family, run both natively and in the
 * VMM by the Lab 2 matrix: it prints what each call returned (a value,
 * or an errno name), so that the two runs can be compared line for
 * line. argv[1] names the family. Nothing printed depends on the
 * directory it runs in, the time, or the pid.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static void show(const char *what, long ret)
{
	if (ret < 0)
		printf("%s: -1 %s\n", what, strerror(errno));
	else
		printf("%s: %ld\n", what, ret);
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? -1 : st.st_size;
}

static void files(void)
{
	char buf[64] = "";
	int fd;

	show("creat", fd = creat("f1", 0640));
	show("write", write(fd, "hello\n", 6));
	show("close", close(fd));
	show("mkdir", mkdir("d1", 0755));
	show("mkdir-again", mkdir("d1", 0755));
	show("mkdir-dot", mkdir("d1/..", 0755));
	show("rename", rename("f1", "d1/f2"));
	show("rename-missing", rename("f1", "f3"));
	show("link", link("d1/f2", "hard"));
	show("symlink", symlink("d1/f2", "soft"));
	show("readlink", readlink("soft", buf, sizeof(buf)));
	printf("target: %s\n", buf);
	show("readlink-file", readlink("hard", buf, sizeof(buf)));
	show("size-via-link", file_size("soft"));
	show("chmod", chmod("hard", 0600));
	show("access-r", access("hard", R_OK));
	show("access-missing", access("nothing", F_OK));
	show("truncate", truncate("hard", 3));
	show("size", file_size("d1/f2"));
	fd = open("hard", O_RDWR);
	show("ftruncate", ftruncate(fd, 1));
	show("fchmod", fchmod(fd, 0644));
	close(fd);
	show("utimens", utimensat(AT_FDCWD, "hard", NULL, 0));
	show("unlink", unlink("hard"));
	show("unlink-missing", unlink("hard"));
	show("rmdir-full", rmdir("d1"));
	show("unlink-dir", unlink("d1"));
	show("unlink-soft", unlink("soft"));
	show("unlink-f2", unlink("d1/f2"));
	show("rmdir", rmdir("d1"));
	show("umask", umask(022));
	show("umask-again", umask(022));
}

static void dirs(void)
{
	char cwd[256];
	struct dirent *e;
	int n = 0, dfd;
	DIR *d;

	mkdir("top", 0755);
	mkdir("top/sub", 0755);
	close(creat("top/sub/x", 0644));
	show("chdir", chdir("top/sub"));
	show("getcwd-ends", getcwd(cwd, sizeof(cwd)) &&
	     !strcmp(strrchr(cwd, '/'), "/sub"));
	show("open-up", dfd = open("../sub/x", O_RDONLY));
	close(dfd);
	show("chdir-up", chdir("../.."));
	dfd = open("top", O_RDONLY | O_DIRECTORY);
	show("openat-dir", openat(dfd, "sub/x", O_RDONLY) >= 0);
	show("openat-dotdot", openat(dfd, "../top/sub/x", O_RDONLY) >= 0);
	show("fchdir", fchdir(dfd));
	show("stat-sub", access("sub/x", F_OK));
	close(dfd);
	chdir("..");
	d = opendir("top/sub");
	while (d && (e = readdir(d)))
		n++;
	closedir(d);
	show("entries", n);
	show("getcwd-small", getcwd(cwd, 1) ? 0 : -1);
}

static void fds(void)
{
	char buf[16] = "";
	int p[2], fd;

	show("dup", fd = dup(1));
	show("dup2", dup2(fd, 9));
	show("dup2-same", dup2(9, 9));
	show("dup3-same", dup3(9, 9, 0));
	show("dup3", dup3(9, 10, O_CLOEXEC));
	show("getfd", fcntl(10, F_GETFD));
	show("setfd", fcntl(10, F_SETFD, 0));
	show("getfd-again", fcntl(10, F_GETFD));
	show("dupfd", fcntl(1, F_DUPFD, 20));
	show("getfl", fcntl(1, F_GETFL) & O_ACCMODE);
	show("close-bad", close(33));
	show("pipe", pipe(p));
	show("pipe-write", write(p[1], "abc", 3));
	show("pipe-read", read(p[0], buf, sizeof(buf)));
	show("setfl-nonblock", fcntl(p[0], F_SETFL, O_NONBLOCK));
	show("pipe-read-empty", read(p[0], buf, sizeof(buf)));
	{
		struct pollfd pf[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };

		show("poll", poll(pf, 2, 0));
		printf("revents: %d %d\n", pf[0].revents, pf[1].revents);
	}
	{
		fd_set r, w;
		struct timeval tv = { 0, 1000 };

		FD_ZERO(&r);
		FD_ZERO(&w);
		FD_SET(p[0], &r);
		FD_SET(p[1], &w);
		show("select", select(p[1] + 1, &r, &w, NULL, &tv));
		printf("sets: %d %d\n", FD_ISSET(p[0], &r), FD_ISSET(p[1], &w));
	}
	close(p[1]);
	show("pipe-eof", read(p[0], buf, sizeof(buf)));
	show("pipe2", pipe2(p, O_CLOEXEC));
	show("pipe2-getfd", fcntl(p[0], F_GETFD));
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	show("epipe", write(p[1], "x", 1));
	dup2(2, 1);
	printf("now-on-stderr\n");
}

static void clocks(void)
{
	struct timespec a, b, nap = { 0, 20 * 1000 * 1000 };
	struct timeval tv;
	long ms;

	show("time-sane", time(NULL) > 1600000000);
	show("gettimeofday", gettimeofday(&tv, NULL));
	show("tv-sane", tv.tv_sec > 1600000000);
	clock_gettime(CLOCK_MONOTONIC, &a);
	show("nanosleep", nanosleep(&nap, NULL));
	show("clock_nanosleep", clock_nanosleep(CLOCK_MONOTONIC, 0, &nap, NULL));
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	show("slept-40ms", ms >= 40);
}

static void signals(void)
{
	struct sigaction sa = { .sa_handler = SIG_IGN }, old;
	sigset_t set, oldset;

	show("sigaction", sigaction(SIGUSR1, &sa, NULL));
	show("sigaction-old", sigaction(SIGUSR1, NULL, &old));
	show("old-is-ign", old.sa_handler == SIG_IGN);
	show("raise-ignored", raise(SIGUSR1));
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	show("sigprocmask", sigprocmask(SIG_BLOCK, &set, NULL));
	show("sigprocmask-old", sigprocmask(SIG_BLOCK, NULL, &oldset));
	show("usr2-blocked", sigismember(&oldset, SIGUSR2));
	show("sigaction-kill", sigaction(SIGKILL, &sa, NULL));
	fflush(stdout);
	raise(SIGTERM);		/* the end: status 128 + SIGTERM */
}

/* Set by the handlers, read with atomics: the compiler must not cache. */
static int caught, caught_code;
static long fault_addr;
static sigjmp_buf fault_jump;

#define GET(v)		__atomic_load_n(&(v), __ATOMIC_SEQ_CST)
#define SET(v, x)	__atomic_store_n(&(v), (x), __ATOMIC_SEQ_CST)

/* An address the compiler cannot see through, so the access stays. */
static int *opaque_address(long addr)
{
	__asm__ __volatile__("" : "+r"(addr));
	return (int *)addr;
}

/* raise(), as a syscall: tgkill to this thread. */
static long send_self(int sig)
{
	return syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
}

static void on_signal(int sig, siginfo_t *info, void *uc)
{
	SET(caught, sig);
	SET(caught_code, info->si_code);
}

static void on_fault(int sig, siginfo_t *info, void *uc)
{
	SET(fault_addr, (long)info->si_addr);
	SET(caught_code, info->si_code);
	siglongjmp(fault_jump, sig);
}

static void handlers(void)
{
	struct sigaction sa = { .sa_sigaction = on_signal,
				.sa_flags = SA_SIGINFO };
	sigset_t set, pending;
	double kept = 1.5;
	int sig;

	show("sigaction", sigaction(SIGUSR1, &sa, NULL));
	show("raise", send_self(SIGUSR1));
	show("caught", GET(caught));
	show("code-is-tkill", GET(caught_code) == SI_TKILL);
	show("fpu-kept", kept * 2 == 3.0);
	SET(caught, 0);
	show("kill-self", kill(getpid(), SIGUSR1));
	show("caught-kill", GET(caught));
	show("code-is-user", GET(caught_code) == SI_USER);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	SET(caught, 0);
	send_self(SIGUSR1);
	show("blocked-not-caught", GET(caught));
	sigpending(&pending);
	show("pending", sigismember(&pending, SIGUSR1));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	show("caught-at-unblock", GET(caught));
	sa.sa_sigaction = on_fault;
	sigaction(SIGSEGV, &sa, NULL);
	sig = sigsetjmp(fault_jump, 1);
	if (!sig)
		*opaque_address(16) = 1;
	show("segv-handled", sig);
	show("segv-addr", GET(fault_addr));
	show("segv-maperr", GET(caught_code) == SEGV_MAPERR);
	fflush(stdout);
	abort();		/* the end: status 128 + SIGABRT */
}

/* The program's own fault, no handler: Linux's end, 128 + SIGSEGV. */
static void fault(void)
{
	printf("before\n");
	fflush(stdout);
	*opaque_address(0) = 1;
	printf("after\n");
}

/* The legacy vsyscall page, as old static programs call it. */
#define VSYSCALL_GETTIMEOFDAY	0xffffffffff600000UL
#define VSYSCALL_TIME		0xffffffffff600400UL

static void vsyscall(void)
{
	time_t (*vtime)(time_t *) = (time_t (*)(time_t *))VSYSCALL_TIME;
	int (*vgettimeofday)(struct timeval *, void *) =
		(int (*)(struct timeval *, void *))VSYSCALL_GETTIMEOFDAY;
	struct timeval tv;
	time_t t = 0;

	show("time-sane", vtime(&t) > 1600000000 && t > 1600000000);
	show("gettimeofday", vgettimeofday(&tv, NULL));
	show("tv-sane", tv.tv_sec > 1600000000);
}

static int child_status(pid_t pid)
{
	int status = 0;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) :
	       WIFSIGNALED(status) ? 1000 + WTERMSIG(status) : -2;
}

static void processes(const char *self)
{
	char buf[32] = "";
	int p[2], status;
	pid_t pid, parent = getpid();

	fflush(stdout);
	pid = fork();
	if (!pid)
		_exit(getppid() == parent ? 7 : 8);
	show("fork-exit", child_status(pid));
	pid = fork();
	if (!pid)
		*opaque_address(0) = 1;
	show("fork-segv", child_status(pid));
	show("wait-none", waitpid(-1, &status, 0));
	show("pipe", pipe(p));
	pid = fork();
	if (!pid) {
		close(p[0]);
		write(p[1], "from child", 10);
		_exit(0);
	}
	close(p[1]);
	show("pipe-read", read(p[0], buf, sizeof(buf) - 1));
	printf("got: %s\n", buf);
	show("pipe-eof", read(p[0], buf, sizeof(buf)));
	show("pipe-child", child_status(pid));
	pid = fork();
	if (!pid) {
		pause();
		_exit(0);
	}
	show("kill-child", kill(pid, SIGTERM));
	show("killed-child", child_status(pid));
	fflush(stdout);
	pid = vfork();
	if (!pid) {
		execl(self, "families", "exec-child", (char *)NULL);
		_exit(127);
	}
	show("exec-child", child_status(pid));
	show("exec-missing", execl("./no-such-program", "x", (char *)NULL));
	fflush(stdout);
	execl(self, "families", "exec-child", (char *)NULL);
}

static int ticks;

static void on_tick(int sig)
{
	SET(ticks, GET(ticks) + 1);
}

/*
 * Signals to a program busy in ring 3, which makes no syscall: its
 * own interval timer, and another process's kill.
 */
static void busy(void)
{
	struct itimerval every = { { 0, 20000 }, { 0, 20000 } }, off = {};
	struct timespec nap = { 0, 50 * 1000 * 1000 };
	struct sigaction sa = { .sa_handler = on_tick };
	long spins = 0;
	pid_t pid;

	sigaction(SIGALRM, &sa, NULL);
	show("setitimer", setitimer(ITIMER_REAL, &every, NULL));
	while (GET(ticks) < 3)
		spins++;
	show("ticks", GET(ticks) >= 3);
	setitimer(ITIMER_REAL, &off, NULL);
	fflush(stdout);
	pid = fork();
	if (!pid)
		for (;;)
			spins++;
	nanosleep(&nap, NULL);
	show("kill-spinner", kill(pid, SIGKILL));
	show("spinner", child_status(pid));
}

static void memory(void)
{
	char *big, *f, *r;
	unsigned int i;
	int fd;

	for (i = 0; i < 64; i++) {
		big = malloc(16 << 20);
		if (!big)
			break;
		memset(big, i, 16 << 20);
		free(big);
	}
	show("malloc-free-64x16MiB", i);
	r = mmap(NULL, 128 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	show("reserve-128MiB", r != MAP_FAILED);
	show("mprotect", mprotect(r, 4096, PROT_READ | PROT_WRITE));
	r[0] = 'x';
	show("touched", r[0]);
	show("munmap", munmap(r, 128 << 20));
	fd = open("a.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(fd, "file bytes\n", 11);
	f = mmap(NULL, 11, PROT_READ, MAP_PRIVATE, fd, 0);
	show("mmap-file", f != MAP_FAILED);
	if (f != MAP_FAILED)
		printf("mapped: %.10s\n", f);
	close(fd);
	big = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	big[0] = 'a';
	big = mremap(big, 8192, 1 << 20, MREMAP_MAYMOVE);
	show("mremap", big != MAP_FAILED);
	show("mremap-kept", big[0]);
	show("madvise-zeroes", madvise(big, 4096, MADV_DONTNEED) || big[0]);
	show("brk-same", sbrk(0) == sbrk(0));
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} families[] = {
		{ "files", files }, { "dirs", dirs }, { "fds", fds },
		{ "clocks", clocks }, { "signals", signals },
		{ "handlers", handlers }, { "memory", memory },
		{ "fault", fault }, { "vsyscall", vsyscall }, { "busy", busy },
	};
	unsigned int i;

	if (argc > 1 && !strcmp(argv[1], "exec-child")) {
		printf("exec'd: argc %d\n", argc);
		return 5;
	}
	if (argc > 1 && !strcmp(argv[1], "processes")) {
		processes("/proc/self/exe");
		return 9;
	}

	for (i = 0; argc > 1 && i < ARRAY_SIZE(families); i++) {
		if (!strcmp(argv[1], families[i].name)) {
			families[i].fn();
			return 0;
		}
	}
	fprintf(stderr, "usage: families files|dirs|fds|clocks|signals|handlers|processes|memory|fault|vsyscall|busy\n");
	return 2;
}
