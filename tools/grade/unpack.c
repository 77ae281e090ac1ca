// SPDX-License-Identifier: GPL-2.0
/*
 * unpack: check a student's archive, then extract it (make grade).
 *
 *	unpack [--max-bytes N] [--max-files N] ARCHIVE DEST
 *
 * Every entry is checked before anything is written: no absolute path,
 * no ".." component, no control character in a name, no hard link to
 * such a path, no symbolic link whose target leaves DEST, no device,
 * FIFO or socket, at most N entries and N bytes of content once
 * decompressed. The bytes are counted as they are decompressed, not
 * taken from the headers, which a zip bomb may fill as it likes.
 * Only then is the archive read again and extracted under DEST, with
 * libarchive's own guards on as well; owners and modes are not
 * restored (the umask applies, no set-id bit survives).
 *
 * Exit status: 0 extracted; 1 refused, with one line on stdout that
 * says why ("refused: NAME: reason"); 2 a usage or system error.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_MAX_BYTES	(64LL << 20)
#define DEFAULT_MAX_FILES	5000LL
#define BLOCK_SIZE		65536

static long long max_bytes = DEFAULT_MAX_BYTES;
static long long max_files = DEFAULT_MAX_FILES;

static void usage(void)
{
	fprintf(stderr,
		"usage: unpack [--max-bytes N] [--max-files N] ARCHIVE DEST\n");
	exit(2);
}

static void refuse(const char *name, const char *why)
{
	printf("refused: %s%s%s\n", name ? name : "", name ? ": " : "", why);
	exit(1);
}

static struct archive *open_archive(const char *path)
{
	struct archive *a = archive_read_new();

	if (!a) {
		fprintf(stderr, "unpack: out of memory\n");
		exit(2);
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	if (archive_read_open_filename(a, path, BLOCK_SIZE) != ARCHIVE_OK)
		refuse(NULL, "not an archive libarchive can read (tar, tar.gz, zip)");
	return a;
}

/* Does @s hold a byte below 0x20 or DEL? Names must print on one line. */
static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/*
 * How deep below the root a relative path ends, its "." and empty
 * components skipped; -1 if it is absolute, or if a ".." takes it
 * above the root at any point. @base is where it starts.
 */
static int depth_of(const char *path, int base)
{
	const char *p = path;
	int depth = base;

	if (*p == '/')
		return -1;
	while (*p) {
		size_t len = strcspn(p, "/");

		if (len == 2 && !strncmp(p, "..", 2)) {
			if (--depth < 0)
				return -1;
		} else if (len && !(len == 1 && *p == '.')) {
			depth++;
		}
		p += len;
		while (*p == '/')
			p++;
	}
	return depth;
}

/* The number of directories above the entry @path: "a/b/c" has two. */
static int parents_of(const char *path)
{
	int depth = depth_of(path, 0);
	size_t len = strlen(path);

	while (len && path[len - 1] == '/')
		len--;
	return depth > 0 && len ? depth - 1 : 0;
}

static bool has_dotdot(const char *path)
{
	const char *p = path;

	while (*p) {
		size_t len = strcspn(p, "/");

		if (len == 2 && !strncmp(p, "..", 2))
			return true;
		p += len;
		while (*p == '/')
			p++;
	}
	return false;
}

static void check_name(const char *name)
{
	if (!*name)
		refuse("(empty name)", "an entry without a name");
	if (has_control(name))
		refuse("(unprintable name)", "a name with a control character");
	if (*name == '/')
		refuse(name, "an absolute path");
	if (has_dotdot(name))
		refuse(name, "a path with a \"..\" component");
}

static void check_entry(struct archive_entry *e, const char *name)
{
	const char *link = archive_entry_hardlink(e);
	mode_t type = archive_entry_filetype(e);

	check_name(name);
	if (link) {
		if (!*link || *link == '/' || has_dotdot(link) ||
		    has_control(link))
			refuse(name, "a hard link to a path outside the archive");
		return;
	}
	switch (type) {
	case AE_IFREG:
	case AE_IFDIR:
		return;
	case AE_IFLNK:
		link = archive_entry_symlink(e);
		if (!link || !*link || has_control(link) ||
		    depth_of(link, parents_of(name)) < 0)
			refuse(name, "a symbolic link that points outside the submission");
		return;
	case AE_IFCHR:
	case AE_IFBLK:
		refuse(name, "a device node");
		return;
	case AE_IFIFO:
		refuse(name, "a FIFO");
		return;
	default:
		refuse(name, "not a file, directory or link");
	}
}

/*
 * Read the rest of the entry's data, counting it against the limit: by
 * the file's size as it will be on disk (where its last block ends, or
 * its declared size if larger), so that a sparse file's holes count.
 */
static void count_data(struct archive *a, struct archive_entry *e,
		       const char *name, long long *bytes)
{
	const long long before = *bytes;
	long long size = archive_entry_size_is_set(e) ?
			 (long long)archive_entry_size(e) : 0;
	const void *buf;
	size_t len;
	int64_t off;
	int r;

	if (size > max_bytes - before)
		refuse(name, "more content than the size limit (a zip bomb?)");
	while ((r = archive_read_data_block(a, &buf, &len, &off)) ==
	       ARCHIVE_OK) {
		if (off >= 0 && off + (long long)len > size)
			size = off + (long long)len;
		if (size > max_bytes - before)
			refuse(name, "more content than the size limit (a zip bomb?)");
	}
	*bytes = before + size;
	if (r != ARCHIVE_EOF)
		refuse(name, archive_error_string(a) ?: "unreadable data");
}

/* Pass 1: every header and every byte checked, nothing written. */
static void check_archive(const char *path)
{
	struct archive *a = open_archive(path);
	struct archive_entry *e;
	long long files = 0, bytes = 0;
	int r;

	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e);

		if (!name)
			refuse("(no name)", "an entry whose name cannot be read");
		if (++files > max_files)
			refuse(name, "more entries than the file count limit");
		check_entry(e, name);
		if (archive_entry_filetype(e) == AE_IFREG)
			count_data(a, e, name, &bytes);
	}
	if (r != ARCHIVE_EOF)
		refuse(NULL, archive_error_string(a) ?: "a damaged archive");
	archive_read_free(a);
}

/* Pass 2: extract under the current directory, guards on again. */
static void extract_archive(const char *path)
{
	const int flags = ARCHIVE_EXTRACT_SECURE_SYMLINKS |
			  ARCHIVE_EXTRACT_SECURE_NODOTDOT |
			  ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS |
			  ARCHIVE_EXTRACT_NO_OVERWRITE;
	struct archive *a = open_archive(path);
	struct archive *disk = archive_write_disk_new();
	struct archive_entry *e;
	long long bytes = 0;
	int r;

	if (!disk || archive_write_disk_set_options(disk, flags) != ARCHIVE_OK) {
		fprintf(stderr, "unpack: cannot set up extraction\n");
		exit(2);
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e);
		const void *buf;
		size_t len;
		int64_t off;

		check_entry(e, name ? name : "");
		/* Plain modes: no set-id bit, nothing others may write. */
		archive_entry_set_perm(e, archive_entry_filetype(e) == AE_IFDIR ?
				       0755 : (archive_entry_perm(e) & 0100 ?
					       0755 : 0644));
		if (archive_write_header(disk, e) != ARCHIVE_OK)
			refuse(name, archive_error_string(disk) ?: "cannot extract");
		while ((r = archive_read_data_block(a, &buf, &len, &off)) ==
		       ARCHIVE_OK) {
			bytes += (long long)len;
			if (bytes > max_bytes)
				refuse(name, "more content than the size limit");
			if (archive_write_data_block(disk, buf, len, off) !=
			    ARCHIVE_OK)
				refuse(name, archive_error_string(disk) ?:
				       "cannot write");
		}
		if (r != ARCHIVE_EOF)
			refuse(name, archive_error_string(a) ?: "unreadable data");
		if (archive_write_finish_entry(disk) != ARCHIVE_OK)
			refuse(name, archive_error_string(disk) ?: "cannot extract");
	}
	if (r != ARCHIVE_EOF)
		refuse(NULL, archive_error_string(a) ?: "a damaged archive");
	archive_read_free(a);
	archive_write_free(disk);
}

static long long number(const char *s)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 0);
	if (errno || end == s || *end || n <= 0)
		usage();
	return n;
}

int main(int argc, char **argv)
{
	const char *archive, *dest;
	int i;

	for (i = 1; i < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (i + 1 == argc)
			usage();
		else if (!strcmp(argv[i], "--max-bytes"))
			max_bytes = number(argv[i + 1]);
		else if (!strcmp(argv[i], "--max-files"))
			max_files = number(argv[i + 1]);
		else
			usage();
	}
	if (i + 2 != argc)
		usage();
	archive = argv[i];
	dest = argv[i + 1];
	/* Read again after the chdir: an absolute name. */
	if (archive[0] != '/') {
		fprintf(stderr, "unpack: name ARCHIVE by an absolute path\n");
		return 2;
	}
	if (access(archive, R_OK)) {
		fprintf(stderr, "unpack: %s: %s\n", archive, strerror(errno));
		return 2;
	}
	check_archive(archive);
	if (mkdir(dest, 0755) && errno != EEXIST) {
		fprintf(stderr, "unpack: %s: %s\n", dest, strerror(errno));
		return 2;
	}
	if (chdir(dest)) {
		fprintf(stderr, "unpack: %s: %s\n", dest, strerror(errno));
		return 2;
	}
	extract_archive(archive);
	return 0;
}
