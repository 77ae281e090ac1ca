// SPDX-License-Identifier: GPL-2.0
/*
 * A static program that hands the VMM's syscall layer everything a
 * careless or hostile program might: pointers past RAM or wrapping
 * around, huge lengths, strings without an end inside RAM, more memory
 * than there is, a storm of unknown syscalls. It prints what each call
 * returned (a negative errno, or "ok"), one line each, and exits 0.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define RAM_END		0x4000000UL	/* the test gives it --mem 64M */
#define PAST_RAM	0x40000000UL
#define WRAPS		(UINT64_MAX - 4)
#define HUGE		(1UL << 62)
#define STORM		10000
#define ARCH_SET_FS	0x1002	/* <asm/prctl.h>, which musl lacks */
#define FIRST_UNKNOWN	1000

/* The raw syscall: its result, not libc's -1 and errno. */
static long sys(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall" : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10),
			   "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static void show(const char *what, long ret)
{
	printf("%s %ld\n", what, ret);
}

int main(void)
{
	static char path[5000];
	char buf[16] = "x";
	struct iovec iov[2] = { { buf, 1 }, { (void *)PAST_RAM, 1 } };
	char *top = (char *)RAM_END - 8;
	char raw[1 + sizeof(struct iovec)];
	long brk, fd, i, enosys = 0;

	show("write-past-ram", sys(SYS_write, 1, PAST_RAM, 10, 0, 0, 0));
	show("write-wraps", sys(SYS_write, 1, WRAPS, 10, 0, 0, 0));
	show("write-huge", sys(SYS_write, 1, (long)buf, HUGE, 0, 0, 0));
	show("read-wraps", sys(SYS_read, 0, -1, 10, 0, 0, 0));
	show("fstat-past-ram", sys(SYS_fstat, 1, PAST_RAM, 0, 0, 0, 0));
	/* The last bytes of RAM, with no NUL after them. */
	memset(top, 'A', 8);
	show("open-unterminated", sys(SYS_open, (long)top, 0, 0, 0, 0, 0));
	memset(path, 'B', sizeof(path));
	show("open-too-long", sys(SYS_open, (long)path, 0, 0, 0, 0, 0));
	show("open-past-ram", sys(SYS_open, PAST_RAM, 0, 0, 0, 0, 0));
	brk = sys(SYS_brk, 0, 0, 0, 0, 0, 0);
	show("brk-huge-unchanged",
	     sys(SYS_brk, 1L << 40, 0, 0, 0, 0, 0) == brk ? 0 : -1);
	show("mmap-huge", sys(SYS_mmap, 0, 1L << 40, PROT_READ,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	show("mmap-file", sys(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, 0,
			      0));
	show("writev-too-many", sys(SYS_writev, 1, (long)iov, 1 << 20, 0, 0,
				    0));
	show("writev-past-ram", sys(SYS_writev, 1, (long)iov, 2, 0, 0, 0));
	show("writev-iov-wraps", sys(SYS_writev, 1, WRAPS, 2, 0, 0, 0));
	/* An iovec array at an odd address (found by fuzzing). */
	memcpy(raw + 1, iov, sizeof(iov[0]));
	show("readv-misaligned", sys(SYS_readv, 0, (long)(raw + 1), 1, 0, 0,
				     0));
	show("arch-prctl-noncanonical",
	     sys(SYS_arch_prctl, ARCH_SET_FS, 1L << 60, 0, 0, 0, 0));
	show("readlink-size-0", sys(SYS_readlink, (long)"/proc/self/exe",
				    (long)buf, 0, 0, 0, 0));
	/* A mode with O_DIRECTORY: ignored, as Linux does (found in review). */
	fd = sys(SYS_open, (long)".", O_RDONLY | O_DIRECTORY, 0755, 0, 0, 0);
	show("open-directory-with-mode", fd >= 0 ? 0 : fd);
	sys(SYS_close, fd, 0, 0, 0, 0, 0);
	show("close-unopened", sys(SYS_close, 63, 0, 0, 0, 0, 0));
	show("close-past-table", sys(SYS_close, 1L << 40, 0, 0, 0, 0, 0));
	for (i = 0; i < STORM; i++)
		enosys += sys(FIRST_UNKNOWN + i % 100, i, i, i, i, i, i) == -38;
	show("unknown-storm-enosys", enosys);
	return 0;
}
