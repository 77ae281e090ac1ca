// SPDX-License-Identifier: GPL-2.0
/*
 * Path resolution for the guest program. openat2(2) resolves a path
 * under a directory as if it were the root: ".." stops there, an
 * absolute path starts there, and a symbolic link is followed inside
 * it (RESOLVE_IN_ROOT); /proc's magic links are not followed at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/log.h"
#include "lab2/sandbox.h"

/* The open(2) flags a guest may ask for; the kernel refuses others. */
#define GUEST_OPEN_FLAGS	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | \
				 O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC | \
				 O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | \
				 O_SYNC | O_PATH | O_TMPFILE | O_LARGEFILE)
#define GUEST_MODE_BITS		07777

int sandbox_open_root(const char *dir)
{
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		pr_err("cannot open the sandbox root %s: %s; name a directory with --root",
		       dir, strerror(errno));
	return fd;
}

int sandbox_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (flags & GUEST_OPEN_FLAGS) | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	/*
	 * openat2 insists on a mode only where one is used. O_TMPFILE holds
	 * O_DIRECTORY's bit: test all of it, or every O_DIRECTORY open
	 * would pass a mode and fail with EINVAL (found in review).
	 */
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		how.mode = mode & GUEST_MODE_BITS;
	fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

int sandbox_statat(int dirfd, const char *path, int flags,
		   struct stat *st)
{
	int fd = sandbox_openat(dirfd, path, O_PATH |
				((flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0),
				0);
	int ret;

	if (fd < 0)
		return fd;
	ret = fstat(fd, st) < 0 ? -errno : 0;
	close(fd);
	return ret;
}
