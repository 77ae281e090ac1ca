// SPDX-License-Identifier: GPL-2.0
/*
 * The file syscalls a small program uses: open, read, write, lseek,
 * pread/pwrite, ftruncate, rename, link, symlink, readlink, unlink,
 * mkdir, rmdir, stat, chmod, access, dup2, fcntl, getdents (readdir).
 * It prints what it found; the tree it leaves is compared too.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"


static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *path)
{
	char *names[64];
	struct dirent *d;
	int n = 0, i;
	DIR *dir = opendir(path);

	CHECK(dir);
	while ((d = readdir(dir)) && n < 64)
		names[n++] = strdup(d->d_name);
	closedir(dir);
	qsort(names, n, sizeof(names[0]), cmp_names);
	printf("%s:", path);
	for (i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

int main(void)
{
	char buf[256], target[64];
	struct stat st;
	ssize_t len;
	int fd, fd2;

	CHECK(mkdir("out", 0755) == 0);
	fd = open("out/f.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "hello, world\n", 13) == 13);
	CHECK(pwrite(fd, "HELLO", 5, 0) == 5);
	CHECK(lseek(fd, 0, SEEK_END) == 13);
	CHECK(write(fd, "second line\n", 12) == 12);
	CHECK(close(fd) == 0);

	fd = open("out/f.txt", O_RDONLY);
	CHECK(fd >= 0);
	len = read(fd, buf, sizeof(buf) - 1);
	CHECK(len == 25);
	buf[len] = '\0';
	printf("read %zd: %s", len, buf);
	CHECK(pread(fd, buf, 5, 7) == 5);
	buf[5] = '\0';
	printf("pread: %s\n", buf);
	CHECK(fstat(fd, &st) == 0);
	printf("size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
	fd2 = dup(fd);
	CHECK(fd2 > fd);
	CHECK(dup2(fd, 10) == 10);
	CHECK(lseek(10, 0, SEEK_CUR) == 25);
	CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0);
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
	close(fd2);
	close(10);
	close(fd);

	fd = open("out/f.txt", O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK(write(fd, "third\n", 6) == 6);
	CHECK(ftruncate(fd, 31) == 0);
	close(fd);
	CHECK(stat("out/f.txt", &st) == 0 && st.st_size == 31);

	CHECK(rename("out/f.txt", "out/g.txt") == 0);
	CHECK(link("out/g.txt", "out/hard.txt") == 0);
	CHECK(stat("out/g.txt", &st) == 0);
	printf("links %d\n", (int)st.st_nlink);
	CHECK(symlink("g.txt", "out/sym") == 0);
	len = readlink("out/sym", target, sizeof(target) - 1);
	CHECK(len == 5);
	target[len] = '\0';
	printf("readlink: %s\n", target);
	CHECK(lstat("out/sym", &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(chmod("out/g.txt", 0600) == 0);
	CHECK(stat("out/g.txt", &st) == 0);
	printf("mode %o\n", st.st_mode & 07777);
	CHECK(access("out/g.txt", R_OK) == 0);
	CHECK(access("out/none", F_OK) == -1 && errno == ENOENT);
	CHECK(open("out/none", O_RDONLY) == -1 && errno == ENOENT);
	CHECK(mkdir("out/d", 0755) == 0);
	CHECK(mkdir("out/d", 0755) == -1 && errno == EEXIST);
	CHECK(mkdir("out/rm", 0700) == 0);
	CHECK(rmdir("out/rm") == 0);
	CHECK(unlink("out/hard.txt") == 0);
	CHECK(chdir("out/d") == 0);
	CHECK(getcwd(buf, sizeof(buf)));
	printf("cwd %s\n", buf);
	fd = open("../g.txt", O_RDONLY);
	CHECK(fd >= 0);
	close(fd);
	CHECK(chdir("../..") == 0);
	list_dir("out");
	list_dir("sub");
	printf("done\n");
	return 0;
}
