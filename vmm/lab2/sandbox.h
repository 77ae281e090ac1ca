/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Lab 2 sandbox: the guest program's paths resolve inside one
 * directory, as if it were the root. "..", absolute paths and symbolic
 * links cannot lead out of it: the kernel checks each step (openat2
 * with RESOLVE_IN_ROOT).
 */
#ifndef VMM_SANDBOX_H
#define VMM_SANDBOX_H

#include <limits.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Room for a path made of a directory's and one the guest gave. */
#define SANDBOX_PATH_MAX	(2 * PATH_MAX)
/* "/proc/self/fd/N": how the host names an O_PATH descriptor. */
#define SANDBOX_FD_PATH_MAX	32

/* The root, opened once: a directory file descriptor, or -1. */
int sandbox_open_root(const char *dir);

/* open(2) of @path inside @root (absolute or not): fd or -errno. */
int sandbox_openat(int root, const char *path, int flags, mode_t mode);

/* stat(2) of @path inside @root: 0 or -errno. */
int sandbox_statat(int root, const char *path, int flags,
		   struct stat *st);

/*
 * @path as seen from directory @dir (a host fd inside @root), written
 * into @out as a path from @root: what Linux resolves against @dir,
 * with ".." and absolute paths still against the root. 0 or -errno.
 */
int sandbox_join(int root, int dir, const char *path, char *out,
		 size_t size);

/*
 * The directory holding @path's last component, opened O_PATH inside
 * @root: fd or -errno. The component goes to @last (NAME_MAX + 1
 * bytes); a path naming the root itself gives ".".
 */
int sandbox_parent(int root, const char *path, char *last);

/* Where the host reaches descriptor @fd by path (for chmod, truncate). */
void sandbox_fd_path(int fd, char *buf);

/* Directory @dir's path from @root ("/" for the root): 0 or -errno. */
int sandbox_dir_path(int root, int dir, char *out, size_t size);

#endif /* VMM_SANDBOX_H */
