// SPDX-License-Identifier: GPL-2.0
/*
 * Flat images: the bytes go to RAM as they are, at the load address.
 * A file is read straight into guest RAM once its size is known to fit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"
#include "core/log.h"

static void report_no_fit(const struct guest_mem *mem, const char *name,
			  uint64_t size, uint64_t gpa)
{
	pr_err("%s (%llu bytes) does not fit in RAM (%llu bytes) at 0x%llx; use a larger --mem or a lower load address",
	       name, (unsigned long long)size,
	       (unsigned long long)mem->size, (unsigned long long)gpa);
}

int loader_load_image(struct guest_mem *mem, uint64_t gpa, const void *image,
		      size_t size, const char *name)
{
	void *dst = guest_ptr(mem, gpa, size);

	if (!dst) {
		report_no_fit(mem, name, size, gpa);
		return -1;
	}
	memcpy(dst, image, size);
	return 0;
}

/* 0, or a negative errno: -EIO if the file ended early. */
static int read_all(int fd, uint8_t *dst, uint64_t size)
{
	while (size) {
		ssize_t n = read(fd, dst, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		dst += n;
		size -= n;
	}
	return 0;
}

/* Open @path as a regular file, its size in @st; -1 after saying why. */
static int open_regular(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		pr_err("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, st) < 0) {
		pr_err("cannot stat %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		pr_err("%s is not a regular file", path);
		close(fd);
		return -1;
	}
	return fd;
}

int loader_read_file(const char *path, uint64_t max, uint8_t **buf,
		     size_t *size)
{
	struct stat st;
	int fd = open_regular(path, &st), err;

	if (fd < 0)
		return -1;
	*buf = NULL;
	if (st.st_size == 0 || (uint64_t)st.st_size > max) {
		pr_err("%s is %s", path, st.st_size ? "larger than RAM" :
		       "empty");
		close(fd);
		return -1;
	}
	*buf = malloc(st.st_size);
	err = *buf ? read_all(fd, *buf, st.st_size) : -ENOMEM;
	close(fd);
	if (err) {
		pr_err("cannot read %s: %s", path, strerror(-err));
		free(*buf);
		*buf = NULL;
		return -1;
	}
	*size = st.st_size;
	return 0;
}

int loader_load_file(struct guest_mem *mem, uint64_t gpa, const char *path,
		     uint64_t *size)
{
	struct stat st;
	uint8_t *dst;
	int fd, err, ret = -1;

	fd = open_regular(path, &st);
	if (fd < 0)
		return -1;
	if (st.st_size == 0) {
		pr_err("%s is empty: there is no guest code in it", path);
		goto out;
	}
	dst = guest_ptr(mem, gpa, st.st_size);
	if (!dst) {
		report_no_fit(mem, path, st.st_size, gpa);
		goto out;
	}
	err = read_all(fd, dst, st.st_size);
	if (err) {
		pr_err("cannot read %s: %s", path, strerror(-err));
		goto out;
	}
	*size = st.st_size;
	ret = 0;
out:
	close(fd);
	return ret;
}
