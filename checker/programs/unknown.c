// SPDX-License-Identifier: GPL-2.0
/* A static program that makes a syscall no VMM knows, and prints why. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#define NOT_A_SYSCALL	500

int main(void)
{
	long ret = syscall(NOT_A_SYSCALL);

	printf("%ld %d\n", ret, errno);
	return 0;
}
