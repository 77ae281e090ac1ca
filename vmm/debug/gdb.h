/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --gdb PORT: a gdb stub on 127.0.0.1:PORT. The vCPU waits at its
 * first instruction for gdb ("target remote :PORT"); gdb then reads and
 * writes registers and memory, steps, continues, and sets breakpoints.
 * This host's KVM intercepts no int3 and has no debug registers, so a
 * breakpoint is found by single-stepping (KVM_GUESTDBG_SINGLESTEP)
 * while any is set: slow, and exact.
 */
#ifndef VMM_DEBUG_GDB_H
#define VMM_DEBUG_GDB_H

#include <stdbool.h>
#include <stdint.h>

#include "core/guest_mem.h"
#include "core/vcpu.h"
#include "debug/gdb_proto.h"

struct gdb_stub {
	int listen_fd;
	int fd;			/* the client, or -1 */
	struct gdb_rx rx;
	struct gdb_session session;
	struct vcpu *vcpu;
	const struct guest_mem *mem;
	bool step;		/* gdb asked for one instruction */
	bool stepping;		/* KVM single-steps the guest */
	char out[2 * GDB_PACKET_MAX + 4];
	size_t out_len;		/* the last packet, sent again on '-' */
};

/* Listen on 127.0.0.1:@port; 0, or one error line and -1. */
int gdb_listen(struct gdb_stub *g, uint16_t port, struct vcpu *vcpu,
	       const struct guest_mem *mem);

/*
 * Wait for gdb and serve it until it resumes the guest. 0: run; -1:
 * gdb killed it (or KVM refused to debug), end the run.
 */
int gdb_wait(struct gdb_stub *g);

/*
 * An exit, before the VMM handles it. 1: it was the stub's (a debug
 * exit), run again; 0: not the stub's; -1: end the run.
 */
int gdb_exit(struct gdb_stub *g);

/*
 * A port I/O or MMIO exit the VMM handled: a step that exits to the VMM
 * loses its trap on this host, so the step ends here. 0, or -1: end
 * the run.
 */
int gdb_handled(struct gdb_stub *g);

/* The run is over: tell gdb (halted with @status, or crashed). */
void gdb_end(struct gdb_stub *g, bool halted, int status);

void gdb_close(struct gdb_stub *g);

#endif /* VMM_DEBUG_GDB_H */
