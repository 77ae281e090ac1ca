// SPDX-License-Identifier: GPL-2.0
/*
 * The SIMVIRTIO driver of the 64-bit guest. It shares the protocol
 * header and the ring code with the VMM's device model: the same
 * circ_bbuf_push() and circ_bbuf_pop(), compiled freestanding.
 */
#include <kvmlab/guest_io.h>
#include <simvirtio/queue.h>

#include "simvirtio_driver.h"

#define MESSAGE		"Ana are mere!\n"
#define ANSWER_MAX	32	/* "ACK " 20 digits "\n" and a NUL */
#define DECIMAL_MAX	21	/* digits of a uint64_t, and a NUL */

struct driver {
	uint64_t base;		/* the configuration space */
	uint8_t transport;
	uint32_t maxlen;
	uint32_t payload_len;
	simqueue_t tx;
	simqueue_t rx;
};

/* ---- registers ---- */

#define REG(drv, field)							\
	((volatile __typeof__(((struct simvirtio_config *)0)->field) *)	\
	 phys_ptr((drv)->base + SIMVIRTIO_OFF(field)))

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
	volatile queue_control_t *ctl = index == SIMVIRTIO_QUEUE_TX ?
		(void *)REG(drv, q0_head) : (void *)REG(drv, q1_head);

	/* BEGIN SOLUTION 4: under polling, the control words are in RAM */
	if (drv->transport == SIMVIRTIO_TRANSPORT_POLLING)
		ctl = &qm->ctl;
	/* END SOLUTION */
	*REG(drv, queue_sel) = index;
	*REG(drv, queue_addr) = addr;
	if (index == SIMVIRTIO_QUEUE_TX)
		*REG(drv, q0_tx_ctl) = QUEUE_CTL_ENABLE;
	else
		*REG(drv, q1_rx_ctl) = QUEUE_CTL_ENABLE;
	simqueue_init(q, ctl, qm->ring, drv->maxlen);
}

/* ---- the protocol, step by step (docs/simvirtio.md, 6) ---- */

static int probe(struct driver *drv, uint64_t window)
{
	drv->base = window;
	if (!window || *REG(drv, magic) != MAGIC_VALUE)
		return -1;
	drv->maxlen = *REG(drv, max_queue_len);
	drv->transport = *REG(drv, transport);
	drv->payload_len = *REG(drv, payload_len);
	return 0;
}

static void setup(struct driver *drv)
{
	device_table_t *table = phys_ptr(GUEST_SIMVIRTIO_TABLE);
	unsigned int i;

	table->count = 0;
	for (i = 0; i < SIMVIRTIO_MAX_DEVICES; i++)
		table->device_addresses[i] = 0;
	*REG(drv, devtable_addr) = GUEST_SIMVIRTIO_TABLE;
	attach_queue(drv, &drv->tx, SIMVIRTIO_QUEUE_TX, GUEST_SIMVIRTIO_TXQ);
	attach_queue(drv, &drv->rx, SIMVIRTIO_QUEUE_RX, GUEST_SIMVIRTIO_RXQ);
}

/*
 * BEGIN SOLUTION 3: the protocol, over the queues: send and receive
 * bytes (a full TX or empty RX waits; under the exit transport, a
 * failed device ends the wait), the handshake of docs/simvirtio.md
 * section 6, the message and the payload, each answered "ACK <n>".
 */
static uint8_t device_status(const struct driver *drv)
{
	return *REG(drv, device_status);
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
 * A full ring waits for the device. Under the exit transport the
 * device drains TX at each notification, so a ring that stays full
 * means the device stopped: give up if it failed.
 */
static int send_byte(struct driver *drv, q_elem_t b)
{
	for (;;) {
		int ret = circ_bbuf_push(&drv->tx, b);

		if (ret == SIMQ_OK)
			return 0;
		if (ret == SIMQ_CORRUPT)
			return -1;
		if (drv->transport == SIMVIRTIO_TRANSPORT_EXITS &&
		    device_status(drv) == DEVICE_FAILED)
			return -1;
	}
}

static int recv_byte(struct driver *drv, q_elem_t *b)
{
	for (;;) {
		int ret = circ_bbuf_pop(&drv->rx, b);

		if (ret == SIMQ_OK)
			return 0;
		if (ret == SIMQ_CORRUPT)
			return -1;
		if (drv->transport == SIMVIRTIO_TRANSPORT_EXITS &&
		    device_status(drv) == DEVICE_FAILED)
			return -1;
	}
}

/* A command is done once the device has taken it off TX. */
static int send_command(struct driver *drv, q_elem_t cmd, uint8_t status)
{
	if (send_byte(drv, cmd))
		return -1;
	while (__atomic_load_n(&drv->tx.q_ctrl->tail, __ATOMIC_ACQUIRE) !=
	       drv->tx.head)
		;
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

static int listed(const struct driver *drv)
{
	const volatile device_table_t *table = phys_ptr(GUEST_SIMVIRTIO_TABLE);
	unsigned int i;

	for (i = 0; i < table->count && i < SIMVIRTIO_MAX_DEVICES; i++)
		if (table->device_addresses[i] == drv->base)
			return 1;
	return 0;
}

static int handshake(struct driver *drv)
{
	if (send_command(drv, SIMVIRTIO_CMD_RESET, DEVICE_RESET))
		return failure("reset");
	*REG(drv, driver_status) = DRIVER_ACK;
	if (send_command(drv, SIMVIRTIO_CMD_CONFIG, DEVICE_CONFIG))
		return failure("configuration");
	if (!listed(drv))
		return failure("device table lookup");
	*REG(drv, driver_status) = DRIVER_OK;
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
