// SPDX-License-Identifier: GPL-2.0
/*
 * Tasks 1 and 2 as the host sees them: the VMM's system calls, traced
 * by strace in a real run, with their arguments. This checks what no
 * guest can show: KVM_SET_TSS_ADDR changes nothing visible on AMD, the
 * RAM's mapping flags change nothing visible anywhere. The registers
 * the VMM hands KVM are checked for what the mode requires, whatever
 * values a correct VMM picks.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <kvmlab/kernel.h>
#include <kvmlab/layout.h>

#include "rubric.h"
#include "tests.h"
#include "vcpu_state.h"

#define MIB		0x100000ULL
#define GIB		0x40000000ULL
#define FOUR_GIB	(4 * GIB)
#define PAGE		0x1000ULL
#define TSS_PAGES	3
#define LAB1_ENTRY	0x1000

static void traced(struct vmm_run *r, const char *const *argv)
{
	const struct run_opts o = { .trace = true };

	run_vmm(r, "traced", &o, argv);
	assert_ran(r);
	ck_assert_msg(r->trace[0], "strace recorded nothing: is strace installed? %s",
		      r->summary);
}

/* "ioctl(4, ..." and "mmap(..., 5, 0) = ...": the fd a call works on. */
static long long ioctl_fd(const char *line)
{
	const char *p = strstr(line, "ioctl(");

	return p ? strtoll(p + strlen("ioctl("), NULL, 10) : -1;
}

/* The argument after "NAME, " of an ioctl line, as a number. */
static uint64_t ioctl_arg(const char *line, const char *name)
{
	const char *p = strstr(line, name);

	return p ? strtoull(p + strlen(name) + 2, NULL, 0) : UINT64_MAX;
}

static long long result_of(const char *line)
{
	long long v = -1;

	return line && trace_result(line, &v) ? v : -1;
}

/* The mmap call that returned @addr, or NULL. */
static const char *mmap_returning(const char *trace, uint64_t addr)
{
	const char *line;
	unsigned int i;

	for (i = 0; (line = trace_call(trace, "mmap", i)); i++) {
		long long v;

		if (trace_result(line, &v) && (uint64_t)v == addr)
			return line;
	}
	return NULL;
}

static bool has_flag(const char *line, const char *flag)
{
	const char *end = strchr(line, '\n'), *p = line;
	size_t len = strlen(flag);

	while ((p = strstr(p, flag)) && (!end || p < end)) {
		if (strchr("|, ", p[-1]) && strchr("|,)", p[len]))
			return true;
		p += len;
	}
	return false;
}

struct setup_run {
	const char *argv[5];
	uint64_t mem;
	const char *slot_flags;		/* as strace names them */
};

static const struct setup_run setups[] = {
	{ { VMM_TIMEOUT_ARG, "real" }, MIB, "flags=0" },
	{ { "--mem", "64K", "real" }, 64 * 1024, "flags=0" },
	{ { "--mem", "3G", "long" }, 3 * GIB, "flags=0" },
	{ { "--dirty-log", "real" }, MIB, "flags=KVM_MEM_LOG_DIRTY_PAGES" },
};

/* The VM: version, VM, TSS, RAM, its advice, its memory slot. */
START_TEST(test_vm_setup)
{
	const struct setup_run *s = &setups[_i];
	const char *version, *create, *tss, *slot, *map, *advice;
	uint64_t tss_addr, gpa = 1, size = 0, uaddr = 0;
	struct vmm_run *r = malloc(sizeof(*r));
	char want[64];
	long long kvm_fd, vm_fd;

	ck_assert_ptr_nonnull(r);
	traced(r, s->argv);

	version = trace_call(r->trace, "KVM_GET_API_VERSION", 0);
	create = trace_call(r->trace, "KVM_CREATE_VM", 0);
	require("real.create_vm", create && result_of(create) >= 0 &&
		ioctl_arg(create, "KVM_CREATE_VM") == 0,
		"expected KVM_CREATE_VM, machine type 0, to return the VM's fd; got %.120s",
		create ? create : "no KVM_CREATE_VM call");
	kvm_fd = ioctl_fd(create);
	vm_fd = result_of(create);
	require("real.api_version", version && version < create &&
		ioctl_fd(version) == kvm_fd,
		"expected KVM_GET_API_VERSION on the /dev/kvm fd (%lld) before KVM_CREATE_VM; got %.120s",
		kvm_fd, version ? version : "no KVM_GET_API_VERSION call");

	tss = trace_call(r->trace, "KVM_SET_TSS_ADDR", 0);
	require("real.tss_addr", tss, "expected a KVM_SET_TSS_ADDR call on the VM fd (the assignment: 0xfffbd000); got none");
	tss_addr = ioctl_arg(tss, "KVM_SET_TSS_ADDR");
	require("real.tss_addr", ioctl_fd(tss) == vm_fd &&
		!(tss_addr % PAGE) && tss_addr >= s->mem &&
		tss_addr + TSS_PAGES * PAGE <= FOUR_GIB,
		"expected KVM_SET_TSS_ADDR on the VM fd %lld with 3 pages below 4 GiB, outside the %" PRIu64 " bytes of RAM; got %.120s",
		vm_fd, s->mem, tss);

	slot = trace_call(r->trace, "KVM_SET_USER_MEMORY_REGION", 0);
	require("real.memslot", slot, "expected KVM_SET_USER_MEMORY_REGION; got no call");
	trace_field(slot, "guest_phys_addr", &gpa);
	trace_field(slot, "memory_size", &size);
	trace_field(slot, "userspace_addr", &uaddr);
	require("real.memslot", ioctl_fd(slot) == vm_fd && gpa == 0 &&
		size == s->mem && strstr(slot, s->slot_flags) &&
		result_of(slot) == 0,
		"expected one slot on the VM fd %lld: guest_phys_addr=0, memory_size=%" PRIu64 ", %s; got %.200s",
		vm_fd, s->mem, s->slot_flags, slot);

	map = mmap_returning(r->trace, uaddr);
	/* PROT_WRITE alone, as the assignment has it, reads too on x86. */
	require("real.ram_mmap", map && has_flag(map, "PROT_WRITE") &&
		has_flag(map, "MAP_PRIVATE") &&
		has_flag(map, "MAP_ANONYMOUS") &&
		has_flag(map, "MAP_NORESERVE") &&
		ioctl_arg(map, "mmap(NULL") == s->mem,
		"expected the slot's RAM mmap'ed writable (PROT_WRITE), MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, %" PRIu64 " bytes; got %.160s",
		s->mem, map ? map : "no mmap returned the slot's address");

	snprintf(want, sizeof(want), "madvise(0x%" PRIx64 ", %" PRIu64
		 ", MADV_MERGEABLE)", uaddr, s->mem);
	advice = strstr(r->trace, want);
	require("real.madvise", advice,
		"expected %s; got %s", want,
		trace_call(r->trace, "madvise", 0) ?
		trace_call(r->trace, "madvise", 0) : "no madvise call");
	free(r);
}
END_TEST

/* The vCPU: created on the VM fd, kvm_run mapped at the right size. */
START_TEST(test_vcpu_setup)
{
	const char *const argv[] = { VMM_TIMEOUT_ARG, "real", NULL };
	struct vmm_run *r = malloc(sizeof(*r));
	const char *create_vm, *create, *size_call, *map;
	long long vm_fd, vcpu_fd, size;
	unsigned int i;
	char want[128];

	ck_assert_ptr_nonnull(r);
	traced(r, argv);
	create_vm = trace_call(r->trace, "KVM_CREATE_VM", 0);
	vm_fd = result_of(create_vm);
	create = trace_call(r->trace, "KVM_CREATE_VCPU", 0);
	vcpu_fd = result_of(create);
	require("real.vcpu_create", create && ioctl_fd(create) == vm_fd &&
		ioctl_arg(create, "KVM_CREATE_VCPU") == 0 && vcpu_fd >= 0,
		"expected KVM_CREATE_VCPU, id 0, on the VM fd %lld; got %.120s",
		vm_fd, create ? create : "no KVM_CREATE_VCPU call");
	size_call = trace_call(r->trace, "KVM_GET_VCPU_MMAP_SIZE", 0);
	size = result_of(size_call);
	require("real.vcpu_mmap", size_call && size > 0 &&
		ioctl_fd(size_call) == ioctl_fd(create_vm),
		"expected KVM_GET_VCPU_MMAP_SIZE on the /dev/kvm fd; got %.120s",
		size_call ? size_call : "no KVM_GET_VCPU_MMAP_SIZE call");
	snprintf(want, sizeof(want), ", %lld, PROT_READ|PROT_WRITE, MAP_SHARED, %lld, 0)",
		 size, vcpu_fd);
	for (i = 0; (map = trace_call(r->trace, "mmap", i)); i++)
		if (strstr(map, want) && strstr(map, want) < strchr(map, '\n'))
			break;
	require("real.vcpu_mmap", map,
		"expected kvm_run mapped as mmap(..., %lld, PROT_READ|PROT_WRITE, MAP_SHARED, %lld, 0); no mmap of the vCPU fd matches",
		size, vcpu_fd);
	free(r);
}
END_TEST

struct entry_run {
	const char *argv[9];
	uint64_t entry;
};

static const struct entry_run real_entries[] = {
	{ { VMM_TIMEOUT_ARG, "real" }, GUEST_IMAGE_ADDR },
	{ { VMM_TIMEOUT_ARG, "--mode", "real", "--load", NULL, "--entry",
	    "0x8010" }, 0x8010 },
	{ { VMM_TIMEOUT_ARG, "lab1" }, LAB1_ENTRY },
};

/* Real mode: CS:IP reaches the entry, any split; RFLAGS 2; no PE. */
START_TEST(test_real_registers)
{
	const char *argv[ARRAY_SIZE(real_entries[0].argv) + 1] = {};
	struct vmm_run *r = malloc(sizeof(*r));
	const char *id;
	struct kvm_sregs s;
	struct kvm_regs regs;
	char why[384];

	ck_assert_ptr_nonnull(r);
	memcpy(argv, real_entries[_i].argv, sizeof(real_entries[_i].argv));
	if (_i == 1)
		argv[5] = guest_path("entry");
	traced(r, argv);
	require("real.cs_ip", trace_sregs(r->trace, &s) &&
		trace_regs(r->trace, &regs),
		"expected KVM_SET_SREGS and KVM_SET_REGS before the run; got %s",
		r->summary);
	id = real_mode_problem(&s, &regs, real_entries[_i].entry, why,
			       sizeof(why));
	ck_assert_msg(!id, "[%s] %s", id, why);
	free(r);
}
END_TEST

static const struct entry_run long_entries[] = {
	{ { VMM_TIMEOUT_ARG, "long" }, MIB },
	{ { VMM_TIMEOUT_ARG, "--mem", "3G", "long" }, 3 * GIB },
};

/* Long mode: the registers the mode needs, whatever else is set. */
START_TEST(test_long_registers)
{
	struct vmm_run *r = malloc(sizeof(*r));
	const char *id;
	struct kvm_sregs s;
	struct kvm_regs regs;
	char why[384];

	ck_assert_ptr_nonnull(r);
	traced(r, long_entries[_i].argv);
	require("long.entry", trace_sregs(r->trace, &s) &&
		trace_regs(r->trace, &regs),
		"expected KVM_SET_SREGS and KVM_SET_REGS before the run; got %s",
		r->summary);
	id = long_mode_problem(&s, &regs, GUEST_IMAGE_ADDR,
			       long_entries[_i].entry, why, sizeof(why));
	ck_assert_msg(!id, "[%s] %s", id, why);
	free(r);
}
END_TEST

/* checker/guests/profile.asm: 52 exits, on any host. */
#define PROFILE_EXITS	52

/* The exit loop: one KVM_RUN per exit, until the halt. */
START_TEST(test_run_loop)
{
	const struct run_opts o = { .count_runs = true };
	struct vmm_run *r = malloc(sizeof(*r));

	ck_assert_ptr_nonnull(r);
	VMM_OPTS(r, &o, VMM_TIMEOUT_ARG, "--mode", "real", "--load",
		 guest_path("profile"));
	assert_ran(r);
	require("real.kvm_run", r->status == 0 && !strcmp(r->out, "prof\n"),
		"expected the grader's profile guest to print \"prof\" and halt; got %s",
		r->summary);
	require("real.kvm_run", r->kvm_runs == PROFILE_EXITS,
		"expected %d KVM_RUN calls (the guest makes %d exits); strace saw %lld",
		PROFILE_EXITS, PROFILE_EXITS, r->kvm_runs);
	free(r);
}
END_TEST

void setup_tests(void)
{
	TCase *real = rubric_tcase("real_mode", KVM);
	TCase *lng = rubric_tcase("long_mode", KVM);

	tcase_add_loop_test(real, test_vm_setup, 0, ARRAY_SIZE(setups));
	tcase_add_test(real, test_vcpu_setup);
	tcase_add_loop_test(real, test_real_registers, 0,
			    ARRAY_SIZE(real_entries));
	tcase_add_test(real, test_run_loop);
	tcase_add_loop_test(lng, test_long_registers, 0,
			    ARRAY_SIZE(long_entries));
}
