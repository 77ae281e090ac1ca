// SPDX-License-Identifier: GPL-2.0
/*
 * make bench's Lab 2 program: argv[1] syscalls (getppid, which the VMM
 * answers without the host), then exit. Two runs with different counts
 * give the cost of one syscall round trip, start-up cancelled out.
 *
 * With "port" as argv[2], each round trip is the stub's syscall port
 * written straight from ring 3, as the stub's syscall entry writes it
 * (RAX the number, RCX where to return): the same exit and the same
 * answer without the syscall instruction, so that the bench can tell
 * what the exit costs from what the syscall adds.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* LAB2_SYSCALL_PORT (include/kvmlab/layout.h). */
#define STUB_SYSCALL_PORT	"0xf0"

static void port_getppid(void)
{
	__asm__ __volatile__("lea 1f(%%rip), %%rcx\n\t"
			     "pushf\n\t"
			     "pop %%r11\n\t"
			     "out %%al, $" STUB_SYSCALL_PORT "\n"
			     "1:"
			     : : "a"((long)SYS_getppid)
			     : "rcx", "r11", "memory");
}

int main(int argc, char **argv)
{
	long i, n = argc > 1 ? atol(argv[1]) : 0;
	int port = argc > 2 && !strcmp(argv[2], "port");

	for (i = 0; i < n; i++) {
		if (port)
			port_getppid();
		else
			syscall(SYS_getppid);
	}
	return 0;
}
