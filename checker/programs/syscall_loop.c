// SPDX-License-Identifier: GPL-2.0
/*
 * make bench's Lab 2 program: argv[1] syscalls (getppid, which the VMM
 * answers without the host), then exit. Two runs with different counts
 * give the cost of one syscall round trip, start-up cancelled out.
 */
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long i, n = argc > 1 ? atol(argv[1]) : 0;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	return 0;
}
