// SPDX-License-Identifier: GPL-2.0
/*
 * The program's memory map: the heap (brk) above its image, the stack
 * at the top of RAM, and mmap'ed areas between them, handed out top
 * down and kept in a sorted list so that munmap can give them back.
 *
 * Guest RAM is identity-mapped, so an area needs no page tables: what
 * makes it cost nothing until touched is the host, which backs RAM
 * lazily. Freeing (munmap, a shrinking brk, MADV_DONTNEED) hands the
 * pages back to the host with madvise(MADV_DONTNEED), which also
 * leaves them zero for whoever maps them next, as Linux's are.
 *
 * There are no per-page rights: PROT_NONE and mprotect are accepted
 * and change nothing (a program that relies on a guard page faulting
 * does not get the fault).
 *
 * A file mapping is a copy of the file's bytes. A shared, writable one
 * is written back to the file (within the file's size, as Linux writes
 * only pages the file has) at msync, munmap, exec and exit: a program
 * that writes through the mapping and then reads the file with read()
 * before either sees the old bytes. Shared anonymous memory is not
 * shared with a forked child.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kvmlab/kernel.h>

#include "core/log.h"
#include "lab2/sys.h"
#include "lab2/uaccess.h"

/* mremap's flags (linux/mman.h, which glibc's headers clash with). */
#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE		1
#endif
#ifndef MREMAP_FIXED
#define MREMAP_FIXED		2
#endif
#define MMAP_PROT_ALL		(PROT_READ | PROT_WRITE | PROT_EXEC)
/* The flags this VMM honours; the others are refused with EINVAL. */
#define MMAP_FLAGS_KNOWN	(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | \
				 MAP_ANONYMOUS | MAP_NORESERVE | \
				 MAP_POPULATE | MAP_GROWSDOWN | \
				 MAP_STACK | MAP_DENYWRITE | MAP_EXECUTABLE | \
				 MAP_FIXED_NOREPLACE | MAP_LOCKED | \
				 MAP_NONBLOCK | MAP_HUGETLB)

/* Give [start, end) of RAM back to the host: zero when next touched. */
static void release(struct process *p, uint64_t start, uint64_t end)
{
	uint8_t *host = lab2_user_buf(p, start, end - start);

	if (host && end > start)
		madvise(host, end - start, MADV_DONTNEED);
}

/* Write [start, end) of shared file mapping @v back to its file. */
static long write_back(struct process *p, const struct lab2_vma *v,
		       uint64_t start, uint64_t end)
{
	uint64_t off = v->off + (start - v->start);
	const uint8_t *src;
	struct stat st;

	if (v->fd < 0)
		return 0;
	if (fstat(v->fd, &st) < 0)
		return -errno;
	if (off >= (uint64_t)st.st_size)
		return 0;
	if (end - start > (uint64_t)st.st_size - off)
		end = start + (st.st_size - off);
	src = lab2_user_buf(p, start, end - start);
	if (!src)
		return -EFAULT;
	return pwrite(v->fd, src, end - start, off) < 0 ? -errno : 0;
}

static void vma_drop_file(struct lab2_vma *v)
{
	if (v->fd >= 0)
		close(v->fd);
	v->fd = -1;
}

/*
 * Take [start, end) out of the list, splitting what straddles it; a
 * shared file mapping's part is written back first.
 */
static int vma_remove(struct process *p, uint64_t start, uint64_t end)
{
	unsigned int i = 0;

	while (i < p->nr_vmas) {
		struct lab2_vma *v = &p->vmas[i];

		if (v->end <= start || v->start >= end) {
			i++;
			continue;
		}
		write_back(p, v, start > v->start ? start : v->start,
			   end < v->end ? end : v->end);
		if (v->start < start && v->end > end) {
			/* A hole in the middle: one area becomes two. */
			int fd = v->fd < 0 ? -1 :
				 fcntl(v->fd, F_DUPFD_CLOEXEC, 0);

			if (p->nr_vmas == PROC_MAX_VMAS ||
			    (v->fd >= 0 && fd < 0)) {
				if (fd >= 0)
					close(fd);
				return -ENOMEM;
			}
			memmove(v + 1, v, (p->nr_vmas - i) * sizeof(*v));
			p->nr_vmas++;
			v->end = start;
			v[1].start = end;
			v[1].off = v->off + (end - v->start);
			v[1].fd = fd;
			return 0;
		}
		if (v->start < start) {
			v->end = start;
			i++;
		} else if (v->end > end) {
			v->off += end - v->start;
			v->start = end;
			i++;
		} else {
			vma_drop_file(v);
			memmove(v, v + 1, (p->nr_vmas - i - 1) * sizeof(*v));
			p->nr_vmas--;
		}
	}
	return 0;
}

void mm_release_all(struct process *p)
{
	unsigned int i;

	for (i = 0; i < p->nr_vmas; i++) {
		write_back(p, &p->vmas[i], p->vmas[i].start, p->vmas[i].end);
		vma_drop_file(&p->vmas[i]);
	}
	p->nr_vmas = 0;
}

int mm_clone(struct process *c, const struct process *p)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < p->nr_vmas; i++) {
		if (p->vmas[i].fd < 0)
			continue;
		c->vmas[i].fd = fcntl(p->vmas[i].fd, F_DUPFD_CLOEXEC, 0);
		if (c->vmas[i].fd < 0)
			ret = -1;
	}
	return ret;
}

static int vma_insert(struct process *p, uint64_t start, uint64_t end)
{
	unsigned int i;

	if (p->nr_vmas == PROC_MAX_VMAS)
		return -ENOMEM;
	for (i = 0; i < p->nr_vmas && p->vmas[i].start < start; i++)
		;
	memmove(&p->vmas[i + 1], &p->vmas[i],
		(p->nr_vmas - i) * sizeof(p->vmas[0]));
	p->vmas[i].start = start;
	p->vmas[i].end = end;
	p->vmas[i].fd = -1;
	p->vmas[i].off = 0;
	p->nr_vmas++;
	return 0;
}

/* The area that begins at @start, or NULL. */
static struct lab2_vma *vma_at(struct process *p, uint64_t start)
{
	unsigned int i;

	for (i = 0; i < p->nr_vmas; i++)
		if (p->vmas[i].start == start)
			return &p->vmas[i];
	return NULL;
}

/* The lowest address an area may take: above the heap as it is now. */
static uint64_t mmap_floor(const struct process *p)
{
	return ALIGN(p->brk, PROC_PAGE_SIZE);
}

/* Is [start, end) clear of every area, the heap and the vDSO? */
static bool range_free(const struct process *p, uint64_t start, uint64_t end)
{
	unsigned int i;

	if (start < mmap_floor(p) || end > p->mmap_top || start >= end)
		return false;
	for (i = 0; i < p->nr_vmas; i++)
		if (p->vmas[i].start < end && p->vmas[i].end > start)
			return false;
	return true;
}

/* The highest free gap of @len bytes below the vDSO, or 0. */
static uint64_t find_gap(const struct process *p, uint64_t len)
{
	uint64_t top = p->mmap_top;
	int i;

	for (i = (int)p->nr_vmas - 1; i >= -1; i--) {
		uint64_t bottom = i >= 0 ? p->vmas[i].end : mmap_floor(p);

		if (bottom < mmap_floor(p))
			bottom = mmap_floor(p);
		if (top >= bottom && top - bottom >= len)
			return top - len;
		if (i >= 0)
			top = p->vmas[i].start;
	}
	return 0;
}

/* Fill a file mapping: a private copy of the file's bytes. */
static long fill_from_file(struct process *p, uint64_t addr, uint64_t len,
			   int fd, uint64_t off)
{
	uint8_t *dst = lab2_user_buf(p, addr, len);
	uint64_t done = 0;

	while (dst && done < len) {
		ssize_t n = pread(fd, dst + done, len - done, off + done);

		if (n < 0)
			return -errno;
		if (n == 0)
			break;	/* past the end of the file: zeros */
		done += n;
	}
	return dst ? 0 : -ENOMEM;
}

SYS_DECL(mmap)
{
	uint64_t addr = a[0], len = a[1], prot = a[2], flags = a[3];
	uint64_t off = a[5], start;
	int fd = -1;
	long ret;

	if (!len || (flags & ~MMAP_FLAGS_KNOWN) || (prot & ~MMAP_PROT_ALL) ||
	    (off % PROC_PAGE_SIZE))
		return -EINVAL;
	if (!(flags & (MAP_SHARED | MAP_PRIVATE)))
		return -EINVAL;
	if (len > p->mem->size)
		return -ENOMEM;
	len = ALIGN(len, PROC_PAGE_SIZE);
	if (!(flags & MAP_ANONYMOUS)) {
		struct stat st;
		int mode;

		fd = fd_host(p, a[4]);
		if (fd < 0)
			return -EBADF;
		/* Only regular files have pages to map (not pipes, ttys). */
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
			return -ENODEV;
		mode = fcntl(fd, F_GETFL) & O_ACCMODE;
		if (mode == O_WRONLY)
			return -EACCES;
		if ((flags & MAP_SHARED) && (prot & PROT_WRITE) &&
		    mode != O_RDWR)
			return -EACCES;
	}
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr % PROC_PAGE_SIZE)
			return -EINVAL;
		start = addr;
		if (start < mmap_floor(p) || start > p->mmap_top ||
		    len > p->mmap_top - start)
			return -ENOMEM;
		if ((flags & MAP_FIXED_NOREPLACE) &&
		    !range_free(p, start, start + len))
			return -EEXIST;
		ret = vma_remove(p, start, start + len);
		if (ret)
			return ret;
		release(p, start, start + len);
	} else {
		/* A hint that is free is taken, as Linux takes it. */
		start = addr && !(addr % PROC_PAGE_SIZE) &&
			addr <= UINT64_MAX - len &&
			range_free(p, addr, addr + len) ? addr :
			find_gap(p, len);
		if (!start)
			return -ENOMEM;
	}
	ret = vma_insert(p, start, start + len);
	if (ret)
		return ret;
	if (fd >= 0) {
		ret = fill_from_file(p, start, len, fd, off);
		if (ret) {
			vma_remove(p, start, start + len);
			release(p, start, start + len);
			return ret;
		}
	}
	/* Shared and writable: the file, to write back to later. */
	if (fd >= 0 && (flags & MAP_SHARED) && (prot & PROT_WRITE)) {
		struct lab2_vma *v = vma_at(p, start);

		v->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		v->off = off;
		if (v->fd < 0) {
			vma_remove(p, start, start + len);
			release(p, start, start + len);
			return -ENOMEM;
		}
	}
	return start;
}

SYS_DECL(munmap)
{
	uint64_t start = a[0], len = ALIGN(a[1], PROC_PAGE_SIZE);
	long ret;

	if ((start % PROC_PAGE_SIZE) || !a[1] || start > UINT64_MAX - len)
		return -EINVAL;
	/* Nothing there is not an error: Linux unmaps what there is. */
	if (start >= p->mmap_top || start + len <= mmap_floor(p))
		return 0;
	if (start < mmap_floor(p))
		start = mmap_floor(p);
	if (start + len > p->mmap_top)
		len = p->mmap_top - start;
	ret = vma_remove(p, start, start + len);
	if (!ret)
		release(p, start, start + len);
	return ret;
}

/* The area [start, end) exactly, or NULL: what mremap may resize. */
static struct lab2_vma *vma_containing(struct process *p, uint64_t start,
				       uint64_t end)
{
	unsigned int i;

	for (i = 0; i < p->nr_vmas; i++)
		if (p->vmas[i].start <= start && p->vmas[i].end >= end)
			return &p->vmas[i];
	return NULL;
}

SYS_DECL(mremap)
{
	uint64_t old = a[0], old_len = ALIGN(a[1], PROC_PAGE_SIZE);
	uint64_t new_len = ALIGN(a[2], PROC_PAGE_SIZE), flags = a[3], to;
	struct lab2_vma *v;
	void *src, *dst;

	if ((old % PROC_PAGE_SIZE) || !new_len || (flags & MREMAP_FIXED) ||
	    (flags & ~MREMAP_MAYMOVE) || old > UINT64_MAX - old_len ||
	    new_len > p->mem->size)
		return -EINVAL;
	v = vma_containing(p, old, old + old_len);
	if (!v)
		return -EFAULT;
	if (new_len <= old_len) {
		vma_remove(p, old + new_len, old + old_len);
		release(p, old + new_len, old + old_len);
		return old;
	}
	/* Grow in place if the pages after it are free. */
	if (v->end == old + old_len &&
	    (v + 1 == p->vmas + p->nr_vmas || v[1].start >= old + new_len) &&
	    old + new_len <= p->mmap_top) {
		v->end = old + new_len;
		return old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	to = find_gap(p, new_len);
	src = lab2_user_buf(p, old, old_len);
	dst = lab2_user_buf(p, to, new_len);
	if (!to || !src || !dst || vma_insert(p, to, to + new_len))
		return -ENOMEM;
	memcpy(dst, src, old_len);
	vma_remove(p, old, old + old_len);
	release(p, old, old + old_len);
	return to;
}

/* No per-page rights (see above): a valid range is all it checks. */
SYS_DECL(mprotect)
{
	if ((a[0] % PROC_PAGE_SIZE) || a[0] > UINT64_MAX - a[1] ||
	    (a[2] & ~(MMAP_PROT_ALL | PROT_GROWSDOWN | PROT_GROWSUP)))
		return -EINVAL;
	return 0;
}

/* msync: the shared file mappings in the range reach their files. */
SYS_DECL(msync)
{
	uint64_t start = a[0], end;
	unsigned int i;
	long ret = 0;

	if ((start % PROC_PAGE_SIZE) || start > UINT64_MAX - a[1] ||
	    (a[2] & ~(uint64_t)(MS_ASYNC | MS_SYNC | MS_INVALIDATE)))
		return -EINVAL;
	end = start + a[1];
	for (i = 0; i < p->nr_vmas && !ret; i++) {
		const struct lab2_vma *v = &p->vmas[i];

		if (v->end > start && v->start < end)
			ret = write_back(p, v, start > v->start ? start : v->start,
					 end < v->end ? end : v->end);
	}
	return ret;
}

/* MADV_DONTNEED zeroes, as on Linux; other advice is taken and ignored. */
SYS_DECL(madvise)
{
	uint64_t start = a[0], len = ALIGN(a[1], PROC_PAGE_SIZE);

	if ((start % PROC_PAGE_SIZE) || start > UINT64_MAX - len)
		return -EINVAL;
	if (a[2] == MADV_DONTNEED && start >= mmap_floor(p) &&
	    start + len <= p->mmap_top)
		release(p, start, start + len);
	return 0;
}

/* brk moves the end of the heap, up to the lowest mapped area. */
SYS_DECL(brk)
{
	uint64_t want = a[0], old = ALIGN(p->brk, PROC_PAGE_SIZE);
	uint64_t limit = p->nr_vmas ? p->vmas[0].start : p->mmap_top;

	if (want < p->brk_start || want > limit)
		return p->brk;
	/* Whole pages past the new end go back; new ones come zeroed. */
	if (ALIGN(want, PROC_PAGE_SIZE) < old)
		release(p, ALIGN(want, PROC_PAGE_SIZE), old);
	p->brk = want;
	return p->brk;
}
