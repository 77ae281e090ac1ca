/* SPDX-License-Identifier: GPL-2.0 */
/* Putting a flat guest image into guest RAM. */
#ifndef VMM_LOADER_H
#define VMM_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "core/guest_mem.h"

int loader_load_image(struct guest_mem *mem, uint64_t gpa, const void *image,
		      size_t size, const char *name);
/* A whole file, at most @max bytes, in a buffer the caller frees. */
int loader_read_file(const char *path, uint64_t max, uint8_t **buf,
		     size_t *size);

/* Read a file into RAM at @gpa; its size goes to @size. */
int loader_load_file(struct guest_mem *mem, uint64_t gpa, const char *path,
		     uint64_t *size);

#endif /* VMM_LOADER_H */
