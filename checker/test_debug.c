// SPDX-License-Identifier: GPL-2.0
/*
 * The debugging tools (the "debugging tools" extra, not in the score):
 * the crash report after a fatal exit, --trace, and the gdb stub, end
 * to end with Debian's gdb in batch mode. (Its unit tests are in
 * debug_unit.c.)
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kvmlab/kernel.h>
#include <kvmlab/layout.h>
#include <kvmlab/x86.h>

#include "rubric.h"
#include "tests.h"

#define GDB_WAIT_MS	10000
#define POLL_MS		20
#define REPLY_WAIT_US	100000

/* --- on KVM: the crash report and --trace --------------------------- */

/* The line of stderr that starts with @start holds @needle. */
static void assert_line_has(const struct vmm_run *r, const char *start,
			    const char *needle)
{
	const char *line = strstr(r->err, start);
	const char *end = line ? strchr(line, '\n') : NULL;
	const char *at = line ? strstr(line, needle) : NULL;

	ck_assert_msg(at && (!end || at < end),
		      "expected a line \"%s...%s...\" on stderr; got %s", start,
		      needle, r->summary);
}

/* The report comes first; the last line still names the exit. */
static void assert_report_then_exit(const struct vmm_run *r)
{
	const char *report = strstr(r->err, "vmm: crash report");
	const char *shutdown = strstr(r->err, "vmm: KVM_EXIT_SHUTDOWN");

	ck_assert_msg(report && shutdown && report < shutdown,
		      "expected the crash report, then the exit; got %s",
		      r->summary);
}

/* Protected mode: the registers, the named bits, the code; no walk. */
START_TEST(test_crash_report_protected)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--mode", "protected", "--load",
	    guest_path("triple_fault"));
	assert_status(&r, 1);
	assert_report_then_exit(&r);
	assert_stderr_has(&r, "mode    protected, CPL 0");
	assert_line_has(&r, "  cr0 ", "[ PE ");
	assert_stderr_has(&r, "idt base 0x0 limit 0x0");
	assert_stderr_has(&r, "): 0f 0b f4");
	ck_assert_msg(!strstr(r.err, "page walk"),
		      "expected no page walk with paging off; got %s",
		      r.summary);
}
END_TEST

START_TEST(test_crash_report_long)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--mode", "long", "--load",
	    guest_path("tf_long"));
	assert_status(&r, 1);
	assert_report_then_exit(&r);
	assert_stderr_has(&r, "mode    long");
	assert_line_has(&r, "  cr0 ", " PE ");
	assert_line_has(&r, "  cr0 ", " PG ]");
	assert_line_has(&r, "  cr4 ", " PAE ");
	assert_line_has(&r, "  efer ", " LME LMA ");
	assert_stderr_has(&r, "idt base 0x0 limit 0x0");
	/* RIP is at the ud2 (0f 0b), followed by the hlt (f4). */
	assert_stderr_has(&r, "): 0f 0b f4");
	assert_stderr_has(&r, "page walk of rip 0x");
	assert_stderr_has(&r, "PML4[0] at 0x1000 = 0x");
	assert_stderr_has(&r, "(a 2 MiB page)");
	assert_stderr_has(&r, "page walk of rsp 0x");
}
END_TEST

/* The tables pulled away: the walk names the PML4 entry, not present. */
START_TEST(test_crash_report_walk_fails)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--mode", "long", "--load",
	    guest_path("pt_gone"));
	assert_status(&r, 1);
	assert_report_then_exit(&r);
	assert_stderr_has(&r, "fails at the PML4 entry: not present (P = 0)");
	assert_stderr_has(&r, "does not translate");
}
END_TEST

START_TEST(test_crash_report_off)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--no-crash-report", "--mode", "protected",
	    "--load", guest_path("triple_fault"));
	assert_status(&r, 1);
	assert_stderr_has(&r, "KVM_EXIT_SHUTDOWN");
	ck_assert_msg(!strstr(r.err, "crash report") &&
		      line_count(r.err) == 1,
		      "expected the exit's line alone; got %s", r.summary);
}
END_TEST

/*
 * One line per exit, and the same exits with the trace as without. The
 * exits are counted by strace (each return from KVM_RUN), not by the
 * VMM's profiler: that is task 5, and this needs task 1 only.
 */
START_TEST(test_trace)
{
	static const char *const scenarios[] = { "real", "lab1", "long" };
	static const struct run_opts counted = { .count_runs = true };
	struct vmm_run plain, traced;

	VMM_OPTS(&plain, &counted, VMM_TIMEOUT_ARG, scenarios[_i]);
	VMM_OPTS(&traced, &counted, VMM_TIMEOUT_ARG, "--trace",
		 scenarios[_i]);
	assert_status(&traced, 0);
	ck_assert_msg(traced.kvm_runs > 0 &&
		      traced.kvm_runs == plain.kvm_runs,
		      "expected the same KVM_RUN calls with --trace; got %lld and %lld",
		      plain.kvm_runs, traced.kvm_runs);
	ck_assert_msg(count_of(traced.err, "vmm: trace: ") == traced.kvm_runs,
		      "expected %lld trace lines; got %s", traced.kvm_runs,
		      traced.summary);
	ck_assert_str_eq(traced.out, plain.out);
	assert_stderr_has(&traced, "vmm: trace: KVM_EXIT_HLT rip 0x");
}
END_TEST

START_TEST(test_trace_data)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--trace", "real");
	/* "Hello", one OUT to the debug console each. */
	assert_stderr_has(&r, "vmm: trace: KVM_EXIT_IO out port 0xe9 width 1 count 1 data 48 rip 0x");
	VMM(&r, VMM_TIMEOUT_ARG, "--trace", "mmio");
	assert_stderr_has(&r, "vmm: trace: KVM_EXIT_MMIO write addr 0x");
	assert_stderr_has(&r, "vmm: trace: KVM_EXIT_MMIO read addr 0x");
}
END_TEST

/* --- on KVM: the gdb stub, with Debian's gdb ------------------------ */

static uint16_t free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

/* Is something listening on 127.0.0.1:@port? /proc says, untouched. */
static bool listening(uint16_t port)
{
	char want[32], line[256];
	bool found = false;
	FILE *f = fopen("/proc/net/tcp", "r");

	if (!f)
		return false;
	snprintf(want, sizeof(want), "0100007F:%04X 00000000:0000 0A", port);
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, want) != NULL;
	fclose(f);
	return found;
}

/* A pipe the VMM does not inherit: see wait_for_stub(). */
static void alive_pipe(int fds[2])
{
	ck_assert_int_eq(pipe(fds), 0);
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
}

/*
 * In a client child: wait until the stub listens on @port. The parent
 * closes @alive once the VMM has exited: then stop waiting at once, so
 * that a VMM that never listens (a skeleton's) costs no time.
 */
static bool wait_for_stub(uint16_t port, int alive)
{
	struct pollfd p = { .fd = alive, .events = POLLIN };
	unsigned int i;

	for (i = 0; i < GDB_WAIT_MS / POLL_MS; i++) {
		if (listening(port))
			return true;
		if (poll(&p, 1, POLL_MS) > 0)
			return false;	/* the VMM is gone */
	}
	return false;
}

/*
 * A child that waits for the stub to listen, then runs @script (one
 * gdb command a line) in gdb's batch mode, its output to @log.
 */
static pid_t start_client(uint16_t port, const char *const *script,
			  const char *log, const int alive[2])
{
	pid_t pid = fork();
	char *argv[64];
	char target[64];
	int n = 0, i, fd;

	ck_assert_int_ge(pid, 0);
	if (pid)
		return pid;
	close(alive[1]);	/* else its own copy keeps the pipe open */
	if (!wait_for_stub(port, alive[0]))
		_exit(4);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		_exit(127);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	snprintf(target, sizeof(target), "target remote 127.0.0.1:%u", port);
	argv[n++] = "gdb";
	argv[n++] = "-nx";
	argv[n++] = "-batch";
	argv[n++] = "-ex";
	argv[n++] = "set pagination off";
	for (i = 0; script[i] && n < 60; i++) {
		argv[n++] = "-ex";
		argv[n++] = (char *)(strcmp(script[i], "TARGET") ? script[i] :
							      target);
	}
	argv[n] = NULL;
	execvp("gdb", argv);
	_exit(127);
}

static char *read_log(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static const char *gdb_session(struct vmm_run *r, const char *const *script,
			       const char *const *vmm_args, unsigned int nargs)
{
	char log[] = "/tmp/kvmlab-gdb.XXXXXX";
	char port_arg[8];
	const char *argv[16];
	uint16_t port = free_port();
	unsigned int i, n = 0;
	int status, fd, alive[2];
	pid_t client;
	char *out;

	fd = mkstemp(log);
	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(port_arg, sizeof(port_arg), "%u", port);
	argv[n++] = "--timeout";
	argv[n++] = "20";
	argv[n++] = "--gdb";
	argv[n++] = port_arg;
	for (i = 0; i < nargs && n < 15; i++)
		argv[n++] = vmm_args[i];
	argv[n] = NULL;
	alive_pipe(alive);
	client = start_client(port, script, log, alive);
	close(alive[0]);
	run_vmm(r, "gdb_session", NULL, argv);
	close(alive[1]);
	ck_assert_int_eq(waitpid(client, &status, 0), client);
	out = read_log(log);
	unlink(log);
	return out;
}

/*
 * The issue's session: at the 64-bit guest's entry, a step, a register,
 * continue to the halt, where RAX and the result at 0x400 hold 42; then
 * continue: the guest has exited.
 */
START_TEST(test_gdb_long)
{
	static const char *const script[] = {
		"TARGET",
		"info registers rip",
		"stepi",
		"info registers rip",
		"continue",
		"info registers rax",
		"x/1gx 0x400",
		"continue",
		NULL,
	};
	static const char *const args[] = { "long" };
	struct vmm_run r;
	const char *out = gdb_session(&r, script, args, 1);

	assert_status(&r, 0);
	assert_stdout(&r, "Hello, world!\nFinished vmm\n");
	ck_assert_msg(strstr(out, "rip            0x8000"),
		      "expected gdb at the entry, 0x8000; gdb said:\n%s", out);
	ck_assert_msg(strstr(out, "rax            0x2a"),
		      "expected RAX 42 at the halt; gdb said:\n%s", out);
	ck_assert_msg(strstr(out, "0x400:\t0x000000000000002a"),
		      "expected 42 at 0x400; gdb said:\n%s", out);
	ck_assert_msg(strstr(out, "exited normally"),
		      "expected the guest to exit; gdb said:\n%s", out);
}
END_TEST

/*
 * Breakpoints, found by stepping: one right after an OUT, whose step
 * trap this host loses as the OUT exits to the VMM, hit on each pass
 * through a loop; a step over the OUT itself; and one on the hlt, from
 * which a step halts the guest (a stepped hlt would not halt).
 */
START_TEST(test_gdb_breakpoint)
{
	static const char *const script[] = {
		"TARGET",
		"break *0x800c",
		"continue",
		"info registers rcx",
		"stepi 5",
		"info registers rip",
		"stepi",
		"info registers rip",
		"continue",
		"info registers rcx",
		"delete",
		"break *0x801e",
		"continue",
		"stepi",
		"x/1gx 0x400",
		"kill",
		NULL,
	};
	const char *const args[] = {
		"--mode", "long", "--load", guest_path("gdb_loop"),
	};
	static const char *const want[] = {
		"Breakpoint 1, 0x000000000000800c",
		"rcx            0x1 ",
		"rip            0x800a ",
		"rip            0x800c ",
		"rcx            0x3 ",
		"Breakpoint 2, 0x000000000000801e",
		"0x400:\t0x000000000000002a",
	};
	struct vmm_run r;
	const char *out = gdb_session(&r, script, args, ARRAY_SIZE(args));
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(want); i++)
		ck_assert_msg(strstr(out, want[i]),
			      "expected \"%s\" from gdb; gdb said:\n%s",
			      want[i], out);
	assert_stdout(&r, "123");
	/* Killed at the halt: the run was over, and passed. */
	assert_status(&r, 0);
	assert_stderr_has(&r, "gdb: killed the guest");
}
END_TEST

/* Real mode, with gdb's i8086 architecture; protected, with i386. */
static const char *const script_real[] = {
	"set architecture i8086", "TARGET", "info registers eip", "stepi",
	"continue", "x/1hx 0x400", "continue", NULL,
};
static const char *const script_protected[] = {
	"set architecture i386", "TARGET", "info registers eip", "stepi",
	"continue", "x/1wx 0x400", "continue", NULL,
};

START_TEST(test_gdb_16_32)
{
	static const char *const *const scripts[] = {
		script_real, script_protected,
	};
	static const char *const modes[][1] = { { "real" }, { "protected" } };
	static const char *const want[] = {
		"0x400:\t0x002a", "0x400:\t0x0000002a",
	};
	struct vmm_run r;
	const char *out = gdb_session(&r, scripts[_i], modes[_i], 1);

	assert_status(&r, 0);
	ck_assert_msg(strstr(out, "eip            0x8000"),
		      "expected gdb at the entry; gdb said:\n%s", out);
	ck_assert_msg(strstr(out, want[_i]),
		      "expected 42 at 0x400 at the halt; gdb said:\n%s", out);
	ck_assert_msg(strstr(out, "exited normally"),
		      "expected the guest to exit; gdb said:\n%s", out);
}
END_TEST

/* A packet with its checksum, or @raw as it is. */
static void send_packet(int fd, const char *text, bool raw)
{
	char pkt[128];
	uint8_t sum = 0;
	const char *p;

	for (p = text + 1; !raw && *p != '#'; p++)
		sum += *p;
	snprintf(pkt, sizeof(pkt), raw ? "%s" : "%s%02x", text, sum);
	if (write(fd, pkt, strlen(pkt)) < 0)
		_exit(3);
}

/*
 * Not gdb: a client whose packets are bad, each of which must get its
 * error reply; then it goes away without a word. Exits 0 if all did.
 */
static void __noreturn hostile_client(uint16_t port, const int alive[2])
{
	static const char *const bad[] = {
		"$g#00",			/* a wrong checksum: - */
		"$m10000000,10#",		/* outside RAM: E14 */
		"$m,#",				/* malformed: E01 */
		"$M400,2:zz#",			/* not hex: E01 */
		"$p99999999999999999#",		/* too long: E01 */
	};
	static const char *const want[] = { "-", "$E14#", "$E01#", "$E01#",
					    "$E01#" };
	struct sockaddr_in a = { .sin_family = AF_INET };
	unsigned int i;
	int fd, ok = 1;

	close(alive[1]);
	if (!wait_for_stub(port, alive[0]))
		_exit(4);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		_exit(2);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char got[256];
		ssize_t n;

		send_packet(fd, bad[i], i == 0);
		usleep(REPLY_WAIT_US);
		n = read(fd, got, sizeof(got) - 1);
		got[n > 0 ? n : 0] = '\0';
		if (!strstr(got, want[i])) {
			fprintf(stderr, "packet %s: got '%s'\n", bad[i], got);
			ok = 0;
		}
	}
	close(fd);
	_exit(ok ? 0 : 1);
}

START_TEST(test_gdb_hostile_client)
{
	uint16_t port = free_port();
	char port_arg[8];
	struct vmm_run r;
	int status, alive[2];
	pid_t pid;

	snprintf(port_arg, sizeof(port_arg), "%u", port);
	alive_pipe(alive);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		hostile_client(port, alive);
	close(alive[0]);
	VMM(&r, "--timeout", "20", "--gdb", port_arg, "real");
	close(alive[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the stub's replies were wrong (status %d); vmm: %s",
		      status, r.summary);
	/* The guest ran on to its end without the debugger. */
	assert_status(&r, 0);
	assert_stdout(&r, "Hello from real mode!\nFinished vmm\n");
	assert_stderr_has(&r, "gdb: the client went away");
}
END_TEST

START_TEST(test_gdb_port_taken)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	char port_arg[8];
	struct vmm_run r;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fd, 1), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	snprintf(port_arg, sizeof(port_arg), "%u", ntohs(a.sin_port));
	VMM(&r, "--gdb", port_arg, "real");
	close(fd);
	assert_status(&r, VMM_SETUP_ERROR);
	assert_stderr_has(&r, "--gdb: cannot listen on 127.0.0.1:");
	VMM(&r, "--gdb", "0", "real");
	assert_status(&r, VMM_SETUP_ERROR);
	assert_stderr_has(&r, "--gdb");
}
END_TEST

/*
 * gdb talks to the stub over TCP on 127.0.0.1, which a sandbox without
 * a network (KVMLAB_SANDBOX) does not share with the grader.
 */
#define GDB_NO_NETWORK	"the gdb stub is not tested in a sandbox: it has no network to share with gdb"

START_TEST(test_gdb_sandboxed)
{
	rubric_mark_not_run(rubric_current(), GDB_NO_NETWORK);
}
END_TEST

/*
 * Two extras: what needs task 1 only (real and protected mode), and
 * what needs long mode too (task 2), so that a student who finished
 * task 1 sees the first pass, whatever task 2's state.
 */
void debug_tests(void)
{
	TCase *kvm = rubric_tcase("debug", KVM);
	TCase *kvm_long = rubric_tcase("debug_long", KVM);

	tcase_add_test(kvm, test_crash_report_protected);
	tcase_add_test(kvm, test_crash_report_off);
	tcase_add_loop_test(kvm, test_trace, 0, 2);
	tcase_add_test(kvm, test_trace_data);
	tcase_add_test(kvm_long, test_crash_report_long);
	tcase_add_test(kvm_long, test_crash_report_walk_fails);
	tcase_add_loop_test(kvm_long, test_trace, 2, 3);
	if (sandbox_path()) {
		tcase_add_test(kvm, test_gdb_sandboxed);
		tcase_add_test(kvm_long, test_gdb_sandboxed);
		return;
	}
	tcase_add_loop_test(kvm, test_gdb_16_32, 0, 2);
	tcase_add_test(kvm, test_gdb_hostile_client);
	tcase_add_test(kvm, test_gdb_port_taken);
	tcase_add_test(kvm_long, test_gdb_long);
	tcase_add_test(kvm_long, test_gdb_breakpoint);
}
