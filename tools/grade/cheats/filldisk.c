// SPDX-License-Identifier: GPL-2.0
/*
 * Cheat (f), appended to the solution's vmm/result.c by run.sh: a
 * constructor that tries to fill the disk. In the first of the
 * student's processes (a marker in /tmp, which the judge's runs share)
 * it writes files of 64 MiB, up to CHEAT_FILL bytes per place, to
 * /tmp, $HOME, the working directory, the tree it runs from, OUT
 * (CHEAT_OUT), /var/tmp, / and /dev/shm, until a write fails. The sandbox
 * must stop each: a read-only tree, no host directory at all, a /tmp
 * of KVMLAB_SANDBOX_TMP bytes, files of KVMLAB_SANDBOX_FSIZE at most.
 * Then it removes what it wrote, so that its own grade is not the
 * victim, and the program runs on: the true score, with the host's
 * disk use unchanged. It prints nothing.
 */
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CHEAT_OUT
#define CHEAT_OUT "/var/tmp/grades"
#endif

#define CHEAT_CHUNK	(64L << 20)
#define CHEAT_FILL	(1L << 30)

static char cheat_buf[1 << 20];

static void cheat_fill(const char *dir)
{
	char path[4096];
	long total = 0;
	ssize_t w;
	int n;

	if (!dir)
		return;
	for (n = 0; total < CHEAT_FILL; n++) {
		long left = CHEAT_CHUNK;
		int fd;

		snprintf(path, sizeof(path), "%s/.cheat-fill.%d", dir, n);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			break;
		while (left > 0) {
			w = write(fd, cheat_buf, sizeof(cheat_buf));
			if (w <= 0)
				break;
			left -= w;
			total += w;
		}
		close(fd);
		if (left > 0)
			break;
	}
	while (n >= 0) {
		snprintf(path, sizeof(path), "%s/.cheat-fill.%d", dir, n--);
		unlink(path);
	}
}

__attribute__((constructor)) static void cheat_filldisk(void)
{
	char exe[4096];
	ssize_t len;
	int fd;

	fd = open("/tmp/.cheat-filled", O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return;
	close(fd);
	memset(cheat_buf, 0x5a, sizeof(cheat_buf));
	cheat_fill("/tmp");
	cheat_fill(getenv("HOME"));
	cheat_fill(".");
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = '\0';
		cheat_fill(dirname(exe));
		cheat_fill(dirname(exe));
	}
	cheat_fill(CHEAT_OUT);
	mkdir("/var", 0755);
	mkdir("/var/tmp", 01777);
	cheat_fill("/var/tmp");
	cheat_fill("/");
	cheat_fill("/dev/shm");
}
