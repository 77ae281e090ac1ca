// SPDX-License-Identifier: GPL-2.0
/*
 * The program's paths. Every path, whatever directory it starts from,
 * becomes a path inside the sandbox root (sandbox_join) and is opened
 * with openat2's RESOLVE_IN_ROOT: ".." and absolute paths stop at the
 * root as they stop at "/" on Linux, and symbolic links cannot leave
 * it. A call that acts on a name (mkdir, unlink, rename, link,
 * symlink) opens the name's directory that way and acts on the last
 * component only; a call that acts on a file (stat, chmod, truncate,
 * utimensat, access) opens the file itself O_PATH and acts on the
 * descriptor. No host call is ever handed a guest path with a "/".
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <kvmlab/kernel.h>

#include "lab2/sandbox.h"
#include "lab2/sys.h"
#include "lab2/uaccess.h"

#define PROC_SELF_EXE	"/proc/self/exe"
#define PROC_SELF_FD	"/proc/self/fd/"
#define DEV_FD		"/dev/fd/"
#define DIRENT_MAX	0x7ffff000ULL
#define AT_FLAGS_STAT	(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)

/* The directory a *at() call starts from: the cwd, or a guest fd. */
static int dir_host(struct process *p, uint64_t dirfd)
{
	return (int)dirfd == AT_FDCWD ? p->cwd_fd : fd_host(p, dirfd);
}

/* Path @name, from @dirfd, as a path inside the root. */
static long join_at(struct process *p, uint64_t dirfd, const char *name,
		    char *out)
{
	int dir;

	if (!name[0])
		return -ENOENT;
	dir = name[0] == '/' ? p->root_fd : dir_host(p, dirfd);
	if (dir < 0)
		return dir;
	return sandbox_join(p->root_fd, dir, name, out, SANDBOX_PATH_MAX);
}

/* The guest's path @upath, from @dirfd, as a path inside the root. */
static long path_at(struct process *p, uint64_t dirfd, uint64_t upath,
		    char *out)
{
	char name[PATH_MAX];
	long err = lab2_user_string(p, upath, name, sizeof(name));

	return err ?: join_at(p, dirfd, name, out);
}

int fs_open(struct process *p, uint64_t dirfd, const char *path, int oflags)
{
	char joined[SANDBOX_PATH_MAX];
	long err = join_at(p, dirfd, path, joined);

	return err ?: sandbox_openat(p->root_fd, joined, oflags, 0);
}

/*
 * /dev/fd/N, /proc/self/fd/N and /dev/stdin, stdout, stderr: the
 * program's own descriptor N opened again (bash's <(...) reads
 * /dev/fd/63), through the host's name for the host descriptor behind
 * it. -ENOENT if @name is none of these or N is not open.
 */
static int open_own_fd(struct process *p, const char *name, int flags)
{
	static const char *const std[] = {
		"/dev/stdin", "/dev/stdout", "/dev/stderr",
	};
	char host[SANDBOX_FD_PATH_MAX], *end;
	unsigned long fd = PROC_MAX_FDS;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(std); i++)
		if (!strcmp(name, std[i]))
			fd = i;
	if (!strncmp(name, DEV_FD, strlen(DEV_FD)))
		name += strlen(DEV_FD);
	else if (!strncmp(name, PROC_SELF_FD, strlen(PROC_SELF_FD)))
		name += strlen(PROC_SELF_FD);
	else if (fd == PROC_MAX_FDS)
		return -ENOENT;
	if (fd == PROC_MAX_FDS) {
		if (!isdigit((unsigned char)*name))
			return -ENOENT;
		fd = strtoul(name, &end, 10);
		if (*end)
			return -ENOENT;
	}
	ret = fd_host(p, fd);
	if (ret < 0)
		return -ENOENT;
	sandbox_fd_path(ret, host);
	return host_result(open(host, (flags & ~(O_CREAT | O_EXCL | O_TRUNC |
						 O_NOFOLLOW)) | O_CLOEXEC));
}

/*
 * The file @upath names (or with AT_EMPTY_PATH and "", @dirfd itself),
 * opened with @oflags: a host fd, or -errno.
 */
static int open_at(struct process *p, uint64_t dirfd, uint64_t upath,
		   int oflags, uint64_t atflags)
{
	char path[SANDBOX_PATH_MAX], name[PATH_MAX];
	long err;
	int fd;

	if (atflags & AT_EMPTY_PATH) {
		char c;

		err = lab2_copy_from_user(p, &c, upath, 1);
		if (err)
			return err;
		if (!c) {
			int dir = dir_host(p, dirfd);

			return dir < 0 ? dir :
			       host_result(fcntl(dir, F_DUPFD_CLOEXEC, 0));
		}
	}
	err = lab2_user_string(p, upath, name, sizeof(name));
	if (err)
		return err;
	fd = open_own_fd(p, name, oflags);
	if (fd != -ENOENT)
		return fd;
	err = join_at(p, dirfd, name, path);
	if (err)
		return err;
	if (atflags & AT_SYMLINK_NOFOLLOW)
		oflags |= O_NOFOLLOW;
	return sandbox_openat(p->root_fd, path, oflags, 0);
}

/* The directory holding @upath's last component, and the component. */
static int parent_at(struct process *p, uint64_t dirfd, uint64_t upath,
		     char *last)
{
	char path[SANDBOX_PATH_MAX];
	long err = path_at(p, dirfd, upath, path);

	return err ? err : sandbox_parent(p->root_fd, path, last);
}

/* "." and "..": names of directories no call may create or remove. */
static bool is_dot(const char *last)
{
	return !strcmp(last, ".") || !strcmp(last, "..");
}

/* ---- opening ---- */

static long do_openat(struct process *p, uint64_t dirfd, uint64_t upath,
		      uint64_t flags, uint64_t mode)
{
	char name[PATH_MAX], path[SANDBOX_PATH_MAX];
	long err = lab2_user_string(p, upath, name, sizeof(name));
	int fd;

	if (err)
		return err;
	fd = open_own_fd(p, name, flags);
	if (fd != -ENOENT)
		return fd_install(p, fd, flags & O_CLOEXEC);
	err = join_at(p, dirfd, name, path);
	if (err)
		return err;
	return fd_install(p, sandbox_openat(p->root_fd, path, flags, mode),
			  flags & O_CLOEXEC);
}

SYS_DECL(open)
{
	return do_openat(p, (uint64_t)AT_FDCWD, a[0], a[1], a[2]);
}

SYS_DECL(openat)
{
	return do_openat(p, a[0], a[1], a[2], a[3]);
}

SYS_DECL(creat)
{
	return do_openat(p, (uint64_t)AT_FDCWD, a[0],
			 O_CREAT | O_WRONLY | O_TRUNC, a[1]);
}

/* ---- what a file is ---- */

static long put_stat(struct process *p, uint64_t addr, const struct stat *st)
{
	/* The same layout on both sides: both are x86-64 Linux. */
	return lab2_copy_to_user(p, addr, st, sizeof(*st));
}

SYS_DECL(fstat)
{
	int fd = fd_host(p, a[0]);
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	return put_stat(p, a[1], &st);
}

static long do_fstatat(struct process *p, uint64_t dirfd, uint64_t upath,
		       uint64_t addr, uint64_t flags)
{
	struct stat st;
	int fd, err;

	if (flags & ~(uint64_t)AT_FLAGS_STAT)
		return -EINVAL;
	fd = open_at(p, dirfd, upath, O_PATH, flags);
	if (fd < 0)
		return fd;
	err = fstat(fd, &st) < 0 ? -errno : 0;
	close(fd);
	return err ? err : put_stat(p, addr, &st);
}

SYS_DECL(stat)
{
	return do_fstatat(p, (uint64_t)AT_FDCWD, a[0], a[1], 0);
}

SYS_DECL(lstat)
{
	return do_fstatat(p, (uint64_t)AT_FDCWD, a[0], a[1],
			  AT_SYMLINK_NOFOLLOW);
}

SYS_DECL(newfstatat)
{
	return do_fstatat(p, a[0], a[1], a[2], a[3]);
}

SYS_DECL(statx)
{
	struct statx stx;
	int fd, err;

	if (a[2] & ~(uint64_t)(AT_FLAGS_STAT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	fd = open_at(p, a[0], a[1], O_PATH, a[2]);
	if (fd < 0)
		return fd;
	err = statx(fd, "", AT_EMPTY_PATH | (a[2] & AT_STATX_SYNC_TYPE),
		    (unsigned int)a[3], &stx) < 0 ? -errno : 0;
	close(fd);
	return err ? err : lab2_copy_to_user(p, a[4], &stx, sizeof(stx));
}

/* /proc/self/exe: absolute, as Linux's is; the program, at the root. */
static ssize_t self_exe(struct process *p, char *target, size_t size)
{
	const char *base = strrchr(p->exe, '/');

	return snprintf(target, size, "/%s", base ? base + 1 : p->exe);
}

static long do_readlinkat(struct process *p, uint64_t dirfd, uint64_t upath,
			  uint64_t buf, uint64_t size)
{
	char name[PATH_MAX], target[PATH_MAX];
	long err = lab2_user_string(p, upath, name, sizeof(name));
	struct stat st;
	ssize_t len;

	if (err)
		return err;
	if ((int64_t)size <= 0)
		return -EINVAL;
	if (!strcmp(name, PROC_SELF_EXE)) {
		len = self_exe(p, target, sizeof(target));
	} else {
		int fd = open_at(p, dirfd, upath, O_PATH | O_NOFOLLOW, 0);

		if (fd < 0)
			return fd;
		/* Not a link: EINVAL, which realpath() relies on. */
		if (fstat(fd, &st) < 0 || !S_ISLNK(st.st_mode))
			len = -EINVAL;
		else
			len = host_result(readlinkat(fd, "", target,
						     sizeof(target)));
		close(fd);
		if (len < 0)
			return len;
	}
	if ((uint64_t)len > size)
		len = size;
	err = lab2_copy_to_user(p, buf, target, len);
	return err ? err : len;
}

SYS_DECL(readlink)
{
	return do_readlinkat(p, (uint64_t)AT_FDCWD, a[0], a[1], a[2]);
}

SYS_DECL(readlinkat)
{
	return do_readlinkat(p, a[0], a[1], a[2], a[3]);
}

static long do_faccessat(struct process *p, uint64_t dirfd, uint64_t upath,
			 uint64_t mode, uint64_t flags)
{
	int fd, err;

	if (mode & ~(uint64_t)(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(uint64_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	fd = open_at(p, dirfd, upath, O_PATH, flags);
	if (fd < 0)
		return fd;
	err = host_result(syscall(SYS_faccessat2, fd, "", (int)mode,
				  AT_EMPTY_PATH | (int)(flags & AT_EACCESS)));
	close(fd);
	return err;
}

SYS_DECL(access)
{
	return do_faccessat(p, (uint64_t)AT_FDCWD, a[0], a[1], 0);
}

SYS_DECL(faccessat)
{
	return do_faccessat(p, a[0], a[1], a[2], 0);
}

SYS_DECL(faccessat2)
{
	return do_faccessat(p, a[0], a[1], a[2], a[3]);
}

/* ---- directories ---- */

/*
 * The host fills the guest's buffer directly: the same record layout,
 * for getdents64 and for the old getdents (dietlibc's readdir) alike.
 */
static long do_getdents(struct process *p, const uint64_t *a, long nr)
{
	int fd = fd_host(p, a[0]);
	uint64_t len = a[2] < DIRENT_MAX ? a[2] : DIRENT_MAX;
	void *buf = lab2_user_buf(p, a[1], len);

	if (fd < 0)
		return fd;
	if (!buf)
		return -EFAULT;
	return host_result(syscall(nr, fd, buf, len));
}

SYS_DECL(getdents64)
{
	return do_getdents(p, a, SYS_getdents64);
}

SYS_DECL(getdents)
{
	return do_getdents(p, a, SYS_getdents);
}

SYS_DECL(getcwd)
{
	char path[PATH_MAX];
	size_t len;
	int err = sandbox_dir_path(p->root_fd, p->cwd_fd, path, sizeof(path));

	if (err)
		return err;
	len = strlen(path) + 1;
	if (len > a[1])
		return -ERANGE;
	err = lab2_copy_to_user(p, a[0], path, len);
	return err ? err : (long)len;
}

/* The new working directory, a host fd of ours: the old one goes. */
static long set_cwd(struct process *p, int fd)
{
	if (fd < 0)
		return fd;
	if (p->cwd_fd != p->root_fd)
		close(p->cwd_fd);
	p->cwd_fd = fd;
	return 0;
}

SYS_DECL(chdir)
{
	return set_cwd(p, open_at(p, (uint64_t)AT_FDCWD, a[0],
				  O_PATH | O_DIRECTORY, 0));
}

SYS_DECL(fchdir)
{
	int fd = fd_host(p, a[0]);
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return set_cwd(p, host_result(fcntl(fd, F_DUPFD_CLOEXEC, 0)));
}

/* ---- names: made, removed, renamed, linked ---- */

static long do_mkdirat(struct process *p, uint64_t dirfd, uint64_t upath,
		       uint64_t mode)
{
	char last[NAME_MAX + 1];
	int dir = parent_at(p, dirfd, upath, last);
	long err;

	if (dir < 0)
		return dir;
	err = is_dot(last) ? -EEXIST :
	      host_result(mkdirat(dir, last, (mode_t)mode & 07777));
	close(dir);
	return err;
}

SYS_DECL(mkdir)
{
	return do_mkdirat(p, (uint64_t)AT_FDCWD, a[0], a[1]);
}

SYS_DECL(mkdirat)
{
	return do_mkdirat(p, a[0], a[1], a[2]);
}

/* FIFOs and plain files only: no device nodes in the sandbox. */
SYS_DECL(mknodat)
{
	char last[NAME_MAX + 1];
	mode_t type = (mode_t)a[2] & S_IFMT;
	int dir;
	long err;

	if (type && type != S_IFREG && type != S_IFIFO)
		return -EPERM;
	dir = parent_at(p, a[0], a[1], last);
	if (dir < 0)
		return dir;
	err = is_dot(last) ? -EEXIST :
	      host_result(mknodat(dir, last, (mode_t)a[2], 0));
	close(dir);
	return err;
}

static long do_unlinkat(struct process *p, uint64_t dirfd, uint64_t upath,
			uint64_t flags)
{
	char last[NAME_MAX + 1];
	int dir;
	long err;

	if (flags & ~(uint64_t)AT_REMOVEDIR)
		return -EINVAL;
	dir = parent_at(p, dirfd, upath, last);
	if (dir < 0)
		return dir;
	if (!strcmp(last, "."))
		err = flags ? -EINVAL : -EISDIR;
	else if (!strcmp(last, ".."))
		err = flags ? -ENOTEMPTY : -EISDIR;
	else
		err = host_result(unlinkat(dir, last, (int)flags));
	close(dir);
	return err;
}

SYS_DECL(unlink)
{
	return do_unlinkat(p, (uint64_t)AT_FDCWD, a[0], 0);
}

SYS_DECL(rmdir)
{
	return do_unlinkat(p, (uint64_t)AT_FDCWD, a[0], AT_REMOVEDIR);
}

SYS_DECL(unlinkat)
{
	return do_unlinkat(p, a[0], a[1], a[2]);
}

static long do_renameat2(struct process *p, const uint64_t *a,
			 uint64_t flags)
{
	char old_last[NAME_MAX + 1], new_last[NAME_MAX + 1];
	int old_dir = parent_at(p, a[0], a[1], old_last), new_dir;
	long err;

	if (old_dir < 0)
		return old_dir;
	new_dir = parent_at(p, a[2], a[3], new_last);
	if (new_dir < 0) {
		close(old_dir);
		return new_dir;
	}
	err = is_dot(old_last) || is_dot(new_last) ? -EBUSY :
	      host_result(syscall(SYS_renameat2, old_dir, old_last, new_dir,
				  new_last, (unsigned int)flags));
	close(old_dir);
	close(new_dir);
	return err;
}

SYS_DECL(rename)
{
	const uint64_t at[4] = { (uint64_t)AT_FDCWD, a[0],
				 (uint64_t)AT_FDCWD, a[1] };

	return do_renameat2(p, at, 0);
}

SYS_DECL(renameat)
{
	return do_renameat2(p, a, 0);
}

SYS_DECL(renameat2)
{
	return do_renameat2(p, a, a[4]);
}

/*
 * A hard link. Following a symbolic link must stay inside the root
 * too: the file is opened O_PATH first and linked by its /proc name.
 */
static long do_linkat(struct process *p, const uint64_t *a, uint64_t flags)
{
	char new_last[NAME_MAX + 1], fd_path[SANDBOX_FD_PATH_MAX];
	int old_fd, new_dir;
	long err;

	if (flags & ~(uint64_t)AT_SYMLINK_FOLLOW)
		return -EINVAL;
	old_fd = open_at(p, a[0], a[1], O_PATH,
			 flags ? 0 : AT_SYMLINK_NOFOLLOW);
	if (old_fd < 0)
		return old_fd;
	new_dir = parent_at(p, a[2], a[3], new_last);
	if (new_dir < 0) {
		close(old_fd);
		return new_dir;
	}
	sandbox_fd_path(old_fd, fd_path);
	err = is_dot(new_last) ? -EEXIST :
	      host_result(linkat(AT_FDCWD, fd_path, new_dir, new_last,
				 AT_SYMLINK_FOLLOW));
	close(old_fd);
	close(new_dir);
	return err;
}

SYS_DECL(link)
{
	const uint64_t at[4] = { (uint64_t)AT_FDCWD, a[0],
				 (uint64_t)AT_FDCWD, a[1] };

	return do_linkat(p, at, 0);
}

SYS_DECL(linkat)
{
	return do_linkat(p, a, a[4]);
}

/* The target is only text: following it later stays in the root. */
static long do_symlinkat(struct process *p, uint64_t utarget, uint64_t dirfd,
			 uint64_t upath)
{
	char target[PATH_MAX], last[NAME_MAX + 1];
	long err = lab2_user_string(p, utarget, target, sizeof(target));
	int dir;

	if (err)
		return err;
	if (!target[0])
		return -ENOENT;
	dir = parent_at(p, dirfd, upath, last);
	if (dir < 0)
		return dir;
	err = is_dot(last) ? -EEXIST : host_result(symlinkat(target, dir, last));
	close(dir);
	return err;
}

SYS_DECL(symlink)
{
	return do_symlinkat(p, a[0], (uint64_t)AT_FDCWD, a[1]);
}

SYS_DECL(symlinkat)
{
	return do_symlinkat(p, a[0], a[1], a[2]);
}

/* ---- a file's attributes ---- */

static long do_fchmodat(struct process *p, uint64_t dirfd, uint64_t upath,
			uint64_t mode)
{
	char fd_path[SANDBOX_FD_PATH_MAX];
	int fd = open_at(p, dirfd, upath, O_PATH, 0);
	long err;

	if (fd < 0)
		return fd;
	sandbox_fd_path(fd, fd_path);
	err = host_result(chmod(fd_path, (mode_t)mode & 07777));
	close(fd);
	return err;
}

SYS_DECL(chmod)
{
	return do_fchmodat(p, (uint64_t)AT_FDCWD, a[0], a[1]);
}

SYS_DECL(fchmodat)
{
	return do_fchmodat(p, a[0], a[1], a[2]);
}

SYS_DECL(fchmod)
{
	int fd = fd_host(p, a[0]);

	return fd < 0 ? fd : host_result(fchmod(fd, (mode_t)a[1] & 07777));
}

static long do_fchownat(struct process *p, uint64_t dirfd, uint64_t upath,
			uint64_t uid, uint64_t gid, uint64_t flags)
{
	int fd;
	long err;

	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	fd = open_at(p, dirfd, upath, O_PATH, flags);
	if (fd < 0)
		return fd;
	err = host_result(fchownat(fd, "", (uid_t)uid, (gid_t)gid,
				   AT_EMPTY_PATH));
	close(fd);
	return err;
}

SYS_DECL(chown)
{
	return do_fchownat(p, (uint64_t)AT_FDCWD, a[0], a[1], a[2], 0);
}

SYS_DECL(lchown)
{
	return do_fchownat(p, (uint64_t)AT_FDCWD, a[0], a[1], a[2],
			   AT_SYMLINK_NOFOLLOW);
}

SYS_DECL(fchownat)
{
	return do_fchownat(p, a[0], a[1], a[2], a[3], a[4]);
}

SYS_DECL(fchown)
{
	int fd = fd_host(p, a[0]);

	return fd < 0 ? fd : host_result(fchown(fd, (uid_t)a[1], (gid_t)a[2]));
}

SYS_DECL(truncate)
{
	char fd_path[SANDBOX_FD_PATH_MAX];
	int fd = open_at(p, (uint64_t)AT_FDCWD, a[0], O_PATH, 0);
	long err;

	if (fd < 0)
		return fd;
	sandbox_fd_path(fd, fd_path);
	err = host_result(truncate(fd_path, (off_t)a[1]));
	close(fd);
	return err;
}

SYS_DECL(ftruncate)
{
	int fd = fd_host(p, a[0]);

	return fd < 0 ? fd : host_result(ftruncate(fd, (off_t)a[1]));
}

/* utimensat(dirfd, NULL, ...) is futimens(dirfd, ...), as in Linux. */
SYS_DECL(utimensat)
{
	struct timespec ts[2];
	const struct timespec *times = NULL;
	uint64_t flags = a[3];
	int fd;
	long err;

	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (a[2]) {
		err = lab2_copy_from_user(p, ts, a[2], sizeof(ts));
		if (err)
			return err;
		times = ts;
	}
	if (!a[1]) {
		fd = fd_host(p, a[0]);
		return fd < 0 ? fd : host_result(futimens(fd, times));
	}
	fd = open_at(p, a[0], a[1], O_PATH, flags);
	if (fd < 0)
		return fd;
	err = host_result(utimensat(fd, "", times, AT_EMPTY_PATH));
	close(fd);
	return err;
}

/* The VMM creates files only for the program: its umask is the host's. */
SYS_DECL(umask)
{
	return umask((mode_t)a[0] & 0777);
}

SYS_DECL(fsync)
{
	int fd = fd_host(p, a[0]);

	return fd < 0 ? fd : host_result(fsync(fd));
}

/* flock: the host's lock on the host's file, as fcntl's record locks. */
SYS_DECL(flock)
{
	int fd = fd_host(p, a[0]);

	if (fd < 0)
		return fd;
	if (a[1] & ~(uint64_t)(LOCK_SH | LOCK_EX | LOCK_UN | LOCK_NB))
		return -EINVAL;
	return host_result(flock(fd, (int)a[1]));
}

SYS_DECL(statfs)
{
	struct statfs sf;
	int fd = open_at(p, (uint64_t)AT_FDCWD, a[0], O_PATH, 0);
	long err;

	if (fd < 0)
		return fd;
	err = host_result(fstatfs(fd, &sf));
	close(fd);
	return err ? err : lab2_copy_to_user(p, a[1], &sf, sizeof(sf));
}

SYS_DECL(fstatfs)
{
	struct statfs sf;
	int fd = fd_host(p, a[0]);

	if (fd < 0)
		return fd;
	if (fstatfs(fd, &sf) < 0)
		return -errno;
	return lab2_copy_to_user(p, a[1], &sf, sizeof(sf));
}
