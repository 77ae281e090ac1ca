// SPDX-License-Identifier: GPL-2.0
/*
 * The SIMVIRTIO device (docs/simvirtio.md): configuration registers,
 * the handshake state machine, and the two queues. Every value the
 * guest controls is read once and checked: register accesses against
 * the register table, queue and table addresses against RAM, ring
 * indices against the queue length (in circ_bbuf_pop/push).
 */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <kvmlab/kernel.h>

#include "devices/simvirtio.h"

enum simvirtio_reg {
	R_MAGIC, R_MAX_QUEUE_LEN, R_DEVICE_STATUS, R_DRIVER_STATUS,
	R_QUEUE_SEL, R_Q0_TX_CTL, R_Q1_RX_CTL, R_TRANSPORT, R_ERROR,
	R_QUEUE_ADDR, R_DEVTABLE_ADDR, R_PAYLOAD_LEN, R_RESERVED,
	R_Q0_HEAD, R_Q0_TAIL, R_Q1_HEAD, R_Q1_TAIL,
	NR_SIMVIRTIO_REGS,
};

/* The register map, from the layout in simvirtio.h. */
struct reg_desc {
	const char *name;
	uint8_t offset;
	uint8_t width;
	bool writable;
	bool exit_transport;	/* only there under the exit transport */
};

#define CFG_WIDTH(field)	sizeof(((struct simvirtio_config *)0)->field)
#define REG(field, w, e)						\
	{ #field, SIMVIRTIO_OFF(field), CFG_WIDTH(field), w, e }

static const struct reg_desc regs[NR_SIMVIRTIO_REGS] = {
	[R_MAGIC] = REG(magic, false, false),
	[R_MAX_QUEUE_LEN] = REG(max_queue_len, false, false),
	[R_DEVICE_STATUS] = REG(device_status, false, false),
	[R_DRIVER_STATUS] = REG(driver_status, true, false),
	[R_QUEUE_SEL] = REG(queue_sel, true, false),
	[R_Q0_TX_CTL] = REG(q0_tx_ctl, true, false),
	[R_Q1_RX_CTL] = REG(q1_rx_ctl, true, false),
	[R_TRANSPORT] = REG(transport, false, false),
	[R_ERROR] = REG(error, false, false),
	[R_QUEUE_ADDR] = REG(queue_addr, true, false),
	[R_DEVTABLE_ADDR] = REG(devtable_addr, true, false),
	[R_PAYLOAD_LEN] = REG(payload_len, false, false),
	[R_RESERVED] = REG(reserved, false, false),
	[R_Q0_HEAD] = REG(q0_head, true, true),
	[R_Q0_TAIL] = REG(q0_tail, false, true),
	[R_Q1_HEAD] = REG(q1_head, false, true),
	[R_Q1_TAIL] = REG(q1_tail, true, true),
};

static const char *const error_names[SIMVIRTIO_NR_ERRORS] = {
	[SIMVIRTIO_ERR_NONE] = "none",
	[SIMVIRTIO_ERR_ACCESS] = "ERR_ACCESS",
	[SIMVIRTIO_ERR_READ_ONLY] = "ERR_READ_ONLY",
	[SIMVIRTIO_ERR_SEQUENCE] = "ERR_SEQUENCE",
	[SIMVIRTIO_ERR_QUEUE_ADDR] = "ERR_QUEUE_ADDR",
	[SIMVIRTIO_ERR_TABLE_ADDR] = "ERR_TABLE_ADDR",
	[SIMVIRTIO_ERR_INDEX] = "ERR_INDEX",
	[SIMVIRTIO_ERR_CONFIG_LOCKED] = "ERR_CONFIG_LOCKED",
	[SIMVIRTIO_ERR_TABLE_FULL] = "ERR_TABLE_FULL",
	[SIMVIRTIO_ERR_COMMAND] = "ERR_COMMAND",
};

/* Queue memory and the device table hold 8-byte fields. */
#define SIMVIRTIO_ALIGN		8

const char *simvirtio_error_name(uint32_t code)
{
	return code < SIMVIRTIO_NR_ERRORS ? error_names[code] : "?";
}

static const char *device_status_name(uint8_t status)
{
	switch (status) {
	case DEVICE_RESET:
		return "DEVICE_RESET";
	case DEVICE_CONFIG:
		return "DEVICE_CONFIG";
	case DEVICE_READY:
		return "DEVICE_READY";
	case DEVICE_FAILED:
		return "DEVICE_FAILED";
	default:
		return "?";
	}
}

static const char *driver_status_name(uint8_t status)
{
	switch (status) {
	case DRIVER_ACK:
		return "DRIVER_ACK";
	case DRIVER:
		return "DRIVER";
	case DRIVER_OK:
		return "DRIVER_OK";
	default:
		return "?";
	}
}

void simvirtio_report_state(const struct simvirtio_dev *dev, FILE *out)
{
	fprintf(out,
		"vmm: simvirtio: last step: %s, driver %s, %s'R' seen, queues %s/%s, %llu messages, %llu of %u payload bytes, error %s\n",
		device_status_name(dev->device_status),
		driver_status_name(dev->driver_status),
		dev->got_reset ? "" : "no ",
		dev->ctl[SIMVIRTIO_QUEUE_TX] ? "TX on" : "TX off",
		dev->ctl[SIMVIRTIO_QUEUE_RX] ? "RX on" : "RX off",
		(unsigned long long)dev->messages,
		(unsigned long long)dev->payload_seen, dev->payload_len,
		simvirtio_error_name(dev->error));
}

static bool failed(const struct simvirtio_dev *dev)
{
	return dev->device_status == DEVICE_FAILED;
}

/*
 * A device error: the first one is kept in ERROR and moves the device
 * to DEVICE_FAILED. Each kind is said once on stderr; all are counted.
 */
static void __attribute__((format(printf, 3, 4)))
fail(struct simvirtio_dev *dev, uint32_t code, const char *fmt, ...)
{
	va_list ap;

	dev->nr_errors++;
	if (!dev->error)
		dev->error = code;
	dev->device_status = DEVICE_FAILED;
	if (dev->reported[code] || !dev->err)
		return;
	dev->reported[code] = true;
	fprintf(dev->err, "vmm: simvirtio: device error: %s (",
		simvirtio_error_name(code));
	va_start(ap, fmt);
	vfprintf(dev->err, fmt, ap);
	va_end(ap);
	fprintf(dev->err, ")\n");
}

/* 'R': the protocol starts over; the queues stay as they are. */
static void protocol_reset(struct simvirtio_dev *dev)
{
	dev->device_status = DEVICE_RESET;
	dev->got_reset = true;
	dev->pending_len = 0;
	dev->msg_len = 0;
	dev->messages = 0;
	dev->in_payload = false;
	dev->payload_seen = 0;
	dev->payload_bad = 0;
}

/* DRIVER_RESET, and power-on: everything but the configuration. */
static void power_on_reset(struct simvirtio_dev *dev)
{
	protocol_reset(dev);
	dev->got_reset = false;
	dev->driver_status = DRIVER_ACK;
	dev->queue_sel = SIMVIRTIO_QUEUE_TX;
	dev->error = SIMVIRTIO_ERR_NONE;
	memset(dev->ctl, 0, sizeof(dev->ctl));
	memset(dev->queue_addr, 0, sizeof(dev->queue_addr));
	memset(dev->ctl_regs, 0, sizeof(dev->ctl_regs));
	memset(dev->queue, 0, sizeof(dev->queue));
	dev->devtable_addr = 0;
}

void simvirtio_init(struct simvirtio_dev *dev, struct guest_mem *mem,
		    uint64_t base, uint8_t transport, uint32_t payload_len,
		    FILE *out, FILE *err)
{
	memset(dev, 0, sizeof(*dev));
	pthread_mutex_init(&dev->lock, NULL);
	dev->mem = mem;
	dev->base = base;
	dev->transport = transport;
	dev->payload_len = payload_len;
	dev->out = out;
	dev->err = err;
	power_on_reset(dev);
}

void simvirtio_destroy(struct simvirtio_dev *dev)
{
	pthread_mutex_destroy(&dev->lock);
}

int simvirtio_register(struct simvirtio_dev *dev, struct bus *mmio)
{
	return bus_register(mmio, "simvirtio", dev->base, SIMVIRTIO_MMIO_SIZE,
			    simvirtio_mmio, dev);
}

static bool queue_enabled(const struct simvirtio_dev *dev, unsigned int q)
{
	return dev->ctl[q] & QUEUE_CTL_ENABLE;
}

/* ---- queues ---- */

/* Check the queue memory once, then attach the device's side to it. */
static void enable_queue(struct simvirtio_dev *dev, unsigned int q)
{
	const uint64_t addr = dev->queue_addr[q];
	struct simvirtio_queue_mem *qm = NULL;
	volatile queue_control_t *ctl;

	if (addr % SIMVIRTIO_ALIGN == 0)
		qm = guest_ptr(dev->mem, addr, sizeof(*qm));
	if (!qm) {
		fail(dev, SIMVIRTIO_ERR_QUEUE_ADDR,
		     "queue %u at 0x%llx is not %zu aligned bytes of RAM", q,
		     (unsigned long long)addr, sizeof(*qm));
		return;
	}
	ctl = &dev->ctl_regs[q];
	/* BEGIN SOLUTION 4: under polling, the control words are in RAM */
	if (dev->transport == SIMVIRTIO_TRANSPORT_POLLING)
		ctl = &qm->ctl;
	/* END SOLUTION */
	__atomic_store_n(&ctl->head, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&ctl->tail, 0, __ATOMIC_RELEASE);
	simqueue_init(&dev->queue[q], ctl, qm->ring, SIMVIRTIO_QUEUE_LEN);
	dev->ctl[q] = QUEUE_CTL_ENABLE;
}

/*
 * BEGIN SOLUTION 3: what the device does with each byte from TX: the
 * handshake's commands ('R', 'C' and the device table) until
 * DEVICE_READY, then messages (print, answer "ACK <n>") and the
 * payload (check, count, answer). docs/simvirtio.md, sections 3, 6, 8.
 */
static void queue_answer(struct simvirtio_dev *dev, uint64_t n)
{
	char ack[SIMVIRTIO_ACK_MAX];
	int len = snprintf(ack, sizeof(ack), SIMVIRTIO_ACK_PREFIX "%llu\n",
			   (unsigned long long)n);

	/* service_tx() keeps SIMVIRTIO_ACK_MAX bytes free for this. */
	memcpy(dev->pending + dev->pending_len, ack, len);
	dev->pending_len += len;
}

/* 'C': add this device to the driver's device table. */
static void configure(struct simvirtio_dev *dev)
{
	const uint64_t addr = dev->devtable_addr;
	device_table_t *table = NULL;
	uint16_t count;

	if (dev->device_status != DEVICE_RESET || !dev->got_reset ||
	    dev->driver_status != DRIVER_ACK) {
		fail(dev, SIMVIRTIO_ERR_SEQUENCE,
		     "'C' in device status 0x%x, driver status 0x%x%s",
		     dev->device_status, dev->driver_status,
		     dev->got_reset ? "" : ", before 'R'");
		return;
	}
	if (addr % SIMVIRTIO_ALIGN == 0)
		table = guest_ptr(dev->mem, addr, sizeof(*table));
	if (!table) {
		fail(dev, SIMVIRTIO_ERR_TABLE_ADDR,
		     "table at 0x%llx is not %zu aligned bytes of RAM",
		     (unsigned long long)addr, sizeof(*table));
		return;
	}
	/* Append after the entries already there: read count once. */
	count = __atomic_load_n(&table->count, __ATOMIC_RELAXED);
	if (count >= SIMVIRTIO_MAX_DEVICES) {
		fail(dev, SIMVIRTIO_ERR_TABLE_FULL, "count %u, %d entries",
		     count, SIMVIRTIO_MAX_DEVICES);
		return;
	}
	table->device_addresses[count] = dev->base;
	__atomic_store_n(&table->count, count + 1, __ATOMIC_RELEASE);
	dev->device_status = DEVICE_CONFIG;
}

/* Before DEVICE_READY, TX carries commands. */
static void command(struct simvirtio_dev *dev, q_elem_t b)
{
	if (b == SIMVIRTIO_CMD_RESET)
		protocol_reset(dev);
	else if (b == SIMVIRTIO_CMD_CONFIG)
		configure(dev);
	else
		fail(dev, SIMVIRTIO_ERR_COMMAND,
		     "byte 0x%02x before DEVICE_READY", b);
}

static void receive_payload(struct simvirtio_dev *dev, q_elem_t b)
{
	if (b != simvirtio_payload_byte(dev->payload_seen))
		dev->payload_bad++;
	if (++dev->payload_seen == dev->payload_len) {
		dev->in_payload = false;
		queue_answer(dev, dev->payload_seen);
	}
}

/* One byte from TX. */
static void receive(struct simvirtio_dev *dev, q_elem_t b)
{
	if (dev->device_status != DEVICE_READY) {
		command(dev, b);
		return;
	}
	if (dev->in_payload) {
		receive_payload(dev, b);
		return;
	}
	fputc(b, dev->out);
	dev->msg_len++;
	if (b != SIMVIRTIO_MSG_END)
		return;
	fflush(dev->out);
	dev->messages++;
	queue_answer(dev, dev->msg_len);
	dev->msg_len = 0;
	if (dev->messages == 1 && dev->payload_len)
		dev->in_payload = true;
}

/* STUB: static void receive(struct simvirtio_dev *dev, q_elem_t b) */
/* STUB: { */
/* STUB:	fail(dev, SIMVIRTIO_ERR_COMMAND, "not implemented yet: byte 0x%02x (simvirtio.c)", b); */
/* STUB: } */
/* END SOLUTION */

/* Take what TX holds, while an answer would still fit. */
static bool service_tx(struct simvirtio_dev *dev)
{
	simqueue_t *tx = &dev->queue[SIMVIRTIO_QUEUE_TX];
	bool moved = false;
	q_elem_t b;

	while (queue_enabled(dev, SIMVIRTIO_QUEUE_TX) && !failed(dev) &&
	       dev->pending_len + SIMVIRTIO_ACK_MAX <= SIMVIRTIO_PENDING_MAX) {
		int ret = circ_bbuf_pop(tx, &b);

		if (ret == SIMQ_EMPTY)
			break;
		if (ret == SIMQ_CORRUPT) {
			fail(dev, SIMVIRTIO_ERR_INDEX,
			     "TX head out of range [0, %u)", tx->maxlen);
			break;
		}
		receive(dev, b);
		moved = true;
	}
	return moved;
}

/* Push pending answers on RX, as far as there is room. */
static bool service_rx(struct simvirtio_dev *dev)
{
	simqueue_t *rx = &dev->queue[SIMVIRTIO_QUEUE_RX];
	uint32_t sent = 0;

	while (sent < dev->pending_len &&
	       queue_enabled(dev, SIMVIRTIO_QUEUE_RX) && !failed(dev)) {
		int ret = circ_bbuf_push(rx, dev->pending[sent]);

		if (ret == SIMQ_FULL)
			break;
		if (ret == SIMQ_CORRUPT) {
			fail(dev, SIMVIRTIO_ERR_INDEX,
			     "RX tail out of range [0, %u)", rx->maxlen);
			break;
		}
		sent++;
	}
	memmove(dev->pending, dev->pending + sent, dev->pending_len - sent);
	dev->pending_len -= sent;
	return sent != 0;
}

static bool service_locked(struct simvirtio_dev *dev)
{
	bool moved = service_rx(dev);

	if (service_tx(dev)) {
		service_rx(dev);
		moved = true;
	}
	return moved;
}

bool simvirtio_service(struct simvirtio_dev *dev)
{
	bool moved;

	pthread_mutex_lock(&dev->lock);
	moved = service_locked(dev);
	pthread_mutex_unlock(&dev->lock);
	return moved;
}

/* ---- registers ---- */

static int find_reg(uint64_t offset, uint32_t len)
{
	int i;

	for (i = 0; i < NR_SIMVIRTIO_REGS; i++)
		if (regs[i].offset == offset && regs[i].width == len)
			return i;
	return -1;
}

static uint64_t read_reg(struct simvirtio_dev *dev, int reg)
{
	switch (reg) {
	case R_MAGIC:
		return MAGIC_VALUE;
	case R_MAX_QUEUE_LEN:
		return SIMVIRTIO_QUEUE_LEN;
	case R_DEVICE_STATUS:
		return dev->device_status;
	case R_DRIVER_STATUS:
		return dev->driver_status;
	case R_QUEUE_SEL:
		return dev->queue_sel;
	case R_Q0_TX_CTL:
		return dev->ctl[SIMVIRTIO_QUEUE_TX];
	case R_Q1_RX_CTL:
		return dev->ctl[SIMVIRTIO_QUEUE_RX];
	case R_TRANSPORT:
		return dev->transport;
	case R_ERROR:
		return dev->error;
	case R_QUEUE_ADDR:
		return dev->queue_addr[dev->queue_sel];
	case R_DEVTABLE_ADDR:
		return dev->devtable_addr;
	case R_PAYLOAD_LEN:
		return dev->payload_len;
	case R_Q0_HEAD:
		return dev->ctl_regs[SIMVIRTIO_QUEUE_TX].head;
	case R_Q0_TAIL:
		return dev->ctl_regs[SIMVIRTIO_QUEUE_TX].tail;
	case R_Q1_HEAD:
		return dev->ctl_regs[SIMVIRTIO_QUEUE_RX].head;
	case R_Q1_TAIL:
		return dev->ctl_regs[SIMVIRTIO_QUEUE_RX].tail;
	default:
		return 0;
	}
}

static void write_driver_status(struct simvirtio_dev *dev, uint8_t value)
{
	/*
	 * BEGIN SOLUTION 3: DRIVER_RESET resets everything; DRIVER_ACK is
	 * allowed in DEVICE_RESET, DRIVER and DRIVER_OK in DEVICE_CONFIG,
	 * where DRIVER_OK makes the device ready. Anything else is
	 * ERR_SEQUENCE.
	 */
	uint8_t need;

	switch (value) {
	case DRIVER_RESET:
		power_on_reset(dev);
		return;
	case DRIVER_ACK:
		need = DEVICE_RESET;
		break;
	case DRIVER:
	case DRIVER_OK:
		need = DEVICE_CONFIG;
		break;
	default:
		fail(dev, SIMVIRTIO_ERR_SEQUENCE, "driver status 0x%x", value);
		return;
	}
	if (dev->device_status != need) {
		fail(dev, SIMVIRTIO_ERR_SEQUENCE,
		     "driver status 0x%x in device status 0x%x", value,
		     dev->device_status);
		return;
	}
	dev->driver_status = value;
	if (value == DRIVER_OK)
		dev->device_status = DEVICE_READY;
	/* STUB: fail(dev, SIMVIRTIO_ERR_SEQUENCE, "not implemented yet: driver status 0x%x (simvirtio.c)", value); */
	/* END SOLUTION */
}

static void write_ctl(struct simvirtio_dev *dev, unsigned int q,
		      uint8_t value)
{
	if (value & ~QUEUE_CTL_ENABLE) {
		fail(dev, SIMVIRTIO_ERR_ACCESS, "queue %u control 0x%x", q,
		     value);
	} else if (queue_enabled(dev, q)) {
		if (!value)
			fail(dev, SIMVIRTIO_ERR_CONFIG_LOCKED,
			     "queue %u disabled while in use", q);
	} else if (value) {
		enable_queue(dev, q);
	}
}

static void write_reg(struct simvirtio_dev *dev, int reg, uint64_t value)
{
	const unsigned int sel = dev->queue_sel;

	switch (reg) {
	case R_DRIVER_STATUS:
		write_driver_status(dev, value);
		break;
	case R_QUEUE_SEL:
		if (value < SIMVIRTIO_NR_QUEUES)
			dev->queue_sel = value;
		else
			fail(dev, SIMVIRTIO_ERR_ACCESS, "queue %llu",
			     (unsigned long long)value);
		break;
	case R_Q0_TX_CTL:
		write_ctl(dev, SIMVIRTIO_QUEUE_TX, value);
		break;
	case R_Q1_RX_CTL:
		write_ctl(dev, SIMVIRTIO_QUEUE_RX, value);
		break;
	case R_QUEUE_ADDR:
		if (queue_enabled(dev, sel))
			fail(dev, SIMVIRTIO_ERR_CONFIG_LOCKED,
			     "queue %u address while enabled", sel);
		else
			dev->queue_addr[sel] = value;
		break;
	case R_DEVTABLE_ADDR:
		if (queue_enabled(dev, SIMVIRTIO_QUEUE_TX) ||
		    queue_enabled(dev, SIMVIRTIO_QUEUE_RX))
			fail(dev, SIMVIRTIO_ERR_CONFIG_LOCKED,
			     "device table address while a queue is enabled");
		else
			dev->devtable_addr = value;
		break;
	case R_Q0_HEAD:
		/* Checked when the device pops, like any index it reads. */
		__atomic_store_n(&dev->ctl_regs[SIMVIRTIO_QUEUE_TX].head,
				 (uint32_t)value, __ATOMIC_RELEASE);
		break;
	case R_Q1_TAIL:
		__atomic_store_n(&dev->ctl_regs[SIMVIRTIO_QUEUE_RX].tail,
				 (uint32_t)value, __ATOMIC_RELEASE);
		break;
	}
}

/* Decode one access; refuse anything that is not exactly a register. */
static void access_locked(struct simvirtio_dev *dev, uint64_t offset,
			  uint8_t *data, uint32_t len, bool is_write)
{
	const int reg = find_reg(offset, len);
	uint64_t value = 0;

	if (reg < 0 || (regs[reg].exit_transport &&
			dev->transport != SIMVIRTIO_TRANSPORT_EXITS)) {
		fail(dev, SIMVIRTIO_ERR_ACCESS, "%u-byte %s at +0x%llx", len,
		     is_write ? "write" : "read", (unsigned long long)offset);
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (!is_write) {
		value = read_reg(dev, reg);
		memcpy(data, &value, len);	/* little-endian host */
		return;
	}
	if (!regs[reg].writable) {
		fail(dev, SIMVIRTIO_ERR_READ_ONLY, "%s", regs[reg].name);
		return;
	}
	memcpy(&value, data, len);
	/* A failed device takes nothing but DRIVER_RESET. */
	if (failed(dev) && !(reg == R_DRIVER_STATUS && value == DRIVER_RESET)) {
		dev->nr_errors++;
		return;
	}
	write_reg(dev, reg, value);
}

int simvirtio_mmio(void *opaque, uint64_t offset, uint8_t *data,
		   uint32_t len, bool is_write)
{
	struct simvirtio_dev *dev = opaque;
	const bool exits = dev->transport == SIMVIRTIO_TRANSPORT_EXITS;

	pthread_mutex_lock(&dev->lock);
	/* Exit transport: the queues move when the guest touches us. */
	if (exits && !is_write)
		service_locked(dev);
	access_locked(dev, offset, data, len, is_write);
	if (exits && is_write)
		service_locked(dev);
	pthread_mutex_unlock(&dev->lock);
	return 0;
}
