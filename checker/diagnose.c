// SPDX-License-Identifier: GPL-2.0
/*
 * Evidence before hints. A symptom ("nothing printed", a failed entry)
 * has many causes, so the hint comes from what can be checked: the
 * registers the VMM handed KVM (strace of the same command, run again
 * if the failed run was not traced and ended quickly), and the exit
 * handler fed a fake port write, asked of checker/unit (the probe
 * "port-write": the judge links no code of the VMM).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kvmlab/layout.h>

#include "core/log.h"
#include "diagnose.h"
#include "runner.h"
#include "unit_driver.h"
#include "vcpu_state.h"

#define LAB1_ENTRY	0x1000
#define DEFAULT_MEM	0x100000ULL
#define WHY_LEN		384

struct run_plan {
	const char *mode;	/* "real", "protected", "long", ... */
	uint64_t entry;
	uint64_t mem;
};

static const struct {
	const char *scenario, *mode;
} scenario_modes[] = {
	{ "real", "real" }, { "serial-in", "real" }, { "lab2", "real" },
	{ "lab1", "real" }, { "protected", "protected" },
	{ "mmio", "protected" }, { "paged", "paged" }, { "long", "long" },
	{ "simvirtio", "long" },
};

/* "64K", "3G", "0x1000": a --mem size, 0 if unreadable. */
static uint64_t size_of(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	switch (*end | 0x20) {
	case 'k':
		return v << 10;
	case 'm':
		return v << 20;
	case 'g':
		return v << 30;
	default:
		return *end ? 0 : v;
	}
}

/* The mode, entry and RAM of a run, from its command line. */
static void plan_of(const char *const *argv, struct run_plan *p)
{
	unsigned int i, j;
	uint64_t v;

	p->mode = NULL;
	p->entry = GUEST_IMAGE_ADDR;
	p->mem = DEFAULT_MEM;
	for (i = 0; argv[i]; i++) {
		const char *next = argv[i + 1];

		if (next && !strcmp(argv[i], "--mode")) {
			p->mode = next;
		} else if (next && !strcmp(argv[i], "--entry")) {
			p->entry = strtoull(next, NULL, 0);
		} else if (next && (!strcmp(argv[i], "--mem") ||
				    !strcmp(argv[i], "-m"))) {
			v = size_of(next);
			p->mem = v ? v : p->mem;
		} else if (!strcmp(argv[i], "--elf")) {
			p->mode = "real";
		}
		for (j = 0; j < sizeof(scenario_modes) /
			    sizeof(scenario_modes[0]); j++)
			if (!strcmp(argv[i], scenario_modes[j].scenario))
				p->mode = scenario_modes[j].mode;
		if (!strcmp(argv[i], "lab1"))
			p->entry = LAB1_ENTRY;
	}
}

/* The state the VMM set, from @r's trace or that of a second run. */
static bool state_of(const struct vmm_run *r, const char *const *argv,
		     struct kvm_sregs *s, struct kvm_regs *regs)
{
	static bool again;	/* the second run must not ask for a third */
	const struct run_opts o = { .trace = true };
	struct vmm_run *rr;
	bool ok;

	if (r->trace[0])
		return trace_sregs(r->trace, s) && trace_regs(r->trace, regs);
	/* A second run only of one that failed at once, not at a timeout. */
	if (again || r->hung || r->status == VMM_TIMEOUT)
		return false;
	rr = malloc(sizeof(*rr));
	if (!rr)
		return false;
	again = true;
	run_vmm(rr, "diagnose", &o, argv);
	again = false;
	ok = trace_sregs(rr->trace, s);
	trace_regs(rr->trace, regs);
	free(rr);
	return ok;
}

/* What the mode requires of the state, as "[requirement] detail". */
static bool mode_hint(const struct run_plan *p, const struct kvm_sregs *s,
		      const struct kvm_regs *regs, char *hint, size_t len)
{
	char why[WHY_LEN];
	const char *id = NULL;

	if (!p->mode)
		return false;
	if (!strcmp(p->mode, "real"))
		id = real_mode_problem(s, regs, p->entry, why, sizeof(why));
	else if (!strcmp(p->mode, "long"))
		id = long_mode_problem(s, regs, p->entry, p->mem, why,
				       sizeof(why));
	if (!id)
		return false;
	snprintf(hint, len, "the vCPU state the VMM set breaks [%s]: %s", id,
		 why);
	return true;
}

static bool stopped_at_start(const struct vmm_run *r)
{
	return strstr(r->err, "KVM_EXIT_FAIL_ENTRY") ||
	       strstr(r->err, "KVM_EXIT_SHUTDOWN") ||
	       strstr(r->err, "KVM_EXIT_INTERNAL_ERROR");
}

void diagnose(const struct vmm_run *r, const char *const *argv, char *hint,
	      size_t len)
{
	const bool refused = strstr(r->err, "KVM_SET_SREGS") ||
			     strstr(r->err, "KVM_SET_REGS");
	const bool silent = !r->out_len && (r->status == 1 ||
					    r->status == VMM_TIMEOUT);
	char why[WHY_LEN];
	struct kvm_sregs s;
	struct kvm_regs regs;
	struct run_plan p;

	hint[0] = '\0';
	if (r->skipped || r->status == 0)
		return;
	if (strstr(r->err, "simvirtio: last step")) {
		snprintf(hint, len, "SIMVIRTIO stopped early: the last step above says where the handshake stood");
		return;
	}
	plan_of(argv, &p);
	if ((refused || stopped_at_start(r) || silent) &&
	    state_of(r, argv, &s, &regs)) {
		if (sregs_refused(&s, why, sizeof(why))) {
			snprintf(hint, len, "KVM %s these special registers: %s",
				 refused ? "refuses" : "cannot enter with",
				 why);
			return;
		}
		if (mode_hint(&p, &s, &regs, hint, len))
			return;
		if (strstr(r->err, "KVM_EXIT_SHUTDOWN") && p.mode &&
		    !strcmp(p.mode, "long")) {
			snprintf(hint, len, "long mode shut down with registers that are right for it: look at the page tables CR3 0x%llx points to",
				 (unsigned long long)s.cr3);
			return;
		}
	}
	if (r->hung) {
		snprintf(hint, len, "the guest did not halt in time: does the exit loop resume the vCPU after each exit and stop at KVM_EXIT_HLT?");
		return;
	}
	if (silent &&
	    unit_probe("port-write", why, sizeof(why)) == PROBE_FAILED) {
		snprintf(hint, len, "nothing printed, and the exit handler does not hand a fake port write to its device: look at the port I/O handler (KVM_EXIT_IO, data_offset)");
		return;
	}
	if (refused)
		snprintf(hint, len, "KVM refused the registers the VMM set: the unit tests of the mode name the field");
}
