// SPDX-License-Identifier: GPL-2.0
/*
 * A static Linux program that tries to leave Lab 2's sandbox: through
 * "..", an absolute path, and symbolic links that point outside. It
 * prints what each attempt read, or its errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void try(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		printf("%s: %s\n", path, strerror(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	printf("%s: read \"%s\"\n", path, buf);
	close(fd);
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		try(argv[i]);
	return 0;
}
