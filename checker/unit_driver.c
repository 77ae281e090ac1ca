// SPDX-License-Identifier: GPL-2.0
/*
 * Running checker/unit from the judge. The driver is the VMM's code:
 * it may crash, hang, print anything or lie. So it reports on a pipe
 * of its own, within a deadline; the judge keeps a line only if it
 * parses, and knows which tests to expect from a list it trusts
 * (KVMLAB_UNIT_LIST, written from the instructor's build) or, grading
 * a tree of one's own, from the driver itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <kvmlab/kernel.h>

#include "rubric.h"
#include "runner.h"
#include "unit.h"
#include "unit_driver.h"

#define RESULTS_FD	3	/* the driver's descriptor for its report */
#define LIST_DEADLINE_S	10
#define RUN_DEADLINE_S	30	/* all unit tests: they take 0.2 s here */
#define PROBE_DEADLINE_S	15
#define LINE_MAX_LEN	16384
#define STATUS_LEN	128
#define PATH_MAX_LEN	4096
#define LOG_MAX		(64UL << 20)	/* bytes of unit.log */

struct child {
	pid_t pid;
	int fd;			/* the read end of the report pipe */
	bool timed_out;
	char status[STATUS_LEN];	/* how it ended, in words */
};

static const char *unit_path(void)
{
	static char path[4096];
	const char *p = getenv("KVMLAB_UNIT");
	const char *obj = getenv("KVMLAB_OBJTREE");

	if (p && *p)
		return p;
	snprintf(path, sizeof(path), "%s/checker/unit",
		 obj && *obj ? obj : ".");
	return path;
}

/* In the child: the report on fd 3, the rest of its output to a log. */
static void exec_driver(int wfd, const char *const *args)
{
	const char *argv[8];
	unsigned int n = 0, i;
	const char *sandbox = sandbox_path();
	struct rlimit lim;
	int log;

	setpgid(0, 0);
	/* First: the log must not take fd 3 and then lose it. */
	if (wfd != RESULTS_FD) {
		if (dup2(wfd, RESULTS_FD) < 0)
			_exit(127);
		close(wfd);
	}
	log = open(log_path("unit"), O_WRONLY | O_CREAT | O_APPEND |
		   O_CLOEXEC, 0644);
	/*
	 * What the VMM's code prints is kept, up to a point: a soft limit,
	 * which a sandbox may set again as it likes.
	 */
	if (!getrlimit(RLIMIT_FSIZE, &lim) && lim.rlim_max > LOG_MAX) {
		lim.rlim_cur = LOG_MAX;
		setrlimit(RLIMIT_FSIZE, &lim);
	}
	if (log < 0)
		log = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (dup2(log, STDOUT_FILENO) < 0 || dup2(log, STDERR_FILENO) < 0)
		_exit(127);
	if (sandbox)
		argv[n++] = sandbox;
	argv[n++] = unit_path();
	argv[n++] = "--results-fd";
	argv[n++] = "3";
	for (i = 0; args[i] && n + 1 < ARRAY_SIZE(argv); i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	execv(argv[0], (char *const *)argv);
	fprintf(stderr, "checker: cannot run %s: %s\n", argv[0],
		strerror(errno));
	_exit(127);
}

static int start(struct child *c, const char *const *args)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return -1;
	c->pid = fork();
	if (c->pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (c->pid == 0) {
		close(p[0]);
		/* dup2 clears O_CLOEXEC on fd 3; the write end needs it off. */
		exec_driver(p[1] == RESULTS_FD ? dup(p[1]) : p[1], args);
	}
	close(p[1]);
	c->fd = p[0];
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/*
 * Read the report line by line until it ends or @deadline_s passes;
 * then reap the driver's whole process group.
 */
static void collect(struct child *c, long deadline_s,
		    void (*line)(const char *, void *), void *arg)
{
	static char buf[LINE_MAX_LEN];
	long end = now_ms() + (long)(deadline_s * 1000 * time_scale());
	size_t have = 0;
	bool timed_out = false;
	int status;

	for (;;) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		long left = end - now_ms();
		ssize_t n;
		char *nl;

		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = read(c->fd, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			break;
		have += n;
		buf[have] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			*nl = '\0';
			line(buf, arg);
			have -= nl + 1 - buf;
			memmove(buf, nl + 1, have + 1);
		}
		if (have == sizeof(buf) - 1)
			have = 0;	/* a line too long: not one of ours */
	}
	close(c->fd);
	c->timed_out = timed_out;
	kill(-c->pid, SIGKILL);
	if (waitpid(c->pid, &status, 0) < 0)
		snprintf(c->status, sizeof(c->status), "lost");
	else if (timed_out)
		snprintf(c->status, sizeof(c->status),
			 "killed after %g s", deadline_s * time_scale());
	else if (WIFSIGNALED(status))
		snprintf(c->status, sizeof(c->status), "killed by signal %d",
			 WTERMSIG(status));
	else
		snprintf(c->status, sizeof(c->status), "exit status %d",
			 WEXITSTATUS(status));
}

struct report {
	struct outcomes *list;
	bool ended;		/* the driver's "end N" came */
};

static void add_line(const char *line, void *arg)
{
	struct report *r = arg;
	struct outcome o;

	if (!strncmp(line, UNIT_END " ", strlen(UNIT_END " "))) {
		r->ended = true;
		return;
	}
	if (outcome_parse(line, &o))
		return;
	outcomes_add(r->list, &o);
	free(o.msg);
}

/*
 * The tests to expect: the trusted list, or the driver's own. False if
 * the driver could not even list them (it crashed, or exited first).
 */
static bool expected_tests(const char *only, struct outcomes *want,
			   struct child *c)
{
	const char *path = getenv("KVMLAB_UNIT_LIST");
	static const char *const args[] = { "--list", NULL };
	struct report r = { want, false };

	if (path && *path) {
		static char line[LINE_MAX_LEN];
		FILE *f = fopen(path, "r");

		if (!f) {
			fprintf(stderr, "checker: KVMLAB_UNIT_LIST=%s: %s\n",
				path, strerror(errno));
			exit(2);
		}
		while (fgets(line, sizeof(line), f)) {
			struct outcome o;

			line[strcspn(line, "\n")] = '\0';
			if (outcome_parse(line, &o))
				continue;
			if (rubric_selected(rubric_item_of(o.tcase), only))
				outcomes_add(want, &o);
			free(o.msg);
		}
		fclose(f);
		return true;
	}
	if (start(c, args) == 0)
		collect(c, LIST_DEADLINE_S, add_line, &r);
	return r.ended;
}

/*
 * A driver that cannot list its tests fails before any of them: in
 * code every item runs on (a constructor, the start-up), so in task 1.
 */
static void unlisted(const char *only, struct outcomes *list,
		     const struct child *c)
{
	struct outcome o = { .kind = OUTCOME_ERROR, .test = "unit_driver",
			     .where = "checker/unit" };
	char msg[STATUS_LEN * 2 + PATH_MAX_LEN];

	if (only && !rubric_selected(rubric_find("real_mode"), only))
		return;
	snprintf(msg, sizeof(msg),
		 "the unit driver %s did not list its tests (%s; its output is in %s): code linked into it stops it first",
		 unit_path(), c->status, log_path("unit"));
	snprintf(o.tcase, sizeof(o.tcase), "real_mode/unit");
	o.msg = msg;
	outcomes_add(list, &o);
}

/*
 * Marks in the results, where forked KVM tests find them: the driver
 * is stuck (it hung listing or running its tests: a probe would only
 * wait for its deadline too), and each probe's answer, asked once.
 */
static const char *mark_path(const char *what)
{
	static char path[PATH_MAX_LEN];

	snprintf(path, sizeof(path), "%s/.unit-%s", results_dir(), what);
	return path;
}

static void mark(const char *what, const char *text)
{
	FILE *f = fopen(mark_path(what), "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* The last run's outcomes: forked KVM tests read them (unit_result). */
static const struct outcomes *last_run;

enum probe_answer unit_result(const char *tcase, const char *test)
{
	enum probe_answer answer = PROBE_UNKNOWN;
	unsigned int i;

	for (i = 0; last_run && i < last_run->n; i++) {
		const struct outcome *o = &last_run->v[i];

		if (strcmp(o->tcase, tcase) || strcmp(o->test, test))
			continue;
		if (o->kind != OUTCOME_PASS)
			return PROBE_FAILED;
		answer = PROBE_OK;
	}
	return answer;
}

void unit_driver_run(const char *only, struct outcomes *list)
{
	static const char *const args[] = { NULL };
	struct outcomes want = { .n = 0 }, got = { .n = 0 };
	struct child c = { .status = "not started" };
	struct report r = { &got, false };
	unsigned int i;

	last_run = list;
	unlink(mark_path("stuck"));
	unlink(mark_path("port-write"));
	unlink(mark_path("poll-bench"));
	if (!expected_tests(only, &want, &c)) {
		if (c.timed_out)
			mark("stuck", c.status);
		unlisted(only, list, &c);
		return;
	}
	if (start(&c, args) == 0)
		collect(&c, RUN_DEADLINE_S, add_line, &r);
	if (c.timed_out)
		mark("stuck", c.status);
	for (i = 0; i < want.n; i++) {
		struct outcome *w = &want.v[i];
		struct outcome *g = outcomes_find(&got, w->tcase, w->test,
						  w->iter);
		char msg[STATUS_LEN * 2 + PATH_MAX_LEN];

		if (g && g->kind != OUTCOME_LISTED) {
			outcomes_add(list, g);
			continue;
		}
		snprintf(msg, sizeof(msg),
			 "no result: the unit driver %s stopped before this test reported (%s; its output is in %s)",
			 unit_path(), c.status, log_path("unit"));
		w->kind = OUTCOME_ERROR;
		snprintf(w->where, sizeof(w->where), "%s", "checker/unit");
		free(w->msg);
		w->msg = msg;
		outcomes_add(list, w);
		w->msg = NULL;
	}
	outcomes_free(&want);
	outcomes_free(&got);
}

struct probe_reply {
	enum probe_answer answer;
	char *why;
	size_t len;
};

static void probe_line(const char *line, void *arg)
{
	struct probe_reply *r = arg;
	size_t n = strlen(UNIT_PROBE);

	if (strncmp(line, UNIT_PROBE " ", n + 1))
		return;
	line += n + 1;
	if (!strcmp(line, "ok")) {
		r->answer = PROBE_OK;
	} else if (!strncmp(line, "failed ", strlen("failed "))) {
		r->answer = PROBE_FAILED;
		snprintf(r->why, r->len, "%s", line + strlen("failed "));
	}
}

enum probe_answer unit_probe(const char *name, char *why, size_t len)
{
	const char *const args[] = { "--probe", name, NULL };
	struct probe_reply r = { PROBE_UNKNOWN, why, len };
	struct child c;

	char line[LINE_MAX_LEN] = "";
	FILE *f;

	why[0] = '\0';
	if (access(mark_path("stuck"), F_OK) == 0)
		return PROBE_UNKNOWN;
	/* Asked before, in this run: the same code gives that answer. */
	f = fopen(mark_path(name), "r");
	if (f) {
		if (fgets(line, sizeof(line), f))
			probe_line(line, &r);
		fclose(f);
		return r.answer;
	}
	if (start(&c, args) == 0)
		collect(&c, PROBE_DEADLINE_S, probe_line, &r);
	snprintf(line, sizeof(line), "%s %s%s", UNIT_PROBE,
		 r.answer == PROBE_OK ? "ok" :
		 r.answer == PROBE_FAILED ? "failed " : "unknown", why);
	mark(name, line);
	return r.answer;
}
