// SPDX-License-Identifier: GPL-2.0
/*
 * Between processes: socketpair, execvp through PATH of a #! script,
 * a child's stdout redirected with dup2, waitid, getrusage of the
 * children, process groups and sessions, kill of a group, sched_yield.
 * A failing call is printed, not fatal, so the checks after it run.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static void say(const char *what, long ret)
{
	printf("%s %ld%s%s\n", what, ret, ret < 0 ? " " : "",
	       ret < 0 ? strerror(errno) : "");
}

int main(void)
{
	char buf[64];
	struct rusage ru;
	siginfo_t si;
	int sv[2], status;
	pid_t pid;
	ssize_t n;

	n = socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	say("socketpair", n);
	if (n < 0)
		goto no_socket;
	if (fork() == 0) {
		close(sv[0]);
		n = send(sv[1], "over a socket", 13, 0);
		_exit(n == 13 ? 0 : 1);
	}
	close(sv[1]);
	n = recv(sv[0], buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	printf("recv %zd %s\n", n, buf);
	close(sv[0]);
	CHECK(wait(&status) > 0);

no_socket:
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char *const args[] = { "script.sh", "from", "execvp", NULL };
		int fd = open("exec-out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(fd, STDOUT_FILENO);
		close(fd);
		CHECK(chdir("/") == 0);
		execvp("/script.sh", args);
		_exit(127);
	}
	memset(&si, 0, sizeof(si));
	say("waitid", waitid(P_PID, pid, &si, WEXITED));
	printf("waitid code %d status %d\n", si.si_code == CLD_EXITED,
	       si.si_status);
	say("getrusage", getrusage(RUSAGE_CHILDREN, &ru));

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		pause();
		_exit(0);
	}
	say("setpgid", setpgid(pid, pid));
	printf("other group %d\n", getpgid(pid) == pid);
	say("kill group", kill(-pid, SIGTERM));
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("group member killed by %d\n",
	       WIFSIGNALED(status) ? WTERMSIG(status) : -1);

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(setsid() == getpid() && getsid(0) == getpid() ? 0 : 1);
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("setsid in child %d\n", WEXITSTATUS(status));
	say("sched_yield", sched_yield());
	printf("pgrp is own %d\n", getpgrp() == getpgid(0));
	return 0;
}
