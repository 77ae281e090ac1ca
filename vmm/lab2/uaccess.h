/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The program's memory, as the syscalls touch it. Every guest pointer
 * and length goes through lab2_user_buf(), the one overflow-safe
 * check; the copies below are built on it, and each reads the guest's
 * bytes once.
 */
#ifndef VMM_LAB2_UACCESS_H
#define VMM_LAB2_UACCESS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lab2/process.h"

/* The guest memory [addr, addr + len), or NULL: the one check. */
static inline void *lab2_user_buf(struct process *p, uint64_t addr,
				  uint64_t len)
{
	return guest_ptr(p->mem, addr, len);
}

/* Copy @len bytes to the guest at @addr: 0, or -EFAULT. */
static inline long lab2_copy_to_user(struct process *p, uint64_t addr,
				     const void *src, size_t len)
{
	void *dst = lab2_user_buf(p, addr, len);

	if (!dst)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

/* Copy @len bytes from the guest at @addr: 0, or -EFAULT. */
static inline long lab2_copy_from_user(struct process *p, void *dst,
				       uint64_t addr, size_t len)
{
	const void *src = lab2_user_buf(p, addr, len);

	if (!src)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

/* Is @addr a canonical x86-64 address (bits 63-47 all equal)? */
static inline bool lab2_canonical(uint64_t addr)
{
	int64_t high = (int64_t)addr >> 47;

	return high == 0 || high == -1;
}

/*
 * A NUL-terminated string wholly in RAM, copied into @buf (@size
 * bytes): 0, -EFAULT, or -ENAMETOOLONG if it does not fit.
 */
long lab2_user_string(struct process *p, uint64_t addr, char *buf,
		      size_t size);

#endif /* VMM_LAB2_UACCESS_H */
