// SPDX-License-Identifier: GPL-2.0
/*
 * The process runner. Output is read through pipes with poll() until
 * both close; a VMM that outlives RUN_DEADLINE is killed, so a hang
 * fails one test and never the whole grading run.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include <kvmlab/kernel.h>

#include "core/log.h"
#include "diagnose.h"
#include "rubric.h"
#include "runner.h"

#define NOBODY_ID	65534
#define STALLED_PIPE_SIZE	4096
#define MS_PER_SEC	1000

const char *vmm_path(void)
{
	const char *p = getenv("KVMLAB_VMM");

	return p && *p ? p : "vmm/vmm";
}

const char *sandbox_path(void)
{
	const char *p = getenv("KVMLAB_SANDBOX");

	return p && *p ? p : NULL;
}

/* $KVMLAB_@var, or @sub of the objtree; created if missing. */
static const char *dir_of(const char *var, const char *sub, char *buf,
			  size_t len)
{
	const char *dir = getenv(var);
	const char *obj = getenv("KVMLAB_OBJTREE");

	if (dir && *dir)
		snprintf(buf, len, "%s", dir);
	else
		snprintf(buf, len, "%s/%s", obj && *obj ? obj : ".", sub);
	mkdir(buf, 0755);
	return buf;
}

const char *results_dir(void)
{
	static char path[4096];

	return dir_of("KVMLAB_RESULTS", "checker/results", path, sizeof(path));
}

const char *log_path(const char *name)
{
	static char path[4096];
	size_t n;

	dir_of("KVMLAB_LOGS", "checker/logs", path, sizeof(path));
	n = strlen(path);
	snprintf(path + n, sizeof(path) - n, "/%s.log", name);
	return path;
}

/*
 * The VMM may run as another user (KVMLAB_SANDBOX): what it reads or
 * writes in /tmp is open to all (the grader's umask is 0 then, see
 * checker.c). None of it is secret.
 */
/* TMPDIR/@name-XXXXXX in @path, TMP_PATH_MAX bytes. */
static char *tmp_template(char *path, const char *name)
{
	const char *dir = getenv("TMPDIR");

	snprintf(path, TMP_PATH_MAX, "%s/%s-XXXXXX", dir && *dir ? dir : "/tmp",
		 name);
	return path;
}

int shared_tmp_file(char *path, const char *name)
{
	int fd = mkstemp(tmp_template(path, name));

	if (fd >= 0 && fchmod(fd, SHARED_FILE_MODE)) {
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

char *shared_tmp_dir(char *path, const char *name)
{
	if (!mkdtemp(tmp_template(path, name)) ||
	    chmod(path, SHARED_DIR_MODE))
		return NULL;
	return path;
}

const char *guest_path(const char *name)
{
	static char path[4096];
	const char *obj = getenv("KVMLAB_OBJTREE");

	snprintf(path, sizeof(path), "%s/checker/guests/%s.bin",
		 obj && *obj ? obj : ".", name);
	return path;
}

const char *program_path(const char *name)
{
	static char path[4096];
	const char *obj = getenv("KVMLAB_OBJTREE");

	snprintf(path, sizeof(path), "%s/checker/programs/%s",
		 obj && *obj ? obj : ".", name);
	return path;
}

long long json_count(const char *json, const char *key)
{
	char pattern[64];
	const char *p;

	snprintf(pattern, sizeof(pattern), "\"%s\":", key);
	p = strstr(json, pattern);
	return p ? strtoll(p + strlen(pattern), NULL, 10) : -1;
}

unsigned int count_of(const char *hay, const char *needle)
{
	unsigned int n = 0;
	size_t len = strlen(needle);

	while (len && (hay = strstr(hay, needle))) {
		n++;
		hay += len;
	}
	return n;
}

unsigned int line_count(const char *s)
{
	return count_of(s, "\n");
}

double time_scale(void)
{
	const char *s = getenv("KVMLAB_TIME_SCALE");
	double scale = s && *s ? strtod(s, NULL) : 1;

	return scale >= 1 ? scale : 1;
}

/* A test's "--timeout T" as T * time_scale(); anything else as is. */
static const char *scaled_timeout(const char *arg)
{
	static char buf[32];
	char *end;
	double t = strtod(arg, &end);

	if (time_scale() == 1 || end == arg || *end || !(t > 0))
		return arg;
	snprintf(buf, sizeof(buf), "%g", t * time_scale());
	return buf;
}

enum kvm_host kvm_host(void)
{
	static const struct {
		const char *module;
		enum kvm_host host;
	} hosts[] = {
		/* First: kvm-pvm may be loaded beside kvm-amd or kvm-intel. */
		{ "/sys/module/kvm_pvm", HOST_KVM_PVM },
		{ "/sys/module/kvm_intel", HOST_KVM_INTEL },
		{ "/sys/module/kvm_amd", HOST_KVM_AMD },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hosts); i++)
		if (!access(hosts[i].module, F_OK))
			return hosts[i].host;
	return HOST_KVM_OTHER;
}

/*
 * The grader's own count of exits to user space: each one is a return
 * from KVM_RUN, which strace sees whatever the VMM under test reports.
 */
static const char *const strace_argv[] = {
	"strace", "-f", "-qq", "-e", "trace=ioctl", "-e", "signal=none",
	"-o",
};

/* With the arguments of the set-up: ioctls, mappings, madvise. */
static const char *const strace_trace_argv[] = {
	"strace", "-f", "-qq", "-v", "-e", "trace=ioctl,mmap,madvise",
	"-e", "signal=none", "-o",
};

/*
 * In the results, where nothing the VMM runs can write: a VMM in the
 * sandbox shares /tmp with the grader, and must not edit its count.
 */
static char *trace_path(char *buf, size_t len, pid_t pid)
{
	snprintf(buf, len, "%s/.strace-%d", results_dir(), (int)pid);
	return buf;
}

/*
 * KVMLAB_COUNT_RUNS=ftrace: count the returns from KVM_RUN with the
 * kernel's kvm:kvm_userspace_exit tracepoint, which fires once for each
 * (interrupted ones too, as strace counts them). For a host where strace
 * is too slow: under TCG (make check-svm) each ptrace stop costs some
 * 16 ms. Still the grader's own count, whatever the VMM reports; tests
 * run one at a time, so the events are the VMM's.
 */
#define TRACEFS		"/sys/kernel/tracing"
#define RUN_EVENT	"kvm_userspace_exit:"

static bool count_with_ftrace(void)
{
	const char *how = getenv("KVMLAB_COUNT_RUNS");

	return how && !strcmp(how, "ftrace");
}

/* Runs counted by the tracepoint: a count, and no other trace, asked. */
static bool ftrace_counts(const struct run_opts *o)
{
	return o && o->count_runs && !o->trace && count_with_ftrace();
}

/* Whether strace runs the VMM: to count its runs or to trace it. */
static bool uses_strace(const struct run_opts *o)
{
	return o && (o->trace || (o->count_runs && !ftrace_counts(o)));
}

static int tracefs_write(const char *file, const char *value)
{
	char path[128];
	int fd, ret;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = write(fd, value, strlen(value)) < 0 ? -1 : 0;
	close(fd);
	return ret;
}

static void ftrace_start(void)
{
	tracefs_write("tracing_on", "0");
	tracefs_write("trace", "");
	tracefs_write("events/kvm/kvm_userspace_exit/enable", "1");
	tracefs_write("tracing_on", "1");
}

/* The events since ftrace_start(), or -1 if the buffer lost some. */
static long long ftrace_count(void)
{
	long long n = 0, in_buffer = -1, written = -2;
	char line[512];
	FILE *f;

	tracefs_write("tracing_on", "0");
	f = fopen(TRACEFS "/trace", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "# entries-in-buffer/entries-written: %lld/%lld",
			   &in_buffer, &written) == 2)
			continue;
		if (line[0] != '#' && strstr(line, RUN_EVENT))
			n++;
	}
	fclose(f);
	tracefs_write("events/kvm/kvm_userspace_exit/enable", "0");
	return in_buffer == written ? n : -1;
}

static void child_exec(const struct run_opts *o, const char *const *argv,
		       int in, int out, int err)
{
	const char *args[64];
	unsigned int i, n = 0;
	int exe = -1;

	dup2(in, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);
	for (i = 0; o && o->env && o->env[i]; i++)
		putenv((char *)o->env[i]);
	/* A sandbox runs it as its own user. */
	if (o && o->drop_root && geteuid() == 0 && !sandbox_path()) {
		/*
		 * The VMM is opened while still root and run through that
		 * descriptor: nobody may not reach its path (a tree under
		 * /root, a private O=), and no test may depend on where the
		 * tree is. (Under strace, strace runs it by its path.)
		 */
		if (!uses_strace(o))
			exe = open(vmm_path(), O_RDONLY | O_CLOEXEC);
		/* Groups first: root's supplementary groups would stay. */
		if ((!uses_strace(o) && exe < 0) || setgroups(0, NULL) ||
		    setgid(NOBODY_ID) || setuid(NOBODY_ID))
			_exit(127);
	}
	if (uses_strace(o)) {
		static char trace[4200];
		const char *const *sargv = o->trace ? strace_trace_argv :
						       strace_argv;
		unsigned int nargs = o->trace ? ARRAY_SIZE(strace_trace_argv) :
						ARRAY_SIZE(strace_argv);

		/* LeakSanitizer ptraces the VMM at exit: strace already does. */
		setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
		for (i = 0; i < nargs; i++)
			args[n++] = sargv[i];
		args[n++] = trace_path(trace, sizeof(trace), getpid());
	}
	if (sandbox_path())
		args[n++] = sandbox_path();
	args[n++] = vmm_path();
	for (i = 0; argv[i] && n + 1 < ARRAY_SIZE(args); i++)
		args[n++] = i && !strcmp(argv[i - 1], "--timeout") ?
			    scaled_timeout(argv[i]) : argv[i];
	args[n] = NULL;
	if (exe >= 0)
		fexecve(exe, (char *const *)args, environ);
	else
		execvp(args[0], (char *const *)args);
	fprintf(stderr, "checker: cannot run %s: %s%s\n", args[0],
		strerror(errno), o && o->count_runs ?
		" (install strace: apt-get install strace)" : "");
	_exit(127);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * MS_PER_SEC + ts.tv_nsec / 1000000;
}

/* Append what a pipe has to a buffer; close it at EOF. */
static void drain(struct pollfd *p, char *buf, size_t *len)
{
	char sink[4096];
	ssize_t n;
	size_t room = RUN_OUTPUT_MAX - 1 - *len;

	n = read(p->fd, room ? buf + *len : sink, room ? room : sizeof(sink));
	if (n > 0 && room)
		*len += n;
	if (n == 0 || (n < 0 && errno != EINTR)) {
		close(p->fd);
		p->fd = -1;
	}
}

/* The --timeout the VMM was given, in ms, or -1 without one. */
static long timeout_ms(const char *const *argv)
{
	unsigned int i;

	for (i = 0; argv[i] && argv[i + 1]; i++)
		if (!strcmp(argv[i], "--timeout"))
			return (long)(strtod(argv[i + 1], NULL) * MS_PER_SEC);
	return -1;
}

/*
 * A run hangs when the runner has to kill it, or when it needs its own
 * --timeout of a couple of seconds: tests that expect a timeout give a
 * shorter one.
 */
#define HANG_TIMEOUT_MS	2000

static void collect(struct vmm_run *r, pid_t pid, int out, int err,
		    long timeout)
{
	struct pollfd fds[2] = {
		{ .fd = out, .events = POLLIN },
		{ .fd = err, .events = POLLIN },
	};
	long deadline = now_ms() +
			(timeout >= 0 ? (long)(timeout * time_scale()) +
			 RUN_GRACE_MS : (long)(RUN_DEADLINE * time_scale() *
					       MS_PER_SEC));
	struct rusage ru;
	int wstatus = 0;

	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		long left = deadline - now_ms();

		if (left <= 0) {
			kill(pid, SIGKILL);
			r->killed = true;
			break;
		}
		if (poll(fds, 2, (int)left) < 0 && errno != EINTR)
			break;
		if (fds[0].revents)
			drain(&fds[0], r->out, &r->out_len);
		if (fds[1].revents)
			drain(&fds[1], r->err, &r->err_len);
	}
	if (fds[0].fd >= 0)
		close(fds[0].fd);
	if (fds[1].fd >= 0)
		close(fds[1].fd);
	if (wait4(pid, &wstatus, 0, &ru) == pid)
		r->cpu_ns = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) *
			    1000000000LL +
			    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
	r->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) :
					 128 + WTERMSIG(wstatus);
}

/* The last lines of @s, for a failure message. */
static const char *tail_of(const char *s, size_t len, unsigned int lines)
{
	const char *p = s + len;

	while (p > s && lines) {
		p--;
		if (*p == '\n' && p + 1 != s + len)
			lines--;
	}
	return p == s ? p : p + 1;
}

#define SUMMARY_TAIL_LINES	3

const char *escaped(const char *s, size_t len, char *buf, size_t size)
{
	size_t i, n = 0;

	for (i = 0; i < len && n + 5 < size; i++) {
		unsigned char c = s[i];

		if (c == '\n' || c == '\t' || (c >= ' ' && c < 0x7f && c != '\\'))
			buf[n++] = c;
		else if (c == '\\')
			n += snprintf(buf + n, size - n, "\\\\");
		else if (!c)
			n += snprintf(buf + n, size - n, "\\0");
		else
			n += snprintf(buf + n, size - n, "\\x%02x", c);
	}
	buf[n] = '\0';
	return buf;
}

/* The same, newlines too, for a one-line failure message. */
static const char *escaped_line(const char *s, size_t len, char *buf,
				size_t size)
{
	size_t i, n = 0;

	for (i = 0; i < len && n + 5 < size; i++) {
		unsigned char c = s[i];

		if (c == '\n')
			n += snprintf(buf + n, size - n, "\\n");
		else if (c >= ' ' && c < 0x7f)
			buf[n++] = c;
		else if (!c)
			n += snprintf(buf + n, size - n, "\\0");
		else
			n += snprintf(buf + n, size - n, "\\x%02x", c);
	}
	buf[n] = '\0';
	return buf;
}

static void summarize(struct vmm_run *r, const char *const *argv)
{
	char out[256], err[512], hint[512];
	const char *o = tail_of(r->out, r->out_len, SUMMARY_TAIL_LINES);
	const char *e = tail_of(r->err, r->err_len, SUMMARY_TAIL_LINES);

	diagnose(r, argv, hint, sizeof(hint));
	snprintf(r->summary, sizeof(r->summary),
		 "status %d%s; stdout: \"%s\"; stderr ends: \"%s\"%s%s",
		 r->status, r->killed ? " (killed: hung)" : "",
		 escaped_line(o, r->out + r->out_len - o, out, sizeof(out)),
		 escaped_line(e, r->err + r->err_len - e, err, sizeof(err)),
		 hint[0] ? "; hint: " : "", hint);
}

/* Output in a transcript, NUL and control bytes escaped. */
static void save_output(FILE *f, const char *name, const char *s, size_t len)
{
	static char buf[4 * RUN_OUTPUT_MAX + 1];

	fprintf(f, "--- %s\n%s", name, escaped(s, len, buf, sizeof(buf)));
	if (len && s[len - 1] != '\n')
		fprintf(f, "\n(no newline at the end)\n");
}

static void save_transcript(const struct vmm_run *r, const char *name,
			    const char *const *argv)
{
	unsigned int i;
	FILE *f;

	f = fopen(log_path(name), "a");
	if (!f)
		return;
	fprintf(f, "$ %s", vmm_path());
	for (i = 0; argv[i]; i++)
		fprintf(f, " %s", argv[i]);
	fprintf(f, "\nstatus: %d%s, %ld ms\n", r->status,
		r->skipped ? " (not run: an earlier run of this item hung)" :
		r->killed ? " (killed after the deadline)" : "", r->wall_ms);
	save_output(f, "stdout", r->out, r->out_len);
	save_output(f, "stderr", r->err, r->err_len);
	if (r->trace[0])
		fprintf(f, "--- strace (but KVM_RUN)\n%s", r->trace);
	fprintf(f, "---\n");
	fclose(f);
}

/*
 * KVM_RUN calls in the trace the child left, or -1 without one; the
 * other lines go to @r->trace, as many as fit.
 */
static long long read_trace(struct vmm_run *r, pid_t pid, bool keep)
{
	char path[4200], line[8192];
	size_t used = 0;
	long long n = 0;
	FILE *f;

	trace_path(path, sizeof(path), pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);

		if (strstr(line, "KVM_RUN")) {
			n++;
		} else if (keep && used + len < sizeof(r->trace)) {
			memcpy(r->trace + used, line, len + 1);
			used += len;
		}
	}
	fclose(f);
	unlink(path);
	return n;
}

void assert_ran(const struct vmm_run *r)
{
	const struct rubric_item *item = rubric_current();

	ck_assert_msg(!r->skipped,
		      "not run: an earlier VMM run of %s hung, so its other runs are skipped (see the first failure of %s)",
		      item ? item->title : "this item",
		      item ? item->title : "this item");
}

static void skip_run(struct vmm_run *r, const char *name,
		     const char *const *argv)
{
	r->skipped = true;
	r->status = -1;
	r->kvm_runs = -1;
	snprintf(r->summary, sizeof(r->summary),
		 "not run: an earlier run of this item hung");
	save_transcript(r, name, argv);
}

static long long elapsed_ns(const struct timespec *start)
{
	struct timespec end;

	clock_gettime(CLOCK_MONOTONIC, &end);
	return (end.tv_sec - start->tv_sec) * 1000000000LL +
	       (end.tv_nsec - start->tv_nsec);
}

/*
 * When an item this one needs hung, its runs get a short timeout: the
 * same hang is likely, and a hanging submission must grade quickly.
 */
#define HANG_AGAIN_TIMEOUT	"1.5"
#define ARGV_MAX		64

static const char *const *shorter_timeout(const char *const *argv,
					  const char **copy)
{
	unsigned int i;

	if (!rubric_prerequisite_hung(rubric_current()) ||
	    timeout_ms(argv) <= HANG_TIMEOUT_MS)
		return argv;
	for (i = 0; argv[i] && i + 1 < ARGV_MAX; i++)
		copy[i] = argv[i];
	copy[i] = NULL;
	for (i = 0; copy[i] && copy[i + 1]; i++)
		if (!strcmp(copy[i], "--timeout"))
			copy[i + 1] = HANG_AGAIN_TIMEOUT;
	return copy;
}

int run_vmm(struct vmm_run *r, const char *name, const struct run_opts *o,
	    const char *const *given)
{
	const char *copy[ARGV_MAX];
	const char *const *argv = shorter_timeout(given, copy);
	int in[2], out[2], err[2], stalled[2] = { -1, -1 };
	long timeout = timeout_ms(argv);
	struct timespec start;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (rubric_hung(rubric_current())) {
		skip_run(r, name, argv);
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) ||
	    pipe2(err, O_CLOEXEC))
		return -1;
	/*
	 * A stdout that fills and is never read: the VMM's writes block,
	 * after a page (the smallest pipe), not after the default 64 KiB.
	 */
	if (o && o->stdout_stalled) {
		if (pipe2(stalled, O_CLOEXEC))
			return -1;
		fcntl(stalled[1], F_SETPIPE_SZ, STALLED_PIPE_SIZE);
	}
	if (ftrace_counts(o))
		ftrace_start();
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		child_exec(o, argv, in[0],
			   stalled[1] >= 0 ? stalled[1] : out[1], err[1]);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (stalled[1] >= 0)
		close(stalled[1]);
	/* Inputs are small: the pipe holds them without a reader. */
	if (o && o->input &&
	    write(in[1], o->input, strlen(o->input)) < 0)
		perror("checker: writing the VMM's input");
	if (!(o && o->stdin_open))
		close(in[1]);
	collect(r, pid, out[0], err[0], timeout);
	r->wall_ns = elapsed_ns(&start);
	r->wall_ms = r->wall_ns / 1000000;
	if (o && o->stdin_open)
		close(in[1]);
	if (stalled[0] >= 0)
		close(stalled[0]);
	if (ftrace_counts(o))
		r->kvm_runs = ftrace_count();
	else
		r->kvm_runs = o && (o->count_runs || o->trace) ?
			      read_trace(r, pid, o->trace) : -1;
	/* A test of the timeout itself, with a short one, is no hang. */
	r->hung = (r->killed || r->status == VMM_TIMEOUT) &&
		  (timeout < 0 || timeout >= HANG_TIMEOUT_MS || argv != given);
	if (r->hung)
		rubric_mark_hung(rubric_current());
	summarize(r, argv);
	save_transcript(r, name, argv);
	return 0;
}
