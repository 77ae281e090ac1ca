// SPDX-License-Identifier: GPL-2.0
/*
 * execve: a new program in the same process. The file is found inside
 * the sandbox (or is the program itself, for /proc/self/exe, as
 * busybox re-runs itself), read whole, and checked by the ELF loader
 * before anything is lost: until then, a failure is the caller's errno.
 * Past that point the old program's memory goes back to the host, the
 * new one is loaded into the same VM (the stub and its tables, below
 * PROC_USER_BASE, stay), and it starts at its entry with a fresh
 * stack, the descriptors that are not close-on-exec, and the signal
 * dispositions reset as Linux resets them.
 *
 * A script ("#!interpreter [arg]") runs its interpreter, found the
 * same way, with the script's path as its argument.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kvmlab/kernel.h>

#include "core/log.h"
#include "lab2/elf_loader.h"
#include "lab2/sys.h"
#include "lab2/task.h"
#include "lab2/uaccess.h"

#define EXEC_SELF		"/proc/self/exe"
/* Linux's limits: strings of argv and envp together, and their count. */
#define EXEC_STRINGS_MAX	(2 * 1024 * 1024)
#define EXEC_VECTOR_MAX		(64 * 1024)
/* One argument or variable at most, as Linux's MAX_ARG_STRLEN. */
#define EXEC_STRING_MAX		(32 * 4096)
/* Any of the execute bits: whoever may run it, execve tries. */
#define EXEC_MODE_BITS		0111
#define SHEBANG			"#!"
#define SHEBANG_LINE_MAX	256
#define SHEBANG_DEPTH		4	/* interpreters of interpreters */
/* The FPU as a new program finds it (the x86 reset values). */
#define FPU_FCW_INIT		0x37f
#define FPU_MXCSR_INIT		0x1f80

/* argv or envp, copied out of the guest into one host buffer. */
struct exec_vec {
	char **v;
	int n;
};

struct exec_args {
	char *strings;		/* EXEC_STRINGS_MAX bytes */
	size_t used;
	struct exec_vec argv, envp;
	char path[PATH_MAX];
};

static long add_string(struct exec_args *e, struct exec_vec *vec,
		       const char *s, bool front)
{
	size_t len = strlen(s) + 1;
	char **grown;

	if (len > EXEC_STRINGS_MAX - e->used || vec->n >= EXEC_VECTOR_MAX)
		return -E2BIG;
	grown = realloc(vec->v, (vec->n + 2) * sizeof(*vec->v));
	if (!grown)
		return -ENOMEM;
	vec->v = grown;
	memcpy(e->strings + e->used, s, len);
	if (front) {
		memmove(vec->v + 1, vec->v, vec->n * sizeof(*vec->v));
		vec->v[0] = e->strings + e->used;
	} else {
		vec->v[vec->n] = e->strings + e->used;
	}
	vec->n++;
	vec->v[vec->n] = NULL;
	e->used += len;
	return 0;
}

/* A NULL-ended vector of guest string pointers; NULL itself is empty. */
static long copy_vector(struct process *p, struct exec_args *e,
			struct exec_vec *vec, uint64_t uvec)
{
	char *s = malloc(EXEC_STRING_MAX);
	long err = 0;
	uint64_t i;

	if (!s)
		return -ENOMEM;
	for (i = 0; uvec && !err; i++) {
		uint64_t ptr;

		err = lab2_copy_from_user(p, &ptr, uvec + i * sizeof(ptr),
					  sizeof(ptr));
		if (err || !ptr)
			break;
		err = lab2_user_string(p, ptr, s, EXEC_STRING_MAX);
		if (!err)
			err = add_string(e, vec, s, false);
	}
	free(s);
	return err == -ENAMETOOLONG ? -E2BIG : err;
}

/* The whole file behind @fd, at most @max bytes: 0 or -errno. */
static long read_all(int fd, uint64_t max, uint8_t **buf, size_t *size)
{
	struct stat st;
	size_t done = 0;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	if (!(st.st_mode & EXEC_MODE_BITS))
		return -EACCES;
	if ((uint64_t)st.st_size > max)
		return -ENOMEM;
	*buf = malloc(st.st_size ? st.st_size : 1);
	if (!*buf)
		return -ENOMEM;
	while (done < (size_t)st.st_size) {
		ssize_t n = pread(fd, *buf + done, st.st_size - done, done);

		if (n <= 0) {
			free(*buf);
			return n < 0 ? -errno : -EIO;
		}
		done += n;
	}
	*size = done;
	return 0;
}

/* The file @path names, for the process to run: a host fd or -errno. */
static int open_program(struct process *p, const char *path)
{
	if (!strcmp(path, EXEC_SELF))
		return p->exe_fd >= 0 ?
		       host_result(fcntl(p->exe_fd, F_DUPFD_CLOEXEC, 0)) :
		       -ENOENT;
	return fs_open(p, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
}

/*
 * "#!interp arg": argv becomes interp [arg] path argv[1...], and the
 * interpreter is what runs. 0 if it was a script, 1 if not, or -errno.
 */
static long shebang(struct exec_args *e, const uint8_t *file, size_t size)
{
	char line[SHEBANG_LINE_MAX], *interp, *arg, *end;
	size_t len = size < sizeof(line) - 1 ? size : sizeof(line) - 1;
	long err;

	if (size < strlen(SHEBANG) || memcmp(file, SHEBANG, strlen(SHEBANG)))
		return 1;
	memcpy(line, file, len);
	line[len] = '\0';
	end = strchr(line, '\n');
	if (!end)
		return -ENOEXEC;
	*end = '\0';
	interp = line + strlen(SHEBANG);
	interp += strspn(interp, " \t");
	end = interp + strcspn(interp, " \t");
	arg = *end ? end + 1 + strspn(end + 1, " \t") : end;
	*end = '\0';
	/* Trailing blanks end the argument, as Linux's parser has it. */
	for (end = arg + strlen(arg); end > arg && (end[-1] == ' ' ||
						    end[-1] == '\t'); end--)
		end[-1] = '\0';
	if (!*interp)
		return -ENOEXEC;
	/* argv[0] gives way to the script's path. */
	if (e->argv.n) {
		memmove(e->argv.v, e->argv.v + 1, e->argv.n * sizeof(char *));
		e->argv.n--;
	}
	err = add_string(e, &e->argv, e->path, true);
	if (!err && *arg)
		err = add_string(e, &e->argv, arg, true);
	if (!err)
		err = add_string(e, &e->argv, interp, true);
	if (!err && strlen(interp) < sizeof(e->path))
		strcpy(e->path, interp);
	return err;
}

/* The program to run, read and checked: @fd stays open for exe. */
static long find_program(struct process *p, struct exec_args *e,
			 uint8_t **file, size_t *size, int *fd)
{
	unsigned int depth;

	for (depth = 0; depth <= SHEBANG_DEPTH; depth++) {
		long err;

		*fd = open_program(p, e->path);
		if (*fd < 0)
			return *fd;
		err = read_all(*fd, p->mem->size, file, size);
		if (err) {
			close(*fd);
			return err;
		}
		err = shebang(e, *file, *size);
		if (err == 1)
			return 0;
		free(*file);
		close(*fd);
		if (err)
			return err;
	}
	return -ELOOP;
}

/* What exec resets: handlers, the alternate stack, the memory map. */
static void reset_process(struct process *p, const char *path, int fd)
{
	unsigned int i;

	for (i = 0; i < PROC_MAX_FDS; i++) {
		if (p->fds[i].host < 0 || !p->fds[i].cloexec)
			continue;
		if (p->fds[i].host > STDERR_FILENO)
			close(p->fds[i].host);
		p->fds[i].host = -1;
	}
	for (i = 0; i < PROC_NR_SIGNALS; i++) {
		struct lab2_sigaction *act = &p->sigactions[i];

		if (act->handler != (uintptr_t)SIG_IGN)
			memset(act, 0, sizeof(*act));
	}
	p->altstack.sp = 0;
	p->altstack.size = 0;
	p->fs_base = 0;
	p->gs_base = 0;
	if (p->exe_fd >= 0)
		close(p->exe_fd);
	p->exe_fd = fd;
	snprintf(p->exe_name, sizeof(p->exe_name), "%s", path);
	p->exe = p->exe_name;
}

/* The point of no return: the new program replaces the old one. */
static long replace_program(struct process *p, struct exec_args *e,
			    const uint8_t *file, size_t size, int fd)
{
	struct kvm_fpu fpu = { .fcw = FPU_FCW_INIT, .mxcsr = FPU_MXCSR_INIT };
	struct elf_image img;
	char why[ELF_ERR_MAX];

	/* The check: nothing is written if the file is refused. */
	if (elf_load(p->mem, file, size, PROC_USER_BASE, &img, why)) {
		if (p->trace)
			fprintf(p->trace, "EXECVE %s: %s\n", e->path, why);
		return -ENOEXEC;
	}
	mm_release_all(p);
	madvise(p->mem->host + PROC_USER_BASE, p->mem->size - PROC_USER_BASE,
		MADV_DONTNEED);
	elf_load(p->mem, file, size, PROC_USER_BASE, &img, why);
	reset_process(p, e->path, fd);
	ioctl(p->vcpu->fd, KVM_SET_FPU, &fpu);
	if (process_exec(p, &img, e->argv.n, e->argv.v, e->envp.n,
			 e->envp.v)) {
		pr_err("lab2: execve %s: the arguments do not fit on the stack",
		       e->path);
		process_end(p, 0, SIGKILL);
	}
	task_exec_done(p);
	return 0;
}

static long do_execveat(struct process *p, uint64_t upath, uint64_t uargv,
			uint64_t uenvp)
{
	struct exec_args e = {};
	uint8_t *file = NULL;
	size_t size = 0;
	long err;
	int fd;

	err = lab2_user_string(p, upath, e.path, sizeof(e.path));
	if (err)
		return err;
	if (!e.path[0])
		return -ENOENT;
	e.strings = malloc(EXEC_STRINGS_MAX);
	if (!e.strings)
		return -ENOMEM;
	err = copy_vector(p, &e, &e.argv, uargv) ?:
	      copy_vector(p, &e, &e.envp, uenvp);
	if (!err)
		err = find_program(p, &e, &file, &size, &fd);
	if (!err) {
		err = replace_program(p, &e, file, size, fd);
		if (err)
			close(fd);
		free(file);
	}
	free(e.argv.v);
	free(e.envp.v);
	free(e.strings);
	return err;
}

SYS_DECL(execve)
{
	return do_execveat(p, a[0], a[1], a[2]);
}
