// SPDX-License-Identifier: GPL-2.0
/*
 * Processes: fork and waitpid with an exit status, a pipe between
 * parent and child, execve of another program, system(), posix_spawn.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"


int main(int argc, char **argv)
{
	char buf[64];
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	if (argc > 1 && !strcmp(argv[1], "exec")) {
		static char *const args[] = { "/bin/busybox", "echo", "from exec", NULL };

		fflush(stdout);
		execve(args[0], args, environ);
		printf("execve failed: %s\n", strerror(errno));
		return 1;
	}

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(42);
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("child exited %d\n", WEXITSTATUS(status));

	CHECK(pipe(fds) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		CHECK(write(fds[1], "through the pipe", 16) == 16);
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	CHECK(n == 16);
	buf[n] = '\0';
	printf("parent read: %s\n", buf);
	CHECK(read(fds[0], buf, 1) == 0);
	CHECK(wait(&status) == pid && WIFEXITED(status));

	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		execl("/bin/busybox", "echo", "child ran echo", (char *)NULL);
		_exit(127);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("exec child status %d\n", WEXITSTATUS(status));

	fflush(stdout);
	status = system("echo from system; exit 3");
	printf("system status %d\n", WEXITSTATUS(status));

	{
		static char *const args[] = { "busybox", "true", NULL };

		CHECK(posix_spawn(&pid, "/bin/busybox", NULL, NULL, args,
				  environ) == 0);
		CHECK(waitpid(pid, &status, 0) == pid);
		printf("spawn status %d\n", WEXITSTATUS(status));
	}
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	CHECK(kill(pid, SIGTERM) == 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("killed by %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
	CHECK(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD);
	printf("getppid matches %d\n", getppid() > 0);
	return 0;
}
