// SPDX-License-Identifier: GPL-2.0
/*
 * A static Linux program for Lab 2's tests, built with musl and with
 * glibc: it prints its arguments, copies standard input to standard
 * output, and exits with the status its first argument names.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	char line[256];
	int i;

	printf("argc=%d\n", argc);
	for (i = 1; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	while (fgets(line, sizeof(line), stdin))
		printf("stdin: %s", line);
	return argc > 1 ? atoi(argv[1]) : 0;
}
