// SPDX-License-Identifier: GPL-2.0
/*
 * Task 5, exit profiling, proven without trusting any code a student
 * writes elsewhere: exact counts come from guests the grader owns
 * (checker/guests) or the kit's given guests, and every run's counts
 * are checked against strace's count of KVM_RUN calls in the same run
 * and against each other. The guests run in real and protected mode
 * only: the profiler needs task 1, not the later tasks.
 */
#include <stdio.h>
#include <stdlib.h>

#include <kvmlab/kernel.h>

#include "rubric.h"
#include "tests.h"

/* checker/guests/profile.asm, exactly. */
#define PROFILE_EXITS		52
#define PROFILE_IO		48
#define PROFILE_MMIO		3
#define PROFILE_SPREAD		40	/* unclaimed ports, one OUT each */
#define STATS_MAX_ADDRS		32	/* README: entries per table */
/* 0xe9 and 0x3fd take two entries, 30 spread ports the rest: 10 over. */
#define PROFILE_IO_OTHER	(PROFILE_SPREAD - (STATS_MAX_ADDRS - 2))
#define NS_PER_US		1000LL

/* The sum of the "count"s of a JSON table ("io" or "mmio"). */
static long long table_sum(const char *json, const char *key,
			   unsigned int *entries)
{
	char pattern[32];
	const char *p, *end;
	long long sum = 0;

	*entries = 0;
	snprintf(pattern, sizeof(pattern), "\"%s\":[", key);
	p = strstr(json, pattern);
	if (!p)
		return -1;
	end = strchr(p, ']');
	while ((p = strstr(p, "\"count\":")) && p < end) {
		p += strlen("\"count\":");
		sum += strtoll(p, NULL, 10);
		(*entries)++;
	}
	return sum;
}

static void profiled(struct vmm_run *r, const char *const *argv)
{
	const struct run_opts o = { .count_runs = true };

	run_vmm(r, "profiled", &o, argv);
	assert_ran(r);
	require("prof.formats", strstr(r->err, "\"kvm_runs\":"),
		"expected the --stats=json object on stderr; got %s",
		r->summary);
}

/* The grader's own guest: every counter, exactly. */
START_TEST(test_profile_exact)
{
	static const char *const entries[] = {
		"{\"port\":233,\"dir\":\"out\",\"count\":5}",
		"{\"port\":1021,\"dir\":\"in\",\"count\":3}",
		"{\"port\":1280,\"dir\":\"out\",\"count\":1}",
		"{\"addr\":1048576,\"dir\":\"write\",\"count\":2}",
		"{\"addr\":1048584,\"dir\":\"read\",\"count\":1}",
	};
	const char *const argv[] = { VMM_TIMEOUT_ARG, "--stats=json", "--mode",
			       "real", "--load", guest_path("profile"), NULL };
	struct vmm_run *r = malloc(sizeof(*r));
	const char *json;
	unsigned int i, n;

	ck_assert_ptr_nonnull(r);
	profiled(r, argv);
	json = r->err;
	require("prof.runs", json_count(json, "kvm_runs") == r->kvm_runs,
		"expected kvm_runs to be what strace saw, %lld; got %lld",
		r->kvm_runs, json_count(json, "kvm_runs"));
	require("prof.exits", json_count(json, "exits") == PROFILE_EXITS &&
		json_count(json, "KVM_EXIT_IO") == PROFILE_IO &&
		json_count(json, "KVM_EXIT_MMIO") == PROFILE_MMIO &&
		json_count(json, "KVM_EXIT_HLT") == 1,
		"expected %d exits: %d KVM_EXIT_IO, %d KVM_EXIT_MMIO, 1 KVM_EXIT_HLT (checker/guests/profile.asm); got exits %lld, IO %lld, MMIO %lld, HLT %lld",
		PROFILE_EXITS, PROFILE_IO, PROFILE_MMIO,
		json_count(json, "exits"), json_count(json, "KVM_EXIT_IO"),
		json_count(json, "KVM_EXIT_MMIO"),
		json_count(json, "KVM_EXIT_HLT"));
	for (i = 0; i < 3; i++)
		require("prof.io", strstr(json, entries[i]),
			"expected the port table to hold %s (per port and direction, first seen first); got %s",
			entries[i], r->summary);
	require("prof.io", table_sum(json, "io", &n) +
		json_count(json, "io_other") == PROFILE_IO &&
		n == STATS_MAX_ADDRS &&
		json_count(json, "io_other") == PROFILE_IO_OTHER,
		"expected %d port entries and the %d exits past them in io_other; got %u entries, io_other %lld",
		STATS_MAX_ADDRS, PROFILE_IO_OTHER, n,
		json_count(json, "io_other"));
	for (i = 3; i < ARRAY_SIZE(entries); i++)
		require("prof.mmio", strstr(json, entries[i]),
			"expected the MMIO table to hold %s (per address and direction); got %s",
			entries[i], r->summary);
	require("prof.unclaimed", json_count(json, "unclaimed_io") ==
		PROFILE_SPREAD &&
		json_count(json, "unclaimed_mmio") == PROFILE_MMIO,
		"expected %d unclaimed port and %d unclaimed MMIO accesses; got %lld and %lld",
		PROFILE_SPREAD, PROFILE_MMIO,
		json_count(json, "unclaimed_io"),
		json_count(json, "unclaimed_mmio"));
	require("prof.times", json_count(json, "ns_total") >=
		PROFILE_EXITS * NS_PER_US,
		"expected ns_total in nanoseconds, at least 1 us per exit (%lld); got %lld",
		PROFILE_EXITS * NS_PER_US, json_count(json, "ns_total"));
	free(r);
}
END_TEST

/* Any run: the counters agree with each other and with strace. */
static const char *const consistent_runs[][7] = {
	{ VMM_TIMEOUT_ARG, "--stats=json", "real" },
	{ VMM_TIMEOUT_ARG, "--stats=json", "--mode", "protected", "--load",
	  "ports" },
	{ VMM_TIMEOUT_ARG, "--stats=json", "--mode", "protected", "--load",
	  "mmio" },
};

START_TEST(test_profile_consistent)
{
	const char *argv[8] = {};
	struct vmm_run *r = malloc(sizeof(*r));
	long long exits, io, mmio, by_reason = 0;
	unsigned int n;
	const char *p;

	ck_assert_ptr_nonnull(r);
	memcpy(argv, consistent_runs[_i], sizeof(consistent_runs[_i]));
	if (argv[6])
		argv[6] = guest_path(argv[6]);
	profiled(r, argv);
	exits = json_count(r->err, "exits");
	io = json_count(r->err, "KVM_EXIT_IO");
	mmio = json_count(r->err, "KVM_EXIT_MMIO");
	require("prof.runs", json_count(r->err, "kvm_runs") == r->kvm_runs,
		"expected kvm_runs to be what strace saw, %lld; got %lld",
		r->kvm_runs, json_count(r->err, "kvm_runs"));
	p = strstr(r->err, "\"exits_by_reason\":{");
	for (p = p ? strchr(p, '{') : NULL; p && *p && *p != '}'; p++)
		if (*p == ':')
			by_reason += strtoll(p + 1, NULL, 10);
	require("prof.consistent", exits + json_count(r->err, "interrupted") ==
		r->kvm_runs && by_reason + json_count(r->err, "other_reasons") ==
		exits,
		"expected exits + interrupted == kvm_runs (%lld) and the reasons to add up to exits; got exits %lld, reasons %lld",
		r->kvm_runs, exits, by_reason);
	require("prof.consistent",
		table_sum(r->err, "io", &n) + json_count(r->err, "io_other") ==
		(io < 0 ? 0 : io) &&
		table_sum(r->err, "mmio", &n) + json_count(r->err, "mmio_other") ==
		(mmio < 0 ? 0 : mmio),
		"expected the port table to add up to the %lld IO exits and the MMIO table to the %lld MMIO exits; got %s",
		io, mmio, r->summary);
	free(r);
}
END_TEST

/* Times: nanoseconds, non-zero, adding up, within the wall time. */
START_TEST(test_profile_times)
{
	const char *const argv[] = { VMM_TIMEOUT_ARG, "--stats=json", "--mode",
			       "real", "--load", guest_path("busy"), NULL };
	struct vmm_run *r = malloc(sizeof(*r));
	long long kvm, vmm, total;

	ck_assert_ptr_nonnull(r);
	profiled(r, argv);
	kvm = json_count(r->err, "ns_in_kvm");
	vmm = json_count(r->err, "ns_in_vmm");
	total = json_count(r->err, "ns_total");
	require("prof.times", kvm > 0 && total > 0 && vmm >= 0 &&
		kvm + vmm == total,
		"expected non-zero ns_in_kvm and ns_total, ns_in_kvm + ns_in_vmm == ns_total; got %lld + %lld, total %lld",
		kvm, vmm, total);
	require("prof.times", total <= r->wall_ns,
		"expected ns_total no more than the run's wall time (%lld ns); got %lld",
		r->wall_ns, total);
	require("prof.times", kvm >= vmm,
		"expected a guest that spins without exits to spend most of its time inside KVM_RUN; got %lld ns in KVM_RUN, %lld ns in the VMM",
		kvm, vmm);
	free(r);
}
END_TEST

/* The given guests: exact, and as strace counts them. */
struct profile {
	const char *scenario;
	long long io, exits;
};

static const struct profile profiles[] = {
	{ "real", 22, 23 },
	{ "protected", 34, 35 },
	{ "lab1", 2, 3 },
};

START_TEST(test_exit_profile)
{
	const struct profile *p = &profiles[_i];
	const char *const argv[] = { VMM_TIMEOUT_ARG, "--stats=json", p->scenario,
			       NULL };
	struct vmm_run *r = malloc(sizeof(*r));

	ck_assert_ptr_nonnull(r);
	profiled(r, argv);
	require("prof.builtin", r->kvm_runs == p->exits &&
		json_count(r->err, "exits") == p->exits &&
		json_count(r->err, "KVM_EXIT_IO") == p->io &&
		json_count(r->err, "KVM_EXIT_HLT") == 1,
		"expected %s to make %lld exits (%lld IO, 1 HLT), as strace sees; strace saw %lld, the profile says %s",
		p->scenario, p->exits, p->io, r->kvm_runs, r->err);
	free(r);
}
END_TEST

START_TEST(test_stats_formats)
{
	static const char *const keys[] = {
		"\"kvm_runs\":", "\"interrupted\":", "\"exits\":",
		"\"exits_by_reason\":{", "\"other_reasons\":", "\"io\":[",
		"\"io_other\":", "\"mmio\":[", "\"mmio_other\":",
		"\"unclaimed_io\":", "\"unclaimed_mmio\":",
		"\"ns_in_kvm\":", "\"ns_in_vmm\":", "\"ns_total\":",
		"{\"port\":1016,\"dir\":\"out\",\"count\":2}",
	};
	struct vmm_run r;
	unsigned int i;

	VMM(&r, VMM_TIMEOUT_ARG, "--stats=json", "lab1");
	assert_ran(&r);
	require("prof.formats", r.err[0] == '{' && line_count(r.err) == 1,
		"expected one JSON object on one line; got %s", r.summary);
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		require("prof.formats", strstr(r.err, keys[i]),
			"expected %s in the JSON profile; got %s", keys[i],
			r.summary);

	VMM(&r, VMM_TIMEOUT_ARG, "--stats", "lab1");
	assert_ran(&r);
	require("prof.formats", strstr(r.err, "vmm: exit statistics\n") &&
		strstr(r.err, "KVM_EXIT_HLT") &&
		strstr(r.err, "time in KVM_RUN") && strstr(r.err, "0x3f8"),
		"expected the --stats table (reasons, ports, times); got %s",
		r.summary);
}
END_TEST

/* Unclaimed accesses are counted, each one. */
START_TEST(test_unclaimed_profile)
{
	struct vmm_run r;

	VMM(&r, VMM_TIMEOUT_ARG, "--stats=json", "--mode", "protected",
	    "--load", guest_path("mmio"));
	assert_ran(&r);
	/* Three stores and three loads. */
	require("prof.unclaimed",
		strstr(r.err, "\"unclaimed_io\":0,\"unclaimed_mmio\":6,"),
		"expected 0 unclaimed port and 6 unclaimed MMIO accesses; got %s",
		r.summary);
}
END_TEST

void profiling_tests(void)
{
	TCase *prof = rubric_tcase("exit_profiling", KVM);

	tcase_add_test(prof, test_profile_exact);
	tcase_add_loop_test(prof, test_profile_consistent, 0,
			    ARRAY_SIZE(consistent_runs));
	tcase_add_test(prof, test_profile_times);
	tcase_add_loop_test(prof, test_exit_profile, 0, ARRAY_SIZE(profiles));
	tcase_add_test(prof, test_stats_formats);
	tcase_add_test(prof, test_unclaimed_profile);
}
