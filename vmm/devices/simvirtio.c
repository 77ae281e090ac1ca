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
#define REG_DESC(field, w, e)						\
	{ #field, SIMVIRTIO_OFF(field), CFG_WIDTH(field), w, e }

static const struct reg_desc regs[NR_SIMVIRTIO_REGS] = {
	[R_MAGIC] = REG_DESC(magic, false, false),
	[R_MAX_QUEUE_LEN] = REG_DESC(max_queue_len, false, false),
	[R_DEVICE_STATUS] = REG_DESC(device_status, false, false),
	[R_DRIVER_STATUS] = REG_DESC(driver_status, true, false),
	[R_QUEUE_SEL] = REG_DESC(queue_sel, true, false),
	[R_Q0_TX_CTL] = REG_DESC(q0_tx_ctl, true, false),
	[R_Q1_RX_CTL] = REG_DESC(q1_rx_ctl, true, false),
	[R_TRANSPORT] = REG_DESC(transport, false, false),
	[R_ERROR] = REG_DESC(error, false, false),
	[R_QUEUE_ADDR] = REG_DESC(queue_addr, true, false),
	[R_DEVTABLE_ADDR] = REG_DESC(devtable_addr, true, false),
	[R_PAYLOAD_LEN] = REG_DESC(payload_len, false, false),
	[R_RESERVED] = REG_DESC(reserved, false, false),
	[R_Q0_HEAD] = REG_DESC(q0_head, true, true),
	[R_Q0_TAIL] = REG_DESC(q0_tail, false, true),
	[R_Q1_HEAD] = REG_DESC(q1_head, false, true),
	[R_Q1_TAIL] = REG_DESC(q1_tail, true, true),
};

/* Each device error, its name and its cause written once. */
#define SIMVIRTIO_ERROR(code, cause) \
	[SIMVIRTIO_##code] = { #code, cause }

static const struct {
	const char *name;
	const char *cause;
} errors[SIMVIRTIO_NR_ERRORS] = {
	[SIMVIRTIO_ERR_NONE] = { "none", "no error" },
	SIMVIRTIO_ERROR(ERR_ACCESS, "an access the register map does not allow"),
	SIMVIRTIO_ERROR(ERR_READ_ONLY, "a write to a read-only register"),
	SIMVIRTIO_ERROR(ERR_SEQUENCE, "a step out of order"),
	SIMVIRTIO_ERROR(ERR_QUEUE_ADDR, "queue memory not 8-byte aligned RAM"),
	SIMVIRTIO_ERROR(ERR_TABLE_ADDR, "device table not 8-byte aligned RAM"),
	SIMVIRTIO_ERROR(ERR_INDEX, "a head or tail out of the ring"),
	SIMVIRTIO_ERROR(ERR_CONFIG_LOCKED, "a change to a configuration in use"),
	SIMVIRTIO_ERROR(ERR_TABLE_FULL, "no room in the device table"),
	SIMVIRTIO_ERROR(ERR_COMMAND, "a TX byte other than 'R' or 'C' before DEVICE_READY"),
};

/* Queue memory and the device table hold 8-byte fields. */
#define SIMVIRTIO_ALIGN		8

const char *simvirtio_error_name(uint32_t code)
{
	return code < SIMVIRTIO_NR_ERRORS ? errors[code].name : "?";
}

const char *simvirtio_error_cause(uint32_t code)
{
	return code < SIMVIRTIO_NR_ERRORS ? errors[code].cause : "?";
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

static bool device_failed(const struct simvirtio_dev *dev)
{
	return dev->device_status == DEVICE_FAILED;
}

/* One line on stderr per failure, and a bounded number of them. */
static void report_error(struct simvirtio_dev *dev, uint32_t code,
			 const char *fmt, va_list ap)
{
	if (!dev->err || dev->nr_reports > SIMVIRTIO_MAX_REPORTS)
		return;
	if (dev->nr_reports++ == SIMVIRTIO_MAX_REPORTS) {
		fprintf(dev->err,
			"vmm: simvirtio: warning: further device errors are not reported\n");
		return;
	}
	fprintf(dev->err, "vmm: simvirtio: device error: %s (",
		simvirtio_error_name(code));
	vfprintf(dev->err, fmt, ap);
	fprintf(dev->err, ": %s)\n", simvirtio_error_cause(code));
}

/*
 * A device error. The first since power-on or DRIVER_RESET is kept in
 * ERROR, moves the device to DEVICE_FAILED, and is said on stderr.
 * Those that follow, until DRIVER_RESET, are only counted.
 */
static void __printf(3, 4)
device_error(struct simvirtio_dev *dev, uint32_t code, const char *fmt, ...)
{
	va_list ap;

	dev->nr_errors++;
	if (device_failed(dev))
		return;
	dev->error = code;
	dev->device_status = DEVICE_FAILED;
	va_start(ap, fmt);
	report_error(dev, code, fmt, ap);
	va_end(ap);
}

/*
 * 'R': the protocol starts over, DRIVER_STATUS included; the queues and
 * the addresses stay as they are.
 */
static void protocol_reset(struct simvirtio_dev *dev)
{
	dev->device_status = DEVICE_RESET;
	dev->driver_status = DRIVER_ACK;
	dev->got_reset = true;
	dev->pending_len = 0;
	dev->backlog = 0;
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
	dev->acked = false;
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
	queue_control_t *ctl;

	if (IS_ALIGNED(addr, SIMVIRTIO_ALIGN))
		qm = guest_ptr(dev->mem, addr, sizeof(*qm));
	if (!qm) {
		device_error(dev, SIMVIRTIO_ERR_QUEUE_ADDR,
			     "queue %u at 0x%llx is not %zu aligned bytes of RAM",
			     q, (unsigned long long)addr, sizeof(*qm));
		return;
	}
	ctl = &dev->ctl_regs[q];
	/* BEGIN SOLUTION 4: under polling, the control words are in RAM */
	if (dev->transport == SIMVIRTIO_TRANSPORT_POLLING)
		ctl = &qm->ctl;
	/* END SOLUTION */
	/* Under polling the driver reads these in RAM: one store each. */
	WRITE_ONCE(ctl->head, 0);
	WRITE_ONCE(ctl->tail, 0);
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

	/* service_tx() takes a byte only while the backlog has room. */
	memcpy(dev->pending + dev->pending_len, ack, len);
	dev->pending_len += len;
	dev->backlog++;
}

/* Is the device already in the table's first @count entries? */
static bool listed(const device_table_t *table, uint16_t count,
		   uint64_t base)
{
	uint16_t i;

	for (i = 0; i < count; i++)
		if (READ_ONCE(table->device_addresses[i]) == base)
			return true;
	return false;
}

/* 'C': add this device to the driver's device table. */
static void configure(struct simvirtio_dev *dev)
{
	const uint64_t addr = dev->devtable_addr;
	device_table_t *table = NULL;
	uint16_t count;

	if (dev->device_status != DEVICE_RESET || !dev->got_reset ||
	    !dev->acked) {
		device_error(dev, SIMVIRTIO_ERR_SEQUENCE,
			     "'C' in device status 0x%x, %s",
			     dev->device_status,
			     dev->device_status != DEVICE_RESET ? "after 'C'" :
			     !dev->got_reset ? "before 'R'" :
			     "DRIVER_ACK not written since the reset");
		return;
	}
	if (IS_ALIGNED(addr, SIMVIRTIO_ALIGN))
		table = guest_ptr(dev->mem, addr, sizeof(*table));
	if (!table) {
		device_error(dev, SIMVIRTIO_ERR_TABLE_ADDR,
			     "table at 0x%llx is not %zu aligned bytes of RAM",
			     (unsigned long long)addr, sizeof(*table));
		return;
	}
	/*
	 * Read count once. A device already listed (a second handshake)
	 * stays listed once; any other is appended after the entries there.
	 */
	count = READ_ONCE(table->count);
	if (count <= SIMVIRTIO_MAX_DEVICES &&
	    listed(table, count, dev->base)) {
		dev->device_status = DEVICE_CONFIG;
		return;
	}
	if (count >= SIMVIRTIO_MAX_DEVICES) {
		device_error(dev, SIMVIRTIO_ERR_TABLE_FULL,
			     "count %u, %d entries", count,
			     SIMVIRTIO_MAX_DEVICES);
		return;
	}
	WRITE_ONCE(table->device_addresses[count], dev->base);
	/* The entry first, then the count that makes it visible. */
	smp_store_release(&table->count, count + 1);
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
		device_error(dev, SIMVIRTIO_ERR_COMMAND,
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
/* STUB:	device_error(dev, SIMVIRTIO_ERR_COMMAND, "not implemented yet: byte 0x%02x (simvirtio.c)", b); */
/* STUB: } */
/* END SOLUTION */

/* Take what TX holds, while the backlog has room for one more answer. */
static bool service_tx(struct simvirtio_dev *dev)
{
	simqueue_t *tx = &dev->queue[SIMVIRTIO_QUEUE_TX];
	bool moved = false;
	q_elem_t b;

	while (queue_enabled(dev, SIMVIRTIO_QUEUE_TX) && !device_failed(dev) &&
	       dev->backlog < SIMVIRTIO_BACKLOG) {
		int ret = circ_bbuf_pop(tx, &b);

		if (ret == SIMQ_EMPTY)
			break;
		if (ret == SIMQ_CORRUPT) {
			device_error(dev, SIMVIRTIO_ERR_INDEX,
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
	       queue_enabled(dev, SIMVIRTIO_QUEUE_RX) && !device_failed(dev)) {
		int ret = circ_bbuf_push(rx, dev->pending[sent]);

		if (ret == SIMQ_FULL)
			break;
		if (ret == SIMQ_CORRUPT) {
			device_error(dev, SIMVIRTIO_ERR_INDEX,
				     "RX tail out of range [0, %u)", rx->maxlen);
			break;
		}
		/* The answer is on RX whole: it leaves the backlog. */
		if (dev->pending[sent++] == SIMVIRTIO_MSG_END)
			dev->backlog--;
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
	 * BEGIN SOLUTION 3: @value is one of the four statuses (write_reg()
	 * checked). DRIVER_RESET resets everything; DRIVER_ACK is allowed
	 * in DEVICE_RESET, and 'C' needs it written once since then; DRIVER
	 * and DRIVER_OK in DEVICE_CONFIG, where DRIVER_OK makes the device
	 * ready. Out of its state, a status is ERR_SEQUENCE.
	 */
	uint8_t need;

	switch (value) {
	case DRIVER_RESET:
		power_on_reset(dev);
		return;
	case DRIVER_ACK:
		need = DEVICE_RESET;
		break;
	default:		/* DRIVER, DRIVER_OK */
		need = DEVICE_CONFIG;
		break;
	}
	if (dev->device_status != need) {
		device_error(dev, SIMVIRTIO_ERR_SEQUENCE,
			     "driver status 0x%x in device status 0x%x",
			     value, dev->device_status);
		return;
	}
	dev->driver_status = value;
	if (value == DRIVER_ACK)
		dev->acked = true;
	if (value == DRIVER_OK)
		dev->device_status = DEVICE_READY;
	/* STUB: device_error(dev, SIMVIRTIO_ERR_SEQUENCE, "not implemented yet: driver status 0x%x (simvirtio.c)", value); */
	/* END SOLUTION */
}

static void write_ctl(struct simvirtio_dev *dev, unsigned int q,
		      uint8_t value)
{
	if (value & ~QUEUE_CTL_ENABLE) {
		device_error(dev, SIMVIRTIO_ERR_ACCESS,
			     "queue %u control 0x%x", q, value);
	} else if (queue_enabled(dev, q)) {
		/* Enabling it again changes nothing, its indices included. */
		if (!value)
			device_error(dev, SIMVIRTIO_ERR_CONFIG_LOCKED,
				     "queue %u disabled while in use", q);
	} else if (value) {
		enable_queue(dev, q);
	}
}

static bool driver_status_defined(uint64_t value)
{
	return value == DRIVER_ACK || value == DRIVER || value == DRIVER_OK ||
	       value == DRIVER_RESET;
}

/*
 * Exit transport: the driver's own index of queue @q (TX head, RX
 * tail) arrives in a register. The device reads it here, once, so it
 * checks it here: it never stores an index it has not checked.
 */
static void write_index(struct simvirtio_dev *dev, unsigned int q,
			uint32_t *index, uint64_t value)
{
	if (!queue_enabled(dev, q))
		device_error(dev, SIMVIRTIO_ERR_SEQUENCE,
			     "queue %u notified while disabled", q);
	else if (value >= SIMVIRTIO_QUEUE_LEN)
		device_error(dev, SIMVIRTIO_ERR_INDEX,
			     "queue %u index %llu out of range [0, %u)", q,
			     (unsigned long long)value, SIMVIRTIO_QUEUE_LEN);
	else
		WRITE_ONCE(*index, value);
}

static void write_reg(struct simvirtio_dev *dev, int reg, uint64_t value)
{
	const unsigned int sel = dev->queue_sel;

	switch (reg) {
	case R_DRIVER_STATUS:
		if (driver_status_defined(value))
			write_driver_status(dev, value);
		else
			device_error(dev, SIMVIRTIO_ERR_ACCESS,
				     "driver status 0x%llx",
				     (unsigned long long)value);
		break;
	case R_QUEUE_SEL:
		if (value < SIMVIRTIO_NR_QUEUES)
			dev->queue_sel = value;
		else
			device_error(dev, SIMVIRTIO_ERR_ACCESS, "queue %llu",
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
			device_error(dev, SIMVIRTIO_ERR_CONFIG_LOCKED,
				     "queue %u address while enabled", sel);
		else
			dev->queue_addr[sel] = value;
		break;
	case R_DEVTABLE_ADDR:
		if (queue_enabled(dev, SIMVIRTIO_QUEUE_TX) ||
		    queue_enabled(dev, SIMVIRTIO_QUEUE_RX))
			device_error(dev, SIMVIRTIO_ERR_CONFIG_LOCKED,
				     "device table address while a queue is enabled");
		else
			dev->devtable_addr = value;
		break;
	case R_Q0_HEAD:
		write_index(dev, SIMVIRTIO_QUEUE_TX,
			    &dev->ctl_regs[SIMVIRTIO_QUEUE_TX].head, value);
		break;
	case R_Q1_TAIL:
		write_index(dev, SIMVIRTIO_QUEUE_RX,
			    &dev->ctl_regs[SIMVIRTIO_QUEUE_RX].tail, value);
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
		device_error(dev, SIMVIRTIO_ERR_ACCESS, "%u-byte %s at +0x%llx",
			     len, is_write ? "write" : "read",
			     (unsigned long long)offset);
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
		device_error(dev, SIMVIRTIO_ERR_READ_ONLY, "%s", regs[reg].name);
		return;
	}
	memcpy(&value, data, len);
	/* A failed device takes nothing but DRIVER_RESET. */
	if (device_failed(dev) &&
	    !(reg == R_DRIVER_STATUS && value == DRIVER_RESET)) {
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
