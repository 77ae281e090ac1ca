// SPDX-License-Identifier: GPL-2.0
/*
 * ScratchVM Lab 2's program: an ordinary static Linux program, which
 * the VMM runs in ring 3 of its micro VM. Built with musl-gcc -static.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define FILENAME	"./ay_caramba"
#define MODE		0777

static const char *buff_1 = "Hello World !!!\n";
static const char *buff_2 = "Bye Bye !!!\n";

int main(void)
{
	int fd = open(FILENAME, O_RDWR | O_CREAT, MODE);

	if (fd < 0)
		return 1;
	if (write(fd, buff_1, strlen(buff_1)) < 0 ||
	    write(fd, buff_2, strlen(buff_2)) < 0)
		return 1;
	close(fd);
	return 0;
}
