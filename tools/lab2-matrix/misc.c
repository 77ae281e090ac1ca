// SPDX-License-Identifier: GPL-2.0
/*
 * What a program asks about itself and the system: argv and the
 * environment, uname, ids, limits, getrandom, sysconf, getcwd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "check.h"


int main(int argc, char **argv)
{
	unsigned char rnd[16];
	struct rlimit rl;
	struct utsname u;
	char cwd[256];
	int i;

	for (i = 1; i < argc; i++)
		printf("arg %d: %s\n", i, argv[i]);
	printf("PATH=%s HOME=%s\n", getenv("PATH"), getenv("HOME"));
	CHECK(uname(&u) == 0);
	printf("uname %s %s\n", u.sysname, u.machine);
	printf("uid %d euid %d gid %d\n", (int)getuid(), (int)geteuid(),
	       (int)getgid());
	printf("pid positive %d\n", getpid() > 0);
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	printf("nofile positive %d\n", rl.rlim_cur > 0);
	CHECK(getrlimit(RLIMIT_STACK, &rl) == 0);
	printf("page size %ld\n", sysconf(_SC_PAGESIZE));
	printf("cpus positive %d\n", sysconf(_SC_NPROCESSORS_ONLN) > 0);
	CHECK(getrandom(rnd, sizeof(rnd), 0) == sizeof(rnd));
	CHECK(getcwd(cwd, sizeof(cwd)));
	printf("cwd %s\n", cwd);
	printf("isatty(0) %d\n", isatty(0));
	return 0;
}
