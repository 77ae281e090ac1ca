// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the gdb stub's protocol (vmm/debug/gdb_proto.c),
 * the bytes a client sends, against a fake vCPU.
 *
 * Input format: the bytes from the socket, as they come: packets,
 * acknowledgements, noise. Each packet the receiver completes goes to
 * gdb_handle(). The first input byte picks the fake vCPU's mode (long
 * or 32-bit), so that both register layouts are fuzzed.
 *
 * What must hold: no crash, no read or write outside the fake RAM (the
 * target's checks, and ASan), every reply within GDB_PACKET_MAX and
 * NUL-terminated, a frame of every reply with a correct checksum.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kvmlab/x86.h>

#include "debug/gdb_proto.h"

#define FAKE_RAM	0x10000

struct fake_vcpu {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	uint8_t ram[FAKE_RAM];
};

static int fake_get(void *t, struct kvm_regs *regs, struct kvm_sregs *sregs)
{
	struct fake_vcpu *v = t;

	*regs = v->regs;
	*sregs = v->sregs;
	return 0;
}

static int fake_set(void *t, const struct kvm_regs *regs)
{
	struct fake_vcpu *v = t;

	v->regs = *regs;
	return 0;
}

static int fake_access(struct fake_vcpu *v, uint64_t addr, uint8_t *buf,
		       size_t len, int write)
{
	if (addr >= FAKE_RAM)
		return -1;
	if (len > FAKE_RAM - addr)
		len = FAKE_RAM - addr;
	if (write)
		memcpy(v->ram + addr, buf, len);
	else
		memcpy(buf, v->ram + addr, len);
	return len;
}

static int fake_read(void *t, uint64_t addr, uint8_t *buf, size_t len)
{
	return fake_access(t, addr, buf, len, 0);
}

static int fake_write(void *t, uint64_t addr, const uint8_t *buf, size_t len)
{
	return fake_access(t, addr, (uint8_t *)buf, len, 1);
}

static const struct gdb_target_ops fake_ops = {
	.get_regs = fake_get,
	.set_regs = fake_set,
	.read_mem = fake_read,
	.write_mem = fake_write,
};


/* The frame of the reply must say what the receiver reads back. */
static void check_frame(const struct gdb_session *s)
{
	static char frame[2 * GDB_PACKET_MAX + 4];
	size_t n = gdb_frame(frame, s->reply, s->reply_len), i;
	struct gdb_rx rx;
	enum gdb_rx_event ev = GDB_RX_NONE;

	if (s->reply_len > GDB_PACKET_MAX || s->reply[s->reply_len] != '\0')
		abort();
	if (n < 4 || frame[0] != '$' || frame[n - 3] != '#')
		abort();
	gdb_rx_init(&rx);
	for (i = 0; i < n; i++)
		ev = gdb_rx_feed(&rx, frame[i]);
	/* An escaped reply is longer on the wire than the limit allows. */
	if (ev != GDB_RX_PACKET && n - 4 <= GDB_PACKET_MAX)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake_vcpu v;
	static struct gdb_session s;
	static struct gdb_rx rx;
	size_t i;

	memset(&v, 0, sizeof(v));
	if (size && (data[0] & 1)) {
		v.sregs.efer = X86_EFER_LME | X86_EFER_LMA;
		v.sregs.cs.l = 1;
	}
	v.regs.rip = 0x8000;
	gdb_session_init(&s, &fake_ops, &v);
	gdb_rx_init(&rx);
	for (i = 0; i < size; i++) {
		if (gdb_rx_feed(&rx, data[i]) != GDB_RX_PACKET)
			continue;
		if (rx.buf[rx.len] != '\0' || rx.len > GDB_PACKET_MAX)
			abort();
		gdb_handle(&s, rx.buf, rx.len);
		check_frame(&s);
	}
	return 0;
}
