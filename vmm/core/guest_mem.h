/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest physical memory, seen from the VMM. Every address the guest
 * (or a file, or the command line) controls goes through
 * guest_range_ok() or guest_ptr() before the VMM touches it.
 */
#ifndef VMM_GUEST_MEM_H
#define VMM_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct guest_mem {
	uint8_t *host;		/* where RAM is mapped in the VMM */
	uint64_t size;		/* bytes of RAM, at guest address 0 */
};

/* Is [gpa, gpa + len) inside RAM? Safe against any overflow. */
static inline bool guest_range_ok(const struct guest_mem *mem,
				  uint64_t gpa, uint64_t len)
{
	return gpa <= mem->size && len <= mem->size - gpa;
}

/* The host address of [gpa, gpa + len), or NULL if it is not all RAM. */
static inline void *guest_ptr(const struct guest_mem *mem,
			      uint64_t gpa, uint64_t len)
{
	if (!guest_range_ok(mem, gpa, len))
		return NULL;
	return mem->host + gpa;
}

#endif /* VMM_GUEST_MEM_H */
