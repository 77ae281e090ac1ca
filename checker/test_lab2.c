// SPDX-License-Identifier: GPL-2.0
/*
 * Lab 2: static Linux programs in ring 3, their syscalls answered by
 * the VMM inside a sandbox. (The ELF loader's unit tests: test_elf.c.)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kvmlab/kernel.h>

#include "rubric.h"
#include "tests.h"

/* ---- programs on KVM ---- */

static char *make_dir(char *path, const char *name)
{
	ck_assert_ptr_nonnull(shared_tmp_dir(path, name));
	return path;
}

static void remove_tree(const char *path)
{
	char cmd[TMP_PATH_MAX + 64];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	ck_assert_int_eq(system(cmd), 0);
}

/* The lab's program, and the lab's log of its syscalls. */
START_TEST(test_lab2_program)
{
	char dir[TMP_PATH_MAX], path[TMP_PATH_MAX + 64], buf[64] = "";
	struct vmm_run r;
	FILE *f;

	VMM(&r, VMM_TIMEOUT_ARG, "--strace", "--root", make_dir(dir, "kvmlab-lab2"), "lab2");
	snprintf(path, sizeof(path), "%s/ay_caramba", dir);
	f = fopen(path, "r");
	if (f) {
		ck_assert(fread(buf, 1, sizeof(buf) - 1, f) > 0);
		fclose(f);
	}
	remove_tree(dir);
	assert_status(&r, 0);
	ck_assert_msg(!strcmp(buf, "Hello World !!!\nBye Bye !!!\n"),
		      "expected the file to hold the two lines; it holds \"%s\"; %s",
		      buf, r.summary);
	assert_stderr_has(&r, "OPEN ./ay_caramba 32834 511 - return 3\n");
	assert_stderr_has(&r, "WRITE 3 ");
	assert_stderr_has(&r, " 16 - return 16\n");
	assert_stderr_has(&r, " 12 - return 12\n");
	assert_stderr_has(&r, "CLOSE 3 - return 0\n");
	assert_stderr_has(&r, "EXIT_GROUP 0\n");
}
END_TEST

/* Unmodified static programs, musl and glibc: args, stdin, status. */
START_TEST(test_static_program)
{
	static const char *const builds[] = { "echo_args.musl",
					      "echo_args.glibc" };
	const struct run_opts o = { .input = "first\nsecond\n" };
	struct vmm_run r;

	VMM_OPTS(&r, &o, VMM_TIMEOUT_ARG, "--elf", program_path(builds[_i]), "--",
		 "7", "two words");
	assert_status(&r, 7);
	assert_stdout(&r, "argc=3\nargv[1]=7\nargv[2]=two words\n"
			  "stdin: first\nstdin: second\n");
	ck_assert_msg(!strstr(r.err, "do not implement"),
		      "expected every start-up syscall answered; got %s",
		      r.summary);
}
END_TEST

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void make_link(const char *dir, const char *name, const char *target)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(symlink(target, path), 0);
}

/*
 * "..", absolute paths and symlinks all stay inside --root: the secret
 * beside the root is out of reach; the file inside is not.
 */
START_TEST(test_sandbox)
{
	char dir[TMP_PATH_MAX], root[TMP_PATH_MAX + 64];
	char secret[TMP_PATH_MAX + 64];
	struct vmm_run r;

	make_dir(dir, "kvmlab-box");
	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(secret, sizeof(secret), "%s/secret", dir);
	ck_assert_int_eq(mkdir(root, SHARED_DIR_MODE), 0);
	write_file(dir, "secret", "SECRET");
	write_file(root, "inside", "inside");
	make_link(root, "up", "../secret");
	make_link(root, "abs", secret);
	VMM(&r, VMM_TIMEOUT_ARG, "--root", root, "--elf",
	    program_path("escape.musl"), "--", "inside", "../secret", secret, "up",
	    "abs", "/../../secret", "/inside");
	remove_tree(dir);
	assert_status(&r, 0);
	ck_assert_msg(!strstr(r.out, "SECRET"),
		      "the program read outside its root; got %s", r.summary);
	ck_assert_msg(count_of(r.out, "read \"inside\"") == 2 &&
		      count_of(r.out, "No such file or directory") == 5,
		      "expected inside readable twice, five escapes refused; got %s",
		      r.summary);
}
END_TEST

START_TEST(test_unknown_syscall)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--elf", program_path("unknown.musl"));
	assert_status(&r, 0);
	assert_stdout(&r, "-1 38\n");
	assert_stderr_has(&r, "1 syscalls this VMM does not implement, answered -ENOSYS: syscall 500 x1");
}
END_TEST

/*
 * A fault with no handler ends the program as Linux would: status
 * 128 + SIGSEGV, and one line that names the fault, address and RIP.
 * The same program's output before it is not lost.
 */
START_TEST(test_program_fault)
{
	static const char *const builds[] = { "families.musl",
					      "families.glibc" };
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--elf", program_path(builds[_i]), "--",
	    "fault");
	assert_status(&r, 128 + SIGSEGV);
	assert_stdout(&r, "before\n");
	assert_stderr_has(&r, "a page fault (SIGSEGV): a user write at 0x0, not mapped, RIP 0x");
}
END_TEST

/*
 * The vsyscall page is emulated (Linux's vsyscall=emulate): not
 * compared with the host, whose kernel may have it off.
 */
START_TEST(test_vsyscall)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--elf", program_path("families.musl"), "--",
	    "vsyscall");
	assert_status(&r, 0);
	assert_stdout(&r, "time-sane: 1\ngettimeofday: 0\ntv-sane: 1\n");
}
END_TEST

/* A program that reads a terminal forever cannot outlive --timeout. */
START_TEST(test_program_blocked_read)
{
	const struct run_opts o = { .stdin_open = true };
	struct vmm_run r;

	VMM_OPTS(&r, &o, "--timeout", "0.5", "--elf",
		 program_path("echo_args.musl"));
	ck_assert_msg(!r.killed, "the VMM hung past its timeout: %s",
		      r.summary);
	assert_status(&r, 124);
}
END_TEST

START_TEST(test_bad_program)
{
	char text[TMP_PATH_MAX];
	struct vmm_run r;
	int fd = shared_tmp_file(text, "kvmlab-text");

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "not a program\n", 14), 14);
	close(fd);
	VMM(&r, VMM_TIMEOUT_ARG, "--elf", text);
	unlink(text);
	assert_status(&r, 2);
	assert_stderr_has(&r, "not an ELF file");

	VMM(&r, VMM_TIMEOUT_ARG, "--elf", "/bin/true");
	assert_status(&r, 2);
	assert_stderr_has(&r, "/bin/true: dynamically linked (PT_INTERP /lib");
	assert_stderr_has(&r, "): build it with -static or -static-pie\n");
	VMM(&r, VMM_TIMEOUT_ARG, "--mem", "2G", "--elf",
	    program_path("echo_args.musl"));
	assert_status(&r, 2);
	assert_stderr_has(&r, "at most 1G");
	VMM(&r, VMM_TIMEOUT_ARG, "--mode", "long", "--elf",
	    program_path("echo_args.musl"));
	assert_status(&r, 2);
	assert_stderr_has(&r, "drop --load and --mode");
}
END_TEST

/* ---- the matrix: the same command natively and in the VMM ---- */

#define BUSYBOX		"/bin/busybox"
#define MATRIX_ARGS	10
#define MATRIX_OUT	(16 * 1024)

/* A command: a program (busybox if NULL, or one of ours) and its args. */
struct matrix_row {
	const char *program;
	const char *args[MATRIX_ARGS];
};

#define BB(...)		{ NULL, { __VA_ARGS__, NULL } }
#define OURS(p, ...)	{ p, { __VA_ARGS__, NULL } }

static const struct matrix_row matrix[] = {
	BB("ls"), BB("ls", "-a"), BB("ls", "-ln"), BB("ls", "-R"),
	BB("ls", "-ln", "sub"), BB("ls", "-d", "sub", "a.txt"),
	BB("find", "."), BB("find", ".", "-name", "*.txt"),
	BB("find", ".", "-type", "d"), BB("du", "-s", "sub"),
	BB("cat", "a.txt", "b.txt"), BB("head", "-n", "2", "a.txt"),
	BB("tail", "-n", "2", "a.txt"), BB("wc", "a.txt", "b.txt"),
	BB("sort", "a.txt"), BB("sort", "-r", "-o", "out", "a.txt"),
	BB("uniq", "-c", "b.txt"), BB("cut", "-d", " ", "-f", "1", "a.txt"),
	BB("grep", "-r", "two", "."), BB("grep", "-c", "o", "a.txt"),
	BB("grep", "-l", "-r", "one", "sub"), BB("sed", "-n", "2p", "a.txt"),
	BB("sed", "-i", "s/one/ONE/", "a.txt"),
	BB("awk", "{ print $2 }", "a.txt"), BB("md5sum", "a.txt"),
	BB("sha256sum", "a.txt", "sub/c.txt"), BB("cp", "a.txt", "copy"),
	BB("cp", "-r", "sub", "sub2"), BB("cp", "-a", "sub", "sub3"),
	BB("mv", "a.txt", "moved"), BB("mv", "sub", "empty"),
	BB("rm", "b.txt"), BB("rm", "-r", "sub"), BB("rm", "-rf", "sub", "nothing"),
	BB("rm", "nothing"), BB("mkdir", "-p", "x/y/z"), BB("mkdir", "sub"),
	BB("rmdir", "empty"), BB("rmdir", "sub"), BB("ln", "-s", "a.txt", "l"),
	BB("ln", "a.txt", "h"), BB("readlink", "link"), BB("readlink", "a.txt"),
	BB("touch", "new"), BB("chmod", "600", "a.txt"),
	BB("chmod", "-R", "go-rx", "sub"), BB("stat", "-c", "%s %a %F", "a.txt"),
	BB("stat", "-L", "-c", "%s %F", "link"), BB("test", "-f", "a.txt"),
	BB("ls", "-l", "a.txt", "sub"), BB("stat", "-c", "%U %G", "a.txt"),
	BB("test", "-d", "a.txt"), BB("dd", "if=a.txt", "of=o", "bs=1", "count=3"),
	BB("gzip", "-k", "a.txt"), BB("gzip", "-c", "b.txt"),
	BB("hexdump", "-C", "a.txt"), BB("od", "-c", "b.txt"),
	BB("xxd", "a.txt"), BB("basename", "/a/b/c.txt", ".txt"),
	BB("dirname", "/a/b/c.txt"), BB("expr", "6", "*", "7"), BB("seq", "3"),
	BB("printf", "%s-%d\n", "x", "5"), BB("echo", "hello", "world"),
	BB("true"), BB("false"), BB("sleep", "0.05"), BB("uname", "-s"),
	BB("id", "-u"), BB("diff", "a.txt", "b.txt"), BB("cmp", "a.txt", "b.txt"),
	BB("comm", "a.txt", "b.txt"), BB("base64", "a.txt"),
	BB("truncate", "-s", "2", "a.txt"), BB("cksum", "a.txt"),
	BB("nl", "a.txt"), BB("rev", "a.txt"), BB("tac", "a.txt"),
	BB("fold", "-w", "3", "b.txt"), BB("paste", "a.txt", "b.txt"),
	BB("split", "-l", "2", "a.txt", "part"), BB("tee", "t1", "t2"),
	BB("sh", "-c", "echo hi > f; read x < f; echo $x; cd sub; echo *"),
	BB("sh", "-c", "for i in 1 2 3; do echo $i; done; exit 3"),
	BB("sh", "-c", "test -e nothing || echo none; umask"),
	OURS("echo_args-pie.musl", "7", "a b"), OURS("echo_args-pie.glibc", "7"),
	OURS("families.musl", "files"), OURS("families.glibc", "files"),
	OURS("families.musl", "dirs"), OURS("families.glibc", "dirs"),
	OURS("families.musl", "fds"), OURS("families.glibc", "fds"),
	OURS("families.musl", "clocks"), OURS("families.glibc", "clocks"),
	OURS("families.musl", "signals"), OURS("families.glibc", "signals"),
	OURS("families.musl", "handlers"), OURS("families.glibc", "handlers"),
	OURS("families.musl", "processes"),
	OURS("families.glibc", "processes"),
	OURS("families.musl", "memory"), OURS("families.glibc", "memory"),
	OURS("families.musl", "busy"), OURS("families.glibc", "busy"),
	/* Processes: pipelines, substitutions, subshells, traps, jobs. */
	BB("sh", "-c", "ls | sort | head -n 3"),
	BB("sh", "-c", "echo $(wc -l < a.txt) $(ls sub); x=$(echo in); echo $x"),
	BB("sh", "-c", "cat a.txt | grep o | sort -r > out; cat out"),
	BB("sh", "-c", "(cd sub && ls); sh -c 'exit 4'; echo $?"),
	BB("sh", "-c", "yes | head -n 2; false | true; echo $?"),
	BB("sh", "-c", "trap 'echo caught' USR1; kill -USR1 $$; echo after"),
	BB("sh", "-c", "sleep 0.05 & wait $!; echo waited $?"),
	BB("sh", "-c", "mkdir x && tar cf - sub | tar xf - -C x && cat x/sub/c.txt && tar cf - sub | tar tf -"),
	BB("sh", "-c", "ls nothing 2>&1 | wc -l; kill -9 $$"),
	BB("sh", "-c", "find . -name '*.txt' | xargs wc -l | sort"),
};

/* The directory every command starts from: files, a tree, links. */
static void make_fixture(const char *dir)
{
	char sub[PATH_MAX], empty[PATH_MAX];

	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(empty, sizeof(empty), "%s/empty", dir);
	ck_assert_int_eq(mkdir(sub, SHARED_DIR_MODE), 0);
	ck_assert_int_eq(mkdir(empty, SHARED_DIR_MODE), 0);
	write_file(dir, "a.txt", "one two\nthree four\nfive six\nseven\n");
	write_file(dir, "b.txt", "two\ntwo\nthree\n");
	write_file(sub, "c.txt", "one\n");
	make_link(dir, "link", "sub/c.txt");
}

struct matrix_result {
	int status;
	char out[MATRIX_OUT];
	size_t len;
};

/* A command of the matrix and its VMM's own 5 s: killed past this. */
#define MATRIX_DEADLINE_MS	10000

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * MSEC_PER_SEC + ts.tv_nsec / NSEC_PER_MSEC;
}

/*
 * Run @argv in @dir (chdir there first if @enter), stdout captured,
 * within MATRIX_DEADLINE_MS: one that hangs ends the item's other runs.
 */
static void matrix_run(const char *dir, bool enter, char *const *argv,
		       struct matrix_result *res)
{
	int pipefd[2], status;
	long deadline;
	pid_t pid, done;
	bool hung;

	ck_assert_int_eq(pipe(pipefd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		int null = open("/dev/null", O_RDWR);

		setpgid(0, 0);	/* killed as a group at the deadline */
		dup2(null, STDIN_FILENO);
		dup2(null, STDERR_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		/* Only 0, 1 and 2, as the VMM gives its program. */
		close_range(STDERR_FILENO + 1, ~0U, 0);
		if (enter && chdir(dir))
			_exit(127);
		/*
		 * Both runs as the sandbox's user, if any: the same rights.
		 * A sandbox may start anywhere: a shell enters @dir there.
		 */
		if (sandbox_path()) {
			char *sargv[MATRIX_ARGS + 16] = {
				(char *)sandbox_path(), "/bin/sh", "-c",
				"cd \"$0\" && exec \"$@\"", (char *)dir,
			};
			unsigned int i, k = 5;

			for (i = 0; argv[i] && k + 1 < ARRAY_SIZE(sargv); i++)
				sargv[k++] = argv[i];
			execv(sargv[0], sargv);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	res->len = 0;
	deadline = now_ms() + (long)(MATRIX_DEADLINE_MS * time_scale());
	for (;;) {
		struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
		long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		n = read(pipefd[0], res->out + res->len,
			 sizeof(res->out) - 1 - res->len);
		if (n <= 0)
			break;
		res->len += n;
	}
	res->out[res->len] = '\0';
	close(pipefd[0]);
	/* Its end, within the deadline; then nothing of it may stay. */
	while ((done = waitpid(pid, &status, WNOHANG)) == 0 &&
	       now_ms() < deadline)
		nanosleep(&(struct timespec){ .tv_nsec = NSEC_PER_MSEC }, NULL);
	hung = done != pid;
	kill(-pid, SIGKILL);
	if (hung) {
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		rubric_mark_hung(rubric_current());
	}
	ck_assert_msg(!hung, "%s ran past %g s: killed", argv[0],
		      MATRIX_DEADLINE_MS * time_scale() / MSEC_PER_SEC);
	res->status = WIFEXITED(status) ? WEXITSTATUS(status) :
		      128 + WTERMSIG(status);
}

/* The program's absolute path (ours live in the object tree). */
static void matrix_program(const struct matrix_row *row, char *path)
{
	ck_assert_ptr_nonnull(realpath(row->program ? program_path(row->program) :
				       BUSYBOX, path));
}

/*
 * One command, twice, each in its own copy of the fixture: natively,
 * and in the VMM with the copy as --root. Same stdout, same status,
 * same files afterwards.
 */
START_TEST(test_matrix)
{
	const struct matrix_row *row = &matrix[_i];
	char dir[TMP_PATH_MAX], nat[TMP_PATH_MAX + 64];
	char box[TMP_PATH_MAX + 64];
	char prog[PATH_MAX], cmd[3 * PATH_MAX], vmm[PATH_MAX];
	char *argv[MATRIX_ARGS + 8];
	static struct matrix_result native, boxed;
	const struct rubric_item *item = rubric_current();
	unsigned int i, n = 0;

	ck_assert_msg(!rubric_hung(item),
		      "not run: an earlier VMM run of %s hung, so its other runs are skipped (see the first failure of %s)",
		      item->title, item->title);
	make_dir(dir, "kvmlab-matrix");
	snprintf(nat, sizeof(nat), "%s/native", dir);
	snprintf(box, sizeof(box), "%s/vmm", dir);
	ck_assert_int_eq(mkdir(nat, SHARED_DIR_MODE), 0);
	make_fixture(nat);
	snprintf(cmd, sizeof(cmd), "cp -a '%s' '%s'", nat, box);
	ck_assert_int_eq(system(cmd), 0);
	matrix_program(row, prog);

	argv[n++] = prog;
	for (i = 0; row->args[i]; i++)
		argv[n++] = (char *)row->args[i];
	argv[n] = NULL;
	matrix_run(nat, true, argv, &native);

	n = 0;
	snprintf(vmm, sizeof(vmm), "%s", vmm_path());
	argv[n++] = vmm;
	argv[n++] = "--timeout";
	argv[n++] = "5";
	argv[n++] = "--root";
	argv[n++] = box;
	argv[n++] = "--elf";
	argv[n++] = prog;
	argv[n++] = "--";
	for (i = 0; row->args[i]; i++)
		argv[n++] = (char *)row->args[i];
	argv[n] = NULL;
	matrix_run(box, false, argv, &boxed);

	snprintf(cmd, sizeof(cmd), "diff -r --no-dereference '%s' '%s' >/dev/null",
		 nat, box);
	i = system(cmd);
	remove_tree(dir);
	ck_assert_msg(native.status == boxed.status,
		      "%s %s: status %d natively, %d in the VMM", prog,
		      row->args[0], native.status, boxed.status);
	ck_assert_msg(!strcmp(native.out, boxed.out),
		      "%s %s: stdout differs: natively \"%s\", in the VMM \"%s\"",
		      prog, row->args[0], native.out, boxed.out);
	ck_assert_msg(i == 0, "%s %s: the files differ afterwards", prog,
		      row->args[0]);
}
END_TEST

void lab2_tests(void)
{
	TCase *kvm = rubric_tcase("lab2", KVM);

	tcase_add_test(kvm, test_lab2_program);
	tcase_add_loop_test(kvm, test_static_program, 0, 2);
	tcase_add_test(kvm, test_sandbox);
	tcase_add_test(kvm, test_unknown_syscall);
	tcase_add_loop_test(kvm, test_program_fault, 0, 2);
	tcase_add_test(kvm, test_vsyscall);
	tcase_add_test(kvm, test_program_blocked_read);
	tcase_add_test(kvm, test_bad_program);
	tcase_add_loop_test(kvm, test_matrix, 0, ARRAY_SIZE(matrix));
}
