// SPDX-License-Identifier: GPL-2.0
/*
 * vmm: run one guest on KVM. The steps, in order: read the command
 * line, create the VM and its RAM, plug in the devices, load the guest,
 * create the vCPU and put it in the guest's mode, run it until it
 * halts, then check and report.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kvmlab/kernel.h>
#include <kvmlab/layout.h>
#include <kvmlab/x86.h>

#include "args.h"
#include "debug/debug.h"
#include "guests.h"
#include "result.h"
#include "devices/devices.h"
#include "loader.h"
#include "core/log.h"
#include "x86/probe.h"
#include "lab2/process.h"
#include "core/run.h"
#include "lab2/sandbox.h"
#include "lab2/syscall.h"
#include "lab2/task.h"
#include "scenario.h"
#include "devices/simvirtio_poll.h"
#include "core/timeout.h"


/*
 * What to run: a built-in scenario, a flat binary from a file, or a
 * static Linux program (Lab 2: the embedded boot stub runs it).
 */
struct guest_plan {
	const char *name;
	const struct scenario *scenario;	/* NULL for --load, --elf */
	const uint8_t *image;			/* built in, or NULL */
	enum cpu_mode mode;
	uint64_t load_addr;
	uint64_t load_size;
	uint64_t entry;
	struct mode_layout layout;		/* the GDT and page tables */
	bool lab2;				/* lab2 or --elf */
};

struct vmm {
	struct vm vm;
	struct vcpu vcpu;
	struct debugcon debugcon;
	struct serial serial;
	struct simvirtio_dev *simvirtio;	/* NULL: not attached */
	struct simvirtio_dev simvirtio_dev;
	struct simvirtio_poller poller;
	struct scratch scratch;			/* the "mmio" scenario */
	uint64_t window_device;			/* its GPA, or 0: RDI */
	struct process proc;			/* Lab 2 */
	char **argv;				/* its arguments */
	struct debug_session debug;		/* crash report, --trace, --gdb */
};

static void plan_guest(const struct vmm_options *opts,
		       struct guest_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->scenario = opts->scenario ? scenario_find(opts->scenario) : NULL;
	if (plan->scenario) {
		plan->name = plan->scenario->name;
		plan->mode = plan->scenario->mode;
		plan->load_addr = plan->scenario->load_addr;
		plan->image = plan->scenario->image;
		plan->load_size = plan->scenario->image_end -
				  plan->scenario->image;
		plan->lab2 = plan->scenario->lab2;
	} else if (opts->elf_path) {
		/* Lab 2's boot stub, with the program from the file. */
		const struct scenario *lab2 = scenario_find("lab2");

		plan->name = opts->elf_path;
		plan->mode = lab2->mode;
		plan->load_addr = lab2->load_addr;
		plan->image = lab2->image;
		plan->load_size = lab2->image_end - lab2->image;
		plan->lab2 = true;
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
	struct guest_mem *mem = &vmm->vm.mem;

	if (!plan->image)
		return loader_load_file(mem, plan->load_addr, opts->load_path,
					&plan->load_size);
	return loader_load_image(mem, plan->load_addr, plan->image,
				 plan->load_size, plan->name);
}

/* Lab 2: the program's ELF, checked and loaded, and its process. */
static int load_program(struct vmm *vmm, const struct vmm_options *opts,
			const struct guest_plan *plan)
{
	const struct scenario *lab2 = scenario_find("lab2");
	struct guest_mem *mem = &vmm->vm.mem;
	const uint8_t *file = lab2->program;
	size_t size = lab2->program_end - lab2->program;
	uint8_t *buf = NULL;
	struct elf_image img;
	char why[ELF_ERR_MAX];
	int root, argc = opts->nargs + 1, ret;

	/* argv[0] is the program, as exec gives it; then the arguments. */
	vmm->argv = calloc(argc + 1, sizeof(*vmm->argv));
	if (!vmm->argv)
		return -1;
	vmm->argv[0] = (char *)plan->name;
	if (opts->nargs)	/* lab2 has none: args may be NULL */
		memcpy(vmm->argv + 1, opts->args,
		       opts->nargs * sizeof(*opts->args));
	if (opts->elf_path) {
		if (loader_read_file(opts->elf_path, mem->size, &buf, &size))
			return -1;
		file = buf;
	}
	ret = elf_load(mem, file, size, PROC_USER_BASE, &img, why);
	free(buf);
	if (ret) {
		pr_err("%s: %s", plan->name, why);
		return -1;
	}
	/* The stub's page tables start from zero (lab2_stub.asm). */
	memset(guest_ptr(mem, GUEST_PT_ADDR, GUEST_PT_END - GUEST_PT_ADDR), 0,
	       GUEST_PT_END - GUEST_PT_ADDR);
	root = sandbox_open_root(opts->root ? opts->root : ".");
	if (root < 0)
		return -1;
	process_init(&vmm->proc, mem, root, plan->name,
		     opts->strace ? stderr : NULL);
	/* The clocks' vDSO, which every program of the run gets. */
	vmm->proc.vdso_image = lab2_vdso;
	vmm->proc.vdso_size = (uintptr_t)lab2_vdso_end - (uintptr_t)lab2_vdso;
	/* The program's own file, for an execve of /proc/self/exe. */
	if (opts->elf_path)
		vmm->proc.exe_fd = open(opts->elf_path, O_RDONLY | O_CLOEXEC);
	if (process_setup(&vmm->proc, &img, argc, vmm->argv) ||
	    process_register(&vmm->proc, &vmm->vm) ||
	    task_add_first(&vmm->proc))
		return -1;
	return 0;
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

/*
 * What the VMM writes for the mode (GDT, page tables) must not
 * overwrite the image: a foreign guest loaded over their usual place
 * (0x1000, as the kvm-ioctls examples do) gets them in free RAM.
 */
static int place_mode_structures(const struct vmm *vmm,
				 struct guest_plan *plan)
{
	uint64_t start, end;

	if (!mode_layout_place(plan->mode, vmm->vm.mem.size, plan->load_addr,
			       plan->load_size, &plan->layout))
		return 0;
	mode_reserved(plan->mode, &start, &end);
	pr_err("%s at 0x%llx overlaps the GDT and page tables the VMM writes for %s mode at [0x%llx, 0x%llx), and RAM has no room for them elsewhere; give it more with --mem",
	       plan->name, (unsigned long long)plan->load_addr,
	       mode_name(plan->mode), (unsigned long long)start,
	       (unsigned long long)end);
	return -1;
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

/* A device in the window past RAM; the guest learns where from RDI. */
static int attach_window_device(struct vmm *vmm, const struct vmm_options *opts,
				const struct guest_plan *plan)
{
	const uint64_t window = vmm->vm.mem.size;

	if (opts->simvirtio) {
		if (attach_simvirtio(vmm, opts))
			return -1;
	} else if (plan->scenario && plan->scenario->scratch) {
		if (scratch_register(&vmm->scratch, &vmm->vm.mmio, window,
				     stderr))
			return -1;
	} else {
		return 0;
	}
	vmm->window_device = window;
	return 0;
}

static int register_devices(struct vmm *vmm, const struct vmm_options *opts,
			    const struct guest_plan *plan)
{
	if (debugcon_register(&vmm->debugcon, &vmm->vm.pio, stdout) ||
	    serial_register(&vmm->serial, &vmm->vm.pio, stdout,
			    STDIN_FILENO) ||
	    attach_window_device(vmm, opts, plan)) {
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
	if (mode_setup_at(plan->mode, &vmm->vm.mem, plan->entry, &plan->layout,
			  &sregs, &regs)) {
		pr_err("cannot set up %s mode",
		       mode_name(plan->mode));
		return -1;
	}
	/* Boot protocol: RDI holds the device window, 0 if no device. */
	regs.rdi = vmm->window_device;
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
 * paged guest shuts down at its entry, ask the host with a guest that
 * cannot fault: its answer alone decides, so that this depends on no
 * counter of the exit profiler (task 5 of the assignment).
 */
static bool paging_refused(const struct vcpu *vcpu,
			   const struct guest_plan *plan,
			   const struct kvm_regs *regs)
{
	return plan->mode == MODE_PAGED &&
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
	if (paging_refused(&vmm->vcpu, plan, &regs)) {
		pr_err("this host's KVM does not support 32-bit paging (even a guest that is one hlt shuts down before it runs)");
		return VMM_UNSUPPORTED;
	}
	/* The report first: the last line still names the exit. */
	debug_crash(&vmm->debug, &regs, &sregs);
	exit_describe(&state->exit, vmm->vcpu.run, why, sizeof(why));
	/*
	 * kvm-amd resets the vCPU before it reports a triple fault (the
	 * VMCB is undefined after a shutdown intercept): the registers are
	 * then the host's, not the guest's. Say so, and what is still known.
	 */
	if (vmm->vcpu.run->exit_reason == KVM_EXIT_SHUTDOWN &&
	    regs_are_reset(&regs, &sregs))
		pr_err("%s; the host reset the vCPU before reporting it, so the guest's state at the fault is lost: it was started in %s mode at 0x%llx and returned from KVM_RUN %llu times",
		       why, mode_name(plan->mode),
		       (unsigned long long)plan->entry,
		       (unsigned long long)state->stats.runs);
	/* In real mode RIP is an offset in CS: name both. */
	else if (!(sregs.cr0 & X86_CR0_PE))
		pr_err("%s in real mode at cs:ip 0x%04x:0x%04llx", why,
		       sregs.cs.selector, (unsigned long long)regs.rip);
	else
		pr_err("%s in %s mode at rip 0x%llx", why,
		       mode_of_sregs(&sregs), (unsigned long long)regs.rip);
	return VMM_GUEST_FAILED;
}

/* Lab 2: the run ends when the program exits, with its status. */
static int report_exit(struct vmm *vmm)
{
	const struct process *p = &vmm->proc;

	syscall_report_unanswered(p);
	if (!p->exited) {
		pr_err("the boot stub halted before the program exited");
		return VMM_GUEST_FAILED;
	}
	return p->status;
}

static int report_halt(struct vmm *vmm, const struct guest_plan *plan)
{
	struct kvm_regs regs;

	if (plan->lab2)
		return report_exit(vmm);
	if (vcpu_get_regs(&vmm->vcpu, &regs))
		return VMM_GUEST_FAILED;
	if (!plan->scenario)
		return VMM_OK;
	if (plan->scenario->report_hlt)
		printf("%s\n", exit_reason_name(KVM_EXIT_HLT));
	if (!plan->scenario->check_result)
		return VMM_OK;
	if (vmm->simvirtio && result_check_simvirtio(stdout, vmm->simvirtio))
		return VMM_GUEST_FAILED;
	return result_check(stdout, &vmm->vm.mem, &regs, plan->mode);
}

/* --dump-regs: however the run ended, so that a failure can be read. */
static void dump_regs(struct vmm *vmm, const struct guest_plan *plan)
{
	const struct mode_layout *l = &plan->layout;

	struct kvm_sregs sregs;
	struct kvm_regs regs;

	vcpu_complete_io(&vmm->vcpu);
	if (vcpu_get_regs(&vmm->vcpu, &regs) ||
	    vcpu_get_sregs(&vmm->vcpu, &sregs))
		return;
	if (vmm->vcpu.run->exit_reason == KVM_EXIT_SHUTDOWN &&
	    regs_are_reset(&regs, &sregs))
		pr_err("the registers below are the reset state the host put the vCPU in, not the guest's");
	regs_dump(stderr, &regs, &sregs);
	/* Where the VMM put what it wrote: moved if an image was there. */
	if (l->pt)
		fprintf(stderr, "layout GDT at 0x%llx, page tables at [0x%llx, 0x%llx)\n",
			(unsigned long long)l->gdt, (unsigned long long)l->pt,
			(unsigned long long)l->pt_end);
	else if (l->end)
		fprintf(stderr, "layout GDT at 0x%llx\n",
			(unsigned long long)l->gdt);
}

/* --dirty-log: the runs of pages the guest wrote, "0x0-0xfff 0x9000-...". */
static void report_dirty_pages(struct vmm *vmm)
{
	unsigned long *bitmap = vm_dirty_log(&vmm->vm);
	uint64_t pages = vmm->vm.mem.size / VM_MEM_ALIGN, page, start;
	unsigned int runs = 0;

	if (!bitmap)
		return;
	fprintf(stderr, "vmm: dirty pages:");
	for (page = 0; page < pages; page++) {
		if (!test_bit(page, bitmap))
			continue;
		for (start = page; page + 1 < pages && test_bit(page + 1, bitmap);
		     page++)
			;
		fprintf(stderr, " 0x%llx-0x%llx",
			(unsigned long long)(start * VM_MEM_ALIGN),
			(unsigned long long)((page + 1) * VM_MEM_ALIGN - 1));
		runs++;
	}
	fprintf(stderr, runs ? "\n" : " none\n");
	free(bitmap);
}

static void report_stats(const struct vmm_options *opts,
			 const struct exit_stats *stats)
{
	if (opts->stats == STATS_TABLE)
		stats_print_table(stderr, stats);
	else if (opts->stats == STATS_JSON)
		stats_print_json(stderr, stats);
}

/*
 * Who looks at the exits: the debugging tools if asked for, otherwise
 * Lab 2's process (signals for a program busy in ring 3), or nobody.
 */
static const struct run_hook *run_hook(struct vmm *vmm,
				       const struct guest_plan *plan)
{
	const struct run_hook *hook = debug_hook(&vmm->debug);

	if (!hook && plan->lab2)
		hook = process_hook(&vmm->proc);
	return hook;
}

static int run_guest(struct vmm *vmm, const struct vmm_options *opts,
		     const struct guest_plan *plan)
{
	struct run_state state;
	enum run_result result;
	int status;

	status = debug_start(&vmm->debug, &opts->debug, &vmm->vcpu,
			     &vmm->vm.mem, stderr);
	if (status) {
		debug_end(&vmm->debug, false, VMM_GUEST_FAILED);
		return status < 0 ? VMM_SETUP_ERROR : VMM_GUEST_FAILED;
	}
	if (opts->timeout > 0 && timeout_arm(vmm->vcpu.run, opts->timeout))
		return VMM_SETUP_ERROR;
	if (vmm->simvirtio &&
	    vmm->simvirtio->transport == SIMVIRTIO_TRANSPORT_POLLING &&
	    simvirtio_poll_start(&vmm->poller, vmm->simvirtio)) {
		timeout_disarm();
		return VMM_SETUP_ERROR;
	}
	result = run_vcpu(&vmm->vcpu, &vmm->vm, &state, run_hook(vmm, plan));
	/* No kick may reach the vCPU now: it is about to go. */
	if (plan->lab2)
		task_kick_reaches(NULL);
	simvirtio_poll_stop(&vmm->poller);
	/*
	 * Flush the guest's output while the timeout's backstop is still
	 * armed: a reader that stalls must not hang the VMM here either.
	 */
	fflush(stdout);
	timeout_disarm();

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
	debug_end(&vmm->debug, result == RUN_HALTED, status);
	if (opts->dump_regs && result != RUN_ERROR)
		dump_regs(vmm, plan);
	if (opts->dirty_log)
		report_dirty_pages(vmm);
	report_stats(opts, &state.stats);
	return status;
}

/* Lab 2 programs get PROC_MEM_DEFAULT unless asked, at most PROC_MEM_MAX. */
static uint64_t guest_mem_size(const struct vmm_options *opts,
			       const struct guest_plan *plan)
{
	if (!plan->lab2)
		return opts->mem_size;
	if (!opts->has_mem)
		return PROC_MEM_DEFAULT;
	return opts->mem_size;
}

static int vmm_main(const struct vmm_options *opts)
{
	struct vm_config cfg = {};
	struct guest_plan plan;
	struct vmm vmm;
	int status = VMM_SETUP_ERROR;

	plan_guest(opts, &plan);
	if (plan.lab2 && guest_mem_size(opts, &plan) > PROC_MEM_MAX) {
		pr_err("--mem: a Lab 2 program has at most 1G of RAM, what the boot stub maps");
		return VMM_SETUP_ERROR;
	}
	if (plan.lab2 && guest_mem_size(opts, &plan) % PROC_MEM_ALIGN) {
		pr_err("--mem: the boot stub maps a Lab 2 program's RAM in 2 MiB pages; give a multiple of 2M");
		return VMM_SETUP_ERROR;
	}
	memset(&vmm, 0, sizeof(vmm));
	vmm.proc.root_fd = -1;
	cfg.mem_size = guest_mem_size(opts, &plan);
	cfg.mem_file = opts->mem_file;
	cfg.dirty_log = opts->dirty_log;
	if (vm_init(&vmm.vm, &cfg))
		return VMM_SETUP_ERROR;
	if (register_devices(&vmm, opts, &plan) ||
	    load_guest(&vmm, opts, &plan) ||
	    check_entry(&vmm, &plan) || place_mode_structures(&vmm, &plan) ||
	    (plan.lab2 && load_program(&vmm, opts, &plan)))
		goto out_vm;
	if (vcpu_init(&vmm.vcpu, &vmm.vm))
		goto out_vm;
	vmm.proc.vcpu = &vmm.vcpu;
	if (setup_vcpu_state(&vmm, opts, &plan) == 0)
		status = run_guest(&vmm, opts, &plan);
	vcpu_destroy(&vmm.vcpu);
out_vm:
	if (vmm.simvirtio)
		simvirtio_destroy(vmm.simvirtio);
	if (plan.lab2)
		process_destroy(&vmm.proc);
	free(vmm.argv);
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
