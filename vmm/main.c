// SPDX-License-Identifier: GPL-2.0
/*
 * vmm: run one guest on KVM. The steps, in order: read the command
 * line, create the VM and its RAM, plug in the devices, load the guest,
 * create the vCPU and put it in the guest's mode, run it until it
 * halts, then check and report.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kvmlab/layout.h>
#include <kvmlab/x86.h>

#include "args.h"
#include "result.h"
#include "devices.h"
#include "loader.h"
#include "log.h"
#include "probe.h"
#include "run.h"
#include "scenario.h"
#include "simvirtio_poll.h"
#include "timeout.h"


/* What to run: a built-in scenario, or a flat binary from a file. */
struct guest_plan {
	const char *name;
	const struct scenario *scenario;	/* NULL for --load */
	enum cpu_mode mode;
	uint64_t load_addr;
	uint64_t load_size;
	uint64_t entry;
};

struct vmm {
	struct vm vm;
	struct vcpu vcpu;
	struct debugcon debugcon;
	struct serial serial;
	struct simvirtio_dev *simvirtio;	/* NULL: not attached */
	struct simvirtio_dev simvirtio_dev;
	struct simvirtio_poller poller;
};

static void plan_guest(const struct vmm_options *opts,
		       struct guest_plan *plan)
{
	plan->scenario = opts->scenario ? scenario_find(opts->scenario) : NULL;
	if (plan->scenario) {
		plan->name = plan->scenario->name;
		plan->mode = plan->scenario->mode;
		plan->load_addr = plan->scenario->load_addr;
	} else {
		plan->name = opts->load_path;
		plan->mode = opts->mode;
		plan->load_addr = opts->has_load_addr ? opts->load_addr :
							GUEST_IMAGE_ADDR;
	}
	plan->entry = opts->has_entry ? opts->entry : plan->load_addr;
}

static int load_guest(struct vmm *vmm, const struct vmm_options *opts,
		      struct guest_plan *plan)
{
	const struct scenario *s = plan->scenario;
	struct guest_mem *mem = &vmm->vm.mem;

	if (!s)
		return load_file(mem, plan->load_addr, opts->load_path,
				 &plan->load_size);
	plan->load_size = s->image_end - s->image;
	return load_image(mem, plan->load_addr, s->image, plan->load_size,
			  s->name);
}

/* Where the vCPU starts must be RAM, reachable in its mode. */
static int check_entry(const struct vmm *vmm, const struct guest_plan *plan)
{
	if (!guest_range_ok(&vmm->vm.mem, plan->entry, 1) ||
	    plan->entry >= mode_entry_limit(plan->mode)) {
		pr_err("entry 0x%llx is outside RAM (%llu bytes) or beyond what %s mode reaches",
		       (unsigned long long)plan->entry,
		       (unsigned long long)vmm->vm.mem.size,
		       mode_name(plan->mode));
		return -1;
	}
	return 0;
}

/* What the VMM writes for the mode must not overwrite the image. */
static int check_reserved(const struct guest_plan *plan)
{
	uint64_t start, end;

	mode_reserved(plan->mode, &start, &end);
	/* The image is in RAM (load_image() checked): no overflow here. */
	if (plan->load_addr < end &&
	    plan->load_addr + plan->load_size > start) {
		pr_err("%s at 0x%llx overlaps the GDT and page tables the VMM writes for %s mode at [0x%llx, 0x%llx); load it at 0x%llx or above",
		       plan->name, (unsigned long long)plan->load_addr,
		       mode_name(plan->mode), (unsigned long long)start,
		       (unsigned long long)end, (unsigned long long)end);
		return -1;
	}
	return 0;
}

/* The SIMVIRTIO device sits at the start of the window past RAM. */
static int attach_simvirtio(struct vmm *vmm, const struct vmm_options *opts)
{
	struct simvirtio_dev *dev = &vmm->simvirtio_dev;

	simvirtio_init(dev, &vmm->vm.mem, vmm->vm.mem.size,
		       opts->polling ? SIMVIRTIO_TRANSPORT_POLLING :
				       SIMVIRTIO_TRANSPORT_EXITS,
		       opts->payload_len, stdout, stderr);
	if (simvirtio_register(dev, &vmm->vm.mmio)) {
		simvirtio_destroy(dev);
		return -1;
	}
	vmm->simvirtio = dev;
	return 0;
}

static int register_devices(struct vmm *vmm, const struct vmm_options *opts)
{
	if (debugcon_register(&vmm->debugcon, &vmm->vm.pio, stdout) ||
	    serial_register(&vmm->serial, &vmm->vm.pio, stdout,
			    STDIN_FILENO) ||
	    (opts->simvirtio && attach_simvirtio(vmm, opts))) {
		pr_err("cannot register the devices");
		return -1;
	}
	return 0;
}

/* Mode, entry and stack from the plan, then the registers asked for. */
static int setup_vcpu_state(struct vmm *vmm, const struct vmm_options *opts,
			    const struct guest_plan *plan)
{
	const struct scenario *s = plan->scenario;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	unsigned int i;

	if (vcpu_get_sregs(&vmm->vcpu, &sregs))
		return -1;
	if (mode_setup(plan->mode, &vmm->vm.mem, plan->entry, &sregs, &regs)) {
		pr_err("cannot set up %s mode",
		       mode_name(plan->mode));
		return -1;
	}
	/* Boot protocol: RDI holds the device window, 0 if no device. */
	regs.rdi = vmm->simvirtio ? vmm->simvirtio->base : 0;
	for (i = 0; s && i < s->nregs; i++)
		regs_assign(&regs, &s->regs[i]);
	for (i = 0; i < opts->nregs; i++)
		regs_assign(&regs, &opts->regs[i]);
	if (vcpu_set_sregs(&vmm->vcpu, &sregs) ||
	    vcpu_set_regs(&vmm->vcpu, &regs))
		return -1;
	return 0;
}

/*
 * Some hosts (nested KVM among them) cannot run 32-bit paging: the vCPU
 * shuts down on its very first entry, before any instruction. When a
 * paged guest stops so, ask the host with a guest that cannot fault.
 */
static bool paging_refused(const struct vcpu *vcpu,
			   const struct guest_plan *plan,
			   const struct run_state *state,
			   const struct kvm_regs *regs)
{
	return plan->mode == MODE_PAGED && state->stats.runs == 1 &&
	       vcpu->run->exit_reason == KVM_EXIT_SHUTDOWN &&
	       regs->rip == plan->entry && probe_paged_mode() == 0;
}

static int report_stop(struct vmm *vmm, const struct guest_plan *plan,
		       const struct run_state *state)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	char why[256];

	if (vcpu_get_regs(&vmm->vcpu, &regs) ||
	    vcpu_get_sregs(&vmm->vcpu, &sregs))
		return VMM_GUEST_FAILED;
	if (paging_refused(&vmm->vcpu, plan, state, &regs)) {
		pr_err("this host's KVM does not support 32-bit paging (even a guest that is one hlt shuts down before it runs)");
		return VMM_UNSUPPORTED;
	}
	exit_describe(&state->exit, vmm->vcpu.run, why, sizeof(why));
	/* In real mode RIP is an offset in CS: name both. */
	if (!(sregs.cr0 & X86_CR0_PE))
		pr_err("%s in real mode at cs:ip 0x%04x:0x%04llx", why,
		       sregs.cs.selector, (unsigned long long)regs.rip);
	else
		pr_err("%s in %s mode at rip 0x%llx", why,
		       mode_of_sregs(&sregs), (unsigned long long)regs.rip);
	return VMM_GUEST_FAILED;
}

static int report_halt(struct vmm *vmm, const struct guest_plan *plan)
{
	struct kvm_regs regs;

	if (vcpu_get_regs(&vmm->vcpu, &regs))
		return VMM_GUEST_FAILED;
	if (!plan->scenario)
		return VMM_OK;
	if (plan->scenario->report_hlt)
		printf("%s\n", exit_reason_name(KVM_EXIT_HLT));
	if (!plan->scenario->check_result)
		return VMM_OK;
	if (vmm->simvirtio && check_simvirtio(stdout, vmm->simvirtio))
		return VMM_GUEST_FAILED;
	return check_result(stdout, &vmm->vm.mem, &regs, plan->mode);
}

/* --dump-regs: however the run ended, so that a failure can be read. */
static void dump_regs(struct vmm *vmm)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	vcpu_complete_io(&vmm->vcpu);
	if (vcpu_get_regs(&vmm->vcpu, &regs) ||
	    vcpu_get_sregs(&vmm->vcpu, &sregs))
		return;
	regs_dump(stderr, &regs, &sregs);
}

static void report_stats(const struct vmm_options *opts,
			 const struct exit_stats *stats)
{
	if (opts->stats == STATS_TABLE)
		stats_print_table(stderr, stats);
	else if (opts->stats == STATS_JSON)
		stats_print_json(stderr, stats);
}

static int run_guest(struct vmm *vmm, const struct vmm_options *opts,
		     const struct guest_plan *plan)
{
	struct run_state state;
	enum run_result result;
	int status;

	if (opts->timeout > 0 && timeout_arm(vmm->vcpu.run, opts->timeout))
		return VMM_SETUP_ERROR;
	if (vmm->simvirtio &&
	    vmm->simvirtio->transport == SIMVIRTIO_TRANSPORT_POLLING &&
	    simvirtio_poll_start(&vmm->poller, vmm->simvirtio)) {
		timeout_disarm();
		return VMM_SETUP_ERROR;
	}
	result = run_vcpu(&vmm->vcpu, &vmm->vm, &state);
	simvirtio_poll_stop(&vmm->poller);
	timeout_disarm();
	fflush(stdout);

	switch (result) {
	case RUN_HALTED:
		status = report_halt(vmm, plan);
		break;
	case RUN_STOPPED:
		status = report_stop(vmm, plan, &state);
		break;
	case RUN_TIMED_OUT:
		pr_err("timeout: the guest ran for more than %g seconds",
		       opts->timeout);
		status = VMM_TIMEOUT;
		break;
	default:
		status = VMM_GUEST_FAILED;
	}
	if (status != VMM_OK && vmm->simvirtio)
		simvirtio_report_state(vmm->simvirtio, stderr);
	if (opts->dump_regs && result != RUN_ERROR)
		dump_regs(vmm);
	report_stats(opts, &state.stats);
	return status;
}

static int vmm_main(const struct vmm_options *opts)
{
	struct guest_plan plan;
	struct vmm vmm;
	int status = VMM_SETUP_ERROR;

	plan_guest(opts, &plan);
	memset(&vmm, 0, sizeof(vmm));
	if (vm_init(&vmm.vm, opts->mem_size))
		return VMM_SETUP_ERROR;
	if (register_devices(&vmm, opts) || load_guest(&vmm, opts, &plan) ||
	    check_entry(&vmm, &plan) || check_reserved(&plan))
		goto out_vm;
	if (vcpu_init(&vmm.vcpu, &vmm.vm))
		goto out_vm;
	if (setup_vcpu_state(&vmm, opts, &plan) == 0)
		status = run_guest(&vmm, opts, &plan);
	vcpu_destroy(&vmm.vcpu);
out_vm:
	if (vmm.simvirtio)
		simvirtio_destroy(vmm.simvirtio);
	vm_destroy(&vmm.vm);
	return status;
}

int main(int argc, char **argv)
{
	struct vmm_options opts;
	int status;

	status = args_parse(&opts, argc, argv, stderr);
	if (status)
		return status;
	switch (opts.action) {
	case ACTION_HELP:
		args_usage(stdout);
		return VMM_OK;
	case ACTION_VERSION:
		printf("vmm (kvmlab) %s\n", KVMLAB_VERSION);
		return VMM_OK;
	default:
		break;
	}
	/* Line-buffered: guest output and diagnostics interleave right. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	return vmm_main(&opts);
}
