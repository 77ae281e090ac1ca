// SPDX-License-Identifier: GPL-2.0
/*
 * The rest of a small program's I/O: pipe2 and dup3, poll and select
 * on a pipe, readv and writev, openat on a directory descriptor,
 * sendfile, flock, umask, utimensat, statfs, getdents64 through
 * readdir, and a read interrupted by a signal (EINTR, no SA_RESTART).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"

#define ALARM_US	50000

static void on_alrm(int sig)
{
}

int main(void)
{
	struct itimerval it = { .it_value = { 0, ALARM_US } };
	struct iovec iov[2];
	struct sigaction sa;
	struct timespec times[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct pollfd pfd;
	struct statfs sfs;
	struct stat st;
	char a[4], b[8];
	fd_set rfds;
	int fds[2], dir, fd, out, n;
	struct timeval tv = { 0, 0 };

	CHECK(pipe2(fds, O_CLOEXEC) == 0);
	CHECK((fcntl(fds[0], F_GETFD) & FD_CLOEXEC) == FD_CLOEXEC);
	pfd = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	printf("poll empty %d\n", poll(&pfd, 1, 0));
	iov[0] = (struct iovec){ "one,", 4 };
	iov[1] = (struct iovec){ "two,six", 7 };
	CHECK(writev(fds[1], iov, 2) == 11);
	n = poll(&pfd, 1, 100);
	printf("poll full %d revents %d\n", n, pfd.revents & POLLIN);
	FD_ZERO(&rfds);
	FD_SET(fds[0], &rfds);
	printf("select %d\n", select(fds[0] + 1, &rfds, NULL, NULL, &tv));
	iov[0] = (struct iovec){ a, sizeof(a) };
	iov[1] = (struct iovec){ b, 7 };
	CHECK(readv(fds[0], iov, 2) == 11);
	b[7] = '\0';
	printf("readv %.4s %s\n", a, b);
	CHECK(dup3(fds[0], 20, O_CLOEXEC) == 20);
	close(20);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alrm;
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	/* Without the timer the read would wait for ever: go on without. */
	if (setitimer(ITIMER_REAL, &it, NULL) == 0) {
		n = read(fds[0], a, 1);
		printf("read interrupted %d EINTR %d\n", n,
		       n < 0 && errno == EINTR);
	} else {
		printf("setitimer failed (errno %d)\n", errno);
	}
	close(fds[0]);
	close(fds[1]);

	dir = open("sub", O_RDONLY | O_DIRECTORY);
	CHECK(dir >= 0);
	fd = openat(dir, "b.txt", O_RDONLY);
	CHECK(fd >= 0);
	out = open("sent.txt", O_WRONLY | O_CREAT | O_TRUNC, 0666);
	CHECK(out >= 0);
	printf("sendfile %zd\n", sendfile(out, fd, NULL, 100));
	n = flock(out, LOCK_EX);
	printf("flock %d %d\n", n, flock(out, LOCK_UN));
	close(out);
	close(fd);
	CHECK(fstatat(dir, "deep", &st, 0) == 0 && S_ISDIR(st.st_mode));
	close(dir);

	umask(027);
	fd = open("masked.txt", O_WRONLY | O_CREAT, 0666);
	CHECK(fd >= 0);
	close(fd);
	CHECK(stat("masked.txt", &st) == 0);
	printf("umask mode %o\n", st.st_mode & 0777);
	CHECK(utimensat(AT_FDCWD, "masked.txt", times, 0) == 0);
	CHECK(stat("masked.txt", &st) == 0);
	printf("mtime %lld\n", (long long)st.st_mtime);
	CHECK(statfs(".", &sfs) == 0);
	printf("statfs blocks positive %d\n", sfs.f_blocks > 0);
	return 0;
}
