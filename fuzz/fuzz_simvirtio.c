// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the SIMVIRTIO device model behind the MMIO bus, as
 * a hostile guest would drive it. The device sits at GPA 0x10000, just
 * past 64 KiB of RAM, between two 16-byte guard devices that check that
 * the bus never hands a device an access past its edge.
 *
 * Input format (all numbers little-endian):
 *   byte 0      bit 0: the transport (0 exits, 1 polling)
 *   bytes 1-2   the payload length the device expects
 *   bytes 3-4   N, then N bytes copied to guest RAM at 0 (the image)
 *   then operations, each an opcode byte (modulo NR_OPS) and operands:
 *   0 write   off(1) len(1) value(len): bus access at the device's
 *             base + off; len is taken modulo 8, plus 1
 *   1 read    off(1) len(1): the same, a read
 *   2 service what the polling thread does
 *   3 poke    gpa(2) n(1) bytes(n): the guest writes its RAM, as a
 *             vCPU would meanwhile (ring indices, table, rings)
 *   4 access  gpa(8) len(1) write(1) value(8): any bus access
 *   5 send    n(1) bytes(n): the driver pushes each byte on TX (ring
 *             at QUEUE_ADDR of queue 0, head in MMIO or in RAM),
 *             without looking whether there is room
 *   6 recv    the driver consumes all of RX (tail = head)
 * A missing operand reads as zero; the run stops at the end of input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kvmlab/kernel.h>

#include "core/bus.h"
#include "core/guest_mem.h"
#include "devices/simvirtio.h"

#define RAM_SIZE	0x10000ULL
#define DEV_BASE	RAM_SIZE
#define GUARD_LEN	0x10ULL
#define CANARY		0xa5
#define RING_MASK	(SIMVIRTIO_QUEUE_LEN - 1)

enum {
	OP_WRITE, OP_READ, OP_SERVICE, OP_POKE, OP_ACCESS, OP_SEND,
	OP_RECV, NR_OPS,
};

struct input {
	const uint8_t *data;
	size_t size;
};

struct bench {
	struct guest_mem mem;
	struct simvirtio_dev dev;
	struct bus bus;
};

static FILE *devnull;

static uint64_t take(struct input *in, unsigned int bytes)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < bytes && in->size; i++, in->data++, in->size--)
		v |= (uint64_t)*in->data << (8 * i);
	return v;
}

/* A device on each side of SIMVIRTIO: the bus's edge contract. */
static int guard_mmio(void *opaque, uint64_t offset, uint8_t *data,
		      uint32_t len, bool is_write)
{
	if (len < 1 || len > BUS_MAX_ACCESS || offset >= GUARD_LEN ||
	    len > GUARD_LEN - offset) {
		fprintf(stderr, "bus: %u bytes at +0x%llx of a %llu-byte device\n",
			len, (unsigned long long)offset, GUARD_LEN);
		abort();
	}
	if (!is_write)
		memset(data, 0, len);
	return 0;
}

/* One bus access; no one may touch a byte of @data past @len. */
static uint64_t bus_rw(struct bench *b, uint64_t gpa, uint32_t len,
		       bool is_write, uint64_t value)
{
	uint8_t buf[2 * BUS_MAX_ACCESS];
	unsigned int i;

	memset(buf, CANARY, sizeof(buf));
	if (len <= BUS_MAX_ACCESS)
		memcpy(buf, &value, len);
	bus_access(&b->bus, gpa, buf, len, is_write);
	for (i = len < sizeof(buf) ? len : sizeof(buf); i < sizeof(buf); i++)
		if (buf[i] != CANARY) {
			fprintf(stderr, "bus: a %u-byte access wrote byte %u\n",
				len, i);
			abort();
		}
	value = 0;
	if (len <= BUS_MAX_ACCESS)
		memcpy(&value, buf, len);
	return value;
}

static void mmio(struct bench *b, struct input *in, bool is_write)
{
	uint64_t off = take(in, 1);
	uint32_t len = take(in, 1) % BUS_MAX_ACCESS + 1;
	uint64_t value = is_write ? take(in, len) : 0;

	bus_rw(b, DEV_BASE + off, len, is_write, value);
}

static void poke(struct bench *b, struct input *in)
{
	uint64_t gpa = take(in, 2);
	size_t n = take(in, 1);

	if (n > in->size)
		n = in->size;
	if (n > RAM_SIZE - gpa)
		n = RAM_SIZE - gpa;
	memcpy(b->mem.host + gpa, in->data, n);
	in->data += n;
	in->size -= n;
}

/* The queue memory set for queue @q, if it is aligned RAM. */
static struct simvirtio_queue_mem *queue_mem(struct bench *b, unsigned int q)
{
	const uint64_t addr = b->dev.queue_addr[q];

	if (addr % sizeof(uint64_t))
		return NULL;
	return guest_ptr(&b->mem, addr, sizeof(struct simvirtio_queue_mem));
}

static bool exits(const struct bench *b)
{
	return b->dev.transport == SIMVIRTIO_TRANSPORT_EXITS;
}

/* The driver's push, trusting the head it last published. */
static void drv_send(struct bench *b, struct input *in)
{
	struct simvirtio_queue_mem *qm = queue_mem(b, SIMVIRTIO_QUEUE_TX);
	unsigned int n = take(in, 1);
	uint32_t head;

	while (n--) {
		q_elem_t byte = take(in, 1);

		if (!qm)
			continue;
		head = exits(b) ? b->dev.ctl_regs[SIMVIRTIO_QUEUE_TX].head :
				  qm->ctl.head;
		qm->ring[head & RING_MASK] = byte;
		head = (head + 1) & RING_MASK;
		if (exits(b))
			bus_rw(b, DEV_BASE + SIMVIRTIO_OFF(q0_head),
			       sizeof(head), true, head);
		else
			/* The slot, then the head: as a driver. */
			smp_store_release(&qm->ctl.head, head);
	}
}

static void drv_recv(struct bench *b)
{
	struct simvirtio_queue_mem *qm = queue_mem(b, SIMVIRTIO_QUEUE_RX);
	uint32_t head;

	if (exits(b)) {
		head = bus_rw(b, DEV_BASE + SIMVIRTIO_OFF(q1_head),
			      sizeof(head), false, 0);
		bus_rw(b, DEV_BASE + SIMVIRTIO_OFF(q1_tail), sizeof(head),
		       true, head);
	} else if (qm) {
		/* Take all the device published... */
		head = smp_load_acquire(&qm->ctl.head);
		/* ...and give the slots back. */
		smp_store_release(&qm->ctl.tail, head);
	}
}

/* What the rest of the VMM relies on, after every operation. */
static void check_state(const struct simvirtio_dev *dev)
{
	unsigned int q;

	if (dev->pending_len > SIMVIRTIO_PENDING_MAX ||
	    dev->backlog > SIMVIRTIO_BACKLOG ||
	    !dev->backlog != !dev->pending_len ||
	    dev->queue_sel >= SIMVIRTIO_NR_QUEUES ||
	    dev->error >= SIMVIRTIO_NR_ERRORS ||
	    !dev->error != (dev->device_status != DEVICE_FAILED))
		goto bad;
	for (q = 0; q < SIMVIRTIO_NR_QUEUES; q++)
		if (dev->ctl[q] &&
		    (dev->queue[q].head >= SIMVIRTIO_QUEUE_LEN ||
		     dev->queue[q].tail >= SIMVIRTIO_QUEUE_LEN))
			goto bad;
	return;
bad:
	simvirtio_report_state(dev, stderr);
	fprintf(stderr, "simvirtio: inconsistent state: pending %u (%u answers), queue_sel %u, error %u, TX %u/%u, RX %u/%u\n",
		dev->pending_len, dev->backlog, dev->queue_sel, dev->error,
		dev->queue[0].head, dev->queue[0].tail,
		dev->queue[1].head, dev->queue[1].tail);
	abort();
}

static void run_op(struct bench *b, struct input *in, unsigned int op)
{
	uint64_t gpa, value;
	uint32_t len;
	bool is_write;

	switch (op) {
	case OP_WRITE:
	case OP_READ:
		mmio(b, in, op == OP_WRITE);
		break;
	case OP_SERVICE:
		simvirtio_service(&b->dev);
		break;
	case OP_POKE:
		poke(b, in);
		break;
	case OP_ACCESS:
		gpa = take(in, 8);
		len = take(in, 1);
		is_write = take(in, 1) & 1;
		value = take(in, 8);
		bus_rw(b, gpa, len, is_write, value);
		break;
	case OP_SEND:
		drv_send(b, in);
		break;
	case OP_RECV:
		drv_recv(b);
		break;
	}
}

/* libFuzzer calls it once per input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct bench *b;
	uint8_t transport;
	uint32_t payload;
	size_t n;

	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		if (!devnull)
			abort();
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		abort();
	b->mem.size = RAM_SIZE;
	b->mem.host = calloc(1, RAM_SIZE);
	if (!b->mem.host)
		abort();

	transport = take(&in, 1) & 1 ? SIMVIRTIO_TRANSPORT_POLLING :
				       SIMVIRTIO_TRANSPORT_EXITS;
	payload = take(&in, 2);
	n = take(&in, 2);
	if (n > in.size)
		n = in.size;
	memcpy(b->mem.host, in.data, n);
	in.data += n;
	in.size -= n;

	simvirtio_init(&b->dev, &b->mem, DEV_BASE, transport, payload,
		       devnull, devnull);
	bus_init(&b->bus, "MMIO");
	b->bus.report = devnull;
	if (simvirtio_register(&b->dev, &b->bus) ||
	    bus_register(&b->bus, "guard-low", DEV_BASE - GUARD_LEN,
			 GUARD_LEN, guard_mmio, NULL) ||
	    bus_register(&b->bus, "guard-high",
			 DEV_BASE + SIMVIRTIO_MMIO_SIZE, GUARD_LEN,
			 guard_mmio, NULL))
		abort();

	while (in.size) {
		run_op(b, &in, take(&in, 1) % NR_OPS);
		check_state(&b->dev);
	}

	/* What a failed run prints. */
	simvirtio_report_state(&b->dev, devnull);
	simvirtio_destroy(&b->dev);
	free(b->mem.host);
	free(b);
	return 0;
}
