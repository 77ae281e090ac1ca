/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running vmm/vmm as the user would: a child process with its own
 * stdin, stdout and stderr, a hard deadline, and a transcript saved
 * under the build directory for every run.
 */
#ifndef CHECKER_RUNNER_H
#define CHECKER_RUNNER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/log.h"	/* enum vmm_status: what vmm/vmm exits with */

#define RUN_OUTPUT_MAX	(64 * 1024)
#define RUN_TRACE_MAX	(64 * 1024)
/*
 * The runner kills a VMM still running this long after the --timeout
 * it was given, or after RUN_DEADLINE without one.
 */
#define RUN_DEADLINE	20
#define RUN_GRACE_MS	5000

struct run_opts {
	const char *input;		/* written to stdin, then EOF */
	const char *const *env;		/* extra NAME=VALUE, NULL-ended */
	bool drop_root;			/* run as nobody, if root */
	bool count_runs;		/* count KVM_RUN calls with strace */
	bool trace;			/* and keep its other lines (-v) */
	bool stdout_stalled;		/* stdout: a pipe nobody reads */
	bool stdin_open;		/* stdin: never an end of file */
};

struct vmm_run {
	int status;			/* exit status, or 128 + signal */
	bool killed;			/* past its deadline */
	bool hung;			/* killed, or its own --timeout */
	bool skipped;			/* not run: an earlier run hung */
	char out[RUN_OUTPUT_MAX];
	size_t out_len;
	char err[RUN_OUTPUT_MAX];
	size_t err_len;
	char summary[1280];		/* for failure messages */
	long long kvm_runs;		/* counted by strace, or -1 */
	char trace[RUN_TRACE_MAX];	/* strace's lines but KVM_RUN */
	long wall_ms;			/* fork to exit */
	long long wall_ns;
	long long cpu_ns;		/* user + system, all its threads */
};

/*
 * KVMLAB_TIME_SCALE=N (make check-svm: everything runs under TCG there)
 * stretches the runner's deadline and every "--timeout T" the tests
 * pass to T * N: a safety net, never a measurement, so the outcomes
 * stay the same, only later.
 */
double time_scale(void);

/* Which KVM the tests run on, for the outcomes that differ by host. */
enum kvm_host {
	HOST_KVM_OTHER,
	HOST_KVM_INTEL,		/* kvm-intel: VMX */
	HOST_KVM_AMD,		/* kvm-amd: SVM (make check-svm) */
	HOST_KVM_PVM,		/* kvm-pvm: this project's usual host */
};
enum kvm_host kvm_host(void);

/* Run the VMM with @argv (NULL-ended, without argv[0]). */
int run_vmm(struct vmm_run *r, const char *name, const struct run_opts *o,
	    const char *const *argv);

#define VMM(r, ...)							\
	run_vmm(r, __func__, NULL, (const char *const[]){ __VA_ARGS__, NULL })
#define VMM_OPTS(r, o, ...)						\
	run_vmm(r, __func__, o, (const char *const[]){ __VA_ARGS__, NULL })

/* Paths of the VMM and of a test guest built with the checker. */
const char *vmm_path(void);
/*
 * KVMLAB_SANDBOX: the program every process of the submission runs
 * under ("SANDBOX PROGRAM ARGS..."), or NULL to run them as they are.
 * It must run them as a user other than root, sharing /tmp with the
 * grader and seeing the grader's guests and programs.
 */
const char *sandbox_path(void);
/* KVMLAB_RESULTS, KVMLAB_LOGS, or under the objtree's checker/. */
const char *results_dir(void);
/* The transcript of the test @name: LOGS/@name.log. */
const char *log_path(const char *name);
const char *guest_path(const char *name);
/*
 * mkstemp() and mkdtemp() of TMPDIR/@name-XXXXXX (TMPDIR: /tmp if
 * unset) into @path, TMP_PATH_MAX bytes, open to the VMM whatever
 * user it runs as. A sandbox shows TMPDIR at its own path.
 */
#define TMP_PATH_MAX		512
#define SHARED_FILE_MODE	0666
#define SHARED_DIR_MODE		0777
int shared_tmp_file(char *path, const char *name);
char *shared_tmp_dir(char *path, const char *name);

/* A Lab 2 test program built with the checker. */
const char *program_path(const char *name);

/*
 * Fail the test at once if @r was skipped: an earlier run of its item
 * hung, and the item's other runs are not worth the wait.
 */
void assert_ran(const struct vmm_run *r);

/* @s with control bytes escaped (\0, \n, \x01...), for a message. */
const char *escaped(const char *s, size_t len, char *buf, size_t size);

/* A counter from --stats=json output, or -1 if it is not there. */
long long json_count(const char *json, const char *key);

/* How many times @needle occurs in @hay. */
unsigned int count_of(const char *hay, const char *needle);
unsigned int line_count(const char *s);

#endif /* CHECKER_RUNNER_H */
