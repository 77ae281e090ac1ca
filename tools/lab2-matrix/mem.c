// SPDX-License-Identifier: GPL-2.0
/*
 * Memory: brk through malloc, big mallocs through mmap, anonymous and
 * file mappings, munmap, mprotect, mremap, MAP_SHARED with msync.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"


#define PAGE		4096
#define SMALL_ALLOCS	1000
#define BIG_ALLOC	(8 << 20)

int main(void)
{
	char *small[SMALL_ALLOCS], *big, *p, *q;
	unsigned long sum = 0;
	int i, fd;

	for (i = 0; i < SMALL_ALLOCS; i++) {
		small[i] = malloc(100 + i);
		CHECK(small[i]);
		memset(small[i], i & 0xff, 100 + i);
	}
	for (i = 0; i < SMALL_ALLOCS; i++) {
		sum += (unsigned char)small[i][99 + i];
		free(small[i]);
	}
	printf("small %lu\n", sum);

	big = malloc(BIG_ALLOC);
	CHECK(big);
	memset(big, 1, BIG_ALLOC);
	for (sum = 0, i = 0; i < BIG_ALLOC; i += PAGE)
		sum += big[i];
	free(big);
	printf("big %lu\n", sum);

	p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	CHECK(p[0] == 0 && p[4 * PAGE - 1] == 0);
	strcpy(p, "anon");
	CHECK(munmap(p + PAGE, PAGE) == 0);
	strcpy(p + 2 * PAGE, "after hole");
	printf("%s %s\n", p, p + 2 * PAGE);
	CHECK(mprotect(p, PAGE, PROT_READ) == 0);
	CHECK(mprotect(p, PAGE, PROT_READ | PROT_WRITE) == 0);
	p[1] = 'N';
	printf("%s\n", p);
	q = mremap(p + 2 * PAGE, 2 * PAGE, 8 * PAGE, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED);
	printf("remapped %s\n", q);
	q[8 * PAGE - 1] = 'z';
	CHECK(munmap(q, 8 * PAGE) == 0);
	CHECK(munmap(p, PAGE) == 0);

	fd = open("notes.txt", O_RDONLY);
	CHECK(fd >= 0);
	p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	printf("file starts: %.5s\n", p);
	CHECK(munmap(p, PAGE) == 0);
	close(fd);

	fd = open("shared.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, PAGE) == 0);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	memcpy(p, "written through a shared mapping\n", 33);
	CHECK(msync(p, PAGE, MS_SYNC) == 0);
	CHECK(munmap(p, PAGE) == 0);
	CHECK(ftruncate(fd, 33) == 0);
	close(fd);
	printf("done\n");
	return 0;
}
