/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gdb remote protocol, without sockets or KVM: the framing of
 * packets ("$data#checksum", acknowledged with + or -), and what each
 * command does to a target reached through struct gdb_target_ops. Pure
 * and bounded: fuzz/fuzz_gdb.c feeds it any bytes against a fake
 * target; vmm/debug/gdb.c connects it to a socket and a vCPU.
 */
#ifndef VMM_DEBUG_GDB_PROTO_H
#define VMM_DEBUG_GDB_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>

/* The largest packet, data only; told to gdb in qSupported (hex). */
#define GDB_PACKET_MAX		4096
#define GDB_BREAKPOINTS_MAX	64

/* The receiver: bytes in, whole packets out. */
enum gdb_rx_event {
	GDB_RX_NONE,		/* nothing complete yet */
	GDB_RX_PACKET,		/* rx->buf holds a packet, checksum good */
	GDB_RX_BAD,		/* a packet with a wrong checksum: NAK it */
	GDB_RX_INTERRUPT,	/* ^C outside a packet */
	GDB_RX_ACK,		/* + */
	GDB_RX_NAK,		/* - : send the last packet again */
};

struct gdb_rx {
	enum { RX_IDLE, RX_DATA, RX_SUM1, RX_SUM2 } state;
	char buf[GDB_PACKET_MAX + 1];	/* NUL-terminated */
	size_t len;
	bool overflow;
	uint8_t sum;			/* of the data */
	uint8_t want;			/* the checksum sent */
};

void gdb_rx_init(struct gdb_rx *rx);
enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, uint8_t c);

/*
 * Frame @data as a packet into @out (at least GDB_PACKET_MAX * 2 + 4
 * bytes: '$', data with $ # } * escaped, '#', two hex digits). Returns
 * the length.
 */
size_t gdb_frame(char *out, const char *data, size_t len);

/* What the VMM must do after a command. */
enum gdb_action {
	GDB_REPLY,		/* send the reply, read the next command */
	GDB_CONTINUE,		/* run the guest (no reply until it stops) */
	GDB_STEP,		/* one instruction, then report */
	GDB_KILL,		/* end the run */
	GDB_DETACH,		/* send the reply, run on without gdb */
};

/* The target, in the guest's terms: registers, linear memory. */
struct gdb_target_ops {
	int (*get_regs)(void *target, struct kvm_regs *regs,
			struct kvm_sregs *sregs);
	int (*set_regs)(void *target, const struct kvm_regs *regs);
	/* Bytes read or written from @addr (linear), or -1 if none. */
	int (*read_mem)(void *target, uint64_t addr, uint8_t *buf,
			size_t len);
	int (*write_mem)(void *target, uint64_t addr, const uint8_t *buf,
			 size_t len);
};

struct gdb_session {
	const struct gdb_target_ops *ops;
	void *target;
	uint64_t breakpoints[GDB_BREAKPOINTS_MAX];
	unsigned int nbreakpoints;
	char reply[GDB_PACKET_MAX + 1];
	size_t reply_len;
};

void gdb_session_init(struct gdb_session *s, const struct gdb_target_ops *ops,
		      void *target);

/* Handle one packet's data (@len bytes): the reply is in s->reply. */
enum gdb_action gdb_handle(struct gdb_session *s, const char *pkt,
			   size_t len);

/* Is a breakpoint set at @pc (gdb's pc: RIP, or EIP, or IP)? */
bool gdb_breakpoint_at(const struct gdb_session *s, uint64_t pc);

/* The stop replies: "S05" (a trap), "W00" (halted), "X0b" (crashed). */
void gdb_reply_stop(struct gdb_session *s, const char *why);

#endif /* VMM_DEBUG_GDB_PROTO_H */
