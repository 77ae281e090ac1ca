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
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
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

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} families[] = {
		{ "files", files }, { "dirs", dirs }, { "fds", fds },
		{ "clocks", clocks }, { "signals", signals },
	};
	unsigned int i;

	for (i = 0; argc > 1 && i < ARRAY_SIZE(families); i++) {
		if (!strcmp(argv[1], families[i].name)) {
			families[i].fn();
			return 0;
		}
	}
	fprintf(stderr, "usage: families files|dirs|fds|clocks|signals\n");
	return 2;
}
