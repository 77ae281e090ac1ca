// SPDX-License-Identifier: GPL-2.0
/* The debugging tools, wired to the exit loop's hook. */
#include <string.h>

#include "debug/crash.h"
#include "debug/debug.h"
#include "debug/trace.h"

static enum run_hook_verdict debug_exit(void *data, struct vcpu *vcpu)
{
	struct debug_session *d = data;
	int ret;

	if (!d->gdb_on)
		return RUN_HOOK_PASS;
	ret = gdb_exit(&d->gdb);
	if (ret < 0)
		return RUN_HOOK_STOP;
	return ret ? RUN_HOOK_RESUME : RUN_HOOK_PASS;
}

static enum run_hook_verdict debug_handled(void *data, struct vcpu *vcpu,
					  enum exit_verdict verdict)
{
	struct debug_session *d = data;
	struct kvm_regs regs;

	if (d->cfg->trace) {
		/* RIP as KVM left it at this exit; 0 if it cannot be read. */
		if (vcpu_get_regs(vcpu, &regs))
			regs.rip = 0;
		trace_exit(d->out, vcpu->run, vcpu->run_size, regs.rip);
	}
	if (d->gdb_on && verdict == VERDICT_RESUME &&
	    gdb_handled(&d->gdb) < 0)
		return RUN_HOOK_STOP;
	return RUN_HOOK_PASS;
}

int debug_start(struct debug_session *d, const struct debug_config *cfg,
		struct vcpu *vcpu, const struct guest_mem *mem, FILE *out)
{
	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	d->vcpu = vcpu;
	d->mem = mem;
	d->out = out;
	d->gdb.listen_fd = -1;
	d->gdb.fd = -1;
	d->hook.exit = debug_exit;
	d->hook.handled = debug_handled;
	d->hook.data = d;
	if (!cfg->gdb_port)
		return 0;
	if (gdb_listen(&d->gdb, cfg->gdb_port, vcpu, mem))
		return -1;
	d->gdb_on = true;
	return gdb_wait(&d->gdb) ? 1 : 0;
}

const struct run_hook *debug_hook(struct debug_session *d)
{
	return d->cfg->trace || d->gdb_on ? &d->hook : NULL;
}

void debug_crash(struct debug_session *d, const struct kvm_regs *regs,
		 const struct kvm_sregs *sregs)
{
	if (!d->cfg->no_crash_report)
		crash_report(d->out, d->mem, regs, sregs);
}

void debug_end(struct debug_session *d, bool halted, int status)
{
	if (!d->gdb_on)
		return;
	gdb_end(&d->gdb, halted, status);
	gdb_close(&d->gdb);
}
