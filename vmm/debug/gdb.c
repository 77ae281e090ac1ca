// SPDX-License-Identifier: GPL-2.0
/*
 * The gdb stub's connection to the world: a TCP socket on the loopback,
 * and the vCPU. The protocol itself is gdb_proto.c. A client that goes
 * away leaves the guest to run on, undebugged; a bad packet gets an
 * error reply; memory outside RAM, or not mapped by the guest's page
 * tables, gets "E14".
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <kvmlab/kernel.h>
#include <kvmlab/x86.h>

#include "core/log.h"
#include "debug/crash.h"
#include "debug/gdb.h"
#include "debug/pagewalk.h"

/* The exception of a single step (#DB), and the opcode of hlt. */
#define X86_VECTOR_DB		1
#define X86_OPCODE_HLT		0xf4
/* Stop replies: SIGTRAP at a step or breakpoint, SIGSEGV at a crash. */
#define GDB_STOP_TRAP		"S05"
#define GDB_STOP_CRASH		"S0b"
#define GDB_EXIT_CRASH		"X0b"

static int target_get_regs(void *target, struct kvm_regs *regs,
			   struct kvm_sregs *sregs)
{
	struct gdb_stub *g = target;

	return vcpu_get_regs(g->vcpu, regs) || vcpu_get_sregs(g->vcpu, sregs);
}

static int target_set_regs(void *target, const struct kvm_regs *regs)
{
	struct gdb_stub *g = target;

	return vcpu_set_regs(g->vcpu, regs);
}

/*
 * Linear guest memory, a page at a time: translated by the guest's page
 * tables if paging is on, then through guest_ptr(). The bytes done, up
 * to the first that is not RAM.
 */
static int target_access(struct gdb_stub *g, uint64_t addr, uint8_t *buf,
			 size_t len, bool write)
{
	struct kvm_sregs sregs;
	size_t done = 0;

	if (vcpu_get_sregs(g->vcpu, &sregs))
		return -1;
	while (done < len) {
		uint64_t linear = addr + done, phys;
		size_t chunk = X86_PAGE_SIZE - (linear & (X86_PAGE_SIZE - 1));
		uint8_t *p;

		if (chunk > len - done)
			chunk = len - done;
		if (walk_translate(g->mem, &sregs, linear, &phys))
			break;
		p = guest_ptr(g->mem, phys, chunk);
		if (!p)
			break;
		if (write)
			memcpy(p, buf + done, chunk);
		else
			memcpy(buf + done, p, chunk);
		done += chunk;
	}
	return done;
}

static int target_read_mem(void *target, uint64_t addr, uint8_t *buf,
			   size_t len)
{
	return target_access(target, addr, buf, len, false);
}

static int target_write_mem(void *target, uint64_t addr, const uint8_t *buf,
			    size_t len)
{
	return target_access(target, addr, (uint8_t *)buf, len, true);
}

static const struct gdb_target_ops vcpu_target = {
	.get_regs = target_get_regs,
	.set_regs = target_set_regs,
	.read_mem = target_read_mem,
	.write_mem = target_write_mem,
};

int gdb_listen(struct gdb_stub *g, uint16_t port, struct vcpu *vcpu,
	       const struct guest_mem *mem)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int one = 1;

	memset(g, 0, sizeof(*g));
	g->fd = -1;
	g->vcpu = vcpu;
	g->mem = mem;
	gdb_rx_init(&g->rx);
	gdb_session_init(&g->session, &vcpu_target, g);
	g->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (g->listen_fd < 0 ||
	    setsockopt(g->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one,
		       sizeof(one)) ||
	    bind(g->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(g->listen_fd, 1)) {
		pr_err("--gdb: cannot listen on 127.0.0.1:%u: %s; choose another port",
		       port, strerror(errno));
		if (g->listen_fd >= 0)
			close(g->listen_fd);
		g->listen_fd = -1;
		return -1;
	}
	pr_err("gdb: waiting on 127.0.0.1:%u (gdb: target remote :%u)", port,
	       port);
	return 0;
}

static void drop_client(struct gdb_stub *g, const char *why)
{
	if (g->fd < 0)
		return;
	if (why)
		pr_err("gdb: %s; the guest runs on without the debugger", why);
	close(g->fd);
	g->fd = -1;
}

static int send_all(struct gdb_stub *g, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(g->fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

static int send_reply(struct gdb_stub *g)
{
	g->out_len = gdb_frame(g->out, g->session.reply,
			       g->session.reply_len);
	return send_all(g, g->out, g->out_len);
}

static int set_debug(struct gdb_stub *g, bool step)
{
	struct kvm_guest_debug dbg = { 0 };

	g->stepping = step;

	if (step)
		dbg.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP;
	if (ioctl(g->vcpu->fd, KVM_SET_GUEST_DEBUG, &dbg) < 0) {
		pr_err("gdb: KVM_SET_GUEST_DEBUG: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Is the vCPU at a hlt? Single-stepped, a hlt does not halt (the
 * trap ends it at once), and the guest runs past it: so a hlt runs
 * unstepped, and the halt ends the run as it would without gdb.
 */
static bool at_hlt(struct gdb_stub *g)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	uint64_t phys;
	const uint8_t *op;

	if (vcpu_get_regs(g->vcpu, &regs) || vcpu_get_sregs(g->vcpu, &sregs) ||
	    walk_translate(g->mem, &sregs, crash_rip_linear(&regs, &sregs),
			   &phys))
		return false;
	op = guest_ptr(g->mem, phys, 1);
	return op && *op == X86_OPCODE_HLT;
}

/* Single-step when gdb steps or a breakpoint waits, but not a hlt. */
static int update_stepping(struct gdb_stub *g)
{
	bool want = (g->step || g->session.nbreakpoints) && !at_hlt(g);

	if (want == g->stepping)
		return 0;
	g->stepping = want;
	return set_debug(g, want);
}

/* Run on: stepping for gdb's 's', or to find a breakpoint. */
static int resume(struct gdb_stub *g, bool step)
{
	g->step = step;
	return update_stepping(g);
}

/*
 * Read packets and answer them until gdb resumes the guest. 0: run on
 * (debugged, or not if gdb went away); -1: kill.
 */
static int serve(struct gdb_stub *g)
{
	char buf[GDB_PACKET_MAX];

	while (g->fd >= 0) {
		ssize_t n = recv(g->fd, buf, sizeof(buf), 0);
		ssize_t i;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			drop_client(g, "the client went away");
			return set_debug(g, false);
		}
		for (i = 0; i < n; i++) {
			enum gdb_rx_event ev = gdb_rx_feed(&g->rx, buf[i]);
			enum gdb_action action;

			if (ev == GDB_RX_BAD && send_all(g, "-", 1))
				break;
			if (ev == GDB_RX_NAK && g->out_len &&
			    send_all(g, g->out, g->out_len))
				break;
			if (ev != GDB_RX_PACKET)
				continue;
			if (send_all(g, "+", 1))
				break;
			action = gdb_handle(&g->session, g->rx.buf, g->rx.len);
			switch (action) {
			case GDB_REPLY:
				if (send_reply(g))
					goto gone;
				continue;
			case GDB_DETACH:
				send_reply(g);
				drop_client(g, NULL);
				g->session.nbreakpoints = 0;
				return set_debug(g, false);
			case GDB_KILL:
				pr_err("gdb: killed the guest");
				drop_client(g, NULL);
				return -1;
			case GDB_CONTINUE:
			case GDB_STEP:
				/* Bytes after a resume wait for the stop. */
				return resume(g, action == GDB_STEP);
			}
		}
		if (i < n)
			goto gone;
	}
	return 0;
gone:
	drop_client(g, "the client went away");
	return set_debug(g, false);
}

int gdb_wait(struct gdb_stub *g)
{
	int one = 1;

	do {
		g->fd = accept(g->listen_fd, NULL, NULL);
	} while (g->fd < 0 && errno == EINTR);
	if (g->fd < 0) {
		pr_err("gdb: accept: %s", strerror(errno));
		return -1;
	}
	fcntl(g->fd, F_SETFD, FD_CLOEXEC);
	setsockopt(g->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return serve(g);
}

/* A stop to tell gdb about, then what it says next. */
static int stop(struct gdb_stub *g, const char *why)
{
	gdb_reply_stop(&g->session, why);
	if (send_reply(g)) {
		drop_client(g, "the client went away");
		return set_debug(g, false);
	}
	return serve(g);
}

int gdb_exit(struct gdb_stub *g)
{
	const struct kvm_run *run = g->vcpu->run;
	struct kvm_regs regs;

	if (run->exit_reason != KVM_EXIT_DEBUG)
		return 0;
	if (g->fd < 0)
		return 1;	/* a late step after gdb left: run on */
	if (run->debug.arch.exception != X86_VECTOR_DB)
		return 0;
	if (!g->step) {
		if (vcpu_get_regs(g->vcpu, &regs))
			return -1;
		if (!gdb_breakpoint_at(&g->session, regs.rip))
			/* Stepping on to a breakpoint. */
			return update_stepping(g) ? -1 : 1;
	}
	return stop(g, GDB_STOP_TRAP) ? -1 : 1;
}

int gdb_handled(struct gdb_stub *g)
{
	const uint32_t reason = g->vcpu->run->exit_reason;
	struct kvm_regs regs;

	if (g->fd < 0 || !g->stepping ||
	    (reason != KVM_EXIT_IO && reason != KVM_EXIT_MMIO))
		return 0;
	/* Finish the instruction, then it is where its trap would be. */
	vcpu_complete_io(g->vcpu);
	if (vcpu_get_regs(g->vcpu, &regs))
		return -1;
	if (!g->step && !gdb_breakpoint_at(&g->session, regs.rip))
		return update_stepping(g);
	return stop(g, GDB_STOP_TRAP);
}

/*
 * The run is over. gdb first sees the vCPU stopped where it ended, at
 * the hlt (SIGTRAP) or at the crash (SIGSEGV), to read its registers
 * and memory; when it resumes, the guest has exited: with the VMM's
 * status after a halt, by the signal after a crash.
 */
void gdb_end(struct gdb_stub *g, bool halted, int status)
{
	if (g->fd < 0)
		return;
	if (stop(g, halted ? GDB_STOP_TRAP : GDB_STOP_CRASH) == 0 &&
	    g->fd >= 0) {
		char exited[8] = GDB_EXIT_CRASH;

		if (halted)
			snprintf(exited, sizeof(exited), "W%02x", status & 0xff);
		gdb_reply_stop(&g->session, exited);
		send_reply(g);
	}
	drop_client(g, NULL);
}

void gdb_close(struct gdb_stub *g)
{
	drop_client(g, NULL);
	if (g->listen_fd >= 0)
		close(g->listen_fd);
	g->listen_fd = -1;
}
