// SPDX-License-Identifier: GPL-2.0
/*
 * The SIMVIRTIO driver of the 64-bit guest. It shares the protocol
 * header and the ring code with the VMM's device model: the same
 * circ_bbuf_push() and circ_bbuf_pop(), compiled freestanding.
 */
#include <stdbool.h>

#include <kvmlab/guest_io.h>
#include <simvirtio/queue.h>

#include "simvirtio_driver.h"

#define MESSAGE		"Ana are mere!\n"
#define ANSWER_MAX	32	/* "ACK " 20 digits "\n" and a NUL */
#define DECIMAL_MAX	21	/* digits of a uint64_t, and a NUL */
/*
 * Under polling a wait costs no exit, and the device may have failed
 * meanwhile: read DEVICE_STATUS once per this many TSC ticks of a wait
 * (almost a second at 2.5 GHz). The poll thread answers long before,
 * unless the host starves it that long, so a working device costs no
 * exit for it.
 */
#define STATUS_CHECK_TICKS	(1ULL << 31)
#define WAIT_ROUNDS		1024

struct driver {
	uint64_t base;		/* the configuration space */
	uint8_t transport;
	uint32_t maxlen;
	uint32_t payload_len;
	simqueue_t tx;
	simqueue_t rx;
};

/* ---- registers ---- */

/* A register, at its own offset and width: one MMIO access each. */
#define REG(drv, field)							\
	((__typeof__(((struct simvirtio_config *)0)->field) *)		\
	 phys_ptr((drv)->base + SIMVIRTIO_OFF(field)))
#define cfg_read(drv, field)		READ_ONCE(*REG(drv, field))
#define cfg_write(drv, field, v)	WRITE_ONCE(*REG(drv, field), v)

/* ---- reporting ---- */

static int failure(const char *what)
{
	debugcon_puts("simvirtio: ");
	debugcon_puts(what);
	debugcon_puts(" failed\n");
	return -1;
}

/* ---- queues ---- */

/*
 * Under the exit transport the control words are registers; under
 * polling, the first bytes of the queue memory in RAM.
 */
static void attach_queue(struct driver *drv, simqueue_t *q,
			 unsigned int index, uint64_t addr)
{
	struct simvirtio_queue_mem *qm = phys_ptr(addr);
	queue_control_t *ctl = index == SIMVIRTIO_QUEUE_TX ?
		(void *)REG(drv, q0_head) : (void *)REG(drv, q1_head);

	/* BEGIN SOLUTION 4: under polling, the control words are in RAM */
	if (drv->transport == SIMVIRTIO_TRANSPORT_POLLING)
		ctl = &qm->ctl;
	/* END SOLUTION */
	cfg_write(drv, queue_sel, index);
	cfg_write(drv, queue_addr, addr);
	if (index == SIMVIRTIO_QUEUE_TX)
		cfg_write(drv, q0_tx_ctl, QUEUE_CTL_ENABLE);
	else
		cfg_write(drv, q1_rx_ctl, QUEUE_CTL_ENABLE);
	simqueue_init(q, ctl, qm->ring, drv->maxlen);
}

/* ---- the protocol, step by step (docs/simvirtio.md, 6) ---- */

static int probe(struct driver *drv, uint64_t window)
{
	drv->base = window;
	if (!window || cfg_read(drv, magic) != MAGIC_VALUE)
		return -1;
	drv->maxlen = cfg_read(drv, max_queue_len);
	drv->transport = cfg_read(drv, transport);
	drv->payload_len = cfg_read(drv, payload_len);
	return 0;
}

static void setup(struct driver *drv)
{
	device_table_t *table = phys_ptr(GUEST_SIMVIRTIO_TABLE);
	unsigned int i;

	table->count = 0;
	for (i = 0; i < SIMVIRTIO_MAX_DEVICES; i++)
		table->device_addresses[i] = 0;
	/* The table's address first: it is locked once a queue is on. */
	cfg_write(drv, devtable_addr, GUEST_SIMVIRTIO_TABLE);
	attach_queue(drv, &drv->tx, SIMVIRTIO_QUEUE_TX, GUEST_SIMVIRTIO_TXQ);
	attach_queue(drv, &drv->rx, SIMVIRTIO_QUEUE_RX, GUEST_SIMVIRTIO_RXQ);
}

/*
 * BEGIN SOLUTION 3: the protocol, over the queues: send and receive
 * bytes (a full TX or empty RX waits, and DEVICE_FAILED ends the
 * wait), the handshake of docs/simvirtio.md section 6, the message and
 * the payload, each answered "ACK <n>".
 */
static uint8_t device_status(const struct driver *drv)
{
	return cfg_read(drv, device_status);
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Where a wait for the device stands. */
struct wait {
	unsigned int rounds;	/* polling: rounds since the last look */
	uint64_t next_check;	/* polling: TSC of the next status read */
};

/*
 * Called at each round of a wait that is not over: true if the device
 * failed, which ends every wait (a failed device moves no index until
 * DRIVER_RESET). Under the exit transport the device works at each
 * exit, so a round that found nothing new reads the status at once.
 * Under polling the poll thread works meanwhile: read it now and then,
 * and look at the clock only every WAIT_ROUNDS rounds (rdtsc is slow
 * where the guest's kernel mode is emulated). Out of line, so that the
 * loops that call it cost a byte no more than a push.
 */
static noinline bool device_gone(const struct driver *drv, struct wait *w)
{
	if (drv->transport == SIMVIRTIO_TRANSPORT_POLLING) {
		uint64_t now;

		if (++w->rounds < WAIT_ROUNDS)
			return false;
		w->rounds = 0;
		now = rdtsc();
		if (!w->next_check)
			w->next_check = now + STATUS_CHECK_TICKS;
		if (now < w->next_check)
			return false;
		w->next_check = now + STATUS_CHECK_TICKS;
	}
	return device_status(drv) == DEVICE_FAILED;
}

/* A number in decimal, written from the end of the buffer. */
struct decimal {
	char digits[DECIMAL_MAX];
};

static const char *utoa(uint64_t n, struct decimal *d)
{
	unsigned int i = DECIMAL_MAX - 1;

	d->digits[i] = '\0';
	do {
		d->digits[--i] = '0' + n % 10;
		n /= 10;
	} while (n);
	return &d->digits[i];
}

static void report(const char *what, uint64_t n)
{
	struct decimal d;

	debugcon_puts("simvirtio: ");
	debugcon_puts(what);
	debugcon_puts(utoa(n, &d));
	debugcon_puts("\n");
}

/*
 * A full ring waits for the device. This driver has at most one answer
 * unread (it reads each before it sends more), fewer than the device's
 * backlog of SIMVIRTIO_BACKLOG, so the device always drains TX.
 */
static int send_byte(struct driver *drv, q_elem_t b)
{
	struct wait w = { 0, 0 };

	for (;;) {
		int ret = circ_bbuf_push(&drv->tx, b);

		if (ret == SIMQ_OK)
			return 0;
		if (ret == SIMQ_CORRUPT || device_gone(drv, &w))
			return -1;
	}
}

static int recv_byte(struct driver *drv, q_elem_t *b)
{
	struct wait w = { 0, 0 };

	for (;;) {
		int ret = circ_bbuf_pop(&drv->rx, b);

		if (ret == SIMQ_OK)
			return 0;
		if (ret == SIMQ_CORRUPT || device_gone(drv, &w))
			return -1;
	}
}

/*
 * A command is done once the device has taken it off TX; its status
 * then says whether it worked (the device may fail after taking it).
 */
static int send_command(struct driver *drv, q_elem_t cmd, uint8_t status)
{
	struct wait w = { 0, 0 };

	if (send_byte(drv, cmd))
		return -1;
	/* The device publishes TX tail once it has taken the byte. */
	while (smp_load_acquire(&drv->tx.q_ctrl->tail) != drv->tx.head)
		if (device_gone(drv, &w))
			return -1;
	return device_status(drv) == status ? 0 : -1;
}

/* Read one answer and compare it with "ACK <n>\n". */
static int expect_ack(struct driver *drv, uint64_t n)
{
	struct decimal d;
	const char *want = utoa(n, &d);
	char got[ANSWER_MAX];
	unsigned int len = 0;
	q_elem_t b;

	do {
		if (recv_byte(drv, &b) || len == ANSWER_MAX - 1)
			return -1;
		got[len++] = b;
	} while (b != SIMVIRTIO_MSG_END);
	got[len] = '\0';
	if (len < 5 || got[0] != 'A' || got[1] != 'C' || got[2] != 'K' ||
	    got[3] != ' ')
		return -1;
	for (len = 4; *want; len++, want++)
		if (got[len] != *want)
			return -1;
	return got[len] == SIMVIRTIO_MSG_END ? 0 : -1;
}

/* The device lists its window's address, the one RDI gave us. */
static int listed(const struct driver *drv)
{
	device_table_t *table = phys_ptr(GUEST_SIMVIRTIO_TABLE);
	/* The device stores an entry, then the count that publishes it. */
	const uint16_t count = smp_load_acquire(&table->count);
	unsigned int i;

	for (i = 0; i < count && i < SIMVIRTIO_MAX_DEVICES; i++)
		if (READ_ONCE(table->device_addresses[i]) == drv->base)
			return 1;
	return 0;
}

static int handshake(struct driver *drv)
{
	if (send_command(drv, SIMVIRTIO_CMD_RESET, DEVICE_RESET))
		return failure("reset");
	cfg_write(drv, driver_status, DRIVER_ACK);
	if (send_command(drv, SIMVIRTIO_CMD_CONFIG, DEVICE_CONFIG))
		return failure("configuration");
	if (!listed(drv)) {
		/* Not our device after all: leave it as it powered on. */
		cfg_write(drv, driver_status, DRIVER_RESET);
		return failure("device table lookup");
	}
	cfg_write(drv, driver_status, DRIVER_OK);
	if (device_status(drv) != DEVICE_READY)
		return failure("DRIVER_OK");
	return 0;
}

static int send_message(struct driver *drv, const char *msg)
{
	uint64_t len;

	for (len = 0; msg[len]; len++)
		if (send_byte(drv, msg[len]))
			return failure("message");
	if (expect_ack(drv, len))
		return failure("message acknowledgement");
	report("message acknowledged: ACK ", len);
	return 0;
}

static int send_payload(struct driver *drv)
{
	uint32_t i;

	if (!drv->payload_len)
		return 0;
	for (i = 0; i < drv->payload_len; i++)
		if (send_byte(drv, simvirtio_payload_byte(i)))
			return failure("payload");
	if (expect_ack(drv, drv->payload_len))
		return failure("payload acknowledgement");
	report("payload acknowledged: ACK ", drv->payload_len);
	return 0;
}

/* STUB: static int handshake(struct driver *drv) */
/* STUB: { */
/* STUB:	return failure("handshake (not implemented yet)"); */
/* STUB: } */
/* STUB:  */
/* STUB: static int send_message(struct driver *drv, const char *msg) */
/* STUB: { */
/* STUB:	return -1; */
/* STUB: } */
/* STUB:  */
/* STUB: static int send_payload(struct driver *drv) */
/* STUB: { */
/* STUB:	return -1; */
/* STUB: } */
/* END SOLUTION */

int simvirtio_run(uint64_t window)
{
	struct driver drv;

	if (probe(&drv, window))
		return failure("probe");
	debugcon_puts(drv.transport == SIMVIRTIO_TRANSPORT_POLLING ?
		      "simvirtio: polling transport\n" :
		      "simvirtio: exit transport\n");
	setup(&drv);
	if (handshake(&drv) || send_message(&drv, MESSAGE) ||
	    send_payload(&drv))
		return -1;
	return 0;
}
