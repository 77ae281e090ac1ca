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
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <kvmlab/kernel.h>

#include "core/log.h"
#include "lab2/sandbox.h"

/* The open(2) flags a guest may ask for; the kernel refuses others. */
#define GUEST_OPEN_FLAGS	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | \
				 O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC | \
				 O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | \
				 O_SYNC | O_PATH | O_TMPFILE | O_LARGEFILE)
#define GUEST_MODE_BITS		07777

void sandbox_fd_path(int fd, char *buf)
{
	snprintf(buf, SANDBOX_FD_PATH_MAX, "/proc/self/fd/%d", fd);
}

/* Where the host says descriptor @fd is, NUL-terminated: 0 or -errno. */
static int fd_location(int fd, char *buf, size_t size)
{
	char link[SANDBOX_FD_PATH_MAX];
	ssize_t len;

	sandbox_fd_path(fd, link);
	len = readlink(link, buf, size - 1);
	if (len < 0)
		return -errno;
	if ((size_t)len == size - 1)
		return -ENAMETOOLONG;
	buf[len] = '\0';
	return 0;
}

int sandbox_dir_path(int root, int dir, char *out, size_t size)
{
	char root_at[PATH_MAX], dir_at[PATH_MAX];
	size_t len;
	int err;

	if (dir == root)
		return snprintf(out, size, "/") < (int)size ? 0 : -ENAMETOOLONG;
	err = fd_location(root, root_at, sizeof(root_at));
	if (!err)
		err = fd_location(dir, dir_at, sizeof(dir_at));
	if (err)
		return err;
	/* A root of "/" is every path's prefix; else "ROOT/..." only. */
	len = strcmp(root_at, "/") ? strlen(root_at) : 0;
	if (strncmp(dir_at, root_at, len))
		return -ENOENT;		/* moved out of the root meanwhile */
	if (!dir_at[len])
		return snprintf(out, size, "/") < (int)size ? 0 : -ENAMETOOLONG;
	if (dir_at[len] != '/')
		return -ENOENT;
	if (strlen(dir_at + len) >= size)
		return -ENAMETOOLONG;
	strcpy(out, dir_at + len);
	return 0;
}

int sandbox_join(int root, int dir, const char *path, char *out,
		 size_t size)
{
	size_t len;
	int err;

	if (path[0] == '/' || dir == root) {
		if (strlen(path) >= size)
			return -ENAMETOOLONG;
		strcpy(out, path);
		return 0;
	}
	err = sandbox_dir_path(root, dir, out, size);
	if (err)
		return err;
	len = strlen(out);
	if (snprintf(out + len, size - len, "/%s", path) >= (int)(size - len))
		return -ENAMETOOLONG;
	return 0;
}

int sandbox_parent(int root, const char *path, char *last)
{
	char dir[SANDBOX_PATH_MAX];
	size_t len = strlen(path);
	char *slash;

	if (!len)
		return -ENOENT;
	if (len >= sizeof(dir))
		return -ENAMETOOLONG;
	strcpy(dir, path);
	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = '\0';	/* "a/b/" names b */
	if (!strcmp(dir, "/")) {
		strcpy(last, ".");
		return sandbox_openat(root, "/", O_PATH | O_DIRECTORY, 0);
	}
	slash = strrchr(dir, '/');
	if (strlen(slash ? slash + 1 : dir) > NAME_MAX)
		return -ENAMETOOLONG;
	strcpy(last, slash ? slash + 1 : dir);
	if (!slash)
		return sandbox_openat(root, ".", O_PATH | O_DIRECTORY, 0);
	slash[1] = '\0';		/* keep "/" for "/name" */
	return sandbox_openat(root, dir, O_PATH | O_DIRECTORY, 0);
}

int sandbox_open_root(const char *dir)
{
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		pr_err("cannot open the sandbox root %s: %s; name a directory with --root",
		       dir, strerror(errno));
	return fd;
}

/*
 * The devices every Linux system has, and programs take for granted
 * (a shell's background job reads /dev/null): always the host's, even
 * where the sandbox has a dev/ of its own, in which a write to
 * /dev/null would otherwise make a file. They hold nothing and lead
 * nowhere.
 */
static const char *const common_devices[] = {
	"dev/null", "dev/zero", "dev/full", "dev/random", "dev/urandom",
};

/*
 * What a program reads of /etc to say who owns a file and what time it
 * is (ls -l, tar tv, date): the host's, read-only, where the sandbox
 * has none of its own. They are world-readable on every Linux system
 * and hold no secret (the shadow file is not among them).
 */
static const char *const common_etc[] = {
	"etc/passwd", "etc/group", "etc/localtime", "etc/nsswitch.conf",
};

/*
 * The host's file of that name if @path (from the root) is one of
 * @names, opened with @flags: a host fd, or -1 with ENOENT.
 */
static int open_host_file(const char *const *names, unsigned int n,
			  const char *path, int flags)
{
	char host[SANDBOX_FD_PATH_MAX];
	unsigned int i;

	path += strspn(path, "/");
	for (i = 0; i < n; i++) {
		if (strcmp(path, names[i]))
			continue;
		snprintf(host, sizeof(host), "/%s", names[i]);
		return open(host, flags | O_CLOEXEC);
	}
	errno = ENOENT;
	return -1;
}

static int open_common_device(const char *path, int flags)
{
	return open_host_file(common_devices, ARRAY_SIZE(common_devices), path,
			      flags & (O_ACCMODE | O_NONBLOCK | O_PATH));
}

/* Read-only: a write or a creation goes to the sandbox's own /etc. */
static int open_common_etc(const char *path, int flags)
{
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC))) {
		errno = ENOENT;
		return -1;
	}
	return open_host_file(common_etc, ARRAY_SIZE(common_etc), path,
			      flags & (O_NONBLOCK | O_PATH | O_DIRECTORY));
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
	 * would pass a mode and fail with EINVAL.
	 */
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		how.mode = mode & GUEST_MODE_BITS;
	fd = open_common_device(path, flags);
	if (fd < 0 && errno == ENOENT)
		fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd < 0 && errno == ENOENT)
		fd = open_common_etc(path, flags);
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
