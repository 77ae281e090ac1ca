/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Lab 2 sandbox: the guest program's paths resolve inside one
 * directory, as if it were the root. "..", absolute paths and symbolic
 * links cannot lead out of it: the kernel checks each step (openat2
 * with RESOLVE_IN_ROOT).
 */
#ifndef VMM_SANDBOX_H
#define VMM_SANDBOX_H

#include <sys/stat.h>
#include <sys/types.h>

/* The root, opened once: a directory file descriptor, or -1. */
int sandbox_open_root(const char *dir);

/* open(2) of @path relative to @dirfd, never above it: fd or -errno. */
int sandbox_openat(int dirfd, const char *path, int flags, mode_t mode);

/* stat(2) of @path relative to @dirfd, inside it: 0 or -errno. */
int sandbox_statat(int dirfd, const char *path, int flags,
		   struct stat *st);

#endif /* VMM_SANDBOX_H */
